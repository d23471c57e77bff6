"""Calendar addresses: a meeting as a file, a body's public feed, a person's own feed behind
a token, the help page, and the profile page where the token is made, changed or revoked.

The addresses are stable and listed in the README:
  /meetings/<id>.ics  /calendar/<body>.ics  /calendar/personal/<token>.ics  /calendar
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from io import BytesIO

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import bindparam, select
from werkzeug.http import is_resource_modified

from forum import answers
from forum.access import PUBLIC, SIGNED_IN, access
from forum.answers import for_visitors
from forum.audit.services import record
from forum.calendars import feeds
from forum.db import db
from forum.forms import Form
from forum.i18n import language as current_language
from forum.meetings.access import sees_details
from forum.roster.models import Body
from forum.urls import external_url

bp = Blueprint("calendars", __name__)

MIMETYPE = "text/calendar"
# Calendars fetch feeds on their own schedule; this lets caches keep a copy for a while and
# then ask again with the ETag.
MAX_AGE = 900
# The session key that carries a new personal address to the one page that shows it.
NEW_ADDRESS = "calendar_new_address"
# Built once, as the statements in feeds.py that every fetch runs.
_BODY = select(Body).where(Body.slug == bindparam("slug"))


def webcal(url: str) -> str:
    """The same address for calendar programs: webcal:// opens a subscription dialogue."""
    return "webcal://" + url.split("://", 1)[1]


def _feed_language() -> str:
    asked = request.args.get("lang", "")
    return asked if asked in ("sv", "en") else "sv"


def _serve(key: str, fingerprint: str, build: Callable[[], bytes], *, private: bool,
           download_name: str | None = None) -> Response:
    """Answer a feed: 304 when the client has this version, otherwise the bytes, built once
    per version and process. The fingerprint is the strong ETag."""
    last_modified: datetime = feeds.changed_at(db.session, key, fingerprint)
    body = None
    if is_resource_modified(request.environ, etag=fingerprint, last_modified=last_modified):
        body = feeds.built_feeds.get_or_build(fingerprint, build)
    return _answer(fingerprint, last_modified, body, private=private,
                   download_name=download_name)


def _answer(fingerprint: str, last_modified: datetime, body: bytes | None, *, private: bool,
            download_name: str | None = None) -> Response:
    """The answer itself: the bytes, or a 304 when `body` is None."""
    if body is None:
        response = Response(status=304)
    elif download_name:
        response = send_file(BytesIO(body), mimetype=MIMETYPE, as_attachment=True,
                             download_name=download_name, conditional=False, etag=False,
                             max_age=None)
    else:
        response = Response(body, mimetype=MIMETYPE)
    if body is not None:
        response.content_type = f"{MIMETYPE}; charset=utf-8"
    response.set_etag(fingerprint)
    response.last_modified = last_modified
    response.headers["Cache-Control"] = f"{'private' if private else 'public'}, max-age={MAX_AGE}"
    if private:
        # The address is the key: keep it out of search engines and referrers.
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _from_memory(key: tuple, *, private: bool) -> Response | None:
    """The feed's answer without the database, when this process served it a few seconds
    ago and has written nothing since (forum/answers.py); None otherwise."""
    known = answers.recall(key)
    if known is None:
        return None
    fingerprint, last_modified = known
    if not is_resource_modified(request.environ, etag=fingerprint, last_modified=last_modified):
        return _answer(fingerprint, last_modified, None, private=private)
    body = feeds.built_feeds.get(fingerprint)
    if body is None:
        return None
    return _answer(fingerprint, last_modified, body, private=private)


def _remember(key: tuple, response: Response) -> Response:
    etag, _weak = response.get_etag()
    if response.status_code in (200, 304) and etag and response.last_modified:
        answers.remember(key, (etag, response.last_modified), 200)
    return response


@bp.get("/meetings/<int:meeting_id>.ics")
@access(PUBLIC)
def meeting_file(meeting_id: int):
    """One meeting to add to a calendar; participants get the online link and agenda too."""
    meeting = feeds.file_meeting(db.session, meeting_id)
    if meeting is None:
        abort(404)
    private = sees_details(meeting)
    language = current_language()
    fingerprint = feeds.meeting_fingerprint(meeting, language, private)
    return _serve(
        f"meeting:{meeting.id}:{language}:{int(private)}", fingerprint,
        lambda: feeds.meeting_file(meeting, language, private),
        private=private, download_name=feeds.meeting_file_name(meeting),
    )


@bp.get("/calendar/<slug>.ics")
@access(PUBLIC)
def body_feed(slug: str):
    language = _feed_language()
    remembered = ("feed", slug, language)
    response = _from_memory(remembered, private=False)
    if response is not None:
        return response
    body = db.session.scalar(_BODY, {"slug": slug})
    if body is None:
        abort(404)
    fingerprint = feeds.body_fingerprint(db.session, body, language)
    return _remember(remembered, _serve(
        f"body:{body.id}:{language}", fingerprint,
        lambda: feeds.body_feed(db.session, body, language), private=False))


@bp.get("/calendar/personal/<token>.ics")
@access(PUBLIC)  # calendar programs cannot log in: the token in the address is the key
def personal_feed(token: str):
    # Kept by the token's hash, as the database keeps it.
    remembered = ("personal feed", feeds.token_hash(token))
    response = _from_memory(remembered, private=True)
    if response is not None:
        return response
    found = feeds.find_token(db.session, token)
    if found is None:
        abort(404)
    account = found.account
    fingerprint = feeds.personal_fingerprint(db.session, account)
    response = _serve(f"personal:{found.id}", fingerprint,
                      lambda: feeds.personal_feed(db.session, account), private=True)
    feeds.record_use(db.session, found)
    return _remember(remembered, response)


def _body_feeds() -> list[dict]:
    bodies = db.session.scalars(select(Body).order_by(Body.position, Body.id)).all()
    rows = []
    for body in bodies:
        url = external_url("calendars.body_feed", slug=body.slug)
        url_en = external_url("calendars.body_feed", slug=body.slug, lang="en")
        rows.append({"body": body, "url": url, "webcal": webcal(url), "url_en": url_en,
                     "webcal_en": webcal(url_en)})
    return rows


@bp.get("/calendar")
@access(PUBLIC)
@for_visitors
def help_page():
    return render_template("calendars/help.html", feeds=_body_feeds())


class PersonalFeedForm(Form):
    pass


@bp.route("/profile/calendar", methods=["GET", "POST"])
@access(SIGNED_IN)
def personal():
    """Make, replace or revoke the secret address of one's own feed. Only its hash is kept:
    a new address is shown once, on the page the POST that made it redirects to (so that a
    reload shows the page again rather than making another address), and that page is never
    stored by the browser or a cache."""
    account = current_user
    form = PersonalFeedForm()
    new_url = None
    if form.validate_on_submit():
        action = request.form.get("action")
        if action == "issue":
            raw = feeds.issue_token(db.session, account)
            record(db.session, "calendar_address_made", target=account,
                   person_id=account.person_id)
            db.session.commit()
            # Kept in the signed session cookie of this browser until the next page shows it.
            session[NEW_ADDRESS] = raw
            flash(gettext("Your calendar address is ready. Copy it now: it is shown only "
                          "once. Any earlier address has stopped working."), "success")
            return redirect(url_for("calendars.personal"), 303)
        if action == "revoke":
            if feeds.revoke_tokens(db.session, account):
                record(db.session, "calendar_address_revoked", target=account,
                       person_id=account.person_id)
            db.session.commit()
            flash(gettext("Your calendar address is revoked. Calendars subscribed to it "
                          "get no more updates."), "success")
            return redirect(url_for("calendars.personal"), 303)
        form.add_error(None, gettext("Choose whether to make a new address or revoke it."))
    raw = session.pop(NEW_ADDRESS, None) if request.method == "GET" else None
    token = feeds.active_token(db.session, account)
    if raw and token is not None:
        new_url = external_url("calendars.personal_feed", token=raw)
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "calendars/personal.html",
        form=form,
        token=token,
        new_url=new_url,
        new_webcal=webcal(new_url) if new_url else None,
    ), status, {"Cache-Control": "no-store"}
