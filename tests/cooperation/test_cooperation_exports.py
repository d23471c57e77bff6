"""Exports read back with real readers (csv, openpyxl); what the public and members may see
everywhere (list, entry, matrix, countries, exports, the region page); a fixed number of
queries per page; and the proposer's e-mails over a real SMTP server on loopback."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from cooperation_fixtures import english, text_of
from openpyxl import load_workbook
from page_helpers import between
from sqlalchemy import select

from forum import mail
from forum.cooperation.models import (
    CooperationKind,
    CooperationStatus,
    CooperationVisibility,
    PartyKind,
)
from forum.mail_models import OutboxMessage, OutboxStatus

INTERNAL = CooperationVisibility.INTERNAL


@pytest.fixture
def entries(make_cooperation, current_themes, coop_areas, coop_contact):
    suzhou = make_cooperation(
        "Kinasatsningen: Suzhou", regions=["07", "08"], themes=[current_themes[2]],
        areas=[coop_areas["investeringsframjande"], coop_areas["entreprenorskap-och-tillvaxtforetag"]],
        start=date(2010, 5, 1), agreement=date(2010, 5, 20),
        parties=[(PartyKind.FOREIGN_CITY, "Suzhou", "CN"),
                 (PartyKind.SWEDISH_REGION, "06", None)],
        funders="Region Kronoberg", co_financers="Länsstyrelsen Kronoberg\nVäxjö kommun",
        contact=("Li Wennerström", "li@kronoberg.se", "0470-58 30 00"),
        website="https://www.regionkronoberg.se",
        description="=HYPERLINK(\"http://evil.example\")")
    visit = make_cooperation(
        "Besök från Gdańsk", kind=CooperationKind.VISIT, regions=["12"],
        start=date(2024, 3, 1), end=date(2024, 3, 2),
        parties=[(PartyKind.FOREIGN_CITY, "Gdańsk", "PL")])
    internal = make_cooperation(
        "Hemlig dialog med Lombardiet", regions=["07"], themes=[current_themes[2]],
        areas=[coop_areas["investeringsframjande"]], visibility=INTERNAL,
        parties=[(PartyKind.FOREIGN_REGION, "Lombardia", "IT")])
    proposal = make_cooperation(
        "Ofärdigt förslag om Oslo", regions=["12"], themes=[current_themes[2]],
        by=coop_contact, parties=[(PartyKind.FOREIGN_CITY, "Oslo", "NO")])
    returned = make_cooperation(
        "Returnerat förslag om Tallinn", regions=["12"], by=coop_contact,
        status=CooperationStatus.RETURNED, parties=[(PartyKind.FOREIGN_CITY, "Tallinn", "EE")])
    return {"suzhou": suzhou, "visit": visit, "internal": internal, "proposal": proposal,
            "returned": returned}


HIDDEN = ["Lombardiet", "Lombardia", "Oslo", "Tallinn"]


# --- exports --------------------------------------------------------------------------------------


def read_csv(response) -> list[dict[str, str]]:
    assert response.mimetype == "text/csv"
    body = response.get_data().decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body[1:]), delimiter=";"))


def read_xlsx(response) -> list[dict]:
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def test_csv_one_row_per_entry_with_everything(client, entries):
    response = english(client).get("/cooperation/export?format=csv")
    assert 'filename="cooperation-register-' in response.headers["Content-Disposition"]
    rows = read_csv(response)
    assert [r["Title"] for r in rows] == ["Besök från Gdańsk", "Kinasatsningen: Suzhou"]
    row = rows[1]
    assert row["Swedish regions involved"] == "Region Kronoberg; Region Kalmar län"
    assert row["County codes"] == "07, 08"
    assert row["Other parties"] == ("Suzhou (Foreign city, China); "
                                    "Region Jönköpings län (Swedish region)")
    assert row["Countries"] == "China"
    assert row["Kind"] == "Partnership or twin-region agreement"
    assert row["The strategy's themes"].startswith("Innovation and renewal")
    # In the areas' own order, as the matrix shows them.
    assert row["Areas"] == "Entrepreneurship and growth companies; Investment promotion"
    assert (row["Start"], row["End"], row["Agreement signed"]) == ("2010-05-01", "", "2010-05-20")
    assert row["Funders"] == "Region Kronoberg"
    assert row["Co-financers"] == "Länsstyrelsen Kronoberg; Växjö kommun"
    assert row["Contact's e-mail"] == "li@kronoberg.se"
    assert row["Description"].startswith("'=HYPERLINK")  # data, not a formula
    assert row["Address in the register"] == f"http://forum.test/cooperation/{entries['suzhou'].id}"


def test_xlsx_read_back_with_openpyxl(client, entries):
    [row] = read_xlsx(english(client).get("/cooperation/export?format=xlsx&region=07"))
    assert row["Title"] == "Kinasatsningen: Suzhou"
    assert row["Swedish regions involved"] == "Region Kronoberg; Region Kalmar län"
    assert row["Start"].date() == date(2010, 5, 1)
    assert row["End"] is None
    assert row["Other parties"] == ("Suzhou (Foreign city, China); "
                                    "Region Jönköpings län (Swedish region)")
    assert row["Co-financers"] == "Länsstyrelsen Kronoberg; Växjö kommun"
    assert row["Description"].startswith("'=")


def test_the_export_follows_the_filters_and_the_page_offers_them(client, entries):
    rows = read_csv(english(client).get("/cooperation/export?format=csv&country=PL"))
    assert [r["Title"] for r in rows] == ["Besök från Gdańsk"]
    page = text_of(client.get("/cooperation?country=PL"))
    assert 'href="/cooperation/export?format=csv&country=PL"' in page
    form = client.get("/cooperation/export")
    assert form.status_code == 200 and 'name="format"' in text_of(form)
    bad = client.get("/cooperation/export?format=pdf")
    assert bad.status_code == 400 and 'class="error-summary"' in text_of(bad)


# --- the public sees approved public entries only, everywhere ---------------------------------------


@pytest.fixture(params=["anonymous", "member", "other_contact"])
def outsider(request, app, login, make_account, make_nomination, coop_other_contact):
    client = app.test_client()
    if request.param == "member":
        account = make_account("member")
        make_nomination(account.person, region_code="07")
        login(client, account)
    elif request.param == "other_contact":
        login(client, coop_other_contact)
    return english(client)


def test_nothing_internal_or_unapproved_reaches_the_public(outsider, entries):
    pages = ["/cooperation", "/cooperation?region=07", "/cooperation?region=12",
             "/cooperation?q=o", "/cooperation/matrix", "/cooperation/countries",
             "/regions/07", "/regions/12", "/cooperation/export"]
    for url in pages:
        page = text_of(outsider.get(url))
        for word in HIDDEN:
            assert word not in page, (url, word)
    for fmt in ("csv", "xlsx"):
        response = outsider.get(f"/cooperation/export?format={fmt}")
        body = (response.get_data().decode("utf-8") if fmt == "csv"
                else str(read_xlsx(response)))
        assert "Kinasatsningen" in body
        for word in HIDDEN:
            assert word not in body, (fmt, word)
    for key in ("internal", "proposal", "returned"):
        assert outsider.get(f"/cooperation/{entries[key].id}").status_code == 404
    assert outsider.get(f"/cooperation/{entries['suzhou'].id}").status_code == 200
    # The counts do not give them away either.
    matrix = text_of(outsider.get("/cooperation/matrix"))
    totals = re.findall(r"<td>(.*?)</td>", between(matrix, "<tfoot>", "</tfoot>"), re.DOTALL)
    assert re.sub(r"<[^>]+>", "", totals[-1]).strip() == "2"
    kronoberg = between(text_of(outsider.get("/regions/07")), 'id="cooperation-heading"',
                        "</section>")
    assert "takes part in 1 entry" in kronoberg
    assert "2 entries" in text_of(outsider.get("/cooperation"))


def test_the_secretariat_exports_internal_entries_too(staff_client, entries):
    rows = read_csv(english(staff_client).get("/cooperation/export?format=csv"))
    assert {r["Title"] for r in rows} == {"Besök från Gdańsk", "Kinasatsningen: Suzhou",
                                          "Hemlig dialog med Lombardiet"}
    assert {r["Visibility"] for r in rows} == {"Public", "Internal"}


# --- a fixed number of queries ------------------------------------------------------------------------


def test_pages_load_in_a_fixed_number_of_queries(app, login, coop_staff, make_cooperation,
                                                 current_themes, coop_areas, count_queries):
    client = login(app.test_client(), coop_staff)

    def add(n: int) -> None:
        for i in range(n):
            make_cooperation(
                f"Samarbete {i}", regions=["07", "12"], themes=current_themes[:2],
                areas=list(coop_areas.values())[:2], funders="A\nB", co_financers="C",
                parties=[(PartyKind.FOREIGN_CITY, f"Stad {i}", "DE"),
                         (PartyKind.SWEDISH_REGION, "10", None),
                         (PartyKind.NETWORK, "CPMR", "FR")])

    add(2)
    first = make_cooperation("Mätt samarbete", parties=[(PartyKind.FOREIGN_CITY, "X", "CN")])
    urls = ["/cooperation", f"/cooperation?region=12&theme={current_themes[0].id}",
            "/cooperation/matrix", "/cooperation/countries", f"/cooperation/{first.id}",
            "/cooperation/export?format=csv", "/cooperation/export?format=xlsx",
            "/cooperation/proposals", "/regions/12"]

    def measure() -> dict[str, int]:
        found = {}
        for url in urls:
            with count_queries() as counter:
                assert client.get(url).status_code == 200, url
            found[url] = counter.count
        return found

    few = measure()
    add(12)
    many = measure()
    assert few == many
    assert many["/cooperation"] <= 16, many


# --- e-mail over SMTP -------------------------------------------------------------------------------


def test_the_proposer_is_told_in_their_language_over_smtp(
    app, session, staff_client, make_cooperation, coop_contact, make_account, make_person,
    smtp_server
):
    swedish_contact = make_account("region_contact", region_code="12",
                                   person=make_person("Sven", "Svensson", email=None),
                                   email="sven@skane.example")
    approved = make_cooperation("Delegation till Gdańsk", by=coop_contact)
    returned = make_cooperation("Delegation till Hamburg", by=swedish_contact)
    assert staff_client.post(f"/cooperation/{approved.id}/approve").status_code == 303
    assert staff_client.post(f"/cooperation/{returned.id}/return",
                             data={"reason": "Ange när besöket slutar."}).status_code == 303
    assert mail.deliver_pending(app)["failed"] == 0

    [english_mail] = smtp_server.to("karin.kontaktsson@skane.example")
    assert english_mail["Subject"] == "Approved: Delegation till Gdańsk"
    assert english_mail["Content-Language"] == "en"
    assert "Hello Karin Kontaktsson," in english_mail.text
    assert f"http://forum.test/cooperation/{approved.id}" in english_mail.text
    assert f'href="http://forum.test/cooperation/{approved.id}"' in english_mail.html

    [swedish_mail] = smtp_server.to("sven@skane.example")
    assert swedish_mail["Content-Language"] == "sv"
    assert "Delegation till Hamburg" in swedish_mail["Subject"]
    assert "Ange när besöket slutar." in swedish_mail.text
    assert f"http://forum.test/cooperation/{returned.id}/edit" in swedish_mail.text
    assert '<html lang="sv">' in swedish_mail.html
    session.expire_all()
    assert all(m.status is OutboxStatus.SENT for m in session.scalars(select(OutboxMessage)))
