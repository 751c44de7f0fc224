"""Ordering from the member's address book (issue 12): site select, engagement number, billing SIRET."""
from __future__ import annotations

from html import unescape

import pytest
from sqlalchemy import func, select

from purchasing.extensions import db
from purchasing.members.models import MemberSiret, Site
from purchasing.orders.models import Order, OrderLine
from tests.conftest import default_site_id


@pytest.fixture
def shop(make_grid, make_offer, make_member, make_user, browser):
    make_grid()
    member = make_member(population=412, approval_threshold_ht=10000)
    other = make_member()
    make_user(role="secretary", member=member, email="sec@a.test")
    db.session.add(Site(member_id=member.id, name="École", name_key="ecole", address="3 rue des Écoles",
                        postal_code="24000", city="Test"))
    db.session.add(Site(member_id=member.id, name="Ancienne école", name_key="ancienne ecole", is_active=False))
    db.session.flush()
    offer = make_offer(price="100.00")
    browser.login("sec@a.test")
    browser.post_form("/cart/add", {"offer_id": offer.id, "quantity": "1"}, page="/cart")
    return {"member": member, "other": other, "browser": browser}


def _options(html: str) -> list[str]:
    start = html.index('id="delivery_site_id"')
    return [o for o in html[start:html.index("</select>", start)].split("<option")[1:]]


def _cart():
    return db.session.scalars(select(Order).where(Order.status == "draft")).one()


def test_the_default_site_is_preselected_and_only_active_own_sites_are_offered(shop):
    html = unescape(shop["browser"].get("/cart").get_data(as_text=True))
    options = _options(html)
    selected = [o for o in options if "selected" in o]
    assert len(selected) == 1 and "Mairie, 1 place de la Mairie" in selected[0]
    assert any("École, 3 rue des Écoles, 24000 Test" in o for o in options)
    assert not any("Ancienne école" in o for o in options)  # deactivated
    assert len(options) == 3  # "— Choisir —", Mairie, École


def test_submitting_with_the_chosen_site_snapshots_its_address(shop):
    school = db.session.scalar(select(Site).where(Site.member_id == shop["member"].id, Site.name_key == "ecole"))
    response = shop["browser"].post_form("/cart", {"delivery_site_id": str(school.id), "action": "submit"})
    assert response.status_code == 302
    order = db.session.scalars(select(Order).where(Order.member_id == shop["member"].id)).one()
    db.session.refresh(order)
    assert order.status == "approved" and order.delivery_site_id == school.id  # under the threshold
    assert order.delivery_site == "École, 3 rue des Écoles, 24000 Test"


@pytest.mark.parametrize("which", ["foreign", "inactive", "unknown", "none"])
def test_a_missing_or_foreign_site_is_a_form_error_and_nothing_is_written(shop, which):
    cart = _cart()
    before = (cart.status, cart.delivery_site_id, db.session.scalar(select(func.count(OrderLine.id))))
    site = {"foreign": default_site_id(shop["other"]),
            "inactive": str(db.session.scalar(select(Site.id).where(Site.name_key == "ancienne ecole"))),
            "unknown": "999999", "none": "0"}[which]
    line = cart.lines[0]
    response = shop["browser"].post_form("/cart", {"delivery_site_id": site, f"qty-{line.id}": "5",
                                                   "action": "submit"})
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    expected = ("Choisissez le site de livraison avant de soumettre la commande." if which == "none"
                else "Choisissez un site de livraison du carnet d'adresses de votre collectivité.")
    assert expected in html
    db.session.expire_all()
    cart = db.session.get(Order, cart.id)
    assert (cart.status, cart.delivery_site_id, db.session.scalar(select(func.count(OrderLine.id)))) == before
    assert cart.lines[0].quantity == 1


def test_a_member_without_billing_siret_cannot_order_and_nothing_is_written(shop):
    db.session.execute(MemberSiret.__table__.delete().where(MemberSiret.member_id == shop["member"].id))
    db.session.flush()
    cart = _cart()
    response = shop["browser"].post_form("/cart", {"delivery_site_id": default_site_id(shop["member"]),
                                                   f"qty-{cart.lines[0].id}": "3", "action": "submit"})
    assert response.status_code == 422
    assert "n'a pas de SIRET de facturation" in unescape(response.get_data(as_text=True))
    db.session.expire_all()
    cart = db.session.get(Order, cart.id)
    assert cart.status == "draft" and cart.lines[0].quantity == 1 and cart.delivery_site_id is None


def test_the_engagement_number_is_required_when_the_member_asks_for_it(shop):
    shop["member"].engagement_required = True
    db.session.flush()
    cart = _cart()
    site = default_site_id(shop["member"])
    response = shop["browser"].post_form("/cart", {"delivery_site_id": site, "action": "submit"})
    assert response.status_code == 422
    assert "exige un numéro d'engagement" in unescape(response.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(Order, cart.id).status == "draft"
    ok = shop["browser"].post_form("/cart", {"delivery_site_id": site, "engagement_number": "ENG-2026-042",
                                             "action": "submit"})
    assert ok.status_code == 302
    db.session.expire_all()
    order = db.session.get(Order, cart.id)
    assert (order.status, order.engagement_number) == ("approved", "ENG-2026-042")
