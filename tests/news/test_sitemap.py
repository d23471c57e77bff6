"""The sitemap and robots.txt: a sitemap index whose every page parses as XML, lists only
what the public may read (never a draft, a restricted or withdrawn document, a meeting still
to come or a person's page), is paged, and costs a fixed number of queries per page."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from flask import Response
from material_fixtures import FUTURE, at
from news_fixtures import SITEMAP, parse_xml, sitemap_locs

from forum.access import PUBLIC, SECRETARIAT, access
from forum.material.models import Visibility
from forum.meetings.models import MeetingStatus
from forum.news.models import NewsStatus

BASE = "http://forum.test"


def every_url(client) -> list[str]:
    """Every address the sitemap lists, read as a search engine would: the index, then each
    of its pages."""
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    assert index.content_type == "application/xml; charset=utf-8"
    root = parse_xml(index)
    assert root.tag == f"{SITEMAP}sitemapindex"
    urls = []
    for loc in sitemap_locs(root):
        assert loc.startswith(f"{BASE}/sitemap/"), loc
        page = client.get(urlsplit(loc).path)
        assert page.status_code == 200, loc
        page_root = parse_xml(page)
        assert page_root.tag == f"{SITEMAP}urlset"
        urls += sitemap_locs(page_root)
    assert all(u.startswith(BASE + "/") for u in urls)
    assert len(urls) == len(set(urls))
    return [u[len(BASE):] for u in urls]


@pytest.fixture
def forum_with_everything(app, session, make_news, new_meeting, add_document, themes,
                          make_person, make_nomination):
    """Public and non-public things of every kind, named so that a test can look for them."""
    held = new_meeting(at(2025, 3, 11), theme=themes[0], status=MeetingStatus.HELD,
                       title="Hållet möte")
    past_unmarked = new_meeting(at(2025, 5, 6), theme=themes[1], title="Hållet men ej markerat")
    coming = new_meeting(at(FUTURE, 4, 2), theme=themes[1], title="Kommande möte")
    cancelled = new_meeting(at(2025, 9, 9), status=MeetingStatus.CANCELLED, title="Inställt")
    public = add_document(held, title="Offentligt", themes=[themes[0]])
    participants = add_document(held, title="Deltagarnas", visibility=Visibility.PARTICIPANTS)
    secret = add_document(held, title="Kansliets", visibility=Visibility.SECRETARIAT)
    withdrawn = add_document(held, title="Tillbakadraget")
    from forum.material import services as material

    with app.test_request_context():
        material.withdraw(session, withdrawn, reason="Fel fil.")
    session.commit()
    person = make_person("Sitemap", "Personsson")
    make_nomination(person, region_code="12", start=date(2023, 1, 1))
    return {
        "published": make_news(title_sv="Publicerad"),
        "draft": make_news(NewsStatus.DRAFT, title_sv="Utkast"),
        "archived": make_news(NewsStatus.ARCHIVED, title_sv="Avpublicerad"),
        "held": held, "past_unmarked": past_unmarked, "coming": coming,
        "cancelled": cancelled, "public": public, "participants": participants,
        "secret": secret, "withdrawn": withdrawn, "person": person,
    }


def test_the_sitemap_lists_the_public_pages_and_nothing_else(client, forum_with_everything,
                                                             themes):
    things = forum_with_everything
    urls = set(every_url(client))
    for expected in ("/", "/about", "/news", "/meetings", "/themes", "/regions",
                     "/accessibility", f"/news/{things['published'].id}",
                     f"/meetings/{things['held'].id}", f"/meetings/{things['past_unmarked'].id}",
                     f"/material/{things['public'].id}", f"/themes/{themes[0].id}",
                     "/regions/12", "/regions/01"):
        assert expected in urls, expected
    for hidden in (f"/news/{things['draft'].id}", f"/news/{things['archived'].id}",
                   f"/material/{things['participants'].id}", f"/material/{things['secret'].id}",
                   f"/material/{things['withdrawn'].id}", f"/meetings/{things['coming'].id}",
                   f"/meetings/{things['cancelled'].id}", f"/people/{things['person'].id}",
                   "/login", "/news/new", "/people", "/secretariat"):
        assert hidden not in urls, hidden
    assert not any(u.startswith("/people/") for u in urls)
    assert len([u for u in urls if u.startswith("/regions/")]) == 21


def test_a_restricted_documents_address_appears_nowhere_in_any_sitemap_file(
    client, forum_with_everything
):
    things = forum_with_everything
    index = client.get("/sitemap.xml")
    bodies = [index.data] + [client.get(urlsplit(loc).path).data
                             for loc in sitemap_locs(parse_xml(index))]
    for key in ("participants", "secret", "withdrawn"):
        needle = f"/material/{things[key].id}<".encode()
        assert not any(needle in body for body in bodies), key


def test_bodies_are_listed_when_the_app_has_their_pages(app, client):
    urls = every_url(client)
    if "bodies.body" in app.view_functions:
        assert "/bodies/politikerforum" in urls and "/bodies/tjanstepersonsforum" in urls
    else:
        assert not any(u.startswith("/bodies/") for u in urls)


def test_lastmod_is_a_w3c_datetime(client, forum_with_everything):
    things = forum_with_everything
    page = client.get("/sitemap/news/1.xml")
    [url] = parse_xml(page).findall(f"{SITEMAP}url")
    assert url.find(f"{SITEMAP}loc").text == f"{BASE}/news/{things['published'].id}"
    lastmod = url.find(f"{SITEMAP}lastmod").text
    assert lastmod == things["published"].updated_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    index = parse_xml(client.get("/sitemap.xml"))
    news = [s for s in index.findall(f"{SITEMAP}sitemap")
            if s.find(f"{SITEMAP}loc").text.endswith("/sitemap/news/1.xml")]
    assert news[0].find(f"{SITEMAP}lastmod").text == lastmod


def test_a_theme_is_dated_by_its_public_material_only(app, session, client, new_meeting,
                                                      add_document, themes):
    meeting = new_meeting(at(2025, 3, 11), status=MeetingStatus.HELD)
    public = add_document(meeting, title="Temats offentliga", themes=[themes[2]])
    add_document(meeting, title="Temats interna", themes=[themes[2]],
                 visibility=Visibility.SECRETARIAT)
    root = parse_xml(client.get("/sitemap/themes/1.xml"))
    dates = {u.find(f"{SITEMAP}loc").text: u.find(f"{SITEMAP}lastmod")
             for u in root.findall(f"{SITEMAP}url")}
    assert dates[f"{BASE}/themes/{themes[2].id}"].text == \
        public.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert dates[f"{BASE}/themes/{themes[3].id}"] is None


@pytest.mark.parametrize("app_config", [{"SITEMAP_PAGE_SIZE": 2}])
def test_sections_are_paged(client, make_news):
    items = [make_news(title_sv=f"Sidnyhet {n}") for n in range(5)]
    index = sitemap_locs(parse_xml(client.get("/sitemap.xml")))
    news_pages = [loc for loc in index if "/sitemap/news/" in loc]
    assert news_pages == [f"{BASE}/sitemap/news/{n}.xml" for n in (1, 2, 3)]
    listed = []
    for loc in news_pages:
        urls = sitemap_locs(parse_xml(client.get(urlsplit(loc).path)))
        assert 1 <= len(urls) <= 2
        listed += urls
    assert listed == [f"{BASE}/news/{item.id}" for item in items]
    assert client.get("/sitemap/news/4.xml").status_code == 404
    # 21 regions in pages of two.
    assert len([loc for loc in index if "/sitemap/regions/" in loc]) == 11


def test_unknown_sections_and_pages_are_not_found(client):
    assert client.get("/sitemap/people/1.xml").status_code == 404
    assert client.get("/sitemap/pages/2.xml").status_code == 404
    assert client.get("/sitemap/news/0.xml").status_code == 404
    # A section with nothing in it yet has an empty first page.
    empty = client.get("/sitemap/news/1.xml")
    assert empty.status_code == 200 and sitemap_locs(parse_xml(empty)) == []


def test_the_sitemap_ignores_the_host_header(client):
    response = client.get("/sitemap.xml", headers={"Host": "evil.example"})
    assert b"evil.example" not in response.data


@pytest.mark.parametrize("section", ["pages", "news", "meetings", "themes", "documents",
                                     "regions"])
def test_a_sitemap_page_costs_the_same_queries_for_few_and_many(
    client, make_news, new_meeting, add_document, themes, count_queries, section
):
    def cost(url: str) -> int:
        client.get(url)
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    def fill(n: int) -> None:
        for i in range(n):
            make_news(title_sv=f"Nyhet {i}")
            meeting = new_meeting(at(2024, 1 + i % 12, 10), theme=themes[i % 4],
                                  status=MeetingStatus.HELD)
            add_document(meeting, title=f"Dokument {i}", themes=[themes[i % 4]])

    fill(2)
    few = cost(f"/sitemap/{section}/1.xml"), cost("/sitemap.xml")
    fill(12)
    assert (cost(f"/sitemap/{section}/1.xml"), cost("/sitemap.xml")) == few
    assert few[0] <= 2


def test_cooperation_entries_are_listed_when_public_and_approved(app, session, client,
                                                                 region):
    """The cooperation register's pages join the sitemap once the register answers at
    /cooperation/<id>; only approved, public entries."""
    from forum.cooperation.models import (
        Cooperation,
        CooperationKind,
        CooperationStatus,
        CooperationVisibility,
    )

    if not any(r.rule == "/cooperation/<int:cooperation_id>" for r in app.url_map.iter_rules()):
        app.add_url_rule("/cooperation/<int:cooperation_id>", "cooperation_page",
                         access(PUBLIC)(lambda cooperation_id: Response("")))
    entries = {}
    for name, status, visibility in (
        ("approved", CooperationStatus.APPROVED, CooperationVisibility.PUBLIC),
        ("internal", CooperationStatus.APPROVED, CooperationVisibility.INTERNAL),
        ("proposed", CooperationStatus.PROPOSED, CooperationVisibility.PUBLIC),
        ("returned", CooperationStatus.RETURNED, CooperationVisibility.PUBLIC),
    ):
        entry = Cooperation(title=f"Samarbete {name}", kind=CooperationKind.PARTNERSHIP,
                            status=status, visibility=visibility,
                            start_date=date(2024, 1, 1))
        session.add(entry)
        session.flush()
        entries[name] = entry.id
    session.commit()
    urls = every_url(client)
    assert f"/cooperation/{entries['approved']}" in urls
    for name in ("internal", "proposed", "returned"):
        assert f"/cooperation/{entries[name]}" not in urls


def test_a_page_only_the_secretariat_may_open_is_never_listed(app, client):
    app.add_url_rule("/cooperation/<int:cooperation_id>/secret", "secret_page",
                     access(SECRETARIAT)(lambda cooperation_id: ""))
    with app.test_request_context():
        from forum.news import sitemap

        assert sitemap.endpoint_of("/cooperation/<int:cooperation_id>/secret") is None
        assert sitemap.endpoint_of("/themes/<int:theme_id>") == "material.theme"


# --- robots.txt -----------------------------------------------------------------------------------


def test_robots_txt(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    lines = response.text.splitlines()
    assert lines[0] == "User-agent: *" and "Allow: /" in lines
    for path in ("/login", "/profile", "/calendar/personal/", "/admin", "/roster/export",
                 "/*.csv$", "/*.xlsx$", "/*.zip$"):
        assert f"Disallow: {path}" in lines, path
    assert f"Sitemap: {BASE}/sitemap.xml" in lines
    # The public pages stay open.
    for path in ("/news", "/meetings", "/themes", "/material", "/regions", "/about"):
        assert f"Disallow: {path}" not in lines


def test_held_meetings_since_yesterday_are_listed(client, new_meeting):
    from forum.timeutil import utcnow

    yesterday = new_meeting(utcnow() - timedelta(days=1), title="I går")
    tomorrow = new_meeting(utcnow() + timedelta(days=1), title="I morgon")
    urls = every_url(client)
    assert f"/meetings/{yesterday.id}" in urls and f"/meetings/{tomorrow.id}" not in urls
