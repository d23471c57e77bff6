"""Distributing a meeting's material: one e-mail per participant with an address, read from a
real SMTP server on loopback, listing only what is new or changed since the last time; the
daily digest for members who chose one; the meeting page's record of what went out; and the
deadline on the secretariat's dashboard."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest
from material_fixtures import english, text_of, unique
from sqlalchemy import func, select

from forum import mail
from forum.accounts.models import Account
from forum.mail_models import OutboxMessage
from forum.material import distribution, services
from forum.material.models import (
    Distribution,
    DistributionItem,
    DocumentKind,
    MaterialNotice,
    Visibility,
)
from forum.meetings import planning
from forum.meetings.models import Meeting, MeetingGuest, MeetingStatus
from forum.timeutil import STOCKHOLM, today


def in_days(days: int, hour: int = 10) -> datetime:
    return datetime.combine(today() + timedelta(days=days), time(hour),
                            tzinfo=STOCKHOLM).astimezone(UTC)


@dataclass
class Cast:
    meeting: Meeting
    staff: Account
    emails: dict[str, str]  # who -> address
    accounts: dict[str, Account]


@pytest.fixture
def cast(app, session, make_person, make_nomination, make_account, new_meeting) -> Cast:
    """A politicians' meeting in 30 days and who would and would not hear of its material."""
    meeting = new_meeting(in_days(30), title="Politikerforum om kompetens")
    emails = {}
    accounts = {}

    def member(key, given, region, *, email=True, end=None, body="politikerforum",
               seat="majoritet", **account):
        address = f"{key}@region.example" if email else None
        person = make_person(given, "Material", email=address)
        make_nomination(person, region_code=region, body=body, seat_slug=seat,
                        start=date(2023, 1, 1), end=end)
        if address:
            emails[key] = address
        if account:
            accounts[key] = make_account("member", person=person, **account)
        return person

    member("anna", "Anna", "12", language="en")  # reads her mail in English
    member("bertil", "Bertil", "13")  # no account: mail in Swedish
    member("dina", "Dina", "14", language="en", material_digest=True)
    member("erik", "Erik", "17", email=False)
    member("fanny", "Fanny", "18", end=today())  # leaves before the meeting
    member("olle", "Olle", "12", body="tjanstepersonsforum", seat="tjansteperson")
    guest = make_person("Gustav", "Gäst", email="gustav@departementet.example")
    emails["gustav"] = guest.email
    session.add(MeetingGuest(meeting_id=meeting.id, person_id=guest.id))
    session.commit()
    return Cast(meeting, make_account("secretariat"), emails, accounts)


RECIPIENTS = {"anna", "bertil", "gustav"}  # participants with an address and no digest


@pytest.fixture
def withdraw(app, session):
    def act(document, reason="Fel fil"):
        with app.test_request_context():
            services.withdraw(session, document, reason=reason)
        session.commit()

    return act


@pytest.fixture
def send(app, session, cast):
    """send(meeting, message): distribute as the secretariat, committed."""

    def act(meeting=None, message: str = ""):
        with app.test_request_context():
            found = distribution.distribute(session, meeting or cast.meeting, by=cast.staff,
                                            message=message)
        session.commit()
        return found

    return act


@pytest.fixture
def material(cast, add_document, withdraw):
    """The meeting's documents: two for readers, a link, and two that are never sent (one
    for the secretariat only, one withdrawn)."""
    meeting = cast.meeting
    found = {
        "notice": add_document(meeting, title="Kallelse och dagordning",
                               kind=DocumentKind.NOTICE, name="kallelse.txt"),
        "background": add_document(meeting, title="Underlag om kompetensförsörjning",
                                   visibility=Visibility.PARTICIPANTS, name="underlag.txt"),
        "link": add_document(meeting, title="Strategin på webben",
                             link_url="https://www.regeringen.se/strategi"),
        "secret": add_document(meeting, title="Kansliets anteckningar",
                               visibility=Visibility.SECRETARIAT, name="anteckningar.txt"),
        "withdrawn": add_document(meeting, title="Felaktig bilaga",
                                  visibility=Visibility.PARTICIPANTS, name="fel.txt"),
    }
    withdraw(found["withdrawn"])
    return found


def plain(response) -> str:
    """The page's words without its markup."""
    return " ".join(re.sub(r"<[^>]+>", " ", text_of(response)).split())


def deliver(app, smtp_server) -> None:
    result = mail.deliver_pending(app)
    assert result["failed"] == 0


SENT = ["Kallelse och dagordning", "Underlag om kompetensförsörjning", "Strategin på webben"]
NEVER = ["Kansliets anteckningar", "Felaktig bilaga"]


def test_every_participant_gets_one_mail_listing_the_material(
    app, session, staff_client, cast, material, smtp_server
):
    response = staff_client.post(f"/meetings/{cast.meeting.id}/distribute",
                                 data={"message": "Välkomna! Läs gärna underlaget i förväg."})
    assert response.status_code == 302
    assert response.location.endswith(f"/meetings/{cast.meeting.id}#material")
    deliver(app, smtp_server)

    received = sorted(r for m in smtp_server.messages for r in m.rcpt_tos)
    assert received == sorted(cast.emails[k] for k in RECIPIENTS)
    for key in RECIPIENTS:
        [message] = smtp_server.to(cast.emails[key])
        for part in (message.text, message.html):
            assert all(title in part for title in SENT), key
            assert not any(title in part for title in NEVER), key
            assert "Välkomna! Läs gärna underlaget i förväg." in part
            assert f"http://forum.test/meetings/{cast.meeting.id}#material" in part
    [english_mail] = smtp_server.to(cast.emails["anna"])
    assert english_mail["Subject"] == "Material for Politikerforum om kompetens"
    [swedish_mail] = smtp_server.to(cast.emails["bertil"])
    assert swedish_mail["Subject"] == "Material till Politikerforum om kompetens"

    [sent] = session.scalars(select(Distribution).where(
        Distribution.meeting_id == cast.meeting.id))
    assert sent.recipients == 4  # anna, bertil, gustav and dina (through her digest)
    assert sorted(i.document.title for i in sent.items) == sorted(SENT)
    assert {i.change for i in sent.items} == {"new"}


def test_the_mail_links_each_document(app, staff_client, cast, material, smtp_server):
    staff_client.post(f"/meetings/{cast.meeting.id}/distribute", data={"message": ""})
    deliver(app, smtp_server)
    [message] = smtp_server.to(cast.emails["anna"])
    for key in ("notice", "background", "link"):
        url = f"http://forum.test/material/{material[key].id}"
        assert url in message.text and f'href="{url}"' in message.html, key


def test_a_second_distribution_lists_only_what_changed(
    app, session, staff_client, cast, material, add_version, add_document, smtp_server
):
    english(staff_client)
    staff_client.post(f"/meetings/{cast.meeting.id}/distribute", data={"message": ""})
    deliver(app, smtp_server)
    smtp_server.messages.clear()

    add_version(material["background"], unique("Reviderat underlag").encode(), "underlag.txt",
                note="Siffrorna rättade")
    add_document(cast.meeting, title="Sekretariatets utkast", visibility=Visibility.SECRETARIAT)
    page = plain(staff_client.get(f"/meetings/{cast.meeting.id}/distribute"))
    assert "Underlag om kompetensförsörjning – new version" in page
    assert "Kallelse och dagordning" not in page and "Sekretariatets utkast" not in page

    assert staff_client.post(f"/meetings/{cast.meeting.id}/distribute",
                             data={"message": ""}).status_code == 302
    deliver(app, smtp_server)

    assert len(smtp_server.messages) == len(RECIPIENTS)
    [message] = smtp_server.to(cast.emails["anna"])
    listed = [line for line in message.text.splitlines() if line.startswith("- ")]
    assert len(listed) == 1 and listed[0].startswith(
        "- Underlag om kompetensförsörjning (new version)")
    assert "Kallelse och dagordning" not in message.text
    second = session.scalars(select(Distribution).where(
        Distribution.meeting_id == cast.meeting.id).order_by(Distribution.id.desc())).first()
    [item] = second.items
    assert (item.change, item.version.number) == ("changed", 2)

    # Nothing more to send: a clear message, and no mail.
    smtp_server.messages.clear()
    response = staff_client.post(f"/meetings/{cast.meeting.id}/distribute", data={"message": ""})
    assert response.status_code == 400
    page = text_of(response)
    assert "There is nothing new or changed to distribute." in page
    deliver(app, smtp_server)
    assert smtp_server.messages == []


def test_a_changed_link_is_sent_again_but_an_unchanged_document_is_not(
    app, session, cast, material
, send):
    send()
    assert distribution.pending(session, cast.meeting) == []

    with app.test_request_context():
        services.update(session, material["link"], link_url="https://www.regeringen.se/ny")
    session.commit()
    [change] = distribution.pending(session, cast.meeting)
    assert (change.document.id, change.change) == (material["link"].id, "changed")


def test_a_document_made_secret_or_withdrawn_before_the_first_sending_is_not_sent(
    app, session, cast, material, withdraw
):
    with app.test_request_context():
        services.update(session, material["notice"], visibility=Visibility.SECRETARIAT)
    withdraw(material["background"])
    titles = [c.document.title for c in distribution.pending(session, cast.meeting)]
    assert titles == ["Strategin på webben"]


def test_nothing_to_distribute_is_said_plainly(app, session, staff_client, cast, add_document):
    english(staff_client)
    add_document(cast.meeting, title="Bara för kansliet", visibility=Visibility.SECRETARIAT)

    page = text_of(staff_client.get(f"/meetings/{cast.meeting.id}/distribute"))
    assert "There is nothing new or changed to distribute." in page
    response = staff_client.post(f"/meetings/{cast.meeting.id}/distribute", data={"message": ""})
    assert response.status_code == 400
    assert "There is nothing new or changed to distribute." in text_of(response)
    assert session.scalar(select(func.count(Distribution.id))) == 0
    assert session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_a_cancelled_meetings_material_is_not_sent(app, session, staff_client, cast, material):
    english(staff_client)
    cast.meeting.status = MeetingStatus.CANCELLED
    session.commit()
    response = staff_client.post(f"/meetings/{cast.meeting.id}/distribute", data={"message": ""})
    assert response.status_code == 400
    assert "The meeting is cancelled: its material is not sent." in text_of(response)
    assert session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_the_distribute_page_says_what_and_to_whom(staff_client, cast, material):
    english(staff_client)
    page = text_of(staff_client.get(f"/meetings/{cast.meeting.id}/distribute"))
    sent = page.split("What is sent", 1)[1].split("To whom", 1)[0]
    assert all(title in sent for title in SENT)
    assert not any(title in sent for title in NEVER)
    # Five participants: four members on the meeting's day (Fanny has left by then) and
    # one guest; Erik has no address, and is named.
    assert "5 participants" in page
    assert "have no e-mail address" in page and "Erik Material" in page


# --- the digest ------------------------------------------------------------------------------


def test_a_member_who_chose_the_digest_gets_one_mail_a_day(
    app, session, runner, cast, material, add_version, smtp_server
, send):
    send(message="Första utskicket")
    add_version(material["notice"], unique("Ny dagordning").encode(), "kallelse.txt")
    send(message="Andra utskicket")
    deliver(app, smtp_server)
    assert smtp_server.to(cast.emails["dina"]) == []
    assert len(smtp_server.messages) == 2 * len(RECIPIENTS)
    smtp_server.messages.clear()

    result = runner.invoke(args=["forum", "material-digest"])
    assert result.exit_code == 0, result.output
    assert "Digests queued: 1." in result.output
    deliver(app, smtp_server)

    [digest] = smtp_server.messages
    assert digest.rcpt_tos == [cast.emails["dina"]]
    assert digest["Subject"] == "New material for your meetings"
    text = digest.text
    assert "Första utskicket" in text and "Andra utskicket" in text
    assert text.count("Politikerforum om kompetens") == 2
    assert all(title in text for title in SENT)
    assert "Kallelse och dagordning (new version)" in text
    assert not any(title in text for title in NEVER)
    assert f"http://forum.test/meetings/{cast.meeting.id}#material" in text

    smtp_server.messages.clear()
    again = runner.invoke(args=["forum", "material-digest"])
    assert "Digests queued: 0." in again.output
    deliver(app, smtp_server)
    assert smtp_server.messages == []
    assert session.scalar(select(func.count(MaterialNotice.id)).where(
        MaterialNotice.sent_at.is_(None))) == 0


def test_the_digest_leaves_out_what_was_withdrawn_since(
    app, session, runner, cast, material, withdraw, smtp_server
, send):
    send()
    withdraw(material["background"])

    runner.invoke(args=["forum", "material-digest"])
    deliver(app, smtp_server)
    [digest] = smtp_server.to(cast.emails["dina"])
    assert "Kallelse och dagordning" in digest.text
    assert "Underlag om kompetensförsörjning" not in digest.text
    assert "Underlag om kompetensförsörjning" not in digest.html


def test_choosing_the_digest_on_the_profile(app, session, cast, login):
    client = login(app.test_client(), cast.accounts["anna"])
    response = client.post("/profile", data={
        "email": cast.emails["anna"], "phone": "", "title": "", "language": "en",
        "notify_by_email": "y", "material_digest": "y"})
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Account, cast.accounts["anna"].id).material_digest is True
    checkbox = re.search(r'<input[^>]*name="material_digest"[^>]*>',
                         client.get("/profile").get_data(as_text=True)).group(0)
    assert "checked" in checkbox


# --- the meeting page's record ---------------------------------------------------------------


def test_the_meeting_page_shows_when_and_what_was_distributed(
    app, session, staff_client, cast, material, add_version, login
, send):
    send()
    add_version(material["background"], unique("v2").encode(), "underlag.txt")
    send()

    english(staff_client)
    page = text_of(staff_client.get(f"/meetings/{cast.meeting.id}"))
    section = page.split('id="material"', 1)[1].split("</section>", 1)[0]
    record = section.split("Distributed</h3>", 1)[1]
    entries = record.split("<li>")[1:]
    assert len(entries) == 2
    assert "Underlag om kompetensförsörjning" in entries[0] and "new version" in entries[0]
    assert all(title in entries[1] for title in SENT)
    assert "4 recipients" in entries[0]
    assert "Last distributed" in section

    participant = english(login(app.test_client(), cast.accounts["anna"]))
    page = text_of(participant.get(f"/meetings/{cast.meeting.id}"))
    section = page.split('id="material"', 1)[1].split("</section>", 1)[0]
    assert "Distributed</h3>" in section
    assert "recipients" not in section

    public = text_of(app.test_client().get(f"/meetings/{cast.meeting.id}"))
    assert "Underlag om kompetensförsörjning" not in public


def test_the_meeting_page_does_not_name_a_distributed_document_withdrawn_since(
    app, session, cast, material, withdraw, login
, send):
    send()
    withdraw(material["background"])

    participant = login(app.test_client(), cast.accounts["anna"])
    page = text_of(participant.get(f"/meetings/{cast.meeting.id}"))
    assert "Kallelse och dagordning" in page
    assert "Underlag om kompetensförsörjning" not in page


# --- the deadline and the dashboard ---------------------------------------------------------


def test_the_deadline_is_seven_days_before_unless_set(session, new_meeting):
    meeting = new_meeting(in_days(20))
    assert distribution.meeting_deadline(session, meeting) == today() + timedelta(days=13)
    planning.settings(session).material_deadline_days = 10
    session.flush()
    assert distribution.meeting_deadline(session, meeting) == today() + timedelta(days=10)
    meeting.material_deadline = today() + timedelta(days=2)
    assert distribution.meeting_deadline(session, meeting) == today() + timedelta(days=2)


def dashboard_material(client) -> str:
    page = text_of(client.get("/secretariat"))
    return page.split('id="material-heading"', 1)[1].split("</section>", 1)[0]


def test_the_dashboard_lists_late_and_due_material_until_it_is_distributed(
    app, session, staff_client, new_meeting, add_document, add_version
, send):
    english(staff_client)
    late = new_meeting(in_days(5), title="Mötet med sent material")
    due = new_meeting(in_days(10), title="Mötet med material snart")
    later = new_meeting(in_days(40), title="Mötet långt fram")
    held = new_meeting(in_days(-3), title="Mötet som varit", status=MeetingStatus.HELD)
    cancelled = new_meeting(in_days(6), title="Det inställda mötet",
                            status=MeetingStatus.CANCELLED)
    for meeting in (late, due, later, held, cancelled):
        add_document(meeting, title=f"Underlag till {meeting.title}",
                     visibility=Visibility.PARTICIPANTS)

    section = dashboard_material(staff_client)
    assert "Mötet med sent material" in section and "Mötet med material snart" in section
    for title in ("Mötet långt fram", "Mötet som varit", "Det inställda mötet"):
        assert title not in section
    late_line = section.split("Mötet med sent material", 1)[1].split("</li>", 1)[0]
    assert "late, due" in late_line and "not distributed yet" in late_line
    due_line = section.split("Mötet med material snart", 1)[1].split("</li>", 1)[0]
    assert "late" not in due_line and "due" in due_line
    assert f'href="/meetings/{due.id}/distribute"' in section

    send(due)
    section = dashboard_material(staff_client)
    assert "Mötet med material snart" not in section
    assert "Mötet med sent material" in section

    document = session.scalars(select(DistributionItem)).first().document
    add_version(document, unique("rättad").encode(), "underlag.txt")
    section = dashboard_material(staff_client)
    due_line = section.split("Mötet med material snart", 1)[1].split("</li>", 1)[0]
    assert "1 document new or changed since the last distribution" in due_line


def test_a_meeting_without_any_material_yet_is_listed_as_not_distributed(
    app, session, new_meeting
):
    meeting = new_meeting(in_days(3), title="Tomt möte")
    with app.test_request_context():
        [found] = [d for d in distribution.due(session, today()) if d.meeting.id == meeting.id]
    assert (found.late, found.distributed, found.pending) == (True, False, 0)
