"""Bad input on the purchasing pages: a clear French message, a 4xx status, nothing written."""
from datetime import date, timedelta
from html import unescape

import pytest

from sqlalchemy import func, select

from purchasing.campaigns.models import CampaignCommitment
from purchasing.extensions import db
from purchasing.orders.models import Order, OrderEvent, OrderLine
from tests.conftest import default_site_id


def _count(model):
    return db.session.scalar(select(func.count(model.id)))


@pytest.fixture
def shop(make_grid, make_offer, make_member, make_user, browser):
    make_grid()
    member = make_member(population=412, approval_threshold_ht=0)
    other = make_member(population=6840)
    make_user(role="secretary", member=member, email="sec@a.test")
    make_user(role="approver", member=member, email="maire@a.test")
    other_user = make_user(role="secretary", member=other, email="sec@b.test")
    offer = make_offer(price="100.00")
    browser.login("sec@a.test")
    return {"offer": offer, "member": member, "other_user": other_user, "browser": browser}


@pytest.mark.parametrize("quantity, message", [
    ("0", "La quantité doit être supérieure à zéro."),
    ("-3", "La quantité doit être supérieure à zéro."),
    ("2.5", "La quantité doit être un nombre entier."),
    ("deux", "La quantité doit être un nombre entier."),
    ("", "La quantité doit être un nombre entier."),
    ("99999999", "dépasse le maximum autorisé"),
])
def test_bad_quantities_are_refused_and_nothing_is_written(shop, quantity, message):
    before = (_count(Order), _count(OrderLine))
    response = shop["browser"].post_form("/cart/add", {"offer_id": shop["offer"].id, "quantity": quantity},
                                         page="/cart")
    assert 400 <= response.status_code < 500
    assert message in unescape(response.get_data(as_text=True))
    assert (_count(Order), _count(OrderLine)) == before


@pytest.mark.parametrize("which", ["unknown", "expired", "garbage"])
def test_unknown_or_expired_offer_is_refused(shop, make_offer, which):
    offer_id = {"unknown": "999999", "garbage": "abc",
                "expired": str(make_offer(valid_until=date.today() - timedelta(days=1)).id)}[which]
    before = (_count(Order), _count(OrderLine))
    response = shop["browser"].post_form("/cart/add", {"offer_id": offer_id, "quantity": "1"}, page="/cart")
    assert response.status_code == 422
    assert "ne peut plus être commandée" in unescape(response.get_data(as_text=True))
    assert (_count(Order), _count(OrderLine)) == before


def test_offer_under_a_terminated_contract_cannot_be_ordered(shop, make_offer):
    offer = make_offer()
    # the same offer while its contract runs goes into the cart: the refusal below is the termination's
    assert shop["browser"].post_form("/cart/add", {"offer_id": offer.id, "quantity": "1"},
                                     page="/cart").status_code == 302
    ordered = (_count(Order), _count(OrderLine))
    offer.contract.is_terminated = True
    db.session.flush()
    response = shop["browser"].post_form("/cart/add", {"offer_id": offer.id, "quantity": "1"}, page="/cart")
    assert response.status_code == 422
    assert "Cette offre n'existe pas ou ne peut plus être commandée." in unescape(response.get_data(as_text=True))
    assert (_count(Order), _count(OrderLine)) == ordered
    line = db.session.scalars(select(OrderLine).where(OrderLine.offer_id == offer.id)).one()
    db.session.refresh(line)
    assert line.quantity == 1  # nothing added to the line already in the cart


def test_bad_quantity_in_the_cart_changes_nothing(shop):
    browser = shop["browser"]
    browser.post_form("/cart/add", {"offer_id": shop["offer"].id, "quantity": "2"}, page="/cart")
    line = db.session.scalars(select(OrderLine)).one()
    response = browser.post_form("/cart", {f"qty-{line.id}": "-1", "delivery_site_id": default_site_id(shop["member"]), "action": "save"})
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(OrderLine, line.id).quantity == 2


def test_another_members_order_is_a_404(shop):
    from purchasing.orders.services import add_to_cart, get_cart, submit_order, update_cart

    user = shop["other_user"]
    add_to_cart(user, shop["offer"].id, 1, date.today())
    cart = get_cart(user)
    update_cart(cart, {}, "Ailleurs", "", date.today())
    submit_order(cart, user, date.today())
    events = _count(OrderEvent)
    assert shop["browser"].get(f"/orders/{cart.id}").status_code == 404
    assert shop["browser"].post_form(f"/orders/{cart.id}/cancel", {}, page="/cart").status_code == 404
    assert _count(OrderEvent) == events


def test_transition_not_allowed_is_a_409_with_nothing_written(shop, browser):
    browser.post_form("/cart/add", {"offer_id": shop["offer"].id, "quantity": "1"}, page="/cart")
    cart = db.session.scalars(select(Order)).one()
    browser.post_form("/cart", {"delivery_site_id": default_site_id(shop["member"]), "action": "submit"})
    db.session.expire_all()
    assert db.session.get(Order, cart.id).status == "submitted"
    browser.logout()
    browser.login("maire@a.test")
    assert browser.post_form(f"/orders/{cart.id}/approve", page=f"/orders/{cart.id}").status_code == 302
    events = _count(OrderEvent)
    response = browser.post_form(f"/orders/{cart.id}/reject", {"reason": "Trop cher"}, page=f"/orders/{cart.id}")
    assert response.status_code == 409
    assert "ne peut pas passer du statut" in unescape(response.get_data(as_text=True))
    assert _count(OrderEvent) == events


def test_reject_needs_a_reason(shop, browser):
    browser.post_form("/cart/add", {"offer_id": shop["offer"].id, "quantity": "1"}, page="/cart")
    browser.post_form("/cart", {"delivery_site_id": default_site_id(shop["member"]), "action": "submit"})
    order = db.session.scalars(select(Order)).one()
    browser.logout()
    browser.login("maire@a.test")
    response = browser.post_form(f"/orders/{order.id}/reject", {"reason": ""}, page=f"/orders/{order.id}")
    assert response.status_code == 422
    assert "Le motif du refus est obligatoire." in unescape(response.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "submitted"


def test_closed_campaign_refuses_commitments(shop, make_user):
    from purchasing.campaigns.services import close_campaign, commit_quantity, create_campaign

    officer = make_user(role="purchasing_officer")
    campaign = create_campaign(shop["offer"].id, "Écrans", date.today(), 1, None, officer, date.today())
    commit_quantity(campaign, shop["member"], 3, date.today())
    close_campaign(campaign, officer, date.today() + timedelta(days=1))  # after the deadline: pending dropped
    response = shop["browser"].post_form(f"/campaigns/{campaign.id}/commit", {"quantity": "5"},
                                         page=f"/campaigns/{campaign.id}")
    assert response.status_code == 409
    assert "clos" in unescape(response.get_data(as_text=True))
    assert db.session.scalar(select(func.sum(CampaignCommitment.quantity))) == 3


def test_campaign_commitment_with_bad_quantity_is_refused(shop, make_user):
    from purchasing.campaigns.services import create_campaign

    officer = make_user(role="purchasing_officer")
    campaign = create_campaign(shop["offer"].id, "Écrans", date.today(), 1, 10, officer, date.today())
    for quantity in ("0", "1.5", "11"):
        response = shop["browser"].post_form(f"/campaigns/{campaign.id}/commit", {"quantity": quantity},
                                             page=f"/campaigns/{campaign.id}")
        assert response.status_code == 422, quantity
    assert _count(CampaignCommitment) == 0
