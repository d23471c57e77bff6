"""Meetings in headless Chromium on the demo forum: the secretariat plans a year and finds its
eight meetings in the list; a member answers an invitation from "My meetings" by sending a
substitute. (axe-core and reflow for the meeting pages: PAGES in test_browse.py.)

Named *_e2e so as not to clash with tests/meetings/test_meetings.py: the suite's test
folders are not packages, so two test modules may not share a name."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from sqlalchemy import select
from test_browse import axe_violations, describe, submit

from forum.db import db
from forum.meetings import queries
from forum.meetings.models import Answer, MeetingAnswer
from forum.roster.models import Body
from forum.timeutil import today

pytestmark = pytest.mark.e2e


def _meetings_in(live_server, year: int):
    with live_server.app.app_context():
        found = queries.meetings(db.session, year=year)
        bodies = {b.id: b.slug for b in db.session.scalars(select(Body))}
        return [(bodies[m.body_id], m.theme_id, m.status.value) for m in found]


def test_the_secretariat_plans_an_empty_year_and_finds_its_eight_meetings(
    staff_page, live_server
):
    page = staff_page
    # The demo plans this year and the next; the year after has nothing yet.
    year = today().year + 2
    assert _meetings_in(live_server, year) == []
    assert len(_meetings_in(live_server, today().year + 1)) == 8

    page.goto("/meetings")
    with page.expect_navigation():
        page.locator("main .page-actions a[href='/planner']").click()
    page.locator("#year").fill(str(year))
    submit(page, page.locator("form.filter-form button[type=submit]"))
    assert page.url.endswith(f"/planner?year={year}"), page.url
    assert page.locator("h1").inner_text().endswith(str(year))
    assert page.locator("#existing-heading").count() == 0  # nothing there yet
    rows = page.locator("table.planner tbody tr")
    assert rows.count() == 8
    # Each row says why its date was chosen.
    assert all(text.strip() for text in page.locator("table.planner td.reason").all_inner_texts())
    violations = axe_violations(page)
    assert violations == [], describe(violations)

    submit(page, page.locator("form[method=post] .form-actions [type=submit]"))
    assert re.search(rf"/meetings\?year={year}$", page.url), page.url
    assert page.locator(".flashes").is_visible()
    assert "8" in page.locator(".flashes").inner_text()
    upcoming = page.locator("section[aria-labelledby='upcoming-heading'] li.meeting-card")
    assert upcoming.count() == 8
    assert page.locator("section[aria-labelledby='past-heading'] li.meeting-card").count() == 0
    cards = upcoming.all_inner_texts()
    assert sum("Politikerforum" in c for c in cards) == 4
    assert sum("Tjänstepersonsforum" in c for c in cards) == 4
    assert all(str(year) in c for c in cards)

    made = _meetings_in(live_server, year)
    assert Counter(body for body, _theme, _status in made) == {
        "politikerforum": 4, "tjanstepersonsforum": 4}
    for body in ("politikerforum", "tjanstepersonsforum"):
        themes = [theme for b, theme, _status in made if b == body]
        assert len(set(themes)) == 4 and None not in themes  # each theme once per body
    assert {status for *_, status in made} == {"planned"}

    # The year's filter has the new year to choose.
    page.goto("/meetings")
    assert page.locator(f"select#year option[value='{year}']").count() == 1


def test_a_member_sends_a_substitute_from_my_meetings(page, log_in_as, live_server):
    log_in_as(page, "member")
    assert "Åsa Andersson" in page.locator("header").inner_text()
    with page.expect_navigation():
        page.locator("nav.main-nav a[href='/my/meetings']").click()
    assert page.url.endswith("/my/meetings")

    # An upcoming politicians' meeting that still takes answers.
    card = page.locator("li.meeting-card", has_text="Politikerforum").filter(
        has=page.locator("form")).first
    card_id = card.get_attribute("id")
    meeting_id = int(card_id.removeprefix("meeting-"))
    title = card.locator("h2").inner_text()

    substitute = card.locator("input[type=radio][value=substitute]")
    # The label is tied to its button: clicking the words chooses it.
    card.locator(f"label[for='{substitute.get_attribute('id')}']").click()
    assert substitute.is_checked()
    card.locator("input[name$='-substitute_name']").fill("Sara Suppleant")
    card.locator("input[name$='-substitute_email']").fill("sara.suppleant@skane.se")
    submit(page, card.locator("button[type=submit]"))

    assert re.search(rf"/my/meetings#meeting-{meeting_id}$", page.url), page.url
    assert page.locator(".flashes .flash-success").is_visible()
    card = page.locator(f"li#meeting-{meeting_id}")
    assert card.locator("h2").inner_text() == title
    assert card.locator("input[type=radio][value=substitute]").is_checked()
    assert card.locator("input[name$='-substitute_name']").input_value() == "Sara Suppleant"
    # The legend says the answer is saved.
    assert card.locator("legend .meta").is_visible()

    with live_server.app.app_context():
        saved = db.session.scalar(select(MeetingAnswer).where(
            MeetingAnswer.meeting_id == meeting_id))
        assert saved is not None and saved.person.name == "Åsa Andersson"
        assert (saved.answer, saved.substitute_name, saved.substitute_email) == (
            Answer.SUBSTITUTE, "Sara Suppleant", "sara.suppleant@skane.se")

    # The meeting's own page shows the same answer.
    page.goto(f"/meetings/{meeting_id}")
    assert page.locator("#answer-heading").is_visible()
    assert page.locator("section.answer-box input[value=substitute]").is_checked()
    assert page.locator("#substitute_name").input_value() == "Sara Suppleant"
