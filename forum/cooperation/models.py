"""Cooperation entries: the Swedish regions involved, the other parties (with a country for
foreign ones), themes and free areas, dates, funders, contact, visibility and status.

An entry is an official record once made: it is changed, returned or approved, never
deleted; every change is audited.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.accounts.models import Account
from forum.db import Base, UTCDateTime
from forum.roster.models import Region, _enum
from forum.strategy.models import Theme
from forum.timeutil import utcnow


class CooperationKind(enum.Enum):
    PARTNERSHIP = "partnership"  # a partnership or a twin-region agreement
    NETWORK = "network"  # a membership of a network
    EU_PROJECT = "eu_project"
    VISIT = "visit"  # a delegation or a visit
    OTHER = "other"


class CooperationStatus(enum.Enum):
    PROPOSED = "proposed"  # by a region's contact, waiting for the secretariat
    APPROVED = "approved"
    RETURNED = "returned"  # to the proposer, with a reason; they edit and send it again


class CooperationVisibility(enum.Enum):
    PUBLIC = "public"
    INTERNAL = "internal"  # the secretariat (and the proposing region) only


class PartyKind(enum.Enum):
    SWEDISH_REGION = "swedish_region"
    FOREIGN_REGION = "foreign_region"
    FOREIGN_CITY = "foreign_city"
    AGENCY = "agency"
    NETWORK = "network"
    ORGANISATION = "organisation"  # an organisation or a company

    @property
    def is_foreign(self) -> bool:
        return self in (PartyKind.FOREIGN_REGION, PartyKind.FOREIGN_CITY)


class FunderRole(enum.Enum):
    FUNDER = "funder"
    CO_FINANCER = "co_financer"


cooperation_regions = Table(
    "cooperation_regions",
    Base.metadata,
    Column("cooperation_id", ForeignKey("cooperations.id", ondelete="CASCADE"),
           primary_key=True),
    Column("region_id", ForeignKey("regions.id"), primary_key=True, index=True),
)

cooperation_themes = Table(
    "cooperation_themes",
    Base.metadata,
    Column("cooperation_id", ForeignKey("cooperations.id", ondelete="CASCADE"),
           primary_key=True),
    Column("theme_id", ForeignKey("themes.id"), primary_key=True, index=True),
)

cooperation_entry_areas = Table(
    "cooperation_entry_areas",
    Base.metadata,
    Column("cooperation_id", ForeignKey("cooperations.id", ondelete="CASCADE"),
           primary_key=True),
    Column("area_id", ForeignKey("cooperation_areas.id"), primary_key=True, index=True),
)


class CooperationArea(Base):
    """A free area of cooperation beside the strategy's themes, e.g. climate and energy.
    The migration brings the first six; the secretariat adds more."""

    __tablename__ = "cooperation_areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name_sv: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))


class Cooperation(Base):
    __tablename__ = "cooperations"
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="ends_after_start"),
        Index("ix_cooperations_status_visibility", "status", "visibility"),
        Index("ix_cooperations_dates", "start_date", "end_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[CooperationKind] = mapped_column(_enum(CooperationKind, "cooperation_kind"))
    status: Mapped[CooperationStatus] = mapped_column(
        _enum(CooperationStatus, "cooperation_status"), default=CooperationStatus.PROPOSED
    )
    visibility: Mapped[CooperationVisibility] = mapped_column(
        _enum(CooperationVisibility, "cooperation_visibility"),
        default=CooperationVisibility.PUBLIC,
    )
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    agreement_date: Mapped[date | None] = mapped_column(Date)
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    website: Mapped[str] = mapped_column(String(500), default="")

    # The region whose contact proposed the entry; its contacts may see and edit it until
    # it is approved. None for entries the secretariat made.
    proposing_region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"),
                                                            index=True)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    proposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    return_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    regions: Mapped[list[Region]] = relationship(secondary=cooperation_regions,
                                                 order_by="Region.code")
    parties: Mapped[list[CooperationParty]] = relationship(
        back_populates="cooperation", order_by="CooperationParty.position",
        cascade="all, delete-orphan",
    )
    themes: Mapped[list[Theme]] = relationship(
        secondary=cooperation_themes, order_by=[Theme.period_id, Theme.position]
    )
    areas: Mapped[list[CooperationArea]] = relationship(
        secondary=cooperation_entry_areas, order_by="CooperationArea.position"
    )
    funders: Mapped[list[CooperationFunder]] = relationship(
        back_populates="cooperation", order_by="CooperationFunder.position",
        cascade="all, delete-orphan",
    )
    proposing_region: Mapped[Region | None] = relationship(foreign_keys=[proposing_region_id])
    proposed_by: Mapped[Account | None] = relationship(foreign_keys=[proposed_by_id])
    decided_by: Mapped[Account | None] = relationship(foreign_keys=[decided_by_id])
    created_by: Mapped[Account | None] = relationship(foreign_keys=[created_by_id])

    @property
    def is_approved(self) -> bool:
        return self.status is CooperationStatus.APPROVED

    @property
    def is_public(self) -> bool:
        return self.visibility is CooperationVisibility.PUBLIC

    def active_on(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)

    def funders_in(self, role: FunderRole) -> list[CooperationFunder]:
        return [f for f in self.funders if f.role is role]


class CooperationParty(Base):
    """Another party to an entry: a Swedish region (one of the 21), a foreign region or city
    with its country, an agency, a network, an organisation or company."""

    __tablename__ = "cooperation_parties"
    __table_args__ = (
        CheckConstraint("kind <> 'swedish_region' OR region_id IS NOT NULL",
                        name="swedish_region_chosen"),
        CheckConstraint("kind NOT IN ('foreign_region', 'foreign_city') OR country IS NOT NULL",
                        name="foreign_party_has_country"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperation_id: Mapped[int] = mapped_column(
        ForeignKey("cooperations.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[PartyKind] = mapped_column(_enum(PartyKind, "cooperation_party_kind"))
    name: Mapped[str] = mapped_column(String(200), default="")
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    # ISO 3166-1 alpha-2, e.g. CN; names come from CLDR in the reader's language.
    country: Mapped[str | None] = mapped_column(String(2), index=True)

    cooperation: Mapped[Cooperation] = relationship(back_populates="parties")
    region: Mapped[Region | None] = relationship()

    @property
    def label(self) -> str:
        return self.region.name if self.region is not None else self.name


class CooperationFunder(Base):
    """Who pays: a funder or a co-financer, by name (e.g. Länsstyrelsen Kronoberg)."""

    __tablename__ = "cooperation_funders"

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperation_id: Mapped[int] = mapped_column(
        ForeignKey("cooperations.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    role: Mapped[FunderRole] = mapped_column(_enum(FunderRole, "cooperation_funder_role"))
    name: Mapped[str] = mapped_column(String(200))

    cooperation: Mapped[Cooperation] = relationship(back_populates="funders")
