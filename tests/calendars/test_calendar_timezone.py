"""Times in our calendars: each meeting written as Stockholm wall-clock time with
TZID=Europe/Stockholm, and the VTIMEZONE in the same file that says what that means, so that
a reader without zone data of its own (ical.js, and Thunderbird with it) puts the meeting at
the intended moment in winter, in summer, and in the weeks the clocks change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from calendars_fixtures import at, utc_text

from forum.calendars import ics

pytestmark = pytest.mark.usefixtures("fresh_feeds")

STOCKHOLM = ZoneInfo("Europe/Stockholm")

# (wall-clock start in Stockholm, hours): ordinary days, the weeks around each change, the
# nights of the changes themselves, and meetings across a change.
MEETINGS = {
    "winter": ((2026, 1, 20, 10, 0), 4),
    "summer": ((2026, 6, 16, 9, 30), 5),
    "thursday before summer time": ((2026, 3, 26, 10, 0), 4),
    "saturday night before summer time": ((2026, 3, 28, 23, 30), 1),
    "early on the day summer time starts": ((2026, 3, 29, 1, 30), 0.5),
    "after the clocks jump": ((2026, 3, 29, 3, 30), 1),
    "monday after summer time": ((2026, 3, 30, 10, 0), 4),
    "across the spring change": ((2026, 3, 28, 22, 0), 5),
    "thursday before winter time": ((2026, 10, 22, 10, 0), 4),
    "saturday night before winter time": ((2026, 10, 24, 23, 30), 1),
    "early on the day winter time starts": ((2026, 10, 25, 1, 0), 0.5),
    "after the repeated hour": ((2026, 10, 25, 3, 30), 1),
    "monday after winter time": ((2026, 10, 26, 10, 0), 4),
    "across the autumn change": ((2026, 10, 24, 22, 0), 7),
    "2030 before summer time": ((2030, 3, 29, 10, 0), 4),
    "2030 after summer time": ((2030, 4, 1, 10, 0), 4),
    "2030 before winter time": ((2030, 10, 25, 10, 0), 4),
    "2030 after winter time": ((2030, 10, 28, 10, 0), 4),
    "new year's night": ((2026, 12, 31, 23, 0), 2),
}


def intended(start: tuple, hours: float) -> tuple[datetime, datetime]:
    """The UTC moments meant, by zoneinfo: the start, and the end that many real hours on."""
    begin = datetime(*start, tzinfo=STOCKHOLM).astimezone(UTC)
    return begin, begin + timedelta(hours=hours)


@pytest.fixture
def timed(make_meeting):
    return {
        name: make_meeting(intended(start, hours)[0], hours=hours, title=name)
        for name, (start, hours) in MEETINGS.items()
    }


def test_every_meeting_is_at_its_intended_moment_in_the_feed(client, timed, read_ics):
    feed = read_ics(client.get("/calendar/politikerforum.ics").data)
    assert len(feed.uids()) == len(MEETINGS)
    for name, (start, hours) in MEETINGS.items():
        begin, end = intended(start, hours)
        event, js = feed.event(timed[name].uid)
        assert js["start"]["utc"] == utc_text(begin), name
        assert js["end"]["utc"] == utc_text(end), name
        assert js["start"]["zone"] == js["end"]["zone"] == "Europe/Stockholm", name
        # Written as the wall clock in Stockholm, not in UTC.
        assert js["start"]["local"] == datetime(*start).strftime("%Y-%m-%dT%H:%M:%S"), name
        assert event["DTSTART"].params["TZID"] == "Europe/Stockholm"
        assert event["DTSTART"].dt.astimezone(UTC) == begin, name
        assert event["DTEND"].dt.astimezone(UTC) == end, name


def test_every_meeting_file_has_a_zone_that_places_its_meeting(client, timed, read_ics):
    """A file with one meeting has a VTIMEZONE for that meeting's year(s) only, which must
    still cover it (a time before a VTIMEZONE's first onset has no offset in ical.js)."""
    for name, (start, hours) in MEETINGS.items():
        begin, end = intended(start, hours)
        file = read_ics(client.get(f"/meetings/{timed[name].id}.ics").data)
        (js,) = file.js["events"]
        assert js["start"]["utc"] == utc_text(begin), name
        assert js["end"]["utc"] == utc_text(end), name


def test_the_summer_meeting_is_two_hours_and_the_winter_one_one_hour_ahead(client, timed,
                                                                          read_ics):
    """The same, spelled out for two meetings rather than computed."""
    feed = read_ics(client.get("/calendar/politikerforum.ics").data)
    _, winter = feed.event(timed["winter"].uid)
    _, summer = feed.event(timed["summer"].uid)
    assert (winter["start"]["local"], winter["start"]["utc"]) == (
        "2026-01-20T10:00:00", "2026-01-20T09:00:00Z")
    assert (summer["start"]["local"], summer["start"]["utc"]) == (
        "2026-06-16T09:30:00", "2026-06-16T07:30:00Z")
    _, across = feed.event(timed["across the spring change"].uid)
    # 22.00 on Saturday to 04.00 on Sunday by the clock: five real hours.
    assert across["end"]["local"] == "2026-03-29T04:00:00"
    assert across["end"]["utc"] == "2026-03-29T02:00:00Z"


# --- the VTIMEZONE itself ---------------------------------------------------------------


def half_hours_around(day: datetime) -> list[datetime]:
    """Wall-clock times from the day before to the day after, every half hour."""
    start = day - timedelta(days=1)
    return [start + timedelta(minutes=30) * i for i in range(3 * 48)]


def as_ical_js_reads(wall_clock: datetime) -> str:
    """zoneinfo's moment for a Stockholm wall-clock time; a skipped or repeated time is read
    with the offset after the change (fold=1), as ical.js does."""
    return utc_text(wall_clock.replace(tzinfo=STOCKHOLM, fold=1))


def last_sunday(year: int, month: int) -> datetime:
    day = datetime(year, month, 31 if month in (3, 10) else 30)
    return day - timedelta(days=(day.weekday() + 1) % 7)


@pytest.fixture
def multi_year(make_meeting):
    """A feed from 2025 to 2031: the first and the last meeting make its VTIMEZONE span the
    years between too."""
    return [make_meeting(at(2025, 1, 14)), make_meeting(at(2028, 6, 7)),
            make_meeting(at(2031, 11, 25))]


@pytest.mark.parametrize("year", [2026, 2030])
@pytest.mark.parametrize("month", [3, 10], ids=["march", "october"])
def test_the_feeds_vtimezone_agrees_with_zoneinfo_every_half_hour_around_a_change(
        client, multi_year, ical_js, year, month):
    raw = client.get("/calendar/politikerforum.ics").data
    wall_clocks = half_hours_around(last_sunday(year, month))
    converted = ical_js.convert(raw, "Europe/Stockholm",
                                [w.strftime("%Y-%m-%dT%H:%M:%S") for w in wall_clocks])
    assert converted == [as_ical_js_reads(w) for w in wall_clocks]


def test_the_skipped_and_the_repeated_hour_read_as_ical_js_reads_them(client, multi_year,
                                                                     ical_js):
    """Spelled out: in 2030 the clocks jump on 31 March and fall back on 27 October."""
    raw = client.get("/calendar/politikerforum.ics").data
    assert ical_js.convert(raw, "Europe/Stockholm", [
        "2030-03-31T01:30:00", "2030-03-31T02:30:00", "2030-03-31T03:30:00",
        "2030-10-27T01:30:00", "2030-10-27T02:30:00", "2030-10-27T03:30:00",
    ]) == [
        "2030-03-31T00:30:00Z", "2030-03-31T00:30:00Z", "2030-03-31T01:30:00Z",
        "2030-10-26T23:30:00Z", "2030-10-27T01:30:00Z", "2030-10-27T02:30:00Z",
    ]


def test_a_feed_over_several_years_has_every_change_of_every_year(client, multi_year,
                                                                 read_ics, ical_js):
    feed = read_ics(client.get("/calendar/politikerforum.ics").data)
    (zone,) = feed.calendar.walk("VTIMEZONE")
    times, info = zone.get_transitions()
    # The EU rule, independently: 01.00 UTC on the last Sunday of March and of October.
    changes = sorted(
        last_sunday(year, month).replace(hour=1)
        for year in range(2025, 2032) for month in (3, 10)
    )
    # The first "transition" is the observance in force from 1 January 2025.
    assert times[0] <= datetime(2025, 1, 1)
    assert times[1:] == changes
    assert [offset for offset, _, _ in info[1:]] == [
        timedelta(hours=2) if change.month == 3 else timedelta(hours=1) for change in changes
    ]
    assert {name for _, _, name in info} == {"CET", "CEST"}
    # Thunderbird's parser reads every one of them too: noon in the middle of each month.
    middays = [datetime(year, month, 15, 12) for year in range(2025, 2032)
               for month in range(1, 13)]
    converted = ical_js.convert(feed.raw, "Europe/Stockholm",
                                [m.strftime("%Y-%m-%dT%H:%M:%S") for m in middays])
    assert converted == [utc_text(m.replace(tzinfo=STOCKHOLM)) for m in middays]


def test_the_vtimezone_starts_each_change_at_the_clock_time_it_changes_from():
    """RFC 5545: an observance starts at the local time in the offset it changes from, so
    summer time starts at 02.00 and winter time at 03.00."""
    zone = ics.vtimezone(2026, 2026)
    onsets = {
        component.name: [component["DTSTART"].dt,
                         *(d.dt for rdate in [component["RDATE"]] for d in rdate.dts)]
        for component in zone.subcomponents if "RDATE" in component
    }
    assert onsets == {
        "DAYLIGHT": [datetime(2026, 3, 29, 2), datetime(2026, 3, 29, 2)],
        "STANDARD": [datetime(2026, 10, 25, 3), datetime(2026, 10, 25, 3)],
    }


def test_a_vtimezone_writes_one_rdate_per_line():
    """ical.js reads only the first date of an RDATE with several."""
    raw = ics.vtimezone(2025, 2031).to_ical()
    rdates = [line for line in raw.split(b"\r\n") if line.startswith(b"RDATE")]
    assert len(rdates) == 14
    assert all(b"," not in line for line in rdates)


@pytest.mark.parametrize("month", [3, 10], ids=["march", "october"])
def test_a_meeting_files_own_vtimezone_agrees_with_zoneinfo_around_its_years_changes(
        client, make_meeting, ical_js, month):
    """A file with one meeting has the changes of that meeting's year only."""
    meeting = make_meeting(at(2026, 6, 16))
    raw = client.get(f"/meetings/{meeting.id}.ics").data
    wall_clocks = half_hours_around(last_sunday(2026, month))
    converted = ical_js.convert(raw, "Europe/Stockholm",
                                [w.strftime("%Y-%m-%dT%H:%M:%S") for w in wall_clocks])
    assert converted == [as_ical_js_reads(w) for w in wall_clocks]
