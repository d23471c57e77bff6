"""The register's filtered list as CSV or XLSX: one row per entry, in the reader's language,
with the roster export's conventions (semicolons and a byte-order mark, no formulas)."""

from __future__ import annotations

from flask import Response
from flask_babel import gettext

from forum.cooperation import countries
from forum.cooperation.forms import KIND_LABELS, PARTY_KIND_LABELS, VISIBILITY_SHORT
from forum.cooperation.models import Cooperation, CooperationParty, FunderRole
from forum.exports import csv_response, table_xlsx
from forum.i18n import local
from forum.timeutil import today
from forum.urls import external_url

DATE_COLUMNS = ("K", "L", "M")  # start, end, agreement


def _columns() -> list[str]:
    return [
        gettext("Number"),
        gettext("Title"),
        gettext("Kind"),
        gettext("Swedish regions involved"),
        gettext("County codes"),
        gettext("Other parties"),
        gettext("Countries"),
        gettext("The strategy's themes"),
        gettext("Areas"),
        gettext("Visibility"),
        gettext("Start"),
        gettext("End"),
        gettext("Agreement signed"),
        gettext("Funders"),
        gettext("Co-financers"),
        gettext("Contact person"),
        gettext("Contact's e-mail"),
        gettext("Contact's phone"),
        gettext("Website"),
        gettext("Description"),
        gettext("Address in the register"),
    ]


def _party(party: CooperationParty) -> str:
    kind = str(PARTY_KIND_LABELS[party.kind])
    if party.country:
        return gettext("%(name)s (%(kind)s, %(country)s)", name=party.label, kind=kind,
                       country=countries.name(party.country))
    return gettext("%(name)s (%(kind)s)", name=party.label, kind=kind)


def _cells(entry: Cooperation) -> list[object]:
    codes = dict.fromkeys(p.country for p in entry.parties if p.country)
    return [
        entry.id,
        entry.title,
        str(KIND_LABELS[entry.kind]),
        "; ".join(r.name for r in entry.regions),
        ", ".join(r.code for r in entry.regions),
        "; ".join(_party(p) for p in entry.parties),
        "; ".join(countries.name(code) for code in codes),
        "; ".join(local(t, "name") for t in entry.themes),
        "; ".join(local(a, "name") for a in entry.areas),
        str(VISIBILITY_SHORT[entry.visibility]),
        entry.start_date,
        entry.end_date,
        entry.agreement_date,
        "; ".join(f.name for f in entry.funders_in(FunderRole.FUNDER)),
        "; ".join(f.name for f in entry.funders_in(FunderRole.CO_FINANCER)),
        entry.contact_name,
        entry.contact_email,
        entry.contact_phone,
        entry.website,
        entry.description,
        external_url("cooperation.entry", cooperation_id=entry.id),
    ]


def _filename(extension: str) -> str:
    stem = gettext("cooperation-register")
    return f"{stem}-{today().isoformat()}.{extension}"


def as_csv(rows: list[Cooperation]) -> Response:
    return csv_response(_columns(), (_cells(entry) for entry in rows), _filename("csv"))


def as_xlsx(rows: list[Cooperation]) -> Response:
    return table_xlsx(gettext("Cooperation"), _columns(), (_cells(entry) for entry in rows),
                      _filename("xlsx"), date_columns=DATE_COLUMNS)
