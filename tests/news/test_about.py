"""The forum's public face: the about page, and meetings held with their public material as
the public sees them."""

from __future__ import annotations

import re

from material_fixtures import FUTURE, at, english, text_of
from page_helpers import between

from forum.material.models import Visibility
from forum.meetings.models import MeetingStatus


def test_the_about_page_tells_what_the_forum_is_and_links_onwards(app, client, themes):
    response = english(client).get("/about")
    assert response.status_code == 200
    page = text_of(response)
    assert "<h1>About the forum</h1>" in page
    assert "dialogue, cooperation, learning and spreading knowledge" in page
    assert "eight times a year" in page
    assert "at most two politicians" in page
    # The current strategy's themes, each to its knowledge bank.
    section = between(page, 'aria-labelledby="themes-heading"', "</section>")
    for theme in themes:
        assert f'href="/themes/{theme.id}"' in section
    assert "Skr. 2020/21:133" in section
    # The bodies, to their pages where the app has them.
    bodies = between(page, 'aria-labelledby="bodies-heading"', "</section>")
    assert "Politicians' forum" in bodies and "Officials' forum" in bodies
    if "bodies.body" in app.view_functions:
        assert 'href="/bodies/politikerforum"' in bodies
    assert 'href="/regions"' in bodies
    # The meetings held, one click away; the secretariat's contact.
    assert 'href="/meetings#past-heading"' in page
    assert 'href="mailto:forum@tillvaxtverket.se"' in page
    assert "831 03 Östersund" in page
    assert '<meta name="description" content="The Forum for sustainable regional development' \
        in page
    assert 'href="/about"' in between(page, '<footer class="site-footer">', "</footer>")


def test_the_about_page_in_swedish_has_one_h1_and_the_layout(client):
    response = client.get("/about")
    assert response.status_code == 200
    page = response.text
    assert '<html lang="sv">' in page and page.count("<h1") == 1
    assert '<link rel="canonical" href="http://forum.test/about">' in page


def test_the_about_page_shows_the_latest_meetings_held(client, new_meeting, themes):
    held = new_meeting(at(2025, 3, 11), theme=themes[0], status=MeetingStatus.HELD,
                       title="Hållet politikerforum")
    new_meeting(at(FUTURE, 3, 11), theme=themes[1], title="Kommande politikerforum")
    new_meeting(at(2025, 4, 11), status=MeetingStatus.CANCELLED, title="Inställt forum")
    page = text_of(english(client).get("/about"))
    meetings = between(page, 'aria-labelledby="meetings-heading"', "</section>")
    assert f'href="/meetings/{held.id}"' in meetings
    assert "Kommande politikerforum" not in meetings and "Inställt forum" not in meetings
    assert "All 1 meeting held, with its public material" in meetings


def test_the_public_reaches_held_meetings_with_their_public_material_only(
    client, new_meeting, add_document, themes
):
    held = new_meeting(at(2025, 3, 11), theme=themes[0], status=MeetingStatus.HELD,
                       title="Hållet möte om kompetens")
    add_document(held, title="Offentlig presentation")
    add_document(held, title="Underlag för deltagarna", visibility=Visibility.PARTICIPANTS)
    add_document(held, title="Kansliets minnesanteckning", visibility=Visibility.SECRETARIAT)

    listing = text_of(client.get("/meetings"))
    past = between(listing, 'id="past-heading"', "</section>")
    assert f'href="/meetings/{held.id}"' in past

    page = text_of(client.get(f"/meetings/{held.id}"))
    assert "Hållet möte om kompetens" in page
    assert "Offentlig presentation" in page
    assert "Underlag för deltagarna" not in page
    assert "Kansliets minnesanteckning" not in page
    assert re.search(r'<meta name="description" content="Hållet möte om kompetens: ', page)
