"""Pages of the bodies: the forum's two and the working groups and networks."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import select

from forum.access import PUBLIC, SECRETARIAT, access
from forum.answers import for_visitors
from forum.bodies import queries, services
from forum.bodies.forms import KIND_LABELS, BodyForm, MemberForm
from forum.bodies.services import BodyError
from forum.db import db
from forum.i18n import local
from forum.material.access import current_reader
from forum.roster import services as roster
from forum.roster.models import Body, BodyKind, Person, Region, Seat
from forum.roster.services import RosterError
from forum.roster.views import _people_choices, _region_choices, _roster_date
from forum.strategy.models import Theme
from forum.strategy.queries import theme_choices
from forum.timeutil import today

bp = Blueprint("bodies", __name__)


@bp.app_context_processor
def body_labels():
    return {"body_kind_labels": KIND_LABELS}


@bp.get("/bodies")
@access(PUBLIC)
@for_visitors
def bodies():
    form, on = _roster_date()
    summaries = queries.bodies(db.session, on)
    return render_template("bodies/bodies.html", summaries=summaries, on=on, form=form,
                           BodyKind=BodyKind)


@bp.get("/bodies/<slug>")
@access(PUBLIC)
@for_visitors
def body(slug: str):
    form, on = _roster_date()
    page = queries.body_page(db.session, slug, on, current_reader()) or abort(404)
    return render_template("bodies/body.html", page=page, body=page.body, on=on, form=form)


def _themes(ids: list[int]) -> list[Theme]:
    return list(db.session.scalars(select(Theme).where(Theme.id.in_(ids)))) if ids else []


def _body_fields(form: BodyForm) -> dict:
    return {
        "kind": BodyKind(form.kind.data),
        "name_sv": form.name_sv.data,
        "name_en": form.name_en.data or "",
        "description_sv": form.description_sv.data or "",
        "description_en": form.description_en.data or "",
        "email": form.email.data or "",
        "established_on": form.established_on.data,
    }


@bp.route("/bodies/new", methods=["GET", "POST"])
@access(SECRETARIAT)
def new_body():
    form = BodyForm()
    form.theme_ids.choices = theme_choices(db.session)
    if form.validate_on_submit():
        try:
            created = services.create_group(
                db.session, themes=_themes(form.theme_ids.data), **_body_fields(form)
            )
        except BodyError as error:
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(gettext("%(name)s was set up. Add its members next.",
                          name=local(created, "name")), "success")
            return redirect(url_for("bodies.body", slug=created.slug), code=303)
    return render_template("bodies/body_form.html", form=form, body=None)


@bp.route("/bodies/<slug>/edit", methods=["GET", "POST"])
@access(SECRETARIAT)
def edit_body(slug: str):
    found = db.session.scalar(select(Body).where(Body.slug == slug)) or abort(404)
    form = BodyForm(obj=found)
    form.theme_ids.choices = theme_choices(db.session)
    if found.kind is BodyKind.FORUM:
        # The forum's own bodies keep their kind; the field shows it, fixed.
        form.kind.choices = [(BodyKind.FORUM.value, KIND_LABELS[BodyKind.FORUM])]
    if request.method == "GET":
        form.kind.data = found.kind.value
        form.theme_ids.data = [t.id for t in found.themes]
    if form.validate_on_submit():
        try:
            services.update_body(
                db.session, found, themes=_themes(form.theme_ids.data),
                closed_on=form.closed_on.data, **_body_fields(form),
            )
        except BodyError as error:
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(gettext("The changes were saved."), "success")
            return redirect(url_for("bodies.body", slug=found.slug), code=303)
    return render_template("bodies/body_form.html", form=form, body=found)


@bp.route("/bodies/<slug>/members/new", methods=["GET", "POST"])
@access(SECRETARIAT)
def add_member(slug: str):
    found = db.session.scalar(select(Body).where(Body.slug == slug)) or abort(404)
    form = MemberForm()
    form.person_id.set_choices(_people_choices())
    form.seat_id.set_choices([(s.id, local(s, "label")) for s in found.seats])
    form.region_id.set_choices(_region_choices())
    if request.method == "GET":
        form.start_date.data = today()
        if request.args.get("person", "").isdigit():
            form.person_id.data = int(request.args["person"])
        if len(found.seats) == 1:
            form.seat_id.data = found.seats[0].id
    if form.validate_on_submit():
        seat = db.session.get(Seat, form.seat_id.data)
        region = db.session.get(Region, form.region_id.data) if form.region_id.data else None
        try:
            created = roster.nominate(
                db.session,
                person=db.session.get(Person, form.person_id.data),
                seat=seat,
                region=region,
                start_date=form.start_date.data,
                end_date=form.end_date.data,
                party=form.party.data or "",
                note=form.note.data or "",
            )
        except RosterError as error:
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(gettext("%(name)s is now %(role)s in %(body)s.", name=created.person.name,
                          role=local(seat, "label").lower(), body=local(found, "name")),
                  "success")
            return redirect(url_for("bodies.body", slug=found.slug), code=303)
    return render_template("bodies/member_form.html", form=form, body=found)

