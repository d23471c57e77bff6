"""The table of what is measured: one row per page, each against the ceiling (/healthz).

To measure another page, add a row: its path in the generated forum, whether it is asked
for conditionally (If-None-Match with the ETag fetched first, so the answer is a 304), the
Operations issue's target as a share of the ceiling, and what its answer must contain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from benchmarks.dataset import Forum

# The Operations issue's targets, as a share of the ceiling's requests per second.
FEED_TARGET = 0.5
NOT_MODIFIED_TARGET = 0.8


def events(body: bytes) -> int:
    return body.count(b"BEGIN:VEVENT")


@dataclass(frozen=True)
class Scenario:
    name: str
    path: Callable[[Forum], str]
    # Ask with If-None-Match: the ETag of a first, plain answer; the answer must be a 304.
    conditional: bool = False
    target: float | None = None
    # (what is counted in the answer, how many there must be), for a full answer.
    expect: Callable[[Forum], tuple[str, Callable[[bytes], int], int]] | None = None
    ceiling: bool = False

    @property
    def status(self) -> int:
        return 304 if self.conditional else 200


def _public(forum: Forum) -> str:
    return f"/calendar/{forum.body_slug}.ics"


def _personal(forum: Forum) -> str:
    return f"/calendar/personal/{forum.personal_token}.ics"


SCENARIOS: list[Scenario] = [
    Scenario("/healthz (ceiling)", lambda f: "/healthz", ceiling=True),
    # Not a target: one SELECT 1 through the app's session, the floor of any page that asks
    # the database anything.
    Scenario("/readyz (one query)", lambda f: "/readyz"),
    Scenario("public feed", _public, target=FEED_TARGET,
             expect=lambda f: ("events", events, f.body_meetings)),
    Scenario("personal feed", _personal, target=FEED_TARGET,
             expect=lambda f: ("events", events, f.member_meetings)),
    Scenario("public feed, 304", _public, conditional=True, target=NOT_MODIFIED_TARGET),
    Scenario("personal feed, 304", _personal, conditional=True, target=NOT_MODIFIED_TARGET),
    Scenario("one meeting .ics", lambda f: f"/meetings/{f.meeting_id}.ics",
             expect=lambda f: ("events", events, 1)),
]
