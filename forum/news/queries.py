"""Reads for news: the public list, the start page's latest, one item, and an item in the
reader's language (English where written, else Swedish marked as Swedish)."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from forum.accounts.models import Account
from forum.news.markdown import render
from forum.news.models import NewsItem, NewsStatus

PAGE_SIZE = 20


def _public():
    return select(NewsItem).where(NewsItem.status == NewsStatus.PUBLISHED)


def _newest_first(query):
    return query.order_by(NewsItem.published_at.desc(), NewsItem.id.desc())


def published_page(session: Session, page: int, per_page: int = PAGE_SIZE
                   ) -> tuple[list[NewsItem], int]:
    """One page of published news, newest first, and how many there are: two queries."""
    total = session.scalar(select(func.count(NewsItem.id))
                           .where(NewsItem.status == NewsStatus.PUBLISHED)) or 0
    items = session.scalars(
        _newest_first(_public()).options(joinedload(NewsItem.theme))
        .offset((page - 1) * per_page).limit(per_page)
    ).all()
    return list(items), total


def latest(session: Session, count: int = 3) -> list[NewsItem]:
    return list(session.scalars(
        _newest_first(_public()).options(joinedload(NewsItem.theme)).limit(count)))


def not_published(session: Session, limit: int = 100) -> list[NewsItem]:
    """Drafts and unpublished items, for the secretariat: the latest changed first."""
    return list(session.scalars(
        select(NewsItem).where(NewsItem.status != NewsStatus.PUBLISHED)
        .order_by(NewsItem.updated_at.desc(), NewsItem.id.desc()).limit(limit)
    ))


def item_page(session: Session, news_id: int) -> NewsItem | None:
    """The item with what its page shows: its links, and who published it."""
    return session.scalar(
        select(NewsItem).where(NewsItem.id == news_id)
        .options(joinedload(NewsItem.meeting), joinedload(NewsItem.theme),
                 joinedload(NewsItem.body),
                 joinedload(NewsItem.published_by).joinedload(Account.person),
                 joinedload(NewsItem.archived_by).joinedload(Account.person))
    )


@dataclass(frozen=True)
class Text:
    """A piece of text and the language it is written in."""

    value: str
    lang: str


@dataclass(frozen=True)
class Shown:
    """A news item as one reader reads it."""

    title: Text
    summary: Text
    body: Text

    @property
    def html(self) -> Markup:
        return render(self.body.value)


def shown(item: NewsItem, language: str) -> Shown:
    """The English version to English readers where there is one; the Swedish otherwise,
    marked Swedish so that screen readers pronounce it right."""
    if language == "en" and item.has_english:
        summary = (Text(item.summary_en, "en") if item.summary_en
                   else Text(item.summary_sv, "sv"))
        return Shown(Text(item.title_en, "en"), summary, Text(item.body_en, "en"))
    return Shown(Text(item.title_sv, "sv"), Text(item.summary_sv, "sv"),
                 Text(item.body_sv, "sv"))
