"""Lifecycle services: tags, status machine, receiving, pool, erasure, repairs, retirement, audits."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from lifecycle.assets import services
from lifecycle.assets.models import Asset, AssetEvent
from lifecycle.assets.receiving import receive_delivered_line
from lifecycle.audits import services as audits_services
from lifecycle.pool import services as pool_services
from lifecycle.repairs import services as repairs_services
from lifecycle.retirement import services as retirement_services
from lifecycle.retirement.models import Retirement
from purchasing.domain.errors import ConflictError, DomainError, InvalidQuantity, TransitionNotAllowed
from purchasing.extensions import db


def test_tags_follow_prefix_year_sequence(make_member, make_asset):
    member = make_member()
    a, b = make_asset(member), make_asset(member)
    assert re.fullmatch(r"SDN-\d{4}-\d{6}", a.tag)
    assert int(b.tag[-6:]) == int(a.tag[-6:]) + 1 and a.tag[:9] == b.tag[:9]


def test_status_changes_only_through_the_machine_with_an_event(make_member, make_user, make_asset):
    member = make_member()
    user = make_user(member=member)
    asset = make_asset(member)
    services.change_asset_status(asset, "in_service", user, reason="Poste accueil")
    assert asset.status == "in_service"
    event = db.session.scalars(select(AssetEvent).where(AssetEvent.asset_id == asset.id)
                               .order_by(AssetEvent.id.desc())).first()
    assert (event.from_status, event.to_status, event.author_id, event.reason) == \
        ("in_stock", "in_service", user.id, "Poste accueil")
    with pytest.raises(TransitionNotAllowed) as error:
        services.change_asset_status(asset, "in_service", user)
    assert "ne peut pas passer" in error.value.message


def test_receiving_creates_one_asset_per_unit(make_member, make_user, make_order_line):
    member = make_member()
    line = make_order_line(member, quantity=3)
    actor = make_user(role="purchasing_officer")
    assets = receive_delivered_line(line, 3, ["S1", "S2", "S3"], actor)
    assert len(assets) == 3 and len({a.tag for a in assets}) == 3
    for asset in assets:
        assert asset.member_id == member.id and asset.order_line_id == line.id
        assert asset.purchase_price_ht == Decimal("714.00") and asset.origin == "delivered_order_line"
        assert asset.status == "in_stock" and asset.product_id == line.product_id
        assert asset.holds_storage is True  # laptop category default
        assert db.session.scalar(select(func.count()).select_from(AssetEvent)
                                 .where(AssetEvent.asset_id == asset.id)) == 1
    with pytest.raises(ConflictError):
        receive_delivered_line(line, 1, ["S1"], actor)
    with pytest.raises(InvalidQuantity):
        receive_delivered_line(line, 2, ["X"], actor)
    with pytest.raises(InvalidQuantity):
        receive_delivered_line(line, 4, None, actor)
    with pytest.raises(InvalidQuantity):
        receive_delivered_line(line, 0, None, actor)


def test_receiving_uses_product_storage_flag(make_member, make_order_line):
    member = make_member()
    line = make_order_line(member, quantity=1, holds_storage=False)
    (asset,) = receive_delivered_line(line, 1, None, None)
    assert asset.holds_storage is False


def test_claim_refused_until_erasure_then_identity_kept(make_member, make_user, make_asset):
    giver, taker = make_member(name="Moyenne"), make_member(name="Petite")
    giver_user, taker_user = make_user(member=giver), make_user(member=taker)
    asset = make_asset(giver, actor=giver_user)
    tag = asset.tag
    listing = pool_services.offer_to_pool(asset, condition="good", note="Bon état", actor=giver_user)
    with pytest.raises(ConflictError) as error:
        pool_services.claim_listing(listing, taker.id, taker_user)
    assert "effacement" in error.value.message and "Moyenne" in error.value.message
    services.record_erasure(asset, method="nist_purge", performed_on=date.today(), operator="Atelier",
                            certificate_ref="CERT-1", actor=giver_user)
    pool_services.claim_listing(listing, taker.id, taker_user)
    # reserved for the taker: the giver keeps it until it confirms (or its delay to decline ends)
    assert (listing.status, listing.claimed_by_member_id, asset.member_id, asset.status) == (
        "reserved", taker.id, giver.id, "in_pool")
    with pytest.raises(ConflictError):
        pool_services.claim_listing(listing, make_member().id, taker_user)
    pool_services.confirm_claim(listing, giver_user)
    assert asset.member_id == taker.id and asset.tag == tag and asset.status == "in_stock"
    assert listing.status == "claimed" and listing.claimed_by_member_id == taker.id
    claimed = [e for e in services.asset_timeline(asset) if e.kind == "claimed"][0]
    assert (claimed.from_member_id, claimed.to_member_id) == (giver.id, taker.id)
    with pytest.raises(ConflictError):
        pool_services.claim_listing(listing, make_member().id, taker_user)


def test_equivalents_in_pool(make_member, make_asset, make_order_line):
    a, b = make_member(), make_member()
    asset = make_asset(a, code="laptop")
    pool_services.offer_to_pool(asset, condition="good", note="", actor=None)
    line = make_order_line(b, quantity=1)
    found = pool_services.equivalents_in_pool(line.product, b)
    assert [l.asset_id for l in found] == [asset.id]
    assert pool_services.equivalents_in_pool(line.product, a) == []


def test_repair_cycle_back_to_pool(make_member, make_asset):
    member = make_member()
    asset = make_asset(member)
    job = repairs_services.open_repair(asset, kind="refurbishment", provider="Atelier interne", opened_on=date.today(),
                               actor=None)
    assert asset.status == "refurbishing"
    with pytest.raises(DomainError):
        repairs_services.close_repair(job, work_done=["teleport"], cost_ht=None, grade="A", closed_on=date.today(),
                              back_to="in_stock", actor=None)
    repairs_services.close_repair(job, work_done=["battery", "os_reinstalled"], cost_ht=Decimal("45.00"), grade="B",
                          closed_on=date.today(), back_to="in_pool", actor=None)
    assert asset.status == "in_pool" and job.grade == "B" and job.work_done == ["battery", "os_reinstalled"]
    assert pool_services.open_listing_for(asset) is not None


@pytest.mark.parametrize("route,kw,ok", [
    ("recycled_weee", {}, False),
    ("recycled_weee", {"certificate_ref": "ECO-1"}, True),
    ("donated", {}, False),
    ("donated", {"recipient": "Association", "recipient_siret": "12345678901234"}, False),
    ("destroyed", {}, True),
    ("lost_or_stolen", {}, True),
])
def test_retirement_validation(route, kw, ok, make_member, make_asset):
    member = make_member()
    asset = make_asset(member, code="monitor_24")
    if ok:
        retirement_services.retire_asset(asset, route=route, retired_on=date.today(), actor=None, **kw)
        assert asset.status == "retired"
        with pytest.raises(TransitionNotAllowed):
            services.change_asset_status(asset, "in_stock", None)
    else:
        with pytest.raises(DomainError):
            retirement_services.retire_asset(asset, route=route, retired_on=date.today(), actor=None, **kw)
        assert asset.status == "in_stock"
        assert db.session.scalar(select(func.count()).select_from(Retirement)
                                 .where(Retirement.asset_id == asset.id)) == 0


def test_audit_found_missing_moved_unexpected(make_member, make_asset):
    member, other = make_member(), make_member()
    here = make_asset(member, site="Mairie")
    absent = make_asset(member, site="Mairie")
    elsewhere = make_asset(member, site="École")
    foreign = make_asset(other, site="Mairie")
    audit = audits_services.start_audit(member.id, "Mairie", None)
    audits_services.scan_tags(audit, f"{here.tag}\n{elsewhere.tag}\n{foreign.tag}\nSDN-1999-999999")
    result = audits_services.audit_result(audit)
    assert [a.id for a in result.found] == [here.id] and [a.id for a in result.missing] == [absent.id]
    assert [a.id for a in result.moved] == [elsewhere.id]
    assert set(result.unexpected_tags) == {foreign.tag, "SDN-1999-999999"}
    audits_services.close_audit(audit, None)
    assert elsewhere.site_name == "Mairie" and audit.status == "closed"
    assert any(e.kind == "moved" for e in services.asset_timeline(elsewhere))
    with pytest.raises(ConflictError):
        audits_services.scan_tags(audit, here.tag)


def test_inventory_past_lifetime_filter(make_member, make_asset):
    member = make_member()
    old = make_asset(member, acquisition_date=date(2010, 1, 1))
    make_asset(member, acquisition_date=date.today())
    ids = list(db.session.scalars(services._past_lifetime_ids()))
    assert old.id in ids and len([i for i in ids if i == old.id]) == 1
    assert db.session.scalar(select(func.count()).select_from(Asset).where(Asset.id.in_(ids),
                                                                           Asset.member_id == member.id)) == 1


def test_carbon_summary(make_member, make_asset):
    from lifecycle.domain.carbon import Estimate

    asset = make_asset(make_member())  # a laptop acquired on 15 January 2024 (category values, 5 years)
    # two years later: 731 days / 365.25 = 2.0014 years; 2025 grid factor 0.0461 (the latest for 2026)
    # central 185.09 × 2.0014 / 5 + 29.02 × 0.0461 × 2.0014 = 74.087 + 2.677 = 76.76 -> 76.8
    # low 175 × 0.40027 + 2.677 = 72.7 ; high 285.2 × 0.40027 + 2.677 = 116.8
    summary = services.carbon_summary(asset, today=date(2026, 1, 15))
    assert summary == {"estimate": Estimate(72.7, 76.8, 116.8), "reason": None, "years": 2.0}
    # past its 5-year lifetime the embodied emissions count once, then only electricity adds up:
    # 185.09 + 29.02 × 0.0461 × 7.0007 = 194.45 -> 194.5
    assert services.carbon_summary(asset, today=date(2031, 1, 15))["estimate"] == Estimate(184.4, 194.5, 294.6)
    # on its acquisition day (and before it, by a wrong date): nothing yet
    assert services.carbon_summary(asset, today=date(2024, 1, 15))["estimate"] == Estimate(0.0, 0.0, 0.0)
    assert services.carbon_summary(asset, today=date(2023, 1, 1))["years"] == 0.0
    # a category without an embodied factor (a network switch) and software: no figure, and the reason
    for code in ("network_switch", "software"):
        without = services.carbon_summary(make_asset(make_member(), code=code), today=date(2026, 1, 15))
        assert without == {"estimate": None, "reason": "no_factor"}, code


def test_storage_equipment_leaving_by_donation_needs_an_erasure(make_member, make_asset):
    asset = make_asset(make_member())
    assert asset.holds_storage
    with pytest.raises(ConflictError) as error:
        retirement_services.retire_asset(asset, route="donated", retired_on=date.today(), actor=None, recipient="Asso")
    assert "effacement" in error.value.message and asset.status == "in_stock"
    services.record_erasure(asset, method="nist_clear", performed_on=date.today(), operator="Atelier",
                            certificate_ref="C-1", actor=None)
    retirement = retirement_services.retire_asset(asset, route="donated", retired_on=date.today(), actor=None,
                                       recipient="Asso", recipient_siret="")
    assert retirement.route == "donated" and asset.status == "retired"


def test_scan_of_a_single_tag_and_duplicates(make_member, make_asset):
    member = make_member()
    asset = make_asset(member, site="Mairie")
    audit = audits_services.start_audit(member.id, "Mairie", None)
    assert audits_services.scan_tags(audit, asset.tag.lower()) == 1
    assert audits_services.scan_tags(audit, asset.tag) == 0
    with pytest.raises(DomainError):
        audits_services.scan_tags(audit, "   ")


def test_asset_events_cannot_be_changed_or_deleted(make_member, make_asset):
    asset = make_asset(make_member())
    (created,) = services.asset_timeline(asset)
    with db.session.begin_nested():
        created.reason = "réécrit"
        with pytest.raises(ValueError, match="immutable"):
            db.session.flush()
        db.session.expire(created)
    with db.session.begin_nested():
        db.session.delete(created)
        with pytest.raises(ValueError, match="immutable"):
            db.session.flush()


def test_pool_filters_by_epci_category_and_condition(make_member, make_asset):
    epci = make_member(kind="epci", name="CC Test", insee_code=None)
    inside, outside = make_member(epci_id=epci.id), make_member()
    first = pool_services.offer_to_pool(make_asset(inside, code="monitor_24"), condition="fair", note="", actor=None)
    second = pool_services.offer_to_pool(make_asset(outside, code="monitor_24"), condition="good", note="", actor=None)
    third = pool_services.offer_to_pool(make_asset(outside, code="desktop"), condition="good", note="", actor=None)

    def ids(**kw):
        return {listing.id for listing in db.session.scalars(pool_services.pool_query(**kw)).unique()} & \
            {first.id, second.id, third.id}

    assert ids(epci_id=epci.id) == {first.id}
    assert ids(condition="good") == {second.id, third.id}
    assert ids(category_id=third.category_id) == {third.id}
    pool_services.withdraw_listing(third, None)
    assert ids() == {first.id, second.id} and third.asset.status == "in_stock"
