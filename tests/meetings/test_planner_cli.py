"""`flask forum plan-year`: the proposal printed and as JSON, the same for the same data,
confirmed into meetings, confirmed twice without two meetings on a day, and the named error
for a year outside every strategy period."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from forum.meetings.models import Meeting
from forum.reference import PERIODS, REGIONS

STOCKHOLM = ZoneInfo("Europe/Stockholm")
BODIES = {"politikerforum", "tjanstepersonsforum"}
THEMES_2021 = {name_sv for _slug, name_sv, _en in next(p for p in PERIODS
                                                       if p["slug"] == "2021-2030")["themes"]}
CODES = {code for code, _region, _county in REGIONS}


def plan_year(runner, *args: str):
    return runner.invoke(args=["forum", "plan-year", *args])


def as_json(runner, year: str = "2027") -> list[dict]:
    result = plan_year(runner, year, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite: naive UTC


def meetings_in(session, year: int) -> list[Meeting]:
    session.expire_all()
    return [
        m for m in session.scalars(
            select(Meeting).options(selectinload(Meeting.body), selectinload(Meeting.theme),
                                    selectinload(Meeting.host_region))
            .order_by(Meeting.start_at)
        )
        if aware(m.start_at).astimezone(STOCKHOLM).year == year
    ]


def test_plan_year_prints_the_eight_meetings_with_their_reasons(runner):
    result = plan_year(runner, "2027")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    meetings = [re.match(r"^(2027-\d\d-\d\d) 10:00  (\S+)\s+(.+?)  \(värd: (\d\d)\)$", line)
                for line in lines if line.startswith("2027-")]
    assert len(meetings) == 8 and all(meetings), result.output
    assert Counter(m.group(2) for m in meetings) == {"politikerforum": 4, "tjanstepersonsforum": 4}
    for body in BODIES:
        assert {m.group(3) for m in meetings if m.group(2) == body} == THEMES_2021
    # Each meeting is followed by why it was put there.
    reasons = [line for line in lines if line.startswith("    ")]
    assert len(reasons) == 8
    assert all("arbetsdag" in r for r in reasons)
    # Nothing was created: the proposal is only printed.
    assert "Created" not in result.output


def test_plan_year_as_json(runner):
    proposals = as_json(runner)
    assert len(proposals) == 8
    for p in proposals:
        assert {"body", "theme", "start", "end", "host_region", "reason"} <= p.keys()
        assert p["body"] in BODIES
        assert p["theme"] in THEMES_2021
        assert p["host_region"] in CODES
        assert isinstance(p["reason"], str) and p["reason"]
        start, end = datetime.fromisoformat(p["start"]), datetime.fromisoformat(p["end"])
        # ISO 8601 with the offset of the day in Stockholm, 10:00 local time.
        assert re.fullmatch(r"2027-\d\d-\d\dT10:00:00\+0[12]:00", p["start"])
        assert start.utcoffset() == start.astimezone(STOCKHOLM).utcoffset()
        assert start.timetz().replace(tzinfo=None) == time(10, 0)
        assert end - start == timedelta(hours=4)
        assert start.isoweekday() <= 5
        # The default blackouts: summer weeks 26–32, and 20 December to 7 January.
        assert not 26 <= start.isocalendar().week <= 32
        assert not (start.month, start.day) >= (12, 20)
        assert not (start.month, start.day) <= (1, 7)
    assert [p["start"] for p in proposals] == sorted(p["start"] for p in proposals)
    for body in BODIES:
        assert sorted(p["theme"] for p in proposals if p["body"] == body) == sorted(THEMES_2021)
    # The host regions take turns: eight different regions, the ones that never hosted
    # first, in the order of their codes.
    assert [p["host_region"] for p in proposals] == sorted(CODES)[:8]


def test_the_same_data_gives_the_same_output(runner):
    first = plan_year(runner, "2027", "--json")
    second = plan_year(runner, "2027", "--json")
    assert first.exit_code == second.exit_code == 0
    assert first.output == second.output
    assert plan_year(runner, "2027").output == plan_year(runner, "2027").output


def test_confirm_creates_the_meetings_linked_in_pairs(runner, session):
    proposals = as_json(runner)
    result = plan_year(runner, "2027", "--confirm")
    assert result.exit_code == 0, result.output
    assert "Created 8 meetings." in result.output

    created = meetings_in(session, 2027)
    assert len(created) == 8
    # The meetings are the proposal: the same instants, bodies, themes and hosts.
    assert [
        (aware(m.start_at), aware(m.end_at), m.body.slug, m.theme.name_sv, m.host_region.code)
        for m in created
    ] == [
        (datetime.fromisoformat(p["start"]), datetime.fromisoformat(p["end"]), p["body"],
         p["theme"], p["host_region"])
        for p in proposals
    ]
    # Stored as the instant it is: 10:00 in Stockholm, whatever the database.
    assert all(aware(m.start_at).astimezone(STOCKHOLM).time() == time(10, 0) for m in created)
    assert all(m.status.value == "planned" for m in created)

    politicians = {m.id: m for m in created if m.body.slug == "politikerforum"}
    officials = [m for m in created if m.body.slug == "tjanstepersonsforum"]
    assert len(politicians) == len(officials) == 4
    assert {o.prepares_id for o in officials} == set(politicians)
    for o in officials:
        prepared = politicians[o.prepares_id]
        assert prepared.theme_id == o.theme_id
        assert timedelta(weeks=2) <= aware(prepared.start_at) - aware(o.start_at) <= timedelta(weeks=4)
    assert all(m.prepares_id is None for m in politicians.values())


def test_a_second_confirm_plans_around_the_first_without_doubling_a_day(runner, session):
    assert plan_year(runner, "2027", "--confirm").exit_code == 0
    first = {m.id for m in meetings_in(session, 2027)}
    second_proposal = as_json(runner)
    refused = plan_year(runner, "2027", "--confirm")
    # A year that already has meetings is not filled twice by accident.
    assert refused.exit_code != 0
    assert "already has 8 meetings" in refused.output and "--add" in refused.output
    assert {m.id for m in meetings_in(session, 2027)} == first
    # Asked for explicitly, the planner treats the first meetings' days as taken and plans
    # eight more around them.
    result = plan_year(runner, "2027", "--confirm", "--add")
    assert result.exit_code == 0, result.output
    assert "Created 8 meetings." in result.output
    everything = meetings_in(session, 2027)
    assert len(everything) == 16
    days = Counter(aware(m.start_at).astimezone(STOCKHOLM).date() for m in everything)
    assert max(days.values()) == 1, "no day has two meetings"
    added = [m for m in everything if m.id not in first]
    assert [aware(m.start_at) for m in added] == [
        datetime.fromisoformat(p["start"]) for p in second_proposal
    ]
    # The next hosts are the regions that had not hosted yet.
    assert {m.host_region.code for m in added}.isdisjoint(
        {m.host_region.code for m in everything if m.id in first})


def test_a_cancelled_meeting_does_not_keep_its_day(runner, session):
    from forum.meetings.models import MeetingStatus

    assert plan_year(runner, "2027", "--confirm").exit_code == 0
    created = meetings_in(session, 2027)
    for m in created:
        m.status = MeetingStatus.CANCELLED
    session.commit()
    # With every meeting cancelled the year is free again: the same days are proposed
    # (the hosts move on, as cancelled meetings do not count as hosted).
    again = as_json(runner)
    assert [datetime.fromisoformat(p["start"]) for p in again] == [aware(m.start_at) for m in created]


@pytest.mark.parametrize("year", ["2031", "2014"])
def test_a_year_with_no_strategy_period_is_an_error(runner, session, year):
    for args in ([year], [year, "--json"], [year, "--confirm"]):
        result = plan_year(runner, *args)
        assert result.exit_code != 0
        assert f"Ingen strategiperiod gäller {year}" in result.output
        assert "Traceback" not in result.output
    assert meetings_in(session, int(year)) == []


def test_a_year_outside_the_range_is_refused_by_the_command(runner):
    result = plan_year(runner, "1800")
    assert result.exit_code == 2
    assert "1800" in result.output
