"""Logs: one JSON object per line on stderr (or plain text for development), every request
with an id that the response carries in X-Request-ID and the 500 page shows as a reference.

The standard library's logging does the work; the formatter below is the only addition, so
that every library's records (SQLAlchemy's, Werkzeug's, ours) come out the same way without
another dependency. Settings: LOG_FORMAT (json or text; json in production, text in
development unless set) and LOG_LEVEL (DEBUG, INFO, WARNING, ERROR; INFO by default) for
Forum's own loggers; other libraries log from WARNING up, or everything at DEBUG.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, g, has_request_context, request, request_started
from flask.logging import default_handler
from sqlalchemy import inspect as sa_inspect
from werkzeug.local import LocalProxy

FORMATS = ("json", "text")
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
HEADER = "X-Request-ID"

# An id handed on by a trusted proxy (nginx's $request_id, a UUID): letters, digits and a
# few separators, 8 to 64 characters. Anything else is replaced, so that no client can put
# line breaks or look-alike ids into the logs.
INCOMING_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,63}")

# Addresses whose last part is a secret: a personal calendar feed, an invitation, a
# password reset. Logs say that such an address was asked for, never which.
SECRET_PATHS = re.compile(r"(/calendar/personal/|/invitation/|/password/reset/)[^/?#\s\"']+")

# What a record may carry about its request, in this order in every JSON line.
CONTEXT = (
    "request_id",
    "method",
    "path",
    "endpoint",
    "status",
    "duration_ms",
    "user_id",
    "remote_addr",
)

access_log = logging.getLogger("forum.access")


def mask(text: str) -> str:
    """The text with the secret part of token addresses replaced by ***."""
    return SECRET_PATHS.sub(r"\1***", text)


# --- the request's id --------------------------------------------------------------------


def request_id() -> str:
    """The current request's id ("" outside a request)."""
    if not has_request_context():
        return ""
    found = g.get("request_id")
    if found is None:
        found = g.request_id = _incoming_id() or uuid.uuid4().hex
    return found


def _incoming_id() -> str | None:
    from flask import current_app

    # Only a proxy the deployment trusts may name the request (TRUSTED_PROXIES, as for
    # X-Forwarded-For); a client talking to the app directly cannot.
    if not int(current_app.config.get("TRUSTED_PROXIES") or 0):
        return None
    value = request.headers.get(HEADER, "")
    return value if INCOMING_ID.fullmatch(value) else None


def logged_path() -> str:
    """The request's path without its query string, secrets masked."""
    path = mask(request.path)
    token = (request.view_args or {}).get("token")
    if isinstance(token, str) and token and token in path:
        path = path.replace(token, "***")  # any other route that names a token
    return path


def _user_id() -> int | None:
    # Only an account the request has loaded already: asking Flask-Login here would load it
    # for public feeds that never look at it (and mark the response as varying by cookie).
    # Its id is read from the identity map, never by a query: after a database failure the
    # account is expired and reading `.id` would go to the database again.
    user = g.get("_login_user")
    if user is None or isinstance(user, LocalProxy):
        # login_user(current_user) stores the proxy itself, which then refers to itself.
        return None
    state = sa_inspect(user, raiseerr=False)
    identity = state.identity if state is not None else None
    return identity[0] if identity else None


def _started(sender: Flask, **_extra: Any) -> None:
    g.request_started = time.perf_counter()
    request_id()


def _finish(response: Response) -> Response:
    response.headers[HEADER] = request_id()
    started = g.get("request_started")
    duration = round((time.perf_counter() - started) * 1000, 1) if started else None
    access_log.info(
        "%s %s %s",
        request.method,
        logged_path(),
        response.status_code,
        extra={"status": response.status_code, "duration_ms": duration},
    )
    return response


# --- records and their formats ---------------------------------------------------------------


class RequestContext(logging.Filter):
    """Adds the request's id, method, path, endpoint, user and address to every record
    made while a request is handled (a record's own `extra` values win)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not has_request_context():
            return True
        values = {
            "request_id": request_id(),
            "method": request.method,
            "path": logged_path(),
            "endpoint": request.endpoint,
            "user_id": _user_id(),
            "remote_addr": request.remote_addr,
        }
        for key, value in values.items():
            if getattr(record, key, None) is None:
                setattr(record, key, value)
        return True


def _time(record: logging.LogRecord) -> str:
    moment = datetime.fromtimestamp(record.created, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line: time (UTC), level, logger, message, the
    request's context when there is one, and the error's type and traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": _time(record),
            "level": record.levelname,
            "logger": record.name,
            "message": mask(record.getMessage()),
        }
        for key in CONTEXT:
            value = getattr(record, key, None)
            if value is not None:
                entry[key] = value
        if record.exc_info and record.exc_info[0] is not None:
            entry["error"] = record.exc_info[0].__name__
            entry["traceback"] = mask(self.formatException(record.exc_info))
        if record.stack_info:
            entry["stack"] = mask(self.formatStack(record.stack_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """A line for a person at a terminal: time, level, logger, [request id] message."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
                         defaults={"request_id": "-"})

    def format(self, record: logging.LogRecord) -> str:
        return mask(super().format(record))


class StderrHandler(logging.Handler):
    """Writes to whatever sys.stderr is at the time (a test's capture, a service's pipe)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            stream = sys.stderr
            stream.write(self.format(record) + "\n")
            stream.flush()
        except Exception:  # noqa: BLE001  # pragma: no cover - logging must never break a request
            self.handleError(record)


def settings(app: Flask) -> tuple[str, str]:
    """The configured format and level, checked: a typo stops the app at start."""
    default = "json" if app.config.get("FORUM_ENV") == "production" else "text"
    chosen = str(app.config.get("LOG_FORMAT") or default).strip().lower()
    level = str(app.config.get("LOG_LEVEL") or "INFO").strip().upper()
    if chosen not in FORMATS:
        raise RuntimeError(f"LOG_FORMAT must be one of {', '.join(FORMATS)}, not {chosen!r}")
    if level not in LEVELS:
        raise RuntimeError(f"LOG_LEVEL must be one of {', '.join(LEVELS)}, not {level!r}")
    return chosen, level


def init_app(app: Flask) -> None:
    chosen, level = settings(app)
    handler = StderrHandler()
    handler.setFormatter(JsonFormatter() if chosen == "json" else TextFormatter())
    handler.addFilter(RequestContext())
    handler.forum_handler = True  # type: ignore[attr-defined]
    # The root logger, so that every library's records share the format. One process runs
    # one app; a newer app (the tests make many) replaces the handler of the one before.
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "forum_handler", False)]:
        root.removeHandler(old)
    root.addHandler(handler)
    # Forum's own records from LOG_LEVEL up; other libraries' (Alembic's plugin notices,
    # the development server's request lines) only from WARNING, unless asked for DEBUG.
    ours = logging.getLevelName(level)
    root.setLevel(ours if ours == logging.DEBUG else max(ours, logging.WARNING))
    logging.getLogger("forum").setLevel(ours)
    app.logger.removeHandler(default_handler)

    request_started.connect(_started, app)
    app.after_request(_finish)
    app.jinja_env.globals["request_id"] = request_id
