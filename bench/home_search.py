"""Home page and global search on the demo territory (issue 15; a command, not a timed test).

Usage: .venv/bin/python bench/home_search.py [--repeat 20] [--db sqlite|URL]

Loads ``flask demo`` into a temporary SQLite file (or the PostgreSQL URL given, whose schema is dropped first), then
for each demo persona prints the SQL statements and the median time of GET / (the "what needs me now" counts)
and of a few searches from the header box. The statements do not depend on the data's size: one aggregate per
count, one bounded query per kind of search result (tests/web/test_home_dashboard.py and
tests/web/test_global_search.py assert it); bench/scale/measures_home.py compares 1M with 10k assets.
"""
from __future__ import annotations

import argparse
import logging
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, event, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from purchasing import create_app  # noqa: E402
from purchasing.extensions import db  # noqa: E402

PERSONAS = ["secretaire@petite-commune.demo", "maire@petite-commune.demo", "achats@demo.local",
            "durabilite@demo.local", "admin@demo.local"]
SEARCHES = ["SDN-20", "CMD-2025", "saint", "dell lat"]
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--db", default="sqlite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/demo.sqlite3" if args.db == "sqlite" else args.db
        if args.db != "sqlite":
            engine = create_engine(url)
            with engine.begin() as connection:
                connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
            engine.dispose()
        logging.disable(logging.INFO)  # the request log would drown the table
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "STORAGE_PATH": folder,
                          "WTF_CSRF_ENABLED": True})
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
        result = app.test_cli_runner().invoke(args=["demo"])
        if result.exit_code != 0:
            print(result.output)
            return 2
        print(f"database: {url.split(':')[0]}, {args.repeat} requests each")
        print(f"{'persona':34} {'request':26} {'statements':>10} {'median ms':>10}")
        for email in PERSONAS:
            client = app.test_client()
            page = client.get("/login").get_data(as_text=True)
            response = client.post("/login", data={"email": email, "password": "demo",
                                                   "csrf_token": CSRF_RE.search(page).group(1)})
            if response.status_code != 302:
                print(f"{email}: login failed ({response.status_code})")
                return 2
            for path in ["/"] + [f"/search?q={q}" for q in SEARCHES]:
                with app.app_context():
                    statements = []

                    def count(*_args, **_kw):
                        statements.append(1)

                    event.listen(db.engine, "before_cursor_execute", count)
                    assert client.get(path).status_code == 200, path
                    event.remove(db.engine, "before_cursor_execute", count)
                times = []
                for _ in range(args.repeat):
                    start = time.perf_counter()
                    client.get(path)
                    times.append((time.perf_counter() - start) * 1000)
                print(f"{email:34} {path:26} {len(statements):>10} {statistics.median(times):>10.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
