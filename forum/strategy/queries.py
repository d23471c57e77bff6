"""Reads for the strategy: its themes as choices in forms."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from forum.i18n import local
from forum.strategy.models import StrategyPeriod


def theme_choices(session: Session) -> list[tuple[int, str]]:
    """Every theme, newest strategy first, as (id, "2021–2030: name") in the reader's
    language."""
    periods = session.scalars(
        select(StrategyPeriod).options(selectinload(StrategyPeriod.themes))
        .order_by(StrategyPeriod.start_date.desc())
    ).all()
    return [(t.id, f"{p.years}: {local(t, 'name')}") for p in periods for t in p.themes]
