"""Sustainability report indicators, computed with pandas over rows the database has already aggregated.

The loaders (``lifecycle/reports/data.py``) group a scope's rows in SQL for one year and reference date, so
that pandas only sees a few rows per category, status, origin and carbon key (never one row per asset):

``fleet`` — assets held on the reference date, one row per (category, is_it, status, carbon key): ``n``
assets, ``n_dated`` of them with an acquisition date, ``age_days`` (sum of their ages in days), ``n_known``
(dated and with an expected lifetime), ``n_past`` (older than it), ``n_extended`` (older than the
category's default lifetime) and ``inv_age_extended`` (sum of 1 / age in years over those), with the carbon
key's ``embodied_low/central/high`` (kgCO2e, NaN without a factor), ``annual_kwh``,
``expected_lifetime_years`` and ``default_lifetime_years``.

``retired`` — assets retired in the year, one row per (category, is_it, route): ``n``, ``n_dated``,
``age_days`` (sum of ages at retirement), ``n_under_max_age`` (dated and under 10 years at retirement) and
the category's ``default_lifetime_years``.

``purchases`` — the year's purchases, one row per (category, is_it, origin, carbon key): ``lines`` (order
lines or pool claims), ``quantity``, ``amount_ht`` (Decimal), ``embodied_low/central/high`` per unit of the NEW
equivalent, ``refurb_share`` (the avoided share r of the category, NaN when none is documented) and
``lifetime_years`` (the new equivalent's default lifetime L_new, NaN when unknown); origin is "new",
"refurbished" or "reuse_pool".

Figures with uncertainty are carried as low/central/high. Avoided emissions are always reported beside the
footprint, never subtracted from it (carbon-method.md).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from lifecycle.domain.carbon import grid_factor
from lifecycle.domain.targets import (
    retired_reuse_target,
    retired_reuse_target_source,
    reuse_purchase_target,
    reuse_purchase_target_source,
)

EMBODIED_COLUMNS = ["embodied_low", "embodied_central", "embodied_high"]
FLEET_COLUMNS = [
    "category", "is_it", "status", "n", "n_dated", "age_days", "n_known", "n_past", "n_extended",
    "inv_age_extended", *EMBODIED_COLUMNS, "annual_kwh", "expected_lifetime_years", "default_lifetime_years",
]
RETIRED_COLUMNS = ["category", "is_it", "route", "n", "n_dated", "age_days", "n_under_max_age",
                   "default_lifetime_years"]
PURCHASE_COLUMNS = ["category", "is_it", "origin", "lines", "quantity", "amount_ht", *EMBODIED_COLUMNS,
                    "refurb_share", "recycled_amount_ht", "lifetime_years"]
BOUNDS = ("low", "central", "high")

#: Retirement routes that count as reuse for the REEN target (décret 2023-266: réemploi ou réutilisation).
REUSE_ROUTES = frozenset({"reused_elsewhere", "donated", "sold"})
RETIREMENT_ROUTES = ("reused_elsewhere", "donated", "sold", "recycled_weee", "destroyed", "lost_or_stolen")
PURCHASE_ORIGINS = ("new", "refurbished", "reuse_pool")
#: Décret 2023-266 excludes equipment more than 10 years old from the retirement target.
RETIRED_TARGET_MAX_AGE_YEARS = 10
DAYS_PER_YEAR = 365.25


def stable_round(value: float | None, digits: int) -> float | None:
    """``value`` rounded half up to ``digits`` decimals, from its value at ``digits + 3`` decimals.

    The figures are float sums the database and pandas may add in any order: the last bits differ, and a
    figure sitting on a half (1378.245, common with factors of a few decimals) would round either way.
    Rounding first at three more decimals makes the displayed figure independent of that order.
    """
    if value is None or math.isnan(value):
        return value
    return float(Decimal(repr(round(value, digits + 3))).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP))


@dataclass
class CarbonFigure:
    """kgCO2e with its range; ``rows_without_factor`` says how many rows could not be counted."""

    low: float
    central: float
    high: float
    rows_without_factor: int = 0

    def as_dict(self) -> dict:
        return {"low": stable_round(self.low, 2), "central": stable_round(self.central, 2),
                "high": stable_round(self.high, 2),
                "rows_without_factor": self.rows_without_factor}


@dataclass
class Report:
    year: int
    reference_date: date
    fleet: dict = field(default_factory=dict)
    lifetimes: pd.DataFrame | None = None
    purchases: dict = field(default_factory=dict)
    retired: dict = field(default_factory=dict)
    carbon: dict = field(default_factory=dict)
    end_of_life: pd.DataFrame | None = None



def empty_frame(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype="object") for name in columns})


def _num(frame: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_numeric(frame[column], errors="coerce")


def _int_sum(frame: pd.DataFrame, column: str) -> int:
    return int(_num(frame, column).fillna(0).sum()) if len(frame) else 0


def _decimal_sum(series: pd.Series) -> Decimal:
    return sum((Decimal(v) for v in series if v is not None and not pd.isna(v)), Decimal("0.00"))


def _share(part: Decimal, whole: Decimal) -> Decimal | None:
    if whole == 0:
        return None
    return (part / whole).quantize(Decimal("0.0001"))


def fleet_section(fleet: pd.DataFrame) -> dict:
    """Count by category and status, average age, share past its expected lifetime."""
    count = _int_sum(fleet, "n")
    if not count:
        return {"count": 0, "by_category_status": pd.DataFrame(), "average_age_years": None,
                "past_lifetime_share": None, "past_lifetime_count": 0}
    by_category_status = (fleet.assign(n=_num(fleet, "n").astype("int64")).groupby(["category", "status"])["n"]
                          .sum().unstack(fill_value=0).sort_index())
    dated, known, past = _int_sum(fleet, "n_dated"), _int_sum(fleet, "n_known"), _int_sum(fleet, "n_past")
    age_days = float(_num(fleet, "age_days").fillna(0).sum())
    return {
        "count": count,
        "by_category_status": by_category_status,
        "average_age_years": stable_round(age_days / DAYS_PER_YEAR / dated, 2) if dated else None,
        "past_lifetime_count": past,
        "past_lifetime_share": round(past / known, 4) if known else None,
    }


def lifetimes_section(retired: pd.DataFrame) -> pd.DataFrame:
    """Per category: assets retired in the year, their mean age at retirement and the default lifetime."""
    columns = ["category", "retired_count", "mean_age_at_retirement", "default_lifetime_years"]
    if not len(retired):
        return pd.DataFrame(columns=columns)
    table = (retired.assign(n=_num(retired, "n"), n_dated=_num(retired, "n_dated"),
                            age_days=_num(retired, "age_days").fillna(0),
                            default_lifetime_years=_num(retired, "default_lifetime_years"))
             .groupby("category").agg(retired_count=("n", "sum"), n_dated=("n_dated", "sum"),
                                      age_days=("age_days", "sum"),
                                      default_lifetime_years=("default_lifetime_years", "first"))
             .reset_index())
    table["retired_count"] = table["retired_count"].astype("int64")
    dated = table["n_dated"].where(table["n_dated"] > 0)
    table["mean_age_at_retirement"] = (table["age_days"] / DAYS_PER_YEAR / dated).map(lambda v: stable_round(v, 2))
    return table[columns]


def purchases_section(purchases: pd.DataFrame, year: int) -> dict:
    """Amount HT and units by origin; share of IT purchases from reuse or refurbished against the target."""
    by_origin = {}
    for origin in PURCHASE_ORIGINS:
        rows = purchases[purchases["origin"] == origin]
        by_origin[origin] = {"units": _int_sum(rows, "quantity"), "amount_ht": _decimal_sum(rows["amount_ht"])}
    it = purchases[purchases["is_it"].astype(bool)] if len(purchases) else purchases
    it_total = _decimal_sum(it["amount_ht"])
    it_reuse = _decimal_sum(it[it["origin"].isin(["refurbished", "reuse_pool"])]["amount_ht"])
    return {
        "by_origin": by_origin,
        "it_amount_ht": it_total,
        "it_reuse_amount_ht": it_reuse,
        "reuse_share": _share(it_reuse, it_total),
        "reuse_target": reuse_purchase_target(year),
        "reuse_target_source": reuse_purchase_target_source(year),
    }


AGEC_COLUMNS = ["category", "is_it", "total_ht", "reuse_ht", "donation_ht", "recycled_ht", "donated_units"]


def agec_amounts(purchases: pd.DataFrame) -> pd.DataFrame:
    """Per category, the amounts HT the AGEC declaration needs, from the same purchases as
    :func:`purchases_section` (one year's, aggregated): total (every origin), bought refurbished (reuse), claimed
    from the pool (donations, at their flat value) and bought with recycled content (``recycled_amount_ht``: the
    lines whose product has a recycled share above 0).

    Summed over the IT categories, total and reuse + donations are the report's ``it_amount_ht`` and
    ``it_reuse_amount_ht`` (a test holds them equal).
    """
    rows = []
    if len(purchases):
        for (category, is_it), group in purchases.groupby(["category", "is_it"], sort=True):
            pool = group["origin"] == "reuse_pool"
            rows.append({
                "category": category, "is_it": bool(is_it), "total_ht": _decimal_sum(group["amount_ht"]),
                "reuse_ht": _decimal_sum(group[group["origin"] == "refurbished"]["amount_ht"]),
                "donation_ht": _decimal_sum(group[pool]["amount_ht"]),
                "recycled_ht": _decimal_sum(group[~pool]["recycled_amount_ht"]),
                "donated_units": _int_sum(group[pool], "quantity"),
            })
    return pd.DataFrame(rows, columns=AGEC_COLUMNS)


def retired_section(retired: pd.DataFrame, year: int) -> dict:
    """IT equipment under 10 years retired in the year: share sent to reuse against the REEN target."""
    it = retired[retired["is_it"].astype(bool)] if len(retired) else retired
    total = _int_sum(it, "n_under_max_age")
    reused = _int_sum(it[it["route"].isin(REUSE_ROUTES)], "n_under_max_age") if len(it) else 0
    return {
        "counted": total,
        "reused": reused,
        "retired_reuse_share": round(reused / total, 4) if total else None,
        "retired_reuse_target": retired_reuse_target(year),
        "retired_reuse_target_source": retired_reuse_target_source(year),
    }


def end_of_life_section(retired: pd.DataFrame) -> pd.DataFrame:
    counts = retired.groupby("route")["n"].sum() if len(retired) else pd.Series(dtype="int64")
    return pd.DataFrame({"route": list(RETIREMENT_ROUTES),
                         "count": [int(counts.get(route, 0)) for route in RETIREMENT_ROUTES]})


def _estimate_sum(frame: pd.DataFrame, factor: pd.Series, rows: pd.Series) -> CarbonFigure:
    """Sum embodied_low/central/high × factor over the groups that have a factor; ``rows`` (per group) counted
    as without factor for the others."""
    if not len(frame):
        return CarbonFigure(0.0, 0.0, 0.0, 0)
    has_factor = _num(frame, "embodied_central").notna()
    sums = {bound: float((_num(frame, f"embodied_{bound}")[has_factor] * factor[has_factor]).sum())
            for bound in BOUNDS}
    return CarbonFigure(sums["low"], sums["central"], sums["high"], int(rows[~has_factor].fillna(0).sum()))


def _per_year(frame: pd.DataFrame, units: pd.Series, lifetime: pd.Series, rows: pd.Series) -> CarbonFigure:
    """Σ embodied × units / lifetime over the groups with a factor and a lifetime; the others' ``rows`` are counted
    as without factor."""
    if not len(frame):
        return CarbonFigure(0.0, 0.0, 0.0, 0)
    usable = _num(frame, "embodied_central").notna() & lifetime.gt(0)
    sums = {bound: float((_num(frame, f"embodied_{bound}")[usable] * units[usable] / lifetime[usable]).sum())
            for bound in BOUNDS}
    return CarbonFigure(sums["low"], sums["central"], sums["high"], int(rows[~usable].fillna(0).sum()))


def _plus(a: CarbonFigure, b: CarbonFigure, *, count_rows: bool = True) -> CarbonFigure:
    return CarbonFigure(a.low + b.low, a.central + b.central, a.high + b.high,
                        a.rows_without_factor + b.rows_without_factor if count_rows else 0)


def carbon_section(fleet: pd.DataFrame, purchases: pd.DataFrame, year: int) -> dict:
    """Embodied CO2e of the year's purchases, annual footprint of the fleet, emissions avoided (beside it)."""
    quantity = _num(purchases, "quantity")
    lines = _num(purchases, "lines")
    share = _num(purchases, "refurb_share")
    new, refurbished, pool = (purchases["origin"] == origin for origin in PURCHASE_ORIGINS)

    # A refurbished unit carries (1 − r) of the new equivalent's embodied emissions; with no documented r,
    # it is counted in full (never an invented saving). A pool claim adds no manufacturing emissions.
    embodied_new = _estimate_sum(purchases[new], quantity[new], lines[new])
    embodied_refurb = _estimate_sum(purchases[refurbished], quantity[refurbished] * (1 - share[refurbished].fillna(0)),
                                    lines[refurbished])
    avoided_reuse = _estimate_sum(purchases[pool], quantity[pool], lines[pool])
    documented = refurbished & share.notna()
    avoided_refurb = _estimate_sum(purchases[documented], quantity[documented] * share[documented], lines[documented])

    grid = grid_factor(year)
    n = _num(fleet, "n")
    lifetime = _num(fleet, "expected_lifetime_years")
    kwh = _num(fleet, "annual_kwh")
    usable = _num(fleet, "embodied_central").notna() & lifetime.gt(0) & kwh.notna()
    energy = float((n[usable] * kwh[usable] * grid).sum())
    annual = {bound: float((n[usable] * _num(fleet, f"embodied_{bound}")[usable] / lifetime[usable]).sum()) + energy
              for bound in BOUNDS}
    fleet_annual = CarbonFigure(annual["low"], annual["central"], annual["high"], int(n[~usable].fillna(0).sum()))

    # Longer use: a device kept beyond its default lifetime L1, now aged L2, spreads its embodied emissions
    # over more years: embodied × (1/L1 − 1/L2) per year (carbon-method.md, "Extending life"), summed per group
    # as embodied × (n_extended / L1 − Σ 1/L2).
    default = _num(fleet, "default_lifetime_years")
    extended = default.gt(0) & _num(fleet, "n_extended").gt(0)
    gain = _num(fleet, "n_extended")[extended] / default[extended] - _num(fleet, "inv_age_extended")[extended]
    avoided_longer = _estimate_sum(fleet[extended], gain, pd.Series(0, index=gain.index))

    # Per year of use, as the fleet's footprint is counted (carbon-method.md, "Buying refurbished"): a refurbished
    # unit bought in the year avoids r × E_new / L_new a year, a unit claimed from the pool E_new / L_new a year
    # (the new purchase it replaces). Without a lifetime the row cannot be annualised: counted as without factor.
    lifetime_new = _num(purchases, "lifetime_years") if "lifetime_years" in purchases else pd.Series(
        float("nan"), index=purchases.index)
    avoided_reuse_year = _per_year(purchases[pool], quantity[pool], lifetime_new[pool], lines[pool])
    avoided_refurb_year = _per_year(purchases[documented], quantity[documented] * share[documented],
                                    lifetime_new[documented], lines[documented])

    return {
        "purchases_embodied_kgco2e": _plus(embodied_new, embodied_refurb),
        "fleet_annual_kgco2e": fleet_annual,
        "grid_factor": grid,
        "avoided_reuse_kgco2e": avoided_reuse,
        "avoided_refurbishment_kgco2e": avoided_refurb,
        "avoided_longer_use_kgco2e_per_year": avoided_longer,
        "avoided_kgco2e": _plus(avoided_reuse, avoided_refurb, count_rows=False),
        "avoided_reuse_kgco2e_per_year": avoided_reuse_year,
        "avoided_refurbishment_kgco2e_per_year": avoided_refurb_year,
        # the three yearly savings together: what the report's "Total évité par an" row adds up
        "avoided_kgco2e_per_year": _plus(_plus(avoided_reuse_year, avoided_refurb_year), avoided_longer),
    }


def reference_date(year: int, today: date) -> date:
    """The fleet is taken at the end of the year, or today for the current year."""
    return min(date(year, 12, 31), today)


def build_report(fleet: pd.DataFrame, retired: pd.DataFrame, purchases: pd.DataFrame, year: int,
                 today: date) -> Report:
    """Every section for ``year`` from the aggregated frames (see the module's docstring)."""
    return Report(
        year=year,
        reference_date=reference_date(year, today),
        fleet=fleet_section(fleet),
        lifetimes=lifetimes_section(retired),
        purchases=purchases_section(purchases, year),
        retired=retired_section(retired, year),
        carbon=carbon_section(fleet, purchases, year),
        end_of_life=end_of_life_section(retired),
    )
