"""News pages: the public list and items, what drafts show to whom, writing with a preview,
publishing and unpublishing (audited), the start page, English readers, and query counts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from material_fixtures import english, errors_beside, text_of
from page_helpers import between
from sqlalchemy import func, select

from forum.audit.models import AuditEntry
from forum.news.models import NewsItem, NewsStatus
from forum.news.queries import PAGE_SIZE
from forum.timeutil import utcnow


@pytest.fixture
def member(app, make_account, make_nomination, login):
    account = make_account("member")
    make_nomination(account.person, region_code="12")
    return login(app.test_client(), account)


def titles(page: str) -> list[str]:
    """The news titles of a list, in order."""
    return re.findall(r'<h3 class="news-title"><a href="/news/\d+"[^>]*>(.*?)</a>', page)


def audit(session, item: NewsItem) -> list[AuditEntry]:
    session.expire_all()
    return list(session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "NewsItem",
                                 AuditEntry.object_id == item.id).order_by(AuditEntry.id)))


def count_news(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count(NewsItem.id)))


# --- the public list and items ---------------------------------------------------------------


def test_the_public_sees_published_news_newest_first_and_nothing_else(client, make_news):
    make_news(title_sv="Äldre nyhet", days_ago=30)
    make_news(title_sv="Nyaste nyheten", days_ago=1)
    make_news(title_sv="Mellannyhet", days_ago=10)
    make_news(NewsStatus.DRAFT, title_sv="Hemligt utkast")
    make_news(NewsStatus.ARCHIVED, title_sv="Avpublicerad nyhet", days_ago=5)
    response = client.get("/news")
    assert response.status_code == 200
    page = text_of(response)
    assert titles(page) == ["Nyaste nyheten", "Mellannyhet", "Äldre nyhet"]
    assert "Hemligt utkast" not in page and "Avpublicerad nyhet" not in page
    assert 'href="/news/new"' not in page


def test_the_list_is_paged(client, make_news):
    for n in range(PAGE_SIZE + 2):
        make_news(title_sv=f"Nyhet {n:02d}", days_ago=100 - n)
    first = text_of(client.get("/news"))
    assert len(titles(first)) == PAGE_SIZE
    assert titles(first)[0] == f"Nyhet {PAGE_SIZE + 1:02d}"
    assert 'href="/news?page=2"' in first and 'rel="next"' in first
    second = client.get("/news?page=2")
    assert second.status_code == 200
    assert titles(text_of(second)) == ["Nyhet 01", "Nyhet 00"]
    assert '<link rel="canonical" href="http://forum.test/news?page=2">' in second.text
    assert client.get("/news?page=3").status_code == 404
    # A page number that is not one is the first page.
    assert titles(text_of(client.get("/news?page=x"))) == titles(first)


@pytest.mark.parametrize("status", [NewsStatus.DRAFT, NewsStatus.ARCHIVED])
def test_unpublished_news_is_not_found_by_anyone_but_the_secretariat(
    client, member, staff_client, make_news, status
):
    item = make_news(status, title_sv="Inte för allmänheten")
    assert client.get(f"/news/{item.id}").status_code == 404
    refused = member.get(f"/news/{item.id}")
    assert refused.status_code == 404 and "Inte för allmänheten" not in refused.text
    seen = staff_client.get(f"/news/{item.id}")
    assert seen.status_code == 200
    assert "Inte för allmänheten" in text_of(seen)
    assert 'class="notice notice-error"' in seen.text
    assert seen.headers["Cache-Control"] == "private, no-store"
    assert "noindex" in seen.headers["X-Robots-Tag"]


def test_a_published_item_renders_its_markdown_safely_with_its_links(
    client, make_news, new_meeting, themes, bodies
):
    meeting = new_meeting(title="Politikerforum i Luleå", theme=themes[1])
    item = make_news(
        title_sv="Rapport från arbetsgruppen",
        summary_sv="Gruppen har lämnat sin rapport.",
        body_sv="## Slutsatser\n\n- **en**\n- två\n\n<script>alert(1)</script> "
                "[farlig](javascript:alert(1)) [PTS](https://www.pts.se)",
        meeting_id=meeting.id, theme_id=themes[1].id, body_id=bodies["politikerforum"].id,
    )
    response = client.get(f"/news/{item.id}")
    assert response.status_code == 200
    page = response.text
    assert page.count("<h1") == 1 and "<h3>Slutsatser</h3>" in page
    assert "<strong>en</strong>" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert 'href="javascript' not in page
    assert '<a href="https://www.pts.se" rel="noopener">PTS</a>' in page
    assert f'href="/meetings/{meeting.id}"' in page
    assert f'href="/themes/{themes[1].id}"' in page
    assert '<meta name="description" content="Gruppen har lämnat sin rapport.">' in page
    assert f'<link rel="canonical" href="http://forum.test/news/{item.id}">' in page
    assert "<title>Rapport från arbetsgruppen –" in page


def test_the_start_page_shows_the_three_latest(client, make_news):
    for n, days in enumerate((40, 3, 20, 1, 10)):
        make_news(title_sv=f"Startnyhet {n}", days_ago=days)
    make_news(NewsStatus.DRAFT, title_sv="Startutkast")
    page = text_of(client.get("/"))
    section = between(page, 'aria-labelledby="news-heading"', "</section>")
    assert titles(section) == ["Startnyhet 3", "Startnyhet 1", "Startnyhet 4"]
    assert "Startutkast" not in page
    assert 'href="/news"' in section and 'href="/about"' in section


def test_without_news_the_start_page_has_no_news_section(client):
    assert 'aria-labelledby="news-heading"' not in client.get("/").text


# --- English readers ---------------------------------------------------------------------------


def test_english_readers_get_the_english_version_or_the_swedish_marked_swedish(
    client, make_news
):
    both = make_news(title_sv="Svensk rubrik", summary_sv="Svensk ingress.",
                     body_sv="Svensk text.", title_en="English title",
                     summary_en="English lead.", body_en="English text.", days_ago=1)
    swedish = make_news(title_sv="Bara svenska", summary_sv="Bara svensk ingress.",
                        body_sv="Bara svensk text.", days_ago=2)
    english(client)
    page = client.get(f"/news/{both.id}").text
    assert "<h1>English title</h1>" in page
    assert '<p class="lead">English lead.</p>' in page and "English text." in page
    assert "Svensk rubrik" not in page
    only = client.get(f"/news/{swedish.id}").text
    assert '<h1 lang="sv">Bara svenska</h1>' in only
    assert '<p class="lead" lang="sv">Bara svensk ingress.</p>' in only
    assert re.search(r'<div class="prose" lang="sv">\s*<p>Bara svensk text.</p>', only)
    assert "written in Swedish only" in only
    listed = client.get("/news").text
    assert '>English title</a>' in listed
    assert f'<a href="/news/{swedish.id}" lang="sv">Bara svenska</a>' in listed
    # In Swedish, nothing is marked: the page is Swedish.
    client.post("/language", data={"lang": "sv", "next": "/"})
    assert '<h1>Bara svenska</h1>' in client.get(f"/news/{swedish.id}").text


def test_an_english_lead_may_fall_back_to_the_swedish_one(client, make_news):
    item = make_news(title_sv="Rubrik", summary_sv="Svensk ingress.", body_sv="Text.",
                     title_en="Title", body_en="Text in English.")
    english(client)
    page = client.get(f"/news/{item.id}").text
    assert "<h1>Title</h1>" in page
    assert '<p class="lead" lang="sv">Svensk ingress.</p>' in page


# --- writing -------------------------------------------------------------------------------------


FORM = {
    "title_sv": "Nästa möte handlar om kompetensförsörjning",
    "summary_sv": "Politikerforum möts i mars.",
    "body_sv": "## Program\n\n- Inledning\n- Samtal",
    "submit": "Save",
}


def test_writing_a_news_item_makes_an_audited_draft(session, staff_client):
    response = staff_client.post("/news/new", data=FORM)
    assert response.status_code == 303
    item = session.scalar(select(NewsItem).order_by(NewsItem.id.desc()))
    assert response.location == f"/news/{item.id}"
    assert item.status is NewsStatus.DRAFT and item.published_at is None
    assert item.title_sv == FORM["title_sv"] and item.body_sv == FORM["body_sv"]
    [entry] = audit(session, item)
    assert entry.action == "news_created" and entry.actor_account_id is not None
    assert entry.after["title_sv"] == FORM["title_sv"]


def test_the_form_shows_its_errors_beside_the_fields_and_keeps_what_was_typed(
    session, staff_client
):
    before = count_news(session)
    response = staff_client.post("/news/new", data={
        "title_sv": "", "summary_sv": "", "body_sv": "", "title_en": "Bara en titel",
        "meeting_id": "999999", "submit": "Save"})
    assert response.status_code == 400
    page = response.text
    assert 'class="error-summary"' in page
    assert errors_beside(page, "title_sv")
    assert errors_beside(page, "summary_sv")
    assert errors_beside(page, "body_sv")
    assert errors_beside(page, "meeting_id")
    assert 'aria-invalid="true"' in page
    assert 'value="Bara en titel"' in page
    assert count_news(session) == before


def test_an_english_text_needs_an_english_title(session, staff_client):
    before = count_news(session)
    english(staff_client)
    response = staff_client.post("/news/new", data=FORM | {"body_en": "English text."})
    assert response.status_code == 400
    assert errors_beside(response.text, "title_en") == \
        "An English version needs an English title."
    assert "English text." in response.text
    response = staff_client.post("/news/new", data=FORM | {"title_en": "Only a title"})
    assert errors_beside(response.text, "body_en") == \
        "An English version needs an English text."
    assert count_news(session) == before


def test_too_long_a_title_is_refused(session, staff_client):
    response = staff_client.post("/news/new", data=FORM | {"title_sv": "x" * 301})
    assert response.status_code == 400
    assert "300" in errors_beside(response.text, "title_sv")


def test_preview_shows_the_text_as_readers_will_and_saves_nothing(session, staff_client):
    before = count_news(session)
    response = staff_client.post("/news/new", data={
        "title_sv": "Förhandsvisad", "summary_sv": "", "preview": "Preview",
        "body_sv": "## Rubrik\n\n**fet** <script>alert(1)</script> [x](javascript:alert(1))",
        "title_en": "Previewed", "body_en": "*English*"})
    assert response.status_code == 200
    page = response.text
    preview = between(page, 'aria-labelledby="preview-heading"', "</section>")
    assert "<h3>Rubrik</h3>" in preview and "<strong>fet</strong>" in preview
    assert "&lt;script&gt;" in preview and "<script>alert" not in page
    assert 'href="javascript' not in page
    assert '<div class="prose" lang="en"><p><em>English</em></p>' in preview
    # Missing fields are reported when saving, not while previewing.
    assert 'class="error-summary"' not in page
    # What was typed is in the form again.
    assert "**fet** &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert count_news(session) == before


def test_changing_a_news_item_is_audited_with_what_changed(session, staff_client, make_news,
                                                           themes):
    item = make_news(title_sv="Före", body_sv="Gammal text.")
    form = staff_client.get(f"/news/{item.id}/edit")
    assert form.status_code == 200 and 'value="Före"' in form.text
    response = staff_client.post(f"/news/{item.id}/edit", data={
        "title_sv": "Efter", "summary_sv": item.summary_sv, "body_sv": "Gammal text.",
        "theme_id": str(themes[0].id), "submit": "Save"})
    assert response.status_code == 303
    session.refresh(item)
    assert item.title_sv == "Efter" and item.theme_id == themes[0].id
    entry = audit(session, item)[-1]
    assert entry.action == "news_changed"
    assert entry.before == {"theme_id": None, "title_sv": "Före"}
    assert entry.after == {"theme_id": themes[0].id, "title_sv": "Efter"}
    # Saved again unchanged: nothing new in the log.
    count = len(audit(session, item))
    staff_client.post(f"/news/{item.id}/edit", data={
        "title_sv": "Efter", "summary_sv": item.summary_sv, "body_sv": "Gammal text.",
        "theme_id": str(themes[0].id), "submit": "Save"})
    assert len(audit(session, item)) == count


# --- publishing ----------------------------------------------------------------------------------


def test_publishing_and_unpublishing_are_audited_and_change_what_the_public_sees(
    app, session, client, staff_client, make_news, make_account, login
):
    item = make_news(NewsStatus.DRAFT, title_sv="Att publicera")
    secretary = make_account("secretariat")
    staff = login(app.test_client(), secretary)
    assert "Att publicera" not in client.get("/news").text

    response = staff.post(f"/news/{item.id}/publish")
    assert response.status_code == 303 and response.location == f"/news/{item.id}"
    session.refresh(item)
    assert item.status is NewsStatus.PUBLISHED and item.published_by_id == secretary.id
    first_published = item.published_at
    assert first_published is not None
    assert "Att publicera" in text_of(client.get("/news"))
    assert client.get(f"/news/{item.id}").status_code == 200

    response = staff.post(f"/news/{item.id}/unpublish")
    assert response.status_code == 303
    session.refresh(item)
    assert item.status is NewsStatus.ARCHIVED and item.archived_by_id == secretary.id
    assert client.get(f"/news/{item.id}").status_code == 404
    assert "Att publicera" not in client.get("/news").text
    # Kept, with its history, for the secretariat.
    page = text_of(staff.get(f"/news/{item.id}"))
    assert secretary.person.name in page
    assert f'action="/news/{item.id}/publish"' in page

    staff.post(f"/news/{item.id}/publish")
    session.refresh(item)
    assert item.status is NewsStatus.PUBLISHED and item.published_at == first_published
    actions = [(e.action, e.actor_account_id) for e in audit(session, item)]
    assert actions[1:] == [("news_published", secretary.id), ("news_unpublished", secretary.id),
                           ("news_republished", secretary.id)]


def test_publishing_twice_is_refused_with_a_message(session, staff_client, make_news):
    item = make_news(title_sv="Redan ute")
    count = len(audit(session, item))
    english(staff_client)
    response = staff_client.post(f"/news/{item.id}/publish", follow_redirects=True)
    assert '<p class="flash flash-error">The news item is already published.</p>' in response.text
    assert len(audit(session, item)) == count


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_publishing_needs_the_forms_token(session, staff_client, make_news):
    item = make_news(NewsStatus.DRAFT, title_sv="Utan token")
    response = staff_client.post(f"/news/{item.id}/publish")
    assert response.status_code in (303, 400)
    session.refresh(item)
    assert item.status is NewsStatus.DRAFT
    # The page's own form carries the token that makes it work.
    page = staff_client.get(f"/news/{item.id}").text
    token = re.search(r'id="publish-csrf" name="csrf_token" type="hidden" value="([^"]+)"',
                      page).group(1)
    assert staff_client.post(f"/news/{item.id}/publish",
                             data={"csrf_token": token}).status_code == 303
    session.refresh(item)
    assert item.status is NewsStatus.PUBLISHED


def test_the_secretariat_sees_drafts_on_the_list_and_the_tools(staff_client, make_news):
    make_news(NewsStatus.DRAFT, title_sv="Kansliets utkast")
    make_news(NewsStatus.ARCHIVED, title_sv="Kansliets avpublicerade")
    page = text_of(staff_client.get("/news"))
    unpublished = between(page, 'aria-labelledby="unpublished-heading"', "</section>")
    assert "Kansliets utkast" in unpublished and "Kansliets avpublicerade" in unpublished
    assert 'href="/news/new"' in page


# --- queries ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "secretariat"])
def test_news_pages_cost_the_same_number_of_queries_for_3_and_25_items(
    client, staff_client, make_news, new_meeting, themes, count_queries, who
):
    visitor = {"anonymous": client, "secretariat": staff_client}[who]
    meeting = new_meeting(theme=themes[0])

    def fill(n: int) -> None:
        for i in range(n):
            make_news(title_sv=f"Nyhet {i}", theme_id=themes[i % 4].id, meeting_id=meeting.id)
            make_news(NewsStatus.DRAFT, title_sv=f"Utkast {i}")

    def costs() -> dict[str, int]:
        found = {}
        for url in ("/news", "/", "/about"):
            visitor.get(url)  # the first request of a client loads what every page needs
            with count_queries() as counter:
                assert visitor.get(url).status_code == 200
            found[url] = counter.count
        return found

    fill(3)
    few = costs()
    fill(22)
    assert costs() == few


def test_the_feed_link_and_description_are_on_every_page(client):
    page = client.get("/meetings").text
    assert '<link rel="alternate" type="application/atom+xml" href="/news.atom"' in page
    assert '<meta name="description" content="' in page
    assert '<link rel="canonical" href="http://forum.test/meetings">' in page
    missing = client.get("/no-such-page")
    assert missing.status_code == 404 and 'rel="canonical"' not in missing.text
    english(client)
    assert 'href="/news.atom?lang=en"' in client.get("/").text


def test_new_item_dates_are_kept_in_utc(session, make_news):
    item = make_news(days_ago=0)
    assert abs(item.published_at - utcnow()) < timedelta(minutes=1)
