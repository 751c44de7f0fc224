"""Supplier purchase orders: approved member order lines grouped by supplier and contract; deliveries."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, and_, case, event, exists, inspect, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, object_session, relationship

from purchasing.accounts.models import User
from purchasing.contracts.models import FrameworkContract
from purchasing.db_types import Money, UTCDateTime, utcnow
from purchasing import transitions
from purchasing.extensions import db
from purchasing.catalogue.models import Offer
from purchasing.orders.models import Order, OrderLine
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


# --- the "to place" marker: OrderLine.to_place_contract_id -------------------------------------------------
#
# A line waits to be placed while its order is approved and no purchase order line carries it; the marker is then
# its offer's contract (the "to place" page groups by it), NULL otherwise. Whatever the path (services, API,
# demo, fixtures), the ORM writes that can change it are noted as they are flushed (an order inserted or whose
# status changed, a line inserted or moved, a purchase order line inserted, moved or deleted), and after the
# flush one UPDATE recomputes the marker of the lines concerned from the rows themselves. A status changed by
# purchasing.transitions (a conditional UPDATE, not an ORM attribute) recomputes it there and then.

_TOUCHED = "to_place_touched"


def _touched(target) -> tuple[set[int], set[int]] | None:
    session = object_session(target)
    return None if session is None else session.info.setdefault(_TOUCHED, (set(), set()))


def _changed(target, *names: str) -> bool:
    state = inspect(target)
    return any(state.attrs[name].history.has_changes() for name in names)


@event.listens_for(Order, "after_insert")
def _order_inserted(_mapper, _connection, target: Order) -> None:
    touched = _touched(target)
    if touched is not None:
        touched[0].add(target.id)


@event.listens_for(Order, "after_update")
def _order_updated(_mapper, _connection, target: Order) -> None:
    touched = _touched(target)
    if touched is not None and _changed(target, "status"):
        touched[0].add(target.id)


@event.listens_for(OrderLine, "after_insert")
def _line_inserted(_mapper, _connection, target: OrderLine) -> None:
    touched = _touched(target)
    if touched is not None:
        touched[1].add(target.id)


@event.listens_for(OrderLine, "after_update")
def _line_updated(_mapper, _connection, target: OrderLine) -> None:
    touched = _touched(target)
    if touched is not None and _changed(target, "order_id", "offer_id"):
        touched[1].add(target.id)


@event.listens_for(PurchaseOrderLine, "after_insert")
@event.listens_for(PurchaseOrderLine, "after_update")
@event.listens_for(PurchaseOrderLine, "after_delete")
def _placement_written(_mapper, _connection, target: PurchaseOrderLine) -> None:
    touched = _touched(target)
    if touched is None:
        return
    touched[1].add(target.order_line_id)
    history = inspect(target).attrs.order_line_id.history
    touched[1].update(i for i in history.deleted or () if i is not None)


def refresh_to_place(connection, order_ids=(), line_ids=()) -> None:
    """Recompute the marker of the lines of ``order_ids`` and of the lines ``line_ids``, from the rows."""
    order_ids, line_ids = sorted(set(order_ids)), sorted(i for i in set(line_ids) if i is not None)
    if not order_ids and not line_ids:
        return
    line, order, placed, offer = (OrderLine.__table__, Order.__table__, PurchaseOrderLine.__table__,
                                  Offer.__table__)
    waiting = and_(exists().where(order.c.id == line.c.order_id, order.c.status == "approved"),
                   ~exists().where(placed.c.order_line_id == line.c.id))
    contract = select(offer.c.contract_id).where(offer.c.id == line.c.offer_id).scalar_subquery()
    scope = [line.c.order_id.in_(order_ids)] if order_ids else []
    scope += [line.c.id.in_(line_ids)] if line_ids else []
    connection.execute(update(line).where(or_(*scope)).values(to_place_contract_id=case((waiting, contract),
                                                                                         else_=None)))


def _order_transitioned(order: Order, from_status: str, to_status: str) -> None:
    if "approved" in (from_status, to_status):
        refresh_to_place(db.session.connection(), [order.id])
        for line in list(order.__dict__.get("lines") or ()):
            db.session.expire(line, ["to_place_contract_id"])


transitions.observe(Order, _order_transitioned)


@event.listens_for(Session, "after_flush")
def _refresh_after_flush(session: Session, _context) -> None:
    touched = session.info.pop(_TOUCHED, None)
    if not touched or not (touched[0] or touched[1]):
        return
    refresh_to_place(session.connection(), *touched)
    session.info["to_place_expire"] = touched


@event.listens_for(Session, "after_flush_postexec")
def _expire_refreshed(session: Session, _context) -> None:
    touched = session.info.pop("to_place_expire", None)
    if not touched:
        return
    orders, lines = touched
    for obj in list(session.identity_map.values()):
        if isinstance(obj, OrderLine) and (obj.order_id in orders or obj.id in lines):
            session.expire(obj, ["to_place_contract_id"])


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_TOUCHED, None)
    session.info.pop("to_place_expire", None)
