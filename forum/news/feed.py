"""The Atom feed (RFC 4287) of published news and public documents, newest first.

Built with the standard library's ElementTree rather than a template or a feed library: the
serialiser escapes every text and attribute, so nothing is escaped by hand, and each title,
summary and content element can carry its own xml:lang, which an English feed needs for the
news written only in Swedish (feedgen sets a language for the whole feed only). What XML 1.0
cannot carry at all (control characters) is left out before serialising.

Only documents that the public may read (forum/material/access.py's PUBLIC_READER) are read
from the database: a restricted or withdrawn document's title never reaches the feed.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale, gettext
from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from forum.material.access import PUBLIC_READER
from forum.material.models import Document
from forum.news.models import NewsItem, NewsStatus
from forum.news.queries import shown
from forum.urls import external_url

ATOM = "http://www.w3.org/2005/Atom"
# The xml: prefix is bound in every XML document; the feed's own elements are unprefixed in
# the Atom namespace declared on the root.
XML_LANG = "xml:lang"
XML_BASE = "xml:base"
# Raise when what the feed holds or how it is written changes: every ETag changes with it.
FORMAT = "1"
SIZE = 30
# The forum was set up in July 2015: the date in the feed's tag: URIs (RFC 4151).
TAG_DATE = "2015-07-01"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite's aggregates (max) come back without the column's type: naive, in UTC.
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def _digest(parts: Iterable[object]) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(repr(part).encode())
        h.update(b"\x1f")
    return h.hexdigest()


def xml_text(value: str) -> str:
    """The text without the characters XML 1.0 cannot hold."""
    return _NOT_XML.sub("", value or "")


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    title_lang: str
    link: str
    published: datetime
    updated: datetime
    category: str
    category_label: str
    summary: str = ""
    summary_lang: str = ""
    content_html: str = ""
    content_lang: str = ""


@dataclass(frozen=True)
class Feed:
    id: str
    title: str
    subtitle: str
    language: str
    base: str
    self_link: str
    page_link: str
    author: str
    updated: datetime
    entries: list[Entry] = field(default_factory=list)


def _stamp(moment: datetime) -> str:
    return _aware(moment).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")  # type: ignore[union-attr]


def _add(parent: ET.Element, tag: str, text: str | None = None, lang: str = "",
         **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag,
                            {k: xml_text(v) for k, v in attributes.items()})
    if text is not None:
        element.text = xml_text(text)
    if lang:
        element.set(XML_LANG, lang)
    return element


def atom(feed: Feed) -> bytes:
    """The feed as Atom 1.0 XML, UTF-8."""
    root = ET.Element("feed", {"xmlns": ATOM, XML_LANG: feed.language, XML_BASE: feed.base})
    _add(root, "id", feed.id)
    _add(root, "title", feed.title)
    _add(root, "subtitle", feed.subtitle)
    _add(root, "updated", _stamp(feed.updated))
    _add(root, "link", rel="self", type="application/atom+xml", href=feed.self_link)
    _add(root, "link", rel="alternate", type="text/html", href=feed.page_link)
    author = _add(root, "author")
    _add(author, "name", feed.author)
    for entry in feed.entries:
        element = _add(root, "entry")
        _add(element, "id", entry.id)
        _add(element, "title", entry.title, lang=entry.title_lang, type="text")
        _add(element, "link", rel="alternate", type="text/html", href=entry.link)
        _add(element, "published", _stamp(entry.published))
        _add(element, "updated", _stamp(entry.updated))
        _add(element, "category", term=entry.category, label=entry.category_label)
        if entry.summary:
            _add(element, "summary", entry.summary, lang=entry.summary_lang, type="text")
        if entry.content_html:
            # type="html": the HTML as text, which the serialiser escapes once.
            _add(element, "content", entry.content_html, lang=entry.content_lang, type="html")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


# --- what the feed holds ------------------------------------------------------------------


def _authority() -> str:
    return urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"


def tag_uri(kind: str, ident: int | str) -> str:
    """An id that stays the same for as long as the thing does, whatever changes in it."""
    return f"tag:{_authority()},{TAG_DATE}:{kind}/{ident}"


_NEWS = (select(NewsItem).where(NewsItem.status == NewsStatus.PUBLISHED)
         .order_by(NewsItem.published_at.desc(), NewsItem.id.desc()).limit(SIZE))
_DOCUMENTS = (select(Document).where(PUBLIC_READER.condition())
              .order_by(Document.updated_at.desc(), Document.id.desc()).limit(SIZE))
_STATE = (
    select(literal("news"), func.count(NewsItem.id), func.max(NewsItem.updated_at),
           func.sum(NewsItem.id))
    .where(NewsItem.status == NewsStatus.PUBLISHED)
    .union_all(
        select(literal("documents"), func.count(Document.id), func.max(Document.updated_at),
               func.sum(Document.id))
        .where(PUBLIC_READER.condition())
    )
)


def fingerprint(session: Session, language: str) -> str:
    """What the feed would hold, in one small query: the strong ETag."""
    state = sorted((kind, count, _aware(last), total)
                   for kind, count, last, total in session.execute(_STATE))
    return _digest([FORMAT, language, current_app.config["BASE_URL"], state])


def _news_entry(item: NewsItem, language: str) -> Entry:
    text = shown(item, language)
    return Entry(
        id=tag_uri("news", item.id), title=text.title.value, title_lang=text.title.lang,
        link=external_url("news.item", news_id=item.id),
        published=item.published_at or item.created_at, updated=item.updated_at,
        category="news", category_label=gettext("News"),
        summary=text.summary.value, summary_lang=text.summary.lang,
        content_html=str(text.html), content_lang=text.body.lang,
    )


def _document_entry(document: Document) -> Entry:
    lang = document.language if document.language in ("sv", "en") else ""
    return Entry(
        id=tag_uri("document", document.id), title=document.title, title_lang=lang,
        link=external_url("material.document", document_id=document.id),
        published=document.created_at, updated=document.updated_at,
        category="document", category_label=gettext("Document"),
        summary=document.description, summary_lang=lang,
    )


def build(session: Session, language: str, changed_at: datetime) -> bytes:
    """The feed in the language: the newest news and public documents, merged. An empty
    feed is dated when it last changed."""
    news = session.scalars(_NEWS).all()
    documents = session.scalars(_DOCUMENTS).all()
    with force_locale(language):
        dated = [(item.published_at or item.created_at, _news_entry(item, language))
                 for item in news]
        dated += [(d.updated_at, _document_entry(d)) for d in documents]
        dated.sort(key=lambda pair: (_aware(pair[0]), pair[1].id), reverse=True)
        entries = [entry for _, entry in dated[:SIZE]]
        updated = max((_aware(e.updated) for e in entries), default=changed_at)
        base = current_app.config["BASE_URL"].rstrip("/") + "/"
        feed = Feed(
            id=tag_uri("feed", language), language=language, base=base,
            title=gettext("News from the Forum for sustainable regional development"),
            subtitle=gettext("News from the secretariat and newly published public documents."),
            self_link=external_url("news.feed", **({"lang": language} if language != "sv"
                                                   else {})),
            page_link=external_url("news.index"),
            author=gettext("The forum's secretariat at Tillväxtverket"),
            updated=updated, entries=entries,
        )
    return atom(feed)
