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
        [lab("it_amount_ht") or "it_amount_ht", None, purchases.get("it_amount_ht")],
        [lab("it_reuse_amount_ht") or "it_reuse_amount_ht", None, purchases.get("it_reuse_amount_ht")],
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


_FORBIDDEN_IN_SHEET_NAMES = str.maketrans({c: " " for c in "[]:*?/\\"})


def _shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word when one ends late enough."""
    if len(text) <= limit:
        return text
    head = text[:limit + 1]
    cut = head.rsplit(" ", 1)[0] if " " in head else ""
    return cut if len(cut) >= limit // 2 else text[:limit]


def sheet_names(tables: list[Table]) -> list[str]:
    """Each section's sheet named by its (translated) title: at most 31 characters, none of ``[]:*?/\\``, unique."""
    names: list[str] = []
    for table in tables:
        text = " ".join(str(table.title or table.key).translate(_FORBIDDEN_IN_SHEET_NAMES).split()).strip("'")
        base = _shorten(text, 31) or table.key
        name, n = base, 2
        while name.lower() in (x.lower() for x in names):
            suffix = f" ({n})"
            name, n = base[:31 - len(suffix)] + suffix, n + 1
        names.append(name)
    return names


def _number_format(value) -> str | None:
    """Counts as whole numbers, amounts (2 decimals) and figures (1 decimal) with the locale's separators."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return "#,##0"
    if isinstance(value, Decimal):
        return "#,##0.00" if value.as_tuple().exponent <= -2 else "#,##0.0"
    if isinstance(value, float):
        return "#,##0.0"
    return None


def _add_charts(book, tables: list[Table], names: list[str], title: str) -> None:
    """A "Graphiques" sheet: the fleet by category and the end-of-life routes, drawn from their own sheets."""
    from openpyxl.chart import BarChart, Reference

    sheet = book.create_sheet("Graphiques")
    sheet["A1"] = safe_cell(title)
    anchor_row = 3
    for key in ("fleet", "end_of_life"):
        index = next((i for i, t in enumerate(tables) if t.key == key), None)
        if index is None or not tables[index].rows:
            continue
        table, data_sheet = tables[index], book[names[index]]
        last_row = 2 + len(table.rows)
        chart = BarChart()
        chart.type = "bar"
        chart.title = safe_cell(table.title)
        chart.legend = None
        column = len(table.columns)  # the fleet's "Total", the routes' count: the last column
        chart.add_data(Reference(data_sheet, min_col=column, min_row=2, max_row=last_row), titles_from_data=True)
        chart.set_categories(Reference(data_sheet, min_col=1, min_row=3, max_row=last_row))
        chart.height, chart.width = max(6, 0.7 * len(table.rows) + 3), 18
        sheet.add_chart(chart, f"A{anchor_row}")
        anchor_row += int(chart.height * 2) + 4


def to_xlsx(tables: list[Table], title: str) -> bytes:
    """One sheet per section, named by its title (in the page's language): the title in A1, the column titles in
    row 2, the rows below, column widths from their content and number formats per cell; then a sheet of charts."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    names = sheet_names(tables)
    for table, name in zip(tables, names):
        sheet = book.create_sheet(name)
        sheet["A1"] = safe_cell(f"{title} — {table.title}")
        sheet["A1"].font = Font(bold=True)
        widths = [len(str(c)) for c in table.columns]
        for col, heading in enumerate(table.columns, start=1):
            cell = sheet.cell(row=2, column=col, value=safe_cell(heading))
            cell.font = Font(bold=True)
        for r, row in enumerate(table.rows, start=3):
            for col, value in enumerate(row, start=1):
                cell = sheet.cell(row=r, column=col, value=safe_cell(float(value) if isinstance(value, Decimal)
                                                                     else value))
                number_format = _number_format(value)
                if number_format:
                    cell.number_format = number_format
                widths[col - 1] = max(widths[col - 1], len(f"{value:,}" if isinstance(value, (int, float, Decimal))
                                                           and not isinstance(value, bool) else str(value or "")))
        for col, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(col)].width = min(max(width + 2, 10), 60)
        sheet.freeze_panes = "A3"
    _add_charts(book, tables, names, title)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _csv_text(value) -> str:
    """A cell of the CSV: counts as whole numbers ("2951", not "2951,0"), decimals with a comma, text protected."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (float, Decimal)):
        return str(value).replace(".", ",")
    return str(safe_cell(value))


def to_csv(tables: list[Table]) -> str:
    """Long format: section, then each table's columns and rows, separated by a blank line (semicolons, for French
    Excel)."""
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    for table in tables:
        buffer.write(safe_cell(table.title) + "\n")
        writer.writerow([safe_cell(c) for c in table.columns])
        for row in table.rows:
            writer.writerow([_csv_text(v) for v in row])
        buffer.write("\n")
    return buffer.getvalue()
