"""Uploading material: every accepted kind is stored by content with its type, size, hash and
text; a refused or failed upload leaves neither a row nor a file (in the store or in its
incoming folder), also when it fails after the file was put in place; the same content is
stored once; the form answers with its message beside the file field."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from flask_babel import force_locale
from material_fixtures import (
    CONTENT_TYPES,
    ELF,
    EXE,
    docx_file,
    english,
    errors_beside,
    image_file,
    odp_file,
    ods_file,
    odt_file,
    pdf_file,
    pptx_file,
    text_of,
    unique,
    upload,
    xlsx_file,
)
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from forum import blobs
from forum.material import search, services
from forum.material.models import (
    Document,
    DocumentKind,
    DocumentText,
    DocumentVersion,
    Visibility,
)
from forum.material.services import MaterialError

SWEDISH = "Kompetensförsörjning i regionerna: åtgärder för Östergötland och Västra Götaland."


def rows(session) -> tuple[int, int, int]:
    return tuple(session.scalar(select(func.count()).select_from(model))
                 for model in (Document, DocumentVersion, DocumentText))


def create(app, session, file, *, title="Underlag om kompetens", meeting=None, locale="en"):
    with app.test_request_context(), force_locale(locale):
        return services.create(
            session, by=None, title=title, kind=DocumentKind.BACKGROUND,
            visibility=Visibility.PUBLIC, meeting_id=meeting.id if meeting else None,
            upload=file,
        )


# --- what is accepted ----------------------------------------------------------------------


FILES = {
    "pdf": lambda text: pdf_file(text),
    "docx": lambda text: docx_file(text),
    "odt": lambda text: odt_file(text),
    "pptx": lambda text: pptx_file(text),
    "xlsx": lambda text: xlsx_file(text),
    "ods": lambda text: ods_file(text),
    "odp": lambda text: odp_file(text),
    "txt": lambda text: text.encode(),
    "png": lambda text: image_file("PNG"),
    "jpg": lambda text: image_file("JPEG"),
    "gif": lambda text: image_file("GIF"),
    "webp": lambda text: image_file("WEBP"),
}


@pytest.mark.parametrize("extension", list(FILES))
def test_each_accepted_kind_is_stored_with_its_type_size_hash_and_text(
    app, session, blob_store, extension
):
    text = unique(SWEDISH)
    content = FILES[extension](text)
    name = f"Underlag för mötet i Örebro.{extension}"

    document = create(app, session, upload(content, name))
    session.commit()

    [version] = session.scalars(select(DocumentVersion).where(
        DocumentVersion.document_id == document.id)).all()
    assert version.number == 1
    assert version.file_name == name
    assert version.content_type == CONTENT_TYPES[extension]
    assert version.size == len(content)
    assert version.blob == hashlib.sha256(content).hexdigest()
    assert blob_store.path(version.blob).read_bytes() == content

    indexed = session.get(DocumentText, document.id)
    assert indexed.title == "Underlag om kompetens"
    if extension in ("png", "jpg", "gif", "webp"):
        assert indexed.body == ""  # an image has no words to search
    else:
        assert "Kompetensförsörjning i regionerna" in indexed.body
        assert "Östergötland" in indexed.body


def test_an_old_binary_office_file_is_accepted_without_text(app, session):
    # The old binary formats share one container; the name says which of them it is.
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + unique("binärt").encode() + b"\x00" * 64
    document = create(app, session, upload(ole, "gammal rapport.doc"))
    assert document.current.content_type == "application/msword"
    assert session.get(DocumentText, document.id).body == ""
    sheet = create(app, session, upload(ole + b"\x01", "gammal tabell.xls"), title="Tabell")
    assert sheet.current.content_type == "application/vnd.ms-excel"


def test_the_same_content_is_stored_once(app, session, blob_store):
    content = pdf_file(unique(SWEDISH))
    before = blob_store.digests()

    first = create(app, session, upload(content, "första.pdf"), title="Första")
    second = create(app, session, upload(content, "andra.pdf"), title="Andra")
    session.commit()

    assert first.current.blob == second.current.blob
    assert blob_store.digests() - before == {first.current.blob}
    assert (first.current.file_name, second.current.file_name) == ("första.pdf", "andra.pdf")


def test_a_browser_path_in_the_file_name_is_dropped(app, session):
    document = create(app, session, upload(unique("text").encode(),
                                           "C:\\Users\\kansliet\\Skrivbord\\Protokoll §3.txt"))
    assert document.current.file_name == "Protokoll §3.txt"


# --- what is refused, and that nothing is left behind ---------------------------------------


def index_is_down(*_args, **_kwargs):
    raise RuntimeError("the search index is down")


class Interrupted(io.RawIOBase):
    """An upload stream that breaks off after some bytes, as a dropped connection does."""

    def __init__(self, content: bytes, after: int):
        self.content = content
        self.after = after
        self.position = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self.position >= self.after:
            raise OSError("connection reset by peer")
        size = len(self.content) if size < 0 else size
        end = min(self.position + size, self.after)
        chunk = self.content[self.position:end]
        self.position = end
        return chunk


class Nothing:
    """Counts rows and files before and after: a refused upload adds none of them."""

    def __init__(self, session: Session, store):
        self.session = session
        self.store = store
        self.rows = rows(session)
        self.digests = store.digests()
        self.incoming = store.incoming()

    def left_behind(self) -> dict:
        self.session.rollback()
        found = {}
        if rows(self.session) != self.rows:
            found["rows"] = (self.rows, rows(self.session))
        if self.store.digests() != self.digests:
            found["stored"] = self.store.digests() - self.digests
        if self.store.incoming() != self.incoming:
            found["incoming"] = set(self.store.incoming()) - set(self.incoming)
        return found


REFUSED = {
    "a program called .pdf (ELF)": (ELF, "underlag.pdf", None,
                                    "This kind of file is not accepted"),
    "a program called .pdf (EXE)": (EXE, "underlag.pdf", None,
                                    "This kind of file is not accepted"),
    "a Word file called .pdf": ("docx", "underlag.pdf", None,
                                "The file's content does not match its name: it is a .docx"),
    "a PDF called .docx": ("pdf", "underlag.docx", None,
                           "The file's content does not match its name: it is a .pdf file."),
    "text called .png": (b"bara text", "bild.png", None,
                         "The file's content does not match its name: it is a .txt file."),
    "an empty file": (b"", "tom.pdf", None, "The file is empty."),
    "a file over the limit": ("big", "stor.pdf", 64 * 1024, "The file is larger than 0.06 MB."),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_refused_upload_says_why_and_leaves_nothing_behind(app, session, blob_store, case):
    content, name, limit, message = REFUSED[case]
    if content == "docx":
        content = docx_file(unique(SWEDISH))
    elif content == "pdf":
        content = pdf_file(unique(SWEDISH))
    elif content == "big":
        content = b"%PDF-1.4\n" + unique("x").encode() * 10_000
    if limit:
        app.config["MATERIAL_MAX_BYTES"] = limit
    nothing = Nothing(session, blob_store)

    with pytest.raises(MaterialError) as refused:
        create(app, session, upload(content, name))

    assert refused.value.field == "file"
    assert refused.value.message.startswith(message), refused.value.message
    assert nothing.left_behind() == {}


def test_a_refusal_is_in_swedish_by_default(app, session, blob_store):
    with pytest.raises(MaterialError) as refused:
        create(app, session, upload(b"", "tom.pdf"), locale="sv")
    assert refused.value.message == "Filen är tom."


def test_an_interrupted_upload_leaves_nothing_behind(app, session, blob_store):
    content = pdf_file(unique(SWEDISH)) * 80  # several chunks of the store's reader
    assert len(content) > 2 * blobs.CHUNK
    nothing = Nothing(session, blob_store)

    with pytest.raises(OSError, match="connection reset"):
        create(app, session, FileStorage(Interrupted(content, after=blobs.CHUNK + 1000),
                                         filename="avbruten.pdf"))

    assert nothing.left_behind() == {}


def test_a_new_version_that_is_refused_leaves_the_document_as_it_was(
    app, session, blob_store, add_document
):
    document = add_document(title="Dagordning", content=pdf_file(unique("Dagordning")),
                            name="dagordning.pdf")
    nothing = Nothing(session, blob_store)

    with app.test_request_context(), force_locale("en"), pytest.raises(MaterialError) as refused:
        services.add_version(session, document, by=None, upload=upload(ELF, "dagordning.pdf"))

    assert refused.value.field == "file"
    assert nothing.left_behind() == {}
    session.refresh(document)
    assert [v.number for v in document.versions] == [1]


def test_a_failure_after_the_file_is_in_place_removes_it_again(
    app, session, blob_store, monkeypatch
):
    content = pdf_file(unique(SWEDISH))
    digest = hashlib.sha256(content).hexdigest()
    nothing = Nothing(session, blob_store)

    def broken_index(*_args, **_kwargs):
        # The file is in the store by now: the search index fails after it was put there.
        assert blob_store.has(digest)
        raise RuntimeError("the search index is down")

    monkeypatch.setattr(search, "index", broken_index)
    with pytest.raises(RuntimeError, match="search index"):
        create(app, session, upload(content, "underlag.pdf"))

    assert nothing.left_behind() == {}
    assert not blob_store.has(digest)


def test_a_failing_flush_after_the_file_is_in_place_removes_it_again(
    app, session, blob_store, monkeypatch
):
    content = pdf_file(unique(SWEDISH))
    digest = hashlib.sha256(content).hexdigest()
    nothing = Nothing(session, blob_store)

    def refused_by_the_database(_session, action, *, target, **_kwargs):
        assert blob_store.has(digest)
        # A second version 1 of the same document: the database refuses the flush.
        _session.add(DocumentVersion(document_id=target.id, number=1, blob=digest,
                                     file_name="x.pdf", content_type="application/pdf",
                                     size=1))
        _session.flush()

    monkeypatch.setattr(services, "record", refused_by_the_database)
    with pytest.raises(IntegrityError):
        create(app, session, upload(content, "underlag.pdf"))

    assert nothing.left_behind() == {}
    assert not blob_store.has(digest)


def test_a_rollback_keeps_a_file_that_a_committed_version_uses(
    app, session, blob_store, add_document, monkeypatch
):
    content = pdf_file(unique(SWEDISH))
    kept = add_document(title="Redan sparad", content=content, name="sparad.pdf")
    digest = kept.current.blob
    # The stored file was lost (a restore without the files, say): the next upload of the
    # same content puts it back, and its rollback must not take it away from `kept`.
    blob_store.path(digest).unlink()

    monkeypatch.setattr(search, "index", index_is_down)
    with pytest.raises(RuntimeError):
        create(app, session, upload(content, "igen.pdf"), title="Igen")
    session.rollback()

    assert blob_store.has(digest)
    assert session.get(Document, kept.id).current.blob == digest


def test_a_rollback_keeps_a_file_already_stored_for_another_version(
    app, session, blob_store, add_document, monkeypatch
):
    content = pdf_file(unique(SWEDISH))
    kept = add_document(title="Redan sparad", content=content, name="sparad.pdf")

    monkeypatch.setattr(search, "index", index_is_down)
    with pytest.raises(RuntimeError):
        create(app, session, upload(content, "igen.pdf"), title="Igen")
    session.rollback()

    assert blob_store.has(kept.current.blob)


def test_an_upload_reused_by_a_transaction_that_commits_survives_another_that_rolls_back(
    app, tmp_path, blob_store
):
    """Two uploads of one file at once: the first put it in the store, the second found it
    there; the first rolls back before the second commits. The second's version must still
    find its file afterwards."""
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{tmp_path / 'sessions.sqlite'}")
    content = unique("samma fil från två håll").encode()
    digest = hashlib.sha256(content).hexdigest()
    with app.app_context(), Session(engine) as first, Session(engine) as second:
        first.begin()
        second.begin()
        blobs.keep(first, blobs.receive(io.BytesIO(content), max_bytes=10_000),
                   lambda _digest: False)
        blobs.keep(second, blobs.receive(io.BytesIO(content), max_bytes=10_000),
                   lambda _digest: False)
        assert blob_store.has(digest)

        first.rollback()  # nothing committed refers to the file yet
        second.commit()

    engine.dispose()
    assert blob_store.has(digest)
    assert blob_store.path(digest).read_bytes() == content
    assert blob_store.incoming() == []


def test_the_store_refuses_names_that_are_not_hashes(app):
    with app.app_context():
        store = blobs.store()
        for name in ("../../etc/passwd", "A" * 64, "abc", ""):
            assert not store.exists(name)
            with pytest.raises(FileNotFoundError):
                store.open(name)


def test_text_is_read_only_up_to_the_limit(app, session):
    app.config["MATERIAL_EXTRACT_MAX_BYTES"] = 100
    document = create(app, session, upload(unique(SWEDISH * 10).encode(), "lång.txt"))
    assert session.get(DocumentText, document.id).body == ""
    assert document.current.size > 100


# --- the forms over HTTP ------------------------------------------------------------------


def form(title="Mitt underlag om kompetens", **more) -> dict:
    data = {"title": title, "description": "", "kind": "background", "language": "sv",
            "visibility": "public", "meeting_id": "", "link_url": "", "note": ""}
    data.update(more)
    return data


HTTP_REFUSED = {
    "wrong kind": (ELF, "underlag.pdf", (
        "This kind of file is not accepted. Upload a PDF, an Office or OpenDocument file, an "
        "image (PNG, JPEG, GIF, WebP) or plain text.")),
    "name mismatch": ("docx", "underlag.pdf",
                      "The file's content does not match its name: it is a .docx file."),
    "empty": (b"", "tom.pdf", "The file is empty."),
    "over the limit": ("big", "stor.pdf", "The file is larger than 0.1 MB."),
}


@pytest.mark.parametrize("case", list(HTTP_REFUSED))
def test_the_form_puts_the_refusal_beside_the_file_and_keeps_the_title(
    app, staff_client, session, blob_store, case
):
    app.config["MATERIAL_MAX_BYTES"] = 100 * 1024
    content, name, message = HTTP_REFUSED[case]
    if content == "docx":
        content = docx_file(unique(SWEDISH))
    elif content == "big":
        content = unique("stor").encode() * 8000
        assert 100 * 1024 < len(content) < 1024 * 1024
    nothing = Nothing(session, blob_store)
    english(staff_client)

    response = staff_client.post("/material/new", data=form(file=(io.BytesIO(content), name)),
                                 content_type="multipart/form-data")

    assert response.status_code == 400
    page = text_of(response)
    assert errors_beside(page, "file") == message
    assert 'value="Mitt underlag om kompetens"' in page
    assert nothing.left_behind() == {}


def test_the_form_answers_in_swedish_by_default(staff_client):
    response = staff_client.post("/material/new", data=form(file=(io.BytesIO(b""), "tom.pdf")),
                                 content_type="multipart/form-data")
    assert response.status_code == 400
    assert errors_beside(text_of(response), "file") == "Filen är tom."


def test_a_request_larger_than_the_limit_is_answered_with_the_form(
    app, staff_client, session, blob_store
):
    app.config["MATERIAL_MAX_BYTES"] = 100 * 1024
    content = unique("för stor").encode() * 60_000  # beyond the limit and its slack
    assert len(content) > 100 * 1024 + 1024 * 1024
    nothing = Nothing(session, blob_store)
    english(staff_client)

    response = staff_client.post("/material/new", data=form(file=(io.BytesIO(content), "x.pdf")),
                                 content_type="multipart/form-data")

    assert response.status_code == 413
    page = text_of(response)
    assert "<form" in page and 'name="file"' in page
    assert errors_beside(page, "file") == "The file is larger than 0.1 MB."
    assert nothing.left_behind() == {}


def test_a_new_version_larger_than_the_limit_is_answered_with_its_form(
    app, staff_client, session, add_document
):
    document = add_document(title="Rapport", content=pdf_file(unique("Rapport")),
                            name="rapport.pdf")
    app.config["MATERIAL_MAX_BYTES"] = 100 * 1024
    english(staff_client)

    response = staff_client.post(
        f"/material/{document.id}/versions/new",
        data={"note": "", "file": (io.BytesIO(b"%PDF-" + b"x" * 1_300_000), "rapport.pdf")},
        content_type="multipart/form-data")

    assert response.status_code == 413
    page = text_of(response)
    assert "Upload a new version" in page
    assert errors_beside(page, "file") == "The file is larger than 0.1 MB."


def test_a_file_larger_than_the_apps_general_request_limit_is_accepted(
    app, staff_client, session, blob_store
):
    # The app refuses requests over MAX_CONTENT_LENGTH (2 MB); material may be 50 MB.
    content = (unique(SWEDISH) + "\n").encode() * 40_000
    assert app.config["MAX_CONTENT_LENGTH"] < len(content) < app.config["MATERIAL_MAX_BYTES"]

    response = staff_client.post("/material/new",
                                 data=form(file=(io.BytesIO(content), "stor text.txt")),
                                 content_type="multipart/form-data")

    assert response.status_code == 302, text_of(response)[:500]
    document = session.scalar(select(Document).where(
        Document.title == "Mitt underlag om kompetens"))
    assert document.current.size == len(content)
    assert blob_store.path(document.current.blob).stat().st_size == len(content)


def test_a_large_request_from_someone_else_is_not_read(app, client, make_account, login):
    login(client, make_account("member"))
    content = b"x" * (3 * 1024 * 1024)
    response = client.post("/material/new", data=form(file=(io.BytesIO(content), "x.txt")),
                           content_type="multipart/form-data")
    assert response.status_code in (403, 413)


def test_a_document_is_created_from_the_form(staff_client, session, blob_store):
    content = pdf_file(unique(SWEDISH))
    response = staff_client.post(
        "/material/new",
        data=form(file=(io.BytesIO(content), "Kompetensförsörjning – underlag.pdf"),
                  note="Första utkastet"),
        content_type="multipart/form-data")

    assert response.status_code == 302
    document = session.scalar(select(Document).where(
        Document.title == "Mitt underlag om kompetens"))
    assert response.headers["Location"].endswith(f"/material/{document.id}")
    version = document.current
    assert (version.number, version.file_name, version.note) == (
        1, "Kompetensförsörjning – underlag.pdf", "Första utkastet")
    assert version.uploaded_by is not None and version.uploaded_by.is_secretariat
    assert blob_store.path(version.blob).read_bytes() == content


def test_the_form_wants_a_file_or_a_link_but_not_both(staff_client, session):
    english(staff_client)
    before = rows(session)

    neither = staff_client.post("/material/new", data=form(), content_type="multipart/form-data")
    assert neither.status_code == 400
    assert errors_beside(text_of(neither), "file") == "Upload a file or give a link."

    both = staff_client.post(
        "/material/new",
        data=form(link_url="https://www.regeringen.se/strategi",
                  file=(io.BytesIO(unique("x").encode()), "x.txt")),
        content_type="multipart/form-data")
    assert both.status_code == 400
    assert errors_beside(text_of(both), "link_url") == "Upload a file or give a link, not both."

    bad = staff_client.post("/material/new", data=form(link_url="javascript:alert(1)"),
                            content_type="multipart/form-data")
    assert bad.status_code == 400
    assert errors_beside(text_of(bad), "link_url") == (
        "Give a web address that starts with https://.")
    assert rows(session) == before


def test_a_link_is_a_document_without_a_file(staff_client, session):
    response = staff_client.post(
        "/material/new",
        data=form(title="Strategin på regeringen.se",
                  link_url="https://www.regeringen.se/strategi"),
        content_type="multipart/form-data")
    assert response.status_code == 302
    document = session.scalar(select(Document).where(
        Document.title == "Strategin på regeringen.se"))
    assert document.is_link and document.versions == []
    assert document.link_url == "https://www.regeringen.se/strategi"


def test_an_upload_failing_inside_the_request_leaves_nothing_behind(
    app, staff_client, session, blob_store, monkeypatch
):
    content = pdf_file(unique(SWEDISH))
    digest = hashlib.sha256(content).hexdigest()
    nothing = Nothing(session, blob_store)

    def broken_index(*_args, **_kwargs):
        raise RuntimeError("the search index is down")

    monkeypatch.setattr(search, "index", broken_index)
    response = staff_client.post("/material/new",
                                 data=form(file=(io.BytesIO(content), "underlag.pdf")),
                                 content_type="multipart/form-data")

    assert response.status_code == 500
    assert nothing.left_behind() == {}
    assert not blob_store.has(digest)


def test_uploads_are_streamed_to_the_incoming_folder_not_kept_in_memory(app, blob_store):
    """The store's receiver reads the stream in chunks; it never asks for all of it."""
    asked: list[int] = []

    class Watched(io.BytesIO):
        def read(self, size=-1):
            asked.append(size)
            return super().read(size)

    content = b"x" * (3 * blobs.CHUNK + 5)
    with app.app_context():
        received = blobs.receive(Watched(content), max_bytes=len(content))
    try:
        assert all(0 < size <= blobs.CHUNK for size in asked)
        assert received.path.parent == Path(app.config["BLOB_STORAGE_PATH"]) / "incoming"
        assert received.size == len(content)
    finally:
        received.discard()


def test_a_file_is_kept_when_it_cannot_be_told_whether_a_version_uses_it(
    app, tmp_path, blob_store
):
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{tmp_path / 'sessions.sqlite'}")
    content = unique("frågan kunde inte ställas").encode()
    digest = hashlib.sha256(content).hexdigest()

    def database_gone(_digest):
        raise ConnectionError("the database went away")

    with app.app_context(), Session(engine) as session:
        session.begin()
        blobs.keep(session, blobs.receive(io.BytesIO(content), max_bytes=10_000), database_gone)
        session.rollback()
    engine.dispose()
    assert blob_store.has(digest)
    blob_store.path(digest).unlink()


def test_with_csrf_protection_on_large_files_pass_and_too_large_ones_get_the_form(
    app, staff_client, session
):
    """As in production: CSRFProtect reads the body before the view, under the limit that
    applies to the request then."""
    import re

    english(staff_client)
    app.config["WTF_CSRF_ENABLED"] = True
    page = staff_client.get("/material/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    content = (unique(SWEDISH) + "\n").encode() * 40_000  # about 3 MB
    assert len(content) > app.config["MAX_CONTENT_LENGTH"]
    response = staff_client.post(
        "/material/new", data=form(csrf_token=token, file=(io.BytesIO(content), "stor.txt")),
        content_type="multipart/form-data")
    assert response.status_code == 302, text_of(response)[:300]

    app.config["MATERIAL_MAX_BYTES"] = 100 * 1024
    response = staff_client.post(
        "/material/new", data=form(csrf_token=token, file=(io.BytesIO(content), "stor.txt")),
        content_type="multipart/form-data")
    assert response.status_code == 413
    assert errors_beside(text_of(response), "file") == "The file is larger than 0.1 MB."
