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
                      Index("ix_pool_listing_status_category_id", "status", "category_id", "id"),
                      # the reservations whose delay to decline has ended (migration pool_02)
                      Index("ix_pool_listing_status_decline_until", "status", "decline_until"))

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("asset.id"), index=True)
    offering_member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"), index=True)
    condition: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    #: open, reserved (claimed, the donor may still decline), claimed, withdrawn (lifecycle/domain/states.py)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    #: the member the item is reserved for, then given to
    claimed_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), index=True)
    #: when the claim was made (the reservation), and until when the donor may decline it (lifecycle/domain/pool.py)
    reserved_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decline_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: when the item was given (the donor confirmed, or its delay ended)
    claimed_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    asset: Mapped[Asset] = relationship()
    category: Mapped[Category] = relationship()
    offering_member: Mapped[Member] = relationship(foreign_keys=[offering_member_id])
    claimed_by: Mapped[Member | None] = relationship(foreign_keys=[claimed_by_member_id])
