"""iCalendar (RFC 5545 with RFC 7986's properties) for meetings, built with `icalendar`.

One event per meeting. Its UID never changes and its SEQUENCE is the meeting's revision, so
that a calendar that has the meeting updates it in place. Times carry TZID=Europe/Stockholm
and each file has the VTIMEZONE that defines it. The text is in the language the caller has
put in force (feeds in the subscriber's language).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import parseaddr
from functools import lru_cache

from flask import current_app
from flask_babel import gettext
from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vDuration,
)

from forum.i18n import local
from forum.meetings.models import Answer, Meeting, MeetingStatus
from forum.timeutil import STOCKHOLM

PRODID = "-//Forum for sustainable regional development//Forum 1//SV"
TZID = "Europe/Stockholm"
# How often a subscribed calendar should fetch the feed again.
REFRESH = timedelta(hours=1)

STATUS = {
    MeetingStatus.PLANNED: "TENTATIVE",
    MeetingStatus.CONFIRMED: "CONFIRMED",
    MeetingStatus.HELD: "CONFIRMED",
    MeetingStatus.CANCELLED: "CANCELLED",
}
PARTSTAT = {
    Answer.ATTENDING: "ACCEPTED",
    Answer.DECLINED: "DECLINED",
    Answer.SUBSTITUTE: "DELEGATED",
}


@dataclass(frozen=True)
class Address:
    email: str
    name: str = ""

    def cal_address(self, **params: str) -> vCalAddress:
        address = vCalAddress(f"mailto:{self.email}")
        if self.name:
            address.params["CN"] = self.name
        for key, value in params.items():
            address.params[key.replace("_", "-").upper()] = value
        return address


def organizer() -> Address:
    """The secretariat: CALENDAR_ORGANIZER if set, else the sender of the forum's mail."""
    configured = current_app.config.get("CALENDAR_ORGANIZER") or current_app.config[
        "MAIL_DEFAULT_SENDER"
    ]
    name, email = parseaddr(configured)
    return Address(email or "forum@localhost", name)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _local(moment: datetime) -> datetime:
    return _aware(moment).astimezone(STOCKHOLM)


# --- the time zone ----------------------------------------------------------------------


def _offset(instant: datetime) -> timedelta:
    return instant.astimezone(STOCKHOLM).utcoffset() or timedelta(0)


def _transitions(first_year: int, last_year: int) -> list[tuple[datetime, timedelta, timedelta]]:
    """Every change of Stockholm's UTC offset in the years, as (UTC instant, from, to),
    read from the system's time zone database."""
    found = []
    day = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    before = _offset(day)
    while day < end:
        following = day + timedelta(days=1)
        after = _offset(following)
        if after != before:
            # Seconds since the epoch: offset(low) == before, offset(high) == after.
            low, high = int(day.timestamp()), int(following.timestamp())
            while high - low > 1:
                middle = (low + high) // 2
                if _offset(datetime.fromtimestamp(middle, UTC)) == before:
                    low = middle
                else:
                    high = middle
            found.append((datetime.fromtimestamp(high, UTC), before, after))
            before = after
        day = following
    return found


@lru_cache(maxsize=32)
def vtimezone(first_year: int, last_year: int) -> Timezone:
    """Europe/Stockholm for the years, from the time zone database.

    Each observance starts at the wall-clock time of its change in the offset it changes
    from (RFC 5545, 3.6.5): summer time starts at 02:00 and ends at 03:00. (The icalendar
    library's own Timezone.from_tzid gives 03:00 for both, which puts the spring change an
    hour late for a client that reads the VTIMEZONE rather than its own zone data.)
    """
    timezone = Timezone()
    timezone.add("tzid", TZID)
    timezone.add("x-lic-location", TZID)
    start = datetime(first_year, 1, 1, tzinfo=UTC)
    # The offset in force at the start of the range, so that every moment has an observance.
    initial = TimezoneDaylight() if (start.astimezone(STOCKHOLM).dst() or timedelta(0)) else (
        TimezoneStandard()
    )
    initial.add("dtstart", datetime(first_year, 1, 1))
    initial.add("tzname", start.astimezone(STOCKHOLM).tzname())
    initial.add("tzoffsetfrom", _offset(start))
    initial.add("tzoffsetto", _offset(start))
    timezone.add_component(initial)
    groups: dict[tuple[timedelta, timedelta, str], list[datetime]] = {}
    for instant, before, after in _transitions(first_year, last_year):
        name = instant.astimezone(STOCKHOLM).tzname() or ""
        groups.setdefault((before, after, name), []).append(
            (instant + before).replace(tzinfo=None)
        )
    for (before, after, name), onsets in groups.items():
        summer = after > before
        observance = TimezoneDaylight() if summer else TimezoneStandard()
        observance.add("dtstart", onsets[0])
        # One RDATE line per onset, the first repeated: Thunderbird's parser (ical.js, and
        # libical before it) reads only the first date of a list, and without an RRULE does
        # not count DTSTART itself as an onset.
        for onset in onsets:
            observance.add("rdate", onset)
        observance.add("tzname", name)
        observance.add("tzoffsetfrom", before)
        observance.add("tzoffsetto", after)
        timezone.add_component(observance)
    return timezone


# --- events -----------------------------------------------------------------------------


def summary(meeting: Meeting) -> str:
    # Google Calendar ignores STATUS:CANCELLED and would show a cancelled meeting as
    # planned: the title says it too.
    if meeting.is_cancelled:
        return gettext("Cancelled: %(title)s", title=meeting.title)
    return meeting.title


def location(meeting: Meeting, *, private: bool) -> str:
    place = ", ".join(part for part in (meeting.venue, meeting.address) if part)
    if not place and private and meeting.online_url:
        return meeting.online_url
    return place


def description(meeting: Meeting, *, private: bool, link: str, material_link: str = "") -> str:
    lines = [local(meeting.body, "name")]
    if meeting.theme is not None:
        lines.append(gettext("Theme: %(theme)s", theme=local(meeting.theme, "name")))
    if meeting.is_cancelled:
        lines.append("")
        lines.append(gettext("The meeting is cancelled.")
                     + (f" {meeting.cancel_reason}" if meeting.cancel_reason else ""))
    if meeting.description:
        lines += ["", meeting.description]
    if private:
        if meeting.online_url:
            lines += ["", gettext("Join online: %(url)s", url=meeting.online_url)]
        if meeting.agenda:
            lines += ["", gettext("Agenda:")]
            for item in meeting.agenda:
                at = f"{item.starts_at:%H.%M} " if item.starts_at else ""
                lines.append(f"{item.position}. {at}{item.title}")
        if material_link:
            lines += ["", gettext("Material: %(url)s", url=material_link)]
    lines += ["", gettext("More about the meeting: %(url)s", url=link)]
    return "\n".join(lines)


def event(
    meeting: Meeting,
    *,
    private: bool,
    link: str,
    by: Address,
    stamp: datetime | None = None,
    material_link: str = "",
    attendee: tuple[Address, Answer | None] | None = None,
) -> Event:
    """One meeting as a VEVENT. `private` adds what only participants see (the online
    link, the agenda, material). `stamp` is DTSTAMP: in feeds the meeting's last change,
    so that the same content gives the same bytes (a strong ETag); in e-mails the moment
    the invitation is made."""
    vevent = Event()
    vevent.add("uid", meeting.uid)
    vevent.add("dtstamp", _aware(stamp or meeting.updated_at).astimezone(UTC))
    vevent.add("created", _aware(meeting.created_at).astimezone(UTC))
    vevent.add("last-modified", _aware(meeting.updated_at).astimezone(UTC))
    vevent.add("sequence", meeting.revision)
    vevent.add("dtstart", _local(meeting.start_at))
    vevent.add("dtend", _local(meeting.end_at))
    vevent.add("summary", summary(meeting))
    vevent.add("description", description(meeting, private=private, link=link,
                                          material_link=material_link))
    place = location(meeting, private=private)
    if place:
        vevent.add("location", place)
    vevent.add("url", link)
    if meeting.theme is not None:
        vevent.add("categories", [local(meeting.theme, "name")])
    vevent.add("status", STATUS[meeting.status])
    vevent.add("transp", "TRANSPARENT" if meeting.is_cancelled else "OPAQUE")
    vevent.add("class", "PRIVATE" if private else "PUBLIC")
    vevent.add("organizer", by.cal_address())
    if attendee is not None:
        address, answer = attendee
        vevent.add(
            "attendee",
            address.cal_address(
                cutype="INDIVIDUAL",
                role="REQ-PARTICIPANT",
                partstat=PARTSTAT[answer] if answer else "NEEDS-ACTION",
                # Someone who has answered in Forum is not asked again.
                rsvp="FALSE" if answer else "TRUE",
            ),
        )
    return vevent


def _years(meetings: list[Meeting]) -> tuple[int, int]:
    if not meetings:
        this = date.today().year
        return this, this
    starts = [_local(m.start_at).year for m in meetings]
    ends = [_local(m.end_at).year for m in meetings]
    return min(starts), max(ends)


def calendar(
    name: str,
    meetings: list[Meeting],
    events: list[Event],
    *,
    method: str = "PUBLISH",
    about: str = "",
) -> bytes:
    """A whole iCalendar object: the feed's own name, the refresh hints, the VTIMEZONE for
    the years its meetings span, and the events."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    if name:
        cal.add("name", name)
        cal.add("x-wr-calname", name)
    if about:
        cal.add("description", about)
        cal.add("x-wr-caldesc", about)
    cal.add("x-wr-timezone", TZID)
    if method == "PUBLISH":
        cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", vDuration(REFRESH))
    cal.add_component(vtimezone(*_years(meetings)))
    for vevent in events:
        cal.add_component(vevent)
    return cal.to_ical()
