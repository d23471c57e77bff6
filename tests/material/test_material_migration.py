"""Migration 0005 (material) on a database that already holds data, on both databases: the
upgrade keeps every row of the tables it alters (accounts, meetings, planner settings, which
other tables point at), fills the new columns, and builds a search index that works; the
downgrade keeps them too, and the upgrade can run again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import Boolean, Date, DateTime, Integer, MetaData, Table, Time, inspect, text
from sqlalchemy.engine import make_url

from forum import migrate
from forum.db import database_url, make_engine


@pytest.fixture
def fresh_database(database, tmp_path) -> Iterator[str]:
    """An empty database of its own beside the test database: its URL."""
    url = make_url(database)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'material-migration.sqlite'}"
        return
    name = f"{url.database}_material_migration"
    admin = make_engine(database_url(database, "."), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE template0 '
                                    "ENCODING 'UTF8'"))
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


NOW = datetime(2026, 11, 1, 9, tzinfo=UTC)


def insert(connection, table_name: str, **values) -> int:
    """A row with the given values and something plausible in every other required column."""
    table = Table(table_name, MetaData(), autoload_with=connection)
    row = {}
    for column in table.columns:
        if column.name in values or column.nullable or column.primary_key:
            continue
        if column.server_default is not None:
            continue
        kind = column.type
        if isinstance(kind, Boolean):
            row[column.name] = False
        elif isinstance(kind, Integer):
            row[column.name] = 0
        elif isinstance(kind, DateTime):
            row[column.name] = NOW
        elif isinstance(kind, Date):
            row[column.name] = date(2026, 11, 1)
        elif isinstance(kind, Time):
            row[column.name] = time(10)
        else:
            row[column.name] = ""
    row.update(values)
    result = connection.execute(table.insert().values(**row).returning(table.c.id))
    return result.scalar_one()


def count(connection, table_name: str) -> int:
    return connection.execute(text(f"SELECT count(*) FROM {table_name}")).scalar_one()


def fill(engine) -> dict[str, int]:
    """What a forum at revision 0004 holds: a body, a person with an account that tokens,
    the audit log and a calendar token point at, a meeting, the planner's settings."""
    with engine.begin() as connection:
        ids = {}
        ids["body"] = insert(connection, "bodies", slug="politikerforum", kind="forum",
                             name_sv="Politikerforum", name_en="Politicians' forum")
        ids["person"] = insert(connection, "people", given_name="Åsa", family_name="Äldre",
                               email="asa@region.example")
        ids["account"] = insert(connection, "accounts", person_id=ids["person"],
                                email="asa@region.example", language="sv", is_active=True,
                                notify_by_email=True)
        insert(connection, "account_tokens", account_id=ids["account"], purpose="invitation",
               token_hash="a" * 64, expires_at=NOW)
        insert(connection, "audit_log", actor_account_id=ids["account"], action="login",
               actor_label="asa@region.example")
        ids["meeting"] = insert(connection, "meetings", uid="mote-1", body_id=ids["body"],
                                title="Mötet före materialet", start_at=NOW,
                                end_at=datetime(2026, 11, 1, 12, tzinfo=UTC), status="held")
        insert(connection, "meeting_guests", meeting_id=ids["meeting"], person_id=ids["person"])
        insert(connection, "planner_settings", preferred_weekdays="1,2", min_gap_weeks=3,
               lead_min_weeks=4, lead_max_weeks=12, duration_minutes=240)
    return ids


KEPT = ("bodies", "people", "accounts", "account_tokens", "audit_log", "meetings",
        "meeting_guests", "planner_settings")


@pytest.fixture
def upgraded(fresh_database):
    """A database filled at 0004 and upgraded to 0005: the engine, the ids, the counts."""
    engine = make_engine(database_url(fresh_database, "."))
    try:
        migrate.upgrade(engine, "0004")
        ids = fill(engine)
        with engine.connect() as connection:
            before = {name: count(connection, name) for name in KEPT}
        assert all(before.values())
        migrate.upgrade(engine, "0005")
        yield engine, ids, before
    finally:
        engine.dispose()


def test_0005_upgrades_a_database_that_holds_data(upgraded):
    engine, ids, before = upgraded
    with engine.connect() as connection:
        assert {name: count(connection, name) for name in KEPT} == before
        assert connection.execute(text(
            "SELECT material_digest FROM accounts WHERE id = :id"), {"id": ids["account"]}
        ).scalar_one() in (False, 0)
        assert connection.execute(text(
            "SELECT email FROM accounts WHERE id = :id"), {"id": ids["account"]}
        ).scalar_one() == "asa@region.example"
        assert connection.execute(text(
            "SELECT material_deadline FROM meetings WHERE id = :id"), {"id": ids["meeting"]}
        ).scalar_one() is None
        assert connection.execute(text(
            "SELECT material_deadline_days FROM planner_settings")).scalar_one() == 7
        assert connection.execute(text(
            "SELECT count(*) FROM account_tokens WHERE account_id = :id"),
            {"id": ids["account"]}).scalar_one() == 1
    assert {"documents", "document_versions", "document_texts", "distributions",
            "downloads", "material_notices"} <= set(inspect(engine).get_table_names())

    # The search index the migration built finds a stemmed word.
    with engine.begin() as connection:
        document = insert(connection, "documents", title="Regionernas rapport",
                          kind="report", visibility="public", language="sv",
                          meeting_id=ids["meeting"], body_id=ids["body"],
                          created_at=NOW, updated_at=NOW)
        connection.execute(text(
            "INSERT INTO document_texts (document_id, title, description, body) "
            "VALUES (:id, 'Regionernas rapport', '', 'Om kompetensförsörjning.')"),
            {"id": document})
        if engine.dialect.name == "postgresql":
            hit = connection.execute(text(
                "SELECT document_id FROM document_texts WHERE tsv @@ "
                "websearch_to_tsquery('swedish', 'kompetensförsörjningen region')")).all()
        else:
            connection.execute(text(
                "INSERT INTO document_fts (rowid, title, description, body) "
                "VALUES (:id, 'region rapport', '', 'om kompetensförsörjning')"),
                {"id": document})
            hit = connection.execute(text(
                "SELECT rowid FROM document_fts WHERE document_fts MATCH "
                "'\"kompetensförsörjning\" \"region\"'")).all()
        assert [tuple(h) for h in hit] == [(document,)]


def test_0005_downgrades_a_database_that_holds_data_and_upgrades_again(upgraded):
    engine, ids, before = upgraded
    migrate.downgrade(engine, "0004")
    with engine.connect() as connection:
        assert {name: count(connection, name) for name in KEPT} == before
        assert connection.execute(text(
            "SELECT email FROM accounts WHERE id = :id"), {"id": ids["account"]}
        ).scalar_one() == "asa@region.example"
    tables = set(inspect(engine).get_table_names())
    assert not {"documents", "document_texts", "document_fts"} & tables

    migrate.upgrade(engine)
    with engine.connect() as connection:
        assert {name: count(connection, name) for name in KEPT} == before
