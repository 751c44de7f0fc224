"""Unit tests of the dated regulatory targets (lifecycle/domain/targets.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from lifecycle.domain import targets
from lifecycle.domain.targets import (
    RETIRED_REUSE_RULES,
    REUSE_PURCHASE_RULES,
    retired_reuse_target,
    retired_reuse_target_source,
    reuse_purchase_target,
    reuse_purchase_target_source,
    rule_in_force,
)




@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2021, "0.20"),
        (2024, "0.20"),
        (2026, "0.20"),
        (2027, "0.25"),
        (2029, "0.25"),
        (2030, "0.30"),
        (2035, "0.30"),
    ],
)
def test_reuse_purchase_target(year, expected):
    target = reuse_purchase_target(year)
    assert isinstance(target, Decimal)
    assert target == Decimal(expected)


def test_no_reuse_purchase_target_before_the_agec_decree():
    with pytest.raises(ValueError):
        reuse_purchase_target(2020)


def test_reuse_purchase_target_names_its_legal_text():
    assert "2021-254" in reuse_purchase_target_source(2022)
    assert "2024-134" in reuse_purchase_target_source(2025)
    assert "2024-134" in reuse_purchase_target_source(2027)
    assert "AGEC art. 58" in reuse_purchase_target_source(2030)


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2023, Decimal("0.25")), (2024, Decimal("0.35")), (2025, Decimal("0.50")), (2031, Decimal("0.50"))],
)
def test_retired_reuse_target(year, expected):
    assert retired_reuse_target(year) == expected


def test_no_retired_reuse_target_before_2023():
    assert retired_reuse_target(2022) is None
    assert retired_reuse_target_source(2022) is None


def test_retired_reuse_target_names_its_legal_text():
    assert "2023-266" in retired_reuse_target_source(2025)
    assert "REEN art. 16" in retired_reuse_target_source(2025)


@pytest.mark.parametrize("rules", [REUSE_PURCHASE_RULES, RETIRED_REUSE_RULES])
def test_rules_are_dated_sourced_and_in_order(rules):
    dates = [effective_from for effective_from, _rate, _source in rules]
    assert dates == sorted(dates)
    assert all(isinstance(d, date) for d in dates)
    assert all(isinstance(rate, Decimal) and 0 < rate <= 1 for _d, rate, _s in rules)
    assert all(source.strip() for _d, _r, source in rules)


def test_rule_in_force_on_a_date():
    # 2024-07-01: rules effective 2021-01-01 and 2025-01-01 -> the 2021 rule still applies
    assert rule_in_force(REUSE_PURCHASE_RULES, date(2024, 7, 1))[0] == date(2021, 1, 1)
    assert rule_in_force(REUSE_PURCHASE_RULES, date(2030, 1, 1))[1] == Decimal("0.30")
    assert rule_in_force(RETIRED_REUSE_RULES, date(2022, 12, 31)) is None


def test_a_year_takes_the_rule_in_force_on_its_1_january(monkeypatch):
    # a rule taking effect on 2 January (or mid-year) counts from the next full year, for both obligations
    later = (date(2031, 1, 2), Decimal("0.40"), "décret fictif du 2 janvier 2031")
    monkeypatch.setattr(targets, "REUSE_PURCHASE_RULES", (*REUSE_PURCHASE_RULES, later))
    monkeypatch.setattr(targets, "RETIRED_REUSE_RULES", (*RETIRED_REUSE_RULES, later))
    assert reuse_purchase_target(2031) == Decimal("0.30")
    assert reuse_purchase_target(2032) == Decimal("0.40")
    assert "2031" not in reuse_purchase_target_source(2031) and "2 janvier 2031" in reuse_purchase_target_source(2032)
    assert retired_reuse_target(2031) == Decimal("0.50")
    assert retired_reuse_target(2032) == Decimal("0.40")
    assert "2 janvier 2031" not in retired_reuse_target_source(2031)
    assert retired_reuse_target_source(2032) == "décret fictif du 2 janvier 2031"


def test_the_trajectory_lists_every_step_of_both_obligations_in_order():
    from lifecycle.domain.targets import trajectory

    steps = trajectory()
    assert [(k, y, str(r)) for k, y, r, _s in steps] == [
        ("purchases", 2021, "0.20"), ("purchases", 2025, "0.20"), ("purchases", 2027, "0.25"),
        ("purchases", 2030, "0.30"), ("retired", 2023, "0.25"), ("retired", 2024, "0.35"), ("retired", 2025, "0.50")]
    assert all("décret" in source for _k, _y, _r, source in steps)
