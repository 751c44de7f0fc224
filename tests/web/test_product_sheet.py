"""Purchasing officers maintain product sheets: the manufacturer footprint overrides the category's."""
from html import unescape

import pytest

from purchasing.catalogue.models import Product
from purchasing.extensions import db

SHEET = {"description": "Portable 14 pouces", "condition": "new", "refurb_grade": "", "repairability_index": "8,5",
         "durability_index": "", "warranty_years": "5", "spare_parts_years": "7", "expected_lifetime_years": "6",
         "embodied_kgco2e": "241", "footprint_source": "https://example.org/pcf.pdf", "annual_kwh": "",
         "holds_storage": "", "is_active": "y"}


@pytest.fixture
def officer(browser, make_user):
    make_user(role="purchasing_officer", email="buyer@test.local")
    browser.login("buyer@test.local")
    return browser


def test_officer_sets_a_manufacturer_footprint_and_the_carbon_per_year_follows(officer, make_offer):
    offer = make_offer()
    product = db.session.get(Product, offer.product_id)
    assert product.annual_kgco2e == pytest.approx(185.09 / 5 + 29.02 * 0.0461, abs=0.01)  # category values
    url = f"/catalogue/products/{product.id}/edit"
    assert officer.post_form(url, SHEET).status_code == 302
    db.session.refresh(product)
    assert product.embodied_kgco2e == 241 and str(product.repairability_index) == "8.5"
    # 241 over 6 years + the laptop category's 29.02 kWh at the current grid factor 0.0461
    assert product.annual_kgco2e == pytest.approx(241 / 6 + 29.02 * 0.0461, abs=0.01)
    page = unescape(officer.get(f"/catalogue/products/{product.id}").get_data(as_text=True))
    assert "valeur du fabricant" in page
    assert str(product.recycled_content_pct) in ("0", "0.00") and product.recycled_content_source == ""


def test_officer_records_the_recycled_content_with_its_source(officer, make_offer):
    product = db.session.get(Product, make_offer().product_id)
    url = f"/catalogue/products/{product.id}/edit"
    assert officer.post_form(url, {**SHEET, "recycled_content_pct": "12,5",
                                   "recycled_content_source": "Fiche environnementale du fabricant"}).status_code == 302
    db.session.refresh(product)
    assert str(product.recycled_content_pct) == "12.50"
    assert product.recycled_content_source == "Fiche environnementale du fabricant"


@pytest.mark.parametrize("changes, message", [
    ({"repairability_index": "12"}, "Un indice est compris entre 0 et 10."),
    ({"embodied_kgco2e": "-3"}, "Entre 0,1 et 100 000 kgCO2e."),
    ({"footprint_source": ""}, "Citez la source de la valeur du fabricant."),
    ({"condition": "refurbished"}, "Indiquez le grade d'un produit reconditionné."),
    ({"warranty_years": ""}, "La garantie est obligatoire (0 si aucune)."),
    ({"expected_lifetime_years": "abc"}, "Saisissez un nombre"),
    ({"recycled_content_pct": "101"}, "Entre 0 et 100 %."),
    ({"recycled_content_pct": "12,5", "recycled_content_source": ""}, "Citez la source de la part recyclée."),
])
def test_bad_sheet_input_is_refused_and_nothing_changes(officer, make_offer, changes, message):
    product = db.session.get(Product, make_offer().product_id)
    response = officer.post_form(f"/catalogue/products/{product.id}/edit", {**SHEET, **changes})
    assert response.status_code == 422
    assert message in unescape(response.get_data(as_text=True))
    db.session.refresh(product)
    assert product.embodied_kgco2e is None


def test_secretary_cannot_edit_a_product(browser, make_user, make_member, make_offer):
    make_user(role="secretary", member=make_member(), email="sec@test.local")
    browser.login("sec@test.local")
    assert browser.get(f"/catalogue/products/{make_offer().product_id}/edit").status_code == 403
