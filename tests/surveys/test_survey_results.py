"""Results: compiled per question (counts, shares, the SVG chart and the same figures in a
table, number statistics, written answers per region), the response rate and who has not
answered, a region's whole answer, exports read back with the csv module and openpyxl, the
results attached to a meeting as material, and pages that stay at a fixed number of queries
as answers grow."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from forum.material.models import Document, DocumentKind, Visibility
from forum.roster.models import Region
from forum.surveys import results
from forum.surveys.models import SurveyResponse
from material_fixtures import english, text_of
from surveys_fixtures import field, full_answer, question


@pytest.fixture
def staff(staff_client):
    return english(staff_client)


@pytest.fixture
def answered(make_survey, make_account, answer_as):
    """A survey answered by three regions (one only in a draft)."""
    survey = make_survey()
    skane = make_account("region_contact", region_code="12")
    vgr = make_account("region_contact", region_code="14")
    varmland = make_account("region_contact", region_code="17")
    answer_as(survey, skane, full_answer(survey, name="Anna i Skåne", staff="3",
                                          countries=("CN", "DE"), forms=("Vänregion",)))
    answer_as(survey, vgr, full_answer(survey, name="=HYPERLINK(\"x\")", staff="5",
                                        importance="Ganska viktigt", strategy="no",
                                        countries=("CN", "RU", "US"), regions=("12", "13"),
                                        forms=("Vänregion", "EU-projekt", "Nätverk")))
    answer_as(survey, varmland, {field(survey, 2): "Bara ett utkast"}, submit=False)
    return survey


def by_number(compiled, number):
    return compiled[number - 1]


def test_compiled_results_per_question(app, session, answered):
    responses = session.scalars(select(SurveyResponse).where(
        SurveyResponse.survey_id == answered.id)).all()
    regions = {r.code: r for r in session.scalars(select(Region))}
    with app.test_request_context():
        compiled = results.compile_results(answered.questions, responses, language="sv",
                                           regions=regions)
    importance = by_number(compiled, 3)
    assert importance.answered == 2 and importance.submitted == 2
    assert [(c.label, c.count, c.share) for c in importance.counts] == [
        ("Mycket viktigt", 1, 0.5), ("Ganska viktigt", 1, 0.5), ("Inte viktigt", 0, 0.0)]
    forms = by_number(compiled, 4)
    assert [(c.label, c.count) for c in forms.counts] == [
        ("Vänregion", 2), ("EU-projekt", 1), ("Nätverk", 1), ("Delegationsbesök", 0)]
    numbers = by_number(compiled, 5).numbers
    assert (numbers.count, numbers.total, numbers.mean, numbers.median, numbers.low,
            numbers.high) == (2, 8, 4, 4, 3, 5)
    yes_no = by_number(compiled, 6)
    assert [(c.value, c.count) for c in yes_no.counts] == [("yes", 1), ("no", 1)]
    countries = by_number(compiled, 7)
    assert [(c.value, c.count) for c in countries.counts][:1] == [("CN", 2)]
    assert {c.label for c in countries.counts} == {"Kina", "Tyskland", "Ryssland", "USA"}
    regions_asked = by_number(compiled, 8)
    # Equal counts in alphabetical order.
    assert [(c.label, c.count) for c in regions_asked.counts] == [
        ("Region Halland", 1), ("Region Skåne", 1), ("Västra Götalandsregionen", 1)]
    written = by_number(compiled, 2)
    # The draft is not counted.
    assert [w.who for w in written.written] == ["Region Skåne", "Västra Götalandsregionen"]
    # The chart has a bar per alternative, on one scale.
    chart = importance.chart
    assert [b.label for b in chart.bars] == ["Mycket viktigt", "Ganska viktigt", "Inte viktigt"]
    assert chart.bars[0].segments[0].width == chart.bars[1].segments[0].width > 0
    assert chart.bars[2].total == 0


def test_the_results_page(staff, answered):
    response = staff.get(f"/surveys/{answered.id}/results")
    assert response.status_code == 200
    page = text_of(response)
    assert "2 of 21 have submitted an answer. (10 %)" in page
    assert "Drafts are not counted." in page
    # Who has not answered, and the draft apart.
    assert re.search(r"Region Värmland</th>\s*<td><span class=\"meta\">Draft, not submitted", page)
    assert re.search(r"Region Uppsala</th>\s*<td><span class=\"warning-text\">Not answered", page)
    # A chart with a title and description for each counted question, and its table.
    q3 = question(answered, 3)
    section = page.split(f'id="result-{q3.id}"', 1)[1].split("</section>", 1)[0]
    assert '<svg class="chart"' in section and 'role="img"' in section
    assert f'<title id="result-{q3.id}-chart-title">' in section
    assert re.search(r'<th scope="row">Mycket viktigt</th><td class="numeric">1</td>'
                     r'<td class="numeric">50%</td>', section)
    # Numbers and written answers.
    assert "Mean" in page and "Median" in page
    assert "Vi arbetar med Östersjöregionen och Kina." in page
    assert "Bara ett utkast" not in page


def test_a_regions_whole_answer(staff, session, answered, region):
    response = session.scalar(select(SurveyResponse).where(
        SurveyResponse.survey_id == answered.id, SurveyResponse.region_id == region("12").id))
    page = text_of(staff.get(f"/surveys/{answered.id}/responses/{response.id}"))
    assert "Region Skåne's answer" in page
    assert "Anna i Skåne" in page and "China; Germany" in page
    assert "Västra Götalandsregionen" in page  # the region chosen in question 8
    assert staff.get(f"/surveys/{answered.id}/responses/999999").status_code == 404


def test_the_csv_export(staff, answered):
    response = staff.get(f"/surveys/{answered.id}/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[:6] == ["County code", "Region", "Status", "Answered by", "First submitted",
                          "Last changed"]
    assert header[6] == "1. Vem besvarar enkäten?" and len(header) == 14
    assert len(body) == 21  # every region, answered or not
    skane = next(r for r in body if r[0] == "12")
    assert skane[2] == "Submitted" and skane[6] == "Anna i Skåne"
    assert skane[10] == "3" and skane[11] == "Yes" and skane[12] == "China; Germany"
    vgr = next(r for r in body if r[0] == "14")
    assert vgr[6] == "'=HYPERLINK(\"x\")"  # a formula is data, not a formula
    varmland = next(r for r in body if r[0] == "17")
    assert varmland[2] == "Draft, not submitted" and varmland[7] == ""  # drafts are not exported
    assert next(r for r in body if r[0] == "03")[2] == "Not answered"


def test_the_xlsx_export_read_back(staff, answered):
    response = staff.get(f"/surveys/{answered.id}/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Answers", "Compiled"]
    sheet = book["Answers"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("County code", "Region") and len(rows) == 22
    skane = next(r for r in rows if r[0] == "12")
    assert skane[6] == "Anna i Skåne" and skane[10] == 3 and isinstance(skane[10], int)
    assert skane[4] is not None  # first submitted, a date and time
    vgr = next(r for r in rows if r[0] == "14")
    assert vgr[6] == "'=HYPERLINK(\"x\")"
    compiled = [r for r in book["Compiled"].iter_rows(values_only=True) if any(r)]
    assert compiled[0][0] == answered.title
    assert ("Answers submitted: 2 of 21",) == compiled[1][:1]
    assert ("Mycket viktigt", 1, 0.5) in [r[:3] for r in compiled]
    assert ("Mean", 4) in [r[:2] for r in compiled]


def test_the_results_are_attached_to_a_meeting_as_material(staff, session, answered,
                                                           new_meeting):
    meeting = new_meeting(title="Tjänstepersonsforum om internationellt samarbete",
                          body="tjanstepersonsforum")
    form = text_of(staff.get(f"/surveys/{answered.id}/attach"))
    assert f"Compiled answers: {answered.title}" in form
    response = staff.post(f"/surveys/{answered.id}/attach", data={
        "meeting_id": str(meeting.id), "title": "Sammanställning av enkäten",
        "visibility": "participants"})
    assert response.status_code == 303
    document = session.scalar(select(Document).where(Document.meeting_id == meeting.id))
    assert response.location == f"/material/{document.id}"
    assert document.kind is DocumentKind.BACKGROUND
    assert document.visibility is Visibility.PARTICIPANTS
    assert document.title == "Sammanställning av enkäten"
    version = document.current
    assert version.file_name.endswith(".xlsx")
    # The stored file is the workbook, readable like any download.
    download = staff.get(f"/material/{document.id}/file")
    book = load_workbook(io.BytesIO(download.data))
    assert book.sheetnames == ["Answers", "Compiled"]
    # Refused without a meeting, with the message beside the field.
    refused = staff.post(f"/surveys/{answered.id}/attach", data={
        "title": "x", "visibility": "public"})
    assert refused.status_code == 400


def test_results_and_list_pages_keep_a_fixed_number_of_queries(
        staff, session, make_survey, make_account, answer_as, count_queries):
    survey = make_survey()
    codes = ["01", "03", "04", "05", "06", "07", "08", "09", "10", "12"]
    accounts = {code: make_account("region_contact", region_code=code) for code in codes}
    pages = [f"/surveys/{survey.id}/results", "/surveys", f"/surveys/{survey.id}",
             f"/surveys/{survey.id}/export.xlsx"]

    def counts():
        found = []
        for url in pages:
            with count_queries() as counter:
                assert staff.get(url).status_code == 200, url
            found.append(counter.count)
        return found

    for code in codes[:2]:
        answer_as(survey, accounts[code], full_answer(survey))
    few = counts()
    for code in codes[2:]:
        answer_as(survey, accounts[code], full_answer(survey))
    make_survey(title="En till")
    make_survey(title="Och en till", opened=False)
    many = counts()
    assert many == few, dict(zip(pages, zip(few, many)))


def test_a_respondents_list_keeps_a_fixed_number_of_queries(
        app, login, make_survey, make_account, answer_as, count_queries):
    contact = make_account("region_contact", region_code="12")
    client = login(app.test_client(), contact)

    def count() -> int:
        with count_queries() as counter:
            assert client.get("/surveys").status_code == 200
        return counter.count

    answer_as(make_survey(title="Första"), contact, {}, submit=False)
    few = count()
    for n in range(4):
        survey = make_survey(title=f"Enkät {n}")
        answer_as(survey, contact, full_answer(survey))
    assert count() == few
