"""Erasing a departed person's private contact details: refused while they are a member,
gone everywhere afterwards, while the official records and the audit history stay."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from html import unescape

import pytest
from privacy_fixtures import EMAIL, LOGIN, NOTE, PHONE
from sqlalchemy import func, select
from suite_support import PASSWORD

from forum import mail
from forum.accounts import services as accounts
from forum.accounts.models import Account, AccountToken
from forum.audit.models import AuditEntry
from forum.calendars.models import CalendarToken
from forum.cooperation.models import Cooperation
from forum.db import Base
from forum.mail_models import OutboxMessage, OutboxStatus
from forum.material.models import MaterialNotice
from forum.meetings.models import Attendance, MeetingAnswer, MeetingGuest, MeetingStatus
from forum.privacy.services import CANCELLED
from forum.proposals.models import NominationProposal
from forum.roster.models import Nomination, Person
from forum.timeutil import STOCKHOLM, today

REASON = "Lämnade forumet vid årsskiftet 2022/23 och bad om radering i brev 3 mars."
ERASED_VALUES = (EMAIL, LOGIN, PHONE, NOTE)


def page(response) -> str:
    return unescape(response.get_data(as_text=True))


def everything_but_the_audit_log(session) -> str:
    """Every cell of every table except the append-only audit log, as one text."""
    session.expire_all()
    cells = []
    for table in Base.metadata.sorted_tables:
        if table.name == "audit_log":
            continue
        for row in session.execute(select(table)):
            cells += [str(value) for value in row if value is not None]
    return "\n".join(cells).lower()


def english(client):
    """The messages are checked in English (the Swedish catalogue is filled separately)."""
    client.post("/language", data={"lang": "en", "next": "/"})
    return client


def erase(client, person_id: int, reason: str = REASON):
    return client.post(f"/people/{person_id}/erase", data={"reason": reason})


def audit_count(session, action: str) -> int:
    return session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == action))


# --- refused while the person has not left --------------------------------------------------


def test_a_current_member_is_refused_and_told_which_nomination(
    session, rich, staff_client, make_nomination
):
    english(staff_client)
    current = make_nomination(rich.person, region_code="12", body="tjanstepersonsforum",
                              seat_slug="tjansteperson", start=date(2024, 1, 1))
    shown = page(staff_client.get(f"/people/{rich.person.id}/erase"))
    assert "Ingrid Åberg is a current member" in shown
    assert current.seat.label_en in shown and current.body.name_en in shown
    assert "Region Skåne" in shown
    assert 'name="reason"' not in shown  # no form to send

    response = erase(staff_client, rich.person.id)
    assert response.status_code == 200
    assert "Ingrid Åberg is a current member" in page(response)
    session.expire_all()
    assert session.get(Person, rich.person.id).email == EMAIL
    assert session.get(Account, rich.account.id).is_active
    assert audit_count(session, "person_erased") == 0


def test_a_nomination_still_to_start_is_refused(session, rich, staff_client, make_nomination):
    english(staff_client)
    make_nomination(rich.person, region_code="12", body="tjanstepersonsforum",
                    seat_slug="tjansteperson", start=today() + timedelta(days=30))
    response = erase(staff_client, rich.person.id)
    assert "Ingrid Åberg is nominated to" in page(response)
    session.expire_all()
    assert session.get(Person, rich.person.id).phone == PHONE


def test_an_active_account_with_a_staff_role_is_refused(session, rich, staff_client, region):
    english(staff_client)
    session.get(Account, rich.account.id).contact_region_id = region("12").id
    session.commit()
    response = erase(staff_client, rich.person.id)
    assert "An administrator removes the role first." in page(response)
    session.expire_all()
    assert session.get(Person, rich.person.id).email == EMAIL


def test_a_guest_of_a_coming_meeting_is_refused(session, rich, staff_client):
    english(staff_client)
    coming = rich.guest_meeting
    coming.start_at = datetime.now(STOCKHOLM) + timedelta(days=10)
    coming.end_at = coming.start_at + timedelta(hours=3)
    coming.status = MeetingStatus.CONFIRMED
    session.merge(coming)
    session.commit()
    response = erase(staff_client, rich.person.id)
    assert "is invited as a guest to Forum om tillgänglighet" in page(response)


def test_a_reason_is_required(session, rich, staff_client):
    english(staff_client)
    response = erase(staff_client, rich.person.id, reason="   ")
    assert response.status_code == 200
    assert "Say why the contact details are erased." in page(response)
    session.expire_all()
    assert session.get(Person, rich.person.id).email == EMAIL


@pytest.mark.parametrize("role", ["member", "region_contact"])
def test_only_the_secretariat_erases(app, session, rich, make_account, login, role):
    client = login(app.test_client(), make_account(role))
    assert client.get(f"/people/{rich.person.id}/erase").status_code == 403
    assert erase(client, rich.person.id).status_code == 403
    session.expire_all()
    assert session.get(Person, rich.person.id).email == EMAIL


class TestWithCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_a_post_without_the_token_erases_nothing(self, session, rich, staff_client):
        response = erase(staff_client, rich.person.id)
        assert response.status_code == 400
        session.expire_all()
        assert session.get(Person, rich.person.id).email == EMAIL
        assert audit_count(session, "person_erased") == 0


# --- the erasure ----------------------------------------------------------------------------


def test_the_confirmation_page_says_what_goes_and_what_stays(rich, staff_client):
    english(staff_client)
    shown = page(staff_client.get(f"/people/{rich.person.id}/erase"))
    assert EMAIL in shown and PHONE in shown and LOGIN in shown
    assert 'name="reason"' in shown and 'method="post"' in shown
    assert "What is erased" in shown and "What stays" in shown
    assert "The contact details were erased on" not in shown
    person_page = page(staff_client.get(f"/people/{rich.person.id}"))
    assert f'href="/people/{rich.person.id}/erase"' in person_page
    assert f'href="/people/{rich.person.id}/data.json"' in person_page


def test_erasure_removes_the_contact_details_everywhere_and_keeps_the_records(
    app, session, rich, staff_client
):
    before = everything_but_the_audit_log(session)
    assert all(value.lower() in before for value in ERASED_VALUES)
    audit_before = audit_count(session, "profile_changed")
    kept = {
        "nominations": session.scalar(select(func.count()).select_from(Nomination)
                                      .where(Nomination.person_id == rich.person.id)),
        "attendance": session.scalar(select(func.count()).select_from(Attendance)
                                     .where(Attendance.person_id == rich.person.id)),
        "answers": session.scalar(select(func.count()).select_from(MeetingAnswer)
                                  .where(MeetingAnswer.person_id == rich.person.id)),
        "guests": session.scalar(select(func.count()).select_from(MeetingGuest)
                                 .where(MeetingGuest.person_id == rich.person.id)),
    }
    assert all(kept.values())

    response = erase(staff_client, rich.person.id)
    assert response.status_code == 303
    assert response.location == f"/people/{rich.person.id}"

    # Gone from every table (the audit log's earlier entries are official history).
    after = everything_but_the_audit_log(session)
    for value in ERASED_VALUES:
        assert value.lower() not in after, value
    person = session.get(Person, rich.person.id)
    assert (person.email, person.phone, person.note) == (None, "", "")
    assert (person.given_name, person.family_name, person.title) == ("Ingrid", "Åberg",
                                                                    "Regionråd")
    account = session.get(Account, rich.account.id)
    assert "@" not in account.email and account.password_hash is None
    assert not account.is_active and not account.material_digest
    assert not account.can_log_in
    assert session.scalar(select(func.count()).select_from(AccountToken).where(
        AccountToken.account_id == account.id, AccountToken.used_at.is_(None),
        AccountToken.revoked_at.is_(None))) == 0
    assert session.scalar(select(func.count()).select_from(CalendarToken).where(
        CalendarToken.account_id == account.id, CalendarToken.revoked_at.is_(None))) == 0
    assert session.get(MaterialNotice, rich.notice_id) is None
    pending = session.get(OutboxMessage, rich.pending_mail_id)
    assert pending.status is OutboxStatus.FAILED and pending.last_error == CANCELLED
    assert pending.text_body == "" and pending.to_address == ""
    sent = session.get(OutboxMessage, rich.sent_mail_id)
    assert sent.status is OutboxStatus.SENT and "[erased]" in sent.text_body
    assert sent.subject == "Kallelse: Forum om kompetensförsörjning"
    cooperation = session.scalar(select(Cooperation).where(
        Cooperation.title == "Samarbete med Suzhou"))
    assert (cooperation.contact_email, cooperation.contact_phone) == ("", "")
    assert cooperation.contact_name == "Ingrid Åberg"
    assert session.scalar(select(NominationProposal.new_email).where(
        NominationProposal.person_id == rich.person.id)) == ""
    answer = session.scalar(select(MeetingAnswer).where(
        MeetingAnswer.person_id == rich.person.id))
    assert answer.substitute_email == "sara.suppleant@example.se"  # someone else's

    # The official records stay.
    assert kept == {
        "nominations": session.scalar(select(func.count()).select_from(Nomination)
                                      .where(Nomination.person_id == rich.person.id)),
        "attendance": session.scalar(select(func.count()).select_from(Attendance)
                                     .where(Attendance.person_id == rich.person.id)),
        "answers": session.scalar(select(func.count()).select_from(MeetingAnswer)
                                  .where(MeetingAnswer.person_id == rich.person.id)),
        "guests": session.scalar(select(func.count()).select_from(MeetingGuest)
                                 .where(MeetingGuest.person_id == rich.person.id)),
    }
    assert audit_count(session, "profile_changed") == audit_before

    # The erasure is audited, with who and why, and none of the erased values.
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "person_erased"))
    assert entry.person_id == rich.person.id and entry.object_type == "Person"
    assert entry.actor_account_id is not None and entry.actor_account_id != rich.account.id
    assert entry.summary == REASON
    assert set(entry.after["erased"]) == {"email", "phone", "note", "account_email",
                                          "password"}
    assert entry.after["mails_cancelled"] == 1 and entry.after["calendar_addresses_revoked"] == 1
    written = json.dumps([entry.summary, entry.before, entry.after], ensure_ascii=False).lower()
    for value in ERASED_VALUES:
        assert value.lower() not in written


def test_someone_erased_stays_on_the_public_roster_history(app, session, rich, staff_client):
    erase(staff_client, rich.person.id)
    public = app.test_client()
    person_page = page(public.get(f"/people/{rich.person.id}"))
    assert "Ingrid Åberg" in person_page and "Politikerforum" in person_page
    history = page(public.get("/regions/12?on=2020-06-01"))
    assert "Ingrid Åberg" in history
    # The secretariat sees that the details were erased, and when.
    english(staff_client)
    again = page(staff_client.get(f"/people/{rich.person.id}/erase"))
    assert "The contact details were erased on" in again


def test_someone_erased_cannot_log_in_or_reset_the_password(app, session, rich, staff_client):
    erase(staff_client, rich.person.id)
    for address in (LOGIN, EMAIL):
        response = app.test_client().post("/login", data={"email": address,
                                                          "password": PASSWORD})
        assert response.status_code == 200  # the form again, not a redirect
    queued = session.scalar(select(func.count(OutboxMessage.id)))
    with app.test_request_context():
        accounts.request_password_reset(session, LOGIN)
        accounts.request_password_reset(session, EMAIL)
    session.commit()
    assert session.scalar(select(func.count(OutboxMessage.id))) == queued


def test_the_old_calendar_address_stops_working(app, session, rich, staff_client):
    calendar = rich.secrets[1]
    assert app.test_client().get(f"/calendar/personal/{calendar}.ics").status_code == 200
    erase(staff_client, rich.person.id)
    assert app.test_client().get(f"/calendar/personal/{calendar}.ics").status_code == 404


def test_queued_mail_to_them_is_never_sent(app, session, rich, staff_client, smtp_server,
                                           make_account):
    someone = make_account("member", email="kvar@example.se")
    with app.test_request_context():
        accounts.request_password_reset(session, someone.email)
    session.commit()
    erase(staff_client, rich.person.id)
    result = mail.deliver_pending(app)
    assert result == {"sent": 1, "failed": 0}  # the other person's mail goes out
    assert [m.rcpt_tos for m in smtp_server.messages] == [["kvar@example.se"]]
    assert smtp_server.to(LOGIN) == [] and smtp_server.to(EMAIL) == []


def test_the_export_after_erasure_shows_what_is_left(app, session, rich, staff_client):
    erase(staff_client, rich.person.id)
    data = staff_client.get(f"/people/{rich.person.id}/data.json").get_json()
    assert data["person"]["email"] is None and data["person"]["phone"] == ""
    assert data["account"]["is_active"] is False and data["account"]["has_password"] is False
    assert len(data["nominations"]) == 1 and len(data["attendance"]) == 1
    assert data["mail"] == []  # the address is gone, so no mail is found by it
    assert any(e["action"] == "person_erased" for e in data["audit"]["about_you"])
