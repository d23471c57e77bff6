"""The seat rules as pure functions: no database, no app."""

from datetime import date

import pytest

from forum.roster.rules import (
    Holding,
    RuleViolation,
    Term,
    check_end,
    check_party,
    check_person_free,
    check_term,
    free_slot,
    replacement_end,
)

D = date


def holding(id_, person, start, end=None, slot=1):
    return Holding(id_, person, slot, Term(start, end))


@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [
        (Term(D(2023, 1, 1)), Term(D(2030, 1, 1)), True),  # both open-ended
        (Term(D(2023, 1, 1), D(2023, 12, 31)), Term(D(2024, 1, 1)), False),  # back to back
        (Term(D(2023, 1, 1), D(2024, 1, 1)), Term(D(2024, 1, 1)), True),  # one shared day
        (Term(D(2024, 1, 1)), Term(D(2023, 1, 1), D(2023, 6, 30)), False),  # before
        (Term(D(2023, 1, 1), D(2023, 1, 1)), Term(D(2023, 1, 1), D(2023, 1, 1)), True),
        (Term(D(2020, 1, 1), D(2030, 1, 1)), Term(D(2025, 1, 1), D(2025, 2, 1)), True),
    ],
)
def test_terms_overlap_with_both_ends_included(a, b, overlap):
    assert a.overlaps(b) is overlap
    assert b.overlaps(a) is overlap


def test_term_covers_its_last_day_but_not_the_next():
    term = Term(D(2023, 1, 1), D(2023, 12, 31))
    assert term.covers(D(2023, 12, 31))
    assert not term.covers(D(2024, 1, 1))
    assert not term.covers(D(2022, 12, 31))
    assert Term(D(2023, 1, 1)).covers(D(2099, 1, 1))


def test_end_before_start_is_refused_but_a_one_day_term_is_fine():
    with pytest.raises(RuleViolation) as refused:
        check_term(Term(D(2023, 5, 2), D(2023, 5, 1)))
    assert refused.value.code == "end_before_start"
    assert refused.value.field == "end_date"
    check_term(Term(D(2023, 5, 1), D(2023, 5, 1)))


def test_political_seats_need_a_party():
    with pytest.raises(RuleViolation) as refused:
        check_party(True, "  ")
    assert refused.value.field == "party"
    check_party(True, "S")
    check_party(False, "")


def test_a_vacant_seat_gives_the_first_slot():
    assert free_slot(1, Term(D(2023, 1, 1)), []) == 1


def test_a_held_seat_is_refused_naming_the_holder():
    held = holding(7, person=1, start=D(2023, 1, 1))
    with pytest.raises(RuleViolation) as refused:
        free_slot(1, Term(D(2024, 1, 1)), [held])
    assert refused.value.code == "seat_full"
    assert refused.value.blocking == (held,)


def test_a_seat_is_free_again_the_day_after_its_holder_leaves():
    ended = holding(7, person=1, start=D(2019, 1, 1), end=D(2022, 12, 31))
    assert free_slot(1, Term(D(2023, 1, 1)), [ended]) == 1
    with pytest.raises(RuleViolation):
        free_slot(1, Term(D(2022, 12, 31)), [ended])


def test_a_nomination_ending_before_the_holder_arrives_fits():
    future = holding(7, person=1, start=D(2025, 1, 1))
    assert free_slot(1, Term(D(2023, 1, 1), D(2024, 12, 31)), [future]) == 1
    with pytest.raises(RuleViolation):
        free_slot(1, Term(D(2023, 1, 1)), [future])  # open-ended runs into the holder


def test_a_seat_with_two_places_fills_the_second_then_refuses():
    first = holding(1, person=1, start=D(2023, 1, 1))
    assert free_slot(2, Term(D(2023, 1, 1)), [first]) == 2
    second = holding(2, person=2, start=D(2023, 1, 1), slot=2)
    with pytest.raises(RuleViolation) as refused:
        free_slot(2, Term(D(2023, 6, 1)), [first, second])
    assert set(refused.value.blocking) == {first, second}


def test_a_person_holds_one_seat_per_body_at_a_time():
    mine = holding(1, person=5, start=D(2023, 1, 1), end=D(2024, 12, 31))
    with pytest.raises(RuleViolation) as refused:
        check_person_free(5, Term(D(2024, 12, 31)), [mine])
    assert refused.value.code == "person_overlap"
    assert refused.value.field == "person_id"
    check_person_free(5, Term(D(2025, 1, 1)), [mine])  # the day after: fine
    check_person_free(6, Term(D(2024, 1, 1)), [mine])  # someone else: fine


def test_ending_sets_the_last_day_once():
    running = Term(D(2023, 1, 1))
    check_end(running, D(2023, 1, 1))  # same day as the start: a one-day nomination
    with pytest.raises(RuleViolation) as refused:
        check_end(running, D(2022, 12, 31))
    assert refused.value.code == "end_before_start"
    with pytest.raises(RuleViolation) as refused:
        check_end(Term(D(2023, 1, 1), D(2024, 1, 1)), D(2023, 6, 1))
    assert refused.value.code == "already_ended"


def test_a_replacement_ends_the_old_nomination_the_day_before():
    assert replacement_end(Term(D(2023, 1, 1)), D(2025, 4, 1)) == D(2025, 3, 31)
    # The day after the start: the predecessor held the seat for one day.
    assert replacement_end(Term(D(2023, 1, 1)), D(2023, 1, 2)) == D(2023, 1, 1)


def test_a_same_day_replacement_is_refused():
    with pytest.raises(RuleViolation) as refused:
        replacement_end(Term(D(2023, 1, 1)), D(2023, 1, 1))
    assert refused.value.code == "replacement_before_start"
    assert refused.value.field == "start_date"


def test_an_ended_nomination_is_not_rewritten_by_a_replacement():
    with pytest.raises(RuleViolation) as refused:
        replacement_end(Term(D(2023, 1, 1), D(2024, 1, 1)), D(2023, 6, 1))
    assert refused.value.code == "already_ended"
