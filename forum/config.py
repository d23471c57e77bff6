"""Configuration defaults; create_app layers instance/config.py and the environment on top."""

import os

# Every setting that may come from the environment, and how to read it.
ENV_SETTINGS: dict[str, type] = {
    "SECRET_KEY": str,
    "DATABASE_URL": str,
    "DATABASE_POOL_SIZE": int,
    "DATABASE_MAX_OVERFLOW": int,
    "DATABASE_POOL_TIMEOUT": int,
    "FORUM_ENV": str,
    "MAIL_BACKEND": str,
    "MAIL_DELIVERY": str,
    "MAIL_SERVER": str,
    "MAIL_PORT": int,
    "MAIL_USERNAME": str,
    "MAIL_PASSWORD": str,
    "MAIL_USE_TLS": bool,
    "MAIL_USE_SSL": bool,
    "MAIL_DEFAULT_SENDER": str,
    "RATELIMIT_STORAGE_URI": str,
    "BASE_URL": str,
    "PREFERRED_URL_SCHEME": str,
    "SESSION_COOKIE_SECURE": bool,
    "TRUSTED_PROXIES": int,
    "CALENDAR_ORGANIZER": str,
    "MATERIAL_MAX_BYTES": int,
    "BLOB_STORAGE_PATH": str,
    "STORAGE_PATH": str,
    "LOG_FORMAT": str,
    "LOG_LEVEL": str,
    "ANSWER_CACHE_SECONDS": int,
}


class Defaults:
    # "development" or "production"; production refuses to start without a SECRET_KEY.
    FORUM_ENV = "production"
    SECRET_KEY: str | None = None
    # Relative SQLite paths are taken from the instance folder.
    DATABASE_URL = "sqlite:///forum.sqlite"
    SQLALCHEMY_ECHO = False
    # PostgreSQL: the connections each process keeps open, how many more it may open when
    # all are busy, and how many seconds a request waits for one before it is answered
    # with the 503 page. Keep size + overflow at least gunicorn's --threads per worker, and
    # workers × (size + overflow) below the server's max_connections (docs/operations.md).
    DATABASE_POOL_SIZE = 5
    DATABASE_MAX_OVERFLOW = 10
    DATABASE_POOL_TIMEOUT = 10

    BABEL_DEFAULT_LOCALE = "sv"
    BABEL_DEFAULT_TIMEZONE = "Europe/Stockholm"
    LANGUAGES = ("sv", "en")

    # E-mail: "smtp" or "console" (printed, for development). Delivery after each commit:
    # "thread" (background), "sync" (in the request), "worker" (only the outbox worker).
    MAIL_BACKEND = "smtp"
    MAIL_DELIVERY = "thread"
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_TIMEOUT = 10
    MAIL_DEFAULT_SENDER = "Forum för hållbar regional utveckling <forum@localhost>"

    # Failed logins: per address typed, and per client. Memory by default; several
    # processes share a Redis (RATELIMIT_STORAGE_URI=redis://host:6379/0).
    LOGIN_LIMIT_PER_ADDRESS = "5 per 15 minutes"
    LOGIN_LIMIT_PER_CLIENT = "50 per hour"
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_STRATEGY = "fixed-window"

    # The ORGANIZER of every meeting in calendars and invitations ("Name <address>"); the
    # mail sender when unset. Calendar programs send replies to invitations there.
    CALENDAR_ORGANIZER: str | None = None

    # Where users reach the app; links in e-mails and calendars start with it.
    BASE_URL = "http://127.0.0.1:5000"

    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 14
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False

    WTF_CSRF_TIME_LIMIT = None  # tied to the session rather than a clock
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 8
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024

    # Meeting material: the largest file accepted (the upload form allows this much), and
    # the largest file whose text is read for search. Files are kept by content hash in
    # BLOB_STORAGE_PATH (default: instance/blobs).
    MATERIAL_MAX_BYTES = 50 * 1024 * 1024
    MATERIAL_EXTRACT_MAX_BYTES = 50 * 1024 * 1024
    BLOB_STORAGE_PATH: str | None = None

    # How many reverse proxies stand in front of the app (X-Forwarded-* headers trusted).
    TRUSTED_PROXIES = 0

    # Logs on stderr (forum/observability.py): "json" (one object a line) or "text"; unset:
    # json in production, text in development. LOG_LEVEL: DEBUG, INFO, WARNING or ERROR.
    LOG_FORMAT: str | None = None
    LOG_LEVEL = "INFO"

    # How long each process may answer a calendar feed, or a public page as an anonymous
    # visitor sees it, from memory (forum/answers.py); a write in the process forgets them
    # at once, other processes within these seconds. 0 turns it off.
    ANSWER_CACHE_SECONDS = 10


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
