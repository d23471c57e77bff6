"""Roster models, after Popolo: Person, Organisation, Body with Seats (posts), Nomination."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Enum,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    literal_column,
    true,
)
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.db import Base, UTCDateTime
from forum.timeutil import utcnow

if TYPE_CHECKING:
    from forum.strategy.models import Theme


def _enum(kind: type[enum.Enum], name: str) -> Enum:
    # Stored as plain strings with a CHECK, so that both databases read the same.
    return Enum(
        kind,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda members: [m.value for m in members],
    )


class OrganisationKind(enum.Enum):
    REGION = "region"
    AGENCY = "agency"
    MINISTRY = "ministry"
    ASSOCIATION = "association"
    OTHER = "other"


class BodyKind(enum.Enum):
    FORUM = "forum"
    WORKING_GROUP = "working_group"
    NETWORK = "network"


class Side(enum.Enum):
    MAJORITY = "majority"
    OPPOSITION = "opposition"
    NONE = "none"


class Region(Base):
    """One of the 21 Swedish regions, known by its county code."""

    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(2), unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    county_name: Mapped[str] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(Text, default="")

    organisations: Mapped[list[Organisation]] = relationship(back_populates="region")


class Organisation(Base):
    """A region's own organisation, a state agency, a ministry, an association such as SKR."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str] = mapped_column(String(40), default="")
    kind: Mapped[OrganisationKind] = mapped_column(_enum(OrganisationKind, "organisation_kind"))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    website: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow
    )

    region: Mapped[Region | None] = relationship(back_populates="organisations")
    people: Mapped[list[Person]] = relationship(back_populates="organisation")


class Person(Base):
    """Anyone the forum deals with; on the roster whether or not they ever log in."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id"), index=True
    )
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    phone: Mapped[str] = mapped_column(String(40), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow
    )

    organisation: Mapped[Organisation | None] = relationship(back_populates="people")
    nominations: Mapped[list[Nomination]] = relationship(
        back_populates="person", order_by="Nomination.start_date.desc()"
    )

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def sort_name(self) -> str:
        return f"{self.family_name}, {self.given_name}"


# A working group's or network's themes: the strategy's themes it works on.
body_themes = Table(
    "body_themes",
    Base.metadata,
    Column("body_id", ForeignKey("bodies.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id"), primary_key=True, index=True),
)


class Body(Base):
    """A body of the forum: the politicians' forum, the officials' forum, and the working
    groups and networks the secretariat coordinates with the forum's work.

    The forum's bodies have seats each region fills; a working group's or network's seats
    (chair, member) are filled by people from regions, agencies and other organisations,
    without a quota per region. Both meet and have material the same way.
    """

    __tablename__ = "bodies"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    kind: Mapped[BodyKind] = mapped_column(_enum(BodyKind, "body_kind"))
    position: Mapped[int] = mapped_column(default=0)
    name_sv: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    description_sv: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    # A group's own contact address and when it was set up and wound up (a wound-up
    # group keeps its page, members' history, meetings and reports).
    email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    established_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)

    seats: Mapped[list[Seat]] = relationship(
        back_populates="body", order_by="Seat.position", cascade="all, delete-orphan"
    )
    themes: Mapped[list[Theme]] = relationship(secondary=body_themes, order_by="Theme.id")

    @property
    def is_forum(self) -> bool:
        return self.kind is BodyKind.FORUM

    def is_active(self, on: date) -> bool:
        return (self.established_on is None or self.established_on <= on) and (
            self.closed_on is None or on <= self.closed_on
        )


class Seat(Base):
    """A post in a body that each region fills: its label, how many holders, which side.

    The seat rules are data: another forum has other seats and other numbers.
    """

    __tablename__ = "seats"
    __table_args__ = (
        UniqueConstraint("body_id", "slug"),
        # Lets nominations prove with a foreign key that their seat belongs to their body.
        UniqueConstraint("id", "body_id"),
        CheckConstraint("holders_per_region >= 1", name="holders_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"), index=True)
    slug: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(default=0)
    label_sv: Mapped[str] = mapped_column(String(200))
    label_en: Mapped[str] = mapped_column(String(200))
    holders_per_region: Mapped[int] = mapped_column(default=1)
    side: Mapped[Side] = mapped_column(_enum(Side, "seat_side"), default=Side.NONE)
    # True: every region fills the seat (holders_per_region places each). False: a working
    # group's seat, filled by anyone, region or not, with holders_per_region places in all.
    per_region: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    body: Mapped[Body] = relationship(back_populates="seats")

    @property
    def is_political(self) -> bool:
        """Political seats belong to the majority or the opposition and carry a party."""
        return self.side is not Side.NONE


class Nomination(Base):
    """A person holding a region's seat in a body from a start date to an optional end date.

    End dates are inclusive: the last day in office. A nomination is never rewritten; it
    is ended, and a replacement starts the day after.
    """

    __tablename__ = "nominations"
    __table_args__ = (
        ForeignKeyConstraint(
            ["seat_id", "body_id"],
            ["seats.id", "seats.body_id"],
            name="fk_nominations_seat_id_body_seats",
        ),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="ends_after_start"),
        CheckConstraint("slot >= 1", name="slot_positive"),
        Index("ix_nominations_region_seat", "region_id", "seat_id", "start_date"),
        Index("ix_nominations_person_body", "person_id", "body_id"),
        # PostgreSQL holds both rules against concurrent writers; SQLite does it with
        # triggers made in the migration (SQLite serialises writers anyway).
        ExcludeConstraint(
            (literal_column("region_id"), "="),
            (literal_column("seat_id"), "="),
            (literal_column("slot"), "="),
            (func.daterange(literal_column("start_date"), literal_column("end_date"), "[]"), "&&"),
            name="ex_nominations_seat_slot_overlap",
            using="gist",
        ).ddl_if(dialect="postgresql"),
        ExcludeConstraint(
            (literal_column("person_id"), "="),
            (literal_column("body_id"), "="),
            (func.daterange(literal_column("start_date"), literal_column("end_date"), "[]"), "&&"),
            name="ex_nominations_person_body_overlap",
            using="gist",
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"), index=True)
    seat_id: Mapped[int] = mapped_column()
    # The region whose seat this is; a working group's member may come from no region.
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    # Which of the seat's holders_per_region places this nomination fills.
    slot: Mapped[int] = mapped_column(default=1)
    party: Mapped[str] = mapped_column(String(60), default="")
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    nominated_by_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    person: Mapped[Person] = relationship(back_populates="nominations")
    body: Mapped[Body] = relationship()
    seat: Mapped[Seat] = relationship(
        primaryjoin="Nomination.seat_id == Seat.id", foreign_keys=[seat_id], viewonly=True
    )
    region: Mapped[Region | None] = relationship()
    nominated_by: Mapped[Organisation | None] = relationship()

    def is_current(self, on: date) -> bool:
        return self.start_date <= on and (self.end_date is None or on <= self.end_date)
