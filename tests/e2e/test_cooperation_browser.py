"""The cooperation register in headless Chromium: Region Skåne's contact proposes an entry
through the form (an error beside a field first), the secretariat finds it waiting and
approves it, and then anyone reads it in the register, the matrix and the countries."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import select

from forum.cooperation.models import Cooperation, CooperationStatus
from forum.db import db

pytestmark = pytest.mark.e2e

TITLE = "Skåne–Aalborg: samarbete om grön omställning i hamnar"


def submit(page, button) -> None:
    with page.expect_navigation():
        button.click()


@contextmanager
def tab(browser, live_server):
    """A tab of its own: a browser profile with no cookies (another person)."""
    context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def status_of(live_server, title: str) -> CooperationStatus | None:
    with live_server.app.app_context():
        entry = db.session.scalar(select(Cooperation).where(Cooperation.title == title))
        return entry.status if entry else None


# --- ways to the register's pages, for the axe-core checks in test_browse.py ----------------------


def open_entry(page) -> None:
    """The demo's Kronoberg–Suzhou partnership (seed 001)."""
    page.goto("/cooperation?q=Kinasatsningen")
    submit(page, page.locator("main .document-title a").first)
    assert re.search(r"/cooperation/\d+$", page.url)


def open_waiting_proposal(page) -> None:
    """A proposal from Region Skåne waiting for the secretariat: the decision forms."""
    page.goto("/cooperation/proposals")
    submit(page, page.locator("main table").first.locator("tbody a").first)
    assert page.locator("#decide-heading").is_visible()


def change_returned_proposal(page) -> None:
    """Region Skåne's contact changes the proposal the secretariat returned."""
    page.goto("/cooperation/proposals")
    submit(page, page.get_by_role("link", name="Delegation till Hamburg om vätgas"))
    submit(page, page.locator("main a[href$='/edit']"))
    assert page.locator("form.stacked-form").is_visible()


def form_with_errors(page) -> None:
    page.goto("/cooperation/new")
    page.locator("select#parties-0-kind").select_option("foreign_city")
    submit(page, page.locator("main form.stacked-form input[type=submit]"))
    assert page.locator(".error-summary").is_visible()


def test_a_region_contact_proposes_and_the_secretariat_approves(
    page, browser, log_in_as, live_server
):
    # Region Skåne's contact opens the form from the register.
    log_in_as(page, "region_contact")
    page.goto("/cooperation")
    submit(page, page.locator("main a[href='/cooperation/new']").first)
    assert page.locator("h1").is_visible()
    skane = page.get_by_role("checkbox", name="Region Skåne", exact=True)
    assert skane.is_checked()  # their own region, chosen already

    page.locator("#title").fill(TITLE)
    page.locator("select#kind").select_option("partnership")
    page.locator("#description").fill("Hamnarna i Malmö och Aalborg delar erfarenheter av "
                                      "landström och vätgas.")
    page.get_by_role("checkbox", name="Region Blekinge", exact=True).check()
    page.locator("select#parties-0-kind").select_option("foreign_city")
    page.locator("#parties-0-party_name").fill("Aalborg")
    # The country is left out on purpose: the form says so beside the field.
    page.locator("select#parties-1-kind").select_option("network")
    page.locator("#parties-1-party_name").fill("CPMR")
    page.locator("input[name=area_ids]").first.check()  # Klimat och energi
    page.locator("input[name=theme_ids]").first.check()
    page.locator("#start_date").fill("2026-03-01")
    page.locator("#co_financers").fill("Länsstyrelsen Skåne\nMalmö stad")
    page.locator("#website").fill("https://www.skane.se")
    submit(page, page.locator("main form.stacked-form input[type=submit]"))

    assert page.locator(".error-summary").is_visible()
    country_error = page.locator("#parties-0-country-error")
    assert country_error.is_visible()
    assert page.locator("#parties-0-country").get_attribute("aria-invalid") == "true"
    # What was typed is still there.
    assert page.locator("#title").input_value() == TITLE
    assert page.locator("#parties-0-party_name").input_value() == "Aalborg"
    assert page.get_by_role("checkbox", name="Region Blekinge", exact=True).is_checked()
    assert status_of(live_server, TITLE) is None  # nothing saved

    # The summary's link leads to the field.
    page.locator(".error-summary a[href='#parties-0-country']").click()
    assert page.evaluate("document.activeElement.id") == "parties-0-country"
    page.locator("select#parties-0-country").select_option("DK")
    submit(page, page.locator("main form.stacked-form input[type=submit]"))

    # (The browser keeps the #fragment of the form's address across the redirect.)
    url = page.url.split("#")[0]
    assert re.search(r"/cooperation/\d+$", url), page.locator("main").inner_text()
    entry_url = url.removeprefix(live_server.url)
    assert page.locator(".flashes .flash-success").is_visible()
    assert page.locator("h1").inner_text() == TITLE
    assert page.locator("main").get_by_text("Aalborg").first.is_visible()
    assert status_of(live_server, TITLE) is CooperationStatus.PROPOSED

    # The public does not see it yet.
    with tab(browser, live_server) as public:
        assert public.goto(entry_url).status == 404
        public.goto("/cooperation?q=Aalborg")
        assert TITLE not in public.locator("main").inner_text()

    # The secretariat finds it waiting, on the dashboard and the register's list.
    with tab(browser, live_server) as staff:
        log_in_as(staff, "secretariat")
        staff.goto("/secretariat")
        waiting = staff.locator("section[aria-labelledby=cooperation-waiting-heading]")
        assert TITLE in waiting.inner_text()
        staff.goto("/cooperation/proposals")
        submit(staff, staff.get_by_role("link", name=TITLE))
        assert staff.locator("#decide-heading").is_visible()
        submit(staff, staff.locator("#approve-submit"))
        assert staff.locator(".flashes .flash-success").is_visible()
        assert not staff.locator("#approve-submit").count()
    assert status_of(live_server, TITLE) is CooperationStatus.APPROVED

    # Now anyone reads it: in the list, on its page, in the matrix and the countries.
    with tab(browser, live_server) as public:
        public.goto("/cooperation?region=12&country=DK")
        submit(public, public.get_by_role("link", name=TITLE))
        assert public.url.split("#")[0].endswith(entry_url)
        details = public.locator("main dl.details").inner_text()
        assert "Region Blekinge" in details and "Danmark" in details
        assert "Malmö stad" in details
        public.goto("/cooperation/countries")
        denmark = public.locator("main table tbody tr", has_text="Danmark")
        assert "Region Skåne" in denmark.inner_text()
        assert "Region Blekinge" in denmark.inner_text()
        public.goto("/cooperation/matrix")
        skane_row = public.locator("main table tbody tr", has_text="Region Skåne")
        assert skane_row.locator("a").count() >= 2  # the region, and cells with entries
        public.goto("/regions/12")
        assert public.locator("#cooperation-heading").is_visible()
        submit(public, public.locator("section a[href='/cooperation?region=12']"))
        assert TITLE in public.locator("main").inner_text()

    # The contact's page of proposals shows it approved; the entry is no longer theirs to
    # change.
    page.goto("/cooperation/proposals")
    assert TITLE in page.locator("main").inner_text()
    page.goto(entry_url)
    assert not page.locator(f"a[href='{entry_url}/edit']").count()
