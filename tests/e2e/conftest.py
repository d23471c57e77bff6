"""End-to-end fixtures: the real app on a demo database of its own, served on loopback, and
Debian's Chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from forum import create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@dataclass
class LiveServer:
    url: str
    app: Flask
    # A demo account of the secretariat, as `forum demo` prints it.
    staff_email: str
    staff_password: str
    # Every demo account by role: {"admin": (email, password), ...}
    accounts: dict[str, tuple[str, str]]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    """The app on a fresh SQLite file, set up by the real `forum init` and `forum demo`,
    served by a threaded WSGI server on a free loopback port. CSRF is on: a real browser
    sends real forms. Mail stays in the outbox."""
    path = tmp_path_factory.mktemp("e2e") / "forum-e2e.sqlite"
    app = create_app(
        {
            "FORUM_ENV": "development",
            "SECRET_KEY": "e2e-secret-not-for-production",
            "DATABASE_URL": f"sqlite:///{path}",
            "MAIL_DELIVERY": "worker",
            # The demo's and the tests' files, beside the database, never in instance/.
            "BLOB_STORAGE_PATH": str(path.parent / "blobs"),
            "STORAGE_PATH": str(path.parent / "files"),
        }
    )
    assert app.config["WTF_CSRF_ENABLED"] is not False
    runner = app.test_cli_runner()
    for command in ("init", "demo"):
        result = runner.invoke(args=["forum", command])
        assert result.exit_code == 0, result.output
    # "  secretariat     kristina.lindberg@tillvaxtverket.se  demo-kansli-2026  Kristina …"
    lines = [line.split() for line in result.output.splitlines()]
    staff = [words for words in lines if words[:1] == ["secretariat"]]
    assert staff, f"`forum demo` printed no secretariat account:\n{result.output}"
    _role, staff_email, staff_password, *_name = staff[0]
    roles = ("admin", "secretariat", "region_contact", "member", "guest")
    accounts = {words[0]: (words[1], words[2]) for words in lines if words[:1] and words[0] in roles}
    assert set(accounts) == set(roles), result.output

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(
            f"http://127.0.0.1:{server.server_port}", app, staff_email, staff_password, accounts
        )
    finally:
        server.shutdown()
        thread.join(timeout=10)
        app.extensions["forum.db"]["engine"].dispose()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = (
            f"{CHROMIUM} is missing: install Debian's chromium package "
            "(apt-get install chromium); the tests never download a browser"
        )
        if IN_CI:
            pytest.fail(message + "; in CI a missing browser is a failure")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


def log_in(page, email: str, password: str) -> None:
    """Log in through the login form, as a person would."""
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    with page.expect_navigation():
        page.locator("form.stacked-form [type=submit]").click()
    assert "/login" not in page.url, page.locator("main").inner_text()


@pytest.fixture
def log_in_as_staff(live_server):
    """log_in_as_staff(page): the tab logs in as the demo forum's secretariat account."""

    def go(page) -> None:
        log_in(page, live_server.staff_email, live_server.staff_password)

    return go


@pytest.fixture
def log_in_as(live_server):
    """log_in_as(page, "admin"): the tab logs in as the demo account with that role."""

    def go(page, role: str) -> None:
        log_in(page, *live_server.accounts[role])

    return go


@pytest.fixture
def staff_page(page, log_in_as_staff):
    """A tab logged in as the secretariat."""
    log_in_as_staff(page)
    return page


@pytest.fixture
def page(browser, live_server):
    """A new tab in a fresh browser profile (no cookies), asking for Swedish like most of
    the forum's users do."""
    context = browser.new_context(
        base_url=live_server.url, locale="sv-SE", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()
