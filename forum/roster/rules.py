"""The seat rules, as pure functions: who may hold which seat, from when, in which slot.

Services ask these functions before they write; the database constraints stand behind
them for the writers that race.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Term:
    """A stretch of days, both ends included; no end means still running."""

    start: date
    end: date | None = None

    def overlaps(self, other: Term) -> bool:
        return (other.end is None or self.start <= other.end) and (
            self.end is None or other.start <= self.end
        )

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Holding:
    """An existing nomination, as far as the rules care about it."""

    id: int
    person_id: int
    slot: int
    term: Term


class RuleViolation(Exception):
    """A change the forum's rules refuse; ``field`` names the form field it concerns."""

    def __init__(self, code: str, field: str | None, blocking: Sequence[Holding] = ()):
        super().__init__(code)
        self.code = code
        self.field = field
        self.blocking = tuple(blocking)


def check_term(term: Term) -> None:
    if term.end is not None and term.end < term.start:
        raise RuleViolation("end_before_start", "end_date")


def check_region(per_region: bool, has_region: bool) -> None:
    """A forum seat is a region's; a working group's seat may be held from no region."""
    if per_region and not has_region:
        raise RuleViolation("region_required", "region_id")


def check_party(political: bool, party: str) -> None:
    if political and not party.strip():
        raise RuleViolation("party_required", "party")


def check_person_free(person_id: int, term: Term, in_body: Iterable[Holding]) -> None:
    """A person holds at most one nomination in a body at any date."""
    clashes = [h for h in in_body if h.person_id == person_id and h.term.overlaps(term)]
    if clashes:
        raise RuleViolation("person_overlap", "person_id", clashes)


def free_slot(capacity: int, term: Term, in_seat: Iterable[Holding]) -> int:
    """The first of the seat's places that nobody holds during ``term``.

    Raises when every place is taken at some date of the term, naming the holders.
    """
    holdings = list(in_seat)
    blocking: list[Holding] = []
    for slot in range(1, capacity + 1):
        clashes = [h for h in holdings if h.slot == slot and h.term.overlaps(term)]
        if not clashes:
            return slot
        blocking.extend(clashes)
    raise RuleViolation("seat_full", "start_date", blocking)


def check_end(current: Term, end: date) -> None:
    """Ending a running nomination: the end is set once and not before the start."""
    if current.end is not None:
        raise RuleViolation("already_ended", "end_date")
    if end < current.start:
        raise RuleViolation("end_before_start", "end_date")


def replacement_end(current: Term, new_start: date) -> date:
    """The last day of the nomination being replaced: the day before its successor starts."""
    if current.end is not None:
        # An ended nomination keeps its end; its successor is nominated to the vacancy.
        raise RuleViolation("already_ended", "start_date")
    end = new_start - timedelta(days=1)
    if end < current.start:
        raise RuleViolation("replacement_before_start", "start_date")
    return end
