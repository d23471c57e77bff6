"""The roster services against a real database: the rules, history, and the database's
own guard when two writers race."""

from datetime import date

import pytest
from sqlalchemy import func, select

from forum.roster import services
from forum.roster.models import Nomination
from forum.roster.services import RosterError

D = date


@pytest.fixture
def nominate(session, region, seat, make_person, ctx):
    def act(person=None, *, code="12", body="politikerforum", seat_slug="majoritet",
            start=D(2023, 1, 1), end=None, party="S"):
        return services.nominate(
            session,
            person=person or make_person(),
            seat=seat(body, seat_slug),
            region=region(code),
            start_date=start,
            end_date=end,
            party=party,
        )

    return act


def count(session):
    return session.scalar(select(func.count(Nomination.id)))


def test_nominating_to_a_vacant_seat(nominate, session):
    n = nominate(party="  M ")
    session.commit()
    assert n.id and n.slot == 1 and n.party == "M"
    assert n.seat.slug == "majoritet" and n.body.slug == "politikerforum"


def test_a_region_has_one_majority_and_one_opposition_politician(nominate, session):
    first = nominate(seat_slug="majoritet")
    nominate(seat_slug="opposition")
    with pytest.raises(RosterError) as refused:
        nominate(seat_slug="majoritet", start=D(2024, 5, 1))  # a second majority politician
    assert refused.value.field == "start_date"
    assert first.person.name in refused.value.message
    with pytest.raises(RosterError):
        nominate(seat_slug="opposition", start=D(2024, 5, 1))  # a third politician
    assert count(session) == 2


def test_other_regions_are_not_affected(nominate, session):
    nominate(code="12")
    nominate(code="14")
    assert count(session) == 2


def test_officials_party_is_not_recorded(nominate):
    n = nominate(body="tjanstepersonsforum", seat_slug="tjansteperson", party="S")
    assert n.party == ""


def test_a_politician_needs_a_party(nominate, session):
    with pytest.raises(RosterError) as refused:
        nominate(party="")
    assert refused.value.field == "party"
    assert count(session) == 0


def test_end_before_start_is_refused(nominate, session):
    with pytest.raises(RosterError) as refused:
        nominate(start=D(2023, 5, 1), end=D(2023, 4, 30))
    assert refused.value.field == "end_date"
    assert count(session) == 0


def test_a_person_cannot_be_majority_and_opposition_at_once(nominate, make_person, session):
    person = make_person()
    nominate(person, seat_slug="majoritet")
    with pytest.raises(RosterError) as refused:
        nominate(person, seat_slug="opposition", code="14")
    assert refused.value.field == "person_id"
    assert person.name in refused.value.message


def test_a_person_may_sit_in_both_bodies(nominate, make_person, session):
    person = make_person()
    nominate(person)
    nominate(person, body="tjanstepersonsforum", seat_slug="tjansteperson")
    assert count(session) == 2


def test_ending_and_renominating(nominate, session, make_person, ctx):
    person = make_person()
    n = nominate(person, start=D(2019, 1, 1))
    services.end_nomination(session, n, D(2022, 12, 31))
    # The same person again, from the day after: allowed, history kept.
    again = nominate(person, start=D(2023, 1, 1))
    assert n.end_date == D(2022, 12, 31) and again.end_date is None
    with pytest.raises(RosterError) as refused:
        services.end_nomination(session, n, D(2022, 6, 30))
    assert refused.value.field == "end_date"
    assert n.end_date == D(2022, 12, 31)  # never rewritten


def test_overlapping_dates_are_refused_both_ways(nominate, session):
    nominate(start=D(2023, 1, 1), end=D(2023, 12, 31))
    with pytest.raises(RosterError):
        nominate(start=D(2022, 6, 1), end=D(2023, 1, 1))  # ends on the holder's first day
    with pytest.raises(RosterError):
        nominate(start=D(2023, 12, 31))  # starts on the holder's last day
    nominate(start=D(2022, 1, 1), end=D(2022, 12, 31))  # the year before: vacant then
    nominate(start=D(2024, 1, 1))  # and after
    assert count(session) == 3


def test_replacing_a_member(nominate, session, make_person, ctx):
    old = nominate(start=D(2023, 1, 1))
    successor = make_person()
    new = services.replace_member(
        session, old, person=successor, start_date=D(2025, 4, 1), party="M"
    )
    session.commit()
    assert old.end_date == D(2025, 3, 31)
    assert new.start_date == D(2025, 4, 1) and new.end_date is None
    assert new.person_id == successor.id and new.slot == old.slot and new.party == "M"


def test_a_same_day_replacement_is_refused_and_nothing_changes(nominate, session, make_person,
                                                               ctx):
    old = nominate(start=D(2023, 1, 1))
    session.commit()
    with pytest.raises(RosterError) as refused:
        services.replace_member(session, old, person=make_person(), start_date=D(2023, 1, 1),
                                party="S")
    assert refused.value.field == "start_date"
    session.refresh(old)
    assert old.end_date is None and count(session) == 1


def test_a_refused_successor_leaves_the_old_nomination_running(nominate, session,
                                                              make_person, ctx):
    busy = make_person()
    nominate(busy, code="14")  # already a politician elsewhere in the same body
    old = nominate(code="12")
    session.commit()
    with pytest.raises(RosterError) as refused:
        services.replace_member(session, old, person=busy, start_date=D(2025, 1, 1), party="S")
    assert refused.value.field == "person_id"
    session.rollback()
    session.refresh(old)
    assert old.end_date is None and count(session) == 2


def test_the_database_refuses_a_racing_writer(nominate, session, monkeypatch):
    """Two writers look at a vacant seat at the same moment: the check passes for both,
    and the database's constraint stops the second, with an explanation."""
    nominate()
    session.commit()
    monkeypatch.setattr(services, "_overlapping", lambda *args, **kwargs: [])
    with pytest.raises(RosterError) as refused:
        nominate(start=D(2024, 1, 1))
    assert refused.value.field == "start_date"
    assert "Reload" in refused.value.message or "Ladda om" in refused.value.message
    assert count(session) == 1


def test_the_database_refuses_a_racing_person_overlap(nominate, session, make_person,
                                                     monkeypatch):
    person = make_person()
    nominate(person, code="12")
    session.commit()
    monkeypatch.setattr(services, "_overlapping", lambda *args, **kwargs: [])
    with pytest.raises(RosterError) as refused:
        nominate(person, code="14")
    assert refused.value.field == "person_id"
    assert count(session) == 1


def test_people_have_unique_email_addresses(session, make_person, ctx):
    from forum.roster.models import Person

    existing = make_person(email="anna@region.se")
    with pytest.raises(RosterError) as refused:
        services.save_person(session, Person(), given_name="Anna", family_name="Ny",
                             email=" Anna@Region.se ")
    assert refused.value.field == "email" and existing.name in refused.value.message
    saved = services.save_person(session, Person(), given_name="Ny", family_name="Person",
                                 email="")
    assert saved.email is None
