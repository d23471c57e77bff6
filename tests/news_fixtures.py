"""Fixtures for the news tests (registered in tests/conftest.py): news items made through the
services, drafts, published and unpublished, dated as the test needs."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import pytest

from forum.news import services
from forum.news.models import NewsItem, NewsStatus
from forum.timeutil import utcnow

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def make_news_item(app, session, *, by=None, status: NewsStatus = NewsStatus.PUBLISHED,
                   published_at: datetime | None = None, **fields) -> NewsItem:
    """A committed news item made by the services: a draft, published, or unpublished."""
    fields.setdefault("title_sv", "Nyhet från kansliet")
    fields.setdefault("summary_sv", "En kort ingress om nyheten.")
    fields.setdefault("body_sv", "Texten om *nyheten*.")
    with app.test_request_context():
        item = services.create(session, by=by, **fields)
        if status is not NewsStatus.DRAFT:
            services.publish(session, item, by=by)
            if published_at is not None:
                item.published_at = item.updated_at = published_at
        if status is NewsStatus.ARCHIVED:
            services.unpublish(session, item, by=by)
    session.commit()
    return item


@pytest.fixture
def make_news(app, session):
    """make_news(title_sv=…, status=NewsStatus.DRAFT, days_ago=2, **fields): a committed
    news item; published a day apart from the one before unless told when."""
    numbers = itertools.count(1)
    start = utcnow() - timedelta(days=400)

    def make(status: NewsStatus = NewsStatus.PUBLISHED, *, days_ago: float | None = None,
             by=None, **fields) -> NewsItem:
        number = next(numbers)
        fields.setdefault("title_sv", f"Nyhet nummer {number}")
        when = (utcnow() - timedelta(days=days_ago) if days_ago is not None
                else start + timedelta(days=number))
        return make_news_item(app, session, by=by, status=status, published_at=when,
                              **fields)

    return make


def page_news_item(app, session) -> NewsItem:
    """A published news item for tests that walk every page (tests/test_pages.py)."""
    return make_news_item(app, session, title_sv="Sidnyhet",
                          body_sv="## Rubrik\n\nText med [länk](https://example.se).")


def parse_xml(response) -> ET.Element:
    """The response's XML, parsed strictly: a malformed document fails the test."""
    return ET.fromstring(response.data)


def sitemap_locs(root: ET.Element) -> list[str]:
    return [loc.text or "" for loc in root.iter(f"{SITEMAP}loc")]
