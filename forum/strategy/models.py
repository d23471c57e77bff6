"""Strategy periods and their ordered themes."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.db import Base


class StrategyPeriod(Base):
    """A national strategy for regional development, e.g. 2021–2030 (Skr. 2020/21:133)."""

    __tablename__ = "strategy_periods"
    __table_args__ = (CheckConstraint("end_date >= start_date", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name_sv: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    reference: Mapped[str | None] = mapped_column(String(100))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)

    themes: Mapped[list[Theme]] = relationship(
        back_populates="period", order_by="Theme.position", cascade="all, delete-orphan"
    )

    def covers(self, day: date) -> bool:
        return self.start_date <= day <= self.end_date

    @property
    def years(self) -> str:
        return f"{self.start_date.year}–{self.end_date.year}"


class Theme(Base):
    """A strategic priority of a period; each meeting takes up one."""

    __tablename__ = "themes"
    __table_args__ = (
        UniqueConstraint("period_id", "position"),
        UniqueConstraint("period_id", "slug"),
        CheckConstraint("position >= 1", name="position_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("strategy_periods.id"), index=True)
    position: Mapped[int]
    slug: Mapped[str] = mapped_column(String(80))
    name_sv: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    description_sv: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")

    period: Mapped[StrategyPeriod] = relationship(back_populates="themes")
