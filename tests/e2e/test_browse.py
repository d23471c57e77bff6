"""Browsing the forum in headless Chromium: links, keyboard, language, a form, and axe-core."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from axe_playwright_python.base import AXE_FILE_PATH

import test_news_browser as news_pages  # the news pages' ways there
import test_cooperation_browser as cooperation_pages  # the register's pages' ways there
import test_surveys_browser as survey_pages  # the survey pages' ways there
import test_privacy_browser as privacy_pages  # the personal data pages' ways there
from forum.db import db
from forum.roster.models import Person

pytestmark = pytest.mark.e2e

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_SCRIPT = Path(AXE_FILE_PATH).read_text(encoding="utf-8")


def keep_screenshot(page, label: str) -> None:
    """Pictures to look at by eye: set FORUM_E2E_SCREENSHOTS to a folder to keep them."""
    folder = os.environ.get("FORUM_E2E_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{label.replace(' ', '-')}.png"), full_page=True)


def submit(page, button) -> None:
    """Press a form's button and wait for the page that the server answers with."""
    with page.expect_navigation():
        button.click()


def html_lang(page) -> str:
    return page.locator("html").get_attribute("lang")


def active_element(page) -> dict:
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return {tag: e.tagName.toLowerCase(), id: e.id, cls: e.className,"
        " href: e.getAttribute('href'), inMain: !!e.closest('main')}; }"
    )


# --- links ----------------------------------------------------------------------------------


def test_walk_from_the_start_page_to_a_person(page):
    page.goto("/")
    assert page.locator("h1").is_visible()

    page.locator("main a[href='/regions']").click()
    page.wait_for_url("**/regions")
    assert page.locator("main table.roster tbody tr").count() == 21

    page.locator("main table.roster a[href='/regions/12']").click()
    page.wait_for_url("**/regions/12")
    assert page.locator("h1").inner_text() == "Region Skåne"
    assert page.locator("nav.breadcrumbs a[href='/regions']").is_visible()

    holder = page.locator("main table.seats a[href^='/people/']").first
    name = holder.inner_text()
    holder.click()
    page.wait_for_url(re.compile(r"/people/\d+$"))
    assert page.locator("h1").inner_text() == name
    # The person's page leads back to the region whose seat they hold.
    assert page.locator("main a[href='/regions/12']").count() >= 1


# --- keyboard -------------------------------------------------------------------------------


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page):
    page.goto("/regions")
    page.keyboard.press("Tab")
    focused = active_element(page)
    assert focused["cls"] == "skip-link" and focused["href"] == "#main", focused
    # Hidden until focused, then on screen.
    box = page.locator("a.skip-link").bounding_box()
    assert box is not None and box["y"] >= 0 and box["height"] > 0

    page.keyboard.press("Enter")
    assert active_element(page)["id"] == "main"
    # The next Tab continues inside the main content, past the header and menu.
    page.keyboard.press("Tab")
    assert active_element(page)["inMain"], active_element(page)


# --- language -------------------------------------------------------------------------------


def test_language_switch_changes_to_english_and_back(page):
    page.goto("/regions?on=2025-06-01")
    assert html_lang(page) == "sv"
    # Bilingual data shows the language, whatever the state of the interface catalogues.
    assert page.get_by_role("columnheader", name="Politikerforum").is_visible()

    submit(page, page.locator("form.language-switch button[value='en']"))
    assert html_lang(page) == "en"
    assert page.url.endswith("/regions?on=2025-06-01"), page.url
    assert page.get_by_role("columnheader", name="Politicians' forum").is_visible()

    # The choice sticks to the visitor, not to one page.
    page.goto("/")
    assert html_lang(page) == "en"

    submit(page, page.locator("form.language-switch button[value='sv']"))
    assert html_lang(page) == "sv"
    assert page.url.endswith("/")
    assert page.get_by_role("heading", name="Politikerforum", exact=True).is_visible()


# --- a form -----------------------------------------------------------------------------------


def _option(select, contains: str) -> tuple[str, str]:
    """The value and label of the one option whose label contains `contains`."""
    options = select.evaluate("s => [...s.options].map(o => [o.value, o.textContent])")
    found = [(value, label.strip()) for value, label in options if contains in label]
    assert len(found) == 1, f"one option with {contains!r} in {options}"
    return found[0]


def _person_name(live_server, person_id: str) -> str:
    with live_server.app.app_context():
        return db.session.get(Person, int(person_id)).name


def test_nominate_refuses_a_held_seat_beside_the_field_then_succeeds(staff_page, live_server):
    page = staff_page
    page.goto("/regions/09")
    majority_holder = (
        page.locator("table.seats tbody tr", has_text="majoritet")
        .locator("a[href^='/people/']")
        .inner_text()
    )
    # Gotland's opposition seat is vacant in the demo; its row offers a nomination.
    page.locator("tr.vacant-row a[href*='/regions/09/nominate']").first.click()
    page.wait_for_url(re.compile(r"/regions/09/nominate\?seat=\d+$"))

    seat = page.locator("select#seat_id")
    person = page.locator("select#person_id")
    vacant_seat = seat.input_value()
    # Someone from Tillväxtverket who holds no seat, to the majority seat that is held.
    newcomer_id, _label = _option(person, "(Analytiker, Tillväxtverket)")
    name = _person_name(live_server, newcomer_id)
    person.select_option(newcomer_id)
    seat.select_option(_option(seat, "majoritet")[0])
    page.locator("#party").fill("MP")
    submit(page, page.locator("form.stacked-form [type=submit]"))

    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert summary.get_attribute("role") == "alert"
    summary_link = summary.locator("a[href='#start_date']")
    assert majority_holder in summary_link.inner_text()
    error = page.locator("#start_date-error")
    assert error.is_visible()
    assert "Region Gotland" in error.inner_text() and majority_holder in error.inner_text()
    start = page.locator("#start_date")
    assert start.get_attribute("aria-invalid") == "true"
    assert "start_date-error" in start.get_attribute("aria-describedby")
    # The summary's link takes the user to the field.
    summary_link.click()
    assert active_element(page)["id"] == "start_date"
    # What the user chose and typed is still there.
    assert page.locator("#party").input_value() == "MP"
    assert person.input_value() == newcomer_id

    seat.select_option(vacant_seat)
    submit(page, page.locator("form.stacked-form [type=submit]"))
    # (The browser keeps the #start_date of the summary's link across the redirect.)
    page.wait_for_url(re.compile(r"/regions/09(#start_date)?$"))

    assert name in page.locator(".flashes").inner_text()
    row = page.locator("table.seats tbody tr", has_text=name)
    assert row.count() == 1
    assert "opposition" in row.locator("th").inner_text()
    assert row.locator("td").nth(1).inner_text() == "MP"


# --- axe-core ---------------------------------------------------------------------------------


def axe_violations(page) -> list[dict]:
    page.evaluate(AXE_SCRIPT)
    results = page.evaluate(
        "options => axe.run(document, options)",
        {"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]},
    )
    return results["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} – {v['helpUrl']}")
        for node in v["nodes"]:
            lines.append(f"    {json.dumps(node['target'])}: {node['failureSummary']}")
    return "\n".join(lines)


def test_axe_reports_what_it_finds(page):
    """The check below can fail: axe runs in these pages despite their CSP, and reports."""
    page.goto("/")
    page.evaluate(
        "() => { const img = document.createElement('img');"
        " img.src = '/static/img/favicon.svg'; document.querySelector('main').append(img); }"
    )
    violations = axe_violations(page)
    assert [v["id"] for v in violations] == ["image-alt"], describe(violations)
    assert len(violations[0]["nodes"]) == 1


def _person_page(page):
    page.goto("/regions/12")
    page.locator("main table.seats a[href^='/people/']").first.click()
    page.wait_for_url(re.compile(r"/people/\d+$"))


def _login_with_errors(page):
    page.goto("/login")
    page.locator("#email").fill("ingen.alls@example.se")
    page.locator("#password").fill("fel lösenord")
    submit(page, page.locator("form.stacked-form [type=submit]"))
    assert page.locator(".error-summary").is_visible()


def _person_form_with_errors(page):
    page.goto("/people/new")
    page.locator("#email").fill("inte-en-adress")
    submit(page, page.locator("form.stacked-form [type=submit]"))
    assert page.locator(".error-summary").is_visible()
    assert page.locator(".field-error").count() >= 3


def _nomination_with_errors(page):
    page.goto("/regions/12/nominate")
    page.locator("#start_date").fill("")
    submit(page, page.locator("form.stacked-form [type=submit]"))
    assert page.locator("#start_date-error").is_visible()


def _upcoming_meeting(page):
    """An upcoming politicians' meeting of the demo: its member (Åsa Andersson, Region Skåne)
    takes part and sees the answer form."""
    page.goto("/meetings")
    page.locator("section[aria-labelledby='upcoming-heading'] li.meeting-card",
                 has_text="Politikerforum").first.locator("h3 a").click()
    page.wait_for_url(re.compile(r"/meetings/\d+$"))


def _held_meeting(page):
    page.goto("/meetings")
    page.locator("section[aria-labelledby='past-heading'] li.meeting-card h3 a").first.click()
    page.wait_for_url(re.compile(r"/meetings/\d+$"))


def _meeting_form_with_errors(page):
    page.goto("/meetings/new")
    page.locator("#title").fill("Ett extra möte")
    page.locator("#online_url").fill("inte en länk")
    submit(page, page.locator("form.stacked-form [type=submit]"))
    assert page.locator(".error-summary").is_visible()
    assert page.locator("#online_url-error").is_visible()
    assert page.locator("#body_id-error").is_visible()


def _cancel_form(page):
    _upcoming_meeting(page)
    page.goto(page.url + "/cancel")
    assert page.locator("#reason").is_visible()


def _attendance_form(page):
    _held_meeting(page)
    page.goto(page.url + "/attendance")
    assert page.locator("main form").count() >= 1


def _new_calendar_address(page):
    """The member's calendar page as it answers the making of an address: the address,
    once, in a field to copy."""
    page.goto("/profile/calendar")
    submit(page, page.locator("main button[name=action][value=issue]"))
    assert page.locator("main input.copy-field").count() == 1


def _theme_page(page):
    """The knowledge bank of the current strategy's first theme: its material and meetings."""
    page.goto("/themes")
    page.locator("main .card h3 a").first.click()
    page.wait_for_url(re.compile(r"/themes/\d+$"))
    assert page.locator("main ul.document-list li").count() >= 1


def _public_document(page):
    page.goto("/search?q=regioner")
    page.locator("main ol.search-hits a[href^='/material/']").first.click()
    page.wait_for_url(re.compile(r"/material/\d+$"))


def _document_with_versions(page):
    """The demo's underlag on skills supply, which has a second version."""
    page.goto("/search?q=kompetensförsörjningen")
    page.get_by_role("link", name="Underlag: kompetensförsörjning i regionerna").click()
    page.wait_for_url(re.compile(r"/material/\d+$"))
    assert page.locator("main table tbody tr").count() == 2


def _distribute_form(page):
    _upcoming_meeting(page)
    page.goto(page.url + "/distribute")
    assert page.locator("h1").is_visible()


# name: (address or how to get there, who looks: "anyone", "staff" or a demo account's role)
PAGES = {
    "start": ("/", "anyone"),
    "regions": ("/regions", "anyone"),
    "region": ("/regions/12", "anyone"),
    "region as staff": ("/regions/12", "staff"),
    "person": (_person_page, "anyone"),
    "person as staff": (_person_page, "staff"),
    "people": ("/people", "staff"),
    "new person": ("/people/new", "staff"),
    "person form with errors": (_person_form_with_errors, "staff"),
    "nomination form with errors": (_nomination_with_errors, "staff"),
    "login": ("/login", "anyone"),
    "forgot password": ("/password/forgot", "anyone"),
    "dashboard": ("/secretariat", "staff"),
    "profile": ("/profile", "staff"),
    "change password": ("/profile/password", "staff"),
    "audit log": ("/audit", "staff"),
    "proposals": ("/proposals", "staff"),
    "proposal form": ("/regions/12/propose", "region_contact"),
    "accounts": ("/admin/accounts", "admin"),
    "invite": ("/admin/accounts/invite", "admin"),
    "account": ("/admin/accounts/1", "admin"),
    "login with errors": (_login_with_errors, "anyone"),
    "meetings": ("/meetings", "anyone"),
    "meetings as staff": ("/meetings", "staff"),
    "meeting": (_upcoming_meeting, "anyone"),
    "meeting as member": (_upcoming_meeting, "member"),
    "meeting as staff": (_upcoming_meeting, "staff"),
    "held meeting as staff": (_held_meeting, "staff"),
    "meeting form with errors": (_meeting_form_with_errors, "staff"),
    "cancel meeting": (_cancel_form, "staff"),
    "my meetings": ("/my/meetings", "member"),
    "calendar help": ("/calendar", "anyone"),
    "personal calendar": ("/profile/calendar", "member"),
    "new calendar address": (_new_calendar_address, "member"),
    "planner": ("/planner", "staff"),
    "attendance": (_attendance_form, "staff"),
    "attendance overview": ("/attendance", "staff"),
    "themes": ("/themes", "anyone"),
    "theme": (_theme_page, "anyone"),
    "search": ("/search?q=regioner", "anyone"),
    "public document": (_public_document, "anyone"),
    "new document": ("/material/new", "staff"),
    "document with versions": (_document_with_versions, "staff"),
    "distribute material": (_distribute_form, "staff"),
    "held meeting with material as member": (_held_meeting, "member"),
    "accessibility statement": ("/accessibility", "anyone"),
    "not found": ("/no-such-page", "anyone"),
    # --- bodies pages ---
    "bodies": ("/bodies", "anyone"),
    "working group": ("/bodies/arbetsgruppen-for-kompetensforsorjning", "anyone"),
    "forum body as staff": ("/bodies/politikerforum", "staff"),
    "new working group": ("/bodies/new", "staff"),
    "new group member": ("/bodies/arbetsgruppen-for-kompetensforsorjning/members/new", "staff"),
    # --- surveys pages ---
    "surveys as staff": ("/surveys", "staff"),
    "new survey": ("/surveys/new", "staff"),
    "open survey": (survey_pages.open_survey, "staff"),
    "survey results": (survey_pages.closed_survey_results, "staff"),
    "survey questions": (survey_pages.draft_questions, "staff"),
    "send a survey": (survey_pages.draft_send, "staff"),
    "surveys as region contact": ("/surveys", "region_contact"),
    "survey answer form": (survey_pages.answer_form, "region_contact"),
    "survey answer with errors": (survey_pages.answer_form_with_errors, "region_contact"),
    "evaluation as member": (survey_pages.evaluation, "member"),
    "meeting with its evaluation": (survey_pages.evaluation_on_the_meeting_page, "staff"),
    # --- cooperation pages ---
    "cooperation register": ("/cooperation", "anyone"),
    "cooperation register filtered": ("/cooperation?region=12&ongoing=y&kind=partnership",
                                      "anyone"),
    "cooperation register as staff": ("/cooperation", "staff"),
    "cooperation entry": (cooperation_pages.open_entry, "anyone"),
    "cooperation entry as staff": (cooperation_pages.open_entry, "staff"),
    "cooperation matrix": ("/cooperation/matrix", "anyone"),
    "cooperation countries": ("/cooperation/countries", "anyone"),
    "cooperation export": ("/cooperation/export", "anyone"),
    "cooperation proposal form": ("/cooperation/new", "region_contact"),
    "cooperation form with errors": (cooperation_pages.form_with_errors, "region_contact"),
    "cooperation proposals as contact": ("/cooperation/proposals", "region_contact"),
    "returned cooperation proposal": (cooperation_pages.change_returned_proposal,
                                      "region_contact"),
    "cooperation proposals as staff": ("/cooperation/proposals", "staff"),
    "cooperation proposal to decide": (cooperation_pages.open_waiting_proposal, "staff"),
    "cooperation areas": ("/cooperation/areas", "staff"),
    # --- news and public pages ---
    "about the forum": ("/about", "anyone"),
    "news": ("/news", "anyone"),
    "news as staff": ("/news", "staff"),
    "news item": (news_pages.open_news_item, "anyone"),
    "news item as staff": (news_pages.open_news_item, "staff"),
    "draft news item": (news_pages.open_draft_news_item, "staff"),
    "new news item": ("/news/new", "staff"),
    "news form with errors": (news_pages.news_form_with_errors, "staff"),
    "news preview": (news_pages.news_preview, "staff"),
    # --- privacy pages ---
    "your personal data": ("/profile/data", "member"),
    "erasure refused": (privacy_pages.refused_erasure, "staff"),
    "erasure form with errors": (privacy_pages.erase_form_with_errors, "staff"),
}


def _open(page, log_in_as_staff, name: str, lang: str = "sv", log_in_as=None) -> None:
    where, who = PAGES[name]
    if who == "staff":
        log_in_as_staff(page)
    elif who != "anyone":
        assert log_in_as is not None
        log_in_as(page, who)
    if lang == "en":
        page.goto("/")
        submit(page, page.locator("form.language-switch button[value='en']"))
    if callable(where):
        where(page)
    else:
        response = page.goto(where)
        assert response.status == (404 if name == "not found" else 200), page.url
    assert html_lang(page) == lang


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("name", list(PAGES))
def test_pages_have_no_wcag_aa_violations(page, log_in_as_staff, log_in_as, name, lang):
    _open(page, log_in_as_staff, name, lang, log_in_as)
    keep_screenshot(page, f"{name}-{lang}")
    violations = axe_violations(page)
    assert violations == [], f"axe-core on {page.url}:\n{describe(violations)}"


# --- layout -----------------------------------------------------------------------------------


# Elements outside a table's scroll region that stick out of the window or out of their
# own box (a long word in a heading): where to look when a page scrolls sideways.
TOO_WIDE = """() => [...document.querySelectorAll('body *')]
  .filter(e => !e.closest('.table-scroll'))
  .filter(e => e.getBoundingClientRect().right > innerWidth + 1
    || (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible'))
  .slice(0, 8)
  .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))"""


@pytest.mark.parametrize("name", list(PAGES))
def test_pages_reflow_in_a_narrow_window(page, log_in_as_staff, log_in_as, name):
    """WCAG 1.4.10: at 320 CSS pixels nothing but a wide table's own scroll region scrolls
    sideways."""
    page.set_viewport_size({"width": 320, "height": 800})
    _open(page, log_in_as_staff, name, log_in_as=log_in_as)
    keep_screenshot(page, f"{name}-320")
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    if overflow > 0:
        too_wide = page.evaluate(TOO_WIDE)
        pytest.fail(f"{page.url} is {overflow}px wider than the window: {too_wide}")
