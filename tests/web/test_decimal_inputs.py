"""Decimal inputs are shown back the page's way: "2,00" on a French page, "2.00" on an English one."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from purchasing.extensions import db
from purchasing.pricing import services


def _grid():
    services.create_grid_version(date(2026, 1, 1), "Délibération 2026-01", [
        services.BandData("Petites communes", 0, 999, Decimal("0.0200")),
        services.BandData("Autres", 1000, None, Decimal("0.0450"))])
    db.session.commit()


def test_tariff_rates_are_prefilled_with_a_decimal_comma_in_french(browser, make_user):
    _grid()
    make_user(role="admin", email="admin@dec.test")
    browser.login("admin@dec.test")
    page = browser.get("/admin/tariff-grids/new").get_data(as_text=True)
    assert 'value="2,00"' in page and 'value="4,50"' in page
    assert 'value="2.00"' not in page


def test_a_refused_form_shows_the_typed_value_unchanged(browser, make_user):
    _grid()
    make_user(role="admin", email="admin@dec.test")
    browser.login("admin@dec.test")
    response = browser.post_form("/admin/tariff-grids/new", {
        "effective_from": "2027-01-01", "deliberation_ref": "D",
        "bands-0-label": "A", "bands-0-min_population": "0", "bands-0-max_population": "", "bands-0-fee_percent": "2,5x"},
        page="/admin/tariff-grids/new")
    assert response.status_code == 422 and 'value="2,5x"' in response.get_data(as_text=True)


def test_english_pages_keep_the_decimal_point(browser, make_user):
    _grid()
    user = make_user(role="admin", email="admin@dec.test")
    user.locale = "en"
    db.session.commit()
    browser.login("admin@dec.test")
    page = browser.get("/admin/tariff-grids/new").get_data(as_text=True)
    assert 'value="2.00"' in page and 'value="4.50"' in page


def test_decimal_inputs_are_text_inputs_with_the_decimal_keypad(browser, make_member, make_user):
    """A ``type="number"`` input holding "1000,00" is empty in the browser (the member form's threshold was lost
    when the form came back with another field's error, seen in the admin's e2e journey): decimals are typed in a
    text input with the decimal keypad, which shows "1000,00" as it is and accepts "1 000,00"."""
    member = make_member(name="Seuil-sur-Test")
    make_user(role="admin", email="admin@dec.test")
    browser.login("admin@dec.test")
    html = browser.get(f"/members/{member.id}/edit").get_data(as_text=True)
    field = html[html.index('id="approval_threshold_ht"') - 200:html.index('id="approval_threshold_ht"') + 200]
    assert 'type="text"' in field and 'inputmode="decimal"' in field and 'value="1000,00"' in field
