"""Unit tests of the durability score and cost per year of service (lifecycle/domain/durability.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lifecycle.domain import durability
from lifecycle.domain.durability import (
    ELECTRICITY_PRICE_EUR_PER_KWH_HT,
    FORMULA_EN,
    FORMULA_FR,
    cost_per_year_of_service,
    durability_score,
)




def test_formula_is_documented_for_the_help_page():
    assert "40 × min(L / 8, 1)" in durability.__doc__
    assert "indice non communiqué" in FORMULA_FR
    assert "8 ans" in FORMULA_FR and "5 ans" in FORMULA_FR and "10 points" in FORMULA_FR
    assert "index not published" in FORMULA_EN


# --- durability score ---------------------------------------------------------------------------


def test_new_laptop_with_known_index():
    # lifetime 5/8 × 40 = 25 ; warranty 3/5 × 20 = 12 ; index 8.2/10 × 30 = 24.6 ; new = 0 -> 61.6 -> 62
    score = durability_score(5, 3, 8.2, False)
    assert score.total == 62
    assert score.parts["lifetime"] == pytest.approx(25.0)
    assert score.parts["warranty"] == pytest.approx(12.0)
    assert score.parts["repairability"] == pytest.approx(24.6)
    assert score.parts["refurbished"] == 0
    assert score.index_known is True
    assert score.flags == ()


def test_refurbished_laptop_without_index_is_flagged():
    # lifetime 4/8 × 40 = 20 ; warranty 1/5 × 20 = 4 ; index unknown = 0 ; refurbished = 10 -> 34
    score = durability_score(4, 1, None, True)
    assert score.total == 34
    assert score.parts["repairability"] == 0
    assert score.parts["refurbished"] == 10
    assert score.index_known is False
    assert "indice non communiqué" in score.flags


def test_lifetime_and_warranty_are_capped():
    # 10 y > 8 y -> 40 ; 6 y > 5 y -> 20 ; index 10 -> 30 ; refurbished 10 -> 100
    assert durability_score(10, 6, 10, True).total == 100
    assert durability_score(8, 5, 10, True).total == 100


def test_nothing_scores_zero():
    score = durability_score(0, 0, 0, False)
    assert score.total == 0
    assert score.index_known is True


def test_total_is_rounded_half_up():
    # lifetime 0.5/8 × 40 = 2.5 -> 3 (banker's rounding would give 2) ; + refurbished 10 -> 12.5 -> 13
    assert durability_score(0.5, 0, None, False).total == 3
    assert durability_score(0.5, 0, None, True).total == 13


@pytest.mark.parametrize(
    ("lifetime", "warranty", "index"), [(-1, 2, 5.0), (5, -1, 5.0), (5, 2, 10.5), (5, 2, -0.1)]
)
def test_durability_score_refuses_impossible_inputs(lifetime, warranty, index):
    with pytest.raises(ValueError):
        durability_score(lifetime, warranty, index, False)


# --- cost per year of service -------------------------------------------------------------------


def test_default_electricity_price_is_a_decimal():
    assert isinstance(ELECTRICITY_PRICE_EUR_PER_KWH_HT, Decimal)
    assert Decimal("0.10") <= ELECTRICITY_PRICE_EUR_PER_KWH_HT <= Decimal("0.40")


def test_laptop_cost_per_year():
    # 899.00 / 5 = 179.80 ; 29.02 kWh × 0.20 = 5.804 ; 185.604 -> 185.60
    assert cost_per_year_of_service(Decimal("899.00"), 5, 29.02, Decimal("0.20")) == Decimal("185.60")


def test_cost_uses_the_default_electricity_price():
    # 1000 / 4 = 250 ; 100 kWh × 0.20 = 20 ; 270.00
    assert cost_per_year_of_service(Decimal("1000"), 4, 100) == Decimal("270.00")


def test_cost_is_rounded_half_up_to_the_cent():
    # 10.01 / 2 = 5.005 -> 5.01 (banker's rounding would give 5.00)
    assert cost_per_year_of_service(Decimal("10.01"), 2, 0, Decimal("0.20")) == Decimal("5.01")


def test_float_kwh_goes_through_its_decimal_text():
    # 2.675 kWh × 1.00 €/kWh = 2.675 -> 2.68 ; Decimal(2.675) would be 2.67499999... -> 2.67
    assert cost_per_year_of_service(Decimal("0"), 1, 2.675, Decimal("1.00")) == Decimal("2.68")


def test_cost_refuses_a_float_price():
    with pytest.raises(TypeError):
        cost_per_year_of_service(899.0, 5, 29.02, Decimal("0.20"))


def test_cost_refuses_a_zero_lifetime():
    with pytest.raises(ValueError):
        cost_per_year_of_service(Decimal("899.00"), 0, 29.02, Decimal("0.20"))


# --- boundaries (mutation testing) --------------------------------------------------------------


def test_each_part_at_its_full_marks_boundary():
    score = durability_score(8, 5, 10, True)
    assert score.parts == {"lifetime": 40.0, "warranty": 20.0, "repairability": 30.0, "refurbished": 10.0}
    # just under the caps: pro rata
    assert durability_score(7, 0, None, False).parts["lifetime"] == pytest.approx(35.0)
    assert durability_score(0, 4, None, False).parts["warranty"] == pytest.approx(16.0)
    assert durability_score(0, 0, 1, False).parts["repairability"] == pytest.approx(3.0)


@pytest.mark.parametrize("index", [0, 10, 0.0, 10.0])
def test_index_of_0_and_10_are_valid(index):
    assert durability_score(0, 0, index, False).index_known is True


def test_a_score_just_under_half_rounds_down():
    # 0.49/8 × 40 = 2.45 -> 2
    assert durability_score(0.49, 0, None, False).total == 2


@pytest.mark.parametrize(("price", "kwh", "electricity"), [(Decimal("-0.01"), 1, Decimal("0.2")),
                                                           (Decimal("1"), -0.01, Decimal("0.2")),
                                                           (Decimal("1"), 1, Decimal("-0.01"))])
def test_cost_refuses_negative_inputs(price, kwh, electricity):
    with pytest.raises(ValueError):
        cost_per_year_of_service(price, 5, kwh, electricity)


def test_cost_refuses_a_float_electricity_price_and_a_negative_lifetime():
    with pytest.raises(TypeError):
        cost_per_year_of_service(Decimal("899"), 5, 29.02, 0.2)
    with pytest.raises(ValueError):
        cost_per_year_of_service(Decimal("899"), -1, 29.02, Decimal("0.20"))


def test_cost_of_a_free_device_drawing_no_power_is_zero():
    assert cost_per_year_of_service(Decimal("0"), 0.5, Decimal("0"), Decimal("0")) == Decimal("0.00")
    # Decimal lifetime and kWh are used as they are: 100 / 0.5 = 200 ; 1.5 × 0.20 = 0.30
    assert cost_per_year_of_service(Decimal("100"), Decimal("0.5"), Decimal("1.5")) == Decimal("200.30")
