"""Fixtures for the surveys tests (registered in tests/conftest.py): surveys built and
opened through the services, with a question of every kind, region contacts, answers, and
a held meeting to evaluate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from forum.meetings.models import MeetingStatus
from forum.roster.models import Region
from forum.surveys import services
from forum.surveys.models import QuestionKind, Survey
from forum.surveys.rules import QuestionSpec, Value
from forum.timeutil import utcnow


def every_kind() -> list[QuestionSpec]:
    """One question of each kind, like the county boards' survey of their international
    engagement."""
    return [
        QuestionSpec(QuestionKind.SHORT_TEXT, "Vem besvarar enkäten?", "Namn och funktion.",
                     True),
        QuestionSpec(QuestionKind.LONG_TEXT, "Beskriv regionens internationella arbete."),
        QuestionSpec(QuestionKind.ONE_CHOICE, "Hur viktigt är det internationella arbetet?",
                     required=True, options=["Mycket viktigt", "Ganska viktigt", "Inte viktigt"]),
        QuestionSpec(QuestionKind.SEVERAL_CHOICES, "Vilka former av samarbete har ni?",
                     options=["Vänregion", "EU-projekt", "Nätverk", "Delegationsbesök"]),
        QuestionSpec(QuestionKind.NUMBER, "Hur många årsarbetskrafter arbetar med det?",
                     min_value=0, max_value=5000),
        QuestionSpec(QuestionKind.YES_NO, "Har regionen en internationell strategi?",
                     required=True),
        QuestionSpec(QuestionKind.COUNTRIES, "Med vilka länder samarbetar ni?"),
        QuestionSpec(QuestionKind.REGIONS, "Med vilka svenska regioner samarbetar ni?"),
    ]


def field(survey: Survey, number: int) -> str:
    """The form field of the survey's question at position `number` (1-based)."""
    return sorted(survey.questions, key=lambda q: q.position)[number - 1].field_name


def question(survey: Survey, number: int):
    return sorted(survey.questions, key=lambda q: q.position)[number - 1]


def full_answer(survey: Survey, *, name="Anna Andersson", importance="Mycket viktigt",
                forms=("Vänregion", "EU-projekt"), staff="3,5", strategy="yes",
                countries=("CN", "DE"), regions=("14",)) -> dict:
    """Form data answering every question of an every_kind() survey."""
    return {
        field(survey, 1): name,
        field(survey, 2): "Vi arbetar med Östersjöregionen och Kina.",
        field(survey, 3): importance,
        field(survey, 4): list(forms),
        field(survey, 5): staff,
        field(survey, 6): strategy,
        field(survey, 7): list(countries),
        field(survey, 8): list(regions),
        "send": "y",
    }


def as_values(survey: Survey, data: dict) -> dict[int, Value]:
    """The same answer as the service takes it."""
    values = {}
    for q in survey.questions:
        raw = data.get(q.field_name)
        if q.kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT, QuestionKind.NUMBER):
            values[q.id] = Value(text=raw or "")
        elif isinstance(raw, list):
            values[q.id] = Value(choices=raw)
        else:
            values[q.id] = Value(choices=[raw] if raw else [])
    return values


@pytest.fixture
def make_survey(app, session, make_account):
    """make_survey(questions=every_kind(), opened=True, deadline=…, by=…): a committed
    survey to the regions, built and (unless opened=False) sent by the services."""

    def make(*, title: str = "Regionernas internationella engagemang", questions=None,
             opened: bool = True, deadline: datetime | None = None, by=None,
             meeting=None, introduction: str = "Enkät om regionernas internationella arbete."
             ) -> Survey:
        by = by or make_account("secretariat")
        with app.test_request_context():
            survey = services.create(
                session, by=by, title=title, introduction=introduction,
                deadline=deadline or utcnow() + timedelta(days=14),
                meeting_id=meeting.id if meeting is not None else None)
            for spec in every_kind() if questions is None else questions:
                services.add_question(session, survey, spec)
            if opened:
                services.open_survey(session, survey, by=by)
        session.commit()
        session.refresh(survey)
        return survey

    return make


@pytest.fixture
def answer_as(app, session):
    """answer_as(survey, account, data, submit=True): an answer saved by the service for
    the account's region (or, for an evaluation, the account's person)."""

    def save(survey: Survey, account, data: dict, *, submit: bool = True, region_code=None):
        with app.test_request_context():
            if survey.is_evaluation:
                respondent = services.Respondent(person=account.person)
            else:
                region = session.scalar(select(Region).where(
                    Region.code == region_code)) if region_code else session.get(
                    Region, account.contact_region_id)
                respondent = services.Respondent(region=region)
            response = services.save_answer(session, survey, respondent, by=account,
                                            values=as_values(survey, data), submit=submit)
        session.commit()
        return response

    return save


@pytest.fixture
def held_meeting(new_meeting, make_nomination, make_account, themes):
    """A politicians' meeting held a week ago, with two members who have accounts (regions
    12 and 01) and one without: (meeting, [accounts], person without an account)."""
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=7)
    meeting = new_meeting(start, "politikerforum", theme=themes[0], status=MeetingStatus.HELD,
                          title="Politikerforum om kompetensförsörjning")
    first = make_account("member")
    second = make_account("member")
    make_nomination(first.person, region_code="12")
    make_nomination(second.person, region_code="01")
    without = make_nomination(region_code="03", seat_slug="opposition").person
    return meeting, [first, second], without


def access_matrix_survey(app, session, meeting, respondent) -> dict[str, int]:
    """For the access matrix and the every-page test: an open evaluation of `meeting` with a
    question of every kind and the submitted answer of `respondent` (a participant).
    Opened directly, since the meeting need not be held for its pages to be walked."""
    from forum.surveys.models import SurveyKind, SurveyRecipient, SurveyStatus

    with app.test_request_context():
        survey = services.create(
            session, by=None, kind=SurveyKind.EVALUATION, meeting_id=meeting.id,
            title="Matrisutvärdering", deadline=utcnow() + timedelta(days=30),
            introduction="Utvärdering för matrisen.")
        for spec in every_kind():
            services.add_question(session, survey, spec)
        survey.status = SurveyStatus.OPEN
        survey.opened_at = utcnow()
        session.add(SurveyRecipient(survey_id=survey.id, person_id=respondent.id))
        session.flush()
        response = services.save_answer(
            session, survey, services.Respondent(person=respondent), by=None,
            values=as_values(survey, full_answer(survey)), submit=True)
    return {"survey_id": survey.id, "question_id": survey.questions[0].id,
            "response_id": response.id}
