"""The meeting pages over HTTP: the form with its messages beside the fields, moving,
confirming, cancelling and marking held, guests, answers from the meeting's page and from
"my meetings", the agenda, the list's filters, who sees the link and the participants, the
query count as the data grows, and the e-mails of a move delivered over real SMTP."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from forum.mail_models import OutboxMessage, OutboxStatus
from forum.meetings.models import (
    AgendaItem,
    Answer,
    Meeting,
    MeetingAnswer,
    MeetingGuest,
    MeetingStatus,
)
from forum.roster.models import Person
from forum.timeutil import STOCKHOLM, today

YEAR = today().year + 2  # still to come whenever the suite runs
ONLINE = "https://meet.example.se/forum-hemlig"


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM).astimezone(UTC)


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def flashes(client) -> str:
    """The flashed messages, as the next page shows them."""
    page = text_of(client.get("/"))
    found = re.search(r'<div class="flashes".*?</div>', page, re.DOTALL)
    return found.group(0) if found else ""


def english(client):
    """The client reads the pages in English from now on: messages are checked in the
    code's own words, whatever the Swedish catalogue says."""
    assert client.post("/language", data={"lang": "en", "next": "/"}).status_code == 302
    return client


def section(page: str, heading_id: str) -> str:
    assert f'id="{heading_id}"' in page, heading_id
    return page.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]


@pytest.fixture
def make_meeting(session, bodies):
    def make(body: str = "politikerforum", start: datetime | None = None, *, hours: int = 4,
             status: MeetingStatus = MeetingStatus.PLANNED, **fields) -> Meeting:
        start = start or at(YEAR, 3, 10)
        fields.setdefault("title", f"Möte {body} {start:%Y-%m-%d %H%M}")
        fields.setdefault("venue", "Regionhuset Malmö")
        fields.setdefault("online_url", ONLINE)
        meeting = Meeting(body_id=bodies[body].id, start_at=start,
                          end_at=start + timedelta(hours=hours), status=status, **fields)
        session.add(meeting)
        session.commit()
        return meeting

    return make


@dataclass
class World:
    anna: Person  # Skåne, politicians' forum; e-mail; an account in Swedish
    bertil: Person  # Skåne, politicians' forum; e-mail; an account in English
    david: Person  # Skåne, officials' forum; an account
    gustav: Person  # from an agency; an account, guest where invited
    accounts: dict


@pytest.fixture
def world(make_person, make_nomination, make_organisation, make_account) -> World:
    anna = make_person("Anna", "Andersson", email="anna@region.se")
    bertil = make_person("Bertil", "Berg", email="bertil@region.se")
    david = make_person("David", "Dahl", email="david@region.se")
    gustav = make_person("Gustav", "Gäst", email="gustav@verket.se",
                         organisation=make_organisation("Gästverket"))
    make_nomination(anna, region_code="12", seat_slug="majoritet", party="M")
    make_nomination(bertil, region_code="12", seat_slug="opposition", party="S")
    make_nomination(david, region_code="12", body="tjanstepersonsforum",
                    seat_slug="tjansteperson")
    accounts = {
        "anna": make_account("member", person=anna),
        "bertil": make_account("member", person=bertil, language="en"),
        "david": make_account("member", person=david),
        "gustav": make_account("guest", person=gustav),
    }
    return World(anna, bertil, david, gustav, accounts)


@pytest.fixture
def as_(app, world, login):
    """as_("anna"): a client signed in as that person of the world; as_("anna", "en") reads
    English."""

    def client(name: str, lang: str = "sv"):
        signed_in = login(app.test_client(), world.accounts[name])
        return english(signed_in) if lang == "en" else signed_in

    return client


def outbox(session) -> list[OutboxMessage]:
    session.expire_all()
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def form_data(bodies, **more) -> dict:
    data = {
        "body_id": str(bodies["politikerforum"].id),
        "theme_id": "",
        "title": "Kompetensförsörjning i hela landet",
        "day": f"{YEAR}-03-10",
        "start_time": "10:00",
        "end_time": "15:00",
        "venue": "Regionhuset Malmö",
        "address": "Dockplatsen 26, Malmö",
        "host_region_id": "",
        "online_url": "",
        "description": "",
        "prepares_id": "",
    }
    data.update(more)
    return data


# --- creating and changing --------------------------------------------------------------------


def test_a_new_meeting_is_created_from_the_form(staff_client, session, bodies, themes, region):
    assert staff_client.get("/meetings/new").status_code == 200
    response = staff_client.post("/meetings/new", data=form_data(
        bodies, theme_id=str(themes[1].id), host_region_id=str(region("12").id),
        online_url=ONLINE, description="Vi talar om kompetens."))
    assert response.status_code == 302
    meeting = session.scalar(select(Meeting).order_by(Meeting.id.desc()))
    assert response.location == f"/meetings/{meeting.id}"
    assert (meeting.title, meeting.theme_id, meeting.host_region.code) == (
        "Kompetensförsörjning i hela landet", themes[1].id, "12")
    # Typed in Stockholm time, stored as the moment it is.
    assert aware(meeting.start_at) == at(YEAR, 3, 10, 10)
    assert aware(meeting.end_at) == at(YEAR, 3, 10, 15)
    assert meeting.status is MeetingStatus.PLANNED and meeting.online_url == ONLINE
    page = text_of(staff_client.get(response.location))
    assert "Kompetensförsörjning i hela landet" in page and f"10 mars {YEAR}" in page


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"end_time": "09:00"}, "end_time", "end after it starts"),
        ({"end_time": "10:00"}, "end_time", "end after it starts"),
        ({"online_url": "meet.example.se/forum"}, "online_url", "https://meet.example.se"),
        ({"online_url": "javascript:alert(1)"}, "online_url", "https://meet.example.se"),
        ({"title": ""}, "title", None),
        ({"day": "10/3"}, "day", "YYYY-MM-DD"),
        ({"body_id": ""}, "body_id", None),
    ],
)
def test_the_form_explains_each_mistake_beside_its_field_and_saves_nothing(
    staff_client, session, bodies, change, field, words
):
    english(staff_client)
    before = count(session, Meeting)
    data = form_data(bodies, **change)
    response = staff_client.post("/meetings/new", data=data)
    assert response.status_code == 200
    page = text_of(response)
    error = re.search(rf'<p class="error-message" id="{field}-error">(.*?)</p>', page, re.DOTALL)
    assert error, f"no message beside {field}"
    if words:
        assert words in error.group(1)
    control = re.search(rf'<(?:input|select|textarea)[^>]*\bid="{field}"[^>]*>', page).group(0)
    assert re.search(rf'aria-describedby="[^"]*\b{field}-error"', control), control
    assert 'aria-invalid="true"' in control
    assert 'class="error-summary"' in page and f'href="#{field}"' in page
    # What was typed is still there.
    assert 'value="Regionhuset Malmö"' in page and 'value="Dockplatsen 26, Malmö"' in page
    assert count(session, Meeting) == before


def test_a_meeting_prepares_only_a_meeting_of_the_other_body(
    staff_client, session, bodies, make_meeting
):
    politicians = make_meeting("politikerforum", at(YEAR, 4, 14), title="Politikermötet")
    response = staff_client.post("/meetings/new", data=form_data(
        bodies, prepares_id=str(politicians.id)))
    assert response.status_code == 200
    assert 'id="prepares_id-error"' in response.get_data(as_text=True)
    assert count(session, Meeting) == 1

    response = staff_client.post("/meetings/new", data=form_data(
        bodies, body_id=str(bodies["tjanstepersonsforum"].id), prepares_id=str(politicians.id),
        title="Tjänstepersonsmötet"))
    assert response.status_code == 302
    officials = session.scalar(select(Meeting).where(Meeting.title == "Tjänstepersonsmötet"))
    # Each shows the other.
    assert "Politikermötet" in text_of(staff_client.get(response.location))
    assert "Tjänstepersonsmötet" in text_of(staff_client.get(f"/meetings/{politicians.id}"))
    assert officials.prepares_id == politicians.id


def test_moving_a_meeting_tells_every_participant_once(
    staff_client, session, world, bodies, make_meeting
):
    meeting = make_meeting(address="Dockplatsen 26")
    uid = meeting.uid
    english(staff_client)  # the secretariat's language is not the participants'
    edit = staff_client.get(f"/meetings/{meeting.id}/edit")
    assert edit.status_code == 200
    page = edit.get_data(as_text=True)
    assert f'value="{YEAR}-03-10"' in page and 'value="10:00"' in page and 'value="14:00"' in page

    response = staff_client.post(f"/meetings/{meeting.id}/edit", data=form_data(
        bodies, title=meeting.title, day=f"{YEAR}-03-17", start_time="13:00",
        end_time="16:00", address="Dockplatsen 26", online_url=ONLINE))
    assert response.status_code == 302
    session.expire_all()
    assert meeting.uid == uid and meeting.revision == 1
    assert aware(meeting.start_at) == at(YEAR, 3, 17, 13)
    mails = outbox(session)
    assert sorted(m.to_address for m in mails) == ["anna@region.se", "bertil@region.se"]
    by = {m.to_address: m for m in mails}
    assert by["anna@region.se"].language == "sv" and by["bertil@region.se"].language == "en"
    assert f"17 mars {YEAR}, kl. 13.00" in by["anna@region.se"].text_body
    assert f"17 March {YEAR}, 13:00" in by["bertil@region.se"].text_body
    assert "every participant was told" in flashes(staff_client)


def test_changing_only_the_description_sends_nothing(
    staff_client, session, world, bodies, make_meeting
):
    meeting = make_meeting(address="Dockplatsen 26")
    response = staff_client.post(f"/meetings/{meeting.id}/edit", data=form_data(
        bodies, title=meeting.title, day=f"{YEAR}-03-10", start_time="10:00",
        end_time="14:00", address="Dockplatsen 26", online_url=ONLINE,
        description="Ny beskrivning."))
    assert response.status_code == 302
    session.expire_all()
    assert meeting.description == "Ny beskrivning." and meeting.revision == 1
    assert outbox(session) == []


@pytest.mark.parametrize(("change", "field"), [
    ({"end_time": "12:00"}, "end_time"),
    ({"online_url": "inte en länk"}, "online_url"),
])
def test_an_invalid_move_changes_nothing(
    staff_client, session, world, bodies, make_meeting, change, field
):
    meeting = make_meeting()
    data = form_data(bodies, title=meeting.title, day=f"{YEAR}-03-17", start_time="13:00",
                     end_time="16:00", online_url=ONLINE)
    data.update(change)
    response = staff_client.post(f"/meetings/{meeting.id}/edit", data=data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page
    assert f'value="{YEAR}-03-17"' in page and 'value="13:00"' in page  # as typed
    session.expire_all()
    assert aware(meeting.start_at) == at(YEAR, 3, 10) and meeting.revision == 0
    assert outbox(session) == []


# --- confirming, cancelling, held ------------------------------------------------------------


def test_confirming_needs_a_venue_or_a_link(staff_client, session, world, make_meeting):
    nowhere = make_meeting(venue="", online_url="")
    response = staff_client.post(f"/meetings/{nowhere.id}/status", data={"status": "confirmed"})
    assert response.status_code == 302
    assert response.location == f"/meetings/{nowhere.id}/edit"
    session.expire_all()
    assert nowhere.status is MeetingStatus.PLANNED and outbox(session) == []

    online_only = make_meeting(venue="", online_url=ONLINE, start=at(YEAR, 5, 5))
    page = text_of(staff_client.get(f"/meetings/{online_only.id}"))
    assert 'name="status" value="confirmed"' in page
    response = staff_client.post(f"/meetings/{online_only.id}/status",
                                 data={"status": "confirmed"})
    assert response.location == f"/meetings/{online_only.id}"
    session.expire_all()
    assert online_only.status is MeetingStatus.CONFIRMED and online_only.revision == 1
    mails = outbox(session)
    assert sorted(m.to_address for m in mails) == ["anna@region.se", "bertil@region.se"]
    assert {m.kind for m in mails} == {"meeting_confirmed"}
    # Confirmed once: the button is gone.
    assert 'value="confirmed"' not in staff_client.get(f"/meetings/{online_only.id}").text


def test_cancelling_needs_a_reason_beside_the_field(staff_client, session, world, make_meeting):
    meeting = make_meeting()
    form = staff_client.get(f"/meetings/{meeting.id}/cancel")
    assert form.status_code == 200 and meeting.title in text_of(form)
    response = staff_client.post(f"/meetings/{meeting.id}/cancel", data={"reason": "   "})
    assert response.status_code == 200
    assert 'id="reason-error"' in response.get_data(as_text=True)
    session.expire_all()
    assert meeting.status is MeetingStatus.PLANNED and outbox(session) == []


def test_a_cancelled_meeting_stays_marked_and_closed(
    app, staff_client, session, world, bodies, make_meeting, as_
):
    meeting = make_meeting(title="Vårens möte")
    item = AgendaItem(meeting_id=meeting.id, position=1, title="Inledning")
    session.add(item)
    session.commit()
    response = staff_client.post(f"/meetings/{meeting.id}/cancel",
                                 data={"reason": "För få kan delta."})
    assert response.status_code == 302 and response.location == f"/meetings/{meeting.id}"
    session.expire_all()
    assert session.get(Meeting, meeting.id).status is MeetingStatus.CANCELLED
    mails = outbox(session)
    assert sorted(m.to_address for m in mails) == ["anna@region.se", "bertil@region.se"]
    assert {m.kind for m in mails} == {"meeting_cancelled"}
    assert all("För få kan delta." in m.text_body for m in mails)

    # Still in the list, marked, in either language.
    anonymous = app.test_client()
    listing = text_of(anonymous.get(f"/meetings?year={YEAR}"))
    card = listing.split(f'id="meeting-{meeting.id}"', 1)[1].split("</li>", 1)[0]
    assert "Vårens möte" in card and "Inställt" in card
    card = text_of(english(anonymous).get(f"/meetings?year={YEAR}")).split(
        f'id="meeting-{meeting.id}"', 1)[1].split("</li>", 1)[0]
    assert "Cancelled" in card
    english(staff_client)
    page = text_of(staff_client.get(f"/meetings/{meeting.id}"))
    assert "För få kan delta." in page
    assert f"/meetings/{meeting.id}/edit" not in page
    assert f"/meetings/{meeting.id}/cancel" not in page

    # No further changes, by any door.
    revision = meeting.revision
    edit = staff_client.post(f"/meetings/{meeting.id}/edit", data=form_data(
        bodies, title="Ändå?", online_url=ONLINE))
    assert edit.status_code == 200 and "cannot be changed" in text_of(edit)
    again = staff_client.post(f"/meetings/{meeting.id}/cancel", data={"reason": "Igen."})
    assert again.status_code == 302
    for url, data in (
        (f"/meetings/{meeting.id}/status", {"status": "confirmed"}),
        (f"/meetings/{meeting.id}/status", {"status": "held"}),
        (f"/meetings/{meeting.id}/agenda", {"title": "Sent"}),
        (f"/agenda/{item.id}", {"action": "remove"}),
        (f"/meetings/{meeting.id}/guests", {"person_id": str(world.gustav.id)}),
    ):
        response = staff_client.post(url, data=data)
        assert response.status_code == 302, url
        assert "cancel" in flashes(staff_client), url
    refused = as_("anna", "en").post(f"/meetings/{meeting.id}/answer",
                                     data={"answer": "attending"})
    assert refused.status_code == 400 and "The meeting is cancelled." in text_of(refused)
    session.expire_all()
    meeting = session.get(Meeting, meeting.id)
    assert meeting.title == "Vårens möte" and meeting.status is MeetingStatus.CANCELLED
    assert meeting.revision == revision and [i.title for i in meeting.agenda] == ["Inledning"]
    assert count(session, MeetingGuest) == 0 and count(session, MeetingAnswer) == 0
    assert len(outbox(session)) == 2


def test_held_only_after_it_has_started(staff_client, session, world, make_meeting):
    english(staff_client)
    coming = make_meeting(status=MeetingStatus.CONFIRMED)
    assert 'value="held"' not in staff_client.get(f"/meetings/{coming.id}").text
    staff_client.post(f"/meetings/{coming.id}/status", data={"status": "held"})
    assert "once it has started" in flashes(staff_client)
    session.expire_all()
    assert coming.status is MeetingStatus.CONFIRMED

    past = make_meeting(start=at(2025, 3, 11), status=MeetingStatus.CONFIRMED)
    assert 'value="held"' in staff_client.get(f"/meetings/{past.id}").text
    staff_client.post(f"/meetings/{past.id}/status", data={"status": "held"})
    session.expire_all()
    assert past.status is MeetingStatus.HELD
    # Anything but the two statuses is ignored.
    staff_client.post(f"/meetings/{past.id}/status", data={"status": "cancelled"})
    session.expire_all()
    assert past.status is MeetingStatus.HELD


# --- guests -----------------------------------------------------------------------------------


def test_inviting_and_removing_guests(staff_client, session, world, make_meeting):
    english(staff_client)
    meeting = make_meeting()
    response = staff_client.post(f"/meetings/{meeting.id}/guests",
                                 data={"person_id": str(world.gustav.id)})
    assert response.status_code == 302 and response.location.endswith("#participants")
    [guest] = session.scalars(select(MeetingGuest)).all()
    assert guest.person_id == world.gustav.id
    [mail] = outbox(session)
    assert (mail.to_address, mail.kind) == ("gustav@verket.se", "meeting_invitation")

    # Twice is refused, and so is a member of the body; the reason is shown.
    staff_client.post(f"/meetings/{meeting.id}/guests", data={"person_id": str(world.gustav.id)})
    assert "already invited" in flashes(staff_client)
    staff_client.post(f"/meetings/{meeting.id}/guests", data={"person_id": str(world.anna.id)})
    assert "member of the body" in flashes(staff_client)
    staff_client.post(f"/meetings/{meeting.id}/guests", data={"person_id": "999999"})
    assert count(session, MeetingGuest) == 1 and len(outbox(session)) == 1

    participants = section(text_of(staff_client.get(f"/meetings/{meeting.id}")),
                           "participants-heading")
    assert "Gustav Gäst" in participants and "Gästverket" in participants

    response = staff_client.post(f"/guests/{guest.id}/remove")
    assert response.status_code == 302
    assert count(session, MeetingGuest) == 0
    participants = section(text_of(staff_client.get(f"/meetings/{meeting.id}")),
                           "participants-heading")
    assert "Gustav Gäst" not in participants
    assert staff_client.post(f"/guests/{guest.id}/remove").status_code == 404


# --- answers ----------------------------------------------------------------------------------


def test_members_and_guests_answer_from_the_meetings_page(
    session, world, make_meeting, as_, staff_client
):
    meeting = make_meeting()
    session.add(MeetingGuest(meeting_id=meeting.id, person_id=world.gustav.id))
    session.commit()
    cases = [
        ("anna", {"answer": "attending"}, Answer.ATTENDING, ""),
        ("bertil", {"answer": "substitute", "substitute_name": "Sara Suppleant",
                    "substitute_email": "sara@region.se"}, Answer.SUBSTITUTE, "Sara Suppleant"),
        ("gustav", {"answer": "declined"}, Answer.DECLINED, ""),
    ]
    for name, data, value, substitute in cases:
        client = as_(name)
        page = text_of(client.get(f"/meetings/{meeting.id}"))
        assert 'id="answer-heading"' in page, name
        response = client.post(f"/meetings/{meeting.id}/answer", data=data)
        assert response.status_code == 302 and response.location == f"/meetings/{meeting.id}"
        person = getattr(world, name)
        saved = session.scalar(select(MeetingAnswer).where(MeetingAnswer.person_id == person.id))
        assert (saved.answer, saved.substitute_name) == (value, substitute), name
        # The answer is shown back, chosen.
        page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
        assert re.search(rf'<input checked[^>]*value="{value.value}"', page) or re.search(
            rf'value="{value.value}"[^>]*checked', page), name

    participants = section(text_of(english(staff_client).get(f"/meetings/{meeting.id}")),
                           "participants-heading")
    assert "Attending: 1 · Substitutes: 1 · Declined: 1 · Not answered: 0" in participants
    assert "Substitute: Sara Suppleant" in participants


def test_a_substitute_without_a_name_is_explained_beside_the_field(
    session, world, make_meeting, as_
):
    meeting = make_meeting()
    client = as_("anna", "en")
    response = client.post(f"/meetings/{meeting.id}/answer",
                           data={"answer": "substitute", "substitute_name": " ",
                                 "substitute_email": "sara@region.se"})
    assert response.status_code == 400
    page = text_of(response)
    error = re.search(r'id="substitute_name-error">(.*?)</p>', page, re.DOTALL)
    assert error and "Give the substitute's name." in error.group(1)
    assert 'class="error-summary"' in page
    # What was typed is kept.
    assert 'value="sara@region.se"' in page
    assert re.search(r'value="substitute"[^>]*checked|checked[^>]*value="substitute"', page)
    response = client.post(f"/meetings/{meeting.id}/answer", data={})
    assert response.status_code == 400 and 'id="answer-error"' in response.text
    assert count(session, MeetingAnswer) == 0


def test_a_secretariat_member_who_takes_part_gets_the_message_too(
    app, session, make_meeting, make_nomination, make_account, login
):
    """Someone of the secretariat who also sits in the body sees the full page again, with
    the message, after a mistake in the answer."""
    staff = make_account("secretariat")
    make_nomination(staff.person, region_code="03", seat_slug="majoritet")
    meeting = make_meeting()
    client = login(app.test_client(), staff)
    response = client.post(f"/meetings/{meeting.id}/answer",
                           data={"answer": "substitute", "substitute_name": ""})
    assert response.status_code == 400
    assert 'id="substitute_name-error"' in response.get_data(as_text=True)


@pytest.mark.parametrize("who", ["david", "gustav", "plain"])
def test_someone_who_does_not_take_part_cannot_answer(
    app, session, world, make_meeting, as_, make_account, login, who
):
    meeting = make_meeting()  # a politicians' meeting; David sits in the officials' forum
    client = (login(app.test_client(), make_account("plain")) if who == "plain"
              else as_(who))
    assert client.post(f"/meetings/{meeting.id}/answer",
                       data={"answer": "attending"}).status_code == 403
    page = text_of(client.get(f"/meetings/{meeting.id}"))
    assert 'id="answer-heading"' not in page
    assert count(session, MeetingAnswer) == 0


def test_anonymous_answers_are_sent_to_log_in(client, session, world, make_meeting):
    meeting = make_meeting()
    response = client.post(f"/meetings/{meeting.id}/answer", data={"answer": "attending"})
    assert response.status_code == 302 and response.location.startswith("/login?next=")
    assert count(session, MeetingAnswer) == 0


def test_no_answers_after_the_meeting(session, world, make_meeting, as_):
    past = make_meeting(start=at(2025, 3, 11), status=MeetingStatus.HELD)
    client = as_("anna", "en")
    page = text_of(client.get(f"/meetings/{past.id}"))
    assert "Answers are closed." in page
    assert f'action="/meetings/{past.id}/answer"' not in page
    response = client.post(f"/meetings/{past.id}/answer", data={"answer": "attending"})
    assert response.status_code == 400
    assert "already taken place" in text_of(response)
    assert count(session, MeetingAnswer) == 0


def test_answering_from_my_meetings(session, world, make_meeting, as_):
    first = make_meeting(start=at(YEAR, 3, 10), title="Marsmötet")
    second = make_meeting(start=at(YEAR, 5, 12), title="Majmötet")
    client = as_("anna", "en")
    page = client.get("/my/meetings").get_data(as_text=True)
    # Each meeting's form has ids of its own.
    for meeting in (first, second):
        assert f'id="m{meeting.id}-answer-0"' in page
        assert f'id="m{meeting.id}-substitute_name"' in page
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "duplicate ids on my meetings"

    response = client.post(f"/meetings/{second.id}/answer", data={
        "back": "mine", f"m{second.id}-answer": "substitute",
        f"m{second.id}-substitute_name": "Sara Suppleant"})
    assert response.status_code == 302
    assert response.location == f"/my/meetings#meeting-{second.id}"
    saved = session.scalar(select(MeetingAnswer))
    assert (saved.meeting_id, saved.answer, saved.substitute_name) == (
        second.id, Answer.SUBSTITUTE, "Sara Suppleant")
    page = client.get("/my/meetings").get_data(as_text=True)
    card = page.split(f'id="meeting-{second.id}"', 1)[1].split("</li>", 1)[0]
    assert 'value="Sara Suppleant"' in card
    assert re.search(r'<input checked[^>]*value="substitute"', card) or re.search(
        r'value="substitute"[^>]*checked', card)

    # A mistake there is told with the meeting's name, and nothing is saved.
    response = client.post(f"/meetings/{first.id}/answer", data={
        "back": "mine", f"m{first.id}-answer": "substitute"})
    assert response.location == f"/my/meetings#meeting-{first.id}"
    messages = flashes(client)
    assert "Marsmötet: Give the substitute's name." in messages
    assert count(session, MeetingAnswer) == 1


def test_my_meetings_are_exactly_mine(session, world, make_meeting, as_, make_account, login,
                                      app):
    politicians = make_meeting("politikerforum", at(YEAR, 3, 10), title="Politikermöte")
    officials = make_meeting("tjanstepersonsforum", at(YEAR, 2, 17), title="Tjänstepersonsmöte")
    with_guest = make_meeting("tjanstepersonsforum", at(YEAR, 4, 21), title="Gästmöte")
    past = make_meeting("politikerforum", at(2025, 3, 11), title="Gammalt möte",
                        status=MeetingStatus.HELD)
    session.add(MeetingGuest(meeting_id=with_guest.id, person_id=world.gustav.id))
    session.commit()

    def titles(client) -> list[str]:
        page = text_of(client.get("/my/meetings"))
        return re.findall(r'<h2 class="h3"><a href="/meetings/\d+">([^<]+)</a>', page)

    assert titles(as_("anna")) == ["Politikermöte"]
    assert titles(as_("david")) == ["Tjänstepersonsmöte", "Gästmöte"]
    assert titles(as_("gustav")) == ["Gästmöte"]
    nobody = login(app.test_client(), make_account("plain"))
    assert titles(nobody) == []
    assert past.title not in text_of(as_("anna").get("/my/meetings"))
    # Nor does the member's page show them the other body's meeting.
    assert politicians.title not in text_of(as_("david").get("/my/meetings"))
    assert officials.title not in text_of(as_("anna").get("/my/meetings"))


# --- the agenda -------------------------------------------------------------------------------


def agenda(session, meeting) -> list[tuple[int, str]]:
    session.expire_all()
    return [(i.position, i.title) for i in session.scalars(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
        .order_by(AgendaItem.position))]


def test_the_agenda_is_added_to_moved_and_trimmed(staff_client, session, make_meeting):
    english(staff_client)
    meeting = make_meeting()
    for title, presenter, starts in (("Inledning", "Kansliet", "10:00"), ("Tema", "", ""),
                                     ("Avslutning", "", "14:30")):
        response = staff_client.post(f"/meetings/{meeting.id}/agenda", data={
            "title": title, "presenter": presenter, "starts_at": starts})
        assert response.status_code == 302 and response.location.endswith("#agenda")
    assert agenda(session, meeting) == [(1, "Inledning"), (2, "Tema"), (3, "Avslutning")]
    staff_client.post(f"/meetings/{meeting.id}/agenda", data={"title": ""})
    assert "Agenda item: This field is required." in flashes(staff_client)
    assert len(agenda(session, meeting)) == 3

    items = {i.title: i.id for i in session.scalars(select(AgendaItem))}
    staff_client.post(f"/agenda/{items['Avslutning']}", data={"action": "up"})
    assert agenda(session, meeting) == [(1, "Inledning"), (2, "Avslutning"), (3, "Tema")]
    staff_client.post(f"/agenda/{items['Inledning']}", data={"action": "down"})
    assert agenda(session, meeting) == [(1, "Avslutning"), (2, "Inledning"), (3, "Tema")]
    staff_client.post(f"/agenda/{items['Inledning']}", data={"action": "remove"})
    assert agenda(session, meeting) == [(1, "Avslutning"), (2, "Tema")]
    # An unknown button changes nothing.
    response = staff_client.post(f"/agenda/{items['Tema']}", data={"action": "sideways"})
    assert response.status_code == 302
    assert agenda(session, meeting) == [(1, "Avslutning"), (2, "Tema")]
    page = text_of(staff_client.get(f"/meetings/{meeting.id}"))
    shown = section(page, "agenda-heading")
    assert shown.index("Avslutning") < shown.index("Tema")
    assert "14:30" in shown and "Inledning" not in shown


# --- the list -----------------------------------------------------------------------------------


def test_the_list_filters_and_separates_upcoming_from_past(
    client, session, bodies, themes, make_meeting
):
    first, second = themes[0], themes[1]
    coming_p = make_meeting("politikerforum", at(YEAR, 3, 10), theme_id=first.id,
                            title="Kommande politikermöte")
    coming_o = make_meeting("tjanstepersonsforum", at(YEAR, 2, 17), theme_id=first.id,
                            title="Kommande tjänstepersonsmöte")
    later = make_meeting("politikerforum", at(YEAR + 1, 5, 11), theme_id=second.id,
                         title="Nästa års möte")
    past = make_meeting("politikerforum", at(2025, 3, 11), theme_id=second.id,
                        title="Hållet möte", status=MeetingStatus.HELD)

    def listed(query: str = "") -> tuple[list[str], list[str]]:
        response = client.get("/meetings" + query)
        assert response.status_code == 200
        page = text_of(response)
        upcoming = section(page, "upcoming-heading")
        held = section(page, "past-heading")
        pick = r'<h3><a href="/meetings/\d+">(?:<span[^>]*>[^<]*</span> )?([^<]+)</a>'
        return re.findall(pick, upcoming), re.findall(pick, held)

    everything = listed()
    assert everything[0][:3] == [coming_o.title, coming_p.title, later.title]
    assert past.title in everything[1] and past.title not in everything[0]

    politicians = listed(f"?body={bodies['politikerforum'].id}")
    assert coming_o.title not in politicians[0] + politicians[1]
    assert coming_p.title in politicians[0] and past.title in politicians[1]

    assert listed(f"?theme={second.id}") == ([later.title], [past.title])
    assert listed(f"?year={YEAR}") == ([coming_o.title, coming_p.title], [])
    assert listed(f"?year=2025&body={bodies['politikerforum'].id}") == ([], [past.title])
    assert listed(f"?year={YEAR}&theme={second.id}") == ([], [])
    # A year's choices are the years that have meetings.
    page = client.get("/meetings").get_data(as_text=True)
    assert f'<option value="{YEAR + 1}">' in page and '<option value="2025">' in page
    # Nonsense in the query shows everything rather than failing.
    assert client.get("/meetings?body=abc&year=x").status_code == 200


# --- who sees what ------------------------------------------------------------------------------


def test_the_link_and_the_participants_are_for_those_concerned(
    app, client, session, world, make_meeting, as_, staff_client
):
    meeting = make_meeting(title="Hemligt länkmöte")
    session.add(MeetingGuest(meeting_id=meeting.id, person_id=world.gustav.id))
    session.commit()
    url = f"/meetings/{meeting.id}"

    for who, reader in (("public", client), ("the other body", as_("david"))):
        page = text_of(reader.get(url))
        assert "Hemligt länkmöte" in page and "Regionhuset Malmö" in page, who
        assert ONLINE not in page, who
        assert 'id="participants-heading"' not in page, who
        assert "Anna Andersson" not in page and "Bertil Berg" not in page, who

    for who in ("anna", "gustav"):
        page = text_of(as_(who).get(url))
        assert f'href="{ONLINE}"' in page, who
        assert 'id="participants-heading"' not in page, who
        assert "Bertil Berg" not in page, who

    page = text_of(staff_client.get(url))
    assert f'href="{ONLINE}"' in page
    participants = section(page, "participants-heading")
    for name in ("Anna Andersson", "Bertil Berg", "Gustav Gäst"):
        assert name in participants
    assert "David Dahl" not in participants


# --- queries ------------------------------------------------------------------------------------


def test_the_list_and_a_meeting_cost_a_constant_number_of_queries(
    app, session, bodies, themes, region, make_meeting, make_person, make_nomination,
    make_organisation, make_account, login, count_queries
):
    staff = login(app.test_client(), make_account("secretariat"))
    member = make_person("Mätt", "Ledamot")
    make_nomination(member, region_code="05", seat_slug="majoritet")
    member_client = login(app.test_client(), make_account("member", person=member))

    def grow(n: int, offset: int) -> Meeting:
        meeting = None
        for i in range(n):
            meeting = make_meeting(
                "politikerforum" if i % 2 else "tjanstepersonsforum",
                at(YEAR - 1 + i % 3, 2 + i % 9, 3 + offset + i % 5), theme_id=themes[i % 4].id,
                host_region_id=region(("01", "12", "14", "25")[i % 4]).id,
                status=MeetingStatus.CANCELLED if i % 5 == 4 else MeetingStatus.PLANNED)
        return meeting

    def fill(meeting: Meeting, people: int) -> None:
        agency = make_organisation()
        first = count(session, AgendaItem) + 1
        for i in range(people):
            guest = make_person("Gäst", organisation=agency)
            session.add(MeetingGuest(meeting_id=meeting.id, person_id=guest.id))
            session.add(MeetingAnswer(meeting_id=meeting.id, person_id=guest.id,
                                      answer=Answer.ATTENDING))
            session.add(AgendaItem(meeting_id=meeting.id, position=first + i, title=f"Punkt {i}"))
        session.commit()

    def nominate(codes) -> None:
        for code in codes:
            for slug in ("majoritet", "opposition"):
                make_nomination(make_person(), region_code=code, seat_slug=slug)

    meeting = make_meeting("politikerforum", at(YEAR, 3, 10), theme_id=themes[0].id)
    grow(3, 0)
    fill(meeting, 2)
    nominate(("01",))
    urls = {"list": ("/meetings", staff), "list, public": ("/meetings", app.test_client()),
            "meeting": (f"/meetings/{meeting.id}", staff),
            "meeting, member": (f"/meetings/{meeting.id}", member_client),
            "my meetings": ("/my/meetings", member_client)}

    def measure() -> dict[str, tuple[int, list[str]]]:
        found = {}
        for name, (url, reader) in urls.items():
            reader.get(url)  # warm up
            with count_queries() as counter:
                response = reader.get(url)
            assert response.status_code == 200, name
            found[name] = (counter.count, counter.statements)
        return found

    small = measure()
    grow(20, 1)
    fill(meeting, 12)
    nominate(("03", "04", "06", "07", "08"))
    large = measure()
    for name in urls:
        assert large[name][0] == small[name][0], (
            f"{name}: {small[name][0]} queries, then {large[name][0]}:\n"
            + "\n---\n".join(large[name][1]))
    # And the pages really show the larger data.
    assert text_of(staff.get("/meetings")).count('class="meeting-card') == 24
    participants = section(text_of(staff.get(f"/meetings/{meeting.id}")), "participants-heading")
    # 1 + 2 + 5 × 2 members, 2 + 12 guests.
    assert participants.count('href="/people/') == 13 + 14
    assert text_of(member_client.get("/my/meetings")).count('class="meeting-card') >= 2


# --- real mail --------------------------------------------------------------------------------


def test_a_move_is_delivered_to_every_participant_over_smtp(
    app, staff_client, session, world, bodies, make_meeting, smtp_server
):
    app.config["MAIL_DELIVERY"] = "sync"
    meeting = make_meeting(title="Flyttat möte", address="Dockplatsen 26")
    response = staff_client.post(f"/meetings/{meeting.id}/edit", data=form_data(
        bodies, title="Flyttat möte", day=f"{YEAR}-03-17", start_time="13:00",
        end_time="16:00", address="Dockplatsen 26", online_url=ONLINE))
    assert response.status_code == 302

    # Delivered within the request that saved the move.
    assert sorted(r for m in smtp_server.messages for r in m.rcpt_tos) == [
        "anna@region.se", "bertil@region.se"]
    [swedish] = smtp_server.to("anna@region.se")
    [english] = smtp_server.to("bertil@region.se")
    assert swedish["Content-Language"] == "sv" and english["Content-Language"] == "en"
    assert "Flyttat möte" in swedish["Subject"] and "Flyttat möte" in english["Subject"]
    assert f"17 mars {YEAR}, kl. 13.00" in swedish.text
    assert f"17 March {YEAR}, 13:00" in english.text
    assert f'<a href="http://forum.test/meetings/{meeting.id}">' in swedish.html
    assert '<html lang="sv">' in swedish.html and '<html lang="en">' in english.html
    assert all(m.status is OutboxStatus.SENT for m in outbox(session))
