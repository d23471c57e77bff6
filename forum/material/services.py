"""Changes to material: a document with its first version (or a link), new versions,
changed details, withdrawal and reinstatement. Each flushes, audits, keeps the search index
current, and raises MaterialError with the field to show the message beside.

An upload goes: streamed to a temporary file (size checked) → its kind judged by content →
its text extracted → moved into the content store as part of the transaction. Any refusal
or failure on the way leaves neither a file nor a row.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import format_decimal, gettext
from sqlalchemy import Connection, exists, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from forum import blobs
from forum.audit.services import record, snapshot
from forum.material import files, search
from forum.material.models import Document, DocumentKind, DocumentVersion, Visibility
from forum.meetings.models import Meeting
from forum.roster.models import Body, BodyKind
from forum.strategy.models import Theme
from forum.timeutil import utcnow

AUDITED = ("title", "description", "kind", "language", "visibility", "meeting_id", "body_id",
           "reported_by_id", "link_url")


class MaterialError(Exception):
    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def max_bytes() -> int:
    return int(current_app.config["MATERIAL_MAX_BYTES"])


def limit_in_megabytes() -> str:
    """The upload limit in MB as the reader writes numbers: 50, 0,5 (0.5), 0,06 (0.06)."""
    return format_decimal(max_bytes() / (1024 * 1024), format="#,##0.##")


def _refusal(refused: blobs.UploadRefused) -> MaterialError:
    if refused.reason == "empty":
        return MaterialError("file", gettext("The file is empty."))
    if refused.reason == "too_large":
        return MaterialError("file", gettext("The file is larger than %(size)s MB.",
                                             size=limit_in_megabytes()))
    if refused.reason == "name_mismatch":
        return MaterialError("file", gettext(
            "The file's content does not match its name: it is a %(extension)s file.",
            extension=refused.detail))
    return MaterialError("file", gettext(
        "This kind of file is not accepted. Upload a PDF, an Office or OpenDocument file, "
        "an image (PNG, JPEG, GIF, WebP) or plain text."))


def _referenced_in(session: Session) -> Callable[[str], bool]:
    """Whether a committed version uses a stored file, asked after the session's transaction
    rolled back: where the session's data lives (its engine, or the connection it is bound
    to), not through the app's engine, and without needing an app context then."""
    bind = session.get_bind()

    def referenced(digest: str) -> bool:
        query = select(exists().where(DocumentVersion.blob == digest))
        if isinstance(bind, Connection):
            return bool(bind.scalar(query))
        with bind.connect() as connection:
            return bool(connection.scalar(query))

    return referenced


def _receive(session: Session, upload: FileStorage) -> tuple[blobs.Received, files.FileKind,
                                                              str]:
    """The upload on disk, its kind and its text; refused uploads leave nothing behind."""
    name = (upload.filename or "").strip()
    if not name:
        raise MaterialError("file", gettext("Choose a file to upload."))
    try:
        received = blobs.receive(upload.stream, max_bytes=max_bytes())
    except blobs.UploadRefused as refused:
        raise _refusal(refused) from None
    try:
        kind = files.identify(received.path, name)
        text = files.extract_text(received.path, kind,
                                  max_bytes=int(current_app.config["MATERIAL_EXTRACT_MAX_BYTES"]))
    except blobs.UploadRefused as refused:
        received.discard()
        raise _refusal(refused) from None
    except BaseException:
        received.discard()
        raise
    return received, kind, text


def _file_name(name: str) -> str:
    # Only the last part of a path some browsers send, without control characters.
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable()).strip()
    return name[:255] or "dokument"


def _check_link(link_url: str) -> str:
    link_url = link_url.strip()
    parts = urlsplit(link_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise MaterialError("link_url", gettext("Give a web address that starts with https://."))
    return link_url


def _check_place(session: Session, visibility: Visibility, meeting_id: int | None,
                 body_id: int | None) -> None:
    if meeting_id is not None and session.get(Meeting, meeting_id) is None:
        raise MaterialError("meeting_id", gettext("Choose a meeting from the list."))
    if body_id is not None and session.get(Body, body_id) is None:
        raise MaterialError("body_id", gettext("Choose a body from the list."))
    if visibility is Visibility.PARTICIPANTS and meeting_id is None and body_id is None:
        raise MaterialError("visibility", gettext(
            "Only a document for a meeting or a body can be for its participants."))


def _check_reporter(session: Session, reported_by_id: int | None) -> None:
    """A report to the forum comes from a working group or a network."""
    if reported_by_id is None:
        return
    group = session.get(Body, reported_by_id)
    if group is None or group.kind is BodyKind.FORUM:
        raise MaterialError("reported_by_id",
                            gettext("Choose a working group or network from the list."))


def _themes(session: Session, theme_ids: list[int]) -> list[Theme]:
    themes = list(session.scalars(select(Theme).where(Theme.id.in_(theme_ids)))) if theme_ids else []
    if len(themes) != len(set(theme_ids)):
        raise MaterialError("theme_ids", gettext("Choose themes from the list."))
    return themes


def create(
    session: Session,
    *,
    by,
    title: str,
    description: str = "",
    kind: DocumentKind,
    language: str = "sv",
    visibility: Visibility,
    meeting_id: int | None = None,
    body_id: int | None = None,
    reported_by_id: int | None = None,
    theme_ids: list[int] | None = None,
    upload: FileStorage | None = None,
    link_url: str = "",
    note: str = "",
) -> Document:
    """A new document with its first version, or a link."""
    title = title.strip()
    if not title:
        raise MaterialError("title", gettext("Give the document a title."))
    has_file = upload is not None and bool(upload.filename)
    if has_file and link_url.strip():
        raise MaterialError("link_url", gettext("Upload a file or give a link, not both."))
    if not has_file and not link_url.strip():
        raise MaterialError("file", gettext("Upload a file or give a link."))
    if link_url.strip():
        link_url = _check_link(link_url)
    if meeting_id is not None:
        # A meeting's document belongs to the meeting's body.
        meeting = session.get(Meeting, meeting_id)
        body_id = meeting.body_id if meeting else body_id
    _check_place(session, visibility, meeting_id, body_id)
    _check_reporter(session, reported_by_id)
    themes = _themes(session, theme_ids or [])
    if not themes and meeting_id is not None:
        meeting = session.get(Meeting, meeting_id)
        themes = [meeting.theme] if meeting and meeting.theme else []
    document = Document(
        title=title, description=description.strip(), kind=kind, language=language,
        visibility=visibility, meeting_id=meeting_id, body_id=body_id,
        reported_by_id=reported_by_id, link_url=link_url, created_by_id=by.id if by else None, themes=themes,
    )
    text = ""
    if has_file:
        received, file_kind, text = _receive(session, upload)  # type: ignore[arg-type]
        try:
            session.add(document)
            session.flush()
            _add_version(session, document, received, file_kind, upload.filename or "",  # type: ignore[union-attr]
                         by, note)
        except BaseException:
            received.discard()
            raise
    else:
        session.add(document)
        session.flush()
    search.index(session, document, text)
    record(session, "document_created", target=document, summary=document.title[:200],
           after=snapshot(document, *AUDITED))
    return document


def _add_version(session: Session, document: Document, received: blobs.Received,
                 kind: files.FileKind, name: str, by, note: str) -> DocumentVersion:
    number = (session.scalar(
        select(DocumentVersion.number).where(DocumentVersion.document_id == document.id)
        .order_by(DocumentVersion.number.desc()).limit(1)) or 0) + 1
    version = DocumentVersion(
        document_id=document.id, number=number, blob=received.sha256,
        file_name=_file_name(name), content_type=kind.content_type, size=received.size,
        note=note.strip(), uploaded_by_id=by.id if by else None,
    )
    session.add(version)
    session.flush()
    blobs.keep(session, received, _referenced_in(session))
    document.updated_at = utcnow()
    session.expire(document, ["versions"])
    return version


def add_version(session: Session, document: Document, *, by, upload: FileStorage,
                note: str = "") -> DocumentVersion:
    if document.is_link:
        raise MaterialError(None, gettext("A link has no file versions; change the link instead."))
    received, kind, text = _receive(session, upload)
    try:
        version = _add_version(session, document, received, kind, upload.filename or "", by,
                               note)
    except BaseException:
        received.discard()
        raise
    search.index(session, document, text)
    record(session, "document_version_added", target=document,
           summary=f"{version.number}: {version.file_name}"[:200])
    return version


def update(session: Session, document: Document, *, theme_ids: list[int] | None = None,
           **fields) -> None:
    """Change what a document says about itself (not its file: that is a new version)."""
    if "title" in fields:
        fields["title"] = fields["title"].strip()
        if not fields["title"]:
            raise MaterialError("title", gettext("Give the document a title."))
    if "link_url" in fields:
        if not document.is_link:
            fields.pop("link_url")
        else:
            fields["link_url"] = _check_link(fields["link_url"])
    if "description" in fields:
        fields["description"] = fields["description"].strip()
    if fields.get("meeting_id") is not None:
        meeting = session.get(Meeting, fields["meeting_id"])
        if meeting is not None:
            fields["body_id"] = meeting.body_id
    _check_place(session, fields.get("visibility", document.visibility),
                 fields.get("meeting_id", document.meeting_id),
                 fields.get("body_id", document.body_id))
    _check_reporter(session, fields.get("reported_by_id"))
    before = snapshot(document, *AUDITED)
    themes_before = sorted(t.id for t in document.themes)
    for name, value in fields.items():
        setattr(document, name, value)
    if theme_ids is not None:
        document.themes = _themes(session, theme_ids)
    after = snapshot(document, *AUDITED)
    themes_after = sorted(t.id for t in document.themes)
    if after == before and themes_after == themes_before:
        # A form saved unchanged: no audit entry, and a link is not "changed" for the next
        # distribution (links are compared by updated_at).
        return
    if themes_after != themes_before:
        before["theme_ids"], after["theme_ids"] = themes_before, themes_after
    document.updated_at = utcnow()
    session.flush()
    search.index(session, document)
    record(session, "document_changed", target=document, before=before, after=after)


def withdraw(session: Session, document: Document, *, reason: str) -> None:
    """Hide the document from everyone but the secretariat; it is kept (an official
    document is archived, not deleted)."""
    if document.is_withdrawn:
        raise MaterialError(None, gettext("The document is already withdrawn."))
    if not reason.strip():
        raise MaterialError("reason", gettext("Say why the document is withdrawn."))
    document.withdrawn_at = utcnow()
    document.withdrawn_reason = reason.strip()
    document.updated_at = utcnow()
    session.flush()
    record(session, "document_withdrawn", target=document, summary=reason.strip()[:200])


def reinstate(session: Session, document: Document) -> None:
    if not document.is_withdrawn:
        raise MaterialError(None, gettext("The document is not withdrawn."))
    document.withdrawn_at = None
    document.withdrawn_reason = ""
    document.updated_at = utcnow()
    session.flush()
    record(session, "document_reinstated", target=document)
