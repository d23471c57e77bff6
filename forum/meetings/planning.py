"""The planner against the database: gather the facts, put reasons and errors in words,
and turn a confirmed proposal into meetings."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import holidays
from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from forum.audit.services import record
from forum.i18n import day as format_day
from forum.i18n import language, local
from forum.meetings import planner
from forum.meetings.models import (
    BlackoutKind,
    BlackoutPeriod,
    Meeting,
    MeetingStatus,
    PlannerSettings,
)
from forum.meetings.queries import local_day
from forum.roster.models import Body, Region
from forum.strategy.models import StrategyPeriod, Theme
from forum.timeutil import STOCKHOLM

POLITICIANS, OFFICIALS = "politikerforum", "tjanstepersonsforum"


def settings(session: Session) -> PlannerSettings:
    found = session.scalar(select(PlannerSettings).order_by(PlannerSettings.id).limit(1))
    if found is None:
        found = PlannerSettings()
        session.add(found)
        session.flush()
    return found


def ensure_default_blackouts(session: Session) -> int:
    """The summer and Christmas defaults, added once to an install that has none."""
    if session.scalar(select(func.count(BlackoutPeriod.id))):
        return 0
    session.add_all(
        [
            BlackoutPeriod(name="Sommar (vecka 26–32, med Almedalsveckan)",
                           kind=BlackoutKind.ISO_WEEKS, first_week=26, last_week=32),
            BlackoutPeriod(name="Jul och nyår (20 december – 7 januari)",
                           kind=BlackoutKind.ANNUAL, first_day="12-20", last_day="01-07"),
        ]
    )
    session.flush()
    return 2


def _blackout(b: BlackoutPeriod) -> planner.Blackout:
    if b.kind is BlackoutKind.ISO_WEEKS:
        return planner.iso_weeks(b.name, b.first_week or 1, b.last_week or 1)
    if b.kind is BlackoutKind.ANNUAL:
        fm, fd = (int(x) for x in (b.first_day or "01-01").split("-"))
        lm, ld = (int(x) for x in (b.last_day or "01-01").split("-"))
        return planner.annual(b.name, (fm, fd), (lm, ld))
    return planner.dates(b.name, b.start_date, b.end_date)  # type: ignore[arg-type]


def host_rotation(session: Session) -> list[str]:
    """Region codes, the least recent host first (never hosted before anyone, then by code)."""
    last_hosted = dict(
        session.execute(
            select(Meeting.host_region_id, func.max(Meeting.start_at))
            .where(Meeting.host_region_id.is_not(None), Meeting.status != MeetingStatus.CANCELLED)
            .group_by(Meeting.host_region_id)
        ).all()
    )
    regions = session.scalars(select(Region).order_by(Region.code)).all()
    never = datetime.min.replace(tzinfo=UTC)

    def key(r: Region):
        when = last_hosted.get(r.id)
        if when is not None and when.tzinfo is None:
            when = when.replace(tzinfo=UTC)  # SQLite gives naive UTC back
        return (when or never, r.code)

    return [r.code for r in sorted(regions, key=key)]


def request_for(session: Session, year: int) -> planner.PlanRequest:
    chosen = settings(session)
    periods = session.scalars(
        select(StrategyPeriod).options(selectinload(StrategyPeriod.themes))
        .order_by(StrategyPeriod.start_date)
    ).all()
    busy = {
        local_day(start)
        for start in session.scalars(
            select(Meeting.start_at).where(
                Meeting.status != MeetingStatus.CANCELLED, *_in_year(year)
            )
        )
    }
    return planner.PlanRequest(
        year=year,
        periods=[
            planner.PlanPeriod(
                p.slug, p.start_date, p.end_date,
                tuple(planner.PlanTheme(t.id, local(t, "name"), t.position) for t in p.themes),
            )
            for p in periods
        ],
        politicians=POLITICIANS,
        officials=OFFICIALS,
        blackouts=[_blackout(b) for b in session.scalars(select(BlackoutPeriod))],
        preferred_weekdays=frozenset(int(x) for x in chosen.preferred_weekdays.split(",") if x),
        min_gap=timedelta(weeks=chosen.min_gap_weeks),
        lead_min=timedelta(weeks=chosen.lead_min_weeks),
        lead_max=timedelta(weeks=chosen.lead_max_weeks),
        busy_days=frozenset(busy),
        host_rotation=host_rotation(session),
        start_time=chosen.start_time,
        duration=timedelta(minutes=chosen.duration_minutes),
    )


def _in_year(year: int) -> tuple:
    """Meetings that start in the year, Swedish time (compared in UTC, as stored)."""
    first = datetime.combine(date(year, 1, 1), time(0), STOCKHOLM).astimezone(UTC)
    after = datetime.combine(date(year + 1, 1, 1), time(0), STOCKHOLM).astimezone(UTC)
    return (Meeting.start_at >= first, Meeting.start_at < after)


def propose(session: Session, year: int) -> list[planner.ProposedMeeting]:
    return planner.plan(request_for(session, year))


def existing_meetings(session: Session, year: int) -> list[Meeting]:
    """The year's meetings already in the system (not cancelled), with what the planner
    page shows of them."""
    return list(
        session.scalars(
            select(Meeting)
            .where(Meeting.status != MeetingStatus.CANCELLED, *_in_year(year))
            .options(selectinload(Meeting.body), selectinload(Meeting.theme),
                     selectinload(Meeting.host_region))
            .order_by(Meeting.start_at, Meeting.id)
        )
    )


def _weekday(d: date) -> str:
    from flask_babel import format_date

    return format_date(d, "EEEE")


def explain(reason: planner.Reason) -> str:
    p = reason.params
    code = reason.code
    if code == "working_day":
        return gettext("%(day)s is a working day.", day=format_day(p["day"]))
    if code == "preferred_weekday":
        return gettext("A %(weekday)s, one of the preferred weekdays.", weekday=_weekday(p["day"]))
    if code == "on_target":
        return gettext("It is where an even spread over the year puts it.")
    if code == "near_target":
        blocked = p.get("blocked")
        if blocked is not None:
            return gettext(
                "The nearest suitable day to %(target)s, where an even spread puts it (%(why)s).",
                target=format_day(p["target"]), why=why_not_text(blocked),
            )
        return gettext(
            "The nearest preferred day to %(target)s, where an even spread puts it.",
            target=format_day(p["target"]),
        )
    if code == "gap":
        return gettext(
            "%(weeks)d weeks after the body's previous meeting (at least %(minimum)d).",
            weeks=p["weeks"], minimum=p["minimum"],
        )
    if code == "lead":
        return gettext(
            "%(days)d days before the politicians' meeting it prepares (%(lead_min)d–%(lead_max)d weeks).",
            days=p["days"], lead_min=p["lead_min"], lead_max=p["lead_max"],
        )
    if code == "prepared":
        return gettext(
            "Prepared by the officials' meeting %(days)d days before.", days=p["days"]
        )
    if code == "adjusted":
        return gettext("Moved by hand from %(proposed)s.", proposed=format_day(p["proposed"]))
    return code


def _holiday_name(day: date, name: str) -> str:
    """The holiday's name in the reader's language (the planner knows it in English)."""
    calendar = holidays.Sweden(
        years=day.year, include_sundays=False,
        categories=(holidays.PUBLIC, holidays.DE_FACTO),
        language="sv" if language() == "sv" else "en_US",
    )
    return calendar.get(day) or name


def problem_text(reason: planner.Reason) -> str:
    """Why a meeting of a plan adjusted by hand cannot be where it is (planner.check_plan)."""
    p = reason.params
    code = reason.code
    if code in ("weekend", "holiday", "blackout", "busy"):
        return gettext("%(why)s.", why=why_not_text(reason))
    if code == "other_year":
        return gettext("%(day)s is not in %(year)d.", day=format_day(p["day"]), year=p["year"])
    if code == "no_period":
        return gettext("No strategy period is in force on %(day)s.", day=format_day(p["day"]))
    if code == "other_period":
        return gettext(
            "On %(day)s another strategy period is in force; the theme %(theme)s does not "
            "belong to it.", day=format_day(p["day"]), theme=p["theme"],
        )
    if code == "same_day":
        return gettext("Meeting %(number)d is on the same day.", number=p["other"] + 1)
    if code == "too_close":
        return gettext(
            "Only %(days)d days after the body's meeting on %(after)s; keep at least "
            "%(minimum)d weeks between them.",
            days=p["days"], after=format_day(p["after"]), minimum=p["minimum"],
        )
    if code == "lead_out_of_range":
        return gettext(
            "%(days)d days before the politicians' meeting it prepares (%(before)s); it must "
            "come %(lead_min)d–%(lead_max)d weeks before.",
            days=p["days"], before=format_day(p["before"]), lead_min=p["lead_min"],
            lead_max=p["lead_max"],
        )
    return code


def why_not_text(reason: planner.Reason) -> str:
    p = reason.params
    if reason.code == "weekend":
        return gettext("%(day)s is a weekend", day=format_day(p["day"]))
    if reason.code == "holiday":
        return gettext("%(day)s is a holiday: %(name)s", day=format_day(p["day"]),
                       name=_holiday_name(p["day"], p["name"]))
    if reason.code == "blackout":
        return gettext("%(day)s is in the blackout period %(name)s", day=format_day(p["day"]),
                       name=p["name"])
    return gettext("%(day)s already has a meeting", day=format_day(p["day"]))


def reason_text(proposal: planner.ProposedMeeting) -> str:
    return " ".join(explain(r) for r in proposal.reasons)


def error_text(error: planner.PlanningError) -> str:
    p = error.params
    if error.code == "no_period":
        return gettext("No strategy period is in force in %(year)d, so there are no themes to plan.",
                       year=p["year"])
    if error.code == "no_themes":
        return gettext("The strategy period in force in %(year)d has no themes.", year=p["year"])
    if error.code == "too_few_days":
        return gettext(
            "%(year)d has only %(found)d days free of weekends, holidays, blackouts and other "
            "meetings; %(needed)d meetings need at least as many.",
            year=p["year"], found=p["found"], needed=p["needed"],
        )
    if error.code == "gap":
        return gettext(
            "The gap rule cannot be kept: meeting %(number)d of %(count)d would have to come at "
            "least %(weeks)d weeks after the previous one, and no free working day is left in "
            "%(year)d.",
            number=p["number"], count=p["count"], weeks=p["weeks"], year=p["year"],
        )
    if error.code == "lead":
        return gettext(
            "The preparation rule cannot be kept: for meeting %(number)d no free working day "
            "falls %(lead_min)d–%(lead_max)d weeks before the politicians' meeting.",
            number=p["number"], lead_min=p["lead_min"], lead_max=p["lead_max"],
        )
    if error.code == "lead_range":
        return gettext("The shortest preparation time is longer than the longest.")
    return error.code


def confirm(
    session: Session, proposals: list[planner.ProposedMeeting]
) -> list[Meeting]:
    """Create the proposed meetings (status planned), linking each officials' meeting to the
    politicians' meeting it prepares."""
    bodies = {b.slug: b for b in session.scalars(select(Body))}
    regions = {r.code: r for r in session.scalars(select(Region))}
    created: list[Meeting] = []
    politicians_by_index: dict[int, Meeting] = {}
    # Politicians' meetings first, so that officials' meetings can point at them.
    ordered = sorted(proposals, key=lambda m: m.body != POLITICIANS)
    k_of_politicians = [m for m in proposals if m.body == POLITICIANS]
    for proposal in ordered:
        body = bodies[proposal.body]
        theme = session.get(Theme, proposal.theme.id)
        meeting = Meeting(
            body_id=body.id,
            theme_id=theme.id if theme else None,
            title=f"{local(body, 'name')}: {local(theme, 'name') if theme else ''}".strip(": "),
            # Stored in UTC: SQLite keeps no offset, and reads naive times back as UTC.
            start_at=proposal.start.astimezone(UTC),
            end_at=proposal.end.astimezone(UTC),
            host_region_id=regions[proposal.host_region].id if proposal.host_region else None,
            status=MeetingStatus.PLANNED,
        )
        if proposal.body == OFFICIALS and proposal.prepares is not None:
            target = politicians_by_index.get(proposal.prepares)
            if target is not None:
                meeting.prepares_id = target.id
        session.add(meeting)
        session.flush()
        if proposal.body == POLITICIANS:
            politicians_by_index[k_of_politicians.index(proposal)] = meeting
        record(session, "meeting_planned", target=meeting,
               summary=f"{proposal.body} {proposal.start.isoformat()}")
        created.append(meeting)
    return sorted(created, key=lambda m: m.start_at)
