"""Surveys: a questionnaire to the regions (one answer per region) or an evaluation of a
meeting (one answer per participant), its questions, the answers, reminders, and what a
respondent typed when their session had run out.

A survey is built as a draft, opened (sent) and closed, by hand or when its deadline has
passed. Its questions change only while it is a draft, so that every answer was given to
the questions as they stand.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Double,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.accounts.models import Account
from forum.db import Base, UTCDateTime
from forum.meetings.models import Meeting
from forum.roster.models import Person, Region, _enum
from forum.timeutil import utcnow


class SurveyKind(enum.Enum):
    REGIONS = "regions"  # to every region's contact, one answer per region
    EVALUATION = "evaluation"  # to a meeting's participants, one answer per person


class SurveyStatus(enum.Enum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class QuestionKind(enum.Enum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    ONE_CHOICE = "one_choice"
    SEVERAL_CHOICES = "several_choices"
    NUMBER = "number"
    YES_NO = "yes_no"
    COUNTRIES = "countries"
    REGIONS = "regions"


class ResponseStatus(enum.Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class Survey(Base):
    __tablename__ = "surveys"
    __table_args__ = (
        Index("ix_surveys_status_deadline", "status", "deadline"),
        CheckConstraint("kind <> 'evaluation' OR meeting_id IS NOT NULL",
                        name="evaluation_has_meeting"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[SurveyKind] = mapped_column(_enum(SurveyKind, "survey_kind"),
                                             default=SurveyKind.REGIONS)
    status: Mapped[SurveyStatus] = mapped_column(_enum(SurveyStatus, "survey_status"),
                                                 default=SurveyStatus.DRAFT)
    title: Mapped[str] = mapped_column(String(300))
    introduction: Mapped[str] = mapped_column(Text, default="")
    # The last moment answers are taken; after it the survey counts as closed.
    deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    # The meeting the survey prepares (regions) or evaluates (evaluation).
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # None with closed_at set: closed by the daily command when the deadline had passed.
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    # The one automatic reminder before the deadline (`forum survey-reminders`).
    auto_reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    meeting: Mapped[Meeting | None] = relationship()
    created_by: Mapped[Account | None] = relationship(foreign_keys=[created_by_id])
    closed_by: Mapped[Account | None] = relationship(foreign_keys=[closed_by_id])
    questions: Mapped[list[Question]] = relationship(
        back_populates="survey", order_by="Question.position", cascade="all, delete-orphan"
    )

    @property
    def is_evaluation(self) -> bool:
        return self.kind is SurveyKind.EVALUATION


class Question(Base):
    __tablename__ = "survey_questions"
    __table_args__ = (
        UniqueConstraint("survey_id", "position"),
        CheckConstraint("min_value IS NULL OR max_value IS NULL OR min_value <= max_value",
                        name="min_not_above_max"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[QuestionKind] = mapped_column(_enum(QuestionKind, "survey_question_kind"))
    text: Mapped[str] = mapped_column(Text)
    help_text: Mapped[str] = mapped_column(Text, default="")
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    # The alternatives of a choice question, in order; answers keep the chosen words.
    options: Mapped[list[str]] = mapped_column(JSON, default=list)
    # For a number: the lowest and highest accepted.
    min_value: Mapped[float | None] = mapped_column(Double)
    max_value: Mapped[float | None] = mapped_column(Double)
    # For a country or region list: several may be chosen, or only one.
    several: Mapped[bool] = mapped_column(Boolean, default=True)

    survey: Mapped[Survey] = relationship(back_populates="questions")

    @property
    def is_choice(self) -> bool:
        return self.kind in (QuestionKind.ONE_CHOICE, QuestionKind.SEVERAL_CHOICES)

    @property
    def is_list(self) -> bool:
        return self.kind in (QuestionKind.COUNTRIES, QuestionKind.REGIONS)

    @property
    def many(self) -> bool:
        """Whether an answer may hold several values."""
        return self.kind is QuestionKind.SEVERAL_CHOICES or (self.is_list and self.several)

    @property
    def field_name(self) -> str:
        return f"q{self.id}"


class SurveyRecipient(Base):
    """Who an evaluation was sent to: the meeting's participants when it was opened."""

    __tablename__ = "survey_recipients"
    __table_args__ = (UniqueConstraint("survey_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)

    person: Mapped[Person] = relationship()


class SurveyResponse(Base):
    """One region's answer to a survey, or one participant's to an evaluation."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        UniqueConstraint("survey_id", "region_id"),
        UniqueConstraint("survey_id", "person_id"),
        CheckConstraint("(region_id IS NULL) <> (person_id IS NULL)",
                        name="region_or_person"),
        Index("ix_survey_responses_survey_status", "survey_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    status: Mapped[ResponseStatus] = mapped_column(_enum(ResponseStatus, "survey_response_status"),
                                                   default=ResponseStatus.DRAFT)
    # The account that saved it last (a region may have more than one contact).
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    first_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    survey: Mapped[Survey] = relationship()
    region: Mapped[Region | None] = relationship()
    person: Mapped[Person | None] = relationship()
    answered_by: Mapped[Account | None] = relationship()
    answers: Mapped[list[SurveyAnswer]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )

    @property
    def is_submitted(self) -> bool:
        return self.status is ResponseStatus.SUBMITTED

    def answer_to(self, question: Question) -> SurveyAnswer | None:
        return next((a for a in self.answers if a.question_id == question.id), None)


class SurveyAnswer(Base):
    """The answer to one question: words, a number, or the chosen values (alternatives'
    words, "yes"/"no", ISO 3166 country codes, county codes)."""

    __tablename__ = "survey_answers"
    __table_args__ = (UniqueConstraint("response_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("survey_responses.id"))
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_questions.id"), index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    number: Mapped[float | None] = mapped_column(Double)
    choices: Mapped[list[str]] = mapped_column(JSON, default=list)

    response: Mapped[SurveyResponse] = relationship(back_populates="answers")

    @property
    def is_empty(self) -> bool:
        return not self.text and self.number is None and not self.choices


class SurveyReminder(Base):
    """A reminder sent to those who had not submitted: by hand, or the automatic one."""

    __tablename__ = "survey_reminders"
    __table_args__ = (Index("ix_survey_reminders_survey", "survey_id", "sent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    automatic: Mapped[bool] = mapped_column(Boolean, default=False)
    recipients: Mapped[int] = mapped_column(Integer, default=0)

    sent_by: Mapped[Account | None] = relationship()


class KeptAnswer(Base):
    """What a respondent sent when their session had run out, kept until they log in again
    and see it in the form. The browser holds the token; only its SHA-256 is stored."""

    __tablename__ = "survey_kept_answers"
    __table_args__ = (Index("ix_survey_kept_answers_created", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), index=True)
    # The form's fields as they were posted: {"q12": ["..."], "action": ["submit"]}.
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    ip_address: Mapped[str] = mapped_column(String(45), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
