"""The year planner over HTTP: who may open it, the proposal with its reasons, adjusting and
confirming it (a row that breaks a rule is refused beside its field, and nothing is created),
CSRF, a year that already has meetings, the blackout periods and the planner's settings,
and a constant number of queries for the planner page.

Words are checked in English (the language switch), so that the Swedish catalogue can grow
without breaking the tests; one test checks the Swedish dates."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from forum.audit.models import AuditEntry
from forum.meetings import planning
from forum.meetings.models import BlackoutKind, BlackoutPeriod, Meeting, PlannerSettings
from forum.strategy.models import Theme
from forum.timeutil import today
from page_helpers import page_text

STOCKHOLM = ZoneInfo("Europe/Stockholm")


# --- helpers -------------------------------------------------------------------------------


class _Form(HTMLParser):
    """The fields a browser would send from the form posting to `action`."""

    def __init__(self, action: str):
        super().__init__()
        self.action, self.inside, self.select = action, False, None
        self.data: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("method") == "post" and a.get("action") == self.action
        elif self.inside and tag == "input" and a.get("name"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            if a.get("type") == "submit":
                return
            self.data[a["name"]] = a.get("value", "")
        elif self.inside and tag == "select":
            self.select = a["name"]
            self.data[self.select] = ""
        elif self.inside and tag == "option" and self.select and "selected" in a:
            self.data[self.select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None


def form_data(response, action: str = "/planner") -> dict[str, str]:
    parser = _Form(action)
    parser.feed(response.get_data(as_text=True))
    return parser.data


def row_of(text: str, number: int) -> str:
    return text.split(f'<tr id="meeting-{number}">', 1)[1].split("</tr>", 1)[0]


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def meeting_count(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count(Meeting.id)))


def meetings_of(session, year: int) -> list[Meeting]:
    session.expire_all()
    return [m for m in session.scalars(select(Meeting).order_by(Meeting.start_at))
            if aware(m.start_at).astimezone(STOCKHOLM).year == year]


@pytest.fixture
def client(staff_client):
    """The secretariat, reading English."""
    response = staff_client.post("/language", data={"lang": "en", "next": "/"})
    assert response.status_code == 302
    return staff_client


@pytest.fixture
def proposal_2027(app):
    """What the planner proposes for 2027, computed the way the page does (in a context of
    its own: requests made while a context is pushed would share its `g`)."""
    from forum.db import db

    with app.test_request_context():
        return planning.propose(db.session, 2027)


def confirm(client, data: dict, **changes):
    return client.post("/planner", data={**data, **changes})


# --- who may open the planner --------------------------------------------------------------

PAGES = [("get", "/planner"), ("post", "/planner"), ("get", "/planner/blackouts"),
         ("post", "/planner/blackouts"), ("post", "/planner/blackouts/remove"),
         ("post", "/planner/settings")]


@pytest.mark.parametrize(("method", "url"), PAGES)
def test_anonymous_visitors_are_sent_to_log_in(app, method, url):
    response = getattr(app.test_client(), method)(url)
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")


@pytest.mark.parametrize(("method", "url"), PAGES)
@pytest.mark.parametrize("role", ["member", "region_contact", "plain"])
def test_members_and_contacts_may_not_plan(app, make_account, make_nomination, login, session,
                                           method, url, role):
    account = make_account(role)
    if role == "member":
        make_nomination(account.person, region_code="01")
    before = session.scalar(select(func.count(BlackoutPeriod.id)))
    response = getattr(login(app.test_client(), account), method)(
        url, data={"year": "2027", "name": "Obehörig", "kind": "iso_weeks", "first_week": "1",
                   "last_week": "52", "blackout_id": "1", "preferred_weekdays": "1",
                   "min_gap_weeks": "1", "lead_min_weeks": "1", "lead_max_weeks": "1",
                   "start_time": "10:00", "duration_minutes": "60"})
    assert response.status_code == 403
    assert session.scalar(select(func.count(BlackoutPeriod.id))) == before
    assert meeting_count(session) == 0


def test_the_admin_may_plan_too(admin_client):
    assert admin_client.get("/planner").status_code == 200


# --- the proposal ------------------------------------------------------------------------------


def test_the_page_proposes_next_year_by_default(client):
    response = client.get("/planner")
    assert response.status_code == 200
    text = page_text(response)
    year = today().year + 1
    assert f"<h1>Year planner {year}</h1>" in text
    assert f'name="year" value="{year}"' in text
    assert text.count("<h1") == 1


def test_the_proposal_is_shown_with_its_reasons(client, session, proposal_2027):
    response = client.get("/planner?year=2027")
    assert response.status_code == 200
    text = page_text(response)
    assert "Proposal for 2027" in text
    assert '<caption id="proposal-caption">' in text
    for number, m in enumerate(proposal_2027, start=1):
        row = row_of(text, number)
        body = "Politicians' forum" if m.body == "politikerforum" else "Officials' forum"
        assert body in row
        assert session.get(Theme, m.theme.id).name_en in row  # in the reader's language
        when = f"{m.day.day} {m.day:%B} {m.day.year}, 10:00–14:00"
        assert when in row, (when, row)
        assert "is a working day." in row  # the reason, in words
        # The fields to adjust it, filled in from the proposal.
        i = number - 1
        assert f'name="meetings-{i}-day" required type="date" value="{m.day.isoformat()}"' in row
        assert f'name="meetings-{i}-start_time" required type="time" value="10:00"' in row
        assert f'name="meetings-{i}-end_time" required type="time" value="14:00"' in row
        assert f'<option selected value="{m.host_region}">' in row
        # Every field has a label naming its column and row.
        assert f'<label for="meetings-{i}-day" class="visually-hidden">Date, meeting {number}</label>' in row
    politicians = [n for n, m in enumerate(proposal_2027, 1) if m.body == "politikerforum"]
    assert all("Prepared by the officials' meeting" in row_of(text, n) for n in politicians)
    assert "Already in 2027" not in text


def test_the_proposal_in_swedish_dates(staff_client, proposal_2027):
    text = page_text(staff_client.get("/planner?year=2027"))
    first = proposal_2027[0]
    months = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
              "september", "oktober", "november", "december"]
    assert f"{first.day.day} {months[first.day.month - 1]} 2027, kl. 10.00–14.00" in row_of(text, 1)


def test_a_year_that_cannot_be_planned_says_why(client):
    response = client.get("/planner?year=2031")
    assert response.status_code == 200
    text = page_text(response)
    notice = text.split('id="planning-error"', 1)[1].split("</div>", 1)[0]
    assert "No proposal for 2031" in notice
    assert "No strategy period is in force in 2031" in notice
    assert 'role="alert"' in text.split('id="planning-error"', 1)[0].rsplit("<div", 1)[1]
    assert "meetings-0-day" not in text


@pytest.mark.parametrize(("value", "message"), [("abc", "Write a whole number, e.g. 6."),
                                                ("1999", "Choose a year from 2000 to 2100.")])
def test_a_year_that_is_not_a_year(client, value, message):
    response = client.get(f"/planner?year={value}")
    assert response.status_code == 200
    text = page_text(response)
    assert 'class="error-summary"' in text
    assert f"{message}" in text.split('id="year"', 1)[0].rsplit('<div class="field', 1)[1]
    assert f'value="{value}"' in text  # what was typed is kept
    assert "meetings-0-day" not in text


# --- confirming --------------------------------------------------------------------------------


def test_confirming_creates_the_meetings(client, session, proposal_2027):
    data = form_data(client.get("/planner?year=2027"))
    assert data["year"] == "2027" and "meetings-7-day" in data
    response = confirm(client, data)
    assert response.status_code == 302
    assert response.location == "/meetings?year=2027"
    created = meetings_of(session, 2027)
    assert [(aware(m.start_at), m.host_region.code) for m in created] == [
        (p.start, p.host_region) for p in proposal_2027
    ]
    officials = [m for m in created if m.body.slug == "tjanstepersonsforum"]
    assert all(o.prepares_id is not None and o.prepares.theme_id == o.theme_id for o in officials)
    assert "8 meetings were created for 2027." in page_text(client.get(response.location))
    # Each meeting is in the audit log, made by the secretariat.
    entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "meeting_planned")).all()
    assert len(entries) == 8 and all(e.actor_account_id is not None for e in entries)


def test_adjusted_dates_times_and_hosts_are_kept(client, session, proposal_2027):
    data = form_data(client.get("/planner?year=2027"))
    last = proposal_2027[-1]
    moved = last.day + timedelta(days=1)
    while moved.isoweekday() > 5:
        moved += timedelta(days=1)
    response = confirm(client, data, **{"meetings-7-day": moved.isoformat(),
                                        "meetings-7-start_time": "13.30",
                                        "meetings-7-end_time": "16:00",
                                        "meetings-7-host_region": "25"})
    assert response.status_code == 302, page_text(response)
    created = meetings_of(session, 2027)
    assert len(created) == 8
    adjusted = created[-1]
    start = aware(adjusted.start_at).astimezone(STOCKHOLM)
    assert (start.date(), start.time()) == (moved, time(13, 30))
    assert aware(adjusted.end_at).astimezone(STOCKHOLM).time() == time(16, 0)
    assert adjusted.host_region.code == "25"


@pytest.mark.parametrize(
    ("day", "words"),
    [
        ("2027-03-06", "6 March 2027 is a weekend"),
        ("2027-05-06", "6 May 2027 is a holiday: Ascension Day"),
        ("2027-06-25", "25 June 2027 is a holiday: Midsummer Eve"),
        ("2027-07-07", "7 July 2027 is in the blackout period Sommar"),
        ("2028-03-07", "7 March 2028 is not in 2027."),
    ],
)
def test_a_row_that_breaks_a_rule_is_refused_beside_its_field(client, session, day, words):
    data = form_data(client.get("/planner?year=2027"))
    response = confirm(client, data, **{"meetings-1-day": day})
    assert response.status_code == 200
    text = page_text(response)
    message = text.split('id="meetings-1-day-error">', 1)[1].split("</p>", 1)[0]
    assert words in message
    assert 'aria-describedby="meetings-1-day-error" aria-invalid="true"' in text
    assert f'name="meetings-1-day" required type="date" value="{day}"' in text  # kept
    # The summary links to the field, and says which meeting it is.
    assert '<a href="#meetings-1-day">Meeting 2, date: ' in text
    assert meeting_count(session) == 0, "nothing is created"


def test_the_swedish_holiday_name_in_swedish(staff_client, session):
    data = form_data(staff_client.get("/planner?year=2027"))
    text = page_text(confirm(staff_client, data, **{"meetings-1-day": "2027-05-06"}))
    message = text.split('id="meetings-1-day-error">', 1)[1].split("</p>", 1)[0]
    assert "Kristi himmelsfärds dag" in message or "Kristi himmelsfärdsdag" in message
    assert meeting_count(session) == 0


def test_rules_between_meetings_are_checked(client, session, proposal_2027):
    data = form_data(client.get("/planner?year=2027"))
    # The second officials' meeting moved onto the day after the first politicians' one:
    # too soon after the body's previous meeting, and too long before the meeting it prepares.
    officials = [i for i, m in enumerate(proposal_2027) if m.body == "tjanstepersonsforum"]
    first_politicians = next(m for m in proposal_2027 if m.body == "politikerforum")
    day = first_politicians.day + timedelta(days=1)
    while day.isoweekday() > 5:
        day += timedelta(days=1)
    i = officials[1]
    response = confirm(client, data, **{f"meetings-{i}-day": day.isoformat()})
    assert response.status_code == 200
    message = page_text(response).split(f'id="meetings-{i}-day-error">', 1)[1].split("</p>", 1)[0]
    assert "keep at least 6 weeks between them" in message
    assert "it must come 2–4 weeks before" in message
    assert meeting_count(session) == 0


def test_two_rows_on_one_day(client, session, proposal_2027):
    data = form_data(client.get("/planner?year=2027"))
    response = confirm(client, data, **{"meetings-5-day": proposal_2027[4].day.isoformat()})
    text = page_text(response)
    message = text.split('id="meetings-5-day-error">', 1)[1].split("</p>", 1)[0]
    assert "Meeting 5 is on the same day." in message
    assert meeting_count(session) == 0


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"meetings-2-start_time": "25:99"}, "meetings-2-start_time", "Write the time as HH:MM"),
        ({"meetings-2-end_time": "09:00"}, "meetings-2-end_time", "must end after it starts"),
        ({"meetings-2-day": ""}, "meetings-2-day", "Give the date."),
        ({"meetings-2-day": "6 mars"}, "meetings-2-day", "Write the date as YYYY-MM-DD"),
        ({"meetings-2-host_region": "99"}, "meetings-2-host_region", "Choose one of the regions."),
    ],
)
def test_bad_input_in_a_row(client, session, changes, field, words):
    data = form_data(client.get("/planner?year=2027"))
    response = confirm(client, data, **changes)
    assert response.status_code == 200
    text = page_text(response)
    assert words in text.split(f'id="{field}-error">', 1)[1].split("</p>", 1)[0]
    assert meeting_count(session) == 0


def test_an_empty_or_incomplete_submission_creates_nothing(client, session):
    response = client.post("/planner", data={})
    assert response.status_code == 200
    text = page_text(response)
    assert 'class="error-summary"' in text and "Give the year to plan." in text
    # Rows that do not match the proposal: the page shows the proposal as it is now.
    data = form_data(client.get("/planner?year=2027"))
    del data["meetings-7-day"], data["meetings-7-start_time"], data["meetings-7-end_time"]
    del data["meetings-7-host_region"], data["meetings-7-meeting"]
    text = page_text(confirm(client, data))
    assert "The proposal has changed since the page was shown." in text
    assert "meetings-7-day" in text
    assert meeting_count(session) == 0


def test_a_proposal_that_changed_since_it_was_shown_is_not_confirmed(client, session):
    from forum.strategy.models import StrategyPeriod

    data = form_data(client.get("/planner?year=2027"))
    # Meanwhile the strategy period gets a fifth theme: the year now has ten meetings.
    period = session.scalar(select(StrategyPeriod).where(StrategyPeriod.slug == "2021-2030"))
    session.add(Theme(period_id=period.id, position=5, slug="nytt-tema", name_sv="Nytt tema",
                      name_en="A new theme"))
    session.commit()
    response = confirm(client, data)
    assert response.status_code == 200
    text = page_text(response)
    assert "The proposal has changed since the page was shown." in text
    assert text.count('<tr id="meeting-') == 10 and "A new theme" in text
    assert meeting_count(session) == 0
    # Tampered rows are not taken either.
    fresh = form_data(response)
    tampered = {**fresh, "meetings-0-meeting": "politikerforum:999:"}
    assert "The proposal has changed" in page_text(confirm(client, tampered))
    assert meeting_count(session) == 0
    # The proposal as it is now can be confirmed.
    assert confirm(client, fresh).status_code == 302
    assert meeting_count(session) == 10


def test_confirming_twice_does_not_double_the_meetings(client, session):
    data = form_data(client.get("/planner?year=2027"))
    assert confirm(client, data).status_code == 302
    # The same form sent again (a second click, the back button): refused.
    again = confirm(client, data)
    assert again.status_code == 200
    text = page_text(again)
    assert "2027 already has 8 meetings." in text
    assert len(meetings_of(session, 2027)) == 8
    # Even when the box is ticked, the days already taken are refused.
    text = page_text(confirm(client, data, plan_more="y"))
    assert "already has a meeting" in text
    assert len(meetings_of(session, 2027)) == 8


def test_a_year_with_meetings_shows_them_and_plans_around_them(client, session):
    assert confirm(client, form_data(client.get("/planner?year=2027"))).status_code == 302
    first = meetings_of(session, 2027)
    response = client.get("/planner?year=2027")
    text = page_text(response)
    assert 'Already in 2027 <span class="count">(8)</span>' in text
    existing = text.split('id="existing-caption"', 1)[1].split("</table>", 1)[0]
    assert existing.count("<tr>") == 9  # the header and eight meetings
    for m in first:
        assert f'href="/meetings/{m.id}"' in existing
    assert "Yes, add these meetings to those the year already has" in text
    data = form_data(response)
    taken = {aware(m.start_at).astimezone(STOCKHOLM).date().isoformat() for m in first}
    assert not taken & {v for k, v in data.items() if k.endswith("-day")}
    # Confirmed deliberately, the year gets eight more meetings, none on a day taken.
    assert confirm(client, data, plan_more="y").status_code == 302
    everything = meetings_of(session, 2027)
    assert len(everything) == 16
    days = Counter(aware(m.start_at).astimezone(STOCKHOLM).date() for m in everything)
    assert max(days.values()) == 1


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_confirming_needs_the_forms_token(app, staff_client, session, make_account, login):
    client = staff_client  # in Swedish: switching language would need a token too
    page = client.get("/planner?year=2027")
    data = form_data(page)
    assert data.get("csrf_token")
    without = {k: v for k, v in data.items() if k != "csrf_token"}
    response = confirm(client, without)
    assert response.status_code == 400
    assert '<article class="error-page">' in page_text(response)  # the app's own 400 page
    assert meeting_count(session) == 0
    # A token from another session's page is refused as well.
    other = login(app.test_client(), make_account("secretariat"))
    assert confirm(other, data).status_code == 400
    assert meeting_count(session) == 0
    assert confirm(client, data).status_code == 302
    assert meeting_count(session) == 8


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_blackouts_and_settings_need_the_forms_token(staff_client, session):
    client = staff_client
    before = (blackout_count(session), settings_now(session))
    blackout = session.scalar(select(BlackoutPeriod.id).limit(1))
    for url, data in [
        ("/planner/blackouts", {"name": "Höstlov", "kind": "iso_weeks", "first_week": "44",
                                "last_week": "44"}),
        ("/planner/blackouts/remove", {"blackout_id": str(blackout)}),
        ("/planner/settings", {**SETTINGS, "min_gap_weeks": "2"}),
    ]:
        assert client.post(url, data=data).status_code == 400, url
    assert (blackout_count(session), settings_now(session)) == before
    # With the page's own tokens, each form works.
    page = client.get("/planner/blackouts")
    add = form_data(page, "/planner/blackouts")
    remove = form_data(page, "/planner/blackouts/remove")
    settings = form_data(page, "/planner/settings")
    assert add["csrf_token"] and remove["csrf_token"] and settings["csrf_token"]
    assert client.post("/planner/blackouts", data={
        **add, "name": "Höstlov", "kind": "iso_weeks", "first_week": "44", "last_week": "44",
    }).status_code == 302
    assert client.post("/planner/settings", data={
        **SETTINGS, "csrf_token": settings["csrf_token"]}).status_code == 302
    assert blackout_count(session) == before[0] + 1
    assert settings_now(session)[1] == 5


def test_the_planner_page_runs_a_constant_number_of_queries(client, count_queries):
    client.get("/planner?year=2027")  # the settings row and the caches are made once
    with count_queries() as empty:
        assert client.get("/planner?year=2027").status_code == 200
    assert confirm(client, form_data(client.get("/planner?year=2027"))).status_code == 302
    with count_queries() as eight:
        assert client.get("/planner?year=2027").status_code == 200
    assert confirm(client, form_data(client.get("/planner?year=2027")),
                   plan_more="y").status_code == 302
    with count_queries() as sixteen:
        assert client.get("/planner?year=2027").status_code == 200
    assert eight.count == sixteen.count, sixteen.statements
    # The existing meetings' bodies, themes and hosts are loaded once each.
    assert eight.count <= empty.count + 3, eight.statements
    assert sixteen.count <= 15, sixteen.statements


# --- blackout periods ------------------------------------------------------------------------


def blackout_count(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count(BlackoutPeriod.id)))


def test_the_blackout_page_lists_the_defaults_and_the_settings(client):
    response = client.get("/planner/blackouts")
    assert response.status_code == 200
    text = page_text(response)
    table = text.split('id="blackouts-caption"', 1)[1].split("</table>", 1)[0]
    assert "Weeks 26–32, every year" in table
    assert "20 December – 7 January, every year" in table
    assert table.count('<button type="submit" class="link-button">Remove') == 2
    # The settings as they are: Tuesday to Thursday, six weeks, two to four, 10:00, 4 hours.
    for day in ("2", "3", "4"):
        assert re.search(rf'<input checked id="preferred_weekdays-{int(day) - 1}" name="preferred_weekdays" type="checkbox" value="{day}">', text)
    assert re.search(r'id="min_gap_weeks" inputmode="numeric" name="min_gap_weeks" required type="text" value="6"', text)
    assert re.search(r'id="start_time"[^>]*value="10:00"', text)
    assert re.search(r'id="duration_minutes"[^>]*value="240"', text)
    assert text.count("<h1") == 1
    assert len(re.findall(r'\bid="submit"', text)) == 0  # each button has its own id


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"kind": "iso_weeks", "first_week": "44", "last_week": "45"},
         {"kind": BlackoutKind.ISO_WEEKS, "first_week": 44, "last_week": 45}),
        ({"kind": "annual", "first_day": "10-28", "last_day": "11-03"},
         {"kind": BlackoutKind.ANNUAL, "first_day": "10-28", "last_day": "11-03"}),
        ({"kind": "annual", "first_day": "12-27", "last_day": "01-02"},
         {"kind": BlackoutKind.ANNUAL, "first_day": "12-27", "last_day": "01-02"}),
        ({"kind": "dates", "start_date": "2027-10-25", "end_date": "2027-11-12"},
         {"kind": BlackoutKind.DATES, "start_date": date(2027, 10, 25),
          "end_date": date(2027, 11, 12)}),
    ],
)
def test_adding_a_blackout_period(client, session, fields, expected):
    before = blackout_count(session)
    response = client.post("/planner/blackouts", data={"name": "Höstlov", **fields,
                                                        # fields of other kinds are ignored
                                                        "first_week": fields.get("first_week", "99")})
    assert response.status_code == 302, page_text(response)
    assert response.location == "/planner/blackouts"
    assert blackout_count(session) == before + 1
    added = session.scalar(select(BlackoutPeriod).where(BlackoutPeriod.name == "Höstlov"))
    for name, value in expected.items():
        assert getattr(added, name) == value
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "blackout_added"))
    assert entry.object_id == added.id and entry.after["name"] == "Höstlov"
    page = page_text(client.get(response.location))
    assert "The blackout period Höstlov was added." in page
    assert "Höstlov" in page.split('id="blackouts-caption"', 1)[1].split("</table>", 1)[0]


def test_the_planner_keeps_out_of_a_new_blackout(client, session):
    before = form_data(client.get("/planner?year=2027"))
    days = [date.fromisoformat(v) for k, v in before.items() if k.endswith("-day")]
    hit = next(d for d in days if d.month >= 9)
    week = hit.isocalendar().week
    client.post("/planner/blackouts", data={"name": "Konferens", "kind": "iso_weeks",
                                            "first_week": str(week), "last_week": str(week)})
    after = form_data(client.get("/planner?year=2027"))
    days = [date.fromisoformat(v) for k, v in after.items() if k.endswith("-day")]
    assert len(days) == 8 and hit not in days
    assert all(d.isocalendar().week != week for d in days)


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"name": "", "kind": "iso_weeks", "first_week": "1", "last_week": "2"}, "name",
         "This field is required."),
        ({"kind": ""}, "kind", "Choose which days."),
        ({"kind": "fortnightly"}, "kind", "Choose one of the alternatives."),
        ({"kind": "iso_weeks", "first_week": "", "last_week": "3"}, "first_week",
         "Give the week number."),
        ({"kind": "iso_weeks", "first_week": "1", "last_week": "54"}, "last_week",
         "A week number is from 1 to 53."),
        ({"kind": "iso_weeks", "first_week": "x", "last_week": "3"}, "first_week",
         "Write a whole number, e.g. 6."),
        ({"kind": "iso_weeks", "first_week": "50", "last_week": "2"}, "last_week",
         "The last week cannot come before the first"),
        ({"kind": "annual", "first_day": "13-40", "last_day": "01-07"}, "first_day",
         "Write the month and day as MM-DD, e.g. 12-20."),
        ({"kind": "annual", "first_day": "12-20", "last_day": ""}, "last_day",
         "Give the month and day."),
        ({"kind": "annual", "first_day": "2-3", "last_day": "02-04"}, "first_day",
         "Write the month and day as MM-DD"),
        ({"kind": "dates", "start_date": "2027-05-10", "end_date": "2027-05-01"}, "end_date",
         "The last date cannot come before the first."),
        ({"kind": "dates", "start_date": "", "end_date": "2027-05-01"}, "start_date",
         "Give the first date."),
    ],
)
def test_a_blackout_period_with_bad_input_is_refused(client, session, fields, field, words):
    before = blackout_count(session)
    data = {"name": "Felaktig", **fields}
    response = client.post("/planner/blackouts", data=data)
    assert response.status_code == 200
    text = page_text(response)
    assert 'class="error-summary"' in text
    beside = text.split(f'id="{field}-error">', 1)[1].split("</p>", 1)[0]
    assert words in beside
    assert blackout_count(session) == before
    # What was typed is kept.
    for name, value in fields.items():
        if value and name not in ("kind",):
            assert f'value="{value}"' in text, name


def test_removing_a_blackout_period(client, session):
    summer = session.scalar(select(BlackoutPeriod.id).where(BlackoutPeriod.kind == BlackoutKind.ISO_WEEKS))
    before = blackout_count(session)
    response = client.post("/planner/blackouts/remove", data={"blackout_id": str(summer)})
    assert response.status_code == 302
    assert blackout_count(session) == before - 1
    assert session.get(BlackoutPeriod, summer) is None
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "blackout_removed"))
    assert entry.object_id == summer and entry.before["first_week"] == 26
    assert "was removed" in page_text(client.get("/planner/blackouts"))
    # Without the summer blackout, the planner uses the summer weeks again (an even spread
    # puts a meeting in early August).
    data = form_data(client.get("/planner?year=2027"))
    days = [date.fromisoformat(v) for k, v in data.items() if k.endswith("-day")]
    assert len(days) == 8
    assert any(26 <= d.isocalendar().week <= 32 for d in days)


def test_removing_nothing_or_something_unknown(client, session):
    before = blackout_count(session)
    response = client.post("/planner/blackouts/remove", data={})
    assert response.status_code == 302
    assert "Nothing was removed" in page_text(client.get("/planner/blackouts"))
    assert client.post("/planner/blackouts/remove", data={"blackout_id": "999999"}).status_code == 404
    assert blackout_count(session) == before


# --- the planner's settings -------------------------------------------------------------------


SETTINGS = {"preferred_weekdays": ["1", "5"], "min_gap_weeks": "5", "lead_min_weeks": "1",
            "lead_max_weeks": "3", "start_time": "09:30", "duration_minutes": "180"}


def settings_now(session) -> tuple:
    session.expire_all()
    row = session.scalar(select(PlannerSettings).order_by(PlannerSettings.id))
    if row is None:
        return ("2,3,4", 6, 2, 4, time(10, 0), 240)
    return (row.preferred_weekdays, row.min_gap_weeks, row.lead_min_weeks, row.lead_max_weeks,
            row.start_time, row.duration_minutes)


def test_saving_the_settings(client, session):
    response = client.post("/planner/settings", data=SETTINGS)
    assert response.status_code == 302, page_text(response)
    assert settings_now(session) == ("1,5", 5, 1, 3, time(9, 30), 180)
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "planner_settings_changed"))
    assert entry.before["min_gap_weeks"] == 6 and entry.after["min_gap_weeks"] == 5
    assert entry.after["start_time"] == "09:30"
    # The planner follows them: Mondays and Fridays where it can, at 9:30, three hours.
    data = form_data(client.get("/planner?year=2027"))
    days = [date.fromisoformat(v) for k, v in data.items() if k.endswith("-day")]
    assert sum(d.isoweekday() in (1, 5) for d in days) >= 6
    assert {v for k, v in data.items() if k.endswith("start_time")} == {"09:30"}
    assert {v for k, v in data.items() if k.endswith("end_time")} == {"12:30"}


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"preferred_weekdays": []}, "preferred_weekdays", "Choose at least one weekday."),
        ({"preferred_weekdays": ["6"]}, "preferred_weekdays", "Choose among Monday to Friday."),
        ({"min_gap_weeks": "0"}, "min_gap_weeks", "From 1 to 26 weeks."),
        ({"min_gap_weeks": "sex"}, "min_gap_weeks", "Write a whole number, e.g. 6."),
        ({"lead_min_weeks": "5", "lead_max_weeks": "3"}, "lead_max_weeks",
         "The longest preparation time cannot be shorter than the shortest."),
        ({"lead_min_weeks": ""}, "lead_min_weeks", "Give the number of weeks."),
        ({"start_time": "kvart över tio"}, "start_time", "Write the time as HH:MM"),
        ({"start_time": "22:00", "duration_minutes": "180"}, "duration_minutes",
         "A meeting must end on the day it starts."),
        ({"duration_minutes": "5"}, "duration_minutes", "From 15 to 720 minutes."),
    ],
)
def test_settings_with_bad_input_are_refused_whole(client, session, changes, field, words):
    before = settings_now(session)
    response = client.post("/planner/settings", data={**SETTINGS, **changes})
    assert response.status_code == 200
    text = page_text(response)
    assert 'class="error-summary"' in text
    assert words in text.split(f'id="{field}-error">', 1)[1].split("</p>", 1)[0]
    # Nothing half-saved: not even the fields that were right.
    assert settings_now(session) == before
    # What was typed is kept.
    for name, value in {**SETTINGS, **changes}.items():
        if isinstance(value, str) and value:
            assert re.search(rf'id="{name}"[^>]*value="{re.escape(value)}"', text), name
