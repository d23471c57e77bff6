"""A person's data as one JSON document: what it holds, what it never holds, and who may
download whose."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from privacy_fixtures import EMAIL, LOGIN, NOTE, OTHER_EMAIL, PHONE
from sqlalchemy import select

import forum.models  # noqa: F401  (every table, for the coverage check)
from forum.audit.models import AuditEntry
from forum.db import Base
from forum.privacy import export


def download(client, url: str) -> tuple[dict, bytes]:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and ".json" in disposition
    assert response.headers["Cache-Control"] == "no-store"
    return json.loads(response.data.decode("utf-8")), response.data


def test_the_export_holds_everything_about_a_rich_person(app, rich, login):
    client = login(app.test_client(), rich.account)
    data, raw = download(client, "/profile/data.json")

    assert data["schema"] == "forum-person-data" and data["schema_version"] == 1
    generated = datetime.fromisoformat(data["generated_at"])
    assert abs(generated - datetime.now(UTC)) < timedelta(minutes=1)
    assert "GDPR art. 6.1 e" in data["about"]["legal_basis"]
    assert any("password" in s for s in data["about"]["secrets_omitted"])
    # UTF-8 as is, not escaped: a person reads the file.
    assert "Åberg".encode() in raw

    person = data["person"]
    assert (person["given_name"], person["family_name"]) == ("Ingrid", "Åberg")
    assert (person["email"], person["phone"], person["note"]) == (EMAIL, PHONE, NOTE)
    assert data["organisation"]["name"] == "Region Skåne (test)"
    [nomination] = data["nominations"]
    assert nomination["region"] == "12" and nomination["body"] == "politikerforum"
    assert (nomination["start_date"], nomination["end_date"]) == ("2019-01-01", "2022-12-31")

    account = data["account"]
    assert account["email"] == LOGIN and account["is_active"] is True
    assert account["has_password"] is True and account["material_digest"] is True
    assert sorted(link["purpose"] for link in account["one_time_links"]) == [
        "invitation", "password_reset"]
    assert data["roles"] == []

    [answer] = data["meeting_answers"]
    assert answer["answer"] == "substitute" and answer["substitute_name"] == "Sara Suppleant"
    assert answer["meeting"]["title"] == "Forum om kompetensförsörjning"
    assert "sara.suppleant@example.se" not in raw.decode()  # the substitute's, not hers
    [attended] = data["attendance"]
    assert (attended["presence"], attended["role"], attended["region"]) == (
        "present", "member", "12")
    [guest] = data["guest_invitations"]
    assert guest["meeting"]["title"] == "Forum om tillgänglighet"

    [downloaded] = data["material"]["downloads"]
    assert downloaded["title"] == "Underlag om kompetensförsörjning"
    assert downloaded["version"] == 1
    assert len(data["material"]["digest_notices"]) == 1
    [calendar] = data["calendar_tokens"]
    assert calendar["active"] is True and calendar["created_at"]
    assert set(calendar) == {"created_at", "last_used_at", "revoked_at", "active"}

    proposals = data["nomination_proposals"]
    assert [p["decision_reference"] for p in proposals["about_you"]] == ["RS 2018-12-12 § 9"]
    assert [p["decision_reference"] for p in proposals["made"]] == ["RS 2018-12-12 § 9"]

    about = {e["action"] for e in data["audit"]["about_you"]}
    assert {"profile_changed", "password_reset_requested"} <= about
    changed = next(e for e in data["audit"]["about_you"] if e["action"] == "profile_changed")
    assert changed["after"]["material_digest"] is True and changed["by"] == "you"
    by_you = data["audit"]["by_you"]
    assert any(e["action"] == "person_changed" for e in by_you)
    # What she did to another person's record names the record, not that person's data.
    assert OTHER_EMAIL not in raw.decode()

    mail = {m["subject"]: m for m in data["mail"]}
    assert mail["Kallelse: Forum om kompetensförsörjning"]["status"] == "sent"
    assert any(m["kind"] == "password_reset" and m["status"] == "pending"
               for m in data["mail"])
    assert all(set(m) == {"created_at", "to_address", "subject", "kind", "status", "sent_at"}
               for m in data["mail"])

    surveys = data["surveys"]
    assert len(surveys["asked"]) == 1
    [response] = surveys["responses"]
    assert response["status"] == "submitted" and response["answers"]
    assert data["cooperation"]["named_as_contact"][0]["title"] == "Samarbete med Suzhou"
    assert [n["title_sv"] for n in data["news"]["written"]] == ["Ingrids nyhet om Suzhou"]
    assert [n["title_sv"] for n in data["news"]["published"]] == ["Ingrids nyhet om Suzhou"]


def test_the_export_holds_no_secrets(app, rich, login):
    client = login(app.test_client(), rich.account)
    _data, raw = download(client, "/profile/data.json")
    text = raw.decode()
    assert rich.secrets and all(secret for secret in rich.secrets)
    for secret in rich.secrets:  # password hash, raw tokens and their hashes, the reset link
        assert secret not in text
    assert "argon2" not in text and "password_hash" not in text and "token_hash" not in text
    assert "session_version" not in text and "/password/reset/" not in text


def test_every_column_that_points_at_a_person_is_exported_or_explained():
    """A feature that adds a table about people adds its part to forum/privacy/export.py."""
    covered = {c for p in export.PARTS for c in p.covers} | set(export.NOT_EXPORTED)
    pointing = {
        f"{table.name}.{column.name}"
        for table in Base.metadata.sorted_tables
        for column in table.columns
        for key in column.foreign_keys
        if key.column.table.name in ("people", "accounts")
    }
    assert pointing - covered == set(), (
        "add a part to forum/privacy/export.py (or a reason to NOT_EXPORTED) for these columns"
    )
    assert covered - pointing == set()  # no stale names


def test_the_secretariat_downloads_anyones_data_and_it_is_audited(
    app, session, rich, staff_client
):
    data, _raw = download(staff_client, f"/people/{rich.person.id}/data.json")
    assert data["person"]["email"] == EMAIL
    entry = session.scalar(
        select(AuditEntry).where(AuditEntry.action == "personal_data_exported")
        .order_by(AuditEntry.id.desc())
    )
    assert entry.person_id == rich.person.id and entry.actor_account_id is not None
    assert entry.actor_account_id != rich.account.id
    assert entry.after == {"by": "the secretariat"}


def test_downloading_ones_own_data_is_audited(app, session, rich, login):
    download(login(app.test_client(), rich.account), "/profile/data.json")
    entry = session.scalar(
        select(AuditEntry).where(AuditEntry.action == "personal_data_exported")
    )
    assert entry.person_id == rich.person.id and entry.actor_account_id == rich.account.id
    assert entry.after == {"by": "the person"}


def test_a_person_downloads_only_their_own(app, session, rich, make_account, make_person,
                                           login):
    someone = make_account("member")
    client = login(app.test_client(), someone)
    data, _raw = download(client, "/profile/data.json")
    assert data["person"]["id"] == someone.person_id
    assert EMAIL not in json.dumps(data)
    # Another person's file, or even one's own through the secretariat's address: refused.
    assert client.get(f"/people/{rich.person.id}/data.json").status_code == 403
    assert client.get(f"/people/{someone.person_id}/data.json").status_code == 403
    contact = login(app.test_client(), make_account("region_contact"))
    assert contact.get(f"/people/{rich.person.id}/data.json").status_code == 403
    assert session.scalar(
        select(AuditEntry).where(AuditEntry.action == "personal_data_exported",
                                 AuditEntry.person_id == rich.person.id)
    ) is None


def test_anonymous_visitors_are_sent_to_log_in(app, rich):
    client = app.test_client()
    for url in ("/profile/data", "/profile/data.json", f"/people/{rich.person.id}/data.json"):
        response = client.get(url)
        assert response.status_code == 302 and response.location.startswith("/login?next=")


def test_an_unknown_person_is_not_found(staff_client):
    assert staff_client.get("/people/999999/data.json").status_code == 404


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_page_explains_what_is_held_and_why(app, rich, login, language):
    client = login(app.test_client(), rich.account)
    if language == "en":
        client.post("/language", data={"lang": "en", "next": "/"})
    response = client.get("/profile/data")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert 'href="/profile/data.json"' in text
    assert "6.1 e" in text and "<h1>" in text and text.count("<h1") == 1
    if language == "en":
        assert "official documents (allmänna handlingar)" in text
        assert "Attendance recorded at meetings" in text
    # The profile links to it.
    assert 'href="/profile/data"' in client.get("/profile").get_data(as_text=True)


def test_the_export_takes_a_fixed_number_of_queries(app, session, rich, login, count_queries,
                                                   make_nomination):
    client = login(app.test_client(), rich.account)
    client.get("/profile/data.json")
    with count_queries() as before:
        client.get("/profile/data.json")
    # More of everything: more nominations, answers, downloads.
    from datetime import date

    make_nomination(rich.person, region_code="12", body="tjanstepersonsforum",
                    seat_slug="tjansteperson", start=date(2015, 1, 1), end=date(2016, 1, 1))
    make_nomination(rich.person, region_code="12", body="tjanstepersonsforum",
                    seat_slug="tjansteperson", start=date(2017, 1, 1), end=date(2018, 1, 1))
    with count_queries() as after:
        data = client.get("/profile/data.json").get_json()
    assert len(data["nominations"]) == 3
    assert after.count == before.count
