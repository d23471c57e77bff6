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
    if production and app.config.get("OPEN_SECRETARIAT"):
        raise RuntimeError(
            "OPEN_SECRETARIAT opens the secretariat's pages without login and is for "
            "local development only; it cannot be used with FORUM_ENV=production."
        )


def register_extensions(app: Flask) -> None:
    from forum import access, i18n, security
    from forum.db import db
    from forum.extensions import babel, csrf

    db.init_app(app)
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories="translations",
    )
    access.init_app(app)
    security.init_app(app)
    i18n.init_app(app)


def register_proxies(app: Flask) -> None:
    # Behind a reverse proxy the scheme and client address come from its headers; trust
    # exactly as many proxies as the deployment says, never more.
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]


def register_blueprints(app: Flask) -> None:
    from forum.public.views import bp as public_bp
    from forum.roster.views import bp as roster_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(roster_bp)


def register_errorhandlers(app: Flask) -> None:
    from forum import errors

    errors.init_app(app)


def register_commands(app: Flask) -> None:
    from forum.cli import forum_group

    app.cli.add_command(forum_group)
