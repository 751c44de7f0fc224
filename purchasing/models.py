"""Every model of the application, imported in one place so that the metadata is complete.

Add each new area's models module here.
"""
from purchasing.accounts.models import LoginThrottle, User  # noqa: F401
from purchasing.catalogue.models import Category, Offer, PriceBreak, Product  # noqa: F401
from purchasing.contracts.models import FrameworkContract  # noqa: F401
from purchasing.members.models import Member  # noqa: F401
from purchasing.orders.models import Order, OrderEvent, OrderLine  # noqa: F401
from purchasing.suppliers.models import Supplier  # noqa: F401
from lifecycle.models import (  # noqa: F401
    Asset, AssetEvent, AssetTagCounter, Audit, AuditScan, DataErasure, PoolListing, RepairJob, Retirement,
)
