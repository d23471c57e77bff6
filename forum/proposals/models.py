"""A region's proposal for one of its seats, waiting for the secretariat's decision."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.accounts.models import Account
from forum.db import Base, UTCDateTime
from forum.roster.models import Body, Nomination, Person, Region, Seat, _enum
from forum.timeutil import utcnow


class ProposalStatus(enum.Enum):
    PENDING = "pending"
    APPROVED = "approved"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"


class NominationProposal(Base):
    __tablename__ = "nomination_proposals"
    __table_args__ = (
        ForeignKeyConstraint(
            ["seat_id", "body_id"],
            ["seats.id", "seats.body_id"],
            name="fk_nomination_proposals_seat_id_body_seats",
        ),
        Index("ix_nomination_proposals_status", "status", "proposed_at"),
        CheckConstraint(
            "person_id IS NOT NULL OR (new_given_name <> '' AND new_family_name <> '')",
            name="names_a_person",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"))
    seat_id: Mapped[int] = mapped_column(Integer)
    # An existing person on the roster, or the details of a new one.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    new_given_name: Mapped[str] = mapped_column(String(100), default="")
    new_family_name: Mapped[str] = mapped_column(String(100), default="")
    new_email: Mapped[str] = mapped_column(String(254), default="")
    new_title: Mapped[str] = mapped_column(String(200), default="")
    party: Mapped[str] = mapped_column(String(60), default="")
    start_date: Mapped[date] = mapped_column(Date)
    # The region's decision: a reference (e.g. "RS 2026-11-12 § 143") and/or a PDF.
    decision_reference: Mapped[str] = mapped_column(String(300), default="")
    decision_file: Mapped[str | None] = mapped_column(String(100))
    decision_filename: Mapped[str] = mapped_column(String(255), default="")
    decision_size: Mapped[int | None]
    decision_sha256: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")

    status: Mapped[ProposalStatus] = mapped_column(
        _enum(ProposalStatus, "proposal_status"), default=ProposalStatus.PENDING
    )
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str] = mapped_column(Text, default="")
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nominations.id"))

    region: Mapped[Region] = relationship()
    body: Mapped[Body] = relationship()
    seat: Mapped[Seat] = relationship(
        primaryjoin="NominationProposal.seat_id == Seat.id",
        foreign_keys=[seat_id],
        viewonly=True,
    )
    person: Mapped[Person | None] = relationship()
    proposed_by: Mapped[Account] = relationship(foreign_keys=[proposed_by_id])
    decided_by: Mapped[Account | None] = relationship(foreign_keys=[decided_by_id])
    nomination: Mapped[Nomination | None] = relationship()

    @property
    def person_name(self) -> str:
        if self.person is not None:
            return self.person.name
        return f"{self.new_given_name} {self.new_family_name}"
