"""Pages of the cooperation register: the list with its filters and export, an entry, the
region × theme matrix, the countries overview, proposals and the secretariat's decisions,
and the areas."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from forum.access import PUBLIC, REGION_CONTACT, SECRETARIAT, access, account
from forum.cooperation import countries, exports, queries, rules, services
from forum.cooperation.forms import (
    EMPTY_ROWS,
    FUNDER_LABELS,
    KIND_LABELS,
    PARTY_KIND_LABELS,
    ApproveForm,
    AreaForm,
    CooperationForm,
    ExportForm,
    FilterForm,
    PeriodForm,
    ReturnForm,
)
from forum.cooperation.models import (
    Cooperation,
    CooperationArea,
    CooperationKind,
    CooperationStatus,
    CooperationVisibility,
    FunderRole,
    PartyKind,
)
from forum.cooperation.queries import Filters, Viewer
from forum.cooperation.rules import CooperationError, PartyInput
from forum.db import db
from forum.i18n import language, local
from forum.strategy.queries import theme_choices
from forum.timeutil import today

bp = Blueprint("cooperation", __name__)


def require(allowed: bool) -> None:
    """The object-level check: the account may change this object."""
    if not allowed:
        abort(403)


def _viewer() -> Viewer:
    return Viewer.of(account())


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {
        "cooperation_kinds": KIND_LABELS,
        "cooperation_party_kinds": PARTY_KIND_LABELS,
        "country_name": countries.name,
        "funder_roles": list(FUNDER_LABELS.items()),
    }


@bp.app_template_global()
def cooperation_summary(region_id: int) -> dict[str, Any]:
    """A region's part in the register, for the region's page: two statements."""
    summary = queries.region_summary(db.session, _viewer(), region_id)
    return {
        "total": summary.total,
        "kinds": [(str(KIND_LABELS[kind]), n) for kind, n in summary.by_kind],
        "countries": summary.countries,
    }


# --- the list and its filters -----------------------------------------------------------------


def _filters(form_class: type[FilterForm] = FilterForm) -> tuple[FilterForm, Filters, dict]:
    """The filter form from the address, and what of it is valid: a wrong value is shown
    beside its field and left out of the search."""
    viewer = _viewer()
    form = form_class(request.args)
    regions = queries.regions(db.session)
    form.region.choices = [("", gettext("All regions"))] + [(r.code, r.name) for r in regions]
    themes = theme_choices(db.session)
    form.theme.set_choices(themes)
    areas = queries.areas(db.session)
    form.area.set_choices((a.id, local(a, "name")) for a in areas)
    in_use = set(queries.countries_in_use(db.session, viewer))
    asked = form.country.data or ""
    if countries.is_country(asked):
        in_use.add(asked)
    form.country.choices = [("", gettext("All countries"))] + sorted(
        ((code, countries.name(code)) for code in in_use),
        key=lambda pair: countries.sort_key(pair[1]),
    )
    if request.args:
        form.validate()

    def valid(field) -> Any:
        return None if field.errors else (field.data or None)

    on = valid(form.on)
    if on is None and form.ongoing.data:
        on = today()
    kind = valid(form.kind)
    filters = Filters(
        region=next((r for r in regions if r.code == valid(form.region)), None),
        theme_id=valid(form.theme),
        area_id=valid(form.area),
        kind=CooperationKind(kind) if kind else None,
        country=valid(form.country),
        on=on,
        q=valid(form.q) or "",
    )
    described = {
        "region": filters.region.name if filters.region else None,
        "theme": dict(themes).get(filters.theme_id) if filters.theme_id else None,
        "area": next((local(a, "name") for a in areas if a.id == filters.area_id), None),
    }
    return form, filters, described


def _args(*leave_out: str) -> dict[str, str]:
    return {k: v for k, v in request.args.items() if v and k not in ("page", *leave_out)}


@bp.get("/cooperation")
@access(PUBLIC)
def register():
    form, filters, described = _filters()
    page = queries.entries_page(db.session, _viewer(), filters,
                                request.args.get("page", 1, type=int) or 1)
    waiting = queries.waiting_count(db.session) if _viewer().secretariat else None
    return render_template(
        "cooperation/list.html", form=form, filters=filters, page=page, args=_args(),
        described=described, waiting=waiting, today=today(),
    )


@bp.get("/cooperation/export")
@access(PUBLIC)
def export():
    form, filters, described = _filters(ExportForm)
    chosen = request.args.get("format")
    if chosen in ("csv", "xlsx") and not form.errors:
        rows = queries.export_rows(db.session, _viewer(), filters)
        if chosen == "csv":
            return exports.as_csv(rows)
        return exports.as_xlsx(rows)
    return render_template("cooperation/export.html", form=form, described=described,
                           args=_args("format")), 400 if form.errors else 200


@bp.get("/cooperation/matrix")
@access(PUBLIC)
def matrix():
    periods = queries.periods(db.session)
    form = PeriodForm(request.args)
    form.period.set_choices((p.id, local(p, "name")) for p in periods)
    chosen = queries.current_period(periods)
    if request.args.get("period") and form.validate():
        chosen = next(p for p in periods if p.id == form.period.data)
    elif chosen is not None:
        form.period.data = chosen.id
    table = queries.matrix(db.session, _viewer(), chosen, lambda o: local(o, "name"))
    return render_template("cooperation/matrix.html", matrix=table, form=form)


@bp.get("/cooperation/countries")
@access(PUBLIC)
def countries_page():
    rows = queries.countries_overview(db.session, _viewer(), language())
    return render_template("cooperation/countries.html", rows=rows)


@bp.get("/cooperation/<int:cooperation_id>")
@access(PUBLIC)
def entry(cooperation_id: int):
    found = queries.entry(db.session, cooperation_id)
    viewer = _viewer()
    if found is None or not queries.may_see(found, viewer):
        abort(404)  # an internal entry or another region's proposal: not even its existence
    return _entry_page(found, ApproveForm(formdata=None), ReturnForm(formdata=None))


def _entry_page(found: Cooperation, approve_form: ApproveForm, return_form: ReturnForm,
                status: int = 200):
    viewer = _viewer()
    return render_template(
        "cooperation/entry.html",
        entry=found,
        may_edit=_may_edit(found, viewer),
        # Who proposed and decided: for the secretariat and the proposing region.
        show_handling=viewer.secretariat or (
            viewer.region_id is not None and viewer.region_id == found.proposing_region_id),
        approve_form=approve_form,
        return_form=return_form,
        today=today(),
    ), status


def _may_edit(found: Cooperation, viewer: Viewer) -> bool:
    return rules.may_edit(secretariat=viewer.secretariat, contact_region_id=viewer.region_id,
                          proposing_region_id=found.proposing_region_id, status=found.status)


# --- making and changing entries ----------------------------------------------------------------


def _prepare(form: CooperationForm) -> None:
    regions = queries.regions(db.session)
    form.region_ids.choices = [(r.id, r.name) for r in regions]
    form.theme_ids.choices = theme_choices(db.session)
    form.area_ids.choices = [(a.id, local(a, "name")) for a in queries.areas(db.session)]
    kinds = [("", gettext("— choose a kind —"))] + [
        (k.value, str(label)) for k, label in PARTY_KIND_LABELS.items()]
    nations = [("", gettext("— no country —"))] + countries.choices()
    region_choices = [(r.id, r.name) for r in regions]
    for row in form.parties:
        row.form.kind.choices = kinds
        row.form.region_id.set_choices(region_choices)
        row.form.country.choices = nations


def _data(entry: Cooperation) -> dict[str, Any]:
    """An entry as the form's fields."""
    return {
        "title": entry.title,
        "description": entry.description,
        "kind": entry.kind.value,
        "region_ids": [r.id for r in entry.regions],
        "parties": [
            {"kind": p.kind.value, "party_name": p.name, "region_id": p.region_id,
             "country": p.country or ""}
            for p in entry.parties
        ],
        "theme_ids": [t.id for t in entry.themes],
        "area_ids": [a.id for a in entry.areas],
        "start_date": entry.start_date,
        "end_date": entry.end_date,
        "agreement_date": entry.agreement_date,
        "funders": "\n".join(f.name for f in entry.funders_in(FunderRole.FUNDER)),
        "co_financers": "\n".join(f.name for f in entry.funders_in(FunderRole.CO_FINANCER)),
        "contact_name": entry.contact_name,
        "contact_email": entry.contact_email,
        "contact_phone": entry.contact_phone,
        "website": entry.website,
        "visibility": entry.visibility.value,
    }


def _input(form: CooperationForm) -> services.EntryInput:
    return services.EntryInput(
        title=form.title.data or "",
        description=form.description.data or "",
        kind=CooperationKind(form.kind.data),
        region_ids=list(form.region_ids.data or []),
        parties=_parties(form),
        theme_ids=list(form.theme_ids.data or []),
        area_ids=list(form.area_ids.data or []),
        start_date=form.start_date.data,
        end_date=form.end_date.data,
        agreement_date=form.agreement_date.data,
        funders=form.funders.data or "",
        co_financers=form.co_financers.data or "",
        contact_name=form.contact_name.data or "",
        contact_email=form.contact_email.data or "",
        contact_phone=form.contact_phone.data or "",
        website=form.website.data or "",
        visibility=CooperationVisibility(form.visibility.data),
    )


def _parties(form: CooperationForm) -> list[PartyInput]:
    return [
        PartyInput(
            kind=PartyKind(row.form.kind.data) if row.form.kind.data else None,
            name=row.form.party_name.data or "",
            region_id=row.form.region_id.data,
            country=row.form.country.data or None,
            row=index,
        )
        for index, row in enumerate(form.parties)
        if not row.form.errors
    ]


def _check_parties(form: CooperationForm) -> None:
    """The parties' own rules, so that a form with other errors shows theirs too."""
    for party in _parties(form):
        if party.is_blank:
            continue
        try:
            rules.check_party(party)
        except CooperationError as error:
            _add_error(form, error.field, error.message)


def _add_error(form: CooperationForm, field: str | None, message: str) -> None:
    if field and field.startswith("parties-"):
        _prefix, index, name = field.split("-", 2)
        subfield = form.parties.entries[int(index)].form[name]
        subfield.errors = [*subfield.errors, message]
        return
    form.add_error(field, message)


def _save(form: CooperationForm, found: Cooperation | None):
    """Validate, change through the service, commit once; or the form again with the
    messages beside the fields and nothing saved."""
    if not form.validate_on_submit():
        if form.is_submitted():
            _check_parties(form)
        return None
    try:
        if found is None:
            saved = services.create(db.session, _input(form), by=current_user)
        else:
            before = found.status
            saved = services.update(db.session, found, _input(form), by=current_user)
    except CooperationError as error:
        db.session.rollback()
        _add_error(form, error.field, error.message)
        return None
    db.session.commit()
    if found is None:
        if saved.status is CooperationStatus.APPROVED:
            flash(gettext("The entry was added to the register."), "success")
        else:
            flash(gettext("Your proposal was sent to the secretariat, which approves it or "
                          "returns it to you."), "success")
    elif before is CooperationStatus.RETURNED and saved.status is CooperationStatus.PROPOSED:
        flash(gettext("The changes were saved and the proposal was sent to the secretariat "
                      "again."), "success")
    else:
        flash(gettext("The changes were saved."), "success")
    return redirect(url_for("cooperation.entry", cooperation_id=saved.id), 303)


def _form_page(form: CooperationForm, found: Cooperation | None):
    has_errors = bool(form.form_errors) or any(
        f.errors for f in form if f.type != "FieldList") or any(
        sub.errors for row in form.parties for sub in row.form)
    return render_template("cooperation/form.html", form=form, entry=found,
                           staff=_viewer().secretariat), 400 if has_errors else 200


@bp.route("/cooperation/new", methods=["GET", "POST"])
@access(REGION_CONTACT)
def new():
    form = CooperationForm()
    if request.method == "GET" and current_user.contact_region_id and not _viewer().secretariat:
        form.region_ids.data = [current_user.contact_region_id]
    _prepare(form)
    done = _save(form, None)
    if done is not None:
        return done
    return _form_page(form, None)


@bp.route("/cooperation/<int:cooperation_id>/edit", methods=["GET", "POST"])
@access(REGION_CONTACT)
def edit(cooperation_id: int):
    found = queries.entry(db.session, cooperation_id) or abort(404)
    require(_may_edit(found, _viewer()))
    if request.method == "GET":
        form = CooperationForm(data=_data(found))
        while len(form.parties.entries) < len(found.parties) + EMPTY_ROWS:
            form.parties.append_entry()
    else:
        form = CooperationForm()
    _prepare(form)
    done = _save(form, found)
    if done is not None:
        return done
    return _form_page(form, found)


# --- proposals and decisions --------------------------------------------------------------------


@bp.get("/cooperation/proposals")
@access(REGION_CONTACT)
def proposals():
    viewer = _viewer()
    rows = queries.proposals(db.session, viewer)
    return render_template(
        "cooperation/proposals.html",
        waiting=[p for p in rows if p.status is CooperationStatus.PROPOSED],
        returned=[p for p in rows if p.status is CooperationStatus.RETURNED],
        approved=[p for p in rows if p.status is CooperationStatus.APPROVED],
        secretariat=viewer.secretariat,
    )


def _decidable(cooperation_id: int) -> Cooperation:
    return queries.entry(db.session, cooperation_id) or abort(404)


@bp.post("/cooperation/<int:cooperation_id>/approve")
@access(SECRETARIAT)
def approve(cooperation_id: int):
    found = _decidable(cooperation_id)
    form = ApproveForm()
    if form.validate_on_submit():
        try:
            services.approve(db.session, found, by=current_user)
        except CooperationError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(gettext("Approved: the entry is in the register."), "success")
    return redirect(url_for("cooperation.entry", cooperation_id=found.id), 303)


@bp.post("/cooperation/<int:cooperation_id>/return")
@access(SECRETARIAT)
def return_entry(cooperation_id: int):
    found = _decidable(cooperation_id)
    form = ReturnForm()
    if form.validate_on_submit():
        try:
            services.return_entry(db.session, found, by=current_user, reason=form.reason.data)
        except CooperationError as error:
            db.session.rollback()
            if error.field != "reason":
                flash(error.message, "error")
                return redirect(url_for("cooperation.entry", cooperation_id=found.id), 303)
            form.add_error("reason", error.message)
        else:
            db.session.commit()
            flash(gettext("The proposal was returned to %(region)s.",
                          region=found.proposing_region.name if found.proposing_region
                          else "–"), "success")
            return redirect(url_for("cooperation.proposals"), 303)
    found = _decidable(cooperation_id)
    return _entry_page(found, ApproveForm(formdata=None), form, 400)


# --- areas --------------------------------------------------------------------------------------


@bp.route("/cooperation/areas", methods=["GET", "POST"])
@access(SECRETARIAT)
def areas():
    all_areas = queries.areas(db.session)
    form = AreaForm()
    editing: CooperationArea | None = None
    wanted = form.area_id.data if request.method == "POST" else request.args.get("edit")
    if wanted:
        editing = next((a for a in all_areas if str(a.id) == str(wanted)), None) or abort(404)
        if request.method == "GET":
            form = AreaForm(obj=editing)
            form.area_id.data = str(editing.id)
    if form.validate_on_submit():
        try:
            if editing is None:
                services.add_area(db.session, name_sv=form.name_sv.data, name_en=form.name_en.data,
                                  by=current_user)
            else:
                services.change_area(db.session, editing, name_sv=form.name_sv.data,
                                     name_en=form.name_en.data, by=current_user)
        except CooperationError as error:
            db.session.rollback()
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(gettext("The area was saved."), "success")
            return redirect(url_for("cooperation.areas"), 303)
    return render_template("cooperation/areas.html", areas=all_areas, form=form,
                           editing=editing), 400 if form.errors else 200
