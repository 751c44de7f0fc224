"""Products, orders, purchase orders, assets, the pool and tenders through the API: behaviour, validation,
conflicts and scoping (the access rules of every route are in test_access.py)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import event, func, select

from purchasing.accounts.models import Role
from purchasing.extensions import db


def _as(api, world, role):
    return api.as_(world["tokens"][str(role)])


def _count_queries(callable_):
    statements = []

    def count(*_args, **_kw):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        result = callable_()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return result, len(statements)


# --- products ------------------------------------------------------------------------------------

def test_product_fields_with_the_member_price(api, world):
    offer = world["offer"]
    body = _as(api, world, Role.SECRETARY).get(f"/api/v1/products/{offer.product_id}").get_json()
    assert body["id"] == offer.product_id and body["category"] == "laptop" and body["condition"] == "new"
    assert body["brand"] == "Dell" and body["name"].startswith("Dell")
    [out] = body["offers"]
    assert out["id"] == offer.id and out["unit_price_ht"] == "500.00" and out["vat_rate"] == "0.2000"
    assert out["member_price_ht"] == "515.00"  # population 500: the 3 % band of the test grid
    assert body["annual_kgco2e_low"] < body["annual_kgco2e"] < body["annual_kgco2e_high"]
    assert body["expected_lifetime_years"] > 0


def test_staff_see_no_member_price(api, world):
    body = _as(api, world, Role.ADMIN).get(f"/api/v1/products/{world['offer'].product_id}").get_json()
    assert body["offers"][0]["member_price_ht"] is None


def test_product_without_factor_has_null_carbon(api, world, make_offer):
    offer = make_offer(category="software")  # no carbon factor for software
    body = _as(api, world, Role.ADMIN).get(f"/api/v1/products/{offer.product_id}").get_json()
    assert body["annual_kgco2e"] is None and body["annual_kgco2e_low"] is None and body["annual_kgco2e_high"] is None


def test_product_filters_and_sort(api, world, make_offer):
    make_offer(price="120.00", category="monitor_24", brand="Iiyama", name="ProLite test")
    make_offer(price="300.00", brand="Lenovo", name="ThinkPad reconditionné", condition="refurbished")
    client = _as(api, world, Role.SECRETARY)
    monitors = client.get("/api/v1/products?category=monitor_24").get_json()
    assert [p["brand"] for p in monitors["items"]] == ["Iiyama"]
    assert client.get("/api/v1/products?category=nope").get_json()["total"] == 0
    refurbished = client.get("/api/v1/products?condition=refurbished").get_json()
    assert [p["model"] for p in refurbished["items"]] == ["ThinkPad reconditionné"]
    by_price = client.get("/api/v1/products?sort=price").get_json()["items"]
    prices = [Decimal(p["offers"][0]["unit_price_ht"]) for p in by_price]
    assert prices == sorted(prices) and len(prices) == 3
    assert [p["model"] for p in client.get("/api/v1/products?q=thinkpad").get_json()["items"]] == [
        "ThinkPad reconditionné"]


def test_product_query_validation_names_the_fields(api, world):
    response = _as(api, world, Role.SECRETARY).get("/api/v1/products?sort=cheap&condition=broken&per_page=0")
    assert response.status_code == 422
    fields = {e["field"] for e in response.get_json()["errors"]}
    assert fields == {"sort", "condition", "per_page"}


def test_unknown_or_inactive_product_is_404(api, world):
    client = _as(api, world, Role.SECRETARY)
    assert client.get("/api/v1/products/999999").status_code == 404
    product = world["offer"].product
    product.is_active = False
    db.session.flush()
    assert client.get(f"/api/v1/products/{product.id}").status_code == 404


def test_the_product_list_runs_a_bounded_number_of_queries(api, world, make_offer):
    client = _as(api, world, Role.SECRETARY)
    client.get("/api/v1/me")
    response, few = _count_queries(lambda: client.get("/api/v1/products?per_page=100"))
    for n in range(12):
        make_offer(price=f"{100 + n}.00")
    response, many = _count_queries(lambda: client.get("/api/v1/products?per_page=100"))
    assert response.get_json()["total"] == 13
    assert many == few and many <= 10, (few, many)


# --- orders --------------------------------------------------------------------------------------

def test_a_business_rule_refusal_is_a_409_and_writes_nothing(api, world):
    """422 means "the request breaks the document" (fields named); a rule refusing valid input is a 409."""
    from sqlalchemy import func, select

    from purchasing.orders.models import Order

    before = db.session.scalar(select(func.count(Order.id)))
    response = _as(api, world, Role.SECRETARY).post("/api/v1/orders", json={"lines": [
        {"offer_id": world["offer"].id, "quantity": 6000}, {"offer_id": world["offer"].id, "quantity": 6000}]})
    assert response.status_code == 409 and response.get_json()["code"] == "invalid_quantity"
    assert response.mimetype == "application/problem+json"
    assert db.session.scalar(select(func.count(Order.id))) == before


def test_create_order_validation_names_the_fields(api, world):
    client = _as(api, world, Role.SECRETARY)
    response = client.post("/api/v1/orders", json={"lines": [{"offer_id": world["offer"].id, "quantity": 0},
                                                             {"quantity": "2"}], "colour": "blue"})
    assert response.status_code == 422
    fields = {e["field"] for e in response.get_json()["errors"]}
    assert fields == {"lines.0.quantity", "lines.1.offer_id", "lines.1.quantity", "colour"}
    assert client.post("/api/v1/orders", json={"lines": []}).status_code == 422


def test_an_unknown_offer_is_refused_and_nothing_is_written(api, world):
    from sqlalchemy import func, select

    from purchasing.orders.models import Order

    before = db.session.scalar(select(func.count(Order.id)))
    response = _as(api, world, Role.SECRETARY).post("/api/v1/orders", json={"lines": [
        {"offer_id": world["offer"].id, "quantity": 1}, {"offer_id": 987654, "quantity": 1}]})
    assert response.status_code == 409 and response.get_json()["code"] == "offer_unavailable"
    assert db.session.scalar(select(func.count(Order.id))) == before


def test_submit_needs_a_delivery_site(api, world):
    client = _as(api, world, Role.SECRETARY)
    order = client.post("/api/v1/orders", json={"lines": [{"offer_id": world["offer"].id, "quantity": 1}]}).get_json()
    response = client.post(f"/api/v1/orders/{order['id']}/submit")
    assert response.status_code == 409 and response.get_json()["code"] == "no_delivery_site"
    assert client.get(f"/api/v1/orders/{order['id']}").get_json()["status"] == "draft"


def test_approve_reject_cancel_follow_the_order_machine(api, world):
    secretary, approver = _as(api, world, Role.SECRETARY), _as(api, world, Role.APPROVER)
    line = {"offer_id": world["offer"].id, "quantity": 3}  # 1 545 € > 1 000 €: needs the approver
    first = secretary.post("/api/v1/orders", json={"lines": [line], "delivery_site": "Mairie"}).get_json()
    assert first["total_ht"] == "1545.00"
    assert approver.post(f"/api/v1/orders/{first['id']}/approve").status_code == 409  # a draft: not allowed
    assert secretary.post(f"/api/v1/orders/{first['id']}/submit").get_json()["status"] == "submitted"
    for blank in ({}, {"reason": "  "}):
        no_reason = approver.post(f"/api/v1/orders/{first['id']}/reject", json=blank)
        assert no_reason.status_code == 422 and no_reason.get_json()["errors"][0]["field"] == "reason"
    rejected = approver.post(f"/api/v1/orders/{first['id']}/reject", json={"reason": "Budget épuisé"}).get_json()
    assert rejected["status"] == "rejected" and rejected["events"][-1]["reason"] == "Budget épuisé"
    conflict = approver.post(f"/api/v1/orders/{first['id']}/approve")
    assert conflict.status_code == 409 and conflict.get_json()["code"] == "transition_not_allowed"

    second = secretary.post("/api/v1/orders", json={"lines": [line], "delivery_site": "Mairie"}).get_json()
    secretary.post(f"/api/v1/orders/{second['id']}/submit")
    assert approver.post(f"/api/v1/orders/{second['id']}/approve").get_json()["status"] == "approved"
    assert secretary.post(f"/api/v1/orders/{second['id']}/cancel", json={}).get_json()["status"] == "cancelled"
    assert secretary.post(f"/api/v1/orders/{second['id']}/cancel", json={}).status_code == 409


def test_approver_of_another_member_gets_404(api, world, make_user, token_for):
    approver_b = api.as_(token_for(make_user(role=Role.APPROVER, member=world["member_b"])))
    order_a = world["order_a"]
    for action in ("approve", "reject"):
        response = approver_b.post(f"/api/v1/orders/{order_a.id}/{action}", json={"reason": "x"})
        assert response.status_code == 404, action


def test_order_list_is_scoped_and_filtered(api, world):
    mine = _as(api, world, Role.SECRETARY).get("/api/v1/orders").get_json()
    assert [o["id"] for o in mine["items"]] == [world["order_a"].id]
    everyone = _as(api, world, Role.SUSTAINABILITY_OFFICER).get("/api/v1/orders?per_page=100").get_json()
    assert {world["order_a"].id, world["order_b"].id} <= {o["id"] for o in everyone["items"]}
    approved = _as(api, world, Role.ADMIN).get("/api/v1/orders?status=approved").get_json()
    assert {o["status"] for o in approved["items"]} == {"approved"}
    assert _as(api, world, Role.ADMIN).get("/api/v1/orders?status=bogus").status_code == 422


# --- purchase orders -----------------------------------------------------------------------------

def _approved_order(world, offer, quantity=1, member="a"):
    from datetime import date

    from purchasing.orders import services as orders

    user = world["users"][Role.SECRETARY] if member == "a" else world["secretary_b"]
    order = orders.create_order(user, [(offer.id, quantity)], date.today(), "Mairie")
    orders.submit_order(order, user, date.today())
    if order.status == "submitted":
        orders.approve(order, world["users"][Role.APPROVER])
    return order


def test_purchase_order_needs_approved_orders_of_one_contract(api, world, make_offer):
    from purchasing.orders.models import Order
    from purchasing.purchase_orders.models import PurchaseOrder

    officer = _as(api, world, Role.PURCHASING_OFFICER)
    order_a = world["order_a"]
    response = officer.post("/api/v1/purchase-orders", json={"order_ids": [order_a.id]})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    # a draft purchase order of the order's contract and supplier with its line and total; the order stays
    # approved until the purchase order is sent
    assert body["status"] == "draft" and body["sent_dt"] is None
    assert body["contract_id"] == world["offer"].contract_id
    assert body["supplier_id"] == world["offer"].contract.supplier_id
    # at the supplier's prices (the member prices include the syndicate's fee)
    assert body["total_ht"] == str(sum(line.base_unit_price_ht * line.quantity for line in order_a.lines))
    assert [line["order_line_id"] for line in body["lines"]] == [line.id for line in order_a.lines]
    db.session.expire_all()
    assert db.session.get(Order, order_a.id).status == "approved"
    other = _approved_order(world, make_offer(price="100.00"))
    same = _approved_order(world, world["offer"])
    purchase_orders = db.session.scalar(select(func.count(PurchaseOrder.id)))
    mixed = officer.post("/api/v1/purchase-orders", json={"order_ids": [other.id, same.id]})
    assert mixed.status_code == 409 and mixed.get_json()["code"] == "several_contracts"
    # refused: no purchase order written
    db.session.expire_all()
    assert [db.session.get(Order, o.id).status for o in (other, same)] == ["approved", "approved"]
    assert db.session.scalar(select(func.count(PurchaseOrder.id))) == purchase_orders
    again = officer.post("/api/v1/purchase-orders", json={"order_ids": [world["order_a"].id]})
    assert again.status_code == 409 and again.get_json()["code"] == "already_placed"
    unknown = officer.post("/api/v1/purchase-orders", json={"order_ids": [999999]})
    assert unknown.status_code == 409 and unknown.get_json()["details"]["order_ids"] == [999999]
    assert officer.post("/api/v1/purchase-orders", json={"order_ids": []}).status_code == 422


def test_draft_orders_cannot_be_placed(api, world):
    draft = _as(api, world, Role.SECRETARY).post("/api/v1/orders", json={"lines": [
        {"offer_id": world["offer"].id, "quantity": 1}]}).get_json()
    response = _as(api, world, Role.ADMIN).post("/api/v1/purchase-orders", json={"order_ids": [draft["id"]]})
    assert response.status_code == 409 and response.get_json()["code"] == "orders_not_approved"


def test_send_over_the_ceiling_is_409_with_the_remaining_amount(api, world, make_offer):
    offer = make_offer(price="400.00", max_amount="1000.00", committed="900.00")
    order = _approved_order(world, offer)
    officer = _as(api, world, Role.PURCHASING_OFFICER)
    po = officer.post("/api/v1/purchase-orders", json={"order_ids": [order.id]}).get_json()
    response = officer.post(f"/api/v1/purchase-orders/{po['id']}/send")
    assert response.status_code == 409
    body = response.get_json()
    assert body["code"] == "contract_ceiling_exceeded" and body["details"]["remaining_ht"] == "100.00"
    assert officer.get(f"/api/v1/purchase-orders/{po['id']}").get_json()["status"] == "draft"


def test_send_then_deliver_creates_the_assets(api, world):
    officer = _as(api, world, Role.PURCHASING_OFFICER)
    po = world["po"]
    sent = officer.post(f"/api/v1/purchase-orders/{po.id}/send").get_json()
    assert sent["status"] == "sent"
    line_id = world["order_b"].lines[0].id
    bad = officer.post(f"/api/v1/purchase-orders/{po.id}/deliveries",
                       json={"lines": [{"order_line_id": line_id, "quantity": 1, "serial_numbers": ["A", "B"]}]})
    assert bad.status_code == 409 and bad.get_json()["code"] == "serial_count_mismatch"
    unknown = officer.post(f"/api/v1/purchase-orders/{po.id}/deliveries",
                           json={"lines": [{"order_line_id": world["order_a"].lines[0].id, "quantity": 1}]})
    assert unknown.status_code == 409 and unknown.get_json()["code"] == "unknown_order_line"
    response = officer.post(f"/api/v1/purchase-orders/{po.id}/deliveries",
                            json={"lines": [{"order_line_id": line_id, "quantity": 1, "serial_numbers": ["SN-API-1"]}]})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["purchase_order"]["status"] == "delivered"
    [asset] = body["assets"]
    assert asset["serial_number"] == "SN-API-1" and asset["order_line_id"] == line_id
    # the asset is in member B's inventory, not member A's
    assert _as(api, world, Role.SECRETARY).get(f"/api/v1/assets/{asset['tag']}").status_code == 404
    assert _as(api, world, Role.ADMIN).get(f"/api/v1/assets/{asset['tag']}").get_json()["member"]["id"] == \
        world["member_b"].id
    again = officer.post(f"/api/v1/purchase-orders/{po.id}/deliveries",
                         json={"lines": [{"order_line_id": line_id, "quantity": 1}]})
    assert again.status_code == 409  # delivered: the purchase-order machine refuses another delivery


def test_deliveries_validation_names_the_fields(api, world):
    response = _as(api, world, Role.ADMIN).post(f"/api/v1/purchase-orders/{world['po'].id}/deliveries",
                                                json={"lines": [{"order_line_id": "x", "quantity": -1}]})
    assert response.status_code == 422
    assert {e["field"] for e in response.get_json()["errors"]} == {"lines.0.order_line_id", "lines.0.quantity"}


# --- assets and the pool -------------------------------------------------------------------------

def test_asset_list_is_scoped_and_filtered(api, world, make_asset):
    make_asset(world["member_a"], code="monitor_24", designation="Écran")
    mine = _as(api, world, Role.APPROVER).get("/api/v1/assets").get_json()
    assert {a["member"]["id"] for a in mine["items"]} == {world["member_a"].id} and mine["total"] == 2
    monitors = _as(api, world, Role.APPROVER).get("/api/v1/assets?category=monitor_24").get_json()
    assert [a["category"] for a in monitors["items"]] == ["monitor_24"]
    in_pool = _as(api, world, Role.ADMIN).get("/api/v1/assets?status=in_pool").get_json()
    assert [a["tag"] for a in in_pool["items"]] == [world["asset_b"].tag]
    assert _as(api, world, Role.ADMIN).get("/api/v1/assets?status=lost").status_code == 422


def test_asset_detail_has_its_events(api, world):
    body = _as(api, world, Role.SECRETARY).get(f"/api/v1/assets/{world['asset_a'].tag.lower()}").get_json()
    assert body["tag"] == world["asset_a"].tag and body["status"] == "in_stock"
    assert [e["kind"] for e in body["events"]] == ["created"]


def test_an_imported_assets_events_start_with_its_import(api, world):
    from lifecycle.imports import bulk
    from purchasing.catalogue.models import Category

    laptop = db.session.scalars(select(Category).where(Category.code == "laptop")).one()
    row = dict(category_id=laptop.id, designation="Portable importé", status="in_service")
    [asset_id] = bulk.insert_assets(world["member_a"].id, None, [row], "parc.csv")
    db.session.commit()
    body = _as(api, world, Role.SECRETARY).get(f"/api/v1/assets/{row['tag']}").get_json()
    assert [(e["kind"], e["to_status"]) for e in body["events"]] == [("imported", "in_service")]


def test_member_roles_get_404_acting_on_another_members_asset(api, world):
    tag = world["asset_b"].tag
    client = _as(api, world, Role.SECRETARY)
    assert client.post(f"/api/v1/assets/{tag}/offer", json={"condition": "good"}).status_code == 404
    assert client.post(f"/api/v1/assets/{tag}/erasure", json={
        "method": "nist_purge", "certificate_ref": "C-1", "performed_on": "2026-01-01"}).status_code == 404


def test_erasure_validation_names_the_fields(api, world):
    response = _as(api, world, Role.SECRETARY).post(f"/api/v1/assets/{world['asset_a'].tag}/erasure", json={
        "method": "shred", "performed_on": "yesterday"})
    assert response.status_code == 422
    assert {e["field"] for e in response.get_json()["errors"]} == {"method", "certificate_ref", "performed_on"}


def test_offer_erase_and_claim_first_claim_wins(api, world, make_user, make_member, token_for):
    tag = world["asset_a"].tag
    owner = _as(api, world, Role.SECRETARY)
    offered = owner.post(f"/api/v1/assets/{tag}/offer", json={"condition": "fair", "note": "Batterie faible"})
    assert offered.status_code == 200 and offered.get_json()["status"] == "in_pool"
    assert owner.post(f"/api/v1/assets/{tag}/offer", json={"condition": "fair"}).status_code == 409
    pool = _as(api, world, Role.SUSTAINABILITY_OFFICER).get("/api/v1/pool").get_json()
    assert tag in [item["tag"] for item in pool["items"]]
    assert [i["tag"] for i in owner.get("/api/v1/pool?condition=fair").get_json()["items"]] == [tag]

    claimer = api.as_(token_for(world["secretary_b"]))
    refused = claimer.post(f"/api/v1/pool/{tag}/claim", json={})
    assert refused.status_code == 409 and refused.get_json()["code"] == "erasure_required"
    assert "effacement" in refused.get_json()["detail"]

    erased = owner.post(f"/api/v1/assets/{tag}/erasure", json={
        "method": "nist_purge", "certificate_ref": "CERT-2026-001", "performed_on": "2026-01-15"})
    assert erased.status_code == 201 and erased.get_json()["events"][-1]["kind"] == "erasure"
    claimed = claimer.post(f"/api/v1/pool/{tag}/claim", json={})
    assert claimed.status_code == 200, claimed.get_json()
    body = claimed.get_json()
    assert (body["status"], body["reserved_for"]["id"]) == ("reserved", world["member_b"].id)
    assert body["decline_until"] > body["reserved_dt"]
    gamma = make_member(name="Commune Gamma")
    third = api.as_(token_for(make_user(role=Role.SECRETARY, member=gamma)))
    taken = third.post(f"/api/v1/pool/{tag}/claim", json={})
    assert taken.status_code == 409 and taken.get_json()["code"] == "listing_taken"
    assert claimer.post("/api/v1/pool/NOPE-0/claim", json={}).status_code == 404

    # only the donor answers: the claimant cannot decline nor confirm for it
    assert claimer.post(f"/api/v1/pool/{tag}/decline", json={"reason": "non"}).status_code == 404
    assert claimer.post(f"/api/v1/pool/{tag}/confirm").status_code == 404
    no_reason = owner.post(f"/api/v1/pool/{tag}/decline", json={"reason": "  "})
    assert no_reason.status_code == 422
    declined = owner.post(f"/api/v1/pool/{tag}/decline", json={"reason": "Promis à l'école"})
    assert declined.status_code == 200 and declined.get_json()["status"] == "open"
    assert declined.get_json()["reserved_for"] is None
    again = claimer.post(f"/api/v1/pool/{tag}/claim", json={})
    assert again.status_code == 409 and again.get_json()["code"] == "claim_declined"
    assert third.post(f"/api/v1/pool/{tag}/claim", json={}).get_json()["status"] == "reserved"
    given = owner.post(f"/api/v1/pool/{tag}/confirm")
    assert given.status_code == 200 and given.get_json()["status"] == "claimed"
    assert third.get(f"/api/v1/assets/{tag}").get_json()["member"]["id"] == gamma.id
    assert owner.post(f"/api/v1/pool/{tag}/confirm").status_code == 404  # no longer the donor's asset


def test_staff_claim_names_the_member(api, world):
    tag = world["asset_b"].tag
    admin = _as(api, world, Role.ADMIN)
    none = admin.post(f"/api/v1/pool/{tag}/claim", json={})
    assert none.status_code == 409 and none.get_json()["code"] == "member_required"
    own = admin.post(f"/api/v1/pool/{tag}/claim", json={"member_id": world["member_b"].id})
    assert own.status_code == 409 and own.get_json()["code"] == "own_listing"


# --- tenders -------------------------------------------------------------------------------------

@pytest.fixture
def tender_with_bid(world, make_offer):
    from purchasing.tenders import services as tenders
    from purchasing.tenders.models import Bid

    tender = world["tender"]
    lot = tenders.add_lot(tender, tenders.LotInput(number=1, title="Portables", estimated_quantities="100",
                                                   estimated_amount_ht=Decimal("80000"), max_amount_ht=None,
                                                   duration_months=48))
    tenders.set_criterion(lot, "price", 60)
    supplier = make_offer().contract.supplier
    db.session.add(Bid(lot=lot, supplier=supplier, total_price_ht=Decimal("71234.56"), filename="offre.xlsx"))
    db.session.flush()
    return tender


def test_tender_list(api, world):
    body = _as(api, world, Role.PURCHASING_OFFICER).get("/api/v1/tenders").get_json()
    assert [(t["id"], t["reference"], t["status"]) for t in body["items"]] == [
        (world["tender"].id, "AO-API-1", "draft")]


def test_bid_prices_are_absent_while_sealed(api, world, tender_with_bid):
    client = _as(api, world, Role.ADMIN)
    body = client.get(f"/api/v1/tenders/{tender_with_bid.id}").get_json()
    assert body["bids_sealed"] is True
    [lot] = body["lots"]
    assert lot["criteria"] == [{"kind": "price", "weight": 60, "environmental_mode": None}]
    [bid] = lot["bids"]
    assert "total_price_ht" not in bid and "71234.56" not in str(body)
    # after the deadline, once closed, the tenders service's rule unseals the prices
    tender_with_bid.bid_deadline = datetime.now(timezone.utc) - timedelta(hours=1)
    tender_with_bid.status = "closed"
    db.session.flush()
    body = client.get(f"/api/v1/tenders/{tender_with_bid.id}").get_json()
    assert body["bids_sealed"] is False and body["lots"][0]["bids"][0]["total_price_ht"] == "71234.56"


def test_unknown_tender_is_404(api, world):
    assert _as(api, world, Role.ADMIN).get("/api/v1/tenders/424242").status_code == 404


@pytest.mark.parametrize("url", ["/api/v1/assets?per_page=100", "/api/v1/pool?per_page=100",
                                 "/api/v1/orders?per_page=100"])
def test_lists_run_a_bounded_number_of_queries(api, world, make_asset, url):
    from lifecycle.pool import services as pool_services

    client = _as(api, world, Role.ADMIN)
    client.get("/api/v1/me")
    _response, few = _count_queries(lambda: client.get(url))
    for n in range(8):
        asset = make_asset(world["member_a"], designation=f"Portable {n}")
        pool_services.offer_to_pool(asset, condition="good", note="", actor=None)
        _approved_order(world, world["offer"])
    response, many = _count_queries(lambda: client.get(url))
    assert response.status_code == 200 and response.get_json()["total"] >= 9
    assert many == few and many <= 8, (url, few, many)
