"""The year planner's pages: a year's proposal, adjusted and confirmed by the secretariat;
the blackout periods and the planner's settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date, gettext, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from forum.access import SECRETARIAT, access
from forum.audit.services import record, snapshot
from forum.db import db
from forum.i18n import day as format_day
from forum.i18n import local
from forum.meetings import planner, planning
from forum.meetings.blueprint import bp
from forum.meetings.models import BlackoutKind, BlackoutPeriod, MeetingStatus
from forum.meetings.planner_forms import (
    BlackoutForm,
    ConfirmPlanForm,
    PlannerSettingsForm,
    RemoveBlackoutForm,
    YearForm,
)
from forum.roster.models import Body, Region
from forum.timeutil import today

STATUS = {
    MeetingStatus.PLANNED: _l("Planned"),
    MeetingStatus.CONFIRMED: _l("Confirmed"),
    MeetingStatus.HELD: _l("Held"),
    MeetingStatus.CANCELLED: _l("Cancelled"),
}
BLACKOUT_FIELDS = ("name", "kind", "first_week", "last_week", "first_day", "last_day",
                   "start_date", "end_date")
SETTINGS_FIELDS = ("preferred_weekdays", "min_gap_weeks", "lead_min_weeks", "lead_max_weeks",
                   "start_time", "duration_minutes", "material_deadline_days")


# --- the proposal ----------------------------------------------------------------------------


@dataclass
class Row:
    """One proposed meeting as the page shows it, beside the fields that adjust it."""

    number: int
    entry: object  # the row's FormField
    proposal: planner.ProposedMeeting
    body: str
    host: str
    reason: str


def _signature(m: planner.ProposedMeeting) -> str:
    return f"{m.body}:{m.theme.id}:{'' if m.prepares is None else m.prepares}"


def _plan(year: int):
    req = planning.request_for(db.session, year)
    try:
        return req, planner.plan(req), None
    except planner.PlanningError as error:
        return req, None, error


def _regions() -> list[Region]:
    return list(db.session.scalars(select(Region).order_by(Region.code)))


def _set_region_choices(form: ConfirmPlanForm, regions: list[Region]) -> None:
    choices = [("", gettext("— none —"))] + [(r.code, f"{r.code} {r.name}") for r in regions]
    for entry in form.meetings:
        entry.host_region.choices = choices


def _fill(form: ConfirmPlanForm, proposals: list[planner.ProposedMeeting]) -> None:
    while form.meetings.entries:
        form.meetings.pop_entry()
    for m in proposals:
        form.meetings.append_entry({
            "day": m.day,
            "start_time": m.start.time(),
            "end_time": m.end.time(),
            "host_region": m.host_region or "",
            "meeting": _signature(m),
        })


def _render(*, chooser: YearForm, form: ConfirmPlanForm, year: int | None,
            proposals: list[planner.ProposedMeeting] | None,
            error: planner.PlanningError | None, regions: list[Region] | None = None):
    regions = regions if regions is not None else _regions()
    _set_region_choices(form, regions)
    region_names = {r.code: r.name for r in regions}
    bodies = {b.slug: local(b, "name") for b in db.session.scalars(select(Body))}
    rows = [
        Row(i + 1, entry, m, bodies.get(m.body, m.body),
            region_names.get(m.host_region or "", ""), planning.reason_text(m))
        for i, (entry, m) in enumerate(zip(form.meetings, proposals or []))
    ]
    existing = planning.existing_meetings(db.session, year) if year else []
    return render_template(
        "meetings/planner.html",
        chooser=chooser,
        form=form,
        year=year,
        rows=rows,
        problems=_problems(form, rows),
        error=planning.error_text(error) if error else None,
        existing=existing,
        status_names=STATUS,
    )


def _problems(form: ConfirmPlanForm, rows: list[Row]) -> list[tuple[str | None, str]]:
    """The confirmation's error summary: (the field to jump to, what is wrong)."""
    found: list[tuple[str | None, str]] = [(None, str(m)) for m in form.form_errors]
    csrf = getattr(form, "csrf_token", None)
    if csrf is not None and csrf.errors:
        found.append((None, gettext("The form has expired. Please send it again.")))
    found += [("year", f"{form.year.label.text}: {m}") for m in form.year.errors]
    found += [("plan_more", str(m)) for m in form.plan_more.errors]
    for row in rows:
        entry = row.entry
        for f in (entry.day, entry.start_time, entry.end_time, entry.host_region):
            found += [
                (f.id, gettext("Meeting %(number)d, %(field)s: %(message)s", number=row.number,
                               field=f.label.text.lower(), message=m))
                for m in f.errors
            ]
    return found


@bp.route("/planner", methods=["GET", "POST"], endpoint="planner")
@access(SECRETARIAT)
def planner_page():
    if request.method == "POST":
        return _confirm()
    chooser = YearForm(request.args)
    form = ConfirmPlanForm(formdata=None)
    if "year" in request.args:
        if not chooser.validate():
            return _render(chooser=chooser, form=form, year=None, proposals=None, error=None)
        year = chooser.year.data
    else:
        year = chooser.year.data = today().year + 1
    form.year.data = year
    _req, proposals, error = _plan(year)
    if proposals:
        _fill(form, proposals)
    return _render(chooser=chooser, form=form, year=year, proposals=proposals, error=error)


def _confirm():
    form = ConfirmPlanForm()
    regions = _regions()
    _set_region_choices(form, regions)
    valid = form.validate_on_submit()
    year = None if form.year.errors else form.year.data
    chooser = YearForm(formdata=None)
    chooser.year.data = year if year is not None else today().year + 1
    if year is None:
        return _render(chooser=chooser, form=form, year=None, proposals=None, error=None,
                       regions=regions)

    req, proposals, error = _plan(year)
    if proposals is None:
        return _render(chooser=chooser, form=form, year=year, proposals=None, error=error,
                       regions=regions)
    if [entry.meeting.data for entry in form.meetings] != [_signature(m) for m in proposals]:
        # Someone changed the facts (a meeting, a blackout, the settings) since the page was
        # shown, or the form came without its rows: show today's proposal to check again.
        fresh = ConfirmPlanForm(formdata=None)
        fresh.year.data = year
        fresh.plan_more.data = form.plan_more.data
        _fill(fresh, proposals)
        fresh.form_errors.append(gettext(
            "The proposal has changed since the page was shown. Here is the proposal as it is "
            "now; check it and confirm again."))
        return _render(chooser=chooser, form=fresh, year=year, proposals=proposals,
                       error=None, regions=regions)

    existing = planning.existing_meetings(db.session, year)
    if existing and not form.plan_more.data:
        form.plan_more.errors = [*form.plan_more.errors, ngettext(
            "%(year)d already has %(num)d meeting. Tick the box to add these meetings too.",
            "%(year)d already has %(num)d meetings. Tick the box to add these meetings too.",
            len(existing), year=year)]
        valid = False

    if valid:
        adjusted = [
            planner.adjust(m, day=entry.day.data, start_time=entry.start_time.data,
                           end_time=entry.end_time.data,
                           host_region=entry.host_region.data or None)
            for entry, m in zip(form.meetings, proposals)
        ]
        problems = planner.check_plan(req, adjusted)
        for index, reason in problems:
            field = form.meetings[index].day
            field.errors = [*field.errors, planning.problem_text(reason)]
        if not problems:
            created = planning.confirm(db.session, adjusted)
            db.session.commit()
            flash(ngettext("%(num)d meeting was created for %(year)d.",
                           "%(num)d meetings were created for %(year)d.",
                           len(created), year=year), "success")
            if "meetings.meetings" in current_app.view_functions:
                return redirect(url_for("meetings.meetings", year=year))
            return redirect(url_for("meetings.planner", year=year))
    return _render(chooser=chooser, form=form, year=year, proposals=proposals, error=None,
                   regions=regions)


# --- blackout periods and settings -------------------------------------------------------------


def _month_day_text(value: str) -> str:
    month, day = (int(x) for x in value.split("-"))
    return format_date(date(2000, month, day), "d MMMM")


def _days_text(b: BlackoutPeriod) -> str:
    if b.kind is BlackoutKind.ISO_WEEKS:
        return gettext("Weeks %(first)d–%(last)d, every year", first=b.first_week,
                       last=b.last_week)
    if b.kind is BlackoutKind.ANNUAL:
        return gettext("%(first)s – %(last)s, every year",
                       first=_month_day_text(b.first_day or "01-01"),
                       last=_month_day_text(b.last_day or "01-01"))
    return gettext("%(first)s – %(last)s", first=format_day(b.start_date),
                   last=format_day(b.end_date))


def _settings_form(formdata=None) -> PlannerSettingsForm:
    if formdata is not None:
        return PlannerSettingsForm()
    chosen = planning.settings(db.session)
    form = PlannerSettingsForm(formdata=None)
    form.preferred_weekdays.data = [x for x in chosen.preferred_weekdays.split(",") if x]
    form.min_gap_weeks.data = chosen.min_gap_weeks
    form.lead_min_weeks.data = chosen.lead_min_weeks
    form.lead_max_weeks.data = chosen.lead_max_weeks
    form.start_time.data = chosen.start_time
    form.duration_minutes.data = chosen.duration_minutes
    form.material_deadline_days.data = chosen.material_deadline_days
    return form


def _blackouts_page(*, add_form: BlackoutForm | None = None,
                    settings_form: PlannerSettingsForm | None = None):
    blackouts = db.session.scalars(
        select(BlackoutPeriod).order_by(BlackoutPeriod.kind, BlackoutPeriod.name,
                                        BlackoutPeriod.id)
    ).all()
    return render_template(
        "meetings/blackouts.html",
        blackouts=[(b, _days_text(b)) for b in blackouts],
        add_form=add_form or BlackoutForm(formdata=None),
        settings_form=settings_form or _settings_form(),
        remove_form=RemoveBlackoutForm(formdata=None),
    )


@bp.get("/planner/blackouts")
@access(SECRETARIAT)
def blackouts():
    return _blackouts_page()


@bp.post("/planner/blackouts")
@access(SECRETARIAT)
def add_blackout():
    form = BlackoutForm()
    if not form.validate_on_submit():
        return _blackouts_page(add_form=form)
    kind = BlackoutKind(form.kind.data)
    blackout = BlackoutPeriod(name=form.name.data, kind=kind)
    if kind is BlackoutKind.ISO_WEEKS:
        blackout.first_week, blackout.last_week = form.first_week.data, form.last_week.data
    elif kind is BlackoutKind.ANNUAL:
        blackout.first_day, blackout.last_day = form.month_days()
    else:
        blackout.start_date, blackout.end_date = form.start_date.data, form.end_date.data
    db.session.add(blackout)
    db.session.flush()
    record(db.session, "blackout_added", target=blackout, summary=blackout.name,
           after=snapshot(blackout, *BLACKOUT_FIELDS))
    db.session.commit()
    flash(gettext("The blackout period %(name)s was added.", name=blackout.name), "success")
    return redirect(url_for("meetings.blackouts"))


@bp.post("/planner/blackouts/remove")
@access(SECRETARIAT)
def remove_blackout():
    form = RemoveBlackoutForm()
    if not form.validate_on_submit():
        flash(gettext("Nothing was removed: choose a blackout period to remove."), "error")
        return redirect(url_for("meetings.blackouts"))
    blackout = db.session.get(BlackoutPeriod, form.blackout_id.data) or abort(404)
    # Not an official document: a blackout period may go, and the log says who removed it.
    record(db.session, "blackout_removed", target=blackout, summary=blackout.name,
           before=snapshot(blackout, *BLACKOUT_FIELDS))
    db.session.delete(blackout)
    db.session.commit()
    flash(gettext("The blackout period %(name)s was removed.", name=blackout.name), "success")
    return redirect(url_for("meetings.blackouts"))


def _settings_snapshot(chosen) -> dict:
    values = snapshot(chosen, *SETTINGS_FIELDS)
    values["start_time"] = chosen.start_time.strftime("%H:%M")  # JSON has no times
    return values


@bp.post("/planner/settings")
@access(SECRETARIAT)
def planner_settings():
    form = _settings_form(request.form)
    if not form.validate_on_submit():
        return _blackouts_page(settings_form=form)
    chosen = planning.settings(db.session)
    before = _settings_snapshot(chosen)
    chosen.preferred_weekdays = ",".join(sorted(set(form.preferred_weekdays.data)))
    chosen.min_gap_weeks = form.min_gap_weeks.data
    chosen.lead_min_weeks = form.lead_min_weeks.data
    chosen.lead_max_weeks = form.lead_max_weeks.data
    chosen.start_time = form.start_time.data
    chosen.duration_minutes = form.duration_minutes.data
    if form.material_deadline_days.data is not None:
        chosen.material_deadline_days = form.material_deadline_days.data
    db.session.flush()
    after = _settings_snapshot(chosen)
    if after != before:
        record(db.session, "planner_settings_changed", target=chosen, before=before, after=after)
    db.session.commit()
    flash(gettext("The planner's settings were saved."), "success")
    return redirect(url_for("meetings.blackouts"))
