"""Fixtures for the cooperation register's tests (registered in tests/conftest.py): the
accounts that write (the secretariat, Region Skåne's contact, another region's contact),
entries made through the services, and the form data a browser sends."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from sqlalchemy import select

from forum.cooperation import services
from forum.cooperation.models import (
    Cooperation,
    CooperationArea,
    CooperationKind,
    CooperationStatus,
    CooperationVisibility,
    PartyKind,
)
from forum.cooperation.rules import PartyInput
from forum.roster.models import Region
from forum.strategy.models import StrategyPeriod, Theme


@pytest.fixture
def coop_staff(make_account, make_person):
    return make_account("secretariat", person=make_person("Kajsa", "Kansli", email=None))


@pytest.fixture
def coop_contact(make_account, make_person):
    """Region Skåne's contact, who reads English."""
    return make_account("region_contact", region_code="12", language="en",
                        person=make_person("Karin", "Kontaktsson", email=None),
                        email="karin.kontaktsson@skane.example")


@pytest.fixture
def coop_other_contact(make_account, make_person):
    """Region Stockholm's contact."""
    return make_account("region_contact", region_code="01",
                        person=make_person("Olle", "Annansson", email=None))


@pytest.fixture
def regions_by_code(session) -> dict[str, Region]:
    return {r.code: r for r in session.scalars(select(Region))}


@pytest.fixture
def current_themes(session) -> list[Theme]:
    period = session.scalar(select(StrategyPeriod).where(StrategyPeriod.slug == "2021-2030"))
    return list(period.themes)


@pytest.fixture
def old_themes(session) -> list[Theme]:
    period = session.scalar(select(StrategyPeriod).where(StrategyPeriod.slug == "2015-2020"))
    return list(period.themes)


@pytest.fixture
def coop_areas(session) -> dict[str, CooperationArea]:
    return {a.slug: a for a in session.scalars(select(CooperationArea))}


@pytest.fixture
def make_cooperation(app, session, coop_staff, regions_by_code):
    """make_cooperation(title, regions=["12"], parties=[(kind, name, country)], ...,
    by=account, status=...) -> an entry made by the services and committed.

    A party of the kind Swedish region names the region by its county code. `status`
    forces a proposal's state afterwards (as the secretariat's decision would)."""
    count = 0

    def make(title: str | None = None, *, regions=("12",), parties=(), themes=(), areas=(),
             kind=CooperationKind.PARTNERSHIP, start=date(2024, 1, 1), end=None,
             agreement=None, funders="", co_financers="", visibility=CooperationVisibility.PUBLIC,
             by=None, status: CooperationStatus | None = None, description="",
             contact=("", "", ""), website="") -> Cooperation:
        nonlocal count
        count += 1
        data = services.EntryInput(
            title=title or f"Provsamarbete {count}",
            kind=kind,
            start_date=start,
            end_date=end,
            agreement_date=agreement,
            region_ids=[regions_by_code[c].id for c in regions],
            parties=[
                PartyInput(k, "" if k is PartyKind.SWEDISH_REGION else name,
                           regions_by_code[name].id if k is PartyKind.SWEDISH_REGION else None,
                           country, row)
                for row, (k, name, country) in enumerate(parties)
            ],
            theme_ids=[t.id for t in themes],
            area_ids=[a.id for a in areas],
            funders=funders,
            co_financers=co_financers,
            visibility=visibility,
            description=description,
            contact_name=contact[0], contact_email=contact[1], contact_phone=contact[2],
            website=website,
        )
        with app.test_request_context():
            entry = services.create(session, data, by=by or coop_staff)
        if status is not None:
            entry.status = status
        session.commit()
        return entry

    return make


def entry_form(**fields) -> dict:
    """What the entry form sends: a Region Skåne partnership with Suzhou, China."""
    data = {
        "title": "Skåne–Suzhou: hållbart byggande",
        "kind": "partnership",
        "description": "Ett samarbete om trähus och energi.",
        "region_ids": [],
        "parties-0-kind": "foreign_city",
        "parties-0-party_name": "Suzhou",
        "parties-0-region_id": "",
        "parties-0-country": "CN",
        "parties-1-kind": "",
        "parties-1-party_name": "",
        "parties-1-region_id": "",
        "parties-1-country": "",
        "start_date": "2026-01-01",
        "end_date": "",
        "agreement_date": "",
        "funders": "",
        "co_financers": "",
        "contact_name": "",
        "contact_email": "",
        "contact_phone": "",
        "website": "",
        "visibility": "public",
    }
    data.update(fields)
    return data


def error_beside(response, field_id: str) -> str | None:
    """The message the forms macro shows beside a field, or None."""
    found = re.search(rf'<p class="error-message" id="{re.escape(field_id)}-error">(.*?)</p>',
                      response.get_data(as_text=True), re.DOTALL)
    if not found:
        return None
    words = re.sub(r'<span class="visually-hidden">.*?</span>|<[^>]+>', " ", found.group(1))
    return " ".join(html.unescape(words).split())


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def english(client):
    assert client.post("/language", data={"lang": "en", "next": "/"}).status_code == 302
    return client


def access_matrix_entries(app, session, proposer) -> dict[str, int]:
    """For the access matrix (tests/test_access.py): an approved public entry for the pages
    everyone reads, and Region 12's proposal waiting for the pages that change or decide
    it, by endpoint."""
    regions = {r.code: r for r in session.scalars(select(Region))}

    def made(title: str) -> Cooperation:
        data = services.EntryInput(
            title=title, kind=CooperationKind.PARTNERSHIP, start_date=date(2024, 1, 1),
            region_ids=[regions["12"].id],
            parties=[PartyInput(PartyKind.FOREIGN_CITY, "Matrisstaden", None, "PL")])
        with app.test_request_context():
            return services.create(session, data, by=proposer)

    public = made("Matrissamarbete")
    public.status = CooperationStatus.APPROVED
    waiting = made("Matrisförslag")
    session.flush()
    return {
        "cooperation.entry": public.id,
        "cooperation.edit": waiting.id,
        "cooperation.approve": waiting.id,
        "cooperation.return_entry": waiting.id,
    }
