"""Documents, their versions, distributions of a meeting's material, and the download log.

A document is official once it is made (allmän handling): it is withdrawn, never deleted.
Its file versions are kept, each with its date and uploader; the newest is the document's
content. Files are stored by content hash (forum/blobs.py), so two uploads of the same file
share one stored copy.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    case,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.accounts.models import Account
from forum.db import Base, UTCDateTime
from forum.meetings.models import Meeting
from forum.roster.models import Body, _enum
from forum.strategy.models import Theme
from forum.timeutil import utcnow


class DocumentKind(enum.Enum):
    NOTICE = "notice"  # kallelse och dagordning
    BACKGROUND = "background"  # underlag
    PRESENTATION = "presentation"
    MINUTES = "minutes"  # minnesanteckningar
    REPORT = "report"
    OTHER = "other"


class Visibility(enum.Enum):
    PUBLIC = "public"
    # The body's members on the meeting's date and the meeting's invited guests; for a
    # document without a meeting, the body's current members.
    PARTICIPANTS = "participants"
    SECRETARIAT = "secretariat"


document_themes = Table(
    "document_themes",
    Base.metadata,
    Column("document_id", ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id"), primary_key=True, index=True),
)


class Document(Base):
    __tablename__ = "documents"
    __table_args__ = (
        # Who the participants are must be known: a meeting's, or a body's.
        CheckConstraint(
            "visibility <> 'participants' OR meeting_id IS NOT NULL OR body_id IS NOT NULL",
            name="participants_need_meeting_or_body",
        ),
        Index("ix_documents_meeting", "meeting_id", "withdrawn_at"),
        Index("ix_documents_visibility_updated", "visibility", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[DocumentKind] = mapped_column(_enum(DocumentKind, "document_kind"))
    language: Mapped[str] = mapped_column(String(5), default="sv")
    visibility: Mapped[Visibility] = mapped_column(_enum(Visibility, "document_visibility"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    # The working group or forum body a document without a meeting belongs to.
    body_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id"), index=True)
    # A working group's or network's report to the forum: the group that reported it.
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id"), index=True)
    # A document can be a link to somewhere else instead of a file.
    link_url: Mapped[str] = mapped_column(String(1000), default="")
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    # Any change a reader would notice: a new version, a new title, a new visibility.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    meeting: Mapped[Meeting | None] = relationship()
    body: Mapped[Body | None] = relationship(foreign_keys=[body_id])
    reported_by: Mapped[Body | None] = relationship(foreign_keys=[reported_by_id])
    themes: Mapped[list[Theme]] = relationship(secondary=document_themes,
                                               order_by="Theme.position")
    versions: Mapped[list[DocumentVersion]] = relationship(
        back_populates="document", order_by="DocumentVersion.number.desc()",
        cascade="all, delete-orphan",
    )
    created_by: Mapped[Account | None] = relationship()

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def is_link(self) -> bool:
        return bool(self.link_url)

    @property
    def current(self) -> DocumentVersion | None:
        return self.versions[0] if self.versions else None


def in_kind_order():
    """ORDER BY the kinds as declared (the notice and agenda first), not by their stored
    names, which would put background material before the notice."""
    return case(*((Document.kind == kind, position)
                  for position, kind in enumerate(DocumentKind)), else_=len(DocumentKind))


class DocumentVersion(Base):
    __tablename__ = "document_versions"
    __table_args__ = (
        UniqueConstraint("document_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("size >= 0", name="size_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    # The stored file: its SHA-256, which is also its name in the store.
    blob: Mapped[str] = mapped_column(String(64), index=True)
    file_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(Text, default="")
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))

    document: Mapped[Document] = relationship(back_populates="versions")
    uploaded_by: Mapped[Account | None] = relationship()


class DocumentText(Base):
    """What search reads: the document's title, description and the text of its newest
    version, extracted once at upload. PostgreSQL indexes it with its `swedish`
    configuration (a generated tsvector with a GIN index); SQLite with an FTS5 table of
    Snowball-stemmed words (see forum/material/search.py)."""

    __tablename__ = "document_texts"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    title: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")


class Distribution(Base):
    """The secretariat sent a meeting's material to its participants."""

    __tablename__ = "distributions"
    __table_args__ = (Index("ix_distributions_meeting", "meeting_id", "distributed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    distributed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    distributed_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    message: Mapped[str] = mapped_column(Text, default="")
    recipients: Mapped[int] = mapped_column(Integer, default=0)

    items: Mapped[list[DistributionItem]] = relationship(
        back_populates="distribution", cascade="all, delete-orphan"
    )
    distributed_by: Mapped[Account | None] = relationship()


class DistributionItem(Base):
    """One document in a distribution, at the version that was sent (none for a link)."""

    __tablename__ = "distribution_items"
    __table_args__ = (UniqueConstraint("distribution_id", "document_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    distribution_id: Mapped[int] = mapped_column(ForeignKey("distributions.id"))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    version_id: Mapped[int | None] = mapped_column(ForeignKey("document_versions.id"))
    # "new" or "changed" since the previous distribution.
    change: Mapped[str] = mapped_column(String(10))

    distribution: Mapped[Distribution] = relationship(back_populates="items")
    document: Mapped[Document] = relationship()
    version: Mapped[DocumentVersion | None] = relationship()


class MaterialNotice(Base):
    """A distribution waiting for a member's daily digest (members who chose one)."""

    __tablename__ = "material_notices"
    __table_args__ = (
        UniqueConstraint("person_id", "distribution_id"),
        Index("ix_material_notices_pending", "sent_at", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    distribution_id: Mapped[int] = mapped_column(ForeignKey("distributions.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    distribution: Mapped[Distribution] = relationship()


class Download(Base):
    """Who downloaded which version when, for the secretariat (anonymous: no account)."""

    __tablename__ = "downloads"
    __table_args__ = (Index("ix_downloads_document", "document_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    version_id: Mapped[int | None] = mapped_column(ForeignKey("document_versions.id"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # "file", "pack" (the meeting's ZIP) or "link"
    via: Mapped[str] = mapped_column(String(10), default="file")

    account: Mapped[Account | None] = relationship()

