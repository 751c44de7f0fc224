"""Repair model: a repair or refurbishment job on an asset."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lifecycle.assets.models import Asset
from purchasing.db_types import Money
from purchasing.extensions import db


class RepairJob(db.Model):
    """A repair or refurbishment, in the internal workshop or at a partner."""

    __tablename__ = "repair_job"
    __owner_column__ = "member_id"
    __table_args__ = (CheckConstraint("cost_ht IS NULL OR cost_ht >= 0", name="cost_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("asset.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    #: repair or refurbishment
    kind: Mapped[str] = mapped_column(String(16))
    #: "Atelier interne" or the partner's name
    provider: Mapped[str] = mapped_column(String(200))
    #: list of battery, disk, memory, keyboard, os_reinstalled
    work_done: Mapped[list] = mapped_column(JSON, default=list)
    cost_ht: Mapped[Decimal | None] = mapped_column(Money())
    grade: Mapped[str | None] = mapped_column(String(1))
    opened_on: Mapped[date]
    closed_on: Mapped[date | None]

    asset: Mapped[Asset] = relationship()
