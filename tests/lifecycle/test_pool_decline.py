"""The donor's right to decline a claim (issue 15): a claim reserves, the donor confirms or declines within the
delay (lifecycle/domain/pool.py), the periodic confirmation gives what nobody declined — services, pages, CLI."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from lifecycle.assets import services
from lifecycle.assets.models import Asset, AssetEvent
from lifecycle.pool import services as pool_services
from lifecycle.pool.models import PoolListing
from lifecycle.retirement import services as retirement_services
from purchasing.domain.errors import ConflictError, DomainError
from purchasing.extensions import db

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def clock(monkeypatch):
    """The pool services' clock, set by the test (the delay's boundaries are instants)."""
    state = {"now": NOW}
    monkeypatch.setattr(pool_services, "utcnow", lambda: state["now"])
    return state


@pytest.fixture
def gift(make_member, make_user, make_asset):
    donor, taker, other = make_member(name="Donneuse"), make_member(name="Preneuse"), make_member(name="Autre")
    donor_user = make_user(member=donor, email="sec@donneuse.test")
    taker_user = make_user(member=taker, email="sec@preneuse.test")
    other_user = make_user(member=other, email="sec@autre.test")
    asset = make_asset(donor, code="monitor_24", designation="Écran 24 pouces")
    listing = pool_services.offer_to_pool(asset, condition="good", note="", actor=donor_user)
    db.session.commit()
    return {"donor": donor, "taker": taker, "other": other, "donor_user": donor_user, "taker_user": taker_user,
            "other_user": other_user, "asset": asset, "listing": listing}


def _events(asset_id, kind):
    return db.session.scalars(select(AssetEvent).where(AssetEvent.asset_id == asset_id, AssetEvent.kind == kind)
                              .order_by(AssetEvent.id)).all()


def test_a_claim_reserves_for_seven_days_and_leaves_the_pool(clock, gift):
    listing, asset = gift["listing"], gift["asset"]
    pool_services.claim_listing(listing, gift["taker"].id, gift["taker_user"])
    assert (listing.status, listing.claimed_by_member_id) == ("reserved", gift["taker"].id)
    assert (listing.reserved_dt, listing.decline_until) == (NOW, NOW + timedelta(days=7))
    assert listing.claimed_dt is None
    assert (asset.member_id, asset.status) == (gift["donor"].id, "in_pool")  # the donor keeps it meanwhile
    [reserved] = _events(asset.id, "reserved")
    assert (reserved.from_member_id, reserved.to_member_id) == (gift["donor"].id, gift["taker"].id)
    assert listing.id not in db.session.scalars(pool_services.pool_query()).unique().all()
    assert db.session.scalars(pool_services.reservations_of(gift["taker"].id)).unique().all() == [listing]
    with pytest.raises(ConflictError) as taken:
        pool_services.claim_listing(listing, gift["other"].id, gift["other_user"])
    assert taken.value.code == "listing_taken"


def test_the_configured_delay_applies(app, clock, gift):
    app.config["POOL_DECLINE_DAYS"] = 3
    pool_services.claim_listing(gift["listing"], gift["taker"].id, gift["taker_user"])
    assert gift["listing"].decline_until == NOW + timedelta(days=3)


def test_the_donor_declines_with_a_reason_until_the_last_instant_and_that_member_cannot_claim_again(clock, gift):
    listing, asset = gift["listing"], gift["asset"]
    pool_services.claim_listing(listing, gift["taker"].id, gift["taker_user"])
    with pytest.raises(DomainError) as no_reason:
        pool_services.decline_claim(listing, gift["donor_user"], "   ")
    assert no_reason.value.code == "reason_required" and listing.status == "reserved"
    clock["now"] = listing.decline_until - timedelta(microseconds=1)  # the last instant of the delay
    pool_services.decline_claim(listing, gift["donor_user"], "Promis à l'école")
    assert (listing.status, listing.claimed_by_member_id, listing.decline_until) == ("open", None, None)
    assert (asset.member_id, asset.status) == (gift["donor"].id, "in_pool")
    [declined] = _events(asset.id, "claim_declined")
    assert (declined.to_member_id, declined.reason, declined.author_id) == (
        gift["taker"].id, "Promis à l'école", gift["donor_user"].id)
    with pytest.raises(ConflictError) as again:
        pool_services.claim_listing(listing, gift["taker"].id, gift["taker_user"])
    assert again.value.code == "claim_declined"
    pool_services.claim_listing(listing, gift["other"].id, gift["other_user"])  # the others still may
    assert listing.claimed_by_member_id == gift["other"].id


def test_at_the_deadline_declining_is_refused_and_the_gift_is_due(clock, gift):
    listing, asset = gift["listing"], gift["asset"]
    pool_services.claim_listing(listing, gift["taker"].id, gift["taker_user"])
    deadline = listing.decline_until
    clock["now"] = deadline - timedelta(seconds=1)
    assert pool_services.confirm_due_claims(now=clock["now"]) == 0 and listing.status == "reserved"
    clock["now"] = deadline
    with pytest.raises(ConflictError) as late:
        pool_services.decline_claim(listing, gift["donor_user"], "Trop tard")
    assert late.value.code == "decline_period_over" and listing.status == "reserved"
    assert pool_services.confirm_due_claims(now=deadline) == 1
    db.session.refresh(asset)
    assert (listing.status, listing.claimed_dt, asset.member_id, asset.status) == (
        "claimed", deadline, gift["taker"].id, "in_stock")
    [claimed] = _events(asset.id, "claimed")
    assert claimed.author_id is None and claimed.details.get("automatic") is True
    assert pool_services.confirm_due_claims(now=deadline + timedelta(days=1)) == 0  # once


def test_the_donor_confirms_at_once_and_an_answered_reservation_cannot_be_answered_again(clock, gift):
    listing, asset = gift["listing"], gift["asset"]
    pool_services.claim_listing(listing, gift["taker"].id, gift["taker_user"])
    pool_services.confirm_claim(listing, gift["donor_user"])
    assert (listing.status, asset.member_id, asset.origin) == ("claimed", gift["taker"].id, "claimed_from_pool")
    with pytest.raises(ConflictError) as decided:
        pool_services.decline_claim(listing, gift["donor_user"], "Finalement non")
    assert decided.value.code == "reservation_decided"
    with pytest.raises(ConflictError):
        pool_services.confirm_claim(listing, gift["donor_user"])
    assert len(_events(asset.id, "claimed")) == 1


def test_a_reserved_item_is_neither_withdrawn_nor_retired_before_the_claim_is_declined(clock, gift):
    listing, asset = gift["listing"], gift["asset"]
    pool_services.claim_listing(listing, gift["taker"].id, gift["taker_user"])
    db.session.commit()
    with pytest.raises(ConflictError) as withdrawn:
        pool_services.withdraw_listing(listing, gift["donor_user"])
    assert withdrawn.value.code == "listing_reserved"
    with pytest.raises(ConflictError) as retired:
        retirement_services.retire_asset(asset, route="recycled_weee", retired_on=date(2026, 12, 1),
                                         certificate_ref="DEEE-1", actor=gift["donor_user"])
    assert retired.value.code == "listing_reserved"
    db.session.rollback()
    listing = db.session.get(PoolListing, listing.id)
    assert listing.status == "reserved" and db.session.get(Asset, asset.id).status == "in_pool"


def test_a_reservation_whose_data_cannot_leave_is_skipped_by_the_periodic_confirmation(clock, make_member,
                                                                                    make_user, make_asset):
    """The periodic run confirms what it can: one refusal does not stop the others nor write half of it."""
    donor, taker = make_member(name="D"), make_member(name="T")
    ok_asset = make_asset(donor, code="monitor_24")
    laptop = make_asset(donor, code="laptop")
    services.record_erasure(laptop, method="nist_purge", performed_on=date(2026, 11, 1), operator="Atelier",
                            certificate_ref="EFF-1", actor=None)
    first = pool_services.offer_to_pool(laptop, condition="good", note="", actor=None)
    second = pool_services.offer_to_pool(ok_asset, condition="good", note="", actor=None)
    pool_services.claim_listing(first, taker.id, None)
    pool_services.claim_listing(second, taker.id, None)
    db.session.commit()
    # the erasure no longer counts for the laptop's holder (as if recorded by another member): it cannot leave
    erasure = services.latest_erasure(laptop)
    erasure.member_id = taker.id
    db.session.commit()
    assert pool_services.confirm_due_claims(now=NOW + timedelta(days=8)) == 1
    db.session.commit()
    assert (db.session.get(PoolListing, first.id).status, db.session.get(PoolListing, second.id).status) == (
        "reserved", "claimed")
    assert db.session.get(Asset, laptop.id).member_id == donor.id


def test_pages_the_claimant_waits_the_donor_declines_on_its_asset_page(app, client, gift):
    from tests.conftest import Browser

    listing, asset = gift["listing"], gift["asset"]
    taker, donor, other = Browser(client), Browser(app.test_client()), Browser(app.test_client())
    taker.login("sec@preneuse.test")
    donor.login("sec@donneuse.test")
    other.login("sec@autre.test")
    response = taker.post_form(f"/lifecycle/pool/{listing.id}/claim", {}, page="/lifecycle/pool")
    assert response.status_code == 302
    page = f"/lifecycle/assets/{asset.id}"
    html = donor.get(page).get_data(as_text=True)
    assert "Preneuse demande cet équipement" in html and 'id="decline-reason"' in html
    # another member's user cannot answer for the donor
    assert other.post_form(f"/lifecycle/pool/{listing.id}/decline", {"decline-reason": "non"},
                           page="/lifecycle/pool").status_code == 404
    assert other.post_form(f"/lifecycle/pool/{listing.id}/confirm", {}, page="/lifecycle/pool").status_code == 404
    events = db.session.scalar(select(func.count()).select_from(AssetEvent).where(AssetEvent.asset_id == asset.id))
    # no reason: the form again, its error on the field, nothing written
    response = donor.post_form(f"/lifecycle/pool/{listing.id}/decline", {"decline-reason": ""}, page=page)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Indiquez pourquoi vous refusez cette demande." in html
    assert html.count("<details class=\"action\" open>") == 1
    db.session.expire_all()
    assert db.session.get(PoolListing, listing.id).status == "reserved"
    assert db.session.scalar(select(func.count()).select_from(AssetEvent)
                             .where(AssetEvent.asset_id == asset.id)) == events
    response = donor.post_form(f"/lifecycle/pool/{listing.id}/decline", {"decline-reason": "Promis à l'école"},
                               page=page)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(PoolListing, listing.id).status == "open"
    html = taker.get("/lifecycle/pool").get_data(as_text=True)
    assert 'id="my-reservations-section"' not in html
    # declined once: her second claim is refused with the reason's code, in French
    response = taker.post_form(f"/lifecycle/pool/{listing.id}/claim", {}, page="/lifecycle/pool")
    assert response.status_code == 409 and "déjà refusé la demande" in response.get_data(as_text=True)
    # the donor's late confirmation of an answered request: the page again with why, 409
    response = donor.post_form(f"/lifecycle/pool/{listing.id}/confirm", {}, page=page)
    assert response.status_code == 409 and "déjà reçu sa réponse" in response.get_data(as_text=True)


def test_the_cli_confirms_the_due_reservations(app, runner, gift, monkeypatch):
    listing = gift["listing"]
    pool_services.claim_listing(listing, gift["taker"].id, gift["taker_user"])
    listing.decline_until = datetime.now(timezone.utc) - timedelta(minutes=1)  # its delay has just ended
    db.session.commit()
    result = runner.invoke(args=["lifecycle", "pool-confirm-due"])
    assert result.exit_code == 0 and "1 réservation(s) confirmée(s)" in result.output
    db.session.expire_all()
    assert db.session.get(Asset, gift["asset"].id).member_id == gift["taker"].id
    result = runner.invoke(args=["lifecycle", "pool-confirm-due"])
    assert "0 réservation(s) confirmée(s)" in result.output
