"""The register's rules as pure functions: dates, parties and their countries, websites,
and who may propose or change an entry. Each refusal names the form field it concerns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from flask_babel import gettext

from forum.cooperation import countries
from forum.cooperation.models import CooperationStatus, PartyKind

MAX_NAME = 200


class CooperationError(Exception):
    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass
class PartyInput:
    """One party as typed in the form's row `row` (counted from 0)."""

    kind: PartyKind | None
    name: str = ""
    region_id: int | None = None
    country: str | None = None
    row: int = 0

    @property
    def is_blank(self) -> bool:
        return self.kind is None and not (self.name.strip() or self.region_id or self.country)


def check_dates(start: date | None, end: date | None, agreement: date | None) -> None:
    if start is None:
        raise CooperationError("start_date", gettext("Give the day the cooperation starts."))
    if end is not None and end < start:
        raise CooperationError("end_date", gettext("The end cannot be before the start."))
    if agreement is not None and end is not None and agreement > end:
        raise CooperationError(
            "agreement_date", gettext("The agreement cannot be made after the cooperation ends.")
        )


def check_party(party: PartyInput) -> PartyInput:
    """The party as it is stored: a Swedish region is one of the 21 and needs no name or
    country; a foreign region or city needs its country; every other party needs a name."""
    field = f"parties-{party.row}-"
    if party.kind is None:
        raise CooperationError(field + "kind", gettext("Choose what kind of party it is."))
    name = " ".join(party.name.split())
    if party.kind is PartyKind.SWEDISH_REGION:
        if party.region_id is None:
            raise CooperationError(field + "region_id", gettext("Choose the Swedish region."))
        return PartyInput(party.kind, "", party.region_id, None, party.row)
    if party.region_id is not None:
        raise CooperationError(
            field + "region_id",
            gettext("Only a party of the kind Swedish region is one of the 21 regions."),
        )
    if not name:
        raise CooperationError(field + "party_name", gettext("Give the party's name."))
    if len(name) > MAX_NAME:
        raise CooperationError(field + "party_name",
                               gettext("At most %(max)d characters.", max=MAX_NAME))
    country = (party.country or "").strip().upper() or None
    if country is not None and not countries.is_country(country):
        raise CooperationError(field + "country", gettext("Choose a country from the list."))
    if party.kind.is_foreign:
        if country is None:
            raise CooperationError(
                field + "country", gettext("Choose the country of a foreign region or city.")
            )
        if country == "SE":
            raise CooperationError(
                field + "country",
                gettext("A foreign region or city lies outside Sweden. For a Swedish region "
                        "choose the kind Swedish region; for a municipality, organisation."),
            )
    return PartyInput(party.kind, name, None, country, party.row)


def check_website(url: str) -> str:
    url = url.strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise CooperationError("website", gettext("Give a web address that starts with https://."))
    return url


def names_of(lines: str, field: str) -> list[str]:
    """Funders written one per line: trimmed, blank lines and repeats left out."""
    found: list[str] = []
    for line in lines.splitlines():
        name = " ".join(line.split())
        if not name or name in found:
            continue
        if len(name) > MAX_NAME:
            raise CooperationError(field, gettext("A name is at most %(max)d characters.",
                                                  max=MAX_NAME))
        found.append(name)
    return found


def may_propose_for(contact_region_id: int | None, region_ids: list[int]) -> bool:
    """A region's contact proposes only entries that involve their own region."""
    return contact_region_id is not None and contact_region_id in region_ids


def may_edit(*, secretariat: bool, contact_region_id: int | None,
             proposing_region_id: int | None, status: CooperationStatus) -> bool:
    """The secretariat changes anything; the proposing region's contact changes the proposal
    until it is approved."""
    if secretariat:
        return True
    return (
        contact_region_id is not None
        and proposing_region_id == contact_region_id
        and status is not CooperationStatus.APPROVED
    )


def next_status_on_edit(status: CooperationStatus, *, secretariat: bool) -> CooperationStatus:
    """A returned proposal that its region changes is sent to the secretariat again."""
    if not secretariat and status is CooperationStatus.RETURNED:
        return CooperationStatus.PROPOSED
    return status


def check_decision(status: CooperationStatus) -> None:
    """Only a proposal waiting for the secretariat is approved or returned."""
    if status is not CooperationStatus.PROPOSED:
        raise CooperationError(None, gettext("This entry is not waiting for approval."))
