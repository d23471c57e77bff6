"""A plausible demo forum: most seats filled, a few vacant, some members replaced; this
year's and next year's meetings; and their material, searchable, some of it distributed.

Deterministic (a seeded generator) and idempotent: a second load finds everything there.
"""

from __future__ import annotations

import io
import random
import re
import unicodedata
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from forum.accounts.models import Account
from forum.accounts.passwords import hash_password, verify_password
from forum.reference import REGIONS
from forum.roster import services
from forum.roster.models import Body, Nomination, Organisation, OrganisationKind, Person, Region
from forum.timeutil import STOCKHOLM, today, utcnow


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


def _add(added: dict[str, int], more: dict[str, int]) -> None:
    """Sum what a feature's demo added into the summary (named after tables)."""
    for table, n in more.items():
        added[table] = added.get(table, 0) + n


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
    secretariat = session.scalar(select(Account).where(Account.person_id == guests[1].id))
    gen.added.update(_material(session, secretariat))
    # --- coordination demo: working groups, surveys, cooperation, news ---
    from forum.surveys.demo import seed_surveys

    _add(gen.added, seed_surveys(session, secretariat))
    from forum.bodies.demo import seed as seed_bodies

    _add(gen.added, seed_bodies(session, gen, secretariat))
    from forum.news.demo import seed_news

    _add(gen.added, seed_news(session, secretariat))
    from forum.cooperation.demo import seed_cooperation

    _add(gen.added, seed_cooperation(session, secretariat))
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


# --- material -------------------------------------------------------------------------------
#
# Each theme of the current strategy gets an underlag for the officials, a presentation for
# the politicians and a report for the knowledge bank; each meeting held gets its kallelse and
# minnesanteckningar; the next meetings get their kallelse and an underlag, not distributed
# yet. The files are made here (DOCX, PPTX, ODT, plain text) and uploaded through the same
# service as the form, so they are checked, stored and indexed for search like any upload.

Section = tuple[str | None, list[str]]
Slide = tuple[str, list[str]]

SECRETARIAT_SIGNATURE = "Kansliet för Forum för hållbar regional utveckling, Tillväxtverket"
MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
          "september", "oktober", "november", "december"]
WEEKDAYS = ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"]


def _paragraphs(text: str) -> list[str]:
    """Paragraphs written as in an e-mail: lines joined, a blank line between them."""
    found, lines = [], []
    for line in text.strip().splitlines() + [""]:
        if line.strip():
            lines.append(line.strip())
        elif lines:
            found.append(" ".join(lines))
            lines = []
    return found


def _prose(text: str) -> list[Section]:
    """Sections of paragraphs, each after a "## heading" line (the first may have none)."""
    found: list[Section] = []
    heading, body = None, []
    for line in text.strip().splitlines() + ["## (end)"]:
        if line.strip().startswith("## "):
            paragraphs = _paragraphs("\n".join(body))
            if heading or paragraphs:
                found.append((heading, paragraphs))
            heading, body = line.strip()[3:], []
        else:
            body.append(line)
    return found


def _slides(text: str) -> list[Slide]:
    """Slides: a "## title" line, then a "- point" line for each point."""
    found: list[Slide] = []
    for line in text.strip().splitlines():
        line = line.strip()
        if line.startswith("## "):
            found.append((line[3:], []))
        elif line.startswith("- "):
            found[-1][1].append(line[2:])
    return found


# By the slug of a theme of the 2021–2030 strategy (forum/reference.py).
THEME_MATERIAL: dict[str, dict] = {
    "likvardiga-mojligheter": {
        "background": {
            "title": "Underlag: boende och service i mindre orter",
            "description": (
                "Kansliets underlag till temadiskussionen: bostadsbyggande på svaga "
                "bostadsmarknader och tillgången till kommersiell och offentlig service."
            ),
            "sections": _prose("""
                ## Bakgrund
                Den nationella strategin för hållbar regional utveckling i hela landet 2021–2030
                slår fast att människor ska ha likvärdiga möjligheter till boende, arbete och
                välfärd oavsett var i landet de bor. I många mindre orter och landsbygdskommuner
                står bostadsbyggandet i praktiken still: det kostar mer att bygga ett nytt hus än
                vad huset är värt på marknaden, och bankerna är försiktiga med att låna ut till
                nyproduktion.

                Samtidigt har arbetsgivarna svårt att rekrytera. När en sjuksköterska, en lärare
                eller en ingenjör inte hittar någon bostad blir tjänsten vakant eller tillsatt med
                en pendlare, och orten går miste om både skatteintäkter och framtida invånare.

                ## Läget i regionerna
                Regionerna beskriver en likartad bild. Bostadsbristen hindrar rekrytering till både
                offentlig och privat sektor, och äldre som vill flytta till en mindre lägenhet i
                tätorten hittar ingen, vilket gör att villor inte frigörs för barnfamiljer. Flera
                regioner har tillsammans med kommunala bostadsbolag prövat hyresgarantier, kommunala
                kreditgarantier och gemensam upphandling av små flerbostadshus.

                Tillgången till service – dagligvarubutik, apotek, drivmedel, kontanter och
                vårdcentral – avgör om en ort fungerar att bo i. Genom de regionala
                serviceprogrammen fördelar regionerna stöd till servicepunkter och till hemsändning
                av dagligvaror. Erfarenheten är att en butik som också är ombud för apotek och paket
                oftare klarar sig än en som bara säljer livsmedel.

                ## Frågor till tjänstepersonsforum
                Vilka hinder för bostadsbyggande på svaga marknader kan regionerna själva påverka,
                och vilka kräver statliga beslut?

                Hur kan de regionala serviceprogrammen samordnas bättre med kommunernas
                översiktsplanering?

                Vilka exempel från regionerna bör lyftas till politikerforum?
            """),
        },
        "presentation": {
            "title": "Presentation: välfärd och service i hela landet",
            "description": (
                "Bilder till politikerforums temadiskussion om likvärdiga möjligheter till "
                "boende, arbete och välfärd."
            ),
            "slides": _slides("""
                ## Likvärdiga möjligheter i hela landet
                - Temadiskussion i politikerforum

                ## Utgångspunkter i strategin
                - Människor ska kunna bo, arbeta och ta del av välfärd i hela landet
                - Skillnader mellan stad och land får inte bli hinder för utveckling
                - Regionerna har det regionala utvecklingsansvaret, staten sätter ramarna

                ## Läget i regionerna
                - Bostadsbrist hindrar rekrytering i många mindre orter
                - Butiker och bensinstationer läggs ner när kundunderlaget minskar
                - Långa avstånd till vårdcentral, apotek och gymnasieskola

                ## Det regionerna gör
                - Regionala serviceprogram med stöd till servicepunkter
                - Samverkan med kommunala bostadsbolag om små flerbostadshus
                - Digitala vårdbesök och mobila vårdenheter som komplement

                ## Frågor till politikerforum
                - Vad behöver staten göra för bostadsbyggandet på svaga marknader?
                - Hur säkrar vi grundläggande service i glesa områden på sikt?
            """),
        },
        "report": {
            "title": "Rapport: grundläggande service i landsbygderna",
            "description": (
                "Sammanställning av regionernas serviceprogram och erfarenheterna av "
                "servicepunkter."
            ),
            "format": "txt",
            "sections": _prose("""
                Rapporten sammanfattar hur regionerna arbetar med tillgången till kommersiell och
                offentlig service i landsbygder och mindre orter. Den bygger på regionernas
                redovisningar av de regionala serviceprogrammen och på samtal i forumets
                tjänstepersonsforum.

                ## Resultat
                Samtliga regioner har ett regionalt serviceprogram. De flesta ger stöd till
                dagligvarubutiker som är den sista butiken på orten, och allt fler använder
                servicepunkter där butiken samtidigt är ombud för apotek, paket och kontantuttag.

                Hemsändning av dagligvaror har blivit vanligare, ofta i samarbete med kommunens
                hemtjänst eller den lokala kollektivtrafiken. Kostnaden per hushåll är hög, men för
                många äldre avgör insatsen om de kan bo kvar.

                ## Slutsatser
                Service i landsbygderna kräver samordning mellan stat, region och kommun. Kansliet
                föreslår att forumet följer upp frågan varje år och att goda exempel samlas i
                forumets kunskapsbank.
            """),
        },
        "government": (
            "Landsbygds- och infrastrukturdepartementet informerade om uppföljningen av strategin "
            "och om regeringens uppdrag till Tillväxtverket att analysera tillgången till "
            "kommersiell service i hela landet."
        ),
        "discussion": _paragraphs("""
            Forumet diskuterade bostadsbyggande på svaga bostadsmarknader. Flera regioner betonade
            att kommunala kreditgarantier och hyresgarantier har gett resultat, men att de inte
            räcker när produktionskostnaden är långt högre än marknadsvärdet.

            Deltagarna var eniga om att tillgången till service avgör om människor kan bo kvar och
            flytta till mindre orter, och att de regionala serviceprogrammen behöver samordnas med
            kommunernas planering.
        """),
        "example": (
            "{region} redovisade sitt arbete med servicepunkter, där den sista butiken på orten "
            "också är ombud för apotek och paket och får ett regionalt stöd för det."
        ),
    },
    "kompetensforsorjning-och-kompetensutveckling": {
        "background": {
            "title": "Underlag: kompetensförsörjning i regionerna",
            "description": (
                "Läget för kompetensförsörjningen i regionerna: arbetsmarknaden, "
                "yrkesutbildningen och regionernas kompetensplattformar."
            ),
            "sections": _prose("""
                ## Bakgrund
                Kompetensförsörjningen är en av de största utmaningarna för regionerna. Arbetsgivare
                i alla delar av landet har svårt att hitta personal med rätt utbildning, samtidigt
                som många arbetssökande saknar den kompetens som efterfrågas. Demografin förstärker
                problemet: i många län går fler i pension än det kommer unga ut på arbetsmarknaden.

                Regionerna har i uppdrag att samordna det regionala arbetet med kompetensförsörjning
                och utbildningsplanering genom regionala kompetensplattformar. Uppdraget
                förtydligades när regionerna fick ansvar för att ta fram regionala
                planeringsunderlag för yrkesutbildningen.

                ## Arbetsmarknaden i regionerna
                Bristen är störst inom vård och omsorg, utbildning, teknik och bygg. I norra Sverige
                har de stora industrisatsningarna snabbt ökat efterfrågan på arbetskraft, och
                regionerna där behöver både utbilda på plats och locka inflyttare. I
                storstadsregionerna är matchningen det stora problemet, snarare än antalet sökande.

                Arbetsmarknaden kommer de närmaste åren att fortsätta efterfråga gymnasial
                yrkesutbildning och eftergymnasial utbildning. Kompetensförsörjningen hänger därför
                nära samman med hur väl vuxenutbildningen och yrkeshögskolan är anpassade efter
                regionernas behov.

                ## Frågor till tjänstepersonsforum
                Hur kan regionernas planeringsunderlag få större genomslag i statens beslut om
                yrkeshögskola och högskoleutbildning?

                Hur kan regionerna och Arbetsförmedlingen samverka bättre om matchningen på
                arbetsmarknaden?

                Vilka insatser behövs för att kompetensförsörjningen ska fungera i hela landet, inte
                bara i de större städerna?
            """),
            # A second version, a few days later.
            "revision": {
                "note": "Kompletterad med regionernas synpunkter om validering.",
                "sections": _prose("""
                    ## Tillägg efter synpunkter från regionerna
                    Flera regioner har efterfrågat ett bättre system för validering av kunskaper som
                    människor har fått i arbetslivet eller i ett annat land. Validering gör
                    kompetensförsörjningen snabbare, eftersom den som redan kan ett yrke slipper gå
                    om en hel utbildning.

                    Kansliet föreslår därför en fjärde fråga: hur kan regionerna, lärosätena och
                    branscherna tillsammans bygga ut valideringen i hela landet?
                """),
            },
        },
        "presentation": {
            "title": "Presentation: kompetensförsörjning och livslångt lärande",
            "description": (
                "Bilder till politikerforums temadiskussion om kompetensförsörjning och "
                "kompetensutveckling."
            ),
            "slides": _slides("""
                ## Kompetensförsörjning i hela landet
                - Temadiskussion i politikerforum

                ## Läget på arbetsmarknaden
                - Brist på personal inom vård, skola, teknik och bygg
                - I många län går fler i pension än det kommer unga till arbetsmarknaden
                - Industrisatsningarna i norr ökar efterfrågan snabbt

                ## Regionernas uppdrag
                - Regionala kompetensplattformar med kommuner, lärosäten och arbetsgivare
                - Planeringsunderlag för yrkesutbildningen
                - Analyser av arbetsmarknadens behov på fem och tio års sikt

                ## Livslångt lärande
                - Vuxenutbildning och yrkeshögskola nära arbetsplatserna
                - Validering av kunskaper från arbetslivet
                - Lärcentrum gör utbildning möjlig på mindre orter

                ## Frågor till politikerforum
                - Hur får regionernas behov genomslag i statens utbildningsbeslut?
                - Vad kan staten och regionerna göra tillsammans för att locka inflyttare?
            """),
        },
        "report": {
            "title": "Rapport: regionernas kompetensplattformar 2021–2025",
            "description": (
                "Uppföljning av hur regionerna samordnar kompetensförsörjningen och planeringen "
                "av utbildning."
            ),
            "format": "odt",
            "sections": _prose("""
                Rapporten följer upp regionernas arbete med kompetensförsörjning under strategins
                första år. Den bygger på en enkät till samtliga regioner och på intervjuer med
                företrädare för kompetensplattformarna.

                ## Iakttagelser
                Alla regioner har en kompetensplattform där kommuner, lärosäten, Arbetsförmedlingen
                och arbetsgivare deltar. Plattformarna har blivit bättre på att analysera
                arbetsmarknaden, men analyserna används i varierande grad när utbildningsutbudet
                beslutas.

                Regioner med lärcentrum i flera kommuner når fler vuxna studerande utanför de
                största städerna. Där finns också fler exempel på utbildningar som startats
                tillsammans med lokala arbetsgivare.

                ## Rekommendationer
                Regionernas planeringsunderlag bör vara ett stöd när staten beslutar om platser i
                yrkeshögskolan. Forumet bör återkomma till valideringen och till hur
                kompetensförsörjningen kan stödjas i de regioner som tar emot stora
                industrietableringar.
            """),
        },
        "government": (
            "Näringsdepartementet och Arbetsförmedlingen informerade om läget på arbetsmarknaden "
            "och om regeringens satsningar på yrkesutbildning för vuxna."
        ),
        "discussion": _paragraphs("""
            Forumet diskuterade hur regionernas planeringsunderlag kan få större genomslag när
            staten beslutar om utbildningsplatser. Flera regioner framhöll att
            kompetensförsörjningen i hela landet kräver utbildning nära arbetsplatserna, till
            exempel genom lärcentrum och distansutbildning.

            Deltagarna lyfte också valideringen: den som redan har kunskaper från arbetslivet eller
            från ett annat land ska snabbare kunna få dem erkända och komma in på arbetsmarknaden.
        """),
        "example": (
            "{region} berättade om sitt samarbete med kommunerna och lärosätena om ett regionalt "
            "lärcentrum, där vuxna kan läsa yrkesutbildningar på distans med handledning på "
            "hemorten."
        ),
    },
    "innovation-fornyelse-entreprenorskap": {
        "background": {
            "title": "Underlag: smart specialisering och regionala innovationsmiljöer",
            "description": (
                "Hur regionerna använder strategier för smart specialisering för att stärka "
                "innovation och företagande."
            ),
            "sections": _prose("""
                ## Bakgrund
                Regionerna tar fram och genomför strategier för smart specialisering. Strategierna
                pekar ut de områden där regionen har särskilda styrkor – till exempel skogsindustri,
                life science, besöksnäring eller avancerad tillverkning – och samlar resurser från
                regionen, lärosätena, näringslivet och staten kring dem.

                Strategierna är också ett villkor för stöd ur Europeiska regionala utvecklingsfonden
                under programperioden 2021–2027, vilket har gjort arbetet mer strukturerat i alla
                regioner.

                ## Läget i regionerna
                Innovationsförmågan skiljer sig mycket mellan regionerna. Storstadsregionerna har
                starka lärosäten och många forskningsintensiva företag, medan mindre regioner ofta
                bygger sin förnyelse på ett fåtal större industriföretag och ett brett
                småföretagande.

                Flera regioner har byggt upp innovationsmiljöer och testbäddar tillsammans med
                industrin och lärosätena. En återkommande svårighet är att små företag saknar tid
                och resurser att delta, och att det företagsfrämjande systemet uppfattas som
                svåröverskådligt.

                ## Frågor till tjänstepersonsforum
                Hur kan staten och regionerna tillsammans göra det företagsfrämjande systemet
                enklare för småföretagen?

                Hur kan strategierna för smart specialisering kopplas tydligare till statliga
                satsningar på forskning och innovation?

                Vilka förutsättningar behöver företagen i landsbygderna för att växa?
            """),
        },
        "presentation": {
            "title": "Presentation: näringslivets omställning i hela landet",
            "description": (
                "Bilder till politikerforums temadiskussion om innovation, förnyelse och "
                "företagande."
            ),
            "slides": _slides("""
                ## Innovation och företagande i hela landet
                - Temadiskussion i politikerforum

                ## Utgångspunkter
                - Förnyelse och entreprenörskap ska vara möjligt i alla delar av landet
                - Regionerna leder arbetet med smart specialisering
                - EU:s regionalfond stödjer innovation i alla regioner

                ## Omställningen i industrin
                - Gröna industrisatsningar i norr skapar många nya jobb
                - Leverantörsföretag i hela landet behöver ställa om
                - Behoven av kompetens, bostäder och el växer snabbt

                ## Småföretagen
                - De allra flesta företag har färre än tio anställda
                - Kapital är svårare att få utanför storstäderna
                - Ett enklare företagsfrämjande system efterfrågas

                ## Frågor till politikerforum
                - Hur kan staten stödja regionernas arbete med smart specialisering?
                - Hur gör vi det lättare att starta och driva företag i hela landet?
            """),
        },
        "report": {
            "title": "Rapport: nyföretagande och växande företag i regionerna",
            "description": (
                "Nyföretagandet och de små och medelstora företagens tillväxt i regionerna de "
                "senaste fem åren."
            ),
            "format": "txt",
            "sections": _prose("""
                Rapporten beskriver nyföretagandet och tillväxten i små och medelstora företag i
                regionerna de senaste fem åren, utifrån offentlig statistik och regionernas egna
                uppföljningar.

                ## Resultat
                Nyföretagandet är störst i storstadsregionerna men har ökat mest i flera skogslän,
                där besöksnäringen och tjänster till industrin driver utvecklingen. Andelen företag
                som växer är ungefär lika stor i alla regioner; skillnaden ligger i hur många
                företag som finns.

                Företagare i landsbygderna nämner tillgången till kapital, bredband och kompetent
                personal som de största hindren för att växa.

                ## Slutsatser
                Regionernas arbete med entreprenörskap når flest när det sker tillsammans med
                kommunerna och de lokala företagarföreningarna. Forumet bör följa hur regionalfonden
                används för småföretagens innovation.
            """),
        },
        "government": (
            "Näringsdepartementet informerade om regeringens arbete med industrins omställning "
            "och om Vinnovas och Tillväxtverkets uppdrag att stödja regionala innovationsmiljöer."
        ),
        "discussion": _paragraphs("""
            Forumet diskuterade hur strategierna för smart specialisering kan kopplas tydligare till
            statliga satsningar på forskning och innovation. Flera regioner efterlyste längre
            programperioder och färre, större utlysningar.

            Deltagarna framhöll att småföretagen i hela landet behöver ett enklare företagsfrämjande
            system, med en väg in och rådgivning på orten.
        """),
        "example": (
            "{region} presenterade en testbädd för hållbar tillverkning som drivs tillsammans med "
            "ett lärosäte och ett tjugotal små och medelstora företag."
        ),
    },
    "tillganglighet": {
        "background": {
            "title": "Underlag: bredband, mobiltäckning och transporter i hela landet",
            "description": (
                "Läget för den digitala infrastrukturen och transportsystemet, och regionernas "
                "planering för tillgänglighet."
            ),
            "sections": _prose("""
                ## Bakgrund
                Tillgänglighet är en förutsättning för att människor och företag ska kunna verka i
                hela landet. Strategin lyfter både den digitala kommunikationen – bredband och
                mobiltäckning – och transportsystemet, där regionerna ansvarar för kollektivtrafiken
                och tar fram länsplaner för regional transportinfrastruktur.

                De flesta hushåll i tätorterna har i dag tillgång till fiber, men i glesa områden
                återstår många fastigheter där utbyggnaden inte är lönsam utan offentligt stöd.

                ## Läget i regionerna
                Regionerna rapporterar att mobiltäckningen längs vägar och järnvägar fortfarande har
                luckor, vilket påverkar både trafiksäkerheten och möjligheten att arbeta under
                resan.

                För transportsystemet är underhållet av det mindre vägnätet och järnvägen den
                största frågan. Flera regioner pekar på att pendlingsmöjligheterna avgör hur stora
                arbetsmarknadsregionerna blir, och därmed hur lätt det är att rekrytera.

                ## Frågor till tjänstepersonsforum
                Hur kan länsplanerna och den nationella planen för transportinfrastruktur samordnas
                bättre?

                Vad behövs för att de sista fastigheterna i glesa områden ska få bredband?

                Hur kan kollektivtrafiken över länsgränserna utvecklas?
            """),
        },
        "presentation": {
            "title": "Presentation: transportinfrastruktur och regional tillgänglighet",
            "description": (
                "Bilder till politikerforums temadiskussion om tillgänglighet genom digital "
                "kommunikation och transportsystem."
            ),
            "slides": _slides("""
                ## Tillgänglighet i hela landet
                - Temadiskussion i politikerforum

                ## Digital kommunikation
                - De flesta hushåll i tätort har fiber
                - Luckor i mobiltäckningen längs vägar och järnvägar
                - Glesa områden behöver fortsatt stöd till utbyggnaden

                ## Transportsystemet
                - Eftersatt underhåll av mindre vägar och järnvägar
                - Regionerna tar fram länsplaner för regional infrastruktur
                - Trafikverket ansvarar för den nationella planen

                ## Pendling och arbetsmarknad
                - Pendlingsmöjligheterna avgör arbetsmarknadsregionernas storlek
                - Kollektivtrafik över länsgränser är svår att samordna
                - Regionala tåg knyter ihop orterna

                ## Frågor till politikerforum
                - Hur säkrar vi underhållet av det mindre vägnätet?
                - Vad behöver staten göra för bredband till de sista fastigheterna?
            """),
        },
        "report": {
            "title": "Rapport: digital tillgänglighet i glesa områden",
            "description": "Läget för bredband och mobiltäckning i landets glesa områden.",
            "format": "odt",
            "sections": _prose("""
                Rapporten sammanställer läget för bredband och mobiltäckning i landets glesa
                områden, med utgångspunkt i Post- och telestyrelsens kartläggning och regionernas
                bredbandsstrategier.

                ## Resultat
                Utbyggnaden av fiber har gått snabbt i tätorterna och i många landsbygder där byalag
                och kommunala stadsnät har byggt ut. Kvar finns framför allt enstaka fastigheter
                långt från befintliga nät, där kostnaden per anslutning är mycket hög.

                Mobiltäckningen är god där människor bor, men sämre där de färdas och arbetar: längs
                vägar, på järnvägen, i skogen och på sjön. För de areella näringarna och för
                besöksnäringen är det ett påtagligt hinder.

                ## Slutsatser
                Regionerna bör fortsätta att samordna utbyggnaden med kommunerna och Post- och
                telestyrelsen. Forumet föreslås följa upp frågan när nästa kartläggning av
                mobiltäckningen publiceras.
            """),
        },
        "government": (
            "Landsbygds- och infrastrukturdepartementet informerade om arbetet med den nationella "
            "planen för transportinfrastruktur och om regeringens mål för bredband och "
            "mobiltäckning."
        ),
        "discussion": _paragraphs("""
            Forumet diskuterade samordningen mellan länsplanerna och den nationella planen. Flera
            regioner pekade på att underhållet av det mindre vägnätet och järnvägen är eftersatt,
            och att det påverkar både näringslivets transporter och pendlingsmöjligheterna.

            Deltagarna lyfte att bredband till de sista fastigheterna i glesa områden inte kommer
            att byggas utan fortsatt offentligt stöd, och att luckorna i mobiltäckningen längs vägar
            och järnvägar behöver åtgärdas.
        """),
        "example": (
            "{region} berättade om hur regionen och kommunerna tillsammans har byggt ut fiber "
            "till landsbygden genom byanät och ett kommunalt stadsnät."
        ),
    },
}

# A report from the previous strategy period, in the knowledge bank of both skills themes.
EARLIER_REPORT = {
    "title": "Slutrapport: kompetensplattformar i regionerna 2015–2020",
    "description": (
        "Vad regionernas kompetensplattformar åstadkom under den förra strategiperioden, och vad "
        "som återstår."
    ),
    "themes": ("kompetensforsorjning", "kompetensforsorjning-och-kompetensutveckling"),
    "at": datetime(2020, 11, 30, 9, 0, tzinfo=UTC),
    "sections": _prose("""
        Under strategiperioden 2015–2020 var kompetensförsörjning en av de fyra strategiska
        prioriteringarna. Slutrapporten sammanfattar vad regionernas kompetensplattformar åstadkom
        under perioden och vad som återstår.

        ## Vad som uppnåddes
        Samtliga län fick en fungerande kompetensplattform, och flera regioner tog fram branschvisa
        analyser av arbetsmarknadens behov på fem och tio års sikt. Samarbetet med yrkeshögskolan
        och vuxenutbildningen stärktes.

        ## Vad som återstår
        Analyserna behöver få större genomslag när utbildningar planeras, och kompetensförsörjningen
        behöver ses i ett längre perspektiv där bostäder, kommunikationer och arbetsmarknad hänger
        ihop. Frågorna förs vidare till strategin för 2021–2030.
    """),
}

STRATEGY_LINK = {
    "title": (
        "Nationell strategi för hållbar regional utveckling i hela landet 2021–2030 "
        "(skr. 2020/21:133)"
    ),
    "description": (
        "Regeringens skrivelse till riksdagen med strategins fyra strategiska områden, på "
        "riksdagen.se."
    ),
    "url": (
        "https://www.riksdagen.se/sv/dokument-och-lagar/dokument/skrivelse/"
        "nationell-strategi-for-hallbar-regional_H803133/"
    ),
}

# A slide added to a presentation in its second version, whatever the theme.
PRESENTATION_REVISION = {
    "note": "Kompletterad med synpunkter från tjänstepersonsforum.",
    "slide": ("Synpunkter från tjänstepersonsforum", [
        "Tjänstepersonsforum har förberett temadiskussionen",
        "Regionerna efterfrågar tydligare samordning mellan stat och region",
        "Goda exempel samlas i forumets kunskapsbank",
    ]),
}

# Zip entries carry a time; a fixed one makes the same document the same bytes (and so one
# stored file) on every load.
ZIP_TIME = (2026, 1, 1, 0, 0, 0)


def _stable_zip(data: bytes) -> bytes:
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():  # in order: an ODF file's mimetype stays first
            entry = zipfile.ZipInfo(info.filename, ZIP_TIME)
            entry.compress_type = info.compress_type
            entry.external_attr = info.external_attr
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def _docx(title: str, sections: list[Section]) -> bytes:
    import docx

    document = docx.Document()
    properties = document.core_properties
    properties.title, properties.author = title, SECRETARIAT_SIGNATURE
    properties.last_modified_by = SECRETARIAT_SIGNATURE
    properties.created = properties.modified = datetime(2026, 1, 1)
    properties.language = "sv-SE"
    document.add_heading(title, level=1)
    for heading, paragraphs in sections:
        if heading:
            document.add_heading(heading, level=2)
        for paragraph in paragraphs:
            document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return _stable_zip(out.getvalue())


def _pptx(title: str, slides: list[Slide]) -> bytes:
    from pptx import Presentation

    deck = Presentation()
    properties = deck.core_properties
    properties.title, properties.author = title, SECRETARIAT_SIGNATURE
    properties.last_modified_by = SECRETARIAT_SIGNATURE
    properties.created = properties.modified = datetime(2026, 1, 1)
    properties.language = "sv-SE"
    for number, (heading, points) in enumerate(slides):
        if number == 0:
            slide = deck.slides.add_slide(deck.slide_layouts[0])  # title slide
            slide.shapes.title.text = heading
            slide.placeholders[1].text = "\n".join(points + ["Forum för hållbar regional utveckling"])
            continue
        slide = deck.slides.add_slide(deck.slide_layouts[1])  # title and content
        slide.shapes.title.text = heading
        body = slide.placeholders[1].text_frame
        body.text = points[0]
        for point in points[1:]:
            body.add_paragraph().text = point
    out = io.BytesIO()
    deck.save(out)
    return _stable_zip(out.getvalue())


def _odt(title: str, sections: list[Section]) -> bytes:
    from odf import dc, meta
    from odf.opendocument import OpenDocumentText
    from odf.style import ParagraphProperties, Style, TextProperties
    from odf.text import H, P

    document = OpenDocumentText()
    document.meta.addElement(dc.Title(text=title))
    document.meta.addElement(meta.InitialCreator(text=SECRETARIAT_SIGNATURE))
    document.meta.addElement(dc.Language(text="sv-SE"))
    headings = {}
    for level, size in ((1, "18pt"), (2, "14pt")):
        style = Style(name=f"Heading {level}", family="paragraph", defaultoutlinelevel=level)
        style.addElement(TextProperties(fontsize=size, fontweight="bold"))
        style.addElement(ParagraphProperties(margintop="0.4cm", marginbottom="0.2cm"))
        document.styles.addElement(style)
        headings[level] = style
    body = Style(name="Text body", family="paragraph")
    body.addElement(ParagraphProperties(marginbottom="0.25cm"))
    document.styles.addElement(body)
    document.text.addElement(H(outlinelevel=1, stylename=headings[1], text=title))
    for heading, paragraphs in sections:
        if heading:
            document.text.addElement(H(outlinelevel=2, stylename=headings[2], text=heading))
        for paragraph in paragraphs:
            document.text.addElement(P(stylename=body, text=paragraph))
    out = io.BytesIO()
    document.write(out)
    return _stable_zip(out.getvalue())


def _txt(title: str, sections: list[Section]) -> bytes:
    lines = [title, "=" * len(title), ""]
    for heading, paragraphs in sections:
        if heading:
            lines += [heading, "-" * len(heading), ""]
        for paragraph in paragraphs:
            lines += [paragraph, ""]
    return "\n".join(lines).encode("utf-8")


# How each kind of file is made: (title, sections or slides) -> bytes.
FORMATS = {"docx": _docx, "pptx": _pptx, "odt": _odt, "txt": _txt}


def _swedish_day(moment: datetime) -> str:
    local = moment.astimezone(STOCKHOLM)
    return f"{local.day} {MONTHS[local.month - 1]} {local.year}"


def _file(title: str, file_format: str, content: list):
    """An upload as the form would receive it, named as a person would name the file: the
    title's words, without punctuation."""
    from werkzeug.datastructures import FileStorage

    name = "-".join(re.sub(r"[^\w–-]+", " ", title).split())[:120] + "." + file_format
    return FileStorage(stream=io.BytesIO(FORMATS[file_format](title, content)), filename=name)


class _Material:
    """Uploads the demo's documents through the material service, as the secretariat's
    demo account, with dates that make a plausible history."""

    def __init__(self, session: Session, by):
        self.session = session
        self.by = by
        self.now = utcnow()
        # Named after their tables, as the rest of `forum demo`'s summary.
        self.added = {"documents": 0, "distributions": 0}

    def at(self, moment: datetime) -> datetime:
        # Backdated to make a plausible history, never into the future.
        return min(moment, self.now - timedelta(minutes=5))

    def upload(self, *, title: str, kind, visibility, file_format: str, content: list,
               description: str = "", meeting=None, themes=(), at: datetime):
        """A new document with its file made from content (see FORMATS)."""
        from forum.material import services

        document = services.create(
            self.session, by=self.by, title=title, description=description, kind=kind,
            visibility=visibility, meeting_id=meeting.id if meeting else None,
            theme_ids=[t.id for t in themes], upload=_file(title, file_format, content),
        )
        self.dated(document, at)
        self.added["documents"] += 1
        return document

    def link(self, *, title: str, url: str, description: str, kind, visibility, themes,
             at: datetime):
        from forum.material import services

        document = services.create(
            self.session, by=self.by, title=title, description=description, kind=kind,
            visibility=visibility, theme_ids=[t.id for t in themes], link_url=url)
        self.dated(document, at)
        self.added["documents"] += 1
        return document

    def revise(self, document, *, file_format: str, content: list, note: str,
               at: datetime) -> None:
        from forum.material import services

        version = services.add_version(
            self.session, document, by=self.by, note=note,
            upload=_file(document.title, file_format, content))
        version.uploaded_at = document.updated_at = self.at(at)
        self.session.flush()

    def dated(self, document, at: datetime) -> None:
        at = self.at(at)
        document.created_at = document.updated_at = at
        for version in document.versions:
            version.uploaded_at = at
        self.session.flush()

    def distribute(self, meeting, *, message: str, at: datetime) -> None:
        from sqlalchemy import delete, func

        from forum.mail_models import OutboxMessage
        from forum.material import distribution
        from forum.material.models import MaterialNotice

        if not distribution.pending(self.session, meeting):
            return
        queued_before = self.session.scalar(select(func.max(OutboxMessage.id))) or 0
        sent = distribution.distribute(self.session, meeting, by=self.by, message=message)
        # The demo's people are made up, but their addresses are at real organisations'
        # domains: the distribution is shown as made, and its e-mails never leave.
        self.session.execute(delete(OutboxMessage).where(
            OutboxMessage.id > queued_before, OutboxMessage.kind == "material_distributed"))
        self.session.execute(delete(MaterialNotice).where(
            MaterialNotice.distribution_id == sent.id))
        sent.distributed_at = self.at(at)
        self.session.flush()
        self.added["distributions"] += 1


def _notice(meeting, revised: bool = False) -> tuple[str, str, list[Section]]:
    """The kallelse och dagordning of a meeting: (title, description, sections)."""
    body, theme = meeting.body.name_sv, meeting.theme.name_sv
    start, end = meeting.start_at.astimezone(STOCKHOLM), meeting.end_at.astimezone(STOCKHOLM)
    day = _swedish_day(meeting.start_at)
    title = f"Kallelse och dagordning: {body} {day}"
    place = ", ".join(part for part in (meeting.venue, meeting.address) if part)
    agenda = [(item.title, item.presenter) for item in meeting.agenda]
    if revised:
        agenda.insert(max(len(agenda) - 1, 0),
                      ("Uppföljning av den nationella strategin", "Tillväxtverket"))
    sections: list[Section] = [
        (f"Kallelse till {body}", [
            "Forum för hållbar regional utveckling",
            (f"Ledamöterna i {body.lower()} kallas till möte {WEEKDAYS[start.weekday()]} "
             f"{day}, kl. {start:%H.%M}–{end:%H.%M}."),
            (f"Plats: {place or 'meddelas senare'}. Det går också att delta digitalt; länken "
             "finns på mötets sida i Forum för den som är inloggad."),
            (f"Mötets tema är ”{theme}” ur den nationella strategin för hållbar regional "
             "utveckling i hela landet 2021–2030."),
            ("Svara på kallelsen under Mina möten i Forum senast en vecka före mötet. Om du "
             "inte kan delta kan du anmäla en ersättare från din region."),
        ]),
        ("Dagordning", [
            f"{number}. {what}" + (f" ({who})" if who else "")
            for number, (what, who) in enumerate(agenda, start=1)
        ] + ["Välkomna!", SECRETARIAT_SIGNATURE]),
    ]
    if revised:
        sections.insert(1, (None, [
            ("Reviderad dagordning: en punkt om uppföljningen av den nationella strategin har "
             "lagts till.")]))
    description = f"Kallelse till {body}s möte den {day} på temat ”{theme}”, med dagordning."
    return title, description, sections


def _minutes(meeting, content: dict) -> tuple[str, str, list[Section]]:
    """The minnesanteckningar of a meeting held."""
    body, theme = meeting.body.name_sv, meeting.theme.name_sv
    start = meeting.start_at.astimezone(STOCKHOLM)
    day = _swedish_day(meeting.start_at)
    host = meeting.host_region.name if meeting.host_region else "Värdregionen"
    title = f"Minnesanteckningar: {body} {day}"
    sections: list[Section] = [
        (None, [f"{body}, {WEEKDAYS[start.weekday()]} {day}, {meeting.venue or 'digitalt'}.",
                f"Tema: {theme}."]),
        ("1. Inledning och dagordning", [
            "Kansliet hälsade ledamöterna och gästerna välkomna. Dagordningen fastställdes."]),
        ("2. Aktuellt från regeringen", [content["government"]]),
        ("3. Temadiskussion", content["discussion"]),
        ("4. Regionernas erfarenheter", [content["example"].format(region=host)]),
        ("5. Avslutning och nästa möte", [
            (f"Ordföranden tackade {host} för värdskapet och deltagarna för en givande "
             "diskussion. Kansliet sammanställer regionernas exempel till forumets kunskapsbank "
             "och återkommer med kallelse till nästa möte."),
            f"Vid anteckningarna: {SECRETARIAT_SIGNATURE}",
        ]),
    ]
    description = f"Minnesanteckningar från {body}s möte den {day} på temat ”{theme}”."
    return title, description, sections


def _questions(meeting, content: dict) -> tuple[str, str, list[Section]]:
    """The underlag for an upcoming meeting's theme discussion."""
    theme = meeting.theme.name_sv
    title = f"Underlag inför temadiskussionen: {theme}"
    questions = content["background"]["sections"][-1][1]
    sections: list[Section] = [
        (None, [
            (f"Inför mötets temadiskussion om ”{theme}” ber kansliet ledamöterna att fundera "
             "på frågorna nedan och gärna stämma av dem i sin region. Svaren samlas in vid "
             "mötet och sammanställs i forumets kunskapsbank."),
        ]),
        ("Frågor", questions),
        ("Tidigare material", [
            ("Underlag, presentationer och minnesanteckningar från tidigare möten om temat "
             "finns i forumets kunskapsbank under temats namn."),
        ]),
    ]
    description = f"Frågor till temadiskussionen om ”{theme}”, för ledamöternas förberedelse."
    return title, description, sections


def _planning(meeting) -> tuple[str, str, list[Section]]:
    """The secretariat's own notes for a meeting."""
    body, day = meeting.body.name_sv, _swedish_day(meeting.start_at)
    title = f"Kansliets planering inför {body} {day}"
    sections: list[Section] = [
        ("Före mötet", [
            "- Bekräfta talarna från Regeringskansliet senast tre veckor före mötet.",
            ("- Boka lokal och lunch hos värdregionen; kontrollera hörslinga och tekniken för "
             "digitalt deltagande."),
            "- Skicka ut kallelse, dagordning och underlag senast på utskicksdagen.",
            "- Påminn de ledamöter som inte har svarat på kallelsen.",
        ]),
        ("Efter mötet", [
            "- Skriv minnesanteckningar och publicera dem inom två veckor.",
            "- Lägg presentationerna i kunskapsbanken.",
        ]),
    ]
    return title, "Kansliets arbetsanteckningar: talare, lokal och utskick.", sections


def _material(session: Session, by) -> dict[str, int]:
    """The demo's documents (see the comment above THEME_MATERIAL), once: a forum that has
    any document is left as it is, like one that has meetings."""
    from forum.material import services
    from forum.material.distribution import WARN_WITHIN, meeting_deadline
    from forum.material.models import Document, DocumentKind, Visibility
    from forum.meetings.models import Meeting, MeetingStatus
    from forum.strategy.models import StrategyPeriod, Theme

    if session.scalar(select(Document.id).limit(1)) is not None:
        return {}
    public, participants, secretariat = (
        Visibility.PUBLIC, Visibility.PARTICIPANTS, Visibility.SECRETARIAT)
    make = _Material(session, by)
    day = timedelta(days=1)
    themes = {t.slug: t for t in session.scalars(select(Theme))}
    period = session.scalar(select(StrategyPeriod).where(
        StrategyPeriod.start_date <= today(), StrategyPeriod.end_date >= today()))
    meetings = [m for m in session.scalars(select(Meeting).order_by(Meeting.start_at))
                if not m.is_cancelled and m.theme and m.theme.slug in THEME_MATERIAL]
    held = [m for m in meetings if m.status is MeetingStatus.HELD]
    upcoming = [m for m in meetings if m.start_at >= make.now]

    def last_held(body_slug: str):
        return next((m for m in reversed(held) if m.body.slug == body_slug), None)

    # The last meeting each body held had its material distributed before the meeting; the
    # politicians' also had its minutes and a new version of its presentation after it.
    politicians, officials = last_held("politikerforum"), last_held("tjanstepersonsforum")
    for meeting in held:
        content = THEME_MATERIAL[meeting.theme.slug]
        start = meeting.start_at
        title, description, sections = _notice(meeting)
        make.upload(title=title, description=description, kind=DocumentKind.NOTICE,
                    visibility=public, meeting=meeting, file_format="odt", content=sections,
                    at=start - 21 * day)
        presentation = None
        if meeting.body.slug == "tjanstepersonsforum":
            spec = content["background"]
            background = make.upload(
                title=spec["title"], description=spec["description"],
                kind=DocumentKind.BACKGROUND, visibility=participants, meeting=meeting,
                file_format="docx", content=spec["sections"], at=start - 16 * day)
            if "revision" in spec:
                revision = spec["revision"]
                make.revise(background, note=revision["note"], file_format="docx",
                            content=spec["sections"][:-1] + revision["sections"]
                            + spec["sections"][-1:], at=start - 11 * day)
        else:
            spec = content["presentation"]
            presentation = make.upload(
                title=spec["title"], description=spec["description"],
                kind=DocumentKind.PRESENTATION, visibility=participants, meeting=meeting,
                file_format="pptx", content=spec["slides"], at=start - 14 * day)
        if meeting is politicians:
            # A draft uploaded by mistake and withdrawn the next day.
            draft = make.upload(
                title=f"{spec['title']} (utkast)", kind=DocumentKind.PRESENTATION,
                visibility=participants, meeting=meeting, file_format="pptx",
                content=spec["slides"][:2], at=start - 15 * day)
            services.withdraw(session, draft, reason=(
                "Fel fil: ett tidigt utkast laddades upp. Den färdiga presentationen finns "
                "bland mötets material."))
            draft.withdrawn_at = draft.updated_at = make.at(start - 14 * day)
        if meeting in (politicians, officials):
            make.distribute(meeting, at=start - 10 * day, message=(
                "Här kommer kallelsen och underlaget till mötet. Välkomna!"))
        if meeting is politicians:
            slides = spec["slides"]
            make.revise(presentation, note=PRESENTATION_REVISION["note"], file_format="pptx",
                        content=slides[:-1] + [PRESENTATION_REVISION["slide"]] + slides[-1:],
                        at=start - 3 * day)
        title, description, sections = _minutes(meeting, content)
        make.upload(title=title, description=description, kind=DocumentKind.MINUTES,
                    visibility=public, meeting=meeting, file_format="docx", content=sections,
                    at=start + 7 * day)
        if meeting is politicians:
            make.distribute(meeting, at=start + 8 * day, message=(
                "Minnesanteckningarna från mötet och den kompletterade presentationen."))

    # The next meeting, and the politicians' next one: material uploaded, not yet sent.
    next_meetings = upcoming[:1] + [
        m for m in upcoming[1:] if m.body.slug == "politikerforum"][:1]
    for number, meeting in enumerate(next_meetings):
        content = THEME_MATERIAL[meeting.theme.slug]
        title, description, sections = _notice(meeting)
        notice = make.upload(title=title, description=description, kind=DocumentKind.NOTICE,
                             visibility=public, meeting=meeting, file_format="odt",
                             content=sections, at=make.now - 6 * day)
        title, description, sections = _questions(meeting, content)
        make.upload(title=title, description=description, kind=DocumentKind.BACKGROUND,
                    visibility=participants, meeting=meeting, file_format="docx",
                    content=sections, at=make.now - 4 * day)
        if number == 0:
            title, description, sections = _planning(meeting)
            make.upload(title=title, description=description, kind=DocumentKind.OTHER,
                        visibility=secretariat, meeting=meeting, file_format="txt",
                        content=sections, at=make.now - 3 * day)
            make.revise(notice, note="Reviderad dagordning.", file_format="odt",
                        content=_notice(meeting, revised=True)[2], at=make.now - 1 * day)
            # Due within days, so that the secretariat's dashboard shows it.
            if meeting.material_deadline is None and (
                    meeting_deadline(session, meeting) > today() + WARN_WITHIN):
                meeting.material_deadline = min(
                    today() + 5 * day, meeting.start_at.astimezone(STOCKHOLM).date() - day)

    # The knowledge bank: a report per theme, the strategy itself, an earlier period's report.
    for slug, content in THEME_MATERIAL.items():
        spec = content["report"]
        theme_held = [m for m in held if m.theme.slug == slug]
        make.upload(
            title=spec["title"], description=spec["description"], kind=DocumentKind.REPORT,
            visibility=public, themes=[themes[slug]], file_format=spec["format"],
            content=spec["sections"],
            at=theme_held[-1].start_at + 20 * day if theme_held else make.now - 30 * day)
    if period is not None:
        make.link(title=STRATEGY_LINK["title"], url=STRATEGY_LINK["url"],
                  description=STRATEGY_LINK["description"], kind=DocumentKind.OTHER,
                  visibility=public, themes=list(period.themes), at=make.now - 60 * day)
    spec = EARLIER_REPORT
    if all(slug in themes for slug in spec["themes"]):
        make.upload(title=spec["title"], description=spec["description"],
                    kind=DocumentKind.REPORT, visibility=public,
                    themes=[themes[slug] for slug in spec["themes"]], file_format="odt",
                    content=spec["sections"], at=spec["at"])
    session.flush()
    return make.added
