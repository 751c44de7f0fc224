"""Carbon model of IT equipment: embodied emissions spread over years of service, plus electricity.

Pure domain code: standard library only (no Flask, no database, no pandas), so the numbers shown to a
purchasing officer can be checked by hand and by unit tests.

Method (carbon-method.md, section 1)::

    F_year = E_emb / L + kWh_year × EF_elec          (kgCO2e per device and year)

- ``E_emb``: embodied emissions (manufacturing + distribution + end of life), per category from
  ``lifecycle/data/carbon_factors.csv`` or, better, from the product's manufacturer footprint.
- ``L``: actual or planned years in service; the category default only when unknown.
- ``EF_elec``: French grid factor, ADEME Base Empreinte "mix moyen – consommation", by version year
  (``lifecycle/data/grid_factors.csv``).

Uncertainty is carried as a (low, central, high) :class:`Estimate`. Only the embodied term has a range;
the energy term is added as an exact value (its uncertainty is dominated by the real usage profile, which
the caller supplies). Where the sources give no low/high, ``DEFAULT_RELATIVE_SPREAD`` (±30 %, an
ESTIMATE) is applied and the estimate is flagged ``spread_is_default``.

Gaps stay gaps: a category without an embodied factor (switch, headset, UPS, unknown category) gives a
:class:`Footprint` whose ``has_factor`` is False and whose ``reason`` says why. It is never reported as
zero, because zero would read as "no emissions".

Avoided emissions (refurbished purchase, longer life, pool claims) are computed separately and must be
reported separately, never subtracted from the inventory (carbon-method.md recommendation).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from importlib import resources
from io import StringIO

#: Relative spread applied where the sources give no low/high (ESTIMATE, carbon-method.md section 1:
#: "apply a default relative spread"). ±30 % is narrower than EcoDiag's relative sigma (0.6 laptops,
#: 0.78 desktops) on purpose: it is a display range around a sourced central value, not a P5–P95.
DEFAULT_RELATIVE_SPREAD = 0.30

#: Why a footprint could not be computed. Stable strings: templates and exports may rely on them.
REASON_NO_FACTOR = "no_factor"
REASON_NO_LIFETIME = "no_lifetime"
REASON_NO_ENERGY_FACTOR = "no_energy_factor"

#: Where the embodied figure of a :class:`Footprint` came from.
ORIGIN_CATEGORY = "category"
ORIGIN_MANUFACTURER = "manufacturer"

_DATA_PACKAGE = "lifecycle"
_DATA_DIR = "data"


@dataclass(frozen=True)
class Estimate:
    """A quantity in kgCO2e (or kgCO2e/year) with its low/central/high range.

    Arithmetic is component-wise (low with low, high with high). That is the right rule for sums of
    independent-but-same-direction uncertainties as shown on a page (a fleet total), and for differences
    of the *same* device under two scenarios (correlated bounds). It is not interval arithmetic: the
    result of ``a - b`` may have ``low > central`` if the two ranges differ a lot; callers comparing
    different devices should compare central values.
    """

    low: float
    central: float
    high: float
    spread_is_default: bool = False

    @classmethod
    def point(cls, value: float) -> Estimate:
        """An exact value (no range), e.g. an energy term computed from a metered kWh figure."""
        return cls(value, value, value)

    @classmethod
    def around(
        cls,
        central: float,
        low_ratio: float = 1 - DEFAULT_RELATIVE_SPREAD,
        high_ratio: float = 1 + DEFAULT_RELATIVE_SPREAD,
        *,
        spread_is_default: bool = True,
    ) -> Estimate:
        """Build a range around ``central`` from relative ratios (default: ±``DEFAULT_RELATIVE_SPREAD``)."""
        return cls(central * low_ratio, central, central * high_ratio, spread_is_default)

    def relative_spread(self) -> tuple[float, float]:
        """(low/central, high/central), to carry a category's uncertainty over to a manufacturer value."""
        if self.central == 0:
            raise ValueError("relative spread is undefined for a zero central value")
        return self.low / self.central, self.high / self.central

    def scale(self, k: float) -> Estimate:
        """Multiply every bound by a non-negative factor (e.g. 1/L, a share r, a quantity)."""
        if k < 0:
            raise ValueError(f"scale factor must be >= 0, got {k}")
        return Estimate(self.low * k, self.central * k, self.high * k, self.spread_is_default)

    def __add__(self, other: object) -> Estimate:
        if not isinstance(other, Estimate):
            return NotImplemented
        return Estimate(
            self.low + other.low,
            self.central + other.central,
            self.high + other.high,
            self.spread_is_default or other.spread_is_default,
        )

    def __sub__(self, other: object) -> Estimate:
        if not isinstance(other, Estimate):
            return NotImplemented
        return Estimate(
            self.low - other.low,
            self.central - other.central,
            self.high - other.high,
            self.spread_is_default or other.spread_is_default,
        )

    def rounded(self, ndigits: int = 2) -> Estimate:
        """Round each bound half-up (as people round by hand), for display and stable comparisons."""
        return Estimate(
            _round_half_up(self.low, ndigits),
            _round_half_up(self.central, ndigits),
            _round_half_up(self.high, ndigits),
            self.spread_is_default,
        )

    def as_dict(self) -> dict[str, float]:
        """Plain mapping for templates and JSON exports."""
        return {"low": self.low, "central": self.central, "high": self.high}


@dataclass(frozen=True)
class CategoryFactor:
    """Reference values for one device category (one row of ``carbon_factors.csv``).

    ``None`` means the sources have no value ("NOT FOUND" in the reference), never zero.
    """

    category: str
    label_fr: str
    label_en: str
    embodied: Estimate | None
    annual_kwh: float | None
    default_lifetime_years: float | None
    sources: str


@dataclass(frozen=True)
class Footprint:
    """Result of :func:`product_footprint`.

    ``annual`` is None whenever something needed is missing; ``reason`` then says what
    (``REASON_NO_FACTOR``, ``REASON_NO_LIFETIME``, ``REASON_NO_ENERGY_FACTOR``). ``grid_factor`` and
    ``grid_factor_year`` record the electricity factor version used, as the method asks.
    """

    annual: Estimate | None
    embodied: Estimate | None
    years: float | None
    grid_factor: float | None
    reason: str | None
    annual_kwh: float | None = None
    embodied_origin: str | None = None
    grid_factor_year: int | None = None

    @property
    def has_factor(self) -> bool:
        """True when an annual footprint could be computed."""
        return self.annual is not None


# --- data loading -------------------------------------------------------------------------------


def _read_data_csv(filename: str) -> list[dict[str, str]]:
    """Rows of a CSV shipped in ``lifecycle/data`` (works from a wheel or a zip, not only a checkout)."""
    text = (resources.files(_DATA_PACKAGE) / _DATA_DIR / filename).read_text(encoding="utf-8")
    return list(csv.DictReader(StringIO(text)))


def _optional_float(text: str | None) -> float | None:
    """Empty cell -> None (a gap in the sources), otherwise the number."""
    if text is None or not text.strip():
        return None
    return float(text)


def _embodied_from_row(row: dict[str, str]) -> Estimate | None:
    """Embodied estimate of a CSV row; default spread on whichever bound the sources do not give."""
    central = _optional_float(row["embodied_kgco2e"])
    if central is None:
        return None
    low = _optional_float(row["embodied_low"])
    high = _optional_float(row["embodied_high"])
    is_default = low is None or high is None
    if low is None:
        low = central * (1 - DEFAULT_RELATIVE_SPREAD)
    if high is None:
        high = central * (1 + DEFAULT_RELATIVE_SPREAD)
    if not low <= central <= high:
        raise ValueError(f"carbon_factors.csv: {row['category']}: expected low <= central <= high")
    return Estimate(low, central, high, is_default)


def _sources_from_row(row: dict[str, str]) -> str:
    parts = (
        ("embodied", row["source_embodied"]),
        ("energy", row["source_energy"]),
        ("lifetime", row["source_lifetime"]),
    )
    return " | ".join(f"{label}: {text.strip()}" for label, text in parts if text.strip())


@lru_cache(maxsize=1)
def _factors() -> dict[str, CategoryFactor]:
    factors: dict[str, CategoryFactor] = {}
    for row in _read_data_csv("carbon_factors.csv"):
        factors[row["category"]] = CategoryFactor(
            category=row["category"],
            label_fr=row["label_fr"],
            label_en=row["label_en"],
            embodied=_embodied_from_row(row),
            annual_kwh=_optional_float(row["annual_kwh"]),
            default_lifetime_years=_optional_float(row["default_lifetime_years"]),
            sources=_sources_from_row(row),
        )
    return factors


def load_factors() -> dict[str, CategoryFactor]:
    """All category factors by category code. Read once; a fresh dict is returned each call."""
    return dict(_factors())


def category_factor(category: str) -> CategoryFactor | None:
    """Factor of one category, or None for a category the reference does not know."""
    return _factors().get(category)


@lru_cache(maxsize=1)
def _grid_rows() -> tuple[tuple[int, float, str], ...]:
    rows = (
        (int(row["year"]), float(row["kgco2e_per_kwh"]), row["source"])
        for row in _read_data_csv("grid_factors.csv")
    )
    return tuple(sorted(rows))


def grid_factors() -> list[tuple[int, float, str]]:
    """(version year, kgCO2e/kWh, source) rows, oldest first."""
    return list(_grid_rows())


def grid_factor_row(year: int) -> tuple[int, float, str]:
    """The grid factor row that applies to ``year``.

    Rule: the latest row whose year is <= ``year`` (a new ADEME version replaces the previous one until
    the next is published; later years keep the latest known value). Years before the first row use the
    first row (2022): no older "mix moyen – consommation" version is shipped, and the 2022 value is the
    closest documented one.
    """
    rows = _grid_rows()
    applicable = [row for row in rows if row[0] <= year]
    return applicable[-1] if applicable else rows[0]


def grid_factor(year: int) -> float:
    """French grid factor (kgCO2e/kWh) for ``year``; see :func:`grid_factor_row` for the rule."""
    return grid_factor_row(year)[1]


@lru_cache(maxsize=1)
def _refurbishment_shares() -> dict[str, float]:
    return {
        row["category"]: float(row["avoided_share"])
        for row in _read_data_csv("refurbishment_shares.csv")
    }


def refurbishment_shares() -> list[tuple[str, float, str]]:
    """(category, avoided share r, source) rows of ``refurbishment_shares.csv``, in file order."""
    return [
        (row["category"], float(row["avoided_share"]), row["source"])
        for row in _read_data_csv("refurbishment_shares.csv")
    ]


# --- footprint ----------------------------------------------------------------------------------


def annual_footprint(
    embodied: Estimate, years_of_service: float, annual_kwh: float, grid_factor: float
) -> Estimate:
    """Yearly footprint ``E_emb / L + kWh × EF``; the range comes from the embodied term only."""
    if years_of_service <= 0:
        raise ValueError(f"years_of_service must be > 0, got {years_of_service}")
    if annual_kwh < 0:
        raise ValueError(f"annual_kwh must be >= 0, got {annual_kwh}")
    if grid_factor < 0:
        raise ValueError(f"grid_factor must be >= 0, got {grid_factor}")
    return embodied.scale(1 / years_of_service) + Estimate.point(annual_kwh * grid_factor)


def manufacturer_embodied(gwp_total: float, gwp_use_ratio: float | None) -> float:
    """Embodied part of a manufacturer footprint: ``gwp_total × (1 − use share)`` [S3].

    Manufacturer PCFs include their own use phase (on their grid and usage assumption), which this model
    recomputes with the French grid, so it is removed. When the use share is not published the whole
    total is returned: an upper bound, the conservative side for a purchasing comparison.
    """
    if gwp_total <= 0:
        raise ValueError(f"gwp_total must be > 0, got {gwp_total}")
    if gwp_use_ratio is None:
        return gwp_total
    if not 0 <= gwp_use_ratio < 1:
        raise ValueError(f"gwp_use_ratio must be in [0, 1), got {gwp_use_ratio}")
    return gwp_total * (1 - gwp_use_ratio)


def _embodied_for(
    factor: CategoryFactor | None, embodied_override: float | None
) -> tuple[Estimate | None, str | None]:
    """The embodied estimate to use and its origin; a manufacturer value beats the category.

    A manufacturer value has no published range, so it borrows the category's relative spread (same
    kind of product, same kind of uncertainty), or the default spread when the category has none.
    """
    if embodied_override is None:
        if factor is None or factor.embodied is None:
            return None, None
        return factor.embodied, ORIGIN_CATEGORY
    if embodied_override <= 0:
        raise ValueError(f"embodied_override must be > 0, got {embodied_override}")
    if factor is not None and factor.embodied is not None:
        low_ratio, high_ratio = factor.embodied.relative_spread()
        estimate = Estimate.around(
            embodied_override,
            low_ratio,
            high_ratio,
            spread_is_default=factor.embodied.spread_is_default,
        )
    else:
        estimate = Estimate.around(embodied_override)
    return estimate, ORIGIN_MANUFACTURER


def product_footprint(
    category: str,
    *,
    years_of_service: float | None = None,
    year: int,
    embodied_override: float | None = None,
    annual_kwh_override: float | None = None,
) -> Footprint:
    """Yearly footprint of one product in ``year`` (which selects the grid factor version).

    Overrides (manufacturer embodied kgCO2e, measured kWh/year) beat category values. Without an
    embodied value at all the result says ``REASON_NO_FACTOR``; without a lifetime or a kWh figure it
    keeps the embodied estimate but no annual figure, with the matching reason.
    """
    factor = category_factor(category)
    embodied, origin = _embodied_for(factor, embodied_override)
    if embodied is None:
        return Footprint(annual=None, embodied=None, years=None, grid_factor=None, reason=REASON_NO_FACTOR)

    grid_year, grid, _source = grid_factor_row(year)
    years = years_of_service
    if years is None and factor is not None:
        years = factor.default_lifetime_years
    kwh = annual_kwh_override
    if kwh is None and factor is not None:
        kwh = factor.annual_kwh

    reason = None
    annual = None
    if years is None:
        reason = REASON_NO_LIFETIME
    elif kwh is None:
        reason = REASON_NO_ENERGY_FACTOR
    else:
        annual = annual_footprint(embodied, years, kwh, grid)
    return Footprint(
        annual=annual,
        embodied=embodied,
        years=years,
        grid_factor=grid,
        reason=reason,
        annual_kwh=kwh,
        embodied_origin=origin,
        grid_factor_year=grid_year,
    )


def carbon_to_date(
    embodied: Estimate,
    annual_kwh: float,
    grid_factor: float,
    years_in_service_so_far: float,
    expected_lifetime: float,
) -> Estimate:
    """Emissions attributed to an asset so far: embodied share consumed plus electricity used.

    The embodied share is ``min(years_so_far, L) / L``: past its expected lifetime the asset has
    "paid off" its manufacturing and only its electricity keeps adding up (the asset page's message).
    """
    if expected_lifetime <= 0:
        raise ValueError(f"expected_lifetime must be > 0, got {expected_lifetime}")
    if years_in_service_so_far < 0:
        raise ValueError(f"years_in_service_so_far must be >= 0, got {years_in_service_so_far}")
    if annual_kwh < 0 or grid_factor < 0:
        raise ValueError("annual_kwh and grid_factor must be >= 0")
    consumed = min(years_in_service_so_far, expected_lifetime) / expected_lifetime
    energy = annual_kwh * grid_factor * years_in_service_so_far
    return embodied.scale(consumed) + Estimate.point(energy)


# --- avoided emissions (report separately from the inventory) -----------------------------------


def refurbished_avoided_share(category: str) -> float | None:
    """Share ``r`` of embodied emissions avoided by buying refurbished, or None when unsourced."""
    return _refurbishment_shares().get(category)


def refurbished_avoided_per_year(
    category: str, embodied: Estimate, lifetime_years: float
) -> Estimate | None:
    """Yearly emissions avoided by a refurbished purchase: ``r × E_emb_new / L_new``; None without r."""
    if lifetime_years <= 0:
        raise ValueError(f"lifetime_years must be > 0, got {lifetime_years}")
    share = refurbished_avoided_share(category)
    if share is None:
        return None
    return embodied.scale(share / lifetime_years)


def refurbished_embodied(category: str, embodied: Estimate) -> Estimate | None:
    """Embodied emissions attributed to a refurbished device: ``(1 − r) × E_emb_new``; None without r.

    ADEME publishes reductions, not a refurbishment process footprint in kg, hence this derivation.
    """
    share = refurbished_avoided_share(category)
    if share is None:
        return None
    return embodied.scale(1 - share)


def lifetime_extension_saving(embodied: Estimate, l1: float, l2: float) -> Estimate:
    """Yearly embodied emissions saved by keeping a device ``l2`` instead of ``l1`` years.

    ``E_emb × (1/L1 − 1/L2)`` (carbon-method.md section 1).
    """
    if l1 <= 0:
        raise ValueError(f"l1 must be > 0, got {l1}")
    if l2 < l1:
        raise ValueError(f"l2 must be >= l1, got l1={l1}, l2={l2}")
    return embodied.scale(1 / l1 - 1 / l2)


def pool_claim_avoided(embodied_of_new_equivalent: Estimate) -> Estimate:
    """Emissions avoided when a commune takes equipment from the shared pool instead of buying new.

    The claim avoids the embodied emissions of the new equivalent that is not bought: the identity,
    named so that the avoided figure has one documented definition (and one place to refine it, e.g.
    to deduct transport or refurbishment later).
    """
    return embodied_of_new_equivalent


def _round_half_up(value: float, ndigits: int) -> float:
    """Round as a person would (2.675 -> 2.68), not banker's rounding on a binary float."""
    quantum = Decimal(1).scaleb(-ndigits)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))
