"""The issue's must-show scenario on the demo data, through the web as a new user would."""
import re
from decimal import Decimal
from html import unescape

from sqlalchemy import select

from purchasing.catalogue.models import Product
from purchasing.contracts.models import FrameworkContract
from purchasing.demo import load_demo
from purchasing.extensions import db
from tests.conftest import default_site_id
from purchasing.orders.models import Order
from purchasing.purchase_orders.models import PurchaseOrder
from tests.demo_helpers import demo_laptop_offer


def _price_on_page(html: str) -> str:
    text = unescape(html)
    match = re.search(r"Prix unitaire HT</dt><dd>([^<(]+)", text)
    assert match, "no unit price on the product page"
    return match.group(1).strip()


def test_demo_catalogue_has_contracts_and_believable_products(app):
    load_demo(seed=2026)
    references = set(db.session.scalars(select(FrameworkContract.reference)))
    assert {"AC-2025-01-L1", "AC-2025-01-L2", "AC-2025-01-L3"} <= references
    products = db.session.scalars(select(Product)).all()
    assert 60 <= len(products) <= 120
    assert any(p.condition == "refurbished" and p.refurb_grade in ("A", "B") for p in products)
    latitude = next(p for p in products if p.model == "Latitude 5430")
    # Dell Latitude 5430: gwp_total 301 kg, use share 0.16 → embodied 252.84 kg (rounded to 252.8)
    assert latitude.embodied_kgco2e == 252.8 and latitude.footprint_source.startswith("https://")
    load_demo(seed=2026)  # idempotent
    assert db.session.scalars(select(Product)).all().__len__() == len(products)


def test_the_two_demo_secretaries_see_their_members_prices(app, client, browser):
    load_demo(seed=2026)
    offer = demo_laptop_offer()
    base = offer.unit_price_ht
    url = f"/catalogue/products/{offer.product_id}"
    browser.login("secretaire@petite-commune.demo", "demo")
    small = _price_on_page(browser.get(url).get_data(as_text=True))
    browser.logout()
    browser.login("secretaire@moyenne-commune.demo", "demo")
    medium = _price_on_page(browser.get(url).get_data(as_text=True))
    from purchasing.domain.money import format_eur, round_cents

    assert small == format_eur(round_cents(base * Decimal("1.02")))  # 412 inhabitants: 2 %
    assert medium == format_eur(round_cents(base * Decimal("1.07")))  # 6 840 inhabitants: 7 %
    assert small != medium


def test_order_approve_place_send_and_deliver_two_laptops(app, browser):
    load_demo(seed=2026)
    offer = demo_laptop_offer()
    browser.login("secretaire@petite-commune.demo", "demo")
    page = f"/catalogue/products/{offer.product_id}"
    assert browser.post_form("/cart/add", {"offer_id": offer.id, "quantity": "2"}, page=page).status_code == 302
    cart = db.session.scalars(select(Order).where(Order.status == "draft")).one()
    response = browser.post_form("/cart", {"delivery_site_id": default_site_id(cart.member_id),
                                           f"qty-{cart.lines[0].id}": "2", "action": "submit"})
    assert response.status_code == 302
    db.session.expire_all()
    order = db.session.get(Order, cart.id)
    assert order.status == "submitted"  # 2 laptops > the commune's 500 € threshold
    browser.logout()

    browser.login("maire@petite-commune.demo", "demo")
    assert order.reference in browser.get("/orders/to-approve").get_data(as_text=True)
    assert "kgCO2e" in browser.get(f"/orders/{order.id}").get_data(as_text=True)
    assert browser.post_form(f"/orders/{order.id}/approve", page=f"/orders/{order.id}").status_code == 302
    browser.logout()

    browser.login("achats@demo.local", "demo")
    assert order.reference in browser.get("/purchase-orders/to-place").get_data(as_text=True)
    response = browser.post_form("/purchase-orders/create", {"contract_id": offer.contract_id},
                                 page="/purchase-orders/to-place")
    assert response.status_code == 302
    po = db.session.scalars(select(PurchaseOrder).where(PurchaseOrder.status == "draft")).one()  # the demo's are delivered
    committed_before = db.session.get(FrameworkContract, offer.contract_id).committed_ht
    assert browser.post_form(f"/purchase-orders/{po.id}/send", page=f"/purchase-orders/{po.id}").status_code == 302
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "placed"
    assert db.session.get(FrameworkContract, offer.contract_id).committed_ht == committed_before + po.total_ht
    line = po.lines[0]
    response = browser.post_form(f"/purchase-orders/{po.id}/delivery",
                                 {f"qty-{line.id}": "2", f"serials-{line.id}": "SN-001\nSN-002"})
    assert response.status_code == 302
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert order.status == "delivered" and order.lines[0].delivered_quantity == 2
    assert db.session.get(PurchaseOrder, po.id).status == "delivered"
    timeline = [(e.from_status, e.to_status) for e in order.events]
    assert timeline == [(None, "draft"), ("draft", "submitted"), ("submitted", "approved"),
                        ("approved", "placed"), ("placed", "delivered")]

    # Each delivered unit became an asset of the commune, linked to the order line, with its serial.
    from lifecycle.assets.models import Asset

    assets = db.session.scalars(select(Asset).where(Asset.order_line_id == order.lines[0].id)
                                .order_by(Asset.serial_number)).all()
    assert [(a.member_id, a.serial_number, a.status, a.origin) for a in assets] == [
        (order.member_id, "SN-001", "in_stock", "delivered_order_line"),
        (order.member_id, "SN-002", "in_stock", "delivered_order_line")]
    browser.logout()
    browser.login("secretaire@petite-commune.demo", "demo")
    inventory = browser.get("/lifecycle/").get_data(as_text=True)
    assert all(a.tag in inventory for a in assets)
