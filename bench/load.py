"""Load and faults bench (not a timed test): simulated users against gunicorn on loopback, then an integrity check.

Usage: .venv/bin/python bench/load.py [--users 200] [--duration 600] [--workers 4] [--db auto|postgres|sqlite]
                                     [--kill-worker] [--restart-postgres] [--think 1-3] [--timeout 15]

It prepares everything itself in a temporary folder and removes it afterwards:

- the database: its **own PostgreSQL cluster** (``initdb`` in the temporary folder, on a free port, run as the
  ``postgres`` system user when started as root, since initdb refuses root; binaries from
  ``/usr/lib/postgresql/<version>/bin``), never the machine's shared server; or a SQLite file (``--db sqlite``;
  ``auto`` takes PostgreSQL when its server binaries are installed);
- ``flask db upgrade`` and ``flask demo`` in it (the users sign in with the demo accounts, password ``demo``);
- gunicorn on 127.0.0.1 with ``--workers`` workers (all traffic stays on loopback).

Each simulated user signs in through the login form (CSRF token from the page, session cookie), then, for
``--duration`` seconds with a think time between actions, does what its role does: secretaries browse the
catalogue, fill and submit carts, read their orders and inventory, erase and offer equipment to the reuse pool
and claim other members' offers; approvers approve (sometimes reject) the orders waiting for them; purchasing
officers create, send and deliver purchase orders; the sustainability officer and the administrator read
reports and lists. Every loop is bounded in time and in count; the command stops by itself.

``--kill-worker`` sends SIGKILL to one gunicorn worker at 40 % of the run (the master starts another);
``--restart-postgres`` restarts the command's own cluster (``pg_ctl restart -m fast``) at 60 %.

It prints requests/s, the error rate (5xx, timeouts and connection failures; business refusals such as a lost
claim, 4xx, are counted apart) outside and inside the restart window (from the restart order until 2 s after
the server is back), p50/p95/p99 per route, then runs bench/integrity.py on the database. Exit code 1 on any
integrity violation, 2 when the load itself could not run (server not up, nobody signed in).
"""
from __future__ import annotations

import argparse
import html
import http.client
import http.cookiejar
import math
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "bench"))
sys.path.insert(0, str(REPO_ROOT))

#: (demo account, share of the simulated users)
ACCOUNTS = [
    ("secretaire@petite-commune.demo", "secretary", 0.25),
    ("secretaire@moyenne-commune.demo", "secretary", 0.25),
    ("maire@petite-commune.demo", "approver", 0.08),
    ("maire@moyenne-commune.demo", "approver", 0.08),
    ("achats@demo.local", "purchasing_officer", 0.18),
    ("durabilite@demo.local", "sustainability_officer", 0.08),
    ("admin@demo.local", "admin", 0.08),
]
RESTART_GRACE_S = 2.0
SEARCHES = ["latitude", "ecran", "thinkpad", "imprimante", "portable", "dell", "hp", "lenovo", "tablette"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the database --------------------------------------------------------------------------------

def postgres_bin() -> Path | None:
    folders = [p for p in Path("/usr/lib/postgresql").glob("*/bin") if p.parent.name.isdigit()
               and (p / "initdb").is_file() and (p / "pg_ctl").is_file()]
    return max(folders, key=lambda p: int(p.parent.name)) if folders else None


class OwnPostgres:
    """A throwaway PostgreSQL cluster in a temporary folder, on a free loopback port."""

    def __init__(self, base: Path):
        self.bin = postgres_bin()
        if self.bin is None:
            raise SystemExit("PostgreSQL server binaries not found in /usr/lib/postgresql/<version>/bin")
        self.folder = base / "pg"
        self.data = self.folder / "data"
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/parc_load"

    def _as_owner(self, *command: str) -> list[str]:
        if os.geteuid() != 0:
            return list(command)
        if shutil.which("runuser"):
            return ["runuser", "-u", "postgres", "--", *command]
        return ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(map(shlex_quote, command))]

    def _run(self, *command: str) -> None:
        subprocess.run(self._as_owner(*command), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> None:
        self.folder.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--locale=C", "--no-sync")
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.folder} "
                   "-c max_connections=200 -c shared_buffers=64MB")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "server.log"),
                  "-o", options, "-w", "-t", "60", "start")
        import psycopg

        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE parc_load")

    def restart(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "restart")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run(self._as_owner(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def shlex_quote(text: str) -> str:
    import shlex

    return shlex.quote(text)


# --- the server ----------------------------------------------------------------------------------

class Server:
    def __init__(self, base: Path, database_url: str, workers: int):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log = base / "gunicorn.log"
        self.env = {**os.environ, "DATABASE_URL": database_url, "INSTANCE_PATH": str(base / "instance"),
                    "SECRET_KEY": secrets.token_hex(32)}
        self.env.pop("PARC_ENV", None)
        self.workers = workers
        self.process: subprocess.Popen | None = None

    def flask(self, *args: str) -> None:
        subprocess.run([sys.executable, "-m", "flask", "--app", "purchasing", *args], cwd=REPO_ROOT, env=self.env,
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> None:
        self.log_file = self.log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}",
             "--timeout", "30", "--access-logfile", "/dev/null", "--error-logfile", str(self.log),
             "purchasing:create_app()"], cwd=REPO_ROOT, env=self.env, start_new_session=True,
            stdout=self.log_file, stderr=subprocess.STDOUT)  # the app's own log lines too
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.base_url + "/healthz", timeout=2).close()
                return
            except OSError:
                time.sleep(0.3)
        raise SystemExit("gunicorn did not start (see its log)")

    def worker_pids(self) -> list[int]:
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if self.process and int(fields[1]) == self.process.pid:
                pids.append(int(stat.parent.name))
        return pids

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, "log_file", None):
            self.log_file.close()


# --- the simulated users -------------------------------------------------------------------------

@dataclass
class Sample:
    start: float
    end: float
    route: str
    status: int  # 0: timeout or connection failure
    error: str = ""


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
NUMBER = re.compile(r"\d+")


def route_of(method: str, path: str) -> str:
    return f"{method} " + NUMBER.sub("<id>", path.split("?", 1)[0])


class User(threading.Thread):
    def __init__(self, number: int, email: str, role: str, base_url: str, deadline: float, args, samples: list,
                 lock: threading.Lock, start_at: float):
        super().__init__(daemon=True, name=f"user-{number}")
        self.email, self.role, self.base_url, self.deadline = email, role, base_url, deadline
        self.args, self.samples, self.lock, self.start_at = args, samples, lock, start_at
        self.rng = random.Random(args.seed * 1000 + number)
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)
        self.csrf = ""
        self.logged_in = False
        self.requests = 0
        self.max_requests = max(50, int(args.duration * 5))

    # one HTTP exchange, recorded
    def call(self, method: str, path: str, data: dict | None = None) -> tuple[int, str, str]:
        if not self.running():
            raise StopIteration
        self.requests += 1
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base_url + path, data=body, method=method)
        start = time.monotonic()
        status, text, location, error = 0, "", "", ""
        try:
            with self.opener.open(request, timeout=self.args.timeout) as response:
                status, text = response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            status, location = exc.code, exc.headers.get("Location", "")
            text = exc.read().decode("utf-8", "replace")
        except (TimeoutError, socket.timeout):
            error = "timeout"
        except (urllib.error.URLError, ConnectionError, http.client.HTTPException, OSError) as exc:
            error = f"connection: {type(getattr(exc, 'reason', exc)).__name__}"
        end = time.monotonic()
        with self.lock:
            self.samples.append(Sample(start, end, route_of(method, path), status, error))
        match = CSRF.search(text)
        if match:
            self.csrf = html.unescape(match.group(1))
        if status in (301, 302, 303) and "/login" in location and not path.startswith("/login"):
            self.logged_in = False
        return status, text, location

    def running(self) -> bool:
        return time.monotonic() < self.deadline and self.requests < self.max_requests

    def post(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        return self.call("POST", path, {"csrf_token": self.csrf, **(data or {})})

    def login(self) -> None:
        self.call("GET", "/login")
        status, _, _ = self.post("/login", {"email": self.email, "password": "demo"})
        if status == 302:
            self.logged_in = True
            self.call("GET", "/")  # the page after login, and a CSRF token of the signed-in session

    def think(self) -> None:
        low, high = self.args.think
        pause = self.rng.uniform(low, high)
        time.sleep(max(0.0, min(pause, self.deadline - time.monotonic())))

    def run(self) -> None:
        time.sleep(max(0.0, self.start_at - time.monotonic()))
        actions = ROLE_ACTIONS[self.role]
        try:
            while self.running():
                if not self.logged_in:
                    self.login()
                    self.think()
                    continue
                action = self.rng.choices([a for a, _ in actions], weights=[w for _, w in actions])[0]
                action(self)
                self.think()
        except StopIteration:
            pass

    # helpers
    def ids(self, pattern: str, text: str) -> list[int]:
        return [int(x) for x in re.findall(pattern, text)]


def browse_catalogue(u: User) -> None:
    query = u.rng.choice([f"?q={u.rng.choice(SEARCHES)}", f"?page={u.rng.randint(1, 4)}", "", "?sort=carbon"])
    _, text, _ = u.call("GET", "/catalogue/" + query)
    products = u.ids(r'href="/catalogue/products/(\d+)"', text)
    if products:
        u.call("GET", f"/catalogue/products/{u.rng.choice(products)}")


def order(u: User) -> None:
    _, text, _ = u.call("GET", "/catalogue/?page=" + str(u.rng.randint(1, 4)))
    products = u.ids(r'href="/catalogue/products/(\d+)"', text)
    if not products:
        return
    _, text, _ = u.call("GET", f"/catalogue/products/{u.rng.choice(products)}")
    offers = u.ids(r'name="offer_id" value="(\d+)"', text)
    if not offers:
        return
    u.post("/cart/add", {"offer_id": u.rng.choice(offers), "quantity": u.rng.randint(1, 3)})
    _, text, _ = u.call("GET", "/cart")
    lines = u.ids(r'name="qty-(\d+)"', text)
    if lines and u.rng.random() < 0.7:
        data = {f"qty-{line}": re.search(rf'name="qty-{line}" value="(\d+)"', text).group(1)
                if re.search(rf'name="qty-{line}" value="(\d+)"', text) else "1" for line in lines}
        site = re.search(r'<option selected value="(\d+)"|<option value="(\d+)" selected', text)
        data.update(delivery_site_id=next((g for g in site.groups() if g), "0") if site else "0", note="",
                    action="submit")  # the member's default site, preselected in the cart
        u.post("/cart", data)


def my_orders(u: User) -> None:
    _, text, _ = u.call("GET", "/orders/")
    orders = u.ids(r'href="/orders/(\d+)"', text)
    if orders:
        u.call("GET", f"/orders/{u.rng.choice(orders)}")


def inventory(u: User) -> None:
    _, text, _ = u.call("GET", "/lifecycle/" + u.rng.choice(["", "?page=2", "?status=in_stock"]))
    assets = u.ids(r'href="/lifecycle/assets/(\d+)"', text)
    if assets:
        u.call("GET", f"/lifecycle/assets/{u.rng.choice(assets)}")


def offer_to_pool(u: User) -> None:
    _, text, _ = u.call("GET", "/lifecycle/?status=in_stock")
    assets = u.ids(r'href="/lifecycle/assets/(\d+)"', text)
    if not assets:
        return
    asset = u.rng.choice(assets)
    _, text, _ = u.call("GET", f"/lifecycle/assets/{asset}")
    if f"/lifecycle/assets/{asset}/offer" not in text:
        return
    if f"/lifecycle/assets/{asset}/erasure" in text:
        u.post(f"/lifecycle/assets/{asset}/erasure", {
            "erasure-method": "nist_clear", "erasure-performed_on": date.today().isoformat(),
            "erasure-operator": "Banc de charge", "erasure-certificate_ref": f"BENCH-{u.rng.randint(1, 10**9)}"})
    u.post(f"/lifecycle/assets/{asset}/offer", {"offer-condition": "good", "offer-note": "banc de charge"})


def claim(u: User) -> None:
    _, text, _ = u.call("GET", "/lifecycle/pool")
    listings = u.ids(r'action="/lifecycle/pool/(\d+)/claim"', text)
    if listings:
        u.post(f"/lifecycle/pool/{u.rng.choice(listings[:5])}/claim")


def member_report(u: User) -> None:
    u.call("GET", "/reports/sustainability")


def notifications(u: User) -> None:
    u.call("GET", "/notifications/")


def approve(u: User) -> None:
    _, text, _ = u.call("GET", "/orders/to-approve")
    orders = u.ids(r'href="/orders/(\d+)"', text)
    if not orders:
        return
    order_id = u.rng.choice(orders[:5])
    u.call("GET", f"/orders/{order_id}")
    if u.rng.random() < 0.1:
        u.post(f"/orders/{order_id}/reject", {"reason": "Budget de l'exercice épuisé (banc de charge)."})
    else:
        u.post(f"/orders/{order_id}/approve")


def purchase_orders(u: User) -> None:
    _, text, _ = u.call("GET", "/purchase-orders/to-place")
    contracts = u.ids(r'name="contract_id" value="(\d+)"', text)
    if not contracts:
        _, text, _ = u.call("GET", "/purchase-orders/")
        return
    status, _, location = u.post("/purchase-orders/create", {"contract_id": u.rng.choice(contracts)})
    match = re.search(r"/purchase-orders/(\d+)$", location or "")
    if status != 302 or not match:
        return
    po = int(match.group(1))
    u.call("GET", f"/purchase-orders/{po}")
    status, _, _ = u.post(f"/purchase-orders/{po}/send")
    if status != 302:
        return
    _, text, _ = u.call("GET", f"/purchase-orders/{po}/delivery")
    remaining = re.findall(r'<td class="num">(\d+)</td>\s*<td><label class="sr-only" for="qty-(\d+)"', text)
    if remaining:
        u.post(f"/purchase-orders/{po}/delivery", {f"qty-{line}": left for left, line in remaining})


def officer_lists(u: User) -> None:
    path = u.rng.choice(["/purchase-orders/", "/contracts/", "/orders/?status=approved", "/tenders/",
                         "/lifecycle/pool"])
    u.call("GET", path)


def deliver_pending(u: User) -> None:
    _, text, _ = u.call("GET", "/purchase-orders/?status=sent")
    pos = u.ids(r'href="/purchase-orders/(\d+)"', text)
    if not pos:
        return
    po = u.rng.choice(pos[:5])
    _, text, _ = u.call("GET", f"/purchase-orders/{po}/delivery")
    remaining = [(left, line) for left, line in
                 re.findall(r'<td class="num">(\d+)</td>\s*<td><label class="sr-only" for="qty-(\d+)"', text)
                 if int(left) > 0]
    if remaining:
        u.post(f"/purchase-orders/{po}/delivery", {f"qty-{line}": left for left, line in remaining})


def territory_report(u: User) -> None:
    year = date.today().year - u.rng.choice([0, 1])
    u.call("GET", u.rng.choice([f"/reports/sustainability?scope=territory&year={year}",
                                f"/reports/sustainability.csv?scope=territory&year={year}",
                                "/reports/sustainability"]))


def admin_lists(u: User) -> None:
    u.call("GET", u.rng.choice(["/members/", f"/members/?page={u.rng.randint(1, 20)}", "/admin/users",
                                "/admin/tariff-grids/", "/suppliers/", "/catalogue/"]))


ROLE_ACTIONS = {
    "secretary": [(browse_catalogue, 5), (order, 3), (my_orders, 2), (inventory, 2), (offer_to_pool, 1),
                  (claim, 1), (member_report, 1), (notifications, 1)],
    "approver": [(approve, 4), (my_orders, 2), (browse_catalogue, 1), (notifications, 1)],
    "purchasing_officer": [(purchase_orders, 3), (deliver_pending, 2), (officer_lists, 3)],
    "sustainability_officer": [(territory_report, 2), (browse_catalogue, 1), (inventory, 1)],
    "admin": [(admin_lists, 3), (territory_report, 1)],
}


# --- the run -------------------------------------------------------------------------------------

@dataclass
class Faults:
    kill_at: float | None = None
    killed_pid: int | None = None
    restart_window: tuple[float, float] | None = None
    notes: list[str] = field(default_factory=list)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def is_error(sample: Sample) -> bool:
    return sample.status == 0 or sample.status >= 500


def print_report(samples: list[Sample], faults: Faults, started: float, ended: float, args, logged_in: int,
                 users: int) -> None:
    elapsed = ended - started
    window = faults.restart_window
    in_window = [s for s in samples if window and s.end >= window[0] and s.start <= window[1]]
    # the requests the killed worker was serving when it died (started before the kill, failed just after)
    in_ids = {id(s) for s in in_window}
    at_kill = [s for s in samples if id(s) not in in_ids and faults.kill_at and s.error.startswith("connection")
               and s.start <= faults.kill_at <= s.end + 0.5]
    in_ids.update(id(s) for s in at_kill)
    outside = [s for s in samples if id(s) not in in_ids]
    errors_out = [s for s in outside if is_error(s)]
    errors_in = [s for s in in_window if is_error(s)]
    refusals = defaultdict(int)
    for s in samples:
        if 400 <= s.status < 500:
            refusals[s.status] += 1
    print(f"\n=== Load report: {users} users ({logged_in} signed in), {elapsed:.0f} s, {args.workers} gunicorn "
          f"workers, database {args.db_label} ===")
    print(f"machine: {os.cpu_count()} cores, load average {args.load_before:.1f} before the run, "
          f"{os.getloadavg()[0]:.1f} at its end (other processes share the cores)")
    print(f"requests: {len(samples)}, {len(samples) / elapsed:.1f} requests/s")
    print(f"errors outside the fault windows: {len(errors_out)}/{len(outside)} "
          f"({100 * len(errors_out) / max(1, len(outside)):.3f} %)")
    if window:
        print(f"errors inside the restart window ({window[1] - window[0]:.1f} s): {len(errors_in)}/{len(in_window)} "
              f"({100 * len(errors_in) / max(1, len(in_window)):.2f} %)")
    if faults.kill_at:
        print(f"requests lost with the killed worker (in flight at the kill): {len(at_kill)}")
    kinds = defaultdict(int)
    for s in errors_out + errors_in + at_kill:
        kinds[s.error or f"HTTP {s.status}"] += 1
    if kinds:
        print("error kinds: " + ", ".join(f"{k}: {v}" for k, v in sorted(kinds.items())))
    print("business refusals and other 4xx (not errors): "
          + (", ".join(f"{code}: {n}" for code, n in sorted(refusals.items())) or "none"))
    for note in faults.notes:
        print(note)
    durations = [s.end - s.start for s in samples]
    print(f"all routes: p50 {1000 * percentile(durations, .5):.0f} ms, p95 {1000 * percentile(durations, .95):.0f} ms, "
          f"p99 {1000 * percentile(durations, .99):.0f} ms")
    by_route: dict[str, list[Sample]] = defaultdict(list)
    for s in samples:
        by_route[s.route].append(s)
    busy = {route: sum(s.end - s.start for s in items) for route, items in by_route.items()}
    total_busy = sum(busy.values()) or 1.0
    print("share of the time spent waiting, by route: " + ", ".join(
        f"{route} {100 * spent / total_busy:.0f} %" for route, spent in sorted(busy.items(), key=lambda kv: -kv[1])[:3]))
    width = max([len(r) for r in by_route] + [5])
    print(f"{'route':<{width}} {'n':>6} {'err':>4} {'4xx':>5} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    for route, items in sorted(by_route.items(), key=lambda kv: -len(kv[1])):
        d = [s.end - s.start for s in items]
        print(f"{route:<{width}} {len(items):>6} {sum(is_error(s) for s in items):>4} "
              f"{sum(400 <= s.status < 500 for s in items):>5} {1000 * percentile(d, .5):>7.0f} "
              f"{1000 * percentile(d, .95):>7.0f} {1000 * percentile(d, .99):>7.0f}")


def parse_think(text: str) -> tuple[float, float]:
    low, _, high = text.partition("-")
    return float(low), float(high or low)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--duration", type=float, default=600, help="seconds of load (default 600)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--db", choices=["auto", "postgres", "sqlite"], default="auto")
    parser.add_argument("--kill-worker", action="store_true", help="SIGKILL one gunicorn worker at 40 %% of the run")
    parser.add_argument("--restart-postgres", action="store_true",
                        help="restart the command's own PostgreSQL cluster at 60 %% of the run")
    parser.add_argument("--think", type=parse_think, default=(1.0, 3.0), help="think time between actions, s (1-3)")
    parser.add_argument("--timeout", type=float, default=15, help="request timeout, s (a timeout is an error)")
    parser.add_argument("--ramp", type=float, default=None, help="seconds to start every user (default min(30, 10 %%))")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if args.db == "auto":
        args.db = "postgres" if postgres_bin() and (os.geteuid() != 0 or _has_postgres_user()) else "sqlite"
    if args.restart_postgres and args.db != "postgres":
        parser.error("--restart-postgres needs --db postgres (the command's own cluster)")

    base = Path(tempfile.mkdtemp(prefix="parc-load-"))
    os.chmod(base, 0o755)
    cluster = OwnPostgres(base) if args.db == "postgres" else None
    server = None
    try:
        if cluster:
            cluster.start()
            database_url = cluster.url
            args.db_label = f"own PostgreSQL cluster ({cluster.bin.parent.name}, port {cluster.port})"
        else:
            database_url = f"sqlite:///{base / 'load.sqlite3'}"
            args.db_label = "SQLite"
        server = Server(base, database_url, args.workers)
        print(f"preparing: {args.db_label}, flask db upgrade, flask demo …", flush=True)
        server.flask("db", "upgrade")
        server.flask("demo")
        server.start()
        print(f"gunicorn on {server.base_url} with {args.workers} workers; {args.users} users for "
              f"{args.duration:.0f} s", flush=True)

        args.load_before = os.getloadavg()[0]
        samples: list[Sample] = []
        lock = threading.Lock()
        started = time.monotonic()
        deadline = started + args.duration
        ramp = args.ramp if args.ramp is not None else min(30.0, args.duration / 10)
        weights = [w for _, _, w in ACCOUNTS]
        rng = random.Random(args.seed)
        users = []
        for number in range(args.users):
            email, role, _ = ACCOUNTS[number % len(ACCOUNTS)] if number < len(ACCOUNTS) else \
                rng.choices(ACCOUNTS, weights=weights)[0]
            users.append(User(number, email, role, server.base_url, deadline, args, samples, lock,
                              started + ramp * number / max(1, args.users)))
        for user in users:
            user.start()

        faults = Faults()
        if args.kill_worker:
            _sleep_until(started + 0.4 * args.duration)
            pids = server.worker_pids()
            if pids:
                victim = random.Random(args.seed).choice(pids)
                os.kill(victim, signal.SIGKILL)
                faults.kill_at = time.monotonic()
                faults.notes.append(f"killed gunicorn worker {victim} (SIGKILL) at {faults.kill_at - started:.0f} s")
        if args.restart_postgres and cluster:
            _sleep_until(started + 0.6 * args.duration)
            begin = time.monotonic()
            cluster.restart()
            end = time.monotonic()
            faults.restart_window = (begin, end + RESTART_GRACE_S)
            faults.notes.append(f"restarted PostgreSQL at {begin - started:.0f} s; it was back after "
                                f"{end - begin:.1f} s (window counted until {RESTART_GRACE_S:.0f} s later)")
        for user in users:
            user.join(timeout=max(0.0, deadline - time.monotonic()) + args.timeout + 5)
        ended = time.monotonic()
        with lock:
            recorded = list(samples)
        logged_in = sum(u.logged_in for u in users)
        print_report(recorded, faults, started, ended, args, logged_in, args.users)
        server.stop()
        log = server.log.read_text(errors="replace") if server.log.exists() else ""
        print(f"gunicorn log: {log.count('Traceback')} tracebacks, {log.count('WORKER TIMEOUT')} worker timeouts, "
              f"{log.count('[ERROR]')} error lines")
        causes = defaultdict(int)
        for line in re.findall(r"^([A-Za-z_][\w.]*(?:Error|Exception)\b[^\n]{0,100})", log, re.MULTILINE):
            causes[line] += 1
        for cause, count in sorted(causes.items(), key=lambda kv: -kv[1])[:6]:
            print(f"  {count} × {cause}")

        from sqlalchemy import create_engine

        from integrity import report, run_checks
        from purchasing.config import normalise_database_url

        engine = create_engine(normalise_database_url(database_url))
        try:
            with engine.connect() as connection:
                findings = run_checks(connection)
                counts = connection.exec_driver_sql(
                    "SELECT (SELECT COUNT(*) FROM purchase_request), (SELECT COUNT(*) FROM purchase_order), "
                    "(SELECT COUNT(*) FROM asset), (SELECT COUNT(*) FROM pool_listing WHERE status = 'claimed')").one()
        finally:
            engine.dispose()
        print(f"after the run: {counts[0]} orders, {counts[1]} purchase orders, {counts[2]} assets, "
              f"{counts[3]} claimed pool listings")
        print(report(findings))
        if not recorded or logged_in == 0:
            print("FAIL: the load did not run (nobody signed in)", file=sys.stderr)
            return 2
        return 1 if any(f.count for f in findings) else 0
    finally:
        if server:
            server.stop()
        if cluster:
            cluster.stop()
        shutil.rmtree(base, ignore_errors=True)


def _has_postgres_user() -> bool:
    import pwd

    try:
        pwd.getpwnam("postgres")
        return True
    except KeyError:
        return False


def _sleep_until(moment: float) -> None:
    time.sleep(max(0.0, moment - time.monotonic()))


if __name__ == "__main__":
    sys.exit(main())
