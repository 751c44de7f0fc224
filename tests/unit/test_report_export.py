"""The report's tables feed the page, the CSV and the XLSX: same figures everywhere; no formula injection."""
import io
from datetime import date

import openpyxl

from lifecycle.reports.export import report_tables, sheet_names, to_csv, to_xlsx
from purchasing.spreadsheets import safe_cell
from tests.unit.report_rows import report_of
from tests.unit.test_reports import assets, purchases  # noqa: F401 - fixtures

LABELS = {key: key for key in [
    "fleet", "fleet_summary", "category", "total", "indicator", "value", "fleet_count", "average_age",
    "past_lifetime_share", "lifetimes", "retired_count", "mean_age", "default_lifetime", "purchases", "origin",
    "units", "amount_ht", "reuse_share", "reuse_target", "retired", "retired_counted", "retired_reused",
    "retired_reuse_share", "retired_reuse_target", "carbon", "low", "central", "high", "without_factor",
    "fleet_annual", "avoided_reuse", "avoided_refurbishment", "avoided_longer_use", "avoided_total",
    "unit_kg_per_year", "unit_t_per_year", "carbon_note",
    "end_of_life", "route", "count"]}
LABELS["categories"] = {"laptop": "=cmd|' /C calc'!A0"}  # a hostile label must not become a formula


def _tables(assets, purchases):
    return report_tables(report_of(assets, purchases, 2026, today=date(2026, 11, 26)), LABELS)


def test_xlsx_has_one_sheet_per_section_with_the_same_figures(assets, purchases):  # noqa: F811
    tables = _tables(assets, purchases)
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(tables, "Rapport")))
    assert book.sheetnames == sheet_names(tables) + ["Graphiques"]
    for table, name in zip(tables, sheet_names(tables)):
        sheet = book[name]
        header = [c.value for c in sheet[2]]
        assert header == table.columns
        for offset, row in enumerate(table.rows):
            values = [c.value for c in sheet[3 + offset]]
            expected = [float(v) if hasattr(v, "as_tuple") else v for v in row]
            assert values[1:] == expected[1:], (table.key, values, expected)
    purchases_sheet = book["purchases"]
    assert purchases_sheet["C8"].value == 24.5  # reuse share (%), as on the page, below its two amounts


def test_cells_never_start_a_formula(assets, purchases):  # noqa: F811
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(_tables(assets, purchases), "=HYPERLINK()")))
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                assert not (isinstance(cell.value, str) and cell.value.startswith("=")), cell.value
                assert cell.data_type != "f"
    assert safe_cell("+1") == "'+1" and safe_cell("@x") == "'@x" and safe_cell("ok") == "ok" and safe_cell(3) == 3


def test_csv_carries_every_section(assets, purchases):  # noqa: F811
    text = to_csv(_tables(assets, purchases))
    for key in ("fleet", "purchases", "retired", "carbon", "end_of_life"):
        assert key in text
    assert "'=cmd" in text and "24,5" in text


def test_sheet_names_are_the_titles_made_valid_and_unique():
    from lifecycle.reports.export import Table

    tables = [Table("a", "Parc : synthèse", [], []), Table("b", "Achats [HT] / TTC ?", [], []),
              Table("c", "x" * 40, [], []), Table("d", "x" * 40, [], []), Table("e", "", [], [])]
    assert sheet_names(tables) == ["Parc synthèse", "Achats HT TTC", "x" * 31, "x" * 27 + " (2)", "e"]


def test_counts_are_whole_numbers_and_figures_keep_their_decimals(assets, purchases):  # noqa: F811
    tables = _tables(assets, purchases)
    text = to_csv(tables)
    fleet_count = next(row for t in tables if t.key == "fleet_summary" for row in t.rows if row[0] == "fleet_count")
    assert f"fleet_count;{fleet_count[1]}\n" in text and f"fleet_count;{fleet_count[1]},0" not in text
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(tables, "Rapport")))
    names = dict(zip([t.key for t in tables], sheet_names(tables)))
    summary = book[names["fleet_summary"]]
    assert summary["B3"].number_format == "#,##0" and summary.column_dimensions["A"].width >= 12
    carbon = next(t for t in tables if t.key == "carbon")
    assert book[names["carbon"]]["C3"].number_format == ("#,##0.0" if carbon.unit == "unit_t_per_year" else "#,##0")
    assert book["Graphiques"]._charts, "the chart sheet holds the charts"
