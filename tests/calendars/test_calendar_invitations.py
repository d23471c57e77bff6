"""Invitations that calendar programs apply by themselves (iMIP, RFC 6047): when a meeting is
confirmed, moved or cancelled, or a guest invited, every participant's e-mail carries a
text/calendar part with its method and the same object as an .ics file, delivered to a
real SMTP server on loopback and read back with the icalendar library and with ical.js."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from calendars_fixtures import FUTURE, ONLINE, at, utc_text

from forum.meetings import services
from forum.meetings.models import Answer, Meeting, MeetingStatus
from forum.roster.models import Person

pytestmark = pytest.mark.usefixtures("fresh_feeds")


@dataclass
class People:
    anna: Person  # member, Swedish (no account)
    bertil: Person  # member, an account in English
    cecilia: Person  # member without an e-mail address
    gustav: Person  # from an agency; a guest where invited


@pytest.fixture
def people(make_person, make_nomination, make_organisation, make_account) -> People:
    found = People(
        anna=make_person("Anna", "Andersson", email="anna@region.se"),
        bertil=make_person("Bertil", "Berg", email="bertil@region.se"),
        cecilia=make_person("Cecilia", "Carlsson", email=None),
        gustav=make_person("Gustav", "Gäst", email="gustav@verket.se",
                           organisation=make_organisation("Gästverket")),
    )
    make_nomination(found.anna, region_code="12", seat_slug="majoritet", party="M")
    make_nomination(found.bertil, region_code="12", seat_slug="opposition", party="S")
    make_nomination(found.cecilia, region_code="01", seat_slug="majoritet", party="M")
    make_account("member", person=found.bertil, language="en")
    return found


@pytest.fixture
def meeting(make_meeting, calendar_theme) -> Meeting:
    return make_meeting(at(FUTURE, 3, 10, 10), hours=5, title="Kompetensförsörjning i länen",
                        theme_id=calendar_theme.id, online_url=ONLINE)


@pytest.fixture
def mail(app, smtp_server):
    """Mail is delivered in the request that queued it, to the SMTP server on loopback."""
    app.config["MAIL_DELIVERY"] = "sync"
    return smtp_server


def calendar_parts(received):
    """(the text/calendar alternative, the .ics attachment) of a received message."""
    inline = [p for p in received.message.walk() if p.get_content_type() == "text/calendar"]
    files = [p for p in received.message.walk()
             if p.get_filename() and p.get_filename().endswith(".ics")]
    assert len(inline) == 1 and len(files) == 1, received["Subject"]
    return inline[0], files[0]


@pytest.fixture
def invitation(read_ics):
    """invitation(received) -> the calendar object of a received mail, read by both
    parsers, after checking how it is packed."""

    def read(received, method: str):
        inline, attached = calendar_parts(received)
        assert inline.get_param("method") == method
        assert inline.get_content_charset() == "utf-8"
        raw = inline.get_payload(decode=True)
        # The same object as a file for programs that only look at attachments.
        assert attached.get_payload(decode=True) == raw
        assert attached.get_content_disposition() == "attachment"
        # The calendar is the last of the alternatives (plain text, HTML, calendar).
        alternative = next(p for p in received.message.walk()
                           if p.get_content_type() == "multipart/alternative")
        assert [p.get_content_type() for p in alternative.iter_parts()] == [
            "text/plain", "text/html", "text/calendar"]
        assert received.message.get_content_type() == "multipart/mixed"
        found = read_ics(raw)
        assert str(found.calendar["METHOD"]) == method
        assert found.js["calendar"]["method"] == method
        return found

    return read


def only_event(found):
    (event,) = found.events
    (js,) = found.js["events"]
    return event, js


def feed_event(client, read_ics, meeting):
    return read_ics(client.get("/calendar/politikerforum.ics").data).event(meeting.uid)


# --- confirming ---------------------------------------------------------------------------


def confirm(staff_client, meeting):
    response = staff_client.post(f"/meetings/{meeting.id}/status",
                                 data={"status": "confirmed"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/meetings/{meeting.id}"


def test_confirming_sends_each_participant_a_request_for_themselves(
        staff_client, client, session, people, meeting, mail, invitation, read_ics):
    confirm(staff_client, meeting)
    # Cecilia has no address; Gustav is not invited.
    assert sorted(r for m in mail.messages for r in m.rcpt_tos) == [
        "anna@region.se", "bertil@region.se"]
    session.refresh(meeting)
    assert meeting.status is MeetingStatus.CONFIRMED and meeting.revision == 1
    _, in_feed = feed_event(client, read_ics, meeting)

    for person in (people.anna, people.bertil):
        (received,) = mail.to(person.email)
        found = invitation(received, "REQUEST")
        event, js = only_event(found)
        # The feeds' own UID and SEQUENCE: the calendar updates the event it has.
        assert js["uid"] == in_feed["uid"] == meeting.uid
        assert js["sequence"] == in_feed["sequence"] == 1
        assert (str(event["UID"]), int(event["SEQUENCE"])) == (meeting.uid, 1)
        assert js["status"] == "CONFIRMED"
        assert js["organizer"] == {"value": "mailto:forum@test.example", "cn": "Forum"}
        assert str(event["ORGANIZER"]) == "mailto:forum@test.example"
        # The participant alone, never the others' addresses.
        assert js["attendees"] == [{"value": f"mailto:{person.email}", "cn": person.name,
                                    "partstat": "NEEDS-ACTION", "rsvp": "TRUE",
                                    "role": "REQ-PARTICIPANT"}]
        assert str(event["ATTENDEE"]) == f"mailto:{person.email}"
        assert event["ATTENDEE"].params["PARTSTAT"] == "NEEDS-ACTION"
        assert js["start"]["utc"] == utc_text(at(FUTURE, 3, 10, 10))
        assert js["end"]["utc"] == utc_text(at(FUTURE, 3, 10, 15))
        assert js["start"]["tzid"] == "Europe/Stockholm"
        assert found.js["calendar"]["timezones"] == ["Europe/Stockholm"]
        # The participant's copy has what only participants see.
        assert ONLINE in js["description"]
        assert str(event["CLASS"]) == "PRIVATE"
        (attached,) = [p for p in received.message.walk() if p.get_filename()]
        assert attached.get_filename() == "invite.ics"


def test_each_participant_reads_the_invitation_in_their_language(
        staff_client, people, meeting, mail, invitation, calendar_theme):
    confirm(staff_client, meeting)
    _, swedish = only_event(invitation(mail.to("anna@region.se")[0], "REQUEST"))
    _, english = only_event(invitation(mail.to("bertil@region.se")[0], "REQUEST"))
    assert f"Theme: {calendar_theme.name_en}" in english["description"].split("\n")
    assert f"Join online: {ONLINE}" in english["description"].split("\n")
    assert english["categories"] == [calendar_theme.name_en]
    assert swedish["categories"] == [calendar_theme.name_sv]
    assert swedish["description"].split("\n")[0] == "Politikerforum"
    assert english["description"].split("\n")[0] == "Politicians' forum"


def test_a_swedish_participants_invitation_is_in_swedish(staff_client, people, meeting, mail,
                                                         invitation, calendar_theme):
    """Waits for the Swedish catalogue: the description's labels are new strings."""
    confirm(staff_client, meeting)
    _, swedish = only_event(invitation(mail.to("anna@region.se")[0], "REQUEST"))
    lines = swedish["description"].split("\n")
    assert f"Tema: {calendar_theme.name_sv}" in lines
    assert "Dagordning:" not in lines  # the meeting has no agenda yet
    for english_text in ("Theme:", "Join online:", "Material:", "More about the meeting:"):
        assert english_text not in swedish["description"], english_text


@pytest.mark.parametrize("answer, partstat", [
    (Answer.ATTENDING, "ACCEPTED"),
    (Answer.DECLINED, "DECLINED"),
    (Answer.SUBSTITUTE, "DELEGATED"),
])
def test_someone_who_has_answered_in_forum_is_not_asked_again(
        staff_client, in_request, session, people, meeting, mail, invitation, answer, partstat):
    with in_request():
        services.answer(session, meeting, people.anna, answer,
                        substitute_name="Sara Ersättare" if answer is Answer.SUBSTITUTE else "")
    session.commit()
    confirm(staff_client, meeting)
    event, js = only_event(invitation(mail.to("anna@region.se")[0], "REQUEST"))
    (attendee,) = js["attendees"]
    assert (attendee["partstat"], attendee["rsvp"]) == (partstat, "FALSE")
    assert event["ATTENDEE"].params["RSVP"] == "FALSE"
    # Bertil has not answered: he is asked.
    _, other = only_event(invitation(mail.to("bertil@region.se")[0], "REQUEST"))
    assert (other["attendees"][0]["partstat"], other["attendees"][0]["rsvp"]) == (
        "NEEDS-ACTION", "TRUE")


# --- moving and cancelling ------------------------------------------------------------------


def move_form(bodies, meeting, **more) -> dict:
    data = {
        "body_id": str(bodies["politikerforum"].id),
        "theme_id": str(meeting.theme_id or ""),
        "title": meeting.title,
        "day": f"{FUTURE}-03-17",
        "start_time": "13:00",
        "end_time": "16:30",
        "venue": meeting.venue,
        "address": meeting.address,
        "host_region_id": "",
        "online_url": meeting.online_url,
        "description": "",
        "prepares_id": "",
    }
    data.update(more)
    return data


def test_a_move_sends_a_request_with_a_higher_sequence_and_the_new_time(
        staff_client, client, session, bodies, people, meeting, mail, invitation, read_ics):
    confirm(staff_client, meeting)
    _, confirmed = only_event(invitation(mail.to("anna@region.se")[0], "REQUEST"))
    mail.messages.clear()

    response = staff_client.post(f"/meetings/{meeting.id}/edit", data=move_form(bodies, meeting))
    assert response.status_code == 302
    assert sorted(r for m in mail.messages for r in m.rcpt_tos) == [
        "anna@region.se", "bertil@region.se"]
    event, moved = only_event(invitation(mail.to("anna@region.se")[0], "REQUEST"))
    assert moved["uid"] == confirmed["uid"] == meeting.uid
    assert moved["sequence"] > confirmed["sequence"]
    assert moved["start"]["utc"] == utc_text(at(FUTURE, 3, 17, 13))
    assert moved["end"]["utc"] == utc_text(at(FUTURE, 3, 17, 16, 30))
    assert event["DTSTART"].dt == at(FUTURE, 3, 17, 13)
    assert moved["status"] == "CONFIRMED"
    _, in_feed = feed_event(client, read_ics, meeting)
    assert (in_feed["sequence"], in_feed["start"]["utc"]) == (moved["sequence"],
                                                             moved["start"]["utc"])


def test_a_change_that_is_not_a_move_sends_nothing(staff_client, bodies, people, meeting, mail):
    response = staff_client.post(f"/meetings/{meeting.id}/edit", data=move_form(
        bodies, meeting, day=f"{FUTURE}-03-10", start_time="10:00", end_time="15:00",
        description="Ny beskrivning."))
    assert response.status_code == 302
    assert mail.messages == []


def test_cancelling_sends_a_cancel_with_the_meeting_cancelled(
        staff_client, client, session, people, meeting, mail, invitation, read_ics):
    confirm(staff_client, meeting)
    mail.messages.clear()
    response = staff_client.post(f"/meetings/{meeting.id}/cancel",
                                 data={"reason": "För få kunde komma."})
    assert response.status_code == 302
    assert sorted(r for m in mail.messages for r in m.rcpt_tos) == [
        "anna@region.se", "bertil@region.se"]

    session.refresh(meeting)
    for person, title in ((people.anna, "Inställt: Kompetensförsörjning i länen"),
                          (people.bertil, "Cancelled: Kompetensförsörjning i länen")):
        (received,) = mail.to(person.email)
        event, js = only_event(invitation(received, "CANCEL"))
        assert js["uid"] == meeting.uid
        assert js["sequence"] == meeting.revision == 2
        assert js["status"] == "CANCELLED" and str(event["STATUS"]) == "CANCELLED"
        assert js["summary"] == title
        assert js["attendees"][0]["value"] == f"mailto:{person.email}"
        assert js["organizer"]["value"] == "mailto:forum@test.example"
        (attached,) = [p for p in received.message.walk() if p.get_filename()]
        assert attached.get_filename() == "cancel.ics"
    _, in_feed = feed_event(client, read_ics, meeting)
    assert (in_feed["status"], in_feed["sequence"]) == ("CANCELLED", 2)


# --- guests ---------------------------------------------------------------------------------


def test_inviting_a_guest_sends_them_a_request(staff_client, client, people, meeting, mail,
                                               invitation, read_ics):
    response = staff_client.post(f"/meetings/{meeting.id}/guests",
                                 data={"person_id": str(people.gustav.id)})
    assert response.status_code == 302
    (received,) = mail.messages
    assert received.rcpt_tos == ["gustav@verket.se"]
    _, js = only_event(invitation(received, "REQUEST"))
    assert js["uid"] == meeting.uid
    assert js["sequence"] == feed_event(client, read_ics, meeting)[1]["sequence"]
    assert js["attendees"] == [{"value": "mailto:gustav@verket.se", "cn": "Gustav Gäst",
                                "partstat": "NEEDS-ACTION", "rsvp": "TRUE",
                                "role": "REQ-PARTICIPANT"}]
    assert ONLINE in js["description"]
    assert js["status"] == "TENTATIVE"

    # From now on the guest is told of changes like everyone else.
    mail.messages.clear()
    confirm(staff_client, meeting)
    assert sorted(r for m in mail.messages for r in m.rcpt_tos) == [
        "anna@region.se", "bertil@region.se", "gustav@verket.se"]


# --- the text on the wire ---------------------------------------------------------------------


def test_the_calendar_part_keeps_its_crlf_and_whole_characters_through_smtp(
        staff_client, make_meeting, people, mail, invitation):
    long = make_meeting(at(FUTURE, 4, 14), title="Återväxt: " + "Åäö–Éü " * 40,
                        online_url=ONLINE, venue="Länsstyrelsen i Västernorrlands län")
    confirm(staff_client, long)
    inline, _ = calendar_parts(mail.to("anna@region.se")[0])
    raw = inline.get_payload(decode=True)
    assert inline["Content-Transfer-Encoding"] == "base64"
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    for line in raw[:-2].split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")
    _, js = only_event(invitation(mail.to("anna@region.se")[0], "REQUEST"))
    assert js["summary"] == long.title


def test_the_invitation_is_stamped_when_it_is_made(staff_client, people, meeting, mail,
                                                   invitation):
    """DTSTAMP in iTIP is when the message was made; the feed's is the last change."""
    confirm(staff_client, meeting)
    from forum.timeutil import utcnow

    _, js = only_event(invitation(mail.to("anna@region.se")[0], "REQUEST"))
    assert utcnow() - timedelta(minutes=5) <= parse_utc(js["dtstamp"]) <= utcnow()


def parse_utc(value: str):
    from datetime import UTC, datetime

    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
