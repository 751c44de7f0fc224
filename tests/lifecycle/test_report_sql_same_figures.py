"""The report aggregated in SQL gives the figures the row-by-row report gave, on the demo (issue 14).

Every section (fleet, lifetimes, purchases, retired, carbon, end of life) is compared as the web page's tables,
the XLSX file's cells and the API's figures, for the territory, every EPCI and the members that have the most
of each kind of row (plus a sample), for every year the page offers. The previous implementation lives in
``tests/lifecycle/report_legacy.py`` only.
"""
from __future__ import annotations

import io
import math
from datetime import date

import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from lifecycle.assets.models import Asset
from lifecycle.pool.models import PoolListing
from lifecycle.reports import data as report_data
from lifecycle.reports.export import report_tables, to_xlsx
from lifecycle.reports.views import FIRST_YEAR, _labels
from lifecycle.retirement.models import Retirement
from purchasing.api.reports import report_figures
from purchasing.demo import load_demo
from purchasing.extensions import db
from purchasing.members.models import Member, MemberKind
from purchasing.orders.models import Order
from tests.lifecycle import report_legacy

CARBON_KEYS = ("purchases_embodied_kgco2e", "fleet_annual_kgco2e", "avoided_reuse_kgco2e",
               "avoided_refurbishment_kgco2e", "avoided_longer_use_kgco2e_per_year", "avoided_kgco2e")


def _top(column, limit: int) -> list[int]:
    return list(db.session.scalars(select(column).where(column.is_not(None)).group_by(column)
                                   .order_by(func.count().desc(), column).limit(limit)))


def _scopes(top: int, every: int) -> list[tuple[str, int | None]]:
    epcis = db.session.scalars(select(Member.id).where(Member.kind == MemberKind.EPCI).order_by(Member.id)).all()
    members = set(_top(Asset.member_id, top)) | set(_top(Order.member_id, top)) \
        | set(_top(PoolListing.claimed_by_member_id, top)) \
        | set(db.session.scalars(select(Asset.member_id).join(Retirement, Retirement.asset_id == Asset.id)
                                 .group_by(Asset.member_id).order_by(func.count().desc()).limit(top))) \
        | set(db.session.scalars(select(Member.id).order_by(Member.id)).all()[::every])
    return [("territory", None)] + [("epci", i) for i in epcis] + [("member", i) for i in sorted(members)]


def _xlsx_cells(content: bytes) -> dict:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def _same_display(old, new, where: str) -> None:
    """Equal, as displayed (NaN equal to NaN): the raw float sums differ in their last bits (the database adds
    them in another order), the displayed figures are rounded with ``stable_round`` and must not."""
    if isinstance(old, float) and isinstance(new, float):
        assert old == new or (math.isnan(old) and math.isnan(new)), (where, old, new)
    elif isinstance(old, dict) and isinstance(new, dict):
        assert old.keys() == new.keys(), where
        for key in old:
            _same_display(old[key], new[key], f"{where} {key}")
    elif isinstance(old, (list, tuple)) and isinstance(new, (list, tuple)):
        assert len(old) == len(new), where
        for index, (a, b) in enumerate(zip(old, new)):
            _same_display(a, b, f"{where} {index}")
    elif hasattr(old, "__dataclass_fields__"):
        _same_display(vars(old), vars(new), where)
    else:
        assert old == new, (where, old, new)


def _assert_same(old, new, where: str) -> None:
    for key in CARBON_KEYS:
        a, b = old.carbon[key], new.carbon[key]
        for bound in ("low", "central", "high"):
            assert math.isclose(getattr(a, bound), getattr(b, bound), rel_tol=1e-9, abs_tol=1e-9), (where, key)
        assert a.rows_without_factor == b.rows_without_factor, (where, key)
    assert old.carbon["grid_factor"] == new.carbon["grid_factor"]
    old_fleet, new_fleet = dict(old.fleet), dict(new.fleet)
    pd.testing.assert_frame_equal(old_fleet.pop("by_category_status"), new_fleet.pop("by_category_status"),
                                  check_dtype=False, check_names=False, obj=where)
    assert old_fleet == new_fleet, where
    pd.testing.assert_frame_equal(old.lifetimes.reset_index(drop=True), new.lifetimes.reset_index(drop=True),
                                  check_dtype=False, obj=where)
    assert old.purchases == new.purchases, where
    assert old.retired == new.retired, where
    pd.testing.assert_frame_equal(old.end_of_life, new.end_of_life, check_dtype=False, obj=where)
    _same_display(report_figures(old), report_figures(new), where)


def _compare(app, scopes, years) -> int:
    today = date.today()
    compared = 0
    with app.test_request_context():
        labels = _labels()
        for scope, scope_id in scopes:
            assets = report_legacy.assets_frame(scope, scope_id)
            purchases = pd.concat([f for f in (report_legacy.order_purchases(scope, scope_id),
                                               report_legacy.pool_claims(scope, scope_id)) if not f.empty]
                                  or [report_legacy.empty_purchases()], ignore_index=True)
            for year in years:
                old = report_legacy.build_report(assets, purchases, year, today)
                new = report_data.build_scope_report(scope, scope_id, year, today)
                where = f"{scope} {scope_id} {year}"
                _assert_same(old, new, where)
                old_tables, new_tables = report_tables(old, labels), report_tables(new, labels)
                _same_display(old_tables, new_tables, where)
                if scope != "member" and year in (today.year - 1, today.year):
                    _same_display(_xlsx_cells(to_xlsx(old_tables, "t")), _xlsx_cells(to_xlsx(new_tables, "t")), where)
                compared += 1
    return compared


def test_every_figure_of_the_report_is_unchanged_on_the_demo(app):
    """The territory, every EPCI and the busiest members, last year and this year (the fast suite)."""
    load_demo(seed=2026)
    today = date.today()
    compared = _compare(app, _scopes(top=2, every=200), (today.year - 1, today.year))
    # the demo has something in every section this year: the comparison is not between two empty reports
    territory = report_data.build_scope_report("territory", None, today.year, today)
    assert territory.fleet["count"] > 1000 and territory.retired["counted"] > 0
    assert all(v["units"] > 0 for v in territory.purchases["by_origin"].values())
    assert territory.carbon["avoided_longer_use_kgco2e_per_year"].central > 0
    assert territory.lifetimes["retired_count"].sum() > 0
    assert compared > 20


@pytest.mark.slow
def test_every_figure_of_every_year_is_unchanged_for_many_members_of_the_demo(app):
    """Every year the page offers, for many more members (its own CI step, with the slow tests)."""
    load_demo(seed=2026)
    assert _compare(app, _scopes(top=8, every=40), range(FIRST_YEAR, date.today().year + 2)) > 300
