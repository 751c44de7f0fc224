"""End-of-life model: where a retired asset went."""
from __future__ import annotations

from datetime import date
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lifecycle.assets.models import Asset
from purchasing.extensions import db


class RetirementRoute(StrEnum):
    REUSED = "reused_elsewhere"
    DONATED = "donated"
    SOLD = "sold"
    WEEE = "recycled_weee"
    DESTROYED = "destroyed"
    LOST = "lost_or_stolen"


class Retirement(db.Model):
    """Where a retired asset went."""

    __tablename__ = "retirement"

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("asset.id"), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    route: Mapped[str] = mapped_column(String(24), index=True)
    retired_on: Mapped[date]
    recipient: Mapped[str] = mapped_column(String(200), default="")
    recipient_siret: Mapped[str | None] = mapped_column(String(14))
    certificate_ref: Mapped[str] = mapped_column(String(120), default="")
    note: Mapped[str] = mapped_column(Text, default="")

    asset: Mapped[Asset] = relationship()
