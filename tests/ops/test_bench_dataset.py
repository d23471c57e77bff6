"""benchmarks/dataset.py, the benchmarks' large forum, generated at a small scale into a
fresh SQLite file and a fresh PostgreSQL database (forum_benchds_test on the suite's server):
its figures in proportion, the roster's rules held by the database's own guards, the feeds,
search and pages that the benchmark measures answering with what the generator says they
hold, the stored files downloadable, and the same forum from the same seed."""

from __future__ import annotations

import hashlib
import itertools
from collections import defaultdict
from datetime import date

import icalendar
import pytest
from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from suite_support import _reset_postgres, make_test_app, postgres_url

from benchmarks import dataset
from forum.accounts.models import Account
from forum.db import database_url, db
from forum.material import search
from forum.material.access import PUBLIC_READER
from forum.material.models import (
    Document,
    DocumentText,
    DocumentVersion,
    Visibility,
    document_themes,
)
from forum.meetings.models import Meeting
from forum.roster.models import Body, Nomination, Person

SCALE = 0.02


def own_postgres() -> str:
    """forum_benchds_test on the suite's PostgreSQL server, created if need be, emptied."""
    suite = make_url(postgres_url())
    name = "forum_benchds_test"
    url = suite.set(database=name).render_as_string(hide_password=False)
    admin = create_engine(database_url(suite.render_as_string(hide_password=False), "."),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if not connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                 {"name": name}):
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    _reset_postgres(url)
    return url


def build(url: str, folder):
    app = make_test_app(url, BLOB_STORAGE_PATH=str(folder / "blobs"),
                        STORAGE_PATH=str(folder / "files"))
    with app.app_context():
        forum = dataset.build(db.engine, db.session, SCALE, progress=False)
    return app, forum


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def generated(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"benchds-{request.param}")
    url = f"sqlite:///{folder / 'forum.db'}" if request.param == "sqlite" else own_postgres()
    app, forum = build(url, folder)
    yield app, forum, folder
    app.extensions["forum.db"]["engine"].dispose()


def test_the_figures_are_those_asked_for_in_proportion(generated):
    app, forum, _ = generated
    asked = dataset.plan(SCALE)
    assert dataset.plan(1.0) == {"years": 20, "people": 5000, "meetings": 2000,
                                 "documents": 50000}
    counts = forum.counts
    assert counts["documents"] == asked["documents"] == 1000
    assert counts["document_texts"] == counts["documents"]
    # Each body meets at least a few times whatever the scale: a little more than asked.
    assert asked["meetings"] <= counts["meetings"] <= asked["meetings"] + 2 * (
        dataset.MIN_FORUM_MEETINGS)
    assert counts["agenda_items"] == 5 * counts["meetings"]
    # The roster of 21 regions over 20 years comes whole at any scale, so more people.
    assert counts["people"] >= asked["people"]
    assert counts["regions"] == 21 and counts["bodies"] == 10
    with app.app_context():
        session = db.session
        years = session.execute(select(func.min(Meeting.start_at), func.max(Meeting.start_at))
                                ).one()
        assert years[1].year - years[0].year + 1 == 20
        assert session.scalar(select(func.count()).select_from(Body)
                              .where(Body.closed_on.is_not(None))) >= 2
        # Every document has one to three versions, numbered from 1.
        numbers = session.execute(select(DocumentVersion.document_id,
                                         func.count(), func.max(DocumentVersion.number))
                                  .group_by(DocumentVersion.document_id)).all()
        assert len(numbers) == counts["documents"]
        assert all(1 <= n == top <= 3 for _, n, top in numbers)
        assert {n for _, n, _ in numbers} == {1, 2, 3}
        # Text of realistic length: 200–1,000 words, about 400 on average.
        lengths = [len(body.split()) for body in session.scalars(select(DocumentText.body))]
        assert min(lengths) >= 200 and max(lengths) <= 1000 + 60
        assert 350 <= sum(lengths) / len(lengths) <= 500
        visibilities = dict(session.execute(
            select(Document.visibility, func.count()).group_by(Document.visibility)).all())
        assert set(visibilities) == set(Visibility)
        assert visibilities[Visibility.PUBLIC] > counts["documents"] / 3


def test_the_roster_keeps_the_seat_rules_and_the_database_guards_them(generated):
    app, _, _ = generated
    with app.app_context():
        session = db.session
        rows = session.scalars(select(Nomination)).all()
        seats, people = defaultdict(list), defaultdict(list)
        for n in rows:
            term = (n.start_date, n.end_date or date.max)
            if n.region_id is not None:
                seats[(n.region_id, n.seat_id, n.slot)].append(term)
            people[(n.person_id, n.body_id)].append(term)
        for terms in [*seats.values(), *people.values()]:
            terms.sort()
            assert all(a[1] < b[0] for a, b in itertools.pairwise(terms)), terms
        # Every region holds every forum seat today (majority, opposition, official).
        today = date.today()
        held = {(n.region_id, n.seat_id) for n in rows if n.region_id and n.body.is_forum
                and n.start_date <= today and (n.end_date is None or today <= n.end_date)}
        assert len(held) == 21 * 3
        # The database's own guard is live on the generated data: a second holder of a
        # seat place that is taken today is refused.
        taken = next(n for n in rows if n.end_date is None and n.body.is_forum)
        other = session.scalar(select(Person.id).where(Person.id != taken.person_id).limit(1))
        with pytest.raises(DBAPIError), session.begin_nested():
            session.execute(insert(Nomination.__table__).values(
                person_id=other, body_id=taken.body_id, seat_id=taken.seat_id,
                region_id=taken.region_id, slot=taken.slot, party="S",
                start_date=today, end_date=None, note=""))
        session.rollback()
        # Ids continue after the generated ones (PostgreSQL's sequences were moved on).
        person = Person(given_name="Ny", family_name="Person")
        session.add(person)
        session.flush()
        assert person.id > max(n.person_id for n in rows)
        session.rollback()


def test_the_feeds_hold_what_the_benchmark_expects(generated):
    app, forum, _ = generated
    client = app.test_client()
    personal = client.get(f"/calendar/personal/{forum.personal_token}.ics")
    assert personal.status_code == 200
    events = icalendar.Calendar.from_ical(personal.data).walk("VEVENT")
    assert len(events) == forum.member_meetings >= 10
    assert len({e["UID"] for e in events}) == len(events)
    public = client.get(f"/calendar/{forum.body_slug}.ics")
    assert public.status_code == 200
    assert len(icalendar.Calendar.from_ical(public.data).walk("VEVENT")) == (
        forum.body_meetings) == dataset.MIN_FORUM_MEETINGS
    with app.app_context():
        member = db.session.scalar(select(Person).join(Account, Account.person_id == Person.id)
                                   .where(Account.is_secretariat.is_(False)))
        assert member.name == forum.member_name
        # The member sat in Politikerforum throughout, and in a network.
        bodies = set(db.session.scalars(select(Body.slug).join(
            Nomination, Nomination.body_id == Body.id).where(Nomination.person_id == member.id)))
        assert dataset.POLITICIANS in bodies and len(bodies) == 2


def test_search_finds_the_public_documents_it_says(generated):
    app, forum, _ = generated
    assert forum.search_query == "matchningsindikatorer"
    with app.app_context():
        hits = search.search(db.session, forum.search_query, PUBLIC_READER, limit=10_000)
        assert len(hits) == forum.search_hits > 0
        assert all(h.document.visibility is Visibility.PUBLIC and h.document.withdrawn_at is None
                   for h in hits)
        assert all("matchningsindikator" in (h.document.title + str(h.snippet)).lower()
                   for h in hits)
        first = hits[0].document
    page = app.test_client().get("/search", query_string={"q": forum.search_query})
    assert page.status_code == 200
    assert f"/material/{first.id}".encode() in page.data


def test_the_measured_pages_answer_with_the_generated_content(generated):
    app, forum, _ = generated
    client = app.test_client()
    with app.app_context():
        session = db.session
        meeting = session.get(Meeting, forum.meeting_id)
        public = session.scalars(select(Document).where(
            Document.meeting_id == meeting.id, Document.visibility == Visibility.PUBLIC,
            Document.withdrawn_at.is_(None))).all()
        assert meeting.status.value == "held" and len(public) >= 5
        most = session.scalar(select(func.count()).select_from(Document)
                              .group_by(Document.meeting_id)
                              .where(Document.meeting_id.is_not(None))
                              .order_by(func.count().desc()).limit(1))
        assert session.scalar(select(func.count()).select_from(Document).where(
            Document.meeting_id == meeting.id)) >= most * 0.6
        newest = session.scalar(
            select(Document)
            .join(document_themes, document_themes.c.document_id == Document.id)
            .where(document_themes.c.theme_id == forum.theme_id,
                   Document.visibility == Visibility.PUBLIC, Document.meeting_id.is_(None),
                   Document.withdrawn_at.is_(None))
            .order_by(Document.created_at.desc()).limit(1))
        titles = [d.title for d in public]
        version = public[0].current
    answer = client.get(f"/meetings/{forum.meeting_id}")
    assert answer.status_code == 200
    shown = answer.get_data(as_text=True)
    assert sum(title in shown for title in titles) == len(titles)
    bank = client.get(f"/themes/{forum.theme_id}")
    assert bank.status_code == 200
    assert newest is not None and f"/material/{newest.id}" in bank.get_data(as_text=True)
    region = client.get(f"/regions/{forum.region_code}")
    assert region.status_code == 200 and "Region Skåne" in region.get_data(as_text=True)
    # The versions point at real files in the blob store.
    download = client.get(f"/material/{public[0].id}/file")
    assert download.status_code == 200
    assert hashlib.sha256(download.data).hexdigest() == version.blob
    assert len(download.data) == version.size


@pytest.fixture(scope="module")
def once_more(tmp_path_factory):
    """The same scale generated once more, into SQLite."""
    folder = tmp_path_factory.mktemp("benchds-again")
    app, forum = build(f"sqlite:///{folder / 'again.db'}", folder)
    yield app, forum
    app.extensions["forum.db"]["engine"].dispose()


def fingerprint(app) -> str:
    with app.app_context():
        digest = hashlib.sha256()
        for statement in (
            select(Person.given_name, Person.family_name, Person.email).order_by(Person.id),
            select(Nomination.person_id, Nomination.seat_id, Nomination.start_date,
                   Nomination.end_date).order_by(Nomination.id),
            select(Meeting.title, Meeting.start_at, Meeting.uid).order_by(Meeting.id),
            select(DocumentText.title, DocumentText.body).order_by(DocumentText.document_id),
        ):
            for row in db.session.execute(statement):
                digest.update(repr(tuple(row)).encode())
        return digest.hexdigest()


def test_the_same_seed_makes_the_same_forum_in_either_database(generated, once_more):
    app, forum, _ = generated
    again, second = once_more
    assert fingerprint(again) == fingerprint(app)
    assert (second.meeting_id, second.member_meetings, second.search_hits, second.theme_id,
            second.counts) == (forum.meeting_id, forum.member_meetings, forum.search_hits,
                               forum.theme_id, forum.counts)


def test_every_scenario_of_the_benchmark_answers_as_it_expects(generated):
    """What `benchmarks.run` measures, in-process on the small forum: each scenario answers
    with its status and the content it checks (the feed's events, the search's hits, the
    meeting's title), with no problem the report would show. The answers-kept-in-memory
    setting is on here, as in production: the measured request is made from the database."""
    from benchmarks import inprocess
    from benchmarks.scenarios import SCENARIOS

    app, forum, _ = generated
    app.config["ANSWER_CACHE_SECONDS"] = 10
    try:
        for scenario in SCENARIOS:
            answer = inprocess.answer(app, forum, scenario, times=1)
            assert answer.problems == [], (scenario.name, answer.problems)
            assert answer.status == scenario.status, scenario.name
            if scenario.expect is not None:
                assert answer.checked, scenario.name
    finally:
        app.config["ANSWER_CACHE_SECONDS"] = 0
