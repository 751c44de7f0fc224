"""Two members with an order and an asset each, staff, a purchase order with a delivery, a contract, a tender
still taking bids with one bid: the owners of attachments."""
from __future__ import annotations

import pytest

from purchasing.accounts.models import Role


@pytest.fixture
def dw(app, make_member, make_user, make_grid, make_offer):
    from datetime import date, datetime, timedelta, timezone

    from lifecycle.assets import services as lifecycle
    from purchasing.catalogue.models import Category
    from purchasing.extensions import db
    from purchasing.orders import services as orders
    from purchasing.purchase_orders import services as purchase_orders
    from purchasing.tenders import services as tenders
    from sqlalchemy import select
    from tests.tender_helpers import line, make_supplier, make_tender, price_list_csv

    member_a, member_b = make_member(name="Commune Alpha"), make_member(name="Commune Beta")
    users = {
        "secretary_a": make_user(role=Role.SECRETARY, member=member_a, email="secretary@a.test"),
        "approver_a": make_user(role=Role.APPROVER, member=member_a, email="approver@a.test"),
        "secretary_b": make_user(role=Role.SECRETARY, member=member_b, email="secretary@b.test"),
        "officer": make_user(role=Role.PURCHASING_OFFICER, email="officer@s.test"),
        "sustainability": make_user(role=Role.SUSTAINABILITY_OFFICER, email="sustainability@s.test"),
        "admin": make_user(role=Role.ADMIN, email="admin@s.test"),
    }
    make_grid()
    offer = make_offer(price="500.00")
    today = date.today()
    from tests.conftest import default_site_id

    order_a = orders.create_order(users["secretary_a"], [(offer.id, 1)], today, int(default_site_id(member_a)))
    orders.submit_order(order_a, users["secretary_a"], today)
    order_b = orders.create_order(users["secretary_b"], [(offer.id, 1)], today, int(default_site_id(member_b)))
    orders.submit_order(order_b, users["secretary_b"], today)
    po = purchase_orders.create_purchase_order_for_orders([order_b.id], users["officer"])
    purchase_orders.send_purchase_order(po, users["officer"])
    purchase_orders.record_delivery_by_order_lines(po, [(order_b.lines[0].id, 1, [])], users["officer"])
    delivery = purchase_orders.deliveries_of(po)[0][0]
    laptop = db.session.scalars(select(Category).where(Category.code == "laptop")).one()
    asset_a = lifecycle.create_asset(member_id=member_a.id, category=laptop, designation="PC A")
    asset_b = lifecycle.create_asset(member_id=member_b.id, category=laptop, designation="PC B")
    now = datetime.now(timezone.utc)
    tender = make_tender("AO-DOCS-1", publication=today, deadline=now + timedelta(days=20))
    tenders.change_tender_status(tender, "published", users["officer"], "")
    bid = tenders.import_bid(tender.lots[0], make_supplier(), "bordereau.csv",
                             price_list_csv([line("DOC-1", "100")]))
    db.session.flush()
    return {"member_a": member_a, "member_b": member_b, **users, "offer": offer, "contract": offer.contract,
            "order_a": order_a, "order_b": order_b, "po": po, "delivery": delivery, "asset_a": asset_a,
            "asset_b": asset_b, "tender": tender, "bid": bid}


@pytest.fixture
def storage_root(app):
    return app.config["STORAGE_PATH"]
