"""Logging in and out in a real browser, with the keyboard, as each kind of user."""

import re

import pytest

pytestmark = pytest.mark.e2e


def test_log_in_with_the_keyboard_and_out_again(page, live_server):
    email, password = live_server.accounts["member"]
    page.goto("/regions/12")
    page.get_by_role("link", name=re.compile("Logga in|Log in")).click()
    page.wait_for_url(re.compile(r"/login\?next="))
    page.locator("#email").focus()
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # Back where the member started, now logged in.
    assert page.url.endswith("/regions/12")
    header = page.locator("header").inner_text()
    assert "Åsa Andersson" in header
    with page.expect_navigation():
        page.locator("form.logout button").click()
    assert page.locator("header form.logout").count() == 0
    assert page.get_by_role("link", name=re.compile("Logga in|Log in")).is_visible()


def test_a_wrong_password_is_explained_beside_the_field(page, live_server):
    email, _ = live_server.accounts["member"]
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill("not the password")
    with page.expect_navigation():
        page.locator("form.stacked-form [type=submit]").click()
    assert page.locator("#password-error").is_visible()
    assert page.locator("#email").input_value() == email  # what was typed is kept
    assert page.locator("#password").get_attribute("aria-invalid") == "true"


@pytest.mark.parametrize(
    ("role", "lands_on", "sees", "does_not_see"),
    [
        ("admin", "/secretariat", ["/admin/accounts", "/audit"], []),
        ("secretariat", "/secretariat", ["/secretariat", "/people"], ["/admin/accounts"]),
        ("region_contact", "/", ["/proposals"], ["/secretariat", "/people"]),
        ("member", "/", [], ["/proposals", "/secretariat", "/people"]),
    ],
)
def test_each_role_sees_its_own_menu(page, log_in_as, role, lands_on, sees, does_not_see):
    log_in_as(page, role)
    assert page.url.rstrip("/").endswith(lands_on.rstrip("/")) or lands_on == "/"
    menu = [a.get_attribute("href") for a in page.locator("nav.main-nav a").all()]
    for href in sees:
        assert href in menu, (role, menu)
    for href in does_not_see:
        assert href not in menu, (role, menu)


def test_a_member_is_refused_the_secretariat_pages(page, log_in_as):
    log_in_as(page, "member")
    response = page.goto("/secretariat")
    assert response.status == 403
    assert page.locator("h1").inner_text()
