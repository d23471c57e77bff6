"""News in Chromium: the secretariat writes an item in Markdown, previews it, saves and
publishes it; the public finds it on the start page and the news page, rendered safely. Also
the pages that tests/e2e/test_browse.py checks with axe-core."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.e2e

MARKDOWN = """Forumets kansli bjuder in till ett **extra möte** om tillgänglighet.

## Program

- Inledning av kansliet
- Samtal om *digital infrastruktur*

Läs mer hos [Post- och telestyrelsen](https://www.pts.se).

<script>window.hacked = true</script> [klicka](javascript:window.hacked=true)
"""


def submit(page, button) -> None:
    with page.expect_navigation():
        button.click()


def test_the_secretariat_writes_previews_and_publishes_and_the_public_reads_it(
    staff_page, browser, live_server
):
    page = staff_page
    page.goto("/news")
    page.locator("main a[href='/news/new']").click()
    page.wait_for_url("**/news/new")

    title = "Extra möte om tillgänglighet i hela landet"
    page.locator("#title_sv").fill(title)
    page.locator("#summary_sv").fill("Kansliet bjuder in till ett extra möte i februari.")
    page.locator("#body_sv").fill(MARKDOWN)
    assert page.locator("#body_sv").get_attribute("lang") == "sv"

    # Preview: the text as readers will see it, and nothing saved yet.
    submit(page, page.locator("form.stacked-form [name=preview]"))
    assert page.url.endswith("/news/new")
    preview = page.locator("section.news-preview")
    assert preview.is_visible()
    assert preview.locator("strong", has_text="extra möte").count() == 1
    assert preview.locator("h3", has_text="Program").count() == 1
    assert preview.locator("li").count() == 2
    link = preview.locator("a", has_text="Post- och telestyrelsen")
    assert link.get_attribute("href") == "https://www.pts.se"
    assert link.get_attribute("rel") == "noopener"
    assert preview.locator("a", has_text="klicka").count() == 0
    assert "<script>" in preview.inner_text()  # shown as text, not run
    assert page.evaluate("() => window.hacked === undefined")
    # What was typed is still in the form.
    assert page.locator("#body_sv").input_value().strip() == MARKDOWN.strip()

    submit(page, page.locator("form.stacked-form [name=submit]"))
    page.wait_for_url(re.compile(r"/news/\d+$"))
    item_url = page.url
    assert page.locator("h1").inner_text() == title
    assert page.locator("main .notice-error").is_visible()  # a draft

    # Not yet public.
    public = browser.new_context(base_url=live_server.url, locale="sv-SE")
    try:
        reader = public.new_page()
        assert reader.goto(item_url).status == 404
        reader.goto("/news")
        assert reader.locator("main", has_text=title).count() == 0

        submit(page, page.locator("form[action$='/publish'] button"))
        assert page.locator(".flash-success").is_visible()
        assert page.locator("main .notice-error").count() == 0

        # The public finds it on the start page and the news page.
        reader.goto("/")
        news = reader.locator("section[aria-labelledby='news-heading']")
        first = news.locator("li").first
        assert first.locator("h3").inner_text() == title
        reader.goto("/news")
        entry = reader.locator("main ul.news-list li").first
        assert entry.locator("h3").inner_text() == title
        with reader.expect_navigation():
            entry.locator("h3 a").click()
        assert reader.url == item_url
        assert reader.locator("h1").inner_text() == title
        body = reader.locator("article .prose")
        assert body.locator("strong").inner_text() == "extra möte"
        assert body.locator("a[href='https://www.pts.se'][rel='noopener']").count() == 1
        assert reader.evaluate("() => window.hacked === undefined")
        assert reader.locator("meta[name=description]").get_attribute("content") == \
            "Kansliet bjuder in till ett extra möte i februari."
        # The feed has it too.
        feed = reader.request.get("/news.atom")
        assert feed.ok and title in feed.text()
    finally:
        public.close()


def test_the_demos_draft_is_the_secretariats_alone(page, log_in_as_staff):
    page.goto("/news")
    assert page.locator("main", has_text="Inbjudan: nätverksträff").count() == 0
    log_in_as_staff(page)
    page.goto("/news")
    drafts = page.locator("section[aria-labelledby='unpublished-heading']")
    assert drafts.locator("a", has_text="Inbjudan: nätverksträff").count() == 1


def test_english_readers_get_the_english_version_or_swedish_marked_as_such(page):
    page.goto("/")
    submit(page, page.locator("form.language-switch button[value='en']"))
    page.goto("/news")
    assert page.locator("main ul.news-list a", has_text="Survey of the regions'").count() == 1
    swedish = page.locator("main ul.news-list a[lang='sv']").first
    assert swedish.count() == 1
    with page.expect_navigation():
        swedish.click()
    assert page.locator("h1").get_attribute("lang") == "sv"
    assert page.locator("article .prose").get_attribute("lang") == "sv"


# --- pages for axe-core (tests/e2e/test_browse.py) -------------------------------------------


def open_news_item(page) -> None:
    """The demo's news item with an English version (its survey of the regions)."""
    page.goto("/news")
    page.locator("main ul.news-list a", has_text=re.compile("Kartläggning|Survey")).click()
    page.wait_for_url(re.compile(r"/news/\d+$"))


def open_draft_news_item(page) -> None:
    page.goto("/news")
    page.locator("section[aria-labelledby='unpublished-heading'] a").first.click()
    page.wait_for_url(re.compile(r"/news/\d+$"))


def news_form_with_errors(page) -> None:
    page.goto("/news/new")
    page.locator("#body_en").fill("Only English text, no title.")
    submit(page, page.locator("form.stacked-form [name=submit]"))
    assert page.locator(".error-summary").is_visible()
    assert page.locator("#title_sv-error").is_visible()


def news_preview(page) -> None:
    page.goto("/news/new")
    page.locator("#title_sv").fill("Förhandsvisning")
    page.locator("#body_sv").fill(MARKDOWN)
    page.locator("#title_en").fill("Preview")
    page.locator("#body_en").fill("An **English** text.")
    submit(page, page.locator("form.stacked-form [name=preview]"))
    assert page.locator("section.news-preview article").count() == 2
