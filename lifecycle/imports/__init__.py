"""Bulk inventory import from CSV, XLSX or ODS files (all or nothing)."""
