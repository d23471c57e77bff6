"""Start page, accessibility statement and language switch."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import HiddenField

from forum.access import PUBLIC, access
from forum.answers import for_visitors
from forum.db import db
from forum.forms import Form
from forum.news.about import about_context
from forum.news.queries import latest as latest_news
from forum.roster.queries import forum_bodies
from forum.strategy.models import StrategyPeriod
from forum.timeutil import today

bp = Blueprint("public", __name__)


class LanguageForm(Form):
    lang = HiddenField()
    next = HiddenField()


def current_period(on=None):
    on = on or today()
    return db.session.scalar(
        select(StrategyPeriod)
        .where(StrategyPeriod.start_date <= on, StrategyPeriod.end_date >= on)
        .options(selectinload(StrategyPeriod.themes))
    )


@bp.get("/")
@access(PUBLIC)
@for_visitors
def index():
    return render_template(
        "public/index.html", bodies=forum_bodies(db.session), period=current_period(),
        news=latest_news(db.session, 3),
    )


@bp.get("/about")
@access(PUBLIC)
@for_visitors
def about():
    return render_template("public/about.html", period=current_period(),
                           **about_context(db.session))


# When the accessibility statement was drawn up, last assessed and last updated; change
# these with the statement's text.
STATEMENT = {
    "drawn_up": date(2026, 11, 26),
    "assessed": date(2026, 11, 26),
    "updated": date(2026, 11, 26),
}


@bp.get("/accessibility")
@access(PUBLIC)
@for_visitors
def accessibility():
    return render_template("public/accessibility.html", statement=STATEMENT)


def safe_next(target: str | None) -> str:
    """A local path to go back to; anything pointing elsewhere goes to the start page."""
    if not target:
        return url_for("public.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("public.index")
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        # Control characters could split the Location header.
        return url_for("public.index")
    return target


@bp.post("/language")
@access(PUBLIC)
def language():
    form = LanguageForm()
    if form.validate_on_submit() and form.lang.data in current_app.config["LANGUAGES"]:
        session["lang"] = form.lang.data
        session.permanent = True
    return redirect(safe_next(form.next.data or request.referrer and urlsplit(request.referrer).path))
