"""Forum: the secretariat's tool for a national forum where regions meet the state."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    configure(app, test_config)
    register_extensions(app)
    register_proxies(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def configure(app: Flask, test_config: dict[str, Any] | None) -> None:
    from forum.config import Defaults, from_environment

    app.config.from_object(Defaults)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.update(from_environment(os.environ))
    else:
        app.config.update(test_config)
    os.makedirs(app.instance_path, exist_ok=True)

    production = app.config["FORUM_ENV"] == "production"
    if not app.config.get("SECRET_KEY"):
        if production:
            raise RuntimeError(
                "SECRET_KEY is not set. Set the SECRET_KEY environment variable (or "
                "SECRET_KEY in instance/config.py) to a long random value, e.g. the output "
                "of: python -c 'import secrets; print(secrets.token_hex(32))'"
            )
        app.config["SECRET_KEY"] = "development-only-not-secret"
    # Cookies follow the session cookie's Secure setting (on behind HTTPS).
    app.config.setdefault("REMEMBER_COOKIE_SECURE", app.config["SESSION_COOKIE_SECURE"])
    if app.config["SESSION_COOKIE_SECURE"]:
        app.config["REMEMBER_COOKIE_SECURE"] = True


def register_extensions(app: Flask) -> None:
    from flask_babel import lazy_gettext

    from forum import access, answers, i18n, mail, observability, security
    from forum.db import db
    from forum.extensions import babel, csrf, limiter, login_manager

    observability.init_app(app)  # first: its after_request hook runs last, on the final answer
    db.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = lazy_gettext("Log in to see that page.")
    login_manager.login_message_category = "info"
    limiter.init_app(app)
    mail.init_app(app)
    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories="translations",
    )
    access.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    answers.init_app(app)


def register_proxies(app: Flask) -> None:
    # Behind a reverse proxy the scheme and client address come from its headers; trust
    # exactly as many proxies as the deployment says, never more.
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]


def register_blueprints(app: Flask) -> None:
    from forum.accounts.views import bp as accounts_bp
    from forum.audit.views import bp as audit_bp
    from forum.bodies.views import bp as bodies_bp
    from forum.calendars.views import bp as calendars_bp
    from forum.cooperation.views import bp as cooperation_bp
    from forum.dashboard.views import bp as dashboard_bp
    from forum.health import bp as health_bp
    from forum.material.views import bp as material_bp
    from forum.meetings import planner_views, records_views, views  # noqa: F401  (routes)
    from forum.meetings.blueprint import bp as meetings_bp
    from forum.news.views import bp as news_bp
    from forum.privacy.views import bp as privacy_bp
    from forum.proposals.views import bp as proposals_bp
    from forum.public.views import bp as public_bp
    from forum.roster.views import bp as roster_bp
    from forum.surveys.views import bp as surveys_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(roster_bp)
    app.register_blueprint(bodies_bp)
    app.register_blueprint(proposals_bp)
    app.register_blueprint(meetings_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(calendars_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(material_bp)
    app.register_blueprint(surveys_bp)
    app.register_blueprint(cooperation_bp)
    app.register_blueprint(news_bp)
    app.register_blueprint(privacy_bp)


def register_errorhandlers(app: Flask) -> None:
    from forum import errors

    errors.init_app(app)


def register_commands(app: Flask) -> None:
    from forum.cli import forum_group

    app.cli.add_command(forum_group)
