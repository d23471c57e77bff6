"""Answers kept in memory for a few seconds (forum/answers.py): calendar feeds and public
pages as anonymous visitors see them come from memory without the database, a write in the
process forgets them at once, another process's write shows within the seconds set, and
nobody gets an answer meant for someone else."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import text, update

from forum import answers
from forum.answers import CSRF_MARK, Memory
from forum.calendars import feeds
from forum.meetings.models import Meeting
from forum.timeutil import utcnow

SECONDS = 60
FEED = "/calendar/politikerforum.ics"
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture
def app_config():
    return {"ANSWER_CACHE_SECONDS": SECONDS, "WTF_CSRF_ENABLED": True}


@pytest.fixture(autouse=True)
def kept(app):
    """The app's answers kept in memory, and the feeds' built bytes, empty at the start."""
    feeds.built_feeds.clear()
    yield answers.memory(app)
    feeds.built_feeds.clear()


@pytest.fixture
def clock(monkeypatch):
    """The clock the kept answers expire by, moved by hand: clock.now += 61."""

    class Clock:
        now = 1_000.0

    monkeypatch.setattr(answers.time, "monotonic", lambda: Clock.now)
    return Clock


# --- the memory itself ------------------------------------------------------------------


def test_memory_forgets_a_value_when_its_seconds_are_over(clock):
    memory = Memory(max_bytes=100)
    memory.put("a", "first", 5, seconds=10)
    memory.put("b", "for good", 5)
    clock.now += 9.9
    assert memory.get("a") == "first"
    clock.now += 0.2
    assert memory.get("a") is None
    assert memory.get("b") == "for good"
    assert len(memory) == 1


def test_memory_replaces_a_key_and_counts_its_size_once():
    memory = Memory(max_bytes=100)
    memory.put("a", "one", 60)
    memory.put("a", "two", 60)  # 60, not 120: nothing is dropped
    memory.put("b", "three", 40)
    assert memory.get("a") == "two" and memory.get("b") == "three"
    memory.put("c", "big", 101)  # larger than the whole memory: not kept
    assert memory.get("c") is None and len(memory) == 2


def test_nothing_is_kept_when_the_setting_is_zero(make_app, database):
    app = make_app(database, ANSWER_CACHE_SECONDS=0)
    client = app.test_client()
    client.get("/")
    client.get(FEED)
    assert len(answers.memory(app)) == 0


def test_each_app_keeps_its_own_answers_and_a_write_forgets_them_all(
        app, make_app, database, session, make_meeting):
    other = make_app(database, ANSWER_CACHE_SECONDS=SECONDS)
    app.test_client().get("/")
    other.test_client().get("/about")
    assert len(answers.memory(app)) == 1 and len(answers.memory(other)) == 1
    make_meeting(title="Ett nytt möte")  # a commit that wrote
    assert len(answers.memory(app)) == 0 and len(answers.memory(other)) == 0
    other.extensions["forum.db"]["engine"].dispose()


# --- calendar feeds -----------------------------------------------------------------------


def test_a_feed_asked_again_is_answered_from_memory(client, make_meeting, count_queries):
    make_meeting(title="Kompetensförsörjning i hela landet")
    first = client.get(FEED)
    assert first.status_code == 200 and b"Kompetensf" in first.data
    with count_queries() as counter:
        again = client.get(FEED)
        unchanged = client.get(FEED, headers={"If-None-Match": first.headers["ETag"]})
    assert counter.count == 0
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Last-Modified"] == first.headers["Last-Modified"]
    assert again.headers["Cache-Control"] == "public, max-age=900"
    assert unchanged.status_code == 304 and unchanged.data == b""
    assert unchanged.headers["ETag"] == first.headers["ETag"]


def test_a_change_made_in_this_process_shows_at_once(client, session, make_meeting):
    meeting = make_meeting(title="Före ändringen")
    first = client.get(FEED)
    session.execute(update(Meeting).where(Meeting.id == meeting.id)
                    .values(title="Efter ändringen", revision=Meeting.revision + 1,
                            updated_at=utcnow() + timedelta(seconds=2)))
    session.commit()
    after = client.get(FEED)
    assert b"Efter" in after.data and after.headers["ETag"] != first.headers["ETag"]
    stale = client.get(FEED, headers={"If-None-Match": first.headers["ETag"]})
    assert stale.status_code == 200


def test_another_process_s_change_shows_within_the_seconds_set(app, client, make_meeting,
                                                               clock):
    meeting = make_meeting(title="Före ändringen")
    client.get(FEED)
    # Written on the connection itself, as another worker would: this process's sessions
    # see nothing of it.
    connection = app.extensions["forum.test_connection"]
    connection.execute(text("UPDATE meetings SET title = 'Efter ändringen', "
                            "revision = revision + 1 WHERE id = :id"), {"id": meeting.id})
    clock.now += SECONDS - 1
    assert "Före".encode() in client.get(FEED).data
    clock.now += 2
    assert b"Efter" in client.get(FEED).data


def test_a_revoked_personal_address_stops_at_once(client, session, make_account,
                                                  personal_feed_url, count_queries):
    account = make_account("member")
    url = personal_feed_url(account)
    assert client.get(url).status_code == 200
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    assert counter.count == 0
    feeds.revoke_tokens(session, account)
    session.commit()
    assert client.get(url).status_code == 404


def test_an_unknown_address_is_never_kept(client, count_queries, kept):
    assert client.get("/calendar/personal/nonsense.ics").status_code == 404
    with count_queries() as counter:
        assert client.get("/calendar/personal/nonsense.ics").status_code == 404
        assert client.get("/calendar/no-such-body.ics").status_code == 404
    assert counter.count > 0 and len(kept) == 0


# --- pages as anonymous visitors see them -------------------------------------------------


def _token(page: bytes) -> str:
    found = TOKEN.search(page.decode())
    assert found, "the page has no CSRF token"
    return found.group(1)


def test_a_public_page_is_kept_and_each_visitor_gets_their_own_token(app, count_queries):
    first, second = app.test_client(), app.test_client()
    made = first.get("/")
    with count_queries() as counter:
        kept = second.get("/")
    assert counter.count == 0
    assert made.status_code == kept.status_code == 200
    assert CSRF_MARK not in made.text and CSRF_MARK not in kept.text
    token_first, token_second = _token(made.data), _token(kept.data)
    assert token_first != token_second
    # The pages are the same but for the token.
    assert made.text.replace(token_first, "") == kept.text.replace(token_second, "")
    assert kept.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Content-Security-Policy" in kept.headers  # the app's hooks ran as on any page
    # The token works: the kept page's language switch changes the visitor's language.
    switched = second.post("/language", data={"csrf_token": token_second, "lang": "en",
                                              "next": "/"})
    assert switched.status_code == 302
    english = second.get("/")
    assert '<html lang="en">' in english.text and '<html lang="sv">' in kept.text
    # Another visitor's token does not.
    third = app.test_client()
    third.get("/regions")
    third.post("/language", data={"csrf_token": token_first, "lang": "en", "next": "/"})
    assert '<html lang="sv">' in third.get("/").text


def test_a_signed_in_visitor_never_gets_the_kept_page(app, client, make_account, login,
                                                      count_queries):
    client.get("/meetings")  # kept as anonymous visitors see it
    member = login(app.test_client(), make_account("secretariat"))
    with count_queries() as counter:
        page = member.get("/meetings")
    assert counter.count > 0
    assert 'id="logout-csrf"' in page.text and CSRF_MARK not in page.text
    assert 'id="logout-csrf"' not in client.get("/meetings").text


def test_a_visitor_with_a_message_waiting_gets_a_page_of_their_own(client, count_queries):
    client.get("/regions")
    with client.session_transaction() as kept_session:
        kept_session["_flashes"] = [("success", "Ett meddelande till just dig")]
    with count_queries() as counter:
        page = client.get("/regions")
    assert counter.count > 0 and "Ett meddelande till just dig" in page.text


def test_only_whole_answers_are_kept(client, count_queries, kept):
    assert client.get("/meetings/999999").status_code == 404
    with count_queries() as counter:
        assert client.get("/meetings/999999").status_code == 404
    assert counter.count > 0
    assert len(kept) == 0


def test_the_query_string_and_language_are_part_of_the_key(app, client, make_meeting):
    make_meeting(title="Ett möte om kompetensförsörjning")
    everything = client.get("/meetings")
    filtered = client.get("/meetings?body=999")
    assert everything.text != filtered.text
    with client.session_transaction() as visitor:
        visitor["lang"] = "en"
    assert '<html lang="en">' in client.get("/meetings").text
