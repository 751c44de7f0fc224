"""VAT of a document: per-rate rounding, two rates, the half-up boundary, totals (hand-computed)."""
from decimal import Decimal

import pytest

from purchasing.domain.pricing import line_total
from purchasing.domain.vat import VatLine, document_totals

D = Decimal


def test_two_rates_hand_computed():
    # 20 %: 2 × 849.99 = 1 699.98 and 1 × 12.35 -> base 1 712.33, VAT 342.466 -> 342.47
    # 5.5 %: 1 × 3.00 -> base 3.00, VAT 0.165 -> 0.17 (half-up; half-even would give 0.16)
    lines = [VatLine(D("0.2000"), line_total(D("849.99"), 2)), VatLine(D("0.0550"), line_total(D("3.00"), 1)),
             VatLine(D("0.2000"), line_total(D("12.35"), 1))]
    totals = document_totals(lines)
    assert [(b.rate, b.base_ht, b.vat) for b in totals.breakdown] == [
        (D("0.055"), D("3.00"), D("0.17")), (D("0.2"), D("1712.33"), D("342.47"))]
    assert [b.percent for b in totals.breakdown] == [D("5.5"), D("20")]
    assert (totals.total_ht, totals.total_vat, totals.total_ttc) == (D("1715.33"), D("342.64"), D("2057.97"))


def test_vat_is_rounded_once_per_rate_not_per_line():
    # three lines of 0.03 € HT at 20 %: per line 0.006 -> 0.01 each (0.03 in all); per rate 0.09 × 0.2 = 0.018 -> 0.02
    totals = document_totals([VatLine(D("0.20"), D("0.03"))] * 3)
    assert totals.total_vat == D("0.02")
    assert totals.total_ttc == D("0.11")


def test_half_cent_boundary_rounds_up():
    assert document_totals([VatLine(D("0.055"), D("1.00"))]).total_vat == D("0.06")  # 0.055 exactly
    assert document_totals([VatLine(D("0.055"), D("0.90"))]).total_vat == D("0.05")  # 0.0495
    assert document_totals([VatLine(D("0.20"), D("0.02"))]).total_vat == D("0.00")  # 0.004


def test_ht_plus_vat_is_ttc_and_rates_keep_apart():
    totals = document_totals([VatLine(D("0.2000"), D("10.00")), VatLine(D("0.20"), D("5.00")),
                              VatLine(D("0"), D("7.00"))])
    assert [(b.rate, b.base_ht, b.vat) for b in totals.breakdown] == [(D("0"), D("7.00"), D("0.00")),
                                                                      (D("0.2"), D("15.00"), D("3.00"))]
    assert totals.total_ht + totals.total_vat == totals.total_ttc == D("25.00")


def test_empty_document_totals_zero():
    totals = document_totals([])
    assert totals.breakdown == () and totals.total_ttc == D("0.00")


def test_floats_and_impossible_rates_are_refused():
    with pytest.raises(TypeError):
        document_totals([VatLine(0.2, D("1.00"))])
    with pytest.raises(ValueError):
        document_totals([VatLine(D("1.5"), D("1.00"))])
    with pytest.raises(ValueError):
        document_totals([VatLine(D("-0.1"), D("1.00"))])
