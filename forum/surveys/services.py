"""Changes to surveys: building one and its questions, opening (with the e-mails), closing,
reminders, evaluations of meetings, saving answers, what was kept when a session ran out,
and the compiled results attached to a meeting as material.

Each change flushes, writes the audit log and raises SurveyError (or AnswerRefused, with a
message per field) before anything is changed; the request commits.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext
from sqlalchemy import delete, func, select
from sqlalchemy import update as sql_update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from forum import mail
from forum.accounts.models import Account
from forum.audit.services import record, snapshot
from forum.exports import XLSX
from forum.meetings.models import Meeting, MeetingStatus
from forum.meetings.queries import participants
from forum.roster.models import Person, Region
from forum.surveys import queries, rules
from forum.surveys.models import (
    KeptAnswer,
    Question,
    QuestionKind,
    ResponseStatus,
    Survey,
    SurveyAnswer,
    SurveyKind,
    SurveyRecipient,
    SurveyReminder,
    SurveyResponse,
    SurveyStatus,
)
from forum.surveys.rules import AnswerRefused, QuestionSpec, SurveyError, Value
from forum.timeutil import utcnow
from forum.urls import external_url

AUDITED = ("title", "introduction", "deadline", "meeting_id")
QUESTION_AUDITED = ("kind", "text", "help_text", "required", "options", "min_value",
                    "max_value", "several")


def _aware(moment: datetime) -> datetime:
    return rules._aware(moment)


# --- the survey -------------------------------------------------------------------------------


def _check_details(session: Session, title: str, deadline: datetime, meeting_id: int | None,
                   now: datetime, *, deadline_changed: bool = True) -> str:
    title = title.strip()
    if not title:
        raise SurveyError("title", gettext("Give the survey a title."))
    if len(title) > rules.TITLE_MAX:
        raise SurveyError("title", gettext("At most %(max)d characters.", max=rules.TITLE_MAX))
    if deadline_changed:
        rules.check_deadline(deadline, now)
    if meeting_id is not None and session.get(Meeting, meeting_id) is None:
        raise SurveyError("meeting_id", gettext("Choose a meeting from the list."))
    return title


def create(session: Session, *, by, title: str, introduction: str = "", deadline: datetime,
           meeting_id: int | None = None, kind: SurveyKind = SurveyKind.REGIONS,
           now: datetime | None = None) -> Survey:
    """A new survey to the regions, as a draft without questions."""
    title = _check_details(session, title, deadline, meeting_id, now or utcnow())
    if kind is SurveyKind.EVALUATION and meeting_id is None:
        raise SurveyError("meeting_id", gettext("An evaluation is of a meeting."))
    survey = Survey(kind=kind, title=title, introduction=introduction.strip(),
                    deadline=deadline, meeting_id=meeting_id,
                    created_by_id=by.id if by else None)
    session.add(survey)
    session.flush()
    record(session, "survey_created", target=survey, summary=title[:200],
           after=snapshot(survey, *AUDITED))
    return survey


def update(session: Session, survey: Survey, *, title: str, introduction: str,
           deadline: datetime, meeting_id: int | None, now: datetime | None = None) -> None:
    """Title, introduction, deadline and meeting: while a draft or open (a later deadline
    gives the regions more time). A closed survey is as it was."""
    now = now or utcnow()
    if survey.status is SurveyStatus.CLOSED:
        raise SurveyError(None, gettext("The survey is closed and can no longer be changed."))
    if survey.is_evaluation and meeting_id != survey.meeting_id:
        raise SurveyError("meeting_id", gettext("An evaluation stays with its meeting."))
    changed = _aware(deadline) != _aware(survey.deadline)
    title = _check_details(session, title, deadline, meeting_id, now, deadline_changed=changed)
    before = snapshot(survey, *AUDITED)
    survey.title, survey.introduction = title, introduction.strip()
    survey.deadline, survey.meeting_id = deadline, meeting_id
    after = snapshot(survey, *AUDITED)
    if after == before:
        return
    if changed:
        # A new deadline may call for a new automatic reminder before it.
        survey.auto_reminder_at = None
    session.flush()
    record(session, "survey_changed", target=survey, before=before, after=after)


def _editable(survey: Survey) -> None:
    if survey.status is not SurveyStatus.DRAFT:
        raise SurveyError(None, gettext(
            "The survey has been sent: its questions can no longer be changed."))


def add_question(session: Session, survey: Survey, spec: QuestionSpec) -> Question:
    _editable(survey)
    if len(survey.questions) >= rules.QUESTIONS_MAX:
        raise SurveyError(None, gettext("A survey has at most %(max)d questions.",
                                        max=rules.QUESTIONS_MAX))
    spec = rules.check_question(spec)
    position = max((q.position for q in survey.questions), default=0) + 1
    question = Question(survey_id=survey.id, position=position, kind=spec.kind, text=spec.text,
                        help_text=spec.help_text, required=spec.required,
                        options=spec.options or [], min_value=spec.min_value,
                        max_value=spec.max_value, several=spec.several)
    session.add(question)
    session.flush()
    session.expire(survey, ["questions"])
    record(session, "survey_question_added", target=survey, summary=spec.text[:200],
           after=snapshot(question, *QUESTION_AUDITED))
    return question


STRUCTURE = ("kind", "required", "options", "min_value", "max_value", "several")


def update_question(session: Session, question: Question, spec: QuestionSpec) -> None:
    """Change a question. Once the survey is sent only its wording may be corrected (the
    question and its help text), so that every answer was given to the same question."""
    survey = question.survey
    if survey.status is SurveyStatus.CLOSED:
        raise SurveyError(None, gettext("The survey is closed and can no longer be changed."))
    spec = rules.check_question(spec)
    if survey.status is not SurveyStatus.DRAFT and any(
            getattr(spec, name) != getattr(question, name) for name in STRUCTURE):
        raise SurveyError(None, gettext(
            "The survey has been sent: only the wording of a question can be corrected now."))
    before = snapshot(question, *QUESTION_AUDITED)
    question.kind, question.text, question.help_text = spec.kind, spec.text, spec.help_text
    question.required, question.options = spec.required, spec.options or []
    question.min_value, question.max_value = spec.min_value, spec.max_value
    question.several = spec.several
    after = snapshot(question, *QUESTION_AUDITED)
    if after == before:
        return
    session.flush()
    record(session, "survey_question_changed", target=question.survey,
           summary=spec.text[:200], before=before, after=after)


def _renumber(session: Session, survey: Survey, ordered: list[Question]) -> None:
    # Positions are unique per survey: move everyone out of the way first.
    offset = len(ordered) + max((q.position for q in ordered), default=0) + 1
    for question in ordered:
        question.position += offset
    session.flush()
    for position, question in enumerate(ordered, start=1):
        question.position = position
    session.flush()
    session.expire(survey, ["questions"])


def move_question(session: Session, question: Question, step: int) -> None:
    survey = question.survey
    _editable(survey)
    ordered = sorted(survey.questions, key=lambda q: q.position)
    index = ordered.index(question)
    target = index + step
    if not 0 <= target < len(ordered):
        return
    ordered[index], ordered[target] = ordered[target], ordered[index]
    _renumber(session, survey, ordered)
    record(session, "survey_question_moved", target=survey, summary=question.text[:200])


def remove_question(session: Session, question: Question) -> None:
    survey = question.survey
    _editable(survey)
    text = question.text
    ordered = [q for q in sorted(survey.questions, key=lambda q: q.position) if q is not question]
    session.delete(question)
    session.flush()
    _renumber(session, survey, ordered)
    record(session, "survey_question_removed", target=survey, summary=text[:200])


# --- evaluations of meetings -----------------------------------------------------------------


EVALUATION_DAYS = 14


def start_evaluation(session: Session, meeting: Meeting, *, by,
                     now: datetime | None = None) -> Survey:
    """A draft evaluation of a meeting held, with the standard questions, for the
    secretariat to change before sending. A meeting has one evaluation."""
    now = now or utcnow()
    if meeting.status is not MeetingStatus.HELD:
        raise SurveyError(None, gettext("A meeting is evaluated once it is marked as held."))
    existing = queries.evaluation_of(session, meeting.id)
    if existing is not None:
        raise SurveyError(None, gettext("The meeting already has an evaluation."))
    deadline = (now + timedelta(days=EVALUATION_DAYS)).replace(second=0, microsecond=0)
    survey = create(
        session, by=by, kind=SurveyKind.EVALUATION, meeting_id=meeting.id, deadline=deadline,
        title=gettext("Evaluation: %(meeting)s", meeting=meeting.title)[:rules.TITLE_MAX],
        introduction=gettext(
            "Thank you for taking part in the meeting. Your answers help the secretariat "
            "plan the forum's next meetings. It takes about five minutes."),
        now=now,
    )
    for spec in rules.evaluation_questions():
        add_question(session, survey, spec)
    return survey


# --- sending, closing, reminding ----------------------------------------------------------------


@dataclass
class Addressee:
    """One e-mail to send: to a contact for a region, or to a participant."""

    account: Account
    region: Region | None = None


def _region_addressees(session: Session, survey: Survey, only_missing: bool
                       ) -> list[Addressee]:
    contacts = queries.contacts(session)
    skip: set[int] = set()
    if only_missing:
        skip = set(session.scalars(select(SurveyResponse.region_id).where(
            SurveyResponse.survey_id == survey.id,
            SurveyResponse.status == ResponseStatus.SUBMITTED)))
    return [Addressee(account, region) for region in queries.regions(session)
            if region.id not in skip for account in contacts.get(region.id, [])]


def _participant_addressees(session: Session, survey: Survey, only_missing: bool
                            ) -> list[Addressee]:
    people = [p.id for p in queries.recipients(session, survey)]
    if only_missing:
        done = set(session.scalars(select(SurveyResponse.person_id).where(
            SurveyResponse.survey_id == survey.id,
            SurveyResponse.status == ResponseStatus.SUBMITTED)))
        people = [p for p in people if p not in done]
    accounts = queries.accounts_of(session, people)
    return [Addressee(accounts[p]) for p in people if p in accounts]


def addressees(session: Session, survey: Survey, *, only_missing: bool = False
               ) -> list[Addressee]:
    if survey.is_evaluation:
        return _participant_addressees(session, survey, only_missing)
    return _region_addressees(session, survey, only_missing)


def evaluation_recipients(session: Session, meeting: Meeting) -> tuple[list[Person], list[Person]]:
    """(those who can answer, those who cannot: no account) among a meeting's participants."""
    people = [p.person for p in participants(session, meeting)]
    accounts = queries.accounts_of(session, [p.id for p in people])
    return ([p for p in people if p.id in accounts], [p for p in people if p.id not in accounts])


def _mail(session: Session, survey: Survey, people: list[Addressee], template: str,
          message: str = "") -> int:
    link = external_url("surveys.answer", survey_id=survey.id)
    for addressee in people:
        account = addressee.account
        mail.queue(
            session, to=account.email, to_name=account.person.name, language=account.language,
            template=template, kind=template, survey=survey, person=account.person,
            region=addressee.region, meeting=survey.meeting, link=link, message=message,
        )
    return len(people)


def open_survey(session: Session, survey: Survey, *, by, message: str = "",
                now: datetime | None = None) -> int:
    """Send the survey: to every region's contact, or to the evaluated meeting's
    participants who have an account. The number of e-mails sent."""
    now = now or utcnow()
    if survey.status is not SurveyStatus.DRAFT:
        raise SurveyError(None, gettext("The survey has already been sent."))
    if not survey.questions:
        raise SurveyError(None, gettext("Add at least one question before sending."))
    if _aware(survey.deadline) <= now:
        raise SurveyError(None, gettext(
            "The deadline has passed. Choose a later deadline before sending."))
    if survey.is_evaluation:
        meeting = session.get(Meeting, survey.meeting_id)
        able, _unable = evaluation_recipients(session, meeting)  # type: ignore[arg-type]
        if not able:
            raise SurveyError(None, gettext(
                "None of the meeting's participants has an account to answer with."))
        session.add_all(SurveyRecipient(survey_id=survey.id, person_id=p.id) for p in able)
    survey.status = SurveyStatus.OPEN
    survey.opened_at = now
    session.flush()
    sent = _mail(session, survey, addressees(session, survey), "survey_opened", message.strip())
    record(session, "survey_opened", target=survey, summary=survey.title[:200],
           after={"emails": sent, "deadline": survey.deadline})
    return sent


def close_survey(session: Session, survey: Survey, *, by, now: datetime | None = None) -> None:
    if survey.status is not SurveyStatus.OPEN:
        raise SurveyError(None, gettext("Only an open survey can be closed."))
    survey.status = SurveyStatus.CLOSED
    survey.closed_at = now or utcnow()
    survey.closed_by_id = by.id if by else None
    session.flush()
    record(session, "survey_closed", target=survey, summary=survey.title[:200])


def reopen_survey(session: Session, survey: Survey, *, deadline: datetime,
                  now: datetime | None = None) -> None:
    """Take answers again, until a new deadline (a region asked for more time)."""
    now = now or utcnow()
    if rules.status_at(survey, now) is not SurveyStatus.CLOSED:
        raise SurveyError(None, gettext("Only a closed survey can be opened again."))
    rules.check_deadline(deadline, now)
    before = snapshot(survey, "deadline")
    survey.status = SurveyStatus.OPEN
    survey.deadline = deadline
    survey.closed_at = survey.closed_by_id = None
    survey.auto_reminder_at = None
    session.flush()
    record(session, "survey_reopened", target=survey, summary=survey.title[:200],
           before=before, after=snapshot(survey, "deadline"))


def remind(session: Session, survey: Survey, *, by, automatic: bool = False,
           now: datetime | None = None) -> SurveyReminder:
    """E-mail those who have not submitted (a draft is not an answer)."""
    now = now or utcnow()
    if not rules.takes_answers(survey, now):
        raise SurveyError(None, gettext("Reminders are sent while the survey is open."))
    people = addressees(session, survey, only_missing=True)
    if not people:
        raise SurveyError(None, gettext("Everyone who can answer has already answered."))
    sent = _mail(session, survey, people, "survey_reminder")
    reminder = SurveyReminder(survey_id=survey.id, sent_at=now, automatic=automatic,
                              sent_by_id=by.id if by else None, recipients=sent)
    session.add(reminder)
    session.flush()
    record(session, "survey_reminded", target=survey, summary=survey.title[:200],
           after={"emails": sent, "automatic": automatic})
    return reminder


def daily(session: Session, *, now: datetime | None = None,
          before: timedelta = rules.AUTO_REMINDER_BEFORE) -> tuple[int, int]:
    """The daily round (`forum survey-reminders`): close the surveys whose deadline has
    passed, send each open survey its one automatic reminder when the deadline is near,
    and forget answers kept for someone who never logged in again. (closed, reminded)."""
    now = now or utcnow()
    session.execute(delete(KeptAnswer).where(KeptAnswer.created_at < now - KEEP_FOR))
    closed = 0
    for survey in session.scalars(select(Survey).where(
            Survey.status == SurveyStatus.OPEN, Survey.deadline <= now)).all():
        survey.status = SurveyStatus.CLOSED
        survey.closed_at = survey.deadline
        closed += 1
        record(session, "survey_closed", target=survey, summary=survey.title[:200],
               after={"automatic": True})
    session.flush()
    reminded = 0
    for survey in session.scalars(select(Survey).where(
            Survey.status == SurveyStatus.OPEN, Survey.auto_reminder_at.is_(None),
            Survey.deadline <= now + before, Survey.deadline > now)).all():
        # Claim it first: two rounds at once (two machines' timers) send it once.
        claimed = session.execute(
            sql_update(Survey).where(Survey.id == survey.id, Survey.auto_reminder_at.is_(None))
            .values(auto_reminder_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not claimed:
            continue
        session.refresh(survey)
        try:
            remind(session, survey, by=None, automatic=True, now=now)
        except SurveyError:
            continue  # everyone has answered: nothing to send, and nothing later either
        reminded += 1
    return closed, reminded


# --- answers ------------------------------------------------------------------------------------


@dataclass
class Respondent:
    """Who an answer is for: a region (surveys to the regions) or a person (evaluations)."""

    region: Region | None = None
    person: Person | None = None

    @property
    def name(self) -> str:
        return self.region.name if self.region else self.person.name  # type: ignore[union-attr]


def _stored(question: Question, value: Value) -> Value:
    if question.kind is QuestionKind.NUMBER and value.text:
        return Value(number=rules.parse_number(value.text))
    if question.kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
        return Value(text=value.text)
    return Value(choices=list(value.choices or []))


def _find_or_make(session: Session, survey: Survey, respondent: Respondent) -> SurveyResponse:
    region_id = respondent.region.id if respondent.region else None
    person_id = respondent.person.id if respondent.person else None
    found = queries.response_of(session, survey, region_id=region_id, person_id=person_id)
    return found if found is not None else _insert(session, survey, region_id, person_id)


def _insert(session: Session, survey: Survey, region_id: int | None,
            person_id: int | None) -> SurveyResponse:
    """A new answer; when another one was made meanwhile (two contacts of one region saving
    their first draft at once), the database keeps one per region and this one is it."""
    response = SurveyResponse(survey_id=survey.id, region_id=region_id, person_id=person_id)
    try:
        with session.begin_nested():
            session.add(response)
            session.flush()
    except IntegrityError:
        found = queries.response_of(session, survey, region_id=region_id, person_id=person_id)
        if found is None:
            raise
        return found
    return response


def save_answer(session: Session, survey: Survey, respondent: Respondent, *, by,
                values: dict[int, Value], submit: bool,
                now: datetime | None = None) -> SurveyResponse:
    """Save a draft, or submit. A submitted answer stays submitted when changed, so its
    required questions stay answered. Nothing is saved when any field is wrong."""
    now = now or utcnow()
    if not rules.takes_answers(survey, now):
        raise SurveyError(None, gettext("The survey is closed: answers are no longer taken."))
    existing = queries.response_of(
        session, survey, region_id=respondent.region.id if respondent.region else None,
        person_id=respondent.person.id if respondent.person else None)
    if existing is not None and existing.is_submitted:
        submit = True
    region_codes = [r.code for r in queries.regions(session)]
    errors = rules.check_answers(survey.questions, values, submit=submit,
                                 region_codes=region_codes, country_codes=rules.country_codes())
    if errors:
        raise AnswerRefused(errors)
    response = existing or _find_or_make(session, survey, respondent)
    if respondent.person is not None and not queries.is_recipient(session, survey,
                                                                  respondent.person.id):
        # A participant the evaluation was not sent to (a guest added afterwards): asked now.
        session.add(SurveyRecipient(survey_id=survey.id, person_id=respondent.person.id))
    was_submitted = response.is_submitted
    current = {a.question_id: a for a in response.answers}
    for question in survey.questions:
        value = _stored(question, values.get(question.id, Value()))
        answer = current.get(question.id)
        if value.is_empty:
            if answer is not None:
                response.answers.remove(answer)
            continue
        if answer is None:
            answer = SurveyAnswer(question_id=question.id)
            response.answers.append(answer)
        answer.text = value.text
        answer.number = value.number
        answer.choices = value.choices or []
    response.answered_by_id = by.id if by else None
    response.updated_at = now
    if submit:
        response.status = ResponseStatus.SUBMITTED
        response.submitted_at = now
        if response.first_submitted_at is None:
            response.first_submitted_at = now
    session.flush()
    action = ("survey_answer_changed" if was_submitted else
              "survey_answer_submitted" if submit else "survey_answer_saved")
    record(session, action, target=response,
           person_id=respondent.person.id if respondent.person else None,
           summary=f"{survey.title} – {respondent.name}"[:200])
    return response


# --- what a respondent typed when their session had run out -------------------------------------


KEEP_FOR = timedelta(days=2)
KEEP_MAX_CHARACTERS = 200_000
KEEP_PER_ADDRESS_PER_HOUR = 30


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def keep(session: Session, survey: Survey, data: dict[str, list[str]], *, ip_address: str = "",
         replacing: str | None = None, now: datetime | None = None) -> str | None:
    """Keep a posted answer for the person to see again once logged in: the token for
    their session, or None when it is not kept (nothing typed, too much, too often)."""
    now = now or utcnow()
    if not any(v.strip() for values in data.values() for v in values):
        return None
    if sum(len(v) for values in data.values() for v in values) > KEEP_MAX_CHARACTERS:
        return None
    session.execute(delete(KeptAnswer).where(KeptAnswer.created_at < now - KEEP_FOR))
    if replacing:
        session.execute(delete(KeptAnswer).where(KeptAnswer.token_hash == _hash(replacing)))
    recent = session.scalar(select(func.count(KeptAnswer.id)).where(
        KeptAnswer.ip_address == ip_address[:45],
        KeptAnswer.created_at > now - timedelta(hours=1)))
    if ip_address and (recent or 0) >= KEEP_PER_ADDRESS_PER_HOUR:
        return None
    token = secrets.token_urlsafe(32)
    session.add(KeptAnswer(token_hash=_hash(token), survey_id=survey.id, data=data,
                           ip_address=ip_address[:45], created_at=now))
    session.flush()
    return token


def kept(session: Session, token: str | None, survey: Survey,
         now: datetime | None = None) -> KeptAnswer | None:
    if not token:
        return None
    found = session.scalar(select(KeptAnswer).where(KeptAnswer.token_hash == _hash(token)))
    now = now or utcnow()
    if found is None or found.survey_id != survey.id or _aware(found.created_at) < now - KEEP_FOR:
        return None
    return found


def forget(session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(KeptAnswer).where(KeptAnswer.token_hash == _hash(token)))


# --- results as material ----------------------------------------------------------------------




def attach_results(session: Session, survey: Survey, *, by, meeting_id: int | None,
                   visibility, title: str, content: bytes, file_name: str):
    """The compiled results (the XLSX export) as an underlag of a meeting, made by the
    material feature like any upload: versioned, searchable, with its visibility."""
    from forum.material import services as material
    from forum.material.models import DocumentKind
    from forum.material.services import MaterialError

    if meeting_id is None:
        raise SurveyError("meeting_id", gettext("Choose a meeting."))
    upload = FileStorage(io.BytesIO(content), filename=file_name, content_type=XLSX)
    try:
        document = material.create(
            session, by=by, title=title, kind=DocumentKind.BACKGROUND, visibility=visibility,
            meeting_id=meeting_id, upload=upload,
            description=gettext("Compiled answers to the survey %(title)s.", title=survey.title),
            note=gettext("Compiled from the survey's answers on %(date)s.",
                         date=utcnow().date().isoformat()),
        )
    except MaterialError as error:
        raise SurveyError(error.field if error.field in ("title", "meeting_id", "visibility")
                          else None, error.message) from None
    record(session, "survey_results_attached", target=survey,
           summary=f"{survey.title} → {title}"[:200], after={"document_id": document.id})
    return document
