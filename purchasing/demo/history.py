"""Demo purchase history: two years of delivered orders and a few reuse-pool claims.

Gives the sustainability reports, the transparency page and the purchase-order lists something to show.
Orders go through the real pricing (member prices from the tariff grid) and their delivered units become
assets through lifecycle's receiving function, so the inventory and the history agree.
"""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, insert, select

from lifecycle.assets import services as lifecycle_services
from lifecycle.assets.receiving import receive_delivered_line
from lifecycle.pool import services as pool_services
from lifecycle.pool.models import PoolListing
from purchasing.accounts.models import Role, User
from purchasing.catalogue.models import Offer, Product
from purchasing.contracts.models import FrameworkContract
from purchasing.domain.pricing import line_total
from purchasing.extensions import db
from purchasing.members.models import Member, Site
from purchasing.orders.models import Order, OrderEvent, OrderLine
from purchasing.pricing.services import member_price

MARK = "Historique de démonstration"
ORDERS_PER_YEAR = 45
POOL_CLAIMS = 12


def _moment(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=timezone.utc)


def _orderable_offers() -> list[Offer]:
    today = date.today()
    offers = db.session.scalars(
        select(Offer).join(Product).join(FrameworkContract, Offer.contract_id == FrameworkContract.id)
        .where(Offer.is_active.is_(True), Offer.valid_from <= today,
               FrameworkContract.is_terminated.is_(False), FrameworkContract.end_on >= today,
               FrameworkContract.reference.like("AC-2025-01-%"))
        .order_by(Offer.id)).all()
    return [o for o in offers if o.product.category.is_device]


def _history_orders(rng: random.Random, offers: list[Offer]) -> int:
    members = list(db.session.scalars(select(Member).where(Member.kind.in_(("commune", "epci", "ccas")),
                                                           Member.is_active.is_(True)).order_by(Member.id)))
    writers = {u.member_id: u for u in db.session.scalars(select(User).where(User.role == Role.SECRETARY))}
    officer = db.session.scalars(select(User).where(User.role == Role.PURCHASING_OFFICER)).first()
    fallback = officer or db.session.scalars(select(User).order_by(User.id)).first()
    refurbished = [o for o in offers if o.product.condition == "refurbished"]
    new = [o for o in offers if o.product.condition != "refurbished"]
    today = date.today()
    default_sites = {s.member_id: s for s in db.session.scalars(select(Site).where(Site.is_default.is_(True)))}
    created = 0
    for year in (today.year - 1, today.year):
        last_day = date(year, 12, 31) if year < today.year else today - timedelta(days=7)
        span = (last_day - date(year, 1, 10)).days
        for _ in range(ORDERS_PER_YEAR):
            member = rng.choice(members)
            author = writers.get(member.id, fallback)
            submitted = date(year, 1, 10) + timedelta(days=rng.randint(0, max(span, 1)))
            site = default_sites.get(member.id)
            order = Order(member_id=member.id, created_by_id=author.id, status="delivered",
                          delivery_site_id=site.id if site else None,
                          delivery_site=site.full_address if site else f"Mairie — {member.name}", note=MARK,
                          submitted_dt=_moment(submitted, 9), decided_dt=_moment(submitted, 11),
                          created_dt=_moment(submitted, 8))
            db.session.add(order)
            db.session.flush()
            order.reference = f"CMD-{year}-{order.id:06d}"
            total = 0
            for _line in range(rng.randint(1, 3)):
                pool = refurbished if (refurbished and rng.random() < 0.3) else new
                offer = rng.choice(pool)
                quantity = rng.randint(1, 4)
                price = member_price(offer, member, quantity, today)
                amount = line_total(price.unit_price_ht, quantity)
                line = OrderLine(order_id=order.id, offer_id=offer.id, product_id=offer.product_id,
                                 quantity=quantity, base_unit_price_ht=price.base_unit_price_ht,
                                 fee_rate=price.fee_rate, unit_price_ht=price.unit_price_ht,
                                 vat_rate=offer.product.vat_rate, line_total_ht=amount,
                                 delivered_quantity=quantity)
                db.session.add(line)
                db.session.flush()
                order.fee_rate, order.tariff_grid_id = price.fee_rate, price.grid_id
                total += amount
                for asset in receive_delivered_line(line, quantity, None, None):
                    asset.acquisition_date = submitted + timedelta(days=21)
            order.total_ht = total
            steps = [(None, "draft", 8), ("draft", "submitted", 9), ("submitted", "approved", 11),
                     ("approved", "placed", 14), ("placed", "delivered", 16)]
            db.session.execute(insert(OrderEvent), [
                dict(order_id=order.id, actor_id=author.id, from_status=a, to_status=b, reason=MARK,
                     is_automatic=False, created_dt=_moment(submitted + timedelta(days=0 if h < 14 else 21), h))
                for a, b, h in steps])
            created += 1
    db.session.flush()
    return created


def _pool_claims(rng: random.Random) -> int:
    """Claim some open listings that can leave their member (no storage, or erased), keeping the walkthrough's."""
    listings = db.session.scalars(select(PoolListing).where(PoolListing.status == "open")
                                  .order_by(PoolListing.id)).all()[1:]
    members = [m.id for m in db.session.scalars(select(Member).where(Member.kind == "commune")
                                                .order_by(Member.id).limit(200))]
    claimed = 0
    for listing in listings:
        if claimed >= POOL_CLAIMS:
            break
        if listing.asset.holds_storage and lifecycle_services.latest_erasure(listing.asset) is None:
            continue
        receiver = rng.choice([m for m in members if m != listing.offering_member_id])
        pool_services.claim_listing(listing, receiver, None)
        pool_services.confirm_claim(listing, None)  # the history's claims were all given
        claimed += 1
    _pending_request(members)
    return claimed


def _pending_request(members: list[int]) -> None:
    """One claim still waiting for its donor, the moyenne commune (its secretary's home page and the pool page show
    it, to give or to decline): the latest of its open offers that can leave it, never the walkthrough's laptop."""
    moyenne = db.session.scalar(select(Member.id).where(Member.insee_code == "24520"))
    offers = db.session.scalars(select(PoolListing).where(PoolListing.status == "open",
                                                          PoolListing.offering_member_id == moyenne)
                                .order_by(PoolListing.id)).all()[1:]
    ready = [l for l in offers if not l.asset.holds_storage or lifecycle_services.latest_erasure(l.asset)]
    receivers = [m for m in members if m != moyenne]
    if ready and receivers:
        pool_services.claim_listing(ready[-1], receivers[0], None)


def load(rng: random.Random) -> str:
    if db.session.scalar(select(func.count(Order.id)).where(Order.note == MARK)):
        return "Historique d'achats : déjà chargé"
    offers = _orderable_offers()
    if not offers:
        return "Historique d'achats : aucun produit commandable"
    orders = _history_orders(rng, offers)
    claims = _pool_claims(rng)
    return f"Historique d'achats : {orders} commandes livrées sur deux ans, {claims} équipements repris dans la bourse."
