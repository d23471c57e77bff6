"""The table of what is measured: one row per page, each against the ceiling (/healthz).

To measure another page, add a row: its path in the generated forum, whether it is asked
for conditionally (If-None-Match with the ETag fetched first, so the answer is a 304), the
Operations issue's target as a share of the ceiling, and what its answer must contain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from benchmarks.dataset import Forum
from benchmarks.load import FRESH
from forum.material.views import HITS_PER_PAGE

# The Operations issue's targets, as a share of the ceiling's requests per second.
FEED_TARGET = 0.5
NOT_MODIFIED_TARGET = 0.8
PAGE_TARGET = 0.25
SEARCH_TARGET = 0.1


def events(body: bytes) -> int:
    return body.count(b"BEGIN:VEVENT")


def cards(body: bytes) -> int:
    return body.count(b'class="meeting-card')  # "meeting-card cancelled" too


def hits(body: bytes) -> int:
    return body.count(b'class="search-hit"')


@dataclass(frozen=True)
class Scenario:
    name: str
    path: Callable[[Forum], str]
    # Ask with If-None-Match: the ETag of a first, plain answer; the answer must be a 304.
    conditional: bool = False
    target: float | None = None
    # (what is counted in the answer, how many there must be), for a full answer.
    expect: Callable[[Forum], tuple[str, Callable[[bytes], int], int]] | None = None
    # Text the answer must contain (HTML-escaped as a page shows it).
    contains: Callable[[Forum], str] | None = None
    ceiling: bool = False
    # A page that each process may keep for a few seconds for anonymous visitors
    # (forum/answers.py); the SQL and time to make it are measured without that.
    page: bool = False

    @property
    def status(self) -> int:
        return 304 if self.conditional else 200


def _public(forum: Forum) -> str:
    return f"/calendar/{forum.body_slug}.ics"


def _personal(forum: Forum) -> str:
    return f"/calendar/personal/{forum.personal_token}.ics"


def _search(forum: Forum) -> str:
    return "/search?" + urlencode({"q": forum.search_query})


SCENARIOS: list[Scenario] = [
    Scenario("/healthz (ceiling)", lambda f: "/healthz", ceiling=True),
    # Not a target: one SELECT 1 through the app's session, the floor of any page that asks
    # the database anything.
    Scenario("/readyz (one query)", lambda f: "/readyz"),
    # The public pages, as a visitor who is not signed in sees them.
    Scenario("start page", lambda f: "/", target=PAGE_TARGET, page=True,
             contains=lambda f: "Politikerforum"),
    Scenario("/regions", lambda f: "/regions", target=PAGE_TARGET, page=True,
             contains=lambda f: "Region Stockholm"),
    Scenario("meetings list", lambda f: "/meetings", target=PAGE_TARGET, page=True,
             expect=lambda f: ("meetings", cards, f.listed_meetings)),
    Scenario("a meeting", lambda f: f"/meetings/{f.meeting_id}", target=PAGE_TARGET,
             page=True, contains=lambda f: f.meeting_title),
    Scenario("knowledge bank", lambda f: f"/themes/{f.theme_id}", target=PAGE_TARGET,
             page=True, contains=lambda f: f.theme_name),
    Scenario("search", _search, target=SEARCH_TARGET, page=True,
             expect=lambda f: ("hits", hits, min(f.search_hits, HITS_PER_PAGE))),
    # The same search as a question never asked before: an address of its own each time
    # (a parameter the page ignores), so nothing kept in memory answers it.
    Scenario("search, every time new", lambda f: _search(f) + f"&asked={FRESH}",
             expect=lambda f: ("hits", hits, min(f.search_hits, HITS_PER_PAGE))),
    Scenario("public feed", _public, target=FEED_TARGET,
             expect=lambda f: ("events", events, f.body_meetings)),
    Scenario("personal feed", _personal, target=FEED_TARGET,
             expect=lambda f: ("events", events, f.member_meetings)),
    Scenario("public feed, 304", _public, conditional=True, target=NOT_MODIFIED_TARGET),
    Scenario("personal feed, 304", _personal, conditional=True, target=NOT_MODIFIED_TARGET),
    Scenario("one meeting .ics", lambda f: f"/meetings/{f.meeting_id}.ics",
             expect=lambda f: ("events", events, 1)),
]
