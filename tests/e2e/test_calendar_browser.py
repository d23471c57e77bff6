"""The calendar pages in headless Chromium (issue #5): the help page's addresses to subscribe
to and copy, with and without JavaScript; a member's own feed address made, fetched, replaced
and revoked; a meeting downloaded as a file. (axe-core and reflow for these pages: PAGES in
test_browse.py.)

The Swedish catalogue has no translations for the calendar's strings yet, so the Swedish
pages are checked by their structure (ids, hrefs, names and values of buttons) and by the
strings the catalogue already had; the English pages by their words too.

Named *_browser so as not to clash with the tests in tests/calendars/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from test_browse import active_element, html_lang, submit

from forum.accounts.models import Account
from forum.calendars.models import CalendarToken
from forum.db import db
from forum.meetings.models import Meeting
from forum.meetings.queries import local_day

pytestmark = pytest.mark.e2e

PERSONAL_FEED = re.compile(r"/calendar/personal/[A-Za-z0-9_-]{32,}\.ics")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
FEED_CARDS = "main article.feed-card"


def in_english(page) -> None:
    """Switch the visitor's language to English, with the header's switch."""
    submit(page, page.locator("form.language-switch button[value='en']"))
    assert html_lang(page) == "en"


def webcal(url: str) -> str:
    return "webcal://" + url.split("://", 1)[1]


def is_focused(locator) -> bool:
    return locator.evaluate("e => e === document.activeElement")


def selection(field) -> tuple[int, int]:
    return tuple(field.evaluate("f => [f.selectionStart, f.selectionEnd]"))


def read_clipboard(page) -> str:
    return page.evaluate("() => navigator.clipboard.readText()")


def write_clipboard(page, text: str) -> None:
    page.evaluate("text => navigator.clipboard.writeText(text)", text)


@pytest.fixture
def fresh_request(browser, live_server):
    """An HTTP client without cookies, like a calendar program: the request context of a
    browser context nobody has logged in with."""
    context = browser.new_context(base_url=live_server.url)
    try:
        yield context.request
    finally:
        context.close()


# --- the help page ----------------------------------------------------------------------------


def _feed_cards(page, live_server, lang="sv"):
    """Each body's card on the help page: a Subscribe link to webcal:// and a download link
    for the same feed, in the page's language, and read-only fields with its addresses in
    Swedish and English."""
    cards = page.locator(FEED_CARDS)
    # Politikerforum, Tjänstepersonsforum and the demo's working groups and networks.
    with live_server.app.app_context():
        from sqlalchemy import func, select

        from forum.db import db
        from forum.roster.models import Body

        bodies = db.session.scalar(select(func.count(Body.id)))
    assert bodies >= 2 and cards.count() == bodies
    base = live_server.app.config["BASE_URL"]
    for card in cards.all():
        subscribe = card.locator("a[href^='webcal://']")
        assert subscribe.count() == 1
        download = card.locator("a[download]")
        offered = download.get_attribute("href")
        feed = offered.removesuffix("?lang=en")
        assert offered == (feed + "?lang=en" if lang == "en" else feed), offered
        assert re.fullmatch(re.escape(base) + r"/calendar/[a-z0-9-]+\.ics", feed), feed
        assert subscribe.get_attribute("href") == webcal(offered)
        # The link's name says which body it subscribes to (the cards' links read alike).
        body = card.locator("h3").inner_text()
        expect(subscribe).to_contain_text(body)
        fields = card.locator("input.copy-field")
        assert fields.count() == 2
        assert [f.input_value() for f in fields.all()] == [feed, feed + "?lang=en"]
        for field in fields.all():
            assert field.get_attribute("readonly") is not None
            assert field.get_attribute("type") == "text"
            # Each field has its visible label.
            label = card.locator(f"label[for='{field.get_attribute('id')}']")
            assert label.is_visible() and label.inner_text().strip()
    return cards


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_help_page_offers_each_body_to_subscribe_to_and_copy(page, live_server, lang):
    page.goto("/")
    if lang == "en":
        in_english(page)
    # Every page's footer leads to the help page.
    with page.expect_navigation():
        page.locator("footer a[href='/calendar']").click()
    assert page.url.endswith("/calendar"), page.url
    assert html_lang(page) == lang
    cards = _feed_cards(page, live_server, lang)
    if lang == "en":
        assert page.locator("h1").inner_text() == "Meetings in your calendar"
        subscribe = cards.locator("a[href^='webcal://']")
        expect(subscribe.nth(0)).to_have_accessible_name("Subscribe – Politicians' forum")
        expect(subscribe.nth(1)).to_have_accessible_name("Subscribe – Officials' forum")
        assert subscribe.nth(0).evaluate("a => a.firstChild.textContent") == "Subscribe"
    else:
        # (The calendar's own words are not in the Swedish catalogue yet; the bodies are.)
        # The forum's two bodies first, then the working groups and networks.
        assert [h.inner_text() for h in cards.locator("h3").all()][:2] == [
            "Politikerforum",
            "Tjänstepersonsforum",
        ]
    # An anonymous visitor is offered to log in for an address of their own, and back here.
    personal = page.locator("main section[aria-labelledby='personal-feed'] a")
    assert personal.get_attribute("href") == "/login?next=/profile/calendar"


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_copy_buttons_copy_each_address_with_the_mouse_and_the_keyboard(page, live_server, lang):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.clock.install()  # the status's timer runs when the test says
    page.goto("/")
    if lang == "en":
        in_english(page)
    page.goto("/calendar")
    cards = _feed_cards(page, live_server, lang)
    fields = cards.locator("input.copy-field")
    buttons = cards.locator("button.copy-button")
    # Two addresses (Swedish, English) for every body's feed.
    assert buttons.count() == fields.count() == 2 * cards.count()

    names = []
    for field in fields.all():
        box = field.locator("xpath=..")
        button = box.locator("button.copy-button")
        status = box.locator(".copy-status[role=status]")
        assert button.count() == 1 and status.count() == 1
        assert button.is_visible() and button.get_attribute("type") == "button"
        # The button's words are the field's own (in the page's language), and its name
        # starts with them and says which address it copies.
        word = field.get_attribute("data-copy")
        assert button.inner_text() == word
        label = page.locator(f"label[for='{field.get_attribute('id')}']").text_content()
        expect(button).to_have_accessible_name(f"{word}: {label}")
        names.append(f"{word}: {label}")
        if lang == "en":
            assert word == "Copy" and field.get_attribute("data-copied") == "Copied"
    # Every button has its own name: a screen reader's list of buttons tells them apart.
    assert len(set(names)) == len(names), names
    if lang == "en":
        assert names[:4] == [
            "Copy: Address in Swedish – Politicians' forum",
            "Copy: Address in English – Politicians' forum",
            "Copy: Address in Swedish – Officials' forum",
            "Copy: Address in English – Officials' forum",
        ]

    # The keyboard: the button is the next tab stop after its field; Enter copies.
    first, second = fields.nth(0), fields.nth(1)
    write_clipboard(page, "")
    first.focus()
    assert selection(first) == (0, len(first.input_value()))  # focus selects the address
    page.keyboard.press("Tab")
    first_button = buttons.nth(0)
    assert is_focused(first_button), active_element(page)
    page.keyboard.press("Enter")
    first_status = first.locator("xpath=..").locator(".copy-status")
    expect(first_status).to_have_text(first.get_attribute("data-copied"))
    assert read_clipboard(page) == first.input_value()
    assert is_focused(first_button)  # focus stays where the user was

    # The mouse: the second field's own address, English this time.
    buttons.nth(1).click()
    second_status = second.locator("xpath=..").locator(".copy-status")
    expect(second_status).to_have_text(second.get_attribute("data-copied"))
    assert read_clipboard(page) == second.input_value()
    assert second.input_value().endswith("?lang=en")
    # The status goes quiet again after four seconds; copying again starts them anew.
    page.clock.run_for(3_000)
    buttons.nth(1).click()
    expect(second_status).to_have_text(second.get_attribute("data-copied"))
    page.clock.run_for(2_000)
    expect(first_status).to_have_text("")
    expect(second_status).to_have_text(second.get_attribute("data-copied"))
    page.clock.run_for(2_500)
    expect(second_status).to_have_text("")


def test_without_javascript_there_is_no_copy_button_and_the_field_still_selects(
    browser, live_server
):
    context = browser.new_context(
        base_url=live_server.url, locale="sv-SE", java_script_enabled=False
    )
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto("/calendar")
        cards = _feed_cards(page, live_server)
        assert page.locator("button.copy-button").count() == 0
        assert page.locator(".copy-status").count() == 0

        # From the card's download link the next tab stop is the first address.
        card = cards.first
        field = card.locator("input.copy-field").first
        card.locator("a[download]").focus()
        page.keyboard.press("Tab")
        assert is_focused(field), active_element(page)
        # Its whole value can be selected with the keyboard, ready for Ctrl+C.
        page.keyboard.press("ControlOrMeta+A")
        assert selection(field) == (0, len(field.input_value()))
        page.keyboard.press("Tab")
        assert is_focused(card.locator("input.copy-field").nth(1))
        # A read-only field keeps its address whatever is typed.
        page.keyboard.type("x")
        assert card.locator("input.copy-field").nth(1).input_value().endswith("?lang=en")
    finally:
        context.close()


# --- a member's own calendar address ----------------------------------------------------------


def _member_tokens(live_server) -> list[CalendarToken]:
    email, _password = live_server.accounts["member"]
    with live_server.app.app_context():
        account = db.session.scalar(select(Account).where(Account.email == email))
        return list(
            db.session.scalars(
                select(CalendarToken)
                .where(CalendarToken.account_id == account.id)
                .order_by(CalendarToken.id)
            )
        )


def _shown_address(page) -> str:
    """The new address on the page that made it: once, in one read-only field, and as a
    webcal:// link to subscribe with."""
    fields = page.locator("main input.copy-field")
    assert fields.count() == 1
    url = fields.input_value()
    assert fields.get_attribute("readonly") is not None
    assert page.content().count(url) == 1, "the address is on the page once, in the field"
    subscribe = page.locator("main a[href^='webcal://']")
    assert subscribe.count() == 1
    assert subscribe.get_attribute("href") == webcal(url)
    assert page.locator("main .flashes[role=status] .flash-success").is_visible()
    # The field says what to keep in mind about the address.
    hint = fields.get_attribute("aria-describedby")
    assert hint and page.locator(f"#{hint}").is_visible()
    return url


def _last_fetched(page) -> str:
    """The status's "Last fetched by a calendar": a moment, or words saying not yet."""
    return page.locator("main dl.details dd").nth(1).inner_text()


def _no_address_shown(page) -> None:
    assert page.locator("main input.copy-field").count() == 0
    assert page.locator("main a[href^='webcal://']").count() == 0
    assert not PERSONAL_FEED.search(page.content())


def test_a_member_makes_fetches_replaces_and_revokes_a_calendar_address(
    page, log_in_as, live_server, fresh_request, ical_js, monkeypatch
):
    # Addresses start with BASE_URL, the address users reach: here, the live server.
    monkeypatch.setitem(live_server.app.config, "BASE_URL", live_server.url)
    log_in_as(page, "member")
    page.goto("/profile")
    with page.expect_navigation():
        page.locator("main a[href='/profile/calendar']").click()
    assert page.url.endswith("/profile/calendar")
    issue = page.locator("main form button[name=action][value=issue]")
    assert issue.count() == 1
    _no_address_shown(page)

    submit(page, issue)
    first = _shown_address(page)
    assert first.startswith(live_server.url + "/"), first
    assert PERSONAL_FEED.fullmatch(first.removeprefix(live_server.url))
    assert len([t for t in _member_tokens(live_server) if t.revoked_at is None]) == 1
    assert not re.search(r"\d", _last_fetched(page))  # no calendar has fetched it yet

    # A calendar program fetches the address without logging in.
    response = fresh_request.get(first)
    assert response.status == 200, response.status
    assert response.headers["content-type"].split(";")[0] == "text/calendar"
    assert "noindex" in response.headers["x-robots-tag"]
    assert response.headers["cache-control"].startswith("private")
    body = response.body()
    assert body.startswith(b"BEGIN:VCALENDAR\r\n")
    feed = ical_js.parse(body)
    assert feed["events"], "the demo member takes part in meetings"
    summaries = {event["summary"] for event in feed["events"]}
    assert all(UUID.fullmatch(event["uid"]) for event in feed["events"])

    # The feed has the meetings on the member's "My meetings", which leads here too.
    page.goto("/my/meetings")
    assert page.locator("main a[href='/profile/calendar']").count() == 1
    titles = set(page.locator("main li.meeting-card:not(.cancelled) h2").all_inner_texts())
    assert titles & summaries, (titles, summaries)

    # Opened again (a new visit: reloading the answer would send the form again), the page
    # no longer shows the address, since only its hash is kept; it says when a calendar
    # last fetched it.
    page.goto("/profile/calendar")
    _no_address_shown(page)
    assert re.search(r"\b20\d\d\b", _last_fetched(page)), _last_fetched(page)
    assert page.locator("main form button[name=action][value=revoke]").count() == 1

    # A new address: the old one stops working at once.
    submit(page, page.locator("main form button[name=action][value=issue]"))
    second = _shown_address(page)
    assert second != first
    assert fresh_request.get(first).status == 404
    assert fresh_request.get(second).status == 200

    # Revoked: no address works, and the page offers to make one.
    submit(page, page.locator("main form button[name=action][value=revoke]"))
    _no_address_shown(page)
    assert page.locator("main .flashes[role=status] .flash-success").is_visible()
    assert page.locator("main form button[name=action][value=revoke]").count() == 0
    assert page.locator("main form button[name=action][value=issue]").count() == 1
    assert fresh_request.get(second).status == 404
    assert fresh_request.get(first).status == 404
    assert all(t.revoked_at is not None for t in _member_tokens(live_server))


# --- one meeting as a file ----------------------------------------------------------------------


def test_add_to_calendar_downloads_the_meeting_as_an_ics_file(page, live_server, ical_js):
    page.goto("/meetings")
    page.locator(
        "section[aria-labelledby='upcoming-heading'] li.meeting-card:not(.cancelled) h3 a"
    ).first.click()
    page.wait_for_url(re.compile(r"/meetings/\d+$"))
    meeting_id = int(page.url.rsplit("/", 1)[1])
    with live_server.app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        uid, day, title = meeting.uid, local_day(meeting.start_at), meeting.title
    assert UUID.fullmatch(uid)

    link = page.locator(f"main a[href='/meetings/{meeting_id}.ics']")
    assert link.count() == 1 and link.get_attribute("download") is not None
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.failure() is None
    name = download.suggested_filename
    assert name.endswith(".ics") and day.isoformat() in name, name
    assert name.startswith(day.isoformat()), name  # the date first, so that files sort

    content = Path(download.path()).read_bytes()
    assert content.startswith(b"BEGIN:VCALENDAR\r\n")
    assert content.rstrip().endswith(b"END:VCALENDAR")
    assert content.count(b"BEGIN:VEVENT") == 1
    parsed = ical_js.parse(content)
    [event] = parsed["events"]
    assert event["uid"] == uid
    assert event["summary"] == title
    assert event["start"]["local"].startswith(day.isoformat())
    assert event["start"]["zone"] == "Europe/Stockholm"
