"""The register's services on both databases: who makes what, the approve/return state
machine, refusals that change nothing, the audit log, the areas, and the constraints the
database itself keeps."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from forum.audit.models import AuditEntry
from forum.cooperation import services
from forum.cooperation.models import (
    Cooperation,
    CooperationArea,
    CooperationKind,
    CooperationParty,
    CooperationStatus,
    CooperationVisibility,
    FunderRole,
    PartyKind,
)
from forum.cooperation.rules import CooperationError, PartyInput
from forum.mail_models import OutboxMessage


def entries(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count(Cooperation.id)))


def audit(session, action: str, entry) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(
        AuditEntry.action == action, AuditEntry.object_type == "Cooperation",
        AuditEntry.object_id == entry.id)))


def data(regions_by_code, **fields) -> services.EntryInput:
    values = {
        "title": "Kinasatsningen",
        "kind": CooperationKind.PARTNERSHIP,
        "start_date": date(2010, 5, 1),
        "region_ids": [regions_by_code["07"].id],
        "parties": [PartyInput(PartyKind.FOREIGN_CITY, "Suzhou", None, "CN")],
    }
    values.update(fields)
    return services.EntryInput(**values)


@pytest.fixture
def request_ctx(app):
    with app.test_request_context():
        yield


def test_the_secretariat_makes_an_approved_entry_with_everything(
    session, request_ctx, coop_staff, regions_by_code, current_themes, coop_areas
):
    entry = services.create(session, data(
        regions_by_code,
        region_ids=[regions_by_code["07"].id],
        parties=[PartyInput(PartyKind.FOREIGN_CITY, "Suzhou", None, "CN", 0),
                 PartyInput(None, "", None, None, 1),  # an empty row
                 PartyInput(PartyKind.SWEDISH_REGION, "", regions_by_code["08"].id, None, 2)],
        theme_ids=[current_themes[2].id],
        area_ids=[coop_areas["investeringsframjande"].id],
        agreement_date=date(2010, 5, 20),
        funders="Region Kronoberg",
        co_financers="Länsstyrelsen Kronoberg\nVäxjö kommun",
        website="https://www.regionkronoberg.se",
    ), by=coop_staff)
    session.commit()
    session.expire_all()
    entry = session.get(Cooperation, entry.id)
    assert entry.status is CooperationStatus.APPROVED
    assert entry.proposing_region_id is None and entry.decided_by_id == coop_staff.id
    assert [(p.kind, p.label, p.country) for p in entry.parties] == [
        (PartyKind.FOREIGN_CITY, "Suzhou", "CN"),
        (PartyKind.SWEDISH_REGION, "Region Kalmar län", None),
    ]
    assert [f.name for f in entry.funders_in(FunderRole.CO_FINANCER)] == [
        "Länsstyrelsen Kronoberg", "Växjö kommun"]
    assert [f.name for f in entry.funders_in(FunderRole.FUNDER)] == ["Region Kronoberg"]
    [created] = audit(session, "cooperation_created", entry)
    assert created.actor_account_id == coop_staff.id
    assert created.after["parties"] == ["foreign_city: Suzhou (CN)",
                                        "swedish_region: Region Kalmar län"]
    assert created.after["regions"] == ["07"]


def test_a_contact_proposes_for_their_own_region(session, request_ctx, coop_contact,
                                                 regions_by_code):
    entry = services.create(session, data(regions_by_code, region_ids=[
        regions_by_code["12"].id, regions_by_code["10"].id]), by=coop_contact)
    session.commit()
    assert entry.status is CooperationStatus.PROPOSED
    assert entry.proposing_region_id == regions_by_code["12"].id
    assert entry.proposed_by_id == coop_contact.id and entry.proposed_at is not None
    assert audit(session, "cooperation_proposed", entry)


def test_a_contact_may_not_propose_for_other_regions_only(session, request_ctx, coop_contact,
                                                          regions_by_code):
    before = entries(session)
    with pytest.raises(CooperationError) as caught:
        services.create(session, data(regions_by_code), by=coop_contact)  # Kronoberg only
    assert caught.value.field == "region_ids"
    assert "Region Skåne" in caught.value.message
    session.rollback()
    assert entries(session) == before


@pytest.mark.parametrize(("change", "field"), [
    ({"title": "  "}, "title"),
    ({"region_ids": []}, "region_ids"),
    ({"end_date": date(2009, 1, 1)}, "end_date"),
    ({"parties": [PartyInput(PartyKind.FOREIGN_REGION, "Jiangsu", None, None, 1)]},
     "parties-1-country"),
    ({"theme_ids": [999999]}, "theme_ids"),
    ({"area_ids": [999999]}, "area_ids"),
    ({"website": "regionkronoberg.se"}, "website"),
])
def test_refusals_name_their_field_and_save_nothing(session, request_ctx, coop_staff,
                                                    regions_by_code, change, field):
    before = entries(session)
    with pytest.raises(CooperationError) as caught:
        services.create(session, data(regions_by_code, **change), by=coop_staff)
    assert caught.value.field == field
    session.rollback()
    assert entries(session) == before


def test_a_swedish_region_is_either_involved_or_a_party_not_both(
    session, request_ctx, coop_staff, regions_by_code
):
    with pytest.raises(CooperationError) as caught:
        services.create(session, data(regions_by_code, parties=[
            PartyInput(PartyKind.SWEDISH_REGION, "", regions_by_code["07"].id, None, 3)]),
            by=coop_staff)
    assert caught.value.field == "parties-3-region_id"
    assert "Region Kronoberg finns redan bland de regioner som deltar" in caught.value.message


def test_approve_and_return_follow_the_state_machine(session, request_ctx, coop_staff,
                                                     coop_contact, regions_by_code):
    proposal = services.create(session, data(regions_by_code, region_ids=[
        regions_by_code["12"].id]), by=coop_contact)
    with pytest.raises(CooperationError) as caught:
        services.return_entry(session, proposal, by=coop_staff, reason="  ")
    assert caught.value.field == "reason"
    services.return_entry(session, proposal, by=coop_staff, reason="Lägg till datum.")
    assert proposal.status is CooperationStatus.RETURNED
    assert proposal.return_reason == "Lägg till datum."
    # A returned proposal is not decided again until its region sends it again.
    for decide in (lambda: services.approve(session, proposal, by=coop_staff),
                   lambda: services.return_entry(session, proposal, by=coop_staff, reason="x")):
        with pytest.raises(CooperationError):
            decide()
    services.update(session, proposal, data(regions_by_code, region_ids=[
        regions_by_code["12"].id], end_date=date(2011, 1, 1)), by=coop_contact)
    assert proposal.status is CooperationStatus.PROPOSED
    assert audit(session, "cooperation_resubmitted", proposal)
    services.approve(session, proposal, by=coop_staff)
    assert proposal.status is CooperationStatus.APPROVED
    assert proposal.decided_by_id == coop_staff.id and proposal.return_reason == ""
    with pytest.raises(CooperationError):
        services.approve(session, proposal, by=coop_staff)
    # Approved: the region no longer changes it; the secretariat still does.
    with pytest.raises(CooperationError):
        services.update(session, proposal, data(regions_by_code, region_ids=[
            regions_by_code["12"].id]), by=coop_contact)
    services.update(session, proposal, data(regions_by_code, title="Nytt namn", region_ids=[
        regions_by_code["12"].id]), by=coop_staff)
    assert proposal.status is CooperationStatus.APPROVED and proposal.title == "Nytt namn"
    session.flush()
    assert [a.action for a in session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "Cooperation",
                                 AuditEntry.object_id == proposal.id).order_by(AuditEntry.id))
            ] == ["cooperation_proposed", "cooperation_returned", "cooperation_resubmitted",
                  "cooperation_approved", "cooperation_changed"]
    # The proposer was told twice, once for each decision.
    assert sorted(m.kind for m in session.scalars(select(OutboxMessage).where(
        OutboxMessage.to_address == coop_contact.email))) == [
        "cooperation_approved", "cooperation_returned"]


def test_a_change_keeps_the_contacts_region_involved(session, request_ctx, coop_contact,
                                                    regions_by_code):
    proposal = services.create(session, data(regions_by_code, region_ids=[
        regions_by_code["12"].id]), by=coop_contact)
    with pytest.raises(CooperationError) as caught:
        services.update(session, proposal, data(regions_by_code), by=coop_contact)
    assert caught.value.field == "region_ids"


def test_a_refused_change_leaves_the_entry_as_it_was(session, request_ctx, coop_staff,
                                                    make_cooperation, regions_by_code):
    entry = make_cooperation("Oförändrad", parties=[(PartyKind.FOREIGN_CITY, "Suzhou", "CN")])
    with pytest.raises(CooperationError):
        services.update(session, session.get(Cooperation, entry.id), data(
            regions_by_code, title="Ändrad", end_date=date(1999, 1, 1)), by=coop_staff)
    session.rollback()
    session.expire_all()
    kept = session.get(Cooperation, entry.id)
    assert kept.title == "Oförändrad" and [p.name for p in kept.parties] == ["Suzhou"]


def test_areas_are_added_and_renamed_never_twice(session, request_ctx, coop_staff, coop_areas):
    assert set(coop_areas) >= {"klimat-och-energi", "halsa-och-valfardsteknik",
                               "entreprenorskap-och-tillvaxtforetag",
                               "turism-och-upplevelseekonomi", "kompetensutveckling",
                               "investeringsframjande"}
    area = services.add_area(session, name_sv="Kultur och kreativa näringar",
                             name_en="Culture and creative industries", by=coop_staff)
    assert area.slug == "kultur-och-kreativa-naringar"
    assert area.position == max(a.position for a in coop_areas.values()) + 1
    with pytest.raises(CooperationError) as caught:
        services.add_area(session, name_sv="klimat och energi", name_en="Climate", by=coop_staff)
    assert caught.value.field == "name_sv"
    services.change_area(session, area, name_sv="Kulturella och kreativa näringar",
                         name_en="Cultural and creative industries", by=coop_staff)
    assert session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.object_type == "CooperationArea", AuditEntry.object_id == area.id)) == 2


def test_the_database_refuses_a_foreign_party_without_country(session, make_cooperation):
    entry = make_cooperation()
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(insert(CooperationParty).values(
            cooperation_id=entry.id, position=9, kind="foreign_city", name="Suzhou",
            country=None))
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(insert(CooperationParty).values(
            cooperation_id=entry.id, position=9, kind="swedish_region", name=""))


def test_the_database_refuses_an_end_before_the_start(session, make_cooperation):
    entry = make_cooperation()
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(
            Cooperation.__table__.update().where(Cooperation.id == entry.id)
            .values(end_date=date(2000, 1, 1)))


def test_internal_visibility_is_kept(session, make_cooperation):
    entry = make_cooperation(visibility=CooperationVisibility.INTERNAL)
    assert session.get(Cooperation, entry.id).visibility is CooperationVisibility.INTERNAL
    assert session.scalar(select(func.count(CooperationArea.id))) >= 6
