"""List exports at size (issue 15): the inventory's CSV as its export writes it (the list's filtered query, rows
from a server-side cursor) and its XLSX (write-only) against pandas read_sql + to_csv of the same SELECT; and the
growth of this process's peak RSS while each runs.

    .venv/bin/python bench/list_export_bench.py [--assets 100000] [--db sqlite:////abs/path.sqlite3]

The database is emptied, migrated and filled with ``--assets`` assets of one member (bulk INSERT). The export
functions are called in a request context as a staff user (what the route runs, without the HTTP layer).
``bench/scale/measures_exports.py`` has the same measure for the national bench once its generator writes the
sites table again.
"""
from __future__ import annotations

import argparse
import io
import os
import resource
import sys
import time
from datetime import date, datetime, timedelta, timezone

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _rss_mb() -> float:
    with open("/proc/self/status") as handle:
        return next(int(line.split()[1]) for line in handle if line.startswith("VmRSS:")) / 1024


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--assets", type=int, default=100_000)
    default = "sqlite:///" + os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "instance",
                                                          "bench_list_export.sqlite3"))
    parser.add_argument("--db", default=default)
    args = parser.parse_args()
    if args.db.startswith("sqlite:///"):
        path = args.db[len("sqlite:///"):]
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)

    from flask import g
    from flask_migrate import upgrade
    from sqlalchemy import select, text
    from werkzeug.datastructures import MultiDict

    from purchasing import create_app, list_exports
    from purchasing.accounts.models import User
    from purchasing.accounts.services import UserData, create_user
    from purchasing.catalogue.models import Category
    from purchasing.extensions import db
    from purchasing.members.models import Member, Site

    app = create_app({"SQLALCHEMY_DATABASE_URI": args.db, "SECRET_KEY": "bench-" * 8, "ENV_NAME": "bench"})
    with app.app_context():
        upgrade()
        member = Member(kind="commune", name="Commune du banc", search_name="commune du banc", siren="990000016",
                        population=1000, joined_on=date(2020, 1, 1))
        db.session.add(member)
        db.session.flush()
        site = Site(member_id=member.id, name="Mairie", name_key="mairie", address="1 place", postal_code="24000",
                    city="Banc", is_default=True)
        db.session.add(site)
        staff = create_user(UserData(email="officer@bench.local", full_name="Bench", role="purchasing_officer",
                                     member_id=None), "password-123")
        category_id = db.session.scalars(select(Category.id).where(Category.code == "laptop")).one()
        db.session.commit()
        started = time.perf_counter()
        today = date(2026, 12, 1)
        rows = [{"id": n, "tag": f"BENCH-{n:08d}", "serial": f"SN{n:010d}", "category_id": category_id,
                 "designation": f"Portable {n}", "member_id": member.id, "site_id": site.id,
                 "acquired": (today - timedelta(days=n % 3000)).isoformat(), "price": "799.90",
                 "created": datetime(2026, 1, 1, tzinfo=timezone.utc).isoformat()}
                for n in range(1, args.assets + 1)]
        for start in range(0, len(rows), 20_000):
            db.session.execute(text(
                "INSERT INTO asset (id, tag, serial_number, category_id, designation, member_id, site_id, assigned_to,"
                " acquisition_date, purchase_price_ht, origin, condition, holds_storage, status, created_dt)"
                " VALUES (:id, :tag, :serial, :category_id, :designation, :member_id, :site_id, '', :acquired, :price,"
                " 'imported', 'good', false, 'in_service', :created)"), rows[start:start + 20_000])
        db.session.commit()
        del rows
        print(f"{args.assets:,} assets written in {time.perf_counter() - started:.1f} s ({db.engine.dialect.name})")
        user_id = staff.id

    entry = list_exports.REGISTRY["inventory"]

    def in_request(fn):
        with app.test_request_context("/lifecycle/export.csv"):
            g._login_user = db.session.get(User, user_id)
            return fn()

    def export_csv():
        stmt = entry.query(MultiDict())
        return sum(len(chunk) for chunk in list_exports.csv_chunks(entry, list_exports.iter_values(entry, stmt)))

    def export_xlsx():
        stmt = entry.query(MultiDict()).limit(10_000)
        return len(list_exports.xlsx_bytes(entry, list_exports.iter_values(entry, stmt)))

    def floor():
        import pandas as pd

        stmt = entry.query(MultiDict())
        with db.engine.connect() as connection:
            frame = pd.read_sql(stmt, connection)
        return len(frame.to_csv(io.StringIO(), sep=";", index=False) or "")

    def measured(fn) -> tuple[float, int, float]:
        """(seconds, bytes, peak RSS growth in MB) of ``fn`` run in a forked child (its own peak RSS)."""
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: fresh connections, its own peak
            os.close(read)
            with app.app_context():
                db.engine.dispose()
                before = _rss_mb()
                started = time.perf_counter()
                size = in_request(fn)
                elapsed = time.perf_counter() - started
                growth = _peak_mb() - before
            os.write(write, f"{elapsed} {size} {growth}".encode())
            os._exit(0)
        os.close(write)
        with os.fdopen(read) as handle:
            elapsed, size, growth = handle.read().split()
        os.waitpid(pid, 0)
        return float(elapsed), int(size), float(growth)

    results = []
    for label, fn in (("inventory CSV, every asset (export)", export_csv),
                      ("inventory CSV floor: pandas read_sql + to_csv", floor),
                      ("inventory XLSX, 10,000 rows (the direct limit)", export_xlsx)):
        results.append((label, *measured(fn)))
    print(f"{'measure':50} {'seconds':>8} {'MB out':>8} {'peak RSS +MB':>13}")
    for label, elapsed, size, growth in results:
        print(f"{label:50} {elapsed:8.2f} {size / 1e6:8.1f} {growth:13.1f}")
    print(f"CSV export ÷ pandas floor: {results[0][1] / results[1][1]:.2f}")


if __name__ == "__main__":
    main()
