"""What the secretariat should act on: proposals waiting, nominations ending, long vacancies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from forum.proposals.models import NominationProposal, ProposalStatus
from forum.roster.models import Nomination, Region, Seat
from forum.roster.queries import regions_overview

ENDING_WITHIN = timedelta(days=60)
VACANT_LONGER_THAN = timedelta(days=30)


@dataclass
class Vacancy:
    region: Region
    seat: Seat
    since: date | None  # None: never held

    def days(self, today: date) -> int | None:
        return (today - self.since).days if self.since else None


def pending_proposals(session: Session) -> list[NominationProposal]:
    return list(
        session.scalars(
            select(NominationProposal)
            .where(NominationProposal.status == ProposalStatus.PENDING)
            .options(
                joinedload(NominationProposal.region),
                joinedload(NominationProposal.seat),
                joinedload(NominationProposal.body),
                joinedload(NominationProposal.person),
            )
            .order_by(NominationProposal.proposed_at)
        )
    )


def next_meetings(session: Session, limit: int = 4):
    from forum.meetings.models import Meeting, MeetingStatus
    from forum.timeutil import utcnow

    return list(
        session.scalars(
            select(Meeting)
            .where(Meeting.end_at >= utcnow(), Meeting.status != MeetingStatus.CANCELLED)
            .options(joinedload(Meeting.body), joinedload(Meeting.theme))
            .order_by(Meeting.start_at)
            .limit(limit)
        )
    )


def ending_soon(session: Session, today: date) -> list[Nomination]:
    return list(
        session.scalars(
            select(Nomination)
            .where(Nomination.end_date >= today, Nomination.end_date <= today + ENDING_WITHIN)
            .options(
                joinedload(Nomination.person),
                joinedload(Nomination.region),
                joinedload(Nomination.seat),
                joinedload(Nomination.body),
            )
            .order_by(Nomination.end_date, Nomination.id)
        )
    )


def long_vacancies(session: Session, today: date) -> list[Vacancy]:
    """Seats vacant today whose last holder left more than 30 days ago (or never came)."""
    _, overview = regions_overview(session, today)
    last_end = {
        (region_id, seat_id): end
        for region_id, seat_id, end in session.execute(
            select(Nomination.region_id, Nomination.seat_id, func.max(Nomination.end_date))
            .where(Nomination.end_date < today)
            .group_by(Nomination.region_id, Nomination.seat_id)
        )
    }
    found: list[Vacancy] = []
    for view in overview:
        for body_view in view.bodies:
            for seat_view in body_view.seats:
                if not seat_view.vacancies:
                    continue
                end = last_end.get((view.region.id, seat_view.seat.id))
                since = end + timedelta(days=1) if end else None
                if since is None or today - since > VACANT_LONGER_THAN:
                    found.append(Vacancy(view.region, seat_view.seat, since))
    return found
