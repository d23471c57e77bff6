"""Material pages: a document and its versions, uploading, withdrawing, downloads, a
meeting's material pack and its distribution, the knowledge bank per theme, and search.

Every read goes through forum/material/access.py. A document the visitor may not read is
answered as if it did not exist (404), so that not even its title is learnt; an anonymous
visitor is first asked to log in.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePath
from urllib.parse import quote

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext, ngettext
from sqlalchemy import extract, func, insert, select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.http import dump_options_header
from zipstream import ZipStream

from forum import blobs
from forum.access import PUBLIC, SECRETARIAT, access, account, is_secretariat
from forum.accounts.models import Account
from forum.answers import for_visitors
from forum.db import db
from forum.forms import Form
from forum.i18n import local
from forum.material import distribution, search, services
from forum.material.access import current_reader
from forum.material.forms import (
    KIND_LABELS,
    VISIBILITY_LABELS,
    VISIBILITY_SHORT,
    DistributeForm,
    DocumentForm,
    EditDocumentForm,
    MaterialFilterForm,
    SearchForm,
    VersionForm,
    WithdrawForm,
)
from forum.material.models import (
    Document,
    DocumentKind,
    DocumentVersion,
    Download,
    Visibility,
    document_themes,
    in_kind_order,
)
from forum.material.services import MaterialError
from forum.meetings import queries as meeting_queries
from forum.meetings.access import sees_details
from forum.meetings.models import Meeting
from forum.roster.models import Body, BodyKind
from forum.strategy.models import StrategyPeriod, Theme
from forum.strategy.queries import theme_choices
from forum.timeutil import STOCKHOLM, utcnow

bp = Blueprint("material", __name__)

PAGE_SIZE = 50


@bp.record_once
def _template_words(state) -> None:
    state.app.jinja_env.globals.update(kind_labels=KIND_LABELS, visibility_short=VISIBILITY_SHORT,
                                       visibility_labels=VISIBILITY_LABELS)


# --- loading with access -----------------------------------------------------------------


def _readable(document_id: int) -> Document:
    document = db.session.scalar(
        select(Document).where(Document.id == document_id)
        .options(joinedload(Document.meeting).joinedload(Meeting.body),
                 selectinload(Document.themes), selectinload(Document.versions)
                 .joinedload(DocumentVersion.uploaded_by))
    )
    if document is None:
        abort(404)
    if not current_reader().may_read(document):
        if account() is None:
            # Perhaps a member who followed a link from an e-mail: let them log in.
            abort(redirect(url_for("accounts.login", next=request.full_path.rstrip("?"))))
        abort(404)
    return document


def _meeting(meeting_id: int) -> Meeting:
    found = meeting_queries.meeting_page(db.session, meeting_id)
    if found is None:
        abort(404)
    return found


def _log(document: Document, version: DocumentVersion | None, via: str) -> None:
    user = account()
    db.session.add(Download(document_id=document.id, version_id=version.id if version else None,
                            account_id=user.id if user else None, via=via))
    db.session.commit()


# --- choices -----------------------------------------------------------------------------


def _meeting_choices():
    meetings = db.session.scalars(
        select(Meeting).options(joinedload(Meeting.body))
        .order_by(Meeting.start_at.desc()).limit(300)
    ).all()
    return [(m.id, f"{m.start_at.astimezone(STOCKHOLM):%Y-%m-%d} {m.title}") for m in meetings]


def _fill(form) -> None:
    form.meeting_id.set_choices(_meeting_choices())
    form.theme_ids.choices = theme_choices(db.session)
    bodies = db.session.scalars(select(Body).order_by(Body.position, Body.id)).all()
    form.body_id.set_choices([(b.id, local(b, "name")) for b in bodies])
    form.reported_by_id.set_choices(
        [(b.id, local(b, "name")) for b in bodies if b.kind is not BodyKind.FORUM])


def _size_hint() -> str:
    return gettext("PDF, Word, Excel, PowerPoint, OpenDocument, an image or plain text, at "
                   "most %(size)s MB.", size=services.limit_in_megabytes())


def _too_large_message() -> str:
    return gettext("The file is larger than %(size)s MB.", size=services.limit_in_megabytes())


# The forms that carry a file, and the room they get beside it for their other fields.
UPLOADS = {"material.new_document", "material.new_version"}
FORM_ALLOWANCE = 1024 * 1024


@bp.url_value_preprocessor
def _allow_the_upload(endpoint: str | None, _values: dict | None) -> None:
    # A file may be larger than the app's general request limit. This must run before every
    # before_request hook (CSRF's and the NUL-byte check read the body), and only for the
    # secretariat: nobody else gets to send that much.
    if endpoint in UPLOADS and request.method == "POST" and is_secretariat():
        request.max_content_length = current_app.config["MATERIAL_MAX_BYTES"] + FORM_ALLOWANCE


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error: RequestEntityTooLarge):
    """A request too large to read: the secretariat gets the form back, with the message
    beside the file field (what was typed is lost: the request was not read)."""
    if request.endpoint in UPLOADS and is_secretariat():
        if request.endpoint == "material.new_document":
            form = DocumentForm(formdata=None)
            _fill(form)
            form.file.description = _size_hint()
            form.file.errors = [_too_large_message()]
            return render_template("material/form.html", form=form, document=None), 413
        found = db.session.get(Document, (request.view_args or {}).get("document_id"))
        if found is not None and not found.is_link:
            form = VersionForm(formdata=None)
            form.file.description = _size_hint()
            form.file.errors = [_too_large_message()]
            return render_template("material/version.html", form=form, document=found), 413
    return render_template("errors/413.html", error=error, code=413), 413


# --- a document --------------------------------------------------------------------------


@bp.route("/material/new", methods=["GET", "POST"])
@access(SECRETARIAT)
def new_document():
    form = DocumentForm()
    _fill(form)
    form.file.description = _size_hint()
    meeting_id = request.args.get("meeting", type=int)
    if request.method == "GET":
        form.visibility.data = Visibility.PARTICIPANTS.value
        body_id = request.args.get("body", type=int)
        if body_id and db.session.get(Body, body_id):
            form.body_id.data = body_id
        if meeting_id and db.session.get(Meeting, meeting_id):
            form.meeting_id.data = meeting_id
            meeting = db.session.get(Meeting, meeting_id)
            if meeting.theme_id:
                form.theme_ids.data = [meeting.theme_id]
    if form.validate_on_submit():
        try:
            created = services.create(
                db.session, by=account(), **form.details(), theme_ids=form.theme_ids.data or [],
                upload=form.file.data, link_url=form.link_url.data or "",
                note=form.note.data or "",
            )
        except MaterialError as error:
            db.session.rollback()
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(gettext("The document is saved."), "success")
            return redirect(url_for("material.document", document_id=created.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("material/form.html", form=form, document=None), status


@bp.get("/material/<int:document_id>")
@access(PUBLIC)
def document(document_id: int):
    found = _readable(document_id)
    context = {"document": found}
    if current_reader().secretariat:
        context["withdraw_form"] = WithdrawForm(formdata=None)
        context["action_form"] = Form(formdata=None)
        context["downloads"] = db.session.scalar(
            select(func.count(Download.id)).where(Download.document_id == found.id))
    return render_template("material/document.html", **context)


@bp.route("/material/<int:document_id>/edit", methods=["GET", "POST"])
@access(SECRETARIAT)
def edit_document(document_id: int):
    found = _readable(document_id)
    form = EditDocumentForm(obj=found if request.method == "GET" else None)
    _fill(form)
    if request.method == "GET":
        form.kind.data = found.kind.value
        form.visibility.data = found.visibility.value
        form.theme_ids.data = [t.id for t in found.themes]
    if form.validate_on_submit():
        try:
            fields = form.details()
            if found.is_link:
                fields["link_url"] = form.link_url.data or ""
            if form.meeting_id.data and form.meeting_id.data != found.meeting_id:
                fields["body_id"] = db.session.get(Meeting, form.meeting_id.data).body_id
            services.update(db.session, found, theme_ids=form.theme_ids.data or [], **fields)
        except MaterialError as error:
            db.session.rollback()
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(gettext("The document is changed."), "success")
            return redirect(url_for("material.document", document_id=found.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("material/edit.html", form=form, document=found), status


@bp.route("/material/<int:document_id>/versions/new", methods=["GET", "POST"])
@access(SECRETARIAT)
def new_version(document_id: int):
    found = _readable(document_id)
    if found.is_link:
        abort(404)
    form = VersionForm()
    form.file.description = _size_hint()
    if form.validate_on_submit():
        try:
            if not form.file.data or not form.file.data.filename:
                raise MaterialError("file", gettext("Choose a file to upload."))
            version = services.add_version(db.session, found, by=account(),
                                           upload=form.file.data, note=form.note.data or "")
        except MaterialError as error:
            db.session.rollback()
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(gettext("Version %(number)d is uploaded.", number=version.number), "success")
            return redirect(url_for("material.document", document_id=found.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("material/version.html", form=form, document=found), status


@bp.route("/material/<int:document_id>/withdraw", methods=["GET", "POST"])
@access(SECRETARIAT)
def withdraw(document_id: int):
    found = _readable(document_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            services.withdraw(db.session, found, reason=form.reason.data or "")
        except MaterialError as error:
            db.session.rollback()
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(gettext("The document is withdrawn. Only the secretariat sees it now."),
                  "success")
            return redirect(url_for("material.document", document_id=found.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("material/withdraw.html", form=form, document=found), status


@bp.post("/material/<int:document_id>/reinstate")
@access(SECRETARIAT)
def reinstate(document_id: int):
    found = _readable(document_id)
    form = Form()
    if form.validate_on_submit():
        try:
            services.reinstate(db.session, found)
        except MaterialError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(gettext("The document is reinstated."), "success")
    return redirect(url_for("material.document", document_id=found.id))


@bp.get("/material/<int:document_id>/downloads")
@access(SECRETARIAT)
def downloads(document_id: int):
    found = _readable(document_id)
    rows = db.session.scalars(
        select(Download).where(Download.document_id == found.id)
        .options(joinedload(Download.account).joinedload(Account.person))
        .order_by(Download.at.desc()).limit(500)
    ).all()
    versions = {v.id: v.number for v in found.versions}
    return render_template("material/downloads.html", document=found, rows=rows,
                           versions=versions)


# --- files -------------------------------------------------------------------------------


def _send(document: Document, version: DocumentVersion):
    store = blobs.store()
    path = store.local_path(version.blob)
    if path is None or not path.is_file():
        current_app.logger.error("stored file missing: document %s version %s",
                                 document.id, version.number)
        abort(404)
    # The type without its parameters: Werkzeug adds the charset to text types itself.
    mimetype = version.content_type.split(";", 1)[0].strip()
    response = send_file(path, mimetype=mimetype, as_attachment=True,
                         download_name=version.file_name, conditional=True, etag=version.blob,
                         last_modified=version.uploaded_at, max_age=0)
    response.headers["Cache-Control"] = (
        "public, max-age=0, must-revalidate" if document.visibility is Visibility.PUBLIC
        and not document.is_withdrawn else "private, no-cache")
    # A file is a file: never a page that could run in the app's origin.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/material/<int:document_id>/file")
@access(PUBLIC)
def download(document_id: int):
    found = _readable(document_id)
    if found.is_link:
        _log(found, None, "link")
        return redirect(found.link_url)
    version = found.current
    if version is None:
        abort(404)
    response = _send(found, version)
    if response.status_code == 200:
        _log(found, version, "file")
    return response


@bp.get("/material/<int:document_id>/versions/<int:number>/file")
@access(PUBLIC)
def download_version(document_id: int, number: int):
    found = _readable(document_id)
    version = next((v for v in found.versions if v.number == number), None)
    if version is None:
        abort(404)
    response = _send(found, version)
    if response.status_code == 200:
        _log(found, version, "file")
    return response


def _pack_name(position: int, document: Document, version: DocumentVersion, taken: set[str]) -> str:
    title = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "", document.title).strip()[:100] or "dokument"
    extension = PurePath(version.file_name).suffix.lower()
    name = f"{position:02d} {title}{extension}"
    while name in taken:
        name = f"{position:02d} {title} ({len(taken)}){extension}"
    taken.add(name)
    return name


@bp.get("/meetings/<int:meeting_id>/material.zip")
@access(PUBLIC)
def pack(meeting_id: int):
    """The meeting's current documents that the visitor may read, as one ZIP, streamed
    while it is made."""
    meeting = _meeting(meeting_id)
    # A withdrawn document is not the meeting's material, not even in the secretariat's pack.
    documents = [d for d in meeting_material(meeting)
                 if not d.is_link and d.current and not d.is_withdrawn]
    if not documents:
        abort(404)
    store = blobs.store()
    archive = ZipStream(sized=True)
    taken: set[str] = set()
    packed = []
    for position, document in enumerate(documents, start=1):
        version = document.current
        path = store.local_path(version.blob)
        if path is None or not path.is_file():
            current_app.logger.error("stored file missing: document %s version %s",
                                     document.id, version.number)
            continue
        archive.add_path(str(path), _pack_name(position, document, version, taken))
        packed.append(document)
    if not packed:
        abort(404)
    user = account()
    # What was packed, in one statement however many documents the pack holds.
    db.session.execute(insert(Download), [
        {"document_id": d.id, "version_id": d.current.id, "account_id": user.id if user else None,
         "via": "pack"} for d in packed])
    db.session.commit()
    day = meeting.start_at.astimezone(STOCKHOLM).date().isoformat()
    title = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "", meeting.title).strip()[:100]
    response = current_app.response_class(archive, mimetype="application/zip")
    response.headers["Content-Length"] = str(len(archive))
    name = f"{day} {title} – material.zip"
    # Old clients read the ASCII name (å → a), the rest the UTF-8 one (RFC 6266).
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    response.headers["Content-Disposition"] = dump_options_header(
        "attachment", {"filename": ascii_name, "filename*": f"UTF-8''{quote(name)}"})
    response.headers["Cache-Control"] = "private, no-cache"
    return response


# --- the meeting's material and its distribution ------------------------------------------


def meeting_material(meeting: Meeting) -> list[Document]:
    """The meeting's documents the visitor may read, in the order of kinds, then titles."""
    reader = current_reader()
    return list(db.session.scalars(
        select(Document)
        .where(Document.meeting_id == meeting.id, reader.condition())
        .options(selectinload(Document.versions))
        .order_by(in_kind_order(), Document.title, Document.id)
    ))


def material_context(meeting: Meeting) -> dict:
    """What the meeting page shows about its material (used by forum/meetings/views.py)."""
    reader = current_reader()
    context = {"material": meeting_material(meeting)}
    if reader.secretariat:
        context["material_pending"] = distribution.pending(db.session, meeting)
        context["material_history"] = distribution.history(db.session, meeting)
        context["material_deadline"] = distribution.meeting_deadline(db.session, meeting)
    else:
        context["material_history"] = distribution.history(db.session, meeting) if (
            sees_details(meeting)) else []
    return context


@bp.route("/meetings/<int:meeting_id>/distribute", methods=["GET", "POST"])
@access(SECRETARIAT)
def distribute(meeting_id: int):
    meeting = _meeting(meeting_id)
    form = DistributeForm()
    changes = distribution.pending(db.session, meeting)
    people = [p for p in meeting_queries.participants(db.session, meeting)]
    if form.validate_on_submit():
        try:
            sent = distribution.distribute(db.session, meeting, by=account(),
                                           message=form.message.data or "")
        except MaterialError as error:
            db.session.rollback()
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(ngettext("The material is sent to %(num)d participant.",
                           "The material is sent to %(num)d participants.", sent.recipients),
                  "success")
            return redirect(url_for("meetings.meeting", meeting_id=meeting.id) + "#material")
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "material/distribute.html", form=form, meeting=meeting, changes=changes,
        participants=people, without_address=[p for p in people if not p.person.email],
        deadline=distribution.meeting_deadline(db.session, meeting),
    ), status


# --- the knowledge bank and search --------------------------------------------------------


def _document_year():
    # The year of the meeting, or of the upload for documents without one.
    return func.coalesce(extract("year", Meeting.start_at), extract("year", Document.created_at))


@bp.get("/themes")
@access(PUBLIC)
@for_visitors
def themes():
    reader = current_reader()
    periods = db.session.scalars(
        select(StrategyPeriod).options(selectinload(StrategyPeriod.themes))
        .order_by(StrategyPeriod.start_date.desc())
    ).all()
    counts = dict(db.session.execute(
        select(document_themes.c.theme_id, func.count(Document.id))
        .join(Document, Document.id == document_themes.c.document_id)
        .where(reader.condition())
        .group_by(document_themes.c.theme_id)
    ).all())
    meetings = dict(db.session.execute(
        select(Meeting.theme_id, func.count(Meeting.id)).where(Meeting.theme_id.is_not(None))
        .group_by(Meeting.theme_id)
    ).all())
    return render_template("material/themes.html", periods=periods, counts=counts,
                           meetings=meetings)


# A theme's page shows its latest meetings; the meetings list has all of them.
THEME_MEETINGS = 12


@bp.get("/themes/<int:theme_id>")
@access(PUBLIC)
@for_visitors
def theme(theme_id: int):
    found = db.session.scalar(select(Theme).where(Theme.id == theme_id)
                              .options(joinedload(Theme.period)))
    if found is None:
        abort(404)
    reader = current_reader()
    form = MaterialFilterForm(request.args)
    base = (
        select(Document)
        .join(document_themes, document_themes.c.document_id == Document.id)
        .outerjoin(Meeting, Meeting.id == Document.meeting_id)
        .where(document_themes.c.theme_id == found.id, reader.condition())
    )
    years = sorted({int(y) for y in db.session.scalars(
        base.with_only_columns(_document_year()).distinct()) if y is not None}, reverse=True)
    form.year.choices = [("", gettext("All years"))] + [(str(y), str(y)) for y in years]
    ok = form.validate()
    query = base
    if ok and form.kind.data:
        query = query.where(Document.kind == DocumentKind(form.kind.data))
    if ok and form.year.data:
        query = query.where(_document_year() == int(form.year.data))
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    total = db.session.scalar(query.with_only_columns(func.count(Document.id)))
    documents = db.session.scalars(
        query.options(joinedload(Document.meeting), selectinload(Document.versions))
        .order_by(func.coalesce(Meeting.start_at, Document.created_at).desc(), Document.id.desc())
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    ).all()
    meetings = db.session.scalars(
        select(Meeting).where(Meeting.theme_id == found.id)
        .options(joinedload(Meeting.body), joinedload(Meeting.theme),
                 joinedload(Meeting.host_region))
        .order_by(Meeting.start_at.desc()).limit(THEME_MEETINGS)
    ).all()
    meetings_total = db.session.scalar(
        select(func.count(Meeting.id)).where(Meeting.theme_id == found.id))
    return render_template(
        "material/theme.html", theme=found, form=form, documents=documents, meetings=meetings,
        meetings_total=meetings_total,
        page=page, pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1), total=total,
        now=utcnow(),
    )


# Search hits shown a page at a time.
HITS_PER_PAGE = 20


@bp.get("/search")
@access(PUBLIC)
@for_visitors
def search_page():
    form = SearchForm(request.args)
    form.theme.set_choices(theme_choices(db.session))
    hits = None
    total = page = pages = 0
    if request.args.get("q") and form.validate():
        asked = {"session": db.session, "query": form.q.data or "", "reader": current_reader(),
                 "kind": DocumentKind(form.kind.data) if form.kind.data else None,
                 "theme_id": form.theme.data}
        total = search.count(**asked)
        pages = max(1, -(-total // HITS_PER_PAGE))
        try:
            page = min(max(int(request.args.get("page", "1")), 1), pages)
        except ValueError:
            page = 1
        hits = search.search(**asked, limit=HITS_PER_PAGE, offset=(page - 1) * HITS_PER_PAGE)
    status = 400 if form.errors else 200
    asked_for = {name: request.args[name] for name in ("q", "kind", "theme")
                 if request.args.get(name)}
    return render_template("material/search.html", form=form, hits=hits, total=total,
                           page=page, pages=pages, per_page=HITS_PER_PAGE,
                           asked_for=asked_for), status

