"""Demo: the open grouped purchase of 24-inch monitors and a few members' commitments. After the identities: a
member commits only with a billing SIRET (the orders a campaign creates at closing are billed to it)."""
from __future__ import annotations

import random

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from purchasing.campaigns.models import Campaign
from purchasing.catalogue.models import Condition, Offer, Product
from purchasing.contracts.models import FrameworkContract
from purchasing.demo.catalogue import CONTRACTS, load_campaign
from purchasing.extensions import db


def load(rng: random.Random) -> str:
    if db.session.scalar(select(Campaign.id).limit(1)) is not None:
        return "Achat groupé : déjà chargé."
    # the catalogue demo's products (its framework contracts), not a catalogue that was there before the demo
    demo_contracts = select(FrameworkContract.id).where(FrameworkContract.reference.in_([c[0] for c in CONTRACTS]))
    offered = select(Offer.product_id).where(Offer.contract_id.in_(demo_contracts))
    products = list(db.session.scalars(select(Product).where(Product.id.in_(offered)).order_by(Product.id)
                                       .options(selectinload(Product.offers), selectinload(Product.category))))
    if not any(p.category.code == "monitor_24" and p.condition == Condition.NEW for p in products):
        return "Achat groupé : pas d'écran 24 pouces neuf au catalogue de démonstration."
    return f"Achat groupé « {load_campaign(rng, products)} » ouvert."
