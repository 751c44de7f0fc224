"""The cart and the order pages (issue 15): errors on their fields with what was typed kept, HT/VAT/TTC,
the approval rule said before submitting, the cart's count on the menu, the approval page."""
from __future__ import annotations

import re
from decimal import Decimal
from html import unescape

import pytest
from sqlalchemy import func, select

from purchasing.extensions import db
from purchasing.orders.models import Order, OrderEvent, OrderLine
from tests.conftest import default_site_id


@pytest.fixture
def shop(make_grid, make_offer, make_member, make_user, browser):
    """A secretary with 2 units of a 100 € offer in her cart: 102,00 € HT each (2 % fee), 204,00 € HT in all."""
    make_grid()
    member = make_member(population=412, approval_threshold_ht=Decimal("500.00"))
    make_user(role="secretary", member=member, email="sec@a.test")
    make_user(role="approver", member=member, email="maire@a.test")
    offer = make_offer(price="100.00")
    browser.login("sec@a.test")
    browser.post_form("/cart/add", {"offer_id": offer.id, "quantity": "2"}, page="/cart")
    return {"member": member, "browser": browser, "offer": offer}


def _cart() -> Order:
    return db.session.scalars(select(Order).where(Order.status == "draft")).one()


def _html(response) -> str:
    return unescape(response.get_data(as_text=True))


def _error_of(html: str, field_id: str) -> str:
    match = re.search(rf'<p class="error-message" id="{re.escape(field_id)}-error">(.*?)</p>', html, re.S)
    return match.group(1).strip() if match else ""


def _state():
    return (db.session.scalar(select(func.count(OrderEvent.id))),
            [(line.id, line.quantity) for line in db.session.scalars(select(OrderLine).order_by(OrderLine.id))],
            [(o.status, o.delivery_site_id, o.note, o.engagement_number) for o in db.session.scalars(select(Order))])


# --- former dead end: submitting without a delivery site --------------------------------------------------

def test_the_site_select_is_required_in_the_page(shop):
    html = shop["browser"].get("/cart").get_data(as_text=True)
    select_tag = re.search(r'<select[^>]*id="delivery_site_id"[^>]*>', html).group(0)
    assert "required" in select_tag and 'aria-required="true"' in select_tag
    assert '<option value="">' in html  # the placeholder the browser's "required" refuses
    assert re.search(r'<button[^>]*value="save"[^>]*formnovalidate', html)  # saving never needs the site


def test_submitting_without_a_site_shows_the_form_again_with_the_error_on_the_site_and_the_typed_values(shop):
    cart = _cart()
    before = _state()
    line = cart.lines[0]
    response = shop["browser"].post_form("/cart", {"delivery_site_id": "", f"qty-{line.id}": "5",
                                                   "engagement_number": "ENG-2026-7", "note": "Livrer le matin",
                                                   "action": "submit"})
    assert response.status_code == 422
    html = _html(response)
    assert "Conflit" not in html and "Code d'erreur" not in html
    assert _error_of(html, "delivery_site_id") == "Choisissez le site de livraison avant de soumettre la commande."
    assert f'id="qty-{line.id}" name="qty-{line.id}" value="5"' in html
    assert 'value="ENG-2026-7"' in html and "Livrer le matin" in html
    db.session.expire_all()
    assert _state() == before


def test_a_bad_typed_quantity_is_said_on_its_line_and_the_other_values_are_kept(shop, make_offer):
    other = make_offer(price="50.00")
    shop["browser"].post_form("/cart/add", {"offer_id": other.id, "quantity": "1"}, page="/cart")
    cart = _cart()
    first, second = cart.lines
    before = _state()
    site = default_site_id(shop["member"])
    response = shop["browser"].post_form("/cart", {"delivery_site_id": site, f"qty-{first.id}": "deux",
                                                   f"qty-{second.id}": "4", "note": "Urgent", "action": "save"})
    assert response.status_code == 422  # was the generic "Données invalides" page
    html = _html(response)
    assert _error_of(html, f"qty-{first.id}") == "La quantité doit être un nombre entier."
    assert _error_of(html, f"qty-{second.id}") == ""
    assert f'value="deux"' in html and f'id="qty-{second.id}" name="qty-{second.id}" value="4"' in html
    assert "Urgent" in html and f'<option selected value="{site}">' in html
    db.session.expire_all()
    assert _state() == before


# --- totals, approval rule, refurbished, menu count -------------------------------------------------------

def test_the_cart_shows_ht_vat_and_ttc(shop):
    html = _html(shop["browser"].get("/cart"))
    tfoot = html[html.index("<tfoot>"):html.index("</tfoot>")]
    assert "Total HT" in tfoot and "204,00\u00a0€" in tfoot
    assert "TVA à 20 %" in tfoot and "40,80\u00a0€" in tfoot
    assert "Total TTC" in tfoot and "244,80\u00a0€" in tfoot


@pytest.mark.parametrize("threshold, needed", [("204.00", False), ("203.99", True), ("0.00", True)])
def test_the_cart_says_before_submitting_whether_the_mayor_must_approve(shop, threshold, needed):
    shop["member"].approval_threshold_ht = Decimal(threshold)
    db.session.flush()
    html = _html(shop["browser"].get("/cart"))
    notice = re.search(r'<p class="alert[^"]*" id="approval-rule">(.*?)</p>', html, re.S).group(1)
    amount = f"{Decimal(threshold):,.2f}".replace(",", "\u202f").replace(".", ",") + "\u00a0€"
    assert amount in notice
    assert "le maire ou l'élu·e habilité·e" in notice
    if needed:
        assert "doit être approuvée par le maire" in notice and "204,00\u00a0€ HT" in notice
    else:
        assert "approuvée automatiquement" in notice
    # the rule shown is the one applied at submission
    shop["browser"].post_form("/cart", {"delivery_site_id": default_site_id(shop["member"]), "action": "submit"})
    db.session.expire_all()
    assert db.session.scalars(select(Order)).one().status == ("submitted" if needed else "approved")


def test_no_refurbished_alternative_is_asked_of_a_refurbished_product(make_grid, make_offer, make_member, make_user,
                                                                      browser):
    make_grid()
    member = make_member(approval_threshold_ht=Decimal("10000"))
    make_user(role="secretary", member=member, email="sec@r.test")
    refurbished = make_offer(price="300.00", condition="refurbished")
    browser.login("sec@r.test")
    browser.post_form("/cart/add", {"offer_id": refurbished.id, "quantity": "1"}, page="/cart")
    html = _html(browser.get("/cart"))
    assert "aucune alternative reconditionnée" not in html
    assert "les produits commandés sont déjà reconditionnés" in html and "Déjà reconditionné" in html


def test_a_new_product_without_refurbished_offer_still_says_there_is_none(shop):
    assert "aucune alternative reconditionnée au catalogue" in _html(shop["browser"].get("/cart"))


def _cart_link(html: str) -> str:
    return re.search(r'<a href="/cart"[^>]*>(.*?)</a>', html, re.S).group(1)


def test_the_cart_menu_entry_counts_the_units_for_screen_readers_too(shop, make_offer):
    link = _cart_link(_html(shop["browser"].get("/cart")))
    assert '<span class="sr-only">, 2 articles</span>' in link
    assert '<span class="badge nav-count" aria-hidden="true">2</span>' in link
    cart = _cart()
    shop["browser"].post_form("/cart", {"delivery_site_id": default_site_id(shop["member"]),
                                        f"qty-{cart.lines[0].id}": "1", "action": "save"})
    assert ", 1 article</span>" in _cart_link(_html(shop["browser"].get("/cart")))
    shop["browser"].post_form("/cart", {"delivery_site_id": default_site_id(shop["member"]), "action": "submit"})
    link = _cart_link(_html(shop["browser"].get("/orders/")))
    assert "nav-count" not in link and "article" not in link  # an empty cart: no count


# --- the order waiting for the approver, the approval page ------------------------------------------------

@pytest.fixture
def submitted(shop):
    shop["member"].approval_threshold_ht = Decimal("100.00")
    db.session.flush()
    response = shop["browser"].post_form("/cart", {"delivery_site_id": default_site_id(shop["member"]),
                                                   "action": "submit"})
    assert response.status_code == 302
    order = db.session.scalars(select(Order)).one()
    db.session.refresh(order)
    assert order.status == "submitted"
    return order


def test_a_submitted_order_reads_as_waiting_for_the_mayor(shop, submitted):
    html = _html(shop["browser"].get(f"/orders/{submitted.id}"))
    assert "en attente d'approbation" in html
    assert "En attente de validation par le maire ou l'élu·e habilité·e" in html and "100,00\u00a0€ HT" in html
    assert "en attente d'approbation" in _html(shop["browser"].get("/orders/"))
    assert "Total TTC" in html and "244,80\u00a0€" in html


def test_the_approval_page_shows_ttc_keeps_the_reason_with_the_refuse_button_and_highlights_a_approuver(
        shop, submitted):
    browser = shop["browser"]
    browser.logout()
    browser.login("maire@a.test")
    html = _html(browser.get(f"/orders/{submitted.id}"))
    decision = html[html.index('id="h-decide"'):html.index("<h2>Historique</h2>")]
    assert "204,00\u00a0€ HT, soit 244,80\u00a0€ TTC" in decision
    approve = decision.index("Approuver la commande")
    reason, refuse = decision.index("Motif du refus"), decision.index("Refuser la commande</button>")
    refuse_form = decision[decision.index('<form method="post" action="/orders/%d/reject"' % submitted.id):]
    assert approve < reason < refuse and "Motif du refus" in refuse_form[:refuse_form.index("</form>")]
    assert "Approuver la commande" not in refuse_form  # the reason is not between the two buttons
    current = re.findall(r'<a href="([^"]+)" aria-current="page">', html)
    assert current == ["/orders/to-approve"]
    # the secretary's view of the same order highlights "Commandes"
    browser.logout()
    browser.login("sec@a.test")
    assert re.findall(r'<a href="([^"]+)" aria-current="page">', browser.get(f"/orders/{submitted.id}")
                      .get_data(as_text=True)) == ["/orders/"]


def test_the_english_cart_and_order_say_the_same(shop, submitted):
    browser = shop["browser"]
    browser.post_form("/language", {"locale": "en", "next": "/cart"}, page="/cart")
    html = _html(browser.get(f"/orders/{submitted.id}"))
    assert "awaiting approval" in html and "Awaiting approval by the mayor" in html


def test_an_offer_expired_since_it_was_added_is_said_on_the_cart_not_on_an_error_page(shop):
    from datetime import date, timedelta

    shop["offer"].valid_until = date.today() - timedelta(days=1)
    db.session.flush()
    cart = _cart()
    before = _state()
    response = shop["browser"].post_form("/cart", {"delivery_site_id": default_site_id(shop["member"]),
                                                   f"qty-{cart.lines[0].id}": "3", "note": "Pour l'école",
                                                   "action": "submit"})
    assert 400 <= response.status_code < 500
    html = _html(response)
    assert "Code d'erreur" not in html and "<h1>Panier</h1>" in html
    assert "ne peut plus être commandée" in html[html.index('id="form-errors"'):]
    assert f'name="qty-{cart.lines[0].id}" value="3"' in html and "Pour l'école" in html
    db.session.expire_all()
    assert _state() == before
