"""Security headers on every response, and requests refused before they reach a view."""

from __future__ import annotations

from flask import Flask, Response, abort, request
from werkzeug.routing import IntegerConverter

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


class DatabaseId(IntegerConverter):
    """An id in a URL: positive and within the databases' integer columns, so that an absurd
    id is a missing page (404) rather than a database error."""

    def __init__(self, map, fixed_digits=0, min=1, max=2**31 - 1, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def _has_nul(values) -> bool:
    return any("\x00" in key or any("\x00" in v for v in items) for key, items in values.lists())


def init_app(app: Flask) -> None:
    # Before any blueprint adds its rules, so that every <int:…> is a DatabaseId.
    app.url_map.converters["int"] = DatabaseId

    @app.before_request
    def refuse_nul_bytes() -> None:
        # PostgreSQL cannot store or compare NUL in text, and no honest form sends one.
        if "\x00" in request.path or _has_nul(request.args):
            abort(400)
        if request.method == "POST" and _has_nul(request.form):
            abort(400)

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        if request.is_secure:
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response
