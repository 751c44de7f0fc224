"""Hand-written asset and purchase rows grouped as the report's SQL loaders group them (unit tests only).

The indicators take aggregated frames (``lifecycle/reports/indicators.py``); the unit tests describe a few
assets and purchases one by one, which reads better, and this turns them into those frames.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from lifecycle.reports.indicators import (
    DAYS_PER_YEAR, FLEET_COLUMNS, PURCHASE_COLUMNS, RETIRED_COLUMNS, RETIRED_TARGET_MAX_AGE_YEARS, build_report,
    empty_frame, reference_date,
)


def _days(later, earlier) -> float | None:
    return None if later is None or earlier is None else float((later - earlier).days)


def fleet_frame(assets: list[dict], on: date) -> pd.DataFrame:
    rows = []
    for a in assets:
        if (a["acquired_on"] and a["acquired_on"] > on) or (a["retired_on"] and a["retired_on"] <= on):
            continue
        days = _days(on, a["acquired_on"])
        age = None if days is None else days / DAYS_PER_YEAR
        lifetime, default = a["expected_lifetime_years"], a["default_lifetime_years"]
        known = lifetime is not None and age is not None
        extended = default is not None and age is not None and age > default
        rows.append({**{k: a[k] for k in ("category", "is_it", "status", "embodied_low", "embodied_central",
                                          "embodied_high", "annual_kwh")},
                     "n": 1, "n_dated": int(days is not None), "age_days": days or 0.0, "n_known": int(known),
                     "n_past": int(known and age > lifetime), "n_extended": int(extended),
                     "inv_age_extended": 1 / age if extended else 0.0,
                     "expected_lifetime_years": float("nan") if lifetime is None else lifetime,
                     "default_lifetime_years": float("nan") if default is None else default})
    return pd.DataFrame(rows, columns=FLEET_COLUMNS) if rows else empty_frame(FLEET_COLUMNS)


def retired_frame(assets: list[dict], year: int) -> pd.DataFrame:
    rows = []
    for a in assets:
        if not a["retired_on"] or a["retired_on"].year != year:
            continue
        days = _days(a["retired_on"], a["acquired_on"])
        rows.append({"category": a["category"], "is_it": a["is_it"], "route": a["retirement_route"], "n": 1,
                     "n_dated": int(days is not None), "age_days": days or 0.0,
                     "n_under_max_age": int(days is not None and days / DAYS_PER_YEAR < RETIRED_TARGET_MAX_AGE_YEARS),
                     "default_lifetime_years": a["default_lifetime_years"]})
    return pd.DataFrame(rows, columns=RETIRED_COLUMNS) if rows else empty_frame(RETIRED_COLUMNS)


def purchases_frame(purchases: list[dict], year: int) -> pd.DataFrame:
    rows = [{**{k: p[k] for k in PURCHASE_COLUMNS if k in p}, "lines": 1}
            for p in purchases if p["purchased_on"].year == year]
    return pd.DataFrame(rows, columns=PURCHASE_COLUMNS) if rows else empty_frame(PURCHASE_COLUMNS)


def report_of(assets: list[dict], purchases: list[dict], year: int, today: date):
    on = reference_date(year, today)
    return build_report(fleet_frame(assets, on), retired_frame(assets, year), purchases_frame(purchases, year),
                        year, today)
