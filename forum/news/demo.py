"""The demo's news: what the secretariat has written over the last months, one item also in
English and one still a draft. Once: a forum that has any news is left as it is."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from forum.meetings.models import Meeting, MeetingStatus
from forum.news import services
from forum.news.models import NewsItem
from forum.roster.models import Body, BodyKind
from forum.strategy.models import StrategyPeriod, Theme
from forum.timeutil import STOCKHOLM, today, utcnow


def _next_meeting(session: Session, body_slug: str) -> Meeting | None:
    return session.scalar(
        select(Meeting).join(Body, Body.id == Meeting.body_id)
        .where(Body.slug == body_slug, Meeting.start_at > utcnow(),
               Meeting.status != MeetingStatus.CANCELLED)
        .order_by(Meeting.start_at).limit(1)
    )


def _last_held(session: Session, body_slug: str) -> Meeting | None:
    return session.scalar(
        select(Meeting).join(Body, Body.id == Meeting.body_id)
        .where(Body.slug == body_slug, Meeting.end_at < utcnow(),
               Meeting.status != MeetingStatus.CANCELLED)
        .order_by(Meeting.start_at.desc()).limit(1)
    )


def _day(meeting: Meeting | None) -> str:
    if meeting is None:
        return ""
    months = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
              "september", "oktober", "november", "december"]
    local = meeting.start_at.astimezone(STOCKHOLM)
    return f"{local.day} {months[local.month - 1]}"


def _named(bodies: list[Body], word: str) -> Body | None:
    return next((b for b in bodies if word in b.name_sv.lower()), None)


def seed_news(session: Session, by) -> dict[str, int]:
    if session.scalar(select(NewsItem.id).limit(1)) is not None:
        return {}
    now = utcnow()
    period = session.scalar(select(StrategyPeriod).where(
        StrategyPeriod.start_date <= today(), StrategyPeriod.end_date >= today()))
    themes = {t.slug: t for t in session.scalars(select(Theme))}
    groups = list(session.scalars(select(Body).where(Body.kind != BodyKind.FORUM)
                                  .order_by(Body.position, Body.id)))
    skills_group = _named(groups, "kompetens")
    digital_group = _named(groups, "digital") or _named(groups, "tillgänglighet")
    politicians_next = _next_meeting(session, "politikerforum")
    officials_held = _last_held(session, "tjanstepersonsforum")
    politicians_held = _last_held(session, "politikerforum")
    next_theme = politicians_next.theme if politicians_next else None
    skills = next((t for t in themes.values() if t.slug.startswith("kompetens")
                   and t.period_id == (period.id if period else None)), None)

    def days_ago(days: float) -> datetime:
        return now - timedelta(days=days, hours=2)

    def after(meeting: Meeting | None, days: int, otherwise: float) -> datetime:
        """A few days after a meeting, but never later than yesterday."""
        if meeting is None:
            return days_ago(otherwise)
        return min(meeting.end_at + timedelta(days=days), days_ago(1))

    # (fields, when published; None: still a draft)
    items: list[tuple[dict, datetime | None]] = []

    theme_name = next_theme.name_sv if next_theme else "kompetensförsörjning i hela landet"
    items.append(({
        "title_sv": f"Nästa politikerforum: {theme_name.lower()}",
        "summary_sv": (f"Politikerforum möts {_day(politicians_next) or 'i vår'} på temat "
                       f"{theme_name.lower()}. Underlag skickas ut till ledamöterna senast två "
                       "veckor före mötet."),
        "body_sv": (
            f"Vid nästa möte i **politikerforum** står temat *{theme_name}* i fokus. "
            "Regionerna och berörda myndigheter delar erfarenheter av vad som fungerar och "
            "vad som behöver utvecklas.\n\n"
            "## Vad mötet tar upp\n\n"
            "- läget i regionerna, utifrån kansliets sammanställning\n"
            "- hur statliga myndigheter kan stödja det regionala arbetet\n"
            "- förslag till fortsatt samverkan mellan regionerna och staten\n\n"
            "Statssekreteraren vid Landsbygds- och infrastrukturdepartementet deltar under "
            "eftermiddagen. Kallelse och dagordning finns på mötets sida när de är klara.\n\n"
            "Frågor om mötet besvaras av kansliet på "
            "[forum@tillvaxtverket.se](mailto:forum@tillvaxtverket.se)."
        ),
        "meeting_id": politicians_next.id if politicians_next else None,
        "theme_id": next_theme.id if next_theme else None,
    }, days_ago(3)))

    items.append(({
        "title_sv": "Kartläggning av regionernas internationella engagemang",
        "summary_sv": ("Kansliet kartlägger regionernas internationella samarbeten: "
                       "partnerskap, nätverk, EU-projekt och delegationer. Svaren ska in "
                       "inom fyra veckor."),
        "body_sv": (
            "Forumets kansli skickar i dag en enkät till kontaktpersonerna i alla 21 "
            "regioner. Enkäten bygger på den kartläggning som länsstyrelserna tidigare gjort "
            "av länens internationella kontakter.\n\n"
            "## Vad vi frågar om\n\n"
            "1. Vilka länder och regioner ni samarbetar med, och inom vilka områden\n"
            "2. Vilka internationella nätverk regionen är medlem i\n"
            "3. Pågående EU-projekt och hur de finansieras\n"
            "4. Delegationer och besök under det senaste året\n\n"
            "Resultatet redovisas vid ett kommande möte i tjänstepersonsforum och förs in i "
            "forumets samverkansregister, så att regionerna kan hitta varandra.\n\n"
            "> En region svarar en gång; svaret kan ändras fram till sista dagen."
        ),
        "title_en": "Survey of the regions' international engagement",
        "summary_en": ("The secretariat is mapping the regions' international cooperation: "
                       "partnerships, networks, EU projects and delegations. Answers are due "
                       "within four weeks."),
        "body_en": (
            "Today the forum's secretariat sends a survey to the contacts in all 21 regions. "
            "It builds on the county administrative boards' earlier survey of the counties' "
            "international contacts.\n\n"
            "## What we ask about\n\n"
            "1. The countries and regions you cooperate with, and in which fields\n"
            "2. The international networks the region is a member of\n"
            "3. Ongoing EU projects and how they are funded\n"
            "4. Delegations and visits during the past year\n\n"
            "The results will be presented at a coming meeting of the officials' forum and "
            "entered in the forum's cooperation register, so that regions can find each "
            "other.\n\n"
            "> Each region answers once; the answer can be changed until the last day."
        ),
        "theme_id": themes["internationellt-samarbete"].id
        if "internationellt-samarbete" in themes else None,
    }, days_ago(12)))

    items.append(({
        "title_sv": ("Delrapport: så kan regionerna och staten samverka om "
                     "kompetensförsörjningen"),
        "summary_sv": (f"{skills_group.name_sv if skills_group else 'Arbetsgruppen'} har "
                       "lämnat sin delrapport till forumet. Den pekar på tre områden där "
                       "samverkan behöver stärkas."),
        "body_sv": (
            "Arbetsgruppen, med företrädare för sex regioner, Arbetsförmedlingen och "
            "Myndigheten för yrkeshögskolan, har under hösten gått igenom hur regionernas "
            "kompetensplattformar samverkar med statliga aktörer.\n\n"
            "## Tre områden\n\n"
            "- **Analys:** gemensamma underlag om arbetsmarknadens behov i varje län\n"
            "- **Utbildning:** bättre samordning av yrkesvux och yrkeshögskola\n"
            "- **Omställning:** snabbare stöd när stora arbetsgivare varslar\n\n"
            "Rapporten diskuterades vid tjänstepersonsforum och tas upp av politikerforum "
            "under våren."
            + (f" Läs mer under temat [{skills.name_sv}](/themes/{skills.id})." if skills
               else "")
        ),
        "body_id": skills_group.id if skills_group else None,
        "theme_id": skills.id if skills else None,
        "meeting_id": officials_held.id if officials_held else None,
    }, after(officials_held, 3, 26)))

    if politicians_held is not None:
        items.append(({
            "title_sv": f"Minnesanteckningar från politikerforum {_day(politicians_held)}",
            "summary_sv": ("Minnesanteckningarna och presentationerna från det senaste mötet i "
                           "politikerforum finns nu på mötets sida."),
            "body_sv": (
                f"Politikerforum möttes {_day(politicians_held)}"
                + (f" på temat *{politicians_held.theme.name_sv}*"
                   if politicians_held.theme else "")
                + ". Ledamöterna diskuterade hur regionerna och staten kan samordna sina "
                "insatser och vilka frågor forumet ska driva vidare.\n\n"
                "Det offentliga materialet från mötet finns att läsa och ladda ned på mötets "
                "sida. Material som bara är avsett för deltagarna når ledamöterna via deras "
                "inloggning."
            ),
            "meeting_id": politicians_held.id,
            "theme_id": politicians_held.theme_id,
        }, after(politicians_held, 6, 45)))

    digital = digital_group.name_sv if digital_group else "Arbetsgruppen för digital infrastruktur"
    items.append(({
        "title_sv": f"{digital} bjuder in till erfarenhetsutbyte om bredband",
        "summary_sv": ("Regionernas digitaliseringsstrateger träffas två gånger per termin. "
                       "Nästa träff handlar om digital infrastruktur på landsbygden."),
        "body_sv": (
            "Tillgång till snabbt bredband är en förutsättning för att kunna bo, arbeta och "
            f"driva företag i hela landet. {digital} delar erfarenheter av regionernas "
            "bredbandsstrategier och av samarbetet med Post- och telestyrelsen.\n\n"
            "Läs mer om PTS arbete med bredband på "
            "[pts.se](https://www.pts.se)."
        ),
        "body_id": digital_group.id if digital_group else None,
        "theme_id": themes["tillganglighet"].id if "tillganglighet" in themes else None,
    }, days_ago(70)))

    items.append(({
        "title_sv": "Ny strategiperiod: hållbar regional utveckling i hela landet 2021–2030",
        "summary_sv": ("Regeringens nationella strategi för hållbar regional utveckling i hela "
                       "landet 2021–2030 ger forumet fyra nya strategiska områden."),
        "body_sv": (
            "Med den nya strategin (Skr. 2020/21:133) byter forumet teman. Möten som redan "
            "hållits behåller sina teman från strategin 2015–2020, och kunskapsbanken samlar "
            "materialet från båda perioderna.\n\n"
            "## De fyra strategiska områdena\n\n"
            "1. Likvärdiga möjligheter till boende, arbete och välfärd i hela landet\n"
            "2. Kompetensförsörjning och kompetensutveckling i hela landet\n"
            "3. Innovation och förnyelse samt entreprenörskap och företagande i hela landet\n"
            "4. Tillgänglighet i hela landet genom digital kommunikation och transportsystem\n\n"
            "Strategin finns på [regeringen.se](https://www.regeringen.se)."
        ),
    }, datetime(2021, 3, 25, 9, 30, tzinfo=STOCKHOLM)))

    # Still a draft: the secretariat has not published it yet.
    items.append(({
        "title_sv": "Inbjudan: nätverksträff om EU-samarbete i Östersjöregionen",
        "summary_sv": "Regioner med projekt i Interreg Östersjön bjuds in att dela erfarenheter.",
        "body_sv": (
            "Utkast. Kansliet kompletterar med datum, plats och program.\n\n"
            "- Interreg Östersjön: pågående projekt\n"
            "- EU:s strategi för Östersjöregionen\n"
        ),
    }, None))

    added = 0
    for fields, when in items:
        item = services.create(session, by=by, **{k: v for k, v in fields.items()
                                                  if v is not None})
        added += 1
        if when is None:
            continue
        services.publish(session, item, by=by)
        item.created_at = when - timedelta(days=1)
        item.published_at = item.updated_at = when
    session.flush()
    return {"news_items": added}
