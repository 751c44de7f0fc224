"""Demo supplier purchase orders: the latest delivered history orders, grouped per contract as they were
placed, so that the purchase-order pages, their PDF and their Order-X have real documents to show (several
members and delivery sites on one purchase order). Status "delivered", their amount counted in the
contract's committed amount, as a sent purchase order's is.
"""
from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, insert, select

from purchasing.accounts.models import Role, User
from purchasing.catalogue.models import Offer
from purchasing.contracts.models import FrameworkContract
from purchasing.demo.history import MARK
from purchasing.domain.money import round_cents
from purchasing.domain.pricing import line_total
from purchasing.extensions import db
from purchasing.orders.models import Order, OrderLine
from purchasing.purchase_orders.models import Delivery, PurchaseOrder, PurchaseOrderEvent, PurchaseOrderLine

#: how many of the latest history orders go on demo purchase orders
ORDERS_PLACED = 12


def _latest_history_lines() -> list[OrderLine]:
    orders = db.session.scalars(select(Order.id).where(Order.note == MARK, Order.status == "delivered")
                                .order_by(Order.submitted_dt.desc(), Order.id.desc()).limit(ORDERS_PLACED)).all()
    return list(db.session.scalars(select(OrderLine).where(OrderLine.order_id.in_(orders))
                                   .join(Offer, OrderLine.offer_id == Offer.id)
                                   .order_by(Offer.contract_id, OrderLine.id)))


def load(rng: random.Random) -> str:
    if db.session.scalar(select(func.count(PurchaseOrderLine.id)).join(OrderLine).join(Order)
                         .where(Order.note == MARK)):
        return "Bons de commande : déjà chargés"
    officer = db.session.scalars(select(User).where(User.role == Role.PURCHASING_OFFICER).order_by(User.id)).first()
    if officer is None:
        return "Bons de commande : aucun acheteur"
    groups: dict[int, list[OrderLine]] = {}
    for line in _latest_history_lines():
        groups.setdefault(line.offer.contract_id, []).append(line)
    for contract_id, lines in groups.items():
        contract = db.session.get(FrameworkContract, contract_id)
        placed = max(line.order.submitted_dt for line in lines) + timedelta(days=1)
        po = PurchaseOrder(reference="", supplier_id=contract.supplier_id, contract_id=contract.id,
                           status="delivered", created_by_id=officer.id, created_dt=placed, sent_dt=placed)
        db.session.add(po)
        db.session.flush()
        po.reference = f"BC-{placed:%Y}-{po.id:05d}"
        for line in lines:
            po.lines.append(PurchaseOrderLine(order_line_id=line.id, quantity=line.quantity,
                                              unit_price_ht=line.base_unit_price_ht,
                                              line_total_ht=line_total(line.base_unit_price_ht, line.quantity),
                                              delivered_quantity=line.quantity))
        db.session.flush()
        # the deliveries behind the delivered quantities (bench/integrity.py checks they agree)
        db.session.execute(insert(Delivery), [
            dict(purchase_order_line_id=pl.id, quantity=pl.quantity, serial_numbers="", actor_id=officer.id,
                 created_dt=placed + timedelta(days=20)) for pl in po.lines])
        po.total_ht = round_cents(sum((pl.line_total_ht for pl in po.lines), Decimal(0)))
        contract.committed_ht = contract.committed_ht + po.total_ht
        db.session.execute(insert(PurchaseOrderEvent), [
            dict(purchase_order_id=po.id, actor_id=officer.id, from_status=a, to_status=b, reason=MARK,
                 created_dt=placed + timedelta(days=d))
            for a, b, d in ((None, "draft", 0), ("draft", "sent", 0), ("sent", "delivered", 20))])
    db.session.flush()
    return f"Bons de commande : {len(groups)} bons livrés ({ORDERS_PLACED} commandes de l'historique)."
