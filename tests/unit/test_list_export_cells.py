"""The list exports' cells (purchasing/list_exports.py): money with 2 decimals, Paris dates, formula-safe text."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from purchasing.list_exports import DATE, DATETIME, INTEGER, MONEY, NUMBER, TEXT, Column, _csv_converter, cell_value, csv_text

MONEY_COLUMN = Column("Montant", lambda r: r, kind=MONEY)
TEXT_COLUMN = Column("Nom", lambda r: r)


@pytest.mark.parametrize("value, cell, text", [
    (Decimal("1234.5"), Decimal("1234.50"), "1234,50"),
    (Decimal("0"), Decimal("0.00"), "0,00"),
    (Decimal("0.005"), Decimal("0.01"), "0,01"),  # half up, as invoices round
    (Decimal("-12.344"), Decimal("-12.34"), "-12,34"),
    (None, None, ""),
])
def test_money_is_a_number_rounded_to_the_cent(value, cell, text):
    assert cell_value(MONEY_COLUMN, value) == cell
    assert csv_text(MONEY_COLUMN, value) == text == _csv_converter(MONEY_COLUMN)(value)


def test_datetimes_are_paris_wall_clock_time_in_both_seasons():
    column = Column("Le", lambda r: r, kind=DATETIME)
    winter, summer = datetime(2026, 1, 15, 23, 30, tzinfo=timezone.utc), datetime(2026, 7, 1, 10, 0, tzinfo=timezone.utc)
    assert cell_value(column, winter) == datetime(2026, 1, 16, 0, 30)  # the next day in Paris
    assert csv_text(column, winter) == "16/01/2026 00:30"
    assert csv_text(column, summer) == "01/07/2026 12:00"
    assert csv_text(Column("Le", lambda r: r, kind=DATE), date(2026, 12, 1)) == "01/12/2026"
    assert csv_text(column, None) == ""


@pytest.mark.parametrize("value", ["=1+1", "+33 1 23", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_text_that_a_spreadsheet_would_run_gets_a_leading_quote(value):
    assert cell_value(TEXT_COLUMN, value) == "'" + value
    assert _csv_converter(TEXT_COLUMN)(value) == "'" + value


def test_plain_values_are_kept():
    assert _csv_converter(TEXT_COLUMN)("Mairie") == "Mairie"
    assert _csv_converter(Column("N", lambda r: r, kind=INTEGER))(0) == "0"
    assert _csv_converter(Column("%", lambda r: r, kind=NUMBER))(Decimal("12.5")) == "12,5"
    assert cell_value(Column("N", lambda r: r, kind=INTEGER), 7) == 7
    assert cell_value(TEXT_COLUMN, None) is None
    assert TEXT_COLUMN.kind == TEXT
