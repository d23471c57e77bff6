"""The meetings' services and queries: creating and changing a meeting, moving it (same uid,
a new revision, an e-mail to every participant in their own language), confirming,
cancelling and marking held, participants on the meeting's date, guests, answers, the agenda's
order, and the reads behind the list and "my meetings". The pages are in
test_meeting_views.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from forum.audit.models import AuditEntry
from forum.mail_models import OutboxMessage
from forum.meetings import queries, services
from forum.meetings.models import (
    AgendaItem,
    Answer,
    Meeting,
    MeetingAnswer,
    MeetingGuest,
    MeetingStatus,
)
from forum.meetings.services import MeetingError
from forum.roster.models import Person
from forum.timeutil import STOCKHOLM, today

# Far enough ahead that the meetings below are still to come whenever the suite runs, and a
# fixed year so that dates can be checked as words.
YEAR = today().year + 2


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    """A Stockholm wall-clock time as the UTC moment it is stored as."""
    return datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM).astimezone(UTC)


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@pytest.fixture
def ctx(app):
    """A request context whose messages read in English, the code's own words; each e-mail
    still speaks its recipient's language."""
    with app.test_request_context(), force_locale("en"):
        yield


@pytest.fixture
def make_meeting(session, bodies):
    def make(body: str = "politikerforum", start: datetime | None = None, *, hours: int = 4,
             status: MeetingStatus = MeetingStatus.PLANNED, **fields) -> Meeting:
        start = start or at(YEAR, 3, 10)
        fields.setdefault("title", f"Möte {body} {start:%Y-%m-%d %H%M}")
        fields.setdefault("venue", "Regionhuset Malmö")
        meeting = Meeting(body_id=bodies[body].id, start_at=start,
                          end_at=start + timedelta(hours=hours), status=status, **fields)
        session.add(meeting)
        session.commit()
        return meeting

    return make


@dataclass
class World:
    anna: Person  # Skåne, politicians' forum, majority; e-mail, no account (Swedish)
    bertil: Person  # Skåne, politicians' forum, opposition; an account in English
    cecilia: Person  # Stockholm, politicians' forum; no e-mail address
    david: Person  # Skåne, officials' forum
    gustav: Person  # a guest from an agency, with an e-mail address


@pytest.fixture
def world(make_person, make_nomination, make_organisation, make_account) -> World:
    people = World(
        anna=make_person("Anna", "Andersson", email="anna@region.se"),
        bertil=make_person("Bertil", "Berg", email="bertil@region.se"),
        cecilia=make_person("Cecilia", "Carlsson", email=None),
        david=make_person("David", "Dahl", email="david@region.se"),
        gustav=make_person("Gustav", "Gäst", email="gustav@verket.se",
                           organisation=make_organisation("Gästverket")),
    )
    make_nomination(people.anna, region_code="12", seat_slug="majoritet", party="M")
    make_nomination(people.bertil, region_code="12", seat_slug="opposition", party="S")
    make_nomination(people.cecilia, region_code="01", seat_slug="majoritet", party="M")
    make_nomination(people.david, region_code="12", body="tjanstepersonsforum",
                    seat_slug="tjansteperson")
    make_account("member", person=people.bertil, language="en")
    return people


def outbox(session) -> list[OutboxMessage]:
    session.expire_all()
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def actions(session, meeting) -> list[str]:
    return list(session.scalars(
        select(AuditEntry.action).where(AuditEntry.object_type == "Meeting",
                                        AuditEntry.object_id == meeting.id)
        .order_by(AuditEntry.id)))


def fields_for(bodies, body="politikerforum", start=None, **more) -> dict:
    start = start or at(YEAR, 3, 10)
    values = {"body_id": bodies[body].id, "theme_id": None, "title": "Temamöte",
              "start_at": start, "end_at": start + timedelta(hours=4),
              "venue": "Regionhuset Malmö", "address": "Dockplatsen 26, Malmö",
              "host_region_id": None, "online_url": "", "description": "", "prepares_id": None}
    values.update(more)
    return values


# --- creating --------------------------------------------------------------------------------


def test_a_new_meeting_is_planned_with_a_uid_and_revision_zero(ctx, session, bodies):
    meeting = services.create(session, **fields_for(bodies))
    session.commit()
    assert meeting.status is MeetingStatus.PLANNED
    assert meeting.revision == 0
    assert len(meeting.uid) == 36
    assert aware(meeting.start_at) == at(YEAR, 3, 10)
    assert actions(session, meeting) == ["meeting_created"]
    other = services.create(session, **fields_for(bodies, start=at(YEAR, 4, 10)))
    assert other.uid != meeting.uid


def test_a_meeting_must_end_after_it_starts_and_nothing_is_saved(ctx, session, bodies):
    before = count(session, Meeting)
    start = at(YEAR, 3, 10, 13)
    for end in (start, start - timedelta(hours=1)):
        with pytest.raises(MeetingError) as error:
            services.create(session, **fields_for(bodies, start=start, end_at=end))
        assert error.value.field == "end_time"
        assert "end after it starts" in error.value.message
    session.rollback()
    assert count(session, Meeting) == before
    assert count(session, AuditEntry) == 0


def test_a_meeting_prepares_a_meeting_of_the_other_body_only(ctx, session, bodies,
                                                            make_meeting):
    politicians = make_meeting("politikerforum", at(YEAR, 4, 14))
    same_body = make_meeting("politikerforum", at(YEAR, 2, 10))
    with pytest.raises(MeetingError) as error:
        services.create(session, **fields_for(bodies, "politikerforum",
                                              prepares_id=same_body.id))
    assert error.value.field == "prepares_id"
    with pytest.raises(MeetingError):
        services.create(session, **fields_for(bodies, "tjanstepersonsforum",
                                              prepares_id=999_999))

    officials = services.create(session, **fields_for(bodies, "tjanstepersonsforum",
                                                      prepares_id=politicians.id))
    session.commit()
    session.expire_all()
    assert officials.prepares.id == politicians.id
    assert [m.id for m in politicians.prepared_by] == [officials.id]
    # A meeting cannot prepare itself either.
    with pytest.raises(MeetingError):
        services.update(session, officials, prepares_id=officials.id)


def test_changing_the_body_is_judged_against_the_new_body(ctx, session, bodies, make_meeting):
    politicians = make_meeting("politikerforum", at(YEAR, 4, 14))
    meeting = make_meeting("politikerforum", at(YEAR, 3, 24))
    # Made an officials' meeting that prepares the politicians' one: allowed.
    services.update(session, meeting, body_id=bodies["tjanstepersonsforum"].id,
                    prepares_id=politicians.id)
    assert meeting.prepares_id == politicians.id
    # Back to the politicians while still preparing a politicians' meeting: refused.
    with pytest.raises(MeetingError) as error:
        services.update(session, meeting, body_id=bodies["politikerforum"].id)
    assert error.value.field == "prepares_id"


# --- moving and changing ------------------------------------------------------------------------


def test_moving_keeps_the_uid_raises_the_revision_and_tells_each_participant(
    ctx, session, world, make_meeting
):
    meeting = make_meeting(start=at(YEAR, 3, 10), address="Dockplatsen 26")
    services.invite_guest(session, meeting, world.gustav)
    session.commit()
    invitations = len(outbox(session))
    uid, revision = meeting.uid, meeting.revision

    moved = services.update(session, meeting, start_at=at(YEAR, 3, 17, 13),
                            end_at=at(YEAR, 3, 17, 16))
    session.commit()

    assert moved is True
    assert meeting.uid == uid and meeting.id is not None
    assert meeting.revision == revision + 1
    assert aware(meeting.start_at) == at(YEAR, 3, 17, 13)
    mails = outbox(session)[invitations:]
    # Anna, Bertil and the guest; Cecilia has no address, David is in the other body.
    assert sorted(m.to_address for m in mails) == [
        "anna@region.se", "bertil@region.se", "gustav@verket.se"]
    assert {m.kind for m in mails} == {"meeting_moved"}
    by = {m.to_address: m for m in mails}
    swedish, english = by["anna@region.se"], by["bertil@region.se"]
    assert swedish.language == "sv" and by["gustav@verket.se"].language == "sv"
    assert english.language == "en"
    # The new time, in each language's own form.
    assert f"17 mars {YEAR}, kl. 13.00" in swedish.text_body
    assert f"17 mars {YEAR}, kl. 13.00" in swedish.html_body
    assert "March" not in swedish.text_body
    assert f"17 March {YEAR}, 13:00" in english.text_body
    assert "mars" not in english.text_body
    assert "has changed" in english.text_body and meeting.title in english.subject
    # The Swedish mail is written in Swedish, not in the code's English.
    assert "has changed" not in swedish.text_body and "Hello" not in swedish.text_body
    assert swedish.to_name == "Anna Andersson" and "Anna Andersson" in swedish.text_body
    assert f"http://forum.test/meetings/{meeting.id}" in swedish.text_body
    assert "Regionhuset Malmö, Dockplatsen 26" in swedish.text_body
    assert actions(session, meeting)[-1] == "meeting_moved"


def test_moving_the_place_tells_the_participants_too(ctx, session, world, make_meeting):
    meeting = make_meeting()
    assert services.update(session, meeting, venue="Regionens hus, Göteborg") is True
    session.commit()
    assert meeting.revision == 1
    assert sorted(m.to_address for m in outbox(session)) == ["anna@region.se",
                                                             "bertil@region.se"]
    assert all("Regionens hus, Göteborg" in m.text_body for m in outbox(session))


def test_a_new_description_raises_the_revision_and_sends_nothing(
    ctx, session, world, make_meeting
):
    meeting = make_meeting()
    assert services.update(session, meeting, description="Vi diskuterar kompetens.",
                           title="Nytt namn") is False
    session.commit()
    assert meeting.revision == 1
    assert outbox(session) == []
    assert actions(session, meeting) == ["meeting_changed"]


def test_saving_without_a_change_is_no_new_revision(ctx, session, world, make_meeting):
    meeting = make_meeting()
    same = {name: getattr(meeting, name) for name in services.CALENDAR_FIELDS}
    # The form gives the time back in Stockholm time: the same moment, another zone.
    same["start_at"] = aware(meeting.start_at).astimezone(STOCKHOLM)
    assert services.update(session, meeting, **same) is False
    session.commit()
    assert meeting.revision == 0
    assert outbox(session) == [] and actions(session, meeting) == []


def test_a_move_with_the_end_before_the_start_is_refused_and_nothing_changes(
    ctx, session, world, make_meeting
):
    meeting = make_meeting()
    with pytest.raises(MeetingError) as error:
        services.update(session, meeting, start_at=at(YEAR, 3, 10, 15),
                        end_at=at(YEAR, 3, 10, 14))
    assert error.value.field == "end_time"
    session.rollback()
    session.expire_all()
    assert aware(meeting.start_at) == at(YEAR, 3, 10) and meeting.revision == 0
    assert outbox(session) == []


# --- confirming, cancelling, held -----------------------------------------------------------


def test_confirming_tells_the_participants(ctx, session, world, make_meeting):
    meeting = make_meeting()
    services.set_status(session, meeting, MeetingStatus.CONFIRMED)
    session.commit()
    assert meeting.status is MeetingStatus.CONFIRMED and meeting.revision == 1
    mails = outbox(session)
    assert sorted(m.to_address for m in mails) == ["anna@region.se", "bertil@region.se"]
    assert {m.kind for m in mails} == {"meeting_confirmed"}
    assert actions(session, meeting) == ["meeting_confirmed"]


def test_cancelling_needs_a_reason(ctx, session, world, make_meeting):
    meeting = make_meeting()
    for reason in ("", "   "):
        with pytest.raises(MeetingError) as error:
            services.set_status(session, meeting, MeetingStatus.CANCELLED, reason)
        assert error.value.field == "reason"
    session.rollback()
    session.expire_all()
    assert meeting.status is MeetingStatus.PLANNED and meeting.revision == 0
    assert outbox(session) == []


def test_a_cancelled_meeting_is_marked_kept_and_closed_to_changes(
    ctx, session, world, make_meeting
):
    meeting = make_meeting()
    services.add_agenda_item(session, meeting, title="Inledning", presenter="", starts_at=None)
    session.commit()
    uid, revision = meeting.uid, meeting.revision

    services.set_status(session, meeting, MeetingStatus.CANCELLED, "  För få kan delta.  ")
    session.commit()

    session.expire_all()
    kept = session.get(Meeting, meeting.id)
    assert kept is not None and kept.uid == uid
    assert kept.is_cancelled and kept.cancel_reason == "För få kan delta."
    assert kept.revision == revision + 1
    mails = outbox(session)
    assert sorted(m.to_address for m in mails) == ["anna@region.se", "bertil@region.se"]
    assert {m.kind for m in mails} == {"meeting_cancelled"}
    assert all("För få kan delta." in m.text_body for m in mails)
    by = {m.to_address: m for m in mails}
    assert f"10 mars {YEAR}" in by["anna@region.se"].text_body
    assert f"10 March {YEAR}" in by["bertil@region.se"].text_body
    assert meeting in queries.meetings(session, year=YEAR)

    # Nothing more happens to it: no change, no new status, no answer, no agenda, no guest.
    with pytest.raises(MeetingError):
        services.update(session, kept, description="Ändå?")
    for status in (MeetingStatus.CONFIRMED, MeetingStatus.HELD, MeetingStatus.CANCELLED):
        with pytest.raises(MeetingError):
            services.set_status(session, kept, status, "igen")
    with pytest.raises(MeetingError):
        services.answer(session, kept, world.anna, Answer.ATTENDING)
    with pytest.raises(MeetingError):
        services.add_agenda_item(session, kept, title="Sent", presenter="", starts_at=None)
    with pytest.raises(MeetingError):
        services.remove_agenda_item(session, kept.agenda[0])
    with pytest.raises(MeetingError):
        services.invite_guest(session, kept, world.gustav)
    session.rollback()
    session.expire_all()
    assert kept.revision == revision + 1 and len(kept.agenda) == 1
    assert count(session, MeetingAnswer) == 0 and count(session, MeetingGuest) == 0
    assert len(outbox(session)) == 2


def test_a_meeting_is_held_only_once_it_has_started(ctx, session, world, make_meeting):
    coming = make_meeting(status=MeetingStatus.CONFIRMED)
    with pytest.raises(MeetingError) as error:
        services.set_status(session, coming, MeetingStatus.HELD)
    assert "once it has started" in error.value.message
    assert coming.status is MeetingStatus.CONFIRMED

    past = make_meeting(start=at(2025, 3, 11), status=MeetingStatus.CONFIRMED)
    services.set_status(session, past, MeetingStatus.HELD)
    session.commit()
    assert past.status is MeetingStatus.HELD
    # Being held is no news for the participants.
    assert outbox(session) == []


# --- participants ---------------------------------------------------------------------------


def test_participants_are_the_bodys_members_on_the_day_and_the_guests(
    ctx, session, make_person, make_nomination, make_meeting, make_organisation
):
    day = date(YEAR, 3, 10)
    meeting = make_meeting(start=at(YEAR, 3, 10))
    current = make_person("Nu", "Varande")
    make_nomination(current, region_code="12", seat_slug="majoritet")
    left = make_person("Av", "Gången")
    make_nomination(left, region_code="12", seat_slug="opposition",
                    end=day - timedelta(days=1))
    last_day = make_person("Sista", "Dagen")
    make_nomination(last_day, region_code="01", seat_slug="opposition", end=day)
    successor = make_person("Efter", "Trädare")
    make_nomination(successor, region_code="12", seat_slug="opposition", start=day)
    too_late = make_person("För", "Sen")
    make_nomination(too_late, region_code="03", seat_slug="majoritet",
                    start=day + timedelta(days=1))
    official = make_person("Tjänste", "Person")
    make_nomination(official, region_code="12", body="tjanstepersonsforum",
                    seat_slug="tjansteperson")
    guest = make_person("Stats", "Sekreterare", organisation=make_organisation("Departementet"))
    services.invite_guest(session, meeting, guest)
    session.commit()

    found = queries.participants(session, meeting)
    assert [(p.person.name, p.kind) for p in found] == [
        ("Sista Dagen", "member"),  # region 01 first
        ("Nu Varande", "member"),
        ("Efter Trädare", "member"),
        ("Stats Sekreterare", "guest"),
    ]
    assert found[0].nomination.region.code == "01" and found[-1].nomination is None
    for person in (current, last_day, successor, guest):
        assert queries.is_participant(session, meeting, person.id), person.name
    for person in (left, too_late, official):
        assert not queries.is_participant(session, meeting, person.id), person.name


def test_membership_is_judged_on_the_meetings_day_in_stockholm(
    ctx, session, make_person, make_nomination, make_meeting
):
    # 00.30 on 1 April in Stockholm is still 31 March in UTC.
    meeting = make_meeting(start=at(YEAR, 4, 1, 0, 30), hours=1)
    starting = make_person("April", "Första")
    make_nomination(starting, region_code="12", start=date(YEAR, 4, 1))
    assert queries.is_participant(session, meeting, starting.id)
    assert [p.person.id for p in queries.participants(session, meeting)] == [starting.id]


# --- guests -----------------------------------------------------------------------------------


def test_a_guest_is_invited_once_by_e_mail_in_their_language(
    ctx, session, world, make_meeting, make_person, make_account
):
    meeting = make_meeting()
    guest = services.invite_guest(session, meeting, world.gustav)
    session.commit()
    assert guest.person_id == world.gustav.id
    [mail] = outbox(session)
    assert (mail.to_address, mail.kind, mail.language) == (
        "gustav@verket.se", "meeting_invitation", "sv")
    assert meeting.title in mail.subject and f"10 mars {YEAR}, kl. 10.00" in mail.text_body

    english = make_person("Emma", "English", email="emma@gov.example")
    make_account("guest", person=english, language="en")
    services.invite_guest(session, meeting, english)
    session.commit()
    mail = outbox(session)[-1]
    assert (mail.to_address, mail.language) == ("emma@gov.example", "en")
    assert f"You are invited to the meeting {meeting.title} on 10 March {YEAR}, 10:00" in (
        mail.text_body)

    with pytest.raises(MeetingError) as error:
        services.invite_guest(session, meeting, world.gustav)
    assert error.value.field == "person_id" and "already invited" in error.value.message
    session.rollback()
    assert count(session, MeetingGuest) == 2 and len(outbox(session)) == 2


def test_a_member_of_the_body_cannot_be_invited_as_a_guest(ctx, session, world, make_meeting):
    meeting = make_meeting()
    with pytest.raises(MeetingError) as error:
        services.invite_guest(session, meeting, world.anna)
    assert error.value.field == "person_id" and "member of the body" in error.value.message
    session.rollback()
    # A member of the other body can come as a guest.
    services.invite_guest(session, meeting, world.david)
    session.commit()
    assert queries.is_participant(session, meeting, world.david.id)
    assert count(session, MeetingGuest) == 1


def test_removing_a_guest_ends_their_part(ctx, session, world, make_meeting):
    meeting = make_meeting()
    guest = services.invite_guest(session, meeting, world.gustav)
    session.commit()
    services.remove_guest(session, guest)
    session.commit()
    assert not queries.is_participant(session, meeting, world.gustav.id)
    assert actions(session, meeting) == ["guest_invited", "guest_removed"]


# --- answers ------------------------------------------------------------------------------------


def test_a_member_answers_and_changes_the_answer(ctx, session, world, make_meeting):
    meeting = make_meeting()
    first = services.answer(session, meeting, world.anna, Answer.ATTENDING)
    session.commit()
    assert (first.answer, first.substitute_name) == (Answer.ATTENDING, "")

    services.answer(session, meeting, world.anna, Answer.SUBSTITUTE,
                    substitute_name=" Sara Suppleant ", substitute_email=" Sara@Region.se ")
    session.commit()
    [saved] = session.scalars(select(MeetingAnswer)).all()
    assert saved.id == first.id
    assert (saved.answer, saved.substitute_name, saved.substitute_email) == (
        Answer.SUBSTITUTE, "Sara Suppleant", "sara@region.se")

    services.answer(session, meeting, world.anna, Answer.DECLINED,
                    substitute_name="Kvarglömd")
    session.commit()
    session.expire_all()
    assert (saved.answer, saved.substitute_name, saved.substitute_email) == (
        Answer.DECLINED, "", "")
    anna = next(p for p in queries.participants(session, meeting) if p.person == world.anna)
    assert anna.answer_value is Answer.DECLINED


def test_a_substitute_needs_a_name(ctx, session, world, make_meeting):
    meeting = make_meeting()
    with pytest.raises(MeetingError) as error:
        services.answer(session, meeting, world.anna, Answer.SUBSTITUTE,
                        substitute_name="  ")
    assert error.value.field == "substitute_name"
    session.rollback()
    assert count(session, MeetingAnswer) == 0


def test_a_guest_answers_too(ctx, session, world, make_meeting):
    meeting = make_meeting()
    services.invite_guest(session, meeting, world.gustav)
    services.answer(session, meeting, world.gustav, Answer.ATTENDING)
    session.commit()
    guest = next(p for p in queries.participants(session, meeting) if p.kind == "guest")
    assert guest.answer_value is Answer.ATTENDING


def test_no_answers_after_the_meeting(ctx, session, world, make_meeting):
    past = make_meeting(start=at(2025, 3, 11), status=MeetingStatus.HELD)
    with pytest.raises(MeetingError) as error:
        services.answer(session, past, world.anna, Answer.ATTENDING)
    assert "already taken place" in error.value.message
    session.rollback()
    assert count(session, MeetingAnswer) == 0


# --- the agenda ---------------------------------------------------------------------------------


def positions(session, meeting) -> list[tuple[int, str]]:
    session.expire_all()
    return [(i.position, i.title) for i in session.scalars(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
        .order_by(AgendaItem.position))]


def test_agenda_items_keep_positions_one_to_n(ctx, session, make_meeting):
    meeting = make_meeting()
    items = {}
    for title in ("A", "B", "C", "D"):
        items[title] = services.add_agenda_item(session, meeting, title=f" {title} ",
                                                presenter="", starts_at=None)
    session.commit()
    assert positions(session, meeting) == [(1, "A"), (2, "B"), (3, "C"), (4, "D")]
    assert meeting.revision == 4  # the agenda is part of what calendars show

    services.move_agenda_item(session, items["C"], -1)
    session.commit()
    assert positions(session, meeting) == [(1, "A"), (2, "C"), (3, "B"), (4, "D")]
    services.move_agenda_item(session, items["A"], +1)
    session.commit()
    assert positions(session, meeting) == [(1, "C"), (2, "A"), (3, "B"), (4, "D")]
    # Beyond either end nothing moves.
    services.move_agenda_item(session, items["C"], -1)
    services.move_agenda_item(session, items["D"], +1)
    session.commit()
    assert positions(session, meeting) == [(1, "C"), (2, "A"), (3, "B"), (4, "D")]

    services.remove_agenda_item(session, items["A"])
    session.commit()
    assert positions(session, meeting) == [(1, "C"), (2, "B"), (3, "D")]
    new = services.add_agenda_item(session, meeting, title="E", presenter="", starts_at=None)
    session.commit()
    assert new.position == 4
    assert positions(session, meeting) == [(1, "C"), (2, "B"), (3, "D"), (4, "E")]


def test_removing_after_moves_renumbers_whatever_the_rows_order(ctx, session, make_meeting):
    """The rows' own order (their ids) differs from the agenda's after moves; closing the gap
    must not trip over the one-position-per-item rule."""
    meeting = make_meeting()
    a, b, _c = (services.add_agenda_item(session, meeting, title=t, presenter="",
                                         starts_at=None) for t in "ABC")
    session.commit()
    services.move_agenda_item(session, a, +1)
    services.move_agenda_item(session, a, +1)
    session.commit()
    assert positions(session, meeting) == [(1, "B"), (2, "C"), (3, "A")]
    services.remove_agenda_item(session, b)
    session.commit()
    assert positions(session, meeting) == [(1, "C"), (2, "A")]


# --- reads --------------------------------------------------------------------------------------


def test_the_list_filters_by_body_theme_and_year_in_stockholm_time(
    ctx, session, make_meeting, bodies, themes
):
    first, second = themes[0], themes[1]
    politicians = make_meeting("politikerforum", at(YEAR, 3, 10), theme_id=first.id)
    officials = make_meeting("tjanstepersonsforum", at(YEAR, 2, 17), theme_id=first.id)
    other_theme = make_meeting("politikerforum", at(YEAR, 5, 12), theme_id=second.id)
    # 00.30 on New Year's Day in Stockholm is the old year in UTC.
    new_year = make_meeting("politikerforum", at(YEAR + 1, 1, 1, 0, 30), hours=1)
    last_year = make_meeting("politikerforum", at(YEAR - 1, 12, 31, 23, 0), hours=1)

    def ids(**filters):
        return [m.id for m in queries.meetings(session, **filters)]

    assert ids(year=YEAR) == [officials.id, politicians.id, other_theme.id]
    assert ids(year=YEAR + 1) == [new_year.id]
    assert ids(year=YEAR - 1) == [last_year.id]
    assert ids(year=YEAR, body_id=bodies["politikerforum"].id) == [politicians.id,
                                                                   other_theme.id]
    assert ids(theme_id=first.id) == [officials.id, politicians.id]
    assert ids(theme_id=second.id, body_id=bodies["tjanstepersonsforum"].id) == []
    assert {YEAR - 1, YEAR, YEAR + 1} <= set(queries.years_with_meetings(session))


def test_a_persons_meetings_are_theirs_on_each_date(
    ctx, session, make_person, make_nomination, make_meeting, world
):
    # Elsa sits in the politicians' forum until 30 April, then in the officials' forum.
    elsa = make_person("Elsa", "Ek")
    make_nomination(elsa, region_code="05", seat_slug="majoritet",
                    end=date(YEAR, 4, 30))
    make_nomination(elsa, region_code="05", body="tjanstepersonsforum",
                    seat_slug="tjansteperson", start=date(YEAR, 5, 1))
    march_politicians = make_meeting("politikerforum", at(YEAR, 3, 10))
    march_officials = make_meeting("tjanstepersonsforum", at(YEAR, 3, 3))
    june_politicians = make_meeting("politikerforum", at(YEAR, 6, 9))
    june_officials = make_meeting("tjanstepersonsforum", at(YEAR, 6, 2))
    guest_of = make_meeting("tjanstepersonsforum", at(YEAR, 2, 3))
    services.invite_guest(session, guest_of, elsa)
    past = make_meeting("politikerforum", at(2025, 3, 11), status=MeetingStatus.HELD)
    session.commit()

    since = datetime.now(UTC)
    mine = queries.meetings_of_person(session, elsa.id, since)
    assert [m.id for m in mine] == [guest_of.id, march_politicians.id, june_officials.id]
    assert past not in mine
    assert march_officials not in mine and june_politicians not in mine
    # Someone else's list is theirs alone.
    assert [m.id for m in queries.meetings_of_person(session, world.david.id, since)] == [
        guest_of.id, march_officials.id, june_officials.id]
