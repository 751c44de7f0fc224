"""The product page leads to the reuse pool when another member offers equivalent equipment."""
from purchasing.extensions import db


def test_reuse_first_notice_links_to_the_pool(browser, make_member, make_user, make_offer, make_grid, make_asset):
    from lifecycle.pool import services as pool_services

    make_grid()
    mine, other = make_member(), make_member()
    make_user(role="secretary", member=mine, email="sec@mine.test")
    giver = make_user(role="secretary", member=other, email="sec@other.test")
    offer = make_offer(category="laptop")
    browser.login("sec@mine.test")
    page = browser.get(f"/catalogue/products/{offer.product_id}").get_data(as_text=True)
    assert "Le réemploi d'abord" not in page

    asset = make_asset(other, "laptop", actor=giver)
    pool_services.offer_to_pool(asset, condition="good", note="Bon état", actor=giver)
    db.session.commit()
    page = browser.get(f"/catalogue/products/{offer.product_id}").get_data(as_text=True)
    assert "Le réemploi d'abord" in page
    assert f"/lifecycle/pool?category_id={asset.category_id}" in page


def test_no_notice_for_my_own_listing(browser, make_member, make_user, make_offer, make_grid, make_asset):
    from lifecycle.pool import services as pool_services

    make_grid()
    mine, other = make_member(), make_member()
    me = make_user(role="secretary", member=mine, email="sec@mine.test")
    make_user(role="secretary", member=other, email="sec@other.test")
    offer = make_offer(category="laptop", name="Latitude du test")
    pool_services.offer_to_pool(make_asset(mine, "laptop", actor=me), condition="good", note="", actor=me)
    db.session.commit()
    url = f"/catalogue/products/{offer.product_id}"
    browser.login("sec@mine.test")
    response = browser.get(url)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Latitude du test" in page and "Ajouter au panier" in page  # the product sheet itself
    assert "Le réemploi d'abord" not in page
    # the same listing is a notice for any other member: only its own member does not see it
    browser.logout()
    browser.login("sec@other.test")
    assert "Le réemploi d'abord" in browser.get(url).get_data(as_text=True)
