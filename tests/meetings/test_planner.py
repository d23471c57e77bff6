"""The pure year planner: its rules as properties over the years 2016–2030, random blackouts,
busy days and settings (Hypothesis, derandomized so that CI sees the same examples every
run), and its edges: infeasible requests, a period that changes mid-year, daylight saving,
the Swedish eves; and check_plan(), which judges a plan adjusted by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forum.meetings.planner import (
    Blackout,
    PlanningError,
    PlanPeriod,
    PlanRequest,
    PlanTheme,
    ProposedMeeting,
    adjust,
    annual,
    check_plan,
    dates,
    iso_weeks,
    plan,
    swedish_holidays,
    why_not,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
POLITICIANS, OFFICIALS = "politikerforum", "tjanstepersonsforum"
REGIONS = ("01", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13", "14", "17",
           "18", "19", "20", "21", "22", "23", "24", "25")

THEMES_2015 = tuple(
    PlanTheme(i, name, i)
    for i, name in enumerate(
        ["Innovation och företagande", "Attraktiva miljöer och tillgänglighet",
         "Kompetensförsörjning", "Internationellt samarbete"], start=1)
)
THEMES_2021 = tuple(
    PlanTheme(4 + i, name, i)
    for i, name in enumerate(
        ["Likvärdiga möjligheter", "Kompetensförsörjning och kompetensutveckling",
         "Innovation och förnyelse", "Tillgänglighet"], start=1)
)
PERIODS = (
    PlanPeriod("2015-2020", date(2015, 1, 1), date(2020, 12, 31), THEMES_2015),
    PlanPeriod("2021-2030", date(2021, 1, 1), date(2030, 12, 31), THEMES_2021),
)
SUMMER = iso_weeks("Sommar", 26, 32)
CHRISTMAS = annual("Jul och nyår", (12, 20), (1, 7))

# Property runs: the same examples every time (derandomize), enough to matter, few enough
# that the whole module stays well under half a minute.
PROPERTIES = settings(max_examples=150, derandomize=True, deadline=None,
                      suppress_health_check=[HealthCheck.too_slow])


def request(year: int, **fields) -> PlanRequest:
    fields.setdefault("periods", PERIODS)
    return PlanRequest(year=year, politicians=POLITICIANS, officials=OFFICIALS, **fields)


def official_holidays(year: int) -> dict[date, str]:
    """Independently of the planner: the calendar the product brief names."""
    return dict(holidays.Sweden(years=year, include_sundays=False,
                                categories=(holidays.PUBLIC, holidays.DE_FACTO)).items())


def last_sunday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.isoweekday() % 7))


def summer_time(day: date) -> bool:
    """Central European Summer Time: from the last Sunday of March to the last of October."""
    return last_sunday(day.year, 3) <= day < last_sunday(day.year, 10)


def only(*allowed: tuple[date, date]) -> Blackout:
    """Everything is blacked out except the given stretches of days."""
    return Blackout("Allt utom", lambda d: not any(a <= d <= b for a, b in allowed))


# --- what every plan keeps -----------------------------------------------------------------


def assert_keeps_the_rules(req: PlanRequest, proposals: list[ProposedMeeting]) -> None:
    themes_in_force = {t for p in req.periods if p.covers(date(req.year, 7, 1)) for t in p.themes}
    n = len(themes_in_force)
    assert len(proposals) == 2 * n == 8
    assert [m.start for m in proposals] == sorted(m.start for m in proposals)
    off = official_holidays(req.year)

    for m in proposals:
        assert m.day.year == req.year
        assert m.day.isoweekday() <= 5, f"{m.day} is a weekend"
        assert m.day not in off, f"{m.day} is {off.get(m.day)}"
        assert not any(b.covers(m.day) for b in req.blackouts), f"{m.day} is blacked out"
        assert m.day not in req.busy_days, f"{m.day} already has a meeting"
        period = next(p for p in req.periods if p.covers(m.day))
        assert m.period == period.slug and m.theme in period.themes
        # Swedish local time, whatever the season: the offset follows the day.
        assert m.start == datetime.combine(m.day, req.start_time, tzinfo=STOCKHOLM)
        assert m.start.timetz().replace(tzinfo=None) == req.start_time
        assert m.start.utcoffset() == timedelta(hours=2 if summer_time(m.day) else 1)
        assert m.end - m.start == req.duration
        assert m.reasons and m.reasons[0].code == "working_day"

    assert len({m.day for m in proposals}) == len(proposals), "two meetings on one day"

    by_body = {b: [m for m in proposals if m.body == b] for b in (POLITICIANS, OFFICIALS)}
    for body, meetings in by_body.items():
        assert sorted(m.theme.id for m in meetings) == sorted(t.id for t in themes_in_force), body
        for previous, following in pairwise(meetings):
            assert following.day - previous.day >= req.min_gap, (body, previous.day, following.day)

    politicians = by_body[POLITICIANS]
    for official in by_body[OFFICIALS]:
        prepared = next(p for p in politicians if p.theme == official.theme)
        assert req.lead_min <= prepared.day - official.day <= req.lead_max, (official.day, prepared.day)
        # planning.confirm() links by the politicians' meetings' order in the list.
        assert official.prepares is not None and politicians[official.prepares] is prepared
    assert all(p.prepares is None for p in politicians)

    # The host rotation is followed in the order the meetings come.
    hosts = list(req.host_rotation)
    expected = [hosts[i % len(hosts)] for i in range(len(proposals))] if hosts else [None] * 8
    assert [m.host_region for m in proposals] == expected

    assert check_plan(req, proposals) == []


# --- random requests that leave room -------------------------------------------------------

# Four stretches of five ISO weeks that no generated blackout touches: a plan fits in them
# whatever the settings below, so every generated request is feasible.
SAFE_WEEKS = ((5, 9), (15, 19), (35, 39), (43, 47))
FREE_WEEKS = ((1, 4), (10, 14), (20, 34), (40, 42), (48, 52))


def _monday(year: int, week: int) -> date:
    return date.fromisocalendar(year, week, 1)


@st.composite
def blackout_sets(draw, year: int) -> list[Blackout]:
    chosen: list[Blackout] = []
    if draw(st.booleans()):
        chosen += [SUMMER, CHRISTMAS]
    for n in range(draw(st.integers(0, 5))):
        first_week, last_week = draw(st.sampled_from(FREE_WEEKS))
        a = draw(st.integers(first_week, last_week))
        b = draw(st.integers(a, last_week))
        kind = draw(st.sampled_from(["iso_weeks", "annual", "dates"]))
        if kind == "iso_weeks":
            chosen.append(iso_weeks(f"Veckor {a}–{b}", a, b))
            continue
        start = _monday(year, a) + timedelta(days=draw(st.integers(0, 6)))
        end = _monday(year, b) + timedelta(days=draw(st.integers(0, 6)))
        end = max(start, end)
        if start.year != year or end.year != year:
            continue  # ISO week 1 or 52 reaching into the next or previous year
        if kind == "annual":
            chosen.append(annual(f"Årligen {n}", (start.month, start.day), (end.month, end.day)))
        else:
            chosen.append(dates(f"Datum {n}", start, end))
    return chosen


@st.composite
def requests(draw) -> PlanRequest:
    year = draw(st.integers(2016, 2030))
    in_free_weeks = st.builds(
        lambda weeks, w, d: date.fromisocalendar(year, min(w, weeks[1]), d),
        st.sampled_from(FREE_WEEKS[1:4]), st.integers(1, 52), st.integers(1, 7),
    ).filter(lambda d: d.year == year)
    anywhere = st.dates(date(year, 1, 1), date(year, 12, 31))
    busy = draw(st.frozensets(in_free_weeks, max_size=10)) | draw(st.frozensets(anywhere, max_size=3))
    lead_min = draw(st.integers(1, 2))
    lead_max = draw(st.integers(max(2, lead_min), 4))
    return request(
        year,
        blackouts=draw(blackout_sets(year)),
        busy_days=busy,
        preferred_weekdays=draw(st.frozensets(st.integers(1, 5), min_size=1)),
        min_gap=timedelta(weeks=draw(st.integers(3, 8))),
        lead_min=timedelta(weeks=lead_min),
        lead_max=timedelta(weeks=lead_max),
        host_rotation=tuple(draw(st.permutations(REGIONS)))[: draw(st.integers(0, 21))],
        start_time=draw(st.sampled_from([time(9, 0), time(10, 0), time(13, 30)])),
        duration=timedelta(minutes=draw(st.sampled_from([120, 240, 300]))),
    )


@PROPERTIES
@given(requests())
def test_every_plan_keeps_every_rule(req):
    assert_keeps_the_rules(req, plan(req))


@PROPERTIES
@given(requests())
def test_the_same_request_gives_the_same_plan(req):
    # A second request built from the same facts (new blackout objects, same days).
    again = replace(req, blackouts=list(req.blackouts), busy_days=frozenset(req.busy_days),
                    host_rotation=list(req.host_rotation))
    assert plan(req) == plan(again)


@settings(max_examples=15, derandomize=True, deadline=None)
@given(st.integers(2016, 2030))
def test_with_the_defaults_every_year_is_planned_in_the_preferred_weekdays(year):
    req = request(year, blackouts=[SUMMER, CHRISTMAS], host_rotation=REGIONS)
    proposals = plan(req)
    assert_keeps_the_rules(req, proposals)
    # With nothing in the way, every meeting is on a Tuesday, Wednesday or Thursday.
    assert {m.day.isoweekday() for m in proposals} <= {2, 3, 4}
    assert [m.host_region for m in proposals] == list(REGIONS[:8])
    # Spread over the year: one pair before summer at least, and one after.
    assert any(m.day.month <= 3 for m in proposals) and any(m.day.month >= 10 for m in proposals)


def test_a_plan_is_explained():
    proposals = plan(request(2027, blackouts=[SUMMER, CHRISTMAS]))
    for m in proposals:
        codes = [r.code for r in m.reasons]
        assert codes[0] == "working_day"
        assert "on_target" in codes or "near_target" in codes
        if m.body == OFFICIALS:
            assert "lead" in codes
        else:
            assert "prepared" in codes
    # After the first pair, each meeting says how far it is from its body's previous one.
    assert all("gap" in [r.code for r in m.reasons] for m in proposals[2:])
    # A target that fell in the summer says so.
    blocked = [r.params["blocked"] for m in proposals for r in m.reasons
               if r.code == "near_target" and r.params["blocked"] is not None]
    assert any(b.code == "blackout" and b.params["name"] == "Sommar" for b in blocked)


def test_a_gap_shorter_than_the_lead_puts_no_two_meetings_on_one_day():
    """Found by Hypothesis: with a one-week gap and up to 17 days' preparation, the
    officials' meeting of one theme landed on the day of the politicians' meeting of the
    theme before."""
    year = 2016
    req = request(year, min_gap=timedelta(days=7), lead_min=timedelta(days=7),
                  lead_max=timedelta(days=17),
                  blackouts=[only((date(year, 1, 1), date(year, 2, 25)))])
    proposals = plan(req)
    assert len({m.day for m in proposals}) == 8
    assert check_plan(req, proposals) == []


@settings(max_examples=100, derandomize=True, deadline=None)
@given(st.integers(2016, 2030), st.integers(7, 40), st.integers(7, 14), st.integers(14, 35),
       st.lists(st.tuples(st.integers(0, 350), st.integers(0, 30)), min_size=1, max_size=8))
def test_whatever_the_settings_a_plan_never_doubles_a_day(year, gap, lead_min, lead_max, free):
    first = date(year, 1, 1)
    req = request(year, min_gap=timedelta(days=gap), lead_min=timedelta(days=lead_min),
                  lead_max=timedelta(days=lead_max),
                  blackouts=[only(*[(first + timedelta(days=a), first + timedelta(days=a + n))
                                    for a, n in free])])
    try:
        proposals = plan(req)
    except PlanningError as error:
        assert error.code in {"too_few_days", "gap", "lead"}
        return
    assert len({m.day for m in proposals}) == len(proposals) == 8
    assert check_plan(req, proposals) == []


# --- the named errors ----------------------------------------------------------------------


@pytest.mark.parametrize("year", [2014, 2031, 2045])
def test_a_year_with_no_strategy_period_in_force(year):
    with pytest.raises(PlanningError) as caught:
        plan(request(year, blackouts=[SUMMER, CHRISTMAS]))
    assert caught.value.code == "no_period"
    assert caught.value.params["year"] == year


def test_a_period_without_themes():
    empty = (PlanPeriod("tom", date(2027, 1, 1), date(2027, 12, 31), ()),)
    with pytest.raises(PlanningError) as caught:
        plan(request(2027, periods=empty))
    assert caught.value.code == "no_themes"


def test_the_shortest_preparation_longer_than_the_longest():
    with pytest.raises(PlanningError) as caught:
        plan(request(2027, lead_min=timedelta(weeks=5), lead_max=timedelta(weeks=3)))
    assert caught.value.code == "lead_range"
    assert caught.value.params == {"lead_min": 5, "lead_max": 3}


@PROPERTIES
@given(st.integers(2016, 2030), st.integers(0, 7), st.integers(0, 358))
def test_a_year_blacked_out_but_for_a_few_days(year, free, offset):
    first = date(year, 1, 1) + timedelta(days=offset)
    req = request(year, blackouts=[only((first, first + timedelta(days=free - 1)))])
    with pytest.raises(PlanningError) as caught:
        plan(req)
    assert caught.value.code == "too_few_days"
    assert caught.value.params["needed"] == 8
    assert caught.value.params["found"] < 8


@settings(max_examples=15, derandomize=True, deadline=None)
@given(st.integers(2016, 2030))
def test_room_only_in_the_first_quarter_breaks_the_gap(year):
    # Plenty of free days, but four politicians' meetings six weeks apart need more than
    # a quarter of a year.
    req = request(year, blackouts=[only((date(year, 1, 1), date(year, 3, 31)))])
    with pytest.raises(PlanningError) as caught:
        plan(req)
    assert caught.value.code == "gap"
    assert caught.value.params["weeks"] == 6
    assert caught.value.params["count"] == 4


@settings(max_examples=15, derandomize=True, deadline=None)
@given(st.integers(2016, 2030))
def test_free_weeks_too_far_apart_break_the_preparation_rule(year):
    # Five free weeks, ten weeks apart: enough days, gaps easily kept, but no officials'
    # meeting can come two to four weeks before a politicians' meeting.
    weeks = [(_monday(year, w), _monday(year, w) + timedelta(days=6)) for w in (6, 16, 26, 36, 46)]
    req = request(year, blackouts=[only(*weeks)])
    with pytest.raises(PlanningError) as caught:
        plan(req)
    assert caught.value.code == "lead"
    assert caught.value.params["lead_min"] == 2 and caught.value.params["lead_max"] == 4


@settings(max_examples=30, derandomize=True, deadline=None)
@given(st.integers(2016, 2030), st.integers(60, 200))
def test_busy_days_count_like_blackouts(year, length):
    # The same free days, made scarce by meetings already in the calendar instead of by a
    # blackout, give the same answer.
    first = date(year, 1, 15)
    allowed = {first + timedelta(days=i) for i in range(length)}
    all_days = {date(year, 1, 1) + timedelta(days=i) for i in range(366)}
    busy = frozenset(d for d in all_days if d.year == year and d not in allowed)
    by_busy = by_blackout = None
    try:
        by_busy = plan(request(year, busy_days=busy))
    except PlanningError as error:
        by_busy = error.code
    try:
        by_blackout = plan(request(year, blackouts=[only((first, first + timedelta(days=length - 1)))]))
    except PlanningError as error:
        by_blackout = error.code
    if isinstance(by_busy, str):
        assert by_busy == by_blackout
    else:
        assert [(m.body, m.day) for m in by_busy] == [(m.body, m.day) for m in by_blackout]
        assert all(m.day in allowed for m in by_busy)


# --- a year in which the strategy period changes -------------------------------------------


THEMES_OLD = tuple(PlanTheme(100 + i, f"Gammalt tema {i}", i) for i in range(1, 5))
THEMES_NEW = tuple(PlanTheme(200 + i, f"Nytt tema {i}", i) for i in range(1, 5))


@pytest.mark.parametrize("change", [date(2025, 4, 1), date(2025, 7, 1), date(2025, 9, 15)])
def test_a_year_spanning_two_periods_takes_each_meetings_theme_from_its_own_date(change):
    periods = (
        PlanPeriod("gammal", date(2020, 1, 1), change - timedelta(days=1), THEMES_OLD),
        PlanPeriod("ny", change, date(2035, 12, 31), THEMES_NEW),
    )
    req = request(2025, periods=periods, blackouts=[SUMMER, CHRISTMAS])
    proposals = plan(req)
    assert len(proposals) == 8
    before = [m for m in proposals if m.day < change]
    after = [m for m in proposals if m.day >= change]
    assert before and after, "the example must have meetings on both sides of the change"
    for m in before:
        assert m.period == "gammal" and m.theme in THEMES_OLD
    for m in after:
        assert m.period == "ny" and m.theme in THEMES_NEW
    for body in (POLITICIANS, OFFICIALS):
        themes = [m.theme for m in proposals if m.body == body]
        assert len(set(themes)) == 4, "no theme twice in a body"
    # The rest of the rules hold as in any year.
    off = official_holidays(2025)
    assert all(m.day.isoweekday() <= 5 and m.day not in off for m in proposals)
    assert check_plan(req, proposals) == []


def test_a_period_that_ends_mid_year_leaves_the_rest_of_the_year_unplanned():
    periods = (PlanPeriod("slut", date(2020, 1, 1), date(2025, 8, 31), THEMES_OLD),)
    proposals = plan(request(2025, periods=periods, min_gap=timedelta(weeks=5)))
    assert len(proposals) == 8
    assert max(m.day for m in proposals) <= date(2025, 8, 31)


# --- daylight saving -----------------------------------------------------------------------


@pytest.mark.parametrize("year", range(2016, 2031))
def test_meetings_around_the_changes_of_clock_start_at_ten_local_time(year):
    """Two themes, so four meetings: each pair straddles a change of clock (the last Sunday
    of March and of October, a weekend anyway), the officials' meeting the week before and
    the politicians' meeting the week after."""
    spring, autumn = last_sunday(year, 3), last_sunday(year, 10)
    themes = THEMES_2021[:2]
    periods = (PlanPeriod("två", date(year, 1, 1), date(year, 12, 31), themes),)
    req = request(
        year, periods=periods,
        blackouts=[only((spring - timedelta(days=6), spring + timedelta(days=5)),
                        (autumn - timedelta(days=6), autumn + timedelta(days=5)))],
        # At least six days' preparation: a pair cannot fit inside one working week.
        lead_min=timedelta(days=6), lead_max=timedelta(days=11),
    )
    proposals = plan(req)
    assert len(proposals) == 4
    o1, p1, o2, p2 = proposals
    assert (o1.body, p1.body, o2.body, p2.body) == (OFFICIALS, POLITICIANS, OFFICIALS, POLITICIANS)
    assert o1.day < spring < p1.day and o2.day < autumn < p2.day
    assert o1.start.isoformat().endswith("+01:00") and p1.start.isoformat().endswith("+02:00")
    assert o2.start.isoformat().endswith("+02:00") and p2.start.isoformat().endswith("+01:00")
    for m in proposals:
        local = m.start.astimezone(STOCKHOLM)
        assert (local.hour, local.minute) == (10, 0)
        utc = m.start.astimezone(ZoneInfo("UTC"))
        assert utc.hour == (8 if summer_time(m.day) else 9)
        assert m.end.astimezone(STOCKHOLM).hour == 14  # four hours, whatever the offset


# --- holidays ------------------------------------------------------------------------------


@pytest.mark.parametrize("year", range(2016, 2031))
def test_the_eves_are_holidays_and_sundays_are_not_counted_as_such(year):
    names = swedish_holidays(year)
    midsummer_eve = next(date(year, 6, d) for d in range(19, 26) if date(year, 6, d).isoweekday() == 5)
    for eve in (midsummer_eve, date(year, 12, 24), date(year, 12, 31)):
        assert eve in names
        assert why_not(request(year), eve, names).code in {"holiday", "weekend"}
    # include_sundays=False: an ordinary Sunday is a weekend, not a holiday.
    sundays = [d for d in names if d.isoweekday() == 7]
    assert all(names[d] != "Sunday" for d in sundays)
    assert names == official_holidays(year)


@pytest.mark.parametrize("year", range(2016, 2031))
def test_the_eves_are_never_chosen_even_when_they_are_all_that_is_left_nearby(year):
    midsummer_eve = next(date(year, 6, d) for d in range(19, 26) if date(year, 6, d).isoweekday() == 5)
    eves = [midsummer_eve, date(year, 12, 24), date(year, 12, 31)]
    themes = THEMES_2021[:1]
    periods = (PlanPeriod("ett", date(year, 1, 1), date(year, 12, 31), themes),)
    # Only the eves and the weeks around midsummer are free.
    req = request(year, periods=periods, blackouts=[
        only(*[(e, e) for e in eves], (midsummer_eve - timedelta(days=24), midsummer_eve + timedelta(days=10)))
    ])
    proposals = plan(req)
    assert len(proposals) == 2
    assert not {m.day for m in proposals} & set(eves)
    # With only the eves free, there is nothing to plan on.
    with pytest.raises(PlanningError) as caught:
        plan(request(year, periods=periods, blackouts=[only(*[(e, e) for e in eves])]))
    assert caught.value.code == "too_few_days"
    assert caught.value.params["found"] == 0


# --- judging a plan adjusted by hand -------------------------------------------------------


def _moved(proposals, index, day):
    m = proposals[index]
    return [
        adjust(m, day=day, start_time=m.start.time(), end_time=m.end.time(),
               host_region=m.host_region) if i == index else p
        for i, p in enumerate(proposals)
    ]


@pytest.fixture(scope="module")
def planned_2027():
    req = request(2027, blackouts=[SUMMER, CHRISTMAS], busy_days=frozenset({date(2027, 4, 14)}),
                  host_rotation=REGIONS)
    return req, plan(req)


def test_an_unchanged_plan_passes_and_keeps_its_reasons(planned_2027):
    req, proposals = planned_2027
    unchanged = [adjust(m, day=m.day, start_time=m.start.time(), end_time=m.end.time(),
                        host_region=m.host_region) for m in proposals]
    assert unchanged == proposals
    assert check_plan(req, unchanged) == []


def test_a_moved_meeting_says_it_was_chosen_by_hand(planned_2027):
    _req, proposals = planned_2027
    m = proposals[2]
    moved = adjust(m, day=m.day + timedelta(days=1), start_time=time(13, 0), end_time=time(15, 0),
                   host_region="25")
    assert moved.day == m.day + timedelta(days=1)
    assert moved.start == datetime.combine(moved.day, time(13, 0), tzinfo=STOCKHOLM)
    assert moved.end - moved.start == timedelta(hours=2)
    assert moved.host_region == "25"
    assert [r.code for r in moved.reasons] == ["adjusted"]
    assert (moved.body, moved.theme, moved.prepares) == (m.body, m.theme, m.prepares)


@pytest.mark.parametrize(
    ("day", "code"),
    [
        (date(2027, 3, 6), "weekend"),  # a Saturday
        (date(2027, 5, 6), "holiday"),  # Ascension Day
        (date(2027, 6, 25), "holiday"),  # Midsummer Eve
        (date(2027, 7, 7), "blackout"),  # summer, Almedalsveckan
        (date(2027, 4, 14), "busy"),  # another meeting that day
        (date(2028, 1, 11), "other_year"),
    ],
)
def test_a_day_that_cannot_take_a_meeting_is_named(planned_2027, day, code):
    req, proposals = planned_2027
    index = next(i for i, m in enumerate(proposals) if m.body == POLITICIANS)
    problems = check_plan(req, _moved(proposals, index, day))
    assert (index, code) in [(i, r.code) for i, r in problems]


def test_two_meetings_on_one_day(planned_2027):
    req, proposals = planned_2027
    problems = check_plan(req, _moved(proposals, 3, proposals[2].day))
    assert [(i, r.code, r.params.get("other")) for i, r in problems if r.code == "same_day"] == [
        (3, "same_day", 2)
    ]


def test_a_body_meeting_too_soon_after_its_previous_one(planned_2027):
    req, proposals = planned_2027
    politicians = [i for i, m in enumerate(proposals) if m.body == POLITICIANS]
    first, second = politicians[0], politicians[1]
    too_soon = proposals[first].day + timedelta(weeks=3)
    while why_not(req, too_soon, swedish_holidays(2027)) or too_soon in {m.day for m in proposals}:
        too_soon += timedelta(days=1)
    problems = check_plan(req, _moved(proposals, second, too_soon))
    gaps = [(i, r.params) for i, r in problems if r.code == "too_close"]
    assert gaps and gaps[0][0] == second
    assert gaps[0][1]["after"] == proposals[first].day and gaps[0][1]["minimum"] == 6
    assert gaps[0][1]["days"] < 42


def test_an_officials_meeting_outside_the_preparation_window(planned_2027):
    req, proposals = planned_2027
    index = next(i for i, m in enumerate(proposals) if m.body == OFFICIALS)
    politicians = [m for m in proposals if m.body == POLITICIANS]
    prepared = politicians[proposals[index].prepares]
    # Five days before the politicians' meeting: a working day, but too little time.
    day = prepared.day - timedelta(days=5)
    while why_not(req, day, swedish_holidays(2027)):
        day -= timedelta(days=1)
    problems = check_plan(req, _moved(proposals, index, day))
    leads = [(i, r.params) for i, r in problems if r.code == "lead_out_of_range"]
    assert leads == [(index, {"day": day, "before": prepared.day, "days": (prepared.day - day).days,
                              "lead_min": 2, "lead_max": 4})]


def test_a_theme_moved_out_of_its_period():
    periods = (
        PlanPeriod("gammal", date(2020, 1, 1), date(2025, 6, 30), THEMES_OLD),
        PlanPeriod("ny", date(2025, 7, 1), date(2035, 12, 31), THEMES_NEW),
    )
    req = request(2025, periods=periods, blackouts=[SUMMER, CHRISTMAS])
    proposals = plan(req)
    index = next(i for i, m in enumerate(proposals) if m.period == "gammal")
    day = date(2025, 11, 4)  # a Tuesday in the new period
    problems = check_plan(req, _moved(proposals, index, day))
    assert (index, "other_period") in [(i, r.code) for i, r in problems]
