"""One winner per status change, on PostgreSQL with real connections (8 threads, each its own session).

Each test commits its data for real, then starts 8 threads that read the same row, wait at a barrier and
act at the same moment: exactly one wins, the others get a 409 (a ``DomainError`` with ``http_status`` 409,
``status_changed`` when they lost the conditional update), and exactly one audit event and one set of
notifications exist. Everything the test created is deleted afterwards (rows with an id above the ones
that existed before it). Skipped on SQLite (no concurrent writers); the SQLite pass covers the same
conditional update with a stale in-memory status (tests/integration/test_transitions.py).
"""
from __future__ import annotations

import itertools
import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import scoped_session, sessionmaker

from purchasing.domain.errors import DomainError
from purchasing.extensions import db
from tests.conftest import billing_siret_for

pytestmark = pytest.mark.postgres

THREADS = 8
TODAY = date.today()
_serial = itertools.count(1)


@pytest.fixture
def pg(_app):
    """The app with a thread-scoped session on the real engine; the rows the test created are deleted."""
    with _app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("needs PostgreSQL (concurrent connections and row locks)")
        tables = [t for t in db.metadata.sorted_tables if "id" in t.c]
        with db.engine.connect() as conn:
            marks = {t.name: conn.execute(select(func.coalesce(func.max(t.c.id), 0))).scalar_one() for t in tables}
        original = db.session
        db.session = scoped_session(sessionmaker(bind=db.engine, expire_on_commit=False),
                                    scopefunc=threading.get_ident)
        try:
            yield _app
        finally:
            db.session.remove()
            db.session = original
            with db.engine.begin() as conn:
                conn.execute(text("UPDATE member SET epci_id = NULL WHERE id > :m"), {"m": marks["member"]})
                for table in reversed(tables):
                    conn.execute(table.delete().where(table.c.id > marks[table.name]))
                conn.execute(text("DELETE FROM asset_tag_counter WHERE year >= 2090"))


def race(app, works, threads: int = THREADS) -> list[str]:
    """Run ``works[i]()`` in thread i: it loads what it needs and returns the action, run after the barrier.

    Results: "ok", "409:<code>" for a refusal answered 409, "other:<code>" or "error:<repr>" otherwise.
    """
    assert len(works) == threads
    barrier = threading.Barrier(threads)
    results = [""] * threads

    def run(index):
        with app.app_context():
            try:
                act = works[index]()
                barrier.wait(timeout=20)
                act()
                db.session.commit()
                results[index] = "ok"
            except DomainError as error:
                db.session.rollback()
                results[index] = f"{'409' if error.http_status == 409 else 'other'}:{error.code}"
            except Exception as error:  # noqa: BLE001 - reported in the results, failing the test
                db.session.rollback()
                results[index] = f"error:{error!r}"
            finally:
                db.session.remove()

    pool = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=60)
    return results


def one_winner(results: list[str], loser_codes=("status_changed",)) -> int:
    """The index of the single winner; every other result is a 409 with one of ``loser_codes``."""
    winners = [i for i, r in enumerate(results) if r == "ok"]
    assert len(winners) == 1, results
    losers = [r for r in results if r != "ok"]
    assert all(r.startswith("409:") and r[4:] in loser_codes for r in losers), results
    return winners[0]


def scalar(stmt):
    with db.engine.connect() as conn:
        return conn.execute(stmt).scalar_one()


def scalars(stmt):
    with db.engine.connect() as conn:
        return list(conn.execute(stmt).scalars())


# --- a small purchasing world, committed ---------------------------------------------------------

def _siren(base: int) -> str:
    from purchasing.domain.identifiers import luhn_check_digit

    body = f"{base:08d}"
    return body + luhn_check_digit(body)


def world(threshold: str = "500.00", members: int = 1) -> dict:
    from purchasing.accounts.services import UserData, create_user
    from purchasing.catalogue.models import Category, Offer, Product
    from purchasing.contracts.models import FrameworkContract
    from purchasing.members.models import Member
    from purchasing.pricing.services import BandData, create_grid_version
    from purchasing.suppliers.models import Supplier

    n = next(_serial)
    grid = create_grid_version(date(2000, 1, 1) + timedelta(days=n), "Délibération test des courses",
                               [BandData("toutes", 0, None, Decimal("0"))])
    siren = _siren(86000000 + n)
    from purchasing.domain.identifiers import luhn_check_digit

    supplier = Supplier(name=f"Course SA {n}", siret=siren + "0001" + luhn_check_digit(siren + "0001"), siren=siren)
    contract = FrameworkContract(reference=f"AC-COURSE-{n}", title="Courses", supplier=supplier,
                                 start_on=date(2000, 1, 1), end_on=date(2099, 1, 1),
                                 max_amount_ht=Decimal("1000000.00"), committed_ht=Decimal("0.00"))
    category = db.session.scalars(select(Category).where(Category.code == "laptop")).one()
    product = Product(category=category, brand="Course", model=f"Portable {n}", manufacturer_ref=f"COURSE-{n}")
    offer = Offer(product=product, contract=contract, unit_price_ht=Decimal("400.00"), valid_from=date(2000, 1, 1))
    db.session.add_all([supplier, contract, product, offer])
    created = []
    for m in range(members):
        member = Member(kind="commune", name=f"Course {n}-{m}", siren=_siren(87000000 + n * 20 + m),
                        population=100, approval_threshold_ht=Decimal(threshold), joined_on=date(2020, 1, 1),
                        search_name=f"course {n}-{m}")
        member.sirets.append(billing_siret_for(member.siren))
        db.session.add(member)
        created.append(member)
    db.session.flush()
    from purchasing.members.models import Site

    for member in created:  # each member's town hall, with the address a supplier delivers to
        db.session.add(Site(member_id=member.id, name="Mairie", name_key="mairie", address="1 place de la Mairie",
                            postal_code="24000", city=member.name, is_default=True))
    db.session.flush()
    from tests.conftest import _syndicate_identity

    _syndicate_identity()  # a purchase order is sent only with the buyer's identity (and each member's billing SIRET)

    def user(role, member=None):
        return create_user(UserData(email=f"{role}-{n}-{next(_serial)}@course.test", full_name=f"{role} {n}",
                                    role=role, member_id=member.id if member else None), "password-123")

    data = {"grid": grid, "contract": contract, "offer": offer, "members": created, "member": created[0],
            "secretary": user("secretary", created[0]), "approver": user("approver", created[0]),
            "officer": user("purchasing_officer")}
    db.session.commit()
    return data


def submitted_order(w, quantity: int = 2):
    """A submitted order of the world's member (2 × 400 € = 800 € HT > 500 €: waits for the approver)."""
    from purchasing.orders import services as orders

    orders.add_to_cart(w["secretary"], w["offer"].id, quantity, TODAY)
    cart = orders.get_cart(w["secretary"])
    orders.update_cart(cart, {}, "Mairie", "", TODAY)
    orders.submit_order(cart, w["secretary"], TODAY)
    db.session.commit()
    return cart.id


def _notifications(user_id) -> int:
    from purchasing.notifications.models import Notification

    return scalar(select(func.count(Notification.id)).where(Notification.user_id == user_id))


def _order_events(order_id, to_status=None) -> list[str]:
    from purchasing.orders.models import OrderEvent

    stmt = select(OrderEvent.to_status).where(OrderEvent.order_id == order_id).order_by(OrderEvent.id)
    if to_status:
        stmt = stmt.where(OrderEvent.to_status == to_status)
    return scalars(stmt)


# --- orders --------------------------------------------------------------------------------------

def test_eight_simultaneous_approvals_one_event_one_notification_set(pg):
    from purchasing.accounts.models import User
    from purchasing.orders import services as orders
    from purchasing.orders.models import Order

    w = world()
    order_id = submitted_order(w)
    before = _notifications(w["secretary"].id), _notifications(w["officer"].id)

    def approve():
        order = db.session.get(Order, order_id)
        actor = db.session.get(User, w["approver"].id)
        assert order.status == "submitted"
        return lambda: orders.approve(order, actor)

    one_winner(race(pg, [approve] * THREADS))
    assert scalar(select(Order.status).where(Order.id == order_id)) == "approved"
    assert _order_events(order_id) == ["draft", "submitted", "approved"]
    assert (_notifications(w["secretary"].id), _notifications(w["officer"].id)) == (before[0] + 1, before[1] + 1)


def test_approve_against_reject_one_decision(pg):
    from purchasing.accounts.models import User
    from purchasing.orders import services as orders
    from purchasing.orders.models import Order

    w = world()
    order_id = submitted_order(w)
    before = _notifications(w["secretary"].id)

    def decide(kind):
        def work():
            order = db.session.get(Order, order_id)
            actor = db.session.get(User, w["approver"].id)
            if kind == "approve":
                return lambda: orders.approve(order, actor)
            return lambda: orders.reject(order, actor, "Budget épuisé.")
        return work

    winner = one_winner(race(pg, [decide("approve"), decide("reject")] * (THREADS // 2)))
    final = scalar(select(Order.status).where(Order.id == order_id))
    assert final == ("approved" if winner % 2 == 0 else "rejected")
    assert _order_events(order_id) == ["draft", "submitted", final]
    assert _notifications(w["secretary"].id) == before + 1


def test_simultaneous_submits_of_one_cart_one_submit_event(pg):
    from purchasing.accounts.models import User
    from purchasing.orders import services as orders
    from purchasing.orders.models import Order

    w = world()
    orders.add_to_cart(w["secretary"], w["offer"].id, 2, TODAY)
    cart = orders.get_cart(w["secretary"])
    orders.update_cart(cart, {}, "Mairie", "", TODAY)
    db.session.commit()
    order_id = cart.id

    def submit():
        order = db.session.get(Order, order_id)
        actor = db.session.get(User, w["secretary"].id)
        return lambda: orders.submit_order(order, actor, TODAY)

    one_winner(race(pg, [submit] * THREADS))
    assert _order_events(order_id) == ["draft", "submitted"]
    assert _notifications(w["approver"].id) == 1  # "à approuver", once


# --- purchase orders -----------------------------------------------------------------------------

def test_purchase_orders_created_at_once_for_the_same_orders_api_and_web(pg):
    """4 API calls with ``order_ids`` and 4 web posts with ``contract_id``: one purchase order, seven 409s."""
    from tests.conftest import Browser, FreshContextClient, csrf_from

    from purchasing.api.services import issue_token
    from purchasing.purchase_orders.models import PurchaseOrder, PurchaseOrderLine

    w = world(threshold="100000")  # approved automatically
    order_ids = [submitted_order(w), submitted_order(w)]
    _token, secret = issue_token(w["officer"], "course")
    db.session.commit()
    pg.test_client_class = FreshContextClient
    statuses: list[int] = [0] * THREADS
    bodies: list[str] = [""] * THREADS

    def api(index):
        def work():
            client = pg.test_client()

            def act():
                response = client.post("/api/v1/purchase-orders", json={"order_ids": order_ids},
                                       headers={"Authorization": f"Bearer {secret}"})
                statuses[index], bodies[index] = response.status_code, response.get_data(as_text=True)
            return act
        return work

    browsers = []
    for _ in range(4):  # signed in one after the other (the login throttle is another issue's race)
        browser = Browser(pg.test_client())
        browser.login(w["officer"].email)
        browsers.append((browser, csrf_from(browser.get("/purchase-orders/to-place").get_data(as_text=True))))
    db.session.remove()

    def web(index):
        def work():
            browser, token = browsers[index - 4]

            def act():
                response = browser.client.post("/purchase-orders/create",
                                               data={"csrf_token": token, "contract_id": w["contract"].id})
                statuses[index], bodies[index] = response.status_code, response.get_data(as_text=True)
            return act
        return work

    results = race(pg, [api(i) for i in range(4)] + [web(i) for i in range(4, 8)])
    assert all(r == "ok" for r in results), results  # every request answered (no exception, no 500)
    assert sorted(statuses) == [201 if statuses[:4].count(201) else 302] + [409] * 7, (statuses, bodies)
    pos = scalars(select(PurchaseOrder.id).where(PurchaseOrder.contract_id == w["contract"].id))
    assert len(pos) == 1
    assert scalar(select(func.count(PurchaseOrderLine.id)).where(PurchaseOrderLine.purchase_order_id == pos[0])) == 2


def test_one_purchase_order_sent_eight_times_at_once(pg):
    from purchasing.accounts.models import User
    from purchasing.contracts.models import FrameworkContract
    from purchasing.purchase_orders import services as pos
    from purchasing.purchase_orders.models import PurchaseOrder, PurchaseOrderEvent

    w = world(threshold="100000")
    submitted_order(w)
    po = pos.create_purchase_order(w["contract"].id, w["officer"])
    db.session.commit()
    po_id, total = po.id, po.total_ht

    def send():
        purchase_order = db.session.get(PurchaseOrder, po_id)
        actor = db.session.get(User, w["officer"].id)
        return lambda: pos.send_purchase_order(purchase_order, actor)

    one_winner(race(pg, [send] * THREADS))
    assert scalar(select(FrameworkContract.committed_ht).where(FrameworkContract.id == w["contract"].id)) == total
    assert scalars(select(PurchaseOrderEvent.to_status).where(PurchaseOrderEvent.purchase_order_id == po_id)
                   .order_by(PurchaseOrderEvent.id)) == ["draft", "sent"]


# --- campaigns -----------------------------------------------------------------------------------

def test_campaign_closed_eight_times_at_once(pg):
    from purchasing.accounts.models import User
    from purchasing.campaigns import services as campaigns
    from purchasing.campaigns.models import Campaign, CampaignCommitment, CampaignEvent, CommitmentEvent

    w = world(members=3)
    low, pending_member, _ = w["members"]
    low.approval_threshold_ht = Decimal("100000")
    campaign = campaigns.create_campaign(w["offer"].id, "Course", TODAY, 1, None, w["officer"], TODAY)
    campaigns.commit_quantity(campaign, low, 3, TODAY)  # approved automatically
    campaigns.commit_quantity(campaign, pending_member, 4, TODAY)  # 1 600 € > 500 €: pending
    db.session.commit()
    campaign_id = campaign.id

    def close():
        loaded = db.session.get(Campaign, campaign_id)
        actor = db.session.get(User, w["officer"].id)
        assert loaded.status == "open"
        return lambda: campaigns.close_campaign(loaded, actor, TODAY + timedelta(days=1))  # after the deadline

    one_winner(race(pg, [close] * THREADS))
    assert scalars(select(CampaignEvent.to_status).where(CampaignEvent.campaign_id == campaign_id)
                   .order_by(CampaignEvent.id)) == ["open", "closed"]
    with db.engine.connect() as conn:
        statuses = dict(conn.execute(select(CampaignCommitment.member_id, CampaignCommitment.status)
                                     .where(CampaignCommitment.campaign_id == campaign_id)).all())
    assert statuses == {low.id: "approved", pending_member.id: "dropped"}
    dropped = scalars(select(CommitmentEvent.to_status).join(CampaignCommitment)
                      .where(CampaignCommitment.member_id == pending_member.id)
                      .order_by(CommitmentEvent.id))
    assert dropped == ["pending", "dropped"]


def test_commitment_approved_eight_times_at_once(pg):
    from purchasing.accounts.models import User
    from purchasing.campaigns import services as campaigns
    from purchasing.campaigns.models import CampaignCommitment, CommitmentEvent

    w = world()
    campaign = campaigns.create_campaign(w["offer"].id, "Course", TODAY, 1, None, w["officer"], TODAY)
    commitment = campaigns.commit_quantity(campaign, w["member"], 4, TODAY, actor=w["secretary"])
    db.session.commit()
    commitment_id = commitment.id
    before = _notifications(w["secretary"].id)

    def approve():
        loaded = db.session.get(CampaignCommitment, commitment_id)
        actor = db.session.get(User, w["approver"].id)
        return lambda: campaigns.approve_commitment(loaded, actor, TODAY)

    one_winner(race(pg, [approve] * THREADS))
    assert scalars(select(CommitmentEvent.to_status).where(CommitmentEvent.commitment_id == commitment_id)
                   .order_by(CommitmentEvent.id)) == ["pending", "approved"]
    assert _notifications(w["secretary"].id) == before + 1


# --- tenders -------------------------------------------------------------------------------------

def _evaluated_tender(lots: int = 1, bids: int = 2):
    from tests.tender_helpers import AFTER_DEADLINE, line, make_supplier, published_tender, submit

    from purchasing.accounts.services import UserData, create_user
    from purchasing.tenders import services

    n = next(_serial)
    tender = published_tender(f"AO-COURSE-{n}", lots=lots, criteria=[("price", 100, None)])
    for lot in tender.lots:
        for b in range(bids):
            submit(lot, make_supplier(f"Soumissionnaire {n}-{lot.number}-{b}"),
                   [line(f"CRS-{n}-{lot.number}-{b}", str(500 + 10 * b))])
    services.close_due_tenders(now=AFTER_DEADLINE)
    officer = create_user(UserData(email=f"achats-{n}@course.test", full_name="Achats", role="purchasing_officer",
                                   member_id=None), "password-123")
    services.evaluate_tender(tender, officer, now=AFTER_DEADLINE)
    db.session.commit()
    return tender.id, [lot.id for lot in tender.lots], officer.id


def _tender_events(tender_id):
    from purchasing.tenders.models import TenderEvent

    return scalars(select(TenderEvent.to_status.concat("@").concat(func.coalesce(TenderEvent.lot_id, 0)))
                   .where(TenderEvent.tender_id == tender_id).order_by(TenderEvent.id))


def _decision(kind, lot_id, officer_id):
    from tests.tender_helpers import AFTER_DEADLINE

    from purchasing.accounts.models import User
    from purchasing.tenders import services
    from purchasing.tenders.models import TenderLot

    def work():
        lot = db.session.get(TenderLot, lot_id)
        actor = db.session.get(User, officer_id)
        assert lot.status == "open" and lot.tender.status == "evaluated"
        if kind == "award":
            return lambda: services.award_lot(lot, None, date(2026, 3, 1), date(2027, 2, 28), actor,
                                              now=AFTER_DEADLINE)
        return lambda: services.declare_unsuccessful(lot, actor, "Offres inacceptables.", now=AFTER_DEADLINE)
    return work


def test_lot_awarded_and_declared_unsuccessful_at_once_one_decision(pg):
    from purchasing.contracts.models import FrameworkContract
    from purchasing.tenders.models import Tender, TenderLot

    tender_id, (lot_id,), officer_id = _evaluated_tender()
    works = [_decision("award", lot_id, officer_id)] * 6 + [_decision("unsuccessful", lot_id, officer_id)] * 2
    winner = one_winner(race(pg, works), loser_codes=("status_changed", "lot_decided"))
    decided = "awarded" if winner < 6 else "unsuccessful"
    assert scalar(select(TenderLot.status).where(TenderLot.id == lot_id)) == decided
    assert scalar(select(Tender.status).where(Tender.id == tender_id)) == decided
    events = _tender_events(tender_id)
    assert events[-2:] == [f"{decided}@{lot_id}", f"{decided}@0"]
    assert sum(1 for e in events if e.endswith(f"@{lot_id}")) == 1
    contracts = scalar(select(func.count(FrameworkContract.id)).where(FrameworkContract.tender_lot_id == lot_id))
    assert contracts == (1 if decided == "awarded" else 0)


def test_tender_lot_awarded_eight_times_at_once_one_contract(pg):
    from purchasing.contracts.models import FrameworkContract
    from purchasing.tenders.models import Tender

    tender_id, (lot_id,), officer_id = _evaluated_tender()
    one_winner(race(pg, [_decision("award", lot_id, officer_id)] * THREADS),
               loser_codes=("status_changed", "lot_decided"))
    assert scalar(select(func.count(FrameworkContract.id)).where(FrameworkContract.tender_lot_id == lot_id)) == 1
    assert scalar(select(Tender.status).where(Tender.id == tender_id)) == "awarded"
    assert _tender_events(tender_id)[-2:] == [f"awarded@{lot_id}", "awarded@0"]


def test_eight_lots_of_one_tender_decided_at_once_decide_the_tender_once(pg):
    """Each thread decides another lot: the last one (whichever it is) moves the tender, exactly once."""
    from purchasing.tenders.models import Tender, TenderLot

    tender_id, lot_ids, officer_id = _evaluated_tender(lots=THREADS, bids=1)
    works = [_decision("award" if i % 2 else "unsuccessful", lot_id, officer_id) for i, lot_id in enumerate(lot_ids)]
    assert race(pg, works) == ["ok"] * THREADS
    assert set(scalars(select(TenderLot.status).where(TenderLot.tender_id == tender_id))) == {"awarded",
                                                                                              "unsuccessful"}
    assert scalar(select(Tender.status).where(Tender.id == tender_id)) == "awarded"
    assert [e for e in _tender_events(tender_id) if e.endswith("@0")][-1:] == ["awarded@0"]
    assert sum(1 for e in _tender_events(tender_id) if e == "awarded@0") == 1


# --- lifecycle -----------------------------------------------------------------------------------

def _asset(w, offer_to_pool: bool):
    from lifecycle.assets import services
    from lifecycle.pool import services as pool_services
    from purchasing.catalogue.models import Category

    monitor = db.session.scalars(select(Category).where(Category.code == "monitor_24")).one()
    asset = services.create_asset(member_id=w["member"].id, category=monitor, designation="Écran de course")
    listing = pool_services.offer_to_pool(asset, condition="good", note="", actor=None) if offer_to_pool else None
    db.session.commit()
    return asset.id, listing.id if listing else None


def test_pool_listing_claimed_by_eight_members_at_once(pg):
    from lifecycle.assets.models import Asset, AssetEvent
    from lifecycle.pool import services as pool_services
    from lifecycle.pool.models import PoolListing

    w = world(members=THREADS + 1)
    asset_id, listing_id = _asset(w, offer_to_pool=True)
    claimers = [m.id for m in w["members"][1:]]

    def claim(member_id):
        def work():
            listing = db.session.get(PoolListing, listing_id)
            return lambda: pool_services.claim_listing(listing, member_id, None)
        return work

    winner = one_winner(race(pg, [claim(m) for m in claimers]), loser_codes=("listing_taken", "status_changed"))
    # the winner's claim reserves it: the donor keeps it until it answers (or its delay ends)
    assert scalar(select(Asset.member_id).where(Asset.id == asset_id)) == w["member"].id
    assert scalar(select(PoolListing.claimed_by_member_id).where(PoolListing.id == listing_id)) == claimers[winner]
    assert scalar(select(PoolListing.status).where(PoolListing.id == listing_id)) == "reserved"
    assert scalars(select(AssetEvent.kind).where(AssetEvent.asset_id == asset_id).order_by(AssetEvent.id)) == [
        "created", "offered", "reserved"]


def test_asset_moved_eight_times_at_once(pg):
    from lifecycle.assets import services
    from lifecycle.assets.models import Asset, AssetEvent

    w = world()
    asset_id, _ = _asset(w, offer_to_pool=False)
    targets = ["in_service", "in_repair", "refurbishing", "in_pool"] * 2

    def move(status):
        def work():
            asset = db.session.get(Asset, asset_id)
            return lambda: services.change_asset_status(asset, status, None)
        return work

    winner = one_winner(race(pg, [move(s) for s in targets]))
    assert scalar(select(Asset.status).where(Asset.id == asset_id)) == targets[winner]
    assert scalars(select(AssetEvent.to_status).where(AssetEvent.asset_id == asset_id, AssetEvent.kind == "status")) \
        == [targets[winner]]


def test_eight_tag_reservations_at_once_including_the_first_of_the_year(pg):
    """The year's counter row does not exist yet: 8 first reservations race to create it, none fails."""
    from lifecycle.assets import services

    reserved: list[list[str]] = [[] for _ in range(THREADS)]

    def reserve(index):
        def work():
            return lambda: reserved[index].extend(services.reserve_tags(25, year=2091))
        return work

    assert race(pg, [reserve(i) for i in range(THREADS)]) == ["ok"] * THREADS
    numbers = sorted(int(tag[-6:]) for chunk in reserved for tag in chunk)
    assert numbers == list(range(1, 25 * THREADS + 1))


def test_physical_audit_closed_eight_times_at_once(pg):
    from lifecycle.assets.models import Asset, AssetEvent
    from lifecycle.audits import services as audits_services
    from lifecycle.audits.models import Audit

    w = world()
    asset_id, _ = _asset(w, offer_to_pool=False)
    audit = audits_services.start_audit(w["member"].id, "Mairie", None)
    db.session.get(Asset, asset_id).site_id = audit.site_id
    db.session.commit()
    audit_id = audit.id

    def close():
        loaded = db.session.get(Audit, audit_id)
        return lambda: audits_services.close_audit(loaded, None)

    one_winner(race(pg, [close] * THREADS))
    assert scalar(select(Audit.status).where(Audit.id == audit_id)) == "closed"
    assert scalars(select(AssetEvent.kind).where(AssetEvent.asset_id == asset_id, AssetEvent.kind == "missing")) \
        == ["missing"]


def test_race_helpers_see_a_lost_update_without_the_guard(pg):
    """The harness detects a race: a plain read-modify-write of a counter by 8 threads loses updates."""
    from purchasing.contracts.models import FrameworkContract

    w = world()
    contract_id = w["contract"].id

    def bump():
        contract = db.session.get(FrameworkContract, contract_id)
        value = contract.committed_ht

        def act():
            contract.committed_ht = value + 1
        return act

    assert race(pg, [bump] * THREADS) == ["ok"] * THREADS
    assert scalar(select(FrameworkContract.committed_ht).where(FrameworkContract.id == contract_id)) < THREADS



# --- unique constraints: 409 or a form error, never a 500 ----------------------------------------

def _browsers(app, email, page, count):
    """Signed-in browsers (one after the other) with the CSRF token of ``page``."""
    from tests.conftest import Browser, FreshContextClient, csrf_from

    app.test_client_class = FreshContextClient
    browsers = []
    for _ in range(count):
        browser = Browser(app.test_client())
        browser.login(email)
        browsers.append((browser, csrf_from(browser.get(page).get_data(as_text=True))))
    db.session.remove()
    return browsers


def _posts(app, browsers, url, data):
    statuses = [0] * len(browsers)

    def post(index):
        def work():
            browser, token = browsers[index]

            def act():
                statuses[index] = browser.client.post(url, data={"csrf_token": token, **data}).status_code
            return act
        return work

    results = race(app, [post(i) for i in range(len(browsers))])
    assert results == ["ok"] * len(browsers), results  # no exception escaped: no 500
    return statuses


def test_tenders_created_at_once_with_one_reference_one_created_the_others_told(pg):
    from purchasing.tenders.models import Tender

    w = world()
    reference = f"AO-DOUBLE-{next(_serial)}"
    browsers = _browsers(pg, w["officer"].email, "/tenders/new", THREADS)
    deadline = (TODAY + timedelta(days=40)).strftime("%Y-%m-%dT12:00")
    statuses = _posts(pg, browsers, "/tenders/new", {
        "reference": reference, "title": "Doublon", "publication_date": TODAY.isoformat(),
        "bid_deadline": deadline, "abnormally_low_percent": "70"})
    assert sorted(statuses) == [302] + [422] * (THREADS - 1), statuses
    assert scalar(select(func.count(Tender.id)).where(Tender.reference == reference)) == 1


def test_members_created_at_once_with_one_siren_last_resort_409(pg):
    """The member form checks the SIREN before writing; the racing writes end on the unique constraint: 409."""
    from purchasing.accounts.services import UserData, create_user
    from purchasing.members.models import Member

    admin = create_user(UserData(email=f"admin-{next(_serial)}@course.test", full_name="Admin", role="admin",
                                 member_id=None), "password-123")
    db.session.commit()
    siren = _siren(85000000 + next(_serial))
    browsers = _browsers(pg, admin.email, "/members/new", THREADS)
    statuses = _posts(pg, browsers, "/members/new", {
        "kind": "syndicate", "name": "Syndicat en double", "siren": siren, "population": "0", "epci_id": "0",
        "approval_threshold_ht": "500,00", "joined_on": "2024-03-01", "is_active": "y"})
    assert statuses.count(302) == 1 and set(statuses) <= {302, 409, 422}, statuses
    assert scalar(select(func.count(Member.id)).where(Member.siren == siren)) == 1


def test_eight_commitments_at_once_never_exceed_the_campaign_maximum(pg):
    from purchasing.campaigns import services as campaigns
    from purchasing.campaigns.models import Campaign, CampaignCommitment
    from purchasing.members.models import Member

    w = world(threshold="100000", members=THREADS)
    campaign = campaigns.create_campaign(w["offer"].id, "Course", TODAY, 1, 10, w["officer"], TODAY)
    db.session.commit()
    campaign_id, member_ids = campaign.id, [m.id for m in w["members"]]

    def commit(member_id):
        def work():
            loaded, member = db.session.get(Campaign, campaign_id), db.session.get(Member, member_id)
            return lambda: campaigns.commit_quantity(loaded, member, 3, TODAY)
        return work

    results = race(pg, [commit(m) for m in member_ids])
    assert results.count("ok") == 3 and results.count("other:campaign_max_exceeded") == 5, results
    assert scalar(select(func.sum(CampaignCommitment.quantity))
                  .where(CampaignCommitment.campaign_id == campaign_id)) == 9


def test_one_members_first_commitment_sent_eight_times_at_once_is_one_row(pg):
    from purchasing.campaigns import services as campaigns
    from purchasing.campaigns.models import Campaign, CampaignCommitment
    from purchasing.members.models import Member

    w = world(threshold="100000")
    campaign = campaigns.create_campaign(w["offer"].id, "Course", TODAY, 1, None, w["officer"], TODAY)
    db.session.commit()
    campaign_id, member_id = campaign.id, w["member"].id

    def commit(quantity):
        def work():
            loaded, member = db.session.get(Campaign, campaign_id), db.session.get(Member, member_id)
            return lambda: campaigns.commit_quantity(loaded, member, quantity, TODAY)
        return work

    assert race(pg, [commit(q) for q in range(1, THREADS + 1)]) == ["ok"] * THREADS
    rows = scalars(select(CampaignCommitment.quantity).where(CampaignCommitment.campaign_id == campaign_id))
    assert len(rows) == 1 and rows[0] in range(1, THREADS + 1)


def test_commitments_sent_while_the_campaign_closes_count_or_are_refused(pg):
    """4 members commit while 4 officers close: whatever commits before the close counts, later ones are 409."""
    from purchasing.accounts.models import User
    from purchasing.campaigns import services as campaigns
    from purchasing.campaigns.models import Campaign, CampaignCommitment
    from purchasing.members.models import Member

    w = world(threshold="100000", members=4)
    campaign = campaigns.create_campaign(w["offer"].id, "Course", TODAY, 1, None, w["officer"], TODAY)
    db.session.commit()
    campaign_id = campaign.id

    def commit(member_id):
        def work():
            loaded, member = db.session.get(Campaign, campaign_id), db.session.get(Member, member_id)
            return lambda: campaigns.commit_quantity(loaded, member, 2, TODAY)
        return work

    def close():
        loaded, actor = db.session.get(Campaign, campaign_id), db.session.get(User, w["officer"].id)
        return lambda: campaigns.close_campaign(loaded, actor, TODAY)

    results = race(pg, [commit(m.id) for m in w["members"]] + [close] * 4)
    assert results[4:].count("ok") == 1, results
    assert all(r in ("ok", "409:status_changed") for r in results), results
    counted = results[:4].count("ok")
    with db.engine.connect() as conn:
        priced = conn.execute(select(func.count(CampaignCommitment.id)).where(
            CampaignCommitment.campaign_id == campaign_id, CampaignCommitment.unit_price_ht.is_not(None))).scalar_one()
        status = conn.execute(select(Campaign.status).where(Campaign.id == campaign_id)).scalar_one()
    assert priced == counted and status == ("closed" if counted else "cancelled")


# --- campaigns through the API -------------------------------------------------------------------

def _api_calls(pg, calls):
    """One work per (method, url, json, token): each thread its own test client; returns the works and the
    list the answers (status, JSON) are written to."""
    from tests.conftest import FreshContextClient

    pg.test_client_class = FreshContextClient
    answers: list = [None] * len(calls)

    def work(index):
        method, url, body, token = calls[index]

        def prepare():
            client = pg.test_client()

            def act():
                response = client.open(url, method=method, json=body, headers={"Authorization": f"Bearer {token}"})
                answers[index] = (response.status_code, response.get_json())
            return act
        return prepare

    return [work(i) for i in range(len(calls))], answers


def test_one_members_commitment_sent_eight_times_at_once_through_the_api_is_one_row(pg):
    """8 PUTs of one member's first commitment at once (its secretary and its approver): each is applied in turn
    (the campaign row is locked while committing), one row, one creation event, never a 500."""
    from purchasing.api.services import issue_token
    from purchasing.campaigns import services as campaigns
    from purchasing.campaigns.models import CampaignCommitment, CommitmentEvent

    w = world(threshold="100000")
    campaign = campaigns.create_campaign(w["offer"].id, "Course", TODAY, 1, None, w["officer"], TODAY)
    tokens = [issue_token(w["secretary"], "course")[1], issue_token(w["approver"], "course")[1]]
    db.session.commit()
    url = f"/api/v1/campaigns/{campaign.id}/commitment"
    works, answers = _api_calls(pg, [("PUT", url, {"quantity": q}, tokens[q % 2]) for q in range(1, THREADS + 1)])
    assert race(pg, works) == ["ok"] * THREADS  # every request answered, none raised
    assert [status for status, _body in answers] == [200] * THREADS, answers
    rows = scalars(select(CampaignCommitment.id).where(CampaignCommitment.campaign_id == campaign.id))
    assert len(rows) == 1, rows
    assert {body["my_commitment"]["id"] for _status, body in answers} == set(rows)
    assert scalar(select(CampaignCommitment.quantity).where(CampaignCommitment.id == rows[0])) in range(1, THREADS + 1)
    assert scalars(select(CommitmentEvent.from_status).where(CommitmentEvent.commitment_id == rows[0])) == [None]


def test_api_commitments_sent_while_officers_close_through_the_api_count_or_are_409(pg):
    """4 members PUT their commitment while 4 officers' POST …/close run: one close wins, the other closes are
    409; a commitment answered 200 is counted and priced by the close, one answered 409 is not written."""
    from purchasing.api.services import issue_token
    from purchasing.accounts.services import UserData, create_user
    from purchasing.campaigns import services as campaigns
    from purchasing.campaigns.models import Campaign, CampaignCommitment

    w = world(threshold="100000", members=4)
    campaign = campaigns.create_campaign(w["offer"].id, "Course", TODAY, 1, None, w["officer"], TODAY)
    secretaries = [w["secretary"]] + [create_user(UserData(email=f"sec-{m.id}@course.test", full_name="S",
                                                           role="secretary", member_id=m.id), "password-123")
                                      for m in w["members"][1:]]
    member_tokens = [issue_token(user, "course")[1] for user in secretaries]
    officer_token = issue_token(w["officer"], "course")[1]
    db.session.commit()
    base = f"/api/v1/campaigns/{campaign.id}"
    calls = [("PUT", f"{base}/commitment", {"quantity": 2}, token) for token in member_tokens]
    calls += [("POST", f"{base}/close", None, officer_token)] * 4
    works, answers = _api_calls(pg, calls)
    assert race(pg, works) == ["ok"] * THREADS
    statuses = [status for status, _body in answers]
    assert statuses[4:].count(200) == 1 and statuses[4:].count(409) == 3, answers
    assert {body["code"] for status, body in answers[4:] if status == 409} <= {"status_changed",
                                                                                "transition_not_allowed"}, answers
    assert set(statuses[:4]) <= {200, 409}, answers
    assert {body["code"] for status, body in answers[:4] if status == 409} <= {"status_changed", "campaign_closed"}
    counted = statuses[:4].count(200)
    with db.engine.connect() as conn:
        rows = conn.execute(select(CampaignCommitment.quantity, CampaignCommitment.unit_price_ht)
                            .where(CampaignCommitment.campaign_id == campaign.id)).all()
        status = conn.execute(select(Campaign.status).where(Campaign.id == campaign.id)).scalar_one()
    assert len(rows) == counted and all(price is not None for _q, price in rows), rows
    assert status == ("closed" if counted else "cancelled")


def test_one_members_withdrawals_and_new_quantities_at_once_through_the_api_chain_consistently(pg):
    """4 withdrawals (quantity 0) and 4 new quantities of one member's commitment at once: every request answered
    200 in turn, one row, its history one unbroken chain of statuses ending on the row's status."""
    from purchasing.api.services import issue_token
    from purchasing.campaigns import services as campaigns
    from purchasing.campaigns.models import CampaignCommitment, CommitmentEvent

    w = world(threshold="100000")
    campaign = campaigns.create_campaign(w["offer"].id, "Course", TODAY, 1, None, w["officer"], TODAY)
    campaigns.commit_quantity(campaign, w["member"], 1, TODAY, actor=w["secretary"])
    tokens = [issue_token(w["secretary"], "course")[1], issue_token(w["approver"], "course")[1]]
    db.session.commit()
    url = f"/api/v1/campaigns/{campaign.id}/commitment"
    quantities = [0, 2, 0, 3, 0, 4, 0, 5]
    works, answers = _api_calls(pg, [("PUT", url, {"quantity": q}, tokens[i % 2]) for i, q in enumerate(quantities)])
    assert race(pg, works) == ["ok"] * THREADS
    assert [status for status, _body in answers] == [200] * THREADS, answers
    [(row_id, status, quantity)] = [tuple(r) for r in _rows(select(CampaignCommitment.id, CampaignCommitment.status,
                                                                   CampaignCommitment.quantity)
                                                            .where(CampaignCommitment.campaign_id == campaign.id))]
    chain = _rows(select(CommitmentEvent.from_status, CommitmentEvent.to_status)
                  .where(CommitmentEvent.commitment_id == row_id).order_by(CommitmentEvent.id))
    assert chain[0] == (None, "approved") and all(a[1] == b[0] for a, b in zip(chain, chain[1:])), chain
    assert chain[-1][1] == status and status in ("approved", "withdrawn") and quantity in (1, 2, 3, 4, 5)


def _rows(stmt):
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(stmt).all()]
