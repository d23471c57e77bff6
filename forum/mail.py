"""The outbox: the only way mail leaves the app.

A message is a row, added in the same transaction as the change that caused it, so that it
is committed with that change or not at all. After the commit it is delivered: at once in a
background thread (``MAIL_DELIVERY = "thread"``), in the same request (``"sync"``, tests), or
only by the worker (``"worker"``: ``flask --app app forum outbox --watch``). A failed
delivery is retried with backoff; every message has one Message-ID for all its attempts.
"""

from __future__ import annotations

import html as html_lib
import smtplib
import ssl
import sys
import threading
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Any

from flask import Flask, current_app, render_template
from flask_babel import force_locale
from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session

from forum.mail_models import OutboxMessage, OutboxStatus
from forum.timeutil import utcnow

# How long a claimed message may stay "sending" before another worker may take it over
# (the first one died mid-delivery).
CLAIM_TIMEOUT = timedelta(minutes=10)
MAX_BACKOFF = timedelta(hours=1)
MAX_ATTEMPTS = 20
# Mails whose body holds a one-time link; their text is dropped once delivered.
CARRIES_A_SECRET = {"invitation", "password_reset"}


def queue(
    session: Session,
    *,
    to: str,
    template: str,
    kind: str = "",
    to_name: str = "",
    language: str = "sv",
    calendar: tuple[str, bytes] | None = None,
    **context: Any,
) -> OutboxMessage:
    """Render ``templates/email/<template>.html`` (blocks subject, text, html) in the
    recipient's language and put it in the outbox. ``calendar`` is an iTIP method and an
    iCalendar object to send with it (an invitation, its update or its cancellation)."""
    subject, text, html = render(template, language, **context)
    domain = current_app.config.get("MAIL_MESSAGE_ID_DOMAIN") or _sender_domain()
    message = OutboxMessage(
        message_id=make_msgid(domain=domain),
        to_address=to,
        to_name=to_name,
        subject=subject,
        text_body=text,
        html_body=html,
        language=language,
        kind=kind or template,
    )
    if calendar is not None:
        message.calendar_method, body = calendar
        message.calendar_body = body.decode("utf-8")
    session.add(message)
    session.info["outbox_queued"] = True
    return message


def render(template: str, language: str, **context: Any) -> tuple[str, str, str]:
    with force_locale(language):
        jinja = current_app.jinja_env.get_template(f"email/{template}.html")
        ctx = jinja.new_context(current_app.jinja_env.globals | _defaults() | context)
        # The template escapes for HTML; the subject and plain-text part are not HTML.
        subject = html_lib.unescape("".join(jinja.blocks["subject"](ctx)).strip())
        text = html_lib.unescape("".join(jinja.blocks["text"](ctx)).strip()) + "\n"
        html = render_template(f"email/{template}.html", **context)
    return " ".join(subject.split()), text, html


def _defaults() -> dict[str, Any]:
    return {"forum_name": current_app.config.get("MAIL_FORUM_NAME", "")}


def _sender_domain() -> str:
    sender = current_app.config.get("MAIL_DEFAULT_SENDER", "forum@localhost")
    return sender.rpartition("@")[2].rstrip(">") or "localhost"


# --- delivery ---------------------------------------------------------------------------


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _build(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = formataddr((message.to_name, message.to_address))
    email["Subject"] = message.subject
    email["Message-ID"] = message.message_id
    email["Date"] = (_aware(message.created_at) or utcnow()).strftime("%a, %d %b %Y %H:%M:%S +0000")
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.text_body)
    if message.html_body:
        email.add_alternative(message.html_body, subtype="html")
    if message.calendar_body:
        # The iMIP layout Outlook, Thunderbird, Apple Mail and Gmail all apply: the
        # calendar object as the last alternative, with its method, and again as a file.
        # Base64 keeps its CRLF line ends and folded lines intact through every relay.
        method = message.calendar_method or "PUBLISH"
        email.add_alternative(message.calendar_body.encode("utf-8"), maintype="text",
                              subtype="calendar", cte="base64",
                              params={"method": method, "charset": "utf-8"})
        email.add_attachment(message.calendar_body.encode("utf-8"), maintype="application",
                             subtype="ics", filename="invite.ics" if method != "CANCEL"
                             else "cancel.ics")
    # After the body: set_content drops Content-* headers, add_alternative moves them down.
    email["Content-Language"] = message.language
    return email


class Transport:
    """Sends built messages: over SMTP, or printed to the console in development."""

    def __init__(self, config: dict[str, Any]):
        self.config = config
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Transport:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except smtplib.SMTPException:
                pass
            except OSError:
                pass

    def send(self, email: EmailMessage) -> None:
        if self.config.get("MAIL_BACKEND", "smtp") == "console":
            print(email.as_string(), file=sys.stderr, flush=True)
            return
        if self.smtp is None:
            self.smtp = self._connect()
        self.smtp.send_message(email)

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        host, port, timeout = c["MAIL_SERVER"], int(c["MAIL_PORT"]), c.get("MAIL_TIMEOUT", 10)
        if c.get("MAIL_USE_SSL"):
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                host, port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
            if c.get("MAIL_USE_TLS"):
                smtp.starttls(context=ssl.create_default_context())
        if c.get("MAIL_USERNAME"):
            smtp.login(c["MAIL_USERNAME"], c.get("MAIL_PASSWORD") or "")
        return smtp


def _backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def deliver_pending(app: Flask, limit: int = 100) -> dict[str, int]:
    """Send what is due. Each message is claimed in its own committed transaction first,
    so that two workers never send the same message."""
    sessionmaker = app.extensions["forum.db"]["sessionmaker"]
    sender = app.config["MAIL_DEFAULT_SENDER"]
    result = {"sent": 0, "failed": 0}
    with sessionmaker() as session:
        now = utcnow()
        due = list(
            session.scalars(
                select(OutboxMessage.id)
                .where(
                    or_(
                        (OutboxMessage.status == OutboxStatus.PENDING)
                        & (OutboxMessage.next_attempt_at <= now),
                        (OutboxMessage.status == OutboxStatus.SENDING)
                        & (OutboxMessage.claimed_at <= now - CLAIM_TIMEOUT),
                    )
                )
                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                .limit(limit)
            )
        )
        session.commit()
        with Transport(app.config) as transport:
            for message_id in due:
                message = _claim(session, message_id)
                if message is None:
                    continue  # another worker took it
                try:
                    transport.send(_build(message, sender))
                except (smtplib.SMTPException, OSError) as error:
                    message.attempts += 1
                    message.last_error = f"{type(error).__name__}: {error}"[:2000]
                    if message.attempts >= MAX_ATTEMPTS:
                        message.status = OutboxStatus.FAILED
                    else:
                        message.status = OutboxStatus.PENDING
                        message.next_attempt_at = utcnow() + _backoff(message.attempts)
                    message.claimed_at = None
                    session.commit()
                    result["failed"] += 1
                    # The server is down or refusing: the rest wait for the next round.
                    transport.smtp = None
                    break
                message.attempts += 1
                message.status = OutboxStatus.SENT
                message.sent_at = utcnow()
                message.last_error = ""
                if message.kind in CARRIES_A_SECRET:
                    # The link in it opens an account: keep no working copy once it is sent.
                    message.text_body = message.html_body = "[sent; the one-time link is not kept]"
                session.commit()
                result["sent"] += 1
    return result


def _claim(session: Session, message_id: int) -> OutboxMessage | None:
    now = utcnow()
    claimed = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            or_(
                OutboxMessage.status == OutboxStatus.PENDING,
                (OutboxMessage.status == OutboxStatus.SENDING)
                & (OutboxMessage.claimed_at <= now - CLAIM_TIMEOUT),
            ),
        )
        .values(status=OutboxStatus.SENDING, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    if claimed.rowcount != 1:
        return None
    message = session.get(OutboxMessage, message_id, populate_existing=True)
    # End the read at once: on SQLite a transaction that read and then writes cannot wait
    # for another writer ("database is locked" at once), and one left open while the SMTP
    # server answers would hold up every other writer meanwhile.
    session.commit()
    return message


def init_app(app: Flask) -> None:
    """Deliver after every commit that queued mail, as the configuration says."""
    sessionmaker = app.extensions["forum.db"]["sessionmaker"]

    @event.listens_for(sessionmaker, "after_commit")
    def _after_commit(session: Session) -> None:
        if not session.info.pop("outbox_queued", False):
            return
        mode = app.config.get("MAIL_DELIVERY", "thread")
        if mode == "sync":
            deliver_pending(app)
        elif mode == "thread":
            threading.Thread(target=_deliver_quietly, args=(app,), daemon=True).start()

    @event.listens_for(sessionmaker, "after_transaction_end")
    def _after_transaction_end(session: Session, transaction) -> None:
        # Only the end of the outermost transaction discards the mark: a savepoint rolled
        # back inside it leaves the messages queued before it in place.
        if transaction.parent is None:
            session.info.pop("outbox_queued", None)


def _deliver_quietly(app: Flask) -> None:
    try:
        with app.app_context():
            deliver_pending(app)
    except Exception:  # the worker or the next commit will try again
        app.logger.exception("outbox delivery failed")
