"""Supplier purchase orders: approved member order lines grouped by supplier and contract; deliveries."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from purchasing.accounts.models import User
from purchasing.contracts.models import FrameworkContract
from purchasing.db_types import Money, UTCDateTime, utcnow
from purchasing.extensions import db
from purchasing.orders.models import OrderLine
from purchasing.suppliers.models import Supplier


class PurchaseOrder(db.Model):
    """Status follows purchasing.domain.states.PURCHASE_ORDER; every change writes a PurchaseOrderEvent."""

    __tablename__ = "purchase_order"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(30), unique=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id"), index=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("framework_contract.id"), index=True)
    status: Mapped[str] = mapped_column(String(32), default="draft", index=True)
    #: sum of the lines at the supplier's price (what consumes the contract ceiling)
    total_ht: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())

    supplier: Mapped[Supplier] = relationship()
    contract: Mapped[FrameworkContract] = relationship()
    created_by: Mapped[User] = relationship()
    lines: Mapped[list[PurchaseOrderLine]] = relationship(back_populates="purchase_order",
                                                          cascade="all, delete-orphan",
                                                          order_by="PurchaseOrderLine.id")
    events: Mapped[list[PurchaseOrderEvent]] = relationship(cascade="all, delete-orphan",
                                                            order_by="PurchaseOrderEvent.id")


class PurchaseOrderLine(db.Model):
    """One member order line carried by the purchase order (the link to the member is kept)."""

    __tablename__ = "purchase_order_line"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("delivered_quantity >= 0 AND delivered_quantity <= quantity", name="delivered_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    purchase_order_id: Mapped[int] = mapped_column(ForeignKey("purchase_order.id", ondelete="CASCADE"),
                                                   index=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_line.id"), unique=True)
    quantity: Mapped[int]
    #: supplier's unit price HT (the member line's base price, frozen at submission)
    unit_price_ht: Mapped[Decimal] = mapped_column(Money())
    line_total_ht: Mapped[Decimal] = mapped_column(Money())
    delivered_quantity: Mapped[int] = mapped_column(default=0)

    purchase_order: Mapped[PurchaseOrder] = relationship(back_populates="lines")
    order_line: Mapped[OrderLine] = relationship()


class PurchaseOrderEvent(db.Model):
    """An audited status change of a purchase order. Never updated nor deleted."""

    __tablename__ = "purchase_order_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    purchase_order_id: Mapped[int] = mapped_column(ForeignKey("purchase_order.id", ondelete="CASCADE"),
                                                   index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    actor: Mapped[User | None] = relationship()


class Delivery(db.Model):
    """A delivery recorded on one purchase order line (partial deliveries allowed)."""

    __tablename__ = "delivery"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    purchase_order_line_id: Mapped[int] = mapped_column(ForeignKey("purchase_order_line.id", ondelete="CASCADE"),
                                                        index=True)
    quantity: Mapped[int]
    #: one serial number per line, optional
    serial_numbers: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
