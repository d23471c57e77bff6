"""Who may see what of a meeting: the one place the meeting pages ask."""

from __future__ import annotations

from forum.access import account, is_secretariat
from forum.db import db
from forum.meetings.models import Meeting
from forum.meetings.queries import is_participant


def takes_part(meeting: Meeting) -> bool:
    """The signed-in person is a member of the body on the meeting's date, or a guest."""
    user = account()
    return user is not None and is_participant(db.session, meeting, user.person_id)


def sees_details(meeting: Meeting) -> bool:
    """The online link, the agenda's details, participants' material: secretariat and
    participants. The public sees title, theme, time and place."""
    return is_secretariat() or takes_part(meeting)
