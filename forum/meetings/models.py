"""Meetings and what belongs to them; blackout periods and the planner's settings."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime, time

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.db import Base, UTCDateTime
from forum.roster.models import Body, Person, Region, _enum
from forum.strategy.models import Theme
from forum.timeutil import utcnow


class MeetingStatus(enum.Enum):
    PLANNED = "planned"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    HELD = "held"


class Meeting(Base):
    """One meeting of a body on one theme. Moving or cancelling keeps its identity (uid)
    and raises its revision; a cancelled meeting is marked, never deleted."""

    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint("end_at > start_at", name="ends_after_start"),
        CheckConstraint("revision >= 0", name="revision_positive"),
        Index("ix_meetings_body_start", "body_id", "start_at"),
        Index("ix_meetings_start", "start_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Globally unique and never changed: calendar clients follow a meeting by it.
    uid: Mapped[str] = mapped_column(String(80), unique=True, default=lambda: str(uuid.uuid4()))
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"))
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime())
    end_at: Mapped[datetime] = mapped_column(UTCDateTime())
    venue: Mapped[str] = mapped_column(String(300), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    host_region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    online_url: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[MeetingStatus] = mapped_column(
        _enum(MeetingStatus, "meeting_status"), default=MeetingStatus.PLANNED
    )
    description: Mapped[str] = mapped_column(Text, default="")
    revision: Mapped[int] = mapped_column(Integer, default=0)
    # An officials' meeting prepares the politicians' meeting on the same theme.
    prepares_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), index=True)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    # The day the material should have gone out by; unset: the planner settings' number of
    # days before the meeting (see forum/material/distribution.py).
    material_deadline: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow
    )

    body: Mapped[Body] = relationship()
    theme: Mapped[Theme | None] = relationship()
    host_region: Mapped[Region | None] = relationship()
    prepares: Mapped[Meeting | None] = relationship(
        remote_side="Meeting.id", foreign_keys=[prepares_id], back_populates="prepared_by"
    )
    prepared_by: Mapped[list[Meeting]] = relationship(
        back_populates="prepares", foreign_keys=[prepares_id]
    )
    agenda: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", order_by="AgendaItem.position", cascade="all, delete-orphan"
    )
    guests: Mapped[list[MeetingGuest]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )
    answers: Mapped[list[MeetingAnswer]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )
    attendance: Mapped[list[Attendance]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )
    minutes: Mapped[Minutes | None] = relationship(back_populates="meeting", uselist=False)

    @property
    def is_cancelled(self) -> bool:
        return self.status is MeetingStatus.CANCELLED


class AgendaItem(Base):
    __tablename__ = "agenda_items"
    __table_args__ = (UniqueConstraint("meeting_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    presenter: Mapped[str] = mapped_column(String(200), default="")
    starts_at: Mapped[time | None] = mapped_column(Time)

    meeting: Mapped[Meeting] = relationship(back_populates="agenda")


class MeetingGuest(Base):
    """Someone invited to one meeting who is not a member of its body (agencies, ministries)."""

    __tablename__ = "meeting_guests"
    __table_args__ = (UniqueConstraint("meeting_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="guests")
    person: Mapped[Person] = relationship()


class Answer(enum.Enum):
    ATTENDING = "attending"
    DECLINED = "declined"
    SUBSTITUTE = "substitute"


class MeetingAnswer(Base):
    """A participant's answer to the invitation; a substitute attends on their behalf."""

    __tablename__ = "meeting_answers"
    __table_args__ = (UniqueConstraint("meeting_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    answer: Mapped[Answer] = mapped_column(_enum(Answer, "meeting_answer"))
    substitute_name: Mapped[str] = mapped_column(String(200), default="")
    substitute_email: Mapped[str] = mapped_column(String(254), default="")
    answered_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow
    )

    meeting: Mapped[Meeting] = relationship(back_populates="answers")
    person: Mapped[Person] = relationship()


class Presence(enum.Enum):
    PRESENT = "present"
    ABSENT = "absent"
    EXCUSED = "excused"


class AttendanceRole(enum.Enum):
    MEMBER = "member"
    SUBSTITUTE = "substitute"
    GUEST = "guest"


class Attendance(Base):
    """Who was there, recorded after the meeting."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "person_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    # The member (or guest) the row is about; a substitute's row names the member they
    # stood in for and carries the substitute's own name.
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    role: Mapped[AttendanceRole] = mapped_column(_enum(AttendanceRole, "attendance_role"))
    presence: Mapped[Presence] = mapped_column(_enum(Presence, "presence"))
    substitute_name: Mapped[str] = mapped_column(String(200), default="")
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    # For politicians: majority or opposition, from the nomination on the meeting's date.
    side: Mapped[str] = mapped_column(String(20), default="")

    meeting: Mapped[Meeting] = relationship(back_populates="attendance")
    person: Mapped[Person] = relationship()
    region: Mapped[Region | None] = relationship()


class MinutesStatus(enum.Enum):
    DRAFT = "draft"
    APPROVED = "approved"
    PUBLISHED = "published"


class Minutes(Base):
    __tablename__ = "minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), unique=True)
    text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[MinutesStatus] = mapped_column(
        _enum(MinutesStatus, "minutes_status"), default=MinutesStatus.DRAFT
    )
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow
    )

    meeting: Mapped[Meeting] = relationship(back_populates="minutes")


class ActionItem(Base):
    """What, who, by when: carried onto the body's next meetings until done."""

    __tablename__ = "action_items"
    __table_args__ = (Index("ix_action_items_body_open", "body_id", "done_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"))
    what: Mapped[str] = mapped_column(Text)
    who: Mapped[str] = mapped_column(String(200), default="")
    due_date: Mapped[date | None] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    meeting: Mapped[Meeting] = relationship()


class BlackoutKind(enum.Enum):
    ISO_WEEKS = "iso_weeks"  # weeks first..last of every year (summer: 26–32)
    ANNUAL = "annual"  # the same dates every year, maybe across New Year (20 Dec – 7 Jan)
    DATES = "dates"  # once: from a date to a date


class BlackoutPeriod(Base):
    """A stretch of days the planner keeps meetings out of."""

    __tablename__ = "blackout_periods"
    __table_args__ = (
        CheckConstraint(
            "(kind = 'iso_weeks' AND first_week BETWEEN 1 AND 53 AND last_week BETWEEN 1 AND 53)"
            " OR (kind = 'annual' AND first_day IS NOT NULL AND last_day IS NOT NULL)"
            " OR (kind = 'dates' AND start_date IS NOT NULL AND end_date IS NOT NULL"
            " AND end_date >= start_date)",
            name="kind_has_its_fields",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[BlackoutKind] = mapped_column(_enum(BlackoutKind, "blackout_kind"))
    first_week: Mapped[int | None]
    last_week: Mapped[int | None]
    # "MM-DD" for annual periods.
    first_day: Mapped[str | None] = mapped_column(String(5))
    last_day: Mapped[str | None] = mapped_column(String(5))
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)


class PlannerSettings(Base):
    """The secretariat's choices for the year planner (one row)."""

    __tablename__ = "planner_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    # ISO weekday numbers, Monday = 1: "2,3,4" is Tuesday to Thursday.
    preferred_weekdays: Mapped[str] = mapped_column(String(20), default="2,3,4")
    min_gap_weeks: Mapped[int] = mapped_column(Integer, default=6)
    lead_min_weeks: Mapped[int] = mapped_column(Integer, default=2)
    lead_max_weeks: Mapped[int] = mapped_column(Integer, default=4)
    start_time: Mapped[time] = mapped_column(Time, default=time(10, 0))
    duration_minutes: Mapped[int] = mapped_column(Integer, default=240)
    # How many days before a meeting its material is due to be distributed.
    material_deadline_days: Mapped[int] = mapped_column(Integer, default=7)
