"""The roster at a date as CSV or XLSX, with the same columns in the user's language."""

from __future__ import annotations

import csv
import io
from datetime import date

from flask import Response
from flask_babel import gettext
from openpyxl import Workbook
from openpyxl.styles import Font

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


def _safe(value: object) -> object:
    # A cell that starts like a formula is data, not a formula, in any spreadsheet.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def as_csv(rows: list[RosterRow], on: date) -> Response:
    buffer = io.StringIO()
    # Semicolons and a byte-order mark: what Excel with Swedish settings opens directly.
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(_columns())
    for row in rows:
        writer.writerow(
            [
                v.isoformat() if isinstance(v, date) else "" if v is None else _safe(v)
                for v in _cells(row)
            ]
        )
    return Response(
        "\ufeff" + buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{_filename(on, "csv")}"'},
    )


def as_xlsx(rows: list[RosterRow], on: date) -> Response:
    book = Workbook()
    sheet = book.active
    sheet.title = on.isoformat()
    sheet.append(_columns())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_safe(v) for v in _cells(row)])
    for column in ("N", "O"):
        for cell in sheet[column][1:]:
            cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    book.save(buffer)
    return Response(
        buffer.getvalue(),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{_filename(on, "xlsx")}"'},
    )
