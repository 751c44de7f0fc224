"""Reuse pool use cases: offer, claim (first claim wins), withdraw, and the queries of the pool page.

Load, call the domain, add and flush. Never commit (the view does, once).
"""
from __future__ import annotations

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import joinedload

from lifecycle.assets.models import Asset, DataErasure, Origin
from lifecycle.assets.services import CONDITIONS, change_asset_status, check_can_leave
from lifecycle.domain.states import POOL_LISTING
from lifecycle.pool.models import PoolListing
from purchasing.catalogue.models import Product
from purchasing.db_types import utcnow
from purchasing.domain.errors import N_, ConflictError, DomainError
from purchasing.extensions import db
from purchasing.mail import messages as mail
from purchasing.members.models import Member
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


def withdraw_listing(listing: PoolListing, actor) -> None:
    claimed = take_listing(listing, "withdrawn", None)
    change_asset_status(claimed.asset, "in_stock", actor, reason="Retiré de la bourse", kind="withdrawn")


def _listing_taken(_current: str | None = None) -> ConflictError:
    return ConflictError(N_("Cet équipement n'est plus disponible dans la bourse : il vient d'être attribué "
                            "à un autre adhérent ou retiré par son propriétaire."), code="listing_taken")


def take_listing(listing: PoolListing, new_status: str, claimer_id: int | None) -> PoolListing:
    """Conditional UPDATE … WHERE status='open' (shared transition): the first transaction wins, the others 409."""
    if listing.status != "open":
        raise _listing_taken()
    apply_transition(POOL_LISTING, listing, new_status,
                     values={"claimed_by_member_id": claimer_id, "claimed_dt": utcnow() if claimer_id else None},
                     conflict=_listing_taken)
    return listing


def claim_listing(listing: PoolListing, member_id: int, actor) -> Asset:
    """Give the asset to ``member_id``: first claim wins; storage needs a recorded erasure first."""
    if not member_id or db.session.get(Member, member_id) is None:
        raise DomainError(N_("Choisissez l'adhérent qui reçoit l'équipement."), code="member_required")
    if listing.offering_member_id == member_id:
        raise DomainError(N_("Vous ne pouvez pas réclamer un équipement que votre collectivité propose."),
                          code="own_listing")
    if listing.status != "open":
        raise ConflictError(N_("Cet équipement n'est plus disponible dans la bourse."), code="listing_taken")
    asset = listing.asset
    check_can_leave(asset)
    from_member = asset.member_id
    donor = asset.member
    take_listing(listing, "claimed", member_id)
    change_asset_status(asset, "in_stock", actor, reason="Attribué via la bourse de réemploi", kind="claimed",
                        from_member_id=from_member, to_member_id=member_id)
    asset.member_id = member_id
    asset.origin = Origin.POOL
    asset.site_id, asset.site = None, None
    asset.assigned_to = ""
    db.session.flush()
    mail.pool_claimed(listing, asset, donor, db.session.get(Member, member_id), actor)
    return asset


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
    return db.session.scalars(select(PoolListing).where(PoolListing.asset_id == asset.id,
                                                        PoolListing.status == "open")).first()
