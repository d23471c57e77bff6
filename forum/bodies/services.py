"""Setting up and changing working groups and networks; their members are nominations to
their seats, under the same seat rules as the forum's (forum/roster/services.py)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forum.audit.services import record, snapshot
from forum.i18n import day
from forum.roster.models import Body, BodyKind, Seat, Side
from forum.strategy.models import Theme

BODY_FIELDS = ("kind", "name_sv", "name_en", "description_sv", "description_en", "email",
               "established_on", "closed_on")

# A working group's or network's seats: a chair and its members, from any region or none.
GROUP_SEATS = (
    ("ordforande", "Ordförande", "Chair", 2),
    ("ledamot", "Ledamot", "Member", 200),
)


class BodyError(Exception):
    """A refused change, explained in the user's language, aimed at a form field."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def slug_for(session: Session, name: str) -> str:
    """A readable, unique address part from a Swedish name: "Nätverk för EU-frågor" →
    "natverk-for-eu-fragor" (then -2, -3… if taken)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    if len(base) > 50:
        # Whole words only: cut at the last hyphen that fits.
        base = base[:51].rsplit("-", 1)[0]
    base = base or "grupp"
    taken = set(session.scalars(select(Body.slug).where(Body.slug.like(f"{base}%"))))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check(kind: BodyKind, established_on: date | None, closed_on: date | None) -> None:
    if kind is BodyKind.FORUM:
        raise BodyError("kind", gettext("The forum's own bodies are set up with the forum; "
                                        "choose working group or network."))
    if established_on and closed_on and closed_on < established_on:
        raise BodyError("closed_on", gettext("The group cannot close before it was set up "
                                             "(%(date)s).", date=day(established_on)))


def create_group(
    session: Session,
    *,
    kind: BodyKind,
    name_sv: str,
    name_en: str = "",
    description_sv: str = "",
    description_en: str = "",
    email: str = "",
    established_on: date | None = None,
    themes: list[Theme] = (),
) -> Body:
    """A new working group or network, with a chair's seat and members' seats."""
    _check(kind, established_on, None)
    position = (session.scalar(select(func.max(Body.position))) or 0) + 1
    body = Body(
        slug=slug_for(session, name_sv),
        kind=kind,
        position=position,
        name_sv=name_sv.strip(),
        name_en=(name_en or name_sv).strip(),
        description_sv=description_sv.strip(),
        description_en=description_en.strip(),
        email=email.strip(),
        established_on=established_on,
        themes=list(themes),
    )
    for index, (slug, label_sv, label_en, places) in enumerate(GROUP_SEATS, start=1):
        body.seats.append(
            Seat(slug=slug, position=index, label_sv=label_sv, label_en=label_en,
                 holders_per_region=places, side=Side.NONE, per_region=False)
        )
    session.add(body)
    session.flush()
    record(session, "body_created", target=body, summary=body.slug,
           after=snapshot(body, *BODY_FIELDS) | {"themes": [t.id for t in body.themes]})
    return body


def update_body(session: Session, body: Body, *, themes: list[Theme] | None = None, **fields) -> Body:
    """Change a body's names, description, contact, dates and themes. A forum body stays a
    forum body, and a group does not become one."""
    kind = fields.get("kind", body.kind)
    if body.kind is BodyKind.FORUM:
        if kind is not BodyKind.FORUM:
            raise BodyError("kind", gettext("The forum's own bodies stay forum bodies."))
    else:
        _check(kind, fields.get("established_on", body.established_on),
               fields.get("closed_on", body.closed_on))
    before = snapshot(body, *BODY_FIELDS) | {"themes": [t.id for t in body.themes]}
    for name, value in fields.items():
        if name not in BODY_FIELDS:
            raise TypeError(f"unknown body field {name}")
        setattr(body, name, value.strip() if isinstance(value, str) else value)
    if not body.name_en:
        body.name_en = body.name_sv
    if themes is not None:
        body.themes = list(themes)
    session.flush()
    after = snapshot(body, *BODY_FIELDS) | {"themes": [t.id for t in body.themes]}
    if after != before:
        record(session, "body_changed", target=body, summary=body.slug, before=before, after=after)
    return body
