"""Reads for the roster pages, each in a fixed number of queries whatever the data."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from forum.roster.models import (
    Body,
    BodyKind,
    Nomination,
    Organisation,
    Person,
    Region,
    Seat,
)


@dataclass
class SeatView:
    """One seat of one region on one date: its holders, and how many places are vacant."""

    seat: Seat
    holders: list[Nomination] = field(default_factory=list)

    @property
    def vacancies(self) -> int:
        return max(self.seat.holders_per_region - len(self.holders), 0)


@dataclass
class BodyView:
    body: Body
    seats: list[SeatView]

    @property
    def vacancies(self) -> int:
        return sum(s.vacancies for s in self.seats)


@dataclass
class RegionView:
    region: Region
    bodies: list[BodyView]

    @property
    def vacancies(self) -> int:
        return sum(b.vacancies for b in self.bodies)


def forum_bodies(session: Session) -> list[Body]:
    """The bodies whose seats the regions fill, with their seats."""
    return list(
        session.scalars(
            select(Body)
            .where(Body.kind == BodyKind.FORUM)
            .options(selectinload(Body.seats))
            .order_by(Body.position, Body.id)
        )
    )


def current_on(on: date):
    return (Nomination.start_date <= on) & or_(
        Nomination.end_date.is_(None), Nomination.end_date >= on
    )


def _seat_views(bodies: list[Body], nominations: list[Nomination]) -> list[BodyView]:
    by_seat: dict[int, list[Nomination]] = defaultdict(list)
    for n in nominations:
        by_seat[n.seat_id].append(n)
    return [
        BodyView(
            body,
            [
                SeatView(seat, sorted(by_seat[seat.id], key=lambda n: (n.slot, n.start_date)))
                for seat in body.seats
            ],
        )
        for body in bodies
    ]


def regions_overview(
    session: Session, on: date, *, with_organisations: bool = False
) -> tuple[list[Body], list[RegionView]]:
    """Every region with the holders of each seat on a date."""
    bodies = forum_bodies(session)
    regions = list(session.scalars(select(Region).order_by(Region.code)))
    person = joinedload(Nomination.person)
    if with_organisations:
        person = person.joinedload(Person.organisation)
    nominations = list(session.scalars(select(Nomination).where(current_on(on)).options(person)))
    by_region: dict[int, list[Nomination]] = defaultdict(list)
    for n in nominations:
        by_region[n.region_id].append(n)
    return bodies, [RegionView(r, _seat_views(bodies, by_region[r.id])) for r in regions]


@dataclass
class RegionPage:
    region: RegionView
    history: list[Nomination]
    organisations: list[Organisation]


def region_page(session: Session, code: str, on: date) -> RegionPage | None:
    region = session.scalar(
        select(Region).where(Region.code == code).options(selectinload(Region.organisations))
    )
    if region is None:
        return None
    bodies = forum_bodies(session)
    history = list(
        session.scalars(
            select(Nomination)
            .where(Nomination.region_id == region.id)
            .options(
                joinedload(Nomination.person),
                joinedload(Nomination.seat),
                joinedload(Nomination.body),
                joinedload(Nomination.nominated_by),
            )
            .order_by(Nomination.start_date.desc(), Nomination.id.desc())
        )
    )
    current = [n for n in history if n.is_current(on)]
    return RegionPage(
        RegionView(region, _seat_views(bodies, current)), history, region.organisations
    )


def person_page(session: Session, person_id: int) -> Person | None:
    return session.scalar(
        select(Person)
        .where(Person.id == person_id)
        .options(
            joinedload(Person.organisation),
            selectinload(Person.nominations).options(
                joinedload(Nomination.region),
                joinedload(Nomination.seat),
                joinedload(Nomination.body),
                joinedload(Nomination.nominated_by),
            ),
        )
    )


def nomination(session: Session, nomination_id: int) -> Nomination | None:
    return session.scalar(
        select(Nomination)
        .where(Nomination.id == nomination_id)
        .options(
            joinedload(Nomination.person),
            joinedload(Nomination.region),
            joinedload(Nomination.seat),
            joinedload(Nomination.body),
        )
    )


def people(session: Session, search: str = "") -> list[Person]:
    query = select(Person).options(joinedload(Person.organisation))
    words = search.split()
    for word in words:
        pattern = f"%{word}%"
        query = query.where(
            or_(
                Person.given_name.ilike(pattern),
                Person.family_name.ilike(pattern),
                Person.title.ilike(pattern),
            )
        )
    return list(session.scalars(query.order_by(Person.family_name, Person.given_name)))


def organisations(session: Session) -> list[Organisation]:
    return list(
        session.scalars(
            select(Organisation)
            .options(joinedload(Organisation.region))
            .order_by(Organisation.kind, Organisation.name)
        )
    )


@dataclass
class RosterRow:
    region: Region
    body: Body
    seat: Seat
    nomination: Nomination | None


def roster_rows(session: Session, on: date) -> list[RosterRow]:
    """The roster on a date, a row per held or vacant place, for export."""
    _, regions = regions_overview(session, on, with_organisations=True)
    rows: list[RosterRow] = []
    for view in regions:
        for body_view in view.bodies:
            for seat_view in body_view.seats:
                for n in seat_view.holders:
                    rows.append(RosterRow(view.region, body_view.body, seat_view.seat, n))
                for _ in range(seat_view.vacancies):
                    rows.append(RosterRow(view.region, body_view.body, seat_view.seat, None))
    return rows
