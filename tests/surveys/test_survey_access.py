"""Who may open a survey's pages, beyond the rule each view declares (tests/test_access.py
walks every route): a draft exists for the secretariat only, a survey to the regions is
answered by the regions' contacts, an evaluation by the meeting's participants, and the
evaluation's results on the meeting page are the secretariat's."""

from __future__ import annotations

from datetime import date

import pytest

from forum.surveys import services
from material_fixtures import text_of
from surveys_fixtures import full_answer

ROLES = ("anonymous", "plain", "member", "contact_here", "contact_elsewhere", "secretariat")


@pytest.fixture
def visit(app, make_account, make_nomination, login):
    def make(role: str):
        client = app.test_client()
        if role == "anonymous":
            return client
        if role == "member":
            account = make_account("member")
            # Region 01's opposition seat (held_meeting fills its majority seat).
            make_nomination(account.person, region_code="01", seat_slug="opposition",
                            start=date(2023, 1, 1))
        elif role == "contact_here":
            account = make_account("region_contact", region_code="12")
        elif role == "contact_elsewhere":
            account = make_account("region_contact", region_code="01")
        else:
            account = make_account(role)
        return login(client, account)

    return make


def expect(response, outcome: str, url: str) -> None:
    if outcome == "login":
        assert response.status_code == 302 and response.location.startswith("/login"), url
    else:
        assert response.status_code == {"ok": 200, "forbidden": 403, "missing": 404}[outcome], url


@pytest.mark.parametrize(("role", "outcome"), [
    ("anonymous", "login"), ("plain", "missing"), ("member", "missing"),
    ("contact_here", "missing"), ("secretariat", "ok"),
])
def test_a_draft_exists_only_for_the_secretariat(make_survey, visit, role, outcome):
    survey = make_survey(opened=False)
    url = f"/surveys/{survey.id}/answer"
    expect(visit(role).get(url), outcome, url)


@pytest.mark.parametrize(("role", "outcome"), [
    ("anonymous", "login"), ("plain", "forbidden"), ("member", "forbidden"),
    ("contact_here", "ok"), ("contact_elsewhere", "ok"), ("secretariat", "ok"),
])
def test_a_survey_to_the_regions_is_for_their_contacts(make_survey, visit, role, outcome):
    survey = make_survey()
    url = f"/surveys/{survey.id}/answer"
    expect(visit(role).get(url), outcome, url)


@pytest.mark.parametrize(("role", "outcome"), [
    ("anonymous", "login"), ("plain", "forbidden"), ("contact_here", "forbidden"),
    ("member", "ok"), ("secretariat", "ok"),
])
def test_an_evaluation_is_for_the_meetings_participants(app, session, held_meeting, visit,
                                                        role, outcome):
    meeting, _accounts, _without = held_meeting
    with app.test_request_context():
        survey = services.start_evaluation(session, meeting, by=None)
        services.open_survey(session, survey, by=None)
    session.commit()
    # This member takes part in the meeting without having been sent the evaluation (their
    # account came after): they may answer too.
    url = f"/surveys/{survey.id}/answer"
    expect(visit(role).get(url), outcome, url)


def test_a_contact_sees_only_their_own_regions_answer(make_survey, make_account, answer_as,
                                                     visit):
    survey = make_survey()
    skane = make_account("region_contact", region_code="12")
    answer_as(survey, skane, full_answer(survey, name="Skånes kontaktperson"))
    elsewhere = visit("contact_elsewhere")
    assert "Skånes kontaktperson" not in text_of(elsewhere.get(f"/surveys/{survey.id}/answer"))
    assert "Skånes kontaktperson" not in text_of(elsewhere.get("/surveys"))
    here = visit("contact_here")
    assert "Skånes kontaktperson" in text_of(here.get(f"/surveys/{survey.id}/answer"))


@pytest.mark.parametrize("role", ["member", "contact_here", "plain", "anonymous"])
def test_the_evaluation_section_of_a_meeting_is_the_secretariats(app, session, held_meeting,
                                                                visit, role):
    meeting, _accounts, _without = held_meeting
    with app.test_request_context():
        services.start_evaluation(session, meeting, by=None)
    session.commit()
    page = text_of(visit(role).get(f"/meetings/{meeting.id}"))
    assert 'id="evaluation-heading"' not in page
    assert 'id="evaluation-heading"' in text_of(visit("secretariat").get(
        f"/meetings/{meeting.id}"))
