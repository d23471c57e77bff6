"""The secretariat's dashboard: proposals waiting, nominations ending within 60 days, seats
vacant for more than 30 days; closed to everyone else; a fixed number of queries."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest

from forum.proposals import services
from forum.reference import REGIONS
from forum.timeutil import today

NAMES = {code: name for code, name, _county in REGIONS}
MAJORITY = "Politician (majority)"


# --- helpers ------------------------------------------------------------------------------------


def english(client):
    assert client.post("/language", data={"lang": "en", "next": "/"}).status_code == 302
    return client


@pytest.fixture
def staff_en(staff_client):
    return english(staff_client)


class Dashboard:
    def __init__(self, response):
        assert response.status_code == 200
        self.html = response.get_data(as_text=True)

    def section(self, name: str) -> str:
        found = re.search(rf'<section aria-labelledby="{name}-heading">(.*?)</section>',
                          self.html, re.S)
        assert found, f"no {name} section"
        return found.group(1)

    def items(self, name: str) -> list[str]:
        return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", li)).split())
                for li in re.findall(r"<li>(.*?)</li>", self.section(name), re.S)]

    def heading_count(self, name: str) -> int:
        return int(re.search(r'<span class="count">\((\d+)\)</span>', self.section(name)).group(1))

    def item_for(self, name: str, needle: str) -> str | None:
        found = [i for i in self.items(name) if needle in i]
        assert len(found) <= 1, found
        return found[0] if found else None


def dashboard(client) -> Dashboard:
    return Dashboard(client.get("/secretariat"))


@pytest.fixture
def propose(app, session, make_account, seat):
    """propose(region_code, given, family): a pending proposal from the region's contact."""
    contacts = {}

    def make(code="12", given="Örjan", family="Ängström", person=None, slug="majoritet"):
        if code not in contacts:
            contacts[code] = make_account("region_contact", region_code=code)
        account = contacts[code]
        with app.test_request_context():
            proposal = services.propose(
                session, by=account, region=account.contact_region,
                seat=seat("politikerforum", slug), person=person,
                new_person={} if person else {"given_name": given, "family_name": family},
                party="S", start_date=date(2027, 3, 1),
                decision_reference="RS § 1", decision_file=None,
            )
        session.commit()
        return proposal

    return make


# --- what it shows --------------------------------------------------------------------------------


def test_pending_proposals_are_listed_and_decided_ones_are_not(
    app, session, staff_en, propose, make_account
):
    waiting = propose("12", "Örjan", "Ängström")
    also = propose("01", "Sven", "Stockholmare")
    decided = propose("03", "Bodil", "Beslutad")
    with app.test_request_context():
        services.return_proposal(session, decided, by=make_account("secretariat"), reason="Nej.")
    session.commit()

    page = dashboard(staff_en)
    assert page.heading_count("proposals") == 2
    section = page.section("proposals")
    assert f'href="/proposals/{waiting.id}"' in section
    assert f'href="/proposals/{also.id}"' in section
    assert "Bodil Beslutad" not in section
    item = page.item_for("proposals", "Örjan Ängström")
    assert "Region Skåne" in item and MAJORITY in item and "1 March 2027" in item


def test_nominations_ending_within_60_days_are_listed(staff_en, make_person, make_nomination):
    now = today()
    cases = {
        "Idag": ("01", now, True),
        "Sextio": ("03", now + timedelta(days=60), True),
        "Sextioett": ("04", now + timedelta(days=61), False),
        "Igår": ("05", now - timedelta(days=1), False),
        "Tillsvidare": ("06", None, False),
    }
    for family, (code, end, _listed) in cases.items():
        make_nomination(make_person("Slutar", family), region_code=code,
                        start=date(2023, 1, 1), end=end)

    page = dashboard(staff_en)
    listed = [family for family in cases if page.item_for("ending", f"Slutar {family}")]
    assert listed == ["Idag", "Sextio"]  # soonest first
    assert page.heading_count("ending") == 2
    last = page.item_for("ending", "Slutar Sextio")
    assert NAMES["03"] in last and MAJORITY in last
    assert 'href="/regions/03"' in page.section("ending")


def test_seats_vacant_for_more_than_30_days_are_listed(
    staff_en, make_person, make_nomination, seat
):
    now = today()

    def ended(code: str, last_day: date, start=date(2023, 1, 1)):
        make_nomination(make_person("Avgått", f"Region{code}"), region_code=code,
                        start=start, end=last_day)

    ended("07", now - timedelta(days=32))  # vacant since 31 days ago
    ended("08", now - timedelta(days=31))  # vacant for 30 days: not more than 30
    ended("10", now - timedelta(days=30))  # vacant since 29 days ago
    make_nomination(region_code="13", start=date(2023, 1, 1))  # held now
    ended("14", now - timedelta(days=400))  # held earlier, and again now
    make_nomination(region_code="14", start=now - timedelta(days=399))
    # Left long ago, but filled again until ten days ago: the latest departure counts.
    ended("18", date(2020, 12, 31), start=date(2019, 1, 1))
    ended("18", now - timedelta(days=10), start=date(2021, 1, 1))

    page = dashboard(staff_en)

    def vacancy(code):
        return page.item_for("vacant", f"{NAMES[code]}, {MAJORITY}:")

    since = now - timedelta(days=31)
    assert vacancy("07") is not None and "(31 days)" in vacancy("07")
    assert f"{since.day} {since.strftime('%B')} {since.year}" in vacancy("07")
    for code in ("08", "10", "13", "14", "18"):
        assert vacancy(code) is None, code
    # Never filled: Region Värmland's majority seat, and every seat of Gotland.
    assert "never filled" in vacancy("17")
    assert page.item_for("vacant", f"{NAMES['09']}, Official (regional development director):")
    # 21 regions × 3 seats, less the five majority seats held or recently left.
    assert page.heading_count("vacant") == 63 - 5
    nominate = f'href="/regions/07/nominate?seat={seat().id}"'
    assert nominate in page.section("vacant")


def test_an_empty_forum_shows_no_warnings_but_the_vacancies(staff_en):
    page = dashboard(staff_en)
    assert page.heading_count("proposals") == 0 and page.heading_count("ending") == 0
    assert "No proposals are waiting." in page.section("proposals")
    assert "No nomination ends in that time." in page.section("ending")
    assert page.heading_count("vacant") == 63
    assert all("never filled" in item for item in page.items("vacant"))


# --- who may --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["member", "guest", "plain", "region_contact"])
def test_only_the_secretariat_sees_the_dashboard(app, make_account, login, role):
    client = login(app.test_client(), make_account(role))
    assert client.get("/secretariat").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/secretariat")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_admins_see_it(app, make_account, login):
    client = login(app.test_client(), make_account("admin"))
    assert client.get("/secretariat").status_code == 200


# --- cost -----------------------------------------------------------------------------------------


def test_the_dashboard_costs_a_constant_number_of_queries(
    staff_en, count_queries, propose, make_person, make_nomination
):
    now = today()
    propose("12")
    make_nomination(region_code="01", start=date(2023, 1, 1), end=now + timedelta(days=10))
    make_nomination(region_code="03", start=date(2023, 1, 1), end=now - timedelta(days=90))
    staff_en.get("/secretariat")  # warm up

    with count_queries() as small:
        before = dashboard(staff_en)

    codes = [code for code, _name, _county in REGIONS if code not in {"01", "03", "12"}]
    for index, code in enumerate(codes):
        person = make_person("Föreslagen", f"Person{index}")
        propose(code, person=person if index % 2 else None, given="Ny", family=f"Person{index}")
        make_nomination(region_code=code, start=date(2023, 1, 1),
                        end=now + timedelta(days=index + 1))
        make_nomination(region_code=code, body="tjanstepersonsforum", seat_slug="tjansteperson",
                        start=date(2020, 1, 1), end=now - timedelta(days=40 + index))

    with count_queries() as large:
        after = dashboard(staff_en)

    # The large forum really is on the page.
    assert (before.heading_count("proposals"), after.heading_count("proposals")) == (1, 19)
    assert (before.heading_count("ending"), after.heading_count("ending")) == (1, 19)
    assert len(after.items("ending")) == 19
    assert sum("days)" in item for item in after.items("vacant")) == 1 + 18
    assert large.count == small.count, "\n---\n".join(large.statements)
    assert large.count <= 12, "\n---\n".join(large.statements)
