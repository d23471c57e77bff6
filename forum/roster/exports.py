"""The roster at a date as CSV or XLSX, with the same columns in the user's language."""

from __future__ import annotations

from datetime import date

from flask import Response
from flask_babel import gettext

from forum.exports import csv_response, table_xlsx
from forum.i18n import local
from forum.roster.models import Side
from forum.roster.queries import RosterRow


def _side(side: Side) -> str:
    return {
        Side.MAJORITY: gettext("Majority"),
        Side.OPPOSITION: gettext("Opposition"),
        Side.NONE: "",
    }[side]


def _columns() -> list[str]:
    return [
        gettext("County code"),
        gettext("Region"),
        gettext("Body"),
        gettext("Seat"),
        gettext("Side"),
        gettext("Status"),
        gettext("Given name"),
        gettext("Family name"),
        gettext("Title or role"),
        gettext("Organisation"),
        gettext("Party"),
        gettext("E-mail"),
        gettext("Phone"),
        gettext("From"),
        gettext("Until"),
    ]


def _cells(row: RosterRow) -> list[object]:
    n = row.nomination
    person = n.person if n else None
    return [
        row.region.code,
        row.region.name,
        local(row.body, "name"),
        local(row.seat, "label"),
        _side(row.seat.side),
        gettext("Held") if n else gettext("Vacant"),
        person.given_name if person else "",
        person.family_name if person else "",
        person.title if person else "",
        person.organisation.name if person and person.organisation else "",
        n.party if n else "",
        (person.email or "") if person else "",
        person.phone if person else "",
        n.start_date if n else None,
        n.end_date if n else None,
    ]


def _filename(on: date, extension: str) -> str:
    # Outside the f-string, so that the extractor finds it.
    stem = gettext("forum-roster")
    return f"{stem}-{on.isoformat()}.{extension}"


def as_csv(rows: list[RosterRow], on: date) -> Response:
    return csv_response(_columns(), (_cells(row) for row in rows), _filename(on, "csv"))


def as_xlsx(rows: list[RosterRow], on: date) -> Response:
    return table_xlsx(on.isoformat(), _columns(), (_cells(row) for row in rows),
                      _filename(on, "xlsx"), date_columns=("N", "O"))
