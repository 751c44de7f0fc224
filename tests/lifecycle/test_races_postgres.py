"""PostgreSQL races with real connections: two claims of one listing, two transitions of one asset."""
from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import scoped_session, sessionmaker

from purchasing.domain.errors import ConflictError
from purchasing.extensions import db

pytestmark = pytest.mark.postgres


@pytest.fixture
def threaded_session(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL")
    original = db.session
    session = scoped_session(sessionmaker(bind=db.engine, expire_on_commit=False), scopefunc=threading.get_ident)
    db.session = session
    created: dict[str, list[int]] = {"member": [], "asset": []}
    try:
        yield session, created
    finally:
        session.remove()
        db.session = original
        with db.engine.begin() as conn:
            for asset_id in created["asset"]:
                conn.execute(text("DELETE FROM asset_event WHERE asset_id = :i"), {"i": asset_id})
                conn.execute(text("DELETE FROM pool_listing WHERE asset_id = :i"), {"i": asset_id})
                conn.execute(text("DELETE FROM asset WHERE id = :i"), {"i": asset_id})
            for member_id in created["member"]:
                conn.execute(text("DELETE FROM member WHERE id = :i"), {"i": member_id})


def _setup(session, created, offer: bool):
    from lifecycle.assets import services
    from lifecycle.pool import services as pool_services
    from purchasing.catalogue.models import Category
    from purchasing.domain.identifiers import luhn_check_digit
    from purchasing.members.models import Member

    members = []
    for n in range(3):
        body = f"{88800000 + n:08d}"
        member = Member(kind="commune", name=f"Course {n}", siren=body + luhn_check_digit(body),
                        insee_code=f"8{n}999", population=100, approval_threshold_ht=Decimal("0"),
                        joined_on=date(2020, 1, 1), search_name=f"course {n}")
        session.add(member)
        members.append(member)
    session.flush()
    monitor = session.scalars(select(Category).where(Category.code == "monitor_24")).one()
    asset = services.create_asset(member_id=members[0].id, category=monitor, designation="Écran")
    listing = pool_services.offer_to_pool(asset, condition="good", note="", actor=None) if offer else None
    session.commit()
    created["member"].extend(m.id for m in members)
    created["asset"].append(asset.id)
    return members, asset.id, listing.id if listing else None


def _race(work_items):
    barrier = threading.Barrier(len(work_items))
    results: list[str] = [""] * len(work_items)

    from flask import current_app

    flask_app = current_app._get_current_object()

    def run(index, work):
        with flask_app.app_context():
            _run(index, work)

    def _run(index, work):
        try:
            act = work()  # each transaction reads the row first, then both act at the same moment
            barrier.wait(timeout=10)
            act()
            db.session.commit()
            results[index] = "ok"
        except ConflictError as error:
            db.session.rollback()
            results[index] = "conflict:" + error.message
        except Exception as error:  # noqa: BLE001 - reported in the results, failing the test
            db.session.rollback()
            results[index] = f"error:{error!r}"
        finally:
            db.session.remove()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(work_items)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_two_simultaneous_claims_one_wins(app, threaded_session):
    from lifecycle.assets.models import Asset, AssetEvent
    from lifecycle.pool import services as pool_services
    from lifecycle.pool.models import PoolListing

    session, created = threaded_session
    members, asset_id, listing_id = _setup(session, created, offer=True)
    session.remove()

    def claim_for(member_id):
        def work():
            listing = db.session.get(PoolListing, listing_id)
            assert listing.asset.member_id == members[0].id
            return lambda: pool_services.claim_listing(listing, member_id, None)
        return work

    results = _race([claim_for(members[1].id), claim_for(members[2].id)])
    assert sorted(r.split(":")[0] for r in results) == ["conflict", "ok"], results
    refusal = next(r for r in results if r.startswith("conflict"))
    assert "n'est plus disponible" in refusal
    with db.engine.connect() as conn:
        owner = conn.execute(select(Asset.member_id).where(Asset.id == asset_id)).scalar_one()
        status, reserved_for = conn.execute(select(PoolListing.status, PoolListing.claimed_by_member_id)
                                            .where(PoolListing.id == listing_id)).one()
        reserved_events = conn.execute(select(AssetEvent.to_member_id).where(
            AssetEvent.asset_id == asset_id, AssetEvent.kind == "reserved")).scalars().all()
    winner = members[1].id if results[0] == "ok" else members[2].id
    # the winner's claim reserves the item (the donor keeps it until it confirms or its delay ends)
    assert (status, reserved_for, reserved_events, owner) == ("reserved", winner, [winner], members[0].id)


@pytest.mark.parametrize("second", ["confirm", "due"])
def test_the_donor_declining_while_the_gift_is_confirmed_one_wins_with_one_event(app, threaded_session, second):
    """The donor's decline against its colleague's confirmation, or against the periodic confirmation at the very
    end of the delay: one decision, one event, the asset where that decision put it."""
    from datetime import timedelta

    from lifecycle.assets.models import Asset, AssetEvent
    from lifecycle.pool import services as pool_services
    from lifecycle.pool.models import PoolListing
    from purchasing.db_types import utcnow

    session, created = threaded_session
    members, asset_id, listing_id = _setup(session, created, offer=True)
    pool_services.claim_listing(session.get(PoolListing, listing_id), members[1].id, None)
    session.commit()
    session.remove()

    def decline():
        listing = db.session.get(PoolListing, listing_id)
        assert listing.status == "reserved"
        return lambda: pool_services.decline_claim(listing, None, "Promis à l'école")

    def confirm():
        listing = db.session.get(PoolListing, listing_id)
        assert listing.status == "reserved"
        if second == "confirm":
            return lambda: pool_services.confirm_claim(listing, None)
        # the periodic task, run as if the delay ended the instant after the decline's check
        def run_due():
            if pool_services.confirm_due_claims(now=utcnow() + timedelta(days=30)) == 0:
                raise ConflictError("skipped", code="reservation_decided")
        return run_due

    results = _race([decline, confirm])
    assert sorted(r.split(":")[0] for r in results) == ["conflict", "ok"], results
    with db.engine.connect() as conn:
        status = conn.execute(select(PoolListing.status).where(PoolListing.id == listing_id)).scalar_one()
        owner = conn.execute(select(Asset.member_id).where(Asset.id == asset_id)).scalar_one()
        decisions = conn.execute(select(AssetEvent.kind).where(
            AssetEvent.asset_id == asset_id, AssetEvent.kind.in_(("claimed", "claim_declined")))).scalars().all()
    if results[0] == "ok":  # the decline won
        assert (status, owner, decisions) == ("open", members[0].id, ["claim_declined"])
    else:
        assert (status, owner, decisions) == ("claimed", members[1].id, ["claimed"])


def test_two_racing_transitions_one_wins(app, threaded_session):
    from lifecycle.assets import services
    from lifecycle.assets.models import Asset, AssetEvent

    session, created = threaded_session
    _members, asset_id, _ = _setup(session, created, offer=False)
    session.remove()

    def move_to(status):
        def work():
            asset = db.session.get(Asset, asset_id)
            assert asset.status == "in_stock"
            return lambda: services.change_asset_status(asset, status, None)
        return work

    results = _race([move_to("in_service"), move_to("in_repair")])
    assert sorted(r.split(":")[0] for r in results) == ["conflict", "ok"], results
    with db.engine.connect() as conn:
        status = conn.execute(select(Asset.status).where(Asset.id == asset_id)).scalar_one()
        events = conn.execute(select(AssetEvent.to_status).where(AssetEvent.asset_id == asset_id,
                                                                 AssetEvent.kind == "status")).scalars().all()
    assert events == [status] and status in ("in_service", "in_repair")


def test_concurrent_tag_reservations_never_share_a_number(app, threaded_session):
    from lifecycle.assets import services

    session, _created = threaded_session
    year = 2099
    reserved: list[list[str]] = [[], [], []]

    def reserve(index):
        def work():
            return lambda: reserved[index].extend(services.reserve_tags(50, year=year))
        return work

    try:
        results = _race([reserve(0), reserve(1), reserve(2)])
        assert results == ["ok", "ok", "ok"], results
        tags = [t for chunk in reserved for t in chunk]
        assert len(tags) == 150 and len(set(tags)) == 150
        assert sorted(int(t[-6:]) for t in tags) == list(range(1, 151))
    finally:
        with db.engine.begin() as conn:
            conn.execute(text("DELETE FROM asset_tag_counter WHERE year = :y"), {"y": year})
