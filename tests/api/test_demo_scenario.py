"""The issue's must-show scenario through the API, on the demo data, as a new user would."""
from __future__ import annotations

from decimal import Decimal

from purchasing.demo import load_demo


def test_secretary_of_petite_commune_orders_through_the_api(app, api):
    load_demo(seed=2026)
    response = api.post("/api/v1/auth/token", json={"email": "secretaire@petite-commune.demo", "password": "demo",
                                                    "name": "script"})
    assert response.status_code == 201, response.get_json()
    me = api.as_(response.get_json()["token"])

    listing = me.get("/api/v1/products?q=latitude 5430&per_page=5").get_json()
    assert listing["total"] >= 1
    product = next(p for p in listing["items"] if p["model"] == "Latitude 5430")
    offer = product["offers"][0]
    # 412 inhabitants: the 2 % band of the demo grid, computed from the base price, as decimal strings
    assert isinstance(offer["unit_price_ht"], str) and isinstance(offer["member_price_ht"], str)
    assert Decimal(offer["member_price_ht"]) == (Decimal(offer["unit_price_ht"]) * Decimal("1.02")).quantize(
        Decimal("0.01"))
    assert product["annual_kgco2e_low"] <= product["annual_kgco2e"] <= product["annual_kgco2e_high"]

    created = me.post("/api/v1/orders", json={"lines": [{"offer_id": offer["id"], "quantity": 2}],
                                              "delivery_site": "Mairie, 1 place de l'Église"})
    assert created.status_code == 201, created.get_json()
    order = created.get_json()
    assert order["status"] == "draft"
    assert Decimal(order["total_ht"]) == Decimal(offer["member_price_ht"]) * 2

    submitted = me.post(f"/api/v1/orders/{order['id']}/submit")
    assert submitted.status_code == 200, submitted.get_json()
    assert submitted.get_json()["status"] in ("submitted", "approved")

    back = me.get(f"/api/v1/orders/{order['id']}").get_json()
    assert back["id"] == order["id"] and back["status"] == submitted.get_json()["status"]
    assert [(line["offer_id"], line["quantity"], line["unit_price_ht"]) for line in back["lines"]] == [
        (offer["id"], 2, offer["member_price_ht"])]
    assert [e["to_status"] for e in back["events"]][:2] == ["draft", "submitted"]
    assert back["id"] in [o["id"] for o in me.get("/api/v1/orders?status=" + back["status"]).get_json()["items"]]
