"""News the secretariat writes: a Swedish text, perhaps an English one, and its publication.

A news item is a public record once published: it is unpublished (archived), never deleted,
and who published or unpublished it and when is kept with it and in the audit log.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.accounts.models import Account
from forum.db import Base, UTCDateTime
from forum.meetings.models import Meeting
from forum.roster.models import Body, _enum
from forum.strategy.models import Theme
from forum.timeutil import utcnow


class NewsStatus(enum.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"
    # Unpublished after having been public: kept, shown to the secretariat only.
    ARCHIVED = "archived"


class NewsItem(Base):
    __tablename__ = "news_items"
    __table_args__ = (
        CheckConstraint("status <> 'published' OR published_at IS NOT NULL",
                        name="published_has_date"),
        # The public list, the start page, the feed and the sitemap: published, newest first.
        Index("ix_news_items_status_published", "status", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title_sv: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300), default="")
    # The lead: plain text, shown in lists, as the page's description and in the feed.
    summary_sv: Mapped[str] = mapped_column(Text, default="")
    summary_en: Mapped[str] = mapped_column(Text, default="")
    # Markdown, rendered by forum/news/markdown.py.
    body_sv: Mapped[str] = mapped_column(Text, default="")
    body_en: Mapped[str] = mapped_column(Text, default="")
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), index=True)
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id"), index=True)
    body_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id"), index=True)
    status: Mapped[NewsStatus] = mapped_column(_enum(NewsStatus, "news_status"),
                                               default=NewsStatus.DRAFT)
    # The first publication: a news item taken down and put back keeps its date.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    archived_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    # Any change a reader would notice: the text, its links, publishing, unpublishing.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    meeting: Mapped[Meeting | None] = relationship()
    theme: Mapped[Theme | None] = relationship()
    body: Mapped[Body | None] = relationship()
    published_by: Mapped[Account | None] = relationship(foreign_keys=[published_by_id])
    archived_by: Mapped[Account | None] = relationship(foreign_keys=[archived_by_id])
    created_by: Mapped[Account | None] = relationship(foreign_keys=[created_by_id])

    @property
    def is_published(self) -> bool:
        return self.status is NewsStatus.PUBLISHED

    @property
    def has_english(self) -> bool:
        return bool(self.title_en and self.body_en)
