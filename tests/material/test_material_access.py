"""Who reads which document, over every document route: each kind of visitor against each
visibility, for a meeting they take part in or not, before and after their nomination ends;
and what a download sends and logs.

A document the visitor may not read does not exist for them (404), an anonymous visitor is
asked to log in first; its title shows nowhere: not on the meeting page, in search, in the
knowledge bank, in the ZIP.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest
from material_fixtures import FUTURE, at, pdf_file, text_of, unique
from sqlalchemy import func, select

from forum.accounts.models import Account
from forum.material.models import Document, Download, Visibility
from forum.meetings.models import Meeting, MeetingGuest, MeetingStatus
from forum.roster import services as roster
from forum.timeutil import today

ROLES = ("anonymous", "member", "former", "other_body", "guest", "contact", "plain",
         "secretariat", "admin")

# Which meetings each visitor takes part in: `member` sits in the body throughout, `former`
# left it before the coming meeting, `guest` is invited to the coming meeting only.
TAKES_PART = {
    "member": {"held", "coming", "body"},
    "former": {"held"},
    "guest": {"coming"},
}
VISIBILITIES = (Visibility.PUBLIC, Visibility.PARTICIPANTS, Visibility.SECRETARIAT)
WORD = "matrisord"  # in every document's text, for search


@dataclass
class World:
    held: Meeting
    coming: Meeting
    accounts: dict[str, Account]
    # (place, visibility or "withdrawn") -> document; place is "held", "coming" or "body"
    documents: dict[tuple[str, str], Document] = field(default_factory=dict)
    theme_id: int = 0

    def may_read(self, role: str, key: tuple[str, str]) -> bool:
        place, visibility = key
        if role in ("secretariat", "admin"):
            return True
        if visibility in ("withdrawn", "secretariat"):
            return False
        if visibility == "public":
            return True
        return place in TAKES_PART.get(role, set())


def title_for(place: str, visibility: str) -> str:
    return f"Dokument{place.capitalize()}{visibility.capitalize()}"


@pytest.fixture
def world(app, session, bodies, themes, make_person, make_nomination, make_account,
          new_meeting, add_document) -> World:
    theme = themes[0]
    held = new_meeting(at(2024, 3, 12), title="Det hållna mötet", theme=theme,
                       status=MeetingStatus.HELD)
    coming = new_meeting(at(FUTURE, 3, 10), title="Det kommande mötet", theme=theme)

    accounts: dict[str, Account] = {}
    member = make_person("Maria", "Ledamot")
    make_nomination(member, region_code="12", start=date(2023, 1, 1))
    accounts["member"] = make_account("member", person=member)
    former = make_person("Fredrik", "Förre")
    make_nomination(former, region_code="13", start=date(2023, 1, 1), end=date(2024, 12, 31))
    accounts["former"] = make_account("member", person=former)
    official = make_person("Olle", "Tjänsteperson")
    make_nomination(official, region_code="12", body="tjanstepersonsforum",
                    seat_slug="tjansteperson", start=date(2023, 1, 1))
    accounts["other_body"] = make_account("member", person=official)
    guest = make_person("Greta", "Gäst")
    session.add(MeetingGuest(meeting_id=coming.id, person_id=guest.id))
    session.commit()
    accounts["guest"] = make_account("guest", person=guest)
    accounts["contact"] = make_account("region_contact", region_code="12")
    accounts["plain"] = make_account("plain")
    accounts["secretariat"] = make_account("secretariat")
    accounts["admin"] = make_account("admin")

    found = World(held, coming, accounts, theme_id=theme.id)
    for place, meeting in (("held", held), ("coming", coming)):
        for visibility in VISIBILITIES:
            # One real PDF, the rest plain text: making PDFs takes its time.
            as_pdf = (place, visibility) == ("coming", Visibility.PARTICIPANTS)
            text = unique(f"Text med {WORD} för {place}.")
            found.documents[(place, visibility.value)] = add_document(
                meeting, title=title_for(place, visibility.value), visibility=visibility,
                content=pdf_file(text) if as_pdf else text.encode(),
                name=f"{place} {visibility.value} åäö.{'pdf' if as_pdf else 'txt'}",
                themes=[theme])
        withdrawn = add_document(meeting, title=title_for(place, "withdrawn"),
                                 visibility=Visibility.PARTICIPANTS, themes=[theme],
                                 content=unique(f"{WORD} indraget").encode(),
                                 name="indraget.txt")
        with app.test_request_context():
            from forum.material import services

            services.withdraw(session, withdrawn, reason="Fel fil")
        session.commit()
        found.documents[(place, "withdrawn")] = withdrawn
    # A document for the body's participants without a meeting: its current members.
    found.documents[("body", "participants")] = add_document(
        None, title=title_for("body", "participants"), visibility=Visibility.PARTICIPANTS,
        body=bodies["politikerforum"], themes=[theme],
        content=unique(f"{WORD} för kroppen").encode(), name="kroppen.txt")
    return found


@pytest.fixture
def visitor(app, world, login):
    def make(role: str):
        client = app.test_client()
        if role != "anonymous":
            login(client, world.accounts[role])
        return client

    return make


def assert_hidden(response, role: str, url: str) -> None:
    if role == "anonymous":
        assert response.status_code == 302, url
        location = urlsplit(response.location)
        assert location.path == "/login", url
        assert parse_qs(location.query)["next"] == [url]
    else:
        assert response.status_code == 404, url


READ_ROUTES = ("/material/{id}", "/material/{id}/file", "/material/{id}/versions/1/file")
STAFF_GETS = ("/material/{id}/edit", "/material/{id}/versions/new", "/material/{id}/withdraw",
              "/material/{id}/downloads")


@pytest.mark.parametrize("role", ROLES)
def test_every_document_route_for_every_visitor(world, visitor, subtests, role):
    client = visitor(role)
    for key, document in world.documents.items():
        readable = world.may_read(role, key)
        for route in READ_ROUTES:
            url = route.format(id=document.id)
            with subtests.test(document=key, url=route):
                response = client.get(url)
                if readable:
                    assert response.status_code == 200, url
                    if route == "/material/{id}":
                        assert document.title in text_of(response)
                else:
                    assert_hidden(response, role, url)
                    assert document.title not in text_of(response)
        for route in STAFF_GETS:
            url = route.format(id=document.id)
            with subtests.test(document=key, url=route):
                response = client.get(url)
                if role in ("secretariat", "admin"):
                    assert response.status_code == 200, url
                elif role == "anonymous":
                    assert response.status_code == 302, url
                    assert response.location.startswith("/login?next="), url
                else:
                    assert response.status_code == 403, url
                    assert document.title not in text_of(response)


@pytest.mark.parametrize("role", ROLES)
def test_the_meeting_pages_list_exactly_what_the_visitor_may_read(world, visitor, role):
    client = visitor(role)
    for place, meeting in (("held", world.held), ("coming", world.coming)):
        page = text_of(client.get(f"/meetings/{meeting.id}"))
        section = page.split('id="material"', 1)[1].split("</section>", 1)[0]
        for key, document in world.documents.items():
            if key[0] != place:
                continue
            shown = document.title in section
            assert shown == world.may_read(role, key), (key, role)
            assert (document.title in page) == shown, (key, role)


@pytest.mark.parametrize("role", ROLES)
def test_the_zip_holds_exactly_what_the_visitor_may_read(world, visitor, role):
    client = visitor(role)
    for place, meeting in (("held", world.held), ("coming", world.coming)):
        response = client.get(f"/meetings/{meeting.id}/material.zip")
        assert response.status_code == 200
        names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
        # Withdrawn documents are no meeting's material, not even in the secretariat's ZIP.
        expected = sorted(d.title for k, d in world.documents.items()
                          if k[0] == place and k[1] != "withdrawn" and world.may_read(role, k))
        assert sorted(re.sub(r"^\d\d |\.(pdf|txt)$", "", n) for n in names) == expected, role


@pytest.mark.parametrize("role", ROLES)
def test_search_and_the_knowledge_bank_show_exactly_what_the_visitor_may_read(
    world, visitor, role
):
    client = visitor(role)
    readable = {d.title for k, d in world.documents.items() if world.may_read(role, k)}
    hidden = {d.title for k, d in world.documents.items() if not world.may_read(role, k)}

    search = text_of(client.get("/search", query_string={"q": WORD}))
    theme = text_of(client.get(f"/themes/{world.theme_id}"))
    for page in (search, theme):
        assert all(title in page for title in readable), role
        assert not any(title in page for title in hidden), role

    themes = text_of(client.get("/themes"))
    count = len([k for k in world.documents if world.may_read(role, k)])
    card = themes.split(f'href="/themes/{world.theme_id}"', 1)[1].split("</li>", 1)[0]
    assert re.search(rf"\b{count} (dokument|documents?)\b", card), (role, card)


@pytest.mark.parametrize("role", ROLES)
def test_staff_actions_are_refused_to_everyone_else(world, visitor, session, role):
    client = visitor(role)
    document = world.documents[("coming", "withdrawn")]
    url = f"/material/{document.id}/reinstate"
    response = client.post(url, data={})
    session.expire_all()
    if role in ("secretariat", "admin"):
        assert response.status_code == 302
        assert session.get(Document, document.id).withdrawn_at is None
    else:
        assert response.status_code == (302 if role == "anonymous" else 403)
        assert session.get(Document, document.id).withdrawn_at is not None
    response = client.post(f"/meetings/{world.coming.id}/distribute", data={})
    assert response.status_code == {"secretariat": 302, "admin": 302, "anonymous": 302}.get(
        role, 403)


# --- a nomination that ends ---------------------------------------------------------------


def test_a_member_reads_until_the_nomination_ends_and_keeps_their_meetings(
    app, session, world, visitor, make_nomination
):
    """Before: the member reads the participants' material of both meetings and the body's.
    After the nomination ends (yesterday): the held meeting's stays readable, the coming
    meeting's and the body's do not."""
    from forum.roster.models import Nomination

    client = visitor("member")
    held = world.documents[("held", "participants")]
    coming = world.documents[("coming", "participants")]
    body = world.documents[("body", "participants")]
    for document in (held, coming, body):
        assert client.get(f"/material/{document.id}").status_code == 200

    nomination = session.scalar(select(Nomination).where(
        Nomination.person_id == world.accounts["member"].person_id))
    with app.test_request_context():
        roster.end_nomination(session, nomination, today() - timedelta(days=1))
    session.commit()

    client = visitor("member")  # a new request works out who the reader is again
    assert client.get(f"/material/{held.id}").status_code == 200
    assert client.get(f"/material/{held.id}/file").status_code == 200
    assert client.get(f"/material/{coming.id}").status_code == 404
    assert client.get(f"/material/{coming.id}/file").status_code == 404
    assert client.get(f"/material/{body.id}").status_code == 404
    page = text_of(client.get(f"/meetings/{world.coming.id}"))
    assert coming.title not in page
    assert coming.title not in text_of(client.get("/search", query_string={"q": WORD}))


def test_a_new_member_reads_the_material_of_meetings_in_their_term_only(
    session, world, visitor, make_person, make_nomination, make_account, login, app
):
    newcomer = make_person("Nina", "Nykomling")
    make_nomination(newcomer, region_code="14", start=date(2025, 1, 1))
    client = login(app.test_client(), make_account("member", person=newcomer))
    assert client.get(f"/material/{world.documents[('coming', 'participants')].id}"
                      ).status_code == 200
    # The held meeting was before their term began.
    assert client.get(f"/material/{world.documents[('held', 'participants')].id}"
                      ).status_code == 404


def test_a_guest_of_one_meeting_reads_nothing_of_the_others(world, visitor, new_meeting,
                                                            add_document):
    other = new_meeting(at(FUTURE, 5, 12), title="Ett annat möte")
    document = add_document(other, title="Annat mötes underlag",
                            visibility=Visibility.PARTICIPANTS)
    assert visitor("guest").get(f"/material/{document.id}").status_code == 404
    assert visitor("member").get(f"/material/{document.id}").status_code == 200


# --- downloads ------------------------------------------------------------------------------


def test_a_download_sends_the_file_safely_with_its_name_and_is_logged(
    session, world, visitor, blob_store
):
    document = world.documents[("coming", "participants")]
    client = visitor("member")

    response = client.get(f"/material/{document.id}/file")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data == blob_store.path(document.current.blob).read_bytes()
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    name = "coming participants åäö.pdf"
    assert f"filename*=UTF-8''{quote(name)}" in disposition
    assert unquote(disposition.split("filename*=UTF-8''", 1)[1].split(";")[0]) == name
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    csp = response.headers["Content-Security-Policy"]
    assert "sandbox" in csp and "default-src 'none'" in csp
    assert "private" in response.headers["Cache-Control"]

    [logged] = session.scalars(select(Download).where(Download.document_id == document.id))
    assert logged.account_id == world.accounts["member"].id
    assert logged.version_id == document.current.id
    assert logged.via == "file"


def test_a_text_file_is_sent_as_text_never_as_a_page(session, world, visitor, add_document):
    document = add_document(world.coming, title="Ett försök",
                            content=b"<script>alert('hej')</script> " + unique("x").encode(),
                            name="sida.txt")
    response = visitor("anonymous").get(f"/material/{document.id}/file")
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_anonymous_downloads_are_logged_without_an_account(session, world, visitor):
    document = world.documents[("held", "public")]
    assert visitor("anonymous").get(f"/material/{document.id}/file").status_code == 200
    [logged] = session.scalars(select(Download).where(Download.document_id == document.id))
    assert logged.account_id is None
    assert "public" in visitor("anonymous").get(
        f"/material/{document.id}/file").headers["Cache-Control"]


def test_a_refused_download_is_not_logged(session, world, visitor):
    document = world.documents[("coming", "secretariat")]
    assert visitor("member").get(f"/material/{document.id}/file").status_code == 404
    assert session.scalar(select(func.count(Download.id)).where(
        Download.document_id == document.id)) == 0


def test_the_downloads_page_shows_who_downloaded_to_the_secretariat_only(
    session, world, visitor
):
    document = world.documents[("coming", "participants")]
    visitor("member").get(f"/material/{document.id}/file")
    visitor("guest").get(f"/material/{document.id}/versions/1/file")
    visitor("member").get(f"/meetings/{world.coming.id}/material.zip")

    page = text_of(visitor("secretariat").get(f"/material/{document.id}/downloads"))
    assert "Maria Ledamot" in page and "Greta Gäst" in page
    rows = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0].count("<tr>")
    assert rows == 3
    document_page = text_of(visitor("secretariat").get(f"/material/{document.id}"))
    assert f'href="/material/{document.id}/downloads"' in document_page

    for role, others in (("member", ["Greta Gäst"]), ("guest", ["Maria Ledamot"]),
                         ("contact", ["Greta Gäst", "Maria Ledamot"])):
        response = visitor(role).get(f"/material/{document.id}/downloads")
        assert response.status_code == 403
        assert not any(name in text_of(response) for name in others)
    member_view = text_of(visitor("member").get(f"/material/{document.id}"))
    assert f'href="/material/{document.id}/downloads"' not in member_view


def test_a_link_document_redirects_and_is_logged(session, world, visitor, add_document):
    link = add_document(world.coming, title="Strategin", link_url="https://www.regeringen.se/s",
                        visibility=Visibility.PARTICIPANTS)
    response = visitor("guest").get(f"/material/{link.id}/file")
    assert response.status_code == 302
    assert response.location == "https://www.regeringen.se/s"
    [logged] = session.scalars(select(Download).where(Download.document_id == link.id))
    assert (logged.via, logged.version_id) == ("link", None)
    hidden = visitor("other_body").get(f"/material/{link.id}/file")
    assert hidden.status_code == 404
    assert "regeringen.se" not in hidden.headers.get("Location", "")


def test_unknown_documents_and_versions_are_not_found(world, visitor):
    document = world.documents[("held", "public")]
    client = visitor("secretariat")
    assert client.get(f"/material/{document.id}/versions/2/file").status_code == 404
    assert client.get("/material/999999").status_code == 404
    assert client.get("/material/999999/file").status_code == 404
    assert client.get("/meetings/999999/material.zip").status_code == 404
