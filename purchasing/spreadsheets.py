"""Spreadsheet exports: the one rule that keeps a cell from being run as a formula (CSV/formula injection).

Every CSV and XLSX export passes its user-supplied text through :func:`safe_cell`.
"""
from __future__ import annotations

#: A cell starting with one of these is a formula (or becomes one) in Excel, LibreOffice or Google Sheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text starting with = + - @ tab or CR gets a leading quote, so a spreadsheet never runs it."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
