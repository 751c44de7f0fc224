"""GET /api/v1/reports/sustainability: the report's indicators, scoped like the web page."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from purchasing.accounts.models import Role
from purchasing.extensions import db

URL = "/api/v1/reports/sustainability"


def _as(api, world, role):
    return api.as_(world["tokens"][str(role)])


def _figure_ok(figure):
    assert set(figure) == {"low", "central", "high", "rows_without_factor"}
    assert figure["low"] <= figure["central"] <= figure["high"]


@pytest.mark.parametrize("role", [Role.SUSTAINABILITY_OFFICER, Role.ADMIN, Role.PURCHASING_OFFICER])
def test_staff_read_the_territory_report(api, world, role):
    year = date.today().year
    body = _as(api, world, role).get(f"{URL}?scope=territory&year={year}").get_json()
    assert body["scope"] == "territory" and body["scope_id"] is None and body["year"] == year
    # two orders of the world, approved this year: 2 × 515.00 of IT purchases, all new
    assert Decimal(body["it_amount_ht"]) == Decimal("1030.00") and body["reuse_share"] == "0.0000"
    assert Decimal(body["reuse_target"]) > 0 and body["reuse_target_source"]
    assert "retired_reuse_share" in body and "retired_reuse_target" in body
    for key in ("purchases_embodied_kgco2e", "avoided_kgco2e", "fleet_annual_kgco2e"):
        _figure_ok(body[key])
    assert body["purchases_embodied_kgco2e"]["central"] > 0
    assert body["fleet_count"] == 2


def test_a_member_user_gets_their_member_by_default(api, world):
    client = _as(api, world, Role.SECRETARY)
    body = client.get(URL).get_json()
    assert body["scope"] == "member" and body["scope_id"] == world["member_a"].id
    assert body["scope_name"] == "Commune Alpha" and Decimal(body["it_amount_ht"]) == Decimal("515.00")
    assert body["fleet_count"] == 1


def test_a_member_user_is_held_to_their_member(api, world):
    client = _as(api, world, Role.APPROVER)
    assert client.get(f"{URL}?scope=territory").status_code == 403
    assert client.get(f"{URL}?scope=epci&id={world['member_a'].id}").status_code == 403
    assert client.get(f"{URL}?scope=member&id={world['member_b'].id}").status_code == 404


def test_scope_and_year_are_checked(api, world, make_member):
    client = _as(api, world, Role.SUSTAINABILITY_OFFICER)
    missing = client.get(f"{URL}?scope=epci")
    assert missing.status_code == 409 and missing.get_json()["code"] == "scope_id_required"
    assert client.get(f"{URL}?scope=epci&id={world['member_a'].id}").status_code == 404  # a commune, not an EPCI
    assert client.get(f"{URL}?scope=member&id=999999").status_code == 404
    bad = client.get(f"{URL}?scope=planet&year=1990")
    assert bad.status_code == 422
    assert {e["field"] for e in bad.get_json()["errors"]} == {"scope", "year"}
    epci = make_member(kind="epci", name="CC Test", insee_code=None)
    world["member_a"].epci_id = epci.id
    db.session.flush()
    body = client.get(f"{URL}?scope=epci&id={epci.id}").get_json()
    assert body["scope_name"] == "CC Test" and Decimal(body["it_amount_ht"]) == Decimal("515.00")
