"""Personal feed tokens, and what each feed last looked like (for Last-Modified)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.accounts.models import Account
from forum.db import Base, UTCDateTime
from forum.timeutil import utcnow


class CalendarToken(Base):
    """The secret in a personal feed's address. Only its SHA-256 is stored; a new one
    revokes the old; calendar clients cannot log in, so the token is the only key."""

    __tablename__ = "calendar_tokens"
    __table_args__ = (Index("ix_calendar_tokens_account", "account_id", "revoked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When a calendar last fetched the feed (written at most once an hour).
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    account: Mapped[Account] = relationship()


class FeedState(Base):
    """The fingerprint of a feed's content when it last changed, so that Last-Modified moves
    exactly when the content does, including changes no meeting row records (a nomination
    ended, a theme renamed)."""

    __tablename__ = "calendar_feed_states"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
