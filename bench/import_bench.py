"""Benchmark: a 100,000-row inventory import through the job path ÷ its floor (pandas reading the file + one
COPY of the same rows), issue 14's target ≤ 3 ×.

Usage:
    .venv/bin/python bench/import_bench.py [--rows 100000] [--db sqlite | postgresql://user@host:port/any] [--repeat 3]

``--db sqlite`` (default): a fresh SQLite file in a temporary folder. A PostgreSQL URL: a temporary database
``import_bench_<pid>`` is created on that server (the URL's own database is only used to connect), migrated, and
dropped at the end.

Both are measured in the same run on the same bytes, best of ``--repeat`` (each run on an empty inventory):
- floor: ``pandas.read_csv`` of the file (strings, as an import needs) + one bulk load of the same rows into a
  scratch table of text columns (PostgreSQL: one ``COPY … FROM STDIN`` with psycopg's ``write_row``; SQLite: one
  ``executemany``), committed;
- measured: the application's import as a job (``purchasing.jobs.kinds.start_inventory_import`` and the
  consumer's ``purchasing.jobs.services.execute``: read the file, validate by columns with progress, reserve the
  tags, write the assets — pointing to one import record, their timeline's first entry — through
  ``lifecycle.imports.bulk``, commit); the web request's
  own pre-check (``count_inventory_rows``: the file read once to refuse it at once or choose the job path) is
  printed beside it;
- for reference only (the issue's ratio stays the one against the floor above): the same read and one bulk load
  of the same rows into the real ``asset`` table (its indexes, unique constraints and foreign keys; only the
  cells the table requires derived, typed cells left empty), rolled back — the part of the gap the table's own
  constraints make, whatever the import's code does.
"""
from __future__ import annotations

import argparse
import io
import os
import random
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

COLUMNS = ["category_code", "designation", "manufacturer_ref", "serial_number", "site", "assigned_to",
           "acquisition_date", "purchase_price_ht", "condition", "status", "holds_storage", "warranty_end_date"]
MODELS = {
    "laptop": [("Dell Latitude 5440", "849,90"), ("Lenovo ThinkPad T14 Gen 4", "1 029,00"),
               ("HP EliteBook 840 G10", "979,00"), ("Dell Latitude 7420 reconditionné", "489,00")],
    "desktop": [("Dell OptiPlex 7010", "689,00"), ("Lenovo ThinkCentre M70q", "612,50"), ("HP Elite Mini 800", "701,00")],
    "monitor_24": [("Dell P2423D", "219,90"), ("iiyama ProLite XUB2492HSU", "149,00"), ("HP E24 G5", "189,00")],
    "smartphone": [("Samsung Galaxy A54", "329,00"), ("Fairphone 5", "579,00"), ("iPhone SE", "529,00")],
}
SITES = ["Mairie", "École maternelle", "École élémentaire", "Médiathèque", "Services techniques", "CCAS",
         "Salle des fêtes", "Police municipale", "Crèche", "Stade"] + [f"Annexe {n}" for n in range(1, 21)]
SERVICES = ["Accueil", "État civil", "Urbanisme", "Comptabilité", "Direction", "Ressources humaines", "Élus",
            "Périscolaire", "Bibliothèque", ""]


def inventory_csv(rows: int, seed: int = 14, prefix: str = "BENCH") -> bytes:
    """A French spreadsheet's inventory: ``;``, decimal commas, dd/mm/yyyy and ISO dates, accents, empty cells."""
    rng = random.Random(seed)
    today = date.today()
    lines = [";".join(COLUMNS)]
    categories = list(MODELS)
    for n in range(rows):
        category = rng.choices(categories, weights=(45, 25, 25, 5))[0]
        designation, price = rng.choice(MODELS[category])
        acquired = today - timedelta(days=rng.randint(30, 3650))
        warranty = acquired + timedelta(days=365 * rng.choice((2, 3, 5)))
        acquired_text = acquired.strftime("%d/%m/%Y") if rng.random() < 0.7 else acquired.isoformat()
        lines.append(";".join([
            category, designation, "", f"{prefix}{n:08d}", rng.choice(SITES), rng.choice(SERVICES), acquired_text,
            price if rng.random() < 0.9 else "", rng.choice(("good", "good", "fair", "new", "")),
            rng.choice(("in_service", "in_service", "in_stock")), rng.choice(("oui", "non", "")),
            warranty.isoformat() if rng.random() < 0.5 else "",
        ]))
    return ("\n".join(lines) + "\n").encode("utf-8")


# --- databases -----------------------------------------------------------------------------------------------

def _create_postgres_database(url: str) -> tuple[str, callable]:
    import psycopg
    from sqlalchemy.engine import make_url

    base = make_url(url.replace("postgresql+psycopg://", "postgresql://"))
    name = f"import_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return base.set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False), drop


def _app(url: str, instance: Path):
    from purchasing import create_app

    return create_app({"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-only-secret-" + "x" * 20,
                       "JOBS_IMMEDIATE": False, "JOBS_EMBEDDED_WORKER": False, "LOG_LEVEL": "WARNING",
                       "HUEY_SQLITE_PATH": str(instance / "queue.sqlite3"), "HUEY_NAME": f"bench-{uuid.uuid4().hex[:6]}",
                       "STORAGE_PATH": str(instance / "storage")})


def _seed():
    from datetime import date as _date
    from decimal import Decimal

    from purchasing.accounts.services import UserData, create_user
    from purchasing.domain.identifiers import luhn_check_digit
    from purchasing.extensions import db
    from purchasing.members.models import Member

    body = "97000001"
    member = Member(kind="commune", name="Commune du banc d'essai", search_name="commune du banc d'essai",
                    siren=body + luhn_check_digit(body), insee_code="24999", population=3000,
                    approval_threshold_ht=Decimal("1000.00"), joined_on=_date(2020, 1, 1), is_active=True)
    db.session.add(member)
    db.session.flush()
    user = create_user(UserData(email="bench@import.test", full_name="Banc d'essai", role="secretary",
                                member_id=member.id), "password-123")
    ids = member.id, user.id
    db.session.commit()
    return ids


def _empty_inventory(member_id: int) -> None:
    from sqlalchemy import delete, select

    from lifecycle.assets.models import Asset, AssetEvent
    from purchasing.extensions import db
    from purchasing.jobs.models import Job

    db.session.remove()  # SQLite: no read transaction older than the floor's writes
    ids = select(Asset.id).where(Asset.member_id == member_id).scalar_subquery()
    db.session.execute(delete(AssetEvent).where(AssetEvent.asset_id.in_(ids)))
    db.session.execute(delete(Asset).where(Asset.member_id == member_id))
    db.session.execute(delete(Job))
    db.session.commit()
    db.session.remove()


# --- the two measures ----------------------------------------------------------------------------------------

def floor(data: bytes) -> float:
    """pandas read + one bulk load of the same rows into a scratch table, committed."""
    import pandas as pd

    from purchasing.extensions import db

    connection = db.engine.raw_connection()
    try:
        postgres = db.engine.dialect.name == "postgresql"
        cursor = connection.cursor()
        columns = ", ".join(f"{c} text" for c in COLUMNS)
        cursor.execute("DROP TABLE IF EXISTS bench_floor")
        cursor.execute(f"CREATE TABLE bench_floor ({columns})")
        connection.commit()
        started = time.perf_counter()
        frame = pd.read_csv(io.BytesIO(data), sep=";", dtype=str, keep_default_na=False)
        if postgres:
            with cursor.copy(f"COPY bench_floor ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in frame.itertuples(index=False, name=None):
                    copy.write_row(row)
        else:
            cursor.execute("BEGIN")
            cursor.executemany(f"INSERT INTO bench_floor VALUES ({', '.join('?' * len(COLUMNS))})",
                               frame.itertuples(index=False, name=None))
        connection.commit()
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_floor")
        connection.commit()
        return elapsed
    finally:
        connection.close()


def floor_real_table(data: bytes, member_id: int) -> float:
    """A second floor, for reference only (the issue's ratio is against :func:`floor`): the same pandas read and
    one bulk load of the same rows into the real ``asset`` table — its indexes, unique constraints and foreign
    keys — rolled back. Only what the table requires is derived (a tag per row, the category's id, the
    member); dates, prices and the other typed cells are left empty, so this is still below any real import."""
    import pandas as pd

    from purchasing.db_types import utcnow
    from purchasing.extensions import db

    connection = db.engine.raw_connection()
    try:
        postgres = db.engine.dialect.name == "postgresql"
        cursor = connection.cursor()
        cursor.execute("SELECT code, id FROM category")
        categories = dict(cursor.fetchall())
        connection.rollback()
        started = time.perf_counter()
        frame = pd.read_csv(io.BytesIO(data), sep=";", dtype=str, keep_default_na=False)
        n = len(frame)
        now = utcnow() if postgres else utcnow().replace(tzinfo=None).isoformat(sep=" ")
        serials = frame["serial_number"].to_numpy(dtype=object)
        columns = ["tag", "member_id", "origin", "created_dt", "category_id", "designation", "serial_number",
                   "assigned_to", "condition", "status", "holds_storage"]
        rows = zip([f"FLOOR-{k:08d}" for k in range(n)], [member_id] * n, ["imported"] * n, [now] * n,
                   frame["category_code"].map(categories).astype(int).tolist(), frame["designation"].tolist(),
                   [v or None for v in serials], frame["assigned_to"].tolist(),
                   frame["condition"].replace("", "good").tolist(), frame["status"].tolist(), [False] * n)
        if postgres:
            with cursor.copy(f"COPY asset ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.execute("BEGIN")
            cursor.executemany(f"INSERT INTO asset ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                               rows)
        elapsed = time.perf_counter() - started
        connection.rollback()
        return elapsed
    finally:
        connection.close()


def measured(data: bytes, member_id: int, user_id: int) -> tuple[float, float, dict]:
    """(the job's time, the request's pre-check time, the job's result) of the app's import through the job path."""
    from sqlalchemy import func, select

    from lifecycle.assets.models import Asset
    from purchasing.accounts.models import User
    from purchasing.extensions import db
    from purchasing.jobs import kinds, services
    from purchasing.jobs.models import Job

    user = db.session.get(User, user_id)
    started = time.perf_counter()
    rows = kinds.count_inventory_rows("inventaire.csv", data)
    checked = time.perf_counter()
    job = kinds.start_inventory_import(user, member_id, "inventaire.csv", data, dry_run=False, rows=rows)
    db.session.commit()
    job_id = job.id
    services.execute(job_id)
    elapsed = time.perf_counter() - checked
    db.session.remove()
    job = db.session.get(Job, job_id)
    count = db.session.scalar(select(func.count()).select_from(Asset).where(Asset.member_id == member_id))
    if job.status != "done" or count != rows:
        raise SystemExit(f"the import did not complete: {job.status} {job.error} ({count} assets)")
    return elapsed, checked - started, {"status": job.status, "rows": rows, "assets": count,
                                        "progress": f"{job.progress_done}/{job.progress_total}"}


def breakdown(data: bytes, member_id: int) -> dict[str, float]:
    """Where the job's time goes: its phases run one by one (the writes rolled back), the two tables' COPY or
    INSERT timed apart."""
    from lifecycle.imports import bulk
    from lifecycle.imports import services as imports
    from purchasing.extensions import db

    phases: dict[str, float] = {}
    writer = bulk._copy_rows if db.engine.dialect.name == "postgresql" else bulk._sqlite_insert
    name = writer.__name__

    def timed(connection, table, *args, **kwargs):
        started = time.perf_counter()
        count = writer(connection, table, *args, **kwargs)
        label = f"write {getattr(table, 'name', table)} ({count:,} rows)"
        phases[label] = phases.get(label, 0) + time.perf_counter() - started
        return count

    setattr(bulk, name, timed)
    try:
        started = time.perf_counter()
        frame = imports.read_table("inventaire.csv", data)
        phases["read the file (upload reader)"] = time.perf_counter() - started
        started = time.perf_counter()
        rows, _errors = imports.validate(frame)
        phases["validate by columns"] = time.perf_counter() - started
        started = time.perf_counter()
        bulk.insert_assets(member_id, None, rows, "inventaire.csv")
        phases["bulk write, all (tags, ids, rows to tuples, both tables)"] = time.perf_counter() - started
    finally:
        setattr(bulk, name, writer)
        db.session.rollback()
        db.session.remove()
    return phases


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--db", default="sqlite", help="sqlite, or a PostgreSQL URL (a temporary database is created)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measure; the best is kept")
    args = parser.parse_args(argv)

    from flask_migrate import upgrade

    from purchasing.extensions import db

    instance = Path(tempfile.mkdtemp(prefix="import-bench-"))
    drop = None
    if args.db == "sqlite":
        url, label = "sqlite:///" + str(instance / "bench.sqlite3"), "SQLite"
    else:
        url, drop = _create_postgres_database(args.db)
        label = "PostgreSQL"
    try:
        app = _app(url, instance)
        with app.app_context():
            upgrade()
            member_id, user_id = _seed()
            data = inventory_csv(args.rows)
            floors, real_floors, runs, checks = [], [], [], []
            for _ in range(args.repeat):
                floors.append(floor(data))
                _empty_inventory(member_id)
                real_floors.append(floor_real_table(data, member_id))  # on the empty inventory, rolled back
                elapsed, check, result = measured(data, member_id, user_id)
                runs.append(elapsed)
                checks.append(check)
            _empty_inventory(member_id)
            phases = breakdown(data, member_id)
            db.session.remove()
            db.engine.dispose()
        best_floor, best_run = min(floors), min(runs)
        ratio = best_run / best_floor
        print(f"inventory import, {args.rows:,} rows ({len(data) / 1e6:.1f} MB CSV) on {label}, best of {args.repeat}")
        print(f"{'measure':<48} {'measured':>9} {'floor':>8} {'ratio':>7} {'target':>7}")
        print(f"{'job: read + validate + bulk write + commit':<48} {best_run:>8.2f}s {best_floor:>7.2f}s "
              f"{ratio:>6.2f}× {'≤ 3×':>7}  {'OK' if ratio <= 3 else 'OVER'}")
        print(f"{'(request pre-check: the file read once)':<48} {min(checks):>8.2f}s")
        real = min(real_floors)
        print(f"{'(reference only, not the issue floor: the same':<48} {'':>9} {real:>7.2f}s {best_run / real:>6.2f}×")
        print("  rows into the real asset table — its indexes, unique constraints and foreign keys — typed cells "
              "empty)")
        print("where the job's time goes (one run, phase by phase, writes rolled back):")
        for label, seconds in phases.items():
            print(f"  {label:<62} {seconds:>6.2f}s")
        print(f"job result: {result}; runs: measured {', '.join(f'{r:.2f}' for r in runs)} s, "
              f"floor {', '.join(f'{f:.2f}' for f in floors)} s, "
              f"real-table floor {', '.join(f'{f:.2f}' for f in real_floors)} s")
        return 0
    finally:
        if drop is not None:
            drop()


if __name__ == "__main__":
    sys.exit(main())
