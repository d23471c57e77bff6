"""The iCalendar part of a meeting e-mail (iTIP over e-mail, RFC 6047): REQUEST when a
participant is invited or the meeting is confirmed or moved, CANCEL when it is cancelled.
The UID and SEQUENCE are the feeds' own, so a calendar that has the meeting from a feed or
an earlier mail updates that one event."""

from __future__ import annotations

from flask_babel import force_locale

from forum.calendars import ics
from forum.meetings.models import Answer, Meeting
from forum.roster.models import Person
from forum.timeutil import utcnow
from forum.urls import external_url


def method_for(what: str) -> str:
    return "CANCEL" if what == "cancelled" else "REQUEST"


def invitation(meeting: Meeting, person: Person, answer: Answer | None, language: str,
               what: str) -> tuple[str, bytes]:
    """(method, iCalendar object) for one participant, in their language."""
    method = method_for(what)
    with force_locale(language):
        link = external_url("meetings.meeting", meeting_id=meeting.id)
        vevent = ics.event(
            meeting,
            private=True,
            by=ics.organizer(),
            link=link,
            stamp=utcnow(),
            material_link=link + "#material",
            attendee=(ics.Address(person.email or "", person.name), answer),
        )
        return method, ics.calendar("", [meeting], [vevent], method=method)
