"""The demo's working groups and networks: members from regions, agencies and SKR, their
meetings, and the reports they have made to the forum. Loaded once, like the meetings."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from forum.bodies import services
from forum.roster import services as roster
from forum.roster.models import Body, BodyKind, Nomination, Organisation, Person, Region, Seat
from forum.strategy.models import Theme
from forum.timeutil import STOCKHOLM, today

# (kind, Swedish name, English name, Swedish description, English description, e-mail,
#  set up, closed, theme slugs, chair's region or organisation, members' regions,
#  members from agencies and associations)
GROUPS = [
    (
        BodyKind.WORKING_GROUP,
        "Arbetsgruppen för kompetensförsörjning",
        "Working group on skills supply",
        "Arbetsgruppen samlar regionernas kompetensplattformar, Arbetsförmedlingen och SKR "
        "för att ta fram underlag till forumets möten om kompetensförsörjning: "
        "regionala matchningsindikatorer, yrkesvux och validering.",
        "The working group brings together the regions' skills platforms, the Public "
        "Employment Service and SKR to prepare the forum's meetings on skills supply.",
        "kompetens@forum.example.se",
        date(2022, 2, 1), None,
        ("kompetensforsorjning-och-kompetensutveckling",),
        "17", ("01", "03", "12", "14", "22", "25"),
        ("Arbetsförmedlingen", "Sveriges Kommuner och Regioner", "Tillväxtverket"),
    ),
    (
        BodyKind.NETWORK,
        "Nätverket för internationellt samarbete och EU-frågor",
        "Network for international cooperation and EU affairs",
        "Regionernas EU- och internationella samordnare utbyter erfarenheter om "
        "EU-program, partnerskap med regioner i andra länder och Brysselkontorens arbete, "
        "och rapporterar till forumet inför dess möten om innovation och företagande.",
        "The regions' EU and international coordinators share experience of EU programmes, "
        "partnerships with regions abroad and the Brussels offices' work.",
        "internationellt@forum.example.se",
        date(2021, 9, 1), None,
        ("innovation-fornyelse-entreprenorskap",),
        "07", ("01", "05", "12", "13", "14", "18", "19", "24"),
        ("Tillväxtverket", "Näringsdepartementet"),
    ),
    (
        BodyKind.WORKING_GROUP,
        "Arbetsgruppen för tillgänglighet och digital infrastruktur",
        "Working group on accessibility and digital infrastructure",
        "Arbetsgruppen följer regionernas arbete med transportinfrastruktur, kollektivtrafik "
        "och bredband, tillsammans med Trafikverket och Post- och telestyrelsen.",
        "The working group follows the regions' work on transport infrastructure, public "
        "transport and broadband, with the Transport Administration and PTS.",
        "",
        date(2024, 3, 1), None,
        ("tillganglighet",),
        "25", ("20", "21", "23", "24"),
        ("Trafikverket", "Post- och telestyrelsen", "Boverket"),
    ),
    (
        BodyKind.NETWORK,
        "Nätverket för landsbygdsutveckling",
        "Network for rural development",
        "Nätverket samlade regionernas landsbygdsstrateger under strategiperioden "
        "2015–2020. Dess slutrapport finns i kunskapsbanken.",
        "The network gathered the regions' rural development strategists during the "
        "2015–2020 strategy period.",
        "",
        date(2016, 1, 15), date(2020, 12, 31),
        ("likvardiga-mojligheter",),
        "20", ("08", "10", "21", "22"),
        ("Tillväxtverket",),
    ),
]

ROLES = {
    "Arbetsförmedlingen": "Analytiker, regional samverkan",
    "Sveriges Kommuner och Regioner": "Handläggare, regional utveckling",
    "Tillväxtverket": "Handläggare, regional tillväxt",
    "Näringsdepartementet": "Kansliråd",
    "Trafikverket": "Samhällsplanerare",
    "Post- och telestyrelsen": "Handläggare, bredband",
    "Boverket": "Utredare",
}

REPORTS = {
    "Arbetsgruppen för kompetensförsörjning": (
        "Lägesrapport: regionala matchningsindikatorer 2026",
        "Arbetsgruppens rapport till forumet om hur regionerna mäter matchningen på "
        "arbetsmarknaden, med förslag på gemensamma indikatorer.",
        [("Bakgrund", ["Regionerna har sedan 2022 ett gemensamt uppdrag att analysera "
          "kompetensbehoven. Arbetsgruppen har jämfört hur de 21 regionerna mäter "
          "matchningen mellan utbildning och arbetsmarknad."]),
         ("Förslag", ["Arbetsgruppen föreslår tre gemensamma indikatorer: andel i arbete ett "
          "år efter yrkesutbildning, vakanstid per yrkesområde och pendlingsmönster mellan "
          "funktionella arbetsmarknadsregioner."])],
    ),
    "Nätverket för internationellt samarbete och EU-frågor": (
        "Regionernas internationella engagemang – sammanställning från nätverket",
        "Nätverkets sammanställning av regionernas partnerskap, EU-projekt och nätverk, "
        "till forumets möte om innovation och företagande.",
        [("Sammanfattning", ["I stort sett alla regioner arbetar internationellt. Flera har "
          "partnerskap med regioner i Kina, Tyskland och Polen, och alla deltar i "
          "EU-finansierade projekt inom Interreg eller Horisont Europa."]),
         ("Slutsatser", ["Nätverket ser ett behov av bättre samordning med de nationella "
          "aktörerna, till exempel Business Sweden, och av ett gemensamt register över "
          "regionernas samarbeten."])],
    ),
    "Nätverket för landsbygdsutveckling": (
        "Slutrapport från nätverket för landsbygdsutveckling 2016–2020",
        "Nätverkets erfarenheter av regionernas landsbygdsarbete under strategiperioden.",
        [("Erfarenheter", ["Nätverket har under fem år samlat regionernas landsbygdsstrateger "
          "två gånger per år. Service i glesbygd, bredband och lokal utveckling har varit "
          "återkommande frågor."])],
    ),
}


def seed(session: Session, gen, secretariat) -> dict[str, int]:
    """The demo's groups, once: a forum that already has a working group or network is
    left as it is."""
    if session.scalar(select(Body.id).where(Body.kind != BodyKind.FORUM).limit(1)):
        return {}
    from forum.demo import _Material
    from forum.material.models import DocumentKind, Visibility
    from forum.meetings import services as meetings
    from forum.meetings.models import Meeting, MeetingStatus

    # Named after the tables, as the rest of `forum demo`'s summary.
    added = {"bodies": 0, "seats": 0, "nominations": 0, "meetings": 0}
    regions = {r.code: r for r in session.scalars(select(Region))}
    organisations = {o.name: o for o in session.scalars(select(Organisation))}
    themes = {t.slug: t for t in session.scalars(select(Theme))}
    home = {code: organisations.get(region.name) for code, region in regions.items()}
    now = today()
    make = _Material(session, secretariat)
    # The demo member (Region Skåne's majority politician) also sits in the international
    # network, so that their calendar and "My meetings" show a group's meeting too.
    skane_member = session.scalar(
        select(Person).join(Nomination, Nomination.person_id == Person.id)
        .where(Nomination.region_id == regions["12"].id, Nomination.end_date.is_(None))
        .order_by(Nomination.start_date.desc(), Nomination.id)
    )
    forum_meetings = list(session.scalars(
        select(Meeting).join(Body).where(Body.slug == "politikerforum",
                                         Meeting.status == MeetingStatus.HELD)
        .order_by(Meeting.start_at)))

    for index, (kind, name_sv, name_en, about_sv, about_en, email, set_up, closed, slugs,
                chair_code, member_codes, agencies) in enumerate(GROUPS):
        body = services.create_group(
            session, kind=kind, name_sv=name_sv, name_en=name_en, description_sv=about_sv,
            description_en=about_en, email=email, established_on=set_up,
            themes=[themes[s] for s in slugs if s in themes],
        )
        if closed:
            services.update_body(session, body, closed_on=closed)
        added["bodies"] += 1
        added["seats"] += len(body.seats)
        chair_seat, member_seat = body.seats
        end = closed

        def member(person: Person, seat: Seat, region: Region | None, start: date,
                   end: date | None = end) -> None:
            session.flush()
            roster.nominate(session, person=person, seat=seat, region=region,
                            start_date=start, end_date=end)
            added["nominations"] += 1

        chair = gen.person(home[chair_code], "Regional utvecklingsstrateg")
        member(chair, chair_seat, regions[chair_code], set_up)
        for code in member_codes:
            if code == "12" and kind is BodyKind.NETWORK and skane_member and not closed:
                member(skane_member, member_seat, regions[code], set_up + timedelta(days=30))
                continue
            title = ("EU-samordnare" if kind is BodyKind.NETWORK else "Utvecklingsstrateg")
            member(gen.person(home[code], title), member_seat, regions[code], set_up)
        for name in agencies:
            member(gen.person(organisations[name], ROLES[name]), member_seat, None, set_up)

        # Two meetings a year: the last two held, and the next one for a group still at work.
        theme = body.themes[0] if body.themes else None
        dates = []
        if closed:
            dates = [(closed - timedelta(days=200), MeetingStatus.HELD),
                     (closed - timedelta(days=40), MeetingStatus.HELD)]
        else:
            dates = [(now - timedelta(days=170 + index * 9), MeetingStatus.HELD),
                     (now - timedelta(days=45 + index * 6), MeetingStatus.HELD),
                     (now + timedelta(days=10 + index * 4), MeetingStatus.CONFIRMED)]
        held = []
        for day, status in dates:
            while day.weekday() >= 5:
                day += timedelta(days=1)
            start = datetime.combine(day, time(9, 30), STOCKHOLM)
            meeting = meetings.create(
                session, body_id=body.id, theme_id=theme.id if theme else None,
                title=f"{name_sv}: möte {day.year}", start_at=start,
                end_at=start + timedelta(hours=3), venue="Digitalt möte",
                online_url="https://meet.example.se/" + body.slug,
                host_region_id=regions[chair_code].id,
                description="Avstämning av pågående arbete och förberedelse av rapport till forumet.",
            )
            meeting.status = status
            added["meetings"] += 1
            if status is MeetingStatus.HELD:
                held.append(meeting)
        session.flush()

        if name_sv in REPORTS:
            title, description, sections = REPORTS[name_sv]
            # Presented at the politicians' forum meeting after the group's last meeting.
            after = held[-1].start_at if held else None
            later = [m for m in forum_meetings if after and m.start_at > after]
            presented = next((m for m in later if m.theme_id == (theme.id if theme else None)),
                             later[0] if later else None)
            document = make.upload(
                title=title, description=description, kind=DocumentKind.REPORT,
                visibility=Visibility.PUBLIC, meeting=presented, file_format="docx",
                content=sections, themes=body.themes,
                at=(held[-1].start_at + timedelta(days=10)) if held else make.now,
            )
            if presented is None:
                document.body_id = body.id
            document.reported_by_id = body.id
            session.flush()
        # The group's own working paper, for its members only.
        if held and not closed:
            paper = make.upload(
                title=f"Arbetsplan {now.year} – {name_sv.lower()}",
                description="Gruppens arbetsplan och tidplan för året.",
                kind=DocumentKind.BACKGROUND, visibility=Visibility.PARTICIPANTS,
                meeting=held[-1], file_format="odt",
                content=[("Arbetsplan", ["Gruppen träffas två gånger per år och rapporterar "
                          "till forumet inför mötet på gruppens tema."])],
                at=held[-1].start_at - timedelta(days=14),
            )
            paper.body_id = body.id
    session.flush()
    added["documents"] = make.added["documents"]
    return added
