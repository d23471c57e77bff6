"""Every page renders with the layout and the right content: the start page, the
accessibility statement, unknown addresses, and the language switch with its redirect.
The roster's own pages are in tests/roster/test_views.py.

Swedish pages are checked on their data and structure (the Swedish catalogue is still
being filled); English pages, reached through the language switch, on their words too.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from flask import url_for
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from forum.reference import PERIODS
from page_helpers import between, lang_of, page_text

@pytest.fixture
def client(staff_client):
    """The tests in this module act as a member of the secretariat."""
    return staff_client



@pytest.fixture
def english(client):
    response = client.post("/language", data={"lang": "en", "next": "/"})
    assert response.status_code == 302
    return client


PERIOD_2021 = next(p for p in PERIODS if p["slug"] == "2021-2030")


# --- every page -----------------------------------------------------------------------------


# Routes that answer with a file rather than a page.
FILES = {"proposals.decision", "meetings.attendance_csv", "meetings.attendance_xlsx",
         "calendars.meeting_file", "calendars.body_feed", "calendars.personal_feed",
         "health.healthz", "health.readyz", "material.download",
         "material.download_version", "material.pack",
         "news.feed", "news.sitemap_index", "news.sitemap_page", "news.robots",
         "surveys.export_csv", "surveys.export_xlsx",
         "privacy.my_data_json", "privacy.person_data_json"}


@pytest.fixture
def every_page(app, session, make_person, make_organisation, make_nomination, make_account,
               seat, region):
    """The address of every GET page in the URL map, filled with real objects."""
    from forum.accounts import tokens
    from forum.accounts.models import TokenPurpose
    from forum.meetings.models import (
        ActionItem,
        AgendaItem,
        Answer,
        Meeting,
        MeetingAnswer,
        MeetingGuest,
        MeetingStatus,
    )
    from forum.material import services as material
    from forum.material.models import DocumentKind, Visibility
    from forum.proposals.models import NominationProposal
    from forum.strategy.models import Theme
    from forum.timeutil import STOCKHOLM

    organisation = make_organisation("Sidmyndigheten")
    person = make_person("Sid", "Sidsson", organisation=organisation)
    nomination = make_nomination(person, region_code="12", start=date(2023, 1, 1))
    invited = make_account("plain", password_hash=None)
    resetting = make_account("plain")
    contact = make_account("region_contact")
    official = seat("tjanstepersonsforum", "tjansteperson")
    proposal = NominationProposal(
        region_id=region("12").id, body_id=official.body_id, seat_id=official.id,
        new_given_name="Föreslagen", new_family_name="Person", start_date=date(2027, 1, 1),
        decision_reference="RS 2026-11-12 § 1", proposed_by_id=contact.id,
    )
    session.add(proposal)
    # A meeting that has been held, with what its pages show: an agenda, a guest, answers,
    # an action item, a link to the officials' meeting that prepared it.
    start = datetime(2025, 3, 11, 10, tzinfo=STOCKHOLM)
    meeting = Meeting(body_id=nomination.body_id, title="Sidmötet", start_at=start,
                      end_at=start + timedelta(hours=4), venue="Regionhuset Malmö",
                      online_url="https://meet.example.se/sid", host_region_id=region("12").id,
                      status=MeetingStatus.HELD, description="Ett möte för sidorna.")
    session.add(meeting)
    session.flush()
    earlier = start - timedelta(days=21)
    session.add(Meeting(body_id=official.body_id, title="Förberedande sidmöte",
                        start_at=earlier, end_at=earlier + timedelta(hours=3),
                        prepares_id=meeting.id, status=MeetingStatus.HELD))
    guest = make_person("Sid", "Gäst", organisation=organisation)
    session.add_all([
        AgendaItem(meeting_id=meeting.id, position=1, title="Inledning", presenter="Kansliet"),
        MeetingGuest(meeting_id=meeting.id, person_id=guest.id),
        MeetingAnswer(meeting_id=meeting.id, person_id=person.id, answer=Answer.SUBSTITUTE,
                      substitute_name="Sara Suppleant"),
        ActionItem(meeting_id=meeting.id, body_id=meeting.body_id, what="Sammanställ svaren"),
    ])
    session.flush()
    with app.test_request_context():
        document = material.create(
            session, by=None, title="Sidunderlag", kind=DocumentKind.BACKGROUND,
            visibility=Visibility.PUBLIC, meeting_id=meeting.id,
            upload=FileStorage(io.BytesIO("Sidans text om regionerna.".encode()),
                               filename="sida.txt"),
        )
    theme = session.scalar(select(Theme).order_by(Theme.id))
    values = {"code": "12", "person_id": person.id, "organisation_id": organisation.id,
              "nomination_id": nomination.id, "account_id": invited.id,
              "proposal_id": proposal.id, "meeting_id": meeting.id,
              "document_id": document.id, "theme_id": theme.id, "number": 1,
              "slug": "politikerforum"}
    from surveys_fixtures import access_matrix_survey

    values.update(access_matrix_survey(app, session, meeting, person))
    from news_fixtures import page_news_item

    values["news_id"] = page_news_item(app, session).id
    from cooperation_fixtures import access_matrix_entries

    values["cooperation_id"] = access_matrix_entries(app, session, contact)["cooperation.edit"]
    tokens_for = {
        "accounts.accept_invitation": tokens.issue(session, invited, TokenPurpose.INVITATION),
        "accounts.reset_password": tokens.issue(session, resetting, TokenPurpose.PASSWORD_RESET),
    }
    session.commit()
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint in FILES or rule.endpoint == "static" or "GET" not in rule.methods:
                continue
            if "token" in rule.arguments:
                urls.append(url_for(rule.endpoint, token=tokens_for[rule.endpoint]))
                continue
            assert rule.arguments <= values.keys(), f"no value for {rule.arguments} ({rule})"
            urls.append(url_for(rule.endpoint, **{a: values[a] for a in rule.arguments}))
    assert len(urls) >= 10
    return urls


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_page_renders_with_the_layout(admin_client, every_page, language):
    client = admin_client  # an administrator may open every page
    if language == "en":
        client.post("/language", data={"lang": "en", "next": "/"})
    for url in every_page:
        response = client.get(url)
        assert response.status_code == 200, url
        assert lang_of(response) == language, url
        text = response.get_data(as_text=True)
        title = re.search(r"<title>(.*?)</title>", text, re.S)
        assert title and title.group(1).split("–")[0].strip(), url  # a title of its own
        assert text.count("<h1") == 1, url
        assert '<main id="main"' in text and 'href="#main"' in text, url  # skip link
        assert 'href="/accessibility"' in text, url
        assert "Traceback" not in text




# --- start page -----------------------------------------------------------------------------


def test_start_page_shows_both_bodies_and_the_current_strategy(client):
    response = client.get("/")
    assert response.status_code == 200
    assert lang_of(response) == "sv"
    text = page_text(response)
    assert "Politikerforum" in text
    assert "Tjänstepersonsforum" in text
    assert PERIOD_2021["name_sv"] in text
    assert "2021–2030" in text
    assert "Skr. 2020/21:133" in text
    themes = between(text, '<ol class="themes">', "</ol>")
    assert themes.count("<li>") == 4
    for _slug, name_sv, _name_en in PERIOD_2021["themes"]:
        assert name_sv in themes
    # The previous period's themes belong to old meetings, not to the start page.
    assert "Internationellt samarbete" not in text
    assert "Attraktiva miljöer och tillgänglighet" not in text


def test_start_page_in_english(english):
    response = english.get("/")
    assert lang_of(response) == "en"
    text = page_text(response)
    assert "Politicians' forum" in text
    assert "Officials' forum" in text
    assert PERIOD_2021["name_en"] in text
    for _slug, _name_sv, name_en in PERIOD_2021["themes"]:
        assert name_en in text
    assert "Politikerforum" not in text


def test_accessibility_statement(client):
    statement = client.get("/accessibility")
    assert statement.status_code == 200
    text = page_text(statement)
    assert "digg.se/tdosanmalan" in text
    assert "2018:1937" in text


def test_accessibility_statement_in_english(english):
    text = page_text(english.get("/accessibility"))
    assert "Accessibility statement" in text
    assert "compliant" in text  # the compliance level
    assert "WCAG 2.1" in text


# --- not found ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/regions/99", "/regions/xx", "/people/999999", "/people/abc",
                                 "/no-such-page", "/nominations/999999/end"])
def test_unknown_things_get_a_real_404_page(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert lang_of(response) == "sv"
    text = page_text(response)
    assert 'class="site-header"' in text and 'class="site-footer"' in text
    assert '<article class="error-page">' in text
    assert "404" in text
    assert "Traceback" not in text


def test_404_in_english(english):
    response = english.get("/people/999999")
    assert response.status_code == 404
    assert lang_of(response) == "en"
    assert "not found" in page_text(response)


# --- language -------------------------------------------------------------------------------


def test_swedish_by_default_even_when_the_browser_prefers_english(client):
    response = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert lang_of(response) == "sv"


def test_language_switch_is_remembered(client):
    assert lang_of(client.get("/")) == "sv"
    response = client.post("/language", data={"lang": "en", "next": "/regions"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/regions"
    regions = client.get("/regions")
    assert lang_of(regions) == "en"
    assert "Regions and their seats" in page_text(regions)
    # Remembered on the next pages, until changed back.
    assert lang_of(client.get("/")) == "en"
    assert lang_of(client.get("/regions/12")) == "en"
    client.post("/language", data={"lang": "sv", "next": "/"})
    assert lang_of(client.get("/")) == "sv"


def test_language_switch_offers_the_other_language(client):
    text = client.get("/regions/12").get_data(as_text=True)
    form = between(text, '<form class="language-switch"', "</form>")
    assert 'name="lang" value="en"' in form
    assert 'name="next" value="/regions/12"' in form
    client.post("/language", data={"lang": "en", "next": "/"})
    form = between(client.get("/").get_data(as_text=True), '<form class="language-switch"',
                   "</form>")
    assert 'name="lang" value="sv"' in form


def test_an_unknown_language_is_ignored(client):
    response = client.post("/language", data={"lang": "de", "next": "/regions"})
    assert response.status_code == 302
    assert lang_of(client.get("/")) == "sv"


def test_language_switch_keeps_the_query(client):
    response = client.post("/language", data={"lang": "en", "next": "/regions?on=2024-01-01"})
    assert response.headers["Location"] == "/regions?on=2024-01-01"


def test_language_switch_falls_back_to_the_referring_page(client):
    response = client.post(
        "/language", data={"lang": "en"}, headers={"Referer": "http://localhost/regions/12"}
    )
    assert response.headers["Location"] == "/regions/12"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "//evil.example/regions",
        "https://evil.example",
        "http://evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "https:evil.example",
        "javascript:alert(1)",
        " //evil.example",
        "evil.example",
    ],
)
def test_language_switch_refuses_to_redirect_elsewhere(client, target):
    response = client.post("/language", data={"lang": "en", "next": target})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location == "/"
    assert "evil" not in location
    assert not urlsplit(location).netloc
    assert lang_of(client.get("/")) == "en"  # the switch itself still happened


def test_language_switch_ignores_a_foreign_referrer_host(client):
    response = client.post(
        "/language", data={"lang": "en"}, headers={"Referer": "https://evil.example//evil.example/x"}
    )
    assert not urlsplit(response.headers["Location"]).netloc
    assert "evil" not in response.headers["Location"]
