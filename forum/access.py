"""Who may open what: one decorator declares a view's rule, one hook refuses undeclared views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, abort, current_app, request

PUBLIC = "public"
SECRETARIAT = "secretariat"
RULES = (PUBLIC, SECRETARIAT)


def is_secretariat() -> bool:
    # Until accounts land, the secretariat's pages open only where a developer has
    # switched them on for the local demo; production refuses that switch.
    return bool(current_app.config.get("OPEN_SECRETARIAT"))


def allowed(rule: str) -> bool:
    if rule == PUBLIC:
        return True
    if rule == SECRETARIAT:
        return is_secretariat()
    return False


def access(rule: str) -> Callable:
    """Declare who may open a view; the check runs before the view's body."""
    if rule not in RULES:
        raise ValueError(f"unknown access rule {rule!r}")

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not allowed(rule):
                abort(403)
            return view(*args, **kwargs)

        guarded.access_rule = rule  # type: ignore[attr-defined]
        return guarded

    return decorate


def rule_of(view: Callable) -> str | None:
    return getattr(view, "access_rule", None)


def init_app(app: Flask) -> None:
    @app.before_request
    def refuse_undeclared() -> None:
        # A view without a declared rule is a programming error; fail closed.
        if request.endpoint is None or request.endpoint == "static":
            return
        view = app.view_functions.get(request.endpoint)
        if view is not None and rule_of(view) is None:
            app.logger.error("view %s declares no access rule", request.endpoint)
            abort(403)

    app.jinja_env.globals["can"] = allowed
