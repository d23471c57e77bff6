"""The rules of news in forum/news/services.py: what a news item needs, which field a refusal
concerns, and how publishing and unpublishing keep their history."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from forum.news import services
from forum.news.models import NewsItem, NewsStatus
from forum.news.services import NewsError

TEXT = {"title_sv": "Rubrik", "summary_sv": "Ingress.", "body_sv": "Text."}


@pytest.mark.parametrize(("fields", "field"), [
    ({"title_sv": "  "}, "title_sv"),
    ({"summary_sv": ""}, "summary_sv"),
    ({"body_sv": "\n"}, "body_sv"),
    ({"body_en": "English text."}, "title_en"),
    ({"title_en": "English title"}, "body_en"),
    ({"summary_en": "English lead"}, "body_en"),
    ({"theme_id": 999999}, "theme_id"),
    ({"meeting_id": 999999}, "meeting_id"),
    ({"body_id": 999999}, "body_id"),
])
def test_a_refusal_names_its_field_and_saves_nothing(session, ctx, fields, field):
    before = session.scalar(select(func.count(NewsItem.id)))
    with pytest.raises(NewsError) as refused:
        services.create(session, by=None, **(TEXT | fields))
    assert refused.value.field == field and refused.value.message
    assert session.scalar(select(func.count(NewsItem.id))) == before


def test_texts_are_trimmed_and_an_english_version_is_a_title_and_a_text(session, ctx):
    item = services.create(session, by=None, title_sv="  Rubrik ", summary_sv=" Ingress. ",
                           body_sv="Text.\n\n", title_en="Title", body_en="Text.")
    assert (item.title_sv, item.summary_sv, item.body_sv) == ("Rubrik", "Ingress.", "Text.")
    assert item.has_english and item.status is NewsStatus.DRAFT


def test_only_a_published_item_can_be_unpublished_and_only_once_published(session, ctx):
    item = services.create(session, by=None, **TEXT)
    with pytest.raises(NewsError):
        services.unpublish(session, item, by=None)
    services.publish(session, item, by=None)
    with pytest.raises(NewsError):
        services.publish(session, item, by=None)
    services.unpublish(session, item, by=None)
    assert item.status is NewsStatus.ARCHIVED and item.archived_at is not None
    services.publish(session, item, by=None)
    assert item.status is NewsStatus.PUBLISHED and item.archived_at is None


def test_an_update_that_breaks_a_rule_changes_nothing(session, ctx):
    item = services.create(session, by=None, **TEXT)
    with pytest.raises(NewsError):
        services.update(session, item, title_sv="Ny", body_en="English only")
    assert item.title_sv == "Rubrik" and item.body_en == ""


def test_the_database_refuses_a_published_item_without_a_date(session):
    from sqlalchemy.exc import IntegrityError

    session.add(NewsItem(status=NewsStatus.PUBLISHED, **TEXT))
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()
