"""A person's data in Chromium: a member downloads their file from the explanation page; the
secretariat's erasure page, refused for a member and with its form for someone who left.
Also the pages that tests/e2e/test_browse.py checks with axe-core (nothing here changes the
demo forum's data)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e


def submit(page, button) -> None:
    with page.expect_navigation():
        button.click()


def refused_erasure(page) -> None:
    """The erasure page of a current member of Region Skåne: the reasons, no form."""
    page.goto("/regions/12")
    page.locator("main table.seats a[href^='/people/']").first.click()
    page.wait_for_url(re.compile(r"/people/\d+$"))
    page.locator("main a[href$='/erase']").click()
    page.wait_for_url(re.compile(r"/people/\d+/erase$"))
    assert page.locator("main .notice-error li").count() >= 1
    assert page.locator("main textarea[name=reason]").count() == 0


def erase_form_with_errors(page) -> None:
    """The form of someone who held a seat years ago and holds none now, sent without a
    reason: the error beside the field, nothing erased."""
    page.goto("/regions/12")
    people = page.locator("main section[aria-labelledby=history-heading] a[href^='/people/']")
    addresses = list(dict.fromkeys(people.evaluate_all("links => links.map(a => a.pathname)")))
    for address in addresses:
        page.goto(address + "/erase")
        if page.locator("main textarea[name=reason]").count():
            break
    else:
        pytest.fail("the demo has nobody in Region Skåne's history who has left")
    submit(page, page.locator("main form.stacked-form [type=submit]"))
    assert page.locator("main .error-summary").is_visible()
    assert page.locator("#reason[aria-invalid=true]").count() == 1


def test_a_member_downloads_their_data_from_the_page_that_explains_it(page, log_in_as,
                                                                      live_server):
    log_in_as(page, "member")
    page.goto("/profile")
    page.locator("main a[href='/profile/data']").click()
    page.wait_for_url("**/profile/data")
    assert page.locator("main table tbody tr").count() >= 10
    with page.expect_download() as waiting:
        page.locator("main a[href='/profile/data.json']").click()
    download = waiting.value
    assert re.fullmatch(r"forum-personal-data-\d+-\d{4}-\d\d-\d\d\.json",
                        download.suggested_filename)
    data = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    email, _password = live_server.accounts["member"]
    assert data["account"]["email"] == email
    assert data["schema"] == "forum-person-data" and data["nominations"]
    assert "password_hash" not in json.dumps(data)
