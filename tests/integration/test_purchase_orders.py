"""Purchase orders: grouping, contract ceiling, deliveries, exports, transparency."""
import io
from datetime import date
from decimal import Decimal
from html import unescape

import pandas as pd
import pytest
from sqlalchemy import func, select

from purchasing.domain.errors import InvalidQuantity, ProcurementRuleViolation, TransitionNotAllowed
from purchasing.extensions import db
from purchasing.orders import services as orders
from purchasing.pricing import services as pricing
from purchasing.purchase_orders import services as pos
from purchasing.catalogue.models import Offer
from purchasing.orders.models import Order, OrderLine
from purchasing.purchase_orders.models import Delivery, PurchaseOrderLine

TODAY = date.today()


@pytest.fixture
def placed(make_grid, make_offer, make_member, make_user):
    """Two members' approved orders under one contract (ceiling 10 000, 7 000 committed)."""
    make_grid()
    offer = make_offer(price="1000.00", max_amount="10000.00", committed="7000.00")
    officer = make_user(role="purchasing_officer")
    result = {"offer": offer, "officer": officer, "orders": []}
    for population, quantity, site in ((412, 2, "=HYPERLIEN(\"http://x\")"), (6840, 1, "Mairie de Moyenne")):
        member = make_member(population=population, approval_threshold_ht=Decimal("100000.00"))
        user = make_user(role="secretary", member=member)
        orders.add_to_cart(user, offer.id, quantity, TODAY)
        cart = orders.get_cart(user)
        orders.update_cart(cart, {}, site, "", TODAY)
        # a new site of the address book, with the address a supplier delivers to
        cart.delivery_site_ref.address, cart.delivery_site_ref.postal_code = "2 rue des Écoles", "24100"
        cart.delivery_site_ref.city = "Bergerac"
        orders.submit_order(cart, user, TODAY)
        result["orders"].append(cart)
    return result


def test_approved_lines_are_grouped_by_contract_and_po_keeps_member_links(placed):
    groups = pos.approved_groups()
    assert len(groups) == 1 and groups[0].total_ht == Decimal("3000.00")
    po = pos.create_purchase_order(placed["offer"].contract_id, placed["officer"])
    assert po.status == "draft" and po.total_ht == Decimal("3000.00")
    assert {pl.order_line.order_id for pl in po.lines} == {o.id for o in placed["orders"]}
    assert pos.approved_groups() == []


def test_sending_within_the_ceiling_commits_the_amount(placed):
    po = pos.create_purchase_order(placed["offer"].contract_id, placed["officer"])
    pos.send_purchase_order(po, placed["officer"])
    assert po.status == "sent" and po.contract.committed_ht == Decimal("10000.00")
    assert all(o.status == "placed" for o in placed["orders"])
    assert [(e.from_status, e.to_status) for e in po.events] == [(None, "draft"), ("draft", "sent")]


def test_sending_above_the_ceiling_is_refused_with_the_remaining_amount(placed):
    contract = placed["offer"].contract
    contract.committed_ht = Decimal("7500.00")
    db.session.flush()
    po = pos.create_purchase_order(contract.id, placed["officer"])
    with pytest.raises(ProcurementRuleViolation) as refused:
        pos.send_purchase_order(po, placed["officer"])
    assert "2\u202f500,00\xa0€" in refused.value.message and refused.value.http_status == 422
    assert refused.value.details["remaining_ht"] == "2500.00"


def test_partial_then_full_delivery_updates_statuses_and_quantities(placed):
    po = pos.create_purchase_order(placed["offer"].contract_id, placed["officer"])
    pos.send_purchase_order(po, placed["officer"])
    first, second = po.lines
    pos.record_delivery(po, {first.id: "1"}, {first.id: "SN-1"}, placed["officer"])
    assert po.status == "partially_delivered" and first.order_line.delivered_quantity == 1
    assert first.order_line.order.status == "partially_delivered"
    with pytest.raises(InvalidQuantity, match="numéros de série"):
        pos.record_delivery(po, {first.id: "1"}, {first.id: "SN-2\nSN-3"}, placed["officer"])
    with pytest.raises(InvalidQuantity, match="dépasseraient"):
        pos.record_delivery(po, {first.id: "2"}, {}, placed["officer"])
    with pytest.raises(InvalidQuantity, match="Aucune quantité"):
        pos.record_delivery(po, {first.id: "0"}, {}, placed["officer"])
    pos.record_delivery(po, {first.id: "1", second.id: "1"}, {}, placed["officer"])
    assert po.status == "delivered" and all(o.status == "delivered" for o in placed["orders"])
    assert db.session.scalar(select(func.sum(Delivery.quantity))) == 3


def test_delivery_on_a_draft_is_not_allowed(placed):
    po = pos.create_purchase_order(placed["offer"].contract_id, placed["officer"])
    with pytest.raises(TransitionNotAllowed):
        pos.record_delivery(po, {po.lines[0].id: "1"}, {}, placed["officer"])


def test_cancelled_draft_releases_its_lines(placed):
    po = pos.create_purchase_order(placed["offer"].contract_id, placed["officer"])
    pos.cancel_purchase_order(po, placed["officer"])
    assert po.status == "cancelled" and len(pos.approved_groups()[0].lines) == 2


def test_exports_are_safe_from_formula_injection(placed, browser, make_user):
    po = pos.create_purchase_order(placed["offer"].contract_id, placed["officer"])
    make_user(role="purchasing_officer", email="po@s.test")
    browser.login("po@s.test")
    csv = browser.get(f"/purchase-orders/{po.id}/export.csv")
    assert csv.status_code == 200 and "'=HYPERLIEN" in csv.get_data(as_text=True)
    xlsx = browser.get(f"/purchase-orders/{po.id}/export.xlsx")
    frame = pd.read_excel(io.BytesIO(xlsx.data))
    # the delivery address is the site's full address (its name first): the formula is neutralised
    assert set(frame["Adresse de livraison"]) == {"'=HYPERLIEN(\"http://x\"), 2 rue des Écoles, 24100 Bergerac",
                                                  "Mairie de Moyenne, 2 rue des Écoles, 24100 Bergerac"}
    orders_csv = browser.get("/orders/export?fmt=csv").get_data(as_text=True)
    assert "'=HYPERLIEN" in orders_csv and "Mairie de Moyenne" in orders_csv
    printable = unescape(browser.get(f"/purchase-orders/{po.id}/print").get_data(as_text=True))
    assert "Mairie de Moyenne" in printable and po.reference in printable


def test_contract_page_warns_from_80_percent(placed, browser, make_user):
    make_user(role="purchasing_officer", email="po@s.test")
    browser.login("po@s.test")
    contract = placed["offer"].contract

    def page_at(committed):
        contract.committed_ht = Decimal(committed)
        db.session.flush()
        return unescape(browser.get("/contracts/").get_data(as_text=True))

    html = page_at("7000.00")
    assert "70,0 %" in html and "plus de 80 % consommés" not in html
    html = page_at("7990.00")  # 79.9 %: just under, no warning
    assert "79,9 %" in html and "plus de 80 % consommés" not in html
    html = page_at("8000.00")  # exactly 80 %: the warning starts here
    assert "80,0 %" in html and "plus de 80 % consommés" in html
    page_at("7000.00")
    po = pos.create_purchase_order(placed["offer"].contract_id, placed["officer"])
    pos.send_purchase_order(po, placed["officer"])
    html = unescape(browser.get("/contracts/").get_data(as_text=True))
    assert "100,0 %" in html and "plus de 80 % consommés" in html


def test_transparency_compares_fees_per_band_with_the_flat_rate(placed):
    result = pricing.transparency(date(2000, 1, 1), TODAY)
    bands = {b.band_label: b for b in result.bands}
    # small band (2 %): 2 × 1000 base → 40.00 fees; 3500-9999 band (7 %): 1000 base → 70.00 fees
    # flat rate = 110 / 3000 = 0.036666… → 0.0367; at flat rate 73.40 and 36.70
    assert result.flat_rate == Decimal("0.0367")
    assert (bands["tranche 0"].fees_paid_ht, bands["tranche 0"].fees_at_flat_rate_ht) == (Decimal("40.00"),
                                                                                          Decimal("73.40"))
    assert (bands["tranche 3500"].fees_paid_ht, bands["tranche 3500"].difference_ht) == (Decimal("70.00"),
                                                                                        Decimal("33.30"))
    assert pricing.transparency(date(2000, 1, 1), date(2000, 12, 31)).bands == []


def test_transparency_page(placed, browser, make_user):
    import re

    make_user(role="sustainability_officer", email="dd@s.test")
    browser.login("dd@s.test")
    response = browser.get("/admin/transparency?start=2000-01-01")
    assert response.status_code == 200
    html = unescape(response.get_data(as_text=True))
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "3,67 %" in text
    # each band's row: base, fees paid, fees at the flat rate, difference (same figures as the service above)
    # (every kind of space read as one: the amounts use narrow no-break spaces)
    assert "tranche 0 2 000,00 € 40,00 € 73,40 € -33,40 € (paie moins)" in text
    assert "tranche 3500 1 000,00 € 70,00 € 36,70 € 33,30 € (paie plus)" in text


def test_admin_creates_a_new_grid_version_and_bad_bands_are_refused(make_grid, browser, make_user):
    from purchasing.pricing.models import TariffGrid

    make_grid(effective_from=date(2025, 1, 1))
    make_user(role="admin", email="admin@s.test")
    browser.login("admin@s.test")
    data = {"effective_from": "2026-01-01", "deliberation_ref": "Délibération n° 2025-40",
            "bands-0-label": "petites", "bands-0-min_population": "0", "bands-0-max_population": "999",
            "bands-0-fee_percent": "2,5", "bands-1-label": "grandes", "bands-1-min_population": "1500",
            "bands-1-fee_percent": "6"}
    response = browser.post_form("/admin/tariff-grids/new", data)
    assert response.status_code == 422 and "trou entre" in unescape(response.get_data(as_text=True))
    assert db.session.scalar(select(func.count(TariffGrid.id))) == 1
    data["bands-1-min_population"] = "1000"
    response = browser.post_form("/admin/tariff-grids/new", data)
    assert response.status_code == 302
    grid = db.session.scalars(select(TariffGrid).where(TariffGrid.version == 2)).one()
    assert [(b.min_population, b.fee_rate) for b in grid.bands] == [(0, Decimal("0.0250")), (1000, Decimal("0.0600"))]
    old = db.session.scalars(select(TariffGrid).where(TariffGrid.version == 1)).one()
    assert pricing.grid_is_read_only(old) and not pricing.grid_is_read_only(grid)
    assert "Lecture seule" in unescape(browser.get(f"/admin/tariff-grids/{old.id}").get_data(as_text=True))


def test_purchase_order_without_contract_or_lines_is_refused(placed, browser, make_user):
    make_user(role="purchasing_officer", email="po@s.test")
    browser.login("po@s.test")
    for data in ({}, {"contract_id": "999999"}):
        response = browser.post_form("/purchase-orders/create", data, page="/purchase-orders/to-place")
        assert response.status_code == 409
    assert db.session.scalars(select(func.count(Delivery.id))).one() == 0
    assert pos.approved_groups()[0].total_ht == Decimal("3000.00")


# --- the "to place" marker (OrderLine.to_place_contract_id, migration scale_02) ------------------------------

def _markers() -> dict[int, int | None]:
    db.session.expire_all()
    return dict(db.session.execute(select(OrderLine.id, OrderLine.to_place_contract_id)).all())


def _rule() -> dict[int, int | None]:
    """What the marker must say, from the rows: the offer's contract of an approved line on no purchase order."""
    rows = db.session.execute(
        select(OrderLine.id, Offer.contract_id, Order.status, PurchaseOrderLine.id)
        .join(Order, OrderLine.order_id == Order.id).join(Offer, OrderLine.offer_id == Offer.id)
        .outerjoin(PurchaseOrderLine, PurchaseOrderLine.order_line_id == OrderLine.id)).all()
    return {line: (contract if status == "approved" and placed is None else None)
            for line, contract, status, placed in rows}


def test_to_place_marker_follows_approval_placement_release_and_cancellation(placed):
    contract, officer = placed["offer"].contract_id, placed["officer"]
    lines = {line.id for o in placed["orders"] for line in o.lines}
    assert _markers() == _rule() and {i for i, c in _markers().items() if c == contract} == lines
    first = pos.create_purchase_order(contract, officer)  # both orders' lines on a draft
    assert _markers() == _rule() and set(_markers().values()) == {None}
    assert pos.to_place_page(db.session.execute(pos.to_place_groups_stmt()).all(), 20) == []
    pos.cancel_purchase_order(first, officer)  # released: waiting again
    assert _markers() == _rule() and {i for i, c in _markers().items() if c == contract} == lines
    (group,) = pos.to_place_page(db.session.execute(pos.to_place_groups_stmt()).all(), 20)
    assert group.line_count == len(lines) and {line.id for line in group.lines} == lines
    cancelled = db.session.get(Order, placed["orders"][0].id)
    orders.change_order_status(cancelled, "cancelled", officer, reason="doublon")  # approved -> cancelled
    assert _markers() == _rule()
    assert {i for i, c in _markers().items() if c == contract} == {line.id for line in placed["orders"][1].lines}
    second = pos.create_purchase_order(contract, officer)
    pos.send_purchase_order(second, officer)  # the remaining order is placed
    assert _markers() == _rule() and set(_markers().values()) == {None}
