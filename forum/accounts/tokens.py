"""One-time tokens for links in e-mails: random, stored only as a SHA-256, expiring, used once,
revocable."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from forum.accounts.models import Account, AccountToken, TokenPurpose
from forum.timeutil import utcnow

LIFETIME = {
    TokenPurpose.INVITATION: timedelta(days=7),
    TokenPurpose.PASSWORD_RESET: timedelta(hours=2),
}


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue(session: Session, account: Account, purpose: TokenPurpose) -> str:
    """A new token for the account; earlier unused tokens of the same purpose are revoked."""
    now = utcnow()
    session.execute(
        update(AccountToken)
        .where(
            AccountToken.account_id == account.id,
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
            AccountToken.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    raw = secrets.token_urlsafe(32)
    session.add(
        AccountToken(
            account_id=account.id,
            purpose=purpose,
            token_hash=digest(raw),
            created_at=now,
            expires_at=now + LIFETIME[purpose],
        )
    )
    session.flush()
    return raw


def find(session: Session, raw: str, purpose: TokenPurpose) -> AccountToken | None:
    """The token if it is valid now: known, of this purpose, unused, unrevoked, unexpired,
    and for an active account."""
    if not raw or len(raw) > 200:
        return None
    token = session.scalar(
        select(AccountToken).where(
            AccountToken.token_hash == digest(raw), AccountToken.purpose == purpose
        )
    )
    if token is None or token.used_at is not None or token.revoked_at is not None:
        return None
    if not token.account.is_active:  # a deactivated account's links do nothing
        return None
    expires = token.expires_at
    if expires.tzinfo is None:  # SQLite gives naive datetimes back
        from datetime import UTC

        expires = expires.replace(tzinfo=UTC)
    if expires <= utcnow():
        return None
    return token


def use(session: Session, token: AccountToken) -> None:
    token.used_at = utcnow()
    session.flush()


def revoke_all(session: Session, account: Account) -> None:
    session.execute(
        update(AccountToken)
        .where(
            AccountToken.account_id == account.id,
            AccountToken.used_at.is_(None),
            AccountToken.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
    )
