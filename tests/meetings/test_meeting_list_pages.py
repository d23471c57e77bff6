"""The meetings list over twenty years: every meeting to come, and those held a page at a
time, newest first, with the filters kept from page to page and the query count the same
however many meetings there are."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from forum.meetings.models import Meeting, MeetingStatus
from forum.meetings.queries import PAST_PER_PAGE
from forum.timeutil import STOCKHOLM, today

TITLE = re.compile(r'<h3><a href="/meetings/\d+">(?:<span[^>]*>[^<]*</span> )?([^<]+)</a>')


@pytest.fixture
def held(session, bodies):
    """held(n, body="politikerforum"): n meetings held, one a month going back from last
    month, titled "Hållet möte 1" (the newest) onwards; and one still to come."""

    def make(count: int, body: str = "politikerforum") -> None:
        first = datetime(today().year - 1, 1, 15, 10, tzinfo=STOCKHOLM)
        for number in range(1, count + 1):
            start = (first - timedelta(days=30 * (number - 1))).astimezone(UTC)
            session.add(Meeting(body_id=bodies[body].id, start_at=start,
                                end_at=start + timedelta(hours=4), status=MeetingStatus.HELD,
                                title=f"Hållet möte {number}"))
        start = datetime(today().year + 1, 3, 10, 10, tzinfo=STOCKHOLM).astimezone(UTC)
        session.add(Meeting(body_id=bodies[body].id, start_at=start,
                            end_at=start + timedelta(hours=4), title="Kommande möte"))
        session.commit()

    return make


def listed(client, query: str = "") -> tuple[list[str], list[str], str]:
    page = client.get("/meetings" + query)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    upcoming, past = text.split('id="past-heading"', 1)
    return TITLE.findall(upcoming), TITLE.findall(past), past


def test_held_meetings_come_a_page_at_a_time_newest_first(client, held):
    held(2 * PAST_PER_PAGE + 5)
    upcoming, past, section = listed(client)
    assert upcoming == ["Kommande möte"]
    assert past == [f"Hållet möte {n}" for n in range(1, PAST_PER_PAGE + 1)]
    assert f"({2 * PAST_PER_PAGE + 5})" in section  # the count is of all of them
    assert "Sida 1 av 3" in section and 'href="/meetings?page=2#past-heading"' in section
    assert "?page=0" not in section

    upcoming, past, section = listed(client, "?page=3")
    assert upcoming == ["Kommande möte"]  # what is to come stays on every page
    assert past == [f"Hållet möte {n}" for n in range(2 * PAST_PER_PAGE + 1,
                                                       2 * PAST_PER_PAGE + 6)]
    assert 'href="/meetings?page=2#past-heading"' in section and "page=4" not in section
    # Beyond the last page, or nonsense: the nearest page there is.
    assert listed(client, "?page=99")[1] == past
    assert listed(client, "?page=x")[1][0] == "Hållet möte 1"
    assert listed(client, "?page=-4")[1][0] == "Hållet möte 1"


def test_the_pages_keep_the_filters(client, held, bodies):
    held(PAST_PER_PAGE + 1)
    held(3, body="tjanstepersonsforum")
    politicians = bodies["politikerforum"].id
    _, past, section = listed(client, f"?body={politicians}")
    assert len(past) == PAST_PER_PAGE
    assert f'href="/meetings?page=2&amp;body={politicians}#past-heading"' in section
    _, past, _ = listed(client, f"?body={politicians}&page=2")
    assert past == [f"Hållet möte {PAST_PER_PAGE + 1}"]


def test_the_list_costs_the_same_queries_for_ten_meetings_or_two_hundred(
        client, held, count_queries):
    held(10)
    with count_queries() as few:
        listed(client)
    held(190)
    with count_queries() as many:
        listed(client, "?page=5")
    assert many.count == few.count
