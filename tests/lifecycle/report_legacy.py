"""The sustainability report as computed before the SQL rewrite (issue 14): rows pulled per asset and per
order line, walked in pandas. Kept in the tests only, to show the new loaders give the same figures on the demo.
Its one change: the displayed figures use the same order-independent rounding (``stable_round``) as the app.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
from sqlalchemy import func, select

from lifecycle.assets.models import Asset
from lifecycle.domain.carbon import category_factor, grid_factor, product_footprint, refurbished_avoided_share
from lifecycle.domain.targets import (
    retired_reuse_target,
    retired_reuse_target_source,
    reuse_purchase_target,
    reuse_purchase_target_source,
)
from lifecycle.pool.models import PoolListing
from lifecycle.reports.data import POOL_CLAIM_VALUE_HT, PURCHASED_STATUSES, _member_filter, status_on_snapshot
from lifecycle.reports.indicators import (
    BOUNDS, DAYS_PER_YEAR, PURCHASE_ORIGINS, RETIRED_TARGET_MAX_AGE_YEARS, RETIREMENT_ROUTES, REUSE_ROUTES,
    CarbonFigure, Report, stable_round,
)
from lifecycle.retirement.models import Retirement
from purchasing.catalogue.models import Category, Product
from purchasing.extensions import db
from purchasing.orders.models import Order, OrderLine

ASSET_COLUMNS = [
    "asset_id", "member_id", "category", "is_it", "status", "origin", "condition", "acquired_on", "retired_on",
    "retirement_route", "expected_lifetime_years", "default_lifetime_years", "embodied_low", "embodied_central",
    "embodied_high", "annual_kwh",
]
PURCHASE_COLUMNS = [
    "purchased_on", "category", "is_it", "origin", "quantity", "amount_ht", "embodied_low", "embodied_central",
    "embodied_high", "refurb_share", "lifetime_years",
]


def _new_lifetime(code: str) -> float:
    """The default lifetime L_new of a category (NaN without one): a purchase's yearly saving divides by it."""
    factor = category_factor(code)
    lifetime = factor.default_lifetime_years if factor else None
    return float("nan") if lifetime is None else float(lifetime)


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
        "average_age_years": stable_round(float(age.mean()), 2) if age.notna().any() else None,
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
    table["mean_age_at_retirement"] = table["mean_age_at_retirement"].map(lambda v: stable_round(v, 2))
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

    # per year of use: a refurbished unit r × E_new / L_new, a pool claim E_new / L_new, row by row
    life = pd.to_numeric(bought["lifetime_years"], errors="coerce") if len(bought) else pd.Series(dtype=float)

    def per_year(mask, units) -> CarbonFigure:
        rows = bought[mask]
        usable = rows["embodied_central"].notna() & life[mask].gt(0) if len(rows) else pd.Series(dtype=bool)
        sums = {bound: float((pd.to_numeric(rows.loc[usable, f"embodied_{bound}"]) * units[usable]
                              / life[mask][usable]).sum()) for bound in BOUNDS}
        return CarbonFigure(sums["low"], sums["central"], sums["high"], int((~usable).sum()) if len(rows) else 0)

    documented = refurbished & share.notna()
    avoided_reuse_year = per_year(pool, quantity[pool])
    avoided_refurb_year = per_year(documented, quantity[documented] * share[documented])

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
        "avoided_reuse_kgco2e_per_year": avoided_reuse_year,
        "avoided_refurbishment_kgco2e_per_year": avoided_refurb_year,
        "avoided_kgco2e_per_year": CarbonFigure(
            *(getattr(avoided_reuse_year, b) + getattr(avoided_refurb_year, b) + getattr(avoided_longer, b)
              for b in BOUNDS),
            avoided_reuse_year.rows_without_factor + avoided_refurb_year.rows_without_factor),
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


def _product_carbon(product_rows) -> dict[int, tuple[float, float, float, float | None]]:
    """embodied low/central/high and refurbished share per distinct product (NaN when no factor)."""
    year = date.today().year
    result = {}
    for product_id, code, override in product_rows:
        footprint = product_footprint(code, year=year, embodied_override=override)
        share = refurbished_avoided_share(code)
        if footprint.embodied is None:
            result[product_id] = (float("nan"),) * 3 + (share,)
        else:
            e = footprint.embodied
            result[product_id] = (e.low, e.central, e.high, share)
    return result


def order_purchases(scope: str, scope_id: int | None) -> pd.DataFrame:
    purchased_on = func.coalesce(Order.decided_dt, Order.submitted_dt)
    stmt = (select(purchased_on.label("purchased_on"), OrderLine.product_id, OrderLine.quantity,
                   OrderLine.line_total_ht, Product.condition, Product.embodied_kgco2e, Category.code,
                   Category.is_it_equipment)
            .join(Order, OrderLine.order_id == Order.id)
            .join(Product, OrderLine.product_id == Product.id)
            .join(Category, Product.category_id == Category.id)
            .where(Order.status.in_(PURCHASED_STATUSES)))
    condition = _member_filter(Order.member_id, scope, scope_id)
    if condition is not None:
        stmt = stmt.where(condition)
    rows = db.session.execute(stmt).all()
    if not rows:
        return empty_purchases()
    carbon = _product_carbon({(r.product_id, r.code, r.embodied_kgco2e) for r in rows})
    frame = pd.DataFrame({
        "purchased_on": [r.purchased_on for r in rows],
        "category": [r.code for r in rows],
        "is_it": [bool(r.is_it_equipment) for r in rows],
        "origin": ["refurbished" if r.condition == "refurbished" else "new" for r in rows],
        "quantity": [r.quantity for r in rows],
        "amount_ht": [r.line_total_ht for r in rows],
        "embodied_low": [carbon[r.product_id][0] for r in rows],
        "embodied_central": [carbon[r.product_id][1] for r in rows],
        "embodied_high": [carbon[r.product_id][2] for r in rows],
        "refurb_share": [carbon[r.product_id][3] for r in rows],
        "lifetime_years": [_new_lifetime(r.code) for r in rows],
    })
    return frame[PURCHASE_COLUMNS]


def _carbon_frame(keys: set[tuple]) -> pd.DataFrame:
    """Per distinct (product, category, overrides): embodied range, kWh, lifetimes and refurbished share."""
    year = date.today().year
    rows = []
    for product_id, code, embodied_override, kwh_override, lifetime_override in keys:
        factor = category_factor(code)
        default_lifetime = factor.default_lifetime_years if factor else None
        footprint = product_footprint(code, year=year, embodied_override=embodied_override,
                                      annual_kwh_override=kwh_override)
        embodied = footprint.embodied
        nan = float("nan")
        rows.append({
            "product_key": product_id if product_id is not None else -1, "category": code,
            "embodied_low": embodied.low if embodied else nan,
            "embodied_central": embodied.central if embodied else nan,
            "embodied_high": embodied.high if embodied else nan,
            "annual_kwh": footprint.annual_kwh if footprint.annual_kwh is not None else nan,
            "expected_lifetime_years": lifetime_override or default_lifetime or nan,
            "default_lifetime_years": default_lifetime if default_lifetime is not None else nan,
            "refurb_share": refurbished_avoided_share(code),
        })
    return pd.DataFrame(rows)


def assets_frame(scope: str, scope_id: int | None) -> pd.DataFrame:
    """One row per asset of the scope (current owner), retired ones included with their route and date."""
    stmt = (select(Asset.id.label("asset_id"), Asset.member_id, Asset.product_id, Category.code.label("category"),
                   Category.is_it_equipment.label("is_it"), status_on_snapshot().label("status"), Asset.origin,
                   Asset.condition,
                   Asset.acquisition_date.label("acquired_on"), Retirement.retired_on,
                   Retirement.route.label("retirement_route"), Product.embodied_kgco2e, Product.annual_kwh,
                   Product.expected_lifetime_years, Product.condition.label("product_condition"))
            .join(Category, Asset.category_id == Category.id)
            .outerjoin(Product, Asset.product_id == Product.id)
            .outerjoin(Retirement, Retirement.asset_id == Asset.id))
    condition = _member_filter(Asset.member_id, scope, scope_id)
    if condition is not None:
        stmt = stmt.where(condition)
    frame = pd.read_sql(stmt, db.session.connection())
    if frame.empty:
        return empty_assets()
    keys = {(None if pd.isna(p) else int(p), c, None if pd.isna(e) else float(e), None if pd.isna(k) else float(k),
             None if pd.isna(lt) else float(lt))
            for p, c, e, k, lt in frame[["product_id", "category", "embodied_kgco2e", "annual_kwh",
                                         "expected_lifetime_years"]].itertuples(index=False)}
    carbon = _carbon_frame(keys).drop_duplicates(["product_key", "category"])
    frame["product_key"] = frame["product_id"].fillna(-1).astype(int)
    frame = frame.drop(columns=["embodied_kgco2e", "annual_kwh", "expected_lifetime_years"]).merge(
        carbon, on=["product_key", "category"], how="left")
    # A refurbished device carries (1 − r) of the new device's embodied emissions (carbon-method.md).
    refurbished = (frame["product_condition"] == "refurbished") & frame["refurb_share"].notna()
    for bound in ("low", "central", "high"):
        frame.loc[refurbished, f"embodied_{bound}"] *= 1 - frame.loc[refurbished, "refurb_share"].astype(float)
    frame["is_it"] = frame["is_it"].astype(bool)
    return frame[ASSET_COLUMNS]


def pool_claims(scope: str, scope_id: int | None) -> pd.DataFrame:
    """Units claimed from the reuse pool, valued at POOL_CLAIM_VALUE_HT, with the new equivalent's embodied."""
    stmt = (select(PoolListing.claimed_dt.label("purchased_on"), Asset.product_id, Category.code.label("category"),
                   Category.is_it_equipment.label("is_it"), Product.embodied_kgco2e, Product.annual_kwh,
                   Product.expected_lifetime_years)
            .join(Asset, PoolListing.asset_id == Asset.id)
            .join(Category, PoolListing.category_id == Category.id)
            .outerjoin(Product, Asset.product_id == Product.id)
            .where(PoolListing.status == "claimed", PoolListing.claimed_dt.is_not(None)))
    condition = _member_filter(PoolListing.claimed_by_member_id, scope, scope_id)
    if condition is not None:
        stmt = stmt.where(condition)
    rows = db.session.execute(stmt).all()
    if not rows:
        return empty_purchases()
    carbon = _carbon_frame({(r.product_id, r.category, r.embodied_kgco2e, r.annual_kwh, r.expected_lifetime_years)
                            for r in rows}).set_index(["product_key", "category"])
    records = []
    for r in rows:
        c = carbon.loc[(r.product_id if r.product_id is not None else -1, r.category)]
        c = c.iloc[0] if isinstance(c, pd.DataFrame) else c
        records.append({"purchased_on": r.purchased_on, "category": r.category, "is_it": bool(r.is_it),
                        "origin": "reuse_pool", "quantity": 1, "amount_ht": POOL_CLAIM_VALUE_HT,
                        "embodied_low": c["embodied_low"], "embodied_central": c["embodied_central"],
                        "embodied_high": c["embodied_high"], "refurb_share": c["refurb_share"],
                        "lifetime_years": _new_lifetime(r.category)})
    return pd.DataFrame(records)[PURCHASE_COLUMNS]


def build_scope_report(scope: str, scope_id: int | None, year: int, today: date) -> Report:
    """The sustainability report of a scope for a calendar year (call scope_target first for access)."""
    purchases = pd.concat([frame for frame in (order_purchases(scope, scope_id), pool_claims(scope, scope_id))
                           if not frame.empty] or [empty_purchases()], ignore_index=True)
    return build_report(assets_frame(scope, scope_id), purchases, year, today)
