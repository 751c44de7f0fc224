"""Member prices: tier pricing (péréquation tarifaire), supplier price breaks, grouped campaigns.

A member pays the supplier's unit price HT plus the purchasing centre's service fee, whose rate
depends on the member's population band. The grid of bands is voted in assembly, dated and
versioned; the transparency page compares the fees actually paid per band with a flat rate.
"""

import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .errors import InvalidQuantity, PricingError
from .money import round_cents
from purchasing.domain.errors import N_

RATE_PLACES = Decimal("0.0001")
DEFAULT_MAX_QUANTITY = 10_000
_INTEGER_TEXT = re.compile(r"-?[0-9]{1,100}")  # bounded so int() never chokes on megabytes of digits


# --- tier pricing (péréquation) -------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    """A population band of the tariff grid; ``max_population`` is inclusive, None = no ceiling."""

    min_population: int
    max_population: int | None
    fee_rate: Decimal
    label: str

    def contains(self, population: int) -> bool:
        if population < self.min_population:
            return False
        return self.max_population is None or population <= self.max_population


def _band_problems(bands: Sequence[Band]) -> list[str]:
    if not bands:
        return ["la grille ne contient aucune tranche"]
    problems: list[str] = []
    for band in bands:
        name = f"tranche « {band.label} »"
        if not isinstance(band.fee_rate, Decimal) or not band.fee_rate.is_finite():
            problems.append(f"{name} : le taux doit être un nombre décimal")
        elif not Decimal(0) <= band.fee_rate < Decimal(1):
            problems.append(f"{name} : le taux doit être compris entre 0 % et moins de 100 %")
        if band.max_population is not None and band.max_population < band.min_population:
            problems.append(f"{name} : la population maximale est inférieure à la minimale")
    if bands[0].min_population != 0:
        problems.append(f"la première tranche doit commencer à 0 habitant, pas {bands[0].min_population}")
    for previous, following in zip(bands, bands[1:]):
        if previous.max_population is None:
            problems.append(f"seule la dernière tranche peut être sans plafond (« {previous.label} »)")
            continue
        expected = previous.max_population + 1
        if following.min_population > expected:
            problems.append(
                f"trou entre « {previous.label} » et « {following.label} » "
                f"({expected} à {following.min_population - 1} habitants)"
            )
        elif following.min_population < expected:
            problems.append(f"les tranches « {previous.label} » et « {following.label} » se chevauchent")
    if bands[-1].max_population is not None:
        problems.append(f"la dernière tranche (« {bands[-1].label} ») doit être sans plafond")
    return problems


def validate_bands(bands: Iterable[Band]) -> tuple[Band, ...]:
    """Check that bands cover 0..infinity exactly once; return them sorted by population.

    Raises PricingError listing every problem found (details["problems"]).
    """
    ordered = tuple(sorted(bands, key=lambda band: band.min_population))
    problems = _band_problems(ordered)
    if problems:
        raise PricingError(
            N_("La grille tarifaire n'est pas valide : %(problems)s."),
            params={"problems": " ; ".join(problems)},
            code="invalid_tariff_grid",
            details={"problems": problems},
        )
    return ordered


@dataclass(frozen=True)
class TariffGrid:
    """A grid voted in assembly (``deliberation_ref``), in force from ``effective_from``."""

    bands: tuple[Band, ...]
    effective_from: date
    deliberation_ref: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "bands", validate_bands(self.bands))
        if not self.deliberation_ref.strip():
            raise PricingError(
                N_("La grille tarifaire doit citer la délibération qui l'a votée."),
                code="invalid_tariff_grid",
            )


def grid_in_force(grids: Iterable[TariffGrid], on: date) -> TariffGrid:
    """The most recent grid whose ``effective_from`` is on or before ``on``."""
    candidates = [grid for grid in grids if grid.effective_from <= on]
    if not candidates:
        raise PricingError(
            N_("Aucune grille tarifaire n'est en vigueur au %(on)s."),
            params={"on": format(on, '%d/%m/%Y')}, code="no_tariff_grid"
        )
    return max(candidates, key=lambda grid: grid.effective_from)


def band_for_population(grid_or_bands: TariffGrid | Iterable[Band], population: int) -> Band:
    """The band a member of this population falls in."""
    bands = grid_or_bands.bands if isinstance(grid_or_bands, TariffGrid) else validate_bands(grid_or_bands)
    if isinstance(population, bool) or not isinstance(population, int) or population < 0:
        raise PricingError(
            N_("La population de l'adhérent doit être un nombre entier positif ou nul."),
            code="invalid_population",
            details={"population": repr(population)},
        )
    for band in bands:
        if band.contains(population):
            return band
    raise PricingError(N_("Aucune tranche ne correspond à cette population."), code="no_band")  # unreachable once validated


def member_unit_price(offer_unit_price_ht: Decimal, fee_rate: Decimal) -> Decimal:
    """Unit price HT the member pays: supplier price × (1 + service fee rate), half-up to the cent."""
    _require_decimal(offer_unit_price_ht, "prix unitaire")
    _require_decimal(fee_rate, "taux de frais")
    if offer_unit_price_ht < 0:
        raise PricingError(N_("Le prix unitaire ne peut pas être négatif."), code="negative_price")
    if not Decimal(0) <= fee_rate < Decimal(1):
        raise PricingError(N_("Le taux de frais doit être compris entre 0 et 100 %, 100 exclu."), code="invalid_fee_rate")
    return round_cents(offer_unit_price_ht * (Decimal(1) + fee_rate))


def _require_decimal(value: object, what: str) -> None:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise PricingError(N_("Le %(what)s doit être un nombre décimal."), params={"what": what}, code="invalid_amount")


# --- quantities -----------------------------------------------------------------------------


def validate_quantity(q: object, max_quantity: int | None = DEFAULT_MAX_QUANTITY) -> int:
    """A quantity as a strictly positive int, from an int, an integral Decimal or a digit string.

    Refuses zero, negatives, non-integers ("2.5", 2.5 and any float), bools, None, text,
    and anything above ``max_quantity`` (None: no ceiling, e.g. a campaign's total).
    """
    details = {"value": repr(q), "max_quantity": max_quantity}
    value: int | None = None
    if isinstance(q, bool) or q is None or isinstance(q, float):
        value = None
    elif isinstance(q, int):
        value = q
    elif isinstance(q, Decimal) and q.is_finite() and q == q.to_integral_value():
        value = int(q)
    elif isinstance(q, str) and _INTEGER_TEXT.fullmatch(q.strip()):
        value = int(q.strip())
    if value is None:
        raise InvalidQuantity(N_("La quantité doit être un nombre entier."), details=details)
    if value <= 0:
        raise InvalidQuantity(N_("La quantité doit être supérieure à zéro."), details=details)
    if max_quantity is not None and value > max_quantity:
        raise InvalidQuantity(
            N_("La quantité %(value)s dépasse le maximum autorisé (%(max_quantity)s)."),
            params={"value": value, "max_quantity": max_quantity}, details=details
        )
    return value


def line_total(unit_price: Decimal, quantity: int) -> Decimal:
    """Total HT of an order line: unit price × quantity, half-up to the cent."""
    _require_decimal(unit_price, "prix unitaire")
    return round_cents(unit_price * validate_quantity(quantity, max_quantity=None))


# --- supplier price breaks ------------------------------------------------------------------


@dataclass(frozen=True)
class PriceBreak:
    """From ``min_quantity`` units on, the supplier's unit price HT is ``unit_price_ht``."""

    min_quantity: int
    unit_price_ht: Decimal

    def __post_init__(self) -> None:
        validate_quantity(self.min_quantity, max_quantity=None)
        _require_decimal(self.unit_price_ht, "prix unitaire")
        if self.unit_price_ht < 0:
            raise PricingError(N_("Le prix unitaire ne peut pas être négatif."), code="negative_price")


def _sorted_breaks(breaks: Iterable[PriceBreak]) -> list[PriceBreak]:
    ordered = sorted(breaks, key=lambda price_break: price_break.min_quantity)
    quantities = [price_break.min_quantity for price_break in ordered]
    if len(set(quantities)) != len(quantities):
        raise PricingError(
            N_("Deux paliers de prix portent sur la même quantité minimale."), code="duplicate_price_break"
        )
    return ordered


def unit_price_at(breaks: Iterable[PriceBreak], quantity: int) -> Decimal:
    """Supplier unit price HT for ``quantity``: the break with the highest min_quantity <= quantity.

    The base price is the break with min_quantity 1; without it, small quantities have no price.
    """
    quantity = validate_quantity(quantity, max_quantity=None)
    applicable = [b for b in _sorted_breaks(breaks) if b.min_quantity <= quantity]
    if not applicable:
        raise PricingError(
            N_("Aucun prix n'est défini pour une quantité de %(quantity)s."), params={"quantity": quantity},
            code="no_price_break",
            details={"quantity": quantity},
        )
    return applicable[-1].unit_price_ht


def next_break(breaks: Iterable[PriceBreak], quantity: int) -> PriceBreak | None:
    """The next break above ``quantity`` (to tell a campaign how far the next price is), or None."""
    quantity = validate_quantity(quantity, max_quantity=None)
    return next((b for b in _sorted_breaks(breaks) if b.min_quantity > quantity), None)


def campaign_unit_prices(
    breaks: Iterable[PriceBreak],
    total_quantity: int,
    fee_rates_by_participant: Mapping[Hashable, Decimal],
) -> dict[Hashable, Decimal]:
    """At the closing of a grouped campaign, member unit prices HT per participant.

    The quantity committed by all participants together fixes the price break for everyone;
    each participant then pays that price plus its own band's fee.
    """
    supplier_price = unit_price_at(breaks, total_quantity)
    return {
        participant: member_unit_price(supplier_price, fee_rate)
        for participant, fee_rate in fee_rates_by_participant.items()
    }


# --- transparency page: fees per band vs a flat rate ----------------------------------------


@dataclass(frozen=True)
class BandRedistribution:
    """What one band paid in fees, what it would have paid at a flat rate, and the difference.

    ``difference_ht`` = paid − flat: negative means the band pays less thanks to péréquation.
    """

    band_label: str
    base_amount_ht: Decimal
    fees_paid_ht: Decimal
    fees_at_flat_rate_ht: Decimal
    difference_ht: Decimal


FeeRow = tuple[str, Decimal, Decimal]  # (band_label, base_amount_ht, fee_rate)


def fee_redistribution(rows: Iterable[FeeRow], flat_rate: Decimal) -> list[BandRedistribution]:
    """Per band (first-seen order), base amount, fees paid, fees at ``flat_rate``, difference.

    Several rows for one band (e.g. the grid changed during the year) are summed.
    """
    _require_decimal(flat_rate, "taux forfaitaire")
    bases: dict[str, Decimal] = {}
    fees: dict[str, Decimal] = {}
    for label, base_amount_ht, fee_rate in rows:
        _require_decimal(base_amount_ht, "montant de base")
        _require_decimal(fee_rate, "taux de frais")
        bases[label] = bases.get(label, Decimal(0)) + base_amount_ht
        fees[label] = fees.get(label, Decimal(0)) + base_amount_ht * fee_rate
    result = []
    for label, base in bases.items():
        paid = round_cents(fees[label])
        at_flat_rate = round_cents(base * flat_rate)
        result.append(BandRedistribution(label, round_cents(base), paid, at_flat_rate, paid - at_flat_rate))
    return result


def revenue_neutral_flat_rate(rows: Iterable[FeeRow]) -> Decimal:
    """The single rate that would have raised the same total fees: total fees / total base (4 dp)."""
    total_base = Decimal(0)
    total_fees = Decimal(0)
    for _label, base_amount_ht, fee_rate in rows:
        _require_decimal(base_amount_ht, "montant de base")
        _require_decimal(fee_rate, "taux de frais")
        total_base += base_amount_ht
        total_fees += base_amount_ht * fee_rate
    if total_base <= 0:
        raise PricingError(
            N_("Aucun achat sur la période : le taux forfaitaire équivalent ne peut pas être calculé."),
            code="no_purchases",
        )
    return (total_fees / total_base).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)
