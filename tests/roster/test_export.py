"""The roster export over HTTP: the form, CSV and XLSX at a chosen date, one row per held
or vacant place, and cells that a spreadsheet will not run as formulas."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from forum.reference import REGIONS
from forum.timeutil import today

COLUMNS = [
    "County code", "Region", "Body", "Seat", "Side", "Status", "Given name", "Family name",
    "Title or role", "Organisation", "Party", "E-mail", "Phone", "From", "Until",
]
# Headings whose English wording is settled; the rest are checked by position and data.
SURE = {"Region", "Party", "E-mail", "Phone", "Status"}

@pytest.fixture
def client(staff_client):
    """The tests in this module act as a member of the secretariat."""
    return staff_client



def assert_header(header) -> None:
    assert len(header) == len(COLUMNS)
    assert SURE <= set(header)
    for name in SURE:
        assert header.index(name) == COLUMNS.index(name), name
CODE, REGION, BODY, SEAT, SIDE, STATUS, GIVEN, FAMILY, TITLE, ORG, PARTY, EMAIL, PHONE, FROM, \
    UNTIL = range(15)


@pytest.fixture
def english(client):
    assert client.post("/language", data={"lang": "en", "next": "/"}).status_code == 302
    return client


@pytest.fixture
def roster(make_person, make_organisation, make_nomination):
    """Skåne's majority seat held since 2023, Östergötland's held only 2019–2022, and
    Västra Götaland's official ending on 2024-05-31."""
    skane = make_organisation("Region Skåne Testorg")
    people = {
        "holder": make_person("Maja", "Majsson", title="Regionråd", organisation=skane,
                              email="maja@example.se", phone="070-100 00 00"),
        "former": make_person("Frida", "Förrasson"),
        "official": make_person("Olof", "Officiell"),
    }
    make_nomination(people["holder"], region_code="12", party="M", start=date(2023, 1, 1))
    make_nomination(people["former"], region_code="05", party="KD", start=date(2019, 1, 1),
                    end=date(2022, 12, 31))
    make_nomination(people["official"], region_code="14", body="tjanstepersonsforum",
                    seat_slug="tjansteperson", start=date(2020, 1, 1), end=date(2024, 5, 31))
    return people


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the UTF-8 byte-order mark"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))


def read_xlsx(response) -> list[tuple]:
    assert response.status_code == 200
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = load_workbook(io.BytesIO(response.get_data()))
    return [tuple(row) for row in book.active.iter_rows(values_only=True)]


def find(rows, code: str, seat_fragment: str) -> list:
    found = [r for r in rows[1:] if r[CODE] == code and seat_fragment in r[SEAT]]
    assert found, (code, seat_fragment)
    return found


def filename(response) -> str:
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    found = re.search(r'filename="([^"]+)"', disposition)
    assert found
    return found.group(1)


# --- the form -------------------------------------------------------------------------------


def test_export_form(client):
    response = client.get("/roster/export")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "Content-Disposition" not in response.headers
    text = response.get_data(as_text=True)
    assert f'value="{today().isoformat()}"' in text
    assert '<option selected value="xlsx">' in text or 'value="xlsx" selected' in text
    assert 'value="csv"' in text
    assert 'method="get"' in text


# --- CSV ------------------------------------------------------------------------------------


def test_csv_has_a_row_per_place(english, roster):
    response = english.get("/roster/export?on=2024-06-01&format=csv")
    rows = read_csv(response)
    assert_header(rows[0])
    assert len(rows) == 1 + 63
    assert all(len(r) == len(COLUMNS) for r in rows)
    codes = [r[CODE] for r in rows[1:]]
    for code, name, _county in REGIONS:
        assert codes.count(code) == 3
    assert filename(response) == "forum-roster-2024-06-01.csv"

    held = find(rows, "12", "majority")
    assert len(held) == 1
    row = held[0]
    assert row[REGION] == "Region Skåne"
    assert row[BODY] == "Politicians' forum"
    assert row[SIDE] == "Majority"
    assert (row[GIVEN], row[FAMILY], row[TITLE]) == ("Maja", "Majsson", "Regionråd")
    assert (row[ORG], row[PARTY]) == ("Region Skåne Testorg", "M")
    assert (row[EMAIL], row[PHONE]) == ("maja@example.se", "070-100 00 00")
    assert (row[FROM], row[UNTIL]) == ("2023-01-01", "")

    # The nomination that ended before the date is absent; its seat stands vacant.
    assert "Förrasson" not in response.get_data(as_text=True)
    vacant = find(rows, "05", "majority")[0]
    assert vacant[STATUS] == "Vacant"
    assert vacant[GIVEN] == vacant[FAMILY] == vacant[PARTY] == vacant[FROM] == ""
    assert find(rows, "14", "Official")[0][STATUS] == "Vacant"  # ended 2024-05-31

    statuses = [r[STATUS] for r in rows[1:]]
    assert statuses.count("Vacant") == 62
    assert statuses.count(row[STATUS]) == 1 and row[STATUS] not in ("", "Vacant")


def test_csv_on_an_earlier_date(english, roster):
    rows = read_csv(english.get("/roster/export?on=2022-12-31&format=csv"))
    assert len(rows) == 1 + 63
    former = find(rows, "05", "majority")[0]
    assert (former[GIVEN], former[FAMILY], former[PARTY]) == ("Frida", "Förrasson", "KD")
    assert (former[FROM], former[UNTIL]) == ("2019-01-01", "2022-12-31")
    assert find(rows, "12", "majority")[0][STATUS] == "Vacant"  # Maja started 2023-01-01
    official = find(rows, "14", "Official")[0]
    assert official[FAMILY] == "Officiell" and official[UNTIL] == "2024-05-31"


def test_end_date_is_the_last_day_in_the_export(client, roster):
    on_last_day = read_csv(client.get("/roster/export?on=2024-05-31&format=csv"))
    day_after = read_csv(client.get("/roster/export?on=2024-06-01&format=csv"))
    assert find(on_last_day, "14", "")[-1][FAMILY] == "Officiell"
    assert all(r[FAMILY] != "Officiell" for r in day_after)


def test_csv_in_swedish_keeps_the_data(client, roster):
    response = client.get("/roster/export?on=2024-06-01&format=csv")
    rows = read_csv(response)
    assert len(rows) == 1 + 63 and len(rows[0]) == len(COLUMNS)
    row = find(rows, "12", "majoritet")[0]
    assert (row[GIVEN], row[FAMILY], row[EMAIL]) == ("Maja", "Majsson", "maja@example.se")
    assert row[BODY] == "Politikerforum"
    assert "2024-06-01" in filename(response)
    assert filename(response).endswith(".csv")


def test_a_seat_with_two_places_gives_two_rows(english, session, seat, roster):
    official = seat("tjanstepersonsforum", "tjansteperson")
    official.holders_per_region = 2
    session.commit()
    rows = read_csv(english.get("/roster/export?on=2020-06-01&format=csv"))
    assert len(rows) == 1 + 21 * 4
    vg = find(rows, "14", "Official")
    assert sorted(r[FAMILY] for r in vg) == ["", "Officiell"]
    assert [r[STATUS] for r in vg if not r[FAMILY]] == ["Vacant"]


# --- XLSX -----------------------------------------------------------------------------------


def test_xlsx_has_a_row_per_place(english, roster):
    response = english.get("/roster/export?on=2024-06-01&format=xlsx")
    rows = read_xlsx(response)
    assert_header(list(rows[0]))
    assert len(rows) == 1 + 63
    assert filename(response) == "forum-roster-2024-06-01.xlsx"
    codes = [r[CODE] for r in rows[1:]]
    assert sorted(set(codes)) == sorted(code for code, _n, _c in REGIONS)
    row = find(rows, "12", "majority")[0]
    assert (row[GIVEN], row[FAMILY], row[PARTY], row[EMAIL]) == (
        "Maja", "Majsson", "M", "maja@example.se"
    )
    started = row[FROM]
    assert isinstance(started, (date, datetime))
    assert (started.date() if isinstance(started, datetime) else started) == date(2023, 1, 1)
    assert row[UNTIL] is None
    assert find(rows, "05", "majority")[0][STATUS] == "Vacant"
    assert all(r[FAMILY] != "Förrasson" for r in rows)

    book = load_workbook(io.BytesIO(response.get_data()))
    assert book.active.title == "2024-06-01"
    assert book.active.freeze_panes == "A2"


def test_xlsx_is_the_default_format(client, roster):
    response = client.get("/roster/export?on=2024-06-01")
    assert len(read_xlsx(response)) == 1 + 63
    assert filename(response).endswith("2024-06-01.xlsx")


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("on=2024-13-01&format=csv", "on", "YYYY-MM-DD"),
        ("on=igår&format=csv", "on", "YYYY-MM-DD"),
        ("on=&format=xlsx", "on", ""),
        ("on=2024-06-01&format=pdf", "format", ""),
    ],
    ids=["impossible-date", "words", "no-date", "unknown-format"],
)
def test_bad_input_gives_a_message_and_no_file(english, query, field, message):
    response = english.get(f"/roster/export?{query}")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "Content-Disposition" not in response.headers
    text = response.get_data(as_text=True)
    error = re.search(rf'<p class="error-message" id="{field}-error">(.*?)</p>', text, re.S)
    assert error and error.group(1).strip()
    assert message in error.group(1)
    typed = dict(part.split("=") for part in query.split("&"))["on"]
    if typed:
        assert f'value="{typed}"' in text  # what was typed is kept


def test_bad_date_in_swedish_gives_no_file(client):
    response = client.get("/roster/export?on=31/12/2024&format=csv")
    assert response.mimetype == "text/html"
    assert 'id="on-error"' in response.get_data(as_text=True)


# --- formulas -------------------------------------------------------------------------------


@pytest.fixture
def formulas(make_person, make_organisation, make_nomination):
    organisation = make_organisation("-2+3 Myndigheten")
    person = make_person('=HYPERLINK("http://evil.example","klicka")', "+SUM(1)",
                         title="@SUM(A1:A2)", organisation=organisation, phone="+46 70 123 45 67")
    make_nomination(person, region_code="12", party="=1+1", start=date(2023, 1, 1))


def test_csv_cells_that_look_like_formulas_are_neutralised(client, formulas):
    rows = read_csv(client.get("/roster/export?on=2024-06-01&format=csv"))
    row = next(r for r in rows if "HYPERLINK" in r[GIVEN])
    for column in (GIVEN, FAMILY, TITLE, ORG, PARTY, PHONE):
        assert row[column][0] == "'", (column, row[column])
    assert row[GIVEN] == '\'=HYPERLINK("http://evil.example","klicka")'
    assert row[PARTY] == "'=1+1"
    # Nothing else in the file starts a formula.
    for r in rows:
        for cell in r:
            assert cell[:1] not in ("=", "+", "-", "@"), cell


def test_xlsx_cells_that_look_like_formulas_are_text(client, formulas):
    response = client.get("/roster/export?on=2024-06-01&format=xlsx")
    book = load_workbook(io.BytesIO(response.get_data()))
    cells = [c for row in book.active.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    given = next(c for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value)
    assert given.value.startswith("'=")
    assert any(c.value == "'=1+1" for c in cells)
