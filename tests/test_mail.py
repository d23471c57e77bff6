"""The outbox against a real SMTP server on loopback: what arrives (parts, headers, the
recipient's language), delivery after the commit and never before, retries with backoff
while the server is down, exactly-once delivery by the worker, and the console backend."""

from __future__ import annotations

import re
from datetime import date, timedelta
from email.utils import parseaddr, parsedate_to_datetime

import pytest
from sqlalchemy import func, select, update

from forum import mail
from forum.mail_models import OutboxMessage, OutboxStatus
from forum.proposals import services
from forum.proposals.models import NominationProposal, ProposalStatus
from forum.roster.models import Person
from forum.timeutil import utcnow

START = date(2027, 3, 1)


# --- helpers ------------------------------------------------------------------------------


def aware(value):
    return mail._aware(value)


def outbox(session) -> list[OutboxMessage]:
    session.expire_all()
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def make_due(session) -> None:
    """Pretend the backoff has passed for every pending message."""
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PENDING)
        .values(next_attempt_at=utcnow() - timedelta(minutes=1))
    )
    session.commit()


@pytest.fixture
def contact(make_account, make_person):
    """make_contact(given, family, language, region_code): a region's contact."""

    def make(given="Åsa", family="Öberg", language="sv", region_code="12"):
        person = make_person(given, family, email=None)
        return make_account("region_contact", person=person, region_code=region_code,
                            language=language)

    return make


@pytest.fixture
def proposal_from(app, session, seat):
    """proposal_from(contact): a pending proposal of a new person for the majority seat."""

    def make(account, given="Örjan", family="Ängström", start=START) -> NominationProposal:
        with app.test_request_context():
            proposal = services.propose(
                session,
                by=account,
                region=account.contact_region,
                seat=seat("politikerforum", "majoritet"),
                person=None,
                new_person={"given_name": given, "family_name": family},
                party="S",
                start_date=start,
                decision_reference="Regionstyrelsen 2027-01-15 § 12",
                decision_file=None,
            )
        session.commit()
        return proposal

    return make


@pytest.fixture
def returned(app, session, make_account, proposal_from):
    """returned(contact): a proposal returned by the secretariat, its e-mail queued."""
    staff = make_account("secretariat")

    def make(account, reason="Beslutet saknar paragrafnummer; skicka protokollet.", **kw):
        proposal = proposal_from(account, **kw)
        with app.test_request_context():
            services.return_proposal(session, proposal, by=staff, reason=reason)
        session.commit()
        return proposal

    return make


@pytest.fixture
def sync(app):
    app.config["MAIL_DELIVERY"] = "sync"


# --- what arrives -------------------------------------------------------------------------


def test_a_message_arrives_with_text_and_html_parts_and_proper_headers(
    app, session, smtp_server, contact, returned
):
    asa = contact("Åsa", "Öberg", "sv")
    proposal = returned(asa)
    [row] = outbox(session)
    assert row.status is OutboxStatus.PENDING and smtp_server.messages == []

    assert mail.deliver_pending(app) == {"sent": 1, "failed": 0}

    [got] = smtp_server.messages
    assert got.mail_from == "forum@test.example"
    assert got.rcpt_tos == [asa.email]
    assert got["From"] == "Forum <forum@test.example>"
    assert parseaddr(str(got["To"])) == ("Åsa Öberg", asa.email)
    # The subject carries Swedish characters, encoded for the wire and decoded intact.
    assert "Örjan Ängström" in got["Subject"]
    assert got["Subject"] == row.subject
    raw_subject = re.search(rb"^Subject: (.*(?:\r?\n[ \t].*)*)", got.raw, re.M).group(1)
    assert raw_subject.isascii() and b"=?utf-8?" in raw_subject.lower()
    assert got["Message-ID"] == row.message_id
    assert re.fullmatch(r"<[^<>@\s]+@test\.example>", row.message_id)
    sent_date = parsedate_to_datetime(got["Date"])
    assert abs(sent_date - aware(row.created_at)) < timedelta(seconds=1)
    assert abs(sent_date - utcnow()) < timedelta(minutes=1)
    assert got["Content-Language"] == "sv"

    assert got.message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in got.message.iter_parts()] == ["text/plain", "text/html"]
    link = f"http://forum.test/proposals/{proposal.id}"
    assert "Beslutet saknar paragrafnummer; skicka protokollet." in got.text
    assert link in got.text
    assert "Åsa Öberg" in got.text
    assert "<p>" not in got.text and "&" not in got.text
    assert f'<a href="{link}">' in got.html
    assert '<html lang="sv">' in got.html
    assert ("<blockquote>Beslutet saknar paragrafnummer; skicka protokollet.</blockquote>"
            in got.html)

    [row] = outbox(session)
    assert row.status is OutboxStatus.SENT
    assert row.attempts == 1 and row.last_error == "" and row.sent_at is not None
    assert row.kind == "proposal_returned" and row.to_address == asa.email


def test_each_recipient_reads_their_own_language_whoever_triggers_it(
    app, session, smtp_server, contact, proposal_from, make_account, login
):
    swedish = contact("Åsa", "Öberg", "sv", region_code="12")
    english = contact("Emma", "English", "en", region_code="01")
    for_sv = proposal_from(swedish, "Örjan", "Ängström")
    for_en = proposal_from(english, "Edward", "Ek")
    # The secretariat works in English; each contact still gets their own language.
    staff = login(app.test_client(), make_account("secretariat", language="en"))
    assert staff.post("/language", data={"lang": "en", "next": "/"}).status_code == 302
    for proposal in (for_sv, for_en):
        response = staff.post(f"/proposals/{proposal.id}/approve")
        assert response.status_code == 302
    page = staff.get(response.headers["Location"])
    assert '<html lang="en"' in page.get_data(as_text=True)  # the sender's own pages stay English

    assert mail.deliver_pending(app) == {"sent": 2, "failed": 0}
    [sv] = smtp_server.to(swedish.email)
    [en] = smtp_server.to(english.email)

    assert sv["Content-Language"] == "sv" and '<html lang="sv">' in sv.html
    assert "1 mars 2027" in sv.text and "Politiker (majoritet)" in sv.text
    assert "Region Skåne" in sv.text and "Örjan Ängström" in sv["Subject"]
    assert "March" not in sv.text and "Politician" not in sv.text

    assert en["Content-Language"] == "en" and '<html lang="en">' in en.html
    assert "1 March 2027" in en.text and "Politician (majority)" in en.text
    assert "Hello Emma English," in en.text  # the source language needs no catalogue
    assert "mars" not in en.text and "Politiker" not in en.text
    assert "1 March 2027" in en.html and "1 mars 2027" in sv.html


# --- delivered after the commit, and only then ---------------------------------------------


def test_sync_delivery_sends_in_the_request_that_commits(
    app, session, smtp_server, sync, contact, proposal_from, staff_client
):
    asa = contact()
    proposal = proposal_from(asa)
    assert smtp_server.messages == []

    response = staff_client.post(f"/proposals/{proposal.id}/approve")
    assert response.status_code == 302

    # Already there when the response comes back: no worker ran.
    [got] = smtp_server.messages
    assert got.rcpt_tos == [asa.email]
    assert "Örjan Ängström" in got["Subject"]
    [row] = outbox(session)
    assert row.status is OutboxStatus.SENT and row.message_id == got["Message-ID"]


def test_a_request_that_fails_after_queueing_sends_nothing_and_keeps_no_row(
    app, session, smtp_server, sync, contact, proposal_from, staff_client, monkeypatch
):
    proposal = proposal_from(contact())
    tell = services._tell_proposer

    def tell_then_fail(*args, **kwargs):
        tell(*args, **kwargs)
        raise RuntimeError("the change breaks after the mail was queued")

    monkeypatch.setattr(services, "_tell_proposer", tell_then_fail)
    response = staff_client.post(f"/proposals/{proposal.id}/return", data={"reason": "Fel."})
    assert response.status_code == 500

    assert outbox(session) == []
    assert smtp_server.messages == []
    session.refresh(proposal)
    assert proposal.status is ProposalStatus.PENDING
    # Nothing was left behind to be delivered by a later commit either.
    assert mail.deliver_pending(app) == {"sent": 0, "failed": 0}
    assert smtp_server.messages == []


def test_a_rolled_back_session_leaves_no_row_and_sends_nothing(
    app, session, smtp_server, sync, contact
):
    asa = contact()
    with app.test_request_context():
        mail.queue(session, to=asa.email, template="password_reset", person=asa.person,
                   link="http://forum.test/x", hours=2)
        session.flush()
        assert len(outbox(session)) == 1
    session.rollback()
    assert outbox(session) == []
    assert "outbox_queued" not in session.info
    session.commit()  # a later, empty commit has nothing to deliver
    assert smtp_server.messages == []


def test_a_savepoint_rolled_back_after_queueing_does_not_stop_delivery(
    app, session, smtp_server, sync, contact
):
    """The message is still in the transaction that commits; the commit must deliver it."""
    asa = contact()
    with app.test_request_context():
        mail.queue(session, to=asa.email, template="password_reset", person=asa.person,
                   link="http://forum.test/x", hours=2)
        try:
            with session.begin_nested():
                session.add(Person(given_name="Savepoint", family_name="Rolled-back"))
                session.flush()
                raise LookupError("refused inside a savepoint")
        except LookupError:
            pass
    session.commit()
    [got] = smtp_server.messages
    assert got.rcpt_tos == [asa.email]
    assert outbox(session)[0].status is OutboxStatus.SENT


# --- the server is down ------------------------------------------------------------------


def test_smtp_down_saves_the_change_and_retries_with_backoff_until_sent_once(
    app, session, smtp_server, sync, contact, proposal_from, staff_client, runner
):
    asa = contact()
    proposal = proposal_from(asa)
    smtp_server.stop()

    before = utcnow()
    response = staff_client.post(f"/proposals/{proposal.id}/approve")
    assert response.status_code == 302

    # The change is saved whatever the mail server does.
    session.refresh(proposal)
    assert proposal.status is ProposalStatus.APPROVED and proposal.nomination_id is not None
    [row] = outbox(session)
    assert row.status is OutboxStatus.PENDING
    assert row.attempts == 1
    assert "ConnectionRefused" in row.last_error
    assert row.claimed_at is None
    first_retry = aware(row.next_attempt_at)
    assert before + timedelta(seconds=55) <= first_retry <= utcnow() + timedelta(seconds=65)

    # Still down when due: a second attempt, and a longer wait.
    make_due(session)
    result = runner.invoke(args=["forum", "outbox"])
    assert result.exit_code == 0, result.output
    assert "Outbox: 0 sent, 1 failed." in result.output
    [row] = outbox(session)
    assert row.attempts == 2 and row.status is OutboxStatus.PENDING
    assert aware(row.next_attempt_at) >= utcnow() + timedelta(seconds=110)

    # Back up, but the message is not due yet: the worker waits for the backoff.
    smtp_server.start()
    result = runner.invoke(args=["forum", "outbox"])
    assert "Outbox: 0 sent, 0 failed." in result.output
    assert smtp_server.messages == []

    make_due(session)
    result = runner.invoke(args=["forum", "outbox"])
    assert result.exit_code == 0, result.output
    assert "Outbox: 1 sent, 0 failed." in result.output
    [got] = smtp_server.messages
    assert got["Message-ID"] == row.message_id  # the same message, not a new one
    assert got.rcpt_tos == [asa.email]

    # Running the worker again sends nothing twice.
    result = runner.invoke(args=["forum", "outbox"])
    assert "Outbox: 0 sent, 0 failed." in result.output
    assert len(smtp_server.messages) == 1
    [row] = outbox(session)
    assert row.status is OutboxStatus.SENT and row.attempts == 3 and row.last_error == ""


def test_one_failure_holds_back_the_rest_until_the_next_round(
    app, session, smtp_server, contact, returned
):
    accounts = [contact("Kontakt", f"Nummer{i}", region_code=code)
                for i, code in enumerate(("12", "01", "03"))]
    for account in accounts:
        returned(account)
    smtp_server.stop()
    assert mail.deliver_pending(app) == {"sent": 0, "failed": 1}
    rows = outbox(session)
    assert sorted(r.attempts for r in rows) == [0, 0, 1]
    assert all(r.status is OutboxStatus.PENDING for r in rows)

    smtp_server.start()
    make_due(session)
    assert mail.deliver_pending(app) == {"sent": 3, "failed": 0}
    assert sorted(m.rcpt_tos[0] for m in smtp_server.messages) == sorted(a.email for a in accounts)
    assert mail.deliver_pending(app) == {"sent": 0, "failed": 0}
    assert len(smtp_server.messages) == 3


def test_a_message_that_keeps_failing_is_marked_failed_and_left_alone(
    app, session, smtp_server, contact, returned
):
    returned(contact())
    [row] = outbox(session)
    row.attempts = mail.MAX_ATTEMPTS - 2
    session.commit()
    smtp_server.stop()

    mail.deliver_pending(app)
    [row] = outbox(session)
    assert row.status is OutboxStatus.PENDING and row.attempts == mail.MAX_ATTEMPTS - 1
    assert aware(row.next_attempt_at) - utcnow() > timedelta(minutes=59)  # capped at an hour

    make_due(session)
    assert mail.deliver_pending(app) == {"sent": 0, "failed": 1}
    [row] = outbox(session)
    assert row.status is OutboxStatus.FAILED
    assert row.attempts == mail.MAX_ATTEMPTS
    assert row.last_error

    smtp_server.start()
    session.execute(update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(days=1)))
    session.commit()
    assert mail.deliver_pending(app) == {"sent": 0, "failed": 0}
    assert smtp_server.messages == []
    assert outbox(session)[0].status is OutboxStatus.FAILED


# --- two workers ---------------------------------------------------------------------------


def test_two_workers_claiming_the_same_message_never_both_get_it(
    app, session, smtp_server, contact, returned
):
    returned(contact())
    [row] = outbox(session)
    maker = app.extensions["forum.db"]["sessionmaker"]
    with maker() as first, maker() as second:
        mine = mail._claim(first, row.id)
        theirs = mail._claim(second, row.id)
    assert mine is not None and mine.id == row.id
    assert theirs is None
    [row] = outbox(session)
    assert row.status is OutboxStatus.SENDING and row.claimed_at is not None

    # While the first worker holds it, another round leaves it alone.
    assert mail.deliver_pending(app) == {"sent": 0, "failed": 0}
    assert smtp_server.messages == []

    # A worker that died mid-delivery: after the claim timeout another one takes over, once.
    row.claimed_at = utcnow() - mail.CLAIM_TIMEOUT - timedelta(minutes=1)
    session.commit()
    assert mail.deliver_pending(app) == {"sent": 1, "failed": 0}
    assert mail.deliver_pending(app) == {"sent": 0, "failed": 0}
    assert len(smtp_server.messages) == 1
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_a_sent_message_cannot_be_claimed_again(app, session, smtp_server, contact, returned):
    returned(contact())
    assert mail.deliver_pending(app)["sent"] == 1
    [row] = outbox(session)
    with app.extensions["forum.db"]["sessionmaker"]() as other:
        assert mail._claim(other, row.id) is None
    assert outbox(session)[0].status is OutboxStatus.SENT


# --- development ---------------------------------------------------------------------------


def test_the_console_backend_prints_instead_of_sending(
    app, session, smtp_server, contact, returned, capsys
):
    app.config["MAIL_BACKEND"] = "console"
    asa = contact()
    proposal = returned(asa)
    capsys.readouterr()

    assert mail.deliver_pending(app) == {"sent": 1, "failed": 0}

    printed = capsys.readouterr().err
    assert re.search(rf"^To: .*<{re.escape(asa.email)}>$", printed, re.M)
    assert f"Message-ID: {outbox(session)[0].message_id}" in printed
    assert f"http://forum.test/proposals/{proposal.id}" in printed
    assert "Beslutet saknar paragrafnummer" in printed
    assert smtp_server.messages == []
    assert outbox(session)[0].status is OutboxStatus.SENT
