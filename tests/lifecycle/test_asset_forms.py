"""The add-asset and retire forms (issue 15): a duplicate serial is an error on the serial field, the
unique-constraint race too (never a 500); retiring needs "Je confirme"; typed values kept, nothing written."""
from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import func, select

from lifecycle.assets import services
from lifecycle.assets.models import Asset, AssetEvent
from purchasing.extensions import db


@pytest.fixture
def owner(browser, make_member, make_user, make_asset, category):
    member = make_member()
    make_user(member=member, email="owner@forms.test")
    browser.login("owner@forms.test")
    existing = make_asset(member, serial_number="SER-TAKEN-1")
    data = {"category_id": str(category("laptop").id), "designation": "Don HP ProBook", "serial_number": "SER-TAKEN-1",
            "origin": "donation_received", "condition": "good", "purchase_price_ht": "0",
            "assigned_to": "Accueil mairie", "acquisition_date": "2024-05-02"}
    return {"member": member, "browser": browser, "existing": existing, "data": data}


def _counts():
    return (db.session.scalar(select(func.count(Asset.id))), db.session.scalar(select(func.count(AssetEvent.id))))


def _serial_error(html: str) -> str:
    match = re.search(r'<p class="error-message" id="serial_number-error">(.*?)</p>', html, re.S)
    return match.group(1).strip() if match else ""


def _assert_form_again_with_typed_values(response):
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    assert "Conflit" not in html and "Code d'erreur" not in html
    assert _serial_error(html) == "Le numéro de série « SER-TAKEN-1 » est déjà enregistré sur un autre équipement."
    assert re.search(r'<input[^>]*aria-invalid="true"[^>]*id="serial_number"|<input[^>]*id="serial_number"[^>]*'
                     r'aria-invalid="true"', html)
    for typed in ('value="SER-TAKEN-1"', 'value="Don HP ProBook"', 'value="Accueil mairie"', 'value="2024-05-02"'):
        assert typed in html, typed


def test_a_duplicate_serial_is_an_error_on_the_serial_field_with_the_typed_values_kept(owner):
    before = _counts()
    response = owner["browser"].post_form("/lifecycle/assets/new", owner["data"])
    _assert_form_again_with_typed_values(response)
    assert _counts() == before


def test_the_unique_constraint_race_ends_as_the_same_form_error(owner, monkeypatch):
    """Another request records the serial between our check and our insert: the check sees nothing."""
    monkeypatch.setattr(services, "serials_taken", lambda serials: [])
    before = _counts()
    response = owner["browser"].post_form("/lifecycle/assets/new", owner["data"])
    _assert_form_again_with_typed_values(response)
    db.session.expire_all()
    assert _counts() == before


def test_the_race_in_the_service_is_a_duplicate_serial_conflict(owner, category, monkeypatch):
    from purchasing.domain.errors import ConflictError

    monkeypatch.setattr(services, "serials_taken", lambda serials: [])
    with pytest.raises(ConflictError) as raised:
        services.create_asset(member_id=owner["member"].id, category=category("laptop"), serial_number="SER-TAKEN-1")
    assert raised.value.code == "duplicate_serial" and raised.value.details == {"field": "serial_number"}


def test_retiring_needs_the_confirmation_and_keeps_what_was_typed(owner):
    asset = owner["existing"]
    page = f"/lifecycle/assets/{asset.id}"
    html = owner["browser"].get(page).get_data(as_text=True)
    assert re.search(r'<input[^>]*id="retire-confirm"[^>]*required|<input[^>]*required[^>]*id="retire-confirm"',
                     html)
    data = {"retire-route": "recycled_weee", "retire-retired_on": "2026-01-11", "retire-certificate_ref": "ECO-77",
            "retire-note": "Écran cassé"}
    before = _counts()
    response = owner["browser"].post_form(f"{page}/retire", data, page=page)
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    assert "Cochez « Je confirme »" in re.search(r'id="retire-confirm-error">(.*?)</p>', html, re.S).group(1)
    assert 'value="ECO-77"' in html and "Écran cassé" in html and 'value="2026-01-11"' in html
    db.session.expire_all()
    assert db.session.get(Asset, asset.id).status != "retired" and _counts() == before
    response = owner["browser"].post_form(f"{page}/retire", dict(data, **{"retire-confirm": "y"}), page=page)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Asset, asset.id).status == "retired"


def test_an_action_refused_by_a_rule_shows_the_asset_page_not_an_error_page(owner):
    from lifecycle.pool import services as pool_services

    asset = owner["existing"]
    pool_services.offer_to_pool(asset, condition="good", note="", actor=None)
    page = f"/lifecycle/assets/{asset.id}"
    before = _counts()
    response = owner["browser"].post_form(f"{page}/status", {"status-to": "in_service", "status-reason": "Rentrée"},
                                          page=page)
    assert response.status_code == 409
    html = unescape(response.get_data(as_text=True))
    assert "Code d'erreur" not in html and f"<h1>{asset.tag} —" in html
    refusal = re.search(r'id="action-refused">(.*?)</div>', html, re.S).group(1)
    assert "ne peut pas passer du statut « dans la bourse de réemploi »" in refusal
    db.session.expire_all()
    assert _counts() == before
