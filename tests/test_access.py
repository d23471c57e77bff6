"""The access matrix: every route of the URL map, as anonymous, with the secretariat's pages
closed and open. Routes are found in the app's URL map, so a new route is tested (and must
declare its rule) without anyone adding it to a list."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from forum import create_app
from forum.access import PUBLIC, RULES, SECRETARIAT, access, rule_of
from forum.roster.models import Nomination, Organisation, Person


def _collection_app():
    # Building the app opens no connection: the URL map is all we read here.
    return create_app(
        {
            "TESTING": True,
            "FORUM_ENV": "development",
            "SECRET_KEY": "collection-only",
            "DATABASE_URL": "sqlite://",
        }
    )


def _routes():
    app = _collection_app()
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        for method in sorted(rule.methods & {"GET", "POST"}):
            found.append(
                pytest.param(rule.endpoint, rule.rule, method, rule_of(view),
                             id=f"{method} {rule.rule}")
            )
    return found


ROUTES = _routes()
GET_ROUTES = [p for p in ROUTES if p.values[2] == "GET"]
POST_ROUTES = [p for p in ROUTES if p.values[2] == "POST"]


def undeclared(app) -> list[str]:
    return sorted(
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and rule_of(app.view_functions[rule.endpoint]) is None
    )


@pytest.fixture
def objects(make_person, make_organisation, make_nomination):
    """Real rows for the URL arguments, with contact details that must not leak."""
    organisation = make_organisation("Matrismyndigheten")
    person = make_person(
        "Matris", "Personsson", email="matris@example.se", phone="070-000 00 00",
        organisation=organisation,
    )
    nomination = make_nomination(person, region_code="12", start=date(2023, 1, 1))
    return {
        "code": "12",
        "person_id": person.id,
        "organisation_id": organisation.id,
        "nomination_id": nomination.id,
    }


def url_for_rule(app, endpoint: str, objects: dict) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    missing = rule.arguments - objects.keys()
    assert not missing, (
        f"the access matrix needs a value for {missing} (route {rule.rule}): add a real "
        "object for it to the `objects` fixture in tests/test_access.py"
    )
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **{name: objects[name] for name in rule.arguments})


# --- every route declares who may open it ---------------------------------------------------


def test_the_matrix_found_the_routes():
    endpoints = {p.values[0] for p in ROUTES}
    # The roster's main pages are there: the walk over the URL map works.
    assert {"public.index", "roster.regions", "roster.region", "roster.person",
            "roster.nominate", "roster.export", "public.language"} <= endpoints


def test_every_endpoint_declares_an_access_rule(app):
    assert undeclared(app) == []
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static":
            assert rule_of(app.view_functions[rule.endpoint]) in RULES, rule.endpoint


def test_a_route_without_a_decision_is_caught_and_refused(database):
    app = create_app(
        {
            "TESTING": True,
            "FORUM_ENV": "development",
            "SECRET_KEY": "x",
            "DATABASE_URL": database,
            "OPEN_SECRETARIAT": True,
        }
    )
    app.add_url_rule("/forgotten", "forgotten", lambda: "secret data")
    assert undeclared(app) == ["forgotten"]
    # And should it slip through, the app fails closed.
    response = app.test_client().get("/forgotten")
    assert response.status_code == 403
    assert b"secret data" not in response.data


def test_an_unknown_rule_is_a_programming_error():
    with pytest.raises(ValueError):
        access("members-only-typo")


# --- anonymous, secretariat closed ----------------------------------------------------------


@pytest.fixture
def app_config(request):
    return getattr(request, "param", {"OPEN_SECRETARIAT": False})


@pytest.mark.parametrize(("endpoint", "rule", "method", "declared"), GET_ROUTES)
def test_get_as_anonymous(app, client, objects, endpoint, rule, method, declared):
    url = url_for_rule(app, endpoint, objects)
    response = client.get(url)
    if declared == PUBLIC:
        assert response.status_code == 200, url
    else:
        assert declared == SECRETARIAT
        assert response.status_code == 403, url
        assert b"matris@example.se" not in response.data
        assert 'lang="sv"' in response.text  # a real page, not a bare status


@pytest.mark.parametrize(("endpoint", "rule", "method", "declared"), POST_ROUTES)
def test_post_as_anonymous(app, client, session, objects, endpoint, rule, method, declared):
    url = url_for_rule(app, endpoint, objects)
    # A complete, valid-looking submission: only the access rule may stop it.
    data = {
        "given_name": "Obehörig", "family_name": "Användare", "name": "Obehörig myndighet",
        "kind": "agency", "end_date": "2030-01-01", "start_date": "2030-01-02",
        "person_id": str(objects["person_id"]), "party": "S", "lang": "en", "next": "/",
    }
    people = session.scalar(select(func.count()).select_from(Person))
    organisations = session.scalar(select(func.count()).select_from(Organisation))
    nominations = session.scalar(select(func.count()).select_from(Nomination))
    response = client.post(url, data=data)
    if declared == PUBLIC:
        assert response.status_code in (200, 302, 303), url
    else:
        assert response.status_code == 403, url
    assert session.scalar(select(func.count()).select_from(Person)) == people
    assert session.scalar(select(func.count()).select_from(Organisation)) == organisations
    assert session.scalar(select(func.count()).select_from(Nomination)) == nominations
    session.expire_all()
    assert session.get(Nomination, objects["nomination_id"]).end_date is None


# --- secretariat open (development) ---------------------------------------------------------


@pytest.mark.parametrize("app_config", [{"OPEN_SECRETARIAT": True}], indirect=True, ids=["open"])
@pytest.mark.parametrize(("endpoint", "rule", "method", "declared"), GET_ROUTES)
def test_get_with_the_secretariat_open(app, client, objects, endpoint, rule, method, declared):
    url = url_for_rule(app, endpoint, objects)
    response = client.get(url)
    assert response.status_code == 200, url


@pytest.mark.parametrize("app_config", [{"OPEN_SECRETARIAT": True}], indirect=True, ids=["open"])
@pytest.mark.parametrize(("endpoint", "rule", "method", "declared"), POST_ROUTES)
def test_empty_post_with_the_secretariat_open(
    app, client, session, objects, endpoint, rule, method, declared
):
    """An empty submission passes the access check and is answered, never a crash."""
    url = url_for_rule(app, endpoint, objects)
    nominations = session.scalar(select(func.count()).select_from(Nomination))
    response = client.post(url, data={})
    assert response.status_code in (200, 302, 303), url
    assert session.scalar(select(func.count()).select_from(Nomination)) == nominations


@pytest.mark.parametrize("app_config", [{"OPEN_SECRETARIAT": False}], indirect=True, ids=["closed"])
def test_secretariat_links_are_hidden_from_anonymous(client, objects):
    page = client.get("/").text
    assert "/people" not in page
    assert "/roster/export" not in page
    region = client.get("/regions/12").text
    assert f"/nominations/{objects['nomination_id']}/end" not in region
    assert f"/nominations/{objects['nomination_id']}/replace" not in region
    assert "/regions/12/nominate" not in region


@pytest.mark.parametrize("app_config", [{"OPEN_SECRETARIAT": True}], indirect=True, ids=["open"])
def test_secretariat_links_show_when_open(client, objects):
    page = client.get("/").text
    assert 'href="/people"' in page
    assert 'href="/roster/export"' in page
    region = client.get("/regions/12").text
    assert f"/nominations/{objects['nomination_id']}/end" in region
    assert f"/nominations/{objects['nomination_id']}/replace" in region
