"""Report loaders: orders, pool claims and assets of a scope, with hand-computed indicators."""
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from lifecycle.assets import services
from lifecycle.pool import services as pool_services
from lifecycle.reports import data as report_data
from purchasing.extensions import db
from purchasing.orders.models import Order, OrderLine

THIS_YEAR = date.today().year
LAPTOP = 185.09  # ADEME 2025 laptop, kgCO2e (lifecycle/data/carbon_factors.csv)


def _order(member, user, offer, quantity, amount, status="approved", year=THIS_YEAR):
    decided = datetime(year, 3, 15, 10, tzinfo=timezone.utc)
    order = Order(member_id=member.id, created_by_id=user.id, status=status, submitted_dt=decided, decided_dt=decided)
    db.session.add(order)
    db.session.flush()
    db.session.add(OrderLine(order_id=order.id, offer_id=offer.id, product_id=offer.product_id, quantity=quantity,
                             base_unit_price_ht=Decimal(amount) / quantity, fee_rate=Decimal("0"),
                             unit_price_ht=Decimal(amount) / quantity, vat_rate=Decimal("0.20"),
                             line_total_ht=Decimal(amount)))
    db.session.flush()
    return order


@pytest.fixture
def world(make_member, make_user, make_offer, make_asset):
    epci = make_member(kind="epci", name="CC Test", insee_code=None)
    a = make_member(name="Commune A", epci_id=epci.id)
    b = make_member(name="Commune B")
    user_a = make_user(role="secretary", member=a)
    user_b = make_user(role="secretary", member=b)
    new = make_offer(price="1000.00")
    refurbished = make_offer(price="450.00", condition="refurbished")
    _order(a, user_a, new, 2, "2000.00")
    _order(b, user_b, refurbished, 1, "450.00")
    _order(a, user_a, new, 5, "5000.00", status="draft")  # not a purchase
    _order(a, user_a, new, 1, "1000.00", year=THIS_YEAR - 1)  # last year
    # A gives a laptop through the pool, erased first; B claims it.
    asset = make_asset(a, "laptop", actor=user_a)
    services.record_erasure(asset, method="nist_purge", performed_on=date.today(), operator="Atelier",
                            certificate_ref="EFF-1", actor=user_a)
    listing = pool_services.offer_to_pool(asset, condition="good", note="", actor=user_a)
    pool_services.claim_listing(listing, b.id, user_b)
    pool_services.confirm_claim(listing, None)
    return {"epci": epci, "a": a, "b": b}


def test_member_scope_counts_only_its_orders(world):
    report = report_data.build_scope_report("member", world["a"].id, THIS_YEAR, date.today())
    p = report.purchases
    assert p["by_origin"]["new"] == {"units": 2, "amount_ht": Decimal("2000.00")}
    assert p["by_origin"]["refurbished"]["units"] == 0 and p["by_origin"]["reuse_pool"]["units"] == 0
    assert p["reuse_share"] == Decimal("0.0000")
    assert report.carbon["purchases_embodied_kgco2e"].central == pytest.approx(2 * LAPTOP)


def test_pool_claim_counts_for_the_claiming_member(world):
    report = report_data.build_scope_report("member", world["b"].id, THIS_YEAR, date.today())
    p = report.purchases
    assert p["by_origin"]["reuse_pool"] == {"units": 1, "amount_ht": report_data.POOL_CLAIM_VALUE_HT}
    # (450 refurbished + 200 pool) / (450 + 200) = 100 %
    assert p["reuse_share"] == Decimal("1.0000")
    assert report.carbon["avoided_reuse_kgco2e"].central == pytest.approx(LAPTOP)
    assert report.carbon["avoided_refurbishment_kgco2e"].central == pytest.approx(0.73 * LAPTOP)
    assert report.fleet["count"] == 1  # the claimed laptop now belongs to B


def test_epci_scope_covers_its_communes(world):
    report = report_data.build_scope_report("epci", world["epci"].id, THIS_YEAR, date.today())
    assert report.purchases["by_origin"]["new"]["units"] == 2  # commune A's order
    assert report.purchases["by_origin"]["refurbished"]["units"] == 0  # B is outside the EPCI


def test_territory_scope_and_share(world):
    report = report_data.build_scope_report("territory", None, THIS_YEAR, date.today())
    p = report.purchases
    # IT purchases: 2000 new + 450 refurbished + 200 pool → (650) / 2650
    assert p["it_amount_ht"] == Decimal("2650.00")
    assert p["reuse_share"] == Decimal("0.2453")
    last_year = report_data.build_scope_report("territory", None, THIS_YEAR - 1, date.today())
    assert last_year.purchases["by_origin"]["new"]["units"] == 1


def test_refurbished_assets_carry_the_remaining_embodied_share(make_member, make_user, make_offer):
    from lifecycle.assets.receiving import receive_delivered_line

    member = make_member()
    user = make_user(role="secretary", member=member)
    offer = make_offer(price="450.00", condition="refurbished")
    order = _order(member, user, offer, 1, "450.00", status="placed")
    receive_delivered_line(order.lines[0], 1, None, user)
    frame = report_data.fleet_groups("member", member.id, date.today())
    # laptop: r = 0.73, so 0.27 × 185.09 remains to be spread over the years of service
    assert frame["n"].tolist() == [1]
    assert frame["embodied_central"].iloc[0] == pytest.approx(0.27 * LAPTOP)


def test_a_device_retired_after_the_snapshot_is_counted_at_its_status_before_retirement(app, make_member):
    """Issue 15: the 2025 fleet counted 55 "Sorti" while 2025's retirements were 0: devices retired in 2026 were
    in the 2025 snapshot with their current status."""
    from datetime import date
    from decimal import Decimal

    from sqlalchemy import select

    from lifecycle.assets import services
    from lifecycle.reports import data
    from lifecycle.retirement import services as retirement
    from purchasing.catalogue.models import Category
    from purchasing.extensions import db

    member = make_member()
    monitor = db.session.scalars(select(Category).where(Category.code == "monitor_24")).one()
    kept, gone = (services.create_asset(member_id=member.id, category=monitor, actor=None,
                                        acquisition_date=date(2022, 3, 1), purchase_price_ht=Decimal("150.00"),
                                        designation="Écran") for _ in range(2))
    services.change_asset_status(gone, "in_service", None, reason="")
    retirement.retire_asset(gone, route="recycled_weee", retired_on=date(2026, 3, 2), actor=None,
                            certificate_ref="DEEE-1", note="")
    db.session.flush()

    def statuses(on):
        frame = data.fleet_groups("member", member.id, on)
        return dict(frame.groupby("status")["n"].sum())

    assert statuses(date(2025, 12, 31)) == {"in_stock": 1, "in_service": 1}  # not "retired"
    assert statuses(date(2026, 3, 1)) == {"in_stock": 1, "in_service": 1}   # the day before its retirement
    assert statuses(date(2026, 3, 2)) == {"in_stock": 1}                     # retired that day: out of the fleet
