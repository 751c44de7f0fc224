"""Sustainability report indicators, aggregated with pandas over flat tables loaded in SQL.

The loaders (``lifecycle/reports/data.py``) build two DataFrames for one scope (territory, an EPCI or a
member), so that nothing here loops over ORM objects:

``assets`` — one row per asset: asset_id, member_id, category, is_it, status, origin, condition,
acquired_on, retired_on, retirement_route, expected_lifetime_years, default_lifetime_years,
embodied_low, embodied_central, embodied_high (kgCO2e, NaN when the category has no factor), annual_kwh.

``purchases`` — one row per purchase: purchased_on, category, is_it, origin ("new", "refurbished",
"reuse_pool"), quantity, amount_ht (Decimal), embodied_low/central/high per unit of the NEW equivalent,
refurb_share (the avoided share r of the category, NaN when none is documented), recycled_pct (the
product's recycled content in %, 0 when unknown and for pool claims).

Figures with uncertainty are carried as low/central/high. Avoided emissions are always reported beside the
footprint, never subtracted from it (carbon-method.md).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pandas as pd

from lifecycle.domain.carbon import grid_factor
from lifecycle.domain.targets import (
    retired_reuse_target,
    retired_reuse_target_source,
    reuse_purchase_target,
    reuse_purchase_target_source,
)

ASSET_COLUMNS = [
    "asset_id", "member_id", "category", "is_it", "status", "origin", "condition", "acquired_on", "retired_on",
    "retirement_route", "expected_lifetime_years", "default_lifetime_years", "embodied_low", "embodied_central",
    "embodied_high", "annual_kwh",
]
PURCHASE_COLUMNS = [
    "purchased_on", "category", "is_it", "origin", "quantity", "amount_ht", "embodied_low", "embodied_central",
    "embodied_high", "refurb_share", "recycled_pct",
]
BOUNDS = ("low", "central", "high")

#: Retirement routes that count as reuse for the REEN target (décret 2023-266: réemploi ou réutilisation).
REUSE_ROUTES = frozenset({"reused_elsewhere", "donated", "sold"})
RETIREMENT_ROUTES = ("reused_elsewhere", "donated", "sold", "recycled_weee", "destroyed", "lost_or_stolen")
PURCHASE_ORIGINS = ("new", "refurbished", "reuse_pool")
#: Décret 2023-266 excludes equipment more than 10 years old from the retirement target.
RETIRED_TARGET_MAX_AGE_YEARS = 10
DAYS_PER_YEAR = 365.25


@dataclass
class CarbonFigure:
    """kgCO2e with its range; ``rows_without_factor`` says how many rows could not be counted."""

    low: float
    central: float
    high: float
    rows_without_factor: int = 0

    def as_dict(self) -> dict:
        return {"low": round(self.low, 2), "central": round(self.central, 2), "high": round(self.high, 2),
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


def empty_assets() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype="object") for name in ASSET_COLUMNS})


def empty_purchases() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype="object") for name in PURCHASE_COLUMNS})


def _as_dates(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, errors="coerce")


def _age_years(start: pd.Series, on: date) -> pd.Series:
    return (pd.Timestamp(on) - _as_dates(start)).dt.days / DAYS_PER_YEAR


def _in_year(series: pd.Series, year: int) -> pd.Series:
    dates = _as_dates(series)
    return dates.dt.year == year


def _decimal_sum(series: pd.Series) -> Decimal:
    return sum((Decimal(v) for v in series if v is not None and not pd.isna(v)), Decimal("0.00"))


def _share(part: Decimal, whole: Decimal) -> Decimal | None:
    if whole == 0:
        return None
    return (part / whole).quantize(Decimal("0.0001"))


def fleet_on(assets: pd.DataFrame, on: date) -> pd.DataFrame:
    """Assets held on ``on``: acquired by then and not retired by then."""
    acquired = _as_dates(assets["acquired_on"])
    retired = _as_dates(assets["retired_on"])
    # An asset with no known acquisition date is held (it was imported without one).
    held = (acquired.isna() | (acquired <= pd.Timestamp(on))) & (retired.isna() | (retired > pd.Timestamp(on)))
    return assets[held]


def fleet_section(assets: pd.DataFrame, on: date) -> dict:
    """Count by category and status, average age, share past its expected lifetime."""
    fleet = fleet_on(assets, on)
    if fleet.empty:
        return {"count": 0, "by_category_status": pd.DataFrame(), "average_age_years": None,
                "past_lifetime_share": None, "past_lifetime_count": 0}
    by_category_status = (fleet.groupby(["category", "status"]).size().unstack(fill_value=0)
                          .sort_index())
    age = _age_years(fleet["acquired_on"], on)
    lifetime = pd.to_numeric(fleet["expected_lifetime_years"], errors="coerce")
    known = lifetime.notna() & age.notna()
    past = int(((age > lifetime) & known).sum())
    return {
        "count": int(len(fleet)),
        "by_category_status": by_category_status,
        "average_age_years": round(float(age.mean()), 2) if age.notna().any() else None,
        "past_lifetime_count": past,
        "past_lifetime_share": round(past / int(known.sum()), 4) if known.any() else None,
    }


def lifetimes_section(assets: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per category: assets retired in ``year``, their mean age at retirement and the default lifetime."""
    retired = assets[_in_year(assets["retired_on"], year)].copy()
    columns = ["category", "retired_count", "mean_age_at_retirement", "default_lifetime_years"]
    if retired.empty:
        return pd.DataFrame(columns=columns)
    retired["age"] = (_as_dates(retired["retired_on"]) - _as_dates(retired["acquired_on"])).dt.days / DAYS_PER_YEAR
    table = retired.groupby("category").agg(
        retired_count=("asset_id", "count"),
        mean_age_at_retirement=("age", "mean"),
        default_lifetime_years=("default_lifetime_years", "first"),
    ).reset_index()
    table["mean_age_at_retirement"] = table["mean_age_at_retirement"].round(2)
    return table[columns]


def purchases_section(purchases: pd.DataFrame, year: int) -> dict:
    """Amount HT and units by origin; share of IT purchases from reuse or refurbished against the target."""
    bought = purchases[_in_year(purchases["purchased_on"], year)]
    by_origin = {}
    for origin in PURCHASE_ORIGINS:
        rows = bought[bought["origin"] == origin]
        by_origin[origin] = {"units": int(pd.to_numeric(rows["quantity"]).sum()) if len(rows) else 0,
                             "amount_ht": _decimal_sum(rows["amount_ht"])}
    it = bought[bought["is_it"].astype(bool)] if len(bought) else bought
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


def agec_amounts(purchases: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per category, the year's amounts HT the AGEC declaration needs, from the same purchases as
    :func:`purchases_section`: total (every origin), bought refurbished (reuse), claimed from the pool
    (donations, at their flat value) and bought with recycled content (recycled_pct > 0).

    Summed over the IT categories, total and reuse + donations are the report's ``it_amount_ht`` and
    ``it_reuse_amount_ht`` (a test holds them equal).
    """
    bought = purchases[_in_year(purchases["purchased_on"], year)]
    rows = []
    for (category, is_it), group in bought.groupby(["category", "is_it"], sort=True):
        recycled = pd.to_numeric(group["recycled_pct"], errors="coerce").fillna(0) > 0
        pool = group["origin"] == "reuse_pool"
        rows.append({
            "category": category, "is_it": bool(is_it), "total_ht": _decimal_sum(group["amount_ht"]),
            "reuse_ht": _decimal_sum(group[group["origin"] == "refurbished"]["amount_ht"]),
            "donation_ht": _decimal_sum(group[pool]["amount_ht"]),
            "recycled_ht": _decimal_sum(group[recycled & ~pool]["amount_ht"]),
            "donated_units": int(pd.to_numeric(group[pool]["quantity"]).sum()) if pool.any() else 0,
        })
    return pd.DataFrame(rows, columns=AGEC_COLUMNS)


def retired_section(assets: pd.DataFrame, year: int) -> dict:
    """IT equipment under 10 years retired in ``year``: share sent to reuse against the REEN target."""
    retired = assets[_in_year(assets["retired_on"], year)]
    if len(retired):
        age = (_as_dates(retired["retired_on"]) - _as_dates(retired["acquired_on"])).dt.days / DAYS_PER_YEAR
        counted = retired[retired["is_it"].astype(bool) & (age < RETIRED_TARGET_MAX_AGE_YEARS)]
    else:
        counted = retired
    reused = int(counted["retirement_route"].isin(REUSE_ROUTES).sum()) if len(counted) else 0
    total = int(len(counted))
    return {
        "counted": total,
        "reused": reused,
        "retired_reuse_share": round(reused / total, 4) if total else None,
        "retired_reuse_target": retired_reuse_target(year),
        "retired_reuse_target_source": retired_reuse_target_source(year),
    }


def end_of_life_section(assets: pd.DataFrame, year: int) -> pd.DataFrame:
    retired = assets[_in_year(assets["retired_on"], year)]
    counts = retired["retirement_route"].value_counts() if len(retired) else pd.Series(dtype="int64")
    return pd.DataFrame({"route": list(RETIREMENT_ROUTES),
                         "count": [int(counts.get(route, 0)) for route in RETIREMENT_ROUTES]})


def _estimate_sum(frame: pd.DataFrame, factor: pd.Series | float = 1.0) -> CarbonFigure:
    """Sum embodied_low/central/high × factor over the rows that have a factor; count those that have none."""
    has_factor = frame["embodied_central"].notna() if len(frame) else pd.Series(dtype=bool)
    counted = frame[has_factor]
    if isinstance(factor, pd.Series):
        factor = factor[has_factor]
    sums = {bound: float((pd.to_numeric(counted[f"embodied_{bound}"]) * factor).sum()) for bound in BOUNDS}
    return CarbonFigure(sums["low"], sums["central"], sums["high"], int((~has_factor).sum()) if len(frame) else 0)


def carbon_section(assets: pd.DataFrame, purchases: pd.DataFrame, year: int, on: date) -> dict:
    """Embodied CO2e of the year's purchases, annual footprint of the fleet, emissions avoided (beside it)."""
    bought = purchases[_in_year(purchases["purchased_on"], year)]
    quantity = pd.to_numeric(bought["quantity"]) if len(bought) else pd.Series(dtype=float)
    share = pd.to_numeric(bought["refurb_share"], errors="coerce") if len(bought) else pd.Series(dtype=float)
    new = bought["origin"] == "new" if len(bought) else pd.Series(dtype=bool)
    refurbished = bought["origin"] == "refurbished" if len(bought) else pd.Series(dtype=bool)
    pool = bought["origin"] == "reuse_pool" if len(bought) else pd.Series(dtype=bool)

    # A refurbished unit carries (1 − r) of the new equivalent's embodied emissions; with no documented r,
    # it is counted in full (never an invented saving). A pool claim adds no manufacturing emissions.
    refurb_factor = quantity[refurbished] * (1 - share[refurbished].fillna(0))
    embodied_new = _estimate_sum(bought[new], quantity[new])
    embodied_refurb = _estimate_sum(bought[refurbished], refurb_factor)
    purchases_embodied = CarbonFigure(embodied_new.low + embodied_refurb.low,
                                      embodied_new.central + embodied_refurb.central,
                                      embodied_new.high + embodied_refurb.high,
                                      embodied_new.rows_without_factor + embodied_refurb.rows_without_factor)

    avoided_reuse = _estimate_sum(bought[pool], quantity[pool])
    avoided_refurb = _estimate_sum(bought[refurbished & share.notna()],
                                   quantity[refurbished & share.notna()] * share[refurbished & share.notna()])

    fleet = fleet_on(assets, on)
    grid = grid_factor(year)
    lifetime = pd.to_numeric(fleet["expected_lifetime_years"], errors="coerce")
    kwh = pd.to_numeric(fleet["annual_kwh"], errors="coerce")
    usable = fleet["embodied_central"].notna() & lifetime.gt(0) & kwh.notna()
    energy = float((kwh[usable] * grid).sum())
    annual = {bound: float((pd.to_numeric(fleet.loc[usable, f"embodied_{bound}"]) / lifetime[usable]).sum()) + energy
              for bound in BOUNDS}
    fleet_annual = CarbonFigure(annual["low"], annual["central"], annual["high"], int((~usable).sum()))

    # Longer use: a device kept beyond its default lifetime L1, now aged L2, spreads its embodied emissions
    # over more years: embodied × (1/L1 − 1/L2) per year (carbon-method.md, "Extending life").
    age = _age_years(fleet["acquired_on"], on)
    default = pd.to_numeric(fleet["default_lifetime_years"], errors="coerce")
    extended = fleet["embodied_central"].notna() & default.gt(0) & (age > default)
    gain = (1 / default[extended]) - (1 / age[extended])
    avoided_longer = _estimate_sum(fleet[extended], gain)

    return {
        "purchases_embodied_kgco2e": purchases_embodied,
        "fleet_annual_kgco2e": fleet_annual,
        "grid_factor": grid,
        "avoided_reuse_kgco2e": avoided_reuse,
        "avoided_refurbishment_kgco2e": avoided_refurb,
        "avoided_longer_use_kgco2e_per_year": avoided_longer,
        "avoided_kgco2e": CarbonFigure(avoided_reuse.low + avoided_refurb.low,
                                       avoided_reuse.central + avoided_refurb.central,
                                       avoided_reuse.high + avoided_refurb.high),
    }


def build_report(assets: pd.DataFrame, purchases: pd.DataFrame, year: int, today: date) -> Report:
    """Every section for ``year``; the fleet is taken at the end of the year, or today for the current year."""
    on = min(date(year, 12, 31), today)
    return Report(
        year=year,
        reference_date=on,
        fleet=fleet_section(assets, on),
        lifetimes=lifetimes_section(assets, year),
        purchases=purchases_section(purchases, year),
        retired=retired_section(assets, year),
        carbon=carbon_section(assets, purchases, year, on),
        end_of_life=end_of_life_section(assets, year),
    )
