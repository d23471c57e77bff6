"""A meeting's records: attendance prefilled from the answers and saved with region and side,
minutes from draft to approved to published and who sees them, action items carried onto the
body's next meetings until done, and the yearly attendance overview with its chart and its
CSV and XLSX exports."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from forum.audit.models import AuditEntry
from forum.meetings import records
from forum.meetings.models import (
    ActionItem,
    Answer,
    Attendance,
    AttendanceRole,
    Meeting,
    MeetingAnswer,
    MeetingGuest,
    MeetingStatus,
    MinutesStatus,
    Presence,
)
from forum.meetings.records import AttendanceEntry, RecordsError
from forum.roster.models import Person
from forum.timeutil import STOCKHOLM, utcnow
from page_helpers import page_text


def row_with(text: str, needle: str) -> str:
    rows = [r for r in re.split(r"<tr\b", text)[1:] if needle in r.split("</tr>", 1)[0]]
    assert rows, f"no table row with {needle!r}"
    return rows[0].split("</tr>", 1)[0]


def cells(row: str) -> list[str]:
    found = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.DOTALL)
    return [re.sub(r"<[^>]+>", "", c).strip() for c in found]


def at(year, month, day_, hour=10, minute=0) -> datetime:
    """A Stockholm wall-clock time as the UTC moment it is stored as."""
    return datetime(year, month, day_, hour, minute, tzinfo=STOCKHOLM).astimezone(UTC)


@pytest.fixture
def english(app):
    """english(client): the client reads the pages in English from now on."""

    def switch(client):
        assert client.post("/language", data={"lang": "en", "next": "/"}).status_code == 302
        return client

    return switch


@pytest.fixture
def make_meeting(session, bodies):
    def make(body: str = "politikerforum", start: datetime | None = None, *,
             title: str | None = None, status: MeetingStatus = MeetingStatus.CONFIRMED):
        start = start or at(2025, 3, 11)
        meeting = Meeting(
            body_id=bodies[body].id, theme_id=None, title=title or f"Möte {body} {start:%Y-%m-%d}",
            start_at=start, end_at=start + timedelta(hours=4), status=status,
        )
        session.add(meeting)
        session.commit()
        return meeting

    return make


@dataclass
class World:
    anna: Person  # Skåne, politicians' forum, majority
    bertil: Person  # Skåne, politicians' forum, opposition
    cecilia: Person  # Stockholm, politicians' forum, majority
    david: Person  # Skåne, officials' forum
    gustav: Person  # a guest from an agency


@pytest.fixture
def world(make_person, make_nomination, make_organisation) -> World:
    people = World(
        anna=make_person("Anna", "Andersson"),
        bertil=make_person("Bertil", "Berg"),
        cecilia=make_person("Cecilia", "Carlsson"),
        david=make_person("David", "Dahl"),
        gustav=make_person("Gustav", "Gäst", organisation=make_organisation("Gästverket")),
    )
    make_nomination(people.anna, region_code="12", seat_slug="majoritet", party="M",
                    start=date(2023, 1, 1))
    make_nomination(people.bertil, region_code="12", seat_slug="opposition", party="S",
                    start=date(2023, 1, 1))
    make_nomination(people.cecilia, region_code="01", seat_slug="majoritet", party="M",
                    start=date(2023, 1, 1))
    make_nomination(people.david, region_code="12", body="tjanstepersonsforum",
                    seat_slug="tjansteperson", start=date(2023, 1, 1))
    return people


def answer(session, meeting, person, value: Answer, substitute: str = "") -> None:
    session.add(MeetingAnswer(meeting_id=meeting.id, person_id=person.id, answer=value,
                              substitute_name=substitute))
    session.commit()


def invite(session, meeting, person) -> None:
    session.add(MeetingGuest(meeting_id=meeting.id, person_id=person.id))
    session.commit()


def entry(person, presence=Presence.PRESENT, role=AttendanceRole.MEMBER, substitute=""):
    return AttendanceEntry(person.id, presence, role, substitute)


def audit_actions(session, meeting_or_item) -> list[str]:
    return list(session.scalars(
        select(AuditEntry.action).where(
            AuditEntry.object_type == type(meeting_or_item).__name__,
            AuditEntry.object_id == meeting_or_item.id,
        ).order_by(AuditEntry.id)
    ))


# --- attendance: services -------------------------------------------------------------------


def test_attendance_lines_are_prefilled_from_the_answers(ctx, session, world, make_meeting):
    meeting = make_meeting()
    answer(session, meeting, world.anna, Answer.ATTENDING)
    answer(session, meeting, world.bertil, Answer.SUBSTITUTE, "Sara Suppleant")
    answer(session, meeting, world.cecilia, Answer.DECLINED)
    invite(session, meeting, world.gustav)

    lines = {line.person.id: line for line in records.attendance_lines(session, meeting)}

    # The officials' forum's member is not a participant of the politicians' meeting.
    assert set(lines) == {world.anna.id, world.bertil.id, world.cecilia.id, world.gustav.id}
    anna, bertil, cecilia, gustav = (lines[p.id] for p in
                                     (world.anna, world.bertil, world.cecilia, world.gustav))
    assert (anna.presence, anna.role, anna.substitute_name) == (
        Presence.PRESENT, AttendanceRole.MEMBER, "")
    assert (bertil.presence, bertil.role, bertil.substitute_name) == (
        Presence.PRESENT, AttendanceRole.SUBSTITUTE, "Sara Suppleant")
    assert (cecilia.presence, cecilia.role) == (Presence.EXCUSED, AttendanceRole.MEMBER)
    # A guest who has not answered is absent until the secretariat says otherwise.
    assert (gustav.kind, gustav.presence, gustav.role) == (
        "guest", Presence.ABSENT, AttendanceRole.GUEST)
    assert (anna.region.code, anna.side) == ("12", "majority")
    assert (bertil.region.code, bertil.side) == ("12", "opposition")
    assert (gustav.region, gustav.side) == (None, "")
    assert not any(line.recorded for line in lines.values())


def test_recording_saves_a_row_per_participant_with_region_and_side(
    ctx, session, world, make_meeting
):
    meeting = make_meeting()
    invite(session, meeting, world.gustav)
    records.record_attendance(session, meeting, [
        entry(world.anna),
        entry(world.bertil, role=AttendanceRole.SUBSTITUTE, substitute="  Sara Suppleant "),
        entry(world.cecilia, Presence.ABSENT),
        entry(world.gustav, role=AttendanceRole.GUEST),
    ])
    session.commit()

    rows = {a.person_id: a for a in session.scalars(
        select(Attendance).where(Attendance.meeting_id == meeting.id))}
    assert len(rows) == 4
    assert (rows[world.anna.id].region.code, rows[world.anna.id].side) == ("12", "majority")
    bertil = rows[world.bertil.id]
    assert (bertil.role, bertil.presence, bertil.substitute_name, bertil.side) == (
        AttendanceRole.SUBSTITUTE, Presence.PRESENT, "Sara Suppleant", "opposition")
    assert (rows[world.cecilia.id].region.code, rows[world.cecilia.id].presence) == (
        "01", Presence.ABSENT)
    assert (rows[world.gustav.id].role, rows[world.gustav.id].region_id) == (
        AttendanceRole.GUEST, None)
    assert audit_actions(session, meeting) == ["attendance_recorded"]
    entry_ = session.scalar(select(AuditEntry).where(AuditEntry.action == "attendance_recorded"))
    assert entry_.after == {"present": 1, "substitutes": 1, "guests": 1, "excused": 0,
                            "absent": 1}

    # Once saved, the form shows what was recorded, not the answers.
    lines = {line.person.id: line for line in records.attendance_lines(session, meeting)}
    assert lines[world.cecilia.id].presence is Presence.ABSENT
    assert all(line.recorded for line in lines.values())


def test_recording_again_changes_the_rows_and_adds_none(ctx, session, world, make_meeting):
    meeting = make_meeting()
    records.record_attendance(session, meeting, [
        entry(world.anna), entry(world.bertil, role=AttendanceRole.SUBSTITUTE, substitute="S")])
    session.commit()
    records.record_attendance(session, meeting, [
        entry(world.anna, Presence.EXCUSED), entry(world.bertil)])
    session.commit()

    rows = {a.person_id: a for a in session.scalars(
        select(Attendance).where(Attendance.meeting_id == meeting.id))}
    assert len(rows) == 2
    assert rows[world.anna.id].presence is Presence.EXCUSED
    # No longer a substitute: the substitute's name goes with the role.
    assert (rows[world.bertil.id].role, rows[world.bertil.id].substitute_name) == (
        AttendanceRole.MEMBER, "")


def test_region_and_side_come_from_the_nomination_on_the_meetings_date(
    ctx, session, make_person, make_nomination, make_meeting
):
    """Erik sat for Östergötland's majority until February, then for Skåne's opposition."""
    erik = make_person("Erik", "Ek")
    old = make_nomination(erik, region_code="05", seat_slug="majoritet", party="C",
                          start=date(2023, 1, 1), end=date(2025, 2, 28))
    make_nomination(erik, region_code="12", seat_slug="opposition", party="C",
                    start=date(2025, 3, 1))
    february = make_meeting(start=at(2025, 2, 11))
    march = make_meeting(start=at(2025, 3, 11))
    for meeting in (february, march):
        records.record_attendance(session, meeting, [entry(erik)])
    session.commit()
    assert old.end_date == date(2025, 2, 28)

    def recorded(meeting):
        return session.scalar(select(Attendance).where(Attendance.meeting_id == meeting.id))

    assert (recorded(february).region.code, recorded(february).side) == ("05", "majority")
    assert (recorded(march).region.code, recorded(march).side) == ("12", "opposition")


def test_a_substitute_needs_a_name_and_a_refusal_saves_nothing(ctx, session, world, make_meeting):
    meeting = make_meeting()
    with pytest.raises(RecordsError) as refused:
        records.record_attendance(session, meeting, [
            entry(world.anna),
            entry(world.bertil, role=AttendanceRole.SUBSTITUTE, substitute="  "),
        ])
    assert refused.value.field == f"substitute_{world.bertil.id}"
    assert "Bertil Berg" in refused.value.message
    session.flush()
    assert session.scalar(select(func.count(Attendance.id))) == 0


def test_only_participants_in_their_own_roles_are_recorded(ctx, session, world, make_meeting):
    meeting = make_meeting()
    invite(session, meeting, world.gustav)
    with pytest.raises(RecordsError):
        records.record_attendance(session, meeting, [entry(world.david)])  # the other body
    with pytest.raises(RecordsError) as refused:
        records.record_attendance(session, meeting, [entry(world.gustav)])  # a guest as member
    assert refused.value.field == f"role_{world.gustav.id}"
    with pytest.raises(RecordsError) as refused:
        records.record_attendance(session, meeting,
                                  [entry(world.anna, role=AttendanceRole.GUEST)])
    assert refused.value.field == f"role_{world.anna.id}"


def test_no_attendance_before_the_meeting_or_for_a_cancelled_one(
    ctx, session, world, make_meeting
):
    coming = make_meeting(start=utcnow() + timedelta(days=30))
    cancelled = make_meeting(start=at(2025, 3, 11), status=MeetingStatus.CANCELLED)
    for meeting in (coming, cancelled):
        with pytest.raises(RecordsError) as refused:
            records.record_attendance(session, meeting, [entry(world.anna)])
        assert refused.value.field is None
    assert session.scalar(select(func.count(Attendance.id))) == 0


# --- attendance: the page -------------------------------------------------------------------


def test_the_attendance_form_is_prefilled_and_saves(
    staff_client, english, session, world, make_meeting
):
    meeting = make_meeting()
    answer(session, meeting, world.anna, Answer.ATTENDING)
    answer(session, meeting, world.bertil, Answer.SUBSTITUTE, "Sara Suppleant")
    answer(session, meeting, world.cecilia, Answer.DECLINED)
    client = english(staff_client)
    url = f"/meetings/{meeting.id}/attendance"

    text = page_text(client.get(url))
    anna = row_with(text, "Anna Andersson")
    assert '<th scope="row">' in anna
    assert re.search(r'<option selected value="present">', anna)
    assert re.search(r'<option selected value="member">', anna)
    bertil = row_with(text, "Bertil Berg")
    assert re.search(r'<option selected value="substitute">', bertil)
    assert 'value="Sara Suppleant"' in bertil
    assert re.search(r'<option selected value="excused">', row_with(text, "Cecilia Carlsson"))
    # Every control has a label naming the person, for those who cannot see the columns.
    assert f'<label class="visually-hidden" for="presence_{world.anna.id}">' \
           "Presence: Anna Andersson</label>" in text

    response = client.post(url, data={
        f"presence_{world.anna.id}": "present", f"role_{world.anna.id}": "member",
        f"presence_{world.bertil.id}": "present", f"role_{world.bertil.id}": "substitute",
        f"substitute_{world.bertil.id}": "Sara Suppleant",
        f"presence_{world.cecilia.id}": "absent", f"role_{world.cecilia.id}": "member",
    })
    assert response.status_code == 302
    assert response.location == f"/meetings/{meeting.id}#attendance"
    session.expire_all()
    saved = {a.person_id: a.presence for a in session.scalars(
        select(Attendance).where(Attendance.meeting_id == meeting.id))}
    assert saved == {world.anna.id: Presence.PRESENT, world.bertil.id: Presence.PRESENT,
                     world.cecilia.id: Presence.ABSENT}

    # The meeting page sums it up for the secretariat.
    page = page_text(client.get(f"/meetings/{meeting.id}"))
    assert "Present: 1 · Substitutes: 1 · Excused: 0 · Absent: 1 · Guests: 0" in page
    assert "Sara Suppleant, substitute for Bertil Berg" in page


def test_the_attendance_form_shows_errors_beside_the_fields_and_keeps_the_input(
    staff_client, english, session, world, make_meeting
):
    meeting = make_meeting()
    client = english(staff_client)
    response = client.post(f"/meetings/{meeting.id}/attendance", data={
        f"presence_{world.anna.id}": "maybe", f"role_{world.anna.id}": "member",
        f"presence_{world.bertil.id}": "present", f"role_{world.bertil.id}": "substitute",
        f"substitute_{world.bertil.id}": "",
        f"presence_{world.cecilia.id}": "excused", f"role_{world.cecilia.id}": "member",
    })
    assert response.status_code == 200
    text = page_text(response)
    assert 'class="error-summary"' in text
    assert "Choose present, excused or absent." in row_with(text, "Anna Andersson")
    assert session.scalar(select(func.count(Attendance.id))) == 0

    # The form is valid, the rule is not: the domain error lands on the substitute's name.
    response = client.post(f"/meetings/{meeting.id}/attendance", data={
        f"presence_{world.anna.id}": "present", f"role_{world.anna.id}": "member",
        f"presence_{world.bertil.id}": "present", f"role_{world.bertil.id}": "substitute",
        f"substitute_{world.bertil.id}": "",
        f"presence_{world.cecilia.id}": "excused", f"role_{world.cecilia.id}": "member",
    })
    text = page_text(response)
    bertil = row_with(text, "Bertil Berg")
    assert "Give the name of the substitute for Bertil Berg." in bertil
    assert f'aria-describedby="substitute_{world.bertil.id}-error"' in bertil
    assert f'href="#substitute_{world.bertil.id}"' in text
    assert re.search(r'<option selected value="excused">', row_with(text, "Cecilia Carlsson"))
    assert session.scalar(select(func.count(Attendance.id))) == 0


def test_a_meeting_still_to_come_has_no_attendance_form(
    staff_client, english, world, make_meeting
):
    meeting = make_meeting(start=utcnow() + timedelta(days=10))
    text = page_text(english(staff_client).get(f"/meetings/{meeting.id}/attendance"))
    assert "Attendance can be recorded once the meeting has begun." in text
    assert "<select" not in text


# --- minutes --------------------------------------------------------------------------------


def test_minutes_go_from_draft_to_approved_to_published_and_each_step_is_audited(
    ctx, session, make_meeting
):
    meeting = make_meeting()
    with pytest.raises(RecordsError) as refused:
        records.approve_minutes(session, meeting)
    assert refused.value.field == "text"
    with pytest.raises(RecordsError):
        records.publish_minutes(session, meeting)

    minutes = records.save_minutes(session, meeting, "  Mötet öppnades.  ")
    assert (minutes.status, minutes.text) == (MinutesStatus.DRAFT, "Mötet öppnades.")
    records.save_minutes(session, meeting, "Mötet öppnades.\n\nBeslut: inga.")
    with pytest.raises(RecordsError):
        records.publish_minutes(session, meeting)  # not before approval

    records.approve_minutes(session, meeting)
    assert minutes.status is MinutesStatus.APPROVED and minutes.approved_at is not None
    with pytest.raises(RecordsError) as refused:
        records.save_minutes(session, meeting, "Ändrat i efterhand.")
    assert refused.value.field == "text"
    with pytest.raises(RecordsError):
        records.approve_minutes(session, meeting)

    records.publish_minutes(session, meeting)
    assert minutes.status is MinutesStatus.PUBLISHED and minutes.published_at is not None
    with pytest.raises(RecordsError):
        records.publish_minutes(session, meeting)
    session.commit()
    assert minutes.text == "Mötet öppnades.\n\nBeslut: inga."
    assert audit_actions(session, meeting) == [
        "minutes_saved", "minutes_saved", "minutes_approved", "minutes_published"]


def test_minutes_are_approved_only_after_the_meeting(ctx, session, make_meeting):
    meeting = make_meeting(start=utcnow() + timedelta(days=3))
    records.save_minutes(session, meeting, "Förberett utkast.")
    with pytest.raises(RecordsError):
        records.approve_minutes(session, meeting)


MINUTES = "Protokollets hemliga utkast"


@pytest.fixture
def visitors(app, make_account, login, world):
    """A test client per kind of visitor of the politicians' meeting."""
    def client(account=None):
        c = app.test_client()
        return login(c, account) if account else c

    return {
        "anonymous": client(),
        "participant": client(make_account("member", person=world.anna)),
        "guest": client(make_account("guest", person=world.gustav)),
        "other_body": client(make_account("member", person=world.david)),
        "secretariat": client(make_account("secretariat")),
    }


@pytest.mark.parametrize(
    ("status", "who_sees"),
    [
        (MinutesStatus.DRAFT, {"secretariat"}),
        (MinutesStatus.APPROVED, {"secretariat", "participant", "guest"}),
        (MinutesStatus.PUBLISHED,
         {"secretariat", "participant", "guest", "other_body", "anonymous"}),
    ],
)
def test_who_sees_the_minutes(app, session, world, make_meeting, visitors, status, who_sees):
    meeting = make_meeting()
    invite(session, meeting, world.gustav)
    with app.test_request_context():
        records.save_minutes(session, meeting, MINUTES)
        if status is not MinutesStatus.DRAFT:
            records.approve_minutes(session, meeting)
        if status is MinutesStatus.PUBLISHED:
            records.publish_minutes(session, meeting)
    session.commit()
    for role, client in visitors.items():
        response = client.get(f"/meetings/{meeting.id}")
        assert response.status_code == 200, role
        assert (MINUTES in page_text(response)) == (role in who_sees), role


def test_the_minutes_workflow_over_http(staff_client, english, session, make_meeting, client):
    meeting = make_meeting()
    staff = english(staff_client)
    page = page_text(staff.get(f"/meetings/{meeting.id}"))
    assert f'action="/meetings/{meeting.id}/minutes"' in page
    assert "/minutes/approve" not in page  # nothing to approve yet

    response = staff.post(f"/meetings/{meeting.id}/minutes/approve", data={})
    assert response.status_code == 200
    assert "Write the minutes before approving them." in page_text(response)

    response = staff.post(f"/meetings/{meeting.id}/minutes",
                          data={"minutes-text": "Punkt 1.\nPunkt 2.\n\n<script>x</script>"})
    assert response.location == f"/meetings/{meeting.id}#minutes"
    page = staff.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    # The draft is in its editor, with the button to approve it.
    assert re.search(r'<textarea[^>]*name="minutes-text"[^>]*>\s*Punkt 1\.\nPunkt 2\.', page)
    assert f'action="/meetings/{meeting.id}/minutes/approve"' in page
    assert "Punkt 1." not in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)

    assert staff.post(f"/meetings/{meeting.id}/minutes/approve", data={}).status_code == 302
    page = staff.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f'action="/meetings/{meeting.id}/minutes/publish"' in page
    assert 'name="minutes-text"' not in page  # approved minutes are not edited
    # Shown as paragraphs and lines, the text escaped.
    assert "<p>Punkt 1.<br>\nPunkt 2.</p>" in page and "&lt;script&gt;x&lt;/script&gt;" in page
    assert "<script>x</script>" not in page

    response = staff.post(f"/meetings/{meeting.id}/minutes", data={"minutes-text": "Nytt"})
    assert response.status_code == 200
    assert "The minutes are approved and can no longer be changed." in page_text(response)

    assert staff.post(f"/meetings/{meeting.id}/minutes/publish", data={}).status_code == 302
    session.expire_all()
    assert session.get(Meeting, meeting.id).minutes.status is MinutesStatus.PUBLISHED
    assert "Punkt 1." in page_text(client.get(f"/meetings/{meeting.id}"))


# --- action items ---------------------------------------------------------------------------


def test_action_items_are_carried_to_the_bodys_next_meetings_until_done(
    ctx, session, make_meeting
):
    february = make_meeting(start=at(2025, 2, 11))
    officials = make_meeting("tjanstepersonsforum", start=at(2025, 3, 18))
    april = make_meeting(start=at(2025, 4, 15))
    june = make_meeting(start=at(2025, 6, 10))
    item = records.add_action_item(session, february, what="Ta fram underlag om kompetens",
                                   who="Kansliet", due_date=date(2025, 4, 1))
    other = records.add_action_item(session, officials, what="Tjänstepersonernas uppdrag")
    session.commit()

    assert records.open_action_items(session, february.body_id, april.start_at) == [item]
    assert records.open_action_items(session, february.body_id, february.start_at) == []
    # Never onto the other body's meetings.
    assert records.open_action_items(session, officials.body_id, june.start_at) == [other]

    def section(meeting):
        own, carried = records.action_items_of(session, meeting)
        return own, carried

    assert section(february) == ([item], [])
    assert section(april) == ([], [item])
    assert section(june) == ([], [item])
    assert section(officials) == ([other], [])

    # Done between April and June: June no longer carries it; April's page still shows it
    # as it stood, with the date it was done.
    item.done_at = at(2025, 5, 2)
    session.commit()
    assert records.open_action_items(session, february.body_id, june.start_at) == []
    assert section(june) == ([], [])
    assert section(april) == ([], [item])
    assert records.open_action_items(session, february.body_id, june.start_at,
                                     open_at=april.start_at) == [item]


def test_an_action_item_needs_what_and_a_due_date_after_the_meeting(ctx, session, make_meeting):
    meeting = make_meeting(start=at(2025, 3, 11))
    with pytest.raises(RecordsError) as refused:
        records.add_action_item(session, meeting, what="  ")
    assert refused.value.field == "what"
    with pytest.raises(RecordsError) as refused:
        records.add_action_item(session, meeting, what="Något", due_date=date(2025, 3, 10))
    assert refused.value.field == "due_date"
    item = records.add_action_item(session, meeting, what="Något", due_date=date(2025, 3, 11))
    records.mark_action_item_done(session, item)
    with pytest.raises(RecordsError):
        records.mark_action_item_done(session, item)
    session.commit()
    assert audit_actions(session, item) == ["action_item_added", "action_item_done"]


def test_action_items_over_http(staff_client, english, session, make_meeting, world, app,
                                make_account, login):
    february = make_meeting(start=at(2025, 2, 11))
    april = make_meeting(start=at(2025, 4, 15))
    staff = english(staff_client)

    response = staff.post(f"/meetings/{february.id}/actions",
                          data={"action-what": "", "action-due_date": "2025-02-01"})
    assert response.status_code == 200
    text = page_text(response)
    assert 'class="error-summary"' in text
    assert 'value="2025-02-01"' in text  # what was typed stays

    response = staff.post(f"/meetings/{february.id}/actions", data={
        "action-what": "Bjuda in SKR", "action-who": "Kansliet",
        "action-due_date": "2025-02-01"})
    assert "The due date cannot be before the meeting" in page_text(response)

    response = staff.post(f"/meetings/{february.id}/actions", data={
        "action-what": "Bjuda in SKR", "action-who": "Kansliet",
        "action-due_date": "2025-03-01"})
    assert response.location == f"/meetings/{february.id}#action-items"
    item = session.scalar(select(ActionItem).where(ActionItem.what == "Bjuda in SKR"))
    assert (item.who, item.due_date, item.body_id) == ("Kansliet", date(2025, 3, 1),
                                                       february.body_id)

    april_page = page_text(staff.get(f"/meetings/{april.id}"))
    carried = row_with(april_page, "Bjuda in SKR")
    assert "Kansliet" in carried and f"/meetings/{february.id}" in carried
    assert f'action="/actions/{item.id}/done"' in carried

    # A participant sees the items but no buttons.
    member = login(app.test_client(), make_account("member", person=world.anna))
    member_page = page_text(member.get(f"/meetings/{april.id}"))
    assert "Bjuda in SKR" in member_page and "/done" not in member_page

    response = staff.post(f"/actions/{item.id}/done", data={"back_to": str(april.id)})
    assert response.location == f"/meetings/{april.id}#action-items"
    session.expire_all()
    assert session.get(ActionItem, item.id).done_at is not None
    assert f"/actions/{item.id}/done" not in page_text(staff.get(f"/meetings/{april.id}"))


# --- the attendance overview ----------------------------------------------------------------


@pytest.fixture
def year_2025(app, session, world, make_meeting, region):
    """Two politicians' meetings held in 2025 and one to come, an officials' meeting, a
    cancelled one, and meetings just outside the year."""
    p1 = make_meeting(start=at(2025, 2, 11), title="P1")
    p2 = make_meeting(start=at(2025, 4, 15), title="P2")
    make_meeting(start=at(2025, 11, 18), title="P3 to come")
    o1 = make_meeting("tjanstepersonsforum", start=at(2025, 3, 18), title="O1")
    cancelled = make_meeting(start=at(2025, 5, 20), title="Cancelled",
                             status=MeetingStatus.CANCELLED)
    late = make_meeting(start=at(2025, 12, 31, 23, 0), title="New Year's Eve")  # 22:00 UTC
    next_year = make_meeting(start=at(2026, 1, 1, 0, 30), title="Next year")  # 2025 in UTC
    last_year = make_meeting(start=at(2024, 12, 10), title="Last year")
    invite(session, p1, world.gustav)

    with app.test_request_context():
        records.record_attendance(session, p1, [
            entry(world.anna),
            entry(world.bertil, role=AttendanceRole.SUBSTITUTE, substitute="Sara Suppleant"),
            entry(world.cecilia),
            entry(world.gustav, role=AttendanceRole.GUEST),
        ])
        records.record_attendance(session, p2, [
            entry(world.anna, Presence.EXCUSED),
            entry(world.bertil, Presence.ABSENT),
            entry(world.cecilia),
        ])
        records.record_attendance(session, o1, [entry(world.david)])
        for meeting in (next_year, last_year):
            records.record_attendance(session, meeting, [entry(world.anna)])
        records.record_attendance(session, late, [entry(world.cecilia, Presence.ABSENT)])
    # Recorded before it was cancelled: a cancelled meeting counts for nothing.
    session.add(Attendance(meeting_id=cancelled.id, person_id=world.anna.id,
                           role=AttendanceRole.MEMBER, presence=Presence.PRESENT,
                           region_id=region("12").id, side="majority"))
    session.commit()
    return {"p1": p1, "p2": p2, "o1": o1, "late": late}


def test_the_overview_counts_seats_per_region_and_body(session, bodies, year_2025):
    overview = records.attendance_overview(session, 2025, now=datetime(2026, 6, 1, tzinfo=UTC))
    pol, off = bodies["politikerforum"].id, bodies["tjanstepersonsforum"].id
    lines = {line.region.code: line for line in overview.regions}
    assert len(lines) == 21

    # P1, P2, P3 and New Year's Eve held in 2025; not the cancelled one, not 1 January 2026.
    assert overview.held == {pol: 4, off: 1}
    skane = lines["12"].by_body[pol]
    assert (skane.present, skane.substitutes, skane.excused, skane.absent) == (1, 1, 1, 1)
    assert skane.rate == 50
    stockholm = lines["01"].by_body[pol]
    assert (stockholm.present, stockholm.absent, stockholm.rate) == (2, 1, 67)
    assert lines["12"].by_body[off].present == 1
    assert lines["05"].by_body[pol].recorded == 0 and lines["05"].by_body[pol].rate is None
    total = overview.totals[pol]
    assert (total.present, total.substitutes, total.excused, total.absent, total.guests) == (
        3, 1, 1, 2, 1)

    # Majority and opposition among the politicians who attended (a substitute counts for
    # the seat they filled).
    assert (overview.majority, overview.opposition) == (3, 1)
    assert (lines["12"].majority, lines["12"].opposition) == (1, 1)
    assert (lines["01"].majority, lines["01"].opposition) == (2, 0)
    balance = {b.meeting.title: (b.majority, b.opposition, b.recorded)
               for b in overview.balance}
    assert balance == {"P1": (2, 1, True), "P2": (1, 0, True), "P3 to come": (0, 0, False),
                       "New Year's Eve": (0, 0, True)}
    assert overview.recorded == {pol: 3, off: 1}
    assert [b.id for b in overview.political_bodies] == [pol]


def test_meetings_still_to_come_are_not_counted(session, bodies, year_2025):
    overview = records.attendance_overview(session, 2025, now=datetime(2025, 6, 1, tzinfo=UTC))
    pol = bodies["politikerforum"].id
    assert overview.held[pol] == 2  # P1 and P2; P3 and New Year's Eve are still to come
    assert [b.meeting.title for b in overview.balance] == ["P1", "P2"]
    # Recorded ahead of time (New Year's Eve's absence) is not counted either.
    assert overview.totals[pol].absent == 1


def test_bar_chart_geometry():
    chart = records.bar_chart(
        [("A", [("x", 2), ("y", 2)], "2/4"), ("B", [("x", 1), ("y", 0)], "1/1")],
        width=500, label_width=100, note_width=0, bar_height=10, gap=5, top=0,
    )
    assert chart.maximum == 4 and chart.plot_width == 400 and chart.height == 30
    a, b = chart.bars
    assert [(s.x, s.width) for s in a.segments] == [(100, 200), (300, 200)]
    assert a.end == 500 and b.end == 200 and b.y == 15
    assert [(s.x, s.width) for s in b.segments] == [(100, 100), (200, 0)]
    assert records.bar_chart([]).maximum == 1  # an empty year draws nothing, divides by nothing


def test_the_overview_page_has_the_table_the_chart_and_the_balance(
    staff_client, english, year_2025
):
    response = english(staff_client).get("/attendance?year=2025")
    assert response.status_code == 200
    text = page_text(response)
    assert "<h1>Attendance per region 2025</h1>" in text
    pol_table = text.split("Attendance per region, Politicians' forum 2025</caption>", 1)[1]
    pol_table = pol_table.split("</table>", 1)[0]
    assert cells(row_with(pol_table, "Region Skåne")) == [
        "12", "Region Skåne", "1", "1", "1", "1", "50 %", "1", "1"]
    assert cells(row_with(pol_table, "Region Stockholm")) == [
        "01", "Region Stockholm", "2", "0", "0", "1", "67 %", "2", "0"]

    svgs = re.findall(r"<svg class=\"chart\".*?</svg>", text, re.DOTALL)
    assert len(svgs) == 3  # each body, and the balance
    for svg in svgs:
        assert 'role="img"' in svg
        labelled = re.search(r'aria-labelledby="([^"]+) ([^"]+)"', svg)
        title_id, desc_id = labelled.groups()
        assert re.search(rf'<title id="{title_id}">[^<]+</title>', svg)
        assert re.search(rf'<desc id="{desc_id}">[^<]+</desc>', svg)
    assert "Majority and opposition among attending politicians, 2025" in svgs[2]
    assert "3 from the majority, 1 from the opposition" in svgs[2]
    assert "<rect" in svgs[0] and "Region Skåne" in svgs[0]
    assert "3 from the majority and 1 from the opposition" in text
    balance = text.split("Majority and opposition per meeting, 2025</caption>", 1)[1]
    assert cells(row_with(balance, "P1"))[1:] == ["P1", "2", "1"]
    assert cells(row_with(balance, "P3 to come"))[1:] == ["P3 to come", "Attendance not recorded"]
    assert "P3 to come" not in svgs[2]  # nothing to draw for a meeting without a record


def test_a_year_that_is_not_a_year_is_explained(staff_client, english):
    client = english(staff_client)
    response = client.get("/attendance?year=tjugo")
    assert response.status_code == 200
    text = page_text(response)
    assert "Give a year between 2000 and 2100" in text and 'value="tjugo"' in text
    response = client.get("/attendance.csv?year=tjugo")
    assert response.status_code == 302 and response.location.startswith("/attendance?year=")


def test_the_csv_export(staff_client, english, year_2025):
    response = english(staff_client).get("/attendance.csv?year=2025")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "-2025.csv" in disposition
    raw = response.get_data(as_text=True)
    assert raw.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(raw[1:]), delimiter=";"))
    header, data = rows[0], rows[1:]
    assert header[:4] == ["Year", "County code", "Region", "Body"]
    assert len(data) == 21 * 2  # every region, both bodies
    by_key = {(r[1], r[3]): r for r in data}
    assert by_key[("12", "Politicians' forum")][4:] == ["4", "1", "1", "1", "1", "50", "1", "1"]
    assert by_key[("12", "Officials' forum")][4:] == ["1", "1", "0", "0", "0", "100", "", ""]
    assert by_key[("05", "Politicians' forum")][9] == ""  # nothing recorded: no rate


def test_the_xlsx_export(staff_client, english, year_2025):
    response = english(staff_client).get("/attendance.xlsx?year=2025")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "-2025.xlsx" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Year", "County code", "Region")
    by_key = {(r[1], r[3]): r for r in rows[1:]}
    assert by_key[("01", "Politicians' forum")][4:] == (4, 2, 0, 0, 1, 67, 2, 0)
    assert by_key[("01", "Politicians' forum")][0] == 2025


def test_the_swedish_file_name_is_readable_and_safe(staff_client, year_2025):
    disposition = staff_client.get("/attendance.csv?year=2025").headers["Content-Disposition"]
    plain = re.search(r'filename="([^"]+)"', disposition).group(1)
    assert plain.isascii() and plain.endswith("-2025.csv")
    assert "filename*=UTF-8''" in disposition


def test_the_overview_takes_the_same_number_of_queries_as_data_grows(
    app, staff_client, session, count_queries, make_meeting, make_person, make_nomination
):
    def measure() -> int:
        with count_queries() as counter:
            assert staff_client.get("/attendance?year=2025").status_code == 200
        return counter.count

    meeting = make_meeting(start=at(2025, 2, 11))
    person = make_person()
    make_nomination(person, region_code="03", start=date(2023, 1, 1))
    with app.test_request_context():
        records.record_attendance(session, meeting, [entry(person)])
    session.commit()
    few = measure()

    for code in ("04", "05", "06", "07", "08"):
        member = make_person()
        make_nomination(member, region_code=code, seat_slug="opposition", start=date(2023, 1, 1))
    for month in (3, 4, 5, 9, 10):
        more = make_meeting(start=at(2025, month, 13))
        with app.test_request_context():
            records.record_attendance(session, more, [
                entry(line.person) for line in records.attendance_lines(session, more)])
    session.commit()
    assert measure() == few


def test_the_records_section_takes_the_same_number_of_queries_as_data_grows(
    ctx, session, world, make_meeting, count_queries
):
    first = make_meeting(start=at(2025, 2, 11))
    meeting = make_meeting(start=at(2025, 4, 15))
    records.add_action_item(session, first, what="Ett")
    records.record_attendance(session, meeting, [entry(world.anna)])
    session.commit()

    def measure() -> int:
        session.expire_all()
        loaded = session.get(Meeting, meeting.id)
        with count_queries() as counter:
            section = records.page_context(session, loaded)["records"]
            for item in section.carried + section.items:
                assert item.meeting.title
            for row in section.attendance:
                assert row.person.name and (row.region is None or row.region.name)
        return counter.count

    few = measure()
    for n in range(5):
        records.add_action_item(session, first, what=f"Fler {n}")
        records.add_action_item(session, meeting, what=f"Egna {n}")
    records.record_attendance(session, meeting, [
        entry(world.anna), entry(world.bertil), entry(world.cecilia)])
    session.commit()
    assert measure() == few


# --- who may ----------------------------------------------------------------------------------


def test_members_are_refused_the_secretariats_pages(
    app, session, world, make_meeting, make_account, login
):
    meeting = make_meeting()
    item = ActionItem(meeting_id=meeting.id, body_id=meeting.body_id, what="Kvar")
    session.add(item)
    session.commit()
    member = login(app.test_client(), make_account("member", person=world.anna))
    anonymous = app.test_client()
    gets = [f"/meetings/{meeting.id}/attendance", f"/meetings/{meeting.id}/minutes",
            f"/meetings/{meeting.id}/actions", "/attendance?year=2025",
            "/attendance.csv?year=2025", "/attendance.xlsx?year=2025"]
    posts = {
        f"/meetings/{meeting.id}/attendance": {f"presence_{world.anna.id}": "present",
                                               f"role_{world.anna.id}": "member"},
        f"/meetings/{meeting.id}/minutes": {"minutes-text": "Inbrytning"},
        f"/meetings/{meeting.id}/minutes/approve": {},
        f"/meetings/{meeting.id}/minutes/publish": {},
        f"/meetings/{meeting.id}/actions": {"action-what": "Inbrytning"},
        f"/actions/{item.id}/done": {},
    }
    for url in gets:
        assert member.get(url).status_code == 403, url
        response = anonymous.get(url)
        assert response.status_code == 302 and response.location.startswith("/login"), url
    for url, data in posts.items():
        assert member.post(url, data=data).status_code == 403, url
        assert anonymous.post(url, data=data).status_code == 302, url
    session.expire_all()
    assert session.scalar(select(func.count(Attendance.id))) == 0
    assert session.get(Meeting, meeting.id).minutes is None
    assert session.scalar(select(func.count(ActionItem.id))) == 1
    assert session.get(ActionItem, item.id).done_at is None

    # And the meeting page shows the member none of the secretariat's controls.
    page = member.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f"/meetings/{meeting.id}/attendance" not in page
    assert 'name="minutes-text"' not in page and 'name="action-what"' not in page


def test_the_public_sees_no_attendance_and_no_action_items(app, session, world, make_meeting):
    meeting = make_meeting()
    with app.test_request_context():
        records.record_attendance(session, meeting, [entry(world.anna)])
        records.add_action_item(session, meeting, what="Internt uppdrag")
    session.commit()
    text = page_text(app.test_client().get(f"/meetings/{meeting.id}"))
    assert "Anna Andersson" not in text and "Internt uppdrag" not in text
    assert 'id="attendance"' not in text
