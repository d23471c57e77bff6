"""Reads for surveys: the lists, one survey with its questions, the answers with what the
results show, who was asked and who has not answered — each in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from forum.accounts.models import Account
from forum.meetings.queries import participant_meeting_ids
from forum.roster.models import Person, Region
from forum.surveys import rules
from forum.surveys.models import (
    ResponseStatus,
    Survey,
    SurveyKind,
    SurveyRecipient,
    SurveyReminder,
    SurveyResponse,
    SurveyStatus,
)


def regions(session: Session) -> list[Region]:
    return list(session.scalars(select(Region).order_by(Region.code)))


def survey(session: Session, survey_id: int) -> Survey | None:
    return session.scalar(
        select(Survey).where(Survey.id == survey_id)
        .options(selectinload(Survey.questions), joinedload(Survey.meeting),
                 joinedload(Survey.created_by).joinedload(Account.person),
                 joinedload(Survey.closed_by).joinedload(Account.person))
    )


# --- the secretariat's list ------------------------------------------------------------------


@dataclass
class SurveyRow:
    survey: Survey
    status: SurveyStatus  # as it stands now: past the deadline is closed
    submitted: int
    drafts: int
    expected: int

    @property
    def rate(self) -> int | None:
        return rules.response_rate(self.submitted, self.expected)


def _counts(session: Session, survey_ids: list[int]) -> dict[int, dict[ResponseStatus, int]]:
    counts: dict[int, dict[ResponseStatus, int]] = defaultdict(dict)
    if survey_ids:
        for survey_id, status, count in session.execute(
            select(SurveyResponse.survey_id, SurveyResponse.status, func.count())
            .where(SurveyResponse.survey_id.in_(survey_ids))
            .group_by(SurveyResponse.survey_id, SurveyResponse.status)
        ):
            counts[survey_id][status] = count
    return counts


def _recipient_counts(session: Session, survey_ids: list[int]) -> dict[int, int]:
    if not survey_ids:
        return {}
    return dict(session.execute(
        select(SurveyRecipient.survey_id, func.count())
        .where(SurveyRecipient.survey_id.in_(survey_ids))
        .group_by(SurveyRecipient.survey_id)
    ).all())


def all_surveys(session: Session, now: datetime) -> list[SurveyRow]:
    """Every survey, drafts and open ones first, newest deadline first within each."""
    found = list(session.scalars(
        select(Survey).options(joinedload(Survey.meeting))
        .order_by(Survey.deadline.desc(), Survey.id.desc())
    ))
    ids = [s.id for s in found]
    counts = _counts(session, ids)
    recipients = _recipient_counts(session, ids)
    region_count = session.scalar(select(func.count(Region.id))) or 0
    rows = []
    for s in found:
        expected = recipients.get(s.id, 0) if s.is_evaluation else region_count
        rows.append(SurveyRow(s, rules.status_at(s, now),
                              counts[s.id].get(ResponseStatus.SUBMITTED, 0),
                              counts[s.id].get(ResponseStatus.DRAFT, 0), expected))
    order = {SurveyStatus.DRAFT: 0, SurveyStatus.OPEN: 1, SurveyStatus.CLOSED: 2}
    return sorted(rows, key=lambda r: order[r.status])


def response_counts(session: Session, survey: Survey) -> tuple[int, int, int]:
    """(submitted, drafts, expected) for one survey."""
    counts = _counts(session, [survey.id])[survey.id]
    return (counts.get(ResponseStatus.SUBMITTED, 0), counts.get(ResponseStatus.DRAFT, 0),
            expected_count(session, survey))


def expected_count(session: Session, survey: Survey) -> int:
    if survey.is_evaluation:
        return session.scalar(select(func.count(SurveyRecipient.id))
                              .where(SurveyRecipient.survey_id == survey.id)) or 0
    return session.scalar(select(func.count(Region.id))) or 0


# --- a respondent's list ------------------------------------------------------------------------


@dataclass
class AddressedRow:
    """A survey addressed to the signed-in person, with their (or their region's) answer."""

    survey: Survey
    status: SurveyStatus
    response: SurveyResponse | None
    region: Region | None = None


def addressed_to(session: Session, account, now: datetime) -> list[AddressedRow]:
    """Region surveys for a region's contact, evaluations for their participants; never
    drafts. Open ones first (soonest deadline first), then the closed, newest first."""
    rows: list[AddressedRow] = []
    if account.contact_region_id is not None:
        surveys = list(session.scalars(
            select(Survey).where(Survey.kind == SurveyKind.REGIONS,
                                 Survey.status != SurveyStatus.DRAFT)
            .options(joinedload(Survey.meeting))
        ))
        responses = {r.survey_id: r for r in session.scalars(
            select(SurveyResponse).where(
                SurveyResponse.region_id == account.contact_region_id,
                SurveyResponse.survey_id.in_([s.id for s in surveys]))
        )} if surveys else {}
        region = session.get(Region, account.contact_region_id)
        rows += [AddressedRow(s, rules.status_at(s, now), responses.get(s.id), region)
                 for s in surveys]
    # Evaluations sent to the person, and of any other meeting they took part in.
    sent_to = select(SurveyRecipient.survey_id).where(
        SurveyRecipient.person_id == account.person_id)
    took_part = participant_meeting_ids(session, account.person_id)
    evaluations = list(session.scalars(
        select(Survey).where(
            Survey.kind == SurveyKind.EVALUATION, Survey.status != SurveyStatus.DRAFT,
            or_(Survey.id.in_(sent_to), Survey.meeting_id.in_(sorted(took_part))))
        .options(joinedload(Survey.meeting))
    ))
    if evaluations:
        responses = {r.survey_id: r for r in session.scalars(
            select(SurveyResponse).where(
                SurveyResponse.person_id == account.person_id,
                SurveyResponse.survey_id.in_([s.id for s in evaluations]))
        )}
        rows += [AddressedRow(s, rules.status_at(s, now), responses.get(s.id))
                 for s in evaluations]
    open_rows = sorted((r for r in rows if r.status is SurveyStatus.OPEN),
                       key=lambda r: (r.survey.deadline, r.survey.id))
    closed = sorted((r for r in rows if r.status is not SurveyStatus.OPEN),
                    key=lambda r: (r.survey.deadline, r.survey.id), reverse=True)
    return open_rows + closed


# --- answers ----------------------------------------------------------------------------------


def responses(session: Session, survey: Survey, *, submitted_only: bool = False
              ) -> list[SurveyResponse]:
    """The survey's answers with everything the results and exports show."""
    query = (
        select(SurveyResponse).where(SurveyResponse.survey_id == survey.id)
        .options(selectinload(SurveyResponse.answers), joinedload(SurveyResponse.region),
                 joinedload(SurveyResponse.person).joinedload(Person.organisation),
                 joinedload(SurveyResponse.answered_by).joinedload(Account.person))
    )
    if submitted_only:
        query = query.where(SurveyResponse.status == ResponseStatus.SUBMITTED)
    found = list(session.scalars(query))
    return sorted(found, key=lambda r: (r.region.code if r.region else "",
                                        r.person.sort_name if r.person else ""))


def response_of(session: Session, survey: Survey, *, region_id: int | None = None,
                person_id: int | None = None) -> SurveyResponse | None:
    query = select(SurveyResponse).where(SurveyResponse.survey_id == survey.id).options(
        selectinload(SurveyResponse.answers),
        joinedload(SurveyResponse.answered_by).joinedload(Account.person))
    if region_id is not None:
        query = query.where(SurveyResponse.region_id == region_id)
    else:
        query = query.where(SurveyResponse.person_id == person_id)
    return session.scalar(query)


def recipients(session: Session, survey: Survey) -> list[Person]:
    """The people an evaluation was sent to, by name."""
    return sorted(session.scalars(
        select(Person).join(SurveyRecipient, SurveyRecipient.person_id == Person.id)
        .where(SurveyRecipient.survey_id == survey.id)
        .options(joinedload(Person.organisation))
    ), key=lambda p: (p.family_name, p.given_name))


def is_recipient(session: Session, survey: Survey, person_id: int) -> bool:
    return session.scalar(select(SurveyRecipient.id).where(
        SurveyRecipient.survey_id == survey.id, SurveyRecipient.person_id == person_id)
    ) is not None


@dataclass
class Respondents:
    """Who is asked, who has answered and who not, for the overview and the results."""

    asked: list  # regions, or people
    submitted: dict[int, SurveyResponse] = field(default_factory=dict)  # by region or person id
    drafts: dict[int, SurveyResponse] = field(default_factory=dict)

    @property
    def missing(self) -> list:
        return [who for who in self.asked if who.id not in self.submitted]


def respondents(session: Session, survey: Survey,
                answers: list[SurveyResponse] | None = None) -> Respondents:
    asked = recipients(session, survey) if survey.is_evaluation else regions(session)
    if answers is None:
        answers = list(session.scalars(
            select(SurveyResponse).where(SurveyResponse.survey_id == survey.id)))
    found = Respondents(asked)
    for response in answers:
        key = response.person_id if survey.is_evaluation else response.region_id
        target = found.submitted if response.is_submitted else found.drafts
        target[key] = response  # type: ignore[index]
    return found


def contacts(session: Session) -> dict[int, list[Account]]:
    """The active contact accounts of each region, by region id."""
    by_region: dict[int, list[Account]] = defaultdict(list)
    for account in session.scalars(
        select(Account).where(Account.contact_region_id.is_not(None),
                              Account.is_active.is_(True))
        .options(joinedload(Account.person))
        .order_by(Account.email)
    ):
        by_region[account.contact_region_id].append(account)  # type: ignore[index]
    return by_region


def accounts_of(session: Session, person_ids: list[int]) -> dict[int, Account]:
    """The active account of each person that has one."""
    if not person_ids:
        return {}
    return {a.person_id: a for a in session.scalars(
        select(Account).where(Account.person_id.in_(person_ids), Account.is_active.is_(True))
        .options(joinedload(Account.person)))}


def reminders(session: Session, survey: Survey) -> list[SurveyReminder]:
    return list(session.scalars(
        select(SurveyReminder).where(SurveyReminder.survey_id == survey.id)
        .options(joinedload(SurveyReminder.sent_by).joinedload(Account.person))
        .order_by(SurveyReminder.sent_at.desc(), SurveyReminder.id.desc())
    ))


def evaluation_of(session: Session, meeting_id: int) -> Survey | None:
    return session.scalar(
        select(Survey).where(Survey.meeting_id == meeting_id,
                             Survey.kind == SurveyKind.EVALUATION)
        .options(selectinload(Survey.questions))
        .order_by(Survey.id.desc()).limit(1)
    )


def linked_to(session: Session, meeting_id: int) -> list[Survey]:
    """Surveys to the regions that prepare a meeting."""
    return list(session.scalars(
        select(Survey).where(Survey.meeting_id == meeting_id, Survey.kind == SurveyKind.REGIONS)
        .order_by(Survey.deadline.desc())
    ))
