"""Tariff grids (péréquation tarifaire): versioned, dated, voted in assembly; one fee rate per population band."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from purchasing.db_types import Rate, UTCDateTime, utcnow
from purchasing.extensions import db


class TariffGrid(db.Model):
    """One version of the grid. Read-only once a newer version exists or once an order used it."""

    __tablename__ = "tariff_grid"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(unique=True)
    effective_from: Mapped[date] = mapped_column(index=True)
    #: e.g. "Délibération n° 2025-14 du comité syndical du 12 juin 2025"
    deliberation_ref: Mapped[str] = mapped_column(String(300))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    bands: Mapped[list[TariffBand]] = relationship(back_populates="grid", cascade="all, delete-orphan",
                                                   order_by="TariffBand.min_population")


class TariffBand(db.Model):
    """A population band; ``max_population`` inclusive, empty for the last band."""

    __tablename__ = "tariff_band"
    __table_args__ = (
        UniqueConstraint("grid_id", "min_population", name="grid_min_population"),
        CheckConstraint("min_population >= 0", name="min_population_not_negative"),
        CheckConstraint("fee_rate >= 0 AND fee_rate < 1", name="fee_rate_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("tariff_grid.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(80))
    min_population: Mapped[int]
    max_population: Mapped[int | None]
    fee_rate: Mapped[Decimal] = mapped_column(Rate())

    grid: Mapped[TariffGrid] = relationship(back_populates="bands")
