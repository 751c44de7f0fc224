"""The shared conditional transition on any database: a status read earlier (stale) loses with a 409.

Another request's change is simulated by an UPDATE behind the ORM's back (the in-memory object keeps the
old status), as a concurrent transaction would leave it. The PostgreSQL races themselves, with real
connections: tests/integration/test_races_postgres.py.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from purchasing.extensions import db
from purchasing.transitions import StatusChanged

TODAY = date.today()


def behind_the_back(model, record_id, **values) -> None:
    db.session.execute(update(model).where(model.id == record_id).values(**values),
                       execution_options={"synchronize_session": False})


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def submitted(make_grid, make_offer, make_member, make_user):
    from purchasing.orders import services as orders

    make_grid()
    offer = make_offer(price="400.00")
    member = make_member(approval_threshold_ht=Decimal("500.00"))
    secretary = make_user(role="secretary", member=member)
    approver = make_user(role="approver", member=member)
    orders.add_to_cart(secretary, offer.id, 2, TODAY)
    cart = orders.get_cart(secretary)
    orders.update_cart(cart, {}, "Mairie", "", TODAY)
    orders.submit_order(cart, secretary, TODAY)
    return {"order": cart, "secretary": secretary, "approver": approver, "offer": offer, "member": member}


def test_stale_order_status_loses_with_409_and_writes_nothing(submitted):
    from purchasing.notifications.models import Notification
    from purchasing.orders import services as orders
    from purchasing.orders.models import Order, OrderEvent

    order = submitted["order"]
    behind_the_back(Order, order.id, status="rejected")
    events, notes = count(OrderEvent), count(Notification)
    with pytest.raises(StatusChanged) as caught:
        orders.approve(order, submitted["approver"])
    error = caught.value
    assert (error.code, error.http_status) == ("status_changed", 409)
    assert error.message == ("La commande a déjà changé de statut (statut actuel : « refusée ») : "
                             "rechargez la page.")
    assert error.details == {"machine": "order", "expected": "submitted", "current": "rejected"}
    assert (count(OrderEvent), count(Notification)) == (events, notes)
    assert db.session.scalar(select(Order.status).where(Order.id == order.id)) == "rejected"


def test_conditional_update_writes_status_and_event_together(submitted):
    from purchasing.orders import services as orders
    from purchasing.orders.models import Order

    order = submitted["order"]
    orders.approve(order, submitted["approver"])
    db.session.expire_all()
    stored = db.session.get(Order, order.id)
    assert stored.status == "approved" and stored.decided_dt is not None
    assert [(e.from_status, e.to_status) for e in stored.events][-1] == ("submitted", "approved")


def test_stale_purchase_order_is_not_sent_twice(submitted, make_user):
    from purchasing.contracts.models import FrameworkContract
    from purchasing.orders import services as orders
    from purchasing.purchase_orders import services as pos
    from purchasing.purchase_orders.models import PurchaseOrder, PurchaseOrderEvent

    officer = make_user(role="purchasing_officer")
    orders.approve(submitted["order"], submitted["approver"])
    po = pos.create_purchase_order(submitted["offer"].contract_id, officer)
    behind_the_back(PurchaseOrder, po.id, status="cancelled")
    with pytest.raises(StatusChanged):
        pos.send_purchase_order(po, officer)
    assert count(PurchaseOrderEvent, PurchaseOrderEvent.to_status == "sent") == 0
    assert db.session.get(FrameworkContract, submitted["offer"].contract_id).committed_ht == Decimal("0.00")


def test_stale_campaign_is_not_closed_twice(make_grid, make_offer, make_user):
    from purchasing.campaigns import services as campaigns
    from purchasing.campaigns.models import Campaign, CampaignEvent

    make_grid()
    officer = make_user(role="purchasing_officer")
    campaign = campaigns.create_campaign(make_offer().id, "", TODAY, 1, None, officer, TODAY)
    behind_the_back(Campaign, campaign.id, status="closed")
    with pytest.raises(StatusChanged, match="L'achat groupé a déjà changé de statut"):
        campaigns.close_campaign(campaign, officer, TODAY)
    assert count(CampaignEvent, CampaignEvent.to_status.in_(("closed", "cancelled"))) == 0


def test_stale_lot_is_not_awarded_and_no_contract_is_created(app, make_user):
    from tests.tender_helpers import AFTER_DEADLINE, line, make_supplier, published_tender, submit

    from purchasing.contracts.models import FrameworkContract
    from purchasing.tenders import services
    from purchasing.tenders.models import TenderEvent, TenderLot

    officer = make_user(role="purchasing_officer")
    tender = published_tender("AO-STALE", criteria=[("price", 100, None)])
    submit(tender.lots[0], make_supplier(), [line("ST-1", "100")])
    services.close_due_tenders(now=AFTER_DEADLINE)
    services.evaluate_tender(tender, officer, now=AFTER_DEADLINE)
    lot = tender.lots[0]
    behind_the_back(TenderLot, lot.id, status="unsuccessful")
    with pytest.raises(StatusChanged, match="Le lot a déjà changé de statut .statut actuel : « infructueux »"):
        services.award_lot(lot, None, date(2026, 3, 1), date(2027, 2, 28), officer, now=AFTER_DEADLINE)
    assert count(FrameworkContract, FrameworkContract.tender_lot_id == lot.id) == 0
    assert count(TenderEvent, TenderEvent.lot_id == lot.id) == 0


def test_stale_tender_status_loses(app):
    from tests.tender_helpers import make_tender

    from purchasing.tenders import services
    from purchasing.tenders.models import Tender, TenderEvent

    tender = make_tender("AO-STALE-2")
    behind_the_back(Tender, tender.id, status="cancelled")
    with pytest.raises(StatusChanged):
        services.change_tender_status(tender, "cancelled", None, "Doublon")
    assert count(TenderEvent, TenderEvent.tender_id == tender.id) == 0


def test_stale_asset_listing_and_audit_lose(make_member):
    from lifecycle.assets import services
    from lifecycle.assets.models import Asset, AssetEvent
    from lifecycle.audits import services as audits_services
    from lifecycle.audits.models import Audit
    from lifecycle.pool import services as pool_services
    from lifecycle.pool.models import PoolListing
    from purchasing.catalogue.models import Category
    from purchasing.domain.errors import ConflictError

    member, other = make_member(), make_member()
    monitor = db.session.scalars(select(Category).where(Category.code == "monitor_24")).one()
    asset = services.create_asset(member_id=member.id, category=monitor, designation="Écran", site="Mairie")
    behind_the_back(Asset, asset.id, status="in_repair")
    with pytest.raises(StatusChanged, match="L'équipement a déjà changé de statut"):
        services.change_asset_status(asset, "in_service", None)
    assert count(AssetEvent, AssetEvent.asset_id == asset.id, AssetEvent.kind == "status") == 0

    pooled = services.create_asset(member_id=member.id, category=monitor, designation="Écran 2")
    listing = pool_services.offer_to_pool(pooled, condition="good", note="", actor=None)
    behind_the_back(PoolListing, listing.id, status="withdrawn")
    with pytest.raises(ConflictError) as caught:
        pool_services.claim_listing(listing, other.id, None)
    assert caught.value.code == "listing_taken"
    assert count(AssetEvent, AssetEvent.asset_id == pooled.id, AssetEvent.kind == "claimed") == 0

    audit = audits_services.start_audit(member.id, "Mairie", None)
    behind_the_back(Audit, audit.id, status="closed")
    with pytest.raises(StatusChanged, match="L'inventaire physique a déjà changé de statut"):
        audits_services.close_audit(audit, None)
    assert count(AssetEvent, AssetEvent.kind.in_(("missing", "audited"))) == 0


def test_stale_commitment_decision_loses(make_grid, make_offer, make_member, make_user):
    from purchasing.campaigns import services as campaigns
    from purchasing.campaigns.models import CampaignCommitment, CommitmentEvent

    make_grid()
    member = make_member(approval_threshold_ht=Decimal("100.00"))
    secretary = make_user(role="secretary", member=member)
    approver = make_user(role="approver", member=member)
    officer = make_user(role="purchasing_officer")
    campaign = campaigns.create_campaign(make_offer().id, "", TODAY, 1, None, officer, TODAY)
    commitment = campaigns.commit_quantity(campaign, member, 2, TODAY, actor=secretary)
    behind_the_back(CampaignCommitment, commitment.id, status="rejected")
    with pytest.raises(StatusChanged, match="L'engagement a déjà changé de statut"):
        campaigns.approve_commitment(commitment, approver, TODAY)
    assert count(CommitmentEvent, CommitmentEvent.to_status == "approved") == 0
