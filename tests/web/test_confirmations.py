"""Irreversible actions need "Je confirme" (issue 15), without scripts: the server refuses the action without it
(the page again, the error on the checkbox, what was typed kept, nothing written), and does it with it."""
from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from html import unescape

import pytest
from sqlalchemy import func, select

from purchasing.campaigns.models import Campaign, CampaignCommitment
from purchasing.extensions import db
from purchasing.orders.models import Order, OrderEvent
from tests.conftest import default_site_id


def _confirm_error(html: str) -> str:
    match = re.search(r'<p class="error-message" id="confirm-error">(.*?)</p>', html, re.S)
    return match.group(1).strip() if match else ""


def _checkbox(html: str, action: str) -> str:
    form = html[html.index(f'action="{action}"'):]
    return re.search(r'<input[^>]*name="confirm"[^>]*>', form[:form.index("</form>")]).group(0)


@pytest.fixture
def order(make_grid, make_offer, make_member, make_user, browser):
    make_grid()
    member = make_member(approval_threshold_ht=Decimal("50.00"))
    make_user(role="secretary", member=member, email="sec@c.test")
    make_user(role="approver", member=member, email="maire@c.test")
    offer = make_offer(price="100.00")
    browser.login("sec@c.test")
    browser.post_form("/cart/add", {"offer_id": offer.id, "quantity": "1"}, page="/cart")
    browser.post_form("/cart", {"delivery_site_id": default_site_id(member), "action": "submit"})
    order = db.session.scalars(select(Order)).one()
    db.session.refresh(order)
    assert order.status == "submitted"
    return order


def _events():
    return db.session.scalar(select(func.count(OrderEvent.id)))


def test_cancelling_an_order_needs_the_confirmation(order, browser):
    url = f"/orders/{order.id}"
    assert "required" in _checkbox(browser.get(url).get_data(as_text=True), f"{url}/cancel")
    events = _events()
    response = browser.post_form(f"{url}/cancel", {"reason": "Commande en double"}, page=url)
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    assert "Cochez « Je confirme »" in _confirm_error(html) and "Commande en double" in html
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "submitted" and _events() == events
    response = browser.post_form(f"{url}/cancel", {"reason": "Commande en double", "confirm": "y"}, page=url)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "cancelled"


def test_refusing_an_order_needs_the_confirmation_and_keeps_the_reason(order, browser):
    browser.logout()
    browser.login("maire@c.test")
    url = f"/orders/{order.id}"
    events = _events()
    response = browser.post_form(f"{url}/reject", {"reason": "Budget épuisé"}, page=url)
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    assert "Cochez « Je confirme »" in _confirm_error(html) and "Budget épuisé</textarea>" in html
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "submitted" and _events() == events
    assert browser.post_form(f"{url}/reject", {"reason": "Budget épuisé", "confirm": "y"}, page=url).status_code == 302
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "rejected"


def test_an_order_that_can_no_longer_be_cancelled_is_a_409_confirmed_or_not(order, browser):
    browser.post_form(f"/orders/{order.id}/cancel", {"confirm": "y"}, page=f"/orders/{order.id}")
    events = _events()
    response = browser.post_form(f"/orders/{order.id}/cancel", {}, page="/orders/")
    assert response.status_code == 409 and _events() == events


@pytest.fixture
def campaign(make_grid, make_offer, make_member, make_user, browser):
    make_grid()
    offer = make_offer(price="200.00", breaks=((10, "180.00"),))
    member = make_member(population=412, approval_threshold_ht=Decimal("2000.00"))
    make_user(role="secretary", member=member, email="sec@g.test")
    make_user(role="purchasing_officer", email="po@g.test")
    browser.login("po@g.test")
    deadline = date.today() + timedelta(days=10)
    browser.post_form("/campaigns/new", {"title": "Écrans", "offer_id": offer.id, "deadline": deadline.isoformat(),
                                         "min_quantity": "5", "max_quantity": "100"})
    campaign = db.session.scalars(select(Campaign)).one()
    browser.logout()
    browser.login("sec@g.test")
    url = f"/campaigns/{campaign.id}"
    assert browser.post_form(f"{url}/commit", {"quantity": "6"}, page=url).status_code == 302
    browser.logout()
    browser.login("po@g.test")
    return campaign


def test_closing_a_campaign_early_shows_a_summary_and_needs_the_confirmation(campaign, browser):
    url = f"/campaigns/{campaign.id}"
    html = unescape(browser.get(url).get_data(as_text=True))
    assert "1 engagement approuvé, 6 unités au total." in html and "Clôture anticipée" in html
    assert "required" in _checkbox(html, f"{url}/close")
    response = browser.post_form(f"{url}/close", {}, page=url)
    assert response.status_code == 422
    assert "Cochez « Je confirme »" in _confirm_error(unescape(response.get_data(as_text=True)))
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).status == "open"
    assert db.session.scalars(select(CampaignCommitment)).one().unit_price_ht is None
    assert browser.post_form(f"{url}/close", {"confirm": "y"}, page=url).status_code == 302
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).status == "closed"


def test_a_refused_commitment_is_said_on_the_campaign_page_with_the_typed_quantity(campaign, browser):
    browser.logout()
    browser.login("sec@g.test")
    url = f"/campaigns/{campaign.id}"
    before = db.session.scalar(select(func.sum(CampaignCommitment.quantity)))
    response = browser.post_form(f"{url}/commit", {"quantity": "1,5"}, page=url)
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    assert "Code d'erreur" not in html and 'value="1,5"' in html
    error = re.search(r'<p class="error-message" id="quantity-error">(.*?)</p>', html, re.S).group(1)
    assert "nombre entier" in error
    assert db.session.scalar(select(func.sum(CampaignCommitment.quantity))) == before
