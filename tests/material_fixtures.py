"""Fixtures shared by the material tests (registered in tests/conftest.py): real files of
every accepted kind with Swedish text in them, meetings, documents and versions made through
the services, and a look into the blob store.

The blob store is one directory for the whole run (conftest's TEST_FILES) while the database
is rolled back after each test, so file contents are made unique per call (`unique`): a test
that expects a file to be removed again must not find it left there by another test.
"""

from __future__ import annotations

import html
import io
import itertools
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage

from forum.material import services
from forum.material.models import Document, DocumentKind, DocumentVersion, Visibility
from forum.meetings.models import Meeting, MeetingStatus
from forum.timeutil import STOCKHOLM, today

FUTURE = today().year + 1  # a year whose meetings are still to come whenever the suite runs
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    """A Stockholm wall-clock time, as the aware UTC moment the database keeps."""
    return datetime(year, month, day, hour, tzinfo=STOCKHOLM).astimezone(UTC)


def unique(text: str) -> str:
    """The text with a token of its own, so that its file is new to the store."""
    return f"{text}\n(prov {secrets.token_hex(8)})"


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def english(client):
    """The client reads the pages in English from now on: new messages are checked in the
    code's own words (the Swedish catalogue does not have them yet)."""
    assert client.post("/language", data={"lang": "en", "next": "/"}).status_code == 302
    return client


def errors_beside(page: str, field_id: str) -> str:
    """The error messages shown with one form field (the forms macro's markup)."""
    found = re.search(rf'<p class="error-message" id="{field_id}-error">(.*?)</p>', page, re.DOTALL)
    if not found:
        return ""
    words = re.sub(r'<span class="visually-hidden">.*?</span>|<[^>]+>', " ", found.group(1))
    return " ".join(words.split())


# --- real files ------------------------------------------------------------------------------


def pdf_file(text: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("dejavu", "", FONT)
    pdf.set_font("dejavu", size=11)
    pdf.multi_cell(0, 6, text)
    return bytes(pdf.output())


def docx_file(text: str) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in text.split("\n"):
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pptx_file(text: str) -> bytes:
    from pptx import Presentation

    presentation = Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[1])
    slide.shapes.title.text = "Bild 1"
    slide.placeholders[1].text = text
    out = io.BytesIO()
    presentation.save(out)
    return out.getvalue()


def odt_file(text: str) -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    document = OpenDocumentText()
    for paragraph in text.split("\n"):
        document.text.addElement(P(text=paragraph))
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def xlsx_file(text: str) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    for line in text.split("\n"):
        workbook.active.append(["Rad", line, 2026])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def ods_file(text: str) -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name="Blad1")
    for line in text.split("\n"):
        row = TableRow()
        cell = TableCell()
        cell.addElement(P(text=line))
        row.addElement(cell)
        table.addElement(row)
    document.spreadsheet.addElement(table)
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def odp_file(text: str) -> bytes:
    from odf.draw import Frame, Page, TextBox
    from odf.opendocument import OpenDocumentPresentation
    from odf.style import MasterPage, PageLayout
    from odf.text import P

    document = OpenDocumentPresentation()
    layout = PageLayout(name="sida")
    document.automaticstyles.addElement(layout)
    master = MasterPage(name="standard", pagelayoutname=layout)
    document.masterstyles.addElement(master)
    page = Page(masterpagename=master)
    frame = Frame(width="20cm", height="10cm", x="1cm", y="1cm")
    box = TextBox()
    for line in text.split("\n"):
        box.addElement(P(text=line))
    frame.addElement(box)
    page.addElement(frame)
    document.presentation.addElement(page)
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def image_file(kind: str = "PNG") -> bytes:
    from PIL import Image

    colour = tuple(secrets.randbelow(256) for _ in range(3))
    size = (3 + secrets.randbelow(40), 3 + secrets.randbelow(40))
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, kind)
    return out.getvalue()


def upload(data: bytes, name: str) -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=name)


ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + bytes(range(256)) * 4
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(range(256)) * 4

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "txt": "text/plain; charset=utf-8",
    "png": "image/png",
    "jpg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
}


# --- the blob store ---------------------------------------------------------------------------


@dataclass
class StoreView:
    """What lies in the blob store's directory."""

    root: Path

    def digests(self) -> set[str]:
        return {p.name for p in self.root.glob("??/??/*") if p.is_file()}

    def incoming(self) -> list[Path]:
        folder = self.root / "incoming"
        return sorted(folder.iterdir()) if folder.is_dir() else []

    def path(self, digest: str) -> Path:
        return self.root / digest[:2] / digest[2:4] / digest

    def has(self, digest: str) -> bool:
        return self.path(digest).is_file()


@pytest.fixture
def blob_store(app) -> StoreView:
    return StoreView(Path(app.config["BLOB_STORAGE_PATH"]))


# --- meetings, documents, versions ------------------------------------------------------------


@pytest.fixture
def new_meeting(session, bodies):
    """new_meeting(start, body="politikerforum", theme=…, **fields): a committed meeting."""
    numbers = itertools.count(1)

    def make(start: datetime | None = None, body: str = "politikerforum", *, theme=None,
             hours: int = 3, status: MeetingStatus = MeetingStatus.PLANNED, **fields) -> Meeting:
        start = start or at(FUTURE, 3, 10)
        fields.setdefault("title", f"Materialmöte {next(numbers)}")
        meeting = Meeting(body_id=bodies[body].id, start_at=start,
                          end_at=start + timedelta(hours=hours), status=status,
                          theme_id=theme.id if theme is not None else None, **fields)
        session.add(meeting)
        session.commit()
        return meeting

    return make


@pytest.fixture
def add_document(app, session):
    """add_document(meeting, title=…, visibility=…, content=bytes, name=…): a committed
    document made by the service, with a file (unique text by default) or a link."""

    def add(meeting: Meeting | None = None, *, title: str = "Underlag",
            visibility: Visibility = Visibility.PUBLIC,
            kind: DocumentKind = DocumentKind.BACKGROUND, content: bytes | None = None,
            name: str = "underlag.txt", by=None, themes=None, link_url: str = "",
            description: str = "", body=None, language: str = "sv",
            note: str = "") -> Document:
        if content is None and not link_url:
            content = unique(f"{title}. Text om mötets underlag.").encode()
        file = upload(content, name) if content is not None else None
        with app.test_request_context():
            document = services.create(
                session, by=by, title=title, description=description, kind=kind,
                language=language, visibility=visibility,
                meeting_id=meeting.id if meeting is not None else None,
                body_id=body.id if body is not None else None,
                theme_ids=[t.id for t in themes] if themes is not None else None,
                upload=file, link_url=link_url, note=note,
            )
        session.commit()
        return document

    return add


@pytest.fixture
def add_version(app, session):
    """add_version(document, content, name, by=…, note=…): a committed new version."""

    def add(document: Document, content: bytes | None = None, name: str = "underlag.txt", *,
            by=None, note: str = "") -> DocumentVersion:
        content = content if content is not None else unique("En ny version.").encode()
        with app.test_request_context():
            version = services.add_version(session, document, by=by,
                                           upload=upload(content, name), note=note)
        session.commit()
        return version

    return add
