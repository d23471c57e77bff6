"""Who may read which document: the one place every material page, download, pack, search
and knowledge bank asks.

- public: everyone;
- participants: the body's members on the meeting's date and the meeting's invited guests
  (a member whose nomination has ended still reads the material of the meetings they took
  part in); a document without a meeting: the body's current members;
- secretariat: the secretariat only.
A withdrawn document is the secretariat's alone. Nobody else learns even its title.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, false, or_, true
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from forum.access import account, is_secretariat
from forum.db import db
from forum.material.models import Document, Visibility
from forum.meetings.queries import current_body_ids, participant_meeting_ids
from forum.timeutil import today


@dataclass(frozen=True)
class Reader:
    secretariat: bool = False
    meeting_ids: frozenset[int] = field(default_factory=frozenset)
    body_ids: frozenset[int] = field(default_factory=frozenset)

    def may_read(self, document: Document) -> bool:
        if self.secretariat:
            return True
        if document.withdrawn_at is not None:
            return False
        if document.visibility is Visibility.PUBLIC:
            return True
        if document.visibility is Visibility.PARTICIPANTS:
            if document.meeting_id is not None:
                return document.meeting_id in self.meeting_ids
            return document.body_id in self.body_ids
        return False

    def condition(self) -> ColumnElement[bool]:
        """The same rule as a WHERE clause over documents."""
        if self.secretariat:
            return true()
        participants = false()
        if self.meeting_ids or self.body_ids:
            participants = and_(
                Document.visibility == Visibility.PARTICIPANTS,
                or_(
                    Document.meeting_id.in_(sorted(self.meeting_ids)),
                    and_(Document.meeting_id.is_(None),
                         Document.body_id.in_(sorted(self.body_ids))),
                ),
            )
        return and_(Document.withdrawn_at.is_(None),
                    or_(Document.visibility == Visibility.PUBLIC, participants))


PUBLIC_READER = Reader()


def reader_for(session: Session, user) -> Reader:
    if user is None:
        return PUBLIC_READER
    if user.is_secretariat or user.is_admin:
        return Reader(secretariat=True)
    return Reader(
        meeting_ids=frozenset(participant_meeting_ids(session, user.person_id)),
        body_ids=frozenset(current_body_ids(session, user.person_id, today())),
    )


def current_reader() -> Reader:
    """The signed-in visitor as a reader, worked out once per request."""
    from flask import g

    found = g.get("material_reader")
    if found is None:
        found = g.material_reader = (
            Reader(secretariat=True) if is_secretariat() else reader_for(db.session, account())
        )
    return found
