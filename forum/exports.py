"""Spreadsheet downloads, one way for every feature: CSV as Excel with Swedish settings
opens it (semicolons, a byte-order mark, CRLF) and XLSX with a bold, frozen, filtered
header row. A cell that starts like a formula is written as text in both."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from urllib.parse import quote

from flask import Response
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe(value: object) -> object:
    """Data, never a formula, in any spreadsheet (CSV/formula injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return safe(value)  # type: ignore[return-value]


def disposition(name: str) -> str:
    """An attachment's name: plain ASCII for old clients, the real one (närvaro…) for the
    rest (RFC 6266)."""
    fallback = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"


def csv_response(header: Sequence[str], rows: Iterable[Sequence[object]], name: str) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_text(v) for v in row])
    return Response("\ufeff" + buffer.getvalue(), mimetype=CSV,
                    headers={"Content-Disposition": disposition(name)})


def fill_sheet(sheet: Worksheet, header: Sequence[str], rows: Iterable[Sequence[object]], *,
               date_columns: Sequence[str] = (), date_format: str = "yyyy-mm-dd",
               freeze: str = "A2") -> None:
    """A table on a sheet: bold header, safe cells, dates formatted, header frozen and
    filterable."""
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([safe(v) for v in row])
    for column in date_columns:
        for cell in sheet[column][1:]:
            cell.number_format = date_format
    sheet.freeze_panes = freeze
    sheet.auto_filter.ref = sheet.dimensions


def xlsx_bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_response(content: Workbook | bytes, name: str) -> Response:
    data = content if isinstance(content, bytes) else xlsx_bytes(content)
    return Response(data, mimetype=XLSX, headers={"Content-Disposition": disposition(name)})


def table_xlsx(title: str, header: Sequence[str], rows: Iterable[Sequence[object]], name: str,
               **options) -> Response:
    """One sheet holding one table, as a download."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    fill_sheet(sheet, header, rows, **options)
    return xlsx_response(book, name)
