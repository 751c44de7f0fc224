"""Objects of the demo territory that several tests start from."""
from __future__ import annotations

from sqlalchemy import select

from purchasing.catalogue.models import Offer, Product
from purchasing.contracts.models import FrameworkContract
from purchasing.extensions import db


def demo_laptop_offer() -> Offer:
    """The demo's Latitude 5430 under framework contract AC-2025-01-L1 (loaded by ``load_demo``)."""
    return db.session.scalars(
        select(Offer).join(Product).join(FrameworkContract)
        .where(FrameworkContract.reference == "AC-2025-01-L1", Product.model == "Latitude 5430")).one()
