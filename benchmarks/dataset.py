"""A large, realistic forum for the benchmarks, generated into an empty database.

At scale 1.0 (the Operations issue's figures): 20 years, all 21 regions, 10 bodies (the two
forum bodies of the reference data and 8 working groups and networks, some wound up), 5,000
people at 100-odd organisations, 2,000 meetings with agendas, guests, attendance, minutes and
action items, and 50,000 documents with one to three versions each, Swedish text of 200–1,000
words, themes and mixed visibility, indexed for search as the app indexes them. A smaller
scale (0.05 for a quick run, 0.02 for the tests) scales people, meetings and documents; the 20
years, the regions, the bodies and their seats stay.

The schema and reference data come through the app's own code (as `forum init` makes them),
the groups through forum.bodies.services; everything else in bulk through SQLAlchemy Core,
with ids given here (PostgreSQL's sequences are moved past them afterwards, as a restore
does). The roster's rules (one holder per seat place at a time, one seat per person and body
at a time) are the database's triggers and exclusion constraints: the data satisfies them.

Deterministic (a seeded generator) but for what follows today's date, as in a real forum:
meetings that have ended are held, this year's confirmed, next year's planned, and what a
meeting has (documents, minutes, attendance, distributions) follows from that.

    .venv/bin/python -m benchmarks.dataset --database-url sqlite:////tmp/forum-big/forum.db
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import math
import random
import re
import secrets
import shlex
import string
import sys
import time as clock
import unicodedata
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import Engine, func, insert, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from forum import backup, blobs, migrate, reference
from forum.accounts.models import Account
from forum.accounts.passwords import hash_password
from forum.bodies import services as bodies
from forum.calendars import feeds
from forum.material import search
from forum.material.access import PUBLIC_READER
from forum.material.models import (
    Distribution,
    DistributionItem,
    Document,
    DocumentKind,
    DocumentText,
    DocumentVersion,
    Visibility,
    document_themes,
)
from forum.meetings import queries as meeting_queries
from forum.meetings.models import (
    ActionItem,
    AgendaItem,
    Answer,
    Attendance,
    AttendanceRole,
    Meeting,
    MeetingAnswer,
    MeetingGuest,
    MeetingStatus,
    Minutes,
    MinutesStatus,
    Presence,
)
from forum.roster.models import (
    Body,
    BodyKind,
    Nomination,
    Organisation,
    OrganisationKind,
    Person,
    Region,
    Seat,
    Side,
)
from forum.strategy.models import StrategyPeriod, Theme
from forum.timeutil import STOCKHOLM, utcnow

# --- how much of everything ---------------------------------------------------------------

YEARS = 20  # at every scale
PEOPLE = 5_000
MEETINGS = 2_000
DOCUMENTS = 50_000
# The forum bodies meet ten times a year (every month but July and August); the groups share
# the rest of the meetings by how long each has existed.
FORUM_MEETINGS = 200
# Never fewer, whatever the scale: the feeds and pages measured need something to show.
MIN_FORUM_MEETINGS = 10
MIN_GROUP_MEETINGS = 2
# Of the documents: a meeting's material, a body's own papers, the knowledge bank's.
MEETING_SHARE, BODY_SHARE = 0.70, 0.12

POLITICIANS = "politikerforum"
OFFICIALS = "tjanstepersonsforum"
# Regional terms of office start the January after an election; this one is running.
CURRENT_TERM = date(2023, 1, 1)
TERM_YEARS = 4
# The member whose personal feed is measured holds this seat for every term, sits in this
# network from this day, and is invited as a guest to some of the officials' meetings.
MEMBER_SEAT = ("12", POLITICIANS, "majoritet")
MEMBER_GROUP = "Nätverket för internationellt samarbete och EU-frågor"
MEMBER_GROUP_FROM = date(2022, 2, 1)
MEMBER_GUEST_OF = 12
# The query measured: a specific term of the skills theme, a few hundred public documents.
SEARCH_QUERY = "matchningsindikatorer"
REGION_CODE = "12"
BATCH = 2_000

# --- names and organisations --------------------------------------------------------------

GIVEN = [
    "Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Eva", "Anders", "Sara", "Per",
    "Kristina", "Mikael", "Lena", "Fredrik", "Emma", "Jonas", "Ingrid", "Henrik", "Malin",
    "Magnus", "Sofia", "Patrik", "Helena", "Daniel", "Åsa", "Björn", "Elin", "Gustav",
    "Linnea", "Mattias", "Camilla", "Niklas", "Therese", "Ola", "Jenny", "Stefan", "Hanna",
    "Tobias", "Ulrika", "Peter", "Annika", "Martin", "Cecilia", "Andreas", "Susanne",
    "Thomas", "Johanna", "Jan", "Marie", "Hans", "Katarina", "Mats", "Linda", "Göran",
    "Birgitta", "Ulf", "Agneta", "Leif", "Monica", "Bengt", "Gunilla", "Kjell", "Margareta",
    "Oskar", "Ebba", "Viktor", "Ida", "Axel", "Klara", "Filip", "Frida", "Jesper", "Matilda",
    "Amir", "Leila", "Mohammed", "Yasmin", "Ali", "Fatima", "Dragan", "Mirela", "Aino",
    "Nils", "Astrid", "Torbjörn", "Siv", "Rune", "Britt", "Håkan", "Inger", "Roger", "Eleonor",
]
FAMILY = [
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
    "Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson",
    "Bengtsson", "Jönsson", "Lindberg", "Jakobsson", "Magnusson", "Olofsson", "Lindström",
    "Lindqvist", "Lindgren", "Berg", "Axelsson", "Bergström", "Lundberg", "Lind", "Lundgren",
    "Lundqvist", "Mattsson", "Berglund", "Fredriksson", "Sandberg", "Henriksson", "Forsberg",
    "Sjöberg", "Wallin", "Engström", "Eklund", "Danielsson", "Lundin", "Håkansson", "Björk",
    "Bergman", "Gunnarsson", "Holm", "Wikström", "Samuelsson", "Isaksson", "Fransson",
    "Bergqvist", "Nyström", "Holmberg", "Arvidsson", "Löfgren", "Söderberg", "Nyberg",
    "Blomqvist", "Claesson", "Nordström", "Mårtensson", "Lundström", "Viklund", "Björklund",
    "Eliasson", "Pålsson", "Berggren", "Sandström", "Lund", "Nordin", "Ström", "Åberg",
    "Falk", "Ekström", "Hermansson", "Holmgren", "Hellström", "Dahlberg", "Hedlund", "Sundberg",
    "Sjögren", "Ek", "Blom", "Abrahamsson", "Öberg", "Martinsson", "Andreasson", "Strömberg",
    "Månsson", "Hassan", "Ali", "Mohammed", "Nordqvist", "Kovačević", "Virtanen", "Mäkinen",
    "Omar", "Ibrahim", "Khalil", "Sundqvist", "Lindholm", "Törnqvist", "Åkesson",
]
PARTIES = ["S", "M", "C", "KD", "L", "SD", "V", "MP"]

# (name, short name, kind, web domain); the regions' own organisations come from the
# reference data.
ORGANISATIONS = [
    ("Tillväxtverket", "", OrganisationKind.AGENCY, "tillvaxtverket.se"),
    ("Arbetsförmedlingen", "", OrganisationKind.AGENCY, "arbetsformedlingen.se"),
    ("Trafikverket", "", OrganisationKind.AGENCY, "trafikverket.se"),
    ("Post- och telestyrelsen", "PTS", OrganisationKind.AGENCY, "pts.se"),
    ("Boverket", "", OrganisationKind.AGENCY, "boverket.se"),
    ("Vinnova", "", OrganisationKind.AGENCY, "vinnova.se"),
    ("Naturvårdsverket", "", OrganisationKind.AGENCY, "naturvardsverket.se"),
    ("Jordbruksverket", "", OrganisationKind.AGENCY, "jordbruksverket.se"),
    ("Energimyndigheten", "", OrganisationKind.AGENCY, "energimyndigheten.se"),
    ("Statistiska centralbyrån", "SCB", OrganisationKind.AGENCY, "scb.se"),
    ("Skolverket", "", OrganisationKind.AGENCY, "skolverket.se"),
    ("Myndigheten för yrkeshögskolan", "MYH", OrganisationKind.AGENCY, "myh.se"),
    ("Myndigheten för tillväxtpolitiska utvärderingar och analyser", "Tillväxtanalys",
     OrganisationKind.AGENCY, "tillvaxtanalys.se"),
    ("Kommerskollegium", "", OrganisationKind.AGENCY, "kommerskollegium.se"),
    ("Riksantikvarieämbetet", "RAÄ", OrganisationKind.AGENCY, "raa.se"),
    ("Svenska ESF-rådet", "ESF-rådet", OrganisationKind.AGENCY, "esf.se"),
    ("Universitets- och högskolerådet", "UHR", OrganisationKind.AGENCY, "uhr.se"),
    ("Försäkringskassan", "", OrganisationKind.AGENCY, "forsakringskassan.se"),
    ("Upphandlingsmyndigheten", "", OrganisationKind.AGENCY, "upphandlingsmyndigheten.se"),
    ("Myndigheten för digital förvaltning", "DIGG", OrganisationKind.AGENCY, "digg.se"),
    ("Sametinget", "", OrganisationKind.AGENCY, "sametinget.se"),
    ("Näringsdepartementet", "N", OrganisationKind.MINISTRY, "regeringskansliet.se"),
    ("Finansdepartementet", "Fi", OrganisationKind.MINISTRY, "regeringskansliet.se"),
    ("Landsbygds- och infrastrukturdepartementet", "LI", OrganisationKind.MINISTRY,
     "regeringskansliet.se"),
    ("Utbildningsdepartementet", "U", OrganisationKind.MINISTRY, "regeringskansliet.se"),
    ("Arbetsmarknadsdepartementet", "A", OrganisationKind.MINISTRY, "regeringskansliet.se"),
    ("Klimat- och näringslivsdepartementet", "KN", OrganisationKind.MINISTRY,
     "regeringskansliet.se"),
    ("Socialdepartementet", "S", OrganisationKind.MINISTRY, "regeringskansliet.se"),
    ("Statsrådsberedningen", "SB", OrganisationKind.MINISTRY, "regeringskansliet.se"),
    ("Sveriges Kommuner och Regioner", "SKR", OrganisationKind.ASSOCIATION, "skr.se"),
    ("Svenskt Näringsliv", "", OrganisationKind.ASSOCIATION, "svensktnaringsliv.se"),
    ("Företagarna", "", OrganisationKind.ASSOCIATION, "foretagarna.se"),
    ("Hela Sverige ska leva", "", OrganisationKind.ASSOCIATION, "helasverige.se"),
    ("Landsorganisationen i Sverige", "LO", OrganisationKind.ASSOCIATION, "lo.se"),
    ("Business Sweden", "", OrganisationKind.OTHER, "business-sweden.se"),
    ("Almi Företagspartner", "Almi", OrganisationKind.OTHER, "almi.se"),
    ("RISE Research Institutes of Sweden", "RISE", OrganisationKind.OTHER, "ri.se"),
    ("Umeå universitet", "", OrganisationKind.OTHER, "umu.se"),
    ("Luleå tekniska universitet", "LTU", OrganisationKind.OTHER, "ltu.se"),
    ("Lunds universitet", "", OrganisationKind.OTHER, "lu.se"),
    ("Göteborgs universitet", "", OrganisationKind.OTHER, "gu.se"),
    ("Linköpings universitet", "LiU", OrganisationKind.OTHER, "liu.se"),
    ("Mittuniversitetet", "", OrganisationKind.OTHER, "miun.se"),
    ("Högskolan Dalarna", "", OrganisationKind.OTHER, "du.se"),
    ("Karlstads universitet", "", OrganisationKind.OTHER, "kau.se"),
    ("Örebro universitet", "", OrganisationKind.OTHER, "oru.se"),
    ("Linnéuniversitetet", "", OrganisationKind.OTHER, "lnu.se"),
    ("Uppsala universitet", "", OrganisationKind.OTHER, "uu.se"),
    ("Högskolan i Gävle", "", OrganisationKind.OTHER, "hig.se"),
    ("Malmö stad", "", OrganisationKind.OTHER, "malmo.se"),
    ("Göteborgs Stad", "", OrganisationKind.OTHER, "goteborg.se"),
    ("Umeå kommun", "", OrganisationKind.OTHER, "umea.se"),
    ("Luleå kommun", "", OrganisationKind.OTHER, "lulea.se"),
    ("Östersunds kommun", "", OrganisationKind.OTHER, "ostersund.se"),
    ("Sundsvalls kommun", "", OrganisationKind.OTHER, "sundsvall.se"),
    ("Karlstads kommun", "", OrganisationKind.OTHER, "karlstad.se"),
    ("Växjö kommun", "", OrganisationKind.OTHER, "vaxjo.se"),
    ("Norrköpings kommun", "", OrganisationKind.OTHER, "norrkoping.se"),
    ("Kiruna kommun", "", OrganisationKind.OTHER, "kiruna.se"),
    ("Skellefteå kommun", "", OrganisationKind.OTHER, "skelleftea.se"),
    ("Borås Stad", "", OrganisationKind.OTHER, "boras.se"),
]
# What people at each kind of organisation are called, most common first.
TITLES = {
    OrganisationKind.REGION: ["Utvecklingsstrateg", "Analytiker", "Näringslivsutvecklare",
                              "Enhetschef, regional utveckling", "Projektledare",
                              "Kompetensförsörjningsstrateg", "EU-samordnare",
                              "Infrastrukturstrateg", "Landsbygdsstrateg", "Kommunikatör"],
    OrganisationKind.AGENCY: ["Handläggare", "Analytiker", "Utredare", "Enhetschef",
                              "Avdelningschef", "Sakkunnig", "Regional samordnare",
                              "Generaldirektör"],
    OrganisationKind.MINISTRY: ["Kansliråd", "Departementssekreterare", "Ämnesråd",
                                "Politiskt sakkunnig", "Statssekreterare"],
    OrganisationKind.ASSOCIATION: ["Handläggare", "Utredare", "Sektionschef", "Förbundsdirektör"],
    OrganisationKind.OTHER: ["Projektledare", "Forskare", "Verksamhetsutvecklare",
                             "Näringslivschef", "Samverkanssamordnare", "Professor"],
}
# The secretariat (kansliet) sits at Tillväxtverket.
SECRETARIAT = [("Kanslichef", 1), ("Handläggare", 4), ("Kommunikatör", 1)]

# (kind, Swedish name, English name, description, e-mail, set up, wound up, the theme it
#  works on in each strategy period, the subject it writes about, members at a time)
GROUPS = [
    (BodyKind.WORKING_GROUP, "Arbetsgruppen för kompetensförsörjning",
     "Working group on skills supply",
     ("Arbetsgruppen samlar regionernas kompetensplattformar, Arbetsförmedlingen och SKR för "
      "att ta fram underlag till forumets möten om kompetensförsörjning: regionala "
      "matchningsindikatorer, yrkesvux och validering."),
     "kompetens@forum.example.se", date(2009, 3, 1), None,
     {"2015-2020": "kompetensforsorjning",
      "2021-2030": "kompetensforsorjning-och-kompetensutveckling"}, "kompetens", 16),
    (BodyKind.NETWORK, MEMBER_GROUP, "Network for international cooperation and EU affairs",
     ("Regionernas EU- och internationella samordnare utbyter erfarenheter om EU-program, "
      "partnerskap med regioner i andra länder och Brysselkontorens arbete."),
     "internationellt@forum.example.se", date(2008, 2, 1), None,
     {"2015-2020": "internationellt-samarbete",
      "2021-2030": "innovation-fornyelse-entreprenorskap"}, "internationellt", 22),
    (BodyKind.WORKING_GROUP, "Arbetsgruppen för tillgänglighet och digital infrastruktur",
     "Working group on accessibility and digital infrastructure",
     ("Arbetsgruppen följer regionernas arbete med transportinfrastruktur, kollektivtrafik och "
      "bredband, tillsammans med Trafikverket och Post- och telestyrelsen."),
     "", date(2012, 9, 1), None,
     {"2015-2020": "attraktiva-miljoer-och-tillganglighet", "2021-2030": "tillganglighet"},
     "tillganglighet", 14),
    (BodyKind.NETWORK, "Nätverket för landsbygdsutveckling", "Network for rural development",
     ("Nätverket samlade regionernas landsbygdsstrateger. Dess slutrapport finns i "
      "kunskapsbanken."),
     "", date(2008, 9, 1), date(2020, 12, 31),
     {"2015-2020": "attraktiva-miljoer-och-tillganglighet"}, "likvardiga", 18),
    (BodyKind.WORKING_GROUP, "Arbetsgruppen för smart specialisering",
     "Working group on smart specialisation",
     ("Arbetsgruppen stöder regionernas strategier för smart specialisering och samarbetet med "
      "Vinnova och lärosätena om regionala innovationssystem."),
     "innovation@forum.example.se", date(2014, 4, 1), None,
     {"2015-2020": "innovation-och-foretagande",
      "2021-2030": "innovation-fornyelse-entreprenorskap"}, "innovation", 15),
    (BodyKind.NETWORK, "Nätverket för regionala analytiker", "Network of regional analysts",
     ("Regionernas analytiker delar metoder, statistik och prognoser om befolkning, "
      "arbetsmarknad och näringsliv."),
     "analys@forum.example.se", date(2010, 1, 15), None,
     {"2015-2020": "kompetensforsorjning", "2021-2030": "likvardiga-mojligheter"},
     "kompetens", 24),
    (BodyKind.WORKING_GROUP, "Arbetsgruppen för klimat och energi",
     "Working group on climate and energy",
     ("Arbetsgruppen samordnade regionernas energi- och klimatstrategier med "
      "Energimyndigheten och länsstyrelserna."),
     "", date(2011, 5, 1), date(2018, 6, 30),
     {"2015-2020": "attraktiva-miljoer-och-tillganglighet"}, "klimat", 12),
    (BodyKind.NETWORK, "Nätverket för likvärdig service i hela landet",
     "Network for equal access to services throughout the country",
     ("Nätverket arbetar med kommersiell och offentlig service, servicepunkter och "
      "tillgång till välfärd i glesa delar av landet."),
     "service@forum.example.se", date(2021, 3, 1), None,
     {"2021-2030": "likvardiga-mojligheter"}, "likvardiga", 16),
]

AGENDA = [("Inledning och dagordning", time(10, 0)),
          ("Aktuellt från regeringen", time(10, 15)),
          ("Temadiskussion", time(11, 0)),
          ("Regionernas erfarenheter", time(12, 30)),
          ("Avslutning och nästa möte", time(13, 45))]
GROUP_AGENDA = [("Inledning", time(9, 30)),
                ("Aktuellt från medlemmarna", time(9, 40)),
                ("Arbetsplanen", time(10, 15)),
                ("Tema", time(10, 45)),
                ("Nästa möte", time(12, 15))]
# Meetings before the strategies in the reference data took up topics of their own.
EARLIER_TOPICS = [("Regional tillväxt", "innovation"),
                  ("Infrastruktur och transporter", "tillganglighet"),
                  ("Kompetensförsörjning", "kompetens"),
                  ("Landsbygdens utveckling", "likvardiga"),
                  ("EU:s sammanhållningspolitik", "internationellt"),
                  ("Innovation i hela landet", "innovation"),
                  ("Digitalisering", "tillganglighet"),
                  ("Klimat och energi", "klimat")]
THEME_FAMILY = {
    "innovation-och-foretagande": "innovation",
    "attraktiva-miljoer-och-tillganglighet": "tillganglighet",
    "kompetensforsorjning": "kompetens",
    "internationellt-samarbete": "internationellt",
    "likvardiga-mojligheter": "likvardiga",
    "kompetensforsorjning-och-kompetensutveckling": "kompetens",
    "innovation-fornyelse-entreprenorskap": "innovation",
    "tillganglighet": "tillganglighet",
}
MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
          "september", "oktober", "november", "december"]
WEEKDAYS = ["måndagen", "tisdagen", "onsdagen", "torsdagen", "fredagen", "lördagen",
            "söndagen"]

# --- Swedish prose ------------------------------------------------------------------------

# A family of subjects: the phrases its documents are about (every document of the family
# uses some), and its specific terms (term forms, first year used, share of the family's
# documents that mention it). Common words hit most documents, a family's phrases thousands,
# a specific term hundreds or fewer.
FAMILIES: dict[str, tuple[list[str], list[tuple[tuple[str, ...], int, float]]]] = {
    "kompetens": (
        ["kompetensförsörjning", "kompetensförsörjningen i regionen", "kompetensutveckling",
         "livslångt lärande", "yrkesutbildning för vuxna", "matchningen på arbetsmarknaden",
         "utbildningsutbudet i länet", "arbetsmarknadens behov", "omställning av yrkesverksamma",
         "yrkeshögskolans utbildningar", "branschernas kompetensbehov",
         "gymnasieskolans yrkesprogram", "validering av kunskaper",
         "nyanländas etablering på arbetsmarknaden", "studie- och yrkesvägledning",
         "högre utbildning i hela landet", "arbetskraftsbristen inom välfärden",
         "samverkan mellan utbildning och arbetsliv", "lärcentrum i kommunerna",
         "distansutbildning", "ungas etablering på arbetsmarknaden",
         "det regionala kompetensförsörjningsarbetet", "kompetenslyft i industrin"],
        [(("matchningsindikatorer", "matchningsindikatorerna", "regionala matchningsindikatorer"),
          2016, 0.055),
         (("yrkesvux",), 2011, 0.12),
         (("branschvalidering",), 2012, 0.05),
         (("arbetsmarknadsprognoser", "arbetsmarknadsprognoserna"), 2008, 0.08),
         (("omställningsstudiestödet",), 2022, 0.06),
         (("lärlingsutbildning", "lärlingsutbildningen"), 2008, 0.04),
         (("bristyrken", "bristyrkena"), 2008, 0.09),
         (("kompetensväxling",), 2013, 0.02),
         (("valideringsdelegationen",), 2015, 0.03),
         (("kompetensplattformar", "kompetensplattformarna"), 2010, 0.10)],
    ),
    "innovation": (
        ["innovation och företagande", "entreprenörskap", "företagens innovationsförmåga",
         "forskning och innovation", "små och medelstora företags tillväxt",
         "regionala innovationssystem", "näringslivets förnyelse", "kapitalförsörjning för företag",
         "nyföretagande", "exportfrämjande", "samverkan mellan akademi och näringsliv",
         "testbäddar", "innovationsstödet", "klusterinitiativ", "digital omställning i företag",
         "hållbar industriell omställning", "socialt entreprenörskap", "affärsutveckling",
         "investeringsfrämjande", "inkubatorer för nya företag", "företagsstöd"],
        [(("smart specialisering", "strategin för smart specialisering",
           "smarta specialiseringsstrategier"), 2013, 0.07),
         (("Vinnväxt",), 2008, 0.04),
         (("innovationsupphandling",), 2012, 0.04),
         (("riskkapitalfonder", "riskkapitalfonderna"), 2008, 0.05),
         (("batteriindustrin",), 2018, 0.03),
         (("vätgasomställningen",), 2020, 0.03),
         (("mikrolån",), 2010, 0.02),
         (("teknikskiften",), 2008, 0.03),
         (("innovationsmiljöer", "innovationsmiljöerna"), 2009, 0.08)],
    ),
    "tillganglighet": (
        ["tillgänglighet i hela landet", "digital infrastruktur", "bredbandsutbyggnad",
         "kollektivtrafik", "regional transportinfrastruktur", "godstransporter",
         "persontrafik på järnväg", "pendlingsmöjligheter", "vägnätet på landsbygden",
         "digitala tjänster", "tillgång till service", "länsplanen för transportinfrastruktur",
         "den nationella planen för transportsystemet", "mobiltäckning", "hållbara resor",
         "laddinfrastruktur", "flygtrafiken i norra Sverige", "attraktiva miljöer",
         "boendeplanering", "funktionella arbetsmarknadsregioner", "digital kompetens"],
        [(("ortssammanbindande nät",), 2010, 0.03),
         (("Norrbotniabanan",), 2010, 0.02),
         (("Ostlänken",), 2010, 0.02),
         (("kollektivtrafikmyndigheten", "regionala kollektivtrafikmyndigheten"), 2012, 0.05),
         (("fiberföreningar", "fiberföreningarna"), 2009, 0.04),
         (("5G-utbyggnaden",), 2019, 0.04),
         (("tillgänglighetsanalyser", "tillgänglighetsanalyserna"), 2012, 0.05),
         (("trafikförsörjningsprogram", "trafikförsörjningsprogrammet"), 2012, 0.06),
         (("cykelinfrastruktur",), 2012, 0.04)],
    ),
    "internationellt": (
        ["internationellt samarbete", "EU-samarbete", "regionernas internationella arbete",
         "partnerskap med regioner i andra länder", "EU:s sammanhållningspolitik",
         "Brysselkontorens arbete", "gränsöverskridande samarbete",
         "internationell attraktionskraft", "exportsamverkan", "internationella nätverk",
         "makroregionala strategier", "EU-programmen", "internationell kompetensrekrytering"],
        [(("Interreg",), 2008, 0.12),
         (("Östersjöstrategin",), 2009, 0.06),
         (("Europeiska regionkommittén",), 2008, 0.04),
         (("regionalfonden", "Europeiska regionala utvecklingsfonden"), 2008, 0.08),
         (("Horisont Europa",), 2021, 0.05),
         (("exportcentrum", "regionala exportcentrum"), 2016, 0.05),
         (("Nordiska ministerrådet",), 2008, 0.03),
         (("partnerskapsöverenskommelsen",), 2013, 0.03),
         (("Suzhou",), 2010, 0.01)],
    ),
    "likvardiga": (
        ["likvärdiga möjligheter i hela landet", "boende, arbete och välfärd",
         "kommersiell service på landsbygden", "tillgång till vård", "bostadsförsörjning",
         "den demografiska utvecklingen", "glesbygdens förutsättningar",
         "lokalt utvecklingsarbete", "socialt hållbar utveckling", "jämställdhet",
         "inkludering", "landsbygdsutveckling", "kompetens inom välfärden",
         "utflyttningen av unga", "samhällsservice", "levande landsbygder"],
        [(("servicepunkter", "servicepunkterna"), 2012, 0.06),
         (("lokalt ledd utveckling",), 2014, 0.04),
         (("hemsändningsbidrag",), 2010, 0.02),
         (("glesbygdsmedicin",), 2012, 0.02),
         (("landsbygdsprogrammet",), 2008, 0.07),
         (("regionala serviceprogram", "serviceprogrammet"), 2014, 0.05),
         (("socioekonomisk segregation",), 2016, 0.04),
         (("äldreomsorgslyftet",), 2020, 0.02)],
    ),
    "klimat": (
        ["klimat och energi", "energieffektivisering", "förnybar energi", "klimatanpassning",
         "fossilfria transporter", "cirkulär ekonomi", "biobaserad ekonomi",
         "vindkraftsutbyggnad", "klimatomställningen"],
        [(("Klimatklivet",), 2015, 0.05),
         (("energikontoren",), 2008, 0.05),
         (("vindbruk",), 2009, 0.04),
         (("biogasproduktion",), 2008, 0.04),
         (("energi- och klimatstrategier", "regionala energi- och klimatstrategier"), 2010,
          0.06)],
    ),
}
GENERAL_TOPICS = [
    "regional utveckling", "hållbar tillväxt", "samverkan mellan kommuner och region",
    "det regionala utvecklingsansvaret", "den regionala utvecklingsstrategin",
    "flernivåsamverkan", "uppföljning och utvärdering", "lärande mellan regionerna",
    "regionala utvecklingsmedel", "EU:s strukturfonder", "det näringspolitiska arbetet",
    "omställningen i näringslivet", "en jämlik och jämställd utveckling",
    "landsbygdernas förutsättningar", "attraktionskraften i hela länet", "samhällsplanering",
    "regional analys", "statlig och regional samverkan", "styrning och finansiering",
    "hållbar omställning", "klimatarbetet", "befolkningsutvecklingen",
    "demografiska utmaningar", "funktionella regioner", "samarbetet över länsgränser",
    "näringslivets behov", "det civila samhällets engagemang", "den nationella strategin",
    "programmen för regional utveckling",
]
ACTORS = [
    "Tillväxtverket", "länsstyrelsen", "kommunerna", "näringslivet", "lärosätena",
    "civilsamhällets organisationer", "Arbetsförmedlingen", "Vinnova",
    "Sveriges Kommuner och Regioner", "regionens näringslivsenhet", "de statliga myndigheterna",
    "regeringen", "Trafikverket", "de regionala aktörerna", "forskningsinstituten",
    "branschorganisationerna", "arbetsmarknadens parter", "Myndigheten för yrkeshögskolan",
    "Post- och telestyrelsen", "Boverket", "Jordbruksverket", "Energimyndigheten",
    "Skolverket", "Statistiska centralbyrån", "Almi", "Business Sweden",
]
GOALS = [
    "den regionala konkurrenskraften", "attraktionskraften i hela länet",
    "jämlika livsvillkor i hela landet", "en hållbar omställning", "företagens tillväxt",
    "sysselsättningen i länet", "en god tillgång till service",
    "en stark och hållbar arbetsmarknad", "regionens långsiktiga utveckling",
    "förutsättningarna för boende och företagande", "en socialt hållbar utveckling",
    "den gröna omställningen", "samhällets motståndskraft", "ett inkluderande samhälle",
]
PEOPLE_GROUPS = [
    "unga vuxna", "utrikes födda kvinnor", "små och medelstora företag", "kommunerna i länet",
    "företag på landsbygden", "långtidsarbetslösa", "äldre yrkesverksamma", "nyanlända",
    "studenter", "företagare", "invånarna i glesbygden",
    "unga som varken arbetar eller studerar", "kvinnor som driver företag",
]
MEASURES = [
    "en gemensam handlingsplan", "ett uppföljningssystem", "en regional samverkansplattform",
    "en pilotsatsning", "ett treårigt projekt", "en kartläggning", "en ny strategi",
    "en samordnad insats", "ett utvecklingsprogram", "en behovsanalys",
    "en gemensam avsiktsförklaring", "ett lärande nätverk", "en förstudie", "en utvärdering",
    "en regional överenskommelse", "en treårig handlingsplan",
]
ADJECTIVES = ["långsiktig", "fördjupad", "tydligare", "strategisk", "gemensam", "bredare",
              "effektivare", "mer samordnad", "systematisk", "närmare"]
COMMON_NOUNS = ["samverkan", "styrning", "uppföljning", "dialog", "samordning", "finansiering",
                "prioritering", "kunskapsuppbyggnad", "planering", "förankring"]
OUTCOMES = [
    "fler företag har startats", "sysselsättningen har ökat", "samverkan har stärkts",
    "kunskapsläget har förbättrats", "fler har fått arbete", "utbildningsutbudet har breddats",
    "skillnaderna mellan länets delar har minskat", "restiderna har kortats",
    "fler kommuner deltar i arbetet", "arbetet har fått en tydligare inriktning",
    "fler unga har valt att stanna i regionen", "företagen har lättare att rekrytera",
]
CHALLENGES = [
    "en åldrande befolkning", "svårigheter att rekrytera", "långa avstånd",
    "en ojämn tillgång till service", "strukturomvandlingen i industrin", "bristen på bostäder",
    "en låg utbildningsnivå i delar av länet", "ökade kostnader",
    "otydliga ansvarsförhållanden", "begränsade resurser i små kommuner",
]
TIMES = ["under året", "de senaste åren", "under perioden", "sedan förra mötet",
         "under hösten", "under våren", "de senaste tio åren"]
SOURCES = ["Statistiska centralbyrån", "Tillväxtverkets uppföljning", "regionens egen analys",
           "Arbetsförmedlingens prognoser", "SKR:s sammanställning", "Tillväxtanalys",
           "en enkät till kommunerna", "en undersökning bland företagen"]
COUNTED = ["sysselsatta", "nystartade företag", "invånare", "pendlare",
           "studerande i yrkesutbildning", "företag med export", "anställda inom industrin",
           "hushåll med bredband"]
PLACES = [
    "Kiruna", "Gällivare", "Skellefteå", "Lycksele", "Storuman", "Sorsele", "Örnsköldsvik",
    "Härnösand", "Kramfors", "Strömsund", "Krokom", "Åre", "Sveg", "Ljusdal", "Hudiksvall",
    "Söderhamn", "Bollnäs", "Malung", "Mora", "Ludvika", "Avesta", "Torsby", "Arvika",
    "Hagfors", "Filipstad", "Karlskoga", "Lindesberg", "Köping", "Sala", "Fagersta",
    "Enköping", "Tierp", "Norrtälje", "Södertälje", "Nyköping", "Katrineholm", "Motala",
    "Finspång", "Västervik", "Vimmerby", "Oskarshamn", "Nybro", "Ljungby", "Älmhult",
    "Värnamo", "Gislaved", "Eksjö", "Tranås", "Karlshamn", "Sölvesborg", "Ronneby",
    "Hässleholm", "Ystad", "Trelleborg", "Simrishamn", "Falkenberg", "Varberg", "Laholm",
    "Trollhättan", "Uddevalla", "Lidköping", "Skövde", "Strömstad", "Bengtsfors", "Visby",
]
TEMPLATES = [
    "{actor} {verb_past} {topic} {when}.",
    "{region} {verb_past} {topic} tillsammans med {actor}.",
    "Det finns ett fortsatt behov av {topic} för att stärka {goal}.",
    "Enligt {source} har {pct} procent av {people} i {county} fått det bättre sedan {year0}.",
    "Forumet konstaterar att {topic} kräver en {adj} {noun} mellan {actor} och {actor2}.",
    "I {region} pågår {measure} om {topic} med stöd av {actor}.",
    "{actor} {verb_pres} {topic} i hela länet.",
    "En viktig slutsats är att {topic} och {topic2} hänger ihop.",
    "Regionerna lyfter fram {challenge} som ett hinder för {topic}.",
    "För att nå målen behövs {measure} och en {adj} {noun}.",
    "Under {year} fördelades {num} miljoner kronor till insatser för {topic}.",
    "Samtidigt pekar flera regioner på {challenge}.",
    "Erfarenheterna från {place} visar att {outcome}.",
    "Arbetet med {topic} följs upp varje år i den regionala utvecklingsstrategin.",
    "Diskussionen handlade om hur {topic} kan bidra till {goal}.",
    "{actor} betonade vikten av {topic} för {people}.",
    "Flera regioner efterfrågar bättre underlag om {topic}.",
    "Det saknas i dag en samlad bild av {topic} på regional nivå.",
    "Kansliet föreslår att forumet återkommer till {topic} vid ett kommande möte.",
    "Statens och regionernas roller behöver tydliggöras när det gäller {topic}.",
    "Insatserna riktas särskilt till {people} i {county}.",
    "Mellan {year0} och {year} ökade antalet {counted} i länet med {pct} procent.",
    "Resultaten redovisas i {measure} som presenteras för forumet.",
    "En {adj} {noun} mellan nationell och regional nivå efterfrågas.",
    "Det regionala utvecklingsansvaret innebär att regionen samordnar arbetet med {topic}.",
    "Det är angeläget att {topic} beaktas när den nationella strategin genomförs.",
    "{region} och {region2} har inlett ett samarbete om {topic}.",
    "Erfarenhetsutbytet mellan regionerna bidrar till {goal}.",
    "Underlaget bygger på intervjuer med företrädare för {actor}, {actor2} och regionerna.",
    "Ett tjugotal kommuner har deltagit i arbetet med {topic}.",
    "Utvärderingen visar att {outcome}, men {challenge} är fortfarande en utmaning.",
    "Frågan om {topic} har också diskuterats i tjänstepersonsforum.",
    "Regeringen har gett {actor} i uppdrag att stödja regionernas arbete med {topic}.",
    "Ambitionen är att {topic} ska bli en naturlig del av {topic2}.",
    "Det krävs {measure} för att {topic} ska få genomslag i hela länet.",
    "Forumets ledamöter delade erfarenheter av {topic} från sina regioner.",
    "Skillnaderna mellan storstadsregioner och glesa regioner är stora när det gäller {topic}.",
    "Nästa steg är att ta fram {measure} tillsammans med {actor}.",
    "Statistiken från {source} visar en positiv utveckling för {people}.",
    "{region} har sedan {year0} arbetat systematiskt med {topic}.",
    "I {place} har kommunen och regionen tillsammans prövat nya former för {topic}.",
    "Ledamöterna var överens om att {topic} är en gemensam angelägenhet för stat och region.",
    "Mot den bakgrunden föreslås {measure} för {topic}.",
    "Det finns goda exempel, men arbetet med {topic} skiljer sig mycket åt mellan regionerna.",
    "{actor} redogjorde för hur {topic} följs upp nationellt.",
]
TERM_TEMPLATES = [
    "Arbetet med {term} har lett till att {outcome}.",
    "{region} har under {year} prövat {term} i samarbete med {actor}.",
    "Flera regioner vill fördjupa erfarenhetsutbytet om {term}.",
    "Kansliet har sammanställt regionernas arbete med {term}.",
    "Frågan om {term} togs upp av flera ledamöter.",
    "En särskild redovisning av {term} lämnas till nästa möte.",
    "Erfarenheterna av {term} i {place} är goda.",
]
VERBS_PAST = ["har arbetat med", "har prioriterat", "har utvecklat arbetet med", "har kartlagt",
              "har följt upp", "har analyserat", "har stärkt arbetet med",
              "har finansierat insatser för", "har tagit fram underlag om",
              "har lyft frågan om", "har fördjupat kunskapen om", "har samordnat insatser för"]
VERBS_PRESENT = ["behöver prioritera", "ska fortsätta att utveckla", "vill stärka",
                 "planerar insatser för", "ser ett behov av", "följer arbetet med",
                 "avser att fördjupa arbetet med"]
HEADINGS = {
    DocumentKind.BACKGROUND: ["Sammanfattning", "Bakgrund", "Nuläge", "Analys", "Förslag",
                              "Fortsatt arbete"],
    DocumentKind.REPORT: ["Sammanfattning", "Uppdraget", "Genomförande", "Resultat",
                          "Slutsatser", "Rekommendationer"],
    DocumentKind.PRESENTATION: ["Inledning", "Utgångsläge", "Det här har vi gjort",
                                "Lärdomar", "Frågor till forumet"],
    DocumentKind.MINUTES: ["§ 1 Mötets öppnande", "§ 2 Föregående mötes anteckningar",
                           "§ 3 Aktuellt från regeringen", "§ 4 Temadiskussion",
                           "§ 5 Regionernas erfarenheter", "§ 6 Övriga frågor",
                           "§ 7 Nästa möte"],
    DocumentKind.NOTICE: ["Kallelse", "Dagordning", "Praktisk information"],
    DocumentKind.OTHER: ["Inledning", "Innehåll", "Kontakt"],
}
WORDS = {  # (median words, spread) of the text by kind: 200–1,000 words, about 400 on average
    DocumentKind.NOTICE: (230, 0.15), DocumentKind.BACKGROUND: (430, 0.45),
    DocumentKind.REPORT: (560, 0.4), DocumentKind.PRESENTATION: (300, 0.35),
    DocumentKind.MINUTES: (420, 0.3), DocumentKind.OTHER: (260, 0.3),
}
FORMATS = {  # which files each kind of document comes as, most common first
    DocumentKind.NOTICE: ["pdf", "docx"], DocumentKind.BACKGROUND: ["pdf", "docx", "odt"],
    DocumentKind.REPORT: ["pdf", "pdf", "docx"], DocumentKind.PRESENTATION: ["pptx", "pdf"],
    DocumentKind.MINUTES: ["pdf", "docx"], DocumentKind.OTHER: ["docx", "txt", "pdf"],
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "txt": "text/plain; charset=utf-8",
}


def plan(scale: float) -> dict[str, int]:
    """The figures asked for at a scale: people, meetings and documents (the generated
    forum has these, except that the roster and the bodies' least meetings come first)."""
    return {"years": YEARS, "people": round(PEOPLE * scale), "meetings": round(MEETINGS * scale),
            "documents": round(DOCUMENTS * scale)}


@dataclass(frozen=True)
class Forum:
    """What the scenarios need to know about the generated forum."""

    body_slug: str  # the public feed measured
    body_meetings: int
    meeting_id: int  # a held public meeting with many documents
    member_name: str
    member_meetings: int  # the events in the member's personal feed
    personal_token: str
    theme_id: int = 0  # the theme whose knowledge bank is measured
    search_query: str = SEARCH_QUERY
    search_hits: int = 0  # all documents an anonymous visitor finds (the page lists 50)
    region_code: str = REGION_CODE
    scale: float = 1.0
    counts: dict[str, int] = field(default_factory=dict, compare=False)
    meeting_title: str = ""  # of meeting_id
    theme_name: str = ""  # of theme_id, in Swedish
    listed_meetings: int = 0  # on the first page of the meetings list: all to come, 25 held


# PostgreSQL's planner setting for storage without seek time (docs/deployment.md).
RANDOM_PAGE_COST = 1.1


class NotEmpty(Exception):
    pass


def refuse_unless_empty(engine: Engine) -> None:
    tables = inspect(engine).get_table_names()
    if tables:
        fresh = (f"remove {engine.url.database}" if engine.dialect.name == "sqlite" else
                 f"`dropdb {engine.url.database} && createdb {engine.url.database}`")
        raise NotEmpty(
            f"{engine.url.render_as_string()} is not empty ({len(tables)} tables, e.g. "
            f"{', '.join(sorted(tables)[:3])}); the benchmark only fills an empty database. "
            f"Make a new one, e.g. {fresh}."
        )


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def build(engine: Engine, session: Session, scale: float = 1.0, *,
          blob_store: blobs.BlobStore | None = None, progress: bool = True) -> Forum:
    """Schema and reference data as `forum init` makes them, then the forum in bulk. The
    files go to blob_store (by default the app's: call inside an app context)."""
    if scale <= 0:
        raise ValueError("the scale must be positive")
    refuse_unless_empty(engine)
    migrate.upgrade(engine)
    reference.load(session)
    session.commit()
    generator = _Generator(session, random.Random(2026), scale,
                           blob_store if blob_store is not None else blobs.store(), progress)
    forum = generator.run()
    session.commit()
    # The planner's statistics for the tables just filled, as `forum restore` leaves them
    # (SQLite gathers none by itself). On PostgreSQL, what autovacuum does to tables just
    # filled, VACUUM with their statistics, done now, so that it is never under way while
    # something is measured.
    if engine.dialect.name == "postgresql":
        session.close()
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM (ANALYZE)"))
            # The setting docs/deployment.md recommends for a database on SSDs or in memory:
            # the default (4) makes the planner walk 30,000 documents rather than look up
            # the few hundred that a search matched.
            connection.execute(text(
                f'ALTER DATABASE "{engine.url.database}" SET random_page_cost = {RANDOM_PAGE_COST}'))
        engine.dispose()  # new connections take the setting
    else:
        session.execute(text("ANALYZE"))
        session.commit()
    return forum


def _at(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=STOCKHOLM).astimezone(UTC)


def _local(moment: datetime) -> date:
    return moment.astimezone(STOCKHOLM).date()


def _ascii(text_: str) -> str:
    return unicodedata.normalize("NFKD", text_).encode("ascii", "ignore").decode()


def _swedish_day(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _capital(text_: str) -> str:
    return text_[:1].upper() + text_[1:]


def _small(name: str) -> str:
    """A body's name inside a sentence: "Arbetsgruppen för EU-frågor" → "arbetsgruppen för
    EU-frågor"."""
    return name[:1].lower() + name[1:]


def _shares(total: int, weights: list[float]) -> list[int]:
    """total split by weights into whole numbers that add up to it (largest remainders)."""
    whole = sum(weights)
    if total <= 0 or whole <= 0:
        return [0] * len(weights)
    exact = [total * w / whole for w in weights]
    shares = [math.floor(x) for x in exact]
    for i in sorted(range(len(exact)), key=lambda i: shares[i] - exact[i])[:total - sum(shares)]:
        shares[i] += 1
    return shares


@dataclass
class _Meeting:
    id: int
    body: str  # slug
    start: datetime
    end: datetime
    status: MeetingStatus
    theme_id: int | None
    family: str
    title: str
    host_region_id: int | None
    guests: list[int] = field(default_factory=list)


@dataclass
class _Holding:
    person_id: int
    body: str
    region_id: int | None
    side: str
    start: date
    end: date | None

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


class _Prose:
    """Swedish prose assembled from the vocabulary above: templates whose slots are filled
    from the document's family of subjects, the general vocabulary and the places."""

    def __init__(self, regions: list[Region]):
        self.regions = [r.name for r in regions]
        self.counties = [r.county_name for r in regions]
        self.templates = [(t, self._slots(t)) for t in TEMPLATES]
        self.term_templates = [(t, self._slots(t)) for t in TERM_TEMPLATES]

    @staticmethod
    def _slots(template: str) -> tuple[str, ...]:
        return tuple(name for _, name, _, _ in string.Formatter().parse(template) if name)

    def _pickers(self, rng: random.Random, family: str, year: int) -> dict:
        phrases = FAMILIES[family][0]
        choice = rng.choice

        def topic() -> str:
            return choice(phrases) if rng.random() < 0.7 else choice(GENERAL_TOPICS)

        def year0() -> str:
            return str(year - rng.randint(2, 8))

        return {
            "actor": lambda: choice(ACTORS), "actor2": lambda: choice(ACTORS),
            "topic": topic, "topic2": topic, "goal": lambda: choice(GOALS),
            "people": lambda: choice(PEOPLE_GROUPS), "measure": lambda: choice(MEASURES),
            "adj": lambda: choice(ADJECTIVES), "noun": lambda: choice(COMMON_NOUNS),
            "outcome": lambda: choice(OUTCOMES), "challenge": lambda: choice(CHALLENGES),
            "when": lambda: choice(TIMES), "source": lambda: choice(SOURCES),
            "counted": lambda: choice(COUNTED), "place": lambda: choice(PLACES),
            "region": lambda: choice(self.regions), "region2": lambda: choice(self.regions),
            "county": lambda: choice(self.counties), "year": lambda: str(year),
            "year0": year0, "pct": lambda: str(rng.randint(3, 45)),
            "num": lambda: str(rng.randint(2, 180)),
            "verb_past": lambda: choice(VERBS_PAST), "verb_pres": lambda: choice(VERBS_PRESENT),
        }

    def sentences(self, rng: random.Random, family: str, year: int, words: int,
                  terms: list[tuple[str, ...]] = ()) -> list[str]:
        pick = self._pickers(rng, family, year)
        out, count = [], 0
        templates = self.templates
        while count < words:
            template, slots = templates[int(rng.random() * len(templates))]
            sentence = template.format(**{name: pick[name]() for name in slots})
            out.append(sentence[0].upper() + sentence[1:])
            count += sentence.count(" ") + 1
        for forms in terms:
            for _ in range(1 + (rng.random() < 0.6) + (rng.random() < 0.25)):
                template, slots = rng.choice(self.term_templates)
                values = {name: pick[name]() for name in slots if name != "term"}
                sentence = template.format(term=rng.choice(forms), **values)
                out.insert(rng.randrange(len(out) + 1), sentence[0].upper() + sentence[1:])
        return out

    def document(self, rng: random.Random, kind: DocumentKind, family: str, year: int,
                 terms: list[tuple[str, ...]], lead: list[str] = ()) -> str:
        median, spread = WORDS[kind]
        words = int(min(1000, max(200, rng.lognormvariate(math.log(median), spread))))
        words -= sum(line.count(" ") + 1 for line in lead)
        sentences = self.sentences(rng, family, year, max(words, 40), terms)
        headings = HEADINGS[kind]
        parts = list(lead)
        position, heading = 0, 0
        while position < len(sentences):
            if heading < len(headings) and (position == 0 or rng.random() < 0.5):
                parts.append(headings[heading])
                heading += 1
            size = rng.randint(3, 6)
            parts.append(" ".join(sentences[position:position + size]))
            position += size
        return "\n\n".join(parts)

    def terms(self, rng: random.Random, family: str, year: int) -> list[tuple[str, ...]]:
        """The specific terms a document of the family mentions; rarely another family's."""
        chosen = []
        for name, (_, terms) in FAMILIES.items():
            factor = 1.0 if name == family else 0.03
            for forms, since, share in terms:
                if year >= since and rng.random() < share * factor:
                    chosen.append(forms)
        return chosen


class _Generator:
    def __init__(self, session: Session, rng: random.Random, scale: float,
                 blob_store: blobs.BlobStore, progress: bool):
        self.session = session
        self.rng = rng
        self.scale = scale
        self.store = blob_store
        self.progress = progress
        self.began = clock.perf_counter()
        self.now = utcnow()
        self.today = _local(self.now)
        self.last_year = self.today.year + 1  # the planner has planned next year
        self.first_year = self.last_year - YEARS + 1
        self.regions = {r.code: r for r in session.scalars(select(Region).order_by(Region.code))}
        self.region_by_id = {r.id: r for r in self.regions.values()}
        self.periods = list(session.scalars(select(StrategyPeriod)
                                            .order_by(StrategyPeriod.start_date)))
        self.themes = {t.slug: t for t in session.scalars(select(Theme))}
        self.prose = _Prose(list(self.regions.values()))
        self.ids: dict[str, int] = {}
        self.emails: set[str] = set()
        self.people: list[dict] = []
        self.nominations: list[dict] = []
        self.holdings: dict[str, list[_Holding]] = defaultdict(list)
        self.orgs: dict[str, dict] = {}  # name -> {"id", "kind", "domain", "region_id"}
        self.others: list[dict] = []  # the organisations that are not regions

    def say(self, message: str) -> None:
        if self.progress:
            say(f"  {clock.perf_counter() - self.began:6.1f} s  {message}")

    def next_id(self, table: str) -> int:
        if table not in self.ids:
            self.ids[table] = self.session.scalar(text(f"SELECT COALESCE(MAX(id), 0) FROM {table}"))
        self.ids[table] += 1
        return self.ids[table]

    def insert(self, table, rows: list[dict]) -> None:
        for start in range(0, len(rows), BATCH):
            self.session.execute(insert(table), rows[start:start + BATCH])

    # --- the whole forum ------------------------------------------------------------------

    def run(self) -> Forum:
        self.say(f"scale {self.scale}: {self.first_year}–{self.last_year}, "
                 f"figures asked for {plan(self.scale)}")
        self.organisations()
        groups = self.groups()
        secretariat = self.secretariat()
        member = self.forum_roster()
        self.group_roster(groups, member)
        self.pool()
        self.insert(Person.__table__, self.people)
        self.insert(Nomination.__table__, self.nominations)
        self.say(f"{len(self.people)} people, {len(self.nominations)} nominations")
        by = self.account(secretariat, staff=True)
        member_account = self.account(member)
        meetings = self.meetings(groups)
        member_guest_of = self.guests(meetings, member)
        self.records(meetings, by)
        self.say(f"{len(meetings)} meetings with agendas, guests, attendance and minutes")
        files = self.files()
        flagship = self.documents(meetings, groups, files, by)
        token = feeds.issue_token(self.session, self.session.get(Account, member_account))
        self.session.flush()
        if self.session.get_bind().dialect.name == "sqlite":
            indexed = backup.rebuild_search(self.session.connection())
            self.say(f"search index (SQLite FTS5, Snowball stems): {indexed} documents")
        backup._reset_sequences(self.session.connection())
        return self.facts(meetings, member, member_guest_of, flagship, token)

    # --- organisations and people ---------------------------------------------------------

    def organisations(self) -> None:
        for organisation in self.session.scalars(select(Organisation)):
            domain = {"Västra Götalandsregionen": "vgregion.se",
                      "Region Jönköpings län": "rjl.se"}.get(
                organisation.name, _ascii(organisation.name).lower().replace(" ", "") + ".se")
            self.orgs[organisation.name] = {"id": organisation.id, "kind": organisation.kind,
                                            "domain": domain,
                                            "region_id": organisation.region_id}
        rows = []
        for name, short, kind, domain in ORGANISATIONS:
            if name in self.orgs:
                continue
            row = {"id": self.next_id("organisations"), "name": name, "short_name": short,
                   "kind": kind, "region_id": None, "website": f"https://www.{domain}",
                   "note": "", "created_at": self.now, "updated_at": self.now}
            rows.append(row)
            self.orgs[name] = {"id": row["id"], "kind": kind, "domain": domain,
                               "region_id": None}
        for region in self.regions.values():
            name = f"Länsstyrelsen i {region.county_name}"
            row = {"id": self.next_id("organisations"), "name": name, "short_name": "",
                   "kind": OrganisationKind.AGENCY, "region_id": None,
                   "website": "https://www.lansstyrelsen.se", "note": "",
                   "created_at": self.now, "updated_at": self.now}
            rows.append(row)
            self.orgs[name] = {"id": row["id"], "kind": OrganisationKind.AGENCY,
                               "domain": "lansstyrelsen.se", "region_id": None}
        self.insert(Organisation.__table__, rows)
        self.others = [o for o in self.orgs.values() if o["kind"] is not OrganisationKind.REGION]

    def region_org(self, region: Region) -> dict:
        return self.orgs[region.name]

    def person(self, organisation: dict | None, title: str, since: date | None = None) -> int:
        rng = self.rng
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        base = _ascii(f"{given}.{family}").lower().replace(" ", "")
        domain = organisation["domain"] if organisation else "forum.example.se"
        email, n = f"{base}@{domain}", 1
        while email in self.emails:
            n += 1
            email = f"{base}{n}@{domain}"
        self.emails.add(email)
        created = _at(since, time(9, 0)) - timedelta(days=rng.randint(5, 60)) if since else (
            self.now - timedelta(days=rng.randint(1, 365 * YEARS)))
        created = min(created, self.now)
        row = {"id": self.next_id("people"), "given_name": given, "family_name": family,
               "title": title, "organisation_id": organisation["id"] if organisation else None,
               "email": email, "phone": f"0{rng.randint(10, 99)}-{rng.randint(100000, 999999)}",
               "note": "", "created_at": created, "updated_at": created}
        self.people.append(row)
        return row["id"]

    def nominate(self, person_id: int, body: Body, seat: Seat, region_id: int | None,
                 slot: int, start: date, end: date | None, party: str = "",
                 by: int | None = None) -> None:
        self.nominations.append({
            "id": self.next_id("nominations"), "person_id": person_id, "body_id": body.id,
            "seat_id": seat.id, "region_id": region_id, "slot": slot, "party": party,
            "start_date": start, "end_date": end, "nominated_by_id": by, "note": "",
            "created_at": min(_at(start, time(9, 0)) - timedelta(days=20), self.now)})
        self.holdings[body.slug].append(_Holding(person_id, body.slug, region_id,
                                                 seat.side.value if seat.is_political else "",
                                                 start, end))

    def secretariat(self) -> int:
        agency = self.orgs["Tillväxtverket"]
        first = None
        for title, count in SECRETARIAT:
            for _ in range(count):
                made = self.person(agency, f"{title}, forumets kansli")
                first = first or made
        return first

    def terms(self) -> list[tuple[date, date | None]]:
        starts = [CURRENT_TERM]
        while starts[0] > date(self.first_year, 1, 1):
            starts.insert(0, starts[0].replace(year=starts[0].year - TERM_YEARS))
        return [(start, start.replace(year=start.year + TERM_YEARS) - timedelta(days=1))
                for start in starts[:-1]] + [(starts[-1], None)]

    def forum_roster(self) -> int:
        """Every region's nominations to every seat of both forum bodies, term by term: some
        holders stay for another term, some are replaced during one. One member holds the
        same seat throughout."""
        rng = self.rng
        forum_bodies = list(self.session.scalars(
            select(Body).where(Body.kind == BodyKind.FORUM).order_by(Body.position)))
        member = None
        for code, region in self.regions.items():
            organisation = self.region_org(region)
            for body in forum_bodies:
                for seat in body.seats:
                    political = seat.is_political
                    title = ("Regionråd" if seat.side is Side.MAJORITY else "Oppositionsråd"
                             ) if political else "Regional utvecklingsdirektör"
                    holder, party = None, ""
                    for start, end in self.terms():
                        keep = (code, body.slug, seat.slug) == MEMBER_SEAT
                        if holder is None or not (keep or rng.random() < 0.3):
                            holder = self.person(organisation, title, start)
                            party = rng.choice(PARTIES) if political else ""
                        if keep:
                            member = holder
                        stretches = [(start, end, holder)]
                        if not keep and rng.random() < 0.15:
                            # Replaced during the term: the old holder's last day is the day
                            # before the successor's first.
                            change = start + timedelta(days=rng.randint(200, 1200))
                            successor = self.person(organisation, title, change)
                            stretches = [(start, change - timedelta(days=1), holder),
                                         (change, end, successor)]
                            holder = successor
                        for first, last, who in stretches:
                            self.nominate(who, body, seat, region.id, 1, first, last, party,
                                          organisation["id"])
        assert member is not None
        return member

    def groups(self) -> list[Body]:
        """The working groups and networks, made as the secretariat makes them."""
        made = []
        for (kind, name_sv, name_en, about, email, set_up, closed, themes, _family,
             _size) in GROUPS:
            body = bodies.create_group(
                self.session, kind=kind, name_sv=name_sv, name_en=name_en, description_sv=about,
                email=email, established_on=set_up,
                themes=[self.themes[slug] for slug in themes.values()])
            if closed:
                bodies.update_body(self.session, body, closed_on=closed)
            made.append(body)
        self.session.flush()
        return made

    def group_span(self, body: Body) -> tuple[date, date]:
        return (max(body.established_on, date(self.first_year, 1, 1)),
                body.closed_on or date(self.last_year, 12, 31))

    def group_roster(self, groups: list[Body], member: int) -> None:
        """A chair at a time, and each member's place held by one person after another, from
        the regions and from agencies and others; the measured member sits in one network."""
        for body, spec in zip(groups, GROUPS, strict=True):
            kind, size = spec[0], spec[-1]
            chair_seat, member_seat = body.seats
            regional = 0.85 if kind is BodyKind.NETWORK else 0.65
            self.chain(body, chair_seat, 1, "Regional utvecklingsdirektör", regional, (2, 5))
            title = "EU-samordnare" if body.name_sv == MEMBER_GROUP else "Utvecklingsstrateg"
            for slot in range(1, size + 1):
                self.chain(body, member_seat, slot, title, regional, (2, 8))
            if body.name_sv == MEMBER_GROUP:
                region = self.regions[REGION_CODE]
                self.nominate(member, body, member_seat, region.id, size + 1, MEMBER_GROUP_FROM,
                              None, by=self.region_org(region)["id"])

    def chain(self, body: Body, seat: Seat, slot: int, title: str, regional: float,
              years: tuple[int, int]) -> None:
        """One place in a group's seat, held by one person after another from the day the
        group was set up; each new holder starts the day after the last one's last day."""
        rng = self.rng
        first, last = body.established_on, body.closed_on
        start = first
        while start < self.today and (last is None or start <= last):
            end = start + timedelta(days=rng.randint(365 * years[0], 365 * years[1]))
            if end >= self.today or (last is not None and end >= last):
                end = last
            if rng.random() < regional:
                region = rng.choice(list(self.regions.values()))
                organisation, region_id = self.region_org(region), region.id
                person_id = self.person(organisation, title, start)
            else:
                organisation = rng.choice(self.others)
                region_id = None
                person_id = self.person(organisation, rng.choice(TITLES[organisation["kind"]]),
                                        start)
            self.nominate(person_id, body, seat, region_id, slot, start, end,
                          by=organisation["id"])
            if end is None:
                break
            start = end + timedelta(days=1)

    def pool(self) -> None:
        """Everyone else the forum deals with, up to the number asked for: people at the
        regions, agencies, ministries and others, who are invited to meetings as guests."""
        wanted = plan(self.scale)["people"] - len(self.people)
        organisations = list(self.orgs.values())
        weights = [{OrganisationKind.REGION: 9, OrganisationKind.AGENCY: 5,
                    OrganisationKind.MINISTRY: 4, OrganisationKind.ASSOCIATION: 3,
                    OrganisationKind.OTHER: 2}[o["kind"]] for o in organisations]
        self.guest_pool: list[int] = []
        self.state_guests: list[int] = []  # ministries and agencies, for the forum bodies
        for organisation in self.rng.choices(organisations, weights, k=max(wanted, 20)):
            titles = TITLES[organisation["kind"]]
            title = titles[min(int(self.rng.expovariate(0.6)), len(titles) - 1)]
            person_id = self.person(organisation, title)
            self.guest_pool.append(person_id)
            if organisation["kind"] in (OrganisationKind.MINISTRY, OrganisationKind.AGENCY):
                self.state_guests.append(person_id)

    def account(self, person_id: int, staff: bool = False) -> int:
        person = next(p for p in self.people if p["id"] == person_id)
        account = Account(person_id=person_id, email=person["email"],
                          password_hash=hash_password(uuid.uuid4().hex), is_secretariat=staff,
                          created_at=min(person["created_at"] + timedelta(days=3), self.now))
        self.session.add(account)
        self.session.flush()
        return account.id

    # --- meetings ---------------------------------------------------------------------------

    def schedule(self, count: int, first: date, last: date) -> list[date]:
        """count days from first to last, evenly over the months but July and August (two
        or more a month when there are more meetings than months), Tuesday to Thursday."""
        months = [(y, m) for y in range(first.year, last.year + 1) for m in range(1, 13)
                  if m not in (7, 8) and date(y, m, 28) >= first and date(y, m, 1) <= last]
        per = max(1, math.ceil(count / max(len(months), 1)))
        slots = [(y, m, part) for y, m in months for part in range(per)]
        days = []
        for k in range(count):
            y, m, part = slots[round(k * (len(slots) - 1) / max(count - 1, 1))]
            low, high = {1: (22, 30), 6: (1, 18), 12: (1, 15)}.get(m, (2, 26))
            width = (high - low + 1) / per
            day = date(y, m, low + int(part * width + self.rng.random() * width))
            while day.isoweekday() not in (2, 3, 4):
                day += timedelta(days=1)
            days.append(min(max(day, first), last))
        return sorted(days)

    def meeting_counts(self, groups: list[Body]) -> dict[str, int]:
        forum = max(MIN_FORUM_MEETINGS, round(FORUM_MEETINGS * self.scale))
        total = round(MEETINGS * self.scale)
        spans = [self.group_span(g) for g in groups]
        shares = _shares(max(total - 2 * forum, 0), [(b - a).days for a, b in spans])
        counts = {POLITICIANS: forum, OFFICIALS: forum}
        for body, share in zip(groups, shares, strict=True):
            counts[body.slug] = max(MIN_GROUP_MEETINGS, share)
        return counts

    def meetings(self, groups: list[Body]) -> list[_Meeting]:
        """Every body's meetings: the politicians' ten a year on the period's themes in turn,
        the officials' two weeks before each (preparing it), the groups' over their lifetime
        on their own theme; five agenda items each."""
        rng = self.rng
        forum_bodies = {b.slug: b for b in self.session.scalars(
            select(Body).where(Body.kind == BodyKind.FORUM))}
        counts = self.meeting_counts(groups)
        regions = list(self.regions.values())
        made: list[_Meeting] = []
        rows, agenda = [], []

        def add(body: Body, day: date, theme: Theme | None, family: str, title: str,
                starts: time, hours: int, prepares: int | None, digital: bool) -> _Meeting:
            host = rng.choice(regions)
            start, end = _at(day, starts), _at(day, starts) + timedelta(hours=hours)
            created = min(start - timedelta(days=rng.randint(40, 120)),
                          self.now - timedelta(days=rng.randint(1, 30)))
            revision = rng.choice((0, 0, 0, 0, 1, 1, 2))
            updated = min(created + timedelta(days=10 * revision + 1), self.now)
            if end <= self.now:
                status = MeetingStatus.HELD
                updated = min(end + timedelta(days=1), self.now)
            elif day.year == self.today.year:
                status = MeetingStatus.CONFIRMED
            else:
                status = MeetingStatus.PLANNED
            cancel_reason = ""
            if rng.random() < 0.03:
                status, cancel_reason = MeetingStatus.CANCELLED, "För få anmälda deltagare."
                revision += 1
            meeting_id = self.next_id("meetings")
            rows.append({
                "id": meeting_id,
                "uid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "body_id": body.id, "theme_id": theme.id if theme else None, "title": title,
                "start_at": start, "end_at": end,
                "venue": "Digitalt möte" if digital else f"{host.name}, regionens hus",
                "address": "" if digital else f"Regionens hus, {host.county_name}",
                "host_region_id": host.id,
                "online_url": f"https://meet.example.se/{body.slug[:12]}-{meeting_id:05d}",
                "status": status,
                "description": ("Underlag skickas ut senast en vecka före mötet. "
                                "Anmäl ersättare till kansliet."),
                "revision": revision, "prepares_id": prepares, "cancel_reason": cancel_reason,
                "material_deadline": None, "created_at": created, "updated_at": updated,
            })
            items = AGENDA if body.is_forum else GROUP_AGENDA
            for n, (item, at) in enumerate(items, start=1):
                agenda.append({"id": self.next_id("agenda_items"), "meeting_id": meeting_id,
                               "position": n,
                               "title": item if item != "Tema" else f"Tema: {title.split(': ')[-1]}",
                               "presenter": "Kansliet" if n in (1, len(items)) else "",
                               "starts_at": at})
            meeting = _Meeting(meeting_id, body.slug, start, end, status,
                               theme.id if theme else None, family, title, host.id)
            made.append(meeting)
            return meeting

        def topic(day: date, index: int, wanted: dict[str, str] | None = None):
            period = next((p for p in self.periods if p.covers(day)), None)
            if period is None:
                name, family = EARLIER_TOPICS[index % len(EARLIER_TOPICS)]
                return None, family, name
            if wanted is not None:
                slug = wanted.get(period.slug)
                theme = self.themes[slug] if slug else None
            else:
                theme = period.themes[index % len(period.themes)]
            return theme, THEME_FAMILY[theme.slug] if theme else None, theme.name_sv if theme else ""

        politicians = forum_bodies[POLITICIANS]
        officials = forum_bodies[OFFICIALS]
        span = (date(self.first_year, 1, 1), date(self.last_year, 12, 31))
        prepared = []
        themes_by_id = {t.id: t for t in self.themes.values()}
        for index, day in enumerate(self.schedule(counts[POLITICIANS], *span)):
            theme, family, name = topic(day, index)
            prepared.append(add(politicians, day, theme, family, f"{politicians.name_sv}: {name}",
                                time(10, 0), 4, None, rng.random() < 0.15))
        for index, meeting in enumerate(prepared[:counts[OFFICIALS]]):
            day = _local(meeting.start) - timedelta(days=14)
            while day.isoweekday() not in (2, 3, 4):
                day += timedelta(days=1)
            theme = themes_by_id.get(meeting.theme_id)
            name = meeting.title.split(": ", 1)[1]
            add(officials, day, theme, meeting.family, f"{officials.name_sv}: {name}",
                time(10, 0), 4, meeting.id, rng.random() < 0.3)
        for body, spec in zip(groups, GROUPS, strict=True):
            wanted, family = spec[7], spec[8]
            for index, day in enumerate(self.schedule(counts[body.slug], *self.group_span(body))):
                theme, _, _ = topic(day, index, wanted)
                kind = ("digitalt avstämningsmöte" if rng.random() < 0.6 else "arbetsmöte")
                add(body, day, theme, family, f"{body.name_sv}: {kind}", time(9, 30), 3, None,
                    kind.startswith("digitalt") or rng.random() < 0.3)
        self.insert(Meeting.__table__, rows)
        self.insert(AgendaItem.__table__, agenda)
        return made

    def guests(self, meetings: list[_Meeting], member: int) -> set[int]:
        """State secretaries, agency heads and others invited to the meetings; the member
        invited to some of the officials' meetings too. The ids of those."""
        rng = self.rng
        rows = []
        # A few people are invited again and again, most once or twice.
        pool = self.guest_pool
        weights = [1.0 / (1 + i) ** 0.7 for i in range(len(pool))]
        state = self.state_guests or pool
        state_weights = [1.0 / (1 + i) ** 0.7 for i in range(len(state))]
        for meeting in meetings:
            if meeting.body == POLITICIANS:
                chosen = rng.choices(state, state_weights, k=rng.randint(2, 5))
            elif meeting.body == OFFICIALS:
                chosen = rng.choices(pool, weights, k=rng.randint(1, 4))
            else:
                chosen = rng.choices(pool, weights, k=rng.randint(0, 3))
            meeting.guests = sorted(set(chosen))
        officials = [m for m in meetings if m.body == OFFICIALS]
        invited = max(2, round(MEMBER_GUEST_OF * min(self.scale, 1)))
        member_guest_of = {m.id for m in rng.sample(officials, min(invited, len(officials)))}
        for meeting in meetings:
            if meeting.id in member_guest_of:
                meeting.guests.append(member)
            invited_at = min(meeting.start - timedelta(days=rng.randint(20, 60)), self.now)
            for person_id in meeting.guests:
                rows.append({"id": self.next_id("meeting_guests"), "meeting_id": meeting.id,
                             "person_id": person_id, "invited_at": invited_at})
        self.insert(MeetingGuest.__table__, rows)
        return member_guest_of

    def members_on(self, body: str, day: date) -> list[_Holding]:
        return [h for h in self.holdings[body] if h.covers(day)]

    def records(self, meetings: list[_Meeting], by: int) -> None:
        """Answers for the coming meetings; attendance, minutes and action items for the
        meetings held."""
        rng = self.rng
        attendance, answers, minutes, actions = [], [], [], []
        next_of: dict[int, _Meeting] = {}
        by_body: dict[str, list[_Meeting]] = defaultdict(list)
        for meeting in meetings:
            by_body[meeting.body].append(meeting)
        for held in by_body.values():
            for a, b in itertools.pairwise(held):
                next_of[a.id] = b
        for meeting in meetings:
            day = _local(meeting.start)
            members = self.members_on(meeting.body, day)
            if meeting.status is MeetingStatus.CONFIRMED and day - self.today < timedelta(60):
                for holding in members:
                    if rng.random() < 0.55:
                        answer = rng.choices(list(Answer), (80, 15, 5))[0]
                        substitute = answer is Answer.SUBSTITUTE
                        answers.append({
                            "id": self.next_id("meeting_answers"), "meeting_id": meeting.id,
                            "person_id": holding.person_id, "answer": answer,
                            "substitute_name": "Ersättare från regionen" if substitute else "",
                            "substitute_email": "", "answered_at": self.now - timedelta(
                                days=rng.randint(1, 20))})
            if meeting.status is not MeetingStatus.HELD:
                continue
            for holding in members:
                presence = rng.choices(list(Presence), (84, 6, 10))[0]
                role, name = AttendanceRole.MEMBER, ""
                if presence is Presence.EXCUSED and rng.random() < 0.4:
                    presence, role = Presence.PRESENT, AttendanceRole.SUBSTITUTE
                    name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
                attendance.append({
                    "id": self.next_id("attendance"), "meeting_id": meeting.id,
                    "person_id": holding.person_id, "role": role, "presence": presence,
                    "substitute_name": name, "region_id": holding.region_id,
                    "side": holding.side})
            member_ids = {h.person_id for h in members}
            for person_id in meeting.guests:
                if person_id in member_ids:
                    continue
                attendance.append({
                    "id": self.next_id("attendance"), "meeting_id": meeting.id,
                    "person_id": person_id, "role": AttendanceRole.GUEST,
                    "presence": rng.choices(list(Presence), (85, 5, 10))[0],
                    "substitute_name": "", "region_id": None, "side": ""})
            age = self.now - meeting.end
            status = (MinutesStatus.PUBLISHED if age > timedelta(days=42) else
                      MinutesStatus.APPROVED if age > timedelta(days=14) else MinutesStatus.DRAFT)
            approved = meeting.end + timedelta(days=14) if status is not MinutesStatus.DRAFT else None
            published = (meeting.end + timedelta(days=rng.randint(20, 40))
                         if status is MinutesStatus.PUBLISHED else None)
            year = day.year
            body = self.prose.sentences(rng, meeting.family, year, 110)
            minutes.append({
                "id": self.next_id("minutes"), "meeting_id": meeting.id,
                "text": "Mötet öppnades och dagordningen godkändes.\n\n" + " ".join(body)
                        + "\n\nVid anteckningarna: kansliet.",
                "status": status, "approved_at": approved, "published_at": published,
                "updated_at": min(published or approved or meeting.end + timedelta(days=2),
                                  self.now)})
            if meeting.body in (POLITICIANS, OFFICIALS):
                following = next_of.get(meeting.id)
                for _ in range(rng.choice((0, 1, 1, 2))):
                    due = _local(following.start) if following else day + timedelta(days=60)
                    done = (_at(due, time(12, 0)) - timedelta(days=rng.randint(1, 20))
                            if due < self.today - timedelta(days=30) else None)
                    actions.append({
                        "id": self.next_id("action_items"), "meeting_id": meeting.id,
                        "body_id": self.body_ids[meeting.body],
                        "what": rng.choice([
                            "Sammanställa regionernas synpunkter på {p}.",
                            "Bjuda in {a} till ett kommande möte om {p}.",
                            "Ta fram ett underlag om {p}.",
                            "Återkomma med en lägesrapport om {p}."]).format(
                                p=rng.choice(FAMILIES[meeting.family][0]), a=rng.choice(ACTORS)),
                        "who": rng.choice(["Kansliet", "Tillväxtverket", "Regionerna",
                                           self.region_by_id[meeting.host_region_id].name]),
                        "due_date": due, "done_at": done,
                        "created_at": meeting.end + timedelta(hours=2)})
        self.insert(MeetingAnswer.__table__, answers)
        self.insert(Attendance.__table__, attendance)
        self.insert(Minutes.__table__, minutes)
        self.insert(ActionItem.__table__, actions)

    @property
    def body_ids(self) -> dict[str, int]:
        found = getattr(self, "_body_ids", None)
        if found is None:
            found = self._body_ids = dict(self.session.execute(select(Body.slug, Body.id)).all())
        return found

    # --- files and documents ----------------------------------------------------------------

    def files(self) -> dict[str, list[tuple[str, int]]]:
        """A handful of real files in the blob store, two of each format, that the versions
        share: {format: [(sha256, size)]}."""
        from forum.demo import FORMATS as MAKERS

        made: dict[str, list[tuple[str, int]]] = defaultdict(list)
        rng = random.Random(7)
        for variant, family in enumerate(("kompetens", "innovation")):
            title = ["Underlag till forumets möte", "Rapport från arbetsgruppen"][variant]
            sections = [(heading, [" ".join(self.prose.sentences(rng, family, 2026, 80))])
                        for heading in HEADINGS[DocumentKind.BACKGROUND][:4]]
            slides = [(title, ["Forum för hållbar regional utveckling"])] + [
                (heading, self.prose.sentences(rng, family, 2026, 40)[:4])
                for heading in HEADINGS[DocumentKind.PRESENTATION][:4]]
            contents = {"docx": MAKERS["docx"](title, sections),
                        "odt": MAKERS["odt"](title, sections),
                        "txt": MAKERS["txt"](title, sections),
                        "pptx": MAKERS["pptx"](title, slides),
                        "pdf": _pdf(title, sections)}
            for name, data in contents.items():
                made[name].append(self.keep(data))
        self.say(f"{sum(len(v) for v in made.values())} files in the blob store")
        return made

    def keep(self, data: bytes) -> tuple[str, int]:
        digest = hashlib.sha256(data).hexdigest()
        if not self.store.exists(digest):
            incoming = self.store.incoming() / f"bench-{digest}"
            incoming.write_bytes(data)
            received = blobs.Received(incoming, len(data), digest)
            if not self.store.put(received):
                received.discard()
        return digest, len(data)

    def documents(self, meetings: list[_Meeting], groups: list[Body],
                  files: dict[str, list[tuple[str, int]]], by: int) -> int:
        """The documents: a meeting's material by what the meeting has come to (more for the
        forum bodies' meetings, minutes after those held), the bodies' own papers, and the
        knowledge bank's reports on the themes; planned first, then written in batches with
        their text. The id of the meeting with the most material (public)."""
        total = plan(self.scale)["documents"]
        in_meetings = round(total * MEETING_SHARE)
        of_bodies = round(total * BODY_SHARE)
        of_themes = total - in_meetings - of_bodies
        held = [m for m in meetings if m.body == POLITICIANS and m.status is MeetingStatus.HELD]
        flagship = held[-1] if held else next(m for m in meetings if m.body == POLITICIANS)
        factor = {MeetingStatus.HELD: 1.0, MeetingStatus.CONFIRMED: 0.5,
                  MeetingStatus.PLANNED: 0.06, MeetingStatus.CANCELLED: 0.15}
        weight = {POLITICIANS: 2.2, OFFICIALS: 1.8}
        weights = [weight.get(m.body, 0.8) * factor[m.status] * (1.6 if m is flagship else 1)
                   for m in meetings]
        specs: list[dict] = []
        for meeting, count in zip(meetings, _shares(in_meetings, weights), strict=True):
            specs += self.meeting_documents(meeting, count)
        body_list = [b for b in self.session.scalars(select(Body).order_by(Body.position))]
        spans = {b.slug: (self.group_span(b) if not b.is_forum else
                          (date(self.first_year, 1, 1), self.today)) for b in body_list}
        body_weights = [(min(spans[b.slug][1], self.today) - spans[b.slug][0]).days
                        * (1.5 if b.is_forum else 1) for b in body_list]
        group_spec = {g.slug: spec for g, spec in zip(groups, GROUPS, strict=True)}
        for body, count in zip(body_list, _shares(of_bodies, body_weights), strict=True):
            specs += self.body_documents(body, group_spec.get(body.slug), spans[body.slug], count)
        specs += self.theme_documents(of_themes)
        self.about_the_query(specs)
        specs.sort(key=lambda s: s["created_at"])  # ids in the order of upload
        self.write_documents(specs, files, by, meetings)
        return flagship.id

    def about_the_query(self, specs: list[dict]) -> None:
        """Whatever the scale, the knowledge bank has the skills theme's yearly report on
        the term searched for, public, since the term came into use."""
        forms, since, _ = next(t for t in FAMILIES["kompetens"][1] if SEARCH_QUERY in t[0])
        reported = set()
        for spec in specs:
            if (spec["family"] == "kompetens" and spec["year"] >= since and spec["themes"]
                    and spec["meeting"] is None and spec["body_id"] is None
                    and spec["year"] not in reported):
                reported.add(spec["year"])
                spec.update(kind=DocumentKind.REPORT, visibility=Visibility.PUBLIC, keep=True,
                            terms=[forms], title=f"Lägesrapport {spec['year']}: regionala "
                            f"{SEARCH_QUERY}")

    def _period_theme(self, day: date, family: str | None) -> list[int]:
        period = next((p for p in self.periods if p.covers(day)), None)
        if period is None:
            return []
        themes = [t for t in period.themes if THEME_FAMILY[t.slug] == family]
        return [themes[0].id] if themes else [self.rng.choice(period.themes).id]

    def _spec(self, kind: DocumentKind, family: str, day: date, title: str, description: str,
              visibility: Visibility, created: datetime, themes: list[int],
              meeting: _Meeting | None = None, body_id: int | None = None,
              reported_by: int | None = None, lead: list[str] = ()) -> dict:
        created = min(created, self.now - timedelta(minutes=self.rng.randint(5, 600)))
        return {"kind": kind, "family": family, "year": day.year, "title": title[:300],
                "description": description, "visibility": visibility, "created_at": created,
                "themes": themes, "meeting": meeting, "body_id": body_id,
                "reported_by_id": reported_by, "lead": list(lead)}

    def _title(self, kind: DocumentKind, family: str, day: date, terms_hint: bool) -> str:
        rng = self.rng
        phrase = rng.choice(FAMILIES[family][0])
        if terms_hint:
            phrase = rng.choice(rng.choice(FAMILIES[family][1])[0])
        region = rng.choice(list(self.regions.values())).name
        organisation = rng.choice(["Tillväxtverket", "SKR", "Arbetsförmedlingen", "Vinnova",
                                   "Trafikverket", "Kansliet", region])
        patterns = {
            DocumentKind.BACKGROUND: [
                "Underlag: {P}", "PM om {p}", "Kartläggning av {p} i regionerna",
                "Underlag inför mötet: {p}", "Analys av {p} {y}",
                "Regionernas arbete med {p} – en sammanställning", "Diskussionsunderlag om {p}",
                "Kunskapsunderlag: {p}", "{r}: erfarenheter av {p}"],
            DocumentKind.PRESENTATION: ["Presentation: {P} ({o})", "{o}: {p}",
                                        "{P} – erfarenheter från {r}", "Bildspel om {p}"],
            DocumentKind.REPORT: ["Lägesrapport {y}: {p}", "Rapport om {p}",
                                  "Slutrapport: {p}", "Uppföljning av {p} {y}",
                                  "Utvärdering av {p}"],
            DocumentKind.OTHER: ["Inbjudan till workshop om {p}", "Program för studiebesök i {k}",
                                 "Sammanställning av enkätsvar om {p}",
                                 "Frågor till temadiskussionen om {p}", "Deltagarlista {d}"],
        }[kind]
        return rng.choice(patterns).format(P=_capital(phrase), p=phrase, y=day.year, r=region,
                                           o=organisation, k=rng.choice(PLACES),
                                           d=_swedish_day(day))

    def meeting_documents(self, meeting: _Meeting, count: int) -> list[dict]:
        """count documents of a meeting: the notice, its material, what was shown there, and
        the minutes of a meeting held."""
        rng = self.rng
        if count <= 0:
            return []
        day = _local(meeting.start)
        body_name = meeting.title.split(": ", 1)[0]
        themes = [meeting.theme_id] if meeting.theme_id else []
        specs = []
        held = meeting.status is MeetingStatus.HELD
        lead = [(f"Ledamöterna i {_small(body_name)} kallas till möte "
                 f"{WEEKDAYS[day.weekday()]} den {_swedish_day(day)}."),
                f"Mötets tema: {meeting.title.split(': ', 1)[1]}."]
        specs.append(self._spec(
            DocumentKind.NOTICE, meeting.family, day,
            f"Kallelse och dagordning: {body_name} {_swedish_day(day)}",
            f"Kallelse till mötet den {_swedish_day(day)}, med dagordning.",
            Visibility.PUBLIC, meeting.start - timedelta(days=rng.randint(21, 35)), themes,
            meeting, lead=lead + [f"{n}. {item}" for n, (item, _) in enumerate(
                AGENDA if meeting.body in (POLITICIANS, OFFICIALS) else GROUP_AGENDA, start=1)]))
        if held and count >= 3:
            specs.append(self._spec(
                DocumentKind.MINUTES, meeting.family, day,
                f"Minnesanteckningar: {body_name} {_swedish_day(day)}",
                f"Minnesanteckningar från mötet den {_swedish_day(day)}.", Visibility.PUBLIC,
                meeting.end + timedelta(days=rng.randint(7, 21)), themes, meeting))
        while len(specs) < count:
            kind = rng.choices([DocumentKind.BACKGROUND, DocumentKind.PRESENTATION,
                                DocumentKind.REPORT, DocumentKind.OTHER], (55, 28, 10, 7))[0]
            after = kind is DocumentKind.PRESENTATION and held
            created = (meeting.end + timedelta(days=rng.randint(0, 3), hours=2) if after else
                       meeting.start - timedelta(days=rng.randint(14, 40)))
            visibility = rng.choices(
                [Visibility.PUBLIC, Visibility.PARTICIPANTS, Visibility.SECRETARIAT],
                (50, 40, 10) if kind is not DocumentKind.PRESENTATION else (60, 40, 0))[0]
            extra = [t for t in self._period_theme(day, rng.choice(list(FAMILIES)))
                     if t not in themes] if themes and rng.random() < 0.1 else []
            specs.append(self._spec(
                kind, meeting.family, day, self._title(kind, meeting.family, day,
                                                       rng.random() < 0.04),
                f"{_capital(kind_label(kind))} till mötet i {_small(body_name)} den "
                f"{_swedish_day(day)}.", visibility, created, themes + extra, meeting))
        return specs

    def body_documents(self, body: Body, spec, span: tuple[date, date], count: int) -> list[dict]:
        """A body's own papers: work plans, reports to the forum, memos for its members."""
        rng = self.rng
        family_of = spec[8] if spec else None
        out = []
        first, last = span[0], min(span[1], self.today)
        for _ in range(count):
            day = first + timedelta(days=rng.randint(0, max((last - first).days, 0)))
            family = family_of or rng.choice(list(FAMILIES))
            themes = self._period_theme(day, family) if (spec is None or rng.random() < 0.8) else []
            roll = rng.random()
            if roll < 0.25 and not body.is_forum:
                kind, visibility = DocumentKind.REPORT, Visibility.PUBLIC
                title = rng.choice([f"Lägesrapport {day.year} från {_small(body.name_sv)}",
                                    self._title(DocumentKind.REPORT, family, day, False)])
                reported = body.id
            elif roll < 0.45:
                kind, visibility, reported = DocumentKind.OTHER, Visibility.PARTICIPANTS, None
                title = f"Arbetsplan {day.year} – {_small(body.name_sv)}"
            else:
                kind = DocumentKind.BACKGROUND
                visibility = rng.choices([Visibility.PARTICIPANTS, Visibility.PUBLIC,
                                          Visibility.SECRETARIAT], (60, 28, 12))[0]
                title, reported = self._title(kind, family, day, rng.random() < 0.05), None
            out.append(self._spec(kind, family, day, title,
                                  f"{_capital(kind_label(kind))} från {_small(body.name_sv)}.",
                                  visibility, _at(day, time(10, 0)), themes, body_id=body.id,
                                  reported_by=reported))
        return out

    def theme_documents(self, count: int) -> list[dict]:
        """The knowledge bank's own material: reports and analyses on the strategy's themes,
        mostly public, some the secretariat's drafts."""
        rng = self.rng
        first = max(self.periods[0].start_date, date(self.first_year, 1, 1))
        out = []
        for _ in range(count):
            day = first + timedelta(days=rng.randint(0, (self.today - first).days))
            period = next(p for p in self.periods if p.covers(day))
            theme = rng.choice(period.themes)
            family = THEME_FAMILY[theme.slug]
            themes = [theme.id]
            if rng.random() < 0.15:
                other = rng.choice(period.themes)
                if other.id != theme.id:
                    themes.append(other.id)
            kind = rng.choices([DocumentKind.REPORT, DocumentKind.BACKGROUND, DocumentKind.OTHER],
                               (50, 35, 15))[0]
            visibility = Visibility.PUBLIC if rng.random() < 0.85 else Visibility.SECRETARIAT
            out.append(self._spec(kind, family, day,
                                  self._title(kind, family, day, rng.random() < 0.05),
                                  f"Kunskapsunderlag om {theme.name_sv.lower()}.", visibility,
                                  _at(day, time(11, 0)), themes))
        return out

    def write_documents(self, specs: list[dict], files: dict[str, list[tuple[str, int]]],
                        by: int, meetings: list[_Meeting]) -> None:
        """Documents, versions, themes and texts in batches; then each meeting's
        distributions: its material before the meeting, what came after it afterwards."""
        rng = self.rng
        sent: dict[int, list[tuple[datetime, int, int]]] = defaultdict(list)
        documents, versions, themes, texts = [], [], [], []
        words = 0
        for number, spec in enumerate(specs, start=1):
            document_id = self.next_id("documents")
            meeting = spec["meeting"]
            created = spec["created_at"]
            kind = spec["kind"]
            file_format = rng.choice(FORMATS[kind])
            digest, size = rng.choice(files[file_format])
            base = "-".join(re.sub(r"[^\w–-]+", " ", spec["title"]).split())[:120]
            count = rng.choices((1, 2, 3), (80, 15, 5))[0]
            uploaded = created
            version_id = None
            for n in range(1, count + 1):
                if n > 1:
                    uploaded = min(uploaded + timedelta(days=rng.randint(1, 4)), self.now)
                version_id = self.next_id("document_versions")
                versions.append({
                    "id": version_id, "document_id": document_id, "number": n, "blob": digest,
                    "file_name": f"{base}{f'-v{n}' if n > 1 else ''}.{file_format}",
                    "content_type": CONTENT_TYPES[file_format], "size": size,
                    "note": "" if n == 1 else rng.choice(["Rättad version.",
                                                          "Kompletterad efter synpunkter.",
                                                          "Uppdaterade siffror."]),
                    "uploaded_at": uploaded, "uploaded_by_id": by})
            withdrawn = None
            if rng.random() < 0.007 and not spec.get("keep"):
                withdrawn = min(uploaded + timedelta(days=rng.randint(2, 30)), self.now)
            documents.append({
                "id": document_id, "title": spec["title"], "description": spec["description"],
                "kind": kind, "language": "sv", "visibility": spec["visibility"],
                "meeting_id": meeting.id if meeting else None,
                "body_id": self.body_ids[meeting.body] if meeting else spec["body_id"],
                "reported_by_id": spec["reported_by_id"], "link_url": "",
                "withdrawn_at": withdrawn,
                "withdrawn_reason": "Ersatt av en annan handling." if withdrawn else "",
                "created_at": created, "created_by_id": by, "updated_at": uploaded})
            for theme_id in dict.fromkeys(spec["themes"]):
                themes.append({"document_id": document_id, "theme_id": theme_id})
            if (meeting is not None and not withdrawn
                    and spec["visibility"] is not Visibility.SECRETARIAT):
                sent[meeting.id].append((uploaded, document_id, version_id))
            # The text: its own generator, so that it does not depend on the batches.
            own = random.Random(document_id * 7919 + 13)
            terms = self.prose.terms(own, spec["family"], spec["year"]) + spec.get("terms", [])
            body = self.prose.document(own, kind, spec["family"], spec["year"], terms,
                                       spec["lead"])
            words += body.count(" ") + 1
            texts.append({"document_id": document_id, "title": spec["title"],
                          "description": spec["description"], "body": body})
            if len(documents) >= BATCH or number == len(specs):
                self.insert(Document.__table__, documents)
                self.insert(DocumentVersion.__table__, versions)
                self.insert(document_themes, themes)
                self.insert(DocumentText.__table__, texts)
                documents, versions, themes, texts = [], [], [], []
                self.say(f"{number} documents, {words / number:.0f} words each on average")
        self.distributions(meetings, sent, by)

    def distributions(self, meetings: list[_Meeting],
                      sent: dict[int, list[tuple[datetime, int, int]]], by: int) -> None:
        rng = self.rng
        rows, items = [], []
        for meeting in meetings:
            material = sorted(sent.get(meeting.id, []))
            if not material or meeting.status is MeetingStatus.CANCELLED:
                continue
            recipients = len(self.members_on(meeting.body, _local(meeting.start))) + len(
                meeting.guests)
            before = meeting.start - timedelta(days=8)
            rounds = [(before, [m for m in material if m[0] <= before],
                       "Inför mötet bifogas kallelse och underlag.")]
            rounds.append((max((m[0] for m in material), default=before) + timedelta(days=1),
                           [m for m in material if m[0] > before],
                           "Minnesanteckningar och presentationer från mötet."))
            for at, included, message in rounds:
                if not included or at > self.now:
                    continue
                distribution_id = self.next_id("distributions")
                rows.append({"id": distribution_id, "meeting_id": meeting.id,
                             "distributed_at": at + timedelta(minutes=rng.randint(0, 300)),
                             "distributed_by_id": by, "message": message,
                             "recipients": recipients})
                for _, document_id, version_id in included:
                    items.append({"id": self.next_id("distribution_items"),
                                  "distribution_id": distribution_id, "document_id": document_id,
                                  "version_id": version_id, "change": "new"})
        self.insert(Distribution.__table__, rows)
        self.insert(DistributionItem.__table__, items)
        self.say(f"{len(rows)} distributions of {len(items)} documents")

    # --- what the scenarios need ------------------------------------------------------------

    def facts(self, meetings: list[_Meeting], member: int, member_guest_of: set[int],
              flagship: int, token: str) -> Forum:
        session = self.session
        session.expire_all()
        expected = {m.id for m in meetings if m.id in member_guest_of or any(
            h.person_id == member and h.covers(_local(m.start)) for h in self.holdings[m.body])}
        found = {m.id for m in feeds.personal_meetings(session, member)}
        if found != expected:
            raise RuntimeError(f"the member's feed has {len(found)} meetings, "
                               f"the generator meant {len(expected)}")
        politicians = session.scalar(select(Body).where(Body.slug == POLITICIANS))
        body_meetings = len(feeds.body_meetings(session, politicians))
        theme_id = session.scalar(
            select(document_themes.c.theme_id)
            .join(Document, Document.id == document_themes.c.document_id)
            .where(PUBLIC_READER.condition())
            .group_by(document_themes.c.theme_id)
            .order_by(func.count().desc(), document_themes.c.theme_id).limit(1))
        hits = search.count(session, SEARCH_QUERY, PUBLIC_READER)
        person = session.get(Person, member)
        listing = meeting_queries.meeting_list(session, utcnow())
        theme = session.get(Theme, theme_id)
        counts = table_counts(session)
        self.say(f"done: {counts['documents']} documents, {counts['meetings']} meetings, "
                 f"{counts['people']} people")
        return Forum(body_slug=POLITICIANS, body_meetings=body_meetings, meeting_id=flagship,
                     member_name=person.name, member_meetings=len(found),
                     personal_token=token, theme_id=theme_id, search_query=SEARCH_QUERY,
                     search_hits=hits, region_code=REGION_CODE, scale=self.scale,
                     counts=counts, meeting_title=session.get(Meeting, flagship).title,
                     theme_name=theme.name_sv,
                     listed_meetings=len(listing.upcoming) + len(listing.past))


def kind_label(kind: DocumentKind) -> str:
    return {DocumentKind.NOTICE: "kallelse", DocumentKind.BACKGROUND: "underlag",
            DocumentKind.PRESENTATION: "presentation", DocumentKind.MINUTES: "minnesanteckningar",
            DocumentKind.REPORT: "rapport", DocumentKind.OTHER: "handling"}[kind]


def _pdf(title: str, sections: list) -> bytes:
    """A real PDF (fpdf2, in the development dependencies) with the sections' text."""
    from fpdf import FPDF

    def latin(value: str) -> str:
        return value.replace("–", "-").replace("”", '"').encode("latin-1", "replace").decode(
            "latin-1")

    pdf = FPDF()
    pdf.set_creation_date(datetime(2026, 1, 1, tzinfo=UTC))
    pdf.set_title(latin(title))
    pdf.add_page()
    pdf.set_font("helvetica", "B", 16)
    pdf.multi_cell(0, 9, latin(title), new_x="LMARGIN", new_y="NEXT")
    for heading, paragraphs in sections:
        if heading:
            pdf.set_font("helvetica", "B", 12)
            pdf.multi_cell(0, 8, latin(heading), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("helvetica", "", 11)
        for paragraph in paragraphs:
            pdf.multi_cell(0, 6, latin(paragraph), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


COUNTED_TABLES = [
    "regions", "organisations", "people", "bodies", "seats", "nominations", "meetings",
    "agenda_items", "meeting_guests", "meeting_answers", "attendance", "minutes",
    "action_items", "documents", "document_versions", "document_texts", "document_themes",
    "distributions", "distribution_items", "accounts", "calendar_tokens",
]


def table_counts(session: Session) -> dict[str, int]:
    return {name: session.scalar(text(f"SELECT COUNT(*) FROM {name}"))
            for name in COUNTED_TABLES}


def database_size(session: Session) -> int:
    """Bytes the database takes: the SQLite file, or PostgreSQL's pg_database_size."""
    if session.get_bind().dialect.name == "sqlite":
        return session.scalar(text("SELECT page_count * page_size FROM pragma_page_count(), "
                                   "pragma_page_size()"))
    return session.scalar(text("SELECT pg_database_size(current_database())"))


# --- the command line -----------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.dataset", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True,
                        help="an EMPTY database, e.g. sqlite:////tmp/forum-big/forum.db or "
                        "postgresql://forum:forum@127.0.0.1/forum_big")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="1.0: 5,000 people, 2,000 meetings, 50,000 documents (default)")
    parser.add_argument("--storage", help="the folder for the stored files (blobs/, files/); "
                        "default: the SQLite file's folder (required for PostgreSQL)")
    args = parser.parse_args(argv)
    url = make_url(args.database_url)
    if args.storage:
        storage = Path(args.storage)
    elif url.get_backend_name() == "sqlite" and url.database:
        storage = Path(url.database).resolve().parent
    else:
        parser.error("--storage is needed for a server database")
    if url.get_backend_name() == "sqlite" and url.database:
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    (storage / "files").mkdir(parents=True, exist_ok=True)
    from forum import create_app
    from forum.db import db

    settings = {"DATABASE_URL": args.database_url, "BLOB_STORAGE_PATH": str(storage / "blobs"),
                "STORAGE_PATH": str(storage / "files"), "FORUM_ENV": "development",
                "SECRET_KEY": secrets.token_hex(16), "MAIL_BACKEND": "console",
                "MAIL_DELIVERY": "worker"}
    app = create_app(settings)
    say(f"Generating a forum at scale {args.scale} into {url.render_as_string()} …")
    began = clock.perf_counter()
    with app.app_context():
        try:
            forum = build(db.engine, db.session, args.scale)
        except NotEmpty as refusal:
            say(f"Refused: {refusal}")
            return 2
        seconds = clock.perf_counter() - began
        size = database_size(db.session)
    files = sum(f.stat().st_size for f in (storage / "blobs").rglob("*") if f.is_file())
    print(f"Generated in {seconds:.1f} s; database {size / 1e6:.1f} MB, "
          f"stored files {files / 1e3:.0f} kB")
    for name, value in vars(forum).items():
        if name != "counts":
            print(f"{name:16} {value}")
    print("rows:")
    for name, value in forum.counts.items():
        print(f"  {name:20} {value:>9,}")
    print("To serve it (add BASE_URL and a real SECRET_KEY for gunicorn):")
    print(f"  DATABASE_URL={shlex.quote(args.database_url)} "
          f"BLOB_STORAGE_PATH={storage / 'blobs'} STORAGE_PATH={storage / 'files'} "
          f"FORUM_ENV=development MAIL_BACKEND=console .venv/bin/flask --app app run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
