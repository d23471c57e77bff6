"""Working groups and networks: bodies like the forum's, whose members come from regions,
agencies and other organisations, with meetings, material and reports to the forum."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from forum.bodies import services
from forum.bodies.services import BodyError
from forum.material.models import DocumentKind, Visibility
from forum.meetings.models import Meeting, MeetingStatus
from forum.roster import rules
from forum.roster import services as roster
from forum.roster.models import Body, BodyKind, Nomination
from forum.roster.services import RosterError
from forum.timeutil import STOCKHOLM
from page_helpers import page_text

START = date(2024, 1, 1)


@pytest.fixture
def make_group(app, session, themes):
    def make(name: str = "Arbetsgruppen för kompetensförsörjning", *,
             kind: BodyKind = BodyKind.WORKING_GROUP, **fields) -> Body:
        with app.test_request_context():
            body = services.create_group(session, kind=kind, name_sv=name,
                                         themes=fields.pop("themes", themes[:1]), **fields)
        session.commit()
        return body

    return make


@pytest.fixture
def join(app, session, make_person, region):
    """join(group, person=None, region_code=None|"12", seat="ledamot"): a membership."""

    def add(group: Body, person=None, *, region_code: str | None = None,
            seat: str = "ledamot", start: date = START, end: date | None = None) -> Nomination:
        chosen = next(s for s in group.seats if s.slug == seat)
        with app.test_request_context():
            nomination = roster.nominate(
                session, person=person or make_person(), seat=chosen,
                region=region(region_code) if region_code else None,
                start_date=start, end_date=end)
        session.commit()
        return nomination

    return add


def group_meeting(session, group: Body, days: int = 20, **fields) -> Meeting:
    start = datetime(2030, 3, 5, 10, tzinfo=STOCKHOLM) + timedelta(days=days)
    meeting = Meeting(body_id=group.id, title=fields.pop("title", f"{group.name_sv}: möte"),
                      start_at=start, end_at=start + timedelta(hours=2), **fields)
    session.add(meeting)
    session.commit()
    return meeting


# --- the rules ----------------------------------------------------------------------------


def test_a_forum_seat_needs_a_region_a_groups_seat_does_not():
    rules.check_region(per_region=False, has_region=False)
    rules.check_region(per_region=False, has_region=True)
    rules.check_region(per_region=True, has_region=True)
    with pytest.raises(rules.RuleViolation) as refused:
        rules.check_region(per_region=True, has_region=False)
    assert refused.value.field == "region_id"


def test_a_new_group_gets_a_chair_and_members_seats_filled_from_anywhere(make_group, themes):
    group = make_group()
    assert group.kind is BodyKind.WORKING_GROUP
    assert group.slug == "arbetsgruppen-for-kompetensforsorjning"
    assert [s.slug for s in group.seats] == ["ordforande", "ledamot"]
    assert all(not s.per_region and not s.is_political for s in group.seats)
    assert group.themes == themes[:1]
    assert group.name_en == group.name_sv  # no English name given


def test_slugs_are_unique_and_cut_at_whole_words(make_group):
    first = make_group("Nätverket för internationellt samarbete och EU-frågor i hela landet")
    second = make_group("Nätverket för internationellt samarbete och EU-frågor i hela landet")
    assert first.slug == "natverket-for-internationellt-samarbete-och-eu"
    assert second.slug == first.slug + "-2"


def test_the_forum_kind_is_not_for_groups(app, session, make_group, bodies):
    with app.test_request_context(), pytest.raises(BodyError) as refused:
        services.create_group(session, kind=BodyKind.FORUM, name_sv="Ett tredje forum")
    assert refused.value.field == "kind"
    with app.test_request_context(), pytest.raises(BodyError):
        services.update_body(session, bodies["politikerforum"], kind=BodyKind.NETWORK)
    group = make_group(established_on=date(2024, 5, 1))
    with app.test_request_context(), pytest.raises(BodyError) as refused:
        services.update_body(session, group, closed_on=date(2024, 4, 30))
    assert refused.value.field == "closed_on"


def test_a_member_from_an_agency_needs_no_region(make_group, join, make_person,
                                                 make_organisation):
    agency = make_organisation("Trafikverket")
    person = make_person(organisation=agency)
    membership = join(make_group(), person)
    assert membership.region_id is None
    # Without a nominating organisation, the member's employer is recorded.
    assert membership.nominated_by_id == agency.id


def test_a_forum_seat_without_a_region_is_refused(app, session, seat, make_person):
    with app.test_request_context(), pytest.raises(RosterError) as refused:
        roster.nominate(session, person=make_person(), seat=seat(), region=None,
                        start_date=START)
    assert refused.value.field == "region_id"
    assert session.scalar(select(Nomination.id)) is None


def test_a_person_is_a_member_once_at_a_time(app, make_group, join, make_person):
    group = make_group()
    person = make_person()
    join(group, person, region_code="12")
    with pytest.raises(RosterError) as refused:
        join(group, person, region_code="14", start=date(2024, 6, 1))
    assert refused.value.field == "person_id"


def test_a_groups_places_are_shared_by_all_regions(app, session, make_group, join):
    group = make_group()
    chair = next(s for s in group.seats if s.slug == "ordforande")
    first = join(group, region_code="12", seat="ordforande")
    second = join(group, region_code="14", seat="ordforande")  # two chairs share the task
    assert {first.slot, second.slot} == {1, 2}
    with pytest.raises(RosterError) as refused:
        join(group, region_code="01", seat="ordforande")
    assert "2" in refused.value.message and "Ordförande" in refused.value.message
    assert chair.holders_per_region == 2


# --- pages ------------------------------------------------------------------------------


def test_the_bodies_page_lists_the_forum_groups_and_networks(client, make_group, join):
    group = make_group()
    network = make_group("Nätverket för EU-frågor", kind=BodyKind.NETWORK)
    join(group)
    join(group)
    text = page_text(client.get("/bodies"))
    assert "Politikerforum" in text or "politikerforum" in text.lower()
    assert group.name_sv in text and network.name_sv in text
    assert "2 ledamöter" in text


def test_a_groups_page_shows_members_with_their_region_and_organisation(
        client, make_group, join, make_person, make_organisation):
    group = make_group(email="grupp@example.se")
    from_region = join(group, make_person("Karin", "Regionsson"), region_code="12",
                       seat="ordforande")
    from_agency = join(group, make_person("Per", "Verksson",
                                          organisation=make_organisation("Boverket")))
    ended = join(group, make_person("Olle", "Förre"), end=date(2024, 3, 1))
    text = page_text(client.get(f"/bodies/{group.slug}"))
    assert "Karin Regionsson" in text and "Region Skåne" in text and "Ordförande" in text
    assert "Per Verksson" in text and "Boverket" in text
    assert "grupp@example.se" in text
    # A former member is in the history, not among the members.
    members = text.split("tidigare ledamot")[0]
    assert "Olle Förre" not in members
    assert "1 tidigare ledamot" in text
    assert from_region.region_id and from_agency.region_id is None and ended.end_date


def test_an_unknown_body_is_404(client):
    assert client.get("/bodies/finns-inte").status_code == 404


def test_the_secretariat_sets_up_a_group_through_the_form(staff_client, session, themes):
    response = staff_client.post("/bodies/new", data={
        "kind": "network", "name_sv": "Nätverket för besöksnäring", "name_en": "",
        "theme_ids": [str(themes[1].id)], "established_on": "2026-01-15",
    })
    assert response.status_code == 303
    group = session.scalar(select(Body).where(Body.name_sv == "Nätverket för besöksnäring"))
    assert response.headers["Location"].endswith(f"/bodies/{group.slug}")
    assert group.kind is BodyKind.NETWORK and group.themes == [themes[1]]
    assert group.established_on == date(2026, 1, 15)


def test_a_bad_group_form_is_answered_beside_the_fields_and_saves_nothing(staff_client,
                                                                          session):
    before = session.scalar(select(Body.id).order_by(Body.id.desc()))
    response = staff_client.post("/bodies/new", data={"kind": "forum", "name_sv": "",
                                                      "email": "inte-en-adress"})
    assert response.status_code == 200
    text = page_text(response)
    assert "Välj arbetsgrupp eller nätverk" in text
    assert "Skriv en e-postadress" in text
    assert 'aria-invalid="true"' in response.text
    assert session.scalar(select(Body.id).order_by(Body.id.desc())) == before


def test_closing_a_group_keeps_its_page(staff_client, session, make_group, join):
    group = make_group(established_on=date(2020, 1, 1))
    join(group)
    response = staff_client.post(f"/bodies/{group.slug}/edit", data={
        "kind": "working_group", "name_sv": group.name_sv, "closed_on": "2025-06-30",
        "established_on": "2020-01-01",
    })
    assert response.status_code == 303
    session.refresh(group)
    assert group.closed_on == date(2025, 6, 30)
    assert "avslutad 30 juni 2025" in page_text(staff_client.get(f"/bodies/{group.slug}"))


def test_adding_a_member_through_the_form(staff_client, session, make_group, make_person):
    group = make_group()
    person = make_person("Lena", "Lindqvist")
    member_seat = next(s for s in group.seats if s.slug == "ledamot")
    response = staff_client.post(f"/bodies/{group.slug}/members/new", data={
        "person_id": str(person.id), "seat_id": str(member_seat.id), "region_id": "",
        "start_date": "2026-02-01",
    })
    assert response.status_code == 303
    membership = session.scalar(select(Nomination).where(Nomination.body_id == group.id))
    assert membership.person_id == person.id and membership.region_id is None
    # Twice is refused beside the person field.
    again = staff_client.post(f"/bodies/{group.slug}/members/new", data={
        "person_id": str(person.id), "seat_id": str(member_seat.id),
        "start_date": "2026-03-01",
    })
    assert again.status_code == 200 and 'aria-invalid="true"' in again.text
    assert "Lena Lindqvist är redan ledamot i" in page_text(again)


def test_ending_a_groups_membership_goes_back_to_the_group(staff_client, make_group, join):
    group = make_group()
    membership = join(group)
    response = staff_client.post(f"/nominations/{membership.id}/end",
                                 data={"end_date": "2026-01-31"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/bodies/{group.slug}")


# --- meetings and material: the same as the forum's ----------------------------------------


def test_a_member_reads_the_groups_material_others_do_not(
        app, session, client, login, make_account, make_group, join, add_document):
    group = make_group()
    account = make_account("plain")
    join(group, account.person, start=date(2020, 1, 1))
    meeting = group_meeting(session, group)
    document = add_document(meeting, title="Gruppens arbetsmaterial",
                            visibility=Visibility.PARTICIPANTS)
    assert document.body_id == group.id
    member = login(app.test_client(), account)
    assert member.get(f"/material/{document.id}").status_code == 200
    assert "Gruppens arbetsmaterial" in page_text(member.get(f"/meetings/{meeting.id}"))
    outsider = login(app.test_client(), make_account("plain"))
    assert outsider.get(f"/material/{document.id}").status_code == 404
    # The group's meeting is in the member's own list.
    assert meeting.title in page_text(member.get("/my/meetings"))


def test_a_groups_report_is_listed_on_its_page(session, client, make_group, add_document,
                                               bodies):
    group = make_group()
    forum_meeting = Meeting(body_id=bodies["politikerforum"].id, title="Forumets möte",
                            start_at=datetime(2030, 4, 2, 10, tzinfo=STOCKHOLM),
                            end_at=datetime(2030, 4, 2, 15, tzinfo=STOCKHOLM),
                            status=MeetingStatus.CONFIRMED)
    session.add(forum_meeting)
    session.commit()
    report = add_document(forum_meeting, title="Lägesrapport från arbetsgruppen",
                          kind=DocumentKind.REPORT)
    secret = add_document(forum_meeting, title="Hemligt utkast till rapporten",
                          kind=DocumentKind.REPORT, visibility=Visibility.SECRETARIAT)
    for document in (report, secret):
        document.reported_by_id = group.id
    session.commit()
    text = page_text(client.get(f"/bodies/{group.slug}"))
    assert "Lägesrapport från arbetsgruppen" in text and "Forumets möte" in text
    assert "Hemligt utkast" not in text
    assert "Rapporterat av" in page_text(client.get(f"/material/{report.id}"))


def test_the_document_form_names_the_reporting_group(staff_client, session, make_group,
                                                     bodies):
    from forum.material.models import Document

    group = make_group()
    response = staff_client.post("/material/new", data={
        "title": "Rapport om matchning", "kind": "report", "language": "sv",
        "visibility": "public", "reported_by_id": str(group.id),
        "link_url": "https://example.se/rapport",
    })
    assert response.status_code in (302, 303)
    document = session.scalar(select(Document).where(Document.title == "Rapport om matchning"))
    assert document.reported_by_id == group.id
    refused = staff_client.post("/material/new", data={
        "title": "Felaktig rapport", "kind": "report", "language": "sv",
        "visibility": "public", "reported_by_id": str(bodies["politikerforum"].id),
        "link_url": "https://example.se/rapport2",
    })
    assert refused.status_code == 400 and 'aria-invalid="true"' in refused.text
    # The forum's own bodies are not among the choices.
    assert "Välj ett av alternativen" in page_text(refused)
    assert session.scalar(select(Document).where(Document.title == "Felaktig rapport")) is None


def test_only_a_group_reports_to_the_forum(app, session, bodies):
    from forum.material import services as material
    from forum.material.services import MaterialError

    with app.test_request_context(), pytest.raises(MaterialError) as refused:
        material.create(session, by=None, title="Rapport", kind=DocumentKind.REPORT,
                        visibility=Visibility.PUBLIC, link_url="https://example.se/r",
                        reported_by_id=bodies["politikerforum"].id)
    assert refused.value.field == "reported_by_id"


def test_the_body_page_costs_the_same_queries_however_many_members(
        client, session, make_group, join, count_queries):
    group = make_group()
    join(group)
    group_meeting(session, group)
    client.get(f"/bodies/{group.slug}")
    with count_queries() as few:
        client.get(f"/bodies/{group.slug}")
    for n in range(6):
        join(group, region_code=None)
        group_meeting(session, group, days=30 + n)
    with count_queries() as many:
        assert client.get(f"/bodies/{group.slug}").status_code == 200
    assert many.count == few.count
    with count_queries() as listing:
        client.get("/bodies")
    assert listing.count <= 5
