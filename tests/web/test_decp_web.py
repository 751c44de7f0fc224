"""DECP pages and API: the lot's CPV picker, the officer's page with its warnings, the JSON, the register."""
from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from purchasing.contracts.models import ContractModification, DecpPublication
from purchasing.extensions import db
from purchasing.tenders.models import TenderLot
from tests.integration.test_decp import BUYER_SIRET, awarded_contract, buyer  # noqa: F401 - fixture
from tests.tender_helpers import make_tender

OFFICER = "decp-web@s.test"


@pytest.fixture
def officer(browser, make_user):
    make_user(role="purchasing_officer", email=OFFICER)
    browser.login(OFFICER)
    return browser


def _lot_form(cpv: str) -> dict:
    return {"number": "1", "title": "Portables", "estimated_quantities": "", "estimated_amount_ht": "50000",
            "max_amount_ht": "90000", "duration_months": "48", "cpv_code": cpv}


def test_the_lot_form_offers_the_cpv_list_and_refuses_a_code_outside_it_in_french(officer):
    tender = make_tender("AO-W-01")
    lot = tender.lots[0]
    db.session.commit()
    page = officer.get(f"/tenders/lots/{lot.id}/edit").get_data(as_text=True)
    assert 'list="cpv-codes"' in page and '<datalist id="cpv-codes">' in page
    assert '<option value="30213100">30213100 — Ordinateurs portatifs</option>' in page
    response = officer.post_form(f"/tenders/lots/{lot.id}/edit", _lot_form("45112500"))
    assert response.status_code == 422
    assert "Le code CPV 45112500 n&#39;est pas dans la liste des codes informatiques" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(TenderLot, lot.id).cpv_code is None and db.session.get(TenderLot, lot.id).title != "Portables"
    response = officer.post_form(f"/tenders/lots/{lot.id}/edit", _lot_form("30213100-6"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(TenderLot, lot.id).cpv_code == "30213100"


def test_the_officer_page_warns_two_months_after_notification_and_lists_missing_data(officer, buyer):  # noqa: F811
    today = date.today()
    late = awarded_contract("AO-W-02", "90000.00", notified_on=today - timedelta(days=70))
    incomplete = awarded_contract("AO-W-03", "90000.00", cpv=None, notified_on=today - timedelta(days=3))
    db.session.commit()
    page = officer.get(f"/decp/?from={today.year - 1}-01-01&to={today.isoformat()}").get_data(as_text=True)
    assert late.reference in page and incomplete.reference in page
    assert "En retard : notifié il y a plus de deux mois et pas encore publié." in page
    assert "le lot n&#39;a pas de code CPV." in page
    response = officer.get(f"/decp/decp.json?from={today.year - 1}-01-01&to={today.isoformat()}")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert [r["id"] for r in json.loads(response.get_data())["marches"]["marche"]] == [late.reference]


def test_publishing_from_the_page_records_the_register(officer, buyer):  # noqa: F811
    today = date.today()
    contract = awarded_contract("AO-W-04", "90000.00", notified_on=today - timedelta(days=10))
    db.session.commit()
    page = f"/decp/?from={today.year - 1}-01-01&to={today.isoformat()}"
    response = officer.post_form("/decp/publish", {"period_from": f"{today.year - 1}-01-01",
                                                   "period_to": today.isoformat()}, page=page)
    assert response.status_code == 302
    publication = db.session.scalar(select(DecpPublication))
    assert publication.contract_count == 1 and publication.published_on == today
    assert "Aucune publication enregistrée." not in officer.get(page).get_data(as_text=True)
    again = officer.post_form("/decp/publish", {"period_from": f"{today.year - 1}-01-01",
                                                "period_to": today.isoformat()}, page=page)
    assert again.status_code == 409 and "Rien à publier" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count(DecpPublication.id))) == 1
    assert contract.reference not in officer.get(page).get_data(as_text=True).split("Fichier d")[0]


def test_a_modification_is_recorded_from_the_contract_page(officer, buyer):  # noqa: F811
    today = date.today()
    contract = awarded_contract("AO-W-05", "90000.00", notified_on=today - timedelta(days=10))
    db.session.commit()
    page = f"/contracts/{contract.id}"
    assert "Données essentielles (DECP)" in officer.get(page).get_data(as_text=True)
    bad = officer.post_form(f"/decp/contracts/{contract.id}/modifications",
                            {"notified_on": today.isoformat(), "object": "Avenant", "new_max_amount_ht": "",
                             "new_duration_months": ""}, page=page)
    assert bad.status_code == 422 and "Indiquez le nouveau montant ou la nouvelle durée." in bad.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ContractModification.id))) == 0
    ok = officer.post_form(f"/decp/contracts/{contract.id}/modifications",
                           {"notified_on": today.isoformat(), "object": "Avenant n° 1", "new_max_amount_ht": "99 000,00",
                            "new_duration_months": ""}, page=page)
    assert ok.status_code == 302
    modification = db.session.scalar(select(ContractModification))
    assert (modification.number, modification.new_max_amount_ht) == (1, Decimal("99000.00"))


@pytest.mark.parametrize("query", ["from=2026-02-30", "from=01/01/2026", "from=2026-12-01&to=2026-01-01",
                                   "to=demain"])
def test_the_api_refuses_bad_dates_with_a_french_reason(client, make_user, query):
    from purchasing.api.services import issue_token

    user = make_user(role="purchasing_officer", email="decp-api@s.test")
    secret = issue_token(user, "decp")[1]
    response = client.get(f"/api/v1/decp?{query}", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert response.json["code"] == "invalid_period" and "période" in response.json["detail"]


def test_the_api_gives_the_period_file(client, make_user, buyer):  # noqa: F811
    from purchasing.api.services import issue_token

    contract = awarded_contract("AO-W-06", "40000.00", notified_on=date(2026, 3, 2))
    below = awarded_contract("AO-W-07", "39999.99", notified_on=date(2026, 3, 2))
    secret = issue_token(make_user(role="purchasing_officer", email="decp-api2@s.test"), "decp")[1]
    response = client.get("/api/v1/decp?from=2026-01-01&to=2026-06-30", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    records = json.loads(response.get_data())["marches"]["marche"]
    assert [r["id"] for r in records] == [contract.reference] and below.reference not in response.get_data(as_text=True)
    assert records[0]["acheteur"]["id"] == BUYER_SIRET and response.headers["X-DECP-Refused"] == "0"
    document = client.get("/api/v1/openapi.json").json
    assert {p["name"] for p in document["paths"]["/api/v1/decp"]["get"]["parameters"]} >= {"from", "to"}


def test_the_decp_page_does_not_query_per_contract(officer, buyer):  # noqa: F811
    from tests.web.test_catalogue_pages import count_queries

    today = date.today()
    url = f"/decp/?from={today.year - 1}-01-01&to={today.isoformat()}"
    counts = []
    for n in range(3):
        awarded_contract(f"AO-Q-{n:02d}", "90000.00", notified_on=today - timedelta(days=5))
        if n == 1:
            continue
        db.session.commit()
        with count_queries() as statements:
            assert officer.get(url).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize("query", ["to=2099-12-31", "from=2000-01-01", "from=2026-01-01&to=2026-01-01"])
def test_the_api_accepts_every_period_its_document_allows(client, make_user, query):
    """The document allows any ISO day of 2000-2099 (Schemathesis in CI sent one past "next year", then refused)."""
    from purchasing.api.services import issue_token

    user = make_user(role="purchasing_officer", email="decp-api@s.test")
    secret = issue_token(user, "decp")[1]
    response = client.get(f"/api/v1/decp?{query}", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200, response.get_data(as_text=True)


def test_the_api_documents_the_period_it_checks(client):
    """Every value the document allows is accepted (above); one it refuses is refused too (Schemathesis: ST201 on
    ``to=`` when the pattern did not allow the empty value the API reads as the default)."""
    import re

    params = {p["name"]: p["schema"] for p in
              client.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/decp"]["get"]["parameters"]}
    for name in ("from", "to"):
        pattern = re.compile(params[name]["pattern"])
        assert pattern.match("") and pattern.match("2026-01-31") and pattern.match("2099-12-31")
        assert not pattern.match("1999-12-31") and not pattern.match("2026-13-01") and not pattern.match("01/01/2026")
