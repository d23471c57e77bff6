"""The feeds over HTTP: the content type, strong ETags and an honest Last-Modified, 304 to
If-None-Match and If-Modified-Since until something in the feed changes; a meeting's UID
through edits and its SEQUENCE through moves; who is in a personal feed on which dates; a
fixed number of SQL queries however many meetings there are; and the cache of built feeds."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from calendars_fixtures import ONLINE, at, english, unfold, utc_text
from sqlalchemy import select
from werkzeug.http import http_date, parse_date

from forum.calendars import feeds
from forum.answers import Memory
from forum.calendars.models import FeedState
from forum.meetings import services
from forum.meetings.models import Meeting, MeetingGuest, MeetingStatus
from forum.roster import services as roster

pytestmark = pytest.mark.usefixtures("fresh_feeds")

BODY_FEED = "/calendar/politikerforum.ics"


@pytest.fixture
def meeting(make_meeting, calendar_theme):
    return make_meeting(at(2026, 11, 24, 13), title="Kompetensförsörjning",
                        theme_id=calendar_theme.id, online_url=ONLINE)


def fetch(client, url, **headers):
    return client.get(url, headers=headers)


def last_modified(response):
    return parse_date(response.headers["Last-Modified"])


# --- HTTP ---------------------------------------------------------------------------------


@pytest.fixture
def member(make_person, make_nomination, make_account):
    person = make_person("Åsa", "Öberg", email="asa@region.se")
    make_nomination(person, region_code="12", seat_slug="majoritet", start=date(2024, 1, 1))
    return make_account("member", person=person)


@pytest.fixture
def urls(meeting, member, personal_feed_url):
    return {"body": BODY_FEED, "personal": personal_feed_url(member),
            "meeting": f"/meetings/{meeting.id}.ics"}


@pytest.mark.parametrize("kind", ["body", "personal", "meeting"])
def test_every_feed_is_utf8_calendar_text_with_a_strong_etag_and_last_modified(
        client, session, urls, kind):
    response = fetch(client, urls[kind])
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    etag = response.headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"') and not etag.startswith("W/")
    assert response.get_etag() == (etag.strip('"'), False)
    assert last_modified(response) is not None
    # Last-Modified is when the content last changed, as the database keeps it.
    state = session.scalar(select(FeedState).where(FeedState.key.like(f"{kind}:%")))
    assert state.fingerprint == etag.strip('"')
    assert http_date(state.changed_at) == response.headers["Last-Modified"]


def test_cache_control_is_public_for_a_body_and_private_for_a_person(client, urls):
    assert fetch(client, urls["body"]).headers["Cache-Control"] == "public, max-age=900"
    personal = fetch(client, urls["personal"])
    assert personal.headers["Cache-Control"] == "private, max-age=900"
    assert personal.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert personal.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize("kind", ["body", "personal", "meeting"])
def test_an_unchanged_feed_is_the_same_bytes_etag_and_date(client, urls, kind):
    first, second = fetch(client, urls[kind]), fetch(client, urls[kind])
    assert first.data == second.data
    assert first.headers["ETag"] == second.headers["ETag"]
    assert first.headers["Last-Modified"] == second.headers["Last-Modified"]


@pytest.mark.parametrize("kind", ["body", "personal", "meeting"])
def test_a_client_that_has_the_feed_gets_304(client, urls, kind):
    first = fetch(client, urls[kind])
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]

    for headers in ({"If-None-Match": etag}, {"If-None-Match": f'"other", {etag}'},
                    {"If-None-Match": "W/" + etag}, {"If-Modified-Since": modified}):
        again = fetch(client, urls[kind], **headers)
        assert again.status_code == 304, headers
        assert again.data == b""
        # RFC 9110: a 304 carries the ETag and Cache-Control a 200 would have had.
        assert again.headers["ETag"] == etag
        assert again.headers["Cache-Control"] == first.headers["Cache-Control"]


@pytest.mark.parametrize("kind", ["body", "personal", "meeting"])
def test_a_client_with_another_version_gets_the_feed(client, urls, kind):
    first = fetch(client, urls[kind])
    earlier = http_date(last_modified(first) - timedelta(seconds=1))
    assert fetch(client, urls[kind], **{"If-None-Match": '"an-old-version"'}).status_code == 200
    assert fetch(client, urls[kind], **{"If-Modified-Since": earlier}).status_code == 200
    # The ETag decides when a client sends both.
    both = fetch(client, urls[kind], **{"If-None-Match": '"an-old-version"',
                                        "If-Modified-Since": first.headers["Last-Modified"]})
    assert both.status_code == 200 and both.data == first.data


def test_a_feed_in_english_is_another_version(client, meeting):
    swedish = fetch(client, BODY_FEED)
    english_feed = client.get(BODY_FEED, query_string={"lang": "en"})
    assert english_feed.headers["ETag"] != swedish.headers["ETag"]
    assert b"Politicians' forum" in english_feed.data
    again = client.get(BODY_FEED, query_string={"lang": "en"},
                       headers={"If-None-Match": swedish.headers["ETag"]})
    assert again.status_code == 200
    # Any other language asked for is Swedish.
    assert client.get(BODY_FEED, query_string={"lang": "de"}).data == swedish.data


def changed(client, url, before):
    """Fetch again as a client holding `before` would; it must get a new version."""
    after = fetch(client, url, **{"If-None-Match": before.headers["ETag"],
                                  "If-Modified-Since": before.headers["Last-Modified"]})
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert last_modified(after) > last_modified(before)
    # A client that only kept the date is not told "not modified" either.
    dated = fetch(client, url, **{"If-Modified-Since": before.headers["Last-Modified"]})
    assert dated.status_code == 200 and dated.data == after.data
    return after


@pytest.mark.parametrize("kind", ["body", "personal", "meeting"])
def test_a_moved_meeting_gives_every_feed_a_new_version(client, in_request, session, urls, meeting,
                                                       kind, read_ics):
    before = fetch(client, urls[kind])
    with in_request():
        services.update(session, meeting, start_at=at(2026, 11, 26, 9),
                        end_at=at(2026, 11, 26, 12))
    session.commit()
    after = changed(client, urls[kind], before)
    _, js = read_ics(after.data).event(meeting.uid)
    assert js["start"]["local"] == "2026-11-26T09:00:00"
    assert js["sequence"] == 1


@pytest.mark.parametrize("kind", ["body", "personal", "meeting"])
def test_a_renamed_meeting_gives_every_feed_a_new_version(client, in_request, session, urls, meeting,
                                                         kind, read_ics):
    before = fetch(client, urls[kind])
    with in_request():
        services.update(session, meeting, title="Kompetensförsörjning och kompetensutveckling")
    session.commit()
    after = changed(client, urls[kind], before)
    _, js = read_ics(after.data).event(meeting.uid)
    assert js["summary"] == "Kompetensförsörjning och kompetensutveckling"


@pytest.mark.parametrize("kind", ["body", "personal", "meeting"])
def test_a_renamed_theme_gives_every_feed_a_new_version(client, session, urls, meeting,
                                                       calendar_theme, kind, read_ics):
    before = fetch(client, urls[kind])
    calendar_theme.name_sv = "Kompetens i hela Sverige"
    session.commit()
    after = changed(client, urls[kind], before)
    _, js = read_ics(after.data).event(meeting.uid)
    assert js["categories"] == ["Kompetens i hela Sverige"]


def test_a_renamed_body_gives_its_meetings_new_versions(client, session, urls, meeting,
                                                       bodies, read_ics):
    before = {kind: fetch(client, url) for kind, url in urls.items()}
    bodies["politikerforum"].name_sv = "Politikernas forum"
    session.commit()
    for kind, url in urls.items():
        after = changed(client, url, before[kind])
        _, js = read_ics(after.data).event(meeting.uid)
        assert js["description"].split("\n")[0] == "Politikernas forum", kind


def test_a_new_meeting_and_a_cancelled_one_give_the_body_feed_new_versions(
        client, in_request, session, meeting, make_meeting, read_ics):
    first = fetch(client, BODY_FEED)
    other = make_meeting(at(2027, 2, 16))
    second = changed(client, BODY_FEED, first)
    assert read_ics(second.data).uids() == [meeting.uid, other.uid]
    with in_request():
        services.set_status(session, other, MeetingStatus.CANCELLED, "Flyttas till hösten.")
    session.commit()
    third = changed(client, BODY_FEED, second)
    assert read_ics(third.data).event(other.uid)[1]["status"] == "CANCELLED"


def test_a_change_to_the_other_body_leaves_a_feed_alone(client, in_request, session, meeting,
                                                       make_meeting):
    officials = make_meeting(at(2026, 11, 10), body="tjanstepersonsforum")
    before = fetch(client, BODY_FEED)
    with in_request():
        services.update(session, officials, title="Förberedelse")
    session.commit()
    assert fetch(client, BODY_FEED, **{"If-None-Match": before.headers["ETag"]}).status_code \
        == 304


def test_an_unrelated_change_leaves_a_personal_feed_alone(client, in_request, session, member, urls,
                                                         make_meeting, make_person):
    before = fetch(client, urls["personal"])
    officials = make_meeting(at(2026, 11, 10), body="tjanstepersonsforum")
    session.add(MeetingGuest(meeting_id=officials.id, person_id=make_person().id))
    session.commit()
    again = fetch(client, urls["personal"], **{"If-None-Match": before.headers["ETag"]})
    assert again.status_code == 304


def test_a_renamed_person_gets_a_new_version_of_their_feed(client, in_request, session, member, urls,
                                                          read_ics):
    """The feed's description names the person."""
    member.language = "en"
    session.commit()
    before = fetch(client, urls["personal"])
    with in_request():
        roster.save_person(session, member.person, given_name="Åse")
    session.commit()
    after = changed(client, urls["personal"], before)
    assert "Åse Öberg" in read_ics(after.data).js["calendar"]["x_props"]["X-WR-CALDESC"]


def test_an_ended_nomination_and_a_guest_invitation_change_the_personal_feed(
        client, in_request, session, member, urls, meeting, make_meeting, read_ics):
    later = make_meeting(at(2027, 3, 9), title="Efter avgången")
    officials = make_meeting(at(2027, 3, 2), body="tjanstepersonsforum", title="Som gäst")
    first = fetch(client, urls["personal"])
    assert read_ics(first.data).uids() == [meeting.uid, later.uid]

    (nomination,) = member.person.nominations
    with in_request():
        roster.end_nomination(session, nomination, date(2026, 12, 31))
    session.commit()
    second = changed(client, urls["personal"], first)
    assert read_ics(second.data).uids() == [meeting.uid]

    with in_request():
        services.invite_guest(session, officials, member.person)
    session.commit()
    third = changed(client, urls["personal"], second)
    assert read_ics(third.data).uids() == [meeting.uid, officials.uid]


def test_the_meeting_file_changes_when_the_agenda_does(client, in_request, session, meeting, staff_client,
                                                      read_ics):
    before = fetch(staff_client, f"/meetings/{meeting.id}.ics")
    with in_request():
        services.add_agenda_item(session, meeting, title="Välkommen", presenter="", starts_at=None)
    session.commit()
    after = changed(staff_client, f"/meetings/{meeting.id}.ics", before)
    assert "1. Välkommen" in read_ics(after.data).js["events"][0]["description"]


def test_participants_and_visitors_get_different_versions_of_a_meeting_file(
        client, staff_client, meeting):
    public = fetch(client, f"/meetings/{meeting.id}.ics")
    private = fetch(staff_client, f"/meetings/{meeting.id}.ics")
    assert public.headers["ETag"] != private.headers["ETag"]
    assert ONLINE not in unfold(public.data) and ONLINE in unfold(private.data)
    # The visitor's copy does not satisfy the participant's request, nor the other way.
    assert fetch(staff_client, f"/meetings/{meeting.id}.ics",
                 **{"If-None-Match": public.headers["ETag"]}).status_code == 200
    assert fetch(client, f"/meetings/{meeting.id}.ics",
                 **{"If-None-Match": private.headers["ETag"]}).status_code == 200
    assert fetch(english(client), f"/meetings/{meeting.id}.ics",
                 **{"If-None-Match": public.headers["ETag"]}).status_code == 200


# --- identity through changes -------------------------------------------------------------


def event_in_feed(client, read_ics, meeting):
    return read_ics(fetch(client, BODY_FEED).data).event(meeting.uid)


def test_the_uid_stays_and_the_sequence_rises_through_edits_and_moves(client, in_request, session,
                                                                      meeting, read_ics):
    event, js = event_in_feed(client, read_ics, meeting)
    assert (js["uid"], js["sequence"]) == (meeting.uid, 0)

    with in_request():
        services.update(session, meeting, description="Nu med dagordning.")
    session.commit()
    event, js = event_in_feed(client, read_ics, meeting)
    assert (js["uid"], js["sequence"]) == (meeting.uid, 1)
    assert js["start"]["utc"] == "2026-11-24T12:00:00Z"

    with in_request():
        services.update(session, meeting, start_at=at(2026, 12, 1, 13), end_at=at(2026, 12, 1, 17))
    session.commit()
    event, js = event_in_feed(client, read_ics, meeting)
    assert (js["uid"], js["sequence"]) == (meeting.uid, 2)
    assert (str(event["UID"]), int(event["SEQUENCE"])) == (meeting.uid, 2)
    assert js["start"]["utc"] == "2026-12-01T12:00:00Z"
    assert js["last_modified"] >= js["created"]
    assert js["last_modified"] == utc_text(session.get(Meeting, meeting.id).updated_at
                                           .replace(microsecond=0))

    with in_request():
        services.set_status(session, meeting, MeetingStatus.CONFIRMED)
    session.commit()
    event, js = event_in_feed(client, read_ics, meeting)
    assert (js["uid"], js["sequence"], js["status"]) == (meeting.uid, 3, "CONFIRMED")


def test_the_same_moment_given_again_is_no_new_sequence(client, in_request, session, meeting,
                                                       read_ics):
    with in_request():
        services.update(session, meeting, start_at=meeting.start_at, end_at=meeting.end_at,
                        title=meeting.title)
    session.commit()
    assert event_in_feed(client, read_ics, meeting)[1]["sequence"] == 0


def test_a_cancelled_meeting_stays_in_the_feed_cancelled(client, in_request, session, meeting,
                                                        read_ics):
    with in_request():
        services.set_status(session, meeting, MeetingStatus.CANCELLED, "Sjukdom.")
    session.commit()
    event, js = event_in_feed(client, read_ics, meeting)
    assert js["uid"] == meeting.uid
    assert js["sequence"] == 1
    assert js["status"] == "CANCELLED"
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["TRANSP"]) == "TRANSPARENT"
    assert js["summary"] == "Inställt: Kompetensförsörjning"


def test_a_meeting_cancelled_long_ago_is_still_in_the_feed(client, make_meeting, read_ics):
    old = make_meeting(at(2024, 9, 10), status=MeetingStatus.CANCELLED, title="Gammalt möte")
    _, js = event_in_feed(client, read_ics, old)
    assert js["status"] == "CANCELLED"


def test_every_meeting_has_its_own_uid_in_every_feed(client, member, urls, make_meeting,
                                                     read_ics):
    for day in (3, 10, 17):
        make_meeting(at(2027, 2, day))
    body = read_ics(fetch(client, urls["body"]).data).uids()
    personal = read_ics(fetch(client, urls["personal"]).data).uids()
    assert len(set(body)) == len(body) == 4
    assert personal == body


# --- who is in a personal feed ------------------------------------------------------------


def test_a_personal_feed_follows_the_nominations_to_the_day_in_stockholm(
        client, make_person, make_nomination, make_account, make_meeting, personal_feed_url,
        read_ics):
    """A member from 1 March to 30 June 2026 (the end date is the last day in office), and
    again from 2027. Times near midnight: the day is Stockholm's, not UTC's."""
    person = make_person("Maja", "Medlem")
    make_nomination(person, region_code="14", seat_slug="opposition", start=date(2026, 3, 1),
                    end=date(2026, 6, 30))
    make_nomination(person, region_code="14", seat_slug="opposition", start=date(2027, 1, 1))
    account = make_account("member", person=person)
    meetings = {
        "day before the start": make_meeting(at(2026, 2, 28, 23, 30), hours=0.5),
        "first day, just after midnight": make_meeting(at(2026, 3, 1, 0, 30)),
        "middle": make_meeting(at(2026, 5, 5)),
        "last day, late": make_meeting(at(2026, 6, 30, 23, 0), hours=0.5),
        "day after the end, just after midnight": make_meeting(at(2026, 7, 1, 0, 30)),
        "between the nominations": make_meeting(at(2026, 9, 8)),
        "second nomination": make_meeting(at(2027, 1, 1, 0, 15)),
        "other body, while a member": make_meeting(at(2026, 5, 6), body="tjanstepersonsforum"),
    }
    uids = read_ics(fetch(client, personal_feed_url(account)).data).uids()
    assert uids == [meetings[name].uid for name in (
        "first day, just after midnight", "middle", "last day, late", "second nomination")]


def test_a_guest_has_the_meetings_they_are_invited_to_and_no_others(
        client, session, make_person, make_account, make_meeting, personal_feed_url, read_ics):
    guest = make_account("guest", person=make_person("Gustav", "Gäst"))
    invited = [make_meeting(at(2026, 4, 14), body="tjanstepersonsforum"),
               make_meeting(at(2026, 10, 20, 9, 30))]
    make_meeting(at(2026, 4, 15), body="tjanstepersonsforum")
    make_meeting(at(2026, 10, 21))
    for meeting in invited:
        session.add(MeetingGuest(meeting_id=meeting.id, person_id=guest.person_id))
    session.commit()
    feed = read_ics(fetch(client, personal_feed_url(guest)).data)
    assert feed.uids() == [m.uid for m in invited]
    # Guests see the private fields of the meetings they are invited to.
    assert all(str(e["CLASS"]) == "PRIVATE" for e in feed.events)


def test_a_member_invited_as_a_guest_elsewhere_has_both_once(
        client, session, member, urls, meeting, make_meeting, read_ics):
    officials = make_meeting(at(2026, 11, 3), body="tjanstepersonsforum")
    session.add_all([MeetingGuest(meeting_id=officials.id, person_id=member.person_id),
                     MeetingGuest(meeting_id=meeting.id, person_id=member.person_id)])
    session.commit()
    assert read_ics(fetch(client, urls["personal"]).data).uids() == [officials.uid, meeting.uid]


def test_someone_who_takes_part_in_nothing_has_a_valid_empty_feed(
        client, make_account, meeting, personal_feed_url, read_ics):
    feed = read_ics(fetch(client, personal_feed_url(make_account("plain"))).data)
    assert feed.uids() == []
    assert feed.js["calendar"]["timezones"] == ["Europe/Stockholm"]


# --- a fixed number of queries ------------------------------------------------------------


def add_meetings(make_meeting, calendar_theme, how_many: int, start_day: int = 0):
    found = []
    for i in range(how_many):
        found.append(make_meeting(at(2026, 1, 5) + timedelta(days=7 * (start_day + i)),
                                  theme_id=calendar_theme.id, online_url=ONLINE,
                                  agenda=("Inledning", "Regionernas läge")))
    return found


def counted(count_queries, client, url, **headers):
    with count_queries() as counter:
        response = fetch(client, url, **headers)
    assert response.status_code in (200, 304)
    return counter.count, response


def test_a_body_feed_takes_the_same_number_of_queries_for_5_and_60_meetings(
        client, make_meeting, calendar_theme, count_queries, read_ics):
    add_meetings(make_meeting, calendar_theme, 5)
    few, response = counted(count_queries, client, BODY_FEED)
    assert len(read_ics(response.data).uids()) == 5
    few_304, _ = counted(count_queries, client, BODY_FEED,
                         **{"If-None-Match": response.headers["ETag"]})

    add_meetings(make_meeting, calendar_theme, 55, start_day=5)
    many, response = counted(count_queries, client, BODY_FEED)
    assert len(read_ics(response.data).uids()) == 60
    many_304, again = counted(count_queries, client, BODY_FEED,
                              **{"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304

    assert many == few
    assert many_304 == few_304
    assert few <= 8 and few_304 <= 5, (few, few_304)


def test_a_personal_feed_takes_the_same_number_of_queries_for_5_and_60_meetings(
        client, session, member, make_meeting, calendar_theme, count_queries,
        personal_feed_url, read_ics):
    def with_guest_meeting(meetings):
        guest_of = make_meeting(meetings[-1].start_at + timedelta(days=1),
                                body="tjanstepersonsforum", agenda=("Gäståtgärd",))
        session.add(MeetingGuest(meeting_id=guest_of.id, person_id=member.person_id))
        session.commit()

    with_guest_meeting(add_meetings(make_meeting, calendar_theme, 5))
    few, response = counted(count_queries, client, personal_feed_url(member))
    assert len(read_ics(response.data).uids()) == 6
    few_304, _ = counted(count_queries, client, response.request.path,
                         **{"If-None-Match": response.headers["ETag"]})

    with_guest_meeting(add_meetings(make_meeting, calendar_theme, 55, start_day=5))
    # A new address, so that this first fetch records its use as the first one did.
    many, response = counted(count_queries, client, personal_feed_url(member))
    assert len(read_ics(response.data).uids()) == 62
    many_304, again = counted(count_queries, client, response.request.path,
                              **{"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304

    assert many == few
    assert many_304 == few_304
    assert few <= 14 and few_304 <= 9, (few, few_304)


def test_an_unchanged_feed_is_built_once(client, meeting, monkeypatch):
    built = []
    real = feeds.body_feed
    monkeypatch.setattr(feeds, "body_feed", lambda *a: built.append(a) or real(*a))
    first = fetch(client, BODY_FEED)
    second = fetch(client, BODY_FEED)
    assert len(built) == 1
    assert first.data == second.data


# --- the cache of built feeds ------------------------------------------------------------


def test_built_feeds_are_kept_by_fingerprint():
    cache = Memory(max_bytes=100)
    calls = []

    def build(value: bytes):
        return lambda: calls.append(value) or value

    assert cache.get_or_build("a", build(b"A" * 10)) == b"A" * 10
    assert cache.get_or_build("a", build(b"other")) == b"A" * 10
    assert calls == [b"A" * 10]


def test_built_feeds_drop_the_least_recently_used_beyond_their_size():
    cache = Memory(max_bytes=100)
    calls = []

    def build(key: str, size: int):
        return cache.get_or_build(key, lambda: calls.append(key) or key.encode() * size)

    build("a", 40)
    build("b", 40)
    build("a", 40)  # a is now the most recently used
    build("c", 40)  # over 100 bytes: b goes
    assert calls == ["a", "b", "c"]
    build("a", 40)
    build("b", 40)
    assert calls == ["a", "b", "c", "b"]
    # A feed larger than the whole cache is served but not kept.
    assert build("huge", 101) == b"huge" * 101
    build("huge", 101)
    assert calls.count("huge") == 2
    cache.clear()
    build("a", 1)
    assert calls[-1] == "a"
