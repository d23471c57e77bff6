"""The `flask --app app forum …` commands: schema, reference data, demo forum."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from forum import migrate, reference
from forum.db import db


@click.group("forum")
def forum_group() -> None:
    """Forum: set up and look after an install."""


@forum_group.command("init")
@with_appcontext
def init_command() -> None:
    """Bring the schema to the newest migration and add missing reference data."""
    migrate.upgrade(db.engine)
    added = reference.load(db.session)
    db.session.commit()
    summary = ", ".join(f"{count} {kind}" for kind, count in added.items() if count)
    click.echo(f"Schema at {migrate.current(db.engine)}. Added: {summary or 'nothing'}.")


@forum_group.command("demo")
@with_appcontext
def demo_command() -> None:
    """Fill the forum with a plausible demo: people, organisations, nominations."""
    from forum import demo

    migrate.upgrade(db.engine)
    reference.load(db.session)
    added = demo.load(db.session)
    db.session.commit()
    summary = ", ".join(f"{count} {kind}" for kind, count in added.items() if count)
    click.echo(f"Demo forum: added {summary or 'nothing (already there)'}.")
    click.echo(demo.ACCOUNTS_NOTICE)


@forum_group.command("db-revision")
@click.argument("message")
@with_appcontext
def revision_command(message: str) -> None:
    """Write a new migration from the models (for developers)."""
    migrate.revision(db.engine, message)
