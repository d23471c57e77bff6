"""Survey e-mails as a real SMTP server on loopback receives them: the survey sent to every
region's contact in their language, reminders by the button to those who have not
submitted, the daily command's one automatic reminder, and an evaluation to a meeting's
participants."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from forum import mail
from forum.surveys.models import Survey, SurveyReminder, SurveyStatus
from forum.timeutil import utcnow
from material_fixtures import english, text_of
from surveys_fixtures import field, full_answer


def subject(message) -> str:
    # A long subject is folded over lines on the way; read it as one line again.
    return " ".join(str(message["Subject"]).split())


def deliver(app) -> None:
    result = mail.deliver_pending(app)
    assert result["failed"] == 0


def test_sending_the_survey_mails_each_contact_in_their_language(
        app, session, staff_client, make_survey, make_account, smtp_server):
    anna = make_account("region_contact", region_code="12", language="en")
    bo = make_account("region_contact", region_code="25")
    survey = make_survey(opened=False, deadline=utcnow() + timedelta(days=10))
    response = staff_client.post(f"/surveys/{survey.id}/send",
                                 data={"message": "Svara gärna före jul."})
    assert response.status_code == 303
    deliver(app)
    assert sorted(r for m in smtp_server.messages for r in m.rcpt_tos) == sorted(
        [anna.email, bo.email])
    [english_mail] = smtp_server.to(anna.email)
    assert subject(english_mail).startswith(
        "Survey to the regions: Regionernas internationella engagemang – answer by ")
    link = f"http://forum.test/surveys/{survey.id}/answer"
    for part in (english_mail.text, english_mail.html):
        assert "Region Skåne" in part and link in part
        assert "Svara gärna före jul." in part
        assert "Enkät om regionernas internationella arbete." in part
    assert english_mail["Content-Language"] == "en"
    [swedish_mail] = smtp_server.to(bo.email)
    assert "Region Norrbotten" in swedish_mail.text and link in swedish_mail.text
    assert swedish_mail["Content-Language"] == "sv"


def test_the_reminder_button_reaches_only_those_who_have_not_submitted(
        app, session, staff_client, make_survey, make_account, answer_as, smtp_server):
    done = make_account("region_contact", region_code="12")
    drafting = make_account("region_contact", region_code="14")
    silent = make_account("region_contact", region_code="22", language="en")
    survey = make_survey()
    answer_as(survey, done, full_answer(survey))
    answer_as(survey, drafting, {field(survey, 1): "Påbörjat"}, submit=False)
    deliver(app)
    smtp_server.messages.clear()

    english(staff_client)
    page = text_of(staff_client.get(f"/surveys/{survey.id}"))
    assert "Send a reminder to 2 people who have not submitted" in page
    assert "No reminder sent yet." in page
    response = staff_client.post(f"/surveys/{survey.id}/remind")
    assert response.status_code == 303
    deliver(app)
    assert sorted(r for m in smtp_server.messages for r in m.rcpt_tos) == sorted(
        [drafting.email, silent.email])
    [message] = smtp_server.to(silent.email)
    assert subject(message).startswith("Reminder: Regionernas internationella engagemang")
    assert "Region Västernorrland" in message.text
    assert f"http://forum.test/surveys/{survey.id}/answer" in message.text
    page = text_of(staff_client.get(f"/surveys/{survey.id}"))
    assert "Last reminder sent" in page and "2 recipients" in page


def test_the_daily_command_sends_one_automatic_reminder(app, session, runner, make_survey,
                                                        make_account, smtp_server):
    contact = make_account("region_contact", region_code="12", language="en")
    soon = make_survey(title="Snart stängd", deadline=utcnow() + timedelta(days=2))
    later = make_survey(title="Långt kvar", deadline=utcnow() + timedelta(days=30))
    deliver(app)
    smtp_server.messages.clear()

    result = runner.invoke(args=["forum", "survey-reminders"])
    assert result.exit_code == 0, result.output
    assert "Surveys closed: 0. Reminders sent: 1." in result.output
    deliver(app)
    [message] = smtp_server.messages
    assert message.rcpt_tos == [contact.email]
    assert subject(message).startswith("Reminder: Snart stängd")

    result = runner.invoke(args=["forum", "survey-reminders"])
    assert "Reminders sent: 0." in result.output  # never twice
    result = runner.invoke(args=["forum", "survey-reminders", "--days", "31"])
    assert "Reminders sent: 1." in result.output  # the later one, when asked that early
    session.expire_all()
    assert [r.survey_id for r in session.scalars(
        select(SurveyReminder).order_by(SurveyReminder.id))] == [soon.id, later.id]


def test_the_daily_command_closes_surveys_past_their_deadline(session, runner, make_survey):
    survey = make_survey()
    survey.deadline = utcnow() - timedelta(hours=1)
    session.commit()
    result = runner.invoke(args=["forum", "survey-reminders"])
    assert "Surveys closed: 1." in result.output
    session.expire_all()
    assert session.get(Survey, survey.id).status is SurveyStatus.CLOSED


def test_an_evaluation_is_mailed_to_the_meetings_participants(
        app, session, staff_client, held_meeting, smtp_server):
    meeting, (first, second), without = held_meeting
    english(staff_client)
    page = text_of(staff_client.get(f"/meetings/{meeting.id}"))
    assert 'id="evaluation-heading"' in page and "Send an evaluation" in page
    response = staff_client.post(f"/meetings/{meeting.id}/evaluation")
    assert response.status_code == 303
    survey = session.scalar(select(Survey).where(Survey.meeting_id == meeting.id))
    assert response.location == f"/surveys/{survey.id}/questions"
    send_page = text_of(staff_client.get(f"/surveys/{survey.id}/send"))
    assert "2 participants of the meeting have an account" in send_page
    assert without.name in send_page  # no account: cannot answer
    staff_client.post(f"/surveys/{survey.id}/send", data={"message": ""})
    deliver(app)
    assert sorted(r for m in smtp_server.messages for r in m.rcpt_tos) == sorted(
        [first.email, second.email])
    [message] = smtp_server.to(first.email)
    assert meeting.title in message.text
    assert f"http://forum.test/surveys/{survey.id}/answer" in message.text
