"""Grouped campaigns: members commit quantities; at closing the total fixes the price break for everyone.

Status changes go through :func:`change_campaign_status` (CAMPAIGN machine + audit event). Services
flush, never commit.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from purchasing.campaigns.models import Campaign, CampaignCommitment, CampaignEvent
from purchasing.catalogue import services as catalogue
from purchasing.catalogue.models import Offer
from purchasing.db_types import utcnow
from purchasing.domain import pricing as domain
from purchasing.domain.errors import ConflictError, InvalidQuantity
from purchasing.domain.states import CAMPAIGN
from purchasing.extensions import db
from purchasing.orders.models import Order, OrderLine
from purchasing.orders.services import change_order_status
from purchasing.pricing import services as pricing
from purchasing.transitions import apply_transition


class CampaignClosed(ConflictError):
    code = "campaign_closed"
    default_message = "Cet achat groupé est clos : il n'accepte plus d'engagements."


def change_campaign_status(campaign: Campaign, to_status: str, actor, reason: str = "") -> CampaignEvent:
    event = CampaignEvent(campaign_id=campaign.id, actor_id=getattr(actor, "id", None), reason=(reason or "").strip())
    return apply_transition(CAMPAIGN, campaign, to_status, event)


def create_campaign(offer_id, title: str, deadline: date, min_quantity: int, max_quantity: int | None, actor,
                    today: date) -> Campaign:
    offer = catalogue.orderable_offer(offer_id, today)
    min_quantity = domain.validate_quantity(min_quantity, max_quantity=None)
    if max_quantity is not None:
        max_quantity = domain.validate_quantity(max_quantity, max_quantity=None)
        if max_quantity < min_quantity:
            raise InvalidQuantity("La quantité maximale doit être au moins égale à la quantité minimale.")
    if deadline < today:
        raise ConflictError("La date limite doit être aujourd'hui ou plus tard.", code="deadline_past")
    campaign = Campaign(title=title.strip() or offer.product.name, offer_id=offer.id, deadline=deadline,
                        min_quantity=min_quantity, max_quantity=max_quantity, status="open", created_by_id=actor.id)
    db.session.add(campaign)
    db.session.flush()
    campaign.events.append(CampaignEvent(campaign_id=campaign.id, actor_id=actor.id, from_status=None,
                                         to_status="open"))
    db.session.flush()
    return campaign


def total_quantity(campaign: Campaign) -> int:
    return db.session.scalar(select(func.coalesce(func.sum(CampaignCommitment.quantity), 0))
                             .where(CampaignCommitment.campaign_id == campaign.id)) or 0


def commit_quantity(campaign: Campaign, member, quantity, today: date) -> CampaignCommitment:
    """Set the member's committed quantity (replaces a previous commitment) before the deadline."""
    if campaign.status != "open" or today > campaign.deadline:
        raise CampaignClosed()
    quantity = domain.validate_quantity(quantity)
    existing = db.session.scalars(select(CampaignCommitment).where(CampaignCommitment.campaign_id == campaign.id,
                                                                   CampaignCommitment.member_id == member.id)).first()
    others = total_quantity(campaign) - (existing.quantity if existing else 0)
    if campaign.max_quantity is not None and others + quantity > campaign.max_quantity:
        raise InvalidQuantity(
            f"La quantité dépasse le maximum de l'achat groupé : {campaign.max_quantity - others} unités disponibles.",
            code="campaign_max_exceeded")
    if existing is None:
        existing = CampaignCommitment(campaign_id=campaign.id, member_id=member.id, quantity=quantity)
        db.session.add(existing)
    else:
        existing.quantity = quantity
    db.session.flush()
    return existing


@dataclass(frozen=True)
class Estimate:
    total: int
    unit_price_ht: Decimal | None
    next_break_quantity: int | None
    next_unit_price_ht: Decimal | None


def estimate(campaign: Campaign, member, today: date) -> Estimate:
    """The unit price the member would pay at the current total, and at the next price break."""
    total = total_quantity(campaign)
    breaks = pricing.offer_breaks(campaign.offer)
    fee = pricing.fee_rate_for(member, today) if member is not None else Decimal(0)
    current = domain.member_unit_price(domain.unit_price_at(breaks, max(total, 1)), fee)
    following = domain.next_break(breaks, max(total, 1))
    if following is None:
        return Estimate(total, current, None, None)
    return Estimate(total, current, following.min_quantity, domain.member_unit_price(following.unit_price_ht, fee))


def close_campaign(campaign: Campaign, actor, today: date) -> Campaign:
    """Close: the total fixes the break for every participant, each paying it plus its own band's fee."""
    commitments = list(campaign.commitments)
    total = sum(c.quantity for c in commitments)
    if total < campaign.min_quantity:
        change_campaign_status(campaign, "cancelled", actor,
                               reason=f"Quantité minimale non atteinte ({total} sur {campaign.min_quantity}).")
        return campaign
    change_campaign_status(campaign, "closed", actor)
    breaks = pricing.offer_breaks(campaign.offer)
    fees = {c.id: pricing.fee_rate_for(c.member, today) for c in commitments}
    prices = domain.campaign_unit_prices(breaks, total, fees)
    campaign.final_unit_price_ht = domain.unit_price_at(breaks, total)
    for commitment in commitments:
        commitment.fee_rate = fees[commitment.id]
        commitment.unit_price_ht = prices[commitment.id]
    db.session.flush()
    return campaign


def list_campaigns():
    return (select(Campaign).options(joinedload(Campaign.offer).joinedload(Offer.product))
            .order_by(Campaign.deadline.desc(), Campaign.id.desc()))


def load_campaign(campaign_id: int) -> Campaign | None:
    return db.session.scalars(select(Campaign).where(Campaign.id == campaign_id).options(
        joinedload(Campaign.offer).joinedload(Offer.product), selectinload(Campaign.offer, Offer.price_breaks),
        selectinload(Campaign.commitments).joinedload(CampaignCommitment.member),
        selectinload(Campaign.events))).first()


def place_campaign_orders(campaign: Campaign, actor, today: date) -> list:
    """Closed → ordered: one approved order per participant at the campaign's frozen prices.

    The participants committed before the deadline, so the orders are approved automatically (recorded as
    such, with the campaign as the reason); purchasing officers then group them into a purchase order.
    """
    change_campaign_status(campaign, "ordered", actor)
    grid = pricing.grid_in_force(today)
    created = []
    for commitment in campaign.commitments:
        order = Order(member_id=commitment.member_id, created_by_id=actor.id, status="draft",
                      delivery_site=f"{commitment.member.name} (achat groupé : à préciser)",
                      note=f"Achat groupé « {campaign.title} »", tariff_grid_id=grid.id,
                      fee_rate=commitment.fee_rate, submitted_dt=utcnow())
        order.lines = [OrderLine(offer_id=campaign.offer_id, product_id=campaign.offer.product_id,
                                 quantity=commitment.quantity, base_unit_price_ht=campaign.final_unit_price_ht,
                                 fee_rate=commitment.fee_rate, unit_price_ht=commitment.unit_price_ht,
                                 vat_rate=campaign.offer.product.vat_rate,
                                 line_total_ht=domain.line_total(commitment.unit_price_ht, commitment.quantity))]
        order.total_ht = order.lines[0].line_total_ht
        db.session.add(order)
        db.session.flush()
        order.reference = f"CMD-{today.year}-{order.id:06d}"
        change_order_status(order, "submitted", actor, reason=f"Achat groupé « {campaign.title} »")
        change_order_status(order, "approved", actor, reason="Engagement pris dans l'achat groupé.", automatic=True)
        created.append(order)
    return created
