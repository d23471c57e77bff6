"""The material pages: versions (the newest is the download, older ones stay listed),
withdrawal and reinstatement with their audit entries, changing a document's details, the
meeting page's section, the knowledge bank per theme with its filters, and query counts that
do not grow with the number of documents."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, date, datetime, timedelta

import pytest
from material_fixtures import (
    FUTURE,
    at,
    english,
    errors_beside,
    pdf_file,
    text_of,
    unique,
)
from sqlalchemy import func, select

from forum.audit.models import AuditEntry
from forum.material import services, views
from forum.material.models import (
    Document,
    DocumentKind,
    DocumentText,
    DocumentVersion,
    Visibility,
)
from forum.meetings.models import MeetingStatus


def titles_in(page: str) -> list[str]:
    """The document titles a page lists, in order."""
    return re.findall(r'<p class="document-title"><a href="/material/\d+">(.*?)</a>', page)


def audit(session, document, action: str) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(
        AuditEntry.object_type == "Document", AuditEntry.object_id == document.id,
        AuditEntry.action == action)))


@pytest.fixture
def member(app, login, make_person, make_nomination, make_account):
    person = make_person("Mona", "Medlem")
    make_nomination(person, region_code="12", start=date(2023, 1, 1))
    return login(app.test_client(), make_account("member", person=person))


# --- versions -------------------------------------------------------------------------------


def test_a_new_version_becomes_the_download_and_the_old_one_stays_listed(
    session, staff_client, member, new_meeting, add_document, make_account, blob_store
):
    meeting = new_meeting(at(FUTURE, 3, 10))
    first = pdf_file(unique("Första versionen"))
    document = add_document(meeting, title="Underlag om vätgas", content=first,
                            name="underlag.pdf", visibility=Visibility.PARTICIPANTS)
    second = pdf_file(unique("Andra versionen"))

    response = staff_client.post(
        f"/material/{document.id}/versions/new",
        data={"note": "Rättade siffror", "file": (io.BytesIO(second), "underlag rev.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    assert response.location.endswith(f"/material/{document.id}")

    session.expire_all()
    versions = session.scalars(select(DocumentVersion).where(
        DocumentVersion.document_id == document.id).order_by(DocumentVersion.number)).all()
    assert [(v.number, v.file_name, v.note) for v in versions] == [
        (1, "underlag.pdf", ""), (2, "underlag rev.pdf", "Rättade siffror")]
    assert versions[1].uploaded_by.is_secretariat
    assert datetime.now(UTC) - versions[1].uploaded_at < timedelta(minutes=1)

    assert member.get(f"/material/{document.id}/file").data == second
    assert member.get(f"/material/{document.id}/versions/1/file").data == first
    assert member.get(f"/material/{document.id}/versions/2/file").data == second
    assert member.get(f"/material/{document.id}/versions/3/file").status_code == 404

    page = text_of(member.get(f"/material/{document.id}"))
    table = page.split('id="versions-heading"', 1)[1].split("</table>", 1)[0]
    rows = table.split("<tbody>", 1)[1].split("<tr>")[1:]
    assert len(rows) == 2
    assert rows[0].lstrip().startswith("<td>2 <span") and "Rättade siffror" in rows[0]
    assert f'href="/material/{document.id}/versions/1/file">underlag.pdf</a>' in rows[1]
    # Who uploaded is the secretariat's to see.
    staff_name = versions[1].uploaded_by.person.name
    assert staff_name not in table
    staff_table = text_of(staff_client.get(f"/material/{document.id}")).split(
        'id="versions-heading"', 1)[1].split("</table>", 1)[0]
    assert staff_name in staff_table

    entries = audit(session, document, "document_version_added")
    assert [e.summary for e in entries] == ["2: underlag rev.pdf"]


def test_a_new_version_needs_a_file(staff_client, add_document, session):
    english(staff_client)
    document = add_document(title="Rapport")
    response = staff_client.post(f"/material/{document.id}/versions/new",
                                 data={"note": "utan fil"}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert errors_beside(text_of(response), "file") == "Choose a file to upload."
    assert session.scalar(select(func.count(DocumentVersion.id)).where(
        DocumentVersion.document_id == document.id)) == 1


def test_a_link_has_no_versions(app, session, staff_client, add_document):
    link = add_document(title="Strategin", link_url="https://www.regeringen.se/strategi")
    assert staff_client.get(f"/material/{link.id}/versions/new").status_code == 404
    assert staff_client.post(f"/material/{link.id}/versions/new", data={},
                             content_type="multipart/form-data").status_code == 404
    page = text_of(staff_client.get(f"/material/{link.id}"))
    assert "/versions/new" not in page
    with app.test_request_context(), pytest.raises(services.MaterialError):
        services.add_version(session, link, by=None,
                             upload=__import__("material_fixtures").upload(b"x", "x.txt"))


# --- withdrawal -----------------------------------------------------------------------------


def test_withdrawing_hides_the_document_from_everyone_but_the_secretariat(
    app, session, staff_client, member, client, new_meeting, add_document, themes, blob_store
):
    meeting = new_meeting(at(FUTURE, 3, 10), theme=themes[0])
    document = add_document(meeting, title="Underlag om fjällturism",
                            content=unique("fjällturism").encode(), name="fjäll.txt")
    other = add_document(meeting, title="Kvarvarande underlag")
    english(staff_client)

    refused = staff_client.post(f"/material/{document.id}/withdraw", data={"reason": ""})
    assert refused.status_code == 400
    assert errors_beside(text_of(refused), "reason") == "Say why the document is withdrawn."

    response = staff_client.post(f"/material/{document.id}/withdraw",
                                 data={"reason": "Fel version laddades upp"})
    assert response.status_code == 302

    # Gone for everyone else: its page, its file, the meeting, search, the theme, the ZIP.
    for visitor, hidden in ((member, 404), (client, 302)):
        for url in (f"/material/{document.id}", f"/material/{document.id}/file",
                    f"/material/{document.id}/versions/1/file"):
            assert visitor.get(url).status_code == hidden, url
        for url in (f"/meetings/{meeting.id}", f"/themes/{themes[0].id}",
                    "/search?q=fjällturism", f"/meetings/{meeting.id}/material.zip"):
            response = visitor.get(url)
            assert response.status_code == 200, url
            if url.endswith(".zip"):
                names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
                assert names == ["01 Kvarvarande underlag.txt"], url
            else:
                assert "Underlag om fjällturism" not in text_of(response), url
        assert "Kvarvarande underlag" in text_of(visitor.get(f"/meetings/{meeting.id}"))

    # Kept, with its versions and its file, and the secretariat still sees it.
    session.expire_all()
    kept = session.get(Document, document.id)
    assert kept.withdrawn_at is not None and kept.withdrawn_reason == "Fel version laddades upp"
    assert len(kept.versions) == 1 and blob_store.has(kept.versions[0].blob)
    page = text_of(staff_client.get(f"/material/{document.id}"))
    assert "only the secretariat sees it" in page and "Fel version laddades upp" in page
    assert staff_client.get(f"/material/{document.id}/file").status_code == 200
    assert "Underlag om fjällturism" in text_of(staff_client.get(f"/meetings/{meeting.id}"))
    assert "Underlag om fjällturism" in text_of(
        staff_client.get("/search", query_string={"q": "fjällturism"}))

    again = staff_client.post(f"/material/{document.id}/withdraw", data={"reason": "igen"})
    assert again.status_code == 400
    assert "The document is already withdrawn." in text_of(again)

    [entry] = audit(session, document, "document_withdrawn")
    assert entry.summary == "Fel version laddades upp"
    assert entry.actor_account_id is not None

    # Reinstated: back for readers, and that is audited too.
    assert staff_client.post(f"/material/{document.id}/reinstate").status_code == 302
    assert member.get(f"/material/{document.id}").status_code == 200
    assert "Underlag om fjällturism" in text_of(
        client.get("/search", query_string={"q": "fjällturism"}))
    assert len(audit(session, document, "document_reinstated")) == 1
    session.expire_all()
    assert session.get(Document, document.id).withdrawn_reason == ""
    assert other.withdrawn_at is None


def test_creating_and_changing_a_document_are_audited(app, session, staff_client, add_document,
                                                     new_meeting, bodies):
    meeting = new_meeting(at(FUTURE, 3, 10))
    document = add_document(meeting, title="Första titeln", visibility=Visibility.PUBLIC)
    assert [e.after["title"] for e in audit(session, document, "document_created")] == [
        "Första titeln"]

    response = staff_client.post(f"/material/{document.id}/edit", data={
        "title": "Andra titeln", "description": "Ny beskrivning", "kind": "report",
        "language": "en", "visibility": "participants", "meeting_id": str(meeting.id),
        "link_url": ""})
    assert response.status_code == 302
    session.expire_all()
    changed = session.get(Document, document.id)
    assert (changed.title, changed.kind, changed.language, changed.visibility) == (
        "Andra titeln", DocumentKind.REPORT, "en", Visibility.PARTICIPANTS)
    assert session.get(DocumentText, document.id).title == "Andra titeln"
    [entry] = audit(session, document, "document_changed")
    assert entry.before["title"] == "Första titeln" and entry.after["title"] == "Andra titeln"
    assert entry.before["visibility"] == "public" and entry.after["visibility"] == "participants"


def test_the_edit_form_explains_its_refusals(staff_client, add_document, session):
    english(staff_client)
    document = add_document(title="Utan möte")
    response = staff_client.post(f"/material/{document.id}/edit", data={
        "title": "  ", "kind": "report", "language": "sv", "visibility": "participants",
        "meeting_id": "", "link_url": ""})
    assert response.status_code == 400
    page = text_of(response)
    assert errors_beside(page, "title")
    session.expire_all()
    assert session.get(Document, document.id).title == "Utan möte"

    response = staff_client.post(f"/material/{document.id}/edit", data={
        "title": "Utan möte", "kind": "report", "language": "sv", "visibility": "participants",
        "meeting_id": "", "link_url": ""})
    assert response.status_code == 400
    assert "Only a document for a meeting or a body can be for its participants." in \
        text_of(response)


def test_the_new_document_form_starts_from_the_meeting(staff_client, new_meeting, themes):
    meeting = new_meeting(at(FUTURE, 3, 10), theme=themes[2])
    page = staff_client.get(f"/material/new?meeting={meeting.id}").get_data(as_text=True)
    assert re.search(rf'<option selected value="{meeting.id}">|<option value="{meeting.id}" '
                     r'selected>', page)
    checkbox = re.search(rf'<input[^>]*value="{themes[2].id}"[^>]*>', page).group(0)
    assert "checked" in checkbox
    radio = re.search(r'<input[^>]*value="participants"[^>]*>', page).group(0)
    assert "checked" in radio


def test_a_document_for_a_meeting_takes_its_theme_and_body(app, session, new_meeting, themes,
                                                         add_document, bodies):
    meeting = new_meeting(at(FUTURE, 3, 10), body="tjanstepersonsforum", theme=themes[1])
    document = add_document(meeting, title="Tema från mötet")
    assert [t.id for t in document.themes] == [themes[1].id]
    assert document.body_id == bodies["tjanstepersonsforum"].id


# --- the meeting page ----------------------------------------------------------------------


def test_the_meeting_page_lists_material_with_the_secretariats_tools(
    staff_client, member, client, new_meeting, add_document
):
    meeting = new_meeting(at(FUTURE, 3, 10))
    add_document(meeting, title="Minnesanteckningar", kind=DocumentKind.MINUTES)
    add_document(meeting, title="Underlag", kind=DocumentKind.BACKGROUND)
    add_document(meeting, title="Kallelse", kind=DocumentKind.NOTICE)
    english(staff_client)

    page = text_of(staff_client.get(f"/meetings/{meeting.id}"))
    section = page.split('id="material"', 1)[1].split("</section>", 1)[0]
    assert titles_in(section) == ["Kallelse", "Underlag", "Minnesanteckningar"]
    due = (at(FUTURE, 3, 10) - timedelta(days=7)).astimezone().date()
    assert "Due to be distributed by" in section and str(due.year) in section
    assert "Not distributed yet." in section
    assert "Distribute 3 new or changed documents" in section
    assert f'href="/material/new?meeting={meeting.id}"' in section

    for visitor in (member, client):
        section = text_of(visitor.get(f"/meetings/{meeting.id}")).split(
            'id="material"', 1)[1].split("</section>", 1)[0]
        assert titles_in(section) == ["Kallelse", "Underlag", "Minnesanteckningar"]
        assert "/distribute" not in section and "/material/new" not in section


def test_a_meeting_without_material_says_so(client, new_meeting):
    meeting = new_meeting(at(FUTURE, 3, 10))
    english(client)
    page = text_of(client.get(f"/meetings/{meeting.id}"))
    assert "No material is published for this meeting yet." in page
    assert "Participants see more when they log in." in page


# --- the knowledge bank ---------------------------------------------------------------------


@pytest.fixture
def bank(new_meeting, add_document, themes):
    """A theme's meetings over three years, with material of several kinds, and another
    theme's meeting that must not show."""
    theme = themes[0]
    m2022 = new_meeting(at(2022, 5, 17), title="Mötet 2022", theme=theme,
                        status=MeetingStatus.HELD)
    m2024 = new_meeting(at(2024, 9, 24), title="Mötet 2024", theme=theme,
                        status=MeetingStatus.HELD)
    coming = new_meeting(at(FUTURE, 2, 9), title="Mötet framåt", theme=theme)
    elsewhere = new_meeting(at(2024, 10, 1), title="Mötet om annat", theme=themes[1])
    add_document(m2022, title="Rapport 2022", kind=DocumentKind.REPORT)
    add_document(m2022, title="Deltagarnas 2022", visibility=Visibility.PARTICIPANTS)
    add_document(m2024, title="Presentation 2024", kind=DocumentKind.PRESENTATION)
    add_document(m2024, title="Rapport 2024", kind=DocumentKind.REPORT)
    add_document(m2024, title="Kansliets 2024", visibility=Visibility.SECRETARIAT)
    add_document(coming, title="Kallelse framåt", kind=DocumentKind.NOTICE)
    add_document(elsewhere, title="Annat tema", kind=DocumentKind.REPORT)
    return theme


def test_the_theme_page_gathers_its_meetings_and_material_newest_first(client, bank):
    page = text_of(client.get(f"/themes/{bank.id}"))
    material = page.split('id="documents-heading"', 1)[1].split("</section>", 1)[0]
    # By the meeting's date, newest first; within a meeting, the newest document first.
    assert titles_in(material) == ["Kallelse framåt", "Rapport 2024", "Presentation 2024",
                                   "Rapport 2022"]
    assert "Annat tema" not in page
    assert "Deltagarnas 2022" not in page and "Kansliets 2024" not in page
    meetings = page.split('id="meetings-heading"', 1)[1]
    order = [meetings.index(t) for t in ("Mötet framåt", "Mötet 2024", "Mötet 2022")]
    assert order == sorted(order)
    assert "Mötet om annat" not in meetings


def test_the_theme_page_filters_by_kind_and_year(client, staff_client, bank):
    def listed(visitor, **query):
        page = text_of(visitor.get(f"/themes/{bank.id}", query_string=query))
        return sorted(titles_in(page.split('id="documents-heading"', 1)[1]))

    assert listed(client, kind="report") == ["Rapport 2022", "Rapport 2024"]
    assert listed(client, year="2024") == ["Presentation 2024", "Rapport 2024"]
    assert listed(client, year="2024", kind="report") == ["Rapport 2024"]
    assert listed(client, year="2022") == ["Rapport 2022"]
    assert listed(staff_client, year="2022") == ["Deltagarnas 2022", "Rapport 2022"]
    assert listed(staff_client, year="2024") == ["Kansliets 2024", "Presentation 2024",
                                                 "Rapport 2024"]
    # The year choices are the years that have material the visitor may read.
    page = text_of(client.get(f"/themes/{bank.id}"))
    years = re.findall(r'<option value="(\d{4})"', page)
    assert years == [str(FUTURE), "2024", "2022"]
    # A year or kind that does not exist lists everything rather than failing.
    assert client.get(f"/themes/{bank.id}", query_string={"year": "1999"}).status_code == 200
    assert client.get(f"/themes/{bank.id}", query_string={"kind": "nonsense"}).status_code \
        == 200


def test_the_theme_page_pages_through_many_documents(client, bank, monkeypatch,
                                                     new_meeting, add_document):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    first = titles_in(text_of(client.get(f"/themes/{bank.id}")))
    second = titles_in(text_of(client.get(f"/themes/{bank.id}", query_string={"page": 2})))
    assert len(first) == 2 and len(second) == 2 and not set(first) & set(second)
    assert client.get(f"/themes/{bank.id}", query_string={"page": 99}).status_code == 200


def test_the_themes_page_counts_meetings_and_documents(client, staff_client, bank):
    def card(visitor) -> str:
        page = text_of(visitor.get("/themes"))
        return page.split(f'href="/themes/{bank.id}"', 1)[1].split("</li>", 1)[0]

    english(client)
    english(staff_client)
    assert "3 meetings" in card(client) and "4 documents" in card(client)
    assert "6 documents" in card(staff_client)


def test_an_unknown_theme_is_not_found(client):
    assert client.get("/themes/999999").status_code == 404


# --- query counts ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "member", "secretariat"])
def test_the_pages_cost_the_same_number_of_queries_for_3_and_30_documents(
    app, client, member, staff_client, new_meeting, add_document, themes, count_queries, who
):
    visitor = {"anonymous": client, "member": member, "secretariat": staff_client}[who]
    meetings = [new_meeting(at(FUTURE, 3 + n, 10), theme=themes[0]) for n in range(2)]

    def fill(meeting, n):
        for i in range(n):
            add_document(meeting, title=f"Dokument om hamnar {meeting.id}-{i}",
                         visibility=(Visibility.PUBLIC, Visibility.PARTICIPANTS,
                                     Visibility.SECRETARIAT)[i % 3],
                         kind=list(DocumentKind)[i % 6], content=unique("hamnar").encode())

    def cost(url: str) -> int:
        visitor.get(url)  # warm: the first request loads what every request loads
        with count_queries() as counter:
            assert visitor.get(url).status_code == 200
        return counter.count

    def costs(meeting) -> dict[str, int]:
        return {
            "meeting": cost(f"/meetings/{meeting.id}"),
            "pack": cost(f"/meetings/{meeting.id}/material.zip"),
            "theme": cost(f"/themes/{themes[0].id}"),
            "search": cost("/search?q=hamnar"),
            "themes": cost("/themes"),
        }

    fill(meetings[0], 3)
    small = costs(meetings[0])
    fill(meetings[1], 30)
    large = costs(meetings[1])
    assert small == large


def test_saving_the_edit_form_unchanged_changes_nothing(app, session, staff_client, add_document,
                                                        new_meeting, themes):
    from forum.material import distribution

    meeting = new_meeting(at(FUTURE, 3, 10), theme=themes[0])
    link = add_document(meeting, title="Strategin", link_url="https://www.regeringen.se/s")
    with app.test_request_context():
        distribution.distribute(session, meeting, by=None)
    session.commit()
    updated = link.updated_at

    form = {"title": "Strategin", "description": "", "kind": "background", "language": "sv",
            "visibility": "public", "meeting_id": str(meeting.id), "theme_ids": [themes[0].id],
            "link_url": "https://www.regeringen.se/s"}
    assert staff_client.post(f"/material/{link.id}/edit", data=form).status_code == 302
    session.expire_all()
    assert session.get(Document, link.id).updated_at == updated
    assert audit(session, link, "document_changed") == []
    with app.test_request_context():
        assert distribution.pending(session, session.get(Document, link.id).meeting) == []

    # A new theme is a change, and the audit entry says which.
    form["theme_ids"] = [themes[0].id, themes[1].id]
    assert staff_client.post(f"/material/{link.id}/edit", data=form).status_code == 302
    [entry] = audit(session, link, "document_changed")
    assert entry.before["theme_ids"] == [themes[0].id]
    assert entry.after["theme_ids"] == sorted([themes[0].id, themes[1].id])


def test_search_marks_a_withdrawn_hit_for_the_secretariat(app, session, staff_client,
                                                         add_document):
    document = add_document(title="Indragen om torv", content=unique("torvbruk").encode())
    with app.test_request_context():
        services.withdraw(session, document, reason="Fel")
    session.commit()
    english(staff_client)
    page = text_of(staff_client.get("/search", query_string={"q": "torvbruk"}))
    hit = page.split('<ol class="search-hits">', 1)[1].split("</li>", 1)[0]
    assert "Indragen om torv" in hit and "Withdrawn" in hit
