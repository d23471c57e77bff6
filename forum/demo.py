"""A plausible demo forum: most seats filled, a few vacant, some members replaced.

Deterministic (a seeded generator) and idempotent: a second load finds everything there.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from forum.accounts.models import Account
from forum.accounts.passwords import hash_password, verify_password
from forum.reference import REGIONS
from forum.roster import services
from forum.roster.models import Body, Nomination, Organisation, OrganisationKind, Person, Region


GIVEN = [
    "Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Eva", "Anders", "Sara", "Per",
    "Kristina", "Mikael", "Lena", "Fredrik", "Emma", "Jonas", "Ingrid", "Henrik", "Malin",
    "Magnus", "Sofia", "Patrik", "Helena", "Daniel", "Camilla", "Mats", "Linnéa", "Ola",
    "Åsa", "Björn", "Elin", "Gustav", "Ida", "Niklas", "Maja", "Torbjörn", "Ulrika", "Stefan",
]
FAMILY = [
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
    "Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson",
    "Bengtsson", "Jönsson", "Lindberg", "Jakobsson", "Magnusson", "Lindström", "Olofsson",
    "Lindqvist", "Lindgren", "Berg", "Axelsson", "Bergström", "Lundberg", "Lind", "Lundgren",
    "Mattsson", "Berglund", "Fredriksson", "Sandberg", "Henriksson", "Ali", "Forsberg",
    "Sjöberg", "Wallin", "Engström", "Eklund", "Danielsson", "Håkansson", "Lundin", "Björk",
    "Öberg", "Holm", "Samuelsson", "Fransson", "Wikström", "Isaksson",
]
MAJORITY_PARTIES = ["S", "M", "C", "S", "M", "KD", "S", "L"]
OPPOSITION_PARTIES = ["M", "S", "SD", "V", "MP", "C", "KD", "L"]

AGENCIES = [
    ("Tillväxtverket", "TVV", OrganisationKind.AGENCY, "https://tillvaxtverket.se"),
    ("Trafikverket", "TRV", OrganisationKind.AGENCY, "https://www.trafikverket.se"),
    ("Boverket", "", OrganisationKind.AGENCY, "https://www.boverket.se"),
    ("Post- och telestyrelsen", "PTS", OrganisationKind.AGENCY, "https://www.pts.se"),
    ("Vinnova", "", OrganisationKind.AGENCY, "https://www.vinnova.se"),
    ("Arbetsförmedlingen", "AF", OrganisationKind.AGENCY, "https://arbetsformedlingen.se"),
    ("Landsbygds- och infrastrukturdepartementet", "LI", OrganisationKind.MINISTRY,
     "https://www.regeringen.se"),
    ("Näringsdepartementet", "N", OrganisationKind.MINISTRY, "https://www.regeringen.se"),
    ("Finansdepartementet", "Fi", OrganisationKind.MINISTRY, "https://www.regeringen.se"),
    ("Sveriges Kommuner och Regioner", "SKR", OrganisationKind.ASSOCIATION,
     "https://skr.se"),
]

GUESTS = [
    ("Tillväxtverket", "Kansliansvarig, Forum för hållbar regional utveckling"),
    ("Tillväxtverket", "Handläggare, forumets kansli"),
    ("Tillväxtverket", "Analytiker"),
    ("Landsbygds- och infrastrukturdepartementet", "Statssekreterare"),
    ("Landsbygds- och infrastrukturdepartementet", "Departementssekreterare"),
    ("Näringsdepartementet", "Kansliråd"),
    ("Trafikverket", "Planeringsdirektör"),
    ("Sveriges Kommuner och Regioner", "Sektionschef, tillväxt och samhällsbyggnad"),
]

TERM_START = date(2023, 1, 1)
PREVIOUS_TERM = (date(2019, 1, 1), date(2022, 12, 31))
# Seats left vacant, as (county code, body slug, seat slug).
VACANT = {("09", "politikerforum", "opposition"), ("23", "tjanstepersonsforum", "tjansteperson"),
          ("17", "politikerforum", "majoritet")}
# Seats whose holder was replaced during the current term, with the successor's first day.
REPLACED = {
    ("12", "politikerforum", "majoritet"): date(2025, 4, 1),
    ("03", "politikerforum", "opposition"): date(2024, 9, 1),
    ("25", "tjanstepersonsforum", "tjansteperson"): date(2025, 11, 15),
    ("05", "tjanstepersonsforum", "tjansteperson"): date(2024, 2, 1),
}
# A vacancy that arose when a member left: (seat, last day).
LEFT = {("17", "politikerforum", "majoritet"): date(2026, 8, 31)}


def _ascii(text: str) -> str:
    text = text.replace("å", "a").replace("ä", "a").replace("ö", "o")
    text = text.replace("Å", "A").replace("Ä", "A").replace("Ö", "O")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def _domain(organisation: Organisation) -> str:
    if organisation.kind is OrganisationKind.MINISTRY:
        return "regeringskansliet.se"
    if organisation.website:
        return organisation.website.split("//")[-1].removeprefix("www.").strip("/")
    return _ascii(organisation.name).replace(" ", "").replace("-", "").replace(",", "") + ".se"


class _Generator:
    def __init__(self, session: Session):
        self.session = session
        self.random = random.Random(2026)
        # Addresses handed out in this load; the same seed hands out the same ones.
        self.emails: set[str] = set()
        self.added = {"organisations": 0, "people": 0, "nominations": 0, "accounts": 0}

    def person(self, organisation: Organisation, title: str) -> Person:
        given = self.random.choice(GIVEN)
        family = self.random.choice(FAMILY)
        phone = f"0{self.random.randint(10, 99)}-{self.random.randint(100000, 999999)}"
        base = f"{_ascii(given)}.{_ascii(family)}@{_domain(organisation)}"
        email, n = base, 1
        while email in self.emails:
            n += 1
            email = base.replace("@", f"{n}@")
        self.emails.add(email)
        # The generator is seeded: on a second load it proposes the same people in the
        # same order, and finds them there.
        existing = self.session.scalar(select(Person).where(Person.email == email))
        if existing is not None:
            return existing
        person = Person(
            given_name=given,
            family_name=family,
            title=title,
            organisation=organisation,
            email=email,
            phone=phone,
        )
        self.session.add(person)
        self.added["people"] += 1
        return person


def load(session: Session) -> dict[str, int]:
    gen = _Generator(session)
    organisations = {o.name: o for o in session.scalars(select(Organisation))}
    for name, short, kind, website in AGENCIES:
        if name not in organisations:
            organisations[name] = Organisation(
                name=name, short_name=short, kind=kind, website=website
            )
            session.add(organisations[name])
            gen.added["organisations"] += 1
    session.flush()

    regions = {r.code: r for r in session.scalars(select(Region))}
    bodies = {b.slug: b for b in session.scalars(select(Body))}
    existing = {
        (n.person_id, n.seat_id, n.region_id, n.start_date)
        for n in session.scalars(select(Nomination))
    }

    def nominate(person, seat, region, start, end=None, party="", by=None, note=""):
        session.flush()
        if (person.id, seat.id, region.id, start) in existing:
            return
        services.nominate(
            session, person=person, seat=seat, region=region, start_date=start,
            end_date=end, party=party, nominated_by=by, note=note,
        )
        gen.added["nominations"] += 1

    for index, (code, region_name, _county) in enumerate(REGIONS):
        region = regions[code]
        home = organisations[region_name]
        for body_slug in ("politikerforum", "tjanstepersonsforum"):
            body = bodies[body_slug]
            for seat in body.seats:
                key = (code, body_slug, seat.slug)
                political = seat.is_political
                parties = MAJORITY_PARTIES if seat.slug == "majoritet" else OPPOSITION_PARTIES
                party = parties[(index + len(seat.slug)) % len(parties)] if political else ""
                title = (
                    ("Regionråd" if seat.slug == "majoritet" else "Oppositionsråd")
                    if political
                    else "Regional utvecklingsdirektör"
                )
                # Every third region's seat had another holder in the previous term.
                if index % 3 == 0:
                    earlier = gen.person(home, title)
                    nominate(earlier, seat, region, *PREVIOUS_TERM, party=party, by=home)
                if key in VACANT and key not in LEFT:
                    continue
                holder = gen.person(home, title)
                end = LEFT.get(key)
                successor_start = REPLACED.get(key)
                if successor_start is not None:
                    end = successor_start - timedelta(days=1)
                nominate(holder, seat, region, TERM_START, end, party=party, by=home)
                if successor_start is not None:
                    successor = gen.person(home, title)
                    nominate(
                        successor, seat, region, successor_start, party=party, by=home,
                        note="Ersätter tidigare ledamot enligt regionstyrelsens beslut.",
                    )

    guests = [gen.person(organisations[name], title) for name, title in GUESTS]
    session.flush()

    # One account per role, for trying the app out. Demo passwords, printed by `forum demo`.
    skane = regions["12"]
    skane_member = session.scalar(
        select(Nomination)
        .where(Nomination.region_id == skane.id, Nomination.end_date.is_(None))
        .order_by(Nomination.start_date.desc(), Nomination.id)
    )
    contact = gen.person(organisations["Region Skåne"], "Regional samordnare, forumfrågor")
    session.flush()
    for role, person, fields in (
        ("admin", guests[0], {"is_admin": True, "is_secretariat": True}),
        ("secretariat", guests[1], {"is_secretariat": True}),
        ("region_contact", contact, {"contact_region_id": skane.id}),
        ("member", skane_member.person if skane_member else guests[2], {}),
        ("guest", guests[3], {}),
    ):
        if session.scalar(select(Account).where(Account.person_id == person.id)) is None:
            session.add(
                Account(
                    person_id=person.id,
                    email=person.email,
                    password_hash=hash_password(DEMO_PASSWORDS[role]),
                    **fields,
                )
            )
            gen.added["accounts"] += 1
    session.flush()
    gen.added["meetings"] = _meetings(session, regions)
    return gen.added


VENUES = {
    "01": ("Tillväxtverket, konferens Stockholm", "Västra Järnvägsgatan 3, Stockholm"),
    "12": ("Regionhuset Malmö", "Dockplatsen 26, Malmö"),
    "14": ("Regionens hus", "Regionens hus, Göteborg"),
    "25": ("Regionhuset Luleå", "Robertsviksgatan 7, Luleå"),
}


def _meetings(session: Session, regions: dict[str, Region]) -> int:
    """Plan this year and the next with the real planner; meetings already past are held,
    the rest of this year confirmed with a venue."""
    from forum.meetings import planning
    from forum.meetings.models import AgendaItem, Meeting, MeetingStatus
    from forum.timeutil import today, utcnow

    if session.scalar(select(Meeting.id).limit(1)) is not None:
        return 0
    this_year = today().year
    created = 0
    for year in (this_year, this_year + 1):
        try:
            proposals = planning.propose(session, year)
        except Exception:  # no strategy period that year: nothing to plan
            continue
        for meeting in planning.confirm(session, proposals):
            created += 1
            code = meeting.host_region.code if meeting.host_region else "01"
            venue, address = VENUES.get(code, (f"{meeting.host_region.name}, regionens hus"
                                               if meeting.host_region else "Digitalt möte", ""))
            meeting.venue, meeting.address = venue, address
            meeting.online_url = "https://meet.example.se/forum-" + meeting.uid[:8]
            for position, (title, presenter) in enumerate(
                (("Inledning och dagordning", "Kansliet"),
                 ("Aktuellt från regeringen", "Landsbygds- och infrastrukturdepartementet"),
                 ("Temadiskussion", ""),
                 ("Regionernas erfarenheter", "Värdregionen"),
                 ("Avslutning och nästa möte", "Kansliet")), start=1):
                session.add(AgendaItem(meeting_id=meeting.id, position=position, title=title,
                                       presenter=presenter))
            if meeting.end_at <= utcnow():
                meeting.status = MeetingStatus.HELD
            elif meeting.start_at.year == this_year:
                meeting.status = MeetingStatus.CONFIRMED
    session.flush()
    _records(session)
    return created


def _records(session: Session) -> None:
    """Attendance, minutes and an action item for each meeting already held."""
    from forum.meetings import records
    from forum.meetings.models import AttendanceRole, Meeting, MeetingStatus, Presence

    pick = random.Random(7)
    for meeting in session.scalars(
        select(Meeting).where(Meeting.status == MeetingStatus.HELD).order_by(Meeting.start_at)
    ):
        entries = []
        for line in records.attendance_lines(session, meeting):
            roll = pick.random()
            if line.kind == "guest":
                entries.append(records.AttendanceEntry(line.person.id, Presence.PRESENT,
                                                       AttendanceRole.GUEST))
            elif roll < 0.72:
                entries.append(records.AttendanceEntry(line.person.id, Presence.PRESENT,
                                                       AttendanceRole.MEMBER))
            elif roll < 0.84:
                entries.append(records.AttendanceEntry(
                    line.person.id, Presence.PRESENT, AttendanceRole.SUBSTITUTE,
                    substitute_name=f"{pick.choice(GIVEN)} {pick.choice(FAMILY)}"))
            elif roll < 0.95:
                entries.append(records.AttendanceEntry(line.person.id, Presence.EXCUSED,
                                                       AttendanceRole.MEMBER))
            else:
                entries.append(records.AttendanceEntry(line.person.id, Presence.ABSENT,
                                                       AttendanceRole.MEMBER))
        records.record_attendance(session, meeting, entries)
        records.save_minutes(
            session, meeting,
            "Mötet inleddes av kansliet. Regionerna redovisade sina erfarenheter inom temat, "
            "och företrädare för regeringen presenterade aktuella frågor. Forumet enades om "
            "att fördjupa arbetet till nästa möte.",
        )
        records.approve_minutes(session, meeting)
        records.publish_minutes(session, meeting)
        records.add_action_item(
            session, meeting,
            what="Sammanställa regionernas exempel till kunskapsbanken",
            who="Kansliet",
        )
    session.flush()


DEMO_PASSWORDS = {
    "admin": "demo-admin-2026",
    "secretariat": "demo-kansli-2026",
    "region_contact": "demo-region-2026",
    "member": "demo-ledamot-2026",
    "guest": "demo-gast-2026",
}


def accounts_table(session: Session) -> list[tuple[str, str, str, str]]:
    """(role, name, e-mail, password) of the demo accounts, for printing."""
    rows = []
    for account in session.scalars(select(Account).order_by(Account.id)):
        for role, password in DEMO_PASSWORDS.items():
            if account.password_hash and verify_password(account.password_hash, password):
                rows.append((role, account.person.name, account.email, password))
                break
    return rows
