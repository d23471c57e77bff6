"""Pages for a meeting's records (attendance, minutes, action items) and the yearly attendance
overview with its CSV and XLSX exports. Routes on the meetings blueprint."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from forum.access import SECRETARIAT, access
from forum.db import db
from forum.exports import csv_response, table_xlsx
from forum.i18n import local
from forum.meetings import queries, records
from forum.meetings.blueprint import bp
from forum.meetings.models import ActionItem, Meeting, MinutesStatus
from forum.meetings.records import RecordsError
from forum.meetings.records_forms import (
    ActionItemForm,
    ApproveMinutesForm,
    DoneForm,
    MinutesForm,
    OverviewForm,
    PublishMinutesForm,
    attendance_entries,
    attendance_form,
)
from forum.timeutil import today


def _load(meeting_id: int) -> Meeting:
    meeting = queries.meeting_page(db.session, meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def _meeting_url(meeting_id: int, section: str = "") -> str:
    return url_for("meetings.meeting", meeting_id=meeting_id) + (f"#{section}" if section else "")


# --- attendance -----------------------------------------------------------------------------


@bp.route("/meetings/<int:meeting_id>/attendance", methods=["GET", "POST"])
@access(SECRETARIAT)
def record_attendance(meeting_id: int):
    meeting = _load(meeting_id)
    lines = records.attendance_lines(db.session, meeting)
    form = attendance_form(lines, prefill=request.method == "GET")
    if request.method == "POST" and form.validate_on_submit():
        try:
            records.record_attendance(db.session, meeting, attendance_entries(form, lines))
        except RecordsError as error:
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(gettext("The attendance was saved."), "success")
            return redirect(_meeting_url(meeting.id, "attendance"))
    return render_template(
        "meetings/attendance.html",
        meeting=meeting,
        lines=lines,
        form=form,
        begun=records.has_begun(meeting),
    )


# --- minutes --------------------------------------------------------------------------------


def _minutes_page(meeting: Meeting, form: MinutesForm, error: RecordsError | None = None):
    if error is not None:
        # The text field is only there while the minutes are a draft.
        editable = meeting.minutes is None or meeting.minutes.status is MinutesStatus.DRAFT
        form.add_error(error.field if editable else None, error.message)
    return render_template(
        "meetings/minutes.html",
        meeting=meeting,
        form=form,
        minutes=meeting.minutes,
        approve_form=ApproveMinutesForm(formdata=None),
        publish_form=PublishMinutesForm(formdata=None),
    )


@bp.route("/meetings/<int:meeting_id>/minutes", methods=["GET", "POST"])
@access(SECRETARIAT)
def minutes(meeting_id: int):
    meeting = _load(meeting_id)
    if request.method == "GET":
        form = MinutesForm(formdata=None)
        form.text.data = meeting.minutes.text if meeting.minutes else ""
        return _minutes_page(meeting, form)
    form = MinutesForm()
    if form.validate_on_submit():
        try:
            records.save_minutes(db.session, meeting, form.text.data or "")
        except RecordsError as error:
            return _minutes_page(meeting, form, error)
        db.session.commit()
        flash(gettext("The minutes were saved as a draft."), "success")
        return redirect(_meeting_url(meeting.id, "minutes"))
    return _minutes_page(meeting, form)


def _minutes_step(meeting_id: int, step, done_message: str):
    meeting = _load(meeting_id)
    form = (ApproveMinutesForm if step is records.approve_minutes else PublishMinutesForm)()
    if not form.validate_on_submit():
        flash(gettext("The form has expired. Please send it again."), "error")
        return redirect(_meeting_url(meeting.id, "minutes"))
    try:
        step(db.session, meeting)
    except RecordsError as error:
        text_form = MinutesForm(formdata=None)
        text_form.text.data = meeting.minutes.text if meeting.minutes else ""
        return _minutes_page(meeting, text_form, error)
    db.session.commit()
    flash(done_message, "success")
    return redirect(_meeting_url(meeting.id, "minutes"))


@bp.post("/meetings/<int:meeting_id>/minutes/approve")
@access(SECRETARIAT)
def approve_minutes(meeting_id: int):
    return _minutes_step(meeting_id, records.approve_minutes, gettext("The minutes are approved."))


@bp.post("/meetings/<int:meeting_id>/minutes/publish")
@access(SECRETARIAT)
def publish_minutes(meeting_id: int):
    return _minutes_step(
        meeting_id, records.publish_minutes, gettext("The minutes are published.")
    )


# --- action items ---------------------------------------------------------------------------


@bp.route("/meetings/<int:meeting_id>/actions", methods=["GET", "POST"])
@access(SECRETARIAT)
def add_action_item(meeting_id: int):
    meeting = _load(meeting_id)
    form = ActionItemForm(formdata=None) if request.method == "GET" else ActionItemForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            records.add_action_item(
                db.session,
                meeting,
                what=form.what.data,
                who=form.who.data or "",
                due_date=form.due_date.data,
            )
        except RecordsError as error:
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(gettext("The action item was added."), "success")
            return redirect(_meeting_url(meeting.id, "action-items"))
    return render_template("meetings/action_item.html", meeting=meeting, form=form)


@bp.post("/actions/<int:action_id>/done")
@access(SECRETARIAT)
def action_item_done(action_id: int):
    item = db.session.get(ActionItem, action_id) or abort(404)
    form = DoneForm()
    back_to = item.meeting_id
    if form.validate_on_submit():
        if form.back_to.data and db.session.get(Meeting, int(form.back_to.data)) is not None:
            back_to = int(form.back_to.data)
        try:
            records.mark_action_item_done(db.session, item)
        except RecordsError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(gettext("The action item is marked as done."), "success")
    else:
        flash(gettext("The form has expired. Please send it again."), "error")
    return redirect(_meeting_url(back_to, "action-items"))


# --- the attendance overview ----------------------------------------------------------------

SEGMENTS = ("present", "substitutes", "excused", "absent")
BALANCE = ("majority", "opposition")


def _year(form: OverviewForm) -> int | None:
    """The year asked for, this year if none, None if what was asked is not a year."""
    if not request.args.get("year"):
        return today().year
    return int(form.year.data) if form.validate() else None


def _charts(overview: records.AttendanceOverview) -> dict:
    by_body = {}
    for body in overview.bodies:
        rows = []
        for line in overview.regions:
            t = line.by_body[body.id]
            rows.append(
                (
                    line.region.name,
                    [(key, getattr(t, key)) for key in SEGMENTS],
                    gettext("%(attended)d of %(recorded)d", attended=t.attended,
                            recorded=t.recorded),
                )
            )
        by_body[body.id] = records.bar_chart(rows)
    balance = records.bar_chart(
        [
            (
                f"{records.local_day(b.meeting.start_at).isoformat()} {b.meeting.title}"[:34],
                [("majority", b.majority), ("opposition", b.opposition)],
                f"{b.majority}–{b.opposition}",
            )
            for b in overview.balance
            if b.recorded
        ]
    )
    return {"by_body": by_body, "balance": balance}


@bp.get("/attendance")
@access(SECRETARIAT)
def attendance_overview():
    form = OverviewForm(request.args)
    year = _year(form)
    if year is None:
        year = today().year  # the error shows beside the field, with what was typed
    else:
        form.year.data = str(year)
    overview = records.attendance_overview(db.session, year)
    return render_template(
        "meetings/attendance_overview.html",
        form=form,
        overview=overview,
        charts=_charts(overview),
        years=queries.years_with_meetings(db.session),
    )


def _columns() -> list[str]:
    return [
        gettext("Year"),
        gettext("County code"),
        gettext("Region"),
        gettext("Body"),
        gettext("Meetings held"),
        gettext("Present as member"),
        gettext("Present as substitute"),
        gettext("Excused"),
        gettext("Absent"),
        gettext("Attendance (%)"),
        gettext("Majority politicians attending"),
        gettext("Opposition politicians attending"),
    ]


def _rows(overview: records.AttendanceOverview) -> list[list[object]]:
    political = {b.id for b in overview.political_bodies}
    rows = []
    for line in overview.regions:
        for body in overview.bodies:
            t = line.by_body[body.id]
            rows.append(
                [
                    overview.year,
                    line.region.code,
                    line.region.name,
                    local(body, "name"),
                    overview.held[body.id],
                    t.present,
                    t.substitutes,
                    t.excused,
                    t.absent,
                    t.rate if t.rate is not None else "",
                    line.majority if body.id in political else "",
                    line.opposition if body.id in political else "",
                ]
            )
    return rows


def _filename(year: int, extension: str) -> str:
    # Outside the f-string, so that the extractor finds it.
    stem = gettext("attendance-per-region")
    return f"{stem}-{year}.{extension}"


@bp.get("/attendance.csv")
@access(SECRETARIAT)
def attendance_csv():
    year = _year(OverviewForm(request.args))
    if year is None:
        return redirect(url_for("meetings.attendance_overview", year=request.args.get("year")))
    overview = records.attendance_overview(db.session, year)
    return csv_response(_columns(), _rows(overview), _filename(year, "csv"))


@bp.get("/attendance.xlsx")
@access(SECRETARIAT)
def attendance_xlsx():
    year = _year(OverviewForm(request.args))
    if year is None:
        return redirect(url_for("meetings.attendance_overview", year=request.args.get("year")))
    overview = records.attendance_overview(db.session, year)
    rows = ([None if v == "" else v for v in row] for row in _rows(overview))
    return table_xlsx(str(year), _columns(), rows, _filename(year, "xlsx"))
