"""Grouped campaigns: members commit quantities; at closing the total fixes the price break for everyone.

Status changes go through :func:`change_campaign_status` (CAMPAIGN machine + audit event) and, for a
commitment, :func:`change_commitment_status` (COMMITMENT machine + CommitmentEvent), both through the shared
conditional transition (purchasing/transitions.py). Services flush, never commit.

Approval (decisions.md, "Reliability"): a commitment whose amount at the price shown when committing exceeds
the member's approval threshold waits for the member's approver, who decides before the deadline (not at
closing: the total that fixes the price break must only count commitments the members stand by, and every
member knows before the deadline whether its commitment counts). At closing, commitments still pending are
dropped (their members told) before the total is computed; decisions are no longer possible once the
campaign is closed; the orders created from the approved commitments are approved by those decisions
(recorded as such in their audit event). Nobody approves a commitment they made (four-eyes), unless the
member has a single elected user (Member.single_elected_user).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from sqlalchemy.exc import IntegrityError

from purchasing.accounts.models import Role
from purchasing.campaigns.models import Campaign, CampaignCommitment, CampaignEvent, CommitmentEvent, CommitmentStatus
from purchasing.catalogue import services as catalogue
from purchasing.catalogue.models import Offer
from purchasing.db_types import utcnow
from purchasing.domain import pricing as domain
from purchasing.domain.errors import N_, ConflictError, DomainError, InvalidQuantity
from purchasing.domain.money import format_eur
from purchasing.domain.states import CAMPAIGN, StateMachine, approval_needed
from purchasing.extensions import db
from purchasing.notifications.services import link, notify, settle, users_with_role
from purchasing.orders.models import Order, OrderLine
from purchasing.orders.services import change_order_status, check_four_eyes
from purchasing.pricing import services as pricing
from purchasing.transitions import apply_transition, lock_for_update, status_changed

#: withdrawn by its member before the deadline (a quantity of 0): it no longer counts, its row and history stay
#: (its last quantity kept), and committing again revives it. A value of the status column, not a schema change.
WITHDRAWN = CommitmentStatus.WITHDRAWN

#: a commitment's approval; "dropped" is final (still pending at closing)
COMMITMENT = StateMachine(
    name="campaign_commitment",
    transitions={
        CommitmentStatus.PENDING: {CommitmentStatus.APPROVED, CommitmentStatus.REJECTED, CommitmentStatus.DROPPED,
                                   WITHDRAWN},
        CommitmentStatus.APPROVED: {CommitmentStatus.PENDING, WITHDRAWN},  # a new quantity above the threshold
        CommitmentStatus.REJECTED: {CommitmentStatus.PENDING, CommitmentStatus.APPROVED, WITHDRAWN},  # again
        WITHDRAWN: {CommitmentStatus.PENDING, CommitmentStatus.APPROVED},  # committed again
    },
    initial=CommitmentStatus.PENDING,
    terminal=frozenset({CommitmentStatus.DROPPED}),
    labels_fr={"pending": "en attente d'approbation", "approved": "approuvé", "rejected": "refusé",
               "dropped": "retiré (non approuvé à la date limite)", WITHDRAWN: "retiré par l'adhérent"},
    labels_en={"pending": "awaiting approval", "approved": "approved", "rejected": "rejected",
               "dropped": "dropped (not approved by the deadline)", WITHDRAWN: "withdrawn by the member"},
    subject_fr=N_("L'engagement"),
)


class CampaignClosed(ConflictError):
    code = "campaign_closed"
    default_message = N_("Cet achat groupé est clos : il n'accepte plus d'engagements.")


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
            raise InvalidQuantity(N_("La quantité maximale doit être au moins égale à la quantité minimale."))
    if deadline < today:
        raise ConflictError(N_("La date limite doit être aujourd'hui ou plus tard."), code="deadline_past")
    campaign = Campaign(title=title.strip() or offer.product.name, offer_id=offer.id, deadline=deadline,
                        min_quantity=min_quantity, max_quantity=max_quantity, status="open", created_by_id=actor.id)
    db.session.add(campaign)
    db.session.flush()
    campaign.events.append(CampaignEvent(campaign_id=campaign.id, actor_id=actor.id, from_status=None,
                                         to_status="open"))
    db.session.flush()
    return campaign


#: commitments that hold no quantity: withdrawn by their member, refused by its approver (until committed again)
NOT_COUNTED = (WITHDRAWN, CommitmentStatus.REJECTED)


def total_quantity(campaign: Campaign) -> int:
    """The quantity committed so far (a withdrawn or refused commitment does not count)."""
    return db.session.scalar(select(func.coalesce(func.sum(CampaignCommitment.quantity), 0))
                             .where(CampaignCommitment.campaign_id == campaign.id,
                                    CampaignCommitment.status.notin_(NOT_COUNTED))) or 0


def committed_totals(campaign_ids) -> dict[int, int]:
    """Each campaign's total as :func:`total_quantity` counts it, for a page of campaigns in one query."""
    ids = list(campaign_ids)
    if not ids:
        return {}
    rows = db.session.execute(select(CampaignCommitment.campaign_id, func.sum(CampaignCommitment.quantity))
                              .where(CampaignCommitment.campaign_id.in_(ids), CampaignCommitment.status.notin_(NOT_COUNTED))
                              .group_by(CampaignCommitment.campaign_id))
    return {campaign_id: int(total) for campaign_id, total in rows}


class CommitmentDecisionClosed(ConflictError):
    code = "commitment_decision_closed"
    default_message = N_("L'achat groupé est clos ou sa date limite est passée : l'engagement ne peut plus être "
                       "approuvé ni refusé.")


class CommitmentChanged(ConflictError):
    code = "commitment_changed"


def change_commitment_status(commitment: CampaignCommitment, to_status: str, actor, reason: str = "",
                             automatic: bool = False) -> CommitmentEvent:
    """The only way a commitment changes status (COMMITMENT machine, conditional update, audit event)."""
    event = CommitmentEvent(commitment_id=commitment.id, actor_id=None if automatic else getattr(actor, "id", None),
                            quantity=commitment.quantity, reason=(reason or "").strip(), is_automatic=automatic)
    decided = {}
    if to_status in (CommitmentStatus.APPROVED, CommitmentStatus.REJECTED) and not automatic:
        decided = {"decided_by_id": getattr(actor, "id", None), "decided_dt": utcnow()}
    elif to_status == CommitmentStatus.PENDING or automatic:
        decided = {"decided_by_id": None, "decided_dt": utcnow() if automatic else None}
    return apply_transition(COMMITMENT, commitment, to_status, event, values=decided)


def _campaign_link(campaign: Campaign) -> str:
    return link("campaigns.show", campaign_id=campaign.id)


def _describe(commitment: CampaignCommitment, campaign: Campaign) -> str:
    return f"{commitment.quantity} × « {campaign.title} »"


def _is_zero(quantity) -> bool:
    """0, or a text of zeros as typed in the form: the member withdraws its commitment."""
    if isinstance(quantity, bool):
        return False
    if isinstance(quantity, int):
        return quantity == 0
    return isinstance(quantity, str) and re.fullmatch(r"\s*0+\s*", quantity) is not None


def _members_commitment(campaign: Campaign, member) -> CampaignCommitment | None:
    return db.session.scalars(select(CampaignCommitment).where(CampaignCommitment.campaign_id == campaign.id,
                                                               CampaignCommitment.member_id == member.id)
                              .execution_options(populate_existing=True)).first()


class NoCommitment(InvalidQuantity):
    code = "no_commitment"
    default_message = N_("Votre collectivité n'a pas d'engagement à retirer : la quantité doit être supérieure "
                         "à zéro.")


def commit_quantity(campaign: Campaign, member, quantity, today: date, actor=None) -> CampaignCommitment:
    """Set the member's committed quantity (replaces a previous commitment) before the deadline; 0 withdraws it.

    The campaign row is locked while committing (closing waits, two commitments never exceed the maximum
    together, and two commitments of one member are applied one after the other). Above the member's
    threshold at the price shown, the commitment waits for the member's approver (notified); at or under it,
    it is approved automatically. A withdrawn commitment no longer counts (its approver's request is
    settled); withdrawing it again changes nothing; committing again revives it.
    """
    lock_for_update(CAMPAIGN, campaign)
    if campaign.status != "open" or today > campaign.deadline:
        raise CampaignClosed()
    if _is_zero(quantity):
        return _withdraw(campaign, member, actor)
    quantity = domain.validate_quantity(quantity)
    if member.billing_siret is None:  # the orders the campaign creates at closing are billed to that SIRET
        raise ConflictError(N_("Votre collectivité n'a pas de SIRET de facturation : le syndicat doit le renseigner "
                            "avant tout engagement dans un achat groupé."), code="no_billing_siret")
    shown = estimate(campaign, member, today).unit_price_ht  # the member's unit price on the page, HT
    amount = domain.line_total(shown, quantity)
    existing = _members_commitment(campaign, member)
    counted = existing is not None and existing.status not in NOT_COUNTED
    others = total_quantity(campaign) - (existing.quantity if counted else 0)
    if campaign.max_quantity is not None and others + quantity > campaign.max_quantity:
        raise InvalidQuantity(
            N_("La quantité dépasse le maximum de l'achat groupé : %(others)s unités disponibles."),
            params={"others": campaign.max_quantity - others},
            code="campaign_max_exceeded")
    threshold = Decimal(member.approval_threshold_ht)
    needs_approval = approval_needed(amount, threshold)
    target = CommitmentStatus.PENDING if needs_approval else CommitmentStatus.APPROVED
    reason = (f"Montant {format_eur(amount)} HT au prix affiché, au-dessus du seuil d'approbation "
              f"({format_eur(threshold)} HT) : à approuver avant la date limite."
              if needs_approval else "Montant inférieur ou égal au seuil d'approbation.")
    actor_id = getattr(actor, "id", None)
    if existing is None:
        existing = CampaignCommitment(campaign_id=campaign.id, member_id=member.id, quantity=quantity,
                                      status=target, committed_amount_ht=amount, committed_by_id=actor_id,
                                      decided_dt=None if needs_approval else utcnow())
        try:
            with db.session.begin_nested():  # two first commitments of one member at once: one wins
                db.session.add(existing)
        except IntegrityError:
            raise ConflictError(N_("Un engagement de votre collectivité vient d'être enregistré : rechargez la page."),
                                code="commitment_exists") from None
        existing.events.append(CommitmentEvent(commitment_id=existing.id, actor_id=actor_id, from_status=None,
                                               to_status=target, quantity=quantity, reason=reason,
                                               is_automatic=not needs_approval))
    else:
        existing.quantity, existing.committed_amount_ht, existing.committed_by_id = quantity, amount, actor_id
        if existing.status != target:
            change_commitment_status(existing, target, actor, reason=reason, automatic=not needs_approval)
        elif target == CommitmentStatus.APPROVED:  # a new quantity at or under the threshold: approved as such
            existing.decided_by_id, existing.decided_dt = None, utcnow()
    db.session.flush()
    if needs_approval:
        notify(users_with_role(Role.APPROVER, member.id),
               f"Engagement de {_describe(existing, campaign)} à approuver avant le {campaign.deadline:%d/%m/%Y} "
               f"({format_eur(amount)} HT).", _campaign_link(campaign))
    return existing


def _withdraw(campaign: Campaign, member, actor) -> CampaignCommitment:
    """The member withdraws its commitment (the campaign row already locked by :func:`commit_quantity`)."""
    existing = _members_commitment(campaign, member)
    if existing is None:
        raise NoCommitment()
    if existing.status == WITHDRAWN:
        return existing  # already withdrawn: the same request again changes nothing
    was_pending = existing.status == CommitmentStatus.PENDING
    change_commitment_status(existing, WITHDRAWN, actor, reason="Engagement retiré par l'adhérent avant la date "
                                                                "limite.")
    if was_pending:  # nothing left for the approver to decide
        settle(Role.APPROVER, member.id, _campaign_link(campaign))
    return existing


def _lock_decidable(commitment: CampaignCommitment, today: date, expected_quantity: int | None) -> Campaign:
    """Decisions happen while the campaign is open, until its deadline, on the quantity the approver saw."""
    campaign = commitment.campaign
    lock_for_update(CAMPAIGN, campaign, read=True)  # closing waits for the decision, or the decision is refused
    if campaign.status != "open" or today > campaign.deadline:
        raise CommitmentDecisionClosed()
    lock_for_update(COMMITMENT, commitment)
    db.session.refresh(commitment)
    if commitment.status != CommitmentStatus.PENDING:  # decided, or withdrawn by its member, meanwhile
        raise status_changed(COMMITMENT, CommitmentStatus.PENDING, commitment.status)
    if expected_quantity is not None and expected_quantity != commitment.quantity:
        raise CommitmentChanged(N_("L'engagement vient d'être modifié (%(quantity)s unités) : "
                                   "rechargez la page avant de décider."),
                                params={"quantity": commitment.quantity}, details={"quantity": commitment.quantity})
    return campaign


def approve_commitment(commitment: CampaignCommitment, actor, today: date,
                       expected_quantity: int | None = None) -> CampaignCommitment:
    """The member's approver approves a pending commitment before the deadline (never their own: four-eyes)."""
    campaign = _lock_decidable(commitment, today, expected_quantity)
    note = check_four_eyes(commitment.member, (commitment.committed_by_id,), actor, "cet engagement")
    change_commitment_status(commitment, CommitmentStatus.APPROVED, actor, reason=note)
    settle(Role.APPROVER, commitment.member_id, _campaign_link(campaign))
    notify(users_with_role(Role.SECRETARY, commitment.member_id),
           f"Engagement de {_describe(commitment, campaign)} approuvé.", _campaign_link(campaign))
    return commitment


def reject_commitment(commitment: CampaignCommitment, actor, reason: str, today: date,
                      expected_quantity: int | None = None) -> CampaignCommitment:
    """The member's approver refuses a pending commitment before the deadline (reason required)."""
    if not (reason or "").strip():
        raise DomainError(N_("Le motif du refus est obligatoire."), code="reason_required")
    campaign = _lock_decidable(commitment, today, expected_quantity)
    change_commitment_status(commitment, CommitmentStatus.REJECTED, actor, reason=reason)
    settle(Role.APPROVER, commitment.member_id, _campaign_link(campaign))
    notify(users_with_role(Role.SECRETARY, commitment.member_id),
           f"Engagement de {_describe(commitment, campaign)} refusé : {reason.strip()}", _campaign_link(campaign))
    return commitment


def may_approve(commitment: CampaignCommitment, user) -> bool:
    """False when four-eyes forbids ``user`` to approve ``commitment`` (shown on the campaign page)."""
    try:
        check_four_eyes(commitment.member, (commitment.committed_by_id,), user, "cet engagement")
    except DomainError:
        return False
    return True


def load_commitment(campaign_id: int, commitment_id: int, user) -> CampaignCommitment | None:
    """A commitment of the user's own member (another member's: None, i.e. 404)."""
    return db.session.scalars(select(CampaignCommitment).where(
        CampaignCommitment.id == commitment_id, CampaignCommitment.campaign_id == campaign_id,
        CampaignCommitment.member_id == getattr(user, "member_id", None))
        .options(joinedload(CampaignCommitment.campaign), joinedload(CampaignCommitment.member))).first()


def pending_commitments_for(user):
    """The commitments of the user's member waiting for an approver (open campaigns), for "À approuver"."""
    return list(db.session.scalars(
        select(CampaignCommitment).join(Campaign, CampaignCommitment.campaign_id == Campaign.id)
        .where(CampaignCommitment.member_id == user.member_id, CampaignCommitment.status == CommitmentStatus.PENDING,
               Campaign.status == "open")
        .options(joinedload(CampaignCommitment.campaign).joinedload(Campaign.offer).joinedload(Offer.product),
                 joinedload(CampaignCommitment.committed_by))
        .order_by(Campaign.deadline, CampaignCommitment.id)))


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
    """Close: the total fixes the break for every participant, each paying it plus its own band's fee.

    The campaign row is locked first (a second closing waits, then loses with a 409). Before the deadline
    it is refused while commitments still wait for their approver; after it, those are dropped, their
    members told. The total counts the approved commitments only.
    """
    lock_for_update(CAMPAIGN, campaign)
    db.session.scalars(select(CampaignCommitment).where(CampaignCommitment.campaign_id == campaign.id)
                       .execution_options(populate_existing=True)).all()
    db.session.expire(campaign, ["commitments"])
    waiting = [c for c in campaign.commitments if c.status == CommitmentStatus.PENDING]
    if waiting and today <= campaign.deadline:
        raise ConflictError(
            N_("Clôture refusée avant la date limite du %(deadline)s : %(waiting_count)s "
               "engagement(s) attendent encore la décision de l'approbateur de leur adhérent."),
            params={"deadline": format(campaign.deadline, '%d/%m/%Y'),
                    "waiting_count": len(waiting)}, code="commitments_pending",
            details={"commitment_ids": [c.id for c in waiting]})
    for commitment in waiting:
        if commitment.status == CommitmentStatus.PENDING:
            change_commitment_status(commitment, CommitmentStatus.DROPPED, actor, automatic=True,
                                     reason="Non approuvé par l'approbateur de l'adhérent avant la date limite.")
            settle(Role.APPROVER, commitment.member_id, _campaign_link(campaign))
            notify(users_with_role(Role.SECRETARY, commitment.member_id)
                   + users_with_role(Role.APPROVER, commitment.member_id),
                   f"Engagement de {_describe(commitment, campaign)} retiré : il n'a pas été approuvé avant la "
                   "clôture de l'achat groupé.", _campaign_link(campaign))
    commitments = [c for c in campaign.commitments if c.status == CommitmentStatus.APPROVED]
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


def list_campaigns(status: str | None = None):
    stmt = select(Campaign).options(joinedload(Campaign.offer).joinedload(Offer.product))
    if status:
        stmt = stmt.where(Campaign.status == status)
    return stmt.order_by(Campaign.deadline.desc(), Campaign.id.desc())


def load_campaign(campaign_id: int) -> Campaign | None:
    return db.session.scalars(select(Campaign).where(Campaign.id == campaign_id).options(
        joinedload(Campaign.offer).joinedload(Offer.product), selectinload(Campaign.offer, Offer.price_breaks),
        selectinload(Campaign.commitments).joinedload(CampaignCommitment.member),
        selectinload(Campaign.events))).first()


def place_campaign_orders(campaign: Campaign, actor, today: date) -> list:
    """Closed → ordered: one approved order per approved commitment at the campaign's frozen prices.

    Each order is approved by the decision taken on its commitment before the deadline: the approver's
    (recorded with the approver as actor and the decision's date) or the automatic one at or under the
    threshold. Purchasing officers then group the orders into a purchase order.
    """
    change_campaign_status(campaign, "ordered", actor)
    grid = pricing.grid_in_force(today)
    created = []
    for commitment in campaign.commitments:
        if commitment.status != CommitmentStatus.APPROVED:
            continue
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
        approver = commitment.decided_by
        if approver is not None:
            reason = (f"Approuvée par la décision de {approver.full_name or approver.email} du "
                      f"{commitment.decided_dt:%d/%m/%Y} sur l'engagement dans l'achat groupé « {campaign.title} ».")
        else:
            reason = (f"Engagement dans l'achat groupé « {campaign.title} » inférieur ou égal au seuil "
                      "d'approbation de l'adhérent : approuvée automatiquement.")
        change_order_status(order, "approved", approver, reason=reason, automatic=approver is None)
        created.append(order)
    return created
