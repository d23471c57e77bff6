"""Erasing a departed person's private contact details, and recording exports.

Official records stay: the person's name, nominations, answers, attendance, minutes and the
audit log (which the database keeps append-only). What goes is what only served to reach
them: e-mail, phone, the secretariat's note, the account's login, calendar addresses,
material digests and the mail still waiting to be sent to them. Services flush and raise
PrivacyError; the request commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext
from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session, joinedload

from forum.accounts import tokens
from forum.accounts.models import Account
from forum.audit.models import AuditEntry
from forum.audit.services import record
from forum.calendars import feeds
from forum.cooperation.models import Cooperation
from forum.i18n import day, local
from forum.mail_models import OutboxMessage, OutboxStatus
from forum.material.models import MaterialNotice
from forum.meetings.models import Meeting, MeetingAnswer, MeetingGuest, MeetingStatus
from forum.privacy.export import Subject
from forum.proposals.models import NominationProposal
from forum.roster.models import Nomination, Person
from forum.timeutil import STOCKHOLM, utcnow

# What an erased account's login becomes: unique, and not an address anyone can type.
ERASED_LOGIN = "erased-account-{id}"
# What replaces an erased address in the text of mail already sent.
ERASED = "[erased]"
CANCELLED = "Cancelled: the recipient's contact details were erased."


class PrivacyError(Exception):
    """A refused erasure, explained in the user's language, aimed at a form field."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Erasure:
    """What an erasure did, in numbers (the audit entry keeps these, never the values)."""

    fields: tuple[str, ...]
    account_closed: bool
    calendar_addresses_revoked: int
    mails_cancelled: int
    mails_redacted: int
    digest_notices_dropped: int
    other_records_cleared: int

    def as_record(self) -> dict:
        return {
            "erased": list(self.fields),
            "account_closed": self.account_closed,
            "calendar_addresses_revoked": self.calendar_addresses_revoked,
            "mails_cancelled": self.mails_cancelled,
            "mails_redacted": self.mails_redacted,
            "digest_notices_dropped": self.digest_notices_dropped,
            "other_records_cleared": self.other_records_cleared,
        }


def account_of(session: Session, person: Person) -> Account | None:
    return session.scalar(
        select(Account).where(Account.person_id == person.id)
        .options(joinedload(Account.contact_region))
    )


def refusals(session: Session, person: Person, on: date) -> list[str]:
    """Why the person's contact details may not be erased (yet): empty when they may.

    Someone who still holds or is about to take up a seat, who has a staff role on an
    active account, or who is invited to a coming meeting has not left."""
    reasons = []
    nominations = session.scalars(
        select(Nomination)
        .where(Nomination.person_id == person.id,
               or_(Nomination.end_date.is_(None), Nomination.end_date >= on))
        .options(joinedload(Nomination.body), joinedload(Nomination.seat),
                 joinedload(Nomination.region))
        .order_by(Nomination.start_date)
    )
    for n in nominations:
        values = {
            "name": person.name,
            "seat": local(n.seat, "label"),
            "body": local(n.body, "name"),
            "start": day(n.start_date),
        }
        if n.region is not None:
            values["region"] = n.region.name
            if n.start_date <= on:
                message = gettext(
                    "%(name)s is a current member: %(seat)s in %(body)s for %(region)s "
                    "since %(start)s. End the nomination first.", **values)
            else:
                message = gettext(
                    "%(name)s is nominated to %(seat)s in %(body)s for %(region)s from "
                    "%(start)s. End the nomination first.", **values)
        elif n.start_date <= on:
            message = gettext(
                "%(name)s is a current member: %(seat)s in %(body)s since %(start)s. End the "
                "nomination first.", **values)
        else:
            message = gettext(
                "%(name)s is nominated to %(seat)s in %(body)s from %(start)s. End the "
                "nomination first.", **values)
        reasons.append(message)
    account = account_of(session, person)
    if account is not None and account.is_active and account.role_names:
        reasons.append(gettext(
            "%(name)s's account has a role (administrator, secretariat or a region's "
            "contact). An administrator removes the role first.", name=person.name))
    coming = session.scalars(
        select(Meeting)
        .join(MeetingGuest, MeetingGuest.meeting_id == Meeting.id)
        .where(MeetingGuest.person_id == person.id, Meeting.end_at >= utcnow(),
               Meeting.status != MeetingStatus.CANCELLED)
        .order_by(Meeting.start_at)
    )
    for meeting in coming:
        reasons.append(gettext(
            "%(name)s is invited as a guest to %(meeting)s on %(date)s.",
            name=person.name, meeting=meeting.title,
            date=day(meeting.start_at.astimezone(STOCKHOLM).date()),
        ))
    return reasons


def erased_at(session: Session, person: Person) -> datetime | None:
    """When the person's contact details were last erased (from the audit log)."""
    return session.scalar(
        select(func.max(AuditEntry.at))
        .where(AuditEntry.action == "person_erased", AuditEntry.person_id == person.id)
    )


def erase_contact_details(
    session: Session, person: Person, *, reason: str, on: date, by: Account | None = None
) -> Erasure:
    """Erase what only served to reach the person; keep every official record."""
    reason = reason.strip()
    if not reason:
        raise PrivacyError("reason", gettext("Say why the contact details are erased."))
    refused = refusals(session, person, on)
    if refused:
        raise PrivacyError(None, " ".join(refused))

    account = account_of(session, person)
    addresses = Subject(person, account).addresses
    old_phone = person.phone.strip()
    erased = [name for name in ("email", "phone", "note") if getattr(person, name)]
    person.email = None
    person.phone = ""
    person.note = ""

    revoked = 0
    if account is not None:
        erased += ["account_email"] + (["password"] if account.password_hash else [])
        account.email = ERASED_LOGIN.format(id=account.id)
        account.password_hash = None
        if account.is_active:
            account.is_active = False
            account.session_version += 1  # signed out everywhere at once
        account.is_admin = account.is_secretariat = False
        account.contact_region_id = None
        account.notify_by_email = False
        account.material_digest = False
        tokens.revoke_all(session, account)
        revoked = feeds.revoke_tokens(session, account)

    dropped = session.execute(
        delete(MaterialNotice)
        .where(MaterialNotice.person_id == person.id, MaterialNotice.sent_at.is_(None))
    ).rowcount or 0

    cancelled = redacted = cleared = 0
    if addresses:
        for message in session.scalars(
            select(OutboxMessage).where(func.lower(OutboxMessage.to_address).in_(addresses))
        ):
            if message.status is OutboxStatus.PENDING:
                message.status = OutboxStatus.FAILED
                message.last_error = CANCELLED
                message.text_body = message.html_body = message.calendar_body = ""
                cancelled += 1
            else:
                message.text_body = _without(message.text_body, addresses)
                message.html_body = _without(message.html_body, addresses)
            message.to_address = ""
            redacted += 1
        # Where others wrote the address down: as a substitute, in a proposal, as a
        # cooperation's contact.
        for answer in session.scalars(
            select(MeetingAnswer).where(func.lower(MeetingAnswer.substitute_email).in_(addresses))
        ):
            answer.substitute_email = ""
            cleared += 1
        for cooperation in session.scalars(
            select(Cooperation).where(func.lower(Cooperation.contact_email).in_(addresses))
        ):
            cooperation.contact_email = ""
            if old_phone and cooperation.contact_phone.strip() == old_phone:
                cooperation.contact_phone = ""
            cleared += 1
    proposals = [NominationProposal.person_id == person.id]
    if addresses:
        proposals.append(func.lower(NominationProposal.new_email).in_(addresses))
    for proposal in session.scalars(
        select(NominationProposal).where(or_(*proposals), NominationProposal.new_email != "")
    ):
        proposal.new_email = ""
        cleared += 1
    session.flush()

    done = Erasure(
        fields=tuple(erased),
        account_closed=account is not None,
        calendar_addresses_revoked=revoked,
        mails_cancelled=cancelled,
        mails_redacted=redacted,
        digest_notices_dropped=dropped,
        other_records_cleared=cleared,
    )
    record(session, "person_erased", target=person, person_id=person.id, summary=reason,
           after=done.as_record(), actor=by)
    return done


def _without(text: str, addresses: set[str]) -> str:
    lowered = text.lower()
    for address in addresses:
        start = lowered.find(address)
        while start != -1:
            text = text[:start] + ERASED + text[start + len(address):]
            lowered = text.lower()
            start = lowered.find(address, start + len(ERASED))
    return text


def record_export(session: Session, person: Person, *, by_self: bool) -> None:
    record(session, "personal_data_exported", target=person, person_id=person.id,
           after={"by": "the person" if by_self else "the secretariat"})
