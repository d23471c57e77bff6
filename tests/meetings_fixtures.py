"""Fixtures shared by the meetings tests (registered in tests/conftest.py)."""

import pytest
from sqlalchemy import select

from forum.roster.models import Body
from forum.strategy.models import StrategyPeriod


@pytest.fixture
def bodies(session) -> dict[str, Body]:
    return {b.slug: b for b in session.scalars(select(Body))}


@pytest.fixture
def themes(session):
    """The themes of the 2021–2030 strategy period."""
    period = session.scalar(select(StrategyPeriod).where(StrategyPeriod.slug == "2021-2030"))
    return list(period.themes)
