"""What each feed holds, a fingerprint of it that costs one or two small queries, and the
feed itself, built only when the fingerprint is new.

A calendar client fetches a feed every hour or so and nearly always finds it unchanged: the
fingerprint is the strong ETag, FeedState turns it into an honest Last-Modified, and the
built bytes are kept per process by fingerprint, so that neither an unchanged feed nor a
popular one is built twice.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_babel import force_locale, gettext
from sqlalchemy import bindparam, func, literal, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

from forum.accounts.models import Account
from forum.answers import Memory
from forum.calendars import ics
from forum.calendars.models import CalendarToken, FeedState
from forum.i18n import local
from forum.meetings.models import Meeting, MeetingGuest
from forum.meetings.queries import local_day
from forum.roster.models import Body, Nomination
from forum.strategy.models import Theme
from forum.timeutil import utcnow
from forum.urls import external_url

# Raise when what a feed contains or how it is written changes: every ETag changes with it.
FORMAT = "1"
# A calendar's fetch is recorded at most this often (it is shown on the profile page).
USE_RECORDED_EVERY = timedelta(hours=1)


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def _digest(parts: Iterable[object]) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(repr(part).encode())
        h.update(b"\x1f")
    return h.hexdigest()


# The statements that every fetch of a feed runs, most of them answered 304, are built once:
# building one costs about as much as running it (docs/performance.md).
_REFERENCE = (select(literal("theme"), Theme.id, Theme.name_sv, Theme.name_en)
              .union_all(select(literal("body"), Body.id, Body.name_sv, Body.name_en)))
_BODY_MEETINGS = (
    select(func.count(Meeting.id), func.max(Meeting.updated_at), func.sum(Meeting.revision))
    .where(Meeting.body_id == bindparam("body_id"))
)
_NOMINATIONS = (
    select(Nomination.id, Nomination.body_id, Nomination.start_date, Nomination.end_date)
    .where(Nomination.person_id == bindparam("person_id"))
    .order_by(Nomination.id)
)
_GUEST_OF = (select(MeetingGuest.meeting_id)
             .where(MeetingGuest.person_id == bindparam("person_id"))
             .order_by(MeetingGuest.meeting_id))
_FEED_STATE = (select(FeedState.fingerprint, FeedState.changed_at)
               .where(FeedState.key == bindparam("key")))
_TOKEN = (
    select(CalendarToken)
    .where(CalendarToken.token_hash == bindparam("token_hash"),
           CalendarToken.revoked_at.is_(None))
    .options(joinedload(CalendarToken.account).joinedload(Account.person))
)


def _reference_fingerprint(session: Session) -> str:
    # Themes and bodies are reference data (a few dozen rows) without a change time of their
    # own; every feed shows their names (CATEGORIES, and the body in each DESCRIPTION).
    return _digest(sorted(tuple(row) for row in session.execute(_REFERENCE)))


def _common(session: Session, language: str) -> list[object]:
    config = current_app.config
    return [FORMAT, language, config["BASE_URL"], ics.organizer(),
            _reference_fingerprint(session)]


# --- public feeds per body --------------------------------------------------------------


def body_fingerprint(session: Session, body: Body, language: str) -> str:
    count, last_change, revisions = session.execute(_BODY_MEETINGS, {"body_id": body.id}).one()
    return _digest(_common(session, language) + [
        body.id, body.slug, body.name_sv, body.name_en, count, _aware(last_change), revisions,
    ])


def body_meetings(session: Session, body: Body) -> list[Meeting]:
    """All the body's meetings, past and planned; cancelled ones stay, marked."""
    return list(session.scalars(
        select(Meeting)
        .where(Meeting.body_id == body.id)
        .options(joinedload(Meeting.theme))
        .order_by(Meeting.start_at, Meeting.id)
    ))


def feed_name(body: Body) -> str:
    return gettext("Forum – %(body)s", body=local(body, "name").lower())


def body_feed(session: Session, body: Body, language: str) -> bytes:
    meetings = body_meetings(session, body)
    by = ics.organizer()
    with force_locale(language):
        # meeting.body comes from the session's identity map: the body is loaded already.
        events = [
            ics.event(m, private=False, by=by,
                      link=external_url("meetings.meeting", meeting_id=m.id))
            for m in meetings
        ]
        return ics.calendar(
            feed_name(body), meetings, events,
            about=gettext("The meetings of %(body)s: themes, times and places.",
                          body=local(body, "name")),
        )


# --- personal feeds ---------------------------------------------------------------------


def _membership(session: Session, person_id: int) -> tuple[list[tuple], list[int]]:
    nominations = session.execute(_NOMINATIONS, {"person_id": person_id}).all()
    guest_of = list(session.scalars(_GUEST_OF, {"person_id": person_id}))
    return [tuple(n) for n in nominations], guest_of


def _candidates(body_ids: set[int], guest_of: list[int]):
    conditions = []
    if body_ids:
        conditions.append(Meeting.body_id.in_(sorted(body_ids)))
    if guest_of:
        conditions.append(Meeting.id.in_(guest_of))
    return or_(*conditions) if conditions else None


def personal_fingerprint(session: Session, account: Account) -> str:
    nominations, guest_of = _membership(session, account.person_id)
    where = _candidates({n[1] for n in nominations}, guest_of)
    aggregate: tuple = (0, None, None)
    if where is not None:
        count, last_change, revisions = session.execute(
            select(func.count(Meeting.id), func.max(Meeting.updated_at),
                   func.sum(Meeting.revision)).where(where)
        ).one()
        aggregate = (count, _aware(last_change), revisions)
    # The person's name is in the feed's description.
    return _digest(_common(session, account.language) + [
        "person", account.person_id, account.person.name, nominations, guest_of, aggregate,
    ])


def personal_meetings(session: Session, person_id: int) -> list[Meeting]:
    """Every meeting the person takes part in: as a member of its body on its date, or as
    an invited guest."""
    nominations, guest_of = _membership(session, person_id)
    where = _candidates({n[1] for n in nominations}, guest_of)
    if where is None:
        return []
    candidates = session.scalars(
        select(Meeting).where(where)
        .options(joinedload(Meeting.body), joinedload(Meeting.theme),
                 selectinload(Meeting.agenda))
        .order_by(Meeting.start_at, Meeting.id)
    ).all()
    guests = set(guest_of)
    found = []
    for meeting in candidates:
        on = local_day(meeting.start_at)
        if meeting.id in guests or any(
            body_id == meeting.body_id and start <= on and (end is None or on <= end)
            for _, body_id, start, end in nominations
        ):
            found.append(meeting)
    return found


def personal_feed(session: Session, account: Account) -> bytes:
    meetings = personal_meetings(session, account.person_id)
    by = ics.organizer()
    with force_locale(account.language):
        events = []
        for m in meetings:
            link = external_url("meetings.meeting", meeting_id=m.id)
            events.append(ics.event(m, private=True, by=by, link=link,
                                    material_link=link + "#material"))
        return ics.calendar(
            gettext("Forum – my meetings"), meetings, events,
            about=gettext("The forum's meetings that %(name)s takes part in.",
                          name=account.person.name),
        )


# --- one meeting ------------------------------------------------------------------------

_FILE_MEETING = (select(Meeting).where(Meeting.id == bindparam("meeting_id"))
                 .options(joinedload(Meeting.body), joinedload(Meeting.theme)))


def file_meeting(session: Session, meeting_id: int) -> Meeting | None:
    """The meeting with what its file shows everyone: body and theme. The agenda, which
    only participants see, is loaded if it is asked for."""
    return session.scalar(_FILE_MEETING, {"meeting_id": meeting_id})


def meeting_fingerprint(meeting: Meeting, language: str, private: bool) -> str:
    config = current_app.config
    return _digest([FORMAT, language, config["BASE_URL"], ics.organizer(), "meeting",
                    meeting.id, meeting.revision, _aware(meeting.updated_at), private,
                    meeting.theme_id and local(meeting.theme, "name"),
                    local(meeting.body, "name")])


def meeting_file(meeting: Meeting, language: str, private: bool) -> bytes:
    with force_locale(language):
        link = external_url("meetings.meeting", meeting_id=meeting.id)
        vevent = ics.event(meeting, private=private, by=ics.organizer(), link=link,
                           material_link=link + "#material" if private else "")
        return ics.calendar("", [meeting], [vevent])


def meeting_file_name(meeting: Meeting) -> str:
    """"2026-11-24 Politikerforum – Kompetensförsörjning.ics": the date sorts, the title
    says what; characters no file system accepts are left out."""
    day = local_day(meeting.start_at).isoformat()
    title = "".join(c for c in meeting.title if c not in '\\/:*?"<>|' and c.isprintable())
    return f"{day} {title}"[:150].strip() + ".ics"


# --- Last-Modified that moves with the content ------------------------------------------


def changed_at(session: Session, key: str, fingerprint: str) -> datetime:
    """When the feed's content last changed: the first time this fingerprint was seen.
    Written only when the fingerprint is new; a race with another worker is harmless.

    HTTP dates count whole seconds, so a change within the second of the one before is
    dated a second later: a client that holds the old version and asks If-Modified-Since
    must not be told that nothing changed."""
    known = session.execute(_FEED_STATE, {"key": key}).first()
    if known is not None and known.fingerprint == fingerprint:
        return _aware(known.changed_at)  # type: ignore[return-value]
    state = session.get(FeedState, key)
    if state is not None and state.fingerprint == fingerprint:
        return _aware(state.changed_at)  # type: ignore[return-value]
    now = utcnow().replace(microsecond=0)
    if state is not None:
        now = max(now, _aware(state.changed_at) + timedelta(seconds=1))  # type: ignore[operator]
    # End the reads first, so that the write is a transaction of its own: on SQLite one
    # that has read cannot wait for another writer and fails at once ("database is
    # locked") when a burst of fetches sees a new version together.
    session.commit()
    try:
        with session.begin_nested():
            if state is None:
                session.add(FeedState(key=key, fingerprint=fingerprint, changed_at=now))
            else:
                state.fingerprint = fingerprint
                state.changed_at = now
        session.commit()
    except IntegrityError:
        session.rollback()
    return now


# --- the built bytes, kept per process --------------------------------------------------


# Built once per fingerprint and process; never stale, since the fingerprint is the content.
built_feeds = Memory(32 * 1024 * 1024)


# --- personal tokens --------------------------------------------------------------------


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(session: Session, account: Account) -> str:
    """A new secret feed address for the account; the old one stops working."""
    revoke_tokens(session, account)
    raw = secrets.token_urlsafe(32)
    session.add(CalendarToken(account_id=account.id, token_hash=token_hash(raw)))
    session.flush()
    return raw


def revoke_tokens(session: Session, account: Account) -> int:
    result = session.execute(
        update(CalendarToken)
        .where(CalendarToken.account_id == account.id, CalendarToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return result.rowcount or 0


def active_token(session: Session, account: Account) -> CalendarToken | None:
    return session.scalar(
        select(CalendarToken).where(
            CalendarToken.account_id == account.id, CalendarToken.revoked_at.is_(None)
        )
    )


def find_token(session: Session, raw: str) -> CalendarToken | None:
    """The token if it opens a feed now: known, not revoked, its account active."""
    if not raw or len(raw) > 200:
        return None
    token = session.scalar(_TOKEN, {"token_hash": token_hash(raw)})
    if token is None or not token.account.is_active:
        return None
    return token


def record_use(session: Session, token: CalendarToken) -> None:
    now = utcnow()
    last = _aware(token.last_used_at)
    if last is None or now - last >= USE_RECORDED_EVERY:
        session.commit()  # the feed's reads end first, as in changed_at
        token.last_used_at = now
        session.commit()
