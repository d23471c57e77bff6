"""Surveys in headless Chromium on the demo forum: the secretariat builds a survey through its
forms and sends it; two regions' contacts (accounts made here) answer it, one first saving a
draft and meeting the required questions; the secretariat sees the answers compiled, as a
chart and as a table with the same figures. The pages pass axe-core on the way. (axe-core and
reflow for the demo's survey pages: PAGES in test_browse.py, through the functions below.)

The Swedish catalogue has no translations for the surveys' strings yet, so pages are checked
by their structure (ids, names, the form's fields), the survey's own Swedish words and what
the database holds."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.accounts.models import Account
from forum.accounts.passwords import hash_password
from forum.db import db
from forum.roster.models import Person, Region
from forum.surveys.models import ResponseStatus, Survey, SurveyResponse, SurveyStatus
from forum.timeutil import today

pytestmark = pytest.mark.e2e

TITLE = "Regionernas samarbete med Kina och Tyskland"
PASSWORD = "e2e-enkat-losenord-2026"


def submit(page, button) -> None:
    """Press a form's button and wait for the page that the server answers with."""
    with page.expect_navigation():
        button.click()


def _no_violations(page) -> None:
    # Imported here: test_browse imports this module for its PAGES.
    from test_browse import axe_violations, describe

    violations = axe_violations(page)
    assert violations == [], f"axe-core on {page.url}:\n{describe(violations)}"


def _make_contact(live_server, code: str, given: str, family: str) -> str:
    """A region contact who can log in: the e-mail address."""
    email = f"kontakt.{code}.e2e@region{code}.example.se"
    with live_server.app.app_context():
        region = db.session.scalar(select(Region).where(Region.code == code))
        person = Person(given_name=given, family_name=family, email=email,
                        title="Internationell samordnare")
        db.session.add(person)
        db.session.flush()
        db.session.add(Account(person_id=person.id, email=email, contact_region_id=region.id,
                               password_hash=hash_password(PASSWORD)))
        db.session.commit()
    return email


def _log_in(page, email: str) -> None:
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("form.stacked-form [type=submit]").click()
    assert "/login" not in page.url


def _question_field(page, number: int):
    """The form field (or fieldset) of the answer form's question `number`."""
    return page.locator(".survey-question").nth(number - 1)


def test_a_survey_built_sent_answered_by_two_regions_and_compiled(browser, live_server,
                                                                  page, log_in_as):
    # --- the secretariat builds it --------------------------------------------------------
    log_in_as(page, "secretariat")
    page.goto("/surveys")
    with page.expect_navigation():
        page.locator("main a[href='/surveys/new']").click()
    page.locator("#title").fill(TITLE)
    page.locator("#introduction").fill("Kartläggning inför tjänstepersonsforum.")
    deadline = today() + timedelta(days=21)
    page.locator("#deadline_day").fill(deadline.isoformat())
    page.locator("#deadline_time").fill("16:00")
    submit(page, page.locator("form.stacked-form [type=submit]"))
    found = re.search(r"/surveys/(\d+)/questions", page.url)
    assert found, page.locator("main").inner_text()
    survey_id = int(found.group(1))

    def add(kind: str, text: str, *, options: str = "", required: bool = False,
            several: bool | None = None) -> None:
        form = page.locator("#new-question form")
        form.locator("#kind").select_option(kind)
        form.locator("#text").fill(text)
        if options:
            form.locator("#options").fill(options)
        if required:
            form.locator("#required").check()
        if several is False:
            form.locator("#several").uncheck()
        submit(page, form.locator("[type=submit]"))
        assert page.locator(".flashes .flash-success").is_visible(), page.locator(
            "main").inner_text()

    # A choice question without alternatives is refused beside the field.
    form = page.locator("#new-question form")
    form.locator("#kind").select_option("one_choice")
    form.locator("#text").fill("Hur viktigt är samarbetet?")
    submit(page, form.locator("[type=submit]"))
    assert page.locator("#options-error").is_visible()
    assert page.locator("#options").get_attribute("aria-invalid") == "true"
    assert page.locator("#text").input_value() == "Hur viktigt är samarbetet?"

    add("one_choice", "Hur viktigt är samarbetet?",
        options="Mycket viktigt\nGanska viktigt\nInte viktigt", required=True)
    add("countries", "Med vilka länder samarbetar ni?")
    add("long_text", "Beskriv det viktigaste samarbetet.")
    assert page.locator("ol.question-list > li").count() == 3
    _no_violations(page)

    # Sent to the contacts; the page names the regions without one.
    page.goto(f"/surveys/{survey_id}/send")
    assert page.locator("#no-contact").is_visible()
    assert "Region Gotland" in page.locator("#no-contact").inner_text()
    _no_violations(page)
    submit(page, page.locator("form.stacked-form [type=submit]"))
    assert page.url.endswith(f"/surveys/{survey_id}")
    with live_server.app.app_context():
        assert db.session.get(Survey, survey_id).status is SurveyStatus.OPEN

    # --- two regions' contacts answer -------------------------------------------------------
    first = _make_contact(live_server, "05", "Linnea", "Kinaberg")
    second = _make_contact(live_server, "17", "Oskar", "Tyskström")
    context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    contact = context.new_page()
    try:
        _log_in(contact, first)
        contact.goto("/surveys")
        with contact.expect_navigation():
            contact.locator(f"main a[href='/surveys/{survey_id}/answer']").click()
        assert contact.locator("#session-notice").is_visible()
        _no_violations(contact)
        # A draft with only the text: saved, not counted.
        _question_field(contact, 3).locator("textarea").fill(
            "Vänregionsavtalet med Shandong om miljöteknik.")
        submit(contact, contact.locator("form.survey-form [name=save_draft]"))
        assert contact.locator(".flashes .flash-success").is_visible()
        with live_server.app.app_context():
            response = db.session.scalar(select(SurveyResponse).where(
                SurveyResponse.survey_id == survey_id))
            assert response.status is ResponseStatus.DRAFT
        # Submitting without the required choice: the message beside it, the text kept.
        submit(contact, contact.locator("form.survey-form [name=send]"))
        choice = _question_field(contact, 1)
        assert choice.locator(".error-message").is_visible()
        assert contact.locator(".error-summary").is_visible()
        assert "Shandong" in _question_field(contact, 3).locator("textarea").input_value()
        choice.get_by_label("Mycket viktigt").check()
        countries = _question_field(contact, 2)
        countries.get_by_label("Kina", exact=True).check()
        countries.get_by_label("Tyskland", exact=True).check()
        submit(contact, contact.locator("form.survey-form [name=send]"))
        assert contact.locator(".flashes .flash-success").is_visible()
        assert contact.locator("#answer-status .status.current").is_visible()

        contact.context.clear_cookies()
        _log_in(contact, second)
        contact.goto(f"/surveys/{survey_id}/answer")
        _question_field(contact, 1).get_by_label("Ganska viktigt").check()
        _question_field(contact, 2).get_by_label("Kina", exact=True).check()
        _question_field(contact, 2).get_by_label("Norge", exact=True).check()
        submit(contact, contact.locator("form.survey-form [name=send]"))
        assert contact.locator("#answer-status .status.current").is_visible()
    finally:
        context.close()

    # --- the secretariat sees them compiled ----------------------------------------------------
    page.goto(f"/surveys/{survey_id}")
    with page.expect_navigation():
        page.locator(f"main a[href='/surveys/{survey_id}/results']").click()
    assert page.locator("#response-rate").inner_text().startswith("2 ")
    with live_server.app.app_context():
        survey = db.session.get(Survey, survey_id)
        choice_id, country_id, text_id = (q.id for q in survey.questions)
    choice = page.locator(f"#result-{choice_id}")
    chart = choice.locator("svg.chart")
    assert chart.is_visible() and chart.get_attribute("role") == "img"
    assert chart.locator("rect").count() == 2  # two alternatives chosen, one bar each
    rows = choice.locator("table tbody tr")
    assert [rows.nth(i).locator("th").inner_text() for i in range(3)] == [
        "Mycket viktigt", "Ganska viktigt", "Inte viktigt"]
    assert [rows.nth(i).locator("td").first.inner_text() for i in range(3)] == ["1", "1", "0"]
    countries = page.locator(f"#result-{country_id} table tbody tr")
    assert countries.first.locator("th").inner_text() == "Kina"
    assert countries.first.locator("td").first.inner_text() == "2"
    assert page.locator(f"#result-{country_id} svg.chart rect").count() == 3
    written = page.locator(f"#result-{text_id} .written-answers")
    assert "Region Östergötland" in written.inner_text()
    assert "Shandong" in written.inner_text()
    _no_violations(page)


# --- ways to the demo's survey pages, for the axe-core and reflow checks in test_browse.py ------


def _demo_survey(title_start: str) -> str:
    return f"main a:has-text('{title_start}')"


def open_survey(page) -> None:
    """The open survey on skills supply, as the secretariat."""
    page.goto("/surveys")
    with page.expect_navigation():
        page.locator(_demo_survey("Kompetensförsörjning")).first.click()
    page.wait_for_url(re.compile(r"/surveys/\d+$"))


def closed_survey_results(page) -> None:
    """Last year's survey of the regions' international engagement, compiled."""
    page.goto("/surveys")
    with page.expect_navigation():
        page.locator(_demo_survey("Regionernas internationella engagemang")).first.click()
    page.goto(page.url + "/results")
    assert page.locator("svg.chart").count() >= 3


def draft_questions(page) -> None:
    """The survey being prepared: its questions, with the form to add one."""
    page.goto("/surveys")
    with page.expect_navigation():
        page.locator(_demo_survey("Regionernas deltagande")).first.click()
    page.goto(page.url + "/questions")
    assert page.locator("#new-question").is_visible()


def draft_send(page) -> None:
    draft_questions(page)
    page.goto(page.url.replace("/questions", "/send"))
    assert page.locator("#no-contact").is_visible()


def answer_form(page) -> None:
    """The skills survey as Region Skåne's contact answers it (no answer yet)."""
    page.goto("/surveys")
    with page.expect_navigation():
        page.locator(_demo_survey("Kompetensförsörjning")).first.click()
    assert page.locator("form.survey-form").is_visible()


def answer_form_with_errors(page) -> None:
    answer_form(page)
    submit(page, page.locator("form.survey-form [name=send]"))
    assert page.locator(".error-summary").is_visible()


def evaluation(page) -> None:
    """The evaluation of the last politicians' meeting, as the demo's member."""
    page.goto("/surveys")
    with page.expect_navigation():
        page.locator("main a:has-text('Utvärdering')").first.click()
    assert page.locator("h1").is_visible()


def evaluation_on_the_meeting_page(page) -> None:
    """The meeting page's evaluation section, as the secretariat."""
    evaluation_results = "main a:has-text('Utvärdering')"
    page.goto("/surveys")
    with page.expect_navigation():
        page.locator(evaluation_results).first.click()
    with page.expect_navigation():
        page.locator("main dl.details a[href^='/meetings/']").click()
    assert page.locator("#evaluation").is_visible()
