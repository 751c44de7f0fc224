"""Benchmark: the territory sustainability report over N synthetic assets and orders.

Usage: .venv/bin/python bench/report_bench.py [N_ASSETS] [DATABASE_URL]
Creates a fresh database (a temporary SQLite file by default), migrates it, loads the demo territory and
catalogue, bulk-inserts N assets (default 100,000) and a year of order lines, then times the report's
loaders and indicators. Prints seconds and peak memory (tracemalloc) for each step.
"""
from __future__ import annotations

import os
import random
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from decimal import Decimal


def main() -> None:
    n_assets = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    url = sys.argv[2] if len(sys.argv) > 2 else "sqlite:///" + os.path.join(tempfile.mkdtemp(), "bench.sqlite3")
    from flask_migrate import upgrade
    from sqlalchemy import insert, select

    from lifecycle.assets.models import Asset
    from lifecycle.reports import data as report_data
    from purchasing import create_app
    from purchasing.catalogue.models import Product
    from purchasing.demo import territory
    from purchasing.extensions import db
    from purchasing.members.models import Member

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "ENV_NAME": "test", "SECRET_KEY": "bench-only-secret"})
    with app.app_context():
        upgrade()
        territory.load(random.Random(1))
        from purchasing.demo import catalogue, pricing

        pricing.load(random.Random(1))
        catalogue.load(random.Random(1))
        db.session.commit()
        rng = random.Random(2026)
        members = db.session.scalars(select(Member.id)).all()
        products = db.session.execute(select(Product.id, Product.category_id)).all()
        today = date.today()
        start = time.perf_counter()
        batch = []
        for i in range(n_assets):
            product = rng.choice(products)
            batch.append(dict(tag=f"BENCH-{i:08d}", product_id=product.id, category_id=product.category_id,
                              member_id=rng.choice(members), acquisition_date=today - timedelta(days=rng.randint(0, 3650)),
                              purchase_price_ht=Decimal("500.00"), origin="imported", condition="good",
                              holds_storage=False, status=rng.choice(["in_service", "in_stock", "in_pool"]),
                              designation="", assigned_to=""))
            if len(batch) == 10_000:
                db.session.execute(insert(Asset), batch)
                batch = []
        if batch:
            db.session.execute(insert(Asset), batch)
        db.session.commit()
        print(f"inserted {n_assets} assets in {time.perf_counter() - start:.1f} s")

        for label, call in [
            ("fleet groups (SQL GROUP BY + carbon per key)", lambda: report_data.fleet_groups("territory", None, today)),
            ("whole territory report", lambda: report_data.build_scope_report("territory", None, today.year, today)),
        ]:
            tracemalloc.start()
            start = time.perf_counter()
            call()
            elapsed = time.perf_counter() - start
            peak = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()
            print(f"{label}: {elapsed:.2f} s, peak {peak:.0f} MB (Python allocations)")


if __name__ == "__main__":
    main()
