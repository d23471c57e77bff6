"""Everything Forum holds about a person, as one JSON document (GDPR art. 15 and 20).

Each feature's share is a small function in one registry (`PARTS`): it gets the person and
their account and returns JSON-ready data. A part says which columns that point at a person
or an account it reads (`covers`); tests/privacy/test_personal_data_export.py fails when a table gains
such a column that no part covers, so a new feature cannot forget its share.

Secrets are never exported: no password hash, no one-time link or calendar token (nor their
hashes), no session data, no mail body (it may hold a one-time link).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from forum.accounts.models import Account, AccountToken
from forum.audit.models import AuditEntry
from forum.calendars.models import CalendarToken
from forum.cooperation.models import Cooperation
from forum.mail_models import OutboxMessage
from forum.material.models import (
    Distribution,
    Document,
    DocumentVersion,
    Download,
    MaterialNotice,
)
from forum.meetings.models import Attendance, Meeting, MeetingAnswer, MeetingGuest
from forum.news.models import NewsItem
from forum.proposals.models import NominationProposal
from forum.roster.models import Nomination, Person
from forum.surveys.models import Survey, SurveyRecipient, SurveyReminder, SurveyResponse
from forum.timeutil import utcnow

SCHEMA = "forum-person-data"
SCHEMA_VERSION = 1

# What the document never holds, said in the document itself.
OMITTED = [
    "the account's password hash",
    "one-time links for invitations and password resets, and their hashes",
    "personal calendar feed addresses (tokens), and their hashes",
    "session data and remember-me cookies",
    "the text of e-mails (it may hold a one-time link); their subject, date and status are given",
    "other people's personal data in records of what you did (only the kind of record and when)",
]


@dataclass(frozen=True)
class Subject:
    """Whom the export is about: the person and their account, if they have one."""

    person: Person
    account: Account | None

    @property
    def account_id(self) -> int | None:
        return self.account.id if self.account is not None else None

    @property
    def addresses(self) -> set[str]:
        """The e-mail addresses the person is known by (an erased account has none)."""
        found = {self.person.email or ""}
        if self.account is not None:
            found.add(self.account.email)
        return {a.strip().lower() for a in found if a and "@" in a}


@dataclass(frozen=True)
class Part:
    name: str
    collect: Callable[[Session, Subject], Any]
    # "table.column" for each column referring to people or accounts that the part reads.
    covers: tuple[str, ...] = ()


PARTS: list[Part] = []

# Columns referring to people or accounts that no part exports, with the reason.
NOT_EXPORTED: dict[str, str] = {}


def part(name: str, *, covers: tuple[str, ...] = ()) -> Callable:
    def register(collect: Callable[[Session, Subject], Any]) -> Callable:
        if any(p.name == name for p in PARTS):
            raise ValueError(f"two parts of the personal data export are called {name!r}")
        PARTS.append(Part(name, collect, covers))
        return collect

    return register


def plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [plain(v) for v in value]
    return value


def fields(obj: Any, *names: str) -> dict[str, Any]:
    return {name: plain(getattr(obj, name)) for name in names}


def _meeting(meeting: Meeting | None) -> dict[str, Any] | None:
    if meeting is None:
        return None
    return {
        "id": meeting.id,
        "title": meeting.title,
        "body": meeting.body.slug,
        "start_at": plain(meeting.start_at),
        "status": plain(meeting.status),
    }


_MEETING = (joinedload(Meeting.body),)


def collect(session: Session, person: Person) -> dict[str, Any]:
    """The whole document, in the registry's order."""
    account = session.scalar(select(Account).where(Account.person_id == person.id))
    subject = Subject(person, account)
    document: dict[str, Any] = {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "generated_at": plain(utcnow()),
        "about": {
            "controller": "Forum för hållbar regional utveckling, the secretariat",
            "legal_basis": "GDPR art. 6.1 e: a task carried out in the public interest",
            "official_records": (
                "Nominations, minutes and attendance are official documents (allmänna "
                "handlingar): they are archived, not deleted. Private contact details "
                "can be erased when you leave."
            ),
            "secrets_omitted": OMITTED,
        },
    }
    for registered in PARTS:
        document[registered.name] = registered.collect(session, subject)
    return document


def as_json(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


# --- the parts ------------------------------------------------------------------------------


@part("person")
def _person(session: Session, subject: Subject) -> dict[str, Any]:
    return fields(
        subject.person,
        "id", "given_name", "family_name", "title", "email", "phone", "note",
        "created_at", "updated_at",
    )


@part("organisation")
def _organisation(session: Session, subject: Subject) -> dict[str, Any] | None:
    organisation = subject.person.organisation
    if organisation is None:
        return None
    return fields(organisation, "id", "name", "short_name", "kind")


@part("nominations", covers=("nominations.person_id",))
def _nominations(session: Session, subject: Subject) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(Nomination)
        .where(Nomination.person_id == subject.person.id)
        .options(
            joinedload(Nomination.body), joinedload(Nomination.seat),
            joinedload(Nomination.region), joinedload(Nomination.nominated_by),
        )
        .order_by(Nomination.start_date, Nomination.id)
    )
    return [
        fields(n, "id", "party", "start_date", "end_date", "slot", "note", "created_at")
        | {
            "body": n.body.slug,
            "seat": n.seat.label_sv,
            "region": n.region.code if n.region else None,
            "nominated_by": n.nominated_by.name if n.nominated_by else None,
        }
        for n in rows
    ]


@part("account", covers=("accounts.person_id", "account_tokens.account_id"))
def _account(session: Session, subject: Subject) -> dict[str, Any] | None:
    account = subject.account
    if account is None:
        return None
    links = session.scalars(
        select(AccountToken).where(AccountToken.account_id == account.id)
        .order_by(AccountToken.created_at)
    )
    return fields(
        account,
        "id", "email", "is_active", "language", "notify_by_email", "material_digest",
        "created_at", "last_login_at",
    ) | {
        "has_password": account.password_hash is not None,
        "one_time_links": [
            fields(t, "purpose", "created_at", "expires_at", "used_at", "revoked_at")
            for t in links
        ],
    }


@part("roles")
def _roles(session: Session, subject: Subject) -> list[dict[str, Any]]:
    account = subject.account
    if account is None:
        return []
    roles: list[dict[str, Any]] = []
    if account.is_admin:
        roles.append({"role": "admin"})
    if account.is_secretariat:
        roles.append({"role": "secretariat"})
    if account.contact_region is not None:
        roles.append({"role": "region_contact", "region": account.contact_region.code})
    return roles


@part("meeting_answers", covers=("meeting_answers.person_id",))
def _answers(session: Session, subject: Subject) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(MeetingAnswer).where(MeetingAnswer.person_id == subject.person.id)
        .options(joinedload(MeetingAnswer.meeting).options(*_MEETING))
        .order_by(MeetingAnswer.answered_at)
    )
    # The substitute's e-mail address is theirs, not the person's: their name is enough.
    return [
        fields(a, "answer", "substitute_name", "answered_at") | {"meeting": _meeting(a.meeting)}
        for a in rows
    ]


@part("attendance", covers=("attendance.person_id",))
def _attendance(session: Session, subject: Subject) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(Attendance).where(Attendance.person_id == subject.person.id)
        .options(joinedload(Attendance.meeting).options(*_MEETING), joinedload(Attendance.region))
        .order_by(Attendance.id)
    )
    return [
        fields(a, "role", "presence", "substitute_name", "side")
        | {"region": a.region.code if a.region else None, "meeting": _meeting(a.meeting)}
        for a in rows
    ]


@part("guest_invitations", covers=("meeting_guests.person_id",))
def _guest(session: Session, subject: Subject) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(MeetingGuest).where(MeetingGuest.person_id == subject.person.id)
        .options(joinedload(MeetingGuest.meeting).options(*_MEETING))
        .order_by(MeetingGuest.invited_at)
    )
    return [fields(g, "invited_at") | {"meeting": _meeting(g.meeting)} for g in rows]


@part(
    "material",
    covers=(
        "downloads.account_id",
        "material_notices.person_id",
        "documents.created_by_id",
        "document_versions.uploaded_by_id",
        "distributions.distributed_by_id",
    ),
)
def _material(session: Session, subject: Subject) -> dict[str, Any]:
    notices = session.scalars(
        select(MaterialNotice).where(MaterialNotice.person_id == subject.person.id)
        .options(joinedload(MaterialNotice.distribution))
        .order_by(MaterialNotice.created_at)
    )
    found: dict[str, Any] = {
        "digest_notices": [
            fields(n, "created_at", "sent_at")
            | {"distribution": n.distribution_id, "meeting": n.distribution.meeting_id}
            for n in notices
        ],
        "downloads": [],
        "documents_added": [],
        "versions_uploaded": [],
        "distributions_sent": [],
    }
    account_id = subject.account_id
    if account_id is None:
        return found
    downloads = session.execute(
        select(Download.at, Download.document_id, Document.title, DocumentVersion.number)
        .join(Document, Document.id == Download.document_id)
        .outerjoin(DocumentVersion, DocumentVersion.id == Download.version_id)
        .where(Download.account_id == account_id)
        .order_by(Download.at)
    )
    found["downloads"] = [
        {"at": plain(at), "document": document_id, "title": title, "version": number}
        for at, document_id, title, number in downloads
    ]
    found["documents_added"] = [
        fields(d, "id", "title", "created_at")
        for d in session.scalars(
            select(Document).where(Document.created_by_id == account_id).order_by(Document.id)
        )
    ]
    found["versions_uploaded"] = [
        fields(v, "document_id", "number", "file_name", "uploaded_at")
        for v in session.scalars(
            select(DocumentVersion).where(DocumentVersion.uploaded_by_id == account_id)
            .order_by(DocumentVersion.id)
        )
    ]
    found["distributions_sent"] = [
        fields(d, "id", "meeting_id", "distributed_at", "recipients")
        for d in session.scalars(
            select(Distribution).where(Distribution.distributed_by_id == account_id)
            .order_by(Distribution.id)
        )
    ]
    return found


@part("calendar_tokens", covers=("calendar_tokens.account_id",))
def _calendar(session: Session, subject: Subject) -> list[dict[str, Any]]:
    if subject.account_id is None:
        return []
    rows = session.scalars(
        select(CalendarToken).where(CalendarToken.account_id == subject.account_id)
        .order_by(CalendarToken.created_at)
    )
    return [
        fields(t, "created_at", "last_used_at", "revoked_at") | {"active": t.revoked_at is None}
        for t in rows
    ]


def _proposal(p: NominationProposal) -> dict[str, Any]:
    return fields(
        p, "id", "status", "party", "start_date", "decision_reference", "proposed_at",
        "decided_at", "decision_note",
    ) | {
        "region": p.region.code,
        "body": p.body.slug,
        "seat": p.seat.label_sv,
        "person": p.person_name,
        "nomination": p.nomination_id,
    }


@part(
    "nomination_proposals",
    covers=(
        "nomination_proposals.person_id",
        "nomination_proposals.proposed_by_id",
        "nomination_proposals.decided_by_id",
    ),
)
def _proposals(session: Session, subject: Subject) -> dict[str, Any]:
    conditions = [NominationProposal.person_id == subject.person.id]
    if subject.account_id is not None:
        conditions += [
            NominationProposal.proposed_by_id == subject.account_id,
            NominationProposal.decided_by_id == subject.account_id,
        ]
    rows = list(
        session.scalars(
            select(NominationProposal).where(or_(*conditions))
            .options(
                joinedload(NominationProposal.region), joinedload(NominationProposal.body),
                joinedload(NominationProposal.seat), joinedload(NominationProposal.person),
            )
            .order_by(NominationProposal.proposed_at)
        )
    )
    me = subject.account_id
    return {
        "about_you": [_proposal(p) for p in rows if p.person_id == subject.person.id],
        "made": [_proposal(p) for p in rows if me is not None and p.proposed_by_id == me],
        "decided": [
            fields(p, "id", "status", "decided_at")
            for p in rows
            if me is not None and p.decided_by_id == me
        ],
    }


@part("audit", covers=("audit_log.person_id", "audit_log.actor_account_id"))
def _audit(session: Session, subject: Subject) -> dict[str, Any]:
    me = subject.account_id
    about = [AuditEntry.person_id == subject.person.id,
             (AuditEntry.object_type == "Person") & (AuditEntry.object_id == subject.person.id)]
    if me is not None:
        about.append((AuditEntry.object_type == "Account") & (AuditEntry.object_id == me))
    about_you = [
        fields(e, "at", "action", "object_type", "object_id", "summary", "before", "after")
        | {
            "by": "you" if me is not None and e.actor_account_id == me else e.actor_label,
            # The address a request came from is the actor's: given only when it was you.
            "ip_address": e.ip_address if me is not None and e.actor_account_id == me else None,
        }
        for e in session.scalars(select(AuditEntry).where(or_(*about)).order_by(AuditEntry.id))
    ]
    by_you: list[dict[str, Any]] = []
    if me is not None:
        # What you did to other people's records: the kind of record and when, not its
        # content (their personal data).
        by_you = [
            fields(e, "at", "action", "object_type", "object_id", "ip_address")
            for e in session.scalars(
                select(AuditEntry).where(AuditEntry.actor_account_id == me)
                .order_by(AuditEntry.id)
            )
        ]
    return {"about_you": about_you, "by_you": by_you}


@part("mail")
def _mail(session: Session, subject: Subject) -> list[dict[str, Any]]:
    addresses = subject.addresses
    if not addresses:
        return []
    rows = session.scalars(
        select(OutboxMessage).where(func.lower(OutboxMessage.to_address).in_(addresses))
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
    )
    return [
        fields(m, "created_at", "to_address", "subject", "kind", "status", "sent_at")
        for m in rows
    ]


@part(
    "surveys",
    covers=(
        "survey_recipients.person_id",
        "survey_responses.person_id",
        "survey_responses.answered_by_id",
        "surveys.created_by_id",
        "surveys.closed_by_id",
        "survey_reminders.sent_by_id",
    ),
)
def _surveys(session: Session, subject: Subject) -> dict[str, Any]:
    me = subject.account_id
    asked = session.scalars(
        select(SurveyRecipient).where(SurveyRecipient.person_id == subject.person.id)
        .order_by(SurveyRecipient.id)
    )
    conditions = [SurveyResponse.person_id == subject.person.id]
    if me is not None:
        conditions.append(SurveyResponse.answered_by_id == me)
    responses = session.scalars(
        select(SurveyResponse).where(or_(*conditions))
        .options(
            joinedload(SurveyResponse.survey), joinedload(SurveyResponse.region),
            selectinload(SurveyResponse.answers),
        )
        .order_by(SurveyResponse.id)
    )
    answered = []
    for response in responses:
        entry = fields(response, "status", "created_at", "first_submitted_at", "submitted_at") | {
            "survey": {"id": response.survey.id, "title": response.survey.title},
            "region": response.region.code if response.region else None,
        }
        if response.person_id == subject.person.id:  # an evaluation: the person's own answer
            entry["answers"] = [
                fields(a, "question_id", "text", "number", "choices")
                for a in sorted(response.answers, key=lambda a: a.question_id)
            ]
        answered.append(entry)
    found: dict[str, Any] = {
        "asked": [{"survey": r.survey_id} for r in asked],
        "responses": answered,
        "created": [],
        "closed": [],
        "reminders_sent": [],
    }
    if me is not None:
        found["created"] = [
            fields(s, "id", "title", "created_at")
            for s in session.scalars(select(Survey).where(Survey.created_by_id == me))
        ]
        found["closed"] = [
            fields(s, "id", "title", "closed_at")
            for s in session.scalars(select(Survey).where(Survey.closed_by_id == me))
        ]
        found["reminders_sent"] = [
            fields(r, "survey_id", "sent_at", "recipients")
            for r in session.scalars(
                select(SurveyReminder).where(SurveyReminder.sent_by_id == me)
            )
        ]
    return found


@part(
    "cooperation",
    covers=("cooperations.proposed_by_id", "cooperations.created_by_id",
            "cooperations.decided_by_id"),
)
def _cooperation(session: Session, subject: Subject) -> dict[str, Any]:
    me = subject.account_id
    addresses = subject.addresses
    conditions = []
    if me is not None:
        conditions += [Cooperation.proposed_by_id == me, Cooperation.created_by_id == me,
                       Cooperation.decided_by_id == me]
    if addresses:
        conditions.append(func.lower(Cooperation.contact_email).in_(addresses))
    rows = list(session.scalars(select(Cooperation).where(or_(*conditions)).order_by(
        Cooperation.id))) if conditions else []

    def brief(c: Cooperation, when: str) -> dict[str, Any]:
        return fields(c, "id", "title", "status", when)

    return {
        "proposed": [brief(c, "proposed_at") for c in rows if me and c.proposed_by_id == me],
        "added": [brief(c, "created_at") for c in rows if me and c.created_by_id == me],
        "decided": [brief(c, "decided_at") for c in rows if me and c.decided_by_id == me],
        "named_as_contact": [
            fields(c, "id", "title", "contact_name", "contact_email", "contact_phone")
            for c in rows
            if (c.contact_email or "").strip().lower() in addresses
        ],
    }


@part(
    "news",
    covers=("news_items.created_by_id", "news_items.published_by_id",
            "news_items.archived_by_id"),
)
def _news(session: Session, subject: Subject) -> dict[str, Any]:
    me = subject.account_id
    if me is None:
        return {"written": [], "published": [], "unpublished": []}
    rows = list(session.scalars(
        select(NewsItem).where(or_(NewsItem.created_by_id == me, NewsItem.published_by_id == me,
                                   NewsItem.archived_by_id == me))
        .order_by(NewsItem.id)
    ))
    return {
        "written": [fields(n, "id", "title_sv", "status", "created_at")
                    for n in rows if n.created_by_id == me],
        "published": [fields(n, "id", "title_sv", "published_at")
                      for n in rows if n.published_by_id == me],
        "unpublished": [fields(n, "id", "title_sv", "archived_at")
                        for n in rows if n.archived_by_id == me],
    }
