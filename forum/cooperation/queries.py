"""Reads of the register, each in a fixed number of statements: who sees which entries, the
filtered list a page at a time, one entry, proposals waiting, the region × theme matrix,
the countries overview and a region's summary.

A region takes part in an entry as one of the regions involved or as a party of the kind
Swedish region; both count wherever entries are counted per region.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select, union
from sqlalchemy.orm import Session, joinedload, selectinload

from forum.accounts.models import Account
from forum.cooperation import countries
from forum.cooperation.models import (
    Cooperation,
    CooperationArea,
    CooperationFunder,
    CooperationKind,
    CooperationParty,
    CooperationStatus,
    CooperationVisibility,
    cooperation_entry_areas,
    cooperation_regions,
    cooperation_themes,
)
from forum.roster.models import Region
from forum.strategy.models import StrategyPeriod, Theme
from forum.timeutil import today

PAGE_SIZE = 25


# --- who sees what ------------------------------------------------------------------------


@dataclass(frozen=True)
class Viewer:
    """Who is looking: the secretariat sees everything; a region's contact also sees their
    region's own proposals; everyone else approved public entries."""

    secretariat: bool = False
    region_id: int | None = None

    @classmethod
    def of(cls, account: Account | None) -> Viewer:
        if account is None:
            return cls()
        return cls(
            secretariat=bool(account.is_secretariat or account.is_admin),
            region_id=account.contact_region_id,
        )


def in_register(viewer: Viewer) -> ColumnElement[bool]:
    """The approved entries this viewer may read: the register, its matrix, its countries
    and its exports."""
    approved = Cooperation.status == CooperationStatus.APPROVED
    if viewer.secretariat:
        return approved
    readable = Cooperation.visibility == CooperationVisibility.PUBLIC
    if viewer.region_id is not None:
        readable = or_(readable, Cooperation.proposing_region_id == viewer.region_id)
    return and_(approved, readable)


def may_see(entry: Cooperation, viewer: Viewer) -> bool:
    if viewer.secretariat:
        return True
    if viewer.region_id is not None and entry.proposing_region_id == viewer.region_id:
        return True
    return entry.is_approved and entry.is_public


def region_links():
    """(cooperation_id, region_id) for every region taking part in an entry."""
    return union(
        select(cooperation_regions.c.cooperation_id, cooperation_regions.c.region_id),
        select(CooperationParty.cooperation_id, CooperationParty.region_id)
        .where(CooperationParty.region_id.is_not(None)),
    ).subquery("region_links")


# --- the list -----------------------------------------------------------------------------


@dataclass
class Filters:
    region: Region | None = None
    theme_id: int | None = None
    area_id: int | None = None
    kind: CooperationKind | None = None
    country: str | None = None
    on: date | None = None  # active on this day
    q: str = ""

    @property
    def any(self) -> bool:
        return any((self.region, self.theme_id, self.area_id, self.kind, self.country,
                    self.on, self.q))


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _where(viewer: Viewer, filters: Filters) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = [in_register(viewer)]
    if filters.region is not None:
        links = region_links()
        clauses.append(Cooperation.id.in_(
            select(links.c.cooperation_id).where(links.c.region_id == filters.region.id)))
    if filters.theme_id is not None:
        clauses.append(Cooperation.id.in_(
            select(cooperation_themes.c.cooperation_id)
            .where(cooperation_themes.c.theme_id == filters.theme_id)))
    if filters.area_id is not None:
        clauses.append(Cooperation.id.in_(
            select(cooperation_entry_areas.c.cooperation_id)
            .where(cooperation_entry_areas.c.area_id == filters.area_id)))
    if filters.kind is not None:
        clauses.append(Cooperation.kind == filters.kind)
    if filters.country:
        clauses.append(Cooperation.id.in_(
            select(CooperationParty.cooperation_id)
            .where(CooperationParty.country == filters.country)))
    if filters.on is not None:
        clauses.append(Cooperation.start_date <= filters.on)
        clauses.append(or_(Cooperation.end_date.is_(None), Cooperation.end_date >= filters.on))
    if filters.q.strip():
        pattern = _like(filters.q.strip())
        clauses.append(or_(
            Cooperation.title.ilike(pattern, escape="\\"),
            Cooperation.description.ilike(pattern, escape="\\"),
            Cooperation.id.in_(select(CooperationParty.cooperation_id)
                               .where(CooperationParty.name.ilike(pattern, escape="\\"))),
            Cooperation.id.in_(select(CooperationFunder.cooperation_id)
                               .where(CooperationFunder.name.ilike(pattern, escape="\\"))),
        ))
    return clauses


def _listed() -> list[Any]:
    return [
        selectinload(Cooperation.regions),
        selectinload(Cooperation.parties).joinedload(CooperationParty.region),
        selectinload(Cooperation.themes),
        selectinload(Cooperation.areas),
    ]


def _ordered(query: Select) -> Select:
    return query.order_by(Cooperation.start_date.desc(), Cooperation.title, Cooperation.id)


@dataclass
class ListPage:
    entries: list[Cooperation]
    total: int
    page: int

    @property
    def pages(self) -> int:
        return max((self.total + PAGE_SIZE - 1) // PAGE_SIZE, 1)


def entries_page(session: Session, viewer: Viewer, filters: Filters, page: int = 1) -> ListPage:
    where = _where(viewer, filters)
    total = session.scalar(select(func.count(Cooperation.id)).where(*where)) or 0
    page = min(max(page, 1), max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1))
    rows = session.scalars(
        _ordered(select(Cooperation).where(*where).options(*_listed()))
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    return ListPage(list(rows), total, page)


def export_rows(session: Session, viewer: Viewer, filters: Filters) -> list[Cooperation]:
    """Every entry the filters find, with all that a row of the export shows."""
    return list(session.scalars(
        _ordered(select(Cooperation).where(*_where(viewer, filters)))
        .options(*_listed(), selectinload(Cooperation.funders))
    ).all())


def entry(session: Session, cooperation_id: int) -> Cooperation | None:
    return session.scalar(
        select(Cooperation).where(Cooperation.id == cooperation_id).options(
            *_listed(),
            selectinload(Cooperation.funders),
            selectinload(Cooperation.themes).joinedload(Theme.period),
            joinedload(Cooperation.proposing_region),
            joinedload(Cooperation.proposed_by).joinedload(Account.person),
            joinedload(Cooperation.decided_by).joinedload(Account.person),
        )
    )


def proposals(session: Session, viewer: Viewer) -> list[Cooperation]:
    """The secretariat: every proposal waiting or returned. A region's contact: their
    region's proposals, also those approved."""
    query = select(Cooperation).options(
        *_listed(), joinedload(Cooperation.proposing_region),
        joinedload(Cooperation.proposed_by).joinedload(Account.person))
    if viewer.secretariat:
        query = query.where(Cooperation.status != CooperationStatus.APPROVED)
    elif viewer.region_id is not None:
        query = query.where(Cooperation.proposing_region_id == viewer.region_id)
    else:
        query = query.where(false())
    return list(session.scalars(
        query.order_by(Cooperation.proposed_at.desc(), Cooperation.id.desc()).limit(500)))


def waiting(session: Session) -> list[Cooperation]:
    """Proposals waiting for the secretariat, oldest first (the dashboard)."""
    return list(session.scalars(
        select(Cooperation).where(Cooperation.status == CooperationStatus.PROPOSED)
        .options(joinedload(Cooperation.proposing_region))
        .order_by(Cooperation.proposed_at, Cooperation.id)
    ))


def waiting_count(session: Session) -> int:
    return session.scalar(select(func.count(Cooperation.id))
                          .where(Cooperation.status == CooperationStatus.PROPOSED)) or 0


# --- choices for the filters ----------------------------------------------------------------


def regions(session: Session) -> list[Region]:
    return list(session.scalars(select(Region).order_by(Region.code)))


def areas(session: Session) -> list[CooperationArea]:
    return list(session.scalars(select(CooperationArea).order_by(CooperationArea.position,
                                                                 CooperationArea.id)))


def countries_in_use(session: Session, viewer: Viewer) -> list[str]:
    return list(session.scalars(
        select(CooperationParty.country).distinct()
        .join(Cooperation, Cooperation.id == CooperationParty.cooperation_id)
        .where(CooperationParty.country.is_not(None), in_register(viewer))
    ))


# --- the region × theme matrix ----------------------------------------------------------------


@dataclass
class Column:
    kind: str  # "theme" or "area"
    id: int
    label: str
    total: int = 0


@dataclass
class MatrixRow:
    region: Region
    cells: list[int]
    total: int


@dataclass
class Matrix:
    period: StrategyPeriod | None
    columns: list[Column]
    rows: list[MatrixRow]
    total: int
    theme_count: int = 0

    @property
    def themes(self) -> list[Column]:
        return self.columns[: self.theme_count]

    @property
    def areas(self) -> list[Column]:
        return self.columns[self.theme_count:]


def periods(session: Session) -> list[StrategyPeriod]:
    return list(session.scalars(select(StrategyPeriod).order_by(StrategyPeriod.start_date.desc())))


def current_period(choices: list[StrategyPeriod], on: date | None = None) -> StrategyPeriod | None:
    on = on or today()
    for period in choices:
        if period.covers(on):
            return period
    return choices[0] if choices else None


def matrix(session: Session, viewer: Viewer, period: StrategyPeriod | None,
           label: Any) -> Matrix:
    """Rows the 21 regions, columns the period's themes then the areas; each cell the
    number of entries in the register with that region and that theme or area. An entry
    with several themes counts in several cells; totals count each entry once."""
    visible = in_register(viewer)
    links = region_links()
    themes = list(session.scalars(
        select(Theme).where(Theme.period_id == period.id).order_by(Theme.position)
    )) if period is not None else []
    all_areas = areas(session)
    columns = ([Column("theme", t.id, label(t)) for t in themes]
               + [Column("area", a.id, label(a)) for a in all_areas])
    theme_ids = [t.id for t in themes]

    counted = func.count(func.distinct(Cooperation.id))
    cells: dict[tuple[int, str, int], int] = {}
    if theme_ids:
        for region_id, theme_id, n in session.execute(
            select(links.c.region_id, cooperation_themes.c.theme_id, counted)
            .join(Cooperation, Cooperation.id == links.c.cooperation_id)
            .join(cooperation_themes, cooperation_themes.c.cooperation_id == Cooperation.id)
            .where(visible, cooperation_themes.c.theme_id.in_(theme_ids))
            .group_by(links.c.region_id, cooperation_themes.c.theme_id)
        ):
            cells[(region_id, "theme", theme_id)] = n
    for region_id, area_id, n in session.execute(
        select(links.c.region_id, cooperation_entry_areas.c.area_id, counted)
        .join(Cooperation, Cooperation.id == links.c.cooperation_id)
        .join(cooperation_entry_areas, cooperation_entry_areas.c.cooperation_id == Cooperation.id)
        .where(visible)
        .group_by(links.c.region_id, cooperation_entry_areas.c.area_id)
    ):
        cells[(region_id, "area", area_id)] = n
    row_totals = dict(session.execute(
        select(links.c.region_id, counted)
        .join(Cooperation, Cooperation.id == links.c.cooperation_id)
        .where(visible).group_by(links.c.region_id)
    ).all())
    column_totals: dict[tuple[str, int], int] = {}
    if theme_ids:
        for theme_id, n in session.execute(
            select(cooperation_themes.c.theme_id, counted)
            .join(Cooperation, Cooperation.id == cooperation_themes.c.cooperation_id)
            .where(visible, cooperation_themes.c.theme_id.in_(theme_ids))
            .group_by(cooperation_themes.c.theme_id)
        ):
            column_totals[("theme", theme_id)] = n
    for area_id, n in session.execute(
        select(cooperation_entry_areas.c.area_id, counted)
        .join(Cooperation, Cooperation.id == cooperation_entry_areas.c.cooperation_id)
        .where(visible).group_by(cooperation_entry_areas.c.area_id)
    ):
        column_totals[("area", area_id)] = n
    for column in columns:
        column.total = column_totals.get((column.kind, column.id), 0)
    total = session.scalar(select(func.count(Cooperation.id)).where(visible)) or 0
    rows = [
        MatrixRow(region, [cells.get((region.id, c.kind, c.id), 0) for c in columns],
                  row_totals.get(region.id, 0))
        for region in regions(session)
    ]
    return Matrix(period, columns, rows, total, theme_count=len(themes))


# --- countries ------------------------------------------------------------------------------


@dataclass
class CountryRow:
    code: str
    name: str
    count: int
    regions: list[Region] = field(default_factory=list)


def countries_overview(session: Session, viewer: Viewer, lang: str) -> list[CountryRow]:
    """Per country of a party: how many entries in the register, and the regions taking
    part in them."""
    visible = in_register(viewer)
    counts = session.execute(
        select(CooperationParty.country, func.count(func.distinct(Cooperation.id)))
        .join(Cooperation, Cooperation.id == CooperationParty.cooperation_id)
        .where(visible, CooperationParty.country.is_not(None))
        .group_by(CooperationParty.country)
    ).all()
    links = region_links()
    pairs = session.execute(
        select(CooperationParty.country, Region).distinct()
        .join(Cooperation, Cooperation.id == CooperationParty.cooperation_id)
        .join(links, links.c.cooperation_id == Cooperation.id)
        .join(Region, Region.id == links.c.region_id)
        .where(visible, CooperationParty.country.is_not(None))
    ).all()
    by_country: dict[str, list[Region]] = {}
    for code, region in pairs:
        by_country.setdefault(code, []).append(region)
    rows = [
        CountryRow(code, countries.name(code, lang), n,
                   sorted(by_country.get(code, []), key=lambda r: r.code))
        for code, n in counts
    ]
    return sorted(rows, key=lambda r: countries.sort_key(r.name, lang))


# --- a region's summary ---------------------------------------------------------------------


@dataclass
class RegionSummary:
    total: int
    by_kind: list[tuple[CooperationKind, int]]
    countries: int


def region_summary(session: Session, viewer: Viewer, region_id: int) -> RegionSummary:
    links = region_links()
    mine = Cooperation.id.in_(select(links.c.cooperation_id).where(links.c.region_id == region_id))
    counts = dict(session.execute(
        select(Cooperation.kind, func.count(Cooperation.id))
        .where(in_register(viewer), mine).group_by(Cooperation.kind)
    ).all())
    abroad = session.scalar(
        select(func.count(func.distinct(CooperationParty.country)))
        .join(Cooperation, Cooperation.id == CooperationParty.cooperation_id)
        .where(in_register(viewer), mine, CooperationParty.country.is_not(None))
    ) or 0
    by_kind = [(kind, counts[kind]) for kind in CooperationKind if counts.get(kind)]
    return RegionSummary(sum(counts.values()), by_kind, abroad)


__all__ = [
    "Filters",
    "Viewer",
    "countries_overview",
    "entries_page",
    "entry",
    "export_rows",
    "in_register",
    "matrix",
    "may_see",
    "proposals",
    "region_summary",
    "waiting",
]
