"""A person with a rich past in the forum, made through the services where they exist, for
the export and erasure tests (registered in tests/conftest.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pytest
from flask_login import login_user
from sqlalchemy import select

from forum.accounts import services as accounts
from forum.accounts import tokens
from forum.accounts.models import Account, AccountToken, TokenPurpose
from forum.audit.services import record
from forum.calendars import feeds
from forum.calendars.models import CalendarToken
from forum.cooperation.models import Cooperation, CooperationKind, CooperationStatus
from forum.mail_models import OutboxMessage, OutboxStatus
from forum.material.models import Distribution, Download, MaterialNotice
from forum.meetings.models import (
    Answer,
    Attendance,
    AttendanceRole,
    Meeting,
    MeetingAnswer,
    MeetingGuest,
    MeetingStatus,
    Presence,
)
from forum.proposals.models import NominationProposal, ProposalStatus
from forum.roster.models import Body, Person
from forum.timeutil import STOCKHOLM, utcnow

EMAIL = "ingrid.aberg@regionskane.example.se"
LOGIN = "ingrid.login@regionskane.example.se"
PHONE = "070-123 45 67"
NOTE = "Föredrar att bli kontaktad per telefon efter kl. 10."
OTHER_EMAIL = "karl.annansson@example.se"


@dataclass
class Rich:
    person: Person
    account: Account
    meeting: Meeting
    guest_meeting: Meeting
    secrets: list[str] = field(default_factory=list)  # never in an export
    pending_mail_id: int = 0
    sent_mail_id: int = 0
    notice_id: int = 0
    other: Person | None = None


def _meeting(session, body: Body, title: str, start: datetime, status=MeetingStatus.HELD):
    meeting = Meeting(body_id=body.id, title=title, start_at=start,
                      end_at=start + timedelta(hours=4), status=status, venue="Regionhuset")
    session.add(meeting)
    session.flush()
    return meeting


@pytest.fixture
def rich(app, session, make_person, make_organisation, make_nomination, make_account, region,
         add_document):
    """Ingrid Åberg, a former member for Region Skåne: an ended nomination, an account with
    a password and links, a calendar address, answers, attendance, a guest invitation, a
    download, a digest notice, proposals, audit entries, mail, a survey answer, a
    cooperation entry she is the contact of, and a news item she wrote."""
    organisation = make_organisation("Region Skåne (test)")
    person = make_person("Ingrid", "Åberg", email=EMAIL, phone=PHONE, note=NOTE,
                         title="Regionråd", organisation=organisation)
    nomination = make_nomination(person, region_code="12", start=date(2019, 1, 1),
                                 end=date(2022, 12, 31))
    account = make_account("member", person=person, email=LOGIN)
    other = make_person("Karl", "Annansson", email=OTHER_EMAIL)
    politicians = session.get(Body, nomination.body_id)
    found = Rich(person=person, account=account, other=other,
                 meeting=_meeting(session, politicians, "Forum om kompetensförsörjning",
                                  datetime(2022, 3, 10, 10, tzinfo=STOCKHOLM)),
                 guest_meeting=_meeting(session, politicians, "Forum om tillgänglighet",
                                        datetime(2023, 5, 4, 10, tzinfo=STOCKHOLM)))
    meeting = found.meeting
    session.add_all([
        MeetingAnswer(meeting_id=meeting.id, person_id=person.id, answer=Answer.SUBSTITUTE,
                      substitute_name="Sara Suppleant",
                      substitute_email="sara.suppleant@example.se"),
        Attendance(meeting_id=meeting.id, person_id=person.id, role=AttendanceRole.MEMBER,
                   presence=Presence.PRESENT, region_id=region("12").id, side="majority"),
        MeetingGuest(meeting_id=found.guest_meeting.id, person_id=person.id),
    ])
    session.commit()

    with app.test_request_context():
        # An invitation accepted long ago, a password reset asked for just now (its mail is
        # still in the outbox, with the link in its text).
        invitation = tokens.issue(session, account, TokenPurpose.INVITATION)
        tokens.use(session, tokens.find(session, invitation, TokenPurpose.INVITATION))
        accounts.request_password_reset(session, LOGIN)
        calendar = feeds.issue_token(session, account)
        # Something she did to another person's record, with that person's address in it.
        record(session, "person_changed", target=other, person_id=other.id, actor=account,
               before={"email": "old." + OTHER_EMAIL}, after={"email": OTHER_EMAIL})
    session.commit()
    # She chose daily digests on her profile page (signed in: she is the audit's actor).
    with app.test_request_context():
        login_user(account)
        accounts.update_profile(session, account, email=EMAIL, phone=PHONE, title="Regionråd",
                                language="sv", notify_by_email=True, material_digest=True)
    session.commit()
    pending = session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == LOGIN))
    found.pending_mail_id = pending.id
    reset_link = pending.text_body.split("/password/reset/")[1].split()[0]
    found.secrets += [invitation, calendar, reset_link, account.password_hash]
    found.secrets += list(session.scalars(select(AccountToken.token_hash)))
    found.secrets += list(session.scalars(select(CalendarToken.token_hash)))

    sent = OutboxMessage(message_id="<sent.1@test.example>", to_address=EMAIL,
                         to_name=person.name, subject="Kallelse: Forum om kompetensförsörjning",
                         text_body=f"Hej Ingrid! Kallelsen gick till {EMAIL}.",
                         html_body=f"<p>Hej Ingrid! Kallelsen gick till {EMAIL}.</p>",
                         kind="invitation_meeting", status=OutboxStatus.SENT, sent_at=utcnow())
    session.add(sent)
    # Material: a download of a meeting document, a digest notice still waiting.
    document = add_document(meeting, title="Underlag om kompetensförsörjning")
    session.add(Download(document_id=document.id, version_id=document.versions[0].id,
                         account_id=account.id))
    distribution = Distribution(meeting_id=meeting.id, recipients=1)
    session.add(distribution)
    session.flush()
    notice = MaterialNotice(person_id=person.id, distribution_id=distribution.id)
    session.add(notice)
    # A proposal about her (approved into her nomination), and one she made herself.
    seat = nomination.seat
    session.add_all([
        NominationProposal(region_id=region("12").id, body_id=seat.body_id, seat_id=seat.id,
                           person_id=person.id, new_email=EMAIL, party="S",
                           start_date=date(2019, 1, 1), decision_reference="RS 2018-12-12 § 9",
                           proposed_by_id=account.id, status=ProposalStatus.APPROVED,
                           nomination_id=nomination.id),
        Cooperation(title="Samarbete med Suzhou", kind=CooperationKind.PARTNERSHIP,
                    status=CooperationStatus.APPROVED, start_date=date(2020, 1, 1),
                    contact_name=person.name, contact_email=EMAIL, contact_phone=PHONE),
    ])
    session.commit()
    found.sent_mail_id = sent.id
    found.notice_id = notice.id

    from news_fixtures import make_news_item
    from surveys_fixtures import access_matrix_survey

    make_news_item(app, session, by=account, title_sv="Ingrids nyhet om Suzhou")
    access_matrix_survey(app, session, meeting, person)
    session.commit()
    return found
