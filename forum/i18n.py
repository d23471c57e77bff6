"""Languages: which one a request gets, bilingual fields, and dates in the forum's style."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import current_app, has_request_context, session
from flask_babel import format_date, format_datetime, get_locale, gettext

LANGUAGE_NAMES = {"sv": "Svenska", "en": "English"}


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # the command line speaks the service's language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    # Swedish is the service's language whatever the browser says; English is a choice.
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "sv"


def local(obj: Any, field: str) -> str:
    """The Swedish or English variant of a bilingual field, falling back to Swedish."""
    value = getattr(obj, f"{field}_{language()}", None)
    return value or getattr(obj, f"{field}_sv")


def day(value: date | None) -> str:
    """'24 november 2026' in Swedish, '24 November 2026' in English."""
    if value is None:
        return ""
    return format_date(value, "d MMMM y")


def moment(value: datetime | None) -> str:
    """'24 november 2026, kl. 13.00' in Swedish, '24 November 2026, 13:00' in English."""
    if value is None:
        return ""
    if language() == "sv":
        return format_datetime(value, "d MMMM y, 'kl.' HH.mm")
    return format_datetime(value, "d MMMM y, HH:mm")


def clock(value: datetime | None) -> str:
    """'13.00' in Swedish, '13:00' in English, in Stockholm time."""
    if value is None:
        return ""
    return format_datetime(value, "HH.mm" if language() == "sv" else "HH:mm")


def term(start: date, end: date | None) -> str:
    """A nomination's stretch of days in words."""
    if end is None:
        return gettext("from %(start)s", start=day(start))
    return gettext("%(start)s – %(end)s", start=day(start), end=day(end))


def init_app(app) -> None:
    from forum.accounts.forms import ConfirmForm
    from forum.public.views import LanguageForm

    @app.context_processor
    def language_context() -> dict[str, Any]:
        return {
            "lang": language(),
            "language_names": LANGUAGE_NAMES,
            "language_form": LanguageForm,
            "confirm_form": ConfirmForm,
        }

    app.jinja_env.globals.update(local=local)
    app.jinja_env.filters.update(day=day, moment=moment, clock=clock)
    app.jinja_env.globals["term"] = term
