"""Configuration defaults; create_app layers instance/config.py and the environment on top."""

import os

# Every setting that may come from the environment, and how to read it.
ENV_SETTINGS: dict[str, type] = {
    "SECRET_KEY": str,
    "DATABASE_URL": str,
    "FORUM_ENV": str,
    "OPEN_SECRETARIAT": bool,
    "PREFERRED_URL_SCHEME": str,
    "SESSION_COOKIE_SECURE": bool,
    "TRUSTED_PROXIES": int,
}


class Defaults:
    # "development" or "production"; production refuses to start without a SECRET_KEY.
    FORUM_ENV = "production"
    SECRET_KEY: str | None = None
    # Relative SQLite paths are taken from the instance folder.
    DATABASE_URL = "sqlite:///forum.sqlite"
    SQLALCHEMY_ECHO = False

    BABEL_DEFAULT_LOCALE = "sv"
    BABEL_DEFAULT_TIMEZONE = "Europe/Stockholm"
    LANGUAGES = ("sv", "en")

    # Until accounts exist, the secretariat's pages can be opened without login in
    # development only. Never true in production (create_app refuses it).
    OPEN_SECRETARIAT = False

    WTF_CSRF_TIME_LIMIT = None  # tied to the session rather than a clock
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 8
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024

    # How many reverse proxies stand in front of the app (X-Forwarded-* headers trusted).
    TRUSTED_PROXIES = 0


def from_environment(environ: os._Environ[str] | dict[str, str]) -> dict[str, object]:
    """The settings that the environment sets, converted to their types."""
    found: dict[str, object] = {}
    for name, kind in ENV_SETTINGS.items():
        raw = environ.get(name)
        if raw is None:
            raw = environ.get(f"FORUM_{name}")
        if raw is None:
            continue
        if kind is bool:
            found[name] = raw.strip().lower() in {"1", "true", "yes", "on"}
        elif kind is int:
            found[name] = int(raw)
        else:
            found[name] = raw
    return found
