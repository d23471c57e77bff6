"""Membership follows nominations over time: the basis of what members may see."""

from datetime import date

from forum.access import member_of
from forum.roster.models import Body


def body_id(session, slug):
    from sqlalchemy import select

    return session.scalar(select(Body.id).where(Body.slug == slug))


def test_membership_runs_exactly_as_long_as_the_nomination(app, session, make_person,
                                                           make_account, make_nomination):
    from flask_login import login_user

    person = make_person()
    make_nomination(person, start=date(2023, 1, 1), end=date(2024, 12, 31))
    account = make_account(person=person)
    politicians = body_id(session, "politikerforum")
    officials = body_id(session, "tjanstepersonsforum")
    with app.test_request_context():
        login_user(account)
        assert member_of(politicians, date(2023, 1, 1))
        assert member_of(politicians, date(2024, 12, 31))
        assert not member_of(politicians, date(2025, 1, 1))  # access ends with the nomination
        assert not member_of(politicians, date(2022, 12, 31))
        assert not member_of(officials, date(2024, 1, 1))  # only the body they sit in


def test_nobody_is_a_member_when_logged_out(app, session):
    with app.test_request_context():
        assert not member_of(body_id(session, "politikerforum"), date(2024, 1, 1))
