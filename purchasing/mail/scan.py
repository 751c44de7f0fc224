"""The daily scan: contract consumption past 80 % and expiry within 90 days (purchasing officers), campaigns
opened and closing within 3 days (members' secretaries), warranties ending within 60 days (the member).

Idempotent: each message's key names the object and the threshold, so running it again (or twice a day)
writes nothing new. ``flask --app purchasing notify scan`` runs it and commits once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from lifecycle.assets.models import Asset
from purchasing.campaigns.models import Campaign
from purchasing.contracts.models import FrameworkContract
from purchasing.extensions import db
from purchasing.mail import messages

CONSUMPTION_SHARE = Decimal("0.80")
CONTRACT_EXPIRY_DAYS = 90
CAMPAIGN_CLOSING_DAYS = 3
WARRANTY_DAYS = 60


@dataclass
class ScanReport:
    written: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, count: int) -> None:
        if count:
            self.written[what] = self.written.get(what, 0) + count


def scan(today: date | None = None) -> ScanReport:
    today = today or date.today()
    report = ScanReport()
    contracts = db.session.scalars(select(FrameworkContract).options(joinedload(FrameworkContract.supplier))
                                   .where(FrameworkContract.is_terminated.is_(False),
                                          FrameworkContract.end_on >= today)).all()
    for contract in contracts:
        if contract.max_amount_ht and contract.committed_ht / contract.max_amount_ht >= CONSUMPTION_SHARE:
            percent = (contract.committed_ht * 100 / contract.max_amount_ht).quantize(Decimal("0.1"))
            report.add("contract_consumption", messages.contract_consumed(contract, percent))
        if contract.end_on <= today + timedelta(days=CONTRACT_EXPIRY_DAYS):
            report.add("contract_expiry", messages.contract_expiring(contract, today))
    for campaign in db.session.scalars(select(Campaign).where(Campaign.status == "open",
                                                              Campaign.deadline >= today)):
        report.add("campaign_opened", messages.campaign_opened(campaign))
        if campaign.deadline <= today + timedelta(days=CAMPAIGN_CLOSING_DAYS):
            report.add("campaign_closing", messages.campaign_closing(campaign))
    assets = db.session.scalars(
        select(Asset).options(joinedload(Asset.member), joinedload(Asset.product))
        .where(Asset.warranty_end_date.is_not(None), Asset.warranty_end_date >= today,
               Asset.warranty_end_date <= today + timedelta(days=WARRANTY_DAYS), Asset.status != "retired")
        .order_by(Asset.id))
    for asset in assets:
        report.add("warranty", messages.warranty_ending(asset, today))
    db.session.flush()
    return report
