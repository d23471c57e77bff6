"""The ical.js harness itself (tests/calendar_fixtures.py, tests/js/parse_ics.mjs): before
the calendar tests trust what Mozilla's parser says about our feeds, check on small
hand-written calendars that it reads what we expect, converts times with the VTIMEZONE in
the file the way Python's zoneinfo does, and refuses what is broken."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from calendar_fixtures import IcalJsError

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def ics(*lines: str) -> str:
    """An iCalendar text with the CRLF line ends that RFC 5545 asks for."""
    return "\r\n".join(lines) + "\r\n"


# Europe/Stockholm as RFC 5545 writes a zone: one observance each for summer and winter
# time, repeated every year by an RRULE from 1970 on (EU rules since 1996; Sweden followed
# them from 1980, but only the years the tests use matter).
STOCKHOLM_RRULE = [
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Stockholm",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
]

# The same zone as generators that work from zone data write it: each change from the last
# one before 2025 on by itself, the first as DTSTART and the others as RDATEs, one date on
# each RDATE line (see the tests at the end for why).
STOCKHOLM_RDATE = [
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Stockholm",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:20241027T030000",
    "RDATE:20241027T030000",
    "RDATE:20251026T030000",
    "RDATE:20261025T030000",
    "RDATE:20271031T030000",
    "END:STANDARD",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:20250330T020000",
    "RDATE:20250330T020000",
    "RDATE:20260329T020000",
    "RDATE:20270328T020000",
    "END:DAYLIGHT",
    "END:VTIMEZONE",
]


def calendar(*body: str, timezone: list[str] = STOCKHOLM_RRULE) -> str:
    return ics(
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Forum//Test harness//SV",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "NAME:Forum för hållbar regional utveckling",
        "X-WR-CALNAME:Forum för hållbar regional utveckling",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
        "X-WR-TIMEZONE:Europe/Stockholm",
        *timezone,
        *body,
        "END:VCALENDAR",
    )


WINTER_MEETING = [
    "BEGIN:VEVENT",
    "UID:meeting-1@forum.test",
    "DTSTAMP:20260101T080000Z",
    "CREATED:20251201T090000Z",
    "LAST-MODIFIED:20251215T103000Z",
    "SEQUENCE:3",
    "STATUS:CONFIRMED",
    "DTSTART;TZID=Europe/Stockholm:20260224T100000",
    "DTEND;TZID=Europe/Stockholm:20260224T153000",
    "SUMMARY:Politikerforum: Kompetensförsörjning\\, del 1",
    "DESCRIPTION:Dagordning:\\n1. Inledning\\n2. Regionernas läge; ",
    " frågor och svar",
    "LOCATION:Regeringskansliet\\, Stockholm",
    "URL:http://forum.test/meetings/1",
    "CATEGORIES:Politikerforum,Kompetensförsörjning",
    "CATEGORIES:Möte",
    "ORGANIZER;CN=Kansliet:mailto:kansliet@forum.test",
    'ATTENDEE;CN="Åsa Andersson";PARTSTAT=ACCEPTED;RSVP=TRUE;ROLE=REQ-PARTICIPANT:',
    " mailto:asa.andersson@regionskane.se",
    "ATTENDEE;CN=Fredrik Engström;PARTSTAT=NEEDS-ACTION;ROLE=OPT-PARTICIPANT:mail",
    " to:fredrik@regionskane.se",
    "X-FORUM-BODY:politikerforum",
    "X-MICROSOFT-CDO-BUSYSTATUS:BUSY",
    "END:VEVENT",
]

SUMMER_MEETING = [
    "BEGIN:VEVENT",
    "UID:meeting-2@forum.test",
    "DTSTAMP:20260101T080000Z",
    "DTSTART;TZID=Europe/Stockholm:20260616T090000",
    "DURATION:PT4H30M",
    "SUMMARY:Tjänstepersonsforum",
    "END:VEVENT",
]


def test_the_calendar_properties_are_read(ical_js):
    parsed = ical_js.parse(calendar())
    assert parsed["calendar"] == {
        "prodid": "-//Forum//Test harness//SV",
        "version": "2.0",
        "calscale": "GREGORIAN",
        "method": "PUBLISH",
        "name": "Forum för hållbar regional utveckling",
        "x_wr_calname": "Forum för hållbar regional utveckling",
        "refresh_interval": "PT1H",
        "refresh_interval_type": "duration",
        "x_published_ttl": "PT1H",
        "timezones": ["Europe/Stockholm"],
        "x_wr_timezone": "Europe/Stockholm",
        "x_props": {},
    }


def test_a_calendar_without_events_has_an_empty_list_of_events(ical_js):
    assert ical_js.parse(calendar())["events"] == []


def test_a_winter_meeting_is_read_in_full_and_placed_one_hour_ahead_of_utc(ical_js):
    (event,) = ical_js.parse(calendar(*WINTER_MEETING))["events"]
    assert event["uid"] == "meeting-1@forum.test"
    assert event["sequence"] == 3
    assert event["status"] == "CONFIRMED"
    assert event["summary"] == "Politikerforum: Kompetensförsörjning, del 1"
    assert event["description"] == (
        "Dagordning:\n1. Inledning\n2. Regionernas läge; frågor och svar"
    )
    assert event["location"] == "Regeringskansliet, Stockholm"
    assert event["url"] == "http://forum.test/meetings/1"
    assert event["categories"] == ["Politikerforum", "Kompetensförsörjning", "Möte"]
    assert event["organizer"] == {"value": "mailto:kansliet@forum.test", "cn": "Kansliet"}
    assert event["attendees"] == [
        {
            "value": "mailto:asa.andersson@regionskane.se",
            "cn": "Åsa Andersson",
            "partstat": "ACCEPTED",
            "rsvp": "TRUE",
            "role": "REQ-PARTICIPANT",
        },
        {
            "value": "mailto:fredrik@regionskane.se",
            "cn": "Fredrik Engström",
            "partstat": "NEEDS-ACTION",
            "rsvp": None,
            "role": "OPT-PARTICIPANT",
        },
    ]
    assert event["dtstamp"] == "2026-01-01T08:00:00Z"
    assert event["created"] == "2025-12-01T09:00:00Z"
    assert event["last_modified"] == "2025-12-15T10:30:00Z"
    assert event["start"] == {
        "tzid": "Europe/Stockholm",
        "local": "2026-02-24T10:00:00",
        "utc": "2026-02-24T09:00:00Z",
        "is_date": False,
        "zone": "Europe/Stockholm",
    }
    assert event["end"]["local"] == "2026-02-24T15:30:00"
    assert event["end"]["utc"] == "2026-02-24T14:30:00Z"
    assert event["x_props"] == {
        "X-FORUM-BODY": "politikerforum",
        "X-MICROSOFT-CDO-BUSYSTATUS": "BUSY",
    }


def test_a_summer_meeting_is_two_hours_ahead_of_utc_and_its_duration_gives_its_end(ical_js):
    (event,) = ical_js.parse(calendar(*SUMMER_MEETING))["events"]
    assert event["start"]["local"] == "2026-06-16T09:00:00"
    assert event["start"]["utc"] == "2026-06-16T07:00:00Z"
    assert event["end"]["local"] == "2026-06-16T13:30:00"
    assert event["end"]["utc"] == "2026-06-16T11:30:00Z"
    assert event["sequence"] is None
    assert event["categories"] == []
    assert event["organizer"] is None
    assert event["attendees"] == []


def test_events_come_in_the_order_of_the_file_and_bytes_are_read_like_text(ical_js):
    text = calendar(*SUMMER_MEETING, *WINTER_MEETING)
    from_bytes = ical_js.parse(text.encode("utf-8"))
    assert [e["uid"] for e in from_bytes["events"]] == [
        "meeting-2@forum.test",
        "meeting-1@forum.test",
    ]
    assert from_bytes == ical_js.parse(text)


def test_the_same_calendar_with_bare_line_feeds_reads_the_same(ical_js):
    text = calendar(*WINTER_MEETING)
    assert ical_js.parse(text.replace("\r\n", "\n")) == ical_js.parse(text)


def test_the_zone_written_with_rdates_gives_the_same_times(ical_js):
    winter, summer = (
        ical_js.parse(calendar(*WINTER_MEETING, *SUMMER_MEETING, timezone=STOCKHOLM_RDATE))
    )["events"]
    assert winter["start"]["utc"] == "2026-02-24T09:00:00Z"
    assert summer["start"]["utc"] == "2026-06-16T07:00:00Z"


def test_a_time_in_utc_and_an_all_day_event_are_reported_as_written(ical_js):
    parsed = ical_js.parse(
        calendar(
            "BEGIN:VEVENT",
            "UID:utc@forum.test",
            "DTSTAMP:20260101T080000Z",
            "DTSTART:20261124T120000Z",
            "DTEND:20261124T130000Z",
            "END:VEVENT",
            "BEGIN:VEVENT",
            "UID:day@forum.test",
            "DTSTAMP:20260101T080000Z",
            "DTSTART;VALUE=DATE:20261124",
            "DTEND;VALUE=DATE:20261125",
            "END:VEVENT",
        )
    )
    in_utc, all_day = parsed["events"]
    assert in_utc["start"] == {
        "tzid": None,
        "local": "2026-11-24T12:00:00",
        "utc": "2026-11-24T12:00:00Z",
        "is_date": False,
        "zone": "UTC",
    }
    assert all_day["start"] == {
        "tzid": None,
        "local": "2026-11-24",
        "utc": None,
        "is_date": True,
        "zone": "floating",
    }
    assert all_day["end"]["local"] == "2026-11-25"


def test_a_tzid_that_the_file_does_not_define_is_floating_and_has_no_utc_time(ical_js):
    """ical.js has no zone data of its own: without the VTIMEZONE a reader cannot know the
    moment, and the harness says so instead of guessing."""
    text = ics(
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Forum//Test harness//SV",
        *WINTER_MEETING,
        "END:VCALENDAR",
    )
    (event,) = ical_js.parse(text)["events"]
    assert event["start"]["tzid"] == "Europe/Stockholm"
    assert event["start"]["zone"] == "floating"
    assert event["start"]["utc"] is None


def test_times_are_converted_with_the_vtimezone_in_the_file_not_with_real_zone_data(ical_js):
    """A made-up zone under a real name: were ical.js to use data of its own, Stockholm
    would be one hour ahead of UTC in February, not three."""
    made_up = [
        "BEGIN:VTIMEZONE",
        "TZID:Europe/Stockholm",
        "BEGIN:STANDARD",
        "TZOFFSETFROM:+0300",
        "TZOFFSETTO:+0300",
        "DTSTART:19700101T000000",
        "END:STANDARD",
        "END:VTIMEZONE",
    ]
    (event,) = ical_js.parse(calendar(*WINTER_MEETING, timezone=made_up))["events"]
    assert event["start"]["utc"] == "2026-02-24T07:00:00Z"


def hours_around(day: datetime, *, step: timedelta = timedelta(minutes=30)) -> list[datetime]:
    """Wall-clock times from the day before to the day after, every half hour."""
    start = day - timedelta(days=1)
    return [start + step * index for index in range(int(timedelta(days=3) / step))]


def local(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def zoneinfo_utc(wall_clock: datetime) -> str:
    """The moment zoneinfo gives a Stockholm wall-clock time, read as ical.js reads it when
    the clock is ambiguous or skipped: with the offset in force after the change (fold=1).
    Every other time has one reading and fold does not matter."""
    aware = wall_clock.replace(tzinfo=STOCKHOLM, fold=1)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize("timezone", [STOCKHOLM_RRULE, STOCKHOLM_RDATE], ids=["rrule", "rdate"])
@pytest.mark.parametrize(
    "change", [datetime(2026, 3, 29), datetime(2026, 10, 25)], ids=["march", "october"]
)
def test_the_vtimezone_agrees_with_zoneinfo_around_each_change_of_2026(ical_js, timezone, change):
    wall_clocks = hours_around(change)
    converted = ical_js.convert(
        calendar(timezone=timezone), "Europe/Stockholm", [local(moment) for moment in wall_clocks]
    )
    assert converted == [zoneinfo_utc(moment) for moment in wall_clocks]


def test_skipped_and_repeated_clock_times_are_read_with_the_offset_after_the_change(ical_js):
    """What ical.js does where the wall clock is ambiguous, spelled out: 02:30 on 29 March
    2026 never happens in Stockholm (the clocks jump from 02:00 to 03:00) and is read as
    summer time, so as 01:30 winter time; 02:30 on 25 October happens twice and is read as
    the second, in winter time."""
    converted = ical_js.convert(
        calendar(),
        "Europe/Stockholm",
        [
            "2026-03-29T01:59:59",
            "2026-03-29T02:30:00",
            "2026-03-29T03:00:00",
            "2026-10-25T01:59:59",
            "2026-10-25T02:30:00",
            "2026-10-25T03:00:00",
        ],
    )
    assert converted == [
        "2026-03-29T00:59:59Z",
        "2026-03-29T00:30:00Z",
        "2026-03-29T01:00:00Z",
        "2026-10-24T23:59:59Z",
        "2026-10-25T01:30:00Z",
        "2026-10-25T02:00:00Z",
    ]


# How ical.js 2.2 reads a VTIMEZONE, where that differs from RFC 5545 and from zoneinfo:
# traps for the code that writes our VTIMEZONEs, since Thunderbird reads them the same way.


def stockholm_with(standard: list[str], daylight: list[str]) -> list[str]:
    return [
        "BEGIN:VTIMEZONE",
        "TZID:Europe/Stockholm",
        "BEGIN:STANDARD",
        "TZOFFSETFROM:+0200",
        "TZOFFSETTO:+0100",
        *standard,
        "END:STANDARD",
        "BEGIN:DAYLIGHT",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0200",
        *daylight,
        "END:DAYLIGHT",
        "END:VTIMEZONE",
    ]


MIDDAYS = [
    "2024-06-01T12:00:00",
    "2025-01-15T12:00:00",
    "2026-06-15T12:00:00",
    "2026-12-01T12:00:00",
]


def test_a_time_before_the_first_change_of_a_vtimezone_is_read_as_utc(ical_js):
    """ical.js gives a time before the earliest onset in a VTIMEZONE no offset at all, not
    the TZOFFSETFROM of the first change: a VTIMEZONE must begin before every event."""
    converted = ical_js.convert(calendar(timezone=STOCKHOLM_RDATE), "Europe/Stockholm", MIDDAYS)
    assert converted == [
        "2024-06-01T12:00:00Z",  # before 27 October 2024: no offset
        "2025-01-15T11:00:00Z",
        "2026-06-15T10:00:00Z",
        "2026-12-01T11:00:00Z",
    ]


def test_the_dtstart_of_an_observance_with_rdates_does_not_count_as_a_change(ical_js):
    """RFC 5545 counts DTSTART as the first onset; ical.js, once there are RDATEs (and no
    RRULE), counts only the RDATEs, so DTSTART must be repeated as an RDATE."""
    timezone = stockholm_with(
        ["DTSTART:20241027T030000", "RDATE:20251026T030000", "RDATE:20261025T030000"],
        ["DTSTART:20250330T020000", "RDATE:20260329T020000"],
    )
    converted = ical_js.convert(calendar(timezone=timezone), "Europe/Stockholm", MIDDAYS)
    assert converted == [
        "2024-06-01T12:00:00Z",
        "2025-01-15T12:00:00Z",  # should be 11:00, after the change of 27 October 2024
        "2026-06-15T10:00:00Z",
        "2026-12-01T11:00:00Z",
    ]


def test_only_the_first_date_of_an_rdate_with_several_counts(ical_js):
    """RDATE may list several dates; ical.js reads only the first, so a VTIMEZONE must write
    one date on each RDATE line."""
    timezone = stockholm_with(
        ["DTSTART:20241027T030000", "RDATE:20241027T030000,20251026T030000,20261025T030000"],
        ["DTSTART:20250330T020000", "RDATE:20250330T020000,20260329T020000"],
    )
    converted = ical_js.convert(calendar(timezone=timezone), "Europe/Stockholm", MIDDAYS)
    assert converted == [
        "2024-06-01T12:00:00Z",
        "2025-01-15T11:00:00Z",
        "2026-06-15T10:00:00Z",
        "2026-12-01T10:00:00Z",  # should be 11:00: the change of 25 October 2026 is lost
    ]


BROKEN = {
    "a component that is never closed": ics(
        "BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VEVENT", "UID:x@forum.test", "END:VEVENT"
    ),
    "a line without a colon": ics("BEGIN:VCALENDAR", "VERSION 2.0", "END:VCALENDAR"),
    "components closed in the wrong order": ics(
        "BEGIN:VCALENDAR", "BEGIN:VEVENT", "END:VCALENDAR", "END:VEVENT"
    ),
    "a date-time that is not a number": calendar(
        "BEGIN:VEVENT", "UID:x@forum.test", "DTSTART:2026XX24T100000", "END:VEVENT"
    ),
    "a date-time that does not exist": calendar(
        "BEGIN:VEVENT", "UID:x@forum.test", "DTSTART:20261345T100000", "END:VEVENT"
    ),
    "text that is not UTF-8": b"BEGIN:VCALENDAR\r\nSUMMARY:M\xf6te\r\nEND:VCALENDAR\r\n",
    "an event without a calendar": ics("BEGIN:VEVENT", "UID:x@forum.test", "END:VEVENT"),
    "two calendars in one file": ics(
        "BEGIN:VCALENDAR", "END:VCALENDAR", "BEGIN:VCALENDAR", "END:VCALENDAR"
    ),
    "two time zones with one TZID": calendar(timezone=STOCKHOLM_RRULE + STOCKHOLM_RDATE),
    "nothing at all": "",
}


@pytest.mark.parametrize("text", BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_calendar_is_refused(ical_js, text):
    with pytest.raises(IcalJsError, match="ical.js refused the calendar"):
        ical_js.parse(text)


def test_converting_in_a_zone_that_the_file_does_not_define_is_refused(ical_js):
    with pytest.raises(IcalJsError, match="no VTIMEZONE with TZID Europe/Oslo"):
        ical_js.convert(calendar(), "Europe/Oslo", ["2026-01-01T12:00:00"])


def test_converting_a_time_that_is_not_written_as_a_wall_clock_time_is_refused(ical_js):
    with pytest.raises(IcalJsError, match="not a local time"):
        ical_js.convert(calendar(), "Europe/Stockholm", ["2026-01-01 12:00"])
