"""The subscription help page in Swedish and English: every body's address in a read-only
field to copy (without JavaScript too), a webcal:// link to subscribe, the steps for Outlook,
Google, Apple and Thunderbird, and the way to one's own feed; the meeting page's link to its
file; and the probes /healthz and /readyz."""

from __future__ import annotations

import re

import pytest
from calendars_fixtures import at, english
from page_helpers import lang_of, page_text
from sqlalchemy.exc import OperationalError

from forum import health

pytestmark = pytest.mark.usefixtures("fresh_feeds")

SLUGS = ("politikerforum", "tjanstepersonsforum")


@pytest.fixture
def app_config(tmp_path):
    # Addresses as users reach them, behind HTTPS; stored files in the test's own folder.
    return {"BASE_URL": "https://forum.test", "STORAGE_PATH": str(tmp_path / "files")}


def field(page: str, field_id: str) -> str:
    found = re.search(rf'<input[^>]*\bid="{re.escape(field_id)}"[^>]*>', page)
    assert found, f"no field {field_id}"
    return found.group(0)


def label_of(page: str, field_id: str) -> str:
    found = re.search(rf'<label[^>]*for="{re.escape(field_id)}"[^>]*>(.*?)</label>', page)
    assert found, f"no label for {field_id}"
    return found.group(1)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_body_has_its_addresses_to_copy_and_a_link_to_subscribe(client, lang):
    if lang == "en":
        english(client)
    response = client.get("/calendar")
    assert response.status_code == 200
    assert lang_of(response) == lang
    page = page_text(response)
    for slug in SLUGS:
        swedish_feed = f"https://forum.test/calendar/{slug}.ics"
        english_feed = f"https://forum.test/calendar/{slug}.ics?lang=en"
        for field_id, url in ((f"feed-{slug}", swedish_feed),
                              (f"feed-{slug}-en", english_feed)):
            control = field(page, field_id)
            # Selectable and copyable without JavaScript; copy.js adds a button to it.
            assert 'type="text"' in control and "readonly" in control
            assert f'value="{url}"' in control
            assert 'class="copy-field"' in control
            assert label_of(page, field_id)
        # The button and the download give the feed in the page's language.
        feed = english_feed if lang == "en" else swedish_feed
        assert f'href="{feed.replace("https://", "webcal://")}"' in page
        assert f'href="{feed}" download' in page
    assert '<script src="/static/js/copy.js" defer></script>' in page


def test_the_addresses_on_the_page_serve_the_feeds(client, make_meeting, read_ics):
    meeting = make_meeting(at(2026, 11, 24))
    page = page_text(client.get("/calendar"))
    url = re.search(r'value="https://forum\.test(/calendar/politikerforum\.ics)"', page).group(1)
    assert read_ics(client.get(url).data).uids() == [meeting.uid]
    english_url = re.search(
        r'value="https://forum\.test(/calendar/politikerforum\.ics)\?lang=en"', page).group(1)
    feed = read_ics(client.get(english_url, query_string={"lang": "en"}).data)
    assert feed.js["calendar"]["name"] == "Forum – politicians' forum"


def test_the_page_explains_each_calendar_program_in_english(client):
    page = page_text(english(client).get("/calendar"))
    for program in ("Outlook", "Google Calendar", "Apple Calendar", "Thunderbird"):
        assert f"<h3>{program}</h3>" in page, program
    assert "Subscribe from web" in page
    assert "From URL" in page
    assert "New Calendar Subscription" in page
    assert "On the Network" in page


def test_the_page_in_swedish(client):
    """Waits for the Swedish catalogue: the page's strings are new."""
    page = page_text(client.get("/calendar"))
    for program in ("Outlook", "Thunderbird"):
        assert f"<h3>{program}</h3>" in page
    for english_text in ("Meetings in your calendar", "How to subscribe", "Address in Swedish",
                         "Subscribe from web", "Download the file"):
        assert english_text not in page, english_text


def test_anonymous_visitors_are_offered_to_log_in_for_their_own_feed(client):
    page = page_text(client.get("/calendar"))
    assert 'href="/login?next=/profile/calendar"' in page
    assert 'href="/profile/calendar"' not in page


def test_signed_in_people_are_led_to_their_own_feed(app, login, make_account):
    page = page_text(english(login(app.test_client(), make_account("member"))).get("/calendar"))
    assert 'href="/profile/calendar"' in page
    assert "Get your personal calendar address" in page


def test_the_meeting_page_links_to_its_file_and_to_the_help(client, make_meeting):
    meeting = make_meeting(at(2026, 11, 24))
    page = page_text(client.get(f"/meetings/{meeting.id}"))
    assert f'href="/meetings/{meeting.id}.ics" download' in page
    assert 'href="/calendar"' in page


# --- probes -------------------------------------------------------------------------------


def test_healthz_answers_without_touching_the_database(client, count_queries):
    with count_queries() as counter:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ok\n"
    assert response.mimetype == "text/plain"
    assert response.headers["Cache-Control"] == "no-store"
    assert counter.count == 0


def test_readyz_is_ready_with_the_database_and_the_storage(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready",
                                   "checks": {"database": "ok", "storage": "ok"}}
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_is_not_ready_without_its_storage(app, client, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the storage folder should be")
    app.config["STORAGE_PATH"] = str(blocked)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "not ready",
                                   "checks": {"database": "ok", "storage": "unreachable"}}


class _UnreachableSession:
    def execute(self, statement, *args, **kwargs):
        raise OperationalError(str(statement), {}, ConnectionRefusedError("connection refused"))


class _UnreachableDatabase:
    session = _UnreachableSession()


def test_readyz_is_not_ready_without_its_database(client, monkeypatch):
    monkeypatch.setattr(health, "db", _UnreachableDatabase())
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "not ready",
                                   "checks": {"database": "unreachable", "storage": "ok"}}
    monkeypatch.undo()
    assert client.get("/readyz").status_code == 200
