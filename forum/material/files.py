"""What an uploaded file is, judged by its content, and the text inside it for search.

Accepted: PDF, Word, Excel and PowerPoint (both the XML formats and the old binary ones),
OpenDocument text, spreadsheet and presentation, PNG, JPEG, GIF and WebP images, and plain
UTF-8 text. The name must agree with the content: a program renamed to .pdf is refused, and
so is a Word file called .pdf (the reader would be told one thing and given another).
"""

from __future__ import annotations

import logging
import zipfile
from dataclasses import dataclass
from pathlib import Path

from forum.blobs import UploadRefused

log = logging.getLogger(__name__)

# Search needs words, not books: a document's first half million characters (about 250
# pages) are indexed, which also keeps PostgreSQL's tsvector under its 1 MB limit.
MAX_TEXT = 500_000
# A zip (Office, OpenDocument) that unpacks to more than this is not read for text.
MAX_UNPACKED = 200 * 1024 * 1024


@dataclass(frozen=True)
class FileKind:
    key: str
    content_type: str
    extensions: tuple[str, ...]


KINDS = {k.key: k for k in (
    FileKind("pdf", "application/pdf", (".pdf",)),
    FileKind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             (".docx",)),
    FileKind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             (".xlsx",)),
    FileKind("pptx",
             "application/vnd.openxmlformats-officedocument.presentationml.presentation",
             (".pptx",)),
    FileKind("odt", "application/vnd.oasis.opendocument.text", (".odt",)),
    FileKind("ods", "application/vnd.oasis.opendocument.spreadsheet", (".ods",)),
    FileKind("odp", "application/vnd.oasis.opendocument.presentation", (".odp",)),
    FileKind("doc", "application/msword", (".doc",)),
    FileKind("xls", "application/vnd.ms-excel", (".xls",)),
    FileKind("ppt", "application/vnd.ms-powerpoint", (".ppt",)),
    FileKind("png", "image/png", (".png",)),
    FileKind("jpeg", "image/jpeg", (".jpg", ".jpeg")),
    FileKind("gif", "image/gif", (".gif",)),
    FileKind("webp", "image/webp", (".webp",)),
    FileKind("txt", "text/plain; charset=utf-8", (".txt", ".md", ".csv")),
)}
ACCEPTED_EXTENSIONS = sorted({e for k in KINDS.values() for e in k.extensions})

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODF_TYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}
OOXML_PARTS = {"word/document.xml": "docx", "xl/workbook.xml": "xlsx",
               "ppt/presentation.xml": "pptx"}


def _zip_kind(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                return ODF_TYPES.get(archive.read("mimetype").strip())
            if "[Content_Types].xml" in names:
                for part, key in OOXML_PARTS.items():
                    if part in names:
                        return key
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return None
    return None


def _is_utf8_text(path: Path) -> bool:
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as f:
        while chunk := f.read(256 * 1024):
            if b"\x00" in chunk:
                return False
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                return False
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _by_content(path: Path, extension: str) -> str | None:
    with open(path, "rb") as f:
        head = f.read(16)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    if head.startswith(OLE):
        # The old binary formats share one container; the name tells which of them it is.
        return {".doc": "doc", ".xls": "xls", ".ppt": "ppt"}.get(extension, "doc")
    if _is_utf8_text(path):
        return "txt"
    return None


def identify(path: Path, file_name: str) -> FileKind:
    """The kind of the file at path, or UploadRefused: an unaccepted kind ("wrong_kind"),
    or a name that says another kind than the content ("name_mismatch")."""
    extension = Path(file_name).suffix.lower()
    key = _by_content(path, extension)
    if key is None:
        raise UploadRefused("wrong_kind")
    kind = KINDS[key]
    if extension not in kind.extensions:
        raise UploadRefused("name_mismatch", detail=kind.extensions[0])
    return kind


# --- text for search ----------------------------------------------------------------------


class _Text:
    """Collects text up to MAX_TEXT characters."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0

    def add(self, value: str | None) -> bool:
        if value:
            value = value.strip()
        if not value:
            return self.length < MAX_TEXT
        self.parts.append(value)
        self.length += len(value) + 1
        return self.length < MAX_TEXT

    def value(self) -> str:
        return "\n".join(self.parts)[:MAX_TEXT]


def _unpacks_small(path: Path) -> bool:
    with zipfile.ZipFile(path) as archive:
        return sum(info.file_size for info in archive.infolist()) <= MAX_UNPACKED


def _pdf(path: Path, out: _Text) -> None:
    from pypdf import PdfReader

    reader = PdfReader(path)
    for page in reader.pages:
        if not out.add(page.extract_text()):
            return


def _docx(path: Path, out: _Text) -> None:
    import docx

    document = docx.Document(str(path))
    for paragraph in document.paragraphs:
        if not out.add(paragraph.text):
            return
    for table in document.tables:
        for row in table.rows:
            if not out.add(" ".join(cell.text for cell in row.cells)):
                return


def _pptx(path: Path, out: _Text) -> None:
    from pptx import Presentation

    for slide in Presentation(str(path)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame and not out.add(shape.text_frame.text):
                return


def _xlsx(path: Path, out: _Text) -> None:
    from openpyxl import load_workbook

    # Opened here: given a path, openpyxl goes by its extension, and an upload waiting in
    # the store's incoming folder has none.
    with open(path, "rb") as file:
        workbook = load_workbook(file, read_only=True, data_only=True)
        try:
            for sheet in workbook.worksheets:
                for row in sheet.iter_rows(values_only=True):
                    if not out.add(" ".join(str(v) for v in row if v is not None)):
                        return
        finally:
            workbook.close()


def _odf(path: Path, out: _Text) -> None:
    from odf import teletype
    from odf.namespaces import TEXTNS
    from odf.opendocument import load

    blocks = {(TEXTNS, "h"), (TEXTNS, "p")}

    def walk(node) -> bool:
        # Headings and paragraphs in the order they are read, wherever they sit (lists,
        # tables, frames, slides).
        for child in node.childNodes:
            if getattr(child, "qname", None) in blocks:
                if not out.add(teletype.extractText(child)):
                    return False
            elif not walk(child):
                return False
        return True

    walk(load(str(path)).body)


def _txt(path: Path, out: _Text) -> None:
    with open(path, encoding="utf-8", errors="replace") as f:
        out.add(f.read(MAX_TEXT))


EXTRACTORS = {"pdf": _pdf, "docx": _docx, "pptx": _pptx, "xlsx": _xlsx, "odt": _odf,
              "ods": _odf, "odp": _odf, "txt": _txt}
ZIPPED = {"docx", "pptx", "xlsx", "odt", "ods", "odp"}


def extract_text(path: Path, kind: FileKind, *, max_bytes: int) -> str:
    """The words in the file, for search; empty for images, old binary formats, files
    larger than max_bytes, and files that cannot be read (a scanned PDF has no text)."""
    extractor = EXTRACTORS.get(kind.key)
    if extractor is None or path.stat().st_size > max_bytes:
        return ""
    out = _Text()
    try:
        if kind.key in ZIPPED and not _unpacks_small(path):
            return ""
        extractor(path, out)
    except Exception:  # a damaged or unusual file is still a document; it is just not searchable
        log.warning("no text from a %s file", kind.key, exc_info=True)
    return out.value()
