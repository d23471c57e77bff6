"""Reference data every install has: the 21 regions, the strategy periods and their themes,
the two bodies and their seats. Loading it is idempotent and never overwrites edits."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from forum.roster.models import Body, BodyKind, Organisation, OrganisationKind, Region, Seat, Side
from forum.strategy.models import StrategyPeriod, Theme

REGIONS = [
    ("01", "Region Stockholm", "Stockholms län"),
    ("03", "Region Uppsala", "Uppsala län"),
    ("04", "Region Sörmland", "Södermanlands län"),
    ("05", "Region Östergötland", "Östergötlands län"),
    ("06", "Region Jönköpings län", "Jönköpings län"),
    ("07", "Region Kronoberg", "Kronobergs län"),
    ("08", "Region Kalmar län", "Kalmar län"),
    ("09", "Region Gotland", "Gotlands län"),
    ("10", "Region Blekinge", "Blekinge län"),
    ("12", "Region Skåne", "Skåne län"),
    ("13", "Region Halland", "Hallands län"),
    ("14", "Västra Götalandsregionen", "Västra Götalands län"),
    ("17", "Region Värmland", "Värmlands län"),
    ("18", "Region Örebro län", "Örebro län"),
    ("19", "Region Västmanland", "Västmanlands län"),
    ("20", "Region Dalarna", "Dalarnas län"),
    ("21", "Region Gävleborg", "Gävleborgs län"),
    ("22", "Region Västernorrland", "Västernorrlands län"),
    ("23", "Region Jämtland Härjedalen", "Jämtlands län"),
    ("24", "Region Västerbotten", "Västerbottens län"),
    ("25", "Region Norrbotten", "Norrbottens län"),
]

REGION_NOTES = {
    "09": "Gotland är en kommun med regionalt utvecklingsansvar.",
}

PERIODS: list[dict[str, Any]] = [
    {
        "slug": "2015-2020",
        "name_sv": "Nationell strategi för hållbar regional tillväxt och attraktionskraft "
        "2015–2020",
        "name_en": "National strategy for sustainable regional growth and attractiveness "
        "2015–2020",
        "reference": "",
        "start_date": date(2015, 1, 1),
        "end_date": date(2020, 12, 31),
        "themes": [
            ("innovation-och-foretagande", "Innovation och företagande",
             "Innovation and entrepreneurship"),
            ("attraktiva-miljoer-och-tillganglighet", "Attraktiva miljöer och tillgänglighet",
             "Attractive environments and accessibility"),
            ("kompetensforsorjning", "Kompetensförsörjning", "Skills supply"),
            ("internationellt-samarbete", "Internationellt samarbete",
             "International cooperation"),
        ],
    },
    {
        "slug": "2021-2030",
        "name_sv": "Nationell strategi för hållbar regional utveckling i hela landet 2021–2030",
        "name_en": "National strategy for sustainable regional development throughout "
        "Sweden 2021–2030",
        "reference": "Skr. 2020/21:133",
        "start_date": date(2021, 1, 1),
        "end_date": date(2030, 12, 31),
        "themes": [
            ("likvardiga-mojligheter",
             "Likvärdiga möjligheter till boende, arbete och välfärd i hela landet",
             "Equal opportunities for housing, work and welfare throughout the country"),
            ("kompetensforsorjning-och-kompetensutveckling",
             "Kompetensförsörjning och kompetensutveckling i hela landet",
             "Skills supply and skills development throughout the country"),
            ("innovation-fornyelse-entreprenorskap",
             "Innovation och förnyelse samt entreprenörskap och företagande i hela landet",
             "Innovation and renewal, entrepreneurship and enterprise throughout the country"),
            ("tillganglighet",
             "Tillgänglighet i hela landet genom digital kommunikation och transportsystem",
             "Accessibility throughout the country through digital communication and "
             "transport systems"),
        ],
    },
]

BODIES: list[dict[str, Any]] = [
    {
        "slug": "politikerforum",
        "position": 1,
        "name_sv": "Politikerforum",
        "name_en": "Politicians' forum",
        "description_sv": "Regionernas förtroendevalda möter regeringen och berörda "
        "myndigheter. Varje region nominerar en politiker från majoriteten och en från "
        "oppositionen.",
        "description_en": "The regions' elected representatives meet the government and the "
        "agencies concerned. Each region nominates one politician from the majority and one "
        "from the opposition.",
        "seats": [
            ("majoritet", "Politiker (majoritet)", "Politician (majority)", Side.MAJORITY),
            ("opposition", "Politiker (opposition)", "Politician (opposition)",
             Side.OPPOSITION),
        ],
    },
    {
        "slug": "tjanstepersonsforum",
        "position": 2,
        "name_sv": "Tjänstepersonsforum",
        "name_en": "Officials' forum",
        "description_sv": "Regionernas regionala utvecklingsdirektörer förbereder frågorna "
        "som politikerforum sedan tar ställning till. Varje region nominerar en tjänsteperson.",
        "description_en": "The regions' regional development directors prepare the questions "
        "that the politicians' forum then decides on. Each region nominates one official.",
        "seats": [
            ("tjansteperson", "Tjänsteperson (regional utvecklingsdirektör)",
             "Official (regional development director)", Side.NONE),
        ],
    },
]


def load(session: Session) -> dict[str, int]:
    """Add whatever reference data is missing; return how many rows of each kind were added."""
    added = {
        "regions": 0, "organisations": 0, "periods": 0, "themes": 0, "bodies": 0, "seats": 0,
        "blackouts": 0,
    }

    regions = {r.code: r for r in session.scalars(select(Region))}
    for code, name, county in REGIONS:
        if code not in regions:
            regions[code] = Region(
                code=code, name=name, county_name=county, note=REGION_NOTES.get(code, "")
            )
            session.add(regions[code])
            added["regions"] += 1
    session.flush()

    organisation_names = set(session.scalars(select(Organisation.name)))
    for code, name, _county in REGIONS:
        if name not in organisation_names:
            session.add(
                Organisation(name=name, kind=OrganisationKind.REGION, region=regions[code])
            )
            added["organisations"] += 1

    periods = {p.slug: p for p in session.scalars(select(StrategyPeriod))}
    for spec in PERIODS:
        period = periods.get(spec["slug"])
        if period is None:
            fields = {k: v for k, v in spec.items() if k != "themes"}
            period = StrategyPeriod(**fields)
            session.add(period)
            added["periods"] += 1
        known = {t.slug for t in period.themes}
        for position, (slug, name_sv, name_en) in enumerate(spec["themes"], start=1):
            if slug not in known:
                period.themes.append(
                    Theme(position=position, slug=slug, name_sv=name_sv, name_en=name_en)
                )
                added["themes"] += 1

    bodies = {b.slug: b for b in session.scalars(select(Body))}
    for spec in BODIES:
        body = bodies.get(spec["slug"])
        if body is None:
            fields = {k: v for k, v in spec.items() if k != "seats"}
            body = Body(kind=BodyKind.FORUM, **fields)
            session.add(body)
            added["bodies"] += 1
        known = {s.slug for s in body.seats}
        for position, (slug, label_sv, label_en, side) in enumerate(spec["seats"], start=1):
            if slug not in known:
                body.seats.append(
                    Seat(
                        slug=slug,
                        position=position,
                        label_sv=label_sv,
                        label_en=label_en,
                        holders_per_region=1,
                        side=side,
                    )
                )
                added["seats"] += 1
    session.flush()

    from forum.meetings import planning

    added["blackouts"] = planning.ensure_default_blackouts(session)
    planning.settings(session)
    return added
