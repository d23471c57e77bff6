"""Fixtures and helpers shared by the calendar tests in tests/calendars/ (a pytest plugin,
listed in `pytest_plugins` in tests/conftest.py): meetings at Stockholm wall-clock times,
a calendar read by both parsers, personal feed addresses, and an empty cache of built feeds.

Every feed and file the tests fetch is read twice: by the `icalendar` library (the one the
builder uses) and by Mozilla's ical.js (the one Thunderbird uses, see calendar_fixtures.py).
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from flask_babel import force_locale
from sqlalchemy import select

from forum.calendars import feeds
from forum.meetings.models import AgendaItem, Meeting, MeetingStatus
from forum.strategy.models import StrategyPeriod
from forum.timeutil import STOCKHOLM, today

# Far enough ahead that meetings in it are still to come whenever the suite runs (members
# may answer them), and a fixed year so that dates can be written out.
FUTURE = today().year + 2
ONLINE = "https://meet.example.se/forum-hemlig-länk"
SECRET_AGENDA = "Regionernas läge – stängd dragning"


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    """A Stockholm wall-clock time as the UTC moment it is stored as."""
    return datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM).astimezone(UTC)


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def utc_text(moment: datetime) -> str:
    """A moment as ical.js reports it: "YYYY-MM-DDTHH:MM:SSZ"."""
    return aware(moment).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def english(client):
    """The client reads the pages in English from now on."""
    assert client.post("/language", data={"lang": "en", "next": "/"}).status_code == 302
    return client


@dataclass
class Read:
    """One iCalendar text as both parsers read it."""

    raw: bytes
    calendar: icalendar.Calendar  # icalendar.Calendar.from_ical
    js: dict  # ical_js.parse: {"calendar": {...}, "events": [...]}

    @property
    def events(self) -> list[icalendar.Event]:
        return list(self.calendar.walk("VEVENT"))

    def event(self, uid: str) -> tuple[icalendar.Event, dict]:
        """The event with this UID, from each parser."""
        found = [e for e in self.events if str(e["UID"]) == uid]
        found_js = [e for e in self.js["events"] if e["uid"] == uid]
        assert len(found) == 1 and len(found_js) == 1, f"{uid} is not in the calendar once"
        return found[0], found_js[0]

    def uids(self) -> list[str]:
        uids = [str(e["UID"]) for e in self.events]
        assert uids == [e["uid"] for e in self.js["events"]]
        return uids

    @property
    def text(self) -> str:
        """The unfolded text, for looking for things that must not be there."""
        return unfold(self.raw)


def unfold(raw: bytes) -> str:
    return re.sub(r"\r\n[ \t]", "", raw.decode("utf-8"))


@pytest.fixture
def read_ics(ical_js):
    """read_ics(bytes) -> Read: the text parsed by icalendar and by ical.js."""

    def read(raw: bytes) -> Read:
        assert isinstance(raw, bytes) and raw, "an empty calendar"
        return Read(raw, icalendar.Calendar.from_ical(raw), ical_js.parse(raw))

    return read


@pytest.fixture
def fresh_feeds():
    """The per-process cache of built feeds, empty before and after the test: a feed the
    test fetches is built from the database, not taken from an earlier test."""
    feeds.built_feeds.clear()
    yield feeds.built_feeds
    feeds.built_feeds.clear()


@pytest.fixture
def calendar_theme(session):
    """A theme of the 2021–2030 strategy, for CATEGORIES."""
    period = session.scalar(select(StrategyPeriod).where(StrategyPeriod.slug == "2021-2030"))
    return period.themes[0]


@pytest.fixture
def make_meeting(session, bodies):
    """make_meeting(start=at(...), body="politikerforum", hours=4, status=..., agenda=[...],
    **fields): a meeting, committed."""

    def make(start: datetime | None = None, body: str = "politikerforum", *, hours: float = 4,
             status: MeetingStatus = MeetingStatus.PLANNED, agenda: tuple[str, ...] = (),
             **fields) -> Meeting:
        start = start or at(FUTURE, 3, 10)
        fields.setdefault("title", f"Möte {body} {start:%Y-%m-%d %H%M}")
        fields.setdefault("venue", "Regionhuset Malmö")
        fields.setdefault("address", "Dockplatsen 26, Malmö")
        meeting = Meeting(body_id=bodies[body].id, start_at=start,
                          end_at=start + timedelta(hours=hours), status=status, **fields)
        session.add(meeting)
        session.flush()
        for position, title in enumerate(agenda, start=1):
            session.add(AgendaItem(meeting_id=meeting.id, position=position, title=title))
        session.commit()
        return meeting

    return make


@pytest.fixture
def personal_feed_url(app, session):
    """personal_feed_url(account) -> the path of a new personal feed (made as the profile
    page makes it), e.g. "/calendar/personal/<token>.ics"."""

    def make(account) -> str:
        with app.test_request_context():
            raw = feeds.issue_token(session, account)
        session.commit()
        return f"/calendar/personal/{raw}.ics"

    return make


@pytest.fixture
def in_request(app):
    """`with in_request(): services.update(...)`: a request context for calling services,
    in English, popped again before the test's client makes requests of its own (a client
    request inside a pushed context would share its `g`: its session and its user)."""

    @contextmanager
    def context():
        with app.test_request_context(), force_locale("en"):
            yield

    return context
