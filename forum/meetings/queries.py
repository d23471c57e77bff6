"""Reads for meetings: lists, one meeting with what its page shows, its participants."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from forum.meetings.models import Answer, Meeting, MeetingAnswer, MeetingGuest, MeetingStatus
from forum.roster.models import Nomination, Person
from forum.roster.queries import current_on
from forum.timeutil import STOCKHOLM


def local_day(moment: datetime) -> date:
    if moment.tzinfo is None:
        from datetime import UTC

        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(STOCKHOLM).date()


@dataclass
class Participant:
    person: Person
    kind: str  # "member" or "guest"
    nomination: Nomination | None
    answer: MeetingAnswer | None

    @property
    def answer_value(self) -> Answer | None:
        return self.answer.answer if self.answer else None


def participants(session: Session, meeting: Meeting) -> list[Participant]:
    """The body's members on the meeting's date, then the invited guests, with answers."""
    on = local_day(meeting.start_at)
    members = session.scalars(
        select(Nomination)
        .where(Nomination.body_id == meeting.body_id, current_on(on))
        .options(joinedload(Nomination.person), joinedload(Nomination.region),
                 joinedload(Nomination.seat))
    ).all()
    guests = session.scalars(
        select(MeetingGuest)
        .where(MeetingGuest.meeting_id == meeting.id)
        .options(joinedload(MeetingGuest.person).joinedload(Person.organisation))
    ).all()
    answers = {
        a.person_id: a
        for a in session.scalars(select(MeetingAnswer).where(MeetingAnswer.meeting_id == meeting.id))
    }
    result = [
        Participant(n.person, "member", n, answers.get(n.person_id))
        for n in sorted(members, key=lambda n: (n.region.code, n.seat.position, n.slot))
    ]
    member_ids = {p.person.id for p in result}
    result += [
        Participant(g.person, "guest", None, answers.get(g.person_id))
        for g in sorted(guests, key=lambda g: (g.person.family_name, g.person.given_name))
        if g.person_id not in member_ids
    ]
    return result


def is_participant(session: Session, meeting: Meeting, person_id: int) -> bool:
    on = local_day(meeting.start_at)
    member = session.scalar(
        select(Nomination.id)
        .where(Nomination.body_id == meeting.body_id, Nomination.person_id == person_id,
               current_on(on))
        .limit(1)
    )
    if member is not None:
        return True
    return session.scalar(
        select(MeetingGuest.id).where(
            MeetingGuest.meeting_id == meeting.id, MeetingGuest.person_id == person_id
        )
    ) is not None


def meeting_page(session: Session, meeting_id: int) -> Meeting | None:
    return session.scalar(
        select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(
            joinedload(Meeting.body),
            joinedload(Meeting.theme),
            joinedload(Meeting.host_region),
            joinedload(Meeting.prepares),
            selectinload(Meeting.prepared_by),
            selectinload(Meeting.agenda),
            joinedload(Meeting.minutes),
        )
    )


def _filtered(query, body_id: int | None, theme_id: int | None, year: int | None):
    if body_id is not None:
        query = query.where(Meeting.body_id == body_id)
    if theme_id is not None:
        query = query.where(Meeting.theme_id == theme_id)
    if year is not None:
        start = datetime(year, 1, 1, tzinfo=STOCKHOLM)
        end = datetime(year + 1, 1, 1, tzinfo=STOCKHOLM)
        query = query.where(Meeting.start_at >= start, Meeting.start_at < end)
    return query


def _listed():
    return select(Meeting).options(
        joinedload(Meeting.body), joinedload(Meeting.theme), joinedload(Meeting.host_region)
    )


def meetings(
    session: Session,
    *,
    body_id: int | None = None,
    theme_id: int | None = None,
    year: int | None = None,
) -> list[Meeting]:
    query = _filtered(_listed(), body_id, theme_id, year)
    return list(session.scalars(query.order_by(Meeting.start_at, Meeting.id)))


# Held meetings are listed newest first, this many a page: twenty years make 2,000.
PAST_PER_PAGE = 25


@dataclass(frozen=True)
class MeetingList:
    upcoming: list[Meeting]
    past: list[Meeting]  # the page asked for, newest first
    past_total: int
    page: int
    pages: int


def meeting_list(
    session: Session,
    now: datetime,
    *,
    page: int = 1,
    body_id: int | None = None,
    theme_id: int | None = None,
    year: int | None = None,
) -> MeetingList:
    """The meetings list: every meeting still to come (a year or two of them), and one page
    of those held. A page beyond the last shows the last."""
    upcoming = list(session.scalars(
        _filtered(_listed(), body_id, theme_id, year)
        .where(Meeting.end_at >= now).order_by(Meeting.start_at, Meeting.id)))
    total = session.scalar(_filtered(select(func.count(Meeting.id)), body_id, theme_id, year)
                           .where(Meeting.end_at < now)) or 0
    pages = max(1, -(-total // PAST_PER_PAGE))
    page = min(max(page, 1), pages)
    past = list(session.scalars(
        _filtered(_listed(), body_id, theme_id, year)
        .where(Meeting.end_at < now).order_by(Meeting.start_at.desc(), Meeting.id.desc())
        .limit(PAST_PER_PAGE).offset((page - 1) * PAST_PER_PAGE)))
    return MeetingList(upcoming, past, total, page, pages)


def meetings_of_person(session: Session, person_id: int, since: datetime) -> list[Meeting]:
    """Meetings the person takes part in (as member on the date, or guest), from a moment."""
    candidates = session.scalars(
        select(Meeting)
        .where(Meeting.end_at >= since)
        .options(joinedload(Meeting.body), joinedload(Meeting.theme),
                 joinedload(Meeting.host_region))
        .order_by(Meeting.start_at)
    ).all()
    nominations = session.scalars(select(Nomination).where(Nomination.person_id == person_id)).all()
    guest_of = set(
        session.scalars(select(MeetingGuest.meeting_id).where(MeetingGuest.person_id == person_id))
    )
    found = []
    for m in candidates:
        on = local_day(m.start_at)
        if m.id in guest_of or any(n.body_id == m.body_id and n.is_current(on) for n in nominations):
            found.append(m)
    return found


def answers_of(session: Session, person_id: int, meeting_ids: list[int]) -> dict[int, MeetingAnswer]:
    if not meeting_ids:
        return {}
    return {
        a.meeting_id: a
        for a in session.scalars(
            select(MeetingAnswer).where(
                MeetingAnswer.person_id == person_id, MeetingAnswer.meeting_id.in_(meeting_ids)
            )
        )
    }


def years_with_meetings(session: Session) -> list[int]:
    rows = session.execute(select(Meeting.start_at)).scalars().all()
    return sorted({local_day(r).year for r in rows}, reverse=True)


__all__ = ["MeetingStatus", "extract"]


def participant_meeting_ids(session: Session, person_id: int) -> set[int]:
    """The meetings a person takes part in, at any time: as a member of the body on the
    meeting's date, or as an invited guest. Ids only, for access checks over many rows."""
    nominations = session.execute(
        select(Nomination.body_id, Nomination.start_date, Nomination.end_date)
        .where(Nomination.person_id == person_id)
    ).all()
    found = set(session.scalars(
        select(MeetingGuest.meeting_id).where(MeetingGuest.person_id == person_id)))
    bodies = {n.body_id for n in nominations}
    if bodies:
        for meeting_id, body_id, start_at in session.execute(
            select(Meeting.id, Meeting.body_id, Meeting.start_at)
            .where(Meeting.body_id.in_(sorted(bodies)))
        ):
            on = local_day(start_at)
            if any(n.body_id == body_id and n.start_date <= on
                   and (n.end_date is None or on <= n.end_date) for n in nominations):
                found.add(meeting_id)
    return found


def current_body_ids(session: Session, person_id: int, on: date) -> set[int]:
    return set(session.scalars(
        select(Nomination.body_id).where(Nomination.person_id == person_id, current_on(on))))
