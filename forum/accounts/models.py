"""Accounts and their one-time tokens."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.db import Base, UTCDateTime
from forum.roster.models import Person, Region, _enum
from forum.timeutil import utcnow


class Account(Base):
    """A person's login. Staff roles live here; what a member or guest sees follows from
    their nominations and invitations, not from a role."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), unique=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_secretariat: Mapped[bool] = mapped_column(Boolean, default=False)
    # A region's contact proposes its nominations and answers its surveys.
    contact_region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    language: Mapped[str] = mapped_column(String(5), default="sv")
    notify_by_email: Mapped[bool] = mapped_column(Boolean, default=True)
    # Material notices: one e-mail per distribution, or one daily digest of them.
    material_digest: Mapped[bool] = mapped_column(Boolean, default=False)
    # Bumped when the password changes or the account is deactivated: every session and
    # remember-me cookie made before then stops working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    person: Mapped[Person] = relationship()
    contact_region: Mapped[Region | None] = relationship()

    # Flask-Login's protocol.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}.{self.session_version}"

    @property
    def can_log_in(self) -> bool:
        return self.is_active and self.password_hash is not None

    @property
    def role_names(self) -> list[str]:
        names = []
        if self.is_admin:
            names.append("admin")
        if self.is_secretariat:
            names.append("secretariat")
        if self.contact_region_id is not None:
            names.append("region_contact")
        return names


class TokenPurpose(enum.Enum):
    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"


class AccountToken(Base):
    """A one-time link: only its SHA-256 is stored, it expires, and it is used once."""

    __tablename__ = "account_tokens"
    __table_args__ = (Index("ix_account_tokens_account_purpose", "account_id", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    purpose: Mapped[TokenPurpose] = mapped_column(_enum(TokenPurpose, "token_purpose"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    account: Mapped[Account] = relationship()
