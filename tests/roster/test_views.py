"""The roster's pages over HTTP: the regions overview, a region, a person, the people and
organisations lists, each with the data it should show and nothing it should not."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from forum.reference import REGIONS
from forum.timeutil import today
from page_helpers import between, lang_of, page_text, row_with


@pytest.fixture
def english(client):
    response = client.post("/language", data={"lang": "en", "next": "/"})
    assert response.status_code == 302
    return client

# --- regions overview -----------------------------------------------------------------------


def test_regions_lists_all_21_regions_with_codes(client):
    response = client.get("/regions")
    assert response.status_code == 200
    assert lang_of(response) == "sv"
    text = page_text(response)
    body = between(text, "<tbody>", "</tbody>")
    assert body.count("<tr>") == 21
    for code, name, _county in REGIONS:
        assert f"<td>{code}</td>" in body
        assert f'<a href="/regions/{code}">{name}</a>' in body
    # Nobody is nominated in an empty roster: 21 regions × 3 seats stand vacant.
    assert body.count('class="vacant"') == 63


def test_regions_shows_holders_and_vacancies(english, make_person, make_nomination):
    anna = make_person("Anna", "Majoritetsson")
    olle = make_person("Olle", "Oppositionsson")
    tina = make_person("Tina", "Tjänstesson")
    make_nomination(anna, region_code="01", party="M")
    make_nomination(olle, region_code="01", seat_slug="opposition", party="S")
    make_nomination(tina, region_code="12", body="tjanstepersonsforum", seat_slug="tjansteperson")
    text = page_text(english.get("/regions"))
    body = between(text, "<tbody>", "</tbody>")
    stockholm = row_with(body, "Region Stockholm")
    assert f'<a href="/people/{anna.id}">Anna Majoritetsson</a>' in stockholm
    assert "(M)" in stockholm
    assert "Olle Oppositionsson" in stockholm and "(S)" in stockholm
    assert stockholm.count('class="vacant"') == 1  # the official's seat
    skane = row_with(body, "Region Skåne")
    assert "Tina Tjänstesson" in skane
    assert skane.count('<span class="vacant">Vacant</span>') == 2
    assert body.count('class="vacant"') == 60
    assert re.search(r"<p>[^<]*\b60\b[^<]*</p>", text)  # how many seats are vacant


def test_regions_in_swedish_marks_vacancies(client, make_nomination):
    make_nomination(region_code="12")
    text = page_text(client.get("/regions"))
    skane = row_with(between(text, "<tbody>", "</tbody>"), "Region Skåne")
    vacant = re.findall(r'<span class="vacant">([^<]+)</span>', skane)
    assert len(vacant) == 2
    # "Vakant" once the catalogue has it; never an empty marker.
    assert set(vacant) <= {"Vakant", "Vacant"}


def test_regions_on_a_date_shows_who_held_the_seat_then(client, make_person, make_nomination):
    earlier = make_person("Ebba", "Avgångsdotter")
    make_nomination(earlier, region_code="05", start=date(2019, 1, 1), end=date(2022, 12, 31))
    now = make_person("Nils", "Nuvarandesson")
    make_nomination(now, region_code="05", start=date(2023, 1, 1))

    then = page_text(client.get("/regions?on=2021-06-01"))
    row = row_with(between(then, "<tbody>", "</tbody>"), "Region Östergötland")
    assert "Ebba Avgångsdotter" in row
    assert "Nils Nuvarandesson" not in row
    assert 'value="2021-06-01"' in then  # the date field shows the chosen day

    current = page_text(client.get("/regions"))
    row = row_with(between(current, "<tbody>", "</tbody>"), "Region Östergötland")
    assert "Nils Nuvarandesson" in row
    assert "Ebba Avgångsdotter" not in row
    assert f'value="{today().isoformat()}"' in current

    # The end date is the last day in office, the start date the first.
    assert "Ebba Avgångsdotter" in page_text(client.get("/regions?on=2022-12-31"))
    assert "Ebba Avgångsdotter" not in page_text(client.get("/regions?on=2018-12-31"))
    assert "Nils Nuvarandesson" in page_text(client.get("/regions?on=2023-01-01"))


@pytest.mark.parametrize("bad", ["garbage", "2021-13-45", "2021-02-30", "24/11/2026", "2021"])
def test_regions_with_a_bad_date_explains_and_shows_today(client, make_nomination, bad):
    make_nomination(region_code="12", start=today() - timedelta(days=10))
    response = client.get("/regions", query_string={"on": bad})
    assert response.status_code == 200
    text = page_text(response)
    assert re.search(r'<p class="error-message" id="on-error">\s*<span>.+?</span>', text, re.S)
    assert 'aria-invalid="true"' in text
    assert f'value="{bad}"' in text  # what was typed is kept
    # The roster is still shown, as of today.
    assert between(text, "<tbody>", "</tbody>").count("<tr>") == 21
    assert "Testsson" in row_with(text, "Region Skåne")


def test_bad_date_message_in_english(english):
    text = page_text(english.get("/regions?on=last-tuesday"))
    error = between(text, 'id="on-error">', "</p>")
    assert "YYYY-MM-DD" in error


# --- region page ----------------------------------------------------------------------------


@pytest.fixture
def skane(make_person, make_organisation, make_nomination):
    """Region Skåne with current holders in both bodies and an ended nomination."""
    people = {
        "former": make_person("Frida", "Förrasson", title="Regionråd"),
        "majority": make_person("Maja", "Majsson", title="Regionstyrelsens ordförande"),
        "opposition": make_person("Otto", "Oppsson"),
        "official": make_person("Tove", "Tjänstedotter"),
    }
    make_nomination(people["former"], start=date(2019, 1, 1), end=date(2022, 12, 31),
                    party="KD")
    make_nomination(people["majority"], start=date(2023, 1, 1), party="M")
    make_nomination(people["opposition"], seat_slug="opposition", start=date(2023, 1, 1),
                    party="S")
    make_nomination(people["official"], body="tjanstepersonsforum", seat_slug="tjansteperson",
                    start=date(2024, 3, 1))
    return people


def test_region_page_shows_current_holders_per_body_and_full_history(client, skane):
    response = client.get("/regions/12")
    assert response.status_code == 200
    assert lang_of(response) == "sv"
    text = page_text(response)
    assert "<h1>Region Skåne</h1>" in text
    assert "Skåne län" in text

    politicians = between(text, 'aria-labelledby="body-politikerforum"', "</section>")
    officials = between(text, 'aria-labelledby="body-tjanstepersonsforum"', "</section>")
    assert "Politikerforum" in politicians and "Tjänstepersonsforum" in officials
    majority = row_with(politicians, "Maja Majsson")
    assert "<td>M</td>" in majority
    assert "Regionstyrelsens ordförande" in majority
    assert "<td>S</td>" in row_with(politicians, "Otto Oppsson")
    assert "Tove Tjänstedotter" in officials
    assert "Maja Majsson" not in officials and "Tove Tjänstedotter" not in politicians
    # The ended nomination is history, not a current holder.
    assert "Frida Förrasson" not in politicians
    assert 'class="vacant"' not in politicians + officials

    history = between(text, 'id="history-heading"', "</section>")
    for person in skane.values():
        assert person.name in history
    former = row_with(history, "Frida Förrasson")
    assert "<td>KD</td>" in former
    assert "2019" in former and "2022" in former
    # Newest first; the region nominated through its own organisation.
    assert history.index("Tove Tjänstedotter") < history.index("Frida Förrasson")
    assert "Region Skåne" in row_with(history, "Maja Majsson")


def test_region_page_on_an_earlier_date(client, skane):
    text = page_text(client.get("/regions/12?on=2020-06-01"))
    politicians = between(text, 'aria-labelledby="body-politikerforum"', "</section>")
    officials = between(text, 'aria-labelledby="body-tjanstepersonsforum"', "</section>")
    assert "Frida Förrasson" in politicians
    assert "Maja Majsson" not in politicians
    assert politicians.count('class="vacant"') == 1  # no opposition politician then
    assert officials.count('class="vacant"') == 1
    # History is the full history whatever the date.
    assert "Maja Majsson" in between(text, 'id="history-heading"', "</section>")


def test_region_page_in_english(english, skane):
    text = page_text(english.get("/regions/12"))
    assert "Skåne län" in text
    assert "Politician (majority)" in text and "Official (regional development director)" in text
    assert "1 March 2024" in row_with(between(text, 'id="history-heading"'), "Tove")
    assert "1 January 2019" in text and "31 December 2022" in text


def test_empty_region_page_shows_every_seat_vacant(client):
    text = page_text(client.get("/regions/09"))
    assert "<h1>Region Gotland</h1>" in text
    assert "Gotland är en kommun med regionalt utvecklingsansvar." in text
    assert text.count('<tr class="vacant-row">') == 3


# --- person page ----------------------------------------------------------------------------


@pytest.fixture
def career(make_person, make_organisation, make_nomination):
    organisation = make_organisation("Region Testlän")
    person = make_person("Karin", "Karriärsson", title="Regionråd", organisation=organisation,
                         email="karin.karriarsson@example.se", phone="070-123 45 67",
                         note="Föredrar telefon")
    make_nomination(person, region_code="03", seat_slug="opposition", party="C",
                    start=date(2015, 1, 1), end=date(2018, 12, 31))
    make_nomination(person, region_code="12", party="C", start=date(2019, 1, 1))
    make_nomination(person, region_code="12", body="tjanstepersonsforum",
                    seat_slug="tjansteperson", start=today() + timedelta(days=30))
    return person


def test_person_page_shows_nominations_over_time(client, career):
    response = client.get(f"/people/{career.id}")
    assert response.status_code == 200
    text = page_text(response)
    assert "<h1>Karin Karriärsson</h1>" in text
    assert "Regionråd, Region Testlän" in text
    nominations = between(text, 'id="nominations-heading"', "</section>")
    assert nominations.count("<tr>") == 4  # a header row and three nominations
    uppsala = row_with(nominations, "Region Uppsala")
    skane = row_with(nominations, "Politikerforum")
    assert "<td>C</td>" in uppsala and 'class="status ended"' in uppsala
    assert "Region Skåne" in skane and 'class="status current"' in skane
    assert 'class="status coming"' in row_with(nominations, "Tjänstepersonsforum")
    # Newest first.
    assert nominations.index("Tjänstepersonsforum") < nominations.index("Region Uppsala")


def test_person_page_in_english(english, career):
    text = page_text(english.get(f"/people/{career.id}"))
    nominations = between(text, 'id="nominations-heading"', "</section>")
    assert "Politicians' forum" in nominations and "Politician (opposition)" in nominations
    assert "1 January 2015" in nominations and "31 December 2018" in nominations


def test_person_without_nominations(english, make_person):
    person = make_person("Ny", "Nysson")
    nominations = between(page_text(english.get(f"/people/{person.id}")),
                          'id="nominations-heading"', "</section>")
    assert "<table" not in nominations
    assert re.search(r"<p>Ny Nysson [^<]+</p>", nominations)


def test_contact_details_are_hidden_from_the_public(client, career):
    text = page_text(client.get(f"/people/{career.id}"))
    assert "Karin Karriärsson" in text
    assert "karin.karriarsson@example.se" not in text
    assert "070-123 45 67" not in text
    assert "Föredrar telefon" not in text
    assert 'id="contact-heading"' not in text
    assert f"/people/{career.id}/edit" not in text


def test_contact_details_are_shown_to_the_secretariat(staff_client, career):
    text = page_text(staff_client.get(f"/people/{career.id}"))
    contact = between(text, 'id="contact-heading"', "</section>")
    assert 'href="mailto:karin.karriarsson@example.se"' in contact
    assert "070-123 45 67" in contact
    assert "Föredrar telefon" in contact
    assert f'href="/people/{career.id}/edit"' in text


def test_contact_details_do_not_leak_through_other_public_pages(client, career):
    for url in ("/", "/regions", "/regions/12", "/regions/03", "/organisations"):
        assert "karin.karriarsson@example.se" not in client.get(url).get_data(as_text=True)


# --- organisations --------------------------------------------------------------------------


def test_organisations_page_lists_the_regions_and_agencies(english, make_organisation):
    make_organisation("Trafikverket", short_name="TRV", website="https://www.trafikverket.se")
    text = page_text(english.get("/organisations"))
    assert '<a href="https://www.trafikverket.se" rel="noopener">Trafikverket</a> (TRV)' in text
    assert '<a href="/regions/12">Region Skåne</a>' in row_with(text, ">Region Skåne<")


def test_people_page_lists_and_searches(staff_client, make_person):
    make_person("Sökbar", "Personsson", title="Regionråd")
    make_person("Annan", "Andersson")
    everyone = page_text(staff_client.get("/people"))
    assert "Personsson, Sökbar" in everyone and "Andersson, Annan" in everyone
    found = page_text(staff_client.get("/people?q=sökbar"))
    assert "Personsson, Sökbar" in found and "Andersson, Annan" not in found
    assert 'value="sökbar"' in found


def test_people_search_that_is_too_long_is_refused_with_a_message(staff_client, make_person):
    make_person("Annan", "Andersson")
    response = staff_client.get("/people", query_string={"q": "x" * 101})
    assert response.status_code == 200
    assert 'id="q-error"' in response.get_data(as_text=True)


# --- the secretariat's actions on the region page ----------------------------------------------


def test_region_page_offers_the_right_action_per_seat(staff_client, seat, make_person, make_nomination):
    running = make_nomination(make_person("Löpande", "Ledamot"), start=date(2023, 1, 1))
    ending = make_nomination(make_person("Slutande", "Ledamot"), seat_slug="opposition",
                             start=date(2023, 1, 1), end=today() + timedelta(days=60))
    text = page_text(staff_client.get("/regions/12"))
    politicians = between(text, 'aria-labelledby="body-politikerforum"', "</section>")
    officials = between(text, 'aria-labelledby="body-tjanstepersonsforum"', "</section>")
    running_row = row_with(politicians, "Löpande Ledamot")
    assert f'href="/nominations/{running.id}/replace"' in running_row
    assert f'href="/nominations/{running.id}/end"' in running_row
    # An end already set is not set again; the member can still be replaced.
    ending_row = row_with(politicians, "Slutande Ledamot")
    assert f'href="/nominations/{ending.id}/replace"' in ending_row
    assert "/end" not in ending_row
    # A vacant seat offers a nomination to exactly that seat.
    official_seat = seat("tjanstepersonsforum", "tjansteperson")
    assert f'href="/regions/12/nominate?seat={official_seat.id}"' in row_with(officials, "vacant")


def test_nominate_link_leads_to_a_form_with_the_seat_chosen(staff_client, seat):
    official_seat = seat("tjanstepersonsforum", "tjansteperson")
    text = staff_client.get(f"/regions/12/nominate?seat={official_seat.id}").get_data(as_text=True)
    assert re.search(rf'<option selected value="{official_seat.id}">', text)


def test_region_and_person_pages_link_to_each_other(client, make_person, make_nomination):
    person = make_person("Länk", "Länksson")
    make_nomination(person, region_code="25", start=date(2023, 1, 1))
    region = client.get("/regions/25").get_data(as_text=True)
    assert f'href="/people/{person.id}"' in region
    page = client.get(f"/people/{person.id}").get_data(as_text=True)
    assert 'href="/regions/25"' in page and "Region Norrbotten" in page
