"""Proposals: a region's contact proposes, the secretariat approves or returns; the contact
is told by e-mail either way. Approval makes the nomination with the roster's own rules."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from forum import mail, storage
from forum.accounts.models import Account
from forum.audit.services import record, snapshot
from forum.proposals.models import NominationProposal, ProposalStatus
from forum.roster import rules, services as roster
from forum.roster.models import Nomination, Person, Region, Seat
from forum.roster.queries import current_on
from forum.roster.rules import RuleViolation
from forum.timeutil import utcnow
from forum.urls import external_url

MAX_DECISION_BYTES = 10 * 1024 * 1024
FIELDS = (
    "region_id", "seat_id", "person_id", "new_given_name", "new_family_name", "new_email",
    "party", "start_date", "decision_reference", "decision_filename", "status",
)


class ProposalError(Exception):
    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def propose(
    session: Session,
    *,
    by: Account,
    region: Region,
    seat: Seat,
    person: Person | None,
    new_person: dict[str, str],
    party: str,
    start_date: date,
    decision_reference: str,
    decision_file: FileStorage | None,
    note: str = "",
) -> NominationProposal:
    if person is None and not (new_person.get("given_name") and new_person.get("family_name")):
        raise ProposalError(
            "person_id", gettext("Choose a person on the roster, or give the new person's name.")
        )
    try:
        rules.check_party(seat.is_political, party)
    except RuleViolation as violation:
        raise ProposalError("party", gettext("A politician's seat needs a party.")) from violation
    has_file = decision_file is not None and bool(decision_file.filename)
    if not decision_reference.strip() and not has_file:
        raise ProposalError(
            "decision_reference",
            gettext("Give the region's decision: a reference, a PDF of it, or both."),
        )
    proposal = NominationProposal(
        region_id=region.id,
        body_id=seat.body_id,
        seat_id=seat.id,
        person_id=person.id if person else None,
        new_given_name=new_person.get("given_name", "").strip() if person is None else "",
        new_family_name=new_person.get("family_name", "").strip() if person is None else "",
        new_email=new_person.get("email", "").strip().lower() if person is None else "",
        new_title=new_person.get("title", "").strip() if person is None else "",
        party=party.strip() if seat.is_political else "",
        start_date=start_date,
        decision_reference=decision_reference.strip(),
        note=note.strip(),
        proposed_by_id=by.id,
    )
    if has_file:
        assert decision_file is not None
        try:
            stored = storage.store(
                session, decision_file.stream, kind="pdf", max_bytes=MAX_DECISION_BYTES
            )
        except storage.UploadRefused as refused:
            raise ProposalError("decision_file", _upload_message(refused.reason)) from refused
        proposal.decision_file = stored.name
        proposal.decision_size = stored.size
        proposal.decision_sha256 = stored.sha256
        proposal.decision_filename = (decision_file.filename or "beslut.pdf")[-255:]
    session.add(proposal)
    session.flush()
    record(
        session,
        "proposal_made",
        target=proposal,
        person_id=proposal.person_id,
        summary=f"{region.code} {proposal.person_name}",
        after=snapshot(proposal, *FIELDS),
    )
    return proposal


def _upload_message(reason: str) -> str:
    if reason == "too_large":
        return gettext("The file is larger than %(mb)d MB.", mb=MAX_DECISION_BYTES // 2**20)
    if reason == "empty":
        return gettext("The file is empty.")
    return gettext("Attach the decision as a PDF file.")


def holder_on(session: Session, proposal: NominationProposal) -> Nomination | None:
    """The running nomination in the proposed seat on the proposed start date, if any."""
    return session.scalar(
        select(Nomination).where(
            Nomination.region_id == proposal.region_id,
            Nomination.seat_id == proposal.seat_id,
            current_on(proposal.start_date),
            Nomination.end_date.is_(None),
        )
    )


def approve(session: Session, proposal: NominationProposal, *, by: Account) -> Nomination:
    """Make the nomination (replacing the running holder from the start date, if there is
    one), with the same rules as when the secretariat nominates."""
    if proposal.status is not ProposalStatus.PENDING:
        raise ProposalError(None, gettext("This proposal has already been decided."))
    before = snapshot(proposal, "status")
    try:
        with session.begin_nested():
            person = proposal.person
            if person is None:
                person = roster.save_person(
                    session,
                    Person(),
                    given_name=proposal.new_given_name,
                    family_name=proposal.new_family_name,
                    email=proposal.new_email,
                    title=proposal.new_title,
                    organisation_id=_region_organisation_id(session, proposal.region),
                )
            holder = holder_on(session, proposal)
            if holder is not None and holder.start_date < proposal.start_date:
                nomination = roster.replace_member(
                    session,
                    holder,
                    person=person,
                    start_date=proposal.start_date,
                    party=proposal.party,
                    note=_note(proposal),
                )
            else:
                nomination = roster.nominate(
                    session,
                    person=person,
                    seat=proposal.seat,
                    region=proposal.region,
                    start_date=proposal.start_date,
                    party=proposal.party,
                    note=_note(proposal),
                )
    except roster.RosterError as error:
        raise ProposalError(None, error.message) from error
    proposal.person_id = person.id
    proposal.status = ProposalStatus.APPROVED
    proposal.decided_by_id = by.id
    proposal.decided_at = utcnow()
    proposal.nomination_id = nomination.id
    session.flush()
    record(session, "proposal_approved", target=proposal, person_id=person.id,
           before=before, after=snapshot(proposal, "status", "nomination_id"))
    _tell_proposer(session, proposal, "proposal_approved")
    return nomination


def return_proposal(
    session: Session, proposal: NominationProposal, *, by: Account, reason: str
) -> None:
    if proposal.status is not ProposalStatus.PENDING:
        raise ProposalError(None, gettext("This proposal has already been decided."))
    if not reason.strip():
        raise ProposalError("reason", gettext("Say why the proposal is returned."))
    before = snapshot(proposal, "status")
    proposal.status = ProposalStatus.RETURNED
    proposal.decided_by_id = by.id
    proposal.decided_at = utcnow()
    proposal.decision_note = reason.strip()
    session.flush()
    record(session, "proposal_returned", target=proposal, person_id=proposal.person_id,
           summary=proposal.decision_note[:200], before=before,
           after=snapshot(proposal, "status", "decision_note"))
    _tell_proposer(session, proposal, "proposal_returned")


def _note(proposal: NominationProposal) -> str:
    parts = [gettext("Proposed by %(region)s.", region=proposal.region.name)]
    if proposal.decision_reference:
        parts.append(gettext("Decision: %(ref)s.", ref=proposal.decision_reference))
    if proposal.note:
        parts.append(proposal.note)
    return " ".join(parts)


def _region_organisation_id(session: Session, region: Region) -> int | None:
    for organisation in region.organisations:
        if organisation.kind.value == "region":
            return organisation.id
    return None


def _tell_proposer(session: Session, proposal: NominationProposal, template: str) -> None:
    account = proposal.proposed_by
    mail.queue(
        session,
        to=account.email,
        to_name=account.person.name,
        language=account.language,
        template=template,
        kind=template,
        proposal=proposal,
        seat=proposal.seat,
        link=external_url("proposals.proposal", proposal_id=proposal.id),
    )


