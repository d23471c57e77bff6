"""Reading the audit log, filtered, newest first, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from forum.audit.models import AuditEntry
from forum.timeutil import STOCKHOLM

PAGE_SIZE = 50


@dataclass
class AuditPage:
    entries: list[AuditEntry]
    total: int
    page: int

    @property
    def pages(self) -> int:
        return max((self.total + PAGE_SIZE - 1) // PAGE_SIZE, 1)


def _start_of(day: date) -> datetime:
    # In UTC: SQLite compares the stored UTC text with the parameter's own wall-clock time.
    return datetime.combine(day, time(0), tzinfo=STOCKHOLM).astimezone(UTC)


def entries(
    session: Session,
    *,
    person_id: int | None = None,
    object_type: str = "",
    object_id: int | None = None,
    action: str = "",
    since: date | None = None,
    until: date | None = None,
    page: int = 1,
) -> AuditPage:
    query = select(AuditEntry)
    if person_id is not None:
        query = query.where(AuditEntry.person_id == person_id)
    if object_type:
        query = query.where(AuditEntry.object_type == object_type)
    if object_id is not None:
        query = query.where(AuditEntry.object_id == object_id)
    if action:
        query = query.where(AuditEntry.action == action)
    if since is not None:
        query = query.where(AuditEntry.at >= _start_of(since))
    if until is not None:
        query = query.where(AuditEntry.at < _start_of(until + timedelta(days=1)))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.options(joinedload(AuditEntry.actor))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return AuditPage(list(rows), total, page)


def actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))


def object_types(session: Session) -> list[str]:
    return list(
        session.scalars(
            select(AuditEntry.object_type)
            .where(AuditEntry.object_type != "")
            .distinct()
            .order_by(AuditEntry.object_type)
        )
    )
