"""Changes to meetings. Moving or cancelling keeps the meeting's identity, raises its revision
and tells every participant by e-mail. Services flush and raise MeetingError."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forum import mail
from forum.accounts.models import Account
from forum.audit.services import record, snapshot
from forum.calendars.invitations import invitation
from forum.meetings.models import (
    AgendaItem,
    Answer,
    Meeting,
    MeetingAnswer,
    MeetingGuest,
    MeetingStatus,
)
from forum.meetings.queries import local_day, participants
from forum.roster.models import Person
from forum.timeutil import utcnow
from forum.urls import external_url

# What a calendar shows of a meeting: a change to any of them is a new revision.
CALENDAR_FIELDS = ("title", "start_at", "end_at", "venue", "address", "online_url",
                   "description", "status", "theme_id", "host_region_id")
# What participants must be told about.
TIME_AND_PLACE = ("start_at", "end_at", "venue", "address", "online_url")
AUDIT_FIELDS = CALENDAR_FIELDS + ("body_id", "prepares_id", "revision", "material_deadline")


class MeetingError(Exception):
    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def _check_times(start_at: datetime, end_at: datetime, material_deadline=None) -> None:
    if end_at <= start_at:
        raise MeetingError("end_time", gettext("The meeting must end after it starts."))
    if material_deadline is not None and material_deadline > local_day(start_at):
        raise MeetingError("material_deadline",
                           gettext("The material must be due on the meeting's day or before."))


def _check_prepares(session: Session, meeting: Meeting, prepares_id: int | None,
                    body_id: int) -> None:
    if prepares_id is None:
        return
    target = session.get(Meeting, prepares_id)
    # Judged against the body the meeting will have: a change may move it to the other body.
    if target is None or target.body_id == body_id or target.id == meeting.id:
        raise MeetingError(
            "prepares_id", gettext("Choose a meeting of the other body to prepare.")
        )


def create(session: Session, **fields) -> Meeting:
    _check_times(fields["start_at"], fields["end_at"], fields.get("material_deadline"))
    meeting = Meeting(**fields)
    _check_prepares(session, meeting, fields.get("prepares_id"), meeting.body_id)
    session.add(meeting)
    session.flush()
    record(session, "meeting_created", target=meeting, after=snapshot(meeting, *AUDIT_FIELDS))
    return meeting


def update(session: Session, meeting: Meeting, **fields) -> bool:
    """Change a meeting; returns whether participants were told (time or place changed)."""
    if meeting.is_cancelled:
        raise MeetingError(None, gettext("A cancelled meeting cannot be changed."))
    _check_times(fields.get("start_at", meeting.start_at), fields.get("end_at", meeting.end_at),
                 fields.get("material_deadline", meeting.material_deadline))
    _check_prepares(session, meeting, fields.get("prepares_id", meeting.prepares_id),
                    fields.get("body_id", meeting.body_id))
    before = snapshot(meeting, *AUDIT_FIELDS)
    moved = any(_differs(getattr(meeting, k), fields[k]) for k in TIME_AND_PLACE if k in fields)
    changed = any(_differs(getattr(meeting, k), fields[k]) for k in CALENDAR_FIELDS if k in fields)
    for name, value in fields.items():
        # Only what differs: the same moment given in Stockholm time is no change.
        if _differs(getattr(meeting, name), value):
            setattr(meeting, name, value)
    if changed:
        meeting.revision += 1
    session.flush()
    after = snapshot(meeting, *AUDIT_FIELDS)
    if after != before:
        record(session, "meeting_moved" if moved else "meeting_changed", target=meeting,
               before=before, after=after)
    if moved:
        notify(session, meeting, "moved")
    return moved


def _differs(a, b) -> bool:
    if isinstance(a, datetime) and isinstance(b, datetime):
        from datetime import UTC

        a = a if a.tzinfo else a.replace(tzinfo=UTC)
        b = b if b.tzinfo else b.replace(tzinfo=UTC)
    return a != b


def set_status(session: Session, meeting: Meeting, status: MeetingStatus, reason: str = "") -> None:
    if meeting.is_cancelled:
        raise MeetingError(None, gettext("The meeting is already cancelled."))
    if status is MeetingStatus.CANCELLED and not reason.strip():
        raise MeetingError("reason", gettext("Say why the meeting is cancelled."))
    if status is MeetingStatus.HELD and meeting.start_at > utcnow():
        raise MeetingError(None, gettext("A meeting can be marked held once it has started."))
    before = snapshot(meeting, "status", "revision")
    meeting.status = status
    meeting.revision += 1
    if status is MeetingStatus.CANCELLED:
        meeting.cancel_reason = reason.strip()
    session.flush()
    record(session, f"meeting_{status.value}", target=meeting, summary=reason.strip()[:200],
           before=before, after=snapshot(meeting, "status", "revision"))
    if status in (MeetingStatus.CANCELLED, MeetingStatus.CONFIRMED):
        notify(session, meeting, status.value)


def notify(session: Session, meeting: Meeting, what: str) -> int:
    """E-mail every participant with an address about a confirmation, move or cancellation,
    in their own language."""
    found = participants(session, meeting)
    people = [p.person for p in found]
    if not people:
        return 0
    answers = {p.person.id: p.answer_value for p in found}
    languages = dict(
        session.execute(
            select(Account.person_id, Account.language).where(
                Account.person_id.in_([p.id for p in people])
            )
        ).all()
    )
    link = external_url("meetings.meeting", meeting_id=meeting.id)
    sent = 0
    for person in people:
        if not person.email:
            continue
        language = languages.get(person.id, "sv")
        mail.queue(
            session,
            to=person.email,
            to_name=person.name,
            language=language,
            template="meeting_changed",
            kind=f"meeting_{what}",
            calendar=invitation(meeting, person, answers[person.id], language, what),
            meeting=meeting,
            what=what,
            person=person,
            answer=answers[person.id],
            link=link,
        )
        sent += 1
    return sent


def _refuse_if_cancelled(meeting: Meeting) -> None:
    if meeting.is_cancelled:
        raise MeetingError(None, gettext("A cancelled meeting cannot be changed."))


def add_agenda_item(session: Session, meeting: Meeting, *, title: str, presenter: str,
                    starts_at) -> AgendaItem:
    _refuse_if_cancelled(meeting)
    position = (session.scalar(
        select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id)
    ) or 0) + 1
    item = AgendaItem(meeting_id=meeting.id, position=position, title=title.strip(),
                      presenter=presenter.strip(), starts_at=starts_at)
    session.add(item)
    meeting.revision += 1  # the agenda is in the calendar's description
    session.flush()
    record(session, "agenda_item_added", target=meeting, summary=item.title[:200])
    return item


def remove_agenda_item(session: Session, item: AgendaItem) -> None:
    meeting = item.meeting
    _refuse_if_cancelled(meeting)
    title = item.title
    session.delete(item)
    session.flush()
    # Close the gap so that positions stay 1..n; park them first, as moving does, since the
    # rows are updated in their own order, not the agenda's.
    rest = list(session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
                                .order_by(AgendaItem.position)))
    for position, other in enumerate(rest, start=1):
        other.position = -position
    session.flush()
    for position, other in enumerate(rest, start=1):
        other.position = position
    meeting.revision += 1
    session.flush()
    record(session, "agenda_item_removed", target=meeting, summary=title[:200])


def move_agenda_item(session: Session, item: AgendaItem, step: int) -> None:
    _refuse_if_cancelled(item.meeting)
    items = list(session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == item.meeting_id)
                                 .order_by(AgendaItem.position)))
    index = items.index(item)
    other = index + step
    if not 0 <= other < len(items):
        return
    items[index], items[other] = items[other], items[index]
    # Positions are unique per meeting: park them out of the way before renumbering.
    for i, it in enumerate(items):
        it.position = -(i + 1)
    session.flush()
    for i, it in enumerate(items):
        it.position = i + 1
    item.meeting.revision += 1
    session.flush()


def invite_guest(session: Session, meeting: Meeting, person: Person) -> MeetingGuest:
    _refuse_if_cancelled(meeting)
    exists = session.scalar(select(MeetingGuest).where(
        MeetingGuest.meeting_id == meeting.id, MeetingGuest.person_id == person.id))
    if exists is not None:
        raise MeetingError("person_id", gettext("%(name)s is already invited.", name=person.name))
    if any(p.person.id == person.id for p in participants(session, meeting)):
        raise MeetingError(
            "person_id",
            gettext("%(name)s takes part as a member of the body already.", name=person.name),
        )
    guest = MeetingGuest(meeting_id=meeting.id, person_id=person.id)
    session.add(guest)
    session.flush()
    record(session, "guest_invited", target=meeting, person_id=person.id, summary=person.name)
    if person.email:
        language = session.scalar(
            select(Account.language).where(Account.person_id == person.id)) or "sv"
        mail.queue(session, to=person.email, to_name=person.name, language=language,
                   template="meeting_changed", kind="meeting_invitation",
                   calendar=invitation(meeting, person, None, language, "invited"),
                   meeting=meeting, what="invited", person=person, answer=None,
                   link=external_url("meetings.meeting", meeting_id=meeting.id))
    return guest


def remove_guest(session: Session, guest: MeetingGuest) -> None:
    _refuse_if_cancelled(guest.meeting)
    session.delete(guest)
    session.flush()
    record(session, "guest_removed", target=guest.meeting, person_id=guest.person_id)


def answer(
    session: Session,
    meeting: Meeting,
    person: Person,
    value: Answer,
    *,
    substitute_name: str = "",
    substitute_email: str = "",
) -> MeetingAnswer:
    """A participant answers the invitation; a substitute is recorded as attending for them."""
    if meeting.is_cancelled:
        raise MeetingError(None, gettext("The meeting is cancelled."))
    if meeting.end_at <= utcnow():
        raise MeetingError(None, gettext("The meeting has already taken place."))
    if value is Answer.SUBSTITUTE and not substitute_name.strip():
        raise MeetingError("substitute_name", gettext("Give the substitute's name."))
    existing = session.scalar(select(MeetingAnswer).where(
        MeetingAnswer.meeting_id == meeting.id, MeetingAnswer.person_id == person.id))
    before = snapshot(existing, "answer", "substitute_name") if existing else None
    if existing is None:
        existing = MeetingAnswer(meeting_id=meeting.id, person_id=person.id, answer=value)
        session.add(existing)
    existing.answer = value
    existing.substitute_name = substitute_name.strip() if value is Answer.SUBSTITUTE else ""
    existing.substitute_email = (
        substitute_email.strip().lower() if value is Answer.SUBSTITUTE else ""
    )
    existing.answered_at = utcnow()
    session.flush()
    record(session, "meeting_answered", target=meeting, person_id=person.id, before=before,
           after=snapshot(existing, "answer", "substitute_name"))
    return existing
