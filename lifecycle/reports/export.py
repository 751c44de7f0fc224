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
    #: the unit of every figure of the table, when it has one (the carbon table: "tCO2e par an")
    unit: str | None = None
    #: a sentence shown under the table (how its rows add up)
    note: str | None = None


class Euros(Decimal):
    """An amount in euros, to the cent: "1 234,56 €" on the page and in print, a number with a euro format in the
    XLSX, "1234,56" in the CSV."""

    def __new__(cls, value):
        return super().__new__(cls, Decimal(value).quantize(Decimal("0.01")))


def _euros(value) -> Euros | None:
    return None if value is None else Euros(value)


#: from this many kilograms the carbon table reads in tonnes (the ``co2e`` filter's threshold)
TONNES_FROM_KG = 10_000


def carbon_unit(figures: list[CarbonFigure]) -> str:
    """"t" when the table's largest figure reaches 10 t (then every row in tonnes, one decimal), else "kg"."""
    largest = max((abs(v) for f in figures for v in (f.low, f.central, f.high) if v == v), default=0.0)
    return "t" if largest >= TONNES_FROM_KG else "kg"


def _in_unit(kg: float, unit: str) -> Decimal:
    """A figure as the table shows it: tonnes with one decimal, or whole kilograms (rounded half up, from its value at
    a few more decimals so that the summation order of the database does not move it)."""
    if unit == "t":
        return Decimal(str(stable_round(kg / 1000, 1))).quantize(Decimal("0.1"))
    return Decimal(str(stable_round(kg, 0))).quantize(Decimal("1"))


def _pct(value) -> Decimal | None:
    if value is None:
        return None
    return (Decimal(str(value)) * 100).quantize(Decimal("0.1"))


def _carbon_row(label: str, figure: CarbonFigure, unit: str) -> list:
    return [label, _in_unit(figure.low, unit), _in_unit(figure.central, unit), _in_unit(figure.high, unit),
            figure.rows_without_factor]


def _carbon_table(carbon: dict, lab) -> Table:
    """Every row one quantity per year, in one unit said in the column titles: the fleet's yearly footprint, then
    each yearly saving (refurbished purchases, pool claims, longer use) and their total — the sum of the rows shown,
    so that it recomputes from the table. The one-off manufacturing emissions of the year's purchases are not a
    yearly figure: they are spread over the years of service inside the fleet's footprint (API:
    ``purchases_embodied_kgco2e``)."""
    savings = [("avoided_refurbishment", carbon["avoided_refurbishment_kgco2e_per_year"]),
               ("avoided_reuse", carbon["avoided_reuse_kgco2e_per_year"]),
               ("avoided_longer_use", carbon["avoided_longer_use_kgco2e_per_year"])]
    fleet = carbon["fleet_annual_kgco2e"]
    unit = carbon_unit([fleet] + [f for _k, f in savings] + [carbon["avoided_kgco2e_per_year"]])
    rows = [_carbon_row(lab("fleet_annual"), fleet, unit)] + [_carbon_row(lab(k), f, unit) for k, f in savings]
    total = [lab("avoided_total")] + [sum((row[i] for row in rows[1:]), Decimal(0)) for i in (1, 2, 3)] + [None]
    per_year = lab("unit_t_per_year") if unit == "t" else lab("unit_kg_per_year")
    columns = [lab("indicator")] + [f"{lab(k)} ({per_year})" for k in ("low", "central", "high")] + \
        [lab("without_factor")]
    return Table("carbon", lab("carbon"), columns, rows + [total], unit=per_year, note=lab("carbon_note"))


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
        [origin_name.get(origin, origin), values["units"], _euros(values["amount_ht"])]
        for origin, values in purchases.get("by_origin", {}).items()
    ] + [
        [lab("it_amount_ht") or "it_amount_ht", None, _euros(purchases.get("it_amount_ht"))],
        [lab("it_reuse_amount_ht") or "it_reuse_amount_ht", None, _euros(purchases.get("it_reuse_amount_ht"))],
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

    tables.append(_carbon_table(report.carbon, lab))

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


#: the XLSX format of an amount in euros (the spreadsheet shows it with the reader's separators)
EURO_FORMAT = '#,##0.00 "€"'


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def cell_text(value, number, eur) -> str:
    """A cell of the page (and its print layout): counts whole, amounts in euros ("1 234,56 €"), decimals with the
    places they carry (figures of the carbon table in whole kg or tenths of tonnes), floats with one decimal."""
    if value is None:
        return "—"
    if isinstance(value, bool) or isinstance(value, str):
        return str(value)
    if isinstance(value, Euros):
        return eur(value)
    if isinstance(value, int):
        return number(value)
    if isinstance(value, Decimal):
        return number(value, _places(value))
    if isinstance(value, float):
        return number(value, 1)
    return str(value)


def _number_format(value) -> str | None:
    """Counts as whole numbers, amounts in euros (2 decimals), decimals with their places and floats with 1 decimal,
    with the reader's separators."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return "#,##0"
    if isinstance(value, Euros):
        return EURO_FORMAT
    if isinstance(value, Decimal):
        places = _places(value)
        return "#,##0" + ("." + "0" * places if places else "")
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
