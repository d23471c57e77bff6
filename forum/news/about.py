"""What the about-the-forum page shows: the bodies, the current strategy's themes, the
meetings held lately, and how to reach the secretariat. In a fixed number of queries."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from forum.meetings.models import Meeting, MeetingStatus
from forum.roster.models import Body, BodyKind
from forum.timeutil import utcnow

# The secretariat's public contact (seed 003): its functional mailbox and postal address,
# not a named official's, so that the page outlasts staff changes.
CONTACT = {
    "name": "Forum för hållbar regional utveckling",
    "organisation": "Tillväxtverket",
    "postal": ("Box 3034", "831 03 Östersund"),
    "email": "forum@tillvaxtverket.se",
    "website": "https://tillvaxtverket.se",
}
RECENT_MEETINGS = 4


def _held():
    return (Meeting.end_at < utcnow(), Meeting.status != MeetingStatus.CANCELLED)


def about_context(session: Session) -> dict:
    bodies = list(session.scalars(select(Body).order_by(Body.position, Body.id)))
    held = list(session.scalars(
        select(Meeting).where(*_held())
        .options(joinedload(Meeting.body), joinedload(Meeting.theme),
                 joinedload(Meeting.host_region))
        .order_by(Meeting.start_at.desc()).limit(RECENT_MEETINGS)
    ))
    return {
        "forum_bodies": [b for b in bodies if b.kind is BodyKind.FORUM],
        "groups": [b for b in bodies if b.kind is not BodyKind.FORUM],
        "held": held,
        "held_count": session.scalar(select(func.count(Meeting.id)).where(*_held())) or 0,
        "contact": CONTACT,
    }
