"""Error pages: real pages in the user's language, never a stack trace."""

from __future__ import annotations

from flask import Flask, render_template
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

SHOWN = {400, 403, 404, 405, 413, 429, 500, 503}


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        template = f"errors/{code}.html" if code in SHOWN else "errors/generic.html"
        # Keep the exception's own headers, such as Allow on 405 and Retry-After on 429.
        headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
        return render_template(template, error=error, code=code), code, headers

    @app.errorhandler(OperationalError)
    def database_unavailable(error: OperationalError):
        # The database went away or is locked: nothing was saved, try again shortly.
        if isinstance(error, DBAPIError) and error.connection_invalidated:
            app.logger.warning("database connection lost: %s", error.orig)
        else:
            app.logger.exception("database unavailable")
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
