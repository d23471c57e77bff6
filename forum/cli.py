"""The `flask --app app forum …` commands: schema, reference data, demo forum."""

from __future__ import annotations

from pathlib import Path

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
    rows = demo.accounts_table(db.session)
    if rows:
        click.echo("Demo accounts (for trying Forum out only; log in at /login):")
        width = max(len(email) for _, _, email, _ in rows)
        for role, name, email, password in rows:
            click.echo(f"  {role:<15} {email:<{width}}  {password:<20} {name}")


@forum_group.command("db-revision")
@click.argument("message")
@with_appcontext
def revision_command(message: str) -> None:
    """Write a new migration from the models (for developers)."""
    migrate.revision(db.engine, message)


@forum_group.command("create-admin")
@click.argument("email")
@click.option("--invite", is_flag=True, help="Print an invitation link instead of asking for a password.")
@with_appcontext
def create_admin_command(email: str, invite: bool) -> None:
    """Create the first administrator (or make an existing account one)."""
    from forum.accounts import services
    from forum.accounts.passwords import MIN_LENGTH

    password = None
    if not invite:
        password = click.prompt(
            "Password (leave empty for an invitation link)",
            hide_input=True,
            confirmation_prompt=True,
            default="",
            show_default=False,
        )
        if password and len(password) < MIN_LENGTH:
            raise click.BadParameter(f"use at least {MIN_LENGTH} characters", param_hint="password")
    migrate.upgrade(db.engine)
    account, link = services.create_admin(db.session, email, password or None)
    db.session.commit()
    click.echo(f"{account.email} is an administrator.")
    if link:
        click.echo(f"Invitation link (valid 7 days, works once): {link}")


@forum_group.command("outbox")
@click.option("--watch", is_flag=True, help="Keep running and deliver as mail arrives.")
@click.option("--interval", default=30, show_default=True, help="Seconds between rounds.")
@with_appcontext
def outbox_command(watch: bool, interval: int) -> None:
    """Deliver the e-mails waiting in the outbox (retries those that failed)."""
    import time

    from flask import current_app

    from forum import mail

    while True:
        result = mail.deliver_pending(current_app._get_current_object())  # type: ignore[attr-defined]
        if result["sent"] or result["failed"] or not watch:
            click.echo(f"Outbox: {result['sent']} sent, {result['failed']} failed.")
        if not watch:
            return
        time.sleep(interval)


@forum_group.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(file: Path) -> None:
    """Write the database and the stored files into one archive FILE (a .tar, or .tar.gz
    compressed) with a manifest and checksums; Forum may keep running meanwhile."""
    from forum import backup

    try:
        summary = backup.backup_app(file)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    for line in summary.lines():
        click.echo(line)


@forum_group.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(file: Path) -> None:
    """Restore a backup into an empty install: a new database (or one where only `forum
    init` has run). The whole archive is checked before anything is written."""
    from forum import backup

    try:
        summary = backup.restore_app(file)
    except backup.BackupError as error:
        raise click.ClickException(f"Nothing was restored. {error}") from error
    for line in summary.lines():
        click.echo(line)


@forum_group.command("material-digest")
@with_appcontext
def material_digest_command() -> None:
    """Send the daily digest of distributed material to members who chose one (run daily,
    e.g. from cron or a systemd timer)."""
    from forum.material.distribution import send_digests

    sent = send_digests(db.session)
    db.session.commit()
    click.echo(f"Digests queued: {sent}.")


@forum_group.command("survey-reminders")
@click.option("--days", default=3, show_default=True, type=click.IntRange(1, 60),
              help="Remind this many days before the deadline.")
@with_appcontext
def survey_reminders_command(days: int) -> None:
    """Close the surveys whose deadline has passed, and send each open survey its one
    automatic reminder when the deadline is near (run daily, e.g. from a systemd timer)."""
    from datetime import timedelta

    from forum.surveys.services import daily

    closed, reminded = daily(db.session, before=timedelta(days=days))
    db.session.commit()
    click.echo(f"Surveys closed: {closed}. Reminders sent: {reminded}.")


@forum_group.command("plan-year")
@click.argument("year", type=click.IntRange(1900, 2200))
@click.option("--json", "as_json", is_flag=True, help="Print the proposal as JSON.")
@click.option("--confirm", is_flag=True, help="Create the proposed meetings.")
@click.option("--add", is_flag=True,
              help="With --confirm: add meetings to a year that already has some.")
@with_appcontext
def plan_year_command(year: int, as_json: bool, confirm: bool, add: bool) -> None:
    """Propose the year's meetings: each theme once per body, on working days."""
    import json

    from forum.meetings import planning
    from forum.meetings.planner import PlanningError

    migrate.upgrade(db.engine)
    planning.ensure_default_blackouts(db.session)
    try:
        proposals = planning.propose(db.session, year)
    except PlanningError as error:
        raise click.ClickException(planning.error_text(error)) from error
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "body": m.body,
                        "theme": m.theme.name,
                        "start": m.start.isoformat(),
                        "end": m.end.isoformat(),
                        "host_region": m.host_region,
                        "reason": planning.reason_text(m),
                    }
                    for m in proposals
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for m in proposals:
            click.echo(
                f"{m.start:%Y-%m-%d %H:%M}  {m.body:<20} {m.theme.name}  "
                f"(värd: {m.host_region or '–'})"
            )
            click.echo(f"    {planning.reason_text(m)}")
    if confirm:
        existing = planning.existing_meetings(db.session, year)
        if existing and not add:
            raise click.ClickException(
                f"{year} already has {len(existing)} meetings; confirming would add eight "
                "more. Give --add if that is what you want."
            )
        created = planning.confirm(db.session, proposals)
        db.session.commit()
        click.echo(f"Created {len(created)} meetings.", err=as_json)
    else:
        db.session.commit()  # default blackouts and settings, if they were missing
