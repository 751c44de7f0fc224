"""National-scale bench: one command, every measure of issue 14, each against its floor from the same run.

    .venv/bin/python bench/national.py --db postgresql://postgres@127.0.0.1:5432/bench_national [--quick]
    .venv/bin/python bench/national.py --db sqlite:///instance/bench_national.sqlite3 --quick
    (--db may be given twice: both databases, one table)

For each --db the command generates (once; reused while the sizes and seed match, ``--regenerate`` to redo)
the national territory (``bench/scale/generate.py``: 1M assets, 35,000 members, 200,000 orders; ``--quick``:
100k assets, 10k orders) and the 10k-asset reference territory the "1M / 10k" ratios divide by, in a second
database next to it (``<db>_ref10k``, created on PostgreSQL, a sibling file on SQLite). Then it runs every
measure registered by the ``bench/scale/measures_*.py`` modules and prints one table:
measure, measured, floor, ratio, target, ok.

Measures go through the real app with Flask's test client in this process (one worker; peak RSS is this
process's). ``--only WORD`` runs the measures whose name contains WORD. Never a timed test: a command.
"""
from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.scale import registry  # noqa: E402
from bench.scale.generate import Sizes, generate, read_meta  # noqa: E402

SEED = 14


def reference_url(url: str) -> str:
    if url.startswith("sqlite:///"):
        root, ext = os.path.splitext(url)
        return f"{root}_ref10k{ext or '.sqlite3'}"
    base, _, rest = url.rpartition("/")
    name, sep, query = rest.partition("?")
    return f"{base}/{name}_ref10k{sep}{query}"


def _reset(url: str) -> None:
    """Empty the database at ``url`` (creating it on PostgreSQL when missing)."""
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):]
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                    {"n": target.database}).first()
        if not exists:
            connection.exec_driver_sql(f'CREATE DATABASE "{target.database}"')
    admin.dispose()
    engine = create_engine(target, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


def ensure(url: str, sizes: Sizes, regenerate: bool) -> None:
    try:
        meta = read_meta(url)
    except Exception:  # noqa: BLE001 - a missing PostgreSQL database: created by _reset
        meta = None
    if meta == (sizes.key(), SEED) and not regenerate:
        print(f"reusing {url} ({sizes.assets:,} assets); flask db upgrade (new indexes of newer migrations)")
        from flask_migrate import upgrade

        from bench.scale.context import make_app

        with make_app(url).app_context():
            upgrade()
        return
    print(f"generating {url}: {sizes.assets:,} assets, {sizes.members:,} members, {sizes.orders:,} orders")
    _reset(url)
    generate(url, sizes, SEED)


def load_measures() -> list[registry.Measure]:
    import bench.scale as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name.startswith("measures_"):
            importlib.import_module(f"bench.scale.{info.name}")
    return registry.MEASURES


def fmt(value, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "s":
        return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"
    return f"{value:,.1f} {unit}"


def run(url: str, sizes: Sizes, args) -> list[tuple]:
    from bench.scale.context import Bench, Side

    small_url = args.small_db or reference_url(url)
    ensure(url, sizes, args.regenerate)
    ensure(small_url, Sizes.reference(), args.regenerate)
    dialect = "postgresql" if url.startswith("postgresql") else "sqlite"
    bench = Bench(big=Side(url, sizes), small=Side(small_url, Sizes.reference()), dialect=dialect, repeat=args.repeat)
    rows = []
    for measure in load_measures():
        if dialect not in measure.databases or (args.only and not any(w in measure.name for w in args.only)):
            continue
        start = time.perf_counter()
        try:
            measured, floor = measure.run(bench)
            ratio, ok = measure.verdict(measured, floor)
            error = ""
        except Exception as exc:  # noqa: BLE001 - one failed measure is a row of the table, not the end
            traceback.print_exc()
            measured = floor = ratio = ok = None
            error = f"{type(exc).__name__}: {exc}"[:120]
        print(f"  {measure.name}: {time.perf_counter() - start:.1f} s", flush=True)
        rows.append((dialect, measure, measured, floor, ratio, ok, error))
    return rows, bench.notes


def print_table(rows, sizes: Sizes) -> None:
    header = ("db", "measure", "measured", "floor", "ratio", "target", "ok")
    lines = [header]
    for dialect, m, measured, floor, ratio, ok, error in rows:
        target = {"max": f"≤ {m.target:g} ×", "min": f"≥ {m.target:g} ×"}.get(m.compare, f"≤ {fmt(m.target, m.unit)}")
        lines.append((dialect, m.name, fmt(measured, m.unit), fmt(floor, m.unit),
                      f"{ratio:.2f} ×" if ratio is not None else "-", target,
                      {True: "ok", False: "NO", None: "error" if error else "-"}[ok]))
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    print(f"\nNational bench: {sizes.assets:,} assets / {Sizes.reference().assets:,} (reference), "
          f"{sizes.orders:,} orders, seed {SEED}")
    for k, line in enumerate(lines):
        print("| " + " | ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(line)) + " |")
        if k == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for dialect, m, *_rest, error in rows:
        if error:
            print(f"error in {dialect} / {m.name}: {error}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", action="append", required=True, help="database URL (twice for both)")
    parser.add_argument("--quick", action="store_true", help="100k assets, 10k orders (development)")
    parser.add_argument("--small-db", help="URL of the 10k-asset reference database (default: <db>_ref10k)")
    parser.add_argument("--regenerate", action="store_true", help="regenerate even when the data matches")
    parser.add_argument("--generate-only", action="store_true")
    parser.add_argument("--only", action="append", help="run the measures whose name contains this")
    parser.add_argument("--repeat", type=int, default=5, help="timed repetitions per measure (median)")
    args = parser.parse_args(argv)
    sizes = Sizes.quick() if args.quick else Sizes.full()
    started = time.perf_counter()
    all_rows, notes = [], []
    for url in args.db:
        if args.generate_only:
            ensure(url, sizes, args.regenerate)
            ensure(args.small_db or reference_url(url), Sizes.reference(), args.regenerate)
            continue
        rows, more = run(url, sizes, args)
        all_rows += rows
        notes += more
    if not args.generate_only:
        print_table(all_rows, sizes)
        for note in notes:
            print(f"note: {note}")
    print(f"total {time.perf_counter() - started:.0f} s")
    return 0 if all(row[5] is not False for row in all_rows) else 1


if __name__ == "__main__":
    sys.exit(main())
