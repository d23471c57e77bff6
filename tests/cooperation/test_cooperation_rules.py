"""The register's rules as pure functions: dates, parties and their countries, websites,
funders, who may propose and change, and the approve/return state machine. No database."""

from __future__ import annotations

from datetime import date

import pytest

from forum.cooperation import countries
from forum.cooperation.models import CooperationStatus, PartyKind
from forum.cooperation.rules import (
    CooperationError,
    PartyInput,
    check_dates,
    check_decision,
    check_party,
    check_website,
    may_edit,
    may_propose_for,
    names_of,
    next_status_on_edit,
)

D = date
S = CooperationStatus


def refused(call, *args, **kwargs) -> CooperationError:
    with pytest.raises(CooperationError) as caught:
        call(*args, **kwargs)
    return caught.value


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("start", "end", "agreement"), [
    (D(2024, 1, 1), None, None),
    (D(2024, 1, 1), D(2024, 1, 1), None),  # a one-day visit
    (D(2024, 1, 1), D(2026, 12, 31), D(2023, 11, 20)),  # signed before it starts
    (D(2024, 1, 1), None, D(2030, 1, 1)),  # signed later, still going on
])
def test_dates_that_hold(start, end, agreement):
    check_dates(start, end, agreement)


def test_the_end_cannot_come_before_the_start():
    error = refused(check_dates, D(2024, 5, 2), D(2024, 5, 1), None)
    assert error.field == "end_date"
    assert "before the start" in error.message


def test_the_agreement_cannot_come_after_the_end():
    error = refused(check_dates, D(2024, 1, 1), D(2024, 12, 31), D(2025, 1, 1))
    assert error.field == "agreement_date"


def test_a_start_is_needed():
    assert refused(check_dates, None, None, None).field == "start_date"


# --- parties ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [PartyKind.FOREIGN_CITY, PartyKind.FOREIGN_REGION])
def test_a_foreign_party_needs_its_country(kind):
    error = refused(check_party, PartyInput(kind, "Suzhou", None, None, row=2))
    assert error.field == "parties-2-country"
    assert "country" in error.message
    stored = check_party(PartyInput(kind, "  Suzhou  ", None, "cn", row=2))
    assert (stored.name, stored.country, stored.region_id) == ("Suzhou", "CN", None)


@pytest.mark.parametrize("code", ["XX", "EU", "ZZ", "150", "SWE"])
def test_a_country_is_an_iso_3166_alpha_2_code_known_to_cldr(code):
    error = refused(check_party, PartyInput(PartyKind.FOREIGN_REGION, "Någonstans", None, code))
    assert error.field == "parties-0-country"


def test_a_foreign_region_lies_outside_sweden():
    error = refused(check_party, PartyInput(PartyKind.FOREIGN_CITY, "Malmö", None, "SE", row=1))
    assert error.field == "parties-1-country"
    assert "outside Sweden" in error.message


@pytest.mark.parametrize("kind", [PartyKind.AGENCY, PartyKind.NETWORK, PartyKind.ORGANISATION])
def test_other_parties_need_a_name_and_may_have_a_country(kind):
    assert refused(check_party, PartyInput(kind, "  ", None, None, row=3)).field == \
        "parties-3-party_name"
    assert check_party(PartyInput(kind, "CPMR", None, None)).country is None
    assert check_party(PartyInput(kind, "CPMR", None, "FR")).country == "FR"


def test_a_swedish_region_party_is_one_of_the_21_without_name_or_country():
    assert refused(check_party, PartyInput(PartyKind.SWEDISH_REGION, "Blekinge", None, None)
                   ).field == "parties-0-region_id"
    stored = check_party(PartyInput(PartyKind.SWEDISH_REGION, "ignored", 7, "DE"))
    assert (stored.name, stored.region_id, stored.country) == ("", 7, None)


def test_only_a_swedish_region_party_names_a_region():
    error = refused(check_party, PartyInput(PartyKind.AGENCY, "Trafikverket", 7, None, row=4))
    assert error.field == "parties-4-region_id"


def test_a_party_needs_a_kind():
    assert refused(check_party, PartyInput(None, "Suzhou", None, "CN")).field == "parties-0-kind"


def test_an_empty_row_is_no_party_but_a_kind_alone_is_one_to_finish():
    assert PartyInput(None).is_blank
    assert not PartyInput(PartyKind.FOREIGN_CITY).is_blank
    assert not PartyInput(None, "Suzhou").is_blank


def test_a_long_name_is_refused():
    error = refused(check_party, PartyInput(PartyKind.ORGANISATION, "x" * 201, None, None))
    assert error.field == "parties-0-party_name"


# --- websites and funders ---------------------------------------------------------------------


def test_a_website_is_a_web_address():
    assert check_website("") == ""
    assert check_website(" https://www.regionkronoberg.se ") == "https://www.regionkronoberg.se"
    for bad in ("www.example.se", "javascript:alert(1)", "ftp://example.se", "https://"):
        assert refused(check_website, bad).field == "website"


def test_funders_one_a_line_without_blanks_or_repeats():
    lines = "Länsstyrelsen Kronoberg\n\n  Växjö   kommun \r\nLänsstyrelsen Kronoberg\n"
    assert names_of(lines, "co_financers") == ["Länsstyrelsen Kronoberg", "Växjö kommun"]
    assert refused(names_of, "y" * 201, "funders").field == "funders"


# --- who writes -------------------------------------------------------------------------------


def test_a_contact_proposes_only_for_entries_involving_their_region():
    assert may_propose_for(12, [7, 12])
    assert not may_propose_for(12, [7])
    assert not may_propose_for(None, [12])


@pytest.mark.parametrize(("secretariat", "contact", "proposing", "status", "allowed"), [
    (True, None, None, S.APPROVED, True),  # the secretariat changes anything
    (True, None, 12, S.PROPOSED, True),
    (False, 12, 12, S.PROPOSED, True),  # the proposing region, until approved
    (False, 12, 12, S.RETURNED, True),
    (False, 12, 12, S.APPROVED, False),
    (False, 1, 12, S.PROPOSED, False),  # another region's contact
    (False, 12, None, S.APPROVED, False),  # the secretariat's own entry
    (False, None, 12, S.PROPOSED, False),  # not a contact at all
])
def test_who_may_change_an_entry(secretariat, contact, proposing, status, allowed):
    assert may_edit(secretariat=secretariat, contact_region_id=contact,
                    proposing_region_id=proposing, status=status) is allowed


def test_the_state_machine():
    # proposed → approved or returned; returned → proposed when the region changes it.
    check_decision(S.PROPOSED)
    assert refused(check_decision, S.APPROVED).field is None
    assert refused(check_decision, S.RETURNED).field is None
    assert next_status_on_edit(S.RETURNED, secretariat=False) is S.PROPOSED
    assert next_status_on_edit(S.PROPOSED, secretariat=False) is S.PROPOSED
    assert next_status_on_edit(S.RETURNED, secretariat=True) is S.RETURNED
    assert next_status_on_edit(S.APPROVED, secretariat=True) is S.APPROVED


# --- countries --------------------------------------------------------------------------------


def test_country_names_come_from_cldr_in_the_readers_language():
    assert countries.name("CN", "sv") == "Kina"
    assert countries.name("CN", "en") == "China"
    assert countries.name("DE", "sv") == "Tyskland"
    assert "EU" not in countries.names("sv") and "001" not in countries.names("en")
    assert len(countries.names("sv")) > 240


def test_countries_sort_as_the_reader_expects():
    swedish = [name for _code, name in countries.choices("sv")]
    assert swedish.index("Zambia") < swedish.index("Åland") < swedish.index("Österrike")
    english = [name for _code, name in countries.choices("en")]
    assert english.index("Åland Islands") < english.index("Albania")
