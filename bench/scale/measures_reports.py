"""Reports, exports and labels (issue 14, items 2, 4 and 5): each against its floor measured in the same run.

- territory report (web / XLSX / API) ÷ the raw SQL aggregates it needs (the four GROUP BY queries written by
  hand below, fetched whole); the report's figures are checked equal to those the floor's rows give;
- peak RSS of the worker (this process) during the territory report;
- a label sheet of 1,000 assets (rendering, not queue wait: the job's rendering function called directly,
  barcode cache emptied first) ÷ python-barcode alone drawing the same 1,000 codes;
- the orders CSV streamed through the app ÷ pandas read_sql + to_csv of the same rows; and the growth of
  the worker's peak RSS while streaming it (constant memory).
"""
from __future__ import annotations

import io
from datetime import date

from bench.scale.registry import register

TERRITORY = "/reports/sustainability?scope=territory"
ROLE = "sustainability_officer"


def _days(dialect: str, later: str, earlier: str) -> str:
    if dialect == "sqlite":
        return f"(julianday({later}) - julianday({earlier}))"
    return f"CAST({later} - {earlier} AS float)"


def _floor_queries(bench, year: int, on: date) -> dict[str, str]:
    """The aggregates the report needs, written by hand in SQL (the floor)."""
    d = bench.dialect
    start, end = f"'{year}-01-01'", f"'{year + 1}-01-01'"
    on_sql = f"'{on.isoformat()}'" if d == "sqlite" else f"DATE '{on.isoformat()}'"
    ts = (lambda v: v) if d == "sqlite" else (lambda v: f"TIMESTAMPTZ {v}")
    return {
        "fleet": f"""SELECT c.code, a.status, p.condition, p.embodied_kgco2e, p.annual_kwh, p.expected_lifetime_years,
                     COUNT(*), COUNT(a.acquisition_date), SUM({_days(d, on_sql, 'a.acquisition_date')})
              FROM asset a JOIN category c ON c.id = a.category_id LEFT JOIN product p ON p.id = a.product_id
              LEFT JOIN retirement r ON r.asset_id = a.id
              WHERE (a.acquisition_date IS NULL OR a.acquisition_date <= {on_sql})
                AND (r.retired_on IS NULL OR r.retired_on > {on_sql})
              GROUP BY c.code, a.status, p.condition, p.embodied_kgco2e, p.annual_kwh, p.expected_lifetime_years""",
        "retired": f"""SELECT c.code, r.route, COUNT(*), COUNT(a.acquisition_date),
                       SUM({_days(d, 'r.retired_on', 'a.acquisition_date')})
              FROM retirement r JOIN asset a ON a.id = r.asset_id JOIN category c ON c.id = a.category_id
              WHERE r.retired_on >= {start} AND r.retired_on < {end} GROUP BY c.code, r.route""",
        "orders": f"""SELECT c.code, p.condition, p.embodied_kgco2e, COUNT(*), SUM(l.quantity), SUM(l.line_total_ht)
              FROM order_line l JOIN purchase_request o ON o.id = l.order_id
              JOIN product p ON p.id = l.product_id JOIN category c ON c.id = p.category_id
              WHERE o.status IN ('approved', 'placed', 'partially_delivered', 'delivered')
                AND COALESCE(o.decided_dt, o.submitted_dt) >= {ts(start)}
                AND COALESCE(o.decided_dt, o.submitted_dt) < {ts(end)}
              GROUP BY c.code, p.condition, p.embodied_kgco2e""",
        "pool": f"""SELECT c.code, p.embodied_kgco2e, COUNT(*)
              FROM pool_listing l JOIN asset a ON a.id = l.asset_id JOIN category c ON c.id = l.category_id
              LEFT JOIN product p ON p.id = a.product_id
              WHERE l.status = 'claimed' AND l.claimed_dt >= {ts(start)} AND l.claimed_dt < {ts(end)}
              GROUP BY c.code, p.embodied_kgco2e""",
    }


def _floor_rows(bench) -> dict[str, list]:
    today = date.today()
    queries = _floor_queries(bench, today.year, today)
    with bench.big.connection() as connection:
        return {name: connection.exec_driver_sql(sql).all() for name, sql in queries.items()}


def _check_figures(bench) -> None:
    """The report's figures (API) equal what the floor's rows give: fleet count, end-of-life routes, purchases."""
    from decimal import Decimal

    rows = _floor_rows(bench)
    report = bench.api_get("/api/v1/reports/sustainability?scope=territory", role=ROLE).get_json()
    fleet = sum(r[6] for r in rows["fleet"])
    routes: dict[str, int] = {}
    for code, route, n, *_rest in rows["retired"]:
        routes[route] = routes.get(route, 0) + n
    new = sum(r[4] for r in rows["orders"] if r[1] != "refurbished")
    refurbished = sum(r[4] for r in rows["orders"] if r[1] == "refurbished")
    amount_new = sum(Decimal(str(r[5])) for r in rows["orders"] if r[1] != "refurbished")
    pool = sum(r[2] for r in rows["pool"])
    found = {"fleet": report["fleet_count"], "routes": {e["route"]: e["count"] for e in report["end_of_life"] if e["count"]},
             "new": report["purchases_by_origin"]["new"]["units"],
             "refurbished": report["purchases_by_origin"]["refurbished"]["units"],
             "amount_new": Decimal(str(report["purchases_by_origin"]["new"]["amount_ht"])),
             "pool": report["purchases_by_origin"]["reuse_pool"]["units"]}
    expected = {"fleet": fleet, "routes": routes, "new": new, "refurbished": refurbished, "amount_new": amount_new,
                "pool": pool}
    if found != expected:
        raise AssertionError(f"report figures differ from the raw SQL floor's: {found} != {expected}")
    bench.notes.append(f"{bench.dialect}: territory report figures equal the raw SQL floor's "
                       f"(fleet {fleet:,}, purchases new {new:,} / refurbished {refurbished:,} / pool {pool:,}, "
                       f"retired {sum(routes.values()):,})")


def _floor_time(bench) -> float:
    return bench.time(lambda: _floor_rows(bench))


@register("territory report (web) ÷ raw SQL aggregates", target=2.0)
def report_web(bench):
    _check_figures(bench)
    return bench.get_time(TERRITORY, role=ROLE), _floor_time(bench)


@register("territory report (XLSX) ÷ raw SQL aggregates", target=2.0)
def report_xlsx(bench):
    return bench.get_time(TERRITORY.replace("sustainability?", "sustainability.xlsx?"), role=ROLE), _floor_time(bench)


@register("territory report (API) ÷ raw SQL aggregates", target=2.0)
def report_api(bench):
    return bench.api_time("/api/v1/reports/sustainability?scope=territory", role=ROLE), _floor_time(bench)


@register("peak RSS of the worker during the territory report", target=300, compare="abs", unit="MB")
def report_rss(bench):
    _response, peak = bench.peak_rss(lambda: bench.get(TERRITORY, role=ROLE))
    return peak, None


def _label_assets(bench, count: int = 1000):
    from sqlalchemy import select

    from lifecycle.assets import services
    from lifecycle.assets.models import Asset
    from purchasing.extensions import db

    ids = list(db.session.scalars(select(Asset.id).order_by(Asset.id).limit(count)))
    return services.assets_for_labels(ids, user=_staff(bench))


def _staff(bench):
    from sqlalchemy import select

    from bench.scale.generate import staff_email
    from purchasing.accounts.models import User
    from purchasing.extensions import db

    return db.session.scalars(select(User).where(User.email == staff_email("purchasing_officer"))).one()


@register("label sheet of 1,000 assets ÷ python-barcode alone for 1,000 codes", target=2.0,
          notes="rendering time (the job's function called directly), barcode cache emptied before each run")
def labels(bench):
    import barcode
    from barcode.writer import SVGWriter

    from lifecycle.assets import tags

    with bench.app.test_request_context():
        assets = _label_assets(bench)
        codes = [a.tag for a in assets]

        def sheet():
            tags.barcode_svg_inline.cache_clear()
            tags.sheet_html(assets, standalone=True)

        def floor():
            for code in codes:
                barcode.get("code128", code, writer=SVGWriter()).write(io.BytesIO())

        return bench.time(sheet, repeat=3), bench.time(floor, repeat=3)


def _orders_floor(bench) -> None:
    import pandas as pd

    from purchasing.orders import exports

    with bench.app.test_request_context():
        stmt = exports._order_lines(_staff(bench), None, None, None)
        with bench.big.connection() as connection:
            frame = pd.read_sql(stmt, connection)
        frame.to_csv(io.StringIO(), sep=";", index=False)


def _orders_csv(bench) -> int:
    response = bench.client("purchasing_officer").get("/orders/export?fmt=csv")
    size = sum(len(chunk) for chunk in response.response)
    response.close()
    return size


@register("orders export CSV (streamed) ÷ pandas read_sql + to_csv", target=2.0)
def orders_csv(bench):
    size = _orders_csv(bench)
    bench.notes.append(f"{bench.dialect}: orders CSV {size / 1e6:.1f} MB streamed")
    return bench.time(lambda: _orders_csv(bench), repeat=3), bench.time(lambda: _orders_floor(bench), repeat=3)


@register("orders CSV: growth of the worker's peak RSS while streaming", target=50, compare="abs", unit="MB",
          notes="floor column: the same growth for pandas read_sql + to_csv")
def orders_csv_memory(bench):
    def growth(fn):
        with open("/proc/self/status") as handle:
            current = next(int(line.split()[1]) for line in handle if line.startswith("VmRSS:")) / 1024
        _result, peak = bench.peak_rss(fn)
        return peak - current

    return growth(lambda: _orders_csv(bench)), growth(lambda: _orders_floor(bench))
