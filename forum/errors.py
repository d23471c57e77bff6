"""Error pages: real pages in the user's language, never a stack trace."""

from __future__ import annotations

from flask import Flask, current_app, g, render_template
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

SHOWN = {400, 403, 404, 405, 413, 429, 500, 503}


def _known_account_id() -> int | None:
    """The id of the account this request loaded, read without touching the database."""
    state = sa_inspect(g.get("_login_user"), raiseerr=False)
    identity = state.identity if state is not None else None
    return identity[0] if identity else None


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        template = f"errors/{code}.html" if code in SHOWN else "errors/generic.html"
        # Keep the exception's own headers, such as Allow on 405 and Retry-After on 429.
        headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
        return render_template(template, error=error, code=code), code, headers

    @app.errorhandler(OperationalError)
    @app.errorhandler(PoolTimeout)
    def database_unavailable(error: Exception):
        # The database went away or is locked, or every pooled connection stayed busy:
        # nothing was saved, try again shortly. Who is signed in cannot be looked up
        # without the database, and an account loaded before the failure was expired with
        # the failed transaction: the log and the page get along without it (the log with
        # the account's id as it was known), rather than failing a second time.
        extra = {"user_id": _known_account_id()}
        g._login_user = current_app.login_manager.anonymous_user()
        if isinstance(error, DBAPIError) and error.connection_invalidated:
            app.logger.warning("database connection lost: %s", error.orig, extra=extra)
        else:
            app.logger.exception("database unavailable", extra=extra)
        response = render_template(
            "errors/503.html", error=ServiceUnavailable(), code=503
        ), 503, {"Retry-After": "30"}
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        if isinstance(error, HTTPException):  # pragma: no cover - handled above
            return http_error(error)
        app.logger.exception("unhandled error")
        return (
            render_template("errors/500.html", error=InternalServerError(), code=500),
            500,
        )
