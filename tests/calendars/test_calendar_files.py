"""What our iCalendar text says, read by the icalendar library and by Mozilla's ical.js: the
calendar's own properties (RFC 5545 with RFC 7986's NAME and REFRESH-INTERVAL), each
meeting's event with its status, times, place and links, what only participants see, the
meeting as a download, and Swedish characters folded without breaking them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote

import pytest
from calendars_fixtures import ONLINE, SECRET_AGENDA, at, aware, english, unfold
from sqlalchemy import select

from forum.calendars import feeds, ics
from forum.meetings.models import Meeting, MeetingGuest, MeetingStatus
from forum.roster.models import Body

pytestmark = pytest.mark.usefixtures("fresh_feeds")

BODY_FEED = "/calendar/politikerforum.ics"


@pytest.fixture
def meetings(make_meeting, calendar_theme):
    """One meeting of the politicians' forum in each status, all with the private fields
    filled in, and one of the officials' forum."""
    common = {"theme_id": calendar_theme.id, "online_url": ONLINE, "agenda": (SECRET_AGENDA,)}
    return {
        "planned": make_meeting(at(2026, 2, 24, 10), hours=5, title="Kompetensförsörjning",
                                description="Hur regionerna når kompetensen.", **common),
        "confirmed": make_meeting(at(2026, 6, 16, 9, 30), status=MeetingStatus.CONFIRMED,
                                  title="Tillgänglighet i hela landet", revision=3, **common),
        "held": make_meeting(at(2025, 11, 18, 13), status=MeetingStatus.HELD,
                             title="Innovation och förnyelse", **common),
        "cancelled": make_meeting(at(2026, 9, 8, 10), status=MeetingStatus.CANCELLED,
                                  title="Likvärdiga möjligheter", cancel_reason="För få anmälda.",
                                  **common),
        "officials": make_meeting(at(2026, 2, 10, 10), body="tjanstepersonsforum",
                                  title="Tjänstepersonernas förberedelse", **common),
    }


def body_feed(client, slug="politikerforum", read_ics=None, **query):
    response = client.get(f"/calendar/{slug}.ics", query_string=query)
    assert response.status_code == 200
    return read_ics(response.data) if read_ics else response


# --- the calendar -----------------------------------------------------------------------


def test_a_body_feed_names_itself_and_says_how_often_to_fetch_it(client, meetings, read_ics):
    feed = body_feed(client, read_ics=read_ics)
    cal = feed.calendar
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["PRODID"]) == ics.PRODID
    assert str(cal["CALSCALE"]) == "GREGORIAN"
    assert str(cal["METHOD"]) == "PUBLISH"
    assert str(cal["NAME"]) == "Forum – politikerforum"
    assert str(cal["X-WR-CALNAME"]) == "Forum – politikerforum"
    assert cal["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert cal["REFRESH-INTERVAL"].dt == timedelta(hours=1)
    assert str(cal["X-PUBLISHED-TTL"]) == "PT1H"
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Stockholm"]

    js = dict(feed.js["calendar"])
    # The feed's description for Apple and Google, beside RFC 7986's DESCRIPTION.
    assert set(js.pop("x_props")) == {"X-WR-CALDESC"}
    assert js == {
        "prodid": ics.PRODID,
        "version": "2.0",
        "calscale": "GREGORIAN",
        "method": "PUBLISH",
        "name": "Forum – politikerforum",
        "x_wr_calname": "Forum – politikerforum",
        "refresh_interval": "PT1H",
        "refresh_interval_type": "duration",
        "x_published_ttl": "PT1H",
        "timezones": ["Europe/Stockholm"],
        "x_wr_timezone": "Europe/Stockholm",
    }
    # The raw lines too: RFC 7986 wants the value type written on REFRESH-INTERVAL.
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in feed.raw
    assert b"\r\nX-PUBLISHED-TTL:PT1H\r\n" in feed.raw


def test_each_body_feed_has_its_own_name_and_only_its_own_meetings(client, meetings, read_ics):
    politicians = body_feed(client, read_ics=read_ics)
    officials = body_feed(client, "tjanstepersonsforum", read_ics=read_ics)
    assert officials.js["calendar"]["name"] == "Forum – tjänstepersonsforum"
    assert str(officials.calendar["X-WR-CALNAME"]) == "Forum – tjänstepersonsforum"
    assert officials.uids() == [meetings["officials"].uid]
    # Past, planned, confirmed and cancelled alike, in the order they take place.
    assert politicians.uids() == [meetings[k].uid for k in
                                  ("held", "planned", "confirmed", "cancelled")]


def test_a_body_feed_in_english_has_the_english_name(client, meetings, read_ics):
    feed = body_feed(client, read_ics=read_ics, lang="en")
    assert feed.js["calendar"]["name"] == "Forum – politicians' forum"
    assert feed.js["calendar"]["x_wr_calname"] == "Forum – politicians' forum"


def test_an_unknown_body_has_no_feed(client):
    assert client.get("/calendar/ingenting.ics").status_code == 404


def test_a_body_without_meetings_has_a_valid_empty_feed(client, read_ics):
    feed = body_feed(client, read_ics=read_ics)
    assert feed.uids() == []
    assert feed.js["calendar"]["timezones"] == ["Europe/Stockholm"]


# --- the events -------------------------------------------------------------------------


def test_every_event_carries_the_meeting_as_it_is_stored(client, session, meetings, read_ics,
                                                        calendar_theme):
    feed = body_feed(client, read_ics=read_ics)
    planned = meetings["planned"]
    session.refresh(planned)
    event, js = feed.event(planned.uid)

    updated = aware(planned.updated_at).replace(microsecond=0)
    created = aware(planned.created_at).replace(microsecond=0)
    assert event["DTSTAMP"].dt == updated  # the last change: the same content, the same bytes
    assert event["CREATED"].dt == created
    assert event["LAST-MODIFIED"].dt == updated
    assert int(event["SEQUENCE"]) == planned.revision
    for name in ("DTSTART", "DTEND"):
        assert event[name].params["TZID"] == "Europe/Stockholm"
    assert event["DTSTART"].dt == at(2026, 2, 24, 10)
    assert event["DTEND"].dt == at(2026, 2, 24, 15)
    assert str(event["SUMMARY"]) == "Kompetensförsörjning"
    assert str(event["LOCATION"]) == "Regionhuset Malmö, Dockplatsen 26, Malmö"
    assert str(event["URL"]) == f"http://forum.test/meetings/{planned.id}"
    assert [str(c) for c in event["CATEGORIES"].cats] == [calendar_theme.name_sv]
    assert str(event["ORGANIZER"]) == "mailto:forum@test.example"
    assert event["ORGANIZER"].params["CN"] == "Forum"
    assert str(event["STATUS"]) == "TENTATIVE"
    assert str(event["TRANSP"]) == "OPAQUE"

    assert js["uid"] == planned.uid
    assert js["sequence"] == planned.revision
    assert js["dtstamp"] == js["last_modified"] == updated.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert js["created"] == created.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert js["start"] == {"tzid": "Europe/Stockholm", "local": "2026-02-24T10:00:00",
                           "utc": "2026-02-24T09:00:00Z", "is_date": False,
                           "zone": "Europe/Stockholm"}
    assert js["end"]["local"] == "2026-02-24T15:00:00"
    assert js["end"]["utc"] == "2026-02-24T14:00:00Z"
    assert js["summary"] == "Kompetensförsörjning"
    assert js["location"] == "Regionhuset Malmö, Dockplatsen 26, Malmö"
    assert js["url"] == f"http://forum.test/meetings/{planned.id}"
    assert js["categories"] == [calendar_theme.name_sv]
    assert js["organizer"] == {"value": "mailto:forum@test.example", "cn": "Forum"}
    assert js["status"] == "TENTATIVE"


def test_the_description_gives_body_theme_text_and_link(client, meetings, read_ics,
                                                       calendar_theme):
    feed = body_feed(client, read_ics=read_ics)
    planned = meetings["planned"]
    event, js = feed.event(planned.uid)
    lines = js["description"].split("\n")
    assert lines[0] == "Politikerforum"
    assert "Hur regionerna når kompetensen." in lines
    assert lines[-1].endswith(f"http://forum.test/meetings/{planned.id}")
    assert str(event["DESCRIPTION"]) == js["description"]


def test_the_description_is_in_swedish_in_a_swedish_feed(client, meetings, read_ics,
                                                        calendar_theme):
    """Waits for the Swedish catalogue: "Theme: %(theme)s" and "More about the meeting:
    %(url)s" are new strings."""
    feed = body_feed(client, read_ics=read_ics)
    _, js = feed.event(meetings["planned"].uid)
    assert f"Tema: {calendar_theme.name_sv}" in js["description"].split("\n")
    assert "Theme:" not in js["description"]
    assert "More about the meeting" not in js["description"]
    about = feed.js["calendar"]["x_props"]["X-WR-CALDESC"]
    assert "Politikerforum" in about and "The meetings of" not in about


def test_the_description_is_in_english_in_an_english_feed(client, meetings, read_ics,
                                                         calendar_theme):
    feed = body_feed(client, read_ics=read_ics, lang="en")
    _, js = feed.event(meetings["planned"].uid)
    lines = js["description"].split("\n")
    assert lines[0] == "Politicians' forum"
    assert f"Theme: {calendar_theme.name_en}" in lines
    assert lines[-1] == f"More about the meeting: http://forum.test/meetings/{meetings['planned'].id}"
    assert js["categories"] == [calendar_theme.name_en]


def test_the_sequence_is_the_meetings_revision(client, meetings, read_ics, member,
                                               personal_feed_url):
    feeds_ = [body_feed(client, read_ics=read_ics),
              read_ics(client.get(personal_feed_url(member)).data),
              read_ics(client.get(f"/meetings/{meetings['confirmed'].id}.ics").data)]
    for feed in feeds_:
        event, js = feed.event(meetings["confirmed"].uid)
        assert js["sequence"] == int(event["SEQUENCE"]) == 3
    assert feeds_[0].event(meetings["planned"].uid)[1]["sequence"] == 0


@pytest.mark.parametrize("status, expected", [
    ("planned", "TENTATIVE"),
    ("confirmed", "CONFIRMED"),
    ("held", "CONFIRMED"),
    ("cancelled", "CANCELLED"),
])
def test_the_status_follows_the_meeting(client, meetings, read_ics, status, expected):
    feed = body_feed(client, read_ics=read_ics)
    event, js = feed.event(meetings[status].uid)
    assert str(event["STATUS"]) == expected
    assert js["status"] == expected


def test_a_cancelled_meeting_stays_marked_in_its_title_and_frees_the_time(client, meetings,
                                                                        read_ics):
    """Google ignores STATUS:CANCELLED, so the title says it too; TRANSP:TRANSPARENT lets
    the time be booked again."""
    cancelled = meetings["cancelled"]
    event, js = body_feed(client, read_ics=read_ics).event(cancelled.uid)
    assert js["summary"] == "Inställt: Likvärdiga möjligheter"
    assert str(event["SUMMARY"]) == "Inställt: Likvärdiga möjligheter"
    assert str(event["TRANSP"]) == "TRANSPARENT"
    assert "Mötet är inställt. För få anmälda." in js["description"].split("\n")

    event, js = body_feed(client, read_ics=read_ics, lang="en").event(cancelled.uid)
    assert js["summary"] == "Cancelled: Likvärdiga möjligheter"
    assert "The meeting is cancelled. För få anmälda." in js["description"].split("\n")
    for other in ("planned", "confirmed", "held"):
        _, js = body_feed(client, read_ics=read_ics, lang="en").event(meetings[other].uid)
        assert not js["summary"].startswith("Cancelled")


def test_a_meeting_without_theme_or_place_leaves_them_out(client, make_meeting, read_ics):
    bare = make_meeting(at(2026, 5, 5), title="Extra möte", venue="", address="",
                        online_url=ONLINE)
    event, js = body_feed(client, read_ics=read_ics).event(bare.uid)
    assert "CATEGORIES" not in event and js["categories"] == []
    # The online link is not a public place.
    assert "LOCATION" not in event and js["location"] is None


def test_text_with_the_characters_icalendar_escapes_reads_back_unchanged(client, make_meeting,
                                                                       read_ics):
    title = 'Möte; del 1, 2 \\ "slut"'
    description = "Rad ett\r\nRad två; med komma, och \\\nRad tre"
    meeting = make_meeting(at(2026, 5, 12), title=title, description=description,
                           venue="Sal A; plan 2", address="Storgatan 1, Umeå")
    event, js = body_feed(client, read_ics=read_ics).event(meeting.uid)
    assert js["summary"] == str(event["SUMMARY"]) == title
    assert js["location"] == "Sal A; plan 2, Storgatan 1, Umeå"
    # A browser sends CRLF from a text area; the calendar reads plain line breaks.
    assert "Rad ett\nRad två; med komma, och \\\nRad tre" in js["description"]


# --- what only participants see ---------------------------------------------------------


def assert_public(feed):
    assert ONLINE not in feed.text
    assert SECRET_AGENDA not in feed.text
    assert "#material" not in feed.text
    for event in feed.events:
        assert str(event["CLASS"]) == "PUBLIC"


def assert_private(feed, meeting):
    event, js = feed.event(meeting.uid)
    assert str(event["CLASS"]) == "PRIVATE"
    assert ONLINE in js["description"]
    assert SECRET_AGENDA in js["description"]
    assert f"http://forum.test/meetings/{meeting.id}#material" in js["description"]


def test_a_public_feed_has_no_online_link_agenda_or_material(client, meetings, read_ics):
    assert_public(body_feed(client, read_ics=read_ics))
    assert_public(body_feed(client, read_ics=read_ics, lang="en"))
    assert_public(body_feed(client, "tjanstepersonsforum", read_ics=read_ics))


@pytest.fixture
def member(make_person, make_nomination, make_account):
    person = make_person("Åsa", "Öberg", email="asa@region.se")
    make_nomination(person, region_code="12", seat_slug="majoritet", start=date(2024, 1, 1))
    return make_account("member", person=person)


def test_a_personal_feed_has_the_online_link_agenda_and_material(client, meetings, member,
                                                                personal_feed_url, read_ics):
    response = client.get(personal_feed_url(member))
    assert response.status_code == 200
    feed = read_ics(response.data)
    assert set(feed.uids()) == {meetings[k].uid for k in ("planned", "confirmed", "held",
                                                          "cancelled")}
    for key in ("planned", "confirmed", "held", "cancelled"):
        assert_private(feed, meetings[key])
    assert str(feed.calendar["METHOD"]) == "PUBLISH"
    assert feed.js["calendar"]["name"] != "Forum – politikerforum"


def test_a_personal_feed_names_itself_in_swedish(client, meetings, member, personal_feed_url,
                                                 read_ics):
    """Waits for the Swedish catalogue: "Forum – my meetings" is a new string."""
    feed = read_ics(client.get(personal_feed_url(member)).data)
    assert feed.js["calendar"]["name"] == "Forum – mina möten"
    assert feed.js["calendar"]["x_wr_calname"] == "Forum – mina möten"
    _, js = feed.event(meetings["planned"].uid)
    assert "Dagordning:" in js["description"].split("\n")
    assert "Agenda:" not in js["description"]


def test_a_personal_feed_speaks_the_accounts_language(client, session, meetings, member,
                                                      personal_feed_url, read_ics):
    member.language = "en"
    session.commit()
    feed = read_ics(client.get(personal_feed_url(member)).data)
    assert feed.js["calendar"]["name"] == "Forum – my meetings"
    _, js = feed.event(meetings["planned"].uid)
    lines = js["description"].split("\n")
    assert f"Join online: {ONLINE}" in lines
    assert "Agenda:" in lines and f"1. {SECRET_AGENDA}" in lines
    assert f"Material: http://forum.test/meetings/{meetings['planned'].id}#material" in lines
    about = feed.js["calendar"]["x_props"]["X-WR-CALDESC"]
    assert "Åsa Öberg" in about


def test_a_meeting_online_only_is_placed_at_its_link_for_participants(
        client, make_meeting, member, personal_feed_url, read_ics):
    online = make_meeting(at(2026, 5, 5), title="Digitalt möte", venue="", address="",
                          online_url=ONLINE)
    _, js = read_ics(client.get(personal_feed_url(member)).data).event(online.uid)
    assert js["location"] == ONLINE


# --- one meeting as a file --------------------------------------------------------------


def meeting_file(client, meeting, read_ics):
    response = client.get(f"/meetings/{meeting.id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return response, read_ics(response.data)


def test_the_meeting_file_is_one_event_to_download(client, meetings, read_ics):
    planned = meetings["planned"]
    response, file = meeting_file(client, planned, read_ics)
    assert file.uids() == [planned.uid]
    assert file.js["calendar"]["method"] == "PUBLISH"
    assert file.js["calendar"]["version"] == "2.0"
    assert file.js["calendar"]["timezones"] == ["Europe/Stockholm"]
    assert file.js["events"][0]["start"]["utc"] == "2026-02-24T09:00:00Z"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    # The readable name, Swedish letters and all, for browsers that read RFC 6266's form.
    name = "2026-02-24 Kompetensförsörjning.ics"
    assert f"filename*=UTF-8''{quote(name)}" in disposition


def test_the_meeting_file_name_leaves_out_what_file_systems_refuse(ctx, make_meeting):
    meeting = make_meeting(at(2026, 12, 31, 23, 30), title='Möte 1/2: "Vad?" <A|B> \\ *')
    # 23.30 in Stockholm on New Year's Eve is 22.30 UTC: the date is Stockholm's.
    assert feeds.meeting_file_name(meeting) == "2026-12-31 Möte 12 Vad AB.ics"


def test_the_meeting_file_for_an_anonymous_visitor_is_public(client, meetings, read_ics):
    _, file = meeting_file(client, meetings["planned"], read_ics)
    assert_public(file)
    event, _ = file.event(meetings["planned"].uid)
    assert str(event["CLASS"]) == "PUBLIC"


def test_the_meeting_file_for_a_participant_has_the_private_fields(app, login, meetings,
                                                                   member, read_ics):
    client = login(app.test_client(), member)
    response, file = meeting_file(client, meetings["planned"], read_ics)
    assert_private(file, meetings["planned"])
    assert "private" in response.headers["Cache-Control"]


def test_the_meeting_file_for_a_guest_has_the_private_fields(app, session, login, meetings,
                                                             make_account, read_ics):
    guest = make_account("guest")
    session.add(MeetingGuest(meeting_id=meetings["officials"].id, person_id=guest.person_id))
    session.commit()
    _, file = meeting_file(login(app.test_client(), guest), meetings["officials"], read_ics)
    assert_private(file, meetings["officials"])


def test_the_meeting_file_for_the_secretariat_has_the_private_fields(staff_client, meetings,
                                                                     read_ics):
    _, file = meeting_file(staff_client, meetings["cancelled"], read_ics)
    assert_private(file, meetings["cancelled"])


def test_the_meeting_file_for_someone_not_taking_part_is_public(app, login, meetings, member,
                                                                read_ics):
    """A member of the politicians' forum does not take part in the officials' meetings."""
    _, file = meeting_file(login(app.test_client(), member), meetings["officials"], read_ics)
    assert_public(file)


def test_the_meeting_file_speaks_the_visitors_language(client, meetings, read_ics):
    _, file = meeting_file(english(client), meetings["cancelled"], read_ics)
    assert file.js["events"][0]["summary"] == "Cancelled: Likvärdiga möjligheter"


def test_an_unknown_meeting_has_no_file(client):
    assert client.get("/meetings/999999.ics").status_code == 404


# --- Swedish characters, folded -----------------------------------------------------------

# Letters of two bytes and a dash of three, shifted by 0–3 ASCII characters, so that the
# 75-octet fold falls at every place in and between them somewhere.
LONG_TITLES = ["x" * shift + "Åäö–ÖÉ" * 45 for shift in range(4)]


def assert_folded_well(raw: bytes) -> None:
    assert raw.endswith(b"\r\n")
    body = raw[:-2]
    assert b"\n" not in body.replace(b"\r\n", b""), "a line ends without CR"
    assert b"\r" not in body.replace(b"\r\n", b""), "a CR without LF"
    for line in body.split(b"\r\n"):
        assert len(line) <= 75, line
        line.decode("utf-8")  # every physical line is whole UTF-8 on its own


@pytest.fixture
def long_meetings(make_meeting):
    return [make_meeting(at(2026, 4, 7 + i), title=title,
                         description=" ".join(["Förslag på åtgärder för länens återväxt"] * 12),
                         venue="Länsstyrelsen i Jämtlands län, Östersund", address="",
                         online_url=ONLINE + "?möte=" + "ä" * i, agenda=(title[:200],))
            for i, title in enumerate(LONG_TITLES)]


def test_lines_are_folded_at_75_octets_without_splitting_a_character(
        client, long_meetings, member, personal_feed_url, read_ics):
    responses = [
        client.get(BODY_FEED),
        client.get(BODY_FEED, query_string={"lang": "en"}),
        client.get(personal_feed_url(member)),
        *(client.get(f"/meetings/{m.id}.ics") for m in long_meetings),
    ]
    for response in responses:
        assert response.status_code == 200
        assert_folded_well(response.data)
        feed = read_ics(response.data)
        for meeting in long_meetings:
            if meeting.uid not in feed.uids():
                continue
            event, js = feed.event(meeting.uid)
            # Folding is invisible once read: the title comes back whole.
            assert js["summary"] == meeting.title
            assert str(event["SUMMARY"]) == meeting.title
            assert js["location"] == "Länsstyrelsen i Jämtlands län, Östersund"


def test_folding_happens_at_all(client, long_meetings):
    raw = client.get(BODY_FEED).data
    assert b"\r\n " in raw
    assert max(len(line) for line in raw.split(b"\r\n")) > 70
    assert f"SUMMARY:{LONG_TITLES[0]}" in unfold(raw)


# --- the builder as a function ----------------------------------------------------------


def test_the_builder_gives_the_same_bytes_for_the_same_meetings(ctx, session, meetings):
    body = session.scalar(select(Body).where(Body.slug == "politikerforum"))
    first = feeds.body_feed(session, body, "sv")
    second = feeds.body_feed(session, body, "sv")
    assert first == second


def test_the_organizer_is_the_configured_secretariat(app, ctx, meetings, read_ics):
    app.config["CALENDAR_ORGANIZER"] = "Kansliet för Forum <kansliet@forum.example>"
    raw = feeds.meeting_file(meetings["planned"], "sv", private=False)
    _, js = read_ics(raw).event(meetings["planned"].uid)
    assert js["organizer"] == {"value": "mailto:kansliet@forum.example",
                               "cn": "Kansliet för Forum"}


def test_an_event_in_utc_storage_is_written_in_stockholm_time(ctx, session, meetings):
    meeting = session.get(Meeting, meetings["confirmed"].id)
    event = ics.event(meeting, private=False, link="x", by=ics.Address("a@b.se"))
    start = event["DTSTART"].dt
    assert start.utcoffset() == timedelta(hours=2)
    assert start.astimezone(UTC) == datetime(2026, 6, 16, 7, 30, tzinfo=UTC)
