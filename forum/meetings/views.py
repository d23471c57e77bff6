"""Meeting pages: the list, a meeting, creating and changing it, the agenda, guests, answers,
and a person's own meetings."""

from __future__ import annotations

from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from forum.access import PUBLIC, SECRETARIAT, SIGNED_IN, access, is_secretariat
from forum.answers import for_visitors
from forum.db import db
from forum.forms import Form
from forum.i18n import local
from forum.material.views import material_context
from forum.meetings import queries, records, services
from forum.meetings.access import sees_details, takes_part
from forum.meetings.blueprint import bp
from forum.meetings.forms import (
    AgendaItemForm,
    AnswerForm,
    CancelForm,
    GuestForm,
    MeetingFilterForm,
    MeetingForm,
)
from forum.meetings.models import AgendaItem, Answer, Meeting, MeetingGuest, MeetingStatus
from forum.meetings.services import MeetingError
from forum.roster.models import Body, Person, Region
from forum.roster.queries import people as all_people
from forum.strategy.queries import theme_choices
from forum.timeutil import STOCKHOLM, utcnow


def require(allowed: bool) -> None:
    """The object-level check: this account may see or change this meeting."""
    if not allowed:
        abort(403)


def _load(meeting_id: int) -> Meeting:
    meeting = queries.meeting_page(db.session, meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def _body_choices():
    return [(b.id, local(b, "name")) for b in db.session.scalars(select(Body).order_by(Body.position))]


@bp.get("/meetings")
@access(PUBLIC)
@for_visitors
def meetings():
    form = MeetingFilterForm(request.args)
    form.body.set_choices(_body_choices())
    form.theme.set_choices(theme_choices(db.session))
    years = queries.years_with_meetings(db.session)
    form.year.choices = [("", "—")] + [(str(y), str(y)) for y in years]
    ok = form.validate() if request.args else True
    year = form.year.data if ok and (form.year.data or "").isdigit() else None
    try:
        page = int(request.args.get("page", "1"))
    except ValueError:
        page = 1
    listing = queries.meeting_list(
        db.session,
        utcnow(),
        page=page,
        body_id=form.body.data if ok else None,
        theme_id=form.theme.data if ok else None,
        year=int(year) if year else None,
    )
    filters = {name: request.args[name] for name in ("body", "theme", "year")
               if ok and request.args.get(name)}
    return render_template("meetings/list.html", form=form, listing=listing,
                           filters=filters)


@bp.get("/meetings/<int:meeting_id>")
@access(PUBLIC)
@for_visitors
def meeting(meeting_id: int):
    return render_template("meetings/meeting.html", **_page_context(_load(meeting_id)))


def _page_context(found: Meeting, answer_form: AnswerForm | None = None) -> dict:
    """What the meeting page shows this visitor; an answer form that failed is shown again
    with its messages."""
    details = sees_details(found)
    participating = takes_part(found)
    context = {
        "meeting": found,
        "details": details,
        "participating": participating,
        "now": utcnow(),
    }
    if is_secretariat():
        from forum.surveys.views import meeting_context as survey_context

        context.update(survey_context(found))
        context["participants"] = queries.participants(db.session, found)
        context["agenda_form"] = AgendaItemForm(formdata=None)
        guest_form = GuestForm(formdata=None)
        guest_form.person_id.set_choices(
            (p.id, f"{p.family_name}, {p.given_name}"
             + (f" ({p.organisation.name})" if p.organisation else ""))
            for p in all_people(db.session)
        )
        context["guest_form"] = guest_form
        context["guests"] = db.session.scalars(
            select(MeetingGuest).where(MeetingGuest.meeting_id == found.id)
            .options(joinedload(MeetingGuest.person))
        ).all()
        context["action_form"] = Form(formdata=None)
    if participating and current_user.is_authenticated:
        mine = queries.answers_of(db.session, current_user.person_id, [found.id]).get(found.id)
        form = answer_form
        if form is None:
            form = AnswerForm(formdata=None)
            if mine is not None:
                form.answer.data = mine.answer.value
                form.substitute_name.data = mine.substitute_name
                form.substitute_email.data = mine.substitute_email
        context["answer_form"] = form
        context["my_answer"] = mine
    context.update(records.page_context(db.session, found))
    context.update(material_context(found))
    return context


def _fill_choices(form: MeetingForm, meeting: Meeting | None) -> None:
    form.body_id.set_choices(_body_choices())
    form.theme_id.set_choices(theme_choices(db.session))
    form.host_region_id.set_choices(
        (r.id, f"{r.code} {r.name}") for r in db.session.scalars(select(Region).order_by(Region.code))
    )
    others = db.session.scalars(
        select(Meeting).where(Meeting.status != MeetingStatus.CANCELLED)
        .options(joinedload(Meeting.body)).order_by(Meeting.start_at.desc()).limit(200)
    ).all()
    form.prepares_id.set_choices(
        (m.id, f"{m.start_at.astimezone(STOCKHOLM):%Y-%m-%d} {m.title}")
        for m in others if meeting is None or m.id != meeting.id
    )


def _fields(form: MeetingForm) -> dict:
    start = datetime.combine(form.day.data, form.start_time.data, tzinfo=STOCKHOLM)
    end = datetime.combine(form.day.data, form.end_time.data, tzinfo=STOCKHOLM)
    return {
        "body_id": form.body_id.data,
        "theme_id": form.theme_id.data,
        "title": form.title.data,
        "start_at": start,
        "end_at": end,
        "venue": form.venue.data or "",
        "address": form.address.data or "",
        "host_region_id": form.host_region_id.data,
        "online_url": form.online_url.data or "",
        "description": form.description.data or "",
        "prepares_id": form.prepares_id.data,
        "material_deadline": form.material_deadline.data,
    }


@bp.route("/meetings/new", methods=["GET", "POST"])
@access(SECRETARIAT)
def new_meeting():
    form = MeetingForm()
    _fill_choices(form, None)
    if request.method == "GET" and request.args.get("body", "").isdigit():
        # From a body's page: the meeting is that body's.
        form.body_id.data = int(request.args["body"])
    if form.validate_on_submit():
        try:
            created = services.create(db.session, **_fields(form))
        except MeetingError as error:
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(gettext("The meeting was created."), "success")
            return redirect(url_for("meetings.meeting", meeting_id=created.id))
    return render_template("meetings/form.html", form=form, meeting=None)


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@access(SECRETARIAT)
def edit_meeting(meeting_id: int):
    found = _load(meeting_id)
    form = MeetingForm(obj=found if request.method == "GET" else None)
    if request.method == "GET":
        local_start = found.start_at.astimezone(STOCKHOLM)
        form.day.data = local_start.date()
        form.start_time.data = local_start.time()
        form.end_time.data = found.end_at.astimezone(STOCKHOLM).time()
    _fill_choices(form, found)
    if form.validate_on_submit():
        try:
            moved = services.update(db.session, found, **_fields(form))
        except MeetingError as error:
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(gettext("The meeting was changed and every participant was told.") if moved
                  else gettext("The changes were saved."), "success")
            return redirect(url_for("meetings.meeting", meeting_id=found.id))
    return render_template("meetings/form.html", form=form, meeting=found)


@bp.post("/meetings/<int:meeting_id>/status")
@access(SECRETARIAT)
def set_status(meeting_id: int):
    found = _load(meeting_id)
    form = Form()
    wanted = request.form.get("status")
    if form.validate_on_submit() and wanted in ("confirmed", "held"):
        if wanted == "confirmed" and not (found.venue or found.online_url):
            flash(gettext("Give a venue or an online link before confirming."), "error")
            return redirect(url_for("meetings.edit_meeting", meeting_id=found.id))
        try:
            services.set_status(db.session, found, MeetingStatus(wanted))
        except MeetingError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(gettext("The meeting is confirmed and every participant was told.")
                  if wanted == "confirmed" else gettext("The meeting is marked as held."),
                  "success")
    return redirect(url_for("meetings.meeting", meeting_id=found.id))


@bp.route("/meetings/<int:meeting_id>/cancel", methods=["GET", "POST"])
@access(SECRETARIAT)
def cancel_meeting(meeting_id: int):
    found = _load(meeting_id)
    if found.is_cancelled:
        flash(gettext("The meeting is already cancelled."), "error")
        return redirect(url_for("meetings.meeting", meeting_id=found.id))
    form = CancelForm()
    if form.validate_on_submit():
        try:
            services.set_status(db.session, found, MeetingStatus.CANCELLED, form.reason.data)
        except MeetingError as error:
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(gettext("The meeting is cancelled and every participant was told."), "success")
            return redirect(url_for("meetings.meeting", meeting_id=found.id))
    return render_template("meetings/cancel.html", form=form, meeting=found)


@bp.post("/meetings/<int:meeting_id>/agenda")
@access(SECRETARIAT)
def add_agenda_item(meeting_id: int):
    found = _load(meeting_id)
    form = AgendaItemForm()
    if form.validate_on_submit():
        try:
            services.add_agenda_item(db.session, found, title=form.title.data,
                                     presenter=form.presenter.data or "",
                                     starts_at=form.starts_at.data)
        except MeetingError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(gettext("The agenda item was added."), "success")
    else:
        for field, messages in form.errors.items():
            for message in messages:
                flash(f"{getattr(form, field).label.text}: {message}", "error")
    return redirect(url_for("meetings.meeting", meeting_id=found.id) + "#agenda")


@bp.post("/agenda/<int:item_id>")
@access(SECRETARIAT)
def change_agenda_item(item_id: int):
    item = db.session.get(AgendaItem, item_id) or abort(404)
    form = Form()
    action = request.form.get("action")
    # Anything but the three buttons changes nothing.
    if form.validate_on_submit() and action in ("remove", "up", "down"):
        try:
            if action == "remove":
                services.remove_agenda_item(db.session, item)
            else:
                services.move_agenda_item(db.session, item, -1 if action == "up" else 1)
        except MeetingError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
    return redirect(url_for("meetings.meeting", meeting_id=item.meeting_id) + "#agenda")


@bp.post("/meetings/<int:meeting_id>/guests")
@access(SECRETARIAT)
def invite_guest(meeting_id: int):
    found = _load(meeting_id)
    form = GuestForm()
    form.person_id.set_choices((p.id, p.name) for p in all_people(db.session))
    if form.validate_on_submit():
        try:
            services.invite_guest(db.session, found, db.session.get(Person, form.person_id.data))
        except MeetingError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(gettext("The guest was invited."), "success")
    else:
        flash(gettext("Choose a person to invite."), "error")
    return redirect(url_for("meetings.meeting", meeting_id=found.id) + "#participants")


@bp.post("/guests/<int:guest_id>/remove")
@access(SECRETARIAT)
def remove_guest(guest_id: int):
    guest = db.session.get(MeetingGuest, guest_id) or abort(404)
    meeting_id = guest.meeting_id
    if Form().validate_on_submit():
        try:
            services.remove_guest(db.session, guest)
        except MeetingError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(gettext("The guest was removed."), "success")
    return redirect(url_for("meetings.meeting", meeting_id=meeting_id) + "#participants")


@bp.post("/meetings/<int:meeting_id>/answer")
@access(SIGNED_IN)
def answer(meeting_id: int):
    found = _load(meeting_id)
    require(takes_part(found))
    from_mine = request.form.get("back") == "mine"
    # On "my meetings" each meeting's form has its own prefix, so that ids stay unique.
    form = AnswerForm(prefix=f"m{found.id}" if from_mine else "")
    if form.validate_on_submit():
        try:
            services.answer(
                db.session, found, current_user.person, Answer(form.answer.data),
                substitute_name=form.substitute_name.data or "",
                substitute_email=form.substitute_email.data or "",
            )
        except MeetingError as error:
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(gettext("Thank you, your answer is saved."), "success")
            if from_mine:
                return redirect(url_for("meetings.my_meetings") + f"#meeting-{found.id}")
            return redirect(url_for("meetings.meeting", meeting_id=found.id))
    if from_mine:
        for field, messages in form.errors.items():
            for message in messages:
                flash(f"{found.title}: {message}", "error")
        return redirect(url_for("meetings.my_meetings") + f"#meeting-{found.id}")
    return render_template("meetings/meeting.html", **_page_context(found, form)), 400


@bp.get("/my/meetings")
@access(SIGNED_IN)
def my_meetings():
    person_id = current_user.person_id
    rows = queries.meetings_of_person(db.session, person_id, since=utcnow())
    answers = queries.answers_of(db.session, person_id, [m.id for m in rows])
    forms = {}
    for m in rows:
        form = AnswerForm(formdata=None, prefix=f"m{m.id}")
        mine = answers.get(m.id)
        if mine is not None:
            form.answer.data = mine.answer.value
            form.substitute_name.data = mine.substitute_name
        forms[m.id] = form
    return render_template("meetings/mine.html", meetings=rows, answers=answers, forms=forms)
