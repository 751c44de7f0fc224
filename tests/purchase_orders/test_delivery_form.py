"""The delivery form and the purchase order's cancel (issue 15): a refused delivery shows the form again with
the typed quantities and serial numbers, the error on its line; cancelling needs "Je confirme"."""
from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import func, select

from lifecycle.assets.models import Asset
from purchasing.extensions import db
from purchasing.purchase_orders import services as pos
from purchasing.purchase_orders.models import Delivery, PurchaseOrder


@pytest.fixture
def sent(po_world, browser):
    po = po_world["po"]
    pos.send_purchase_order(po, po_world["officer"])
    db.session.flush()
    browser.login("achats@syndicat.test")
    laptop, aid = sorted(po.lines, key=lambda pl: -pl.quantity)  # 2 laptops (commune A), 1 aid (CCAS B)
    return {"po": po, "browser": browser, "laptop": laptop, "aid": aid, "url": f"/purchase-orders/{po.id}/delivery"}


def _written():
    return (db.session.scalar(select(func.count(Delivery.id))), db.session.scalar(select(func.count(Asset.id))))


def _error_of(html: str, field_id: str) -> str:
    match = re.search(rf'<p class="error-message" id="{re.escape(field_id)}-error">(.*?)</p>', html, re.S)
    return match.group(1).strip() if match else ""


def test_too_few_serials_keep_every_typed_value_and_say_it_on_the_line(sent):
    laptop, aid = sent["laptop"], sent["aid"]
    before = _written()
    response = sent["browser"].post_form(sent["url"], {f"qty-{laptop.id}": "2", f"serials-{laptop.id}": "SN-A1",
                                                       f"qty-{aid.id}": "1", f"serials-{aid.id}": "SN-B1"})
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    assert "1 numéros de série pour 2 unités livrées" in _error_of(html, f"serials-{laptop.id}")
    assert _error_of(html, f"qty-{laptop.id}") == "" and _error_of(html, f"serials-{aid.id}") == ""
    assert f'id="qty-{laptop.id}" name="qty-{laptop.id}" value="2"' in html
    assert f'id="qty-{aid.id}" name="qty-{aid.id}" value="1"' in html
    assert re.search(rf'name="serials-{laptop.id}"[^>]*>SN-A1</textarea>', html)
    assert re.search(rf'name="serials-{aid.id}"[^>]*>SN-B1</textarea>', html)
    assert f'href="#serials-{laptop.id}"' in html  # the summary leads to the field
    db.session.expire_all()
    assert _written() == before and db.session.get(PurchaseOrder, sent["po"].id).status == "sent"


def test_an_over_delivery_is_said_on_the_quantity_of_its_line(sent):
    laptop, aid = sent["laptop"], sent["aid"]
    before = _written()
    response = sent["browser"].post_form(sent["url"], {f"qty-{laptop.id}": "1", f"qty-{aid.id}": "5",
                                                       f"serials-{aid.id}": ""})
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    assert "dépasseraient la quantité commandée" in _error_of(html, f"qty-{aid.id}")
    assert f'id="qty-{aid.id}" name="qty-{aid.id}" value="5"' in html
    assert f'id="qty-{laptop.id}" name="qty-{laptop.id}" value="1"' in html
    assert _written() == before


def test_a_serial_already_recorded_is_said_on_the_serials_of_its_line(sent, make_asset_for_serial):
    laptop = sent["laptop"]
    before = _written()
    response = sent["browser"].post_form(sent["url"], {f"qty-{laptop.id}": "2",
                                                       f"serials-{laptop.id}": "SN-OLD\nSN-NEW"})
    assert response.status_code == 422  # the form again (a conflict with recorded data)
    html = unescape(response.get_data(as_text=True))
    assert "Numéro(s) de série déjà enregistré(s) : SN-OLD" in _error_of(html, f"serials-{laptop.id}")
    assert re.search(rf'name="serials-{laptop.id}"[^>]*>SN-OLD\nSN-NEW</textarea>', html)
    db.session.expire_all()
    assert _written() == before


@pytest.fixture
def make_asset_for_serial(po_world):
    from purchasing.catalogue.models import Category

    from lifecycle.assets import services as assets

    category = db.session.scalars(select(Category).where(Category.code == "laptop")).one()
    assets.create_asset(member_id=po_world["commune"].id, category=category, serial_number="SN-OLD")
    db.session.flush()


def test_cancelling_a_purchase_order_needs_the_confirmation(po_world, browser):
    po = po_world["po"]
    browser.login("achats@syndicat.test")
    url = f"/purchase-orders/{po.id}"
    response = browser.post_form(f"{url}/cancel", {"reason": "Doublon"}, page=url)
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    assert "Cochez « Je confirme »" in _error_of(html, "confirm") and "Doublon" in html
    db.session.expire_all()
    assert db.session.get(PurchaseOrder, po.id).status == "draft"
    assert browser.post_form(f"{url}/cancel", {"reason": "Doublon", "confirm": "y"}, page=url).status_code == 302
    db.session.expire_all()
    assert db.session.get(PurchaseOrder, po.id).status == "cancelled"
