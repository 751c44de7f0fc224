"""Catalogue browsing: search, facets, sorts, bounded queries, product sheet."""
import re
from decimal import Decimal
from html import unescape

import pytest

from tests.query_helpers import count_queries



@pytest.fixture
def catalogue(make_grid, make_offer, make_member, make_user, browser):
    make_grid()
    member = make_member(population=6840)
    make_user(role="secretary", member=member, email="sec@a.test")
    offers = {
        "latitude": make_offer(price="900.00", name="Latitude 5430", brand="Dell", repairability_index=Decimal("8.1"),
                               description="Portable 14 pouces"),
        "thinkpad": make_offer(price="1100.00", name="ThinkPad E14", brand="Lenovo",
                               repairability_index=Decimal("6.0"), expected_lifetime_years=8),
        "refurb": make_offer(price="350.00", name="Latitude 7490 reconditionné", brand="Dell", condition="refurbished",
                             refurb_grade="A", repairability_index=Decimal("7.5")),
        "switch": make_offer(price="129.00", breaks=(), name="GS324", brand="Netgear", category="network_switch"),
    }
    browser.login("sec@a.test")
    return offers


def _names(browser, query):
    html = unescape(browser.get("/catalogue/?" + query).get_data(as_text=True))
    return [name for name in ("Latitude 5430", "ThinkPad E14", "Latitude 7490", "GS324") if name in html]


def test_search_folds_accents_and_case_on_every_word(catalogue, browser):
    assert _names(browser, "q=LATITUDE") == ["Latitude 5430", "Latitude 7490"]
    assert _names(browser, "q=dell+reconditionne") == ["Latitude 7490"]
    assert _names(browser, "q=14+pouces") == ["Latitude 5430"]
    assert _names(browser, "q=REF-") != []  # manufacturer reference


def test_facets(catalogue, browser):
    assert _names(browser, "condition=refurbished") == ["Latitude 7490"]
    assert _names(browser, "brand=Lenovo") == ["ThinkPad E14"]
    assert _names(browser, "repairability=7,5") == ["Latitude 5430", "Latitude 7490"]
    # member price = base × 1.07: 900 → 963.00, 350 → 374.50, 129 → 138.03
    assert _names(browser, "price_min=400&price_max=1000") == ["Latitude 5430"]
    category = catalogue["switch"].product.category_id
    assert _names(browser, f"category={category}") == ["GS324"]


def test_sorts(catalogue, browser):
    def order(sort):
        html = unescape(browser.get(f"/catalogue/?sort={sort}").get_data(as_text=True))
        names = ["Latitude 5430", "ThinkPad E14", "Latitude 7490", "GS324"]
        return sorted((n for n in names if n in html), key=html.index)

    assert order("price") == ["GS324", "Latitude 7490", "Latitude 5430", "ThinkPad E14"]
    # cost per year: 350/5+kWh… < 900/5 … ; ThinkPad lasts 8 years: 1100/8 = 137.5 < 900/5 = 180
    cost = order("cost")
    assert cost.index("ThinkPad E14") < cost.index("Latitude 5430")
    carbon = order("carbon")
    assert carbon[-1] == "GS324"  # no factor: last
    assert carbon.index("ThinkPad E14") < carbon.index("Latitude 5430")  # same embodied, longer life


def test_member_sees_member_price_and_staff_base_price(catalogue, browser, make_user):
    html = unescape(browser.get("/catalogue/").get_data(as_text=True))
    assert "963,00" in html
    browser.logout()
    make_user(role="purchasing_officer", email="po@s.test")
    browser.login("po@s.test")
    html = unescape(browser.get("/catalogue/").get_data(as_text=True))
    assert "900,00" in html and "963,00" not in html


def test_list_page_runs_a_bounded_number_of_queries(make_grid, make_offer, make_member, make_user, browser):
    make_grid()
    make_user(role="secretary", member=make_member(population=412), email="sec@q.test")
    for i in range(24):
        make_offer(price=str(100 + i), name=f"Modèle {i}")
    browser.login("sec@q.test")
    counts = []
    for per_page in (2, 24):
        with count_queries() as statements:
            response = browser.get(f"/catalogue/?per_page={per_page}&sort=carbon")
        assert response.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1] and counts[0] <= 12, counts


def test_a_member_users_member_is_read_with_the_user(make_grid, make_offer, make_member, make_user, browser):
    """The session's user and its member in one query (every member page reads the member: prices, scope)."""
    make_grid()
    make_user(role="secretary", member=make_member(population=412), email="sec@m.test")
    make_offer(price="100", name="Modèle")
    browser.login("sec@m.test")
    with count_queries() as statements:
        assert browser.get("/catalogue/").status_code == 200
    assert sum("FROM user_account" in s for s in statements) == 1, statements
    assert not any(re.search(r"FROM member\b", s) for s in statements), statements


def test_product_sheet_shows_prices_vat_carbon_and_durability(catalogue, browser):
    offer = catalogue["latitude"]
    html = unescape(browser.get(f"/catalogue/products/{offer.product_id}").get_data(as_text=True))
    # 900 × 1.07 = 963.00 HT; VAT 192.60; TTC 1 155.60; break at 10: 950 × 1.07 = 1 016.50
    for text in ("963,00", "192,60", "1\u202f155,60", "1\u202f016,50", "Ajouter au panier"):
        assert text in html, text
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    # durability: lifetime 5/8 × 40 = 25 ; warranty 2/5 × 20 = 8 ; index 8.1 × 3 = 24.3 ; new 0 -> 57.3 -> 57
    assert "Score de durabilité 57 / 100" in text
    # carbon, laptop category and 2025 grid: 185.09/5 + 29.02 × 0.0461 = 38.36 (range 36.34 – 58.38), one decimal
    assert "Empreinte carbone 38,4 kgCO2e par année de service (fourchette 36,3 – 58,4)" in text
    assert "Fabrication : 185 kgCO2e — valeur moyenne de la catégorie" in text
    switch = catalogue["switch"]
    html = unescape(browser.get(f"/catalogue/products/{switch.product_id}").get_data(as_text=True))
    assert "pas de facteur" in html


def test_unknown_product_is_404(catalogue, browser):
    assert browser.get("/catalogue/products/999999").status_code == 404


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_amounts_and_numbers_read_as_flask_babel_formats_them(app, locale):
    """The list pages' filters format with Babel's patterns looked up once: the same text as flask_babel's."""
    from flask_babel import format_currency, format_decimal, force_locale

    from purchasing.i18n import format_eur, format_number

    values = [Decimal("0"), Decimal("0.005"), Decimal("-1234.5"), Decimal("963"), Decimal("1155.60"),
              Decimal("1234567.891"), 7, Decimal("12.345")]
    with app.test_request_context(), force_locale(locale):
        for value in values:
            assert format_eur(value) == format_currency(Decimal(value), "EUR"), value
            for digits in (0, 1, 2):
                pattern = "#,##0" + ("." + "0" * digits if digits else "")
                assert format_number(value, digits) == format_decimal(value, format=pattern), (value, digits)
        assert format_eur(None) == "—" and format_number(None) == "—"


def test_the_tariff_grid_is_read_once_per_request_and_a_new_version_applies_at_once(catalogue, browser, app):
    from datetime import date, timedelta

    from purchasing.pricing import services as pricing

    with count_queries() as statements:
        assert browser.get("/catalogue/?per_page=24").status_code == 200
    assert sum("FROM tariff_grid" in s for s in statements) == 1, statements
    with app.test_request_context():
        today = date.today()
        first = pricing.grid_in_force(today)
        with count_queries() as again:
            assert pricing.grid_in_force(today) is first
        assert again == []  # the same request: read once
        bands = [pricing.BandData(b.label, b.min_population, b.max_population, b.fee_rate) for b in first.bands]
        starts = max(first.effective_from, today) + timedelta(days=1)
        assert pricing.grid_in_force(starts) is first
        newer = pricing.create_grid_version(starts, "DEL-TEST", bands)
        with count_queries() as reread:
            assert pricing.grid_in_force(starts) is newer  # created in this request: read again
        assert len(reread) >= 1
