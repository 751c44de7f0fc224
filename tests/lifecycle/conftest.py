"""Factories for lifecycle tests."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from purchasing.extensions import db


@pytest.fixture
def category(app):
    from purchasing.catalogue.models import Category

    def get(code="laptop"):
        return db.session.scalars(select(Category).where(Category.code == code)).one()

    return get


@pytest.fixture
def make_asset(app, category):
    from lifecycle.assets import services

    def factory(member, code="laptop", actor=None, **kw):
        kw.setdefault("acquisition_date", date(2024, 1, 15))
        kw.setdefault("purchase_price_ht", Decimal("800.00"))
        kw.setdefault("designation", "Portable test")
        return services.create_asset(member_id=member.id, category=category(code), actor=actor, **kw)

    return factory


@pytest.fixture
def make_order_line(app, make_member, make_user, category):
    from purchasing.catalogue.models import Offer, Product
    from purchasing.contracts.models import FrameworkContract
    from purchasing.orders.models import Order, OrderLine
    from purchasing.suppliers.models import Supplier

    def factory(member, quantity=3, holds_storage=None, code="laptop"):
        user = make_user(role="secretary", member=member)
        supplier = _make(Supplier)
        contract = _make(FrameworkContract, supplier_id=supplier.id)
        product = Product(category_id=category(code).id, brand="Dell", model="Latitude test",
                          manufacturer_ref=f"LAT-{member.id}-{quantity}-{id(user)}", holds_storage=holds_storage)
        db.session.add(product)
        db.session.flush()
        offer = Offer(product_id=product.id, contract_id=contract.id, unit_price_ht=Decimal("700.00"),
                      valid_from=date(2026, 1, 1))
        db.session.add(offer)
        db.session.flush()
        order = Order(member_id=member.id, created_by_id=user.id, status="placed", reference=f"CMD-T-{offer.id}",
                      delivery_site="Mairie")
        db.session.add(order)
        db.session.flush()
        line = OrderLine(order_id=order.id, offer_id=offer.id, product_id=product.id, quantity=quantity,
                         base_unit_price_ht=Decimal("700.00"), fee_rate=Decimal("0.0200"),
                         unit_price_ht=Decimal("714.00"), vat_rate=Decimal("0.2000"),
                         line_total_ht=Decimal("714.00") * quantity)
        db.session.add(line)
        db.session.flush()
        return line

    return factory


_N = {"n": 0}


def _make(model, **kw):
    from purchasing.contracts.models import FrameworkContract
    from purchasing.suppliers.models import Supplier

    _N["n"] += 1
    n = _N["n"]
    if model is Supplier:
        obj = Supplier(name=f"Fournisseur {n}", siret=f"{n:014d}", siren=f"{n:09d}")
    else:
        obj = FrameworkContract(reference=f"AC-T-{n}", title="Accord-cadre test", start_on=date(2025, 1, 1),
                                end_on=date(2028, 12, 31), max_amount_ht=Decimal("1000000.00"), **kw)
    db.session.add(obj)
    db.session.flush()
    return obj
