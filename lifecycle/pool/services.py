"""Reuse pool use cases: offer, claim (first claim wins), withdraw, and the queries of the pool page.

Load, call the domain, add and flush. Never commit (the view does, once).
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import joinedload

from lifecycle.assets.models import Asset, AssetEvent, DataErasure, Origin
from lifecycle.assets.services import CONDITIONS, add_event, change_asset_status, check_can_leave
from lifecycle.domain import pool as pool_rules
from lifecycle.domain.states import POOL_LISTING
from lifecycle.pool.models import PoolListing
from purchasing.catalogue.models import Product
from purchasing.db_types import utcnow
from purchasing.domain.errors import N_, ConflictError, DomainError
from purchasing.extensions import db
from purchasing.mail import messages as mail
from purchasing.accounts.models import Role
from purchasing.members.models import Member
from purchasing.notifications.services import link, settle
from purchasing.transitions import apply_transition


# --- reuse pool ----------------------------------------------------------------------------------

def offer_to_pool(asset: Asset, *, condition: str, note: str, actor) -> PoolListing:
    if condition not in CONDITIONS:
        raise DomainError(N_("État inconnu."), code="unknown_condition")
    change_asset_status(asset, "in_pool", actor, reason=note, kind="offered", condition=condition)
    listing = PoolListing(asset_id=asset.id, offering_member_id=asset.member_id, category_id=asset.category_id,
                          condition=condition, note=(note or "").strip())
    asset.condition = condition
    db.session.add(listing)
    db.session.flush()
    return listing


def take_off_pool(listing: PoolListing) -> None:
    """Close an open listing (withdrawn from the pool, or its asset retired); a reserved one must be declined first."""
    if listing.status == "reserved":
        raise ConflictError(N_("Cet équipement est réservé par un autre adhérent : refusez d'abord sa demande, puis "
                            "retirez-le de la bourse."), code="listing_reserved")
    if listing.status != "open":
        raise _listing_taken()
    apply_transition(POOL_LISTING, listing, "withdrawn", conflict=_listing_taken)


def withdraw_listing(listing: PoolListing, actor) -> None:
    take_off_pool(listing)
    change_asset_status(listing.asset, "in_stock", actor, reason="Retiré de la bourse", kind="withdrawn")


def _listing_taken(_current: str | None = None) -> ConflictError:
    return ConflictError(N_("Cet équipement n'est plus disponible dans la bourse : il vient d'être réservé par un "
                         "autre adhérent ou retiré par son propriétaire."), code="listing_taken")


def _reservation_decided(_current: str | None = None) -> ConflictError:
    return ConflictError(N_("Cette réservation a déjà reçu sa réponse : l'équipement a été donné, ou la demande "
                         "refusée."), code="reservation_decided")


def decline_delay_days() -> int:
    """The donor's delay to decline, in days: the configuration's ``POOL_DECLINE_DAYS``, else the domain's rule."""
    days = current_app.config.get("POOL_DECLINE_DAYS", pool_rules.DECLINE_DAYS)
    return pool_rules.DECLINE_DAYS if days is None else int(days)


def was_declined_for(listing: PoolListing, member_id: int) -> bool:
    """The donor already declined this member's claim of this offer (its asset's timeline says so)."""
    return db.session.scalar(select(exists().where(
        AssetEvent.asset_id == listing.asset_id, AssetEvent.kind == "claim_declined",
        AssetEvent.to_member_id == member_id, AssetEvent.created_dt >= listing.created_dt))) or False


def claim_listing(listing: PoolListing, member_id: int, actor) -> PoolListing:
    """Reserve the item for ``member_id``: the first claim wins (the others get 409 ``listing_taken``); storage needs
    a recorded erasure first. The donor is told and may decline until ``decline_until``
    (lifecycle/domain/pool.py); the item moves when the donor confirms or when the delay ends."""
    if not member_id or db.session.get(Member, member_id) is None:
        raise DomainError(N_("Choisissez l'adhérent qui reçoit l'équipement."), code="member_required")
    if listing.offering_member_id == member_id:
        raise DomainError(N_("Vous ne pouvez pas réclamer un équipement que votre collectivité propose."),
                          code="own_listing")
    if listing.status != "open":
        raise _listing_taken()
    if was_declined_for(listing, member_id):
        raise ConflictError(N_("Le donateur a déjà refusé la demande de votre collectivité pour cet équipement."),
                            code="claim_declined")
    asset = listing.asset
    check_can_leave(asset)
    now = utcnow()
    deadline = pool_rules.decline_deadline(now, decline_delay_days())
    apply_transition(POOL_LISTING, listing, "reserved", conflict=_listing_taken,
                     values={"claimed_by_member_id": member_id, "reserved_dt": now, "decline_until": deadline})
    add_event(asset, "reserved", actor, reason="Réservé via la bourse de réemploi", from_member_id=asset.member_id,
              to_member_id=member_id, listing_id=listing.id, decline_until=deadline.isoformat())
    db.session.flush()
    mail.pool_reserved(listing, asset, asset.member, db.session.get(Member, member_id), actor)
    return listing


def confirm_claim(listing: PoolListing, actor) -> Asset:
    """Give the reserved item to its claimant: the donor confirms (any time before the deadline), or the periodic
    confirmation does once the delay has ended (``actor`` None). One winner against a decline (409)."""
    if listing.status != "reserved":
        raise _reservation_decided()
    asset = listing.asset
    check_can_leave(asset)
    donor, claimant_id = asset.member, listing.claimed_by_member_id
    apply_transition(POOL_LISTING, listing, "claimed", values={"claimed_dt": utcnow()},
                     conflict=_reservation_decided)
    change_asset_status(asset, "in_stock", actor, reason="Attribué via la bourse de réemploi", kind="claimed",
                        from_member_id=donor.id, to_member_id=claimant_id, automatic=actor is None)
    asset.member_id = claimant_id
    asset.origin = Origin.POOL
    asset.site_id, asset.site = None, None
    asset.assigned_to = ""
    db.session.flush()
    settle(Role.SECRETARY, donor.id, link("lifecycle.show", asset_id=asset.id))
    mail.pool_claimed(listing, asset, donor, db.session.get(Member, claimant_id), actor)
    return asset


def decline_claim(listing: PoolListing, actor, reason: str) -> None:
    """The donor declines the claim (before ``decline_until``, with a reason): the item is back in the pool, the
    claimant is told, and that member cannot claim the offer again."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(N_("Indiquez pourquoi vous refusez cette demande : le demandeur en est informé."),
                          code="reason_required", details={"field": "reason"})
    if listing.status != "reserved":
        raise _reservation_decided()
    if not pool_rules.can_decline(utcnow(), listing.decline_until):
        raise ConflictError(N_("Le délai pour refuser cette demande est passé : l'équipement est donné au demandeur."),
                            code="decline_period_over")
    asset, claimant_id = listing.asset, listing.claimed_by_member_id
    apply_transition(POOL_LISTING, listing, "open", conflict=_reservation_decided,
                     values={"claimed_by_member_id": None, "reserved_dt": None, "decline_until": None})
    add_event(asset, "claim_declined", actor, reason=reason, from_member_id=asset.member_id,
              to_member_id=claimant_id, listing_id=listing.id)
    db.session.flush()
    settle(Role.SECRETARY, asset.member_id, link("lifecycle.show", asset_id=asset.id))
    mail.pool_declined(listing, asset, asset.member, db.session.get(Member, claimant_id), actor, reason)


def confirm_due_claims(now=None) -> int:
    """Confirm every reservation whose delay to decline has ended (the periodic task and ``flask pool
    confirm-due``). Each in its own savepoint: one the donor decided meanwhile is skipped. Returns how many."""
    now = now or utcnow()
    ids = db.session.scalars(select(PoolListing.id).where(PoolListing.status == "reserved",
                                                          PoolListing.decline_until <= now)
                             .order_by(PoolListing.id)).all()
    confirmed = 0
    for listing_id in ids:
        listing = db.session.get(PoolListing, listing_id)
        try:
            with db.session.begin_nested():
                confirm_claim(listing, None)
            confirmed += 1
        except DomainError:
            db.session.expire(listing)  # decided by its donor meanwhile, or its data no longer allow it to leave
    return confirmed


def requests_for(member_id: int):
    """SQL: the claims of ``member_id``'s own offers waiting for its answer (the pool page's and the home page's)."""
    return (select(PoolListing).where(PoolListing.status == "reserved", PoolListing.offering_member_id == member_id)
            .options(joinedload(PoolListing.asset), joinedload(PoolListing.claimed_by))
            .order_by(PoolListing.decline_until, PoolListing.id))


def reservations_of(member_id: int):
    """SQL: the items reserved for ``member_id``, waiting for their donors' answer (the pool page's own list)."""
    return (select(PoolListing).where(PoolListing.status == "reserved", PoolListing.claimed_by_member_id == member_id)
            .options(joinedload(PoolListing.asset), joinedload(PoolListing.offering_member))
            .order_by(PoolListing.decline_until, PoolListing.id))


def erased_by_holder():
    """SQL: the listed asset's data were erased while its current member held it (what a claim needs)."""
    return exists().where(DataErasure.asset_id == PoolListing.asset_id,
                          DataErasure.member_id == PoolListing.offering_member_id)


def claimable():
    """SQL: a claim of this listing would not be refused for its data (no storage, or an erasure recorded)."""
    holds_storage = select(Asset.holds_storage).where(Asset.id == PoolListing.asset_id).scalar_subquery()
    return or_(holds_storage.is_(False), erased_by_holder())


def pool_query(*, category_id=None, epci_id=None, condition=None, exclude_member_id=None, matching_member_id=None,
               claimable_only=False):
    """Open listings, newest first. ``matching_member_id``: only other members' listings in a category the member
    holds equipment of (not retired): the home page's "pool offers matching my equipment". ``claimable_only``: not
    the listings a claim would refuse for want of a data erasure (the pool page's default)."""
    stmt = (select(PoolListing).where(PoolListing.status == "open")
            .options(joinedload(PoolListing.asset).joinedload(Asset.product),
                     joinedload(PoolListing.asset).joinedload(Asset.hardware), joinedload(PoolListing.category),
                     joinedload(PoolListing.offering_member)))
    if claimable_only:
        stmt = stmt.where(claimable())
    if category_id:
        stmt = stmt.where(PoolListing.category_id == category_id)
    if epci_id:
        # the EPCI and its communes: a few member ids (an index range each), never a join of every listing
        # with the member table (the capped count read 10,001 listings joined to 35,000 members)
        members = select(Member.id).where((Member.epci_id == epci_id) | (Member.id == epci_id))
        stmt = stmt.where(PoolListing.offering_member_id.in_(members))
    if condition:
        stmt = stmt.where(PoolListing.condition == condition)
    if exclude_member_id:
        stmt = stmt.where(PoolListing.offering_member_id != exclude_member_id)
    if matching_member_id:
        held = select(Asset.category_id).where(Asset.member_id == matching_member_id, Asset.status != "retired")
        stmt = stmt.where(PoolListing.offering_member_id != matching_member_id, PoolListing.category_id.in_(held))
    return stmt.order_by(PoolListing.id.desc())


def erasures_of(listings) -> dict[int, DataErasure]:
    """The latest erasure recorded by its current holder of each listed asset: one query for a page of listings."""
    pairs = {(l.asset_id, l.offering_member_id) for l in listings}
    if not pairs:
        return {}
    rows = db.session.scalars(select(DataErasure).where(DataErasure.asset_id.in_({a for a, _m in pairs}))
                              .order_by(DataErasure.id))
    return {e.asset_id: e for e in rows if (e.asset_id, e.member_id) in pairs}


def equivalents_in_pool(product: Product, member) -> list[PoolListing]:
    """Open listings of the same category offered by other members (the catalogue's "reuse first" notice)."""
    member_id = getattr(member, "id", member)
    stmt = pool_query(category_id=product.category_id, exclude_member_id=member_id).limit(20)
    return list(db.session.scalars(stmt).unique())


def latest_listing_for_tag(tag: str) -> PoolListing | None:
    """The latest pool listing of the asset tagged ``tag`` (open, claimed or withdrawn), any member's.

    The pool is shared by the territory: claiming needs no ownership of the asset, and the listing's own
    status decides (an open one can be claimed; a claimed one is a 409 "taken").
    """
    tag = (tag or "").strip().upper()
    if not tag:
        return None
    return db.session.scalars(select(PoolListing).join(Asset, PoolListing.asset_id == Asset.id)
                              .where(Asset.tag == tag).order_by(PoolListing.id.desc()).limit(1)).first()


def open_listing_for(asset: Asset) -> PoolListing | None:
    """The asset's listing still in the pool: open, or reserved by a claim waiting for the donor's answer."""
    return db.session.scalars(select(PoolListing).where(PoolListing.asset_id == asset.id,
                                                        PoolListing.status.in_(("open", "reserved")))).first()
