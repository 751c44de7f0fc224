"""Durable purchases: an order's embodied CO2e and the savings of refurbished or reuse-pool alternatives,
at the cart and at approval, plus the help page. Hand-computed values (laptop factor 185.09 kgCO2e,
range 175 – 285.2; refurbished laptop avoided share 0.73; grid tariff band 3 500 – 9 999 inhabitants: 7 %)."""
from datetime import date
from decimal import Decimal
from html import unescape

import pytest

from purchasing.extensions import db
from purchasing.orders import services as orders
from tests.query_helpers import count_queries

TODAY = date.today()



@pytest.fixture
def shop(make_grid, make_offer, make_member, make_user):
    make_grid()
    mine = make_member(name="Moyenne", population=6840, approval_threshold_ht=Decimal("500.00"))
    other = make_member(name="Voisine", population=412)
    return {
        "mine": mine, "other": other,
        "sec": make_user(role="secretary", member=mine, email="sec@mine.test"),
        "approver": make_user(role="approver", member=mine, email="maire@mine.test"),
        "giver": make_user(role="secretary", member=other, email="sec@other.test"),
        "laptop": make_offer(price="1000.00", name="Latitude 5440", category="laptop"),
        "refurb": make_offer(price="350.00", breaks=(), name="Latitude 7490 reconditionné", category="laptop",
                             condition="refurbished", refurb_grade="A"),
        "refurb_dearer": make_offer(price="420.00", breaks=(), name="EliteBook 840 reconditionné",
                                    category="laptop", condition="refurbished", refurb_grade="A"),
        "headset": make_offer(price="80.00", breaks=(), name="Casque H340", category="headset"),
    }


def _cart(shop, laptops=2, headsets=1):
    user = shop["sec"]
    orders.add_to_cart(user, shop["laptop"].id, laptops, TODAY)
    if headsets:
        orders.add_to_cart(user, shop["headset"].id, headsets, TODAY)
    return orders.get_cart(user)


def _pool_listing(shop, make_asset, member_key="other", user_key="giver"):
    from lifecycle.pool import services as pool_services

    asset = make_asset(shop[member_key], "laptop", actor=shop[user_key])
    return pool_services.offer_to_pool(asset, condition="good", note="", actor=shop[user_key])


def test_embodied_with_range_and_refurbished_saving(shop):
    result = orders.order_carbon(_cart(shop), TODAY)
    # 2 × 185.09 = 370.18 (low 2 × 175 = 350, high 2 × 285.2 = 570.4)
    assert (result.embodied.low, result.embodied.central, result.embodied.high) == (350.0, 370.18, 570.4)
    laptop_line, headset_line = result.lines
    # 0.73 × 370.18 = 270.2314 → 270.23 (low 0.73 × 350 = 255.5, high 0.73 × 570.4 = 416.392)
    assert (result.refurbished_saving.low, result.refurbished_saving.central,
            result.refurbished_saving.high) == (255.5, 270.23, 416.39)
    alternative = laptop_line.refurbished
    assert alternative.product.id == shop["refurb"].product_id  # the cheapest refurbished offer
    assert alternative.share == 0.73
    # member price 350.00 × 1.07 = 374.50; the new laptop 1 000.00 × 1.07 = 1 070.00 → −695.50 per unit
    assert alternative.unit_price_ht == Decimal("374.50")
    assert alternative.unit_price_difference_ht == Decimal("-695.50")
    assert result.pool_saving is None and laptop_line.pool is None


def test_line_without_factor_is_counted_never_zero(shop):
    result = orders.order_carbon(_cart(shop), TODAY)
    headset_line = result.lines[1]
    assert headset_line.embodied is None and headset_line.refurbished is None
    assert result.lines_without_factor == 1
    orders.add_to_cart(shop["approver"], shop["headset"].id, 2, TODAY)
    only_headsets = orders.order_carbon(orders.get_cart(shop["approver"]), TODAY)
    assert only_headsets.embodied is None and only_headsets.lines_without_factor == 1


def test_pool_listing_of_another_member_saves_one_laptop(shop, make_asset):
    _pool_listing(shop, make_asset)
    _pool_listing(shop, make_asset, member_key="mine", user_key="sec")  # my own listing does not count
    result = orders.order_carbon(_cart(shop), TODAY)
    pool = result.lines[0].pool
    # one unit available for two ordered: 185.09 × min(2, 1) = 185.09 (range 175 – 285.2)
    assert (pool.available, pool.units) == (1, 1)
    assert (result.pool_saving.low, result.pool_saving.central, result.pool_saving.high) == (175.0, 185.09, 285.2)


def test_refurbished_line_has_no_refurbished_alternative(shop):
    orders.add_to_cart(shop["sec"], shop["refurb_dearer"].id, 1, TODAY)
    result = orders.order_carbon(orders.get_cart(shop["sec"]), TODAY)
    assert result.lines[0].refurbished is None and result.refurbished_saving is None


def test_expired_refurbished_offer_is_not_proposed(shop):
    for key in ("refurb", "refurb_dearer"):
        shop[key].valid_until = date(2025, 6, 30)
    db.session.flush()
    result = orders.order_carbon(_cart(shop), TODAY)
    assert result.refurbished_saving is None and result.lines[0].refurbished is None


def test_queries_do_not_grow_with_lines(shop, make_offer, make_asset):
    _pool_listing(shop, make_asset)
    cart = _cart(shop)
    db.session.expire_all()
    cart = orders.get_cart(shop["sec"])
    with count_queries() as few:
        orders.order_carbon(cart, TODAY)
    for i in range(6):
        orders.add_to_cart(shop["sec"], make_offer(price=str(500 + i), name=f"Modèle {i}").id, 1, TODAY)
    orders.add_to_cart(shop["sec"], make_offer(price="150.00", category="tablet").id, 1, TODAY)
    db.session.expire_all()
    cart = orders.get_cart(shop["sec"])
    with count_queries() as many:
        result = orders.order_carbon(cart, TODAY)
    assert len(result.lines) == 9
    assert len(many) == len(few) <= 6, (len(few), len(many))


# --- web: cart, approval page, help page -------------------------------------------------------------

def test_cart_shows_embodied_and_alternatives(shop, make_asset, browser):
    _pool_listing(shop, make_asset)
    _cart(shop)
    db.session.commit()
    browser.login("sec@mine.test")
    html = unescape(browser.get("/cart").get_data(as_text=True))
    for text in ("Empreinte carbone de la commande", "370,18", "350,00 – 570,40", "270,23", "185,09",
                 "1 ligne sans facteur", "sans facteur", "Latitude 7490 reconditionné",
                 "l'offre reconditionnée la moins chère", "374,50", "-695,50",
                 f"/lifecycle/pool?category_id={shop['laptop'].product.category_id}",
                 f"/catalogue/products/{shop['refurb'].product_id}", "/catalogue/durability-help"):
        assert text in html, text


def test_approver_sees_the_same_figures_on_the_order_page(shop, make_asset, browser):
    cart = _cart(shop)
    orders.update_cart(cart, {}, "Mairie", "", TODAY)
    orders.submit_order(cart, shop["sec"], TODAY)  # 2 × 1 070 + 85.60 > 500: waits for the approver
    _pool_listing(shop, make_asset)
    db.session.commit()
    assert cart.status == "submitted"
    browser.login("maire@mine.test")
    html = unescape(browser.get(f"/orders/{cart.id}").get_data(as_text=True))
    for text in ("Approuver la commande", "370,18", "270,23", "185,09", "1 ligne sans facteur",
                 f"/lifecycle/pool?category_id={shop['laptop'].product.category_id}"):
        assert text in html, text


def test_help_page_is_generated_from_the_data(shop, browser):
    from lifecycle.domain import carbon

    browser.login("sec@mine.test")
    catalogue_page = browser.get("/catalogue/").get_data(as_text=True)
    assert "/catalogue/durability-help" in catalogue_page
    product_page = browser.get(f"/catalogue/products/{shop['laptop'].product_id}").get_data(as_text=True)
    assert "/catalogue/durability-help" in product_page
    html = unescape(browser.get("/catalogue/durability-help").get_data(as_text=True))
    assert "Comment est calculé le score de durabilité ?" in html
    assert "0,0461" in html and "2025" in html and "mix moyen" in html  # ADEME grid factor 2025, with source
    assert "0,0520" in html  # 2022
    assert "73 %" in html and "87 %" in html  # refurbished shares (laptop, smartphone)
    assert "0,20\u00a0€" in html  # electricity price HT per kWh
    assert "Casque / micro-casque" in html  # a category without factor, named
    assert "Durée de vie prévue : jusqu'à 40 points" in html
    # laptop example: 185.09 ÷ 5 + 29.02 × 0.0461 = 37.018 + 1.337822 = 38.36 (grid factor of this year)
    grid = carbon.grid_factor(TODAY.year)
    expected = round(185.09 / 5 + 29.02 * grid + 1e-9, 2)
    assert f"{expected:.2f}".replace(".", ",") in html
    # 29.02 kWh × 0.20 € = 5.804 → 5,80 € of electricity per year
    assert "5,80\u00a0€" in html


def test_help_page_in_english(shop, browser):
    shop["sec"].locale = "en"
    db.session.commit()
    browser.login("sec@mine.test")
    html = unescape(browser.get("/catalogue/durability-help").get_data(as_text=True))
    for text in ("How is the durability score calculated?", "Expected lifetime: up to 40 points", "0.0461",
                 "Headset", "Carbon footprint per year of service"):
        assert text in html, text


# --- catalogue: cost and carbon per year of service (hand-computed, laptop: 5 years, 29.02 kWh/year) ---

def test_catalogue_cost_per_year_is_price_over_lifetime_plus_energy(make_grid, make_offer, make_member, make_user,
                                                                    browser):
    from lifecycle.domain import carbon

    make_grid()
    make_user(role="purchasing_officer", email="po@cost.test")  # staff: base prices, no service fee
    latitude = make_offer(price="900.00", name="Latitude 5430")
    thinkpad = make_offer(price="1100.00", name="ThinkPad E14", expected_lifetime_years=8)
    frugal = make_offer(price="950.00", name="Frugal 14", annual_kwh=4.0)
    # 900 / 5 + 29.02 × 0.20 = 180 + 5.804 = 185.80 ; 1100 / 8 + 5.804 = 143.30 ; 950 / 5 + 4 × 0.20 = 190.80
    assert latitude.product.cost_per_year_ht == Decimal("185.80")
    assert thinkpad.product.cost_per_year_ht == Decimal("143.30")
    assert frugal.product.cost_per_year_ht == Decimal("190.80")
    db.session.commit()
    browser.login("po@cost.test")

    def order(sort):
        html = unescape(browser.get(f"/catalogue/?sort={sort}").get_data(as_text=True))
        names = ("Latitude 5430", "ThinkPad E14", "Frugal 14")
        return sorted(names, key=html.index), html

    by_cost, html = order("cost")
    assert by_cost == ["ThinkPad E14", "Latitude 5430", "Frugal 14"]
    for text in ("185,80\u00a0€", "143,30\u00a0€", "190,80\u00a0€"):
        assert text in html, text
    # carbon per year: 185.09 / 8 + 29.02 × EF = 23.14 + … < 185.09 / 5 + 4 × EF < 185.09 / 5 + 29.02 × EF
    grid = carbon.grid_factor(TODAY.year)
    assert latitude.product.annual_kgco2e == pytest.approx(round(185.09 / 5 + 29.02 * grid, 3))
    assert frugal.product.annual_kgco2e == pytest.approx(round(185.09 / 5 + 4.0 * grid, 3))
    by_carbon, _html = order("carbon")
    assert by_carbon == ["ThinkPad E14", "Frugal 14", "Latitude 5430"]


def test_refurbished_product_carries_only_the_unavoided_embodied_share(make_grid, make_offer, make_user, browser):
    from lifecycle.domain import carbon

    make_grid()
    make_user(role="purchasing_officer", email="po@refurb.test")
    refurb = make_offer(price="350.00", breaks=(), name="Latitude 7490 reconditionné", condition="refurbished")
    # (1 − 0.73) × 185.09 = 49.9743 kgCO2e; per year: 49.9743 / 5 + 29.02 × EF
    grid = carbon.grid_factor(TODAY.year)
    assert refurb.product.annual_kgco2e == pytest.approx(round(0.27 * 185.09 / 5 + 29.02 * grid, 3))
    db.session.commit()
    browser.login("po@refurb.test")
    html = unescape(browser.get(f"/catalogue/products/{refurb.product_id}").get_data(as_text=True))
    assert "Fabrication : 50 kgCO2e" in html and "(73 %)" in html


def test_member_reads_the_cost_per_year_on_its_own_price(make_grid, make_offer, make_member, make_user, browser):
    make_grid()
    make_user(role="secretary", member=make_member(population=6840), email="sec@cost.test")  # fee 7 %
    make_offer(price="900.00", name="Latitude 5430")
    db.session.commit()
    browser.login("sec@cost.test")
    html = unescape(browser.get("/catalogue/?sort=cost").get_data(as_text=True))
    # member price 900 × 1.07 = 963.00; 963 / 5 + 29.02 × 0.20 = 192.60 + 5.804 = 198.40 (base would be 185.80)
    assert "963,00\u00a0€" in html and "198,40\u00a0€" in html and "185,80" not in html
