"""Probes for load balancers and orchestrators: /healthz says the process answers (it
touches nothing else, and is the benchmarks' ceiling); /readyz says it can serve, with the
database and the file storage reachable."""

from __future__ import annotations

import os

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from forum import storage
from forum.access import PUBLIC, access
from forum.db import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@access(PUBLIC)
def healthz():
    response = current_app.response_class("ok\n", mimetype="text/plain")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/readyz")
@access(PUBLIC)
def readyz():
    checks = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except SQLAlchemyError:
        current_app.logger.exception("readiness: database unreachable")
        checks["database"] = "unreachable"
    try:
        checks["storage"] = "ok" if os.access(storage.root(), os.W_OK) else "read-only"
    except OSError:
        current_app.logger.exception("readiness: storage unreachable")
        checks["storage"] = "unreachable"
    ready = all(value == "ok" for value in checks.values())
    response = jsonify(status="ready" if ready else "not ready", checks=checks)
    response.status_code = 200 if ready else 503
    response.headers["Cache-Control"] = "no-store"
    return response
