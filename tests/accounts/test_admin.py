"""The admins' account pages (invite, roles, deactivate and reactivate, the last admin), a
person's own profile, and `flask forum create-admin`."""

from __future__ import annotations

import re

import pytest
from suite_support import PASSWORD
from flask_babel import force_locale, gettext
from markupsafe import escape
from sqlalchemy import func, select

from forum.accounts import tokens
from forum.accounts.models import Account, AccountToken, TokenPurpose
from forum.audit.models import AuditEntry
from forum.mail_models import OutboxMessage
from forum.roster.models import Person, Region


def translated(app, message: str, language: str = "sv", **values) -> str:
    with app.test_request_context(), force_locale(language):
        return gettext(message, **values)


def error_beside(response, field_id: str) -> str:
    """The error text shown next to a field ("" if none)."""
    html = response.get_data(as_text=True)
    found = re.search(
        rf'<p class="error-message" id="{field_id}-error">(.*?)</p>', html, re.DOTALL
    ) or re.search(
        rf'<div class="checkbox field-error">\s*<input[^>]*\bid="{field_id}"[^>]*>'
        r"\s*<div>(.*?)</div>\s*</div>",
        html,
        re.DOTALL,
    )
    return found.group(1) if found else ""


def has_error(response, field_id: str, message: str) -> bool:
    return str(escape(message)) in error_beside(response, field_id)


def count(session, model, *where) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model).where(*where))


def audit(session, action: str) -> list[AuditEntry]:
    session.expire_all()
    return list(
        session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
    )


def admin_of(admin_client, session) -> Account:
    """The account the admin client is signed in as."""
    with admin_client.session_transaction() as flask_session:
        account_id = int(flask_session["_user_id"].partition(".")[0])
    return session.get(Account, account_id)


def signed_in(client) -> bool:
    return client.get("/profile").status_code == 200


def log_in(client, email: str, password: str = PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


def region_id(session, code: str) -> int:
    return session.scalar(select(Region.id).where(Region.code == code))


# --- the accounts list and who may see it ---------------------------------------------------


def test_the_accounts_page_lists_every_account_with_its_roles(
    app, admin_client, make_account, session
):
    contact = make_account("region_contact", region_code="12")
    member = make_account("member")
    page = admin_client.get("/admin/accounts").get_data(as_text=True)
    for account in (contact, member):
        assert account.email in page
        assert f'href="/admin/accounts/{account.id}"' in page
    assert "Region Skåne" in page
    assert str(escape(translated(app, "Region contact"))) in page


@pytest.mark.parametrize("role", ["secretariat", "region_contact", "member", "plain"])
def test_non_admins_are_refused(app, make_account, login, role):
    target = make_account("member")
    client = login(app.test_client(), make_account(role))
    for method, url in [
        ("get", "/admin/accounts"),
        ("get", "/admin/accounts/invite"),
        ("get", f"/admin/accounts/{target.id}"),
        ("post", f"/admin/accounts/{target.id}"),
        ("post", f"/admin/accounts/{target.id}/active"),
        ("post", f"/admin/accounts/{target.id}/resend"),
    ]:
        assert (
            getattr(client, method)(url, data={"active": "0", "is_admin": "y"}).status_code == 403
        ), url
    assert log_in(app.test_client(), target.email).status_code == 302  # still active


def test_an_unknown_account_is_not_found(admin_client):
    assert admin_client.get("/admin/accounts/999999").status_code == 404
    assert (
        admin_client.post("/admin/accounts/999999/active", data={"active": "0"}).status_code == 404
    )


# --- inviting -------------------------------------------------------------------------------


def counts(session) -> tuple[int, ...]:
    """Accounts, tokens, mails and audit entries: what an invitation would add."""
    return tuple(
        count(session, model) for model in (Account, AccountToken, OutboxMessage, AuditEntry)
    )


def nothing_saved(session, before: tuple[int, ...]) -> None:
    assert counts(session) == before


def test_an_empty_invitation_is_explained_field_by_field(app, admin_client, session):
    before = counts(session)
    response = admin_client.post("/admin/accounts/invite", data={})
    assert response.status_code == 200
    assert has_error(response, "person_id", translated(app, "Choose one."))
    assert has_error(response, "email", translated(app, "Give your e-mail address."))
    assert 'class="error-summary"' in response.get_data(as_text=True)
    nothing_saved(session, before)


def test_a_bad_address_is_explained_and_kept(app, admin_client, session, make_person):
    person = make_person("Felaktig", "Adressson", email=None)
    before = counts(session)
    response = admin_client.post(
        "/admin/accounts/invite",
        data={"person_id": str(person.id), "email": "not an address", "is_secretariat": "y"},
    )
    assert response.status_code == 200
    assert has_error(
        response, "email", translated(app, "Write an e-mail address such as name@region.se.")
    )
    assert error_beside(response, "person_id") == ""
    html = response.get_data(as_text=True)
    assert 'value="not an address"' in html
    assert re.search(
        rf'<option selected value="{person.id}">|<option value="{person.id}" selected>', html
    )
    nothing_saved(session, before)


def test_an_address_someone_else_logs_in_with_is_refused(
    app, admin_client, session, make_person, make_account
):
    taken = make_account("member")
    person = make_person("Dubbel", "Adressson", email=None)
    before = counts(session)
    response = admin_client.post(
        "/admin/accounts/invite", data={"person_id": str(person.id), "email": taken.email.upper()}
    )
    assert response.status_code == 200
    assert has_error(
        response,
        "email",
        translated(app, "%(name)s already logs in with this address.", name=taken.person.name),
    )
    nothing_saved(session, before)


def test_a_person_who_already_logs_in_cannot_be_invited(app, admin_client, session, make_account):
    existing = make_account("member")
    before = counts(session)
    page = admin_client.get("/admin/accounts/invite").get_data(as_text=True)
    people = re.search(r'<select[^>]*id="person_id".*?</select>', page, re.DOTALL).group(0)
    assert f'value="{existing.person_id}"' not in people
    assert existing.person.family_name not in people
    response = admin_client.post(
        "/admin/accounts/invite",
        data={"person_id": str(existing.person_id), "email": "ny@region.example"},
    )
    assert response.status_code == 200
    assert has_error(response, "person_id", translated(app, "Choose one of the alternatives."))
    nothing_saved(session, before)


def test_an_invitation_with_roles_is_saved_and_audited(admin_client, session, make_person):
    person = make_person("Kontakt", "Personsson", email="kontakt@region.example")
    # The form starts from the roster's address when the person is chosen by link.
    page = admin_client.get(f"/admin/accounts/invite?person={person.id}").get_data(as_text=True)
    assert 'value="kontakt@region.example"' in page
    response = admin_client.post(
        "/admin/accounts/invite",
        data={
            "person_id": str(person.id),
            "email": " Kontakt@Region.example ",
            "contact_region_id": str(region_id(session, "12")),
        },
    )
    account = session.scalar(select(Account).where(Account.person_id == person.id))
    assert response.status_code == 302
    assert response.location == f"/admin/accounts/{account.id}"
    assert account.email == "kontakt@region.example"
    assert account.contact_region_id == region_id(session, "12")
    assert not account.is_admin and not account.is_secretariat
    assert account.password_hash is None and account.is_active
    [entry] = audit(session, "account_invited")
    assert entry.actor_account_id == admin_of(admin_client, session).id
    assert entry.after["contact_region_id"] == region_id(session, "12")
    assert entry.after["email"] == "kontakt@region.example"
    assert count(session, OutboxMessage, OutboxMessage.to_address == "kontakt@region.example") == 1


# --- roles ----------------------------------------------------------------------------------


def test_a_role_change_is_saved_and_audited_with_before_and_after(
    app, admin_client, session, make_account
):
    account = make_account("member")
    page = admin_client.get(f"/admin/accounts/{account.id}")
    assert page.status_code == 200 and account.email in page.get_data(as_text=True)
    response = admin_client.post(
        f"/admin/accounts/{account.id}",
        data={"is_secretariat": "y", "contact_region_id": str(region_id(session, "12"))},
    )
    assert response.status_code == 302
    assert str(escape(translated(app, "The roles were saved."))) in admin_client.get(
        response.location
    ).get_data(as_text=True)
    session.expire_all()
    changed = session.get(Account, account.id)
    assert changed.is_secretariat and not changed.is_admin
    assert changed.contact_region_id == region_id(session, "12")
    [entry] = audit(session, "roles_changed")
    assert entry.before == {
        "is_admin": False,
        "is_secretariat": False,
        "contact_region_id": None,
        "is_active": True,
    }
    assert entry.after == {
        "is_admin": False,
        "is_secretariat": True,
        "contact_region_id": region_id(session, "12"),
        "is_active": True,
    }
    assert (entry.object_type, entry.object_id, entry.person_id) == (
        "Account",
        account.id,
        account.person_id,
    )
    assert entry.actor_account_id == admin_of(admin_client, session).id
    # Saving the same roles again changes nothing and adds no entry.
    admin_client.post(
        f"/admin/accounts/{account.id}",
        data={"is_secretariat": "y", "contact_region_id": str(region_id(session, "12"))},
    )
    assert len(audit(session, "roles_changed")) == 1


def test_a_new_role_applies_to_the_running_session(app, admin_client, session, make_account, login):
    account = make_account("member")
    client = login(app.test_client(), account)
    assert client.get("/people").status_code == 403
    admin_client.post(f"/admin/accounts/{account.id}", data={"is_secretariat": "y"})
    assert client.get("/people").status_code == 200
    # Unticked boxes are not sent at all; the region select always is.
    admin_client.post(f"/admin/accounts/{account.id}", data={"contact_region_id": ""})
    assert client.get("/people").status_code == 403


def test_an_unknown_region_is_refused(app, admin_client, session, make_account):
    account = make_account("member")
    response = admin_client.post(
        f"/admin/accounts/{account.id}", data={"contact_region_id": "999999"}
    )
    assert response.status_code == 200
    assert has_error(
        response, "contact_region_id", translated(app, "Choose one of the alternatives.")
    )
    session.expire_all()
    assert session.get(Account, account.id).contact_region_id is None
    assert audit(session, "roles_changed") == []


def test_the_last_admin_keeps_the_admin_role(app, admin_client, session):
    me = admin_of(admin_client, session)
    response = admin_client.post(f"/admin/accounts/{me.id}", data={"is_secretariat": "y"})
    assert response.status_code == 200
    assert has_error(
        response,
        "is_admin",
        translated(app, "This is the last administrator. Make someone else one first."),
    )
    session.expire_all()
    assert session.get(Account, me.id).is_admin
    assert audit(session, "roles_changed") == []
    assert admin_client.get("/admin/accounts").status_code == 200


def test_an_inactive_admin_does_not_count_as_another_admin(
    app, admin_client, session, make_account
):
    me = admin_of(admin_client, session)
    make_account("admin", is_active=False)
    response = admin_client.post(f"/admin/accounts/{me.id}", data={"contact_region_id": ""})
    assert response.status_code == 200
    session.expire_all()
    assert session.get(Account, me.id).is_admin


def test_with_another_admin_the_role_can_be_given_up(admin_client, session, make_account):
    me = admin_of(admin_client, session)
    make_account("admin")
    response = admin_client.post(f"/admin/accounts/{me.id}", data={"is_secretariat": "y"})
    assert response.status_code == 302
    session.expire_all()
    assert not session.get(Account, me.id).is_admin
    # And with it the admins' pages.
    assert admin_client.get("/admin/accounts").status_code == 403


def test_the_last_admin_cannot_be_deactivated(app, admin_client, session):
    me = admin_of(admin_client, session)
    response = admin_client.post(f"/admin/accounts/{me.id}/active", data={"active": "0"})
    assert response.status_code == 302
    page = admin_client.get(response.location)
    assert page.status_code == 200
    assert str(
        escape(translated(app, "This is the last administrator and cannot be deactivated."))
    ) in page.get_data(as_text=True)
    session.expire_all()
    assert session.get(Account, me.id).is_active
    assert audit(session, "account_deactivated") == []


# --- deactivating and reactivating ----------------------------------------------------------


def test_deactivating_signs_the_account_out_everywhere(
    app, admin_client, session, make_account, login
):
    account = make_account("member")
    browser = login(app.test_client(), account)
    remembered = app.test_client()
    assert (
        remembered.post(
            "/login", data={"email": account.email, "password": PASSWORD, "remember": "y"}
        ).status_code
        == 302
    )
    with app.test_request_context():
        reset = tokens.issue(session, account, TokenPurpose.PASSWORD_RESET)
    session.commit()

    response = admin_client.post(f"/admin/accounts/{account.id}/active", data={"active": "0"})
    assert response.status_code == 302
    assert response.location == f"/admin/accounts/{account.id}"

    assert not signed_in(browser)
    remembered.delete_cookie("session")
    assert not signed_in(remembered)
    assert log_in(app.test_client(), account.email).status_code == 200
    assert app.test_client().get(f"/password/reset/{reset}").status_code == 404
    session.expire_all()
    assert not session.get(Account, account.id).is_active
    [entry] = audit(session, "account_deactivated")
    assert entry.before == {"is_active": True} and entry.after == {"is_active": False}
    assert entry.object_id == account.id


def test_a_deactivated_account_can_be_reactivated(app, admin_client, session, make_account, login):
    account = make_account("member")
    before_deactivation = login(app.test_client(), account)
    admin_client.post(f"/admin/accounts/{account.id}/active", data={"active": "0"})
    page = admin_client.get(f"/admin/accounts/{account.id}").get_data(as_text=True)
    assert 'name="active" value="1"' in page
    response = admin_client.post(f"/admin/accounts/{account.id}/active", data={"active": "1"})
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Account, account.id).is_active
    client = app.test_client()
    assert log_in(client, account.email).status_code == 302
    assert signed_in(client)
    # Sessions from before the deactivation do not come back with the account.
    assert not signed_in(before_deactivation)
    [entry] = audit(session, "account_reactivated")
    assert entry.before == {"is_active": False} and entry.after == {"is_active": True}


def test_an_admin_can_deactivate_another_admin(admin_client, session, make_account):
    other = make_account("admin")
    admin_client.post(f"/admin/accounts/{other.id}/active", data={"active": "0"})
    session.expire_all()
    assert not session.get(Account, other.id).is_active


# --- the profile ----------------------------------------------------------------------------


@pytest.fixture
def member(make_account, make_person):
    person = make_person(
        "Maja", "Medlemsson", email="maja@region.example", phone="010-1", title="Regionråd"
    )
    return make_account("member", person=person)


def test_the_profile_shows_what_is_held(member, login, app):
    page = login(app.test_client(), member).get("/profile").get_data(as_text=True)
    assert "Maja Medlemsson" in page
    assert 'value="maja@region.example"' in page
    assert 'value="010-1"' in page and 'value="Regionråd"' in page
    assert member.email in page


def test_a_member_edits_contact_details_language_and_notices(app, session, member, login):
    client = login(app.test_client(), member)
    response = client.post(
        "/profile",
        data={
            "email": "Maja.Ny@Region.example",
            "phone": " 010-2 ",
            "title": "Ordförande",
            "language": "en",
        },
    )
    assert response.status_code == 302
    assert response.location == "/profile"
    page = client.get("/profile")
    assert '<html lang="en">' in page.get_data(as_text=True)
    assert "Your profile is saved." in page.get_data(as_text=True)
    session.expire_all()
    account = session.get(Account, member.id)
    person = session.get(Person, member.person_id)
    assert (person.email, person.phone, person.title) == (
        "maja.ny@region.example",
        "010-2",
        "Ordförande",
    )
    assert account.language == "en" and account.notify_by_email is False
    assert account.email == member.email  # the login address stays
    [entry] = audit(session, "profile_changed")
    assert entry.before == {
        "email": "maja@region.example",
        "phone": "010-1",
        "title": "Regionråd",
        "language": "sv",
        "notify_by_email": True,
        "material_digest": False,
    }
    assert entry.after == {
        "email": "maja.ny@region.example",
        "phone": "010-2",
        "title": "Ordförande",
        "language": "en",
        "notify_by_email": False,
        "material_digest": False,
    }
    assert entry.actor_account_id == member.id and entry.person_id == member.person_id


def test_an_invalid_address_on_the_profile_saves_nothing(app, session, member, login):
    client = login(app.test_client(), member)
    response = client.post(
        "/profile",
        data={
            "email": "maja at region",
            "phone": "999",
            "title": "Ny",
            "language": "en",
            "notify_by_email": "y",
        },
    )
    assert response.status_code == 200
    assert has_error(
        response, "email", translated(app, "Write an e-mail address such as name@region.se.")
    )
    assert 'value="maja at region"' in response.get_data(as_text=True)
    session.expire_all()
    person = session.get(Person, member.person_id)
    assert (person.email, person.phone, person.title) == (
        "maja@region.example",
        "010-1",
        "Regionråd",
    )
    assert session.get(Account, member.id).language == "sv"
    assert audit(session, "profile_changed") == []


def test_someone_elses_address_on_the_profile_saves_nothing(
    app, session, member, login, make_person
):
    make_person("Annan", "Personsson", email="annan@region.example")
    client = login(app.test_client(), member)
    response = client.post(
        "/profile",
        data={
            "email": "annan@region.example",
            "phone": "999",
            "language": "sv",
            "notify_by_email": "y",
        },
    )
    assert response.status_code == 200
    assert has_error(
        response, "email", translated(app, "Another person on the roster has this address.")
    )
    session.expire_all()
    person = session.get(Person, member.person_id)
    assert (person.email, person.phone) == ("maja@region.example", "010-1")
    assert audit(session, "profile_changed") == []


def test_an_unchanged_profile_adds_no_audit_entry(app, session, member, login):
    client = login(app.test_client(), member)
    client.post(
        "/profile",
        data={
            "email": "maja@region.example",
            "phone": "010-1",
            "title": "Regionråd",
            "language": "sv",
            "notify_by_email": "y",
        },
    )
    assert audit(session, "profile_changed") == []


def test_the_profile_needs_a_login(client):
    response = client.get("/profile")
    assert response.status_code == 302
    assert response.location == "/login?next=%2Fprofile"


# --- flask forum create-admin ---------------------------------------------------------------


def test_create_admin_with_a_password_given_at_the_prompt(app, runner, session):
    password = "the first admin's passphrase"
    result = runner.invoke(
        args=["forum", "create-admin", "Chefen@Region.example"], input=f"{password}\n{password}\n"
    )
    assert result.exit_code == 0, result.output
    assert "chefen@region.example is an administrator." in result.output
    assert password not in result.output
    assert "http://" not in result.output
    account = session.scalar(select(Account).where(Account.email == "chefen@region.example"))
    assert account.is_admin and account.is_secretariat and account.is_active
    [entry] = audit(session, "admin_created")
    assert entry.actor_label == "system"
    client = app.test_client()
    assert log_in(client, "chefen@region.example", password).location == "/secretariat"
    assert client.get("/admin/accounts").status_code == 200


def test_create_admin_with_invite_prints_a_working_link(app, runner, session):
    result = runner.invoke(args=["forum", "create-admin", "ny@region.example", "--invite"])
    assert result.exit_code == 0, result.output
    found = re.search(r"http://forum\.test/invitation/([A-Za-z0-9_-]+)", result.output)
    assert found, result.output
    account = session.scalar(select(Account).where(Account.email == "ny@region.example"))
    assert account.is_admin and account.password_hash is None
    client = app.test_client()
    assert client.get(f"/invitation/{found.group(1)}").status_code == 200
    password = "a passphrase of my own"
    assert (
        client.post(
            f"/invitation/{found.group(1)}", data={"password": password, "confirm": password}
        ).status_code
        == 302
    )
    assert client.get("/admin/accounts").status_code == 200


def test_create_admin_with_an_empty_password_prints_a_link(runner, session):
    # Enter at the prompt and again at its confirmation.
    result = runner.invoke(args=["forum", "create-admin", "tom@region.example"], input="\n\n")
    assert result.exit_code == 0, result.output
    assert "http://forum.test/invitation/" in result.output


def test_create_admin_refuses_a_short_password(runner, session):
    result = runner.invoke(
        args=["forum", "create-admin", "kort@region.example"], input="kort\nkort\n"
    )
    assert result.exit_code != 0
    assert "at least 10 characters" in result.output
    assert count(session, Account, Account.email == "kort@region.example") == 0
    assert count(session, Person, Person.email == "kort@region.example") == 0


def test_create_admin_refuses_differing_passwords(runner, session):
    result = runner.invoke(
        args=["forum", "create-admin", "olika@region.example"],
        input="first passphrase\nsecond passphrase\n",
    )
    assert result.exit_code != 0
    assert count(session, Account, Account.email == "olika@region.example") == 0


def test_create_admin_makes_an_existing_account_an_admin(app, runner, session, make_account):
    account = make_account("member")
    accounts = count(session, Account)
    result = runner.invoke(args=["forum", "create-admin", account.email, "--invite"])
    assert result.exit_code == 0, result.output
    session.expire_all()
    promoted = session.get(Account, account.id)
    assert promoted.is_admin and promoted.is_secretariat
    assert count(session, Account) == accounts


def test_create_admin_uses_the_person_on_the_roster_with_that_address(runner, session, make_person):
    person = make_person("Rosa", "Rostersson", email="rosa@region.example")
    result = runner.invoke(args=["forum", "create-admin", "rosa@region.example", "--invite"])
    assert result.exit_code == 0, result.output
    account = session.scalar(select(Account).where(Account.email == "rosa@region.example"))
    assert account.person_id == person.id
