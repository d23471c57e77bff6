"""Changes to the register: the secretariat makes approved entries and changes anything; a
region's contact proposes entries that involve their region and changes them until they are
approved; the secretariat approves or returns with a reason, and the proposer is told by
e-mail in their language. Every change flushes and is audited; nothing commits here."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forum import mail
from forum.accounts.models import Account
from forum.audit.services import record
from forum.cooperation import rules
from forum.cooperation.models import (
    Cooperation,
    CooperationArea,
    CooperationFunder,
    CooperationKind,
    CooperationParty,
    CooperationStatus,
    CooperationVisibility,
    FunderRole,
)
from forum.cooperation.rules import CooperationError, PartyInput
from forum.roster.models import Region
from forum.strategy.models import Theme
from forum.timeutil import utcnow
from forum.urls import external_url

__all__ = [
    "CooperationError",
    "EntryInput",
    "PartyInput",
    "add_area",
    "approve",
    "change_area",
    "create",
    "return_entry",
    "update",
]


@dataclass
class EntryInput:
    """An entry as the form gives it."""

    title: str
    kind: CooperationKind
    start_date: date | None
    region_ids: list[int]
    description: str = ""
    parties: list[PartyInput] = field(default_factory=list)
    theme_ids: list[int] = field(default_factory=list)
    area_ids: list[int] = field(default_factory=list)
    end_date: date | None = None
    agreement_date: date | None = None
    funders: str = ""  # one per line
    co_financers: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    website: str = ""
    visibility: CooperationVisibility = CooperationVisibility.PUBLIC


@dataclass
class _Checked:
    regions: list[Region]
    parties: list[PartyInput]
    themes: list[Theme]
    areas: list[CooperationArea]
    funders: list[tuple[FunderRole, str]]
    website: str
    region_of: dict[int, Region]


def _is_staff(account: Account) -> bool:
    return bool(account.is_secretariat or account.is_admin)


def _check(session: Session, data: EntryInput, by: Account) -> _Checked:
    """Everything is judged before anything changes, so that a refusal leaves the entry as
    it was."""
    if not data.title.strip():
        raise CooperationError("title", gettext("Give the cooperation a title."))
    region_ids = list(dict.fromkeys(data.region_ids))
    if not region_ids:
        raise CooperationError("region_ids", gettext("Choose at least one Swedish region."))
    if not _is_staff(by) and not rules.may_propose_for(by.contact_region_id, region_ids):
        own = session.get(Region, by.contact_region_id) if by.contact_region_id else None
        raise CooperationError("region_ids", gettext(
            "You propose for %(region)s: it must be among the regions involved.",
            region=own.name if own else "–"))
    parties = [rules.check_party(p) for p in data.parties if not p.is_blank]
    wanted = set(region_ids) | {p.region_id for p in parties if p.region_id is not None}
    found = {r.id: r for r in session.scalars(select(Region).where(Region.id.in_(wanted)))}
    if any(i not in found for i in region_ids):
        raise CooperationError("region_ids", gettext("Choose regions from the list."))
    seen: set[int] = set()
    for party in parties:
        if party.region_id is None:
            continue
        if party.region_id not in found:
            raise CooperationError(f"parties-{party.row}-region_id",
                                   gettext("Choose a region from the list."))
        if party.region_id in region_ids or party.region_id in seen:
            raise CooperationError(
                f"parties-{party.row}-region_id",
                gettext("%(region)s is already among the regions involved.",
                        region=found[party.region_id].name))
        seen.add(party.region_id)
    theme_ids = list(dict.fromkeys(data.theme_ids))
    themes = list(session.scalars(select(Theme).where(Theme.id.in_(theme_ids)))) if theme_ids else []
    if len(themes) != len(theme_ids):
        raise CooperationError("theme_ids", gettext("Choose themes from the list."))
    area_ids = list(dict.fromkeys(data.area_ids))
    areas = (list(session.scalars(select(CooperationArea).where(CooperationArea.id.in_(area_ids))))
             if area_ids else [])
    if len(areas) != len(area_ids):
        raise CooperationError("area_ids", gettext("Choose areas from the list."))
    rules.check_dates(data.start_date, data.end_date, data.agreement_date)
    funders = [(FunderRole.FUNDER, n) for n in rules.names_of(data.funders, "funders")]
    funders += [(FunderRole.CO_FINANCER, n)
                for n in rules.names_of(data.co_financers, "co_financers")]
    website = rules.check_website(data.website)
    return _Checked(
        regions=[found[i] for i in region_ids], parties=parties, themes=themes, areas=areas,
        funders=funders, website=website, region_of=found,
    )


def _apply(entry: Cooperation, data: EntryInput, checked: _Checked) -> None:
    entry.title = " ".join(data.title.split())
    entry.description = data.description.strip()
    entry.kind = data.kind
    entry.visibility = data.visibility
    entry.start_date = data.start_date  # type: ignore[assignment]  (checked)
    entry.end_date = data.end_date
    entry.agreement_date = data.agreement_date
    entry.contact_name = data.contact_name.strip()
    entry.contact_email = data.contact_email.strip().lower()
    entry.contact_phone = data.contact_phone.strip()
    entry.website = checked.website
    entry.regions = checked.regions
    entry.themes = checked.themes
    entry.areas = checked.areas
    entry.parties = [
        CooperationParty(position=position, kind=p.kind, name=p.name, country=p.country,
                         region=checked.region_of.get(p.region_id) if p.region_id else None)
        for position, p in enumerate(checked.parties, start=1)
    ]
    entry.funders = [
        CooperationFunder(position=position, role=role, name=name)
        for position, (role, name) in enumerate(checked.funders, start=1)
    ]
    entry.updated_at = utcnow()


def snapshot(entry: Cooperation) -> dict[str, Any]:
    """What the audit log keeps of an entry, in plain values."""
    return {
        "title": entry.title,
        "kind": entry.kind.value,
        "status": entry.status.value,
        "visibility": entry.visibility.value,
        "start_date": entry.start_date.isoformat() if entry.start_date else None,
        "end_date": entry.end_date.isoformat() if entry.end_date else None,
        "agreement_date": entry.agreement_date.isoformat() if entry.agreement_date else None,
        "regions": [r.code for r in entry.regions],
        "parties": [
            f"{p.kind.value}: {p.label}"
            + (f" ({p.country})" if p.country else "")
            for p in entry.parties
        ],
        "themes": [t.id for t in entry.themes],
        "areas": [a.slug for a in entry.areas],
        "funders": [f"{f.role.value}: {f.name}" for f in entry.funders],
        "contact": ", ".join(v for v in (entry.contact_name, entry.contact_email,
                                         entry.contact_phone) if v),
        "website": entry.website,
    }


def create(session: Session, data: EntryInput, *, by: Account) -> Cooperation:
    """The secretariat's entry is approved at once; a contact's is a proposal for their
    region, waiting for the secretariat."""
    checked = _check(session, data, by)
    entry = Cooperation(created_by_id=by.id, return_reason="")
    now = utcnow()
    if _is_staff(by):
        entry.status = CooperationStatus.APPROVED
        entry.decided_by_id = by.id
        entry.decided_at = now
        action = "cooperation_created"
    else:
        entry.status = CooperationStatus.PROPOSED
        entry.proposing_region_id = by.contact_region_id
        entry.proposed_by_id = by.id
        entry.proposed_at = now
        action = "cooperation_proposed"
    _apply(entry, data, checked)
    entry.created_at = now
    session.add(entry)
    session.flush()
    record(session, action, target=entry, summary=entry.title[:200], after=snapshot(entry),
           actor=by)
    return entry


def update(session: Session, entry: Cooperation, data: EntryInput, *, by: Account) -> Cooperation:
    staff = _is_staff(by)
    if not rules.may_edit(secretariat=staff, contact_region_id=by.contact_region_id,
                          proposing_region_id=entry.proposing_region_id, status=entry.status):
        raise CooperationError(None, gettext("Only the secretariat changes an approved entry."))
    checked = _check(session, data, by)
    before = snapshot(entry)
    _apply(entry, data, checked)
    status = rules.next_status_on_edit(entry.status, secretariat=staff)
    action = "cooperation_changed"
    if status is not entry.status:
        entry.status = status
        entry.proposed_by_id = by.id
        entry.proposed_at = utcnow()
        action = "cooperation_resubmitted"
    session.flush()
    record(session, action, target=entry, summary=entry.title[:200], before=before,
           after=snapshot(entry), actor=by)
    return entry


def approve(session: Session, entry: Cooperation, *, by: Account) -> None:
    rules.check_decision(entry.status)
    entry.status = CooperationStatus.APPROVED
    entry.decided_by_id = by.id
    entry.decided_at = utcnow()
    entry.return_reason = ""
    session.flush()
    record(session, "cooperation_approved", target=entry, summary=entry.title[:200],
           before={"status": "proposed"}, after={"status": "approved"}, actor=by)
    _tell_proposer(session, entry, "cooperation_approved")


def return_entry(session: Session, entry: Cooperation, *, by: Account, reason: str) -> None:
    rules.check_decision(entry.status)
    reason = reason.strip()
    if not reason:
        raise CooperationError("reason", gettext("Say why the proposal is returned."))
    entry.status = CooperationStatus.RETURNED
    entry.decided_by_id = by.id
    entry.decided_at = utcnow()
    entry.return_reason = reason
    session.flush()
    record(session, "cooperation_returned", target=entry, summary=reason[:200],
           before={"status": "proposed"}, after={"status": "returned", "reason": reason},
           actor=by)
    _tell_proposer(session, entry, "cooperation_returned")


def _tell_proposer(session: Session, entry: Cooperation, template: str) -> None:
    account = entry.proposed_by
    if account is None:
        return
    mail.queue(
        session,
        to=account.email,
        to_name=account.person.name,
        language=account.language,
        template=template,
        kind=template,
        entry=entry,
        proposer=account,
        link=external_url("cooperation.entry", cooperation_id=entry.id),
        edit_link=external_url("cooperation.edit", cooperation_id=entry.id),
    )


# --- areas ------------------------------------------------------------------------------


def _slug(text: str) -> str:
    text = text.lower().replace("å", "a").replace("ä", "a").replace("ö", "o")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80] or "omrade"


def _check_area_names(session: Session, name_sv: str, name_en: str,
                      area: CooperationArea | None) -> tuple[str, str]:
    name_sv, name_en = " ".join(name_sv.split()), " ".join(name_en.split())
    if not name_sv:
        raise CooperationError("name_sv", gettext("Give the area's Swedish name."))
    if not name_en:
        raise CooperationError("name_en", gettext("Give the area's English name."))
    for other in session.scalars(select(CooperationArea)):
        if area is not None and other.id == area.id:
            continue
        if other.name_sv.casefold() == name_sv.casefold():
            raise CooperationError("name_sv", gettext("There is already an area with that name."))
        if other.name_en.casefold() == name_en.casefold():
            raise CooperationError("name_en", gettext("There is already an area with that name."))
    return name_sv, name_en


def add_area(session: Session, *, name_sv: str, name_en: str, by: Account | None = None
             ) -> CooperationArea:
    name_sv, name_en = _check_area_names(session, name_sv, name_en, None)
    slug, n = _slug(name_sv), 1
    taken = set(session.scalars(select(CooperationArea.slug)))
    base = slug
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    position = (session.scalar(select(func.max(CooperationArea.position))) or 0) + 1
    area = CooperationArea(slug=slug, position=position, name_sv=name_sv, name_en=name_en)
    session.add(area)
    session.flush()
    record(session, "cooperation_area_added", target=area, summary=name_sv,
           after={"name_sv": name_sv, "name_en": name_en}, actor=by)
    return area


def change_area(session: Session, area: CooperationArea, *, name_sv: str, name_en: str,
                by: Account | None = None) -> CooperationArea:
    name_sv, name_en = _check_area_names(session, name_sv, name_en, area)
    before = {"name_sv": area.name_sv, "name_en": area.name_en}
    area.name_sv, area.name_en = name_sv, name_en
    session.flush()
    record(session, "cooperation_area_changed", target=area, summary=name_sv, before=before,
           after={"name_sv": name_sv, "name_en": name_en}, actor=by)
    return area
