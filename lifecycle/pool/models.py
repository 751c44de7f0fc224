"""Reuse pool model: an asset offered by its member to the other members of the territory."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lifecycle.assets.models import Asset
from purchasing.catalogue.models import Category
from purchasing.db_types import UTCDateTime, utcnow
from purchasing.extensions import db
from purchasing.members.models import Member


class PoolListing(db.Model):
    """An asset offered by its member to the reuse pool; the first claim wins."""

    __tablename__ = "pool_listing"
    __table_args__ = (Index("ix_pool_listing_status_category", "status", "category_id"),
                      # the flat pool list (migration scale_01)
                      Index("ix_pool_listing_status_id", "status", "id"),
                      Index("ix_pool_listing_status_category_id", "status", "category_id", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("asset.id"), index=True)
    offering_member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"), index=True)
    condition: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    #: open, claimed, withdrawn
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    claimed_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), index=True)
    claimed_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    asset: Mapped[Asset] = relationship()
    category: Mapped[Category] = relationship()
    offering_member: Mapped[Member] = relationship(foreign_keys=[offering_member_id])
    claimed_by: Mapped[Member | None] = relationship(foreign_keys=[claimed_by_member_id])
