"""A person's data: the page that explains it, the JSON download (their own, or any person's
for the secretariat), and the secretariat's erasure of a departed person's contact details."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from forum.access import SECRETARIAT, SIGNED_IN, access
from forum.db import db
from forum.privacy import export, services
from forum.privacy.forms import EraseForm
from forum.privacy.services import PrivacyError
from forum.roster import queries
from forum.roster.models import Person
from forum.timeutil import today

bp = Blueprint("privacy", __name__)

# The parts of the export in words, for the page that explains them.
SECTIONS = {
    "person": _l("Your name, title and contact details on the roster"),
    "organisation": _l("The organisation you represent"),
    "nominations": _l("Your nominations to the forum's bodies, with their history"),
    "account": _l("Your login: address, language, notice choices, when you last logged in"),
    "roles": _l("Your roles in the service"),
    "meeting_answers": _l("Your answers to meeting invitations"),
    "attendance": _l("Attendance recorded at meetings"),
    "guest_invitations": _l("Meetings you were invited to as a guest"),
    "material": _l("Meeting material you downloaded, added or sent, and digest notices"),
    "calendar_tokens": _l("Your personal calendar addresses: when made and last used"),
    "nomination_proposals": _l("Nomination proposals about you, or made or decided by you"),
    "audit": _l("The audit log: changes to your records, and what you did in the service"),
    "mail": _l("E-mails sent to you: subject, date and status"),
    "surveys": _l("Surveys sent to you and your answers"),
    "cooperation": _l("Cooperation entries you proposed, added or are the contact of"),
    "news": _l("News items you wrote or published"),
}


def _count(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, list):
        return len(value)
    if isinstance(value, dict) and all(isinstance(v, list) for v in value.values()):
        return sum(len(v) for v in value.values())
    return 1


def _download(person: Person, *, by_self: bool) -> Response:
    document = export.collect(db.session, person)
    services.record_export(db.session, person, by_self=by_self)
    db.session.commit()
    name = f"forum-personal-data-{person.id}-{today().isoformat()}.json"
    response = Response(export.as_json(document), content_type="application/json; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/profile/data")
@access(SIGNED_IN)
def my_data():
    person = current_user.person
    document = export.collect(db.session, person)
    sections = [
        (SECTIONS.get(p.name, p.name), _count(document[p.name])) for p in export.PARTS
    ]
    return render_template("privacy/data.html", person=person, sections=sections,
                           omitted=export.OMITTED)


@bp.get("/profile/data.json")
@access(SIGNED_IN)
def my_data_json():
    return _download(current_user.person, by_self=True)


@bp.get("/people/<int:person_id>/data.json")
@access(SECRETARIAT)
def person_data_json(person_id: int):
    person = db.session.get(Person, person_id) or abort(404)
    return _download(person, by_self=False)


@bp.route("/people/<int:person_id>/erase", methods=["GET", "POST"])
@access(SECRETARIAT)
def erase(person_id: int):
    person = queries.person_page(db.session, person_id) or abort(404)
    account = services.account_of(db.session, person)
    form = EraseForm()
    refused = services.refusals(db.session, person, today())
    if form.validate_on_submit():
        try:
            services.erase_contact_details(
                db.session, person, reason=form.reason.data, on=today(), by=current_user
            )
        except PrivacyError as error:
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(gettext("The private contact details of %(name)s were erased. The name and "
                          "the official records stay.", name=person.name), "success")
            return redirect(url_for("roster.person", person_id=person.id), 303)
    return render_template(
        "privacy/erase.html", form=form, person=person, account=account, refused=refused,
        erased_at=services.erased_at(db.session, person), today=today(),
    )
