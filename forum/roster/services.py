"""Changes to the roster. Services flush and raise RosterError; the request commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from flask_babel import gettext
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from forum.audit.services import record, snapshot
from forum.i18n import day, local, term
from forum.roster import rules
from forum.roster.models import Nomination, Organisation, OrganisationKind, Person, Region, Seat
from forum.roster.rules import Holding, RuleViolation, Term


NOMINATION_FIELDS = (
    "person_id", "body_id", "seat_id", "region_id", "slot", "party", "start_date", "end_date",
    "nominated_by_id", "note",
)
PERSON_FIELDS = ("given_name", "family_name", "title", "organisation_id", "email", "phone", "note")
ORGANISATION_FIELDS = ("name", "short_name", "kind", "region_id", "website", "note")


class RosterError(Exception):
    """A refused change, explained in the user's language, aimed at a form field."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def _holding(n: Nomination) -> Holding:
    return Holding(n.id, n.person_id, n.slot, Term(n.start_date, n.end_date))


def _overlapping(session: Session, *criteria, within: Term, exclude: int | None = None):
    query = select(Nomination).where(*criteria)
    if within.end is not None:
        query = query.where(Nomination.start_date <= within.end)
    query = query.where(or_(Nomination.end_date.is_(None), Nomination.end_date >= within.start))
    if exclude is not None:
        query = query.where(Nomination.id != exclude)
    return list(session.scalars(query))


def _explain(session: Session, violation: RuleViolation, **context) -> RosterError:
    blocking = [session.get(Nomination, h.id) for h in violation.blocking]
    holders = "; ".join(
        f"{n.person.name} ({term(n.start_date, n.end_date)})" for n in blocking if n
    )
    seat = context.get("seat")
    region = context.get("region")
    code = violation.code
    if code == "end_before_start":
        message = gettext(
            "The end date cannot be before the start date (%(start)s).",
            start=day(context.get("start")),
        )
    elif code == "region_required":
        message = gettext("Choose the region whose seat this is.")
    elif code == "party_required":
        message = gettext("A politician's seat needs a party.")
    elif code == "person_overlap" and blocking[0].region is None:
        first = blocking[0]
        message = gettext(
            "%(person)s is already a member of %(body)s during this time (%(role)s, %(term)s).",
            person=first.person.name,
            body=local(first.body, "name"),
            role=local(first.seat, "label").lower(),
            term=term(first.start_date, first.end_date),
        )
    elif code == "person_overlap":
        first = blocking[0]
        message = gettext(
            "%(person)s already holds a seat in %(body)s during this time: "
            "%(seat)s for %(region)s, %(term)s.",
            person=first.person.name,
            body=local(first.body, "name"),
            seat=local(first.seat, "label"),
            region=first.region.name,
            term=term(first.start_date, first.end_date),
        )
    elif code == "seat_full" and seat is not None and not seat.per_region:
        message = gettext(
            "All %(places)d places of %(seat)s in %(body)s are taken during this time. "
            "End a membership first, or ask an administrator for more places.",
            places=seat.holders_per_region,
            seat=local(seat, "label"),
            body=local(seat.body, "name"),
        )
    elif code == "seat_full":
        message = gettext(
            "The seat %(seat)s for %(region)s is already held during this time by "
            "%(holders)s. End or replace that nomination first.",
            seat=local(seat, "label") if seat else "",
            region=region.name if region else "",
            holders=holders,
        )
    elif code == "already_ended":
        message = gettext(
            "This nomination has already ended (%(end)s), and history is not rewritten. "
            "Nominate a successor to the vacant seat instead.",
            end=day(context.get("end")),
        )
    elif code == "replacement_before_start":
        message = gettext(
            "The successor must start after %(start)s: the current nomination ends the day "
            "before its successor starts, and cannot end before it began.",
            start=day(context.get("start")),
        )
    else:  # pragma: no cover - every code above is one the rules raise
        message = code
    return RosterError(violation.field, message)


def nominate(
    session: Session,
    *,
    person: Person,
    seat: Seat,
    region: Region | None,
    start_date: date,
    end_date: date | None = None,
    party: str = "",
    nominated_by: Organisation | None = None,
    note: str = "",
) -> Nomination:
    """Nominate a person to a region's seat, or to a working group's seat (where the
    region is optional), if the seat rules allow it."""
    wanted = Term(start_date, end_date)
    context = {"seat": seat, "region": region, "start": start_date}
    try:
        rules.check_region(seat.per_region, region is not None)
        rules.check_term(wanted)
        rules.check_party(seat.is_political, party)
        rules.check_person_free(
            person.id,
            wanted,
            map(
                _holding,
                _overlapping(
                    session,
                    Nomination.person_id == person.id,
                    Nomination.body_id == seat.body_id,
                    within=wanted,
                ),
            ),
        )
        slot = rules.free_slot(
            seat.holders_per_region,
            wanted,
            map(
                _holding,
                _overlapping(
                    session,
                    # A region's places in a forum seat; a working group seat's places
                    # are shared by everyone.
                    *((Nomination.region_id == region.id,) if seat.per_region else ()),
                    Nomination.seat_id == seat.id,
                    within=wanted,
                ),
            ),
        )
    except RuleViolation as violation:
        raise _explain(session, violation, **context) from violation

    if nominated_by is None and region is None:
        # A working group's member from an agency or elsewhere comes from their employer.
        nominated_by = person.organisation
    if nominated_by is None and region is not None:
        # Unless told otherwise, the region nominates through its own organisation.
        nominated_by = session.scalar(
            select(Organisation).where(
                Organisation.region_id == region.id, Organisation.kind == OrganisationKind.REGION
            )
        )
    # Built from ids, so that no relationship cascades it into the session before the
    # guarded flush below.
    nomination = Nomination(
        person_id=person.id,
        body_id=seat.body_id,
        seat_id=seat.id,
        region_id=region.id if region else None,
        slot=slot,
        party=party.strip() if seat.is_political else "",
        start_date=start_date,
        end_date=end_date,
        nominated_by_id=nominated_by.id if nominated_by else None,
        note=note.strip(),
    )
    _flush_guarded(session, nomination, context)
    record(
        session,
        "nomination_created",
        target=nomination,
        person_id=person.id,
        summary=f"{region.code if region else '–'} {seat.body.slug}/{seat.slug}",
        after=snapshot(nomination, *NOMINATION_FIELDS),
    )
    return nomination


def end_nomination(session: Session, nomination: Nomination, end_date: date) -> None:
    """Set the last day of a running nomination."""
    try:
        rules.check_end(Term(nomination.start_date, nomination.end_date), end_date)
    except RuleViolation as violation:
        raise _explain(
            session, violation, start=nomination.start_date, end=nomination.end_date
        ) from violation
    before = snapshot(nomination, "end_date")
    nomination.end_date = end_date
    session.flush()
    record(
        session,
        "nomination_ended",
        target=nomination,
        person_id=nomination.person_id,
        before=before,
        after=snapshot(nomination, "end_date"),
    )


def replace_member(
    session: Session,
    nomination: Nomination,
    *,
    person: Person,
    start_date: date,
    party: str = "",
    nominated_by: Organisation | None = None,
    note: str = "",
) -> Nomination:
    """End a nomination the day before its successor starts, and nominate the successor."""
    current = Term(nomination.start_date, nomination.end_date)
    try:
        end = rules.replacement_end(current, start_date)
    except RuleViolation as violation:
        raise _explain(
            session, violation, start=nomination.start_date, end=nomination.end_date
        ) from violation
    with session.begin_nested():
        nomination.end_date = end
        session.flush()
        record(
            session,
            "nomination_ended",
            target=nomination,
            person_id=nomination.person_id,
            summary="replaced",
            before={"end_date": None},
            after=snapshot(nomination, "end_date"),
        )
        return nominate(
            session,
            person=person,
            seat=nomination.seat,
            region=nomination.region,
            start_date=start_date,
            party=party,
            nominated_by=nominated_by,
            note=note,
        )


def _flush_guarded(session: Session, nomination: Nomination, context: dict) -> None:
    # Another writer may have taken the seat since we looked; the database then
    # refuses, and the user gets the same explanation as if we had seen it first.
    try:
        with session.begin_nested():
            session.add(nomination)
            session.flush()
    except IntegrityError as error:
        text = str(error.orig)
        if "seat_slot_overlap" in text:
            raise RosterError(
                "start_date",
                gettext(
                    "Someone else has just filled the seat %(seat)s for %(region)s. "
                    "Reload the region page to see who holds it.",
                    seat=local(context["seat"], "label"),
                    region=context["region"].name,
                ),
            ) from error
        if "person_body_overlap" in text:
            raise RosterError(
                "person_id",
                gettext("This person was just given another seat in the same body."),
            ) from error
        raise


def save_person(session: Session, person: Person, **fields) -> Person:
    """Create or update a person; e-mail addresses are unique on the roster."""
    email = (fields.get("email") or "").strip().lower() or None
    fields["email"] = email
    if email is not None:
        query = select(Person).where(Person.email == email)
        if person.id is not None:
            query = query.where(Person.id != person.id)
        with session.no_autoflush:
            clash = session.scalar(query)
        if clash is not None:
            raise RosterError(
                "email",
                gettext("%(name)s already has this e-mail address.", name=clash.name),
            )
    before = snapshot(person, *PERSON_FIELDS) if person.id is not None else None
    _apply(person, fields)
    session.add(person)
    session.flush()
    after = snapshot(person, *PERSON_FIELDS)
    if before != after:
        record(
            session,
            "person_created" if before is None else "person_changed",
            target=person,
            person_id=person.id,
            before=before,
            after=after,
        )
    return person


def save_organisation(session: Session, organisation: Organisation, **fields) -> Organisation:
    """Create or update an organisation; names are unique."""
    name = (fields.get("name") or "").strip()
    query = select(Organisation).where(Organisation.name == name)
    if organisation.id is not None:
        query = query.where(Organisation.id != organisation.id)
    with session.no_autoflush:
        clash = session.scalar(query)
    if clash is not None:
        raise RosterError("name", gettext("There is already an organisation with this name."))
    before = snapshot(organisation, *ORGANISATION_FIELDS) if organisation.id is not None else None
    _apply(organisation, fields)
    session.add(organisation)
    session.flush()
    after = snapshot(organisation, *ORGANISATION_FIELDS)
    if before != after:
        record(
            session,
            "organisation_created" if before is None else "organisation_changed",
            target=organisation,
            before=before,
            after=after,
        )
    return organisation


def _apply(obj: object, fields: dict) -> None:
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(obj, name, value)


def holders_of(nominations: Sequence[Nomination], on: date) -> list[Nomination]:
    return [n for n in nominations if n.is_current(on)]
