"""News pages (the list, an item, writing, publishing), the Atom feed, the sitemap and
robots.txt.

A draft or unpublished item is the secretariat's alone: everyone else gets 404, as if it did
not exist. The feed answers like the calendar feeds: a strong ETag from a fingerprint that
costs one query, an honest Last-Modified, 304 when the reader has the current version.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.http import is_resource_modified

from forum.access import PUBLIC, SECRETARIAT, access, account, is_secretariat
from forum.answers import for_visitors
from forum.calendars import feeds
from forum.db import db
from forum.forms import Form
from forum.i18n import language, local
from forum.meetings.models import Meeting
from forum.news import feed as atom_feed
from forum.news import queries, services, sitemap
from forum.news.forms import NewsForm
from forum.news.models import NewsItem, NewsStatus
from forum.news.queries import PAGE_SIZE, Shown, Text, shown
from forum.news.services import NewsError
from forum.roster.models import Body
from forum.strategy.queries import theme_choices
from forum.timeutil import STOCKHOLM
from forum.urls import external_url

bp = Blueprint("news", __name__)

ATOM_TYPE = "application/atom+xml"
# Feed readers poll; caches may keep a copy this long, then ask again with the ETag.
FEED_MAX_AGE = 900
SITEMAP_MAX_AGE = 3600


def body_url(slug: str) -> str | None:
    """The page of a body, working group or network, where the app has one."""
    return url_for("bodies.body", slug=slug) if sitemap.is_public("bodies.body") else None


def canonical_url() -> str:
    """This page's one address, from BASE_URL (never the Host header): without filters, but
    with its page number in a paged list."""
    page = request.args.get("page", type=int)
    query = f"?page={page}" if page and page > 1 else ""
    return current_app.config["BASE_URL"].rstrip("/") + request.path + query


def feed_url() -> str:
    lang = language()
    return url_for("news.feed", **({"lang": lang} if lang != "sv" else {}))


@bp.record_once
def _template_helpers(state) -> None:
    state.app.jinja_env.globals.update(
        body_url=body_url, canonical_url=canonical_url, news_feed_url=feed_url,
        news_text=lambda item: shown(item, language()),
    )


# --- the list and an item -----------------------------------------------------------------


@bp.get("/news")
@access(PUBLIC)
@for_visitors
def index():
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    items, total = queries.published_page(db.session, page)
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    if page > pages:
        abort(404)
    context = {"items": items, "page": page, "pages": pages, "total": total}
    if is_secretariat():
        context["unpublished"] = queries.not_published(db.session)
    return render_template("news/index.html", **context)


def _found(news_id: int) -> NewsItem:
    found = queries.item_page(db.session, news_id)
    if found is None or not (found.is_published or is_secretariat()):
        abort(404)
    return found


@bp.get("/news/<int:news_id>")
@access(PUBLIC)
@for_visitors
def item(news_id: int):
    found = _found(news_id)
    context = {"item": found, "text": shown(found, language())}
    if is_secretariat():
        context["action_form"] = Form(formdata=None)
    response = current_app.make_response(render_template("news/item.html", **context))
    if not found.is_published:
        response.headers["Cache-Control"] = "private, no-store"
        response.headers["X-Robots-Tag"] = "noindex"
    return response


# --- writing --------------------------------------------------------------------------------


def _fill(form: NewsForm) -> None:
    meetings = db.session.scalars(
        select(Meeting).options(joinedload(Meeting.body))
        .order_by(Meeting.start_at.desc()).limit(300)
    ).all()
    form.meeting_id.set_choices(
        (m.id, f"{m.start_at.astimezone(STOCKHOLM):%Y-%m-%d} {m.title}") for m in meetings)
    form.theme_id.set_choices(theme_choices(db.session))
    form.body_id.set_choices(
        (b.id, local(b, "name"))
        for b in db.session.scalars(select(Body).order_by(Body.position, Body.id)))


def _previewing(form: NewsForm) -> bool:
    """The Preview button: the text is shown as readers will see it, and nothing is saved.
    Only an expired form is reported; the other checks wait for Save."""
    if request.method != "POST" or not form.preview.data:
        return False
    form.validate()
    expired = list(form.csrf_token.errors) if form.meta.csrf else []
    for f in form:
        f.errors = []
    if expired:
        form.csrf_token.errors = expired
    return True


def _preview(form: NewsForm) -> dict[str, Shown]:
    """The text as it will read in Swedish, and in English if an English text is written."""
    fields = form.fields()
    previews = {"sv": Shown(Text(fields["title_sv"], "sv"), Text(fields["summary_sv"], "sv"),
                            Text(fields["body_sv"], "sv"))}
    if fields["body_en"]:
        summary = (Text(fields["summary_en"], "en") if fields["summary_en"]
                   else Text(fields["summary_sv"], "sv"))
        previews["en"] = Shown(Text(fields["title_en"], "en"), summary,
                               Text(fields["body_en"], "en"))
    return previews


def _status(form: NewsForm) -> int:
    return 400 if form.errors or form.form_errors else 200


@bp.route("/news/new", methods=["GET", "POST"])
@access(SECRETARIAT)
def new():
    form = NewsForm()
    _fill(form)
    previews = None
    if request.method == "GET":
        form.meeting_id.data = request.args.get("meeting", type=int)
        form.theme_id.data = request.args.get("theme", type=int)
    if _previewing(form):
        previews = _preview(form)
    elif form.validate_on_submit():
        try:
            created = services.create(db.session, by=account(), **form.fields())
        except NewsError as error:
            db.session.rollback()
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(gettext("The news item is saved as a draft. Publish it when it is ready."),
                  "success")
            return redirect(url_for("news.item", news_id=created.id), 303)
    return render_template("news/form.html", form=form, item=None,
                           previews=previews), _status(form)


@bp.route("/news/<int:news_id>/edit", methods=["GET", "POST"])
@access(SECRETARIAT)
def edit(news_id: int):
    found = _found(news_id)
    form = NewsForm(obj=found if request.method == "GET" else None)
    _fill(form)
    previews = None
    if _previewing(form):
        previews = _preview(form)
    elif form.validate_on_submit():
        try:
            changed = services.update(db.session, found, **form.fields())
        except NewsError as error:
            db.session.rollback()
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(gettext("The changes are saved.") if changed
                  else gettext("Nothing was changed."), "success")
            return redirect(url_for("news.item", news_id=found.id), 303)
    return render_template("news/form.html", form=form, item=found,
                           previews=previews), _status(form)


def _act(news_id: int, change, done: str):
    found = _found(news_id)
    form = Form()
    if form.validate_on_submit():
        try:
            change(db.session, found, by=account())
        except NewsError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(done, "success")
    else:
        flash(gettext("The form has expired. Please send it again."), "error")
    return redirect(url_for("news.item", news_id=found.id), 303)


@bp.post("/news/<int:news_id>/publish")
@access(SECRETARIAT)
def publish(news_id: int):
    return _act(news_id, services.publish, gettext(
        "The news item is published: on the news page, the start page and in the feed."))


@bp.post("/news/<int:news_id>/unpublish")
@access(SECRETARIAT)
def unpublish(news_id: int):
    return _act(news_id, services.unpublish, gettext(
        "The news item is unpublished. It is kept, and only the secretariat sees it."))


# --- the Atom feed --------------------------------------------------------------------------


@bp.get("/news.atom")
@access(PUBLIC)
def feed():
    lang = request.args.get("lang", "")
    lang = lang if lang in ("sv", "en") else "sv"
    fingerprint = atom_feed.fingerprint(db.session, lang)
    last_modified = feeds.changed_at(db.session, f"news:{lang}", fingerprint)
    if not is_resource_modified(request.environ, etag=fingerprint, last_modified=last_modified):
        response = Response(status=304)
    else:
        body = feeds.built_feeds.get_or_build(
            fingerprint, lambda: atom_feed.build(db.session, lang, last_modified))
        response = Response(body, mimetype=ATOM_TYPE)
        response.content_type = f"{ATOM_TYPE}; charset=utf-8"
    response.set_etag(fingerprint)
    response.last_modified = last_modified
    response.headers["Cache-Control"] = f"public, max-age={FEED_MAX_AGE}"
    return response


# --- the sitemap and robots.txt -------------------------------------------------------------


def _xml(chunks) -> Response:
    response = Response(chunks, mimetype="application/xml")
    response.content_type = "application/xml; charset=utf-8"
    response.headers["Cache-Control"] = f"public, max-age={SITEMAP_MAX_AGE}"
    return response


@bp.get("/sitemap.xml")
@access(PUBLIC)
def sitemap_index():
    entries = sitemap.index_entries(db.session)
    return _xml(sitemap.index_xml(entries, sitemap.Addresses()))


@bp.get("/sitemap/<section>/<int:page>.xml")
@access(PUBLIC)
def sitemap_page(section: str, page: int):
    urls = sitemap.page_urls(db.session, section, page)
    if urls is None:
        abort(404)
    return _xml(sitemap.urlset_xml(urls))


@bp.get("/robots.txt")
@access(PUBLIC)
def robots():
    text = sitemap.robots(external_url("news.sitemap_index"))
    response = Response(text, mimetype="text/plain")
    response.headers["Cache-Control"] = f"public, max-age={SITEMAP_MAX_AGE}"
    return response


@bp.app_template_global()
def news_status_label(status: NewsStatus) -> str:
    return {
        NewsStatus.DRAFT: gettext("Draft"),
        NewsStatus.PUBLISHED: gettext("Published"),
        NewsStatus.ARCHIVED: gettext("Unpublished"),
    }[status]
