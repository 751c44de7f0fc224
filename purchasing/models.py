"""Every model of the application, imported in one place so that the metadata is complete.

Add each new area's models module here.
"""
from purchasing.accounts.models import LoginAddressThrottle, LoginThrottle, User  # noqa: F401
from purchasing.catalogue.models import CacheVersion, Category, Offer, PriceBreak, Product  # noqa: F401
from purchasing.contracts.models import ContractModification, DecpPublication, FrameworkContract  # noqa: F401
from purchasing.members.models import Member, MemberContact, MemberSiret, Site, SiteMergeLog  # noqa: F401
from purchasing.orders.models import Order, OrderEvent, OrderLine  # noqa: F401
from purchasing.suppliers.models import Supplier  # noqa: F401
from purchasing.tenders.models import AwardCriterion, Bid, BidLine, BidScore, Tender, TenderEvent, TenderLot  # noqa: F401
from purchasing.pricing.models import TariffBand, TariffGrid  # noqa: F401
from purchasing.notifications.models import Notification  # noqa: F401
from purchasing.purchase_orders.models import Delivery, PurchaseOrder, PurchaseOrderEvent, PurchaseOrderLine  # noqa: F401
from purchasing.campaigns.models import Campaign, CampaignCommitment, CampaignEvent  # noqa: F401
from purchasing.api.models import ApiToken  # noqa: F401
from purchasing.documents.models import Document  # noqa: F401
from purchasing.accounts.tokens import AccountToken  # noqa: F401
from purchasing.mail.models import NotificationPreference, OutboxAttachment, OutboxMessage  # noqa: F401
from lifecycle.agents.models import AgentToken  # noqa: F401
from lifecycle.assets.models import (  # noqa: F401
    Asset, AssetEvent, AssetHardware, AssetStorage, AssetTagCounter, DataErasure,
)
from lifecycle.audits.models import Audit, AuditScan  # noqa: F401
from lifecycle.pool.models import PoolListing  # noqa: F401
from lifecycle.repairs.models import RepairJob  # noqa: F401
from lifecycle.retirement.models import Retirement  # noqa: F401
from purchasing.security.models import SecurityEvent  # noqa: F401
from purchasing.jobs.models import Job  # noqa: F401
from purchasing.syndicate.models import SyndicateIdentity  # noqa: F401
from lifecycle.imports.models import ImportMapping  # noqa: F401
