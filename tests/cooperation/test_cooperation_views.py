"""The register over HTTP: proposing and approving through the forms (errors beside the
fields, nothing half-saved), the list's filters and pages, the matrix and the countries
overview with their counts, the dashboard and the region page."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from cooperation_fixtures import english, entry_form, error_beside, text_of
from page_helpers import between, row_with
from sqlalchemy import func, select

from forum.audit.models import AuditEntry
from forum.cooperation.models import (
    Cooperation,
    CooperationArea,
    CooperationKind,
    CooperationStatus,
    CooperationVisibility,
    PartyKind,
)

APPROVED = CooperationStatus.APPROVED
INTERNAL = CooperationVisibility.INTERNAL


def count(session, *where) -> int:
    session.expire_all()
    return session.scalar(select(func.count(Cooperation.id)).where(*where))


@pytest.fixture
def contact_client(app, coop_contact, login):
    return english(login(app.test_client(), coop_contact))


@pytest.fixture
def secretariat_client(app, coop_staff, login):
    return english(login(app.test_client(), coop_staff))


def titles(response) -> list[str]:
    """The titles of the entries a list page shows, in order."""
    return [re.sub(r"<[^>]+>", "", t).strip() for t in re.findall(
        r'<p class="document-title"><a href="/cooperation/\d+">(.*?)</a>', text_of(response))]


# --- proposing, approving, returning --------------------------------------------------------------


def test_a_contact_proposes_and_the_secretariat_approves(
    session, contact_client, secretariat_client, regions_by_code, current_themes, coop_areas
):
    form = contact_client.get("/cooperation/new")
    assert form.status_code == 200
    page = text_of(form)
    # Their own region is chosen already; every party row has the 21 regions and countries.
    skane = regions_by_code["12"].id
    assert re.search(rf'<input checked id="region_ids-\d+" name="region_ids" type="checkbox" '
                     rf'value="{skane}">', page)
    assert page.count('<option value="CN">China</option>') == 5
    response = contact_client.post("/cooperation/new", data=entry_form(
        region_ids=[str(skane)], theme_ids=[str(current_themes[2].id)],
        area_ids=[str(coop_areas["klimat-och-energi"].id)],
        co_financers="Länsstyrelsen Skåne\nMalmö stad", contact_email="Anna@Skane.se",
        website="https://www.skane.se"))
    assert response.status_code == 303, error_beside(response, "region_ids")
    entry = session.scalar(select(Cooperation).where(
        Cooperation.title == "Skåne–Suzhou: hållbart byggande"))
    assert response.location == f"/cooperation/{entry.id}"
    assert entry.status is CooperationStatus.PROPOSED and entry.contact_email == "anna@skane.se"
    assert "sent to the secretariat" in text_of(contact_client.get(response.location))
    # Not public yet: the public list and the entry's page know nothing of it.
    assert "Skåne–Suzhou" not in text_of(secretariat_client.application.test_client()
                                          .get("/cooperation"))
    assert secretariat_client.application.test_client().get(
        f"/cooperation/{entry.id}").status_code == 404
    # The secretariat sees it waiting and approves it.
    waiting = text_of(secretariat_client.get("/cooperation/proposals"))
    assert "Skåne–Suzhou: hållbart byggande" in between(waiting, "Waiting for approval", "Returned")
    assert "Skåne–Suzhou" in text_of(secretariat_client.get("/secretariat"))
    page = text_of(secretariat_client.get(f"/cooperation/{entry.id}"))
    assert 'id="approve-submit"' in page and "Karin Kontaktsson" in page
    approved = secretariat_client.post(f"/cooperation/{entry.id}/approve")
    assert approved.status_code == 303
    assert count(session, Cooperation.id == entry.id, Cooperation.status == APPROVED) == 1
    public = secretariat_client.application.test_client()
    assert "Skåne–Suzhou: hållbart byggande" in titles(public.get("/cooperation?region=12"))
    shown = text_of(public.get(f"/cooperation/{entry.id}"))
    assert "Suzhou (foreign city, Kina)" in shown or "Suzhou (utländsk stad, Kina)" in shown \
        or "Kina" in shown
    assert "Karin Kontaktsson" not in shown  # who proposed is the secretariat's business
    # Approved: the region no longer changes it.
    assert contact_client.get(f"/cooperation/{entry.id}/edit").status_code == 403


def test_the_secretariat_returns_with_a_reason_and_the_region_sends_again(
    session, contact_client, secretariat_client, make_cooperation, coop_contact
):
    proposal = make_cooperation("Delegation till Hamburg", by=coop_contact,
                                parties=[(PartyKind.FOREIGN_CITY, "Hamburg", "DE")])
    no_reason = secretariat_client.post(f"/cooperation/{proposal.id}/return", data={"reason": ""})
    assert no_reason.status_code == 400
    assert error_beside(no_reason, "reason") == "Say why the proposal is returned."
    assert count(session, Cooperation.id == proposal.id,
                 Cooperation.status == CooperationStatus.PROPOSED) == 1
    returned = secretariat_client.post(f"/cooperation/{proposal.id}/return",
                                       data={"reason": "Lägg till när besöket slutar."})
    assert returned.status_code == 303 and returned.location == "/cooperation/proposals"
    mine = text_of(contact_client.get("/cooperation/proposals"))
    assert "Lägg till när besöket slutar." in between(mine, "Returned", "Approved")
    page = text_of(contact_client.get(f"/cooperation/{proposal.id}"))
    assert "Returned by the secretariat" in page and "Change and send again" in page
    edit = contact_client.get(f"/cooperation/{proposal.id}/edit")
    assert 'value="Hamburg"' in text_of(edit) and 'value="Save and send again"' in text_of(edit)
    # Five rows for parties: the entry's one party and four empty ones.
    assert 'id="parties-4-party_name"' in text_of(edit)
    assert 'id="parties-5-party_name"' not in text_of(edit)
    sent = contact_client.post(f"/cooperation/{proposal.id}/edit", data=entry_form(
        title="Delegation till Hamburg", region_ids=[str(proposal.regions[0].id)],
        **{"parties-0-party_name": "Hamburg", "parties-0-country": "DE"},
        start_date="2024-01-01", end_date="2024-01-03"))
    assert sent.status_code == 303
    assert "sent to the secretariat again" in text_of(contact_client.get(sent.location))
    session.expire_all()
    again = session.get(Cooperation, proposal.id)
    assert again.status is CooperationStatus.PROPOSED and again.end_date == date(2024, 1, 3)


def test_the_secretariat_adds_an_approved_entry_directly(session, secretariat_client,
                                                        regions_by_code):
    response = secretariat_client.post("/cooperation/new", data=entry_form(
        title="Medlemskap i CPMR", kind="network", region_ids=[str(regions_by_code["10"].id)],
        **{"parties-0-kind": "network", "parties-0-party_name": "CPMR",
           "parties-0-country": "FR"}))
    assert response.status_code == 303
    entry = session.scalar(select(Cooperation).where(Cooperation.title == "Medlemskap i CPMR"))
    assert entry.status is APPROVED and entry.kind is CooperationKind.NETWORK
    assert "added to the register" in text_of(secretariat_client.get(response.location))


def test_errors_show_beside_their_fields_and_nothing_is_saved(session, contact_client,
                                                              regions_by_code):
    before = count(session)
    response = contact_client.post("/cooperation/new", data=entry_form(
        title="", region_ids=[str(regions_by_code["12"].id)], start_date="2026-13-01",
        contact_email="inte-en-adress", **{"parties-0-country": ""}))
    assert response.status_code == 400
    assert error_beside(response, "title") == "This field is required."
    assert error_beside(response, "start_date") == "Write the date as YYYY-MM-DD, e.g. 2026-11-24."
    assert error_beside(response, "contact_email").startswith("Write an e-mail address")
    page = text_of(response)
    assert 'class="error-summary"' in page
    assert 'value="Suzhou"' in page  # what was typed is kept
    # The parties' rules are judged in the same round as the fields.
    assert error_beside(response, "parties-0-country") == \
        "Choose the country of a foreign region or city."
    # The rules beyond the fields: the foreign city's country, in the summary too.
    response = contact_client.post("/cooperation/new", data=entry_form(
        region_ids=[str(regions_by_code["12"].id)], **{"parties-0-country": ""}))
    assert response.status_code == 400
    assert error_beside(response, "parties-0-country") == \
        "Choose the country of a foreign region or city."
    assert 'href="#parties-0-country">Party 1, country: Choose the country' in text_of(response)
    response = contact_client.post("/cooperation/new", data=entry_form(
        region_ids=[str(regions_by_code["12"].id)], start_date="2026-05-02",
        end_date="2026-05-01"))
    assert error_beside(response, "end_date") == "The end cannot be before the start."
    assert count(session) == before


def test_a_contact_proposes_only_for_their_own_region(session, contact_client, regions_by_code):
    before = count(session)
    response = contact_client.post("/cooperation/new", data=entry_form(
        region_ids=[str(regions_by_code["07"].id)]))
    assert response.status_code == 400
    assert error_beside(response, "region_ids") == \
        "You propose for Region Skåne: it must be among the regions involved."
    assert count(session) == before


def test_another_regions_contact_may_neither_see_nor_change_a_proposal(
    app, login, make_cooperation, coop_contact, coop_other_contact
):
    proposal = make_cooperation("Skånes hemliga förslag", by=coop_contact)
    other = login(app.test_client(), coop_other_contact)
    assert other.get(f"/cooperation/{proposal.id}").status_code == 404
    assert other.get(f"/cooperation/{proposal.id}/edit").status_code == 403
    assert other.post(f"/cooperation/{proposal.id}/edit", data=entry_form()).status_code == 403
    assert "Skånes hemliga förslag" not in text_of(other.get("/cooperation/proposals"))


def test_areas_are_managed_by_the_secretariat(session, secretariat_client):
    page = text_of(secretariat_client.get("/cooperation/areas"))
    assert "Climate and energy" in page and "Hälsa och välfärdsteknik" in page
    empty = secretariat_client.post("/cooperation/areas", data={"name_sv": "", "name_en": ""})
    assert empty.status_code == 400 and error_beside(empty, "name_sv")
    added = secretariat_client.post("/cooperation/areas", data={
        "name_sv": "Kultur och kreativa näringar", "name_en": "Culture and creative industries"})
    assert added.status_code == 303
    area = session.scalar(select(CooperationArea).where(
        CooperationArea.name_en == "Culture and creative industries"))
    form = text_of(secretariat_client.get(f"/cooperation/areas?edit={area.id}"))
    assert 'value="Kultur och kreativa näringar"' in form
    renamed = secretariat_client.post("/cooperation/areas", data={
        "area_id": str(area.id), "name_sv": "Kulturella näringar", "name_en": "Cultural industries"})
    assert renamed.status_code == 303
    session.expire_all()
    assert session.get(CooperationArea, area.id).name_sv == "Kulturella näringar"
    duplicate = secretariat_client.post("/cooperation/areas", data={
        "name_sv": "Klimat och energi", "name_en": "Climate"})
    assert error_beside(duplicate, "name_sv") == "There is already an area with that name."
    assert session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action.in_(["cooperation_area_added", "cooperation_area_changed"]))) == 2


# --- the list and its filters ------------------------------------------------------------------


@pytest.fixture
def register(make_cooperation, current_themes, old_themes, coop_areas, coop_contact):
    """A small register: Kronoberg–Suzhou, a Baltic network, a German twin region that has
    ended, a visit with Region Skåne as a party, an internal entry and a proposal."""
    climate, health = coop_areas["klimat-och-energi"], coop_areas["halsa-och-valfardsteknik"]
    innovation, skills = current_themes[2], current_themes[1]
    return {
        "suzhou": make_cooperation(
            "Kinasatsningen: Suzhou", regions=["07"], themes=[innovation],
            areas=[coop_areas["investeringsframjande"]], start=date(2010, 5, 1),
            parties=[(PartyKind.FOREIGN_CITY, "Suzhou", "CN")],
            co_financers="Länsstyrelsen Kronoberg\nVäxjö kommun"),
        "bsssc": make_cooperation(
            "BSSSC", kind=CooperationKind.NETWORK, regions=["10", "12"], themes=[innovation],
            areas=[climate], start=date(2001, 1, 1),
            parties=[(PartyKind.NETWORK, "Baltic Sea States Subregional Co-operation", None)]),
        "mv": make_cooperation(
            "Skåne – Mecklenburg-Vorpommern", regions=["12"], themes=[skills, old_themes[3]],
            areas=[climate, health], start=date(2015, 1, 1), end=date(2020, 12, 31),
            parties=[(PartyKind.FOREIGN_REGION, "Mecklenburg-Vorpommern", "DE"),
                     (PartyKind.FOREIGN_CITY, "Rostock", "DE")]),
        "visit": make_cooperation(
            "Blekinges besök i Skåne", kind=CooperationKind.VISIT, regions=["10"],
            start=date(2024, 3, 1), end=date(2024, 3, 2), themes=[skills],
            parties=[(PartyKind.SWEDISH_REGION, "12", None)]),
        "internal": make_cooperation(
            "Hemlig dialog med Lombardiet", regions=["12"], themes=[innovation], areas=[health],
            visibility=INTERNAL, parties=[(PartyKind.FOREIGN_REGION, "Lombardia", "IT")]),
        "proposal": make_cooperation(
            "Väntande förslag om Gdańsk", regions=["12"], themes=[innovation], areas=[climate],
            by=coop_contact, parties=[(PartyKind.FOREIGN_CITY, "Gdańsk", "PL")]),
    }


PUBLIC_TITLES = {"Kinasatsningen: Suzhou", "BSSSC", "Skåne – Mecklenburg-Vorpommern",
                 "Blekinges besök i Skåne"}


@pytest.mark.parametrize(("query", "expected"), [
    ("", PUBLIC_TITLES),
    # Region Skåne takes part as a region involved and as a party of Blekinge's visit.
    ("region=12", {"BSSSC", "Skåne – Mecklenburg-Vorpommern", "Blekinges besök i Skåne"}),
    ("region=07", {"Kinasatsningen: Suzhou"}),
    ("kind=network", {"BSSSC"}),
    ("country=DE", {"Skåne – Mecklenburg-Vorpommern"}),
    ("country=CN", {"Kinasatsningen: Suzhou"}),
    ("on=2018-06-01", {"Kinasatsningen: Suzhou", "BSSSC", "Skåne – Mecklenburg-Vorpommern"}),
    ("ongoing=y", {"Kinasatsningen: Suzhou", "BSSSC"}),
    ("q=rostock", {"Skåne – Mecklenburg-Vorpommern"}),  # a party's name
    ("q=v%C3%A4xj%C3%B6", {"Kinasatsningen: Suzhou"}),  # a co-financer: Växjö
    ("q=100%25", set()),  # a percent sign is a character, not a wildcard
    ("region=12&country=DE&ongoing=y", set()),
])
def test_filters(client, register, query, expected):
    response = client.get(f"/cooperation?{query}")
    assert response.status_code == 200
    assert set(titles(response)) == expected


def test_filters_by_theme_and_area(client, register, current_themes, coop_areas):
    assert set(titles(client.get(f"/cooperation?theme={current_themes[1].id}"))) == {
        "Skåne – Mecklenburg-Vorpommern", "Blekinges besök i Skåne"}
    area = coop_areas["klimat-och-energi"]
    response = client.get(f"/cooperation?area={area.id}")
    assert set(titles(response)) == {"BSSSC", "Skåne – Mecklenburg-Vorpommern"}
    assert "<h1>Samarbete inom området Klimat och energi</h1>" in text_of(response) or \
        "Klimat och energi" in between(text_of(response), "<h1>", "</h1>")


def test_a_region_heading_and_a_link_from_the_region_page(client, register):
    page = text_of(english(client).get("/regions/12"))
    section = between(page, 'id="cooperation-heading"', "</section>")
    assert "Region Skåne takes part in 3 entries of the cooperation register" in section
    assert "with parties in 1 country" in section  # Germany; Italy's entry is internal
    assert 'href="/cooperation?region=12"' in section
    assert "Network membership: 1" in section and "Other: " not in section
    response = client.get("/cooperation?region=12")
    assert "<h1>Cooperation involving Region Skåne</h1>" in text_of(response)


def test_a_wrong_filter_is_shown_beside_its_field_and_left_out(client, register):
    response = english(client).get("/cooperation?region=99&on=igår&kind=network")
    assert response.status_code == 200
    assert error_beside(response, "region")
    assert error_beside(response, "on") == "Write the date as YYYY-MM-DD, e.g. 2026-11-24."
    assert set(titles(response)) == {"BSSSC"}  # the valid filter still applies


def test_pages_of_twenty_five(client, make_cooperation):
    for n in range(27):
        make_cooperation(f"Samarbete nummer {n:02d}", start=date(2020, 1, 1) + timedelta(days=n))
    first = client.get("/cooperation")
    assert len(titles(first)) == 25 and titles(first)[0] == "Samarbete nummer 26"
    second = text_of(client.get("/cooperation?page=2"))
    assert "Samarbete nummer 01" in second and "Samarbete nummer 00" in second
    assert "Samarbete nummer 26" not in second
    assert 'href="/cooperation?page=1"' in second
    # A page beyond the last shows the last.
    assert titles(client.get("/cooperation?page=99")) == ["Samarbete nummer 01",
                                                          "Samarbete nummer 00"]


# --- the matrix and the countries -----------------------------------------------------------


def cell(page: str, region: str, column: int) -> str:
    """The text of a matrix cell: the region's row, the column-th data cell (from 0)."""
    row = row_with(page, f">{region}</a></th>")
    cells = re.findall(r"<td>(.*?)</td>", row, re.DOTALL)
    return re.sub(r"<[^>]+>", "", cells[column]).strip()


def test_the_matrix_counts_per_region_and_theme(client, register, current_themes, coop_areas):
    page = text_of(english(client).get("/cooperation/matrix"))
    assert "<caption" in page and 'scope="col"' in page and 'scope="row"' in page
    assert page.count("<tr>") == 2 + 21 + 1  # two header rows, 21 regions, the totals
    innovation, skills = 2, 1  # column of the current period's themes
    first_area = len(current_themes)
    climate = first_area + [a.slug for a in sorted(coop_areas.values(), key=lambda a: a.position)
                            ].index("klimat-och-energi")
    total = first_area + len(coop_areas)
    assert cell(page, "Region Kronoberg", innovation) == "1"
    assert cell(page, "Region Skåne", innovation) == "1"  # BSSSC, not the internal entry
    assert cell(page, "Region Skåne", skills) == "2"  # M-V and Blekinge's visit (a party)
    assert cell(page, "Region Skåne", climate) == "2"  # BSSSC, M-V
    assert cell(page, "Region Skåne", total) == "3"
    assert cell(page, "Region Blekinge", total) == "2"
    assert cell(page, "Region Gotland", total) == "0"
    # The cell links to the same list, which finds the same number of entries.
    link = re.search(rf'href="(/cooperation\?region=12&theme={current_themes[1].id})"', page)
    assert link and len(titles(client.get(link.group(1)))) == 2
    totals = re.findall(r"<td>(.*?)</td>", between(page, "<tfoot>", "</tfoot>"), re.DOTALL)
    totals = [re.sub(r"<[^>]+>", "", t).strip() for t in totals]
    assert totals[innovation] == "2"  # Suzhou and BSSSC: each entry once
    assert totals[climate] == "2"
    assert totals[-1] == "4"
    # The old period's theme is not a column now, but the old period can be chosen.
    assert "International cooperation" not in page


def test_the_matrix_of_an_earlier_period(client, register, old_themes):
    period = old_themes[0].period_id
    page = text_of(english(client).get(f"/cooperation/matrix?period={period}"))
    assert "International cooperation" in page
    assert cell(page, "Region Skåne", 3) == "1"


def test_the_countries_overview(client, register):
    page = text_of(english(client).get("/cooperation/countries"))
    rows = re.findall(r'<th scope="row"><a href="/cooperation\?country=(\w\w)">(.*?)</a>', page)
    assert rows == [("CN", "China"), ("DE", "Germany")]  # no Italy (internal), no Poland
    germany = row_with(page, "?country=DE")
    assert "<td>1</td>" in germany
    assert 'href="/cooperation?country=DE&region=12">Region Skåne</a>' in germany
    swedish = text_of(client.post("/language", data={"lang": "sv", "next": "/"}) and
                      client.get("/cooperation/countries"))
    assert re.findall(r'country=\w\w">(.*?)</a></th>', swedish) == ["Kina", "Tyskland"]


# --- the secretariat sees more ----------------------------------------------------------------


def test_the_secretariat_sees_internal_entries_everywhere(secretariat_client, register):
    listed = titles(secretariat_client.get("/cooperation"))
    assert "Hemlig dialog med Lombardiet" in listed
    assert "Väntande förslag om Gdańsk" not in listed  # the register is approved entries
    assert "Italy" in text_of(secretariat_client.get("/cooperation/countries"))
    page = text_of(secretariat_client.get("/cooperation"))
    assert "1 proposal is waiting for approval" in page


def test_a_contact_sees_their_regions_proposals(app, login, register, coop_contact):
    client = english(login(app.test_client(), coop_contact))
    assert client.get(f"/cooperation/{register['proposal'].id}").status_code == 200
    assert client.get(f"/cooperation/{register['internal'].id}").status_code == 404
    mine = text_of(client.get("/cooperation/proposals"))
    assert "Väntande förslag om Gdańsk" in mine
    assert "Your region's cooperation proposals" in mine


# --- every page of the register renders with the layout -----------------------------------------


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_page_renders_with_the_layout(app, admin_client, register, language):
    if language == "en":
        english(admin_client)
    proposal = register["proposal"].id
    urls = ["/cooperation", "/cooperation?region=12&ongoing=y", "/cooperation/matrix",
            "/cooperation/countries", "/cooperation/export", "/cooperation/new",
            "/cooperation/proposals", "/cooperation/areas",
            f"/cooperation/{proposal}", f"/cooperation/{proposal}/edit"]
    # And the access matrix's and every-page test's list of routes has no other GET page.
    rules = {r.rule for r in app.url_map.iter_rules()
             if r.endpoint.startswith("cooperation.") and "GET" in r.methods}
    assert rules == {"/cooperation", "/cooperation/matrix", "/cooperation/countries",
                     "/cooperation/export", "/cooperation/new", "/cooperation/proposals",
                     "/cooperation/areas", "/cooperation/<int:cooperation_id>",
                     "/cooperation/<int:cooperation_id>/edit"}
    for url in urls:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        assert f'<html lang="{language}">' in page, url
        assert page.count("<h1") == 1, url
        title = re.search(r"<title>(.*?)</title>", page, re.DOTALL)
        assert title and title.group(1).split("–")[0].strip(), url
        assert '<main id="main"' in page and 'href="/accessibility"' in page, url
        assert '<a href="/cooperation" aria-current="page">' in page, url  # the main menu
