"""Each main page costs a fixed number of SQL queries, however large the roster grows:
measured on a small roster, then again after many people, nominations and history."""

from __future__ import annotations

from datetime import date

import pytest

from forum.reference import REGIONS

BOUND = 10
SEATS = [
    ("politikerforum", "majoritet"),
    ("politikerforum", "opposition"),
    ("tjanstepersonsforum", "tjansteperson"),
]

@pytest.fixture
def client(staff_client):
    """The tests in this module act as a member of the secretariat."""
    return staff_client



@pytest.fixture
def small_roster(make_person, make_organisation, make_nomination):
    organisation = make_organisation("Region Frågeräknaren")
    person = make_person("Räkna", "Frågesson", organisation=organisation, title="Regionråd")
    make_nomination(person, region_code="12", start=date(2023, 1, 1))
    return person


def grow(person, make_person, make_organisation, make_nomination):
    """Every seat of every region held now and earlier; the person with a long career."""
    organisations = [make_organisation(f"Organisation {n}") for n in range(5)]
    for index, (code, _name, _county) in enumerate(REGIONS):
        for body, seat_slug in SEATS:
            if (code, seat_slug) == ("12", "majoritet"):
                continue  # the measured person holds it
            organisation = organisations[index % len(organisations)]
            earlier = make_person(organisation=organisation, title="Ledamot",
                                  email=f"earlier-{code}-{seat_slug}@example.se")
            make_nomination(earlier, region_code=code, body=body, seat_slug=seat_slug,
                            start=date(2015, 1, 1), end=date(2018, 12, 31))
            current = make_person(organisation=organisation, phone="010-000 00 00")
            make_nomination(current, region_code=code, body=body, seat_slug=seat_slug,
                            start=date(2019, 1, 1))
    # A long career for the measured person: many regions, both bodies, years apart.
    for offset, (code, _name, _county) in enumerate(REGIONS[:8]):
        year = 2000 + offset
        make_nomination(person, region_code=code, start=date(year, 1, 1),
                        end=date(year, 12, 31))
        make_nomination(person, region_code=code, body="tjanstepersonsforum",
                        seat_slug="tjansteperson", start=date(year, 3, 1),
                        end=date(year, 9, 30))


def pages(person) -> dict[str, str]:
    return {
        "start": "/",
        "regions": "/regions",
        "regions on a date": "/regions?on=2016-06-01",
        "region": "/regions/12",
        "region on a date": "/regions/03?on=2005-06-01",
        "person": f"/people/{person.id}",
        "people": "/people",
        "organisations": "/organisations",
        "nominate form": "/regions/12/nominate",
    }


def measure(client, count_queries, urls: dict[str, str]) -> dict[str, tuple[int, list[str]]]:
    found = {}
    for name, url in urls.items():
        with count_queries() as counter:
            response = client.get(url)
        assert response.status_code == 200, url
        found[name] = (counter.count, counter.statements)
    return found


def test_main_pages_cost_a_constant_number_of_queries(
    client, count_queries, small_roster, make_person, make_organisation, make_nomination
):
    urls = pages(small_roster)
    for url in urls.values():  # warm up: connection set-up is not the page's cost
        client.get(url)
    before = measure(client, count_queries, urls)

    grow(small_roster, make_person, make_organisation, make_nomination)
    after = measure(client, count_queries, urls)

    for name in urls:
        count_before, _ = before[name]
        count_after, statements = after[name]
        assert count_after == count_before, (
            f"{name}: {count_before} queries with a small roster, {count_after} with a large "
            "one:\n" + "\n---\n".join(statements)
        )
        assert count_after <= BOUND, f"{name}: {count_after} queries:\n" + "\n---\n".join(
            statements
        )


def test_the_large_roster_is_really_shown(
    client, small_roster, make_person, make_organisation, make_nomination
):
    """The measured pages show what was added, so the counts above are about real work."""
    grow(small_roster, make_person, make_organisation, make_nomination)
    regions = client.get("/regions").get_data(as_text=True)
    assert regions.count('class="vacant"') == 0
    assert regions.count('href="/people/') == 63
    region = client.get("/regions/03").get_data(as_text=True)
    history = region.split('id="history-heading"', 1)[1]
    assert history.count('href="/people/') == 6 + 2  # two terms per seat, and the career
    person = client.get(f"/people/{small_roster.id}").get_data(as_text=True)
    nominations = person.split('id="nominations-heading"', 1)[1]
    assert nominations.count('href="/regions/') == 1 + 16
