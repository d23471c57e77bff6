"""Who may open what: one decorator declares a view's rule, one hook refuses undeclared views.

Staff roles are on the account (admin, secretariat); a region's contact is tied to one
region. What members and guests may see follows from their nominations and invitations,
and is decided per object by the features that own those objects.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

from flask import Flask, abort, request
from flask_login import current_user

from forum.extensions import login_manager

PUBLIC = "public"
SIGNED_IN = "signed_in"
REGION_CONTACT = "region_contact"
SECRETARIAT = "secretariat"
ADMIN = "admin"
RULES = (PUBLIC, SIGNED_IN, REGION_CONTACT, SECRETARIAT, ADMIN)


def account() -> Any | None:
    """The signed-in account, or None."""
    return current_user if current_user.is_authenticated else None


def allowed(rule: str) -> bool:
    if rule == PUBLIC:
        return True  # without loading the signed-in account: feeds are asked for often
    user = account()
    if user is None:
        return False
    if rule == SIGNED_IN:
        return True
    if rule == SECRETARIAT:
        return user.is_secretariat or user.is_admin
    if rule == ADMIN:
        return user.is_admin
    if rule == REGION_CONTACT:
        # A region's contact, or the secretariat who deals with every region.
        return user.contact_region_id is not None or user.is_secretariat or user.is_admin
    return False


def is_secretariat() -> bool:
    return allowed(SECRETARIAT)


def contact_for(region_id: int) -> bool:
    """May the signed-in account act for this region (its contact, or the secretariat)?"""
    user = account()
    if user is None:
        return False
    return user.contact_region_id == region_id or is_secretariat()


def member_of(body_id: int, on: date) -> bool:
    """Did the signed-in person hold a seat in the body on that day? Members see their
    body's non-public things for as long as their nomination runs, and no longer."""
    user = account()
    if user is None:
        return False
    from sqlalchemy import select

    from forum.db import db
    from forum.roster.models import Nomination
    from forum.roster.queries import current_on

    return (
        db.session.scalar(
            select(Nomination.id)
            .where(
                Nomination.person_id == user.person_id,
                Nomination.body_id == body_id,
                current_on(on),
            )
            .limit(1)
        )
        is not None
    )


def access(rule: str) -> Callable:
    """Declare who may open a view; the check runs before the view's body.

    Anonymous visitors to a non-public page are sent to the login page and back; signed-in
    accounts without the right get 403.
    """
    if rule not in RULES:
        raise ValueError(f"unknown access rule {rule!r}")

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not allowed(rule):
                if account() is None:
                    return login_manager.unauthorized()
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
    app.jinja_env.globals["contact_for"] = contact_for
