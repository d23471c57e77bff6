"""The migrations: they build the schema the models describe, they go down and up again,
and the schema they build refuses what the seat rules forbid even when the app is bypassed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

import forum.models  # noqa: F401  (registers every table)
from forum import migrate
from forum.db import Base, database_url, make_engine
from forum.material.search import SEARCH_TABLES, include_object

HEAD = ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()


@contextmanager
def engine_for(url: str) -> Iterator[Engine]:
    engine = make_engine(database_url(url, "."))
    try:
        yield engine
    finally:
        engine.dispose()


# --- the models and the migrated schema agree ----------------------------------------------


def test_database_is_at_the_newest_migration(database):
    with engine_for(database) as engine:
        assert migrate.current(engine) == HEAD


def test_models_and_migrations_agree(database):
    with engine_for(database) as engine, engine.connect() as connection:
        # The same options as forum/migrations/env.py, so that this sees what
        # `forum db-revision` would write.
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": include_object})
        differences = compare_metadata(context, Base.metadata)
    assert differences == [], (
        "The models and the migrations differ; write a migration "
        "(flask --app app forum db-revision '...'):\n"
        + "\n".join(repr(d) for d in differences)
    )


def test_every_model_table_is_migrated(database):
    # compare_metadata would report a missing table too; this names the tables outright,
    # so that an empty metadata (nothing imported) cannot make the test above pass.
    with engine_for(database) as engine:
        tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert {"regions", "people", "bodies", "seats", "nominations", "themes"} <= tables


# --- down to nothing and up again, on a database of its own ----------------------------------


@pytest.fixture
def empty_database(database, tmp_path) -> Iterator[str]:
    """A brand-new, empty database beside the test database: its URL."""
    url = make_url(database)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    name = f"{url.database}_migrations"
    admin = make_engine(database_url(database, "."), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            # template0 with the test database's own encoding and locale: whatever the
            # cluster's defaults, the copy speaks UTF-8 like the original.
            encoding, collate, ctype = connection.execute(
                text(
                    "SELECT pg_encoding_to_char(encoding), datcollate, datctype "
                    "FROM pg_database WHERE datname = current_database()"
                )
            ).one()
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(
                text(
                    f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING '{encoding}' "
                    f"LC_COLLATE '{collate}' LC_CTYPE '{ctype}'"
                )
            )
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _tables(engine: Engine) -> set[str]:
    # The search schema's own tables (SQLite FTS5) are the migrations' business alone.
    return {name for name in inspect(engine).get_table_names()
            if name != "alembic_version" and not SEARCH_TABLES.match(name)}


def test_downgrade_to_base_and_upgrade_to_head(empty_database):
    with engine_for(empty_database) as engine:
        assert _tables(engine) == set()

        migrate.upgrade(engine)
        assert migrate.current(engine) == HEAD
        assert _tables(engine) == set(Base.metadata.tables)

        migrate.downgrade(engine, "base")
        assert migrate.current(engine) is None
        assert _tables(engine) == set()
        if engine.dialect.name == "sqlite":
            with engine.connect() as connection:
                triggers = connection.execute(
                    text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
                ).all()
            assert triggers == []

        # Up again from nothing: the downgrade left nothing behind that gets in the way.
        migrate.upgrade(engine)
        assert migrate.current(engine) == HEAD
        assert _tables(engine) == set(Base.metadata.tables)
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": include_object})
            assert compare_metadata(context, Base.metadata) == []


# --- the database itself holds the seat rules -------------------------------------------------


@pytest.fixture
def raw(database) -> Iterator[Connection]:
    """A connection to the test database whose work is rolled back afterwards."""
    with engine_for(database) as engine, engine.connect() as connection:
        transaction = connection.begin()
        try:
            yield connection
        finally:
            transaction.rollback()


def _id(connection: Connection, sql: str, **params) -> int:
    return connection.execute(text(sql), params).scalar_one()


@pytest.fixture
def roster(raw):
    """Ids for raw inserts: two regions, both bodies' seats, and four fresh people."""
    ids = {
        "skane": _id(raw, "SELECT id FROM regions WHERE code = '12'"),
        "halland": _id(raw, "SELECT id FROM regions WHERE code = '13'"),
    }
    for key, body, seat in [
        ("majority", "politikerforum", "majoritet"),
        ("opposition", "politikerforum", "opposition"),
        ("official", "tjanstepersonsforum", "tjansteperson"),
    ]:
        row = raw.execute(
            text(
                "SELECT seats.id, seats.body_id FROM seats JOIN bodies ON bodies.id = "
                "seats.body_id WHERE bodies.slug = :body AND seats.slug = :seat"
            ),
            {"body": body, "seat": seat},
        ).one()
        ids[key] = (row.id, row.body_id)
    for key in ("anna", "erik", "carl", "dora"):
        raw.execute(
            text(
                "INSERT INTO people (given_name, family_name, title, phone, note, "
                "created_at, updated_at) VALUES (:given, 'Rådata', '', '', '', "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ),
            {"given": key.title()},
        )
        ids[key] = _id(
            raw,
            "SELECT id FROM people WHERE given_name = :given AND family_name = 'Rådata'",
            given=key.title(),
        )
    return ids


def _insert(connection: Connection, ids, *, person, region, seat, start, end=None, slot=1):
    seat_id, body_id = ids[seat]
    connection.execute(
        text(
            "INSERT INTO nominations (person_id, body_id, seat_id, region_id, slot, party, "
            "start_date, end_date, note, created_at) VALUES (:person, :body, :seat, "
            ":region, :slot, 'S', :start, :end, '', CURRENT_TIMESTAMP)"
        ),
        {
            "person": ids[person],
            "body": body_id,
            "seat": seat_id,
            "region": ids[region],
            "slot": slot,
            "start": start,
            "end": end,
        },
    )


@contextmanager
def refused(connection: Connection, name: str) -> Iterator[None]:
    """The statement inside fails with the database naming constraint `name`; a
    SAVEPOINT keeps the surrounding transaction usable (PostgreSQL aborts it otherwise)."""
    savepoint = connection.begin_nested()
    with pytest.raises(DBAPIError) as caught:
        yield
    savepoint.rollback()
    assert name in str(caught.value.orig), caught.value.orig


def _count(connection: Connection, ids, person: str) -> int:
    return connection.execute(
        text("SELECT count(*) FROM nominations WHERE person_id = :p"), {"p": ids[person]}
    ).scalar_one()


def test_database_refuses_two_holders_of_one_seat_at_once(raw, roster):
    _insert(raw, roster, person="anna", region="skane", seat="majority",
            start=date(2023, 1, 1), end=date(2026, 12, 31))
    with refused(raw, "ex_nominations_seat_slot_overlap"):
        _insert(raw, roster, person="erik", region="skane", seat="majority",
                start=date(2026, 12, 31))
    with refused(raw, "ex_nominations_seat_slot_overlap"):
        _insert(raw, roster, person="erik", region="skane", seat="majority",
                start=date(2020, 1, 1), end=date(2023, 1, 1))

    # The controls: the next day, another slot, another region are all free.
    _insert(raw, roster, person="erik", region="skane", seat="majority", start=date(2027, 1, 1))
    assert _count(raw, roster, "erik") == 1


def test_database_allows_the_seat_in_another_slot_or_region(raw, roster):
    _insert(raw, roster, person="anna", region="skane", seat="majority", start=date(2023, 1, 1))
    _insert(raw, roster, person="erik", region="skane", seat="majority", start=date(2023, 1, 1),
            slot=2)
    _insert(raw, roster, person="carl", region="halland", seat="majority",
            start=date(2023, 1, 1))
    with refused(raw, "ex_nominations_seat_slot_overlap"):
        # An open-ended nomination clashes with every later one in its slot.
        _insert(raw, roster, person="dora", region="skane", seat="majority",
                start=date(2040, 1, 1), end=date(2040, 1, 2))
    assert _count(raw, roster, "dora") == 0
    assert all(_count(raw, roster, p) == 1 for p in ("anna", "erik", "carl"))


def test_database_refuses_one_person_in_two_seats_of_a_body_at_once(raw, roster):
    _insert(raw, roster, person="anna", region="skane", seat="majority", start=date(2023, 1, 1),
            end=date(2024, 6, 30))
    with refused(raw, "ex_nominations_person_body_overlap"):
        # Another seat, another region, the same body and an overlapping day.
        _insert(raw, roster, person="anna", region="halland", seat="opposition",
                start=date(2024, 6, 30))

    # The other body, or the same body after the first term, is allowed.
    _insert(raw, roster, person="anna", region="skane", seat="official", start=date(2023, 1, 1))
    _insert(raw, roster, person="anna", region="halland", seat="opposition",
            start=date(2024, 7, 1))
    assert _count(raw, roster, "anna") == 3


def test_database_refuses_an_update_that_makes_an_overlap(raw, roster):
    _insert(raw, roster, person="anna", region="skane", seat="majority", start=date(2023, 1, 1),
            end=date(2023, 12, 31))
    _insert(raw, roster, person="erik", region="skane", seat="majority", start=date(2024, 1, 1))
    with refused(raw, "ex_nominations_seat_slot_overlap"):
        raw.execute(
            text("UPDATE nominations SET end_date = NULL WHERE person_id = :p"),
            {"p": roster["anna"]},
        )


def test_database_refuses_an_end_before_the_start(raw, roster):
    with refused(raw, "ck_nominations_ends_after_start"):
        _insert(raw, roster, person="anna", region="skane", seat="majority",
                start=date(2024, 1, 2), end=date(2024, 1, 1))
    # One day, start and end the same, is a valid term.
    _insert(raw, roster, person="anna", region="skane", seat="majority",
            start=date(2024, 1, 1), end=date(2024, 1, 1))
    assert _count(raw, roster, "anna") == 1
