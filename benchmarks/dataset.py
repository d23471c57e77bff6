"""A realistic forum for the benchmarks, generated into an empty database: the schema and
reference data through the app's own code (as `forum init` does), then the roster, years of
meetings with agendas and guests, and a member with a personal calendar address, in bulk.

Deterministic (a seeded generator) but for the meetings' statuses, which follow today's
date as in a real forum: the past is held, this year confirmed, next year planned.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Engine, inspect, select
from sqlalchemy.orm import Session

from forum import migrate, reference
from forum.accounts.models import Account
from forum.accounts.passwords import hash_password
from forum.calendars import feeds
from forum.meetings.models import AgendaItem, Meeting, MeetingGuest, MeetingStatus
from forum.roster.models import Body, Nomination, Organisation, OrganisationKind, Person, Region
from forum.strategy.models import StrategyPeriod
from forum.timeutil import STOCKHOLM, utcnow

POLITICIANS = "politikerforum"
OFFICIALS = "tjanstepersonsforum"
MEETINGS_PER_YEAR = 8
# The months a year's eight meetings fall in (none in summer or over Christmas).
MONTHS = (2, 3, 4, 5, 9, 10, 11, 12)
# Regional terms of office start the January after an election; this one is running.
CURRENT_TERM = date(2023, 1, 1)
TERM_YEARS = 4
# The member whose personal feed is measured holds this seat for every term.
MEMBER_SEAT = ("12", POLITICIANS, "majoritet")
MEMBER_GUEST_OF = 12  # officials' meetings the member is invited to as a guest

GIVEN = ["Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Eva", "Anders", "Sara", "Per",
         "Kristina", "Mikael", "Lena", "Fredrik", "Emma", "Jonas", "Ingrid", "Henrik", "Malin",
         "Magnus", "Sofia", "Patrik", "Helena", "Daniel", "Åsa", "Björn", "Elin", "Gustav"]
FAMILY = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
          "Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Lindberg",
          "Lindström", "Lindqvist", "Berg", "Bergström", "Lundberg", "Sjöberg", "Öberg"]
PARTIES = ["S", "M", "C", "KD", "L", "SD", "V", "MP"]
# Meetings before the strategies in the reference data took up topics of their own.
EARLIER_TOPICS = ["Regional tillväxt", "Infrastruktur och transporter", "Kompetensförsörjning",
                  "Landsbygdens utveckling", "EU:s sammanhållningspolitik",
                  "Innovation i hela landet", "Digitalisering", "Klimat och energi"]
AGENDA = [("Inledning och dagordning", time(10, 0)),
          ("Aktuellt från regeringen", time(10, 15)),
          ("Temadiskussion", time(11, 0)),
          ("Regionernas erfarenheter", time(12, 30)),
          ("Avslutning och nästa möte", time(13, 45))]
GUESTS = [("Tillväxtverket", "Kansliansvarig"), ("Tillväxtverket", "Analytiker"),
          ("Näringsdepartementet", "Kansliråd"), ("Trafikverket", "Planeringsdirektör")]


@dataclass(frozen=True)
class Forum:
    """What the scenarios need to know about the generated forum."""

    body_slug: str
    body_meetings: int
    meeting_id: int
    member_name: str
    member_meetings: int
    personal_token: str


class NotEmpty(Exception):
    pass


def refuse_unless_empty(engine: Engine) -> None:
    tables = inspect(engine).get_table_names()
    if tables:
        raise NotEmpty(
            f"{engine.url.render_as_string()} is not empty ({len(tables)} tables, e.g. "
            f"{', '.join(sorted(tables)[:3])}); the benchmark only fills an empty database. "
            f"Make a new one, e.g. `dropdb {engine.url.database} && createdb "
            f"{engine.url.database}`."
        )


def build(engine: Engine, session: Session, meetings: int = 200) -> Forum:
    """Schema and reference data as `forum init` makes them, then the forum in bulk."""
    refuse_unless_empty(engine)
    migrate.upgrade(engine)
    reference.load(session)
    session.commit()
    generator = _Generator(session, random.Random(2026))
    forum = generator.run(meetings)
    session.commit()
    return forum


def _at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=STOCKHOLM).astimezone(UTC)


class _Generator:
    def __init__(self, session: Session, rng: random.Random):
        self.session = session
        self.rng = rng
        self.regions = {r.code: r for r in session.scalars(select(Region))}
        self.bodies = {b.slug: b for b in session.scalars(select(Body))}
        self.organisations = {o.region_id: o for o in session.scalars(
            select(Organisation).where(Organisation.kind == OrganisationKind.REGION))}
        self.emails: set[str] = set()

    def run(self, meetings: int) -> Forum:
        today = utcnow().astimezone(STOCKHOLM).date()
        years = -(-meetings // MEETINGS_PER_YEAR)
        last_year = today.year + 1  # the planner has planned next year
        first_year = last_year - years + 1
        member = self.roster(date(first_year, 1, 1))
        politicians = self.meetings(POLITICIANS, first_year, meetings, today)
        officials = self.meetings(OFFICIALS, first_year, meetings, today, prepares=politicians)
        self.guests(politicians, officials, member)
        token = self.account(member)
        held = [m for m in politicians if m.status is MeetingStatus.HELD]
        return Forum(
            body_slug=POLITICIANS,
            body_meetings=len(politicians),
            meeting_id=held[-1].id,
            member_name=member.name,
            member_meetings=len(politicians) + MEMBER_GUEST_OF,
            personal_token=token,
        )

    # --- the roster -------------------------------------------------------------------

    def person(self, organisation: Organisation | None, title: str) -> Person:
        given, family = self.rng.choice(GIVEN), self.rng.choice(FAMILY)
        base = f"{given}.{family}".lower().translate(str.maketrans("åäö", "aao"))
        domain = (organisation.name if organisation else "forum").lower().replace(" ", "")
        domain = domain.translate(str.maketrans("åäö", "aao")) + ".se"
        email, n = f"{base}@{domain}", 1
        while email in self.emails:
            n += 1
            email = f"{base}{n}@{domain}"
        self.emails.add(email)
        return Person(given_name=given, family_name=family, title=title,
                      organisation=organisation, email=email,
                      phone=f"0{self.rng.randint(10, 99)}-{self.rng.randint(100000, 999999)}")

    def terms(self, first_day: date) -> list[tuple[date, date | None]]:
        starts = [CURRENT_TERM]
        while starts[0] > first_day:
            starts.insert(0, starts[0].replace(year=starts[0].year - TERM_YEARS))
        return [(start, start.replace(year=start.year + TERM_YEARS) - timedelta(days=1))
                for start in starts[:-1]] + [(starts[-1], None)]

    def roster(self, first_day: date) -> Person:
        """Every region's nominations to every seat of both bodies, term by term: some
        holders stay for another term, some are replaced during one. One member holds the
        same seat throughout."""
        people: list[Person] = []
        nominations: list[Nomination] = []
        member: Person | None = None
        for code, region in sorted(self.regions.items()):
            organisation = self.organisations[region.id]
            for body in self.bodies.values():
                for seat in body.seats:
                    political = seat.is_political
                    title = ("Regionråd" if seat.slug == "majoritet" else "Oppositionsråd"
                             ) if political else "Regional utvecklingsdirektör"
                    holder = None
                    for start, end in self.terms(first_day):
                        keep = (code, body.slug, seat.slug) == MEMBER_SEAT
                        if holder is None or not (keep or self.rng.random() < 0.3):
                            holder = self.person(organisation, title)
                            people.append(holder)
                        if keep:
                            member = holder
                        party = self.rng.choice(PARTIES) if political else ""
                        stretches = [(start, end, holder)]
                        if not keep and self.rng.random() < 0.15:
                            # Replaced during the term: the old holder's last day is the day
                            # before the successor's first.
                            change = start + timedelta(days=self.rng.randint(200, 1200))
                            successor = self.person(organisation, title)
                            people.append(successor)
                            stretches = [(start, change - timedelta(days=1), holder),
                                         (change, end, successor)]
                            holder = successor
                        for first, last, who in stretches:
                            nominations.append(Nomination(
                                person=who, body_id=body.id, seat_id=seat.id,
                                region_id=region.id, slot=1, party=party, start_date=first,
                                end_date=last, nominated_by_id=organisation.id))
        self.session.add_all(people)
        self.session.flush()
        self.session.add_all(nominations)
        self.session.flush()
        assert member is not None
        return member

    # --- meetings ---------------------------------------------------------------------

    def meetings(self, body_slug: str, first_year: int, count: int, today: date,
                 prepares: list[Meeting] | None = None) -> list[Meeting]:
        """`count` meetings, eight a year from `first_year`, the officials' two weeks
        before the politicians' meeting each prepares, with five agenda items each."""
        body = self.bodies[body_slug]
        periods = list(self.session.scalars(select(StrategyPeriod)))
        regions = list(self.regions.values())
        now = utcnow()
        made: list[Meeting] = []
        for index in range(count):
            year, month = first_year + index // MEETINGS_PER_YEAR, MONTHS[index % 8]
            if prepares is not None:
                day = prepares[index].start_at.astimezone(STOCKHOLM).date() - timedelta(days=14)
            else:
                day = date(year, month, self.rng.randint(1, 26))
            while day.isoweekday() not in (2, 3, 4):  # Tuesday to Thursday
                day += timedelta(days=1)
            period = next((p for p in periods if p.covers(day)), None)
            theme = period.themes[index % len(period.themes)] if period else None
            topic = theme.name_sv if theme else EARLIER_TOPICS[index % len(EARLIER_TOPICS)]
            host = self.rng.choice(regions)
            start, end = _at(day, time(10, 0)), _at(day, time(14, 0))
            # Made some weeks ahead, and never after today (next year's are planned now).
            created = min(start - timedelta(days=self.rng.randint(40, 120)),
                          now - timedelta(days=self.rng.randint(1, 30)))
            revision = self.rng.choice((0, 0, 0, 0, 1, 1, 2))
            updated = min(created + timedelta(days=10 * revision + 1), now)
            if end <= now:
                status = MeetingStatus.HELD
                updated = min(end + timedelta(days=1), now)
            elif day.year == today.year:
                status = MeetingStatus.CONFIRMED
            else:
                status = MeetingStatus.PLANNED
            cancel_reason = ""
            if self.rng.random() < 0.03:
                status, cancel_reason = MeetingStatus.CANCELLED, "För få anmälda deltagare."
                revision += 1
            made.append(Meeting(
                uid=str(uuid.UUID(int=self.rng.getrandbits(128), version=4)),
                body_id=body.id, theme_id=theme.id if theme else None,
                title=f"{body.name_sv}: {topic}", start_at=start, end_at=end,
                venue=f"{host.name}, regionens hus", address=f"Regionens hus, {host.county_name}",
                host_region_id=host.id,
                online_url=f"https://meet.example.se/forum-{body_slug[:4]}-{index:04d}",
                status=status,
                description=("Underlag skickas ut två veckor före mötet. "
                             "Anmäl ersättare till kansliet."),
                revision=revision, cancel_reason=cancel_reason,
                prepares_id=prepares[index].id if prepares is not None else None,
                created_at=created, updated_at=updated,
                agenda=[AgendaItem(position=n, title=title, starts_at=at,
                                   presenter="Kansliet" if n in (1, 5) else "")
                        for n, (title, at) in enumerate(AGENDA, start=1)],
            ))
        self.session.add_all(made)
        self.session.flush()
        return made

    def guests(self, politicians: list[Meeting], officials: list[Meeting],
               member: Person) -> None:
        """Agency and ministry people invited to every politicians' meeting; the member
        invited to some officials' meetings too."""
        agencies: dict[str, Organisation] = {}
        people = []
        for name, title in GUESTS:
            if name not in agencies:
                agencies[name] = Organisation(name=name, kind=OrganisationKind.AGENCY)
            people.append(self.person(agencies[name], title))
        self.session.add_all(people)
        self.session.flush()
        rows = [MeetingGuest(meeting_id=m.id, person_id=p.id, invited_at=m.created_at)
                for m in politicians for p in people]
        rows += [MeetingGuest(meeting_id=m.id, person_id=member.id, invited_at=m.created_at)
                 for m in self.rng.sample(officials, MEMBER_GUEST_OF)]
        self.session.add_all(rows)
        self.session.flush()

    def account(self, member: Person) -> str:
        account = Account(person_id=member.id, email=member.email,
                          password_hash=hash_password(uuid.uuid4().hex))
        self.session.add(account)
        self.session.flush()
        return feeds.issue_token(self.session, account)
