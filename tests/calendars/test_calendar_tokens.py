"""The secret address of a personal feed: made on the profile's calendar page and shown once,
kept only as its SHA-256, replaced or revoked from the same page; an unknown, replaced or
revoked address, or one of a deactivated account, finds nothing; a calendar's fetches are
recorded; the page's flows in both languages."""

from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta

import pytest
from calendars_fixtures import at, english
from page_helpers import lang_of, page_text
from sqlalchemy import select, text

from forum.calendars import feeds
from forum.calendars.models import CalendarToken
from forum.db import Base
from forum.timeutil import utcnow

pytestmark = pytest.mark.usefixtures("fresh_feeds")

PAGE = "/profile/calendar"
ADDRESS = re.compile(r'value="(http://forum\.test/calendar/personal/([A-Za-z0-9_-]+)\.ics)"')


@pytest.fixture
def member(make_person, make_nomination, make_account):
    person = make_person("Åsa", "Öberg", email="asa@region.se")
    make_nomination(person, region_code="12", seat_slug="majoritet", start=date(2024, 1, 1))
    return make_account("member", person=person)


@pytest.fixture
def signed_in(app, login, member):
    """The member's client, reading the pages in English (the code's own words)."""
    return english(login(app.test_client(), member))


@pytest.fixture
def meeting(make_meeting):
    return make_meeting(at(2026, 11, 24, 13), title="Kompetensförsörjning")


def issue(client) -> tuple[str, str]:
    """Make a new address on the page: (the https address, the token in it)."""
    response = client.post(PAGE, data={"action": "issue"}, follow_redirects=True)
    assert response.status_code == 200
    found = ADDRESS.search(response.get_data(as_text=True))
    assert found, "no new address on the page"
    return found.group(1), found.group(2)


def path_of(url: str) -> str:
    return url.removeprefix("http://forum.test")


def tokens_of(session, account) -> list[CalendarToken]:
    session.expire_all()
    return list(session.scalars(select(CalendarToken).where(CalendarToken.account_id ==
                                                            account.id).order_by(CalendarToken.id)))


# --- the page -----------------------------------------------------------------------------


def test_the_page_is_for_signed_in_people_only(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert client.post(PAGE, data={"action": "issue"}).status_code == 302


def test_without_an_address_the_page_offers_to_make_one(signed_in):
    response = signed_in.get(PAGE)
    assert response.status_code == 200
    page = page_text(response)
    assert "You have no calendar address now." in page
    assert 'name="action" value="issue"' in page
    assert 'value="revoke"' not in page
    assert not ADDRESS.search(page)


def test_a_new_address_is_shown_once_in_a_field_to_copy(signed_in, member, session, meeting,
                                                        client, read_ics):
    made = signed_in.post(PAGE, data={"action": "issue"})
    # Redirected to the page, so that reloading it cannot make another address.
    assert made.status_code == 303 and made.location == PAGE
    response = signed_in.get(PAGE)
    assert response.headers["Cache-Control"] == "no-store"
    page = page_text(response)
    url, raw = ADDRESS.search(response.get_data(as_text=True)).groups()
    assert "Copy it now: it is shown only once." in page
    # A read-only field anyone can select, and a webcal:// link for calendar programs.
    field = re.search(r'<input[^>]*id="personal-feed"[^>]*>', page).group(0)
    assert "readonly" in field and f'value="{url}"' in field
    assert f'href="webcal://forum.test/calendar/personal/{raw}.ics"' in page
    # Long and random: 32 bytes in URL-safe Base64.
    assert len(raw) >= 43

    feed = client.get(path_of(url))
    assert feed.status_code == 200
    assert read_ics(feed.data).uids() == [meeting.uid]

    again = page_text(signed_in.get(PAGE))
    assert raw not in again
    assert "Address made" in again and "Not yet" not in again.split("Address made")[0]
    assert 'value="revoke"' in again


def test_only_the_hash_of_the_address_is_stored(signed_in, member, session):
    _, raw = issue(signed_in)
    (token,) = tokens_of(session, member)
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert token.revoked_at is None
    # Nowhere in the database: not in any column of any table.
    connection = session.connection()
    for table in Base.metadata.sorted_tables:
        for row in connection.execute(table.select()):
            assert raw not in repr(tuple(row)), table.name
    assert connection.execute(text("SELECT count(*) FROM calendar_tokens WHERE token_hash = "
                                   ":raw"), {"raw": raw}).scalar() == 0


def test_a_new_address_replaces_the_old_one(signed_in, member, session, client):
    old_url, old = issue(signed_in)
    new_url, new = issue(signed_in)
    assert new != old
    assert client.get(path_of(old_url)).status_code == 404
    assert client.get(path_of(new_url)).status_code == 200
    first, second = tokens_of(session, member)
    assert first.revoked_at is not None and second.revoked_at is None
    assert feeds.active_token(session, member).id == second.id


def test_a_revoked_address_finds_nothing(signed_in, member, session, client):
    url, _ = issue(signed_in)
    assert client.get(path_of(url)).status_code == 200
    response = signed_in.post(PAGE, data={"action": "revoke"}, follow_redirects=True)
    assert response.status_code == 200
    page = page_text(response)
    assert "Your calendar address is revoked." in page
    assert "You have no calendar address now." in page
    assert client.get(path_of(url)).status_code == 404
    (token,) = tokens_of(session, member)
    assert token.revoked_at is not None


def test_a_post_without_a_choice_is_refused_beside_the_buttons(signed_in, member, session):
    for data in ({}, {"action": "delete-everything"}):
        response = signed_in.post(PAGE, data=data)
        assert response.status_code == 400
        page = page_text(response)
        assert 'class="error-summary"' in page
        assert "Choose whether to make a new address or revoke it." in page
    assert tokens_of(session, member) == []


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_a_post_from_another_site_changes_nothing(app, login, member, session, app_config):
    client = login(app.test_client(), member)
    response = client.post(PAGE, data={"action": "issue"}, follow_redirects=True)
    assert response.status_code == 400
    assert not ADDRESS.search(response.get_data(as_text=True))
    assert tokens_of(session, member) == []
    # The page's own forms carry the token that makes the same request work.
    page = client.get(PAGE).get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    issued = client.post(PAGE, data={"action": "issue", "csrf_token": csrf})
    assert issued.status_code == 303 and issued.location == PAGE
    assert len(tokens_of(session, member)) == 1
    page = client.get(PAGE).get_data(as_text=True)
    # Both forms carry it, each field with an id of its own.
    assert 'id="issue-csrf"' in page and 'id="revoke-csrf"' in page


def test_each_account_has_its_own_address(app, login, signed_in, member, make_account, client,
                                          session):
    other = english(login(app.test_client(), make_account("member")))
    mine, _ = issue(signed_in)
    theirs, _ = issue(other)
    signed_in.post(PAGE, data={"action": "revoke"}, follow_redirects=True)
    assert client.get(path_of(mine)).status_code == 404
    assert client.get(path_of(theirs)).status_code == 200


def test_the_page_in_swedish(app, login, member):
    """Waits for the Swedish catalogue: the page's strings are new."""
    client = login(app.test_client(), member)
    response = client.get(PAGE)
    assert lang_of(response) == "sv"
    page = page_text(response)
    for english_text in ("Your calendar address", "You have no calendar address now.",
                         "Make my calendar address"):
        assert english_text not in page
    issued = page_text(client.post(PAGE, data={"action": "issue"}, follow_redirects=True))
    assert ADDRESS.search(issued)
    assert "Copy it now" not in issued and "Keep it to yourself" not in issued


# --- the feed's address -------------------------------------------------------------------


@pytest.mark.parametrize("token", ["unknown-token", "x" * 43, "ä", "a" * 500])
def test_an_unknown_address_finds_nothing(client, signed_in, token):
    issue(signed_in)
    assert client.get(f"/calendar/personal/{token}.ics").status_code == 404


def test_the_address_of_a_deactivated_account_finds_nothing(signed_in, member, session, client):
    url, _ = issue(signed_in)
    member.is_active = False
    session.commit()
    assert client.get(path_of(url)).status_code == 404
    member.is_active = True
    session.commit()
    assert client.get(path_of(url)).status_code == 200


def test_the_personal_feed_is_kept_out_of_shared_caches_search_engines_and_referrers(
        signed_in, client):
    url, _ = issue(signed_in)
    first = client.get(path_of(url))
    again = client.get(path_of(url), headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    for response in (first, again):
        assert response.headers["Cache-Control"].split(", ")[0] == "private"
        assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
        assert response.headers["Referrer-Policy"] == "no-referrer"


def test_a_calendars_fetch_is_recorded_and_shown(signed_in, member, session, client):
    url, _ = issue(signed_in)
    assert "Not yet" in page_text(signed_in.get(PAGE))
    before = utcnow()
    client.get(path_of(url))
    (token,) = tokens_of(session, member)
    first_use = token.last_used_at
    assert first_use is not None
    assert before - timedelta(seconds=1) <= first_use <= utcnow()
    assert "Not yet" not in page_text(signed_in.get(PAGE))

    # Within the hour a fetch writes nothing.
    client.get(path_of(url))
    (token,) = tokens_of(session, member)
    assert token.last_used_at == first_use

    # After it, the fetch is recorded again.
    token.last_used_at = utcnow() - timedelta(hours=2)
    session.commit()
    client.get(path_of(url))
    (token,) = tokens_of(session, member)
    assert token.last_used_at > first_use - timedelta(seconds=1)
    assert token.last_used_at >= utcnow() - timedelta(minutes=1)


def test_a_revoked_address_is_not_found_by_the_service(signed_in, member, session):
    _, raw = issue(signed_in)
    assert feeds.find_token(session, raw).account_id == member.id
    feeds.revoke_tokens(session, member)
    session.commit()
    assert feeds.find_token(session, raw) is None
    assert feeds.find_token(session, "") is None
