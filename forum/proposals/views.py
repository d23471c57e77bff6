"""Proposal pages: the region's contact proposes; the secretariat decides."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from forum import storage
from forum.access import REGION_CONTACT, SECRETARIAT, access, contact_for, is_secretariat
from forum.db import db
from forum.i18n import local
from forum.proposals import services
from forum.proposals.forms import ApproveForm, ProposalForm, ReturnForm
from forum.proposals.models import NominationProposal, ProposalStatus
from forum.proposals.services import ProposalError
from forum.roster import queries as roster_queries
from forum.roster.models import Person, Region, Seat

bp = Blueprint("proposals", __name__)

# The rest of the form beside the decision PDF.
FORM_ALLOWANCE = 512 * 1024


@bp.url_value_preprocessor
def _allow_the_decision_upload(endpoint: str | None, _values: dict | None) -> None:
    # The decision may be larger than the app's general request limit. This runs before
    # every before_request hook, CSRF's included, which already reads the body.
    if endpoint == "proposals.propose":
        request.max_content_length = services.MAX_DECISION_BYTES + FORM_ALLOWANCE


def require(allowed: bool) -> None:
    """The object-level check: the account may see or change this object."""
    if not allowed:
        abort(403)


def _load(proposal_id: int) -> NominationProposal:
    proposal = db.session.scalar(
        select(NominationProposal)
        .where(NominationProposal.id == proposal_id)
        .options(
            joinedload(NominationProposal.region),
            joinedload(NominationProposal.seat),
            joinedload(NominationProposal.body),
            joinedload(NominationProposal.person),
            joinedload(NominationProposal.proposed_by),
            joinedload(NominationProposal.decided_by),
        )
    )
    if proposal is None:
        abort(404)
    return proposal


@bp.get("/proposals")
@access(REGION_CONTACT)
def proposals():
    query = (
        select(NominationProposal)
        .options(
            joinedload(NominationProposal.region),
            joinedload(NominationProposal.seat),
            joinedload(NominationProposal.body),
            joinedload(NominationProposal.person),
        )
        .order_by(NominationProposal.proposed_at.desc(), NominationProposal.id.desc())
    )
    if not is_secretariat():
        query = query.where(NominationProposal.region_id == current_user.contact_region_id)
    rows = db.session.scalars(query.limit(500)).all()
    pending = [p for p in rows if p.status is ProposalStatus.PENDING]
    decided = [p for p in rows if p.status is not ProposalStatus.PENDING]
    return render_template("proposals/list.html", pending=pending, decided=decided)


@bp.route("/regions/<code>/propose", methods=["GET", "POST"])
@access(REGION_CONTACT)
def propose(code: str):
    region = db.session.scalar(select(Region).where(Region.code == code)) or abort(404)
    require(contact_for(region.id))
    form = ProposalForm()
    form.seat_id.set_choices(
        (seat.id, f"{local(body, 'name')}: {local(seat, 'label')}")
        for body in roster_queries.forum_bodies(db.session)
        for seat in body.seats
    )
    form.person_id.set_choices(
        (p.id, f"{p.family_name}, {p.given_name}" + (f" ({p.title})" if p.title else ""))
        for p in roster_queries.people(db.session)
        if p.organisation is None or p.organisation.region_id in (None, region.id)
    )
    if form.validate_on_submit():
        try:
            proposal = services.propose(
                db.session,
                by=current_user,
                region=region,
                seat=db.session.get(Seat, form.seat_id.data),
                person=db.session.get(Person, form.person_id.data) if form.person_id.data else None,
                new_person={
                    "given_name": form.new_given_name.data or "",
                    "family_name": form.new_family_name.data or "",
                    "email": form.new_email.data or "",
                    "title": form.new_title.data or "",
                },
                party=form.party.data or "",
                start_date=form.start_date.data,
                decision_reference=form.decision_reference.data or "",
                decision_file=form.decision_file.data,
                note=form.note.data or "",
            )
        except ProposalError as error:
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(gettext("The proposal was sent to the secretariat."), "success")
            return redirect(url_for("proposals.proposal", proposal_id=proposal.id))
    return render_template("proposals/propose.html", form=form, region=region)


@bp.get("/proposals/<int:proposal_id>")
@access(REGION_CONTACT)
def proposal(proposal_id: int):
    found = _load(proposal_id)
    require(contact_for(found.region_id))
    holder = services.holder_on(db.session, found) if found.status is ProposalStatus.PENDING else None
    return render_template(
        "proposals/proposal.html",
        proposal=found,
        holder=holder,
        approve_form=ApproveForm(formdata=None),
        return_form=ReturnForm(formdata=None),
    )


@bp.post("/proposals/<int:proposal_id>/approve")
@access(SECRETARIAT)
def approve(proposal_id: int):
    found = _load(proposal_id)
    form = ApproveForm()
    if form.validate_on_submit():
        try:
            nomination = services.approve(db.session, found, by=current_user)
        except ProposalError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(gettext("Approved: %(name)s is nominated.", name=nomination.person.name), "success")
            return redirect(url_for("roster.region", code=found.region.code))
    return redirect(url_for("proposals.proposal", proposal_id=found.id))


@bp.route("/proposals/<int:proposal_id>/return", methods=["POST"])
@access(SECRETARIAT)
def return_proposal(proposal_id: int):
    found = _load(proposal_id)
    form = ReturnForm()
    if form.validate_on_submit():
        try:
            services.return_proposal(db.session, found, by=current_user, reason=form.reason.data)
        except ProposalError as error:
            if error.field != "reason":
                # Already decided: the page no longer shows the forms, so say it there.
                flash(error.message, "error")
                return redirect(url_for("proposals.proposal", proposal_id=found.id))
            form.add_error("reason", error.message)
        else:
            db.session.commit()
            flash(gettext("The proposal was returned to %(region)s.", region=found.region.name), "success")
            return redirect(url_for("proposals.proposals"))
    holder = services.holder_on(db.session, found)
    return render_template(
        "proposals/proposal.html",
        proposal=found,
        holder=holder,
        approve_form=ApproveForm(formdata=None),
        return_form=form,
    ), 400 if form.errors else 200


@bp.get("/proposals/<int:proposal_id>/decision")
@access(REGION_CONTACT)
def decision(proposal_id: int):
    found = _load(proposal_id)
    require(contact_for(found.region_id))
    if not found.decision_file or not storage.exists(found.decision_file):
        abort(404)
    return send_file(
        storage.path_of(found.decision_file),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=found.decision_filename or "beslut.pdf",
        conditional=True,
    )
