"""Changes to news: writing, changing, publishing and unpublishing. Each flushes, audits and
raises NewsError with the field to show the message beside; none commits.

The rules: a Swedish title, lead and text; an English version is a title and a text together
(its lead may fall back to the Swedish one); links go to things that exist. A published item
is unpublished (archived), never deleted: it was a public record.
"""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy.orm import Session

from forum.audit.services import record, snapshot
from forum.meetings.models import Meeting
from forum.news.models import NewsItem, NewsStatus
from forum.roster.models import Body
from forum.strategy.models import Theme
from forum.timeutil import utcnow

AUDITED = ("title_sv", "title_en", "summary_sv", "summary_en", "body_sv", "body_en",
           "meeting_id", "theme_id", "body_id")
TEXTS = ("title_sv", "title_en", "summary_sv", "summary_en", "body_sv", "body_en")


class NewsError(Exception):
    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def _check(session: Session, fields: dict) -> dict:
    cleaned = dict(fields)
    for name in TEXTS:
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
    if not cleaned.get("title_sv"):
        raise NewsError("title_sv", gettext("Give the news item a title in Swedish."))
    if not cleaned.get("summary_sv"):
        raise NewsError("summary_sv", gettext("Write a short lead in Swedish."))
    if not cleaned.get("body_sv"):
        raise NewsError("body_sv", gettext("Write the text in Swedish."))
    if cleaned.get("body_en") and not cleaned.get("title_en"):
        raise NewsError("title_en", gettext("An English version needs an English title."))
    if (cleaned.get("title_en") or cleaned.get("summary_en")) and not cleaned.get("body_en"):
        raise NewsError("body_en", gettext("An English version needs an English text."))
    for name, model, message in (
        ("meeting_id", Meeting, gettext("Choose a meeting from the list.")),
        ("theme_id", Theme, gettext("Choose a theme from the list.")),
        ("body_id", Body, gettext("Choose a body from the list.")),
    ):
        value = cleaned.get(name)
        if value is not None and session.get(model, value) is None:
            raise NewsError(name, message)
    return cleaned


def create(session: Session, *, by, title_sv: str, summary_sv: str, body_sv: str,
           title_en: str = "", summary_en: str = "", body_en: str = "",
           meeting_id: int | None = None, theme_id: int | None = None,
           body_id: int | None = None) -> NewsItem:
    """A new news item, as a draft."""
    fields = _check(session, {
        "title_sv": title_sv, "summary_sv": summary_sv, "body_sv": body_sv,
        "title_en": title_en, "summary_en": summary_en, "body_en": body_en,
        "meeting_id": meeting_id, "theme_id": theme_id, "body_id": body_id,
    })
    item = NewsItem(**fields, status=NewsStatus.DRAFT, created_by_id=by.id if by else None)
    session.add(item)
    session.flush()
    record(session, "news_created", target=item, summary=item.title_sv[:200],
           after=snapshot(item, *AUDITED))
    return item


def update(session: Session, item: NewsItem, **fields) -> bool:
    """Change the text or the links; whether anything changed."""
    merged = {name: getattr(item, name) for name in AUDITED} | fields
    cleaned = _check(session, merged)
    before = snapshot(item, *AUDITED)
    for name, value in cleaned.items():
        setattr(item, name, value)
    after = snapshot(item, *AUDITED)
    if after == before:
        return False
    item.updated_at = utcnow()
    session.flush()
    changed = {k for k in AUDITED if before[k] != after[k]}
    record(session, "news_changed", target=item, summary=item.title_sv[:200],
           before={k: before[k] for k in sorted(changed)},
           after={k: after[k] for k in sorted(changed)})
    return True


def publish(session: Session, item: NewsItem, *, by) -> None:
    """Make the item public: on the news list, the start page, the feed and the sitemap."""
    if item.status is NewsStatus.PUBLISHED:
        raise NewsError(None, gettext("The news item is already published."))
    _check(session, {name: getattr(item, name) for name in AUDITED})
    now = utcnow()
    republished = item.published_at is not None
    if not republished:
        item.published_at = now
        item.published_by_id = by.id if by else None
    item.status = NewsStatus.PUBLISHED
    item.archived_at = None
    item.archived_by_id = None
    item.updated_at = now
    session.flush()
    record(session, "news_republished" if republished else "news_published", target=item,
           summary=item.title_sv[:200])


def unpublish(session: Session, item: NewsItem, *, by) -> None:
    """Take a published item down. It is kept, with who took it down and when."""
    if item.status is not NewsStatus.PUBLISHED:
        raise NewsError(None, gettext("The news item is not published."))
    now = utcnow()
    item.status = NewsStatus.ARCHIVED
    item.archived_at = now
    item.archived_by_id = by.id if by else None
    item.updated_at = now
    session.flush()
    record(session, "news_unpublished", target=item, summary=item.title_sv[:200])
