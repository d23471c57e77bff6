"""Nominations proposed by the regions, over HTTP: a region's contact proposes for their own
region only, with the region's decision as a reference or a PDF; bad input and bad files are
refused beside the field and leave nothing behind; the secretariat approves (by the seat
rules, replacing the holder) or returns with a reason; the contact is told by e-mail; every
step is audited."""

from __future__ import annotations

import hashlib
import html
import io
import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from forum.audit.models import AuditEntry
from forum.mail_models import OutboxMessage
from forum.proposals import services
from forum.proposals.models import NominationProposal, ProposalStatus
from forum.roster.models import Nomination, Organisation, OrganisationKind, Person

START = date(2027, 3, 1)
# A small but real PDF: a catalogue, an empty page tree, a trailer.
PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + bytes(40)


# --- helpers ----------------------------------------------------------------------------------


@pytest.fixture
def app_config(tmp_path):
    return {"STORAGE_PATH": str(tmp_path / "files")}


def stored_files(app) -> list[Path]:
    root = Path(app.config["STORAGE_PATH"])
    return sorted(root.iterdir()) if root.exists() else []


def count(session, model, *where) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model).where(*where))


def english(client):
    assert client.post("/language", data={"lang": "en", "next": "/"}).status_code == 302
    return client


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def error(response, field_id: str) -> str | None:
    """The message shown beside a field, or None."""
    found = re.search(
        rf'<p class="error-message" id="{re.escape(field_id)}-error">(.*?)</p>',
        response.get_data(as_text=True),
        re.S,
    )
    if not found:
        return None
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


def errors(response) -> set[str]:
    return set(re.findall(r'<p class="error-message" id="([\w-]+)-error">',
                          response.get_data(as_text=True)))


def input_value(response, field_id: str) -> str | None:
    found = re.search(rf'<input[^>]*\bid="{re.escape(field_id)}"[^>]*>',
                      response.get_data(as_text=True))
    assert found, f"no input {field_id}"
    value = re.search(r'\bvalue="([^"]*)"', found.group(0))
    return html.unescape(value.group(1)) if value else None


def flashes(response, category: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(
        rf'<p class="flash flash-{category}">(.*?)</p>', response.get_data(as_text=True), re.S)]


def proposal_data(seat, **fields) -> dict:
    data = {
        "seat_id": str(seat.id),
        "person_id": "",
        "new_given_name": "Örjan",
        "new_family_name": "Ängström",
        "new_email": "orjan.angstrom@skane.example",
        "new_title": "Regionråd",
        "party": "S",
        "start_date": START.isoformat(),
        "decision_reference": "Regionstyrelsen 2027-01-15 § 12",
        "note": "",
    }
    data.update(fields)
    return data


def post_proposal(client, data: dict, file: tuple[bytes, str] | None = None, code: str = "12"):
    if file is not None:
        data = {**data, "decision_file": (io.BytesIO(file[0]), file[1])}
    return client.post(f"/regions/{code}/propose", data=data, content_type="multipart/form-data")


def outbox_to(session, address: str) -> list[OutboxMessage]:
    session.expire_all()
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == address)))


def audit(session, action: str, proposal) -> list[AuditEntry]:
    session.expire_all()
    return list(session.scalars(select(AuditEntry).where(
        AuditEntry.action == action,
        AuditEntry.object_type == "NominationProposal",
        AuditEntry.object_id == proposal.id,
    )))


@pytest.fixture
def contact(make_account, make_person):
    """Region Skåne's contact."""
    return make_account("region_contact", person=make_person("Karin", "Kontaktsson", email=None),
                        region_code="12")


@pytest.fixture
def contact_client(app, contact, login):
    return english(login(app.test_client(), contact))


@pytest.fixture
def staff(make_account, make_person):
    return make_account("secretariat", person=make_person("Sara", "Sekreterare", email=None))


@pytest.fixture
def staff_en(app, staff, login):
    return english(login(app.test_client(), staff))


@pytest.fixture
def make_proposal(app, session, contact, seat):
    """A pending proposal, made through the service as the contact would."""

    def make(account=None, *, person=None, body="politikerforum", seat_slug="majoritet",
             start=START, given="Örjan", family="Ängström", email="", party="S",
             pdf: bytes | None = None) -> NominationProposal:
        account = account or contact
        with app.test_request_context():
            proposal = services.propose(
                session,
                by=account,
                region=account.contact_region,
                seat=seat(body, seat_slug),
                person=person,
                new_person={} if person else {"given_name": given, "family_name": family,
                                              "email": email},
                party=party,
                start_date=start,
                decision_reference="Regionstyrelsen 2027-01-15 § 12",
                decision_file=FileStorage(io.BytesIO(pdf), filename="beslut.pdf") if pdf else None,
            )
        session.commit()
        return proposal

    return make


# --- proposing ---------------------------------------------------------------------------------


def test_the_form_offers_the_seats_and_the_regions_people(
    contact_client, make_person, make_organisation, region
):
    ours = make_organisation("Skånes kommunförbund", OrganisationKind.OTHER,
                             region_id=region("12").id)
    theirs = make_organisation("Stockholms kommunförbund", OrganisationKind.OTHER,
                               region_id=region("01").id)
    make_person("Vår", "Politiker", organisation_id=ours.id)
    make_person("Deras", "Politiker", organisation_id=theirs.id)
    make_person("Fri", "Person")
    response = contact_client.get("/regions/12/propose")
    assert response.status_code == 200
    page = text_of(response)
    assert "Propose a nomination for Region Skåne" in page
    assert "Politicians' forum: Politician (majority)" in page
    assert "Officials' forum: Official (regional development director)" in page
    assert "Politiker, Vår" in page and "Person, Fri" in page
    assert "Politiker, Deras" not in page  # another region's people are not offered


def test_a_contact_proposes_a_new_person_with_a_reference(
    app, session, contact, contact_client, seat
):
    response = post_proposal(contact_client, proposal_data(seat()))
    assert response.status_code == 302
    proposal = session.scalars(select(NominationProposal)).one()
    assert response.headers["Location"] == f"/proposals/{proposal.id}"
    assert proposal.status is ProposalStatus.PENDING
    assert proposal.region.code == "12"
    assert proposal.seat_id == seat().id and proposal.body_id == seat().body_id
    assert proposal.person_id is None
    assert (proposal.new_given_name, proposal.new_family_name) == ("Örjan", "Ängström")
    assert proposal.new_email == "orjan.angstrom@skane.example"
    assert proposal.new_title == "Regionråd"
    assert proposal.party == "S"
    assert proposal.start_date == START
    assert proposal.decision_reference == "Regionstyrelsen 2027-01-15 § 12"
    assert proposal.decision_file is None
    assert proposal.proposed_by_id == contact.id
    assert stored_files(app) == []

    shown = contact_client.get(response.headers["Location"])
    assert flashes(shown, "success") == ["The proposal was sent to the secretariat."]
    page = text_of(shown)
    assert "Proposal: Örjan Ängström" in page and "Regionstyrelsen 2027-01-15 § 12" in page
    assert "Approve and nominate" not in page  # the contact does not decide

    [made] = audit(session, "proposal_made", proposal)
    assert made.actor_account_id == contact.id
    assert made.after["new_family_name"] == "Ängström" and made.after["status"] == "pending"


def test_a_contact_proposes_someone_on_the_roster_with_the_decision_as_a_pdf(
    app, session, contact_client, seat, make_person
):
    britt = make_person("Britt", "Bengtsson", email=None)
    data = proposal_data(seat("politikerforum", "opposition"), person_id=str(britt.id),
                         new_given_name="", new_family_name="", new_email="", new_title="",
                         party="M", decision_reference="")
    response = post_proposal(contact_client, data, (PDF, "Beslut RS § 12.pdf"))
    assert response.status_code == 302
    proposal = session.scalars(select(NominationProposal)).one()
    assert proposal.person_id == britt.id
    assert proposal.new_given_name == proposal.new_family_name == ""
    assert proposal.party == "M"
    assert proposal.decision_reference == ""
    assert proposal.decision_filename == "Beslut RS § 12.pdf"
    assert proposal.decision_size == len(PDF)
    assert proposal.decision_sha256 == hashlib.sha256(PDF).hexdigest()
    [stored] = stored_files(app)
    assert stored.name == proposal.decision_file
    assert stored.name != "Beslut RS § 12.pdf" and stored.suffix == ".pdf"
    assert stored.read_bytes() == PDF


def test_an_officials_seat_needs_no_party_and_keeps_none(session, contact_client, seat):
    data = proposal_data(seat("tjanstepersonsforum", "tjansteperson"), party="M")
    assert post_proposal(contact_client, data).status_code == 302
    proposal = session.scalars(select(NominationProposal)).one()
    assert proposal.party == ""


@pytest.mark.parametrize(
    "fields, field_id, message",
    [
        ({"party": ""}, "party", "A politician's seat needs a party."),
        ({"new_given_name": "", "new_family_name": ""}, "person_id",
         "Choose a person on the roster, or give the new person's name."),
        ({"decision_reference": ""}, "decision_reference",
         "Give the region's decision: a reference, a PDF of it, or both."),
        ({"start_date": "1/3 2027"}, "start_date", "YYYY-MM-DD"),
        ({"start_date": ""}, "start_date", "Give the first day."),
        ({"seat_id": ""}, "seat_id", "Choose one."),
        ({"new_email": "inte en adress"}, "new_email", "name@region.se"),
    ],
    ids=["party", "person", "decision", "date-format", "no-date", "seat", "email"],
)
def test_bad_input_is_refused_beside_the_field_and_saves_nothing(
    app, session, contact_client, seat, fields, field_id, message
):
    data = proposal_data(seat(), **fields)
    data["note"] = "Ledamot sedan valet."
    response = post_proposal(contact_client, data)
    assert response.status_code == 200
    assert errors(response) == {field_id}
    assert message in error(response, field_id)
    assert count(session, NominationProposal) == 0
    assert stored_files(app) == []
    # What the user typed is still there.
    if "new_family_name" not in fields:
        assert input_value(response, "new_family_name") == "Ängström"
    assert "Ledamot sedan valet." in text_of(response)


@pytest.mark.parametrize(
    "content, message",
    [
        (PNG, "Attach the decision as a PDF file."),
        (b"", "The file is empty."),
        (b"<html>%PDF-1.4 later in the file</html>", "Attach the decision as a PDF file."),
    ],
    ids=["png-named-pdf", "empty", "pdf-marker-not-at-start"],
)
def test_a_file_that_is_not_a_pdf_is_refused_and_leaves_no_file_and_no_row(
    app, session, contact_client, seat, content, message
):
    response = post_proposal(contact_client, proposal_data(seat()), (content, "x.pdf"))
    assert response.status_code == 200
    assert errors(response) == {"decision_file"}
    assert error(response, "decision_file") == f"Error: {message}"
    assert count(session, NominationProposal) == 0
    assert count(session, AuditEntry, AuditEntry.action == "proposal_made") == 0
    assert stored_files(app) == []
    assert input_value(response, "new_given_name") == "Örjan"


def test_a_file_over_the_limit_is_refused_and_leaves_no_file_and_no_row(
    app, session, contact_client, seat, monkeypatch
):
    monkeypatch.setattr(services, "MAX_DECISION_BYTES", 2**20)
    too_big = PDF + b"%" + bytes(2**20)  # a PDF, but over one megabyte
    response = post_proposal(contact_client, proposal_data(seat()), (too_big, "stort.pdf"))
    assert response.status_code == 200
    assert error(response, "decision_file") == "Error: The file is larger than 1 MB."
    assert count(session, NominationProposal) == 0
    assert stored_files(app) == []

    just_fits = PDF + b"%" + bytes(2**20 - len(PDF) - 1)
    response = post_proposal(contact_client, proposal_data(seat()), (just_fits, "lagom.pdf"))
    assert response.status_code == 302
    [stored] = stored_files(app)
    assert stored.stat().st_size == 2**20


@pytest.mark.parametrize("csrf", [False, True], ids=["no-csrf", "csrf"])
def test_a_pdf_of_several_megabytes_within_the_stated_limit_is_accepted(
    app, session, contact_client, seat, csrf
):
    # The form promises "At most 10 MB"; the app's general request limit (smaller) must not
    # refuse less, not even in the CSRF check, which reads the body before the view.
    app.config["WTF_CSRF_ENABLED"] = csrf
    assert app.config["MAX_CONTENT_LENGTH"] < 3 * 2**20
    data = proposal_data(seat())
    if csrf:
        form = contact_client.get("/regions/12/propose").get_data(as_text=True)
        data["csrf_token"] = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                                       form).group(1)
    size = 3 * 2**20
    big = PDF + b"%" + bytes(size - len(PDF) - 1)
    response = post_proposal(contact_client, data, (big, "protokoll.pdf"))
    assert response.status_code == 302
    [stored] = stored_files(app)
    assert stored.stat().st_size == size
    assert session.scalars(select(NominationProposal)).one().decision_size == size


def test_other_forms_keep_the_general_request_limit(app, contact_client):
    big = bytes(app.config["MAX_CONTENT_LENGTH"] + 1)
    response = contact_client.post("/profile", data={"x": (io.BytesIO(big), "x.pdf")},
                                   content_type="multipart/form-data")
    assert response.status_code == 413


def test_a_pdf_just_over_the_stated_limit_is_refused_beside_the_field(
    app, session, contact_client, seat
):
    too_big = PDF + b"%" + bytes(services.MAX_DECISION_BYTES)
    response = post_proposal(contact_client, proposal_data(seat()), (too_big, "stort.pdf"))
    assert response.status_code == 200
    assert error(response, "decision_file") == "Error: The file is larger than 10 MB."
    assert count(session, NominationProposal) == 0
    assert stored_files(app) == []


def test_a_stored_decision_goes_when_its_proposal_is_rolled_back(
    app, session, contact, make_proposal, seat
):
    with app.test_request_context():
        proposal = services.propose(
            session, by=contact, region=contact.contact_region, seat=seat(), person=None,
            new_person={"given_name": "Örjan", "family_name": "Ängström"}, party="S",
            start_date=START, decision_reference="",
            decision_file=FileStorage(io.BytesIO(PDF), filename="beslut.pdf"),
        )
        [stored] = stored_files(app)
        assert stored.name == proposal.decision_file
    session.rollback()
    assert stored_files(app) == []
    assert count(session, NominationProposal) == 0


# --- who may ------------------------------------------------------------------------------------


@pytest.fixture
def with_pdf(make_proposal):
    return make_proposal(pdf=PDF)


def urls(proposal) -> list[tuple[str, str]]:
    return [
        ("GET", "/regions/12/propose"),
        ("POST", "/regions/12/propose"),
        ("GET", f"/proposals/{proposal.id}"),
        ("GET", f"/proposals/{proposal.id}/decision"),
        ("POST", f"/proposals/{proposal.id}/approve"),
        ("POST", f"/proposals/{proposal.id}/return"),
    ]


@pytest.mark.parametrize("role", ["member", "guest", "plain"])
def test_accounts_without_a_region_get_403_everywhere(
    app, session, make_account, login, with_pdf, seat, role
):
    client = login(app.test_client(), make_account(role))
    assert client.get("/proposals").status_code == 403
    for method, url in urls(with_pdf):
        data = proposal_data(seat()) if "propose" in url else {"reason": "Nej."}
        response = client.open(url, method=method, data=data if method == "POST" else None)
        assert response.status_code == 403, (method, url)
    assert count(session, NominationProposal) == 1
    session.refresh(with_pdf)
    assert with_pdf.status is ProposalStatus.PENDING


def test_another_regions_contact_gets_403_for_proposing_viewing_and_downloading(
    app, session, make_account, login, with_pdf, seat
):
    stockholm = make_account("region_contact", region_code="01")
    client = english(login(app.test_client(), stockholm))
    for method, url in urls(with_pdf):
        data = proposal_data(seat()) if "propose" in url else {"reason": "Nej."}
        response = client.open(url, method=method, data=data if method == "POST" else None)
        assert response.status_code == 403, (method, url)
    assert count(session, NominationProposal) == 1
    # Their own list shows their own region only.
    page = text_of(client.get("/proposals"))
    assert "Örjan Ängström" not in page
    assert "Propose a nomination for Region Stockholm" in page
    # And their own region's form is open to them.
    assert client.get("/regions/01/propose").status_code == 200


def test_the_proposing_contact_cannot_decide(app, session, contact_client, with_pdf):
    assert contact_client.post(f"/proposals/{with_pdf.id}/approve").status_code == 403
    response = contact_client.post(f"/proposals/{with_pdf.id}/return", data={"reason": "Ångrar."})
    assert response.status_code == 403
    session.refresh(with_pdf)
    assert with_pdf.status is ProposalStatus.PENDING
    assert count(session, Nomination) == 0


def test_anonymous_visitors_are_sent_to_log_in(client, with_pdf):
    for url in ("/proposals", "/regions/12/propose", f"/proposals/{with_pdf.id}",
                f"/proposals/{with_pdf.id}/decision"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_the_decision_downloads_for_the_secretariat_and_the_proposing_contact(
    staff_en, contact_client, with_pdf
):
    for client in (staff_en, contact_client):
        response = client.get(f"/proposals/{with_pdf.id}/decision")
        assert response.status_code == 200
        assert response.data == PDF
        assert response.mimetype == "application/pdf"
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith("attachment") and "beslut.pdf" in disposition
    page = text_of(contact_client.get(f"/proposals/{with_pdf.id}"))
    assert f'href="/proposals/{with_pdf.id}/decision"' in page


def test_no_decision_file_is_404(staff_en, make_proposal):
    proposal = make_proposal()
    assert staff_en.get(f"/proposals/{proposal.id}/decision").status_code == 404
    assert staff_en.get("/proposals/999999").status_code == 404


# --- the secretariat decides ----------------------------------------------------------------------


def test_the_secretariat_sees_every_regions_waiting_proposals(
    app, session, staff_en, contact_client, make_account, make_proposal, staff
):
    stockholm = make_account("region_contact", region_code="01")
    skane = make_proposal(given="Örjan", family="Ängström")
    other = make_proposal(stockholm, given="Sven", family="Stockholmare")
    decided = make_proposal(given="Bodil", family="Beslutad", seat_slug="opposition")
    with app.test_request_context():
        services.return_proposal(session, decided, by=staff, reason="Fel parti.")
    session.commit()

    page = text_of(staff_en.get("/proposals"))
    waiting, done = page.split("Decided", 1)[0], page.split("Decided", 1)[1]
    assert "Örjan Ängström" in waiting and "Sven Stockholmare" in waiting
    assert "Bodil Beslutad" not in waiting and "Bodil Beslutad" in done
    assert f'href="/proposals/{skane.id}"' in waiting and f'href="/proposals/{other.id}"' in waiting

    own = text_of(contact_client.get("/proposals"))
    assert "Örjan Ängström" in own and "Sven Stockholmare" not in own


def test_approving_nominates_a_new_person_and_tells_the_contact(
    app, session, staff, staff_en, contact, make_proposal, region
):
    proposal = make_proposal(email="orjan@skane.example")
    page = text_of(staff_en.get(f"/proposals/{proposal.id}"))
    assert "Approve and nominate" in page and "holds the seat" not in page

    response = staff_en.post(f"/proposals/{proposal.id}/approve")
    assert response.status_code == 302
    assert response.headers["Location"] == "/regions/12"
    assert flashes(staff_en.get("/regions/12"), "success") == [
        "Approved: Örjan Ängström is nominated."]

    session.expire_all()
    nomination = session.scalars(select(Nomination)).one()
    person = nomination.person
    assert person.name == "Örjan Ängström" and person.email == "orjan@skane.example"
    skane = session.scalars(select(Organisation).where(
        Organisation.region_id == region("12").id,
        Organisation.kind == OrganisationKind.REGION,
    )).one()
    assert person.organisation_id == skane.id
    assert (nomination.region.code, nomination.seat.slug) == ("12", "majoritet")
    assert nomination.party == "S" and nomination.start_date == START
    assert nomination.end_date is None
    assert "Region Skåne" in nomination.note
    assert "Regionstyrelsen 2027-01-15 § 12" in nomination.note

    session.refresh(proposal)
    assert proposal.status is ProposalStatus.APPROVED
    assert proposal.nomination_id == nomination.id and proposal.person_id == person.id
    assert proposal.decided_by_id == staff.id and proposal.decided_at is not None

    [message] = outbox_to(session, contact.email)
    assert message.kind == "proposal_approved"
    assert f"http://forum.test/proposals/{proposal.id}" in message.text_body
    assert f'href="http://forum.test/proposals/{proposal.id}"' in message.html_body
    assert "Örjan Ängström" in message.subject

    [approved] = audit(session, "proposal_approved", proposal)
    assert approved.actor_account_id == staff.id
    assert approved.before == {"status": "pending"}
    assert approved.after == {"status": "approved", "nomination_id": nomination.id}
    assert count(session, AuditEntry, AuditEntry.action == "nomination_created",
                 AuditEntry.object_id == nomination.id) == 1


def test_approving_replaces_the_holder_from_the_start_date(
    session, staff_en, make_proposal, make_person, make_nomination
):
    holder = make_nomination(make_person("Hilda", "Hållare"), start=date(2023, 1, 1))
    proposal = make_proposal()
    page = text_of(staff_en.get(f"/proposals/{proposal.id}"))
    assert "Hilda Hållare holds the seat on the start date" in page

    assert staff_en.post(f"/proposals/{proposal.id}/approve").status_code == 302
    session.expire_all()
    assert holder.end_date == date(2027, 2, 28)  # the day before
    successor = session.scalars(select(Nomination).where(Nomination.id != holder.id)).one()
    assert successor.person.name == "Örjan Ängström"
    assert successor.start_date == START and successor.end_date is None
    assert successor.slot == holder.slot
    assert count(session, AuditEntry, AuditEntry.action == "nomination_ended",
                 AuditEntry.object_id == holder.id) == 1


def test_approving_what_the_rules_forbid_is_refused_and_changes_nothing(
    session, staff_en, contact, make_proposal, make_person, make_nomination
):
    holder = make_nomination(make_person("Hilda", "Hållare"), start=date(2023, 1, 1))
    olle = make_person("Olle", "Oppositionsson", email=None)
    make_nomination(olle, seat_slug="opposition", party="M", start=date(2023, 1, 1))
    # Olle already sits in the politicians' forum: he cannot take the majority seat too.
    proposal = make_proposal(person=olle, party="M")
    nominations = count(session, Nomination)

    response = staff_en.post(f"/proposals/{proposal.id}/approve")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/proposals/{proposal.id}"
    shown = staff_en.get(response.headers["Location"])
    [message] = flashes(shown, "error")
    assert "Olle Oppositionsson already holds a seat in Politicians' forum" in message
    assert "Politician (opposition)" in message

    session.expire_all()
    assert proposal.status is ProposalStatus.PENDING and proposal.nomination_id is None
    assert holder.end_date is None  # the replacement was undone with the rest
    assert count(session, Nomination) == nominations
    assert outbox_to(session, contact.email) == []
    assert audit(session, "proposal_approved", proposal) == []
    assert count(session, AuditEntry, AuditEntry.action == "nomination_ended") == 0
    assert "Approve and nominate" in text_of(shown)  # still waiting for a decision


def test_returning_needs_a_reason_and_tells_the_contact(
    session, staff, staff_en, contact, make_proposal
):
    proposal = make_proposal()
    response = staff_en.post(f"/proposals/{proposal.id}/return", data={"reason": "   "})
    assert response.status_code == 400
    assert error(response, "reason") == "Error: Say why the proposal is returned."
    session.expire_all()
    assert proposal.status is ProposalStatus.PENDING
    assert outbox_to(session, contact.email) == []

    reason = "Beslutet gäller en annan mandatperiod."
    response = staff_en.post(f"/proposals/{proposal.id}/return", data={"reason": reason})
    assert response.status_code == 302
    assert flashes(staff_en.get(response.headers["Location"]), "success") == [
        "The proposal was returned to Region Skåne."]
    session.expire_all()
    assert proposal.status is ProposalStatus.RETURNED
    assert proposal.decision_note == reason and proposal.decided_by_id == staff.id
    assert count(session, Nomination) == 0

    [message] = outbox_to(session, contact.email)
    assert message.kind == "proposal_returned"
    assert reason in message.text_body
    assert f"http://forum.test/proposals/{proposal.id}" in message.text_body

    [returned] = audit(session, "proposal_returned", proposal)
    assert returned.actor_account_id == staff.id
    assert returned.summary == reason
    assert returned.after == {"status": "returned", "decision_note": reason}

    # The contact reads the reason on the proposal's page too.
    assert reason in text_of(staff_en.get(f"/proposals/{proposal.id}"))


@pytest.mark.parametrize("first", ["approve", "return"])
def test_a_decided_proposal_cannot_be_decided_again(
    session, staff_en, contact, make_proposal, first
):
    proposal = make_proposal()
    assert staff_en.post(f"/proposals/{proposal.id}/{first}",
                         data={"reason": "Fel."}).status_code == 302
    session.expire_all()
    status = proposal.status
    nominations = count(session, Nomination)

    again = staff_en.post(f"/proposals/{proposal.id}/approve")
    assert again.headers["Location"] == f"/proposals/{proposal.id}"
    assert flashes(staff_en.get(again.headers["Location"]), "error") == [
        "This proposal has already been decided."]
    again = staff_en.post(f"/proposals/{proposal.id}/return", data={"reason": "Igen."})
    assert again.headers["Location"] == f"/proposals/{proposal.id}"
    assert flashes(staff_en.get(again.headers["Location"]), "error") == [
        "This proposal has already been decided."]

    session.expire_all()
    assert proposal.status is status
    assert count(session, Nomination) == nominations
    assert len(outbox_to(session, contact.email)) == 1
    assert len(audit(session, "proposal_approved", proposal)) == (first == "approve")
    assert len(audit(session, "proposal_returned", proposal)) == (first == "return")


def test_a_new_persons_address_already_on_the_roster_is_refused_at_approval(
    session, staff_en, make_proposal, make_person
):
    make_person("Redan", "Finns", email="orjan@skane.example")
    proposal = make_proposal(email="orjan@skane.example")
    response = staff_en.post(f"/proposals/{proposal.id}/approve")
    [message] = flashes(staff_en.get(response.headers["Location"]), "error")
    assert "Redan Finns already has this e-mail address." in message
    session.expire_all()
    assert proposal.status is ProposalStatus.PENDING
    assert count(session, Person, Person.family_name == "Ängström") == 0
