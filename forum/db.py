"""The database: declarative Base, one engine per app, one session per app context."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

from flask import Flask, g
from sqlalchemy import DateTime, Engine, MetaData, TypeDecorator, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A moment, stored in UTC and always read back as an aware datetime in UTC.

    PostgreSQL's timestamptz does this itself; SQLite keeps whatever wall-clock time it is
    given, so every value is turned into UTC on the way in."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"a naive datetime cannot be stored: {value!r}")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def database_url(raw: str, instance_path: str) -> URL:
    """The URL to connect to: psycopg 3 for PostgreSQL, SQLite paths under instance/."""
    url = make_url(raw)
    if url.drivername in {"postgres", "postgresql"}:
        url = url.set(drivername="postgresql+psycopg")
    if url.drivername.startswith("sqlite") and url.database and url.database != ":memory:":
        if not os.path.isabs(url.database):
            url = url.set(database=os.path.join(instance_path, url.database))
    return url


def make_engine(url: URL, **options: Any) -> Engine:
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, **options)
        _make_sqlite_behave(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **options)


def _make_sqlite_behave(engine: Engine) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT and transactional DDL;
    # the SQLAlchemy docs' recipe hands BEGIN to SQLAlchemy instead.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")


# The settings of a server database's connection pool, and SQLAlchemy's names for them.
POOL_SETTINGS = {
    "DATABASE_POOL_SIZE": "pool_size",
    "DATABASE_MAX_OVERFLOW": "max_overflow",
    "DATABASE_POOL_TIMEOUT": "pool_timeout",
}


def pool_options(config: Any, url: URL) -> dict[str, Any]:
    """The configured pool for PostgreSQL; SQLite keeps SQLAlchemy's pool for files."""
    if url.get_backend_name() == "sqlite":
        return {}
    return {name: int(config[key]) for key, name in POOL_SETTINGS.items()
            if config.get(key) is not None}


class Database:
    """Ties an engine to the app and a session to each app context (request, CLI command)."""

    def init_app(self, app: Flask) -> None:
        url = database_url(app.config["DATABASE_URL"], app.instance_path)
        engine = make_engine(url, echo=app.config.get("SQLALCHEMY_ECHO", False),
                             **pool_options(app.config, url))
        app.extensions["forum.db"] = {
            "engine": engine,
            "sessionmaker": sessionmaker(bind=engine, expire_on_commit=False),
        }
        app.teardown_appcontext(self._close_session)

    @staticmethod
    def _state() -> dict[str, Any]:
        from flask import current_app

        return current_app.extensions["forum.db"]

    @property
    def engine(self) -> Engine:
        return self._state()["engine"]

    @property
    def sessionmaker(self) -> sessionmaker[Session]:
        return self._state()["sessionmaker"]

    @property
    def session(self) -> Session:
        session = g.get("_forum_session")
        if session is None:
            session = g._forum_session = self.sessionmaker()
        return session

    @staticmethod
    def _close_session(_exc: BaseException | None) -> None:
        session = g.pop("_forum_session", None)
        if session is not None:
            # Whatever the request did not commit is rolled back here.
            session.close()


db = Database()
