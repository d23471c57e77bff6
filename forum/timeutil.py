"""Time: stored in UTC, shown in Europe/Stockholm; "today" is the forum's local day."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def utcnow() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """Today's date in Stockholm, which is the day the forum's rules are judged on."""
    return datetime.now(STOCKHOLM).date()
