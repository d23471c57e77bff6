"""Sending a meeting's material to its participants, and the deadline for doing so.

A distribution lists what is new or changed since the previous one and is sent once to each
participant with an address: at once, or gathered into a daily digest for members who chose
one (`flask --app app forum material-digest`, run daily). Secretariat-only and withdrawn
documents are never distributed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from forum import mail
from forum.accounts.models import Account
from forum.audit.services import record
from forum.material.models import (
    Distribution,
    DistributionItem,
    Document,
    MaterialNotice,
    Visibility,
    in_kind_order,
)
from forum.material.services import MaterialError
from forum.meetings import planning
from forum.meetings.models import Meeting, MeetingStatus
from forum.meetings.queries import local_day, participants
from forum.roster.models import Person
from forum.timeutil import utcnow
from forum.urls import external_url

# The dashboard warns this many days before a meeting's deadline.
WARN_WITHIN = timedelta(days=7)


def deadline(meeting: Meeting, days_before: int) -> date:
    """The day the material is due: the meeting's own, or days_before its date."""
    if meeting.material_deadline is not None:
        return meeting.material_deadline
    return local_day(meeting.start_at) - timedelta(days=days_before)


def meeting_deadline(session: Session, meeting: Meeting) -> date:
    return deadline(meeting, planning.settings(session).material_deadline_days)


def _distributable(session: Session, meeting_ids: list[int]) -> list[Document]:
    if not meeting_ids:
        return []
    return list(session.scalars(
        select(Document)
        .where(Document.meeting_id.in_(meeting_ids), Document.withdrawn_at.is_(None),
               Document.visibility != Visibility.SECRETARIAT)
        .options(selectinload(Document.versions))
        .order_by(in_kind_order(), Document.title, Document.id)
    ))


def _last_sent(session: Session, meeting_ids: list[int]) -> dict[int, tuple[int | None, datetime]]:
    """Per document: the version last distributed and when."""
    if not meeting_ids:
        return {}
    rows = session.execute(
        select(DistributionItem.document_id, DistributionItem.version_id,
               Distribution.distributed_at)
        .join(Distribution, Distribution.id == DistributionItem.distribution_id)
        .where(Distribution.meeting_id.in_(meeting_ids))
        .order_by(Distribution.distributed_at, Distribution.id)
    ).all()
    return {document_id: (version_id, at) for document_id, version_id, at in rows}


@dataclass
class Change:
    document: Document
    change: str  # "new" or "changed"


def _changes(documents: list[Document], sent: dict[int, tuple[int | None, datetime]]) -> list[Change]:
    found = []
    for document in documents:
        if document.id not in sent:
            found.append(Change(document, "new"))
            continue
        version_id, at = sent[document.id]
        current = document.current
        if document.is_link:
            if document.updated_at > at:
                found.append(Change(document, "changed"))
        elif current is not None and current.id != version_id:
            found.append(Change(document, "changed"))
    return found


def pending(session: Session, meeting: Meeting) -> list[Change]:
    """What a distribution now would send: new documents, and new versions since the last."""
    return _changes(_distributable(session, [meeting.id]), _last_sent(session, [meeting.id]))


def history(session: Session, meeting: Meeting) -> list[Distribution]:
    return list(session.scalars(
        select(Distribution).where(Distribution.meeting_id == meeting.id)
        .options(selectinload(Distribution.items).selectinload(DistributionItem.document),
                 selectinload(Distribution.items).selectinload(DistributionItem.version))
        .order_by(Distribution.distributed_at.desc(), Distribution.id.desc())
    ))


def distribute(session: Session, meeting: Meeting, *, by, message: str = "") -> Distribution:
    if meeting.is_cancelled:
        raise MaterialError(None, gettext("The meeting is cancelled: its material is not sent."))
    changes = pending(session, meeting)
    if not changes:
        raise MaterialError(None, gettext("There is nothing new or changed to distribute."))
    distribution = Distribution(meeting_id=meeting.id, distributed_by_id=by.id if by else None,
                                message=message.strip())
    distribution.items = [
        DistributionItem(document_id=c.document.id,
                         version_id=c.document.current.id if c.document.current else None,
                         change=c.change)
        for c in changes
    ]
    session.add(distribution)
    session.flush()
    people = [p.person for p in participants(session, meeting) if p.person.email]
    accounts = {
        a.person_id: a for a in session.scalars(
            select(Account).where(Account.person_id.in_([p.id for p in people])))
    } if people else {}
    link = external_url("meetings.meeting", meeting_id=meeting.id) + "#material"
    links = _links(c.document for c in changes)
    for person in people:
        account = accounts.get(person.id)
        if account is not None and account.material_digest:
            session.add(MaterialNotice(person_id=person.id, distribution_id=distribution.id))
            continue
        mail.queue(
            session, to=person.email, to_name=person.name,
            language=account.language if account else "sv",
            template="material_distributed", kind="material_distributed",
            person=person, meeting=meeting, changes=changes, message=distribution.message,
            link=link, links=links,
        )
    distribution.recipients = len(people)
    session.flush()
    record(session, "material_distributed", target=meeting,
           summary=", ".join(c.document.title for c in changes)[:200])
    return distribution


def _links(documents) -> dict[int, str]:
    """Each document's page (which asks a reader who is not logged in to log in first)."""
    return {d.id: external_url("material.document", document_id=d.id) for d in documents}


def _still_sent(item: DistributionItem) -> bool:
    # A digest goes out later than the distribution: what has been withdrawn or made the
    # secretariat's own since is no longer named.
    document = item.document
    return document.withdrawn_at is None and document.visibility is not Visibility.SECRETARIAT


def send_digests(session: Session) -> int:
    """One e-mail per member with everything distributed to them since their last digest."""
    notices = list(session.scalars(
        select(MaterialNotice).where(MaterialNotice.sent_at.is_(None))
        .options(selectinload(MaterialNotice.distribution).selectinload(Distribution.items)
                 .selectinload(DistributionItem.document))
        .order_by(MaterialNotice.person_id, MaterialNotice.id)
    ))
    by_person: dict[int, list[MaterialNotice]] = defaultdict(list)
    for notice in notices:
        by_person[notice.person_id].append(notice)
    if not by_person:
        return 0
    people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(by_person)))}
    languages = dict(session.execute(
        select(Account.person_id, Account.language).where(Account.person_id.in_(by_person))).all())
    meetings = {m.id: m for m in session.scalars(select(Meeting).where(Meeting.id.in_(
        {n.distribution.meeting_id for n in notices})))}
    sent = 0
    now = utcnow()
    for person_id, items in by_person.items():
        person = people[person_id]
        groups = []
        for notice in items:
            meeting = meetings[notice.distribution.meeting_id]
            documents = [i for i in notice.distribution.items if _still_sent(i)]
            if documents:
                groups.append({
                    "meeting": meeting,
                    "distribution": notice.distribution,
                    "documents": documents,
                    "link": external_url("meetings.meeting", meeting_id=meeting.id) + "#material",
                    "links": _links(i.document for i in documents),
                })
        if person.email and groups:
            mail.queue(session, to=person.email, to_name=person.name,
                       language=languages.get(person_id, "sv"), template="material_digest",
                       kind="material_digest", person=person, groups=groups)
            sent += 1
        for notice in items:
            notice.sent_at = now
    session.flush()
    return sent


@dataclass
class Due:
    meeting: Meeting
    deadline: date
    late: bool
    pending: int  # documents new or changed since the last distribution
    distributed: bool  # distributed at least once


def due(session: Session, today: date) -> list[Due]:
    """Upcoming meetings whose material is late or due within a week: never distributed,
    or changed since it was. For the secretariat's dashboard."""
    days = planning.settings(session).material_deadline_days
    horizon = today + WARN_WITHIN
    upcoming = [
        m for m in session.scalars(
            select(Meeting).where(Meeting.start_at >= utcnow(),
                                  Meeting.status != MeetingStatus.CANCELLED)
            .order_by(Meeting.start_at)
        )
        if deadline(m, days) <= horizon
    ]
    ids = [m.id for m in upcoming]
    documents = _distributable(session, ids)
    sent = _last_sent(session, ids)
    distributed = set(session.scalars(
        select(Distribution.meeting_id).where(Distribution.meeting_id.in_(ids)))) if ids else set()
    by_meeting: dict[int, list[Document]] = defaultdict(list)
    for document in documents:
        by_meeting[document.meeting_id].append(document)  # type: ignore[index]
    found = []
    for meeting in upcoming:
        changes = _changes(by_meeting.get(meeting.id, []), sent)
        if meeting.id in distributed and not changes:
            continue
        due_on = deadline(meeting, days)
        found.append(Due(meeting, due_on, due_on < today, len(changes), meeting.id in distributed))
    return found
