"""Reads for the bodies' pages, each in a fixed number of queries whatever the data."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from forum.material.access import Reader
from forum.material.models import Document
from forum.meetings.models import Meeting, MeetingStatus
from forum.roster.models import Body, BodyKind, Nomination, Person, Region
from forum.roster.queries import current_on
from forum.timeutil import STOCKHOLM


@dataclass
class BodySummary:
    body: Body
    members: int
    next_meeting: Meeting | None


@dataclass
class BodyPage:
    body: Body
    on: date
    current: list[Nomination]
    former: list[Nomination]
    upcoming: list[Meeting]
    held: list[Meeting]
    reports: list[Document]
    material: list[Document] = field(default_factory=list)

    @property
    def by_region(self) -> list[tuple[Region | None, list[Nomination]]]:
        """The current members grouped by region, regions in county-code order and those
        from no region (agencies, organisations) last."""
        groups: dict[int | None, list[Nomination]] = {}
        regions: dict[int | None, Region | None] = {}
        for n in self.current:
            groups.setdefault(n.region_id, []).append(n)
            regions[n.region_id] = n.region
        keys = sorted(groups, key=lambda k: (k is None, regions[k].code if regions[k] else ""))
        return [(regions[k], groups[k]) for k in keys]


KIND_ORDER = {BodyKind.FORUM: 0, BodyKind.WORKING_GROUP: 1, BodyKind.NETWORK: 2}


def bodies(session: Session, on: date) -> list[BodySummary]:
    """Every body: the forum's first, then working groups and networks; in three queries."""
    found = list(
        session.scalars(select(Body).options(selectinload(Body.themes)).order_by(Body.position, Body.id))
    )
    counts = dict(
        session.execute(
            select(Nomination.body_id, func.count(Nomination.id))
            .where(current_on(on))
            .group_by(Nomination.body_id)
        ).all()
    )
    start = datetime.combine(on, time.min, STOCKHOLM)
    firsts = (
        select(Meeting.body_id, func.min(Meeting.start_at).label("first"))
        .where(Meeting.start_at >= start, Meeting.status != MeetingStatus.CANCELLED)
        .group_by(Meeting.body_id)
        .subquery()
    )
    upcoming = {
        m.body_id: m
        for m in session.scalars(
            select(Meeting).join(
                firsts, (Meeting.body_id == firsts.c.body_id) & (Meeting.start_at == firsts.c.first)
            )
        )
    }
    found.sort(key=lambda b: (KIND_ORDER[b.kind], b.closed_on is not None, b.position, local_name(b)))
    return [BodySummary(b, counts.get(b.id, 0), upcoming.get(b.id)) for b in found]


def local_name(body: Body) -> str:
    from forum.i18n import local

    return local(body, "name").casefold()


def body_page(session: Session, slug: str, on: date, reader: Reader) -> BodyPage | None:
    body = session.scalar(
        select(Body)
        .where(Body.slug == slug)
        .options(selectinload(Body.seats), selectinload(Body.themes))
    )
    if body is None:
        return None
    nominations = list(
        session.scalars(
            select(Nomination)
            .where(Nomination.body_id == body.id)
            .options(
                joinedload(Nomination.person).joinedload(Person.organisation),
                joinedload(Nomination.region),
                joinedload(Nomination.seat),
                joinedload(Nomination.nominated_by),
            )
            .order_by(Nomination.start_date.desc(), Nomination.id.desc())
        )
    )
    seat_order = {s.id: s.position for s in body.seats}
    current = sorted(
        (n for n in nominations if n.is_current(on)),
        key=lambda n: (seat_order.get(n.seat_id, 0), n.region.code if n.region else "~",
                       n.person.family_name, n.person.given_name),
    )
    former = [n for n in nominations if n.end_date is not None and n.end_date < on]
    start = datetime.combine(on, time.min, STOCKHOLM)
    meetings = list(
        session.scalars(
            select(Meeting)
            .where(Meeting.body_id == body.id)
            .options(joinedload(Meeting.theme), joinedload(Meeting.host_region))
            .order_by(Meeting.start_at)
        )
    )
    upcoming = [m for m in meetings if m.start_at >= start]
    held = [m for m in reversed(meetings) if m.start_at < start]
    reports = list(
        session.scalars(
            select(Document)
            .where(Document.reported_by_id == body.id, reader.condition())
            .options(joinedload(Document.meeting).joinedload(Meeting.body))
            .order_by(Document.created_at.desc(), Document.id.desc())
        )
    )
    material = list(
        session.scalars(
            select(Document)
            .where(
                Document.body_id == body.id,
                Document.meeting_id.is_(None),
                or_(Document.reported_by_id.is_(None), Document.reported_by_id != body.id),
                reader.condition(),
            )
            .order_by(Document.created_at.desc(), Document.id.desc())
            .limit(50)
        )
    )
    return BodyPage(body, on, current, former, upcoming, held, reports, material)


def kind_counts(summaries: list[BodySummary]) -> Counter:
    return Counter(s.body.kind for s in summaries)
