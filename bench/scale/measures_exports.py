"""List exports (issue 15): the whole inventory's CSV streamed through the app (the same filtered query as the
list page, rows read from a server-side cursor as ORM objects) ÷ pandas read_sql + to_csv of that query's
SELECT (the floor: plain columns, no objects); and the growth of the worker's peak RSS while streaming it.

    .venv/bin/python bench/national.py --db sqlite:///instance/bench_national.sqlite3 --quick --only "list export"
"""
from __future__ import annotations

import io

from bench.scale.registry import register

PATH = "/lifecycle/export.csv"


def _csv(bench) -> int:
    response = bench.client("purchasing_officer").get(PATH)
    size = sum(len(chunk) for chunk in response.response)
    response.close()
    return size


def _floor(bench) -> None:
    import pandas as pd
    from flask import g
    from werkzeug.datastructures import MultiDict

    from bench.scale.measures_reports import _staff
    from purchasing import list_exports

    with bench.app.test_request_context():
        g._login_user = _staff(bench)
        stmt = list_exports.REGISTRY["inventory"].query(MultiDict())
        with bench.big.connection() as connection:
            frame = pd.read_sql(stmt, connection)
        frame.to_csv(io.StringIO(), sep=";", index=False)


@register("list export: inventory CSV, every asset (streamed) ÷ pandas read_sql + to_csv", target=8.0,
          notes="ORM objects (the page's query, its columns' getters) against plain columns")
def inventory_csv(bench):
    size = _csv(bench)
    bench.notes.append(f"{bench.dialect}: inventory CSV {size / 1e6:.1f} MB streamed")
    return bench.time(lambda: _csv(bench), repeat=1, warmup=0), bench.time(lambda: _floor(bench), repeat=1, warmup=0)


@register("list export: inventory CSV, growth of the worker's peak RSS while streaming", target=100, compare="abs",
          unit="MB", notes="floor column: the same growth for pandas read_sql + to_csv")
def inventory_csv_memory(bench):
    def growth(fn):
        with open("/proc/self/status") as handle:
            current = next(int(line.split()[1]) for line in handle if line.startswith("VmRSS:")) / 1024
        _result, peak = bench.peak_rss(fn)
        return peak - current

    return growth(lambda: _csv(bench)), growth(lambda: _floor(bench))
