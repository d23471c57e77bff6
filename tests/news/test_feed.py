"""The Atom feed: built correctly whatever the text holds (read back by a strict XML parser
and by feedparser), holding only what the public may read, newest first, with stable ids,
in the reader's language, and answering 304 when nothing changed."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import feedparser
from news_fixtures import parse_xml
from sqlalchemy import update

from forum.material.models import Document, Visibility
from forum.news.feed import ATOM, Entry, Feed, atom
from forum.news.models import NewsStatus
from forum.timeutil import utcnow

A = f"{{{ATOM}}}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def entry(**fields) -> Entry:
    values = {
        "id": "tag:forum.test,2015-07-01:news/1", "title": "Rubrik", "title_lang": "sv",
        "link": "http://forum.test/news/1", "published": datetime(2026, 3, 1, 9, tzinfo=UTC),
        "updated": datetime(2026, 3, 2, 9, tzinfo=UTC), "category": "news",
        "category_label": "Nyheter",
    }
    values.update(fields)
    return Entry(**values)


def feed_of(*entries: Entry, language: str = "sv") -> Feed:
    return Feed(id="tag:forum.test,2015-07-01:feed/sv", title="Forumets nyheter",
                subtitle="Nyheter och dokument", language=language, base="http://forum.test/",
                self_link="http://forum.test/news.atom", page_link="http://forum.test/news",
                author="Forumets kansli", updated=datetime(2026, 3, 2, 9, tzinfo=UTC),
                entries=list(entries))


# --- building ---------------------------------------------------------------------------------


def test_the_feed_has_what_atom_requires():
    root = ET.fromstring(atom(feed_of(
        entry(), entry(id="tag:x,2015-07-01:document/2", title="Dokument", category="document"))))
    assert root.tag == f"{A}feed"
    assert root.get(XML_LANG) == "sv"
    for name in ("id", "title", "updated"):
        assert root.find(f"{A}{name}").text
    assert root.find(f"{A}author/{A}name").text == "Forumets kansli"
    assert root.find(f"{A}link[@rel='self']").get("href") == "http://forum.test/news.atom"
    entries = root.findall(f"{A}entry")
    assert len(entries) == 2
    for element in entries:
        for name in ("id", "title", "updated", "published"):
            assert element.find(f"{A}{name}").text
        assert element.find(f"{A}link[@rel='alternate']").get("href").startswith("http")
    assert entries[0].find(f"{A}updated").text == "2026-03-02T09:00:00Z"


NASTY = 'Tre < fyra & "citat" \'enkel\' ]]> <script>alert(1)</script> \u00e5\u00e4\u00f6 \U0001F600'


def test_any_text_is_escaped_and_reads_back_the_same():
    html = '<p>Fet <strong>&amp;</strong> <a href="/x?a=1&amp;b=2">länk</a></p>'
    data = atom(feed_of(entry(title=NASTY, summary=NASTY, summary_lang="sv",
                              content_html=html, content_lang="sv",
                              link='http://forum.test/news/1?a=1&b="2"')))
    assert b"<script>" not in data
    root = ET.fromstring(data)
    element = root.find(f"{A}entry")
    assert element.find(f"{A}title").text == NASTY
    assert element.find(f"{A}summary").text == NASTY
    content = element.find(f"{A}content")
    assert content.get("type") == "html" and content.text == html
    assert element.find(f"{A}link").get("href") == 'http://forum.test/news/1?a=1&b="2"'
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.entries[0].title == NASTY


def test_characters_xml_cannot_hold_are_left_out():
    data = atom(feed_of(entry(title="Före\x00\x01\x0b\x1f\ufffeefter", summary="a\x08b")))
    root = ET.fromstring(data)  # a strict parser: it would refuse a control character
    assert root.find(f"{A}entry/{A}title").text == "Föreefter"
    assert root.find(f"{A}entry/{A}summary").text == "ab"


def test_an_entry_in_another_language_says_so():
    data = atom(feed_of(entry(title="Bara svenska", title_lang="sv", summary="Ingress",
                              summary_lang="sv", content_html="<p>x</p>", content_lang="sv"),
                        language="en"))
    root = ET.fromstring(data)
    assert root.get(XML_LANG) == "en"
    element = root.find(f"{A}entry")
    assert element.find(f"{A}title").get(XML_LANG) == "sv"
    assert element.find(f"{A}content").get(XML_LANG) == "sv"
    parsed = feedparser.parse(data)
    assert parsed.feed.language == "en"
    assert parsed.entries[0].title_detail.language == "sv"


# --- over HTTP ----------------------------------------------------------------------------------


def ids(response) -> list[str]:
    return [e.find(f"{A}id").text for e in parse_xml(response).findall(f"{A}entry")]


def titles(response) -> list[str]:
    return [e.find(f"{A}title").text for e in parse_xml(response).findall(f"{A}entry")]


def test_the_feed_holds_published_news_and_public_documents_only(
    client, make_news, add_document, new_meeting
):
    meeting = new_meeting()
    make_news(title_sv="Publicerad nyhet", days_ago=2)
    make_news(NewsStatus.DRAFT, title_sv="Utkast i flödet")
    make_news(NewsStatus.ARCHIVED, title_sv="Avpublicerad i flödet")
    add_document(meeting, title="Offentligt underlag")
    add_document(meeting, title="Deltagarnas underlag", visibility=Visibility.PARTICIPANTS)
    add_document(meeting, title="Kansliets anteckning", visibility=Visibility.SECRETARIAT)
    response = client.get("/news.atom")
    assert response.status_code == 200
    assert response.content_type == "application/atom+xml; charset=utf-8"
    found = titles(response)
    assert "Publicerad nyhet" in found and "Offentligt underlag" in found
    for hidden in ("Utkast i flödet", "Avpublicerad i flödet", "Deltagarnas underlag",
                   "Kansliets anteckning"):
        assert hidden.encode() not in response.data
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo and parsed.version == "atom10"


def test_a_withdrawn_document_leaves_the_feed(app, session, client, add_document, new_meeting):
    from forum.material import services as material

    document = add_document(new_meeting(), title="Snart tillbakadraget")
    assert "Snart tillbakadraget" in titles(client.get("/news.atom"))
    with app.test_request_context():
        material.withdraw(session, document, reason="Fel fil.")
    session.commit()
    assert b"Snart tillbakadraget" not in client.get("/news.atom").data


def test_news_and_documents_are_merged_newest_first(
    session, client, make_news, add_document, new_meeting
):
    now = utcnow()
    old = make_news(title_sv="Gammal nyhet", days_ago=10)
    new = make_news(title_sv="Ny nyhet", days_ago=1)
    document = add_document(new_meeting(), title="Mellandokument")
    session.execute(update(Document).where(Document.id == document.id)
                    .values(updated_at=now - timedelta(days=5)))
    session.commit()
    assert titles(client.get("/news.atom")) == ["Ny nyhet", "Mellandokument", "Gammal nyhet"]
    assert ids(client.get("/news.atom")) == [
        f"tag:forum.test,2015-07-01:news/{new.id}",
        f"tag:forum.test,2015-07-01:document/{document.id}",
        f"tag:forum.test,2015-07-01:news/{old.id}",
    ]


def test_ids_stay_the_same_when_an_item_changes(app, session, client, make_news):
    from forum.news import services

    item = make_news(title_sv="Första rubriken")
    first = parse_xml(client.get("/news.atom")).find(f"{A}entry")
    with app.test_request_context():
        services.update(session, item, title_sv="Rättad rubrik")
    session.commit()
    second = parse_xml(client.get("/news.atom")).find(f"{A}entry")
    assert second.find(f"{A}id").text == first.find(f"{A}id").text
    assert second.find(f"{A}title").text == "Rättad rubrik"
    assert second.find(f"{A}updated").text > first.find(f"{A}updated").text
    assert second.find(f"{A}published").text == first.find(f"{A}published").text


def test_links_and_ids_come_from_the_base_url_not_the_host_header(client, make_news):
    item = make_news(title_sv="Länkad nyhet")
    response = client.get("/news.atom", headers={"Host": "evil.example"})
    assert b"evil.example" not in response.data
    root = parse_xml(response)
    assert root.find(f"{A}link[@rel='self']").get("href") == "http://forum.test/news.atom"
    link = root.find(f"{A}entry/{A}link").get("href")
    assert link == f"http://forum.test/news/{item.id}"


def test_the_english_feed(client, make_news):
    make_news(title_sv="Svensk", summary_sv="Svensk ingress.", title_en="English",
              summary_en="English lead.", body_en="*English* text.", days_ago=1)
    make_news(title_sv="Bara svensk", summary_sv="Bara svensk ingress.", days_ago=2)
    response = client.get("/news.atom?lang=en")
    root = parse_xml(response)
    assert root.get(XML_LANG) == "en"
    assert root.find(f"{A}link[@rel='self']").get("href") == \
        "http://forum.test/news.atom?lang=en"
    first, second = root.findall(f"{A}entry")
    assert first.find(f"{A}title").text == "English"
    assert first.find(f"{A}title").get(XML_LANG) == "en"
    assert first.find(f"{A}content").text == "<p><em>English</em> text.</p>\n"
    assert second.find(f"{A}title").text == "Bara svensk"
    assert second.find(f"{A}title").get(XML_LANG) == "sv"
    assert second.find(f"{A}summary").get(XML_LANG) == "sv"
    swedish = parse_xml(client.get("/news.atom?lang=xx"))
    assert swedish.get(XML_LANG) == "sv"
    assert swedish.find(f"{A}entry/{A}title").text == "Svensk"


def test_an_empty_feed_is_still_valid(client):
    response = client.get("/news.atom")
    assert response.status_code == 200
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo and parsed.feed.updated


# --- conditional requests -----------------------------------------------------------------------


def test_conditional_get_answers_304_until_something_is_published(
    app, session, client, make_news
):
    item = make_news(NewsStatus.DRAFT, title_sv="Kommande nyhet")
    make_news(title_sv="Befintlig nyhet")
    first = client.get("/news.atom")
    assert first.status_code == 200
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert first.headers["Cache-Control"] == "public, max-age=900"

    again = client.get("/news.atom", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    assert client.get("/news.atom", headers={"If-Modified-Since": modified}).status_code == 304

    from forum.news import services

    with app.test_request_context():
        services.publish(session, item, by=None)
    session.commit()
    changed = client.get("/news.atom", headers={"If-None-Match": etag,
                                                "If-Modified-Since": modified})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert "Kommande nyhet" in titles(changed)
    assert client.get("/news.atom", headers={"If-None-Match": changed.headers["ETag"]}
                      ).status_code == 304

    with app.test_request_context():
        services.unpublish(session, item, by=None)
    session.commit()
    gone = client.get("/news.atom", headers={"If-None-Match": changed.headers["ETag"]})
    assert gone.status_code == 200 and "Kommande nyhet" not in titles(gone)


def test_each_language_has_its_own_etag(client, make_news):
    make_news()
    assert client.get("/news.atom").headers["ETag"] != \
        client.get("/news.atom?lang=en").headers["ETag"]


def test_the_feed_costs_a_fixed_number_of_queries(client, make_news, add_document,
                                                  new_meeting, count_queries):
    from forum.calendars import feeds

    meeting = new_meeting()

    def cost() -> tuple[int, int]:
        feeds.built_feeds.clear()
        with count_queries() as built:
            assert client.get("/news.atom").status_code == 200
        with count_queries() as again:
            assert client.get("/news.atom").status_code == 200
        return built.count, again.count

    make_news()
    add_document(meeting)
    few = cost()
    for n in range(15):
        make_news(title_sv=f"Nyhet {n}")
        add_document(meeting, title=f"Dokument {n}")
    assert cost() == few
    # Answering an unchanged feed: its fingerprint and its Last-Modified, nothing more.
    assert few[1] <= 2
