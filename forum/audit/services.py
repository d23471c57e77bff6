"""Writing the audit log: one call, used by every service that changes something that
matters."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy.orm import Session

from forum.audit.models import AuditEntry


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def snapshot(obj: Any, *fields: str) -> dict[str, Any]:
    """The named attributes of an object, as JSON-ready values."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def record(
    session: Session,
    action: str,
    *,
    target: Any = None,
    person_id: int | None = None,
    summary: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    actor: Any = None,
) -> AuditEntry:
    """Add an entry for what just happened; it is committed with the change itself."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    if actor is not None:
        label = getattr(actor, "email", None) or str(actor)
    elif has_request_context():
        label = "anonymous"
    else:
        label = "system"  # the command line
    entry = AuditEntry(
        action=action,
        actor_account_id=getattr(actor, "id", None),
        actor_label=label,
        object_type=type(target).__name__ if target is not None else "",
        object_id=getattr(target, "id", None),
        person_id=person_id,
        summary=summary,
        before=_plain(before) if before is not None else None,
        after=_plain(after) if after is not None else None,
        ip_address=(request.remote_addr or "")[:45] if has_request_context() else "",
    )
    session.add(entry)
    return entry
