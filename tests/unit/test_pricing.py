"""Tier pricing, price breaks, grouped campaigns and the fee transparency table."""

from datetime import date
from decimal import Decimal

import pytest

from purchasing.domain.errors import DomainError, InvalidQuantity, PricingError
from purchasing.domain.pricing import (
    Band,
    BandRedistribution,
    PriceBreak,
    TariffGrid,
    band_for_population,
    campaign_unit_prices,
    fee_redistribution,
    grid_in_force,
    line_total,
    member_unit_price,
    next_break,
    revenue_neutral_flat_rate,
    unit_price_at,
    validate_bands,
    validate_quantity,
)

D = Decimal

SMALL = Band(0, 499, D("0.02"), "moins de 500 habitants")
MEDIUM = Band(500, 1999, D("0.035"), "500 à 1 999 habitants")
LARGE = Band(2000, 9999, D("0.06"), "2 000 à 9 999 habitants")
CITY = Band(10000, None, D("0.12"), "10 000 habitants et plus")
BANDS = (SMALL, MEDIUM, LARGE, CITY)


def grid(bands=BANDS, effective_from=date(2026, 1, 1), ref="Délibération 2025-42 du 12/12/2025"):
    return TariffGrid(bands=bands, effective_from=effective_from, deliberation_ref=ref)


# --- bands ------------------------------------------------------------------------------------


def test_validate_bands_sorts_a_valid_grid():
    assert validate_bands((CITY, SMALL, LARGE, MEDIUM)) == BANDS


def test_tariff_grid_stores_sorted_bands():
    assert grid(bands=(CITY, MEDIUM, SMALL, LARGE)).bands == BANDS


@pytest.mark.parametrize(
    ("bands", "fragment"),
    [
        ((), "aucune tranche"),
        ((Band(1, 499, D("0.02"), "a"), Band(500, None, D("0.03"), "b")), "commencer à 0"),
        ((Band(0, 499, D("0.02"), "a"), Band(600, None, D("0.03"), "b")), "trou"),
        ((Band(0, 499, D("0.02"), "a"), Band(400, None, D("0.03"), "b")), "chevauchent"),
        ((Band(0, 499, D("0.02"), "a"), Band(500, 999, D("0.03"), "b")), "sans plafond"),
        ((Band(0, None, D("0.02"), "a"), Band(500, None, D("0.03"), "b")), "seule la dernière"),
        ((Band(0, None, D("1"), "a"),), "moins de 100 %"),
        ((Band(0, None, D("-0.01"), "a"),), "moins de 100 %"),
        ((Band(0, None, 0.05, "a"),), "nombre décimal"),  # a float rate is refused
        ((Band(0, 10, D("0.02"), "a"), Band(5, 3, D("0.02"), "b"), Band(11, None, D("0.02"), "c")), "inférieure"),
    ],
)
def test_validate_bands_refuses_invalid_grids(bands, fragment):
    with pytest.raises(PricingError) as excinfo:
        validate_bands(bands)
    assert fragment in excinfo.value.message
    assert excinfo.value.code == "invalid_tariff_grid"


def test_validate_bands_lists_every_problem():
    bands = (Band(10, 499, D("1.5"), "a"), Band(600, 999, D("0.02"), "b"))
    with pytest.raises(PricingError) as excinfo:
        validate_bands(bands)
    # rate out of range, not starting at 0, gap 500..599, last band capped: 4 problems
    assert len(excinfo.value.details["problems"]) == 4


def test_zero_rate_is_allowed():
    validate_bands((Band(0, None, D("0"), "gratuit"),))


def test_grid_needs_a_deliberation():
    with pytest.raises(PricingError, match="délibération"):
        grid(ref="  ")


@pytest.mark.parametrize(
    ("population", "band"),
    [(0, SMALL), (499, SMALL), (500, MEDIUM), (1999, MEDIUM), (2000, LARGE), (9999, LARGE), (10000, CITY), (2_000_000, CITY)],
)
def test_band_for_population_at_the_edges(population, band):
    assert band_for_population(grid(), population) == band
    assert band_for_population(BANDS, population) == band


@pytest.mark.parametrize("population", [-1, True, "500", None, 12.0])
def test_band_for_population_refuses_bad_population(population):
    with pytest.raises(PricingError):
        band_for_population(grid(), population)


def test_grid_in_force_takes_the_latest_effective_grid():
    old = grid(effective_from=date(2024, 1, 1), ref="D-2023-10")
    new = grid(effective_from=date(2026, 1, 1), ref="D-2025-42")
    assert grid_in_force([new, old], date(2025, 12, 31)) is old
    assert grid_in_force([new, old], date(2026, 1, 1)) is new
    with pytest.raises(PricingError):
        grid_in_force([new, old], date(2023, 12, 31))


# --- member price -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offer", "rate", "expected"),
    [
        ("999.99", "0.035", "1034.99"),  # 999.99 × 1.035 = 1034.98965 -> 1034.99
        ("1199.00", "0.12", "1342.88"),  # 1 199,00 × 1.12 = 1342.8800
        ("100.00", "0.02", "102.00"),
        ("0.05", "0.10", "0.06"),  # 0.055 -> 0.06
        ("0.15", "0.10", "0.17"),  # 0.165 -> 0.17 half-up; banker's rounding would give 0.16
        ("0.25", "0.02", "0.26"),  # 0.255 -> 0.26 (not truncated to 0.25)
        ("500.00", "0", "500.00"),
    ],
)
def test_member_unit_price_rounds_half_up(offer, rate, expected):
    assert member_unit_price(D(offer), D(rate)) == D(expected)


@pytest.mark.parametrize(
    ("offer", "rate"),
    [(D("-1"), D("0.02")), (D("10"), D("1")), (D("10"), D("-0.1")), (10.0, D("0.02")), (D("10"), 0.02), (D("NaN"), D("0"))],
)
def test_member_unit_price_refuses_bad_input(offer, rate):
    with pytest.raises(PricingError):
        member_unit_price(offer, rate)


# --- quantities -------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [(1, 1), ("3", 3), (" 12 ", 12), (D("4"), 4), (10_000, 10_000)])
def test_validate_quantity_accepts_positive_integers(raw, expected):
    assert validate_quantity(raw) == expected
    assert type(validate_quantity(raw)) is int


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        (0, "supérieure à zéro"),
        ("0", "supérieure à zéro"),
        (-1, "supérieure à zéro"),
        ("-2", "supérieure à zéro"),
        ("2.5", "nombre entier"),
        ("2,5", "nombre entier"),
        (2.5, "nombre entier"),
        (2.0, "nombre entier"),  # floats never pass, even integral ones
        (True, "nombre entier"),
        (False, "nombre entier"),
        (None, "nombre entier"),
        ("abc", "nombre entier"),
        ("", "nombre entier"),
        ("1e3", "nombre entier"),
        ("--3", "nombre entier"),
        ("٣", "nombre entier"),  # Arabic-Indic digit three
        (D("2.5"), "nombre entier"),
        (D("NaN"), "nombre entier"),
        ([1], "nombre entier"),
        (10_001, "maximum"),
        ("999999999999", "maximum"),
    ],
)
def test_validate_quantity_refuses(raw, fragment):
    with pytest.raises(InvalidQuantity) as excinfo:
        validate_quantity(raw)
    assert fragment in excinfo.value.message
    assert excinfo.value.code == "invalid_quantity"
    assert isinstance(excinfo.value, DomainError)


def test_validate_quantity_custom_and_no_ceiling():
    with pytest.raises(InvalidQuantity):
        validate_quantity(11, max_quantity=10)
    assert validate_quantity(50_000, max_quantity=None) == 50_000


def test_line_total():
    assert line_total(D("1034.99"), 3) == D("3104.97")
    assert line_total(D("0.333"), 3) == D("1.00")  # 0.999 -> 1.00
    with pytest.raises(InvalidQuantity):
        line_total(D("10"), 0)


# --- price breaks -----------------------------------------------------------------------------

BREAKS = (PriceBreak(200, D("720.00")), PriceBreak(1, D("800.00")), PriceBreak(50, D("760.00")))


@pytest.mark.parametrize(
    ("quantity", "price"),
    [(1, "800.00"), (49, "800.00"), (50, "760.00"), (199, "760.00"), (200, "720.00"), (5000, "720.00")],
)
def test_unit_price_at_takes_highest_reached_break(quantity, price):
    assert unit_price_at(BREAKS, quantity) == D(price)


def test_unit_price_without_base_break_is_an_error():
    with pytest.raises(PricingError) as excinfo:
        unit_price_at((PriceBreak(10, D("5.00")),), 9)
    assert excinfo.value.code == "no_price_break"
    assert unit_price_at((PriceBreak(10, D("5.00")),), 10) == D("5.00")


def test_duplicate_breaks_are_refused():
    with pytest.raises(PricingError):
        unit_price_at((PriceBreak(1, D("5")), PriceBreak(1, D("4"))), 3)


@pytest.mark.parametrize(("min_quantity", "price"), [(0, D("1")), (1, D("-1")), (1, 1.5)])
def test_price_break_validation(min_quantity, price):
    with pytest.raises((PricingError, InvalidQuantity)):
        PriceBreak(min_quantity, price)


def test_next_break():
    assert next_break(BREAKS, 1) == PriceBreak(50, D("760.00"))
    assert next_break(BREAKS, 49) == PriceBreak(50, D("760.00"))
    assert next_break(BREAKS, 50) == PriceBreak(200, D("720.00"))
    assert next_break(BREAKS, 200) is None


# --- grouped campaign -------------------------------------------------------------------------


def test_campaign_crossing_a_break_lowers_every_participants_price():
    rates = {"Saint-Aubin": SMALL.fee_rate, "Montcourt": MEDIUM.fee_rate, "Villeneuve": CITY.fee_rate}
    # Saint-Aubin 20 + Montcourt 25 = 45 units: base price 800.00
    without_villeneuve = campaign_unit_prices(BREAKS, 45, {k: rates[k] for k in ("Saint-Aubin", "Montcourt")})
    assert without_villeneuve == {"Saint-Aubin": D("816.00"), "Montcourt": D("828.00")}  # 800×1.02, 800×1.035
    # Villeneuve commits 8 more: 53 units >= 50, the 760.00 break applies to everyone
    prices = campaign_unit_prices(BREAKS, 53, rates)
    assert prices == {
        "Saint-Aubin": D("775.20"),  # 760 × 1.02
        "Montcourt": D("786.60"),  # 760 × 1.035
        "Villeneuve": D("851.20"),  # 760 × 1.12, instead of 896.00 (800 × 1.12) alone
    }
    for participant, price in without_villeneuve.items():
        assert prices[participant] < price
    assert prices["Villeneuve"] < member_unit_price(unit_price_at(BREAKS, 8), CITY.fee_rate)


def test_campaign_with_nothing_committed_is_refused():
    with pytest.raises(InvalidQuantity):
        campaign_unit_prices(BREAKS, 0, {"A": D("0.02")})


# --- transparency -----------------------------------------------------------------------------

ROWS = [
    ("moins de 500 habitants", D("100000.00"), D("0.02")),  # fees 2 000.00
    ("500 à 1 999 habitants", D("200000.00"), D("0.035")),  # fees 7 000.00
    ("10 000 habitants et plus", D("300000.00"), D("0.12")),  # fees 36 000.00
]


def test_revenue_neutral_flat_rate():
    # 45 000 / 600 000 = 0.075
    assert revenue_neutral_flat_rate(ROWS) == D("0.0750")


def test_revenue_neutral_flat_rate_rounds_to_4_places_half_up():
    # fees 1 / base 3 = 0.33333… -> 0.3333
    assert revenue_neutral_flat_rate([("a", D("1"), D("0")), ("b", D("2"), D("0.5"))]) == D("0.3333")
    # 0.5 / 10 000 = 0.00005 -> 0.0001 half-up (banker's rounding would give 0.0000)
    assert revenue_neutral_flat_rate([("a", D("10000"), D("0.00005"))]) == D("0.0001")


def test_revenue_neutral_flat_rate_without_purchases():
    with pytest.raises(PricingError):
        revenue_neutral_flat_rate([])


def test_fee_redistribution_per_band():
    result = fee_redistribution(ROWS, D("0.075"))
    assert result == [
        # paid 2 000, at 7.5 %: 7 500 -> the small communes pay 5 500 less
        BandRedistribution("moins de 500 habitants", D("100000.00"), D("2000.00"), D("7500.00"), D("-5500.00")),
        BandRedistribution("500 à 1 999 habitants", D("200000.00"), D("7000.00"), D("15000.00"), D("-8000.00")),
        BandRedistribution("10 000 habitants et plus", D("300000.00"), D("36000.00"), D("22500.00"), D("13500.00")),
    ]
    # at the revenue-neutral rate, the differences cancel out
    assert sum(row.difference_ht for row in result) == 0


def test_fee_redistribution_sums_rows_of_the_same_band():
    rows = [("a", D("50000"), D("0.02")), ("b", D("10"), D("0")), ("a", D("50000"), D("0.025"))]
    first = fee_redistribution(rows, D("0.03"))[0]
    # base 100 000; fees 1 000 + 1 250 = 2 250; flat 3 000; difference -750
    assert first == BandRedistribution("a", D("100000.00"), D("2250.00"), D("3000.00"), D("-750.00"))


def test_fee_redistribution_refuses_floats():
    with pytest.raises(PricingError):
        fee_redistribution([("a", 100.0, D("0.02"))], D("0.02"))


# --- boundaries, stable codes and details (mutation testing) ---------------------------------


def problems_of(bands):
    with pytest.raises(PricingError) as excinfo:
        validate_bands(bands)
    assert excinfo.value.code == "invalid_tariff_grid"
    assert excinfo.value.message.startswith("La grille tarifaire n'est pas valide : ")
    return excinfo.value.details["problems"]


def test_an_empty_grid_names_its_one_problem():
    assert problems_of(()) == ["la grille ne contient aucune tranche"]


def test_every_problem_is_listed_even_after_an_unbounded_band():
    # two unbounded bands before a capped last one: the check goes on after the first problem
    bands = (Band(0, None, D("0.02"), "a"), Band(500, None, D("0.03"), "b"), Band(1000, 1999, D("0.04"), "c"))
    assert problems_of(bands) == [
        "seule la dernière tranche peut être sans plafond (« a »)",
        "seule la dernière tranche peut être sans plafond (« b »)",
        "la dernière tranche (« c ») doit être sans plafond",
    ]


def test_problems_name_the_band_and_the_gap():
    bands = (Band(10, 499, D("1.5"), "a"), Band(600, 999, D("0.02"), "b"))
    assert problems_of(bands) == [
        "tranche « a » : le taux doit être compris entre 0 % et moins de 100 %",
        "la première tranche doit commencer à 0 habitant, pas 10",
        "trou entre « a » et « b » (500 à 599 habitants)",
        "la dernière tranche (« b ») doit être sans plafond",
    ]


def test_overlap_and_inverted_band_are_named():
    assert problems_of((Band(0, 499, D("0.02"), "a"), Band(499, None, D("0.03"), "b"))) == [
        "les tranches « a » et « b » se chevauchent"
    ]
    assert problems_of((Band(0, 10, D("0.02"), "a"), Band(11, 10, D("0.02"), "b"), Band(11, None, D("0"), "c")))[0] == (
        "tranche « b » : la population maximale est inférieure à la minimale"
    )
    assert problems_of((Band(0, None, D("NaN"), "a"),)) == ["tranche « a » : le taux doit être un nombre décimal"]


def test_a_band_of_a_single_population_value_is_valid():
    bands = (Band(0, 0, D("0"), "aucun habitant"), Band(1, None, D("0.02"), "au moins un"))
    assert validate_bands(bands) == bands
    assert band_for_population(bands, 0).label == "aucun habitant"
    assert band_for_population(bands, 1).label == "au moins un"


def test_bands_that_touch_exactly_are_valid_and_rates_just_under_100_percent_too():
    validate_bands((Band(0, 499, D("0.9999"), "a"), Band(500, None, D("0"), "b")))


def test_the_grid_validation_message_lists_the_problems():
    with pytest.raises(PricingError) as excinfo:
        validate_bands((Band(0, 499, D("0.02"), "a"),))
    assert excinfo.value.message == (
        "La grille tarifaire n'est pas valide : la dernière tranche (« a ») doit être sans plafond."
    )


def test_a_grid_without_deliberation_has_the_grid_code():
    with pytest.raises(PricingError) as excinfo:
        grid(ref="")
    assert excinfo.value.code == "invalid_tariff_grid"


def test_no_grid_in_force_has_its_code_and_date():
    with pytest.raises(PricingError) as excinfo:
        grid_in_force([grid(effective_from=date(2026, 1, 1))], date(2025, 12, 31))
    assert excinfo.value.code == "no_tariff_grid"
    assert "31/12/2025" in excinfo.value.message
    with pytest.raises(PricingError):
        grid_in_force([], date(2026, 1, 1))


def test_grid_in_force_on_its_first_day_and_the_latest_of_several():
    grids = [grid(effective_from=date(2024, 1, 1), ref="a"), grid(effective_from=date(2025, 6, 1), ref="b"),
             grid(effective_from=date(2026, 1, 1), ref="c")]
    assert grid_in_force(grids, date(2025, 6, 1)).deliberation_ref == "b"
    assert grid_in_force(grids, date(2025, 5, 31)).deliberation_ref == "a"
    assert grid_in_force(grids, date(2030, 1, 1)).deliberation_ref == "c"


@pytest.mark.parametrize("population", [-1, True, "500", None, 12.0])
def test_bad_population_has_its_code_and_details(population):
    with pytest.raises(PricingError) as excinfo:
        band_for_population(grid(), population)
    assert excinfo.value.code == "invalid_population"
    assert excinfo.value.details == {"population": repr(population)}


def test_band_for_population_validates_loose_bands():
    with pytest.raises(PricingError) as excinfo:
        band_for_population((SMALL, LARGE, CITY), 100)
    assert excinfo.value.code == "invalid_tariff_grid"


@pytest.mark.parametrize(
    ("offer", "rate", "code"),
    [
        (D("-0.01"), D("0.02"), "negative_price"),
        (D("10"), D("1"), "invalid_fee_rate"),
        (D("10"), D("-0.0001"), "invalid_fee_rate"),
        (10.0, D("0.02"), "invalid_amount"),
        (D("10"), 0.02, "invalid_amount"),
        (D("NaN"), D("0"), "invalid_amount"),
        (D("10"), D("Infinity"), "invalid_amount"),
    ],
)
def test_member_unit_price_refusals_have_stable_codes(offer, rate, code):
    with pytest.raises(PricingError) as excinfo:
        member_unit_price(offer, rate)
    assert excinfo.value.code == code


def test_member_unit_price_of_a_free_item_and_just_under_100_percent():
    assert member_unit_price(D("0"), D("0.12")) == D("0.00")
    assert member_unit_price(D("100"), D("0.9999")) == D("199.99")


def test_quantity_refusals_carry_the_value_and_the_ceiling():
    with pytest.raises(InvalidQuantity) as excinfo:
        validate_quantity("10001")
    assert excinfo.value.details == {"value": "'10001'", "max_quantity": 10_000}
    assert excinfo.value.message == "La quantité 10001 dépasse le maximum autorisé (10000)."
    with pytest.raises(InvalidQuantity) as excinfo:
        validate_quantity(0, max_quantity=None)
    assert excinfo.value.details == {"value": "0", "max_quantity": None}


@pytest.mark.parametrize(("raw", "expected"), [(1, 1), ("1", 1), (D("1"), 1), (D("10000"), 10_000), ("-0", None)])
def test_quantity_boundaries(raw, expected):
    if expected is None:
        with pytest.raises(InvalidQuantity, match="supérieure à zéro"):
            validate_quantity(raw)
    else:
        assert validate_quantity(raw) == expected


def test_the_default_ceiling_is_10000_units_per_line():
    assert validate_quantity(10_000) == 10_000
    with pytest.raises(InvalidQuantity, match="maximum"):
        validate_quantity(10_001)
    assert validate_quantity(10_001, max_quantity=10_001) == 10_001
    assert validate_quantity(5, max_quantity=5) == 5


@pytest.mark.parametrize("raw", ["-3", -3, D("-3")])
def test_negative_quantities_are_below_zero_not_malformed(raw):
    with pytest.raises(InvalidQuantity) as excinfo:
        validate_quantity(raw)
    assert excinfo.value.message == "La quantité doit être supérieure à zéro."


def test_totals_and_prices_have_no_per_line_ceiling():
    # the 10 000-unit cap is per order line; a campaign's total and a line total are not capped
    assert line_total(D("1.00"), 10_001) == D("10001.00")
    assert unit_price_at(BREAKS, 25_000) == D("720.00")
    assert next_break(BREAKS, 10_001) is None
    assert next_break((PriceBreak(1, D("2")), PriceBreak(20_000, D("1"))), 10_001) == PriceBreak(20_000, D("1"))
    assert campaign_unit_prices(BREAKS, 12_000, {"A": D("0.02")}) == {"A": D("734.40")}  # 720 × 1.02


def test_line_total_refuses_a_float_price():
    with pytest.raises(PricingError) as excinfo:
        line_total(1.5, 2)
    assert excinfo.value.code == "invalid_amount"


def test_no_price_break_has_its_code_and_quantity():
    with pytest.raises(PricingError) as excinfo:
        unit_price_at((PriceBreak(10, D("5.00")),), 9)
    assert excinfo.value.details == {"quantity": 9}
    assert "9" in excinfo.value.message


def test_duplicate_breaks_have_their_code():
    with pytest.raises(PricingError) as excinfo:
        next_break((PriceBreak(5, D("5")), PriceBreak(5, D("4"))), 1)
    assert excinfo.value.code == "duplicate_price_break"


def test_a_free_price_break_is_allowed_a_negative_one_is_not():
    assert PriceBreak(1, D("0")).unit_price_ht == D("0")
    with pytest.raises(PricingError) as excinfo:
        PriceBreak(1, D("-0.01"))
    assert excinfo.value.code == "negative_price"
    with pytest.raises(InvalidQuantity):
        PriceBreak(0, D("1"))


def test_campaign_price_exactly_at_a_break_and_one_under():
    assert campaign_unit_prices(BREAKS, 50, {"A": D("0")}) == {"A": D("760.00")}
    assert campaign_unit_prices(BREAKS, 49, {"A": D("0")}) == {"A": D("800.00")}
    assert campaign_unit_prices(BREAKS, 1, {}) == {}


def test_flat_rate_without_any_base_amount_has_its_code():
    with pytest.raises(PricingError) as excinfo:
        revenue_neutral_flat_rate([("a", D("0"), D("0.02"))])
    assert excinfo.value.code == "no_purchases"
    with pytest.raises(PricingError) as excinfo:
        revenue_neutral_flat_rate([("a", D("0.01"), 0.02)])
    assert excinfo.value.code == "invalid_amount"
    assert revenue_neutral_flat_rate([("a", D("0.01"), D("0.02"))]) == D("0.0200")


def test_fee_redistribution_refusals_have_the_amount_code():
    for rows, flat in (([("a", 100.0, D("0.02"))], D("0.02")), ([("a", D("100"), 0.02)], D("0.02")), ([], 0.02)):
        with pytest.raises(PricingError) as excinfo:
            fee_redistribution(rows, flat)
        assert excinfo.value.code == "invalid_amount"


def test_fee_redistribution_rounds_each_column_to_the_cent():
    [row] = fee_redistribution([("a", D("0.333"), D("0.5"))], D("0.25"))
    # base 0.333 -> 0.33; fees 0.1665 -> 0.17; flat 0.08325 -> 0.08; difference 0.09
    assert row == BandRedistribution("a", D("0.33"), D("0.17"), D("0.08"), D("0.09"))
    assert fee_redistribution([], D("0.02")) == []


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: member_unit_price(1.0, D("0.02")), "Le prix unitaire doit être un nombre décimal."),
        (lambda: member_unit_price(D("1"), 0.02), "Le taux de frais doit être un nombre décimal."),
        (lambda: line_total(1.0, 1), "Le prix unitaire doit être un nombre décimal."),
        (lambda: PriceBreak(1, 1.0), "Le prix unitaire doit être un nombre décimal."),
        (lambda: fee_redistribution([], 0.02), "Le taux forfaitaire doit être un nombre décimal."),
        (lambda: fee_redistribution([("a", 1.0, D("0"))], D("0")), "Le montant de base doit être un nombre décimal."),
        (lambda: fee_redistribution([("a", D("1"), 0.0)], D("0")), "Le taux de frais doit être un nombre décimal."),
        (lambda: revenue_neutral_flat_rate([("a", 1.0, D("0"))]), "Le montant de base doit être un nombre décimal."),
        (lambda: revenue_neutral_flat_rate([("a", D("1"), 0.0)]), "Le taux de frais doit être un nombre décimal."),
    ],
)
def test_amount_refusals_name_the_amount(call, message):
    with pytest.raises(PricingError) as excinfo:
        call()
    assert excinfo.value.message == message
    assert excinfo.value.code == "invalid_amount"


@pytest.mark.parametrize("raw", ["abc", 2.5, None])
def test_malformed_quantities_carry_their_details(raw):
    with pytest.raises(InvalidQuantity) as excinfo:
        validate_quantity(raw)
    assert excinfo.value.details == {"value": repr(raw), "max_quantity": 10_000}


def test_a_band_contains_its_bounds_only():
    band = Band(500, 999, D("0.03"), "b")
    assert [band.contains(p) for p in (499, 500, 999, 1000)] == [False, True, True, False]
    assert Band(10000, None, D("0.1"), "c").contains(10**9) and not Band(10000, None, D("0.1"), "c").contains(9999)
