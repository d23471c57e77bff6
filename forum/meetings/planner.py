"""The year planner, as a pure function: from a year and the forum's rules to a proposal of
its meetings, each with the reasons for its date, or an error naming the rule that cannot
be kept. No database, no clock: the caller gathers the facts.

Each theme of the strategy period in force gets one officials' meeting and, two to four
weeks later, one politicians' meeting on the same theme; each body's meetings are spread
over the year at least a gap apart, on working days (no weekend, no Swedish holiday, no
blackout, no day with another meeting), preferring the chosen weekdays.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import holidays

STOCKHOLM = ZoneInfo("Europe/Stockholm")
SEARCH_BUDGET = 20_000  # nodes; past it the earliest feasible plan is taken


@dataclass(frozen=True)
class PlanTheme:
    id: int
    name: str
    position: int


@dataclass(frozen=True)
class PlanPeriod:
    slug: str
    start: date
    end: date
    themes: tuple[PlanTheme, ...]

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Blackout:
    name: str
    covers: Callable[[date], bool]


def iso_weeks(name: str, first: int, last: int) -> Blackout:
    return Blackout(name, lambda d: first <= d.isocalendar().week <= last)


def annual(name: str, first: tuple[int, int], last: tuple[int, int]) -> Blackout:
    """The same days every year; (12, 20)–(1, 7) runs across New Year."""

    def covers(d: date) -> bool:
        md = (d.month, d.day)
        if first <= last:
            return first <= md <= last
        return md >= first or md <= last

    return Blackout(name, covers)


def dates(name: str, start: date, end: date) -> Blackout:
    return Blackout(name, lambda d: start <= d <= end)


DEFAULT_BLACKOUTS = (
    ("Sommar (vecka 26–32, med Almedalsveckan)", "iso_weeks", 26, 32),
    ("Jul och nyår (20 december – 7 januari)", "annual", (12, 20), (1, 7)),
)


@dataclass(frozen=True)
class PlanRequest:
    year: int
    periods: Sequence[PlanPeriod]
    politicians: str  # body slugs
    officials: str
    blackouts: Sequence[Blackout] = ()
    preferred_weekdays: frozenset[int] = frozenset({2, 3, 4})  # ISO: Monday = 1
    min_gap: timedelta = timedelta(weeks=6)
    lead_min: timedelta = timedelta(weeks=2)
    lead_max: timedelta = timedelta(weeks=4)
    busy_days: frozenset[date] = frozenset()
    host_rotation: Sequence[str] = ()  # region codes, least recent host first
    start_time: time = time(10, 0)
    duration: timedelta = timedelta(hours=4)


@dataclass(frozen=True)
class Reason:
    """One part of why a date was chosen: a code and what it needs to be put in words."""

    code: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ProposedMeeting:
    body: str
    theme: PlanTheme
    period: str
    day: date
    start: datetime
    end: datetime
    host_region: str | None
    reasons: tuple[Reason, ...]
    prepares: int | None = None  # index of the politicians' meeting it prepares


class PlanningError(Exception):
    """The request cannot be met; ``code`` names the constraint."""

    def __init__(self, code: str, **params):
        super().__init__(code, params)
        self.code = code
        self.params = params


def swedish_holidays(year: int) -> dict[date, str]:
    calendar = holidays.Sweden(
        years=year, include_sundays=False, categories=(holidays.PUBLIC, holidays.DE_FACTO)
    )
    return dict(calendar.items())


def why_not(req: PlanRequest, day: date, holiday_names: dict[date, str]) -> Reason | None:
    """Why a day cannot take a meeting, or None if it can."""
    if day.isoweekday() >= 6:
        return Reason("weekend", {"day": day})
    if day in holiday_names:
        return Reason("holiday", {"day": day, "name": holiday_names[day]})
    for blackout in req.blackouts:
        if blackout.covers(day):
            return Reason("blackout", {"day": day, "name": blackout.name})
    if day in req.busy_days:
        return Reason("busy", {"day": day})
    return None


def plan(req: PlanRequest) -> list[ProposedMeeting]:
    first, last = date(req.year, 1, 1), date(req.year, 12, 31)
    window = [
        first + timedelta(days=i)
        for i in range((last - first).days + 1)
        if any(p.covers(first + timedelta(days=i)) for p in req.periods)
    ]
    if not window:
        raise PlanningError("no_period", year=req.year)
    if req.lead_min > req.lead_max:
        raise PlanningError("lead_range", lead_min=req.lead_min.days // 7,
                            lead_max=req.lead_max.days // 7)
    middle = window[len(window) // 2]
    themes = _period_at(req, middle).themes
    n = len(themes)
    if n == 0:
        raise PlanningError("no_themes", year=req.year)

    holiday_names = swedish_holidays(req.year)
    available = [d for d in window if why_not(req, d, holiday_names) is None]
    if len(available) < 2 * n:
        raise PlanningError("too_few_days", year=req.year, needed=2 * n, found=len(available))
    usable = set(available)

    # Spread the politicians' meetings evenly over what is left after the first lead.
    begin, end = window[0] + req.lead_max, window[-1]
    span = (end - begin).days
    targets = [begin + timedelta(days=round((k + 0.5) * span / n)) for k in range(n)]
    lead_mid = (req.lead_min + req.lead_max) / 2

    def rank(day: date, target: date) -> tuple[int, int, date]:
        return (day.isoweekday() not in req.preferred_weekdays, abs((day - target).days), day)

    def politicians_after(previous: date | None, k: int) -> list[date]:
        low = previous + req.min_gap if previous else begin
        # Room for the meetings still to come, a gap apart, before the year ends.
        high = end - req.min_gap * (n - 1 - k)
        return sorted((d for d in available if low <= d <= high), key=lambda d: rank(d, targets[k]))

    def officials_for(p_day: date, previous: date | None, taken: set[date]) -> list[date]:
        low = max(p_day - req.lead_max, previous + req.min_gap if previous else window[0])
        high = p_day - req.lead_min
        return sorted(
            # With a gap shorter than the longest lead, an officials' meeting could land
            # on a politicians' meeting already chosen.
            (d for d in available if low <= d <= high and d not in taken),
            key=lambda d: rank(d, p_day - lead_mid),
        )

    nodes = 0
    best: list[tuple[date, date]] | None = None

    def search(k: int, chosen: list[tuple[date, date]]) -> bool:
        nonlocal nodes, best
        if k == n:
            best = list(chosen)
            return True
        prev_o, prev_p = chosen[-1] if chosen else (None, None)
        for p_day in politicians_after(prev_p, k):
            taken = {p for _, p in chosen} | {p_day}
            for o_day in officials_for(p_day, prev_o, taken)[:3]:
                nodes += 1
                if nodes > SEARCH_BUDGET:
                    return False
                chosen.append((o_day, p_day))
                if search(k + 1, chosen):
                    return True
                chosen.pop()
        return False

    if not search(0, []):
        best = _earliest(req, n, available, window, begin, end)
    assert best is not None

    hosts = list(req.host_rotation)
    proposals: list[ProposedMeeting] = []
    order = sorted(
        [(o, "officials", k) for k, (o, _) in enumerate(best)]
        + [(p, "politicians", k) for k, (_, p) in enumerate(best)]
    )
    host_of: dict[tuple[str, int], str | None] = {}
    for i, (_day, which, k) in enumerate(order):
        host_of[(which, k)] = hosts[i % len(hosts)] if hosts else None

    for k, (o_day, p_day) in enumerate(best):
        p_period = _period_at(req, p_day)
        theme = p_period.themes[min(k, len(p_period.themes) - 1)]
        o_period = _period_at(req, o_day)
        o_theme = theme if o_period is p_period else o_period.themes[min(k, len(o_period.themes) - 1)]
        previous = best[k - 1] if k else None
        proposals.append(
            _proposal(
                req, req.officials, o_theme, o_period.slug, o_day, host_of[("officials", k)],
                _reasons(req, o_day, p_day - lead_mid, holiday_names, usable,
                         gap_from=previous[0] if previous else None,
                         lead_to=p_day),
                prepares=k,
            )
        )
        proposals.append(
            _proposal(
                req, req.politicians, theme, p_period.slug, p_day, host_of[("politicians", k)],
                _reasons(req, p_day, targets[k], holiday_names, usable,
                         gap_from=previous[1] if previous else None,
                         prepared_by=o_day),
            )
        )
    return sorted(proposals, key=lambda m: (m.start, m.body))


def _period_at(req: PlanRequest, day: date) -> PlanPeriod:
    for period in req.periods:
        if period.covers(day):
            return period
    raise PlanningError("no_period", year=day.year)


def _earliest(req, n, available, window, begin, end) -> list[tuple[date, date]]:
    """The earliest dates that keep every rule, or the error naming the rule that breaks."""
    chosen: list[tuple[date, date]] = []
    prev_o = prev_p = None
    for k in range(n):
        low = prev_p + req.min_gap if prev_p else window[0] + req.lead_min
        found = None
        any_politicians_day = False
        for p_day in (d for d in available if d >= low):
            any_politicians_day = True
            o_low = max(p_day - req.lead_max, prev_o + req.min_gap if prev_o else window[0])
            taken = {p for _, p in chosen} | {p_day}
            o_days = [d for d in available
                      if o_low <= d <= p_day - req.lead_min and d not in taken]
            if o_days:
                found = (o_days[0], p_day)
                break
        if found is None:
            if not any_politicians_day:
                raise PlanningError(
                    "gap", year=req.year, after=prev_p, weeks=req.min_gap.days // 7, number=k + 1,
                    count=n,
                )
            raise PlanningError(
                "lead", year=req.year, number=k + 1, lead_min=req.lead_min.days // 7,
                lead_max=req.lead_max.days // 7,
            )
        chosen.append(found)
        prev_o, prev_p = found
    return chosen


def _reasons(req, day, target, holiday_names, usable, *, gap_from=None, lead_to=None,
             prepared_by=None) -> tuple[Reason, ...]:
    reasons = [Reason("working_day", {"day": day})]
    if day.isoweekday() in req.preferred_weekdays:
        reasons.append(Reason("preferred_weekday", {"day": day}))
    if day != target:
        blocked = why_not(req, target, holiday_names)
        reasons.append(Reason("near_target", {"target": target, "blocked": blocked}))
    else:
        reasons.append(Reason("on_target", {"target": target}))
    if gap_from is not None:
        reasons.append(Reason("gap", {"weeks": (day - gap_from).days // 7,
                                      "days": (day - gap_from).days, "after": gap_from,
                                      "minimum": req.min_gap.days // 7}))
    if lead_to is not None:
        reasons.append(Reason("lead", {"days": (lead_to - day).days, "before": lead_to,
                                       "lead_min": req.lead_min.days // 7,
                                       "lead_max": req.lead_max.days // 7}))
    if prepared_by is not None:
        reasons.append(Reason("prepared", {"days": (day - prepared_by).days, "after": prepared_by}))
    return tuple(reasons)


def _proposal(req, body, theme, period, day, host, reasons, prepares=None) -> ProposedMeeting:
    start = datetime.combine(day, req.start_time, tzinfo=STOCKHOLM)
    return ProposedMeeting(
        body=body,
        theme=theme,
        period=period,
        day=day,
        start=start,
        end=start + req.duration,
        host_region=host,
        reasons=reasons,
        prepares=prepares,
    )


def adjust(
    proposal: ProposedMeeting,
    *,
    day: date,
    start_time: time,
    end_time: time,
    host_region: str | None,
) -> ProposedMeeting:
    """The proposal as the secretariat changed it; a moved meeting's reasons no longer
    hold, so it says it was chosen by hand."""
    start = datetime.combine(day, start_time, tzinfo=STOCKHOLM)
    end = datetime.combine(day, end_time, tzinfo=STOCKHOLM)
    if (day, start, end) == (proposal.day, proposal.start, proposal.end):
        reasons = proposal.reasons
    else:
        reasons = (Reason("adjusted", {"day": day, "proposed": proposal.day}),)
    return replace(proposal, day=day, start=start, end=end, host_region=host_region,
                   reasons=reasons)


def check_plan(
    req: PlanRequest, proposals: Sequence[ProposedMeeting]
) -> list[tuple[int, Reason]]:
    """What a plan, perhaps adjusted by hand, breaks: (index of the meeting, the rule), by
    index. The rules are those plan() keeps, so a plan it made passes unchanged.

    An officials' meeting's ``prepares`` counts the politicians' meetings in list order,
    as planning.confirm() reads it.
    """
    problems: list[tuple[int, Reason]] = []
    holiday_names = swedish_holidays(req.year)
    first_on: dict[date, int] = {}
    for i, m in enumerate(proposals):
        if m.day.year != req.year:
            problems.append((i, Reason("other_year", {"day": m.day, "year": req.year})))
            continue
        blocked = why_not(req, m.day, holiday_names)
        if blocked is not None:
            problems.append((i, blocked))
        period = next((p for p in req.periods if p.covers(m.day)), None)
        if period is None:
            problems.append((i, Reason("no_period", {"day": m.day})))
        elif m.theme not in period.themes:
            problems.append((i, Reason("other_period", {"day": m.day, "theme": m.theme.name})))
        if m.day in first_on:
            problems.append((i, Reason("same_day", {"day": m.day, "other": first_on[m.day]})))
        else:
            first_on[m.day] = i

    for body in (req.politicians, req.officials):
        days = sorted((m.day, i) for i, m in enumerate(proposals) if m.body == body)
        for (previous, _), (day, i) in pairwise(days):
            if previous != day and day - previous < req.min_gap:
                problems.append((i, Reason("too_close", {
                    "day": day, "after": previous, "days": (day - previous).days,
                    "minimum": req.min_gap.days // 7,
                })))

    politicians = [i for i, m in enumerate(proposals) if m.body == req.politicians]
    for i, m in enumerate(proposals):
        if m.body != req.officials or m.prepares is None or not 0 <= m.prepares < len(politicians):
            continue
        prepared = proposals[politicians[m.prepares]]
        lead = prepared.day - m.day
        if not req.lead_min <= lead <= req.lead_max:
            problems.append((i, Reason("lead_out_of_range", {
                "day": m.day, "before": prepared.day, "days": lead.days,
                "lead_min": req.lead_min.days // 7, "lead_max": req.lead_max.days // 7,
            })))
    return sorted(problems, key=lambda problem: problem[0])
