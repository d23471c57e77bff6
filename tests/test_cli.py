"""The `forum` commands: init and demo do their work once, say what they added, and a second
run changes nothing."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from datetime import timedelta

from sqlalchemy import MetaData, Table, func, select
from sqlalchemy.orm import Session

import forum.models  # noqa: F401  (registers every table)
from forum import create_app, demo, migrate, reference
from forum.db import Base
from forum.roster import queries
from forum.roster.models import Nomination, Organisation, Person, Region, Seat, Side
from forum.timeutil import today

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def dump(session: Session) -> dict[str, list[tuple]]:
    """Every row of every table, the migrations' own bookkeeping included."""
    tables = list(Base.metadata.sorted_tables)
    tables.append(Table("alembic_version", MetaData(), autoload_with=session.connection()))
    rows = {}
    for table in tables:
        order = list(table.primary_key.columns) or list(table.columns)
        rows[table.name] = [tuple(r) for r in session.execute(select(table).order_by(*order))]
    return rows


def counts(session: Session) -> Counter:
    return Counter({name: len(rows) for name, rows in dump(session).items()})


def added(output: str) -> dict[str, int]:
    """'… added 10 organisations, 92 people …' as {'organisations': 10, 'people': 92}."""
    return {kind: int(n) for n, kind in re.findall(r"(\d+) ([a-z_]+)", output)}


# --- forum init ---------------------------------------------------------------------------


def test_init_on_an_initialised_database_adds_nothing(app, runner, session):
    before = dump(session)
    result = runner.invoke(args=["forum", "init"])
    assert result.exit_code == 0, result.output
    head = migrate.current(app.extensions["forum.db"]["engine"])
    assert head is not None
    assert f"Schema at {head}." in result.output
    assert "Added: nothing." in result.output
    assert dump(session) == before


def test_init_migrates_a_brand_new_database_and_loads_the_reference_data(tmp_path):
    path = tmp_path / "brand-new.sqlite"
    app = create_app(
        {
            "FORUM_ENV": "development",
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": f"sqlite:///{path}",
        }
    )
    runner = app.test_cli_runner()
    assert not path.exists()

    first = runner.invoke(args=["forum", "init"])
    assert first.exit_code == 0, first.output
    expected = {
        "regions": len(reference.REGIONS),
        "organisations": len(reference.REGIONS),
        "periods": len(reference.PERIODS),
        "themes": sum(len(p["themes"]) for p in reference.PERIODS),
        "bodies": len(reference.BODIES),
        "seats": sum(len(b["seats"]) for b in reference.BODIES),
        "blackouts": 2,  # the planner's defaults: summer and Christmas
    }
    assert added(first.output.split("Added:")[1]) == expected

    engine = app.extensions["forum.db"]["engine"]
    try:
        with Session(engine) as session:
            after_first = dump(session)
            assert len(after_first["regions"]) == 21
            assert len(after_first["seats"]) == 3
            assert after_first["alembic_version"] == [(migrate.current(engine),)]

        second = runner.invoke(args=["forum", "init"])
        assert second.exit_code == 0, second.output
        assert "Added: nothing." in second.output
        with Session(engine) as session:
            assert dump(session) == after_first
    finally:
        engine.dispose()


def test_flask_forum_init_and_demo_from_the_command_line(tmp_path):
    """What `make run` does, as a user would type it, on an empty SQLite file."""
    path = tmp_path / "from-the-shell.sqlite"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("FORUM_", "DATABASE_URL", "SECRET_KEY", "OPEN_SECRETARIAT"))
    }
    env.update(FORUM_ENV="development", DATABASE_URL=f"sqlite:///{path}",
               BLOB_STORAGE_PATH=str(tmp_path / "blobs"))

    def flask(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "flask", "--app", "app", "forum", *args],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        )

    init = flask("init")
    assert init.returncode == 0, init.stderr
    assert "21 regions" in init.stdout and "Schema at " in init.stdout
    demo_run = flask("demo")
    assert demo_run.returncode == 0, demo_run.stderr
    assert added(demo_run.stdout.split("\n")[0])["nominations"] > 50
    again = flask("init")
    assert again.returncode == 0 and "Added: nothing." in again.stdout, again.stdout


# --- forum demo ---------------------------------------------------------------------------


def test_demo_adds_a_plausible_forum_once(runner, session):
    before = counts(session)
    first = runner.invoke(args=["forum", "demo"])
    assert first.exit_code == 0, first.output

    # It says what it added (its first line), and that is what the tables gained.
    reported = added(first.output.splitlines()[0])
    gained = counts(session) - before
    assert {"organisations", "people", "nominations"} <= set(reported)
    assert {kind: gained[kind] for kind in reported} == reported
    assert reported["organisations"] == len(demo.AGENCIES)
    assert reported["people"] > 63 and reported["nominations"] > 63
    # The reference data was there already, and stays as it was; the demo adds working
    # groups and networks (bodies with their seats) beside the forum's own.
    assert not {"regions", "themes", "strategy_periods"} & set(gained)
    assert reported["bodies"] >= 3 and reported["seats"] == 2 * reported["bodies"]

    after_first = dump(session)
    second = runner.invoke(args=["forum", "demo"])
    assert second.exit_code == 0, second.output
    assert "added nothing (already there)" in second.output.splitlines()[0]
    assert dump(session) == after_first


def test_demo_fills_most_seats_leaves_a_few_vacant_and_keeps_history(runner, session):
    result = runner.invoke(args=["forum", "demo"])
    assert result.exit_code == 0, result.output

    on = today()
    bodies, overview = queries.regions_overview(session, on)
    places = sum(seat.holders_per_region for body in bodies for seat in body.seats) * len(
        overview
    )
    vacant = sum(view.vacancies for view in overview)
    assert places == 21 * 3
    assert 1 <= vacant <= 6, f"{vacant} of {places} seats vacant on {on}"

    # The vacancies are spread out, not one empty region.
    assert all(view.vacancies < 3 for view in overview)

    # Replaced members: a nomination that ended the day before another began in the seat.
    nominations = list(session.scalars(select(Nomination)))
    starts = {(n.region_id, n.seat_id, n.start_date): n for n in nominations}
    replaced = [
        n for n in nominations
        if n.end_date and (n.region_id, n.seat_id, n.end_date + timedelta(days=1)) in starts
    ]
    assert len(replaced) >= len(demo.REPLACED)
    successors = [starts[(n.region_id, n.seat_id, n.end_date + timedelta(days=1))]
                  for n in replaced]
    assert all(s.person_id != n.person_id for s, n in zip(successors, replaced))

    # History from the previous term is kept beside the current holders: every third
    # region's three seats had other holders until the end of 2022.
    previous_term = session.scalar(
        select(func.count()).where(Nomination.end_date == demo.PREVIOUS_TERM[1])
    )
    assert previous_term == 7 * 3

    # Political seats carry a party; the demo's people belong to organisations.
    political = session.scalars(
        select(Nomination).join(Seat, Seat.id == Nomination.seat_id).where(Seat.side != Side.NONE)
    ).all()
    assert political and all(n.party for n in political)
    assert session.scalar(
        select(func.count()).select_from(Person).where(Person.organisation_id.is_(None))
    ) == 0
    skane = session.scalar(select(Region).where(Region.code == "12"))
    page = queries.region_page(session, skane.code, on)
    assert len(page.history) > len([s for b in page.region.bodies for s in b.seats])
    assert session.scalar(select(func.count()).select_from(Organisation)) >= 31
