"""Every roster form over HTTP: what it saves, what it refuses, and that a refusal saves
nothing, says why next to the field, and keeps what the user typed."""

from __future__ import annotations

import html
import re
from datetime import date
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from forum.roster.models import Nomination, Organisation, OrganisationKind, Person, Region


class Page:
    """A rendered form page: its fields' values and the errors beside them."""

    def __init__(self, response):
        self.status = response.status_code
        self.html = response.get_data(as_text=True)
        parser = _FieldValues()
        parser.feed(self.html)
        self.values = parser.values

    def error(self, field_id: str) -> str | None:
        """The text of the field's error element, or None when the field has no error."""
        found = re.search(
            rf'<p class="error-message" id="{re.escape(field_id)}-error">(.*?)</p>', self.html, re.S
        )
        if not found:
            return None
        text = html.unescape(re.sub(r"<[^>]+>", " ", found.group(1)))
        return " ".join(text.split())

    def errors(self) -> set[str]:
        return set(re.findall(r'<p class="error-message" id="([\w-]+)-error">', self.html))

    def value(self, field_id: str):
        return self.values[field_id]


class _FieldValues(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.values: dict[str, str | None] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("id"):
            self.values[a["id"]] = a.get("value") or ""
        elif tag == "select":
            self._select = a.get("id")
            self.values[self._select] = None
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value")
        elif tag == "textarea":
            self._textarea = a.get("id")
            self.values[self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            if self._textarea:
                self.values[self._textarea] = self.values[self._textarea].lstrip("\r\n")
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data

@pytest.fixture
def client(staff_client):
    """The tests in this module act as a member of the secretariat."""
    return staff_client



def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def flash(response) -> str:
    """The success message shown after a redirect."""
    found = re.search(r'<p class="flash flash-success">(.*?)</p>', response.get_data(as_text=True),
                      re.S)
    assert found, "no success message"
    return html.unescape(found.group(1))


# Expected messages are checked on what they must carry (a name, a date, the date format),
# not on their wording, which the translators may polish.
ANY = None
DATE_FORMAT = "YYYY-MM-DD"


def not_the_format_hint(error: str) -> bool:
    return DATE_FORMAT not in error


def meets(error: str | None, expected) -> bool:
    if not error:
        return False
    if expected is ANY:
        return True
    if callable(expected):
        return expected(error)
    return expected in error


@pytest.fixture
def english(client):
    assert client.post("/language", data={"lang": "en", "next": "/"}).status_code == 302
    return client


def region_id(session, code: str) -> int:
    return session.scalar(select(Region.id).where(Region.code == code))


# --- people ---------------------------------------------------------------------------------


def person_data(**overrides) -> dict:
    data = {
        "given_name": "Anna",
        "family_name": "Andersson",
        "title": "Regionråd",
        "organisation_id": "",
        "email": "anna.andersson@example.se",
        "phone": "070-111 22 33",
        "note": "Nås bäst på förmiddagar.",
    }
    data.update(overrides)
    return data


def test_add_person_form_renders(client):
    page = Page(client.get("/people/new"))
    assert page.status == 200
    for field_id in ("given_name", "family_name", "title", "organisation_id", "email", "phone",
                     "note"):
        assert field_id in page.values
    assert page.errors() == set()


def test_add_person(english, session, make_organisation):
    organisation = make_organisation("Region Testlän", kind=OrganisationKind.REGION)
    before = count(session, Person)
    response = english.post(
        "/people/new",
        data=person_data(organisation_id=str(organisation.id), email="  Anna.Andersson@Example.SE "),
    )
    assert response.status_code == 302
    created = session.scalar(select(Person).where(Person.family_name == "Andersson"))
    assert response.headers["Location"] == f"/people/{created.id}"
    assert count(session, Person) == before + 1
    assert created.given_name == "Anna"
    assert created.email == "anna.andersson@example.se"
    assert created.organisation_id == organisation.id
    assert created.phone == "070-111 22 33"
    assert created.note == "Nås bäst på förmiddagar."
    assert "Anna Andersson" in flash(english.get(response.headers["Location"]))


def test_add_person_without_email(client, session):
    response = client.post("/people/new", data=person_data(email=""))
    assert response.status_code == 302
    assert session.scalar(select(Person).where(Person.family_name == "Andersson")).email is None


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"given_name": ""}, "given_name", ANY),
        ({"given_name": "   "}, "given_name", ANY),
        ({"family_name": ""}, "family_name", ANY),
        ({"email": "not-an-address"}, "email", "@"),  # an example address
        ({"email": "anna@"}, "email", "@"),
        ({"given_name": "A" * 101}, "given_name", "100"),
        ({"organisation_id": "999999"}, "organisation_id", ANY),
        ({"organisation_id": "abc"}, "organisation_id", ANY),
    ],
    ids=["no-given-name", "blank-given-name", "no-family-name", "bad-email", "half-email",
         "long-name", "unknown-organisation", "garbage-organisation"],
)
def test_add_person_refuses_bad_input(english, session, overrides, field, message):
    before = count(session, Person)
    data = person_data(**overrides)
    page = Page(english.post("/people/new", data=data))
    assert page.status == 200
    assert meets(page.error(field), message), page.error(field)
    assert page.errors() == {field}
    assert count(session, Person) == before
    # What was typed is still there.
    for kept in ("family_name", "title", "phone"):
        if kept != field:
            assert page.value(kept) == data[kept]
    if field != "email":
        assert page.value("email") == data["email"]
    else:
        assert page.value("email") == data["email"].strip()
    assert page.value("note") == data["note"]


def test_add_person_refuses_a_duplicate_email(english, session, make_person):
    holder = make_person("Bertil", "Befintlig", email="delad@example.se")
    before = count(session, Person)
    page = Page(english.post("/people/new", data=person_data(email="Delad@Example.se")))
    assert page.status == 200
    error = page.error("email")
    assert "Bertil Befintlig" in error
    assert count(session, Person) == before
    assert page.value("given_name") == "Anna"
    assert page.value("email") == "Delad@Example.se"
    # The summary at the top links to the field.
    assert 'href="#email"' in page.html


def test_errors_are_tied_to_their_fields_in_swedish(client, session):
    before = count(session, Person)
    page = Page(client.post("/people/new", data=person_data(given_name="", email="fel")))
    assert page.status == 200
    assert '<html lang="sv">' in page.html
    assert page.errors() == {"given_name", "email"}
    assert page.error("given_name") and page.error("email")
    # Screen readers hear the message with the field.
    assert re.search(r'aria-describedby="email-error"[^>]*aria-invalid="true"[^>]*id="email"',
                     page.html)
    assert count(session, Person) == before


def test_edit_person(english, session, make_person):
    person = make_person("Cecilia", "Ändrasson", email="cecilia@example.se", title="Regionråd")
    page = Page(english.get(f"/people/{person.id}/edit"))
    assert page.status == 200
    assert page.value("given_name") == "Cecilia"
    assert page.value("email") == "cecilia@example.se"
    response = english.post(
        f"/people/{person.id}/edit",
        data=person_data(given_name="Cecilia", family_name="Ändrad", email="cecilia@example.se",
                         title="Oppositionsråd"),
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/people/{person.id}"
    session.expire_all()
    changed = session.get(Person, person.id)
    assert changed.family_name == "Ändrad"
    assert changed.title == "Oppositionsråd"
    assert changed.email == "cecilia@example.se"  # keeping one's own address is fine
    assert flash(english.get(f"/people/{person.id}"))


def test_edit_person_refuses_someone_elses_email(english, session, make_person):
    make_person("Doris", "Därsson", email="doris@example.se")
    person = make_person("Cecilia", "Ändrasson", email="cecilia@example.se")
    page = Page(
        english.post(
            f"/people/{person.id}/edit",
            data=person_data(given_name="Cissi", family_name="Ändrasson", email="doris@example.se"),
        )
    )
    assert page.status == 200
    assert "Doris Därsson" in page.error("email")
    assert page.value("given_name") == "Cissi"
    session.expire_all()
    unchanged = session.get(Person, person.id)
    assert unchanged.email == "cecilia@example.se"
    assert unchanged.given_name == "Cecilia"


def test_edit_person_refuses_missing_names(english, session, make_person):
    person = make_person("Cecilia", "Ändrasson")
    page = Page(english.post(f"/people/{person.id}/edit",
                             data=person_data(given_name="", family_name="")))
    assert page.errors() == {"given_name", "family_name"}
    session.expire_all()
    assert session.get(Person, person.id).given_name == "Cecilia"


def test_edit_unknown_person_is_404(client):
    assert client.get("/people/999999/edit").status_code == 404
    assert client.post("/people/999999/edit", data=person_data()).status_code == 404


# --- organisations --------------------------------------------------------------------------


def organisation_data(**overrides) -> dict:
    data = {
        "name": "Myndigheten för testning",
        "short_name": "MFT",
        "kind": "agency",
        "region_id": "",
        "website": "https://www.mft.se",
        "note": "Deltar i arbetsgruppen.",
    }
    data.update(overrides)
    return data


def test_add_organisation(english, session):
    before = count(session, Organisation)
    response = english.post("/organisations/new", data=organisation_data())
    assert response.status_code == 302
    assert response.headers["Location"] == "/organisations"
    assert count(session, Organisation) == before + 1
    created = session.scalar(select(Organisation).where(Organisation.short_name == "MFT"))
    assert created.name == "Myndigheten för testning"
    assert created.kind is OrganisationKind.AGENCY
    assert created.website == "https://www.mft.se"
    assert created.region_id is None
    assert flash(english.get("/organisations"))


def test_add_a_regions_organisation(client, session):
    skane = region_id(session, "12")
    response = client.post(
        "/organisations/new",
        data=organisation_data(name="Region Skåne Utveckling", kind="region", region_id=str(skane)),
    )
    assert response.status_code == 302
    created = session.scalar(select(Organisation).where(Organisation.name == "Region Skåne Utveckling"))
    assert created.region_id == skane and created.kind is OrganisationKind.REGION


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": "Region Skåne"}, "name", ANY),
        ({"name": ""}, "name", ANY),
        ({"website": "www.mft"}, "website", "https://"),  # an example address
        ({"website": "javascript:alert(1)"}, "website", "https://"),
        ({"kind": "region", "region_id": ""}, "region_id", ANY),
        ({"kind": "planet"}, "kind", ANY),
        ({"region_id": "999999"}, "region_id", ANY),
    ],
    ids=["duplicate-name", "no-name", "bad-url", "script-url", "region-without-region",
         "unknown-kind", "unknown-region"],
)
def test_add_organisation_refuses_bad_input(english, session, overrides, field, message):
    before = count(session, Organisation)
    data = organisation_data(**overrides)
    page = Page(english.post("/organisations/new", data=data))
    assert page.status == 200
    assert meets(page.error(field), message), page.error(field)
    assert page.errors() == {field}
    assert count(session, Organisation) == before
    for kept in ("name", "short_name", "website"):
        assert page.value(kept) == data[kept]
    assert page.value("note") == data["note"]
    if field != "kind":
        assert page.value("kind") == data["kind"]


def test_edit_organisation(english, session, make_organisation):
    organisation = make_organisation("Gamla verket", short_name="GV")
    page = Page(english.get(f"/organisations/{organisation.id}/edit"))
    assert page.status == 200
    assert page.value("name") == "Gamla verket"
    assert page.value("kind") == "agency"
    response = english.post(
        f"/organisations/{organisation.id}/edit",
        data=organisation_data(name="Nya verket", short_name="NV", kind="ministry"),
    )
    assert response.status_code == 302
    session.expire_all()
    changed = session.get(Organisation, organisation.id)
    assert changed.name == "Nya verket" and changed.kind is OrganisationKind.MINISTRY


def test_edit_organisation_keeps_its_own_name(client, session, make_organisation):
    organisation = make_organisation("Samma verket")
    response = client.post(f"/organisations/{organisation.id}/edit",
                           data=organisation_data(name="Samma verket", short_name="SV"))
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Organisation, organisation.id).short_name == "SV"


def test_edit_organisation_refuses_anothers_name(english, session, make_organisation):
    organisation = make_organisation("Eget verket")
    page = Page(english.post(f"/organisations/{organisation.id}/edit",
                             data=organisation_data(name="Region Uppsala")))
    assert page.errors() == {"name"}
    assert page.value("name") == "Region Uppsala"
    session.expire_all()
    assert session.get(Organisation, organisation.id).name == "Eget verket"


def test_edit_regions_organisation_shows_its_kind_and_region(client, session):
    skane = session.scalar(select(Organisation).where(Organisation.name == "Region Skåne"))
    page = Page(client.get(f"/organisations/{skane.id}/edit"))
    assert page.value("kind") == "region"
    assert page.value("region_id") == str(region_id(session, "12"))


def test_edit_unknown_organisation_is_404(client):
    assert client.get("/organisations/999999/edit").status_code == 404


# --- nominate -------------------------------------------------------------------------------


@pytest.fixture
def seats(seat):
    return {
        "majority": seat("politikerforum", "majoritet").id,
        "opposition": seat("politikerforum", "opposition").id,
        "official": seat("tjanstepersonsforum", "tjansteperson").id,
    }


def nomination_data(seat, person, **overrides) -> dict:
    data = {
        "seat_id": str(seat),
        "person_id": str(person),
        "party": "S",
        "start_date": "2024-01-01",
        "end_date": "",
        "nominated_by_id": "",
        "note": "Enligt regionstyrelsens beslut.",
    }
    data.update(overrides)
    return data


def test_nominate_form_renders_with_the_seat_chosen(client, seats):
    page = Page(client.get(f"/regions/12/nominate?seat={seats['opposition']}"))
    assert page.status == 200
    assert page.value("seat_id") == str(seats["opposition"])
    assert page.value("person_id") in (None, "")  # nobody is chosen by accident
    assert "Region Skåne" in page.html


def test_nominate(english, session, seats, make_person):
    person = make_person("Erik", "Eriksson")
    response = english.post("/regions/12/nominate",
                            data=nomination_data(seats["majority"], person.id, party=" M "))
    assert response.status_code == 302
    assert response.headers["Location"] == "/regions/12"
    nomination = session.scalar(select(Nomination).where(Nomination.person_id == person.id))
    assert nomination.seat_id == seats["majority"]
    assert nomination.region_id == region_id(session, "12")
    assert nomination.party == "M"
    assert nomination.start_date == date(2024, 1, 1)
    assert nomination.end_date is None
    assert nomination.note == "Enligt regionstyrelsens beslut."
    assert nomination.nominated_by.name == "Region Skåne"
    message = flash(english.get("/regions/12"))
    assert "Erik Eriksson" in message and "Region Skåne" in message


def test_nominate_an_official_needs_no_party(client, session, seats, make_person):
    person = make_person("Tjänste", "Personsson")
    response = client.post("/regions/12/nominate",
                           data=nomination_data(seats["official"], person.id, party=""))
    assert response.status_code == 302
    assert session.scalar(select(Nomination).where(Nomination.person_id == person.id)).party == ""


def test_nominate_for_a_term_with_an_end(client, session, seats, make_person, make_organisation):
    person = make_person()
    agency = make_organisation("Nominerande myndighet")
    response = client.post(
        "/regions/14/nominate",
        data=nomination_data(seats["opposition"], person.id, start_date="2023-01-01",
                             end_date="2026-12-31", nominated_by_id=str(agency.id)),
    )
    assert response.status_code == 302
    nomination = session.scalar(select(Nomination).where(Nomination.person_id == person.id))
    assert nomination.end_date == date(2026, 12, 31)
    assert nomination.nominated_by_id == agency.id


def assert_nothing_nominated(session, before):
    assert count(session, Nomination) == before


def test_nominate_to_a_held_seat_names_the_holder(english, session, seats, make_person,
                                                  make_nomination):
    holder = make_person("Hanna", "Hållare")
    make_nomination(holder, region_code="12", start=date(2023, 1, 1))
    newcomer = make_person("Nora", "Nykomling")
    before = count(session, Nomination)
    data = nomination_data(seats["majority"], newcomer.id, start_date="2024-06-01")
    page = Page(english.post("/regions/12/nominate", data=data))
    assert page.status == 200
    error = page.error("start_date")
    assert "Hanna Hållare" in error
    assert "Region Skåne" in error and "1 January 2023" in error
    assert page.errors() == {"start_date"}
    assert_nothing_nominated(session, before)
    assert page.value("person_id") == str(newcomer.id)
    assert page.value("seat_id") == str(seats["majority"])
    assert page.value("start_date") == "2024-06-01"
    assert page.value("party") == "S"
    assert page.value("note") == data["note"]


def test_nominate_someone_already_in_the_body(english, session, seats, make_person,
                                              make_nomination):
    person = make_person("Dubbel", "Dubbelsson")
    make_nomination(person, region_code="14", start=date(2023, 1, 1))
    before = count(session, Nomination)
    page = Page(english.post("/regions/12/nominate",
                             data=nomination_data(seats["opposition"], person.id)))
    assert page.status == 200
    error = page.error("person_id")
    assert "Dubbel Dubbelsson" in error and "Västra Götalandsregionen" in error
    assert_nothing_nominated(session, before)


def test_the_same_person_may_sit_in_both_bodies(client, session, seats, make_person,
                                                make_nomination):
    person = make_person()
    make_nomination(person, region_code="12", start=date(2023, 1, 1))
    response = client.post("/regions/12/nominate",
                           data=nomination_data(seats["official"], person.id, party=""))
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"party": ""}, "party", ANY),
        ({"party": "   "}, "party", ANY),
        ({"start_date": "2024-05-01", "end_date": "2024-04-30"}, "end_date", "1 May 2024"),
        ({"start_date": "1 maj 2024"}, "start_date", DATE_FORMAT),
        ({"start_date": "2024/05/01"}, "start_date", DATE_FORMAT),
        ({"start_date": "2024-02-30"}, "start_date", DATE_FORMAT),
        ({"start_date": ""}, "start_date", not_the_format_hint),  # asks for a date instead
        ({"end_date": "snart"}, "end_date", DATE_FORMAT),
        ({"seat_id": "999999"}, "seat_id", ANY),
        ({"seat_id": "abc"}, "seat_id", ANY),
        ({"seat_id": ""}, "seat_id", ANY),
        ({"person_id": "999999"}, "person_id", ANY),
        ({"person_id": "1; DROP TABLE people"}, "person_id", ANY),
        ({"person_id": ""}, "person_id", ANY),
        ({"nominated_by_id": "999999"}, "nominated_by_id", ANY),
        ({"party": "P" * 61}, "party", "60"),
    ],
    ids=["no-party", "blank-party", "end-before-start", "words-date", "slashed-date",
         "impossible-date", "no-start", "bad-end", "unknown-seat", "garbage-seat", "no-seat",
         "unknown-person", "garbage-person", "no-person", "unknown-nominator", "long-party"],
)
def test_nominate_refuses_bad_input(english, session, seats, make_person, overrides, field,
                                    message):
    person = make_person("Vera", "Valsson")
    before = count(session, Nomination)
    data = nomination_data(seats["majority"], person.id, **overrides)
    page = Page(english.post("/regions/12/nominate", data=data))
    assert page.status == 200
    assert meets(page.error(field), message), page.error(field)
    assert field in page.errors()
    assert_nothing_nominated(session, before)
    # What was typed is kept, including a date that could not be read.
    assert page.value("party") == data["party"].strip()
    assert page.value("start_date") == data["start_date"]
    assert page.value("end_date") == data["end_date"]
    assert page.value("note") == data["note"]


def test_nominate_to_an_unknown_region_is_404(client, seats, make_person):
    person = make_person()
    assert client.get("/regions/99/nominate").status_code == 404
    assert client.post("/regions/99/nominate",
                       data=nomination_data(seats["majority"], person.id)).status_code == 404


# --- end a nomination -----------------------------------------------------------------------


def test_end_nomination(english, session, make_nomination):
    nomination = make_nomination(start=date(2023, 1, 1))
    page = Page(english.get(f"/nominations/{nomination.id}/end"))
    assert page.status == 200
    assert nomination.person.name in page.html
    response = english.post(f"/nominations/{nomination.id}/end", data={"end_date": "2024-12-31"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/regions/12"
    session.expire_all()
    assert session.get(Nomination, nomination.id).end_date == date(2024, 12, 31)
    assert flash(english.get("/regions/12"))


def test_end_nomination_on_its_first_day(client, session, make_nomination):
    nomination = make_nomination(start=date(2023, 1, 1))
    response = client.post(f"/nominations/{nomination.id}/end", data={"end_date": "2023-01-01"})
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Nomination, nomination.id).end_date == date(2023, 1, 1)


@pytest.mark.parametrize(
    ("end", "message"),
    [
        ("2022-12-31", "1 January 2023"),  # names the start
        ("31/12/2024", DATE_FORMAT),
        ("", not_the_format_hint),
    ],
    ids=["before-start", "bad-format", "missing"],
)
def test_end_nomination_refuses_bad_dates(english, session, make_nomination, end, message):
    nomination = make_nomination(start=date(2023, 1, 1))
    page = Page(english.post(f"/nominations/{nomination.id}/end", data={"end_date": end}))
    assert page.status == 200
    assert meets(page.error("end_date"), message), page.error("end_date")
    assert page.value("end_date") == end
    session.expire_all()
    assert session.get(Nomination, nomination.id).end_date is None


def test_end_an_ended_nomination_is_refused(english, session, make_nomination):
    nomination = make_nomination(start=date(2023, 1, 1), end=date(2023, 6, 30))
    page = Page(english.post(f"/nominations/{nomination.id}/end", data={"end_date": "2024-01-01"}))
    assert page.status == 200
    error = page.error("end_date")
    assert "30 June 2023" in error
    session.expire_all()
    assert session.get(Nomination, nomination.id).end_date == date(2023, 6, 30)


def test_end_unknown_nomination_is_404(client):
    assert client.post("/nominations/999999/end", data={"end_date": "2024-01-01"}).status_code == 404


# --- replace a member -----------------------------------------------------------------------


def replace_data(person, **overrides) -> dict:
    data = {
        "person_id": str(person),
        "party": "M",
        "start_date": "2025-04-01",
        "nominated_by_id": "",
        "note": "Ersätter efter avgång.",
    }
    data.update(overrides)
    return data


@pytest.fixture
def sitting(make_person, make_nomination):
    person = make_person("Sittande", "Ledamotsson")
    return make_nomination(person, region_code="12", start=date(2023, 1, 1), party="S")


def test_replace_member(english, session, sitting, make_person):
    successor = make_person("Efter", "Trädare")
    page = Page(english.get(f"/nominations/{sitting.id}/replace"))
    assert page.status == 200 and "party" in page.values
    response = english.post(f"/nominations/{sitting.id}/replace", data=replace_data(successor.id))
    assert response.status_code == 302
    assert response.headers["Location"] == "/regions/12"
    session.expire_all()
    old = session.get(Nomination, sitting.id)
    new = session.scalar(select(Nomination).where(Nomination.person_id == successor.id))
    assert old.end_date == date(2025, 3, 31)
    assert new.start_date == date(2025, 4, 1) and new.end_date is None
    assert (new.seat_id, new.region_id, new.party) == (old.seat_id, old.region_id, "M")
    assert new.note == "Ersätter efter avgång."

    shown = english.get("/regions/12")
    message = flash(shown)
    assert "Efter Trädare" in message and "Sittande Ledamotsson" in message
    text = html.unescape(shown.get_data(as_text=True))
    history = text.split('id="history-heading"', 1)[1]
    assert "Sittande Ledamotsson" in history and "Efter Trädare" in history
    assert "1 January 2023 – 31 March 2025" in history
    assert "from 1 April 2025" in history
    current = politicians(text)
    assert "Efter Trädare" in current and "Sittande Ledamotsson" not in current
    # On the day before, the old member still held the seat.
    before = politicians(english.get("/regions/12?on=2025-03-31").get_data(as_text=True))
    assert "Sittande Ledamotsson" in before and "Efter Trädare" not in before


def politicians(page: str) -> str:
    """The region page's table of the politicians' forum's current holders."""
    return page.split('aria-labelledby="body-politikerforum"', 1)[1].split("</section>", 1)[0]


def test_replace_an_official_without_party(client, session, make_person, make_nomination):
    official = make_nomination(body="tjanstepersonsforum", seat_slug="tjansteperson",
                               start=date(2023, 1, 1))
    page = Page(client.get(f"/nominations/{official.id}/replace"))
    assert "party" not in page.values  # officials have no party
    successor = make_person()
    response = client.post(f"/nominations/{official.id}/replace",
                           data=replace_data(successor.id, party=""))
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Nomination, official.id).end_date == date(2025, 3, 31)


def assert_not_replaced(session, sitting, before):
    session.expire_all()
    assert count(session, Nomination) == before
    assert session.get(Nomination, sitting.id).end_date is None


def test_successor_cannot_start_the_day_the_member_started(english, session, sitting,
                                                           make_person):
    successor = make_person("För", "Tidig")
    before = count(session, Nomination)
    data = replace_data(successor.id, start_date="2023-01-01")
    page = Page(english.post(f"/nominations/{sitting.id}/replace", data=data))
    assert page.status == 200
    assert "1 January 2023" in page.error("start_date")
    assert_not_replaced(session, sitting, before)
    assert page.value("start_date") == "2023-01-01"
    assert page.value("person_id") == str(successor.id)
    assert page.value("party") == "M"
    assert page.value("note") == data["note"]


def test_successor_may_start_the_day_after(client, session, sitting, make_person):
    successor = make_person()
    response = client.post(f"/nominations/{sitting.id}/replace",
                           data=replace_data(successor.id, start_date="2023-01-02"))
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Nomination, sitting.id).end_date == date(2023, 1, 1)


def test_replacing_an_ended_nomination_is_refused(english, session, make_person, make_nomination):
    ended = make_nomination(start=date(2023, 1, 1), end=date(2024, 6, 30))
    successor = make_person()
    before = count(session, Nomination)
    page = Page(english.post(f"/nominations/{ended.id}/replace", data=replace_data(successor.id)))
    assert page.status == 200
    assert "30 June 2024" in page.error("start_date")
    session.expire_all()
    assert count(session, Nomination) == before
    assert session.get(Nomination, ended.id).end_date == date(2024, 6, 30)


def test_a_refused_successor_leaves_the_member_in_place(english, session, sitting, make_person,
                                                        make_nomination):
    """The old nomination is ended only if the successor is nominated: all or nothing."""
    busy = make_person("Upp", "Tagen")
    make_nomination(busy, region_code="14", start=date(2023, 1, 1))
    before = count(session, Nomination)
    page = Page(english.post(f"/nominations/{sitting.id}/replace", data=replace_data(busy.id)))
    assert page.status == 200
    assert "Upp Tagen" in page.error("person_id")
    assert_not_replaced(session, sitting, before)
    # The page still shows the member as running, not with the end that was rolled back.
    assert "from 1 January 2023" in html.unescape(page.html)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"party": ""}, "party", ANY),
        ({"start_date": "april"}, "start_date", DATE_FORMAT),
        ({"start_date": ""}, "start_date", not_the_format_hint),
        ({"person_id": "999999"}, "person_id", ANY),
        ({"person_id": "x"}, "person_id", ANY),
        ({"person_id": ""}, "person_id", ANY),
    ],
    ids=["no-party", "bad-date", "no-date", "unknown-person", "garbage-person", "no-person"],
)
def test_replace_refuses_bad_input(english, session, sitting, make_person, overrides, field,
                                   message):
    successor = make_person()
    before = count(session, Nomination)
    data = replace_data(successor.id, **overrides)
    page = Page(english.post(f"/nominations/{sitting.id}/replace", data=data))
    assert page.status == 200
    assert meets(page.error(field), message), page.error(field)
    assert_not_replaced(session, sitting, before)
    assert page.value("start_date") == data["start_date"]
    assert page.value("note") == data["note"]


def test_replace_unknown_nomination_is_404(client, make_person):
    assert client.get("/nominations/999999/replace").status_code == 404
