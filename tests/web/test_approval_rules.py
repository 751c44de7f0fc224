"""Approval cannot be bypassed: campaign commitments above the threshold, four-eyes, the "un seul élu" setting."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from html import unescape

import pytest
from sqlalchemy import func, select

from purchasing.campaigns.models import Campaign, CampaignCommitment, CommitmentEvent
from purchasing.domain.errors import ConflictError
from purchasing.extensions import db
from purchasing.notifications.models import Notification
from purchasing.orders.models import Order, OrderEvent
from tests.conftest import Browser

TODAY = date.today()


@pytest.fixture
def token_for(app):
    from purchasing.api.services import issue_token

    return lambda user: issue_token(user, "test")[1]


@pytest.fixture
def commune(make_grid, make_offer, make_member, make_user, client):
    """A commune with a 500 € threshold (2 % band), its secretary, its mayor, a second elected approver."""
    make_grid()
    offer = make_offer(price="180.00", breaks=((50, "170.00"),))  # 180 × 1.02 = 183.60 per unit
    member = make_member(population=412, approval_threshold_ht=Decimal("500.00"))
    secretary = make_user(role="secretary", member=member, email="sec@commune.test")
    mayor = make_user(role="approver", member=member, email="maire@commune.test", full_name="Mme la Maire")
    deputy = make_user(role="approver", member=member, email="adjoint@commune.test")
    officer = make_user(role="purchasing_officer", email="achats@syndicat.test")
    return {"offer": offer, "member": member, "secretary": secretary, "mayor": mayor, "deputy": deputy,
            "officer": officer, "browser": Browser(client)}


def _campaign(c, deadline=None):
    from purchasing.campaigns.services import create_campaign

    return create_campaign(c["offer"].id, "Écrans de la rentrée", deadline or TODAY + timedelta(days=10), 1, None,
                           c["officer"], TODAY)


def _as(c, email):
    c["browser"].logout()
    c["browser"].login(email)
    return c["browser"]


def _html(response) -> str:
    return unescape(response.get_data(as_text=True))


# --- campaigns -----------------------------------------------------------------------------------

def test_commitment_above_the_threshold_waits_for_the_approver_then_its_order_is_approved_by_that_decision(commune):
    c = commune
    campaign = _campaign(c)
    url = f"/campaigns/{campaign.id}"
    browser = c["browser"]
    browser.login("sec@commune.test")
    # 4 × 183.60 = 734.40 € HT at the price shown, above 500 €
    response = browser.post_form(f"{url}/commit", {"quantity": "4"}, page=url)
    assert response.status_code == 302
    commitment = db.session.scalars(select(CampaignCommitment)).one()
    assert (commitment.status, commitment.committed_amount_ht) == ("pending", Decimal("734.40"))
    page = _html(browser.get(url))
    assert "en attente d'approbation" in page and "734,40" in page
    assert db.session.scalar(select(func.count(Notification.id)).where(Notification.user_id == c["mayor"].id)) == 1

    browser = _as(c, "maire@commune.test")
    to_approve = _html(browser.get("/orders/to-approve"))
    assert "Engagements d'achats groupés à approuver" in to_approve and "Écrans de la rentrée" in to_approve
    assert "734,40" in to_approve
    response = browser.post_form(f"{url}/commitments/{commitment.id}/approve", {"quantity": "4"}, page=url)
    assert response.status_code == 302
    db.session.expire_all()
    assert commitment.status == "approved" and commitment.decided_by_id == c["mayor"].id
    assert "Aucun engagement à approuver." in _html(browser.get("/orders/to-approve"))

    browser = _as(c, "achats@syndicat.test")
    assert browser.post_form(f"{url}/close", {"confirm": "y"}, page=url).status_code == 302
    assert browser.post_form(f"{url}/order", page=url).status_code == 302
    order = db.session.scalars(select(Order).where(Order.member_id == c["member"].id)).one()
    approval = order.events[-1]
    assert order.status == "approved" and approval.to_status == "approved"
    assert approval.actor_id == c["mayor"].id and not approval.is_automatic
    assert "Approuvée par la décision de Mme la Maire" in approval.reason


def test_commitment_not_approved_by_the_deadline_is_dropped_before_the_total(commune, make_member):
    from purchasing.campaigns.services import close_campaign, commit_quantity, place_campaign_orders

    c = commune
    campaign = _campaign(c)
    big = make_member(population=412, approval_threshold_ht=Decimal("100000"))
    commit_quantity(campaign, big, 45, TODAY)  # approved automatically
    pending = commit_quantity(campaign, c["member"], 10, TODAY, actor=c["secretary"])  # 45 + 10 would reach 50
    assert pending.status == "pending"
    with pytest.raises(ConflictError) as refused:  # before the deadline the approver may still decide
        close_campaign(campaign, c["officer"], TODAY + timedelta(days=10))
    assert refused.value.code == "commitments_pending" and campaign.status == "open"
    close_campaign(campaign, c["officer"], TODAY + timedelta(days=11))  # the day after the deadline
    assert campaign.status == "closed" and pending.status == "dropped"
    # the dropped 10 units do not count: 45 < 50, the first price (180.00) applies
    assert campaign.final_unit_price_ht == Decimal("180.00")
    told = db.session.scalars(select(Notification.text).where(Notification.user_id.in_(
        [c["secretary"].id, c["mayor"].id]), Notification.text.contains("retiré"))).all()
    assert len(told) == 2
    orders = place_campaign_orders(campaign, c["officer"], TODAY)
    assert [o.member_id for o in orders] == [big.id]
    automatic = orders[0].events[-1]
    assert automatic.is_automatic and "inférieur ou égal au seuil" in automatic.reason
    assert [e.to_status for e in db.session.scalars(select(CommitmentEvent).where(
        CommitmentEvent.commitment_id == pending.id).order_by(CommitmentEvent.id))] == ["pending", "dropped"]


def test_no_decision_on_a_commitment_once_the_campaign_is_closed(commune):
    from purchasing.campaigns.services import close_campaign, commit_quantity

    c = commune
    campaign = _campaign(c)
    commitment = commit_quantity(campaign, c["member"], 4, TODAY, actor=c["secretary"])
    browser = c["browser"]
    browser.login("maire@commune.test")
    url = f"/campaigns/{campaign.id}"
    assert browser.post_form(f"{url}/commitments/{commitment.id}/approve", page=url).status_code == 302
    # approved: it cannot be rejected (before closing: the machine; after: the campaign is closed)
    response = browser.post_form(f"{url}/commitments/{commitment.id}/reject", {"reason": "Finalement non"}, page=url)
    assert response.status_code == 409
    close_campaign(db.session.get(Campaign, campaign.id), commune["officer"], TODAY)
    response = browser.post_form(f"{url}/commitments/{commitment.id}/reject", {"reason": "Finalement non"},
                                 page="/orders/to-approve")
    assert response.status_code == 409 and "ne peut plus être approuvé ni refusé" in _html(response)
    db.session.expire_all()
    assert commitment.status == "approved"


def test_rejected_commitment_needs_a_reason_and_is_left_out(commune):
    from purchasing.campaigns.services import close_campaign, commit_quantity

    c = commune
    campaign = _campaign(c)
    commitment = commit_quantity(campaign, c["member"], 4, TODAY, actor=c["secretary"])
    browser = c["browser"]
    browser.login("maire@commune.test")
    url = f"/campaigns/{campaign.id}"
    response = browser.post_form(f"{url}/commitments/{commitment.id}/reject", {"reason": " "}, page=url)
    assert response.status_code == 422 and "Le motif du refus est obligatoire." in _html(response)
    response = browser.post_form(f"{url}/commitments/{commitment.id}/reject", {"reason": "Pas de budget"}, page=url)
    assert response.status_code == 302
    db.session.expire_all()
    assert commitment.status == "rejected"
    close_campaign(db.session.get(Campaign, campaign.id), c["officer"], TODAY)
    assert db.session.get(Campaign, campaign.id).status == "cancelled"  # nothing approved: under the minimum


def test_approver_cannot_approve_a_commitment_changed_since_the_page_was_shown(commune):
    from purchasing.campaigns.services import commit_quantity

    c = commune
    campaign = _campaign(c)
    commitment = commit_quantity(campaign, c["member"], 4, TODAY, actor=c["secretary"])
    browser = c["browser"]
    browser.login("maire@commune.test")
    url = f"/campaigns/{campaign.id}"
    response = browser.post_form(f"{url}/commitments/{commitment.id}/approve", {"quantity": "3"}, page=url)
    assert response.status_code == 409 and "vient d'être modifié (4 unités)" in _html(response)
    db.session.expire_all()
    assert commitment.status == "pending"


def test_approver_cannot_approve_their_own_commitment(commune):
    c = commune
    campaign = _campaign(c)
    url = f"/campaigns/{campaign.id}"
    browser = c["browser"]
    browser.login("maire@commune.test")
    assert browser.post_form(f"{url}/commit", {"quantity": "4"}, page=url).status_code == 302
    commitment = db.session.scalars(select(CampaignCommitment)).one()
    assert "Vous avez vous-même pris cet engagement" in _html(browser.get(url))
    response = browser.post_form(f"{url}/commitments/{commitment.id}/approve", page=url)
    assert response.status_code == 409 and "contrôle à quatre yeux" in _html(response)
    assert 'id="action-refused"' in _html(response)  # said on the campaign page, not on an error page
    db.session.expire_all()
    assert commitment.status == "pending"
    browser = _as(c, "adjoint@commune.test")
    assert browser.post_form(f"{url}/commitments/{commitment.id}/approve", page=url).status_code == 302


# --- four-eyes on orders -------------------------------------------------------------------------

def _own_order(c, user):
    from purchasing.orders import services as orders

    orders.add_to_cart(user, c["offer"].id, 4, TODAY)  # 734.40 € > 500 €
    cart = orders.get_cart(user)
    orders.update_cart(cart, {}, "Mairie", "", TODAY)
    orders.submit_order(cart, user, TODAY)
    assert cart.status == "submitted"
    return cart


def test_approver_cannot_approve_an_order_they_created_web_and_api(commune, token_for):
    c = commune
    order = _own_order(c, c["mayor"])
    browser = c["browser"]
    browser.login("maire@commune.test")
    page = _html(browser.get(f"/orders/{order.id}"))
    assert "Vous avez créé ou soumis cette commande" in page and "Approuver la commande" not in page
    response = browser.post_form(f"/orders/{order.id}/approve", page=f"/orders/{order.id}")
    assert response.status_code == 409 and "contrôle à quatre yeux" in _html(response)
    assert 'id="action-refused"' in _html(response)  # said on the order page, not on an error page
    api = browser.client.post(f"/api/v1/orders/{order.id}/approve",
                              headers={"Authorization": f"Bearer {token_for(c['mayor'])}"})
    assert api.status_code == 409 and api.get_json()["code"] == "four_eyes_required"
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "submitted"
    # another elected approver of the member may
    deputy = browser.client.post(f"/api/v1/orders/{order.id}/approve",
                                 headers={"Authorization": f"Bearer {token_for(c['deputy'])}"})
    assert deputy.status_code == 200 and deputy.get_json()["status"] == "approved"


def test_approver_cannot_approve_an_order_they_submitted(commune, token_for):
    from purchasing.orders import services as orders

    c = commune
    orders.add_to_cart(c["secretary"], c["offer"].id, 4, TODAY)
    cart = orders.get_cart(c["secretary"])
    orders.update_cart(cart, {}, "Mairie", "", TODAY)
    orders.submit_order(cart, c["mayor"], TODAY)  # filled by the secretary, submitted by the mayor
    api = c["browser"].client.post(f"/api/v1/orders/{cart.id}/approve",
                                   headers={"Authorization": f"Bearer {token_for(c['mayor'])}"})
    assert api.status_code == 409 and api.get_json()["code"] == "four_eyes_required"


def test_single_elected_user_setting_allows_self_approval_and_records_it(commune, make_user, token_for):
    c = commune
    member = c["member"]
    make_user(role="admin", email="admin@syndicat.test")
    browser = c["browser"]
    browser.login("admin@syndicat.test")
    edit = f"/members/{member.id}/edit"
    assert "Un seul élu" in _html(browser.get(edit))
    response = browser.post_form(edit, {"kind": "commune", "name": member.name, "insee_code": member.insee_code,
                                        "siren": member.siren, "population": "412", "epci_id": "0",
                                        "approval_threshold_ht": "500,00", "joined_on": "2020-01-01",
                                        "is_active": "y", "single_elected_user": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(member), member.id).single_elected_user is True

    order = _own_order(c, c["mayor"])
    api = browser.client.post(f"/api/v1/orders/{order.id}/approve",
                              headers={"Authorization": f"Bearer {token_for(c['mayor'])}"})
    assert api.status_code == 200 and api.get_json()["status"] == "approved"
    event = db.session.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id)
                               .order_by(OrderEvent.id.desc())).first()
    assert event.to_status == "approved" and event.actor_id == c["mayor"].id
    assert "un seul élu" in event.reason and "quatre yeux" in event.reason


def test_approval_by_another_person_records_no_waiver(commune):
    from purchasing.orders import services as orders

    c = commune
    c["member"].single_elected_user = True
    order = _own_order(c, c["secretary"])
    orders.approve(order, c["mayor"])
    assert order.events[-1].reason == ""
