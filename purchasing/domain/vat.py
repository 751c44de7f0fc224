"""VAT of a document (purchase order): one breakdown per rate, then the totals HT / TVA / TTC.

The rounding rule, the same on the printed purchase order, its PDF and its Order-X XML:

1. each line HT is rounded half-up to the cent (quantity × unit price HT, ``pricing.line_total``);
2. per VAT rate, the base is the sum of the rounded line amounts HT at that rate, and the VAT of the rate is
   that base × rate, rounded half-up to the cent (once per rate, never per line: CGI art. 242 nonies A asks
   the tax "par taux", and EN 16931 rule BR-CO-17 / the Order-X ``ApplicableTradeTax`` carry one
   ``CalculatedAmount`` per rate computed on its ``BasisAmount``);
3. total HT = sum of the bases, total VAT = sum of the per-rate VAT, total TTC = total HT + total VAT
   (no further rounding: everything is already in cents, so HT + TVA = TTC exactly on every document).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from .money import round_cents


@dataclass(frozen=True)
class VatLine:
    """What the VAT computation needs of a line: its rate (0.2000 = 20 %) and its rounded amount HT."""

    rate: Decimal
    amount_ht: Decimal


def rate_percent(rate: Decimal) -> Decimal:
    """A rate as a percentage (0.2000 -> 20, 0.055 -> 5.5), as shown and as Order-X's ``RateApplicablePercent``."""
    if not rate:
        return Decimal("0")
    percent = (rate * 100).normalize()
    # normalize() writes 20 as 2E+1: a whole percentage is brought back to units, so str() reads "20"
    return percent.quantize(Decimal(1)) if percent == percent.to_integral_value() else percent


@dataclass(frozen=True)
class VatBreakdown:
    rate: Decimal
    base_ht: Decimal
    vat: Decimal

    @property
    def percent(self) -> Decimal:
        return rate_percent(self.rate)


@dataclass(frozen=True)
class DocumentTotals:
    breakdown: tuple[VatBreakdown, ...]
    total_ht: Decimal
    total_vat: Decimal
    total_ttc: Decimal


def document_totals(lines: Iterable[VatLine]) -> DocumentTotals:
    """The per-rate breakdown (rates in increasing order) and the totals, by the rule of the module docstring."""
    bases: dict[Decimal, Decimal] = {}
    for line in lines:
        if isinstance(line.rate, float) or isinstance(line.amount_ht, float):
            raise TypeError("VAT rates and amounts must be Decimal, never float.")
        if line.rate < 0 or line.rate >= 1:
            raise ValueError(f"Taux de TVA invalide : {line.rate}.")
        rate = Decimal(line.rate).normalize()
        bases[rate] = bases.get(rate, Decimal("0")) + round_cents(line.amount_ht)
    breakdown = tuple(VatBreakdown(rate, round_cents(base), round_cents(base * rate))
                      for rate, base in sorted(bases.items()))
    total_ht = sum((b.base_ht for b in breakdown), Decimal("0.00"))
    total_vat = sum((b.vat for b in breakdown), Decimal("0.00"))
    return DocumentTotals(breakdown, round_cents(total_ht), round_cents(total_vat), round_cents(total_ht + total_vat))
