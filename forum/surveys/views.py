"""Survey pages: the list, building a survey and its questions, sending, reminders,
closing, the answer form, results per question and per region, exports, the results as a
meeting's material, and evaluations started from a meeting.

The secretariat builds and sees everything. A region's contact answers for their region and
sees only that answer; an evaluation is answered by the meeting's participants. A survey
not yet sent does not exist for them (404); one sent to others is refused (403). The
secretariat may enter an answer that came another way, for a region or a participant.

An answer posted after the session ran out is not lost: it is kept (forum/surveys/services
`keep`), the person logs in, and the form shows what they typed.
"""

from __future__ import annotations

import re

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext, ngettext
from flask_login import login_url
from flask_wtf.csrf import CSRFError
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import MultiDict

from forum.access import SECRETARIAT, SIGNED_IN, access, account, is_secretariat
from forum.db import db
from forum.forms import Form
from forum.i18n import language, moment
from forum.material.models import Visibility
from forum.meetings.models import Meeting
from forum.meetings.queries import is_participant
from forum.roster.models import Person, Region
from forum.surveys import exports, queries, results, rules, services
from forum.surveys.forms import (
    KIND_LABELS,
    AttachForm,
    QuestionForm,
    ReopenForm,
    SendForm,
    SurveyForm,
    answer_data,
    answer_form,
)
from forum.surveys.models import Question, QuestionKind, Survey, SurveyStatus
from forum.surveys.rules import AnswerRefused, SurveyError
from forum.surveys.services import Respondent
from forum.timeutil import STOCKHOLM, utcnow

bp = Blueprint("surveys", __name__)

# The session key of a kept answer's token; the login view carries it over its
# session.clear() (forum/accounts/views.py KEPT_ACROSS_LOGIN).
KEPT = "kept_answers"
QUESTION_FIELD = re.compile(r"q\d+")


@bp.record_once
def _template_words(state) -> None:
    state.app.jinja_env.globals.update(question_kind_labels=KIND_LABELS,
                                       format_number=rules.format_number)


# --- loading ---------------------------------------------------------------------------------


def _survey(survey_id: int) -> Survey:
    found = queries.survey(db.session, survey_id)
    if found is None:
        abort(404)
    return found


def _question(survey: Survey, question_id: int) -> Question:
    found = next((q for q in survey.questions if q.id == question_id), None)
    if found is None:
        abort(404)
    return found


def _meeting_choices(include: int | None = None):
    meetings = db.session.scalars(
        select(Meeting).options(joinedload(Meeting.body))
        .order_by(Meeting.start_at.desc()).limit(300)
    ).all()
    found = [(m.id, f"{m.start_at.astimezone(STOCKHOLM):%Y-%m-%d} {m.title}") for m in meetings]
    if include is not None and include not in {m.id for m in meetings}:
        meeting = db.session.get(Meeting, include)
        if meeting is not None:
            found.append((meeting.id, f"{meeting.start_at.astimezone(STOCKHOLM):%Y-%m-%d} "
                                      f"{meeting.title}"))
    return found


def _regions_by_code() -> dict[str, Region]:
    return {r.code: r for r in queries.regions(db.session)}


def _choices_of(regions: list[Region]):
    lang = language()

    def choices(question: Question) -> list[tuple[str, str]]:
        if question.is_choice:
            return [(o, o) for o in question.options]
        if question.kind is QuestionKind.YES_NO:
            return [(rules.YES, gettext("Yes")), (rules.NO, gettext("No"))]
        if question.kind is QuestionKind.COUNTRIES:
            return list(rules.countries(lang))
        if question.kind is QuestionKind.REGIONS:
            return [(r.code, r.name) for r in regions]
        return []

    return choices


def _bad(form) -> int:
    return 400 if form.errors or form.form_errors else 200


# --- the list ----------------------------------------------------------------------------------


@bp.get("/surveys")
@access(SIGNED_IN)
def surveys():
    now = utcnow()
    user = account()
    context = {"addressed": queries.addressed_to(db.session, user, now), "now": now}
    if is_secretariat():
        context["rows"] = queries.all_surveys(db.session, now)
    return render_template("surveys/list.html", **context)


# --- building a survey --------------------------------------------------------------------------


@bp.route("/surveys/new", methods=["GET", "POST"])
@access(SECRETARIAT)
def new_survey():
    form = SurveyForm()
    form.meeting_id.set_choices(_meeting_choices())
    if request.method == "GET":
        meeting_id = request.args.get("meeting", type=int)
        if meeting_id and db.session.get(Meeting, meeting_id):
            form.meeting_id.data = meeting_id
    if form.validate_on_submit():
        try:
            created = services.create(
                db.session, by=account(), title=form.title.data or "",
                introduction=form.introduction.data or "", deadline=form.deadline(),
                meeting_id=form.meeting_id.data)
        except SurveyError as error:
            db.session.rollback()
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(gettext("The survey is saved as a draft. Add its questions."), "success")
            return redirect(url_for("surveys.questions", survey_id=created.id), 303)
    return render_template("surveys/form.html", form=form, survey=None), _bad(form)


@bp.route("/surveys/<int:survey_id>/edit", methods=["GET", "POST"])
@access(SECRETARIAT)
def edit_survey(survey_id: int):
    found = _survey(survey_id)
    form = SurveyForm(obj=found if request.method == "GET" else None)
    form.meeting_id.set_choices(_meeting_choices(found.meeting_id))
    if request.method == "GET":
        local = found.deadline.astimezone(STOCKHOLM)
        form.deadline_day.data, form.deadline_time.data = local.date(), local.time()
    if found.is_evaluation:
        form.meeting_id.render_kw = {"disabled": True}
    if form.validate_on_submit():
        try:
            services.update(db.session, found, title=form.title.data or "",
                            introduction=form.introduction.data or "",
                            deadline=form.deadline(),
                            meeting_id=found.meeting_id if found.is_evaluation
                            else form.meeting_id.data)
        except SurveyError as error:
            db.session.rollback()
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(gettext("The survey is saved."), "success")
            return redirect(url_for("surveys.survey", survey_id=found.id), 303)
    return render_template("surveys/form.html", form=form, survey=found), _bad(form)


@bp.get("/surveys/<int:survey_id>")
@access(SECRETARIAT)
def survey(survey_id: int, reopen_form: ReopenForm | None = None):
    found = _survey(survey_id)
    now = utcnow()
    who = queries.respondents(db.session, found)
    reminders = queries.reminders(db.session, found)
    status = rules.status_at(found, now)
    context = {
        "survey": found, "status": status, "respondents": who, "reminders": reminders,
        "contacts": queries.contacts(db.session) if not found.is_evaluation else {},
        "action_form": Form(formdata=None),
        "rate": rules.response_rate(len(who.submitted), len(who.asked)),
        "to_remind": len(services.addressees(db.session, found, only_missing=True))
        if status is SurveyStatus.OPEN else 0,
        "reopen_form": reopen_form or ReopenForm(formdata=None),
        "now": now,
    }
    return render_template("surveys/survey.html", **context)


@bp.route("/surveys/<int:survey_id>/questions", methods=["GET", "POST"])
@access(SECRETARIAT)
def questions(survey_id: int):
    found = _survey(survey_id)
    form = QuestionForm()
    if request.method == "GET":
        form.several.data = True
    elif found.status is not SurveyStatus.DRAFT:
        flash(gettext("The survey has been sent: its questions can no longer be changed."),
              "error")
        return redirect(url_for("surveys.questions", survey_id=found.id), 303)
    if request.method == "POST" and form.validate_on_submit():
        try:
            services.add_question(db.session, found, form.spec())
        except SurveyError as error:
            db.session.rollback()
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(gettext("The question is added."), "success")
            return redirect(url_for("surveys.questions", survey_id=found.id) + "#new-question",
                            303)
    return render_template("surveys/questions.html", survey=found, form=form,
                           action_form=Form(formdata=None)), _bad(form)


@bp.route("/surveys/<int:survey_id>/questions/<int:question_id>/edit", methods=["GET", "POST"])
@access(SECRETARIAT)
def edit_question(survey_id: int, question_id: int):
    found = _survey(survey_id)
    question = _question(found, question_id)
    form = QuestionForm()
    sent = found.status is not SurveyStatus.DRAFT
    if request.method == "GET":
        form.fill(question)
    if sent:
        # Only the wording: the rest is shown as it is, and kept as it is.
        for name in services.STRUCTURE:
            getattr(form, name).render_kw = {"disabled": True}
    if form.validate_on_submit():
        spec = form.spec()
        if sent:
            spec = rules.QuestionSpec(
                kind=question.kind, text=spec.text, help_text=spec.help_text,
                required=question.required, options=list(question.options),
                min_value=question.min_value, max_value=question.max_value,
                several=question.several)
        try:
            services.update_question(db.session, question, spec)
        except SurveyError as error:
            db.session.rollback()
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(gettext("The question is saved."), "success")
            return redirect(url_for("surveys.questions", survey_id=found.id)
                            + f"#question-{question.id}", 303)
    return render_template("surveys/question.html", survey=found, question=question,
                           form=form), _bad(form)


@bp.post("/surveys/<int:survey_id>/questions/<int:question_id>/move")
@access(SECRETARIAT)
def move_question(survey_id: int, question_id: int):
    found = _survey(survey_id)
    question = _question(found, question_id)
    direction = request.form.get("direction")
    if Form().validate_on_submit() and direction in ("up", "down"):
        try:
            services.move_question(db.session, question, -1 if direction == "up" else 1)
        except SurveyError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
    return redirect(url_for("surveys.questions", survey_id=found.id)
                    + f"#question-{question.id}", 303)


@bp.post("/surveys/<int:survey_id>/questions/<int:question_id>/remove")
@access(SECRETARIAT)
def remove_question(survey_id: int, question_id: int):
    found = _survey(survey_id)
    question = _question(found, question_id)
    if Form().validate_on_submit():
        try:
            services.remove_question(db.session, question)
        except SurveyError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(gettext("The question is removed."), "success")
    return redirect(url_for("surveys.questions", survey_id=found.id), 303)


@bp.get("/surveys/<int:survey_id>/preview")
@access(SECRETARIAT)
def preview(survey_id: int):
    found = _survey(survey_id)
    regions = queries.regions(db.session)
    form = answer_form(found.questions, _choices_of(regions))
    return render_template("surveys/preview.html", survey=found, form=form)


# --- sending, reminding, closing ----------------------------------------------------------------


@bp.route("/surveys/<int:survey_id>/send", methods=["GET", "POST"])
@access(SECRETARIAT)
def send(survey_id: int):
    found = _survey(survey_id)
    form = SendForm()
    if found.status is not SurveyStatus.DRAFT:
        if request.method == "POST":
            flash(gettext("The survey has already been sent."), "error")
            return redirect(url_for("surveys.survey", survey_id=found.id), 303)
        return render_template("surveys/send.html", survey=found, form=form, sent=True)
    if form.validate_on_submit():
        try:
            sent = services.open_survey(db.session, found, by=account(),
                                        message=form.message.data or "")
        except SurveyError as error:
            db.session.rollback()
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(ngettext("The survey is open and %(num)d e-mail was sent.",
                           "The survey is open and %(num)d e-mails were sent.", sent), "success")
            return redirect(url_for("surveys.survey", survey_id=found.id), 303)
    context: dict = {"survey": found, "form": form}
    if found.is_evaluation:
        meeting: Meeting = found.meeting  # type: ignore[assignment]
        able, unable = services.evaluation_recipients(db.session, meeting)
        context.update(able=able, unable=unable)
    else:
        context.update(regions=queries.regions(db.session), contacts=queries.contacts(db.session))
    return render_template("surveys/send.html", **context), _bad(form)


@bp.post("/surveys/<int:survey_id>/remind")
@access(SECRETARIAT)
def remind(survey_id: int):
    found = _survey(survey_id)
    if Form().validate_on_submit():
        try:
            reminder = services.remind(db.session, found, by=account())
        except SurveyError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(ngettext("A reminder was sent to %(num)d person.",
                           "A reminder was sent to %(num)d people.", reminder.recipients),
                  "success")
    return redirect(url_for("surveys.survey", survey_id=found.id) + "#answers", 303)


@bp.post("/surveys/<int:survey_id>/close")
@access(SECRETARIAT)
def close(survey_id: int):
    found = _survey(survey_id)
    if Form().validate_on_submit():
        try:
            services.close_survey(db.session, found, by=account())
        except SurveyError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(gettext("The survey is closed. No more answers are taken."), "success")
    return redirect(url_for("surveys.survey", survey_id=found.id), 303)


@bp.post("/surveys/<int:survey_id>/reopen")
@access(SECRETARIAT)
def reopen(survey_id: int):
    found = _survey(survey_id)
    if rules.status_at(found, utcnow()) is not SurveyStatus.CLOSED:
        flash(gettext("Only a closed survey can be opened again."), "error")
        return redirect(url_for("surveys.survey", survey_id=found.id), 303)
    form = ReopenForm()
    if form.validate_on_submit():
        try:
            services.reopen_survey(db.session, found, deadline=form.deadline())
        except SurveyError as error:
            db.session.rollback()
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(gettext("The survey is open again."), "success")
            return redirect(url_for("surveys.survey", survey_id=found.id), 303)
    return survey(found.id, reopen_form=form), 400


# --- evaluations of meetings --------------------------------------------------------------------


@bp.post("/meetings/<int:meeting_id>/evaluation")
@access(SECRETARIAT)
def start_evaluation(meeting_id: int):
    meeting = db.session.get(Meeting, meeting_id) or abort(404)
    if Form().validate_on_submit():
        try:
            created = services.start_evaluation(db.session, meeting, by=account())
        except SurveyError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(gettext("An evaluation with the standard questions is ready. Change what "
                          "you want, then send it."), "success")
            return redirect(url_for("surveys.questions", survey_id=created.id), 303)
    return redirect(url_for("meetings.meeting", meeting_id=meeting.id) + "#evaluation", 303)


def meeting_context(meeting: Meeting) -> dict:
    """The meeting page's evaluation section, for the secretariat (forum/meetings/views.py)."""
    evaluation = queries.evaluation_of(db.session, meeting.id)
    context: dict = {"evaluation": evaluation, "linked_surveys": queries.linked_to(
        db.session, meeting.id), "evaluation_form": Form(formdata=None)}
    if evaluation is not None:
        now = utcnow()
        answers = queries.responses(db.session, evaluation, submitted_only=True)
        submitted, _drafts, expected = queries.response_counts(db.session, evaluation)
        context.update(
            evaluation_status=rules.status_at(evaluation, now),
            evaluation_counts=(submitted, expected, rules.response_rate(submitted, expected)),
            evaluation_results=results.compile_results(
                evaluation.questions, answers, language=language(),
                regions=_regions_by_code()),
        )
    return context


# --- answering ------------------------------------------------------------------------------------


def _respondent(found: Survey) -> tuple[Respondent | None, bool]:
    """Who the signed-in account answers for, and whether on someone's behalf (the
    secretariat enters an answer that came by e-mail or on paper)."""
    user = account()
    if is_secretariat() and ("region" in request.args or "person" in request.args):
        if found.is_evaluation:
            person_id = request.args.get("person", type=int)
            person = db.session.get(Person, person_id) if person_id else None
            if person is None or not queries.is_recipient(db.session, found, person.id):
                abort(404)
            return Respondent(person=person), True
        region = db.session.scalar(select(Region).where(Region.code == request.args.get(
            "region", "")))
        if region is None:
            abort(404)
        return Respondent(region=region), True
    if found.status is SurveyStatus.DRAFT:
        return None, False
    if found.is_evaluation:
        # Those it was sent to, and anyone else who took part (a guest added afterwards).
        if queries.is_recipient(db.session, found, user.person_id) or is_participant(
                db.session, found.meeting, user.person_id):  # type: ignore[arg-type]
            return Respondent(person=user.person), False
    elif user.contact_region_id is not None:
        return Respondent(region=db.session.get(Region, user.contact_region_id)), False
    return None, False


def _answer_url(found: Survey, respondent: Respondent, on_behalf: bool) -> str:
    if not on_behalf:
        return url_for("surveys.answer", survey_id=found.id)
    if respondent.region is not None:
        return url_for("surveys.answer", survey_id=found.id, region=respondent.region.code)
    person: Person = respondent.person  # type: ignore[assignment]
    return url_for("surveys.answer", survey_id=found.id, person=person.id)


def _session_hours() -> int:
    lifetime = current_app.permanent_session_lifetime
    return max(1, round(lifetime.total_seconds() / 3600))


@bp.route("/surveys/<int:survey_id>/answer", methods=["GET", "POST"])
@access(SIGNED_IN)
def answer(survey_id: int):
    found = _survey(survey_id)
    respondent, on_behalf = _respondent(found)
    if respondent is None:
        if is_secretariat():
            return _choose_respondent(found)
        # A draft exists for nobody but the secretariat; a survey sent to others is refused.
        abort(404 if found.status is SurveyStatus.DRAFT else 403)
    now = utcnow()
    regions = queries.regions(db.session)
    choices = _choices_of(regions)
    response = queries.response_of(
        db.session, found, region_id=respondent.region.id if respondent.region else None,
        person_id=respondent.person.id if respondent.person else None)
    open_now = rules.takes_answers(found, now)
    here = _answer_url(found, respondent, on_behalf)
    token = session.get(KEPT)
    kept = services.kept(db.session, token, found) if open_now else None

    if request.method == "POST":
        if not open_now:
            flash(gettext("The survey is closed: answers are no longer taken."), "error")
            return redirect(here, 303)
        form = answer_form(found.questions, choices, formdata=request.form)
        if form.discard_kept.data:
            if form.validate_on_submit():
                services.forget(db.session, token)
                session.pop(KEPT, None)
                db.session.commit()
                flash(gettext("What was kept is discarded."), "success")
            return redirect(here, 303)
        if form.validate_on_submit():
            submit = bool(form.send.data)
            try:
                saved = services.save_answer(db.session, found, respondent, by=account(),
                                             values=form.values(), submit=submit, now=now)
            except AnswerRefused as refused:
                db.session.rollback()
                for field, message in refused.errors.items():
                    form.add_error(field, message)
            except SurveyError as error:
                db.session.rollback()
                form.add_error(error.field, error.message)
            else:
                if kept is not None:
                    services.forget(db.session, token)
                    session.pop(KEPT, None)
                db.session.commit()
                if saved.is_submitted:
                    flash(gettext("Thank you, the answer is submitted. It can be changed until "
                                  "%(deadline)s.", deadline=moment(found.deadline)), "success")
                else:
                    flash(gettext("The draft is saved. It is not counted until it is "
                                  "submitted."), "success")
                return redirect(here, 303)
        status = 400
        kept_now = kept is not None
    elif kept is not None:
        form = answer_form(found.questions, choices, formdata=MultiDict(
            [(name, value) for name, values in kept.data.items() for value in values]))
        status, kept_now = 200, True
    else:
        form = answer_form(found.questions, choices, data=answer_data(found.questions, response))
        status, kept_now = 200, False
    return render_template(
        "surveys/answer.html", survey=found, form=form, respondent=respondent,
        response=response, open_now=open_now, on_behalf=on_behalf, kept=kept_now,
        action=here, session_hours=_session_hours(), now=now,
    ), status


def _choose_respondent(found: Survey):
    """The secretariat's way in: which region (or participant) to enter an answer for."""
    who = queries.respondents(db.session, found)
    return render_template("surveys/choose.html", survey=found, respondents=who,
                           open_now=rules.takes_answers(found, utcnow()))


def _keep_posted() -> bool:
    """Keep what an answer form brought when it cannot be saved now (logged out, or the
    session that signed the form is gone): shown again after logging in."""
    found = db.session.get(Survey, (request.view_args or {}).get("survey_id"))
    if found is None or not rules.takes_answers(found, utcnow()):
        return False
    data = {name: request.form.getlist(name) for name in request.form
            if QUESTION_FIELD.fullmatch(name)}
    token = services.keep(db.session, found, data, ip_address=request.remote_addr or "",
                          replacing=session.get(KEPT))
    if token is None:
        db.session.rollback()
        return False
    db.session.commit()
    session[KEPT] = token
    return True


def _to_login(kept: bool):
    if kept:
        flash(gettext("You were logged out before your answer was saved. What you typed is "
                      "kept: log in and it is shown again."), "info")
    else:
        flash(gettext("Log in to see that page."), "info")
    return redirect(login_url("accounts.login", next_url=request.url))


@bp.before_request
def _logged_out_answer():
    """An answer posted without a login (the session ran out): keep it, then log in."""
    if request.endpoint == "surveys.answer" and request.method == "POST" and account() is None:
        return _to_login(_keep_posted())
    return None


@bp.errorhandler(CSRFError)
def _expired_form(error: CSRFError):
    """The form's session is gone (expired, or renewed by a remembered login): its answers
    cannot be trusted to be this person's choice, so they are kept and shown to check and
    send again rather than saved or lost."""
    if request.endpoint == "surveys.answer" and request.method == "POST":
        kept = _keep_posted()
        if account() is None:
            return _to_login(kept)
        if kept:
            flash(gettext("Your session had expired, so the answer was not saved. What you "
                          "typed is filled in below: check it and save again."), "error")
        return redirect(request.full_path.rstrip("?"), 303)
    return render_template("errors/400.html", error=error, code=400), 400


# --- results ------------------------------------------------------------------------------------


def _compiled(found: Survey):
    answers = queries.responses(db.session, found)
    who = queries.respondents(db.session, found, answers)
    regions = _regions_by_code()
    compiled = results.compile_results(found.questions, answers, language=language(),
                                       regions=regions)
    return answers, who, regions, compiled


@bp.get("/surveys/<int:survey_id>/results")
@access(SECRETARIAT)
def results_page(survey_id: int):
    found = _survey(survey_id)
    _answers, who, _regions, compiled = _compiled(found)
    return render_template(
        "surveys/results.html", survey=found, respondents=who, compiled=compiled,
        status=rules.status_at(found, utcnow()),
        rate=rules.response_rate(len(who.submitted), len(who.asked)),
    )


@bp.get("/surveys/<int:survey_id>/responses/<int:response_id>")
@access(SECRETARIAT)
def response(survey_id: int, response_id: int):
    found = _survey(survey_id)
    answers = queries.responses(db.session, found)
    chosen = next((r for r in answers if r.id == response_id), None)
    if chosen is None:
        abort(404)
    regions = _regions_by_code()
    lines = [(q, results.as_text(q, chosen.answer_to(q), language(), regions))
             for q in found.questions]
    return render_template("surveys/response.html", survey=found, response=chosen, lines=lines,
                           who=results.who(chosen))


@bp.get("/surveys/<int:survey_id>/export.csv")
@access(SECRETARIAT)
def export_csv(survey_id: int):
    found = _survey(survey_id)
    _answers, who, regions, _compiled_results = _compiled(found)
    return exports.as_csv(found, found.questions, who, language=language(), regions=regions)


@bp.get("/surveys/<int:survey_id>/export.xlsx")
@access(SECRETARIAT)
def export_xlsx(survey_id: int):
    found = _survey(survey_id)
    _answers, who, regions, compiled = _compiled(found)
    content = exports.workbook(found, found.questions, who, compiled, language=language(),
                               regions=regions)
    return exports.as_xlsx(content, found)


@bp.route("/surveys/<int:survey_id>/attach", methods=["GET", "POST"])
@access(SECRETARIAT)
def attach(survey_id: int):
    """The compiled results (the XLSX) as an underlag of a meeting."""
    found = _survey(survey_id)
    form = AttachForm()
    form.meeting_id.set_choices(_meeting_choices(found.meeting_id))
    if request.method == "GET":
        form.meeting_id.data = found.meeting_id
        form.title.data = gettext("Compiled answers: %(title)s", title=found.title)[:300]
        form.visibility.data = Visibility.PARTICIPANTS.value
    if form.validate_on_submit():
        _answers, who, regions, compiled = _compiled(found)
        content = exports.workbook(found, found.questions, who, compiled, language=language(),
                                   regions=regions)
        try:
            document = services.attach_results(
                db.session, found, by=account(), meeting_id=form.meeting_id.data,
                visibility=Visibility(form.visibility.data), title=form.title.data or "",
                content=content, file_name=exports.file_stem(found) + ".xlsx")
        except SurveyError as error:
            db.session.rollback()
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(gettext("The compiled answers are attached to the meeting as background "
                          "material."), "success")
            return redirect(url_for("material.document", document_id=document.id), 303)
    return render_template("surveys/attach.html", survey=found, form=form), _bad(form)
