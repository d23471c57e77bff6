"""A meeting's material as one ZIP: streamed, holding exactly the current versions of the
documents the reader may read, under readable Swedish names, byte for byte as stored."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from urllib.parse import quote

import pytest
from material_fixtures import FUTURE, at, pdf_file, unique
from sqlalchemy import select

from forum.material.models import DocumentKind, Download, Visibility


@pytest.fixture
def meeting(new_meeting):
    return new_meeting(at(FUTURE, 3, 10), title="Möte i Östersund: grön omställning")


@pytest.fixture
def pack(meeting, add_document, add_version):
    """A notice, background material in two versions, a presentation for participants, a
    secretariat note, a withdrawn document and a link."""
    documents = {
        "background": add_document(meeting, title="Underlag om älvdalarnas vattenkraft",
                                   content=pdf_file(unique("Version ett")), name="underlag.pdf"),
        "notice": add_document(meeting, title="Kallelse och dagordning", kind=DocumentKind.NOTICE,
                               content=pdf_file(unique("Kallelse")), name="kallelse.pdf"),
        "slides": add_document(meeting, title="Bilder från Region Jämtland Härjedalen",
                               kind=DocumentKind.PRESENTATION,
                               visibility=Visibility.PARTICIPANTS,
                               content=unique("bilder").encode(), name="bilder.txt"),
        "secret": add_document(meeting, title="Kansliets minnesanteckning",
                               kind=DocumentKind.OTHER, visibility=Visibility.SECRETARIAT,
                               content=unique("hemligt").encode(), name="not.txt"),
        "link": add_document(meeting, title="Strategin", link_url="https://example.se/s"),
    }
    add_version(documents["background"], pdf_file(unique("Version två")),
                "underlag v2.pdf")
    return documents


@pytest.fixture
def participant(app, login, make_person, make_nomination, make_account):
    person = make_person("Pia", "Deltagare")
    make_nomination(person, region_code="12", start=date(2023, 1, 1))
    return login(app.test_client(), make_account("member", person=person))


def read(response) -> zipfile.ZipFile:
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.data))


def test_the_pack_holds_the_current_versions_of_what_the_public_may_read(
    session, client, meeting, pack, blob_store
):
    archive = read(client.get(f"/meetings/{meeting.id}/material.zip"))
    assert archive.testzip() is None
    # The notice first (the kinds' own order), then the background material.
    assert archive.namelist() == ["01 Kallelse och dagordning.pdf",
                                  "02 Underlag om älvdalarnas vattenkraft.pdf"]
    session.refresh(pack["background"])
    current = pack["background"].current
    assert current.number == 2
    assert archive.read("02 Underlag om älvdalarnas vattenkraft.pdf") == \
        blob_store.path(current.blob).read_bytes()
    assert archive.read("01 Kallelse och dagordning.pdf") == \
        blob_store.path(pack["notice"].current.blob).read_bytes()


def test_participants_and_the_secretariat_get_more(meeting, pack, participant, staff_client):
    assert read(participant.get(f"/meetings/{meeting.id}/material.zip")).namelist() == [
        "01 Kallelse och dagordning.pdf", "02 Underlag om älvdalarnas vattenkraft.pdf",
        "03 Bilder från Region Jämtland Härjedalen.txt"]
    assert read(staff_client.get(f"/meetings/{meeting.id}/material.zip")).namelist() == [
        "01 Kallelse och dagordning.pdf", "02 Underlag om älvdalarnas vattenkraft.pdf",
        "03 Bilder från Region Jämtland Härjedalen.txt", "04 Kansliets minnesanteckning.txt"]


def test_file_names_are_utf8_and_never_paths(client, meeting, add_document):
    add_document(meeting, title='Budget 2027/2028: "förslag" <utkast>',
                 content=unique("budget").encode(), name="budget.TXT")
    add_document(meeting, title="../../Åtgärder i Övre Norrland",
                 content=unique("åtgärder").encode(), name="atgarder.txt")
    add_document(meeting, title="Åtgärder i Övre Norrland", content=unique("igen").encode(),
                 name="igen.txt")

    archive = read(client.get(f"/meetings/{meeting.id}/material.zip"))
    names = archive.namelist()
    # Å sorts after B, as in Swedish; a slash never makes a folder.
    assert names == ["01 ....Åtgärder i Övre Norrland.txt",
                     "02 Budget 20272028 förslag utkast.txt", "03 Åtgärder i Övre Norrland.txt"]
    for info in archive.infolist():
        assert info.flag_bits & 0x800  # the name is marked as UTF-8
        assert "/" not in info.filename and "\\" not in info.filename
        assert info.filename.encode("utf-8").decode("utf-8") == info.filename


def test_the_pack_is_named_after_the_meeting_and_streamed(client, meeting, pack):
    response = client.get(f"/meetings/{meeting.id}/material.zip", buffered=False)
    disposition = response.headers["Content-Disposition"]
    name = "2027-03-10 Möte i Östersund grön omställning – material.zip".replace(
        "2027", str(FUTURE))
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote(name)}" in disposition
    assert "private" in response.headers["Cache-Control"]

    # Made while it is sent: the body comes in pieces, and its length is known first.
    chunks = list(response.response)
    assert len(chunks) > 2
    assert int(response.headers["Content-Length"]) == sum(len(c) for c in chunks)
    response.close()


def test_every_document_in_the_pack_is_logged(session, meeting, pack, participant):
    participant.get(f"/meetings/{meeting.id}/material.zip")
    logged = session.scalars(select(Download).where(Download.via == "pack")).all()
    assert sorted(d.document_id for d in logged) == sorted(
        pack[k].id for k in ("notice", "background", "slides"))
    assert all(d.account_id is not None for d in logged)


def test_nothing_to_pack_is_not_found(client, staff_client, new_meeting, add_document, meeting):
    empty = new_meeting(at(FUTURE, 6, 2), title="Tomt möte")
    assert client.get(f"/meetings/{empty.id}/material.zip").status_code == 404

    links = new_meeting(at(FUTURE, 6, 9), title="Bara länkar")
    add_document(links, title="En länk", link_url="https://example.se/l")
    assert staff_client.get(f"/meetings/{links.id}/material.zip").status_code == 404

    closed = new_meeting(at(FUTURE, 6, 16), title="Bara för deltagare")
    add_document(closed, title="Deltagarnas", visibility=Visibility.PARTICIPANTS)
    assert client.get(f"/meetings/{closed.id}/material.zip").status_code == 404
    assert staff_client.get(f"/meetings/{closed.id}/material.zip").status_code == 200


def test_a_withdrawn_document_is_not_packed(app, session, client, meeting, pack, staff_client):
    from forum.material import services

    with app.test_request_context():
        services.withdraw(session, pack["notice"], reason="Ersatt")
    session.commit()
    assert read(client.get(f"/meetings/{meeting.id}/material.zip")).namelist() == [
        "01 Underlag om älvdalarnas vattenkraft.pdf"]
    # Not even in the secretariat's: a withdrawn document is no longer the meeting's material.
    assert "Kallelse" not in " ".join(
        read(staff_client.get(f"/meetings/{meeting.id}/material.zip")).namelist())


def test_the_meeting_page_offers_the_pack_only_when_there_is_a_file(
    client, meeting, new_meeting, add_document
):
    links = new_meeting(at(FUTURE, 6, 9), title="Bara länkar")
    add_document(links, title="En länk", link_url="https://example.se/l")
    assert "material.zip" not in client.get(f"/meetings/{links.id}").get_data(as_text=True)
    add_document(meeting, title="En fil")
    assert f"/meetings/{meeting.id}/material.zip" in client.get(
        f"/meetings/{meeting.id}").get_data(as_text=True)


def test_a_missing_stored_file_is_left_out_and_not_logged(session, client, meeting, pack,
                                                          blob_store):
    missing = pack["notice"].current.blob
    kept = blob_store.path(missing).read_bytes()
    blob_store.path(missing).unlink()
    try:
        archive = read(client.get(f"/meetings/{meeting.id}/material.zip"))
        assert archive.namelist() == ["02 Underlag om älvdalarnas vattenkraft.pdf"]
        logged = session.scalars(select(Download).where(Download.via == "pack")).all()
        assert [d.document_id for d in logged] == [pack["background"].id]
    finally:
        blob_store.path(missing).write_bytes(kept)


def test_a_pack_whose_files_are_all_missing_is_not_found(client, new_meeting, add_document,
                                                         blob_store):
    lonely = new_meeting(at(FUTURE, 7, 7), title="Ensamt")
    document = add_document(lonely, title="Enda filen")
    path = blob_store.path(document.current.blob)
    kept = path.read_bytes()
    path.unlink()
    try:
        assert client.get(f"/meetings/{lonely.id}/material.zip").status_code == 404
        assert client.get(f"/material/{document.id}/file").status_code == 404
    finally:
        path.write_bytes(kept)
