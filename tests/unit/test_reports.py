"""Report indicators on a small fixture, against hand-computed values."""
from datetime import date
from decimal import Decimal

import pytest

from tests.unit.report_rows import report_of

LAPTOP = (175.0, 185.09, 285.2)
NAN = float("nan")


def _asset(asset_id, category, is_it, status, acquired, retired=None, route=None, expected=5, default=5,
           embodied=LAPTOP, kwh=29.02):
    low, central, high = embodied if embodied else (NAN, NAN, NAN)
    return dict(asset_id=asset_id, member_id=1, category=category, is_it=is_it, status=status, origin="imported",
                condition="new", acquired_on=acquired, retired_on=retired, retirement_route=route,
                expected_lifetime_years=expected, default_lifetime_years=default, embodied_low=low,
                embodied_central=central, embodied_high=high, annual_kwh=kwh)


@pytest.fixture
def assets():
    rows = [
        _asset(1, "laptop", True, "in_service", date(2022, 1, 1)),
        _asset(2, "laptop", True, "in_stock", date(2019, 6, 1)),
        _asset(3, "headset", False, "in_service", date(2025, 3, 1), expected=None, default=None, embodied=None,
               kwh=None),
        _asset(4, "desktop", True, "retired", date(2020, 5, 10), date(2026, 5, 10), "donated", 6, 6),
        _asset(5, "smartphone", True, "retired", date(2023, 2, 1), date(2026, 2, 1), "recycled_weee", 2.5, 2.5),
        _asset(6, "monitor_24", True, "retired", date(2014, 1, 1), date(2026, 7, 1), "sold", 6, 6),
        _asset(7, "laptop", True, "retired", date(2020, 3, 1), date(2025, 3, 1), "destroyed"),
    ]
    return rows


@pytest.fixture
def purchases():
    rows = [
        (date(2026, 3, 1), "laptop", True, "new", 2, Decimal("2000.00"), *LAPTOP, 0.73, 0),
        (date(2026, 4, 1), "laptop", True, "refurbished", 1, Decimal("450.00"), *LAPTOP, 0.73, 0),
        (date(2026, 5, 1), "smartphone", True, "reuse_pool", 1, Decimal("200.00"), 48.4, 79.52, 84.0, 0.87, 0),
        (date(2026, 6, 1), "printer_laser_small", False, "new", 1, Decimal("300.00"), 80.3, 129.9, 130.2, NAN, 0),
        (date(2025, 6, 1), "laptop", True, "new", 1, Decimal("1000.00"), *LAPTOP, 0.73, 0),
    ]
    columns = ("purchased_on", "category", "is_it", "origin", "quantity", "amount_ht", "embodied_low",
               "embodied_central", "embodied_high", "refurb_share")
    return [dict(zip(columns, row)) for row in rows]


@pytest.fixture
def report(assets, purchases):
    return report_of(assets, purchases, 2026, today=date(2026, 11, 26))


def test_fleet(report):
    fleet = report.fleet
    assert report.reference_date == date(2026, 11, 26)
    assert fleet["count"] == 3  # assets 1, 2, 3; the others were retired by then
    assert fleet["by_category_status"].loc["laptop", "in_service"] == 1
    assert fleet["by_category_status"].loc["laptop", "in_stock"] == 1
    # asset 2 is 2735 days old (> 5 years); asset 1 is not; asset 3 has no expected lifetime
    assert fleet["past_lifetime_count"] == 1 and fleet["past_lifetime_share"] == 0.5
    ages = [(date(2026, 11, 26) - d).days / 365.25 for d in (date(2022, 1, 1), date(2019, 6, 1), date(2025, 3, 1))]
    assert fleet["average_age_years"] == round(sum(ages) / 3, 2)


def test_purchases_share_against_the_2026_target(report):
    p = report.purchases
    assert p["by_origin"]["new"] == {"units": 3, "amount_ht": Decimal("2300.00")}
    assert p["by_origin"]["refurbished"] == {"units": 1, "amount_ht": Decimal("450.00")}
    assert p["by_origin"]["reuse_pool"] == {"units": 1, "amount_ht": Decimal("200.00")}
    # IT only: (450 + 200) / (2000 + 450 + 200) = 650 / 2650 = 0.24528…
    assert p["reuse_share"] == Decimal("0.2453")
    assert p["reuse_target"] == Decimal("0.20")


def test_reuse_target_is_25_percent_in_2027(assets, purchases):
    shifted = [{**p, "purchased_on": p["purchased_on"].replace(year=p["purchased_on"].year + 1)} for p in purchases]
    report = report_of(assets, shifted, 2027, today=date(2028, 1, 15))
    assert report.purchases["reuse_target"] == Decimal("0.25")
    assert report.purchases["reuse_share"] == Decimal("0.2453")


def test_retired_share_against_the_50_percent_target(report):
    r = report.retired
    # Retired in 2026: desktop donated (6 years), smartphone recycled (3 years), monitor sold but 12.5 years
    # old (excluded: over 10 years). 1 reused of 2 counted.
    assert (r["counted"], r["reused"], r["retired_reuse_share"]) == (2, 1, 0.5)
    assert r["retired_reuse_target"] == Decimal("0.50")


def test_lifetimes_at_retirement(report):
    table = report.lifetimes.set_index("category")
    assert table.loc["desktop", "retired_count"] == 1
    assert table.loc["desktop", "mean_age_at_retirement"] == round(2191 / 365.25, 2)  # 2020-05-10 → 2026-05-10
    assert table.loc["desktop", "default_lifetime_years"] == 6


def test_end_of_life_routes(report):
    routes = dict(zip(report.end_of_life["route"], report.end_of_life["count"]))
    assert routes == {"reused_elsewhere": 0, "donated": 1, "sold": 1, "recycled_weee": 1, "destroyed": 0,
                      "lost_or_stolen": 0}


def test_carbon_figures_with_their_range(report):
    c = report.carbon
    # New: 2 laptops (350, 370.18, 570.4) + printer (80.3, 129.9, 130.2); refurbished: 0.27 × laptop.
    purchases = c["purchases_embodied_kgco2e"]
    assert purchases.low == pytest.approx(430.3 + 0.27 * 175)
    assert purchases.central == pytest.approx(500.08 + 0.27 * 185.09)
    assert purchases.high == pytest.approx(700.6 + 0.27 * 285.2)
    # Fleet: two laptops at 185.09/5 each + 2 × 29.02 kWh × 0.0461; the headset has no factor.
    fleet = c["fleet_annual_kgco2e"]
    assert c["grid_factor"] == 0.0461
    assert fleet.central == pytest.approx(2 * 37.018 + 2 * 29.02 * 0.0461)
    assert fleet.low == pytest.approx(2 * 35.0 + 2 * 29.02 * 0.0461)
    assert fleet.rows_without_factor == 1
    # Avoided, reported beside: the pool smartphone's embodied, and 0.73 of the refurbished laptop's.
    assert c["avoided_reuse_kgco2e"].central == pytest.approx(79.52)
    assert c["avoided_refurbishment_kgco2e"].central == pytest.approx(0.73 * 185.09)
    assert c["avoided_kgco2e"].central == pytest.approx(79.52 + 0.73 * 185.09)
    # Longer use: asset 2, 2735 days old, default lifetime 5: 185.09 × (1/5 − 365.25/2735) per year.
    assert c["avoided_longer_use_kgco2e_per_year"].central == pytest.approx(185.09 * (1 / 5 - 365.25 / 2735))
    # Never subtracted: the footprint is unchanged by the avoided figures.
    assert fleet.central > 0 and purchases.central > c["avoided_refurbishment_kgco2e"].central


def test_an_empty_scope_gives_empty_figures_not_errors():
    report = report_of([], [], 2026, today=date(2026, 11, 26))
    assert report.fleet["count"] == 0
    assert report.purchases["reuse_share"] is None
    assert report.retired["retired_reuse_share"] is None
    assert report.carbon["fleet_annual_kgco2e"].central == 0


def test_yearly_savings_of_the_years_purchases_and_their_total(assets, purchases):
    """Per year of use (carbon-method.md): refurbished r × E_new / L_new, a pool claim E_new / L_new; the total is
    the three yearly savings (refurbished, pool, longer use) added, as the report's carbon table shows them."""
    lifetimes = {"laptop": 5.0, "smartphone": 2.5, "printer_laser_small": 5.0}
    dated = [{**p, "lifetime_years": lifetimes[p["category"]]} for p in purchases]
    carbon = report_of(assets, dated, 2026, today=date(2026, 11, 26)).carbon
    refurbished = carbon["avoided_refurbishment_kgco2e_per_year"]
    assert refurbished.central == pytest.approx(0.73 * 185.09 / 5)  # one refurbished laptop
    assert refurbished.low == pytest.approx(0.73 * 175.0 / 5) and refurbished.high == pytest.approx(0.73 * 285.2 / 5)
    pool = carbon["avoided_reuse_kgco2e_per_year"]
    assert pool.central == pytest.approx(79.52 / 2.5) and pool.rows_without_factor == 0  # one smartphone claimed
    longer = carbon["avoided_longer_use_kgco2e_per_year"]
    total = carbon["avoided_kgco2e_per_year"]
    for bound in ("low", "central", "high"):
        assert getattr(total, bound) == pytest.approx(
            getattr(refurbished, bound) + getattr(pool, bound) + getattr(longer, bound))
    # without a lifetime a purchase cannot be spread over years: counted as without factor, never invented
    undated = report_of(assets, purchases, 2026, today=date(2026, 11, 26)).carbon
    assert undated["avoided_reuse_kgco2e_per_year"].central == 0
    assert undated["avoided_reuse_kgco2e_per_year"].rows_without_factor == 1
