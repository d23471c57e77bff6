"""Links that leave the app (in e-mails, calendar files): built from BASE_URL, never from the
request's Host header, which a client controls."""

from __future__ import annotations

from typing import Any

from flask import current_app


def external_url(endpoint: str, **values: Any) -> str:
    base = current_app.config["BASE_URL"].rstrip("/")
    adapter = current_app.url_map.bind("forum.invalid", script_name="/")
    return base + adapter.build(endpoint, values)
