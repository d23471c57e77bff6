"""The demo's surveys: last year's survey of the regions' international engagement, closed
and answered by most regions (its compiled answers attached to a meeting as background
material); this year's survey on skills supply, open, with a few answers and drafts; an
evaluation of the last politicians' meeting held, with answers; and a survey being prepared.

Built through the services like the forms do (answers are checked by the same rules), with
times in the past where the story needs them. No e-mails are queued. Once: a forum that has
any survey is left as it is.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from forum.accounts.models import Account
from forum.meetings.models import Meeting, MeetingStatus
from forum.roster.models import Body, Organisation, Person, Region
from forum.surveys import queries, services
from forum.surveys.models import (
    QuestionKind,
    Survey,
    SurveyKind,
    SurveyRecipient,
    SurveyReminder,
    SurveyStatus,
)
from forum.surveys.rules import QuestionSpec, Value
from forum.timeutil import STOCKHOLM, today, utcnow

# Regions whose contact has no account in the demo: the send page shows them.
WITHOUT_CONTACT = {"09", "23"}
CONTACT_NAMES = [
    ("Karin", "Lundqvist"), ("Jonas", "Ekström"), ("Sofia", "Nyberg"), ("Mats", "Holmgren"),
    ("Elin", "Sandström"), ("Patrik", "Åberg"), ("Helena", "Norberg"), ("Anders", "Blom"),
    ("Maria", "Strand"), ("Fredrik", "Dahl"), ("Ingrid", "Hedlund"), ("Johan", "Lindahl"),
    ("Camilla", "Sundberg"), ("Björn", "Westin"), ("Ulrika", "Falk"), ("Henrik", "Nordin"),
    ("Lena", "Hellström"), ("Magnus", "Sjögren"), ("Åsa", "Viklund"), ("Niklas", "Borg"),
    ("Eva", "Lindkvist"),
]

# --- last year: the regions' international engagement (seed 000) -------------------------------

ENGAGEMENT = [
    QuestionSpec(QuestionKind.SHORT_TEXT, "Vem har besvarat enkäten?",
                 "Namn och funktion, så att kansliet kan återkomma med frågor.", True),
    QuestionSpec(QuestionKind.YES_NO,
                 "Har regionen en beslutad strategi för sitt internationella arbete?",
                 required=True),
    QuestionSpec(QuestionKind.COUNTRIES,
                 "Med vilka länder har regionen haft etablerade samarbeten de senaste tio åren?",
                 "Välj alla länder där regionen har avtal, projekt eller återkommande "
                 "utbyten."),
    QuestionSpec(QuestionKind.SEVERAL_CHOICES,
                 "Vilka former av internationellt samarbete deltar regionen i?", required=True,
                 options=["Vänregionsavtal", "EU-projekt (Interreg, Horisont Europa m.fl.)",
                          "Europeiska nätverk (CPMR, ERRIN, AER)", "Delegationsbesök",
                          "Export- och investeringsfrämjande", "Annat"]),
    QuestionSpec(QuestionKind.NUMBER, "I hur många EU-projekt deltar regionen just nu?",
                 "Räkna projekt där regionen är partner eller medfinansiär.", True,
                 min_value=0, max_value=500),
    QuestionSpec(QuestionKind.ONE_CHOICE,
                 "Hur viktigt är det internationella arbetet för regionens tillväxt?",
                 required=True, options=["Mycket viktigt", "Ganska viktigt", "Mindre viktigt",
                                         "Inte alls viktigt"]),
    QuestionSpec(QuestionKind.REGIONS,
                 "Vilka andra regioner samverkar ni med i internationella frågor?"),
    QuestionSpec(QuestionKind.LONG_TEXT, "Beskriv regionens viktigaste internationella samarbete."),
    QuestionSpec(QuestionKind.LONG_TEXT,
                 "Vad kan staten göra för att stödja regionernas internationella arbete?"),
]

# Per region: partner countries, forms (indexes into the alternatives), EU projects,
# importance (index), partner regions, the most important cooperation.
ENGAGEMENT_ANSWERS = {
    "01": (["FI", "EE", "DE", "US", "CN", "SG"], [1, 2, 3, 4], 14, 0, ["03", "04"],
           "Samarbetet i Östersjöregionen med Helsingfors-Nyland och Harjumaa om "
           "life science, digitalisering och hållbara transporter."),
    "03": (["FI", "DE", "US", "CN"], [1, 2, 3], 6, 0, ["01", "19"],
           "Universitetssamarbetet kring life science tillsammans med Uppsala universitet "
           "och SLU, med partner i Tyskland och USA."),
    "04": (["DE", "PL", "LV"], [0, 1, 2], 4, 1, ["05", "18"],
           "Vänregionsavtalet med Pomorskie i Polen, som i dag främst gäller "
           "kompetensförsörjning och skolutbyten."),
    "05": (["CN", "DE", "FI", "PL"], [0, 1, 2, 4], 8, 0, ["06", "04"],
           "Kontakterna med Shandongprovinsen i Kina om miljöteknik och högre utbildning, "
           "som regionen byggt upp tillsammans med Linköpings universitet."),
    "06": (["DE", "PL", "LT"], [1, 2, 4], 5, 1, ["07", "08"],
           "Interregprojekt i södra Östersjön om industrins omställning och "
           "kompetensförsörjning inom tillverkningsindustrin."),
    "07": (["PL", "LT", "DE"], [0, 1, 2], 5, 1, ["06", "08", "10"],
           "Samarbetet med Warmińsko-Mazurskie om skog och bioenergi."),
    "08": (["PL", "LT", "LV", "DE"], [0, 1, 2], 7, 0, ["07", "10"],
           "Projekten inom Interreg Södra Östersjön om vatten, turism och "
           "småföretagens internationalisering."),
    "12": (["DK", "DE", "PL", "CN"], [0, 1, 2, 3, 4], 23, 0, ["13", "10"],
           "Greater Copenhagen: samarbetet över Öresund om arbetsmarknad, infrastruktur "
           "och gemensam marknadsföring, med Region Hovedstaden och Region Sjælland."),
    "13": (["DK", "DE", "NO"], [1, 2], 6, 1, ["12", "14"],
           "Kattegatt–Skagerrak-samarbetet om hållbar turism och blå ekonomi."),
    "14": (["NO", "DK", "CN", "IN", "US", "DE"], [0, 1, 2, 3, 4], 31, 0, ["13", "17"],
           "Samarbetet med Shanghai och Västra Götalands långa relation med Norge inom "
           "Gränskommittén, med fokus på fordonsindustrins omställning."),
    "17": (["NO", "CN", "DE", "FR", "RU"], [0, 1, 2, 3, 4], 12, 0, ["14", "20"],
           "Ett brett samarbete inom EU och etablerade kontakter i Kina: vänregionsavtalet "
           "med Jiangsu omfattar skogsindustri och utbildning. Samarbetet med Karelen "
           "är avslutat sedan 2022."),
    "18": (["DE", "PL", "CN"], [1, 2, 4], 7, 1, ["19", "17"],
           "Logistik- och handelssamarbete med Niedersachsen."),
    "19": (["CN", "DE", "FI"], [0, 1, 4], 5, 0, ["18", "03"],
           "Kontakterna med Kina inom energiteknik och robotik, där regionens företag "
           "har egna etableringar."),
    "20": (["NO", "DE", "CN"], [1, 2, 3], 6, 1, ["17", "21"],
           "Gränsregionalt samarbete med Innlandet i Norge om besöksnäring och "
           "kompetensförsörjning."),
    "21": (["FI", "RU", "DE"], [1, 2], 4, 1, ["20", "22"],
           "Samarbetet med Satakunta i Finland om hamnar och industri. Kontakterna i "
           "nordvästra Ryssland är avbrutna."),
    "22": (["FI", "RU", "NO"], [0, 1, 2], 5, 1, ["24", "21"],
           "Kvarkenrådet och samarbetet med Österbotten över Kvarken."),
    "24": (["FI", "NO", "RU"], [0, 1, 2, 3], 9, 0, ["25", "22"],
           "Barentssamarbetet och Kvarkenrådet; kontakterna i Archangelsk är pausade "
           "sedan 2022."),
    "25": (["FI", "NO", "RU"], [0, 1, 2, 3, 4], 11, 0, ["24"],
           "Barentsregionen: Norrbotten har i många år samarbetat med Lappland, Troms og "
           "Finnmark och Murmansk. Samarbetet med de ryska regionerna är pausat sedan "
           "2022, medan samarbetet med Finland och Norge om gruvor och energi har vuxit."),
}
STATE_SUPPORT = [
    "Tydligare uppdrag i regleringsbrev och instruktioner om regionernas roll i det "
    "internationella arbetet.",
    "Bättre samordning mellan Team Sweden, Business Sweden och regionerna, så att "
    "delegationer och främjande inte dubbleras.",
    "Långsiktig medfinansiering av EU-projekt, så att små regioner har råd att delta.",
    "Stöd till kunskapsutbyte mellan regionerna om erfarenheter från samarbeten utanför EU.",
    "Statens regionala företrädare behöver vara med när utländska delegationer besöker "
    "regionen.",
]
NOT_ANSWERED = {"10"}


# --- this year: skills supply, open -------------------------------------------------------------

SKILLS = [
    QuestionSpec(QuestionKind.YES_NO, "Har regionen en aktuell plan för kompetensförsörjning?",
                 required=True),
    QuestionSpec(QuestionKind.SEVERAL_CHOICES, "Inom vilka områden är bristen störst?",
                 "Välj högst tre.", True,
                 options=["Vård och omsorg", "Industri och teknik", "IT och digitalisering",
                          "Bygg och anläggning", "Utbildning", "Besöksnäring"]),
    QuestionSpec(QuestionKind.NUMBER,
                 "Hur många deltog i regionens insatser för internationell rekrytering förra "
                 "året?", min_value=0),
    QuestionSpec(QuestionKind.COUNTRIES, "Från vilka länder rekryterar regionens arbetsgivare "
                 "oftast?"),
    QuestionSpec(QuestionKind.LONG_TEXT, "Vilka insatser har fungerat bäst?", required=True),
    QuestionSpec(QuestionKind.SHORT_TEXT, "Kontaktperson för uppföljning", required=True),
]
SKILLS_SUBMITTED = {
    "01": ("yes", [0, 2], "420", ["IN", "FI", "PL"],
           "Snabbspår för vårdpersonal med utländsk utbildning tillsammans med "
           "Arbetsförmedlingen."),
    "05": ("yes", [1, 2], "150", ["IN", "DE", "TR"],
           "Samarbetet med Linköpings universitet om uppdragsutbildning för industrin."),
    "14": ("yes", [0, 1, 3], "860", ["IN", "PL", "PH", "ES"],
           "Regionala kompetensplattformen och branschråden, som samlar arbetsgivare och "
           "utbildningsanordnare i varje delregion."),
    "17": ("no", [0, 1, 5], "95", ["NO", "DE", "NL"],
           "Rekryteringsmässor i Nederländerna och Tyskland för vården och skogsnäringen."),
    "25": ("yes", [1, 3, 0], "1 240", ["FI", "PL", "IN", "PH"],
           "Samverkan med kommunerna om bostäder och medföljandeservice när industrin i "
           "norr växer."),
}
SKILLS_DRAFTS = {
    "03": {1: "yes", 5: "Vi håller på att sammanställa underlaget."},
    "06": {1: "no"},
    "20": {1: "yes", 3: "60"},
}


# --- evaluation ---------------------------------------------------------------------------------

EVALUATION = [
    QuestionSpec(QuestionKind.ONE_CHOICE, "Hur bedömer du mötet som helhet?",
                 "1 är dåligt och 5 är mycket bra.", True, ["1", "2", "3", "4", "5"]),
    QuestionSpec(QuestionKind.YES_NO, "Var mötets tema relevant för ditt arbete?",
                 required=True),
    QuestionSpec(QuestionKind.LONG_TEXT, "Vad fungerade bra?"),
    QuestionSpec(QuestionKind.LONG_TEXT, "Vad kan förbättras?"),
]
WORKED = [
    "Bra blandning av inspel från regeringen och regionernas egna exempel.",
    "Temadiskussionen i mindre grupper gav tid för alla att komma till tals.",
    "Värdregionens studiebesök var mycket givande.",
    "Tydlig dagordning och bra underlag i förväg.",
    "Möjligheten att träffa statssekreteraren och ställa frågor direkt.",
]
IMPROVE = [
    "Underlaget kom lite sent; gärna en vecka före mötet.",
    "Mer tid för diskussion och mindre tid för presentationer.",
    "Bättre teknik för dem som deltog digitalt.",
    "Återkoppling på vad som hänt sedan förra mötet.",
]


def _at(day, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=STOCKHOLM)


def _contacts(session: Session) -> tuple[dict[str, Account], int, int]:
    """A contact account for every region but a few, like a real install; the demo's own
    region contact (Region Skåne) is one of them."""
    from forum.demo import _ascii, _domain

    regions = {r.code: r for r in session.scalars(select(Region))}
    by_region: dict[str, Account] = {}
    for account in session.scalars(select(Account).where(Account.contact_region_id.is_not(None))):
        code = next(c for c, r in regions.items() if r.id == account.contact_region_id)
        by_region.setdefault(code, account)
    added = people = 0
    for index, code in enumerate(sorted(regions)):
        if code in by_region or code in WITHOUT_CONTACT:
            continue
        region = regions[code]
        home = session.scalar(select(Organisation).where(Organisation.name == region.name))
        given, family = CONTACT_NAMES[index % len(CONTACT_NAMES)]
        domain = _domain(home) if home else "region.se"
        email = f"{_ascii(given)}.{_ascii(family)}@{domain}"
        person = session.scalar(select(Person).where(Person.email == email))
        if person is None:
            person = Person(given_name=given, family_name=family, email=email,
                            title="Internationell samordnare", organisation=home)
            session.add(person)
            session.flush()
            people += 1
        # Invited, not yet logged in: the demo's passwords are for its five roles only.
        account = Account(person_id=person.id, email=email, password_hash=None,
                          contact_region_id=region.id)
        session.add(account)
        session.flush()
        by_region[code] = account
        added += 1
    return by_region, added, people


def _values(survey: Survey, answers: dict[int, object]) -> dict[int, Value]:
    """Answers by question number (1-based) as the service takes them."""
    values = {}
    ordered = sorted(survey.questions, key=lambda q: q.position)
    for number, raw in answers.items():
        question = ordered[number - 1]
        if isinstance(raw, list):
            values[question.id] = Value(choices=[str(v) for v in raw])
        elif question.kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT,
                               QuestionKind.NUMBER):
            values[question.id] = Value(text=str(raw))
        else:
            values[question.id] = Value(choices=[str(raw)])
    return values


def _build(session: Session, by, specs: list[QuestionSpec], *, title: str, introduction: str,
           deadline: datetime, created: datetime, kind=SurveyKind.REGIONS,
           meeting_id: int | None = None) -> Survey:
    survey = services.create(session, by=by, title=title, introduction=introduction,
                             deadline=deadline, meeting_id=meeting_id, kind=kind,
                             now=created)
    survey.created_at = created
    for spec in specs:
        services.add_question(session, survey, spec)
    survey.status = SurveyStatus.OPEN
    survey.opened_at = created + timedelta(hours=2)
    session.flush()
    return survey


def _answer(session: Session, survey: Survey, respondent, by, answers: dict[int, object],
            at: datetime, submit: bool = True) -> None:
    services.save_answer(session, survey, respondent, by=by, values=_values(survey, answers),
                         submit=submit, now=at)


def _engagement(session: Session, by, contacts: dict[str, Account],
                regions: dict[str, Region]) -> Survey:
    year = today().year - 1
    created = _at(today() - timedelta(days=150), 9)
    deadline = _at(today() - timedelta(days=100), 16)
    survey = _build(
        session, by, ENGAGEMENT, created=created, deadline=deadline,
        title=f"Regionernas internationella engagemang {year}",
        introduction=(
            "Regeringen vill veta mer om hur regionerna arbetar internationellt: med vilka "
            "länder, i vilka former och med vilket stöd från staten. Enkäten är en "
            "uppföljning av länsstyrelsernas kartläggning och besvaras av en kontaktperson "
            "per region.\n\nSammanställningen redovisas på tjänstepersonsforums nästa möte."),
    )
    pick = random.Random(2000)
    for offset, code in enumerate(sorted(ENGAGEMENT_ANSWERS)):
        account = contacts.get(code)
        if account is None or code in NOT_ANSWERED:
            continue
        countries, forms, projects, importance, partners, story = ENGAGEMENT_ANSWERS[code]
        person = account.person
        options = ENGAGEMENT[3].options or []
        _answer(session, survey, services.Respondent(region=regions[code]), account, {
            1: f"{person.name}, {person.title.lower() or 'kontaktperson'}",
            2: "yes" if importance == 0 or pick.random() < 0.5 else "no",
            3: countries,
            4: [options[i] for i in forms],
            5: projects,
            6: (ENGAGEMENT[5].options or [])[importance],
            7: partners,
            8: story,
            9: STATE_SUPPORT[offset % len(STATE_SUPPORT)],
        }, at=created + timedelta(days=5 + offset % 40, hours=offset % 6))
    survey.status = SurveyStatus.CLOSED
    survey.closed_at = deadline
    session.flush()
    return survey


def _skills(session: Session, by, contacts: dict[str, Account],
            regions: dict[str, Region]) -> Survey:
    created = _at(today() - timedelta(days=12), 9)
    survey = _build(
        session, by, SKILLS, created=created, deadline=_at(today() + timedelta(days=10), 16),
        title=f"Kompetensförsörjning och internationell rekrytering {today().year}",
        introduction=(
            "Inför forumets möten om kompetensförsörjning vill kansliet samla regionernas "
            "erfarenheter av brist på arbetskraft och internationell rekrytering. Spara "
            "gärna ett utkast och skicka in när svaret är förankrat i regionen."),
    )
    options = SKILLS[1].options or []
    for offset, (code, (plan, areas, number, countries, best)) in enumerate(
            sorted(SKILLS_SUBMITTED.items())):
        account = contacts[code]
        _answer(session, survey, services.Respondent(region=regions[code]), account, {
            1: plan, 2: [options[i] for i in areas], 3: number, 4: countries, 5: best,
            6: f"{account.person.name}, {account.email}",
        }, at=created + timedelta(days=2 + offset, hours=3))
    for offset, (code, answers) in enumerate(sorted(SKILLS_DRAFTS.items())):
        _answer(session, survey, services.Respondent(region=regions[code]), contacts[code],
                answers, at=created + timedelta(days=4 + offset), submit=False)
    session.add(SurveyReminder(survey_id=survey.id, sent_at=created + timedelta(days=7),
                               sent_by_id=by.id if by else None, automatic=False,
                               recipients=16))
    session.flush()
    return survey


def _evaluation(session: Session, by) -> tuple[Survey | None, int]:
    """The last politicians' meeting held: its participants get accounts if they have none
    (invited), and about two in three have answered."""
    from forum.meetings.queries import participants

    meeting = session.scalar(
        select(Meeting).join(Body, Body.id == Meeting.body_id)
        .where(Body.slug == "politikerforum", Meeting.status == MeetingStatus.HELD)
        .order_by(Meeting.start_at.desc()).limit(1))
    if meeting is None:
        return None, 0
    people = [p.person for p in participants(session, meeting) if p.person.email]
    accounts = queries.accounts_of(session, [p.id for p in people])
    added = 0
    for person in people:
        if person.id not in accounts and session.scalar(
                select(Account.id).where(Account.email == person.email)) is None:
            account = Account(person_id=person.id, email=person.email, password_hash=None)
            session.add(account)
            session.flush()
            accounts[person.id] = account
            added += 1
    created = meeting.end_at.astimezone(STOCKHOLM) + timedelta(days=1)
    # Open for two weeks after the meeting; one held long ago has had its evaluation closed.
    deadline = created + timedelta(days=14)
    if deadline < utcnow() + timedelta(days=3):
        deadline = max(deadline, _at(today() + timedelta(days=7), 16)) if (
            utcnow() - created < timedelta(days=30)) else deadline
    survey = _build(session, by, EVALUATION, created=created, deadline=deadline,
                    kind=SurveyKind.EVALUATION, meeting_id=meeting.id,
                    title=f"Utvärdering: {meeting.title}",
                    introduction="Tack för att du deltog i mötet! Dina svar hjälper kansliet "
                                 "att planera forumets kommande möten. Det tar ungefär fem "
                                 "minuter.")
    recipients = [p for p in people if p.id in accounts]
    session.add_all(SurveyRecipient(survey_id=survey.id, person_id=p.id) for p in recipients)
    session.flush()
    demo_member = {a.person_id for a in accounts.values() if a.password_hash}
    pick = random.Random(3)
    for offset, person in enumerate(recipients):
        if person.id in demo_member or pick.random() > 0.66:
            continue  # the demo's member can try answering
        rating = pick.choice(["5", "4", "4", "4", "3", "5", "2"])
        answers: dict[int, object] = {1: rating, 2: "yes" if pick.random() < 0.85 else "no"}
        if pick.random() < 0.6:
            answers[3] = pick.choice(WORKED)
        if pick.random() < 0.5:
            answers[4] = pick.choice(IMPROVE)
        _answer(session, survey, services.Respondent(person=person), accounts[person.id],
                answers, at=min(created + timedelta(days=1 + offset % 6, hours=offset % 8),
                                utcnow() - timedelta(hours=1), deadline - timedelta(hours=1)))
    if deadline <= utcnow():
        survey.status = SurveyStatus.CLOSED
        survey.closed_at = deadline
    return survey, added


def _attach(session: Session, survey: Survey, by) -> int:
    """Last year's compiled answers as background material for the officials' next meeting."""
    from forum.i18n import language
    from forum.material.models import Visibility
    from forum.surveys import exports, results

    meeting = session.scalar(
        select(Meeting).join(Body, Body.id == Meeting.body_id)
        .where(Body.slug == "tjanstepersonsforum", Meeting.start_at > utcnow(),
               Meeting.status != MeetingStatus.CANCELLED)
        .order_by(Meeting.start_at).limit(1))
    if meeting is None:
        return 0
    survey.meeting_id = meeting.id
    answers = queries.responses(session, survey)
    regions = {r.code: r for r in queries.regions(session)}
    compiled = results.compile_results(survey.questions, answers, language=language(),
                                       regions=regions)
    content = exports.workbook(survey, survey.questions, queries.respondents(
        session, survey, answers), compiled, language=language(), regions=regions)
    services.attach_results(session, survey, by=by, meeting_id=meeting.id,
                            visibility=Visibility.PARTICIPANTS,
                            title=f"Sammanställning: {survey.title}", content=content,
                            file_name=exports.file_stem(survey) + ".xlsx")
    return 1


COHESION = [
    QuestionSpec(QuestionKind.YES_NO, "Deltar regionen i programmen för EU:s "
                 "sammanhållningspolitik 2021–2027?", required=True),
    QuestionSpec(QuestionKind.SEVERAL_CHOICES, "Vilka program deltar regionen i?",
                 options=["Regionalfonden", "Socialfonden+", "Interreg", "Fonden för en "
                          "rättvis omställning", "Landsbygdsprogrammet"]),
    QuestionSpec(QuestionKind.LONG_TEXT, "Vilka hinder ser regionen för att använda fonderna "
                 "fullt ut?"),
]


def _draft(session: Session, by) -> Survey:
    """Being prepared: not sent yet."""
    created = _at(today() - timedelta(days=2), 14)
    survey = services.create(
        session, by=by, title="Regionernas deltagande i EU:s sammanhållningspolitik",
        introduction="Underlag till forumets dialog med regeringen om nästa programperiod.",
        deadline=_at(today() + timedelta(days=40), 16), now=created)
    survey.created_at = created
    for spec in COHESION:
        services.add_question(session, survey, spec)
    return survey


def seed_surveys(session: Session, secretariat) -> dict[str, int]:
    if session.scalar(select(Survey.id).limit(1)) is not None:
        return {}
    regions = {r.code: r for r in session.scalars(select(Region))}
    contacts, contact_accounts, people = _contacts(session)
    engagement = _engagement(session, secretariat, contacts, regions)
    _skills(session, secretariat, contacts, regions)
    evaluation, participant_accounts = _evaluation(session, secretariat)
    attached = _attach(session, engagement, secretariat)
    _draft(session, secretariat)
    session.flush()
    # Named after the tables, as the demo's summary is.
    return {"surveys": 3 + (evaluation is not None), "people": people,
            "accounts": contact_accounts + participant_accounts, "documents": attached}
