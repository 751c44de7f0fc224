"""Unit tests of the pure carbon model (lifecycle/domain/carbon.py).

Expected values are computed by hand from the reference data (carbon-factors.csv, carbon-method.md);
the arithmetic is written next to each one.
"""

from __future__ import annotations


import pytest

from lifecycle.domain import carbon
from lifecycle.domain.carbon import (
    DEFAULT_RELATIVE_SPREAD,
    REASON_NO_ENERGY_FACTOR,
    REASON_NO_FACTOR,
    REASON_NO_LIFETIME,
    CategoryFactor,
    Estimate,
    Footprint,
    annual_footprint,
    carbon_to_date,
    category_factor,
    grid_factor,
    grid_factors,
    lifetime_extension_saving,
    load_factors,
    manufacturer_embodied,
    pool_claim_avoided,
    product_footprint,
    refurbished_avoided_per_year,
    refurbished_avoided_share,
    refurbished_embodied,
)

LAPTOP_EMBODIED = Estimate(175.0, 185.09, 285.2)
LAPTOP_KWH = 29.02
GRID_2025 = 0.0461




def test_carbon_module_has_a_docstring():
    assert carbon.__doc__ and "F_year" in carbon.__doc__


# --- reference data -----------------------------------------------------------------------------


def test_laptop_factor_is_read_from_the_shipped_csv():
    laptop = category_factor("laptop")
    assert isinstance(laptop, CategoryFactor)
    assert laptop.label_fr == "Ordinateur portable"
    assert laptop.embodied == Estimate(175.0, 185.09, 285.2)
    assert laptop.embodied.spread_is_default is False
    assert laptop.annual_kwh == 29.02
    assert laptop.default_lifetime_years == 5
    assert "embodied: ADEME-ACV-NUM 2025 [S1]" in laptop.sources
    assert "lifetime: [S1]" in laptop.sources


def test_all_reference_categories_are_loaded():
    factors = load_factors()
    assert len(factors) == 26
    assert {"laptop", "smartphone", "network_switch", "headset", "ups"} <= factors.keys()


@pytest.mark.parametrize("category", ["network_switch", "headset", "ups"])
def test_gaps_in_the_sources_stay_gaps(category):
    factor = category_factor(category)
    assert factor is not None
    assert factor.embodied is None


def test_unknown_category_has_no_factor():
    assert category_factor("unknown") is None


def test_empty_low_high_get_the_default_spread_and_are_flagged():
    # feature_phone: 23.4 kg, no range in the sources -> 23.4 × 0.7 = 16.38 and 23.4 × 1.3 = 30.42
    assert DEFAULT_RELATIVE_SPREAD == 0.30
    embodied = category_factor("feature_phone").embodied
    assert embodied.rounded() == Estimate(16.38, 23.4, 30.42, spread_is_default=True)
    assert embodied.spread_is_default is True


def test_feature_phone_zero_kwh_is_a_sourced_zero_not_a_gap():
    assert category_factor("feature_phone").annual_kwh == 0.0
    assert category_factor("nas").annual_kwh is None


# --- Estimate -----------------------------------------------------------------------------------


def test_estimate_arithmetic_is_component_wise():
    a = Estimate(1.0, 2.0, 4.0)
    b = Estimate(0.5, 1.0, 1.5, spread_is_default=True)
    assert a + b == Estimate(1.5, 3.0, 5.5, spread_is_default=True)
    assert a - b == Estimate(0.5, 1.0, 2.5, spread_is_default=True)
    assert a.scale(3) == Estimate(3.0, 6.0, 12.0)


def test_estimate_refuses_a_negative_scale():
    with pytest.raises(ValueError):
        Estimate(1.0, 2.0, 3.0).scale(-1)


def test_rounded_is_half_up_not_bankers():
    # round(2.675, 2) is 2.67 in Python (binary float); a person writes 2.68.
    assert Estimate(2.675, 0.125, 1.005).rounded(2) == Estimate(2.68, 0.13, 1.01)
    assert Estimate(0.125, 0.125, 0.125).rounded(2) == Estimate(0.13, 0.13, 0.13)


def test_as_dict_keys():
    assert Estimate(1.0, 2.0, 3.0).as_dict() == {"low": 1.0, "central": 2.0, "high": 3.0}


# --- grid factor --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2021, 0.0520), (2022, 0.0520), (2023, 0.0580), (2024, 0.0519), (2025, 0.0461), (2026, 0.0461)],
)
def test_grid_factor_takes_the_latest_version_not_after_the_year(year, expected):
    assert grid_factor(year) == expected


def test_grid_factors_are_dated_and_sourced():
    rows = grid_factors()
    assert [year for year, _factor, _source in rows] == [2022, 2023, 2024, 2025]
    assert all("[S7]" in source for _year, _factor, source in rows)


# --- annual footprint ---------------------------------------------------------------------------


def test_laptop_annual_footprint_reference_case():
    # energy = 29.02 × 0.0461 = 1.337822 kgCO2e/year (exact, no range)
    # low     = 175   / 5 + 1.337822 = 35.000 + 1.337822 = 36.337822 -> 36.34
    # central = 185.09/ 5 + 1.337822 = 37.018 + 1.337822 = 38.355822 -> 38.36
    # high    = 285.2 / 5 + 1.337822 = 57.040 + 1.337822 = 58.377822 -> 58.38
    result = annual_footprint(LAPTOP_EMBODIED, 5, LAPTOP_KWH, GRID_2025)
    assert result.rounded(2) == Estimate(36.34, 38.36, 58.38)


@pytest.mark.parametrize("years", [0, -1])
def test_annual_footprint_refuses_non_positive_years(years):
    with pytest.raises(ValueError):
        annual_footprint(LAPTOP_EMBODIED, years, LAPTOP_KWH, GRID_2025)


def test_annual_footprint_refuses_negative_kwh():
    with pytest.raises(ValueError):
        annual_footprint(LAPTOP_EMBODIED, 5, -1.0, GRID_2025)


def test_product_footprint_of_a_laptop_uses_category_defaults_and_records_the_grid_version():
    footprint = product_footprint("laptop", year=2025)
    assert footprint.has_factor is True
    assert footprint.reason is None
    assert footprint.annual.rounded() == Estimate(36.34, 38.36, 58.38)
    assert footprint.years == 5
    assert footprint.annual_kwh == 29.02
    assert footprint.grid_factor == 0.0461
    assert footprint.grid_factor_year == 2025
    assert footprint.embodied_origin == "category"


def test_product_footprint_uses_the_grid_factor_of_the_year():
    # 2023 factor 0.0580: 185.09/5 + 29.02 × 0.0580 = 37.018 + 1.68316 = 38.70116 -> 38.70
    footprint = product_footprint("laptop", year=2023)
    assert footprint.grid_factor == 0.0580
    assert round(footprint.annual.central, 2) == 38.70


def test_product_footprint_actual_years_of_service_beat_the_default_lifetime():
    # 185.09/7 + 1.337822 = 26.441428... + 1.337822 = 27.77925 -> 27.78
    footprint = product_footprint("laptop", years_of_service=7, year=2025)
    assert footprint.years == 7
    assert round(footprint.annual.central, 2) == 27.78


@pytest.mark.parametrize("category", ["headset", "network_switch", "ups", "unknown"])
def test_category_without_factor_says_no_factor_not_zero(category):
    footprint = product_footprint(category, year=2025)
    assert isinstance(footprint, Footprint)
    assert footprint.has_factor is False
    assert footprint.reason == REASON_NO_FACTOR == "no_factor"
    assert footprint.annual is None
    assert footprint.embodied is None


def test_manufacturer_footprint_beats_the_category():
    # override 241 kg (PCF median) keeps the laptop's relative spread 175/185.09 and 285.2/185.09:
    # low     = 241 × 175/185.09   = 227.8621 -> /5 = 45.5724 + 1.337822 = 46.9102 -> 46.91
    # central = 241                           -> /5 = 48.2    + 1.337822 = 49.5378 -> 49.54
    # high    = 241 × 285.2/185.09 = 371.3502 -> /5 = 74.2700 + 1.337822 = 75.6079 -> 75.61
    footprint = product_footprint("laptop", year=2025, embodied_override=241.0)
    assert footprint.embodied_origin == "manufacturer"
    assert footprint.embodied.central == 241.0
    assert footprint.annual.rounded() == Estimate(46.91, 49.54, 75.61)


def test_manufacturer_value_makes_a_gap_category_computable_with_default_spread():
    # headset, 30 kg over 5 years, 2 kWh/year:
    # 30 × 0.7 / 5 + 2 × 0.0461 = 4.2 + 0.0922 = 4.2922 ; 30/5 + 0.0922 = 6.0922 ; 30 × 1.3 / 5 + 0.0922 = 7.8922
    footprint = product_footprint(
        "headset", year=2025, embodied_override=30.0, years_of_service=5, annual_kwh_override=2.0
    )
    assert footprint.has_factor is True
    assert footprint.annual.rounded(4) == Estimate(4.2922, 6.0922, 7.8922, spread_is_default=True)
    assert footprint.annual.spread_is_default is True


def test_manufacturer_value_without_a_lifetime_says_no_lifetime():
    footprint = product_footprint("headset", year=2025, embodied_override=30.0)
    assert footprint.has_factor is False
    assert footprint.reason == REASON_NO_LIFETIME
    assert footprint.embodied is not None


def test_category_without_energy_figure_says_so():
    footprint = product_footprint("nas", year=2025)
    assert footprint.has_factor is False
    assert footprint.reason == REASON_NO_ENERGY_FACTOR
    assert footprint.embodied.central == 128.3


def test_measured_kwh_beats_the_category():
    # 185.09/5 + 100 × 0.0461 = 37.018 + 4.61 = 41.628 -> 41.63
    footprint = product_footprint("laptop", year=2025, annual_kwh_override=100.0)
    assert round(footprint.annual.central, 2) == 41.63


def test_manufacturer_embodied_removes_the_use_phase():
    # MacBook Air M1 256 GB: 161 × (1 − 0.15) = 136.85
    assert manufacturer_embodied(161, 0.15) == pytest.approx(136.85)
    assert manufacturer_embodied(161, None) == 161


@pytest.mark.parametrize(("total", "ratio"), [(161, 1.2), (161, -0.1), (0, 0.1)])
def test_manufacturer_embodied_refuses_impossible_values(total, ratio):
    with pytest.raises(ValueError):
        manufacturer_embodied(total, ratio)


# --- avoided emissions --------------------------------------------------------------------------


def test_refurbished_shares():
    assert refurbished_avoided_share("smartphone") == 0.87
    assert refurbished_avoided_share("laptop") == 0.73
    assert refurbished_avoided_share("tablet") == 0.46
    assert refurbished_avoided_share("desktop") == 0.43
    assert refurbished_avoided_share("monitor_24") is None
    assert refurbished_avoided_share("unknown") is None


def test_refurbished_laptop_avoided_per_year():
    # low 0.73 × 175/5 = 25.55 ; central 0.73 × 185.09/5 = 0.73 × 37.018 = 27.02314 -> 27.02 ;
    # high 0.73 × 285.2/5 = 0.73 × 57.04 = 41.6392 -> 41.64
    avoided = refurbished_avoided_per_year("laptop", LAPTOP_EMBODIED, 5)
    assert avoided.rounded() == Estimate(25.55, 27.02, 41.64)


def test_refurbished_laptop_embodied():
    # (1 − 0.73) × (175, 185.09, 285.2) = (47.25, 49.9743, 77.004)
    assert refurbished_embodied("laptop", LAPTOP_EMBODIED).rounded() == Estimate(47.25, 49.97, 77.0)


def test_refurbished_functions_return_none_without_a_share():
    assert refurbished_avoided_per_year("monitor_24", LAPTOP_EMBODIED, 6) is None
    assert refurbished_embodied("monitor_24", LAPTOP_EMBODIED) is None


def test_lifetime_extension_from_five_to_seven_years():
    # 185.09 × (1/5 − 1/7) = 185.09 × 2/35 = 10.5766 -> 10.58 ; 175 × 2/35 = 10.00 ; 285.2 × 2/35 = 16.2971 -> 16.30
    saving = lifetime_extension_saving(LAPTOP_EMBODIED, 5, 7)
    assert saving.rounded() == Estimate(10.0, 10.58, 16.3)


def test_no_extension_saves_nothing():
    assert lifetime_extension_saving(LAPTOP_EMBODIED, 5, 5) == Estimate(0.0, 0.0, 0.0)


@pytest.mark.parametrize(("l1", "l2"), [(0, 5), (-1, 5), (7, 5)])
def test_lifetime_extension_refuses_impossible_lifetimes(l1, l2):
    with pytest.raises(ValueError):
        lifetime_extension_saving(LAPTOP_EMBODIED, l1, l2)


def test_pool_claim_avoids_the_embodied_emissions_of_the_new_equivalent():
    avoided = pool_claim_avoided(category_factor("laptop").embodied)
    assert avoided.central == 185.09
    assert avoided.low == 175.0


# --- carbon to date -----------------------------------------------------------------------------


def test_carbon_to_date_after_two_years():
    # embodied 185.09 × 2/5 = 74.036 ; energy 29.02 × 0.0461 × 2 = 2.675644 ; total 76.711644 -> 76.71
    # low 175 × 2/5 = 70 + 2.675644 = 72.675644 -> 72.68 ; high 285.2 × 2/5 = 114.08 + 2.675644 -> 116.76
    so_far = carbon_to_date(LAPTOP_EMBODIED, LAPTOP_KWH, GRID_2025, 2, 5)
    assert so_far.rounded() == Estimate(72.68, 76.71, 116.76)


def test_carbon_to_date_past_the_lifetime_counts_embodied_once():
    # 185.09 × 1 + 29.02 × 0.0461 × 7 = 185.09 + 9.364754 = 194.454754 -> 194.45
    so_far = carbon_to_date(LAPTOP_EMBODIED, LAPTOP_KWH, GRID_2025, 7, 5)
    assert round(so_far.central, 2) == 194.45


def test_carbon_to_date_refuses_negative_years():
    with pytest.raises(ValueError):
        carbon_to_date(LAPTOP_EMBODIED, LAPTOP_KWH, GRID_2025, -1, 5)


# --- boundaries, codes and the public functions (mutation testing) ------------------------------

from lifecycle.domain.carbon import (  # noqa: E402
    ORIGIN_CATEGORY,
    ORIGIN_MANUFACTURER,
    grid_factor_row,
    refurbishment_shares,
)


def test_stable_reason_and_origin_codes():
    assert (REASON_NO_FACTOR, REASON_NO_LIFETIME, REASON_NO_ENERGY_FACTOR) == ("no_factor", "no_lifetime",
                                                                               "no_energy_factor")
    assert (ORIGIN_CATEGORY, ORIGIN_MANUFACTURER) == ("category", "manufacturer")


def test_refurbishment_shares_are_listed_in_file_order_with_their_sources():
    rows = refurbishment_shares()
    assert [(category, share) for category, share, _source in rows] == [
        ("smartphone", 0.87), ("laptop", 0.73), ("tablet", 0.46), ("desktop", 0.43), ("all_in_one", 0.43),
    ]
    assert all("[S10]" in source for _c, _s, source in rows)
    assert rows[1][2].startswith("ESTIMATE: ADEME Sept. 2022 laptop")
    assert refurbishment_shares() == rows and refurbishment_shares() is not rows


def test_labels_of_a_category_in_both_languages():
    laptop = category_factor("laptop")
    assert (laptop.category, laptop.label_fr, laptop.label_en) == ("laptop", "Ordinateur portable", "Laptop")
    assert laptop.sources.startswith("embodied: ADEME-ACV-NUM 2025 [S1]")
    assert " | energy: [S1] 26.5 W x 3 h/d x 365 d (usage personnel) | lifetime: [S1]" in laptop.sources


def test_load_factors_returns_a_fresh_dict():
    first = load_factors()
    first.pop("laptop")
    assert "laptop" in load_factors()


def test_grid_factor_row_gives_the_version_year_and_its_source():
    assert grid_factor_row(2026) == (2025, 0.0461, "ADEME Base Empreinte, Electricité - mix moyen - consommation [S7]")
    assert grid_factor_row(2023)[:2] == (2023, 0.0580)
    assert grid_factor_row(1990)[0] == 2022


def test_estimate_point_and_around():
    assert Estimate.point(2.5) == Estimate(2.5, 2.5, 2.5, spread_is_default=False)
    around = Estimate.around(100.0)
    assert around.rounded() == Estimate(70.0, 100.0, 130.0, spread_is_default=True)
    assert Estimate.around(10.0, 0.5, 2.0, spread_is_default=False) == Estimate(5.0, 10.0, 20.0, False)


def test_relative_spread():
    assert Estimate(50.0, 100.0, 150.0).relative_spread() == (0.5, 1.5)
    with pytest.raises(ValueError):
        Estimate(0.0, 0.0, 1.0).relative_spread()


def test_scale_by_zero_is_allowed_and_keeps_the_flag():
    assert Estimate(1.0, 2.0, 3.0, True).scale(0) == Estimate(0.0, 0.0, 0.0, True)


def test_arithmetic_keeps_a_default_spread_flag_from_either_side():
    flagged, exact = Estimate(1.0, 1.0, 1.0, True), Estimate(1.0, 1.0, 1.0)
    assert (exact + flagged).spread_is_default and (flagged + exact).spread_is_default
    assert (exact - flagged).spread_is_default and (flagged - exact).spread_is_default
    assert not (exact + exact).spread_is_default and not (exact - exact).spread_is_default
    assert Estimate(1.0, 2.0, 3.0, True).rounded().spread_is_default


def test_adding_something_else_than_an_estimate_is_refused():
    with pytest.raises(TypeError):
        Estimate(1.0, 1.0, 1.0) + 1
    with pytest.raises(TypeError):
        Estimate(1.0, 1.0, 1.0) - 1


def test_rounded_to_other_precisions():
    assert Estimate(1.23456, 2.5, 0.05).rounded(0) == Estimate(1.0, 3.0, 0.0)
    assert Estimate(1.23456, 2.5, 0.05).rounded(3) == Estimate(1.235, 2.5, 0.05)


def test_a_device_drawing_no_power_and_a_zero_carbon_grid_are_valid():
    # 0 kWh (a feature phone) and a zero grid factor: only the embodied term remains, no error
    assert annual_footprint(LAPTOP_EMBODIED, 5, 0.0, GRID_2025).rounded() == Estimate(35.0, 37.02, 57.04)
    assert annual_footprint(LAPTOP_EMBODIED, 5, LAPTOP_KWH, 0.0).rounded() == Estimate(35.0, 37.02, 57.04)
    assert annual_footprint(LAPTOP_EMBODIED, 0.5, 0.0, 0.0).rounded() == Estimate(350.0, 370.18, 570.4)


def test_annual_footprint_refuses_a_negative_grid_factor():
    with pytest.raises(ValueError):
        annual_footprint(LAPTOP_EMBODIED, 5, LAPTOP_KWH, -0.01)
    with pytest.raises(ValueError):
        annual_footprint(LAPTOP_EMBODIED, 5, -0.01, GRID_2025)


def test_a_brand_new_asset_has_emitted_nothing_yet():
    # 0 years in service: nothing consumed, no electricity used; not an error
    assert carbon_to_date(LAPTOP_EMBODIED, LAPTOP_KWH, GRID_2025, 0, 5) == Estimate(0.0, 0.0, 0.0)
    assert carbon_to_date(LAPTOP_EMBODIED, 0.0, 0.0, 5, 5) == LAPTOP_EMBODIED
    # exactly at its lifetime the whole embodied share is consumed
    assert carbon_to_date(LAPTOP_EMBODIED, 0.0, GRID_2025, 5, 5) == LAPTOP_EMBODIED


@pytest.mark.parametrize(("kwh", "grid", "years", "lifetime"), [(-0.01, GRID_2025, 1, 5), (1.0, -0.01, 1, 5),
                                                                   (1.0, GRID_2025, 1, 0), (1.0, GRID_2025, 1, -1)])
def test_carbon_to_date_refuses_impossible_values(kwh, grid, years, lifetime):
    with pytest.raises(ValueError):
        carbon_to_date(LAPTOP_EMBODIED, kwh, grid, years, lifetime)


def test_manufacturer_embodied_boundaries():
    assert manufacturer_embodied(161, 0) == 161  # a published use share of 0: nothing removed
    assert manufacturer_embodied(0.5, None) == 0.5
    for ratio in (1, 1.0):
        with pytest.raises(ValueError):
            manufacturer_embodied(161, ratio)
    with pytest.raises(ValueError):
        manufacturer_embodied(-1, None)


@pytest.mark.parametrize("override", [0.0, -5.0])
def test_a_manufacturer_value_must_be_positive(override):
    with pytest.raises(ValueError):
        product_footprint("laptop", year=2025, embodied_override=override)


def test_a_manufacturer_value_on_a_default_spread_category_keeps_the_flag():
    # feature_phone has the default spread: a manufacturer value borrows it, still flagged
    footprint = product_footprint("feature_phone", year=2025, embodied_override=20.0)
    assert footprint.embodied.rounded() == Estimate(14.0, 20.0, 26.0, spread_is_default=True)
    assert footprint.embodied_origin == ORIGIN_MANUFACTURER
    laptop = product_footprint("laptop", year=2025, embodied_override=185.09)
    assert laptop.embodied.spread_is_default is False
    assert laptop.embodied.rounded() == Estimate(175.0, 185.09, 285.2)


def test_a_manufacturer_value_for_an_unknown_category_gets_the_default_spread():
    footprint = product_footprint("unknown", year=2025, embodied_override=10.0, years_of_service=2,
                                  annual_kwh_override=0.0)
    assert footprint.embodied == Estimate.around(10.0)
    assert footprint.annual.rounded() == Estimate(3.5, 5.0, 6.5, spread_is_default=True)
    assert footprint.grid_factor_year == 2025
    no_lifetime = product_footprint("unknown", year=2025, embodied_override=10.0)
    assert (no_lifetime.reason, no_lifetime.years, no_lifetime.annual) == (REASON_NO_LIFETIME, None, None)


def test_a_footprint_without_lifetime_or_energy_still_records_what_it_knows():
    nas = product_footprint("nas", year=2024)
    assert (nas.reason, nas.annual, nas.annual_kwh, nas.grid_factor, nas.grid_factor_year) == (
        REASON_NO_ENERGY_FACTOR, None, None, 0.0519, 2024)
    assert nas.embodied_origin == ORIGIN_CATEGORY
    assert nas.years == category_factor("nas").default_lifetime_years
    gap = product_footprint("headset", year=2025)
    assert (gap.years, gap.grid_factor, gap.embodied_origin, gap.grid_factor_year) == (None, None, None, None)


def test_a_measured_kwh_of_zero_beats_the_category():
    footprint = product_footprint("laptop", year=2025, annual_kwh_override=0.0)
    assert footprint.annual_kwh == 0.0
    assert footprint.annual.rounded() == Estimate(35.0, 37.02, 57.04)


@pytest.mark.parametrize("years", [0, -1])
def test_refurbished_avoided_per_year_refuses_a_non_positive_lifetime(years):
    with pytest.raises(ValueError):
        refurbished_avoided_per_year("laptop", LAPTOP_EMBODIED, years)


def test_refurbished_avoided_per_year_for_a_category_without_share():
    assert refurbished_avoided_per_year("monitor_24", LAPTOP_EMBODIED, 1) is None


def test_lifetime_extension_of_half_a_year():
    # 1/4 − 1/4.5 = 0.02777… ; 185.09 × 0.02777… = 5.1414 -> 5.14
    assert round(lifetime_extension_saving(LAPTOP_EMBODIED, 4, 4.5).central, 2) == 5.14


def test_reading_a_csv_row_with_an_inconsistent_range_is_refused():
    row = {"category": "x", "embodied_kgco2e": "10", "embodied_low": "12", "embodied_high": "20"}
    with pytest.raises(ValueError, match="carbon_factors.csv: x"):
        carbon._embodied_from_row(row)
    assert carbon._embodied_from_row({**row, "embodied_low": "", "embodied_high": " "}) == Estimate(
        10 * 0.7, 10.0, 10 * 1.3, spread_is_default=True)
    assert carbon._embodied_from_row({**row, "embodied_low": "8", "embodied_high": ""}).rounded() == Estimate(
        8.0, 10.0, 13.0, spread_is_default=True)
    assert carbon._embodied_from_row({**row, "embodied_low": "", "embodied_high": "15"}).rounded() == Estimate(
        7.0, 10.0, 15.0, spread_is_default=True)
    assert carbon._embodied_from_row({**row, "embodied_low": "10", "embodied_high": "10"}) == Estimate(10.0, 10.0, 10.0)
    assert carbon._embodied_from_row({**row, "embodied_kgco2e": ""}) is None


def test_values_between_zero_and_one_are_valid():
    # half a year of lifetime, a manufacturer value under 1 kg: small, not impossible
    assert carbon_to_date(LAPTOP_EMBODIED, 0.0, 0.0, 0.25, 0.5).central == pytest.approx(185.09 / 2)
    assert lifetime_extension_saving(LAPTOP_EMBODIED, 0.5, 1).central == pytest.approx(185.09)
    assert product_footprint("laptop", year=2025, embodied_override=0.5).embodied.central == 0.5


def test_sources_are_joined_with_their_labels():
    row = {"source_embodied": " A ", "source_energy": "B", "source_lifetime": ""}
    assert carbon._sources_from_row(row) == "embodied: A | energy: B"


def test_rounding_to_the_tenth_and_to_the_unit():
    assert Estimate(0.25, 1.5, 2.45).rounded(1) == Estimate(0.3, 1.5, 2.5)
