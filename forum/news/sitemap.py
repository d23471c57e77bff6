"""What search engines are told: robots.txt, and a sitemap index with one section per kind
of public page, each section paged below the protocol's 50,000 addresses.

Only what anyone may read is listed: published news (no drafts, nothing unpublished),
meetings held, public documents not withdrawn (forum/material/access.py's PUBLIC_READER),
themes, regions, bodies and public cooperation entries. People's pages are left out: they
are reached from their seats, not searched for by name. The index costs one query per
section; a page of a section one query, however many addresses it holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.sax.saxutils import escape

from flask import current_app
from sqlalchemy import Select, and_, func, null, select
from sqlalchemy.orm import Session

from forum.access import PUBLIC, rule_of
from forum.material.access import PUBLIC_READER
from forum.material.models import Document, document_themes
from forum.meetings.models import Meeting, MeetingStatus
from forum.news.models import NewsItem, NewsStatus
from forum.roster.models import Body, Region
from forum.strategy.models import Theme
from forum.timeutil import utcnow

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
# The protocol allows 50,000 addresses (and 50 MB) per file; ours stay well below.
DEFAULT_PAGE_SIZE = 10_000

# The public pages without arguments, in the order they are listed. Endpoints of features
# not (yet) in the app are left out rather than breaking the sitemap.
STATIC_PAGES = (
    "public.index",
    "public.about",
    "news.index",
    "meetings.meetings",
    "material.themes",
    "bodies.bodies",
    "roster.regions",
    "roster.organisations",
    "calendars.help_page",
    "public.accessibility",
)


def page_size() -> int:
    return int(current_app.config.get("SITEMAP_PAGE_SIZE", DEFAULT_PAGE_SIZE))


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


@dataclass(frozen=True)
class Section:
    """One kind of page: how its addresses are made from the rows of one query.

    `query` selects (ordering key, URL values..., lastmod) rows; `url` turns a row into the
    values of `endpoint`'s route."""

    name: str
    endpoint: str
    query: Callable[[], Select]
    url: Callable[[tuple], dict]

    def summary(self) -> Select:
        rows = self.query().subquery()
        return select(func.count(), func.max(rows.c.lastmod))

    def rows(self, page: int, size: int) -> Select:
        rows = self.query().subquery()
        return (select(rows).order_by(rows.c.key)
                .offset((page - 1) * size).limit(size))


# --- the sections -------------------------------------------------------------------------


def _news() -> Select:
    return (select(NewsItem.id.label("key"), NewsItem.updated_at.label("lastmod"))
            .where(NewsItem.status == NewsStatus.PUBLISHED))


def _meetings() -> Select:
    # Held: over, and not cancelled (a meeting the secretariat forgot to mark held is held
    # all the same for the public).
    return (select(Meeting.id.label("key"), Meeting.updated_at.label("lastmod"))
            .where(Meeting.end_at < utcnow(), Meeting.status != MeetingStatus.CANCELLED))


def _themes() -> Select:
    # A theme's page changes when its public material does.
    public = and_(Document.id == document_themes.c.document_id, PUBLIC_READER.condition())
    return (select(Theme.id.label("key"), func.max(Document.updated_at).label("lastmod"))
            .outerjoin(document_themes, document_themes.c.theme_id == Theme.id)
            .outerjoin(Document, public)
            .group_by(Theme.id))


def _documents() -> Select:
    return (select(Document.id.label("key"), Document.updated_at.label("lastmod"))
            .where(PUBLIC_READER.condition()))


def _regions() -> Select:
    # The code orders and names a region; a region's page has no date of change of its own.
    return select(Region.code.label("key"), null().label("lastmod"))


def _bodies() -> Select:
    return select(Body.slug.label("key"), null().label("lastmod"))


def is_public(endpoint: str) -> bool:
    """Does the app have this page, open to everyone?"""
    view = current_app.view_functions.get(endpoint)
    return view is not None and rule_of(view) == PUBLIC


def endpoint_of(path: str) -> str | None:
    """The public page at a route, if the app has one: features built alongside this one
    are found by their addresses rather than by names guessed here."""
    return next((r.endpoint for r in current_app.url_map.iter_rules()
                 if r.rule == path and "GET" in (r.methods or ()) and is_public(r.endpoint)),
                None)


def cooperation_section() -> Section | None:
    """The cooperation register's public entries (approved, and public), listed once that
    feature answers at /cooperation/<int:cooperation_id>; left out until then."""
    endpoint = endpoint_of("/cooperation/<int:cooperation_id>")
    if endpoint is None:
        return None
    try:
        from forum.cooperation.models import (
            Cooperation,
            CooperationStatus,
            CooperationVisibility,
        )
    except ImportError:
        return None

    def query() -> Select:
        return (select(Cooperation.id.label("key"), Cooperation.updated_at.label("lastmod"))
                .where(Cooperation.status == CooperationStatus.APPROVED,
                       Cooperation.visibility == CooperationVisibility.PUBLIC))

    return Section("cooperation", endpoint, query, lambda row: {"cooperation_id": row.key})


def sections() -> list[Section]:
    """The sections this app has, in their order in the index."""
    found = [
        Section("news", "news.item", _news, lambda row: {"news_id": row.key}),
        Section("meetings", "meetings.meeting", _meetings, lambda row: {"meeting_id": row.key}),
        Section("themes", "material.theme", _themes, lambda row: {"theme_id": row.key}),
        Section("documents", "material.document", _documents,
                lambda row: {"document_id": row.key}),
        Section("regions", "roster.region", _regions, lambda row: {"code": row.key}),
    ]
    if is_public("bodies.body"):
        found.append(Section("bodies", "bodies.body", _bodies, lambda row: {"slug": row.key}))
    cooperation = cooperation_section()
    if cooperation is not None:
        found.append(cooperation)
    return found


def static_pages() -> list[str]:
    found = [e for e in STATIC_PAGES if is_public(e)]
    register = endpoint_of("/cooperation")
    if register is not None:
        found.insert(found.index("roster.organisations") + 1 if "roster.organisations" in found
                     else len(found), register)
    return found


# --- the XML --------------------------------------------------------------------------------


class Addresses:
    """Absolute addresses from BASE_URL (never the request's Host), the URL map bound once
    for a whole file rather than once per address."""

    def __init__(self) -> None:
        self.base = current_app.config["BASE_URL"].rstrip("/")
        self.adapter = current_app.url_map.bind("forum.invalid", script_name="/")

    def __call__(self, endpoint: str, **values) -> str:
        return self.base + self.adapter.build(endpoint, values)


def _lastmod(moment: datetime | None) -> str:
    moment = _aware(moment)
    if moment is None:
        return ""
    return f"<lastmod>{moment.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}</lastmod>"


@dataclass(frozen=True)
class IndexEntry:
    section: str
    page: int
    lastmod: datetime | None


def index_entries(session: Session) -> list[IndexEntry]:
    """Every page of every section: one query per section."""
    size = page_size()
    entries = [IndexEntry("pages", 1, None)]
    for section in sections():
        count, lastmod = session.execute(section.summary()).one()
        pages = (count + size - 1) // size
        entries += [IndexEntry(section.name, page, _aware(lastmod))
                    for page in range(1, pages + 1)]
    return entries


def index_xml(entries: list[IndexEntry], address: Addresses) -> Iterator[str]:
    yield f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{NS}">\n'
    for entry in entries:
        loc = address("news.sitemap_page", section=entry.section, page=entry.page)
        yield f"<sitemap><loc>{escape(loc)}</loc>{_lastmod(entry.lastmod)}</sitemap>\n"
    yield "</sitemapindex>\n"


def section_by_name(name: str) -> Section | None:
    return next((s for s in sections() if s.name == name), None)


def urlset_xml(urls: list[tuple[str, datetime | None]]) -> Iterator[str]:
    yield f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{NS}">\n'
    for loc, lastmod in urls:
        yield f"<url><loc>{escape(loc)}</loc>{_lastmod(lastmod)}</url>\n"
    yield "</urlset>\n"


def page_urls(session: Session, name: str, page: int) -> list[tuple[str, datetime | None]] | None:
    """The addresses on one page of a section, or None if there is no such page. The rows
    are read in one query before the answer streams, so that no database connection waits
    on a slow reader."""
    address = Addresses()
    if name == "pages":
        if page != 1:
            return None
        latest = session.scalar(
            select(func.max(NewsItem.updated_at)).where(NewsItem.status == NewsStatus.PUBLISHED))
        return [(address(e), _aware(latest) if e == "news.index" else None)
                for e in static_pages()]
    section = section_by_name(name)
    if section is None:
        return None
    rows = session.execute(section.rows(page, page_size())).all()
    if not rows and page != 1:
        return None
    return [(address(section.endpoint, **section.url(row)), row.lastmod) for row in rows]


# --- robots.txt -------------------------------------------------------------------------------

# Pages for signed-in people, secret addresses and exports: nothing for a search engine.
DISALLOWED = (
    "/login",
    "/logout",
    "/password/",
    "/invitation/",
    "/profile",
    "/my/",
    "/calendar/personal/",
    "/admin",
    "/secretariat",
    "/audit",
    # People's pages are public but personal data: reached from their seats, not found by
    # searching for a name.
    "/people",
    "/proposals",
    "/planner",
    "/attendance",
    "/roster/export",
    "/news/new",
    "/search",
    "/*.csv$",
    "/*.xlsx$",
    "/*.zip$",
    "/*/edit$",
)


def robots(sitemap_url: str) -> str:
    lines = ["User-agent: *", "Allow: /"]
    lines += [f"Disallow: {path}" for path in DISALLOWED]
    lines += ["", f"Sitemap: {sitemap_url}", ""]
    return "\n".join(lines)
