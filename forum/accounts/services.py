"""Changes to accounts: logging in, invitations, passwords, roles. Services flush and raise
AccountError; the request commits."""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forum import mail
from forum.accounts import passwords, tokens
from forum.accounts.models import Account, TokenPurpose
from forum.audit.services import record, snapshot
from forum.roster.models import Person
from forum.timeutil import utcnow
from forum.urls import external_url

ROLE_FIELDS = ("is_admin", "is_secretariat", "contact_region_id", "is_active")


class AccountError(Exception):
    """A refused change, explained in the user's language, aimed at a form field."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def find_by_email(session: Session, email: str) -> Account | None:
    return session.scalar(select(Account).where(Account.email == email.strip().lower()))


def authenticate(session: Session, email: str, password: str) -> Account | None:
    """The account if the password is right and it may log in; audited either way."""
    account = find_by_email(session, email)
    ok = passwords.verify_password(account.password_hash if account else None, password)
    if not ok or account is None or not account.can_log_in:
        record(
            session,
            "login_failed",
            target=account,
            person_id=account.person_id if account else None,
            summary=email.strip().lower()[:254],
        )
        return None
    if passwords.needs_rehash(account.password_hash or ""):
        account.password_hash = passwords.hash_password(password)
    account.last_login_at = utcnow()
    record(session, "login", target=account, person_id=account.person_id, actor=account)
    session.flush()
    return account


def _link(endpoint: str, token: str) -> str:
    return external_url(endpoint, token=token)


def invite(
    session: Session,
    person: Person,
    email: str,
    *,
    is_admin: bool = False,
    is_secretariat: bool = False,
    contact_region_id: int | None = None,
) -> Account:
    """Create the person's account (or reuse it) and e-mail a link to set a password."""
    email = email.strip().lower()
    account = session.scalar(select(Account).where(Account.person_id == person.id))
    clash = find_by_email(session, email)
    if clash is not None and (account is None or clash.id != account.id):
        raise AccountError(
            "email", gettext("%(name)s already logs in with this address.", name=clash.person.name)
        )
    if account is not None and not account.is_active:
        raise AccountError(
            "person_id",
            gettext("%(name)s's account is deactivated. Reactivate it first.", name=person.name),
        )
    if account is not None and account.password_hash is not None:
        raise AccountError(
            "person_id",
            gettext("%(name)s already has an account.", name=person.name),
        )
    if account is None:
        account = Account(person_id=person.id, email=email, language="sv")
        session.add(account)
    account.email = email
    account.is_admin = is_admin
    account.is_secretariat = is_secretariat
    account.contact_region_id = contact_region_id
    session.flush()
    raw = tokens.issue(session, account, TokenPurpose.INVITATION)
    mail.queue(
        session,
        to=email,
        to_name=person.name,
        language=account.language,
        template="invitation",
        kind="invitation",
        person=person,
        link=_link("accounts.accept_invitation", raw),
        days=tokens.LIFETIME[TokenPurpose.INVITATION].days,
    )
    record(
        session,
        "account_invited",
        target=account,
        person_id=person.id,
        after=snapshot(account, "email", *ROLE_FIELDS),
    )
    return account


def set_password(session: Session, account: Account, password: str) -> None:
    account.password_hash = passwords.hash_password(password)
    # Sessions and remember-me cookies made with the old password stop working.
    account.session_version += 1
    tokens.revoke_all(session, account)
    session.flush()


def accept_token(session: Session, raw: str, purpose: TokenPurpose, password: str) -> Account:
    token = tokens.find(session, raw, purpose)
    if token is None:
        raise AccountError(None, gettext("The link is no longer valid."))
    tokens.use(session, token)
    account = token.account
    set_password(session, account, password)
    record(
        session,
        "invitation_accepted" if purpose is TokenPurpose.INVITATION else "password_reset",
        target=account,
        person_id=account.person_id,
        actor=account,
    )
    return account


def request_password_reset(session: Session, email: str) -> None:
    """Mail a reset link if the address has an active account; say nothing either way."""
    account = find_by_email(session, email)
    if account is None or not account.is_active:
        return
    raw = tokens.issue(session, account, TokenPurpose.PASSWORD_RESET)
    mail.queue(
        session,
        to=account.email,
        to_name=account.person.name,
        language=account.language,
        template="password_reset",
        kind="password_reset",
        person=account.person,
        link=_link("accounts.reset_password", raw),
        hours=int(tokens.LIFETIME[TokenPurpose.PASSWORD_RESET].total_seconds() // 3600),
    )
    record(session, "password_reset_requested", target=account, person_id=account.person_id)


def change_password(session: Session, account: Account, current: str, new: str) -> None:
    if not passwords.verify_password(account.password_hash, current):
        raise AccountError("current", gettext("That is not your current password."))
    set_password(session, account, new)
    record(session, "password_changed", target=account, person_id=account.person_id)


def _active_admins(session: Session) -> int:
    return session.scalar(
        select(func.count(Account.id)).where(Account.is_admin.is_(True), Account.is_active.is_(True))
    )


def set_roles(
    session: Session,
    account: Account,
    *,
    is_admin: bool,
    is_secretariat: bool,
    contact_region_id: int | None,
) -> None:
    before = snapshot(account, *ROLE_FIELDS)
    if account.is_admin and account.is_active and not is_admin and _active_admins(session) <= 1:
        raise AccountError(
            "is_admin", gettext("This is the last administrator. Make someone else one first.")
        )
    account.is_admin = is_admin
    account.is_secretariat = is_secretariat
    account.contact_region_id = contact_region_id
    session.flush()
    after = snapshot(account, *ROLE_FIELDS)
    if after != before:
        record(
            session, "roles_changed", target=account, person_id=account.person_id,
            before=before, after=after,
        )


def set_active(session: Session, account: Account, active: bool) -> None:
    if account.is_active == active:
        return
    if not active and account.is_admin and _active_admins(session) <= 1:
        raise AccountError(
            None, gettext("This is the last administrator and cannot be deactivated.")
        )
    before = snapshot(account, "is_active")
    account.is_active = active
    if not active:
        account.session_version += 1  # signed out everywhere at once
        tokens.revoke_all(session, account)
    session.flush()
    record(
        session,
        "account_reactivated" if active else "account_deactivated",
        target=account,
        person_id=account.person_id,
        before=before,
        after=snapshot(account, "is_active"),
    )


def create_admin(session: Session, email: str, password: str | None) -> tuple[Account, str | None]:
    """The first administrator of a new install, with a password or an invitation link."""
    email = email.strip().lower()
    account = find_by_email(session, email)
    if account is None:
        person = session.scalar(select(Person).where(Person.email == email))
        if person is None:
            local = email.partition("@")[0]
            person = Person(given_name=local.capitalize(), family_name="(admin)", email=email)
            session.add(person)
            session.flush()
        account = Account(person_id=person.id, email=email)
        session.add(account)
    account.is_admin = True
    account.is_secretariat = True
    account.is_active = True
    session.flush()
    link = None
    if password:
        set_password(session, account, password)
    else:
        link = _link("accounts.accept_invitation", tokens.issue(session, account, TokenPurpose.INVITATION))
    record(session, "admin_created", target=account, person_id=account.person_id,
           after=snapshot(account, "email", *ROLE_FIELDS))
    return account, link


def update_profile(
    session: Session,
    account: Account,
    *,
    email: str,
    phone: str,
    title: str,
    language: str,
    notify_by_email: bool,
    material_digest: bool | None = None,
) -> None:
    """A person's own contact details and choices."""
    person = account.person
    email = email.strip().lower() or None
    if email is not None:
        with session.no_autoflush:
            clash = session.scalar(
                select(Person).where(Person.email == email, Person.id != person.id)
            )
        if clash is not None:
            raise AccountError("email", gettext("Another person on the roster has this address."))
    before = snapshot(person, "email", "phone", "title") | snapshot(
        account, "language", "notify_by_email", "material_digest"
    )
    person.email = email
    person.phone = phone.strip()
    person.title = title.strip()
    account.language = language if language in ("sv", "en") else "sv"
    account.notify_by_email = notify_by_email
    if material_digest is not None:
        account.material_digest = material_digest
    session.flush()
    after = snapshot(person, "email", "phone", "title") | snapshot(
        account, "language", "notify_by_email", "material_digest"
    )
    if after != before:
        record(session, "profile_changed", target=person, person_id=person.id,
               before=before, after=after)
