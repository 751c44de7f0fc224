"""Orders of a member: the cart is a draft order; lines keep the prices they were placed at."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy import text as sa_text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from purchasing.accounts.models import User
from purchasing.catalogue.models import Offer, Product
from purchasing.db_types import Money, Rate, UTCDateTime, utcnow
from purchasing.extensions import db
from purchasing.members.models import Member, Site


class Order(db.Model):
    """A member's order. Status follows purchasing.domain.states.ORDER; every change writes an OrderEvent."""

    __tablename__ = "purchase_request"  # "order" is an SQL keyword
    __owner_column__ = "member_id"
    __table_args__ = (
        Index("ix_order_member_status", "member_id", "status"),
        # the flat order lists (migration scale_01)
        Index("ix_purchase_request_status_id", "status", "id"),
        Index("ix_purchase_request_member_id_id", "member_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: human reference, e.g. "CMD-2026-000123" (set on submission)
    reference: Mapped[str | None] = mapped_column(String(30), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    #: one of purchasing.domain.states.ORDER's statuses; "draft" is the cart
    status: Mapped[str] = mapped_column(String(32), default="draft", index=True)
    #: the delivery site chosen from the member's address book (null on orders older than issue 12)
    delivery_site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"), index=True)
    #: snapshot of the delivery site's full address, written when the site is chosen and again at submit
    #: (the printed purchase order and the exports keep what was ordered even if the site changes later)
    delivery_site: Mapped[str] = mapped_column(String(300), default="")
    #: the member's engagement number (Chorus Pro), typed when ordering; required when the member says so
    engagement_number: Mapped[str] = mapped_column(String(50), default="", server_default="")
    note: Mapped[str] = mapped_column(Text, default="")
    #: sum of the lines' totals, kept in step by the services
    total_ht: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))
    #: the tariff grid version and band fee rate applied at submission (prices are frozen then)
    tariff_grid_id: Mapped[int | None]
    fee_rate: Mapped[Decimal | None] = mapped_column(Rate())
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())

    delivery_site_ref: Mapped[Site | None] = relationship(foreign_keys=[delivery_site_id])
    member: Mapped[Member] = relationship()
    created_by: Mapped[User] = relationship()
    lines: Mapped[list[OrderLine]] = relationship(back_populates="order", cascade="all, delete-orphan",
                                                  order_by="OrderLine.id")
    events: Mapped[list[OrderEvent]] = relationship(back_populates="order", cascade="all, delete-orphan",
                                                    order_by="OrderEvent.id")


class OrderLine(db.Model):
    """One product line. Prices are copied at submission and never recomputed afterwards."""

    __tablename__ = "order_line"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("delivered_quantity >= 0 AND delivered_quantity <= quantity", name="delivered_range"),
        # "to place" (migration scale_02): only the approved lines not yet on a purchase order, by contract
        Index("ix_order_line_to_place", "to_place_contract_id", "id",
              postgresql_where=sa_text("to_place_contract_id IS NOT NULL"),
              sqlite_where=sa_text("to_place_contract_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("purchase_request.id", ondelete="CASCADE"), index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offer.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    quantity: Mapped[int]
    #: the offer's unit price at the applicable price break, HT
    base_unit_price_ht: Mapped[Decimal] = mapped_column(Money())
    #: the member's band service-fee rate (péréquation)
    fee_rate: Mapped[Decimal] = mapped_column(Rate(), default=Decimal("0"))
    #: base × (1 + fee rate), rounded half-up to the cent: what the member pays per unit HT
    unit_price_ht: Mapped[Decimal] = mapped_column(Money())
    vat_rate: Mapped[Decimal] = mapped_column(Rate())
    line_total_ht: Mapped[Decimal] = mapped_column(Money())
    delivered_quantity: Mapped[int] = mapped_column(default=0)
    #: the offer's contract while the line waits to be placed (order approved, no purchase order line), else
    #: NULL: the "to place" page reads the partial index of these few lines. Written by the flush hook of
    #: purchasing.purchase_orders.models, never by hand.
    to_place_contract_id: Mapped[int | None] = mapped_column(default=None)

    order: Mapped[Order] = relationship(back_populates="lines")
    offer: Mapped[Offer] = relationship()
    product: Mapped[Product] = relationship()


class OrderEvent(db.Model):
    """An audited status change: who, when, from, to, why. Never updated nor deleted."""

    __tablename__ = "order_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("purchase_request.id", ondelete="CASCADE"), index=True)
    #: empty for an automatic transition (e.g. approval under the member's threshold)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text, default="")
    is_automatic: Mapped[bool] = mapped_column(default=False)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    order: Mapped[Order] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
