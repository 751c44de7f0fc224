"""Durability score and cost per year of service of an offer.

Pure domain code (standard library only). Two questions a purchasing officer asks when comparing
offers in one category:

1. *How long will it last, and can it be repaired?* -> :func:`durability_score`, 0 to 100::

       lifetime       40 × min(L / 8, 1)        L = expected lifetime in years
       warranty       20 × min(W / 5, 1)        W = warranty in years
       repairability  30 × I / 10               I = repairability or durability index (/10);
                                                unknown -> 0 points, flagged "indice non communiqué"
       refurbished    10 if the offer is refurbished, else 0
       total          sum, rounded half-up to an integer

   Why these caps: 8 years is the longest ADEME theoretical lifetime among end-user devices (TV,
   video projector), so a longer life earns nothing more; 5 years is the longest warranty commonly sold
   on professional IT (the legal conformity guarantee is 2 years). The index weighs 30 because public
   buyers must take the repairability index into account (loi REEN art. 15, from 2023; durability index
   from 2026). An unknown index scores 0 rather than an average, so that publishing it never lowers a
   score. Refurbished earns 10 because it avoids most manufacturing emissions (ADEME 2022).
   Scores compare offers *within* a category: categories have different typical lifetimes.

2. *What does a year of service cost?* -> :func:`cost_per_year_of_service`::

       price excl. VAT / expected lifetime + kWh per year × electricity price excl. VAT

   Money is :class:`~decimal.Decimal`, rounded half-up to the cent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

LIFETIME_POINTS = 40
LIFETIME_FULL_MARKS_YEARS = 8
WARRANTY_POINTS = 20
WARRANTY_FULL_MARKS_YEARS = 5
INDEX_POINTS = 30
INDEX_SCALE = 10
REFURBISHED_POINTS = 10

INDEX_UNKNOWN_FLAG_FR = "indice non communiqué"

#: Default electricity price, EUR per kWh excluding VAT. ESTIMATE, order of magnitude for 2025 of the
#: French regulated "tarif bleu" for professionals, base option (EDF / CRE tariff decisions, ≈ 0.20 €/kWh
#: HT energy + delivery, excluding subscription). Configurable: pass the commune's actual contract price.
ELECTRICITY_PRICE_EUR_PER_KWH_HT = Decimal("0.20")
ELECTRICITY_PRICE_YEAR = 2025

FORMULA_FR = (
    "Le score de durabilité va de 0 à 100 points. "
    "Durée de vie prévue : jusqu'à 40 points, au prorata jusqu'à 8 ans (8 ans ou plus = 40 points). "
    "Garantie : jusqu'à 20 points, au prorata jusqu'à 5 ans (5 ans ou plus = 20 points). "
    "Indice de réparabilité ou de durabilité (sur 10) : jusqu'à 30 points (indice × 3) ; "
    "si le fabricant ne communique pas l'indice, 0 point et la mention « indice non communiqué ». "
    "Matériel reconditionné : 10 points. "
    "Le total est arrondi à l'entier le plus proche. "
    "Comparez les scores au sein d'une même catégorie de matériel."
)

FORMULA_EN = (
    "The durability score ranges from 0 to 100 points. "
    "Expected lifetime: up to 40 points, pro rata up to 8 years (8 years or more = 40 points). "
    "Warranty: up to 20 points, pro rata up to 5 years (5 years or more = 20 points). "
    "Repairability or durability index (out of 10): up to 30 points (index × 3); "
    "if the manufacturer does not publish the index, 0 points and the flag \"index not published\". "
    "Refurbished equipment: 10 points. "
    "The total is rounded to the nearest whole number. "
    "Compare scores within one equipment category."
)

_CENT = Decimal("0.01")


@dataclass(frozen=True)
class DurabilityScore:
    """A 0–100 score with its parts (points, unrounded) so the page can show the breakdown."""

    total: int
    parts: dict[str, float] = field(default_factory=dict)
    index_known: bool = True
    flags: tuple[str, ...] = ()


def _pro_rata(value: float, full_marks_at: float, points: int) -> float:
    return min(value / full_marks_at, 1.0) * points


def durability_score(
    expected_lifetime_years: float,
    warranty_years: float,
    repairability_index: float | None,
    is_refurbished: bool,
) -> DurabilityScore:
    """Score an offer on lifetime, warranty, repairability and refurbishment (formula in module doc)."""
    if expected_lifetime_years < 0:
        raise ValueError(f"expected_lifetime_years must be >= 0, got {expected_lifetime_years}")
    if warranty_years < 0:
        raise ValueError(f"warranty_years must be >= 0, got {warranty_years}")
    if repairability_index is not None and not 0 <= repairability_index <= INDEX_SCALE:
        raise ValueError(f"repairability_index must be in [0, {INDEX_SCALE}], got {repairability_index}")

    index_known = repairability_index is not None
    parts = {
        "lifetime": _pro_rata(expected_lifetime_years, LIFETIME_FULL_MARKS_YEARS, LIFETIME_POINTS),
        "warranty": _pro_rata(warranty_years, WARRANTY_FULL_MARKS_YEARS, WARRANTY_POINTS),
        "repairability": (
            repairability_index / INDEX_SCALE * INDEX_POINTS if repairability_index is not None else 0.0
        ),
        "refurbished": float(REFURBISHED_POINTS) if is_refurbished else 0.0,
    }
    total = int(Decimal(repr(sum(parts.values()))).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    flags = () if index_known else (INDEX_UNKNOWN_FLAG_FR,)
    return DurabilityScore(total=total, parts=parts, index_known=index_known, flags=flags)


def _to_decimal(value: float | int | Decimal) -> Decimal:
    """Quantities (years, kWh) may arrive as floats; go through str so 29.02 stays 29.02."""
    return value if isinstance(value, Decimal) else Decimal(str(value))


def cost_per_year_of_service(
    price_ht: Decimal,
    expected_lifetime_years: float | Decimal,
    annual_kwh: float | Decimal,
    electricity_price_per_kwh: Decimal = ELECTRICITY_PRICE_EUR_PER_KWH_HT,
) -> Decimal:
    """Yearly cost excl. VAT: purchase price spread over the lifetime plus electricity, to the cent.

    A cheaper device that dies sooner or draws more power can cost more per year of service: this is
    the figure to compare offers on. Prices must be Decimal (a float price is refused, not rounded).
    """
    if not isinstance(price_ht, Decimal) or not isinstance(electricity_price_per_kwh, Decimal):
        raise TypeError("money amounts must be Decimal, not float")
    lifetime = _to_decimal(expected_lifetime_years)
    kwh = _to_decimal(annual_kwh)
    if lifetime <= 0:
        raise ValueError(f"expected_lifetime_years must be > 0, got {expected_lifetime_years}")
    if kwh < 0 or price_ht < 0 or electricity_price_per_kwh < 0:
        raise ValueError("price, kWh and electricity price must be >= 0")
    yearly = price_ht / lifetime + kwh * electricity_price_per_kwh
    return yearly.quantize(_CENT, rounding=ROUND_HALF_UP)
