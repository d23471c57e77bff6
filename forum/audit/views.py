"""The audit log page for the secretariat and admins."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from sqlalchemy import select

from forum.access import SECRETARIAT, access
from forum.audit import labels, queries
from forum.audit.forms import AuditFilterForm
from forum.db import db
from forum.roster.models import Person

bp = Blueprint("audit", __name__)


@bp.get("/audit")
@access(SECRETARIAT)
def log():
    form = AuditFilterForm(request.args)
    form.person.set_choices(
        (p.id, p.sort_name)
        for p in db.session.scalars(select(Person).order_by(Person.family_name, Person.given_name))
    )
    form.object_type.choices = [("", "—")] + [
        (t, labels.object_type(t)) for t in queries.object_types(db.session)
    ]
    form.action.choices = [("", "—")] + [(a, labels.action(a)) for a in queries.actions(db.session)]
    valid = form.validate() if request.args else True
    page_number = request.args.get("page", "1")
    page_number = int(page_number) if page_number.isdigit() and 0 < int(page_number) < 10**6 else 1
    page = queries.entries(
        db.session,
        person_id=form.person.data if valid else None,
        object_type=(form.object_type.data or "") if valid else "",
        object_id=form.object_id.data if valid else None,
        action=(form.action.data or "") if valid else "",
        since=form.since.data if valid else None,
        until=form.until.data if valid else None,
        page=page_number,
    )
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("audit/log.html", form=form, page=page, args=args, labels=labels)
