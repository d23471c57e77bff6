"""Pages of the roster: regions, people, organisations, nominations and the export."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import select

from forum.access import PUBLIC, SECRETARIAT, access
from forum.answers import for_visitors
from forum.db import db
from forum.i18n import local
from forum.roster import exports, queries, services
from forum.roster.forms import (
    ORGANISATION_KINDS,
    DateForm,
    EndNominationForm,
    ExportForm,
    NominationForm,
    OrganisationForm,
    PeopleSearchForm,
    PersonForm,
    ReplaceForm,
)
from forum.roster.models import Organisation, OrganisationKind, Person, Region, Seat
from forum.roster.services import RosterError
from forum.timeutil import today

bp = Blueprint("roster", __name__)


def _roster_date():
    form = DateForm(request.args)
    if request.args.get("on") and form.validate():
        return form, form.on.data
    if not request.args.get("on"):
        form.on.data = today()
    return form, today() if form.on.errors else form.on.data


@bp.get("/regions")
@access(PUBLIC)
@for_visitors
def regions():
    form, on = _roster_date()
    bodies, overview = queries.regions_overview(db.session, on)
    return render_template(
        "roster/regions.html", bodies=bodies, overview=overview, on=on, form=form
    )


@bp.get("/regions/<code>")
@access(PUBLIC)
@for_visitors
def region(code: str):
    form, on = _roster_date()
    page = queries.region_page(db.session, code, on)
    if page is None:
        abort(404)
    return render_template("roster/region.html", page=page, on=on, form=form)


@bp.get("/people")
@access(SECRETARIAT)
def people():
    form = PeopleSearchForm(request.args)
    search = form.q.data or "" if form.validate() else ""
    return render_template(
        "roster/people.html", people=queries.people(db.session, search), form=form
    )


@bp.get("/people/<int:person_id>")
@access(PUBLIC)
def person(person_id: int):
    found = queries.person_page(db.session, person_id)
    if found is None:
        abort(404)
    return render_template("roster/person.html", person=found, today=today())


def _organisation_choices():
    return [
        (o.id, o.name)
        for o in db.session.scalars(select(Organisation).order_by(Organisation.name))
    ]


def _region_choices():
    return [
        (r.id, f"{r.code} {r.name}") for r in db.session.scalars(select(Region).order_by(Region.code))
    ]


def _person_fields(form: PersonForm) -> dict:
    return {
        "given_name": form.given_name.data,
        "family_name": form.family_name.data,
        "title": form.title.data or "",
        "organisation_id": form.organisation_id.data,
        "email": form.email.data or "",
        "phone": form.phone.data or "",
        "note": form.note.data or "",
    }


@bp.route("/people/new", methods=["GET", "POST"])
@access(SECRETARIAT)
def new_person():
    form = PersonForm()
    form.organisation_id.set_choices(_organisation_choices())
    if request.method == "GET" and request.args.get("organisation", "").isdigit():
        form.organisation_id.data = int(request.args["organisation"])
    if form.validate_on_submit():
        try:
            created = services.save_person(db.session, Person(), **_person_fields(form))
        except RosterError as error:
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(gettext("%(name)s was added.", name=created.name), "success")
            return redirect(url_for("roster.person", person_id=created.id))
    return render_template("roster/person_form.html", form=form, person=None)


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@access(SECRETARIAT)
def edit_person(person_id: int):
    found = db.session.get(Person, person_id) or abort(404)
    form = PersonForm(obj=found)
    form.organisation_id.set_choices(_organisation_choices())
    if form.validate_on_submit():
        try:
            services.save_person(db.session, found, **_person_fields(form))
        except RosterError as error:
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(gettext("The changes were saved."), "success")
            return redirect(url_for("roster.person", person_id=found.id))
    return render_template("roster/person_form.html", form=form, person=found)


@bp.get("/organisations")
@access(PUBLIC)
def organisations():
    return render_template(
        "roster/organisations.html",
        organisations=queries.organisations(db.session),
        kind_names=dict(ORGANISATION_KINDS),
    )


def _organisation_fields(form: OrganisationForm) -> dict:
    return {
        "name": form.name.data,
        "short_name": form.short_name.data or "",
        "kind": OrganisationKind(form.kind.data),
        "region_id": form.region_id.data,
        "website": form.website.data or "",
        "note": form.note.data or "",
    }


@bp.route("/organisations/new", methods=["GET", "POST"])
@access(SECRETARIAT)
def new_organisation():
    form = OrganisationForm()
    form.region_id.set_choices(_region_choices())
    if form.validate_on_submit():
        try:
            services.save_organisation(db.session, Organisation(), **_organisation_fields(form))
        except RosterError as error:
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(gettext("The organisation was added."), "success")
            return redirect(url_for("roster.organisations"))
    return render_template("roster/organisation_form.html", form=form, organisation=None)


@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@access(SECRETARIAT)
def edit_organisation(organisation_id: int):
    found = db.session.get(Organisation, organisation_id) or abort(404)
    form = OrganisationForm(obj=found)
    if request.method == "GET":
        form.kind.data = found.kind.value
    form.region_id.set_choices(_region_choices())
    if form.validate_on_submit():
        try:
            services.save_organisation(db.session, found, **_organisation_fields(form))
        except RosterError as error:
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(gettext("The changes were saved."), "success")
            return redirect(url_for("roster.organisations"))
    return render_template("roster/organisation_form.html", form=form, organisation=found)


def _people_choices():
    def label(p: Person) -> str:
        about = ", ".join(
            part for part in (p.title, p.organisation.name if p.organisation else "") if part
        )
        return f"{p.family_name}, {p.given_name}" + (f" ({about})" if about else "")

    return [(p.id, label(p)) for p in queries.people(db.session)]


def _seat_choices():
    return [
        (seat.id, f"{local(body, 'name')}: {local(seat, 'label')}")
        for body in queries.forum_bodies(db.session)
        for seat in body.seats
    ]


@bp.route("/regions/<code>/nominate", methods=["GET", "POST"])
@access(SECRETARIAT)
def nominate(code: str):
    found = db.session.scalar(select(Region).where(Region.code == code)) or abort(404)
    form = NominationForm()
    form.seat_id.set_choices(_seat_choices())
    form.person_id.set_choices(_people_choices())
    form.nominated_by_id.set_choices(_organisation_choices())
    if request.method == "GET":
        if request.args.get("seat", "").isdigit():
            form.seat_id.data = int(request.args["seat"])
        if request.args.get("person", "").isdigit():
            form.person_id.data = int(request.args["person"])
        form.start_date.data = today()
    if form.validate_on_submit():
        try:
            created = services.nominate(
                db.session,
                person=db.session.get(Person, form.person_id.data),
                seat=db.session.get(Seat, form.seat_id.data),
                region=found,
                start_date=form.start_date.data,
                end_date=form.end_date.data,
                party=form.party.data or "",
                nominated_by=_organisation(form.nominated_by_id.data),
                note=form.note.data or "",
            )
        except RosterError as error:
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(
                gettext(
                    "%(name)s was nominated to the seat %(seat)s for %(region)s.",
                    name=created.person.name,
                    seat=local(created.seat, "label"),
                    region=found.name,
                ),
                "success",
            )
            return redirect(url_for("roster.region", code=found.code))
    return render_template("roster/nominate.html", form=form, region=found)


def back_to(nomination) -> str:
    """Where a nomination's pages go back to: its region's page for the forum's seats,
    the body's page for a working group's."""
    if nomination.region is not None and nomination.seat.per_region:
        return url_for("roster.region", code=nomination.region.code)
    return url_for("bodies.body", slug=nomination.body.slug)


def _organisation(organisation_id: int | None) -> Organisation | None:
    return db.session.get(Organisation, organisation_id) if organisation_id else None


@bp.route("/nominations/<int:nomination_id>/end", methods=["GET", "POST"])
@access(SECRETARIAT)
def end_nomination(nomination_id: int):
    found = queries.nomination(db.session, nomination_id) or abort(404)
    form = EndNominationForm()
    if request.method == "GET":
        form.end_date.data = today()
    if form.validate_on_submit():
        try:
            services.end_nomination(db.session, found, form.end_date.data)
        except RosterError as error:
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(gettext("The nomination was ended."), "success")
            return redirect(back_to(found))
    return render_template("roster/end_nomination.html", form=form, nomination=found,
                           back=back_to(found))


@bp.route("/nominations/<int:nomination_id>/replace", methods=["GET", "POST"])
@access(SECRETARIAT)
def replace_member(nomination_id: int):
    found = queries.nomination(db.session, nomination_id) or abort(404)
    form = ReplaceForm()
    form.person_id.set_choices(_people_choices())
    form.nominated_by_id.set_choices(_organisation_choices())
    if request.method == "GET":
        form.start_date.data = today()
    if form.validate_on_submit():
        try:
            successor = services.replace_member(
                db.session,
                found,
                person=db.session.get(Person, form.person_id.data),
                start_date=form.start_date.data,
                party=form.party.data or "",
                nominated_by=_organisation(form.nominated_by_id.data),
                note=form.note.data or "",
            )
        except RosterError as error:
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(
                gettext(
                    "%(new)s replaces %(old)s.",
                    new=successor.person.name,
                    old=found.person.name,
                ),
                "success",
            )
            return redirect(back_to(found))
    return render_template("roster/replace.html", form=form, nomination=found,
                           back=back_to(found))


@bp.get("/roster/export")
@access(SECRETARIAT)
def export():
    form = ExportForm(request.args)
    if request.args and form.validate():
        rows = queries.roster_rows(db.session, form.on.data)
        if form.format.data == "csv":
            return exports.as_csv(rows, form.on.data)
        return exports.as_xlsx(rows, form.on.data)
    if not request.args:
        form.on.data = today()
    return render_template("roster/export.html", form=form)
