"""Demo entries for the cooperation register: Region Kronoberg's partnership with Suzhou
(seed 001), twin regions around the Baltic Sea, Interreg and Horizon projects, network
memberships (CPMR, ERRIN, AER, Eurocities, BSSSC), delegations and visits, a few internal
entries, and Region Skåne's contact with two proposals waiting and one returned.

Idempotent: an entry whose title is already in the register is left as it is.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from forum.accounts.models import Account
from forum.cooperation import services
from forum.cooperation.models import (
    Cooperation,
    CooperationArea,
    CooperationKind,
    CooperationStatus,
    CooperationVisibility,
    PartyKind,
)
from forum.cooperation.rules import PartyInput
from forum.roster.models import Region
from forum.strategy.models import StrategyPeriod, Theme
from forum.timeutil import today, utcnow

K = CooperationKind
P = PartyKind
INTERNAL = CooperationVisibility.INTERNAL

# Themes of the 2021–2030 strategy and of 2015–2020, by slug.
EQUAL = "likvardiga-mojligheter"
SKILLS = "kompetensforsorjning-och-kompetensutveckling"
INNOVATION = "innovation-fornyelse-entreprenorskap"
ACCESS = "tillganglighet"
OLD_INNOVATION = "innovation-och-foretagande"
OLD_INTERNATIONAL = "internationellt-samarbete"
# Areas (migration 0008), by slug.
CLIMATE = "klimat-och-energi"
HEALTH = "halsa-och-valfardsteknik"
ENTREPRENEURS = "entreprenorskap-och-tillvaxtforetag"
TOURISM = "turism-och-upplevelseekonomi"
COMPETENCE = "kompetensutveckling"
INVESTMENT = "investeringsframjande"

THIS_YEAR = today().year


def _entries() -> list[dict]:
    y = THIS_YEAR
    return [
        {
            "title": "Kinasatsningen: samarbetet med Suzhou",
            "kind": K.PARTNERSHIP,
            "regions": ["07"],
            "parties": [
                (P.FOREIGN_CITY, "Suzhou", "CN"),
                (P.FOREIGN_REGION, "Jiangsu-provinsen", "CN"),
            ],
            "themes": [INNOVATION, OLD_INTERNATIONAL],
            "areas": [INVESTMENT, ENTREPRENEURS],
            "start": date(2010, 5, 1),
            "agreement": date(2010, 5, 20),
            "funders": ["Region Kronoberg"],
            "co_financers": ["Länsstyrelsen Kronoberg", "Växjö kommun"],
            "contact": ("Li Wennerström", "li.wennerstrom@kronoberg.se", "0470-58 30 00"),
            "website": "https://www.regionkronoberg.se",
            "description": (
                "Samarbetsavtalet med staden Suzhou skrevs under i samband med Expo 2010 i "
                "Shanghai. Satsningen ska skapa affärsmöjligheter för länets företag i Kina "
                "och på hemmaplan, och attrahera kinesiska investeringar och etableringar till "
                "länet.\n\nProjektledaren knyter kontakter mellan kinesiska och svenska "
                "företag och höjer kunskapen om Kina i regionen. Satsningen medfinansieras av "
                "Länsstyrelsen Kronoberg och Växjö kommun."
            ),
        },
        {
            "title": "Småland och Blekinge som hållbar region på Expo 2010 i Shanghai",
            "kind": K.VISIT,
            "regions": ["07", "08", "06", "10"],
            "parties": [
                (P.FOREIGN_CITY, "Shanghai", "CN"),
                (P.ORGANISATION, "Expo 2010 Shanghai", "CN"),
            ],
            "themes": [OLD_INTERNATIONAL],
            "areas": [CLIMATE, INVESTMENT],
            "start": date(2010, 5, 1),
            "end": date(2010, 10, 31),
            "co_financers": ["Länsstyrelsen Kronoberg", "Växjö kommun"],
            "description": (
                "Regionförbunden i Kronoberg, Kalmar, Jönköping och Blekinge profilerade sig "
                "gemensamt som en hållbar region med fokus på miljöteknik. Omkring 300 "
                "kinesiska besökare deltog, och en företagsresa med drygt trettio svenska "
                "företag genomfördes."
            ),
        },
        {
            "title": "Delegation från Suzhou till Växjö om hållbart byggande i trä",
            "kind": K.VISIT,
            "regions": ["07"],
            "parties": [(P.FOREIGN_CITY, "Suzhou", "CN")],
            "themes": [INNOVATION],
            "areas": [CLIMATE, INVESTMENT],
            "start": date(y, 4, 14),
            "end": date(y, 4, 16),
            "contact": ("Li Wennerström", "li.wennerstrom@kronoberg.se", "0470-58 30 00"),
            "description": "Besök på Linnéuniversitetet och i Välle broar, och möten med "
            "trähusföretag i länet.",
        },
        {
            "title": "Värmland–Kina: handels- och investeringsfrämjande",
            "kind": K.PARTNERSHIP,
            "regions": ["17"],
            "parties": [
                (P.FOREIGN_REGION, "Jiangxi-provinsen", "CN"),
                (P.AGENCY, "Business Sweden", None),
            ],
            "themes": [INNOVATION],
            "areas": [INVESTMENT, ENTREPRENEURS],
            "start": date(2016, 9, 1),
            "agreement": date(2016, 9, 12),
            "funders": ["Region Värmland"],
            "co_financers": ["Karlstads kommun"],
            "contact": ("Erik Sandberg", "erik.sandberg@regionvarmland.se", "054-701 10 00"),
        },
        {
            "title": "Interreg Sverige–Norge: gränsregional kompetensförsörjning",
            "kind": K.EU_PROJECT,
            "regions": ["17", "20"],
            "parties": [
                (P.FOREIGN_REGION, "Innlandet fylkeskommune", "NO"),
                (P.FOREIGN_REGION, "Østfold fylkeskommune", "NO"),
            ],
            "themes": [SKILLS],
            "areas": [COMPETENCE],
            "start": date(2023, 3, 1),
            "end": date(2026, 12, 31),
            "funders": ["Interreg Sverige–Norge (Europeiska regionala utvecklingsfonden)"],
            "co_financers": ["Region Värmland", "Region Dalarna", "Innlandet fylkeskommune"],
            "website": "https://www.interreg-sverige-norge.com",
        },
        {
            "title": "Region Värmland i Bryssel: EU-kontoret Värmland–Dalarna",
            "kind": K.NETWORK,
            "regions": ["17", "20"],
            "parties": [
                (P.NETWORK, "ERRIN – European Regions Research and Innovation Network", "BE")
            ],
            "themes": [INNOVATION],
            "areas": [],
            "start": date(2015, 1, 1),
            "funders": ["Region Värmland", "Region Dalarna"],
        },
        {
            "title": "Vänregionsavtal Skåne – Zachodniopomorskie",
            "kind": K.PARTNERSHIP,
            "regions": ["12"],
            "parties": [
                (P.FOREIGN_REGION, "Województwo zachodniopomorskie", "PL"),
                (P.FOREIGN_CITY, "Szczecin", "PL"),
            ],
            "themes": [ACCESS, INNOVATION],
            "areas": [CLIMATE, TOURISM],
            "start": date(2012, 6, 1),
            "agreement": date(2012, 6, 8),
            "contact": ("Johanna Lind", "johanna.lind@skane.se", "040-675 30 00"),
        },
        {
            "title": "Vänregionsavtal Kalmar län – Pomorskie",
            "kind": K.PARTNERSHIP,
            "regions": ["08"],
            "parties": [(P.FOREIGN_REGION, "Województwo pomorskie", "PL")],
            "themes": [INNOVATION],
            "areas": [TOURISM, ENTREPRENEURS],
            "start": date(2014, 10, 1),
            "agreement": date(2014, 10, 3),
        },
        {
            "title": "Vänregionsavtal Gotland – Saaremaa",
            "kind": K.PARTNERSHIP,
            "regions": ["09"],
            "parties": [(P.FOREIGN_REGION, "Saare maakond", "EE")],
            "themes": [ACCESS],
            "areas": [TOURISM],
            "start": date(2004, 5, 1),
            "agreement": date(2004, 5, 1),
        },
        {
            "title": "Samarbete Blekinge – Klaipėda om hamnar och logistik",
            "kind": K.PARTNERSHIP,
            "regions": ["10"],
            "parties": [
                (P.FOREIGN_CITY, "Klaipėda", "LT"),
                (P.ORGANISATION, "Klaipėdos valstybinio jūrų uosto direkcija", "LT"),
            ],
            "themes": [ACCESS],
            "areas": [CLIMATE],
            "start": date(2019, 1, 1),
            "end": date(2027, 12, 31),
            "agreement": date(2018, 11, 20),
        },
        {
            "title": "Region Östergötland – Riga planeringsregion: innovation i offentlig sektor",
            "kind": K.PARTNERSHIP,
            "regions": ["05"],
            "parties": [(P.FOREIGN_REGION, "Rīgas plānošanas reģions", "LV")],
            "themes": [INNOVATION],
            "areas": [HEALTH],
            "start": date(2021, 2, 1),
            "end": date(2025, 1, 31),
        },
        {
            "title": "Skåne – Mecklenburg-Vorpommern: samarbete om vätgas",
            "kind": K.PARTNERSHIP,
            "regions": ["12", "10"],
            "parties": [
                (P.FOREIGN_REGION, "Mecklenburg-Vorpommern", "DE"),
                (P.FOREIGN_CITY, "Rostock", "DE"),
            ],
            "themes": [INNOVATION, ACCESS],
            "areas": [CLIMATE],
            "start": date(2022, 5, 1),
            "agreement": date(2022, 4, 28),
        },
        {
            "title": "Västra Götalandsregionen – Nordrhein-Westfalen: life science",
            "kind": K.PARTNERSHIP,
            "regions": ["14"],
            "parties": [(P.FOREIGN_REGION, "Nordrhein-Westfalen", "DE")],
            "themes": [INNOVATION],
            "areas": [HEALTH, INVESTMENT],
            "start": date(2018, 3, 1),
        },
        {
            "title": "Interreg Öresund-Kattegat-Skagerrak: gröna kompetenser",
            "kind": K.EU_PROJECT,
            "regions": ["12", "13", "14"],
            "parties": [
                (P.FOREIGN_REGION, "Region Hovedstaden", "DK"),
                (P.FOREIGN_REGION, "Region Sjælland", "DK"),
                (P.FOREIGN_REGION, "Viken fylkeskommune", "NO"),
            ],
            "themes": [SKILLS],
            "areas": [COMPETENCE, CLIMATE],
            "start": date(2023, 9, 1),
            "end": date(2026, 8, 31),
            "funders": [
                ("Interreg Öresund-Kattegat-Skagerrak (Europeiska regionala utvecklingsfonden)")
            ],
            "co_financers": ["Region Skåne", "Region Halland", "Västra Götalandsregionen"],
            "website": "https://www.interreg-oks.eu",
        },
        {
            "title": "Interreg Aurora: arktisk besöksnäring året runt",
            "kind": K.EU_PROJECT,
            "regions": ["25", "24"],
            "parties": [
                (P.FOREIGN_REGION, "Lapplands förbund", "FI"),
                (P.FOREIGN_REGION, "Troms fylkeskommune", "NO"),
            ],
            "themes": [EQUAL, INNOVATION],
            "areas": [TOURISM, ENTREPRENEURS],
            "start": date(2024, 1, 1),
            "end": date(2027, 6, 30),
            "funders": ["Interreg Aurora (Europeiska regionala utvecklingsfonden)"],
            "co_financers": [
                "Region Norrbotten",
                "Region Västerbotten",
                ("Länsstyrelsen i Norrbottens län"),
            ],
        },
        {
            "title": "Interreg Östersjöregionen: digital vård i glesbygd",
            "kind": K.EU_PROJECT,
            "regions": ["23", "22", "24"],
            "parties": [
                (P.FOREIGN_REGION, "Pohjois-Karjala", "FI"),
                (P.FOREIGN_REGION, "Hiiu maakond", "EE"),
                (P.AGENCY, "E-hälsomyndigheten", None),
            ],
            "themes": [EQUAL, ACCESS],
            "areas": [HEALTH],
            "start": date(2023, 1, 1),
            "end": date(2025, 12, 31),
            "funders": ["Interreg Östersjöregionen (Europeiska regionala utvecklingsfonden)"],
            "co_financers": ["Region Jämtland Härjedalen", "Region Västernorrland"],
        },
        {
            "title": "Horizon Europe: regional innovationsdal för fossilfri industri",
            "kind": K.EU_PROJECT,
            "regions": ["25", "21", "18"],
            "parties": [
                (P.FOREIGN_REGION, "Nord-Pas-de-Calais (Hauts-de-France)", "FR"),
                (P.FOREIGN_REGION, "Asturias", "ES"),
                (P.ORGANISATION, "Luleå tekniska universitet", None),
            ],
            "themes": [INNOVATION],
            "areas": [CLIMATE, ENTREPRENEURS],
            "start": date(2024, 2, 1),
            "end": date(2027, 1, 31),
            "funders": ["Horizon Europe (Europeiska kommissionen)"],
            "co_financers": ["Vinnova"],
        },
        {
            "title": "Horizon Europe: hälsoteknik för äldre i hemmet",
            "kind": K.EU_PROJECT,
            "regions": ["06", "05"],
            "parties": [
                (P.FOREIGN_REGION, "Noord-Brabant", "NL"),
                (P.FOREIGN_REGION, "Región de Murcia", "ES"),
            ],
            "themes": [EQUAL],
            "areas": [HEALTH],
            "start": date(2022, 9, 1),
            "end": date(2026, 8, 31),
            "funders": ["Horizon Europe (Europeiska kommissionen)"],
        },
        {
            "title": "Medlemskap i CPMR och dess Östersjökommission",
            "kind": K.NETWORK,
            "regions": ["12", "10", "08", "09", "14", "25", "24"],
            "parties": [(P.NETWORK, "CPMR – Conference of Peripheral Maritime Regions", "FR")],
            "themes": [ACCESS],
            "areas": [],
            "start": date(1995, 1, 1),
            "website": "https://cpmr.org",
        },
        {
            "title": "Medlemskap i ERRIN",
            "kind": K.NETWORK,
            "regions": ["01", "03", "14", "12", "05"],
            "parties": [
                (P.NETWORK, "ERRIN – European Regions Research and Innovation Network", "BE")
            ],
            "themes": [INNOVATION],
            "areas": [],
            "start": date(2011, 1, 1),
            "website": "https://errin.eu",
        },
        {
            "title": "Medlemskap i AER – Assembly of European Regions",
            "kind": K.NETWORK,
            "regions": ["19", "18", "21"],
            "parties": [(P.NETWORK, "AER – Assembly of European Regions", "BE")],
            "themes": [EQUAL],
            "areas": [COMPETENCE],
            "start": date(2008, 1, 1),
            "website": "https://aer.eu",
        },
        {
            "title": "Eurocities: arbetsgrupper om stadsutveckling och arbetsmarknad",
            "kind": K.NETWORK,
            "regions": ["01"],
            "parties": [(P.NETWORK, "Eurocities", "BE"), (P.ORGANISATION, "Stockholms stad", None)],
            "themes": [SKILLS, ACCESS],
            "areas": [COMPETENCE],
            "start": date(2017, 1, 1),
            "website": "https://eurocities.eu",
        },
        {
            "title": "BSSSC – Baltic Sea States Subregional Co-operation",
            "kind": K.NETWORK,
            "regions": ["10", "09", "08", "12", "07"],
            "parties": [(P.NETWORK, "BSSSC – Baltic Sea States Subregional Co-operation", None)],
            "themes": [ACCESS, EQUAL],
            "areas": [],
            "start": date(2001, 1, 1),
            "website": "https://www.bsssc.com",
        },
        {
            "title": "Europeiska veckan för regioner och städer i Bryssel",
            "kind": K.VISIT,
            "regions": ["25", "14", "17"],
            "parties": [
                (P.AGENCY, "Europeiska kommissionen, GD Regional- och stadspolitik", "BE"),
                (P.NETWORK, "Europeiska regionkommittén", "BE"),
            ],
            "themes": [EQUAL],
            "areas": [],
            "start": date(y, 10, 6),
            "end": date(y, 10, 9),
        },
        {
            "title": "Studiebesök från Region Hovedstaden om regional kompetensförsörjning",
            "kind": K.VISIT,
            "regions": ["12"],
            "parties": [(P.FOREIGN_REGION, "Region Hovedstaden", "DK")],
            "themes": [SKILLS],
            "areas": [COMPETENCE],
            "start": date(y, 2, 19),
            "end": date(y, 2, 19),
        },
        {
            "title": "Sydsvensk samverkan om kompetensförsörjning",
            "kind": K.OTHER,
            "regions": ["12"],
            "parties": [
                (P.SWEDISH_REGION, "10", None),
                (P.SWEDISH_REGION, "07", None),
                (P.SWEDISH_REGION, "08", None),
            ],
            "themes": [SKILLS],
            "areas": [COMPETENCE],
            "start": date(2021, 9, 1),
            "funders": ["Tillväxtverket"],
        },
        {
            "title": "Mittnordenkommittén: samverkan Jämtland Härjedalen – Trøndelag",
            "kind": K.PARTNERSHIP,
            "regions": ["23", "22"],
            "parties": [
                (P.FOREIGN_REGION, "Trøndelag fylkeskommune", "NO"),
                (P.NETWORK, "Mittnordenkommittén", None),
            ],
            "themes": [ACCESS, EQUAL],
            "areas": [TOURISM],
            "start": date(2018, 1, 1),
        },
        {
            "title": "Förberedande dialog med Lombardiet om life science",
            "kind": K.PARTNERSHIP,
            "regions": ["14"],
            "parties": [(P.FOREIGN_REGION, "Regione Lombardia", "IT")],
            "themes": [INNOVATION],
            "areas": [HEALTH, INVESTMENT],
            "start": date(y, 1, 15),
            "visibility": INTERNAL,
            "description": "Förberedande kontakter; inget avtal ännu. Uppgifterna är interna "
            "tills regionerna har fattat beslut.",
        },
        {
            "title": "Kontakter med Ontario om batterikedjan",
            "kind": K.OTHER,
            "regions": ["24", "25"],
            "parties": [(P.FOREIGN_REGION, "Ontario", "CA")],
            "themes": [INNOVATION],
            "areas": [INVESTMENT, CLIMATE],
            "start": date(y, 3, 1),
            "visibility": INTERNAL,
        },
        {
            "title": "Samarbete Uppsala – Wrocław om life science-kluster",
            "kind": K.PARTNERSHIP,
            "regions": ["03"],
            "parties": [
                (P.FOREIGN_CITY, "Wrocław", "PL"),
                (P.FOREIGN_REGION, "Województwo dolnośląskie", "PL"),
            ],
            "themes": [INNOVATION],
            "areas": [HEALTH],
            "start": date(2020, 4, 1),
            "end": date(2024, 3, 31),
        },
    ]


# Region Skåne's contact: one approved proposal, two waiting, one returned.
SKANE = [
    {
        "title": "Skånes delegation till Gdańsk om havsbaserad vindkraft",
        "kind": K.VISIT,
        "regions": ["12"],
        "parties": [
            (P.FOREIGN_CITY, "Gdańsk", "PL"),
            (P.FOREIGN_REGION, "Województwo pomorskie", "PL"),
        ],
        "themes": [INNOVATION],
        "areas": [CLIMATE],
        "start": date(THIS_YEAR, 3, 10),
        "end": date(THIS_YEAR, 3, 12),
        "state": "approved",
    },
    {
        "title": "Interreg Södra Östersjön: SmartPorts – gröna hamnar",
        "kind": K.EU_PROJECT,
        "regions": ["12", "10"],
        "parties": [
            (P.FOREIGN_CITY, "Świnoujście", "PL"),
            (P.FOREIGN_CITY, "Sassnitz", "DE"),
            (P.FOREIGN_REGION, "Region Bornholm", "DK"),
        ],
        "themes": [ACCESS],
        "areas": [CLIMATE],
        "start": date(THIS_YEAR + 1, 1, 1),
        "end": date(THIS_YEAR + 3, 12, 31),
        "funders": ["Interreg Södra Östersjön (Europeiska regionala utvecklingsfonden)"],
        "co_financers": ["Region Skåne", "Region Blekinge"],
        "state": "proposed",
    },
    {
        "title": "Förnyat samarbetsavtal Skåne – Zachodniopomorskie 2026–2030",
        "kind": K.PARTNERSHIP,
        "regions": ["12"],
        "parties": [(P.FOREIGN_REGION, "Województwo zachodniopomorskie", "PL")],
        "themes": [INNOVATION, SKILLS],
        "areas": [ENTREPRENEURS, COMPETENCE],
        "start": date(2026, 1, 1),
        "end": date(2030, 12, 31),
        "agreement": date(2025, 11, 14),
        "state": "proposed",
    },
    {
        "title": "Delegation till Hamburg om vätgas",
        "kind": K.VISIT,
        "regions": ["12"],
        "parties": [(P.FOREIGN_CITY, "Hamburg", "DE")],
        "themes": [INNOVATION],
        "areas": [CLIMATE],
        "start": date(THIS_YEAR, 5, 20),
        "state": "returned",
        "reason": "Ange när besöket slutar och vilka från regionen som reser, och lägg till "
        "Hamburgs hamn som part om den är värd.",
    },
]


def seed_cooperation(session: Session, secretariat: Account | None) -> dict[str, int]:
    """Load the demo register; return how many entries were added."""
    if secretariat is None:
        return {}
    regions = {r.code: r for r in session.scalars(select(Region))}
    skane = regions.get("12")
    contact = (
        session.scalar(
            select(Account).where(Account.contact_region_id == skane.id).order_by(Account.id)
        )
        if skane
        else None
    )
    themes = {t.slug: t.id for t in session.scalars(select(Theme).join(StrategyPeriod))}
    areas = {a.slug: a.id for a in session.scalars(select(CooperationArea))}
    known = set(session.scalars(select(Cooperation.title)))
    added = 0
    specs = [(spec, secretariat) for spec in _entries()]
    if contact is not None:
        specs += [(spec, contact) for spec in SKANE]
    for spec, by in specs:
        if spec["title"] in known:
            continue
        data = services.EntryInput(
            title=spec["title"],
            kind=spec["kind"],
            start_date=spec["start"],
            end_date=spec.get("end"),
            agreement_date=spec.get("agreement"),
            region_ids=[regions[code].id for code in spec["regions"]],
            parties=[
                PartyInput(
                    kind,
                    "" if kind is P.SWEDISH_REGION else name,
                    regions[name].id if kind is P.SWEDISH_REGION else None,
                    country,
                    row,
                )
                for row, (kind, name, country) in enumerate(spec["parties"])
            ],
            theme_ids=[themes[slug] for slug in spec["themes"] if slug in themes],
            area_ids=[areas[slug] for slug in spec["areas"] if slug in areas],
            funders="\n".join(spec.get("funders", [])),
            co_financers="\n".join(spec.get("co_financers", [])),
            contact_name=spec.get("contact", ("", "", ""))[0],
            contact_email=spec.get("contact", ("", "", ""))[1],
            contact_phone=spec.get("contact", ("", "", ""))[2],
            website=spec.get("website", ""),
            description=spec.get("description", ""),
            visibility=spec.get("visibility", CooperationVisibility.PUBLIC),
        )
        entry = services.create(session, data, by=by)
        state = spec.get("state")
        if state == "approved" or state == "returned":
            # Decided by the secretariat a few days after the proposal; no e-mail in a demo.
            entry.proposed_at = utcnow() - timedelta(days=12)
            entry.decided_by_id = secretariat.id
            entry.decided_at = utcnow() - timedelta(days=9)
            if state == "approved":
                entry.status = CooperationStatus.APPROVED
            else:
                entry.status = CooperationStatus.RETURNED
                entry.return_reason = spec["reason"]
        session.flush()
        known.add(spec["title"])
        added += 1
    return {"cooperations": added}
