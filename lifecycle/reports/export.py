"""The report as tables: the same rows feed the HTML page, the CSV and the XLSX (one sheet per section).

Everything shown to a person goes through :func:`report_tables`, so the exports and the page always agree.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from lifecycle.reports.indicators import RETIREMENT_ROUTES, CarbonFigure, Report, stable_round
from purchasing.spreadsheets import safe_cell


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list]


def _pct(value) -> Decimal | None:
    if value is None:
        return None
    return (Decimal(str(value)) * 100).quantize(Decimal("0.1"))


def _carbon_row(label: str, figure: CarbonFigure) -> list:
    return [label, stable_round(figure.low, 1), stable_round(figure.central, 1), stable_round(figure.high, 1),
            figure.rows_without_factor]


def report_tables(report: Report, labels: dict) -> list[Table]:
    """Tables of every section. ``labels`` gives translated texts (keys used below) and category/route names."""
    lab = labels.get
    category_name = labels.get("categories", {})
    status_name = labels.get("statuses", {})
    route_name = labels.get("routes", {})
    origin_name = labels.get("origins", {})
    tables = []

    fleet = report.fleet
    by_cs = fleet.get("by_category_status")
    statuses = list(by_cs.columns) if isinstance(by_cs, pd.DataFrame) and not by_cs.empty else []
    rows = []
    if statuses:
        for category, counts in by_cs.iterrows():
            rows.append([category_name.get(category, category)] + [int(counts[s]) for s in statuses]
                        + [int(counts.sum())])
    tables.append(Table("fleet", lab("fleet"),
                        [lab("category")] + [status_name.get(s, s) for s in statuses] + [lab("total")], rows))
    tables.append(Table("fleet_summary", lab("fleet_summary"), [lab("indicator"), lab("value")], [
        [lab("fleet_count"), fleet.get("count", 0)],
        [lab("average_age"), fleet.get("average_age_years")],
        [lab("past_lifetime_share"), _pct(fleet.get("past_lifetime_share"))],
    ]))

    lifetimes = report.lifetimes if report.lifetimes is not None else pd.DataFrame()
    tables.append(Table("lifetimes", lab("lifetimes"),
                        [lab("category"), lab("retired_count"), lab("mean_age"), lab("default_lifetime")],
                        [[category_name.get(r.category, r.category), int(r.retired_count),
                          float(r.mean_age_at_retirement),
                          None if pd.isna(r.default_lifetime_years) else float(r.default_lifetime_years)]
                         for r in lifetimes.itertuples()]))

    purchases = report.purchases
    tables.append(Table("purchases", lab("purchases"), [lab("origin"), lab("units"), lab("amount_ht")], [
        [origin_name.get(origin, origin), values["units"], values["amount_ht"]]
        for origin, values in purchases.get("by_origin", {}).items()
    ] + [
        [lab("reuse_share"), None, _pct(purchases.get("reuse_share"))],
        [lab("reuse_target"), None, _pct(purchases.get("reuse_target"))],
    ]))

    retired = report.retired
    tables.append(Table("retired", lab("retired"), [lab("indicator"), lab("value")], [
        [lab("retired_counted"), retired.get("counted")],
        [lab("retired_reused"), retired.get("reused")],
        [lab("retired_reuse_share"), _pct(retired.get("retired_reuse_share"))],
        [lab("retired_reuse_target"), _pct(retired.get("retired_reuse_target"))],
    ]))

    carbon = report.carbon
    tables.append(Table("carbon", lab("carbon"),
                        [lab("indicator"), lab("low"), lab("central"), lab("high"), lab("without_factor")], [
        _carbon_row(lab("purchases_embodied"), carbon["purchases_embodied_kgco2e"]),
        _carbon_row(lab("fleet_annual"), carbon["fleet_annual_kgco2e"]),
        _carbon_row(lab("avoided_reuse"), carbon["avoided_reuse_kgco2e"]),
        _carbon_row(lab("avoided_refurbishment"), carbon["avoided_refurbishment_kgco2e"]),
        _carbon_row(lab("avoided_longer_use"), carbon["avoided_longer_use_kgco2e_per_year"]),
    ]))

    eol = report.end_of_life if report.end_of_life is not None else pd.DataFrame({"route": [], "count": []})
    counts = dict(zip(eol["route"], eol["count"]))
    tables.append(Table("end_of_life", lab("end_of_life"), [lab("route"), lab("count")],
                        [[route_name.get(route, route), int(counts.get(route, 0))] for route in RETIREMENT_ROUTES]))
    return tables


def _frame(table: Table) -> pd.DataFrame:
    rows = [[safe_cell(float(v) if isinstance(v, Decimal) else v) for v in row] for row in table.rows]
    return pd.DataFrame(rows, columns=[safe_cell(c) for c in table.columns])


def to_xlsx(tables: list[Table], title: str) -> bytes:
    """One sheet per section; sheet names are the section keys (≤ 31 characters)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for table in tables:
            frame = _frame(table)
            frame.to_excel(writer, sheet_name=table.key[:31], index=False, startrow=1)
            sheet = writer.sheets[table.key[:31]]
            sheet["A1"] = safe_cell(f"{title} — {table.title}")
    return buffer.getvalue()


def to_csv(tables: list[Table]) -> str:
    """Long format: section, then each table's columns and rows, separated by a blank line (semicolons, for French Excel)."""
    buffer = io.StringIO()
    for table in tables:
        buffer.write(safe_cell(table.title) + "\n")
        _frame(table).to_csv(buffer, sep=";", index=False, decimal=",")
        buffer.write("\n")
    return buffer.getvalue()
