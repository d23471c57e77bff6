"""Survey services on both databases: building and sending, what may change when, answers
(one per region and per participant, held by the database too), drafts and submissions,
reminders and the daily round, evaluations of meetings, and audit entries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from forum.audit.models import AuditEntry
from forum.mail_models import OutboxMessage
from forum.meetings.models import MeetingStatus
from forum.surveys import services
from forum.surveys.models import (
    KeptAnswer,
    QuestionKind,
    ResponseStatus,
    SurveyAnswer,
    SurveyKind,
    SurveyRecipient,
    SurveyReminder,
    SurveyResponse,
    SurveyStatus,
)
from forum.surveys.rules import AnswerRefused, QuestionSpec, SurveyError
from forum.timeutil import utcnow
from surveys_fixtures import field, full_answer, question


@pytest.fixture
def rq(app):
    with app.test_request_context():
        from flask import session

        session["lang"] = "en"
        yield


def actions(session) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def outbox(session, kind: str) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)
                                .order_by(OutboxMessage.id)))


# --- building ----------------------------------------------------------------------------------


def test_a_new_survey_is_a_draft_with_its_questions_in_order(session, make_survey):
    survey = make_survey(opened=False)
    assert survey.status is SurveyStatus.DRAFT and survey.kind is SurveyKind.REGIONS
    assert [q.position for q in survey.questions] == list(range(1, 9))
    assert [q.kind for q in survey.questions][:3] == [
        QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT, QuestionKind.ONE_CHOICE]
    assert actions(session).count("survey_question_added") == 8
    assert "survey_created" in actions(session)


def test_questions_move_and_are_removed_with_positions_kept_whole(session, make_survey, rq):
    survey = make_survey(opened=False)
    third = question(survey, 3)
    services.move_question(session, third, -1)
    session.commit()
    session.refresh(survey)
    assert question(survey, 2).id == third.id
    services.move_question(session, question(survey, 1), -1)  # already first: nothing
    services.remove_question(session, question(survey, 1))
    session.commit()
    session.refresh(survey)
    assert [q.position for q in survey.questions] == list(range(1, 8))
    assert question(survey, 1).id == third.id
    assert {"survey_question_moved", "survey_question_removed"} <= set(actions(session))


def test_questions_are_fixed_once_the_survey_is_sent(session, make_survey, rq):
    survey = make_survey()
    with pytest.raises(SurveyError, match="can no longer be changed"):
        services.add_question(session, survey, QuestionSpec(QuestionKind.YES_NO, "Till?"))
    with pytest.raises(SurveyError):
        services.update_question(session, question(survey, 1),
                                 QuestionSpec(QuestionKind.SHORT_TEXT, "Ändrad"))
    with pytest.raises(SurveyError):
        services.remove_question(session, question(survey, 1))
    with pytest.raises(SurveyError):
        services.move_question(session, question(survey, 2), -1)


def test_a_sent_questions_wording_may_be_corrected(session, make_survey, rq):
    survey = make_survey()
    first = question(survey, 1)
    services.update_question(session, first, QuestionSpec(
        QuestionKind.SHORT_TEXT, "Vem har besvarat enkäten?", "Namn, funktion och e-post.",
        True))
    assert first.text == "Vem har besvarat enkäten?"
    assert first.help_text == "Namn, funktion och e-post."
    assert actions(session)[-1] == "survey_question_changed"
    services.close_survey(session, survey, by=None)
    with pytest.raises(SurveyError, match="closed"):
        services.update_question(session, first, QuestionSpec(
            QuestionKind.SHORT_TEXT, "Ny lydelse", required=True))


def test_an_open_survey_gets_a_later_deadline_and_a_new_automatic_reminder(session,
                                                                           make_survey, rq):
    survey = make_survey()
    survey.auto_reminder_at = utcnow()
    later = survey.deadline + timedelta(days=7)
    services.update(session, survey, title=survey.title, introduction="Ny text",
                    deadline=later, meeting_id=None)
    assert survey.deadline == later and survey.auto_reminder_at is None
    with pytest.raises(SurveyError) as refused:
        services.update(session, survey, title=survey.title, introduction="",
                        deadline=utcnow() - timedelta(days=1), meeting_id=None)
    assert refused.value.field == "deadline_day"


def test_nothing_is_sent_without_questions_or_after_the_deadline(session, make_survey, rq):
    empty = make_survey(opened=False, questions=[])
    with pytest.raises(SurveyError, match="at least one question"):
        services.open_survey(session, empty, by=None)
    late = make_survey(opened=False)
    late.deadline = utcnow() - timedelta(minutes=1)
    with pytest.raises(SurveyError, match="deadline has passed"):
        services.open_survey(session, late, by=None)
    assert late.status is SurveyStatus.DRAFT


def test_opening_mails_every_active_contact_in_their_language(session, make_survey,
                                                              make_account):
    skane = make_account("region_contact", region_code="12", language="en")
    skane_too = make_account("region_contact", region_code="12")
    uppsala = make_account("region_contact", region_code="03")
    make_account("region_contact", region_code="01", is_active=False)
    survey = make_survey()
    mails = outbox(session, "survey_opened")
    assert sorted(m.to_address for m in mails) == sorted(
        [skane.email, skane_too.email, uppsala.email])
    english = next(m for m in mails if m.to_address == skane.email)
    swedish = next(m for m in mails if m.to_address == uppsala.email)
    assert english.language == "en" and "Region Skåne" in english.text_body
    assert f"http://forum.test/surveys/{survey.id}/answer" in english.text_body
    assert swedish.language == "sv" and "Region Uppsala" in swedish.text_body
    assert survey.status is SurveyStatus.OPEN and survey.opened_at is not None


# --- answers ---------------------------------------------------------------------------------


def test_a_draft_may_be_incomplete_and_is_not_submitted(session, make_survey, make_account,
                                                       answer_as):
    contact = make_account("region_contact")
    survey = make_survey()
    response = answer_as(survey, contact, {field(survey, 2): "Bara en början."}, submit=False)
    assert response.status is ResponseStatus.DRAFT
    assert response.first_submitted_at is None and response.answered_by_id == contact.id
    assert [a.text for a in response.answers] == ["Bara en början."]
    assert actions(session)[-1] == "survey_answer_saved"


def test_submitting_enforces_required_questions_and_saves_nothing_when_refused(
        session, make_survey, make_account, answer_as):
    contact = make_account("region_contact")
    survey = make_survey()
    answer_as(survey, contact, {field(survey, 2): "Utkast"}, submit=False)
    with pytest.raises(AnswerRefused) as refused:
        answer_as(survey, contact, {field(survey, 2): "Ändrat", field(survey, 5): "12"},
                  submit=True)
    assert set(refused.value.errors) == {field(survey, 1), field(survey, 3), field(survey, 6)}
    session.rollback()
    stored = session.scalars(select(SurveyAnswer.text).join(SurveyResponse)
                             .where(SurveyResponse.survey_id == survey.id)).all()
    assert stored == ["Utkast"]  # the draft as it was: nothing half-saved


def test_a_submitted_answer_keeps_its_first_time_and_stays_submitted(session, make_survey,
                                                                     make_account, answer_as):
    first, second = make_account("region_contact"), make_account("region_contact")
    survey = make_survey()
    response = answer_as(survey, first, full_answer(survey))
    submitted_at = response.first_submitted_at
    assert response.is_submitted and submitted_at is not None
    changed = answer_as(survey, second, full_answer(survey, staff="4"), submit=False)
    assert changed.id == response.id  # one answer per region, whoever writes it
    assert changed.is_submitted  # a draft button cannot take back a submission
    assert changed.first_submitted_at == submitted_at
    assert changed.answered_by_id == second.id
    number = next(a for a in changed.answers if a.question_id == question(survey, 5).id)
    assert number.number == 4.0
    assert actions(session)[-1] == "survey_answer_changed"
    # An answer taken away is removed, not kept empty.
    data = full_answer(survey)
    data.pop(field(survey, 2))
    answer_as(survey, second, data)
    session.refresh(changed)
    assert question(survey, 2).id not in {a.question_id for a in changed.answers}


def test_stored_values(session, make_survey, make_account, answer_as):
    contact = make_account("region_contact")
    survey = make_survey()
    response = answer_as(survey, contact, full_answer(survey, staff="1 500,5"))
    by_question = {a.question_id: a for a in response.answers}
    assert by_question[question(survey, 5).id].number == 1500.5
    assert by_question[question(survey, 4).id].choices == ["Vänregion", "EU-projekt"]
    assert by_question[question(survey, 7).id].choices == ["CN", "DE"]
    assert by_question[question(survey, 8).id].choices == ["14"]
    assert by_question[question(survey, 6).id].choices == ["yes"]


def test_no_answers_after_the_deadline_or_once_closed(session, make_survey, make_account,
                                                     answer_as, rq):
    contact = make_account("region_contact")
    survey = make_survey()
    survey.deadline = utcnow() - timedelta(seconds=1)
    session.commit()
    with pytest.raises(SurveyError, match="stängd"):
        answer_as(survey, contact, full_answer(survey))
    session.rollback()
    other = make_survey(title="Stängd enkät")
    services.close_survey(session, other, by=contact)
    session.commit()
    with pytest.raises(SurveyError, match="stängd"):
        answer_as(other, contact, full_answer(other))


def test_the_database_holds_one_answer_per_region(session, make_survey, region):
    survey = make_survey()
    session.add(SurveyResponse(survey_id=survey.id, region_id=region("12").id))
    session.commit()
    session.add(SurveyResponse(survey_id=survey.id, region_id=region("12").id))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()
    # Neither a region and a person at once, nor neither.
    session.add(SurveyResponse(survey_id=survey.id))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_the_database_holds_one_answer_per_participant(session, make_survey, make_person):
    survey = make_survey()
    person = make_person()
    session.add(SurveyResponse(survey_id=survey.id, person_id=person.id))
    session.commit()
    session.add(SurveyResponse(survey_id=survey.id, person_id=person.id))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_two_contacts_saving_a_first_draft_at_once_share_the_answer(session, make_survey,
                                                                    region):
    """The second writer looked before the first one's answer was there: its insert is
    refused by the unique constraint, and it goes on with the first one's answer."""
    survey = make_survey()
    skane = region("12")
    first = SurveyResponse(survey_id=survey.id, region_id=skane.id)
    session.add(first)
    session.commit()
    second = services._insert(session, survey, skane.id, None)
    session.commit()
    assert second.id == first.id
    assert session.scalar(select(func.count(SurveyResponse.id)).where(
        SurveyResponse.survey_id == survey.id)) == 1


# --- reminders and the daily round ------------------------------------------------------------


def test_a_reminder_goes_to_contacts_of_regions_that_have_not_submitted(
        session, make_survey, make_account, answer_as, rq):
    done = make_account("region_contact", region_code="12")
    drafting = make_account("region_contact", region_code="03")
    silent = make_account("region_contact", region_code="01")
    survey = make_survey()
    answer_as(survey, done, full_answer(survey))
    answer_as(survey, drafting, {field(survey, 1): "Utkast"}, submit=False)
    reminder = services.remind(session, survey, by=done)
    session.commit()
    sent = outbox(session, "survey_reminder")
    assert sorted(m.to_address for m in sent) == sorted([drafting.email, silent.email])
    assert reminder.recipients == 2 and not reminder.automatic
    assert "survey_reminded" in actions(session)


def test_no_reminder_when_everyone_has_answered_or_the_survey_is_closed(
        session, make_survey, make_account, answer_as, rq):
    contact = make_account("region_contact", region_code="12")
    survey = make_survey()
    answer_as(survey, contact, full_answer(survey))
    with pytest.raises(SurveyError, match="already answered"):
        services.remind(session, survey, by=None)
    services.close_survey(session, survey, by=None)
    with pytest.raises(SurveyError, match="while the survey is open"):
        services.remind(session, survey, by=None)


@pytest.fixture
def command_line(app):
    """As `flask forum …` runs: an app context, no request."""
    with app.app_context():
        yield


def test_the_daily_round_reminds_once_and_closes_at_the_deadline(session, make_survey,
                                                                make_account, command_line):
    contact = make_account("region_contact", region_code="12")
    near = make_survey(title="Snart", deadline=utcnow() + timedelta(days=2))
    far = make_survey(title="Långt bort", deadline=utcnow() + timedelta(days=20))
    closed, reminded = services.daily(session)
    session.commit()
    assert (closed, reminded) == (0, 1)
    reminders = session.scalars(select(SurveyReminder)).all()
    assert [(r.survey_id, r.automatic, r.recipients) for r in reminders] == [(near.id, True, 1)]
    assert [m.to_address for m in outbox(session, "survey_reminder")] == [contact.email]
    # Never twice.
    assert services.daily(session) == (0, 0)
    assert services.daily(session, now=utcnow() + timedelta(days=1)) == (0, 0)
    # Past the deadline: closed, by nobody.
    closed, reminded = services.daily(session, now=utcnow() + timedelta(days=3))
    session.commit()
    assert closed == 1
    session.refresh(near)
    assert near.status is SurveyStatus.CLOSED and near.closed_by_id is None
    assert near.closed_at == near.deadline
    session.refresh(far)
    assert far.status is SurveyStatus.OPEN and far.auto_reminder_at is None


def test_the_daily_round_forgets_kept_answers_after_two_days(session, make_survey,
                                                            command_line):
    survey = make_survey()
    old = services.keep(session, survey, {"q1": ["Gammalt"]},
                        now=utcnow() - timedelta(days=3))
    fresh = services.keep(session, survey, {"q1": ["Nytt"]})
    services.daily(session)
    assert session.scalars(select(KeptAnswer.data)).all() == [{"q1": ["Nytt"]}]
    assert old and fresh


def test_a_closed_survey_opens_again_with_a_new_deadline(session, make_survey, rq):
    survey = make_survey()
    services.close_survey(session, survey, by=None)
    with pytest.raises(SurveyError):
        services.reopen_survey(session, survey, deadline=utcnow() - timedelta(days=1))
    services.reopen_survey(session, survey, deadline=utcnow() + timedelta(days=3))
    assert survey.status is SurveyStatus.OPEN and survey.closed_at is None
    assert "survey_reopened" in actions(session)


# --- evaluations ---------------------------------------------------------------------------------


def test_an_evaluation_starts_with_the_standard_questions(session, held_meeting, rq):
    meeting, _accounts, _without = held_meeting
    survey = services.start_evaluation(session, meeting, by=None)
    assert survey.kind is SurveyKind.EVALUATION and survey.status is SurveyStatus.DRAFT
    assert survey.meeting_id == meeting.id
    assert survey.title == f"Evaluation: {meeting.title}"
    assert [q.kind for q in survey.questions] == [QuestionKind.ONE_CHOICE, QuestionKind.YES_NO,
                                                  QuestionKind.LONG_TEXT, QuestionKind.LONG_TEXT]
    with pytest.raises(SurveyError, match="already has an evaluation"):
        services.start_evaluation(session, meeting, by=None)


def test_only_a_held_meeting_is_evaluated(session, new_meeting, rq):
    coming = new_meeting(status=MeetingStatus.CONFIRMED)
    with pytest.raises(SurveyError, match="held"):
        services.start_evaluation(session, coming, by=None)


def test_an_evaluation_goes_to_the_participants_who_can_answer(session, held_meeting,
                                                               answer_as, rq):
    meeting, (first, second), without = held_meeting
    survey = services.start_evaluation(session, meeting, by=None)
    sent = services.open_survey(session, survey, by=None)
    session.commit()
    assert sent == 2
    recipients = set(session.scalars(select(SurveyRecipient.person_id)
                                     .where(SurveyRecipient.survey_id == survey.id)))
    assert recipients == {first.person_id, second.person_id}
    assert without.id not in recipients
    mails = outbox(session, "survey_opened")
    assert sorted(m.to_address for m in mails) == sorted([first.email, second.email])
    assert meeting.title in mails[0].text_body
    response = answer_as(survey, first, {field(survey, 1): "5", field(survey, 2): "yes",
                                         field(survey, 3): "Bra samtal."})
    assert response.person_id == first.person_id and response.region_id is None
    services.remind(session, survey, by=None)
    assert [m.to_address for m in outbox(session, "survey_reminder")] == [second.email]


def test_kept_answers_expire_and_are_bounded(session, make_survey):
    survey = make_survey()
    token = services.keep(session, survey, {"q1": ["Text"]}, ip_address="192.0.2.1")
    assert services.kept(session, token, survey).data == {"q1": ["Text"]}
    assert services.kept(session, token, survey, now=utcnow() + timedelta(days=3)) is None
    assert services.kept(session, "not-a-token", survey) is None
    assert services.keep(session, survey, {"q1": [" "]}) is None  # nothing typed
    assert services.keep(session, survey, {"q1": ["x" * 200_001]}) is None
    replaced = services.keep(session, survey, {"q1": ["Nytt"]}, replacing=token)
    assert services.kept(session, token, survey) is None
    assert services.kept(session, replaced, survey).data == {"q1": ["Nytt"]}
    for _ in range(services.KEEP_PER_ADDRESS_PER_HOUR):
        services.keep(session, survey, {"q1": ["x"]}, ip_address="192.0.2.9")
    assert services.keep(session, survey, {"q1": ["x"]}, ip_address="192.0.2.9") is None
    services.forget(session, replaced)
    assert services.kept(session, replaced, survey) is None
