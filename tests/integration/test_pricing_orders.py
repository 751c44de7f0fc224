"""Member prices by band, frozen order prices, approval, campaigns: hand-computed amounts."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from purchasing.campaigns import services as campaigns
from purchasing.campaigns.models import CampaignCommitment
from purchasing.domain.errors import PricingError, TransitionNotAllowed
from purchasing.extensions import db
from purchasing.notifications.models import Notification
from purchasing.orders import services as orders
from purchasing.orders.models import OrderEvent
from purchasing.pricing import services as pricing

TODAY = date.today()


@pytest.fixture
def world(make_grid, make_offer, make_member, make_user):
    grid = make_grid()
    small = make_member(name="Petite", population=412, approval_threshold_ht=Decimal("500.00"))
    medium = make_member(name="Moyenne", population=6840, approval_threshold_ht=Decimal("3000.00"))
    return {
        "grid": grid, "offer": make_offer(price="1000.00"), "small": small, "medium": medium,
        "sec_small": make_user(role="secretary", member=small), "approver_small": make_user(role="approver", member=small),
        "sec_medium": make_user(role="secretary", member=medium),
        "officer": make_user(role="purchasing_officer"),
    }


def test_member_price_follows_the_band_and_the_price_break(world):
    offer = world["offer"]
    assert pricing.member_price(offer, world["small"], 1, TODAY).unit_price_ht == Decimal("1020.00")  # 2 %
    assert pricing.member_price(offer, world["medium"], 1, TODAY).unit_price_ht == Decimal("1070.00")  # 7 %
    at_ten = pricing.member_price(offer, world["medium"], 10, TODAY)  # break 950.00
    assert (at_ten.base_unit_price_ht, at_ten.unit_price_ht) == (Decimal("950.00"), Decimal("1016.50"))


def test_member_price_rounds_half_up_to_the_cent(make_grid, make_offer, make_member):
    make_grid()
    offer = make_offer(price="10.10", breaks=())
    member = make_member(population=2000)  # 5 %: 10.10 × 1.05 = 10.605 → 10.61 (half-even would give 10.60)
    assert pricing.member_price(offer, member, 1, TODAY).unit_price_ht == Decimal("10.61")


def test_epci_is_banded_by_its_population(make_grid, make_offer, make_member):
    make_grid()
    epci = make_member(kind="epci", insee_code=None, population=25000)
    assert pricing.member_price(make_offer(price="100.00", breaks=()), epci, 1, TODAY).unit_price_ht == Decimal("109.00")


def test_no_grid_in_force_is_a_clear_error(make_offer, make_member):
    with pytest.raises(PricingError, match="Aucune grille tarifaire"):
        pricing.member_price(make_offer(), make_member(), 1, TODAY)


def test_new_grid_version_does_not_change_a_submitted_order(world, make_grid):
    user = world["sec_small"]
    orders.add_to_cart(user, world["offer"].id, 2, TODAY)
    cart = orders.get_cart(user)
    orders.update_cart(cart, {}, "Mairie", "", TODAY)
    orders.submit_order(cart, user, TODAY)
    assert [(line.unit_price_ht, line.fee_rate) for line in cart.lines] == [(Decimal("1020.00"), Decimal("0.0200"))]
    make_grid(effective_from=TODAY, rates=("0.04", "0.04", "0.06", "0.08", "0.10"),
              deliberation="Délibération n° 2026-03")
    db.session.expire_all()
    line = cart.lines[0]
    assert (line.unit_price_ht, line.line_total_ht, cart.total_ht) == (Decimal("1020.00"), Decimal("2040.00"),
                                                                       Decimal("2040.00"))
    assert pricing.member_price(world["offer"], world["small"], 1, TODAY).unit_price_ht == Decimal("1040.00")


def test_grid_dates_must_increase(make_grid):
    make_grid(effective_from=date(2025, 6, 1))
    with pytest.raises(PricingError, match="après la version 1"):
        make_grid(effective_from=date(2025, 6, 1))


def test_order_above_threshold_waits_for_the_approver_who_is_notified(world):
    user = world["sec_small"]
    orders.add_to_cart(user, world["offer"].id, 1, TODAY)  # 1 020,00 > 500,00
    cart = orders.get_cart(user)
    orders.update_cart(cart, {}, "Mairie", "", TODAY)
    orders.submit_order(cart, user, TODAY)
    assert cart.status == "submitted" and cart.reference.startswith("CMD-")
    assert db.session.scalar(select(func.count(Notification.id))
                             .where(Notification.user_id == world["approver_small"].id)) == 1
    with pytest.raises(orders.ReasonRequired):
        orders.reject(cart, world["approver_small"], "  ")
    orders.approve(cart, world["approver_small"])
    assert cart.status == "approved"
    event = cart.events[-1]
    assert (event.from_status, event.to_status, event.actor_id, event.is_automatic) == (
        "submitted", "approved", world["approver_small"].id, False)
    with pytest.raises(TransitionNotAllowed):
        orders.approve(cart, world["approver_small"])


@pytest.mark.parametrize(("threshold", "status"), [
    ("3000.00", "approved"),  # under the threshold
    ("2140.00", "approved"),  # exactly at it: still automatic
    ("2139.99", "submitted"),  # one cent above it: the approver decides
])
def test_order_at_or_under_threshold_is_approved_automatically(world, threshold, status):
    world["medium"].approval_threshold_ht = Decimal(threshold)
    db.session.flush()
    user = world["sec_medium"]
    orders.add_to_cart(user, world["offer"].id, 2, TODAY)  # 2 × 1 070,00 = 2 140,00
    cart = orders.get_cart(user)
    orders.update_cart(cart, {}, "Mairie", "", TODAY)
    orders.submit_order(cart, user, TODAY)
    assert cart.total_ht == Decimal("2140.00")
    assert cart.status == status
    automatic = db.session.scalars(select(OrderEvent).where(OrderEvent.order_id == cart.id,
                                                            OrderEvent.to_status == "approved")).all()
    if status == "approved":
        assert [(event.is_automatic, event.actor_id) for event in automatic] == [(True, None)]
    else:
        assert automatic == []


def test_order_embodied_carbon_sums_products_with_range(world):
    user = world["sec_medium"]
    orders.add_to_cart(user, world["offer"].id, 3, TODAY)
    cart = orders.get_cart(user)
    result = orders.order_carbon(cart, TODAY)
    from lifecycle.domain.carbon import category_factor

    laptop = category_factor("laptop").embodied
    assert result.embodied.central == pytest.approx(round(laptop.central * 3, 2))
    assert result.embodied.low < result.embodied.central < result.embodied.high


def test_campaign_crossing_a_break_lowers_every_participants_price(make_grid, make_offer, make_member, make_user):
    make_grid()
    offer = make_offer(price="333.33", breaks=((10, "316.67"),))
    # thresholds above the commitments' amounts: approved automatically (approval: tests/web/test_campaign_pages.py)
    small = make_member(population=412, approval_threshold_ht=Decimal("10000"))  # 2 %
    medium = make_member(population=6840, approval_threshold_ht=Decimal("10000"))  # 7 %
    officer = make_user(role="purchasing_officer")
    campaign = campaigns.create_campaign(offer.id, "Portables", TODAY + timedelta(days=7), 1, None, officer, TODAY)
    campaigns.commit_quantity(campaign, small, 6, TODAY)
    before = campaigns.estimate(campaign, small, TODAY)
    # 333.33 × 1.02 = 339.9966 → 340.00; next break at 10: 316.67 × 1.02 = 323.0034 → 323.00
    assert (before.total, before.unit_price_ht, before.next_break_quantity, before.next_unit_price_ht) == (
        6, Decimal("340.00"), 10, Decimal("323.00"))
    campaigns.commit_quantity(campaign, medium, 5, TODAY)
    campaigns.close_campaign(campaign, officer, TODAY)
    prices = {c.member_id: c.unit_price_ht for c in campaign.commitments}
    # total 11 ≥ 10: 316.67 × 1.02 = 323.0034 → 323.00 ; 316.67 × 1.07 = 338.8369 → 338.84
    assert prices == {small.id: Decimal("323.00"), medium.id: Decimal("338.84")}
    assert campaign.status == "closed" and campaign.final_unit_price_ht == Decimal("316.67")
    with pytest.raises(campaigns.CampaignClosed):
        campaigns.commit_quantity(campaign, small, 1, TODAY)
    assert db.session.scalar(select(func.sum(CampaignCommitment.quantity))
                             .where(CampaignCommitment.campaign_id == campaign.id)) == 11


def test_campaign_under_its_minimum_is_cancelled_at_closing(make_grid, make_offer, make_member, make_user):
    make_grid()
    offer = make_offer()
    officer = make_user(role="purchasing_officer")
    campaign = campaigns.create_campaign(offer.id, "", TODAY, 20, 40, officer, TODAY)
    campaigns.commit_quantity(campaign, make_member(), 5, TODAY)
    campaigns.close_campaign(campaign, officer, TODAY + timedelta(days=1))
    assert campaign.status == "cancelled" and "minimale" in campaign.events[-1].reason
