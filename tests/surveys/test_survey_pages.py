"""Survey pages over HTTP: building a survey through its forms (messages beside the fields,
nothing saved when refused), sending, answering as a region's contact (drafts, submitting,
required questions, the deadline, one answer per region), what another region's contact and
others may do, and an answer that survives the end of its session."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from suite_support import PASSWORD
from sqlalchemy import func, select

from forum.surveys.models import (
    KeptAnswer,
    QuestionKind,
    ResponseStatus,
    Survey,
    SurveyResponse,
    SurveyStatus,
)
from forum.timeutil import STOCKHOLM, utcnow
from material_fixtures import english, errors_beside, text_of
from surveys_fixtures import field, full_answer, question


def future(days: int = 14):
    return (utcnow() + timedelta(days=days)).astimezone(STOCKHOLM)


def response_of(session, survey, region) -> SurveyResponse | None:
    session.expire_all()
    return session.scalar(select(SurveyResponse).where(
        SurveyResponse.survey_id == survey.id, SurveyResponse.region_id == region.id))


@pytest.fixture
def app_config(request):
    # The tests that need CSRF on pass it with indirect parametrization.
    return getattr(request, "param", {})


@pytest.fixture
def staff(staff_client):
    return english(staff_client)


@pytest.fixture
def contact(app, make_account, login):
    """contact(code="12") -> (client signed in as a contact of that region, account)."""

    def make(code: str = "12"):
        account = make_account("region_contact", region_code=code)
        return english(login(app.test_client(), account)), account

    return make


# --- building ---------------------------------------------------------------------------------


def test_the_secretariat_makes_a_survey_through_the_form(staff, session):
    when = future()
    response = staff.post("/surveys/new", data={
        "title": "Regionernas internationella engagemang",
        "introduction": "Kartläggning av internationella kontakter.",
        "deadline_day": when.date().isoformat(), "deadline_time": "16:00"})
    assert response.status_code == 303
    survey = session.scalar(select(Survey).where(Survey.title.like("Regionernas%")))
    assert response.location == f"/surveys/{survey.id}/questions"
    assert survey.status is SurveyStatus.DRAFT
    assert survey.deadline.astimezone(STOCKHOLM).strftime("%H:%M") == "16:00"


def test_a_refused_survey_form_keeps_what_was_typed_and_saves_nothing(staff, session):
    yesterday = future(-1)
    response = staff.post("/surveys/new", data={
        "title": "Sen enkät", "introduction": "Text som ska finnas kvar",
        "deadline_day": yesterday.date().isoformat(), "deadline_time": "12:00"})
    assert response.status_code == 400
    page = text_of(response)
    assert errors_beside(page, "deadline_day") == "The deadline must be later than now."
    assert "Text som ska finnas kvar" in page
    response = staff.post("/surveys/new", data={"title": "", "deadline_day": "31/12",
                                                "deadline_time": ""})
    page = text_of(response)
    assert errors_beside(page, "title") == "This field is required."
    assert errors_beside(page, "deadline_day") == "Write the date as YYYY-MM-DD, e.g. 2026-11-24."
    assert errors_beside(page, "deadline_time") == "Give the time of day."
    assert session.scalar(select(func.count(Survey.id))) == 0


def test_questions_are_added_changed_moved_and_removed(staff, session, make_survey):
    survey = make_survey(opened=False, questions=[])
    url = f"/surveys/{survey.id}/questions"
    assert staff.post(url, data={"kind": "one_choice", "text": "Hur ofta?",
                                 "options": "Ofta\nSällan\n\nAldrig", "required": "y"}
                      ).status_code == 303
    assert staff.post(url, data={"kind": "number", "text": "Hur många?",
                                 "min_value": "0", "max_value": "1 000"}).status_code == 303
    assert staff.post(url, data={"kind": "countries", "text": "Vilket land?"}
                      ).status_code == 303
    session.refresh(survey)
    first, number, country = sorted(survey.questions, key=lambda q: q.position)
    assert first.options == ["Ofta", "Sällan", "Aldrig"] and first.required
    assert (number.min_value, number.max_value) == (0, 1000)
    assert country.kind is QuestionKind.COUNTRIES and country.several is False

    page = text_of(staff.get(url))
    assert "Hur ofta?" in page and "Sällan" in page and "at most 1,000" in page

    edit = f"/surveys/{survey.id}/questions/{number.id}/edit"
    # Without grouping in the field, so that it reads back the same in either language.
    assert 'value="1000"' in text_of(staff.get(edit))
    assert staff.post(edit, data={"kind": "number", "text": "Hur många personer?",
                                  "min_value": "1"}).status_code == 303
    assert staff.post(f"/surveys/{survey.id}/questions/{country.id}/move",
                      data={"direction": "up"}).status_code == 303
    assert staff.post(f"/surveys/{survey.id}/questions/{first.id}/remove").status_code == 303
    session.expire_all()
    survey = session.get(Survey, survey.id)
    assert [q.text for q in survey.questions] == ["Vilket land?", "Hur många personer?"]
    assert survey.questions[1].max_value is None


def test_a_refused_question_shows_its_message_beside_the_field(staff, session, make_survey):
    survey = make_survey(opened=False, questions=[])
    response = staff.post(f"/surveys/{survey.id}/questions", data={
        "kind": "several_choices", "text": "Vilka former?", "options": "Bara en"})
    assert response.status_code == 400
    page = text_of(response)
    assert errors_beside(page, "options") == "Give at least two alternatives, one on each line."
    assert "Vilka former?" in page  # kept
    response = staff.post(f"/surveys/{survey.id}/questions", data={
        "kind": "number", "text": "Antal", "min_value": "tio", "max_value": "5"})
    assert errors_beside(text_of(response), "min_value") == "Write a number, e.g. 12 or 2,5."
    response = staff.post(f"/surveys/{survey.id}/questions", data={
        "kind": "number", "text": "Antal", "min_value": "10", "max_value": "5"})
    assert errors_beside(text_of(response), "max_value") == (
        "The highest number must not be lower than the lowest.")
    session.refresh(survey)
    assert survey.questions == []


def test_a_sent_surveys_questions_cannot_be_changed_over_http(staff, session, make_survey):
    survey = make_survey()
    before = [(q.id, q.text) for q in survey.questions]
    page = text_of(staff.get(f"/surveys/{survey.id}/questions"))
    assert "can no longer be changed" in page and 'id="new-question"' not in page
    response = staff.post(f"/surveys/{survey.id}/questions",
                          data={"kind": "yes_no", "text": "Smygfråga?"})
    assert response.status_code == 303
    assert "can no longer be changed" in text_of(staff.get(response.location))
    first = question(survey, 1)
    assert staff.post(f"/surveys/{survey.id}/questions/{first.id}/remove").status_code == 303
    session.expire_all()
    assert [(q.id, q.text) for q in session.get(Survey, survey.id).questions] == before
    # The wording may be corrected; the kind and the rest stay, whatever is sent.
    edit = f"/surveys/{survey.id}/questions/{first.id}/edit"
    page = text_of(staff.get(edit))
    assert re.search(r'<select disabled id="kind"', page)
    response = staff.post(edit, data={"kind": "number", "text": "Vem svarar för regionen?",
                                      "help_text": "Namn och funktion."})
    assert response.status_code == 303
    session.expire_all()
    corrected = session.get(Survey, survey.id).questions[0]
    assert corrected.text == "Vem svarar för regionen?"
    assert corrected.kind is QuestionKind.SHORT_TEXT and corrected.required


def test_the_send_page_names_the_regions_without_a_contact(staff, session, make_survey,
                                                          make_account):
    make_account("region_contact", region_code="12")
    make_account("region_contact", region_code="01")
    survey = make_survey(opened=False)
    page = text_of(staff.get(f"/surveys/{survey.id}/send"))
    assert "19 regions have no contact account" in page
    missing = page.split('id="no-contact"', 1)[1].split("</p>", 1)[0]
    assert "Region Uppsala" in missing and "Region Skåne" not in missing
    response = staff.post(f"/surveys/{survey.id}/send", data={"message": "Hör av er!"})
    assert response.status_code == 303
    session.refresh(survey)
    assert survey.status is SurveyStatus.OPEN
    assert "2 e-mails were sent" in text_of(staff.get(response.location))


# --- answering -----------------------------------------------------------------------------------


def test_the_answer_page_warns_how_long_a_session_lasts(contact, make_survey):
    client, _account = contact()
    survey = make_survey()
    page = text_of(client.get(f"/surveys/{survey.id}/answer"))
    assert "You are logged out after 8 hours without activity" in page
    assert "drafts are kept until the deadline" in page
    assert "what you typed is kept and shown again" in page
    # Every question, with its own field.
    for q in survey.questions:
        assert q.text in page
        assert f'id="{q.field_name}' in page
    assert "Kina" not in page and "China" in page  # the countries in the reader's language


def test_a_contact_saves_a_draft_then_submits(contact, session, make_survey, region):
    client, account = contact()
    survey = make_survey()
    url = f"/surveys/{survey.id}/answer"
    response = client.post(url, data={field(survey, 2): "Påbörjat svar", "save_draft": "y"})
    assert response.status_code == 303 and response.location == url
    saved = response_of(session, survey, region("12"))
    assert saved.status is ResponseStatus.DRAFT
    page = text_of(client.get(url))
    assert "The draft is saved. It is not counted until it is submitted." in page
    assert "Påbörjat svar" in page and "Not answered yet" not in page

    response = client.post(url, data=full_answer(survey))
    assert response.status_code == 303
    saved = response_of(session, survey, region("12"))
    assert saved.status is ResponseStatus.SUBMITTED and saved.answered_by_id == account.id
    page = text_of(client.get(url))
    assert "Thank you, the answer is submitted." in page
    assert "Save the changes" in page and "Save draft" not in page
    # The saved answer is shown again in the form.
    assert re.search(r'value="CN" checked', page) and re.search(r'value="14" checked', page)
    assert 'value="3,5"' in page or 'value="3.5"' in page


def test_a_saved_number_is_shown_so_that_it_reads_back(contact, session, make_survey, region):
    client, _account = contact()  # in English, where 1,500.5 would not read back
    survey = make_survey()
    url = f"/surveys/{survey.id}/answer"
    client.post(url, data=full_answer(survey, staff="1 500,5"))
    page = text_of(client.get(url))
    assert f'name="{field(survey, 5)}" type="text" value="1500.5"' in page
    data = full_answer(survey, staff="1500.5")
    assert client.post(url, data=data).status_code == 303
    number = next(a for a in response_of(session, survey, region("12")).answers
                  if a.question_id == question(survey, 5).id)
    assert number.number == 1500.5


def test_submitting_without_required_answers_shows_each_message_and_saves_nothing(
        contact, session, make_survey, region):
    client, _account = contact()
    survey = make_survey()
    url = f"/surveys/{survey.id}/answer"
    client.post(url, data={field(survey, 2): "Utkastet", "save_draft": "y"})
    response = client.post(url, data={field(survey, 2): "Nytt som inte sparas",
                                      field(survey, 5): "47 110", "send": "y"})
    assert response.status_code == 400
    page = text_of(response)
    assert errors_beside(page, field(survey, 1)) == "Answer the question."
    assert errors_beside(page, field(survey, 3)) == "Choose one."
    assert errors_beside(page, field(survey, 6)) == "Choose one."
    assert errors_beside(page, field(survey, 5)) == "The highest number accepted is 5,000."
    assert 'class="error-summary"' in page
    assert "Nytt som inte sparas" in page  # what was typed stays in the form
    saved = response_of(session, survey, region("12"))
    assert saved.status is ResponseStatus.DRAFT
    assert [a.text for a in saved.answers] == ["Utkastet"]


def test_a_contact_of_another_region_answers_only_for_their_own(contact, session, make_survey,
                                                               region):
    skane, _ = contact("12")
    uppsala, _ = contact("03")
    survey = make_survey()
    url = f"/surveys/{survey.id}/answer"
    skane.post(url, data=full_answer(survey, name="Skånes svar"))
    # Uppsala's contact sees an empty form for Uppsala, not Skåne's answer, even when asking
    # for Skåne by name.
    page = text_of(uppsala.get(url + "?region=12"))
    assert "Skånes svar" not in page and "Region Uppsala" in page
    uppsala.post(url + "?region=12", data=full_answer(survey, name="Uppsalas svar"))
    assert [a.text for a in response_of(session, survey, region("12")).answers
            if a.text.endswith("svar")] == ["Skånes svar"]
    assert response_of(session, survey, region("03")) is not None
    skanes = response_of(session, survey, region("12"))
    for address in (f"/surveys/{survey.id}/responses/{skanes.id}",
                    f"/surveys/{survey.id}/results", f"/surveys/{survey.id}/export.csv",
                    f"/surveys/{survey.id}"):
        assert uppsala.get(address).status_code == 403, address


def test_no_answers_are_taken_after_the_deadline(contact, session, make_survey, region):
    client, _account = contact()
    survey = make_survey()
    url = f"/surveys/{survey.id}/answer"
    client.post(url, data={field(survey, 2): "Före stängning", "save_draft": "y"})
    survey.deadline = utcnow() - timedelta(minutes=1)
    session.commit()
    response = client.post(url, data=full_answer(survey))
    assert response.status_code == 303
    page = text_of(client.get(url))
    assert "The survey is closed: answers are no longer taken." in page
    assert "Före stängning" in page  # the answer as saved, read only
    assert 'name="send"' not in page
    assert response_of(session, survey, region("12")).status is ResponseStatus.DRAFT


def test_a_draft_survey_does_not_exist_for_contacts(contact, make_survey):
    client, _account = contact()
    survey = make_survey(opened=False)
    assert client.get(f"/surveys/{survey.id}/answer").status_code == 404
    assert survey.title not in text_of(client.get("/surveys"))


def test_a_contacts_list_shows_open_surveys_first_with_their_own_status(
        contact, make_survey, answer_as, session):
    client, account = contact()
    closed = make_survey(title="Förra årets enkät")
    answer_as(closed, account, full_answer(closed))
    closed.deadline = utcnow() - timedelta(days=1)
    session.commit()
    open_survey = make_survey(title="Årets enkät", deadline=utcnow() + timedelta(days=5))
    page = text_of(client.get("/surveys"))
    assert page.index("Årets enkät") < page.index("Förra årets enkät")
    assert "Not answered" in page and "Submitted" in page
    assert open_survey.title in page


def test_the_secretariat_enters_an_answer_for_a_region(staff, session, make_survey, region):
    survey = make_survey()
    chooser = text_of(staff.get(f"/surveys/{survey.id}/answer"))
    assert f'href="/surveys/{survey.id}/answer?region=09"' in chooser
    url = f"/surveys/{survey.id}/answer?region=09"
    page = text_of(staff.get(url))
    assert "You are entering the answer of Region Gotland" in page
    response = staff.post(url, data=full_answer(survey, name="Svar via e-post"))
    assert response.status_code == 303 and response.location == url
    assert response_of(session, survey, region("09")).is_submitted
    assert staff.get(f"/surveys/{survey.id}/answer?region=99").status_code == 404


# --- nothing typed is lost when the session has ended ---------------------------------------------


def login_through_the_form(client, account, next_url: str):
    page = client.get(f"/login?next={quote(next_url)}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    data = {"email": account.email, "password": PASSWORD, "next": next_url}
    if token:
        data["csrf_token"] = token.group(1)
    return client.post("/login", data=data)


def test_an_answer_posted_after_logging_out_is_kept_across_the_login(
        app, session, make_survey, make_account, region):
    account = make_account("region_contact")
    survey = make_survey()
    url = f"/surveys/{survey.id}/answer"
    client = english(app.test_client())  # not logged in: the session has run out
    typed = full_answer(survey, name="Skrivet innan utloggningen")
    typed[field(survey, 2)] = "En lång text som tog en timme att skriva."
    response = client.post(url, data=typed)
    assert response.status_code == 302
    assert response.location == f"/login?next={quote(url, safe='')}"
    assert session.scalar(select(func.count(KeptAnswer.id))) == 1
    assert response_of(session, survey, region("12")) is None  # nothing saved unseen

    page = text_of(client.get(response.location))
    assert "You were logged out before your answer was saved." in page
    response = login_through_the_form(client, account, url)
    assert response.status_code == 302 and response.location == url

    page = text_of(client.get(url))
    assert "Det här är vad du skrev när du loggades ut." in page
    assert "Skrivet innan utloggningen" in page
    assert "En lång text som tog en timme att skriva." in page
    assert re.search(r'value="DE" checked', page)
    assert re.search(r'value="Mycket viktigt" checked', page)

    response = client.post(url, data=typed)
    assert response.status_code == 303
    saved = response_of(session, survey, region("12"))
    assert saved.is_submitted and saved.answered_by_id == account.id
    assert session.scalar(select(func.count(KeptAnswer.id))) == 0
    assert "Det här är vad du skrev" not in text_of(client.get(url))


def test_what_was_kept_can_be_discarded(app, session, make_survey, make_account):
    account = make_account("region_contact")
    survey = make_survey()
    url = f"/surveys/{survey.id}/answer"
    client = english(app.test_client())
    client.post(url, data={field(survey, 1): "Glöm detta"})
    login_through_the_form(client, account, url)
    assert "Glöm detta" in text_of(client.get(url))
    assert client.post(url, data={"discard_kept": "y"}).status_code == 303
    page = text_of(client.get(url))
    assert "Glöm detta" not in page and "Det som sparades har tagits bort." in page
    assert session.scalar(select(func.count(KeptAnswer.id))) == 0


def test_nothing_is_kept_for_another_survey_or_someone_not_asked(app, session, make_survey,
                                                                make_account, login):
    survey = make_survey()
    other = make_survey(title="En annan enkät")
    client = english(app.test_client())
    client.post(f"/surveys/{survey.id}/answer", data={field(survey, 1): "Till den första"})
    login_through_the_form(client, make_account("region_contact"), "/")
    assert "Till den första" not in text_of(client.get(f"/surveys/{other.id}/answer"))
    # Someone who is not asked gets no form, kept or not.
    stranger = english(app.test_client())
    stranger.post(f"/surveys/{survey.id}/answer", data={field(survey, 1): "Obehörig"})
    login_through_the_form(stranger, make_account("member"), "/")
    assert stranger.get(f"/surveys/{survey.id}/answer").status_code == 403


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}], indirect=True, ids=["csrf"])
def test_a_form_whose_session_was_renewed_is_kept_to_check_and_send_again(
        app, session, make_survey, make_account, login, region):
    """A remembered login renews an expired session: signed in, but the form's CSRF token
    belongs to the old one. The answer is not saved blind, and not lost."""
    account = make_account("region_contact")
    survey = make_survey()
    url = f"/surveys/{survey.id}/answer"
    old = login(app.test_client(), account)
    page = old.get(url).get_data(as_text=True)
    stale = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    renewed = login(app.test_client(), account)  # the same person, a new session
    data = full_answer(survey, name="Efter förnyad session")
    data["csrf_token"] = stale
    response = renewed.post(url, data=data)
    assert response.status_code == 303 and response.location == url
    assert response_of(session, survey, region("12")) is None
    page = text_of(renewed.get(url))
    assert "Efter förnyad session" in page
    assert "Det här är vad du skrev när du loggades ut." in page
    # Sent again with this session's token, it is saved.
    token = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"',
                      page).group(1)
    data["csrf_token"] = token
    assert renewed.post(url, data=data).status_code == 303
    assert response_of(session, survey, region("12")).is_submitted


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}], indirect=True, ids=["csrf"])
def test_an_expired_session_with_csrf_on_keeps_the_answer_and_asks_to_log_in(
        app, session, make_survey, make_account, login):
    account = make_account("region_contact")
    survey = make_survey()
    url = f"/surveys/{survey.id}/answer"
    page = login(app.test_client(), account).get(url).get_data(as_text=True)
    stale = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    gone = app.test_client()  # the browser's session cookie expired
    response = gone.post(url, data={field(survey, 2): "Lång text", "csrf_token": stale})
    assert response.status_code == 302
    assert response.location == f"/login?next={quote(url, safe='')}"
    response = login_through_the_form(gone, account, url)
    assert response.location == url
    assert "Lång text" in text_of(gone.get(url))
