"""What a measure receives: the generated databases, the app on each, logged-in clients, timers, peak RSS.

Measures go through the real application with Flask's test client, in this process (so "the worker process"
whose peak RSS :meth:`Bench.peak_rss` reads is this one). Gunicorn-based measures start their own server
(see ``bench/load.py``) with ``bench.url``.
"""
from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from flask.testing import FlaskClient

from bench.scale.generate import BENCH_PASSWORD, Sizes, staff_email

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


class _FreshContextClient(FlaskClient):
    """One app context per request, as in production (own ``g``, own database session)."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def make_app(url: str):
    from purchasing import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "ENV_NAME": "test", "SECRET_KEY": "bench-only-secret",
                      "WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": False})
    app.test_client_class = _FreshContextClient
    return app


@dataclass
class Side:
    """One generated database: the large one (``bench.big``) or the 10k-asset reference (``bench.small``)."""

    url: str
    sizes: Sizes
    app: Any = None
    _clients: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.app is None:
            self.app = make_app(self.url)

    def client(self, role: str = "purchasing_officer") -> FlaskClient:
        """A test client logged in as the generated user of ``role`` (staff roles see the whole territory;
        "secretary" is the secretary of the first member)."""
        if role not in self._clients:
            client = self.app.test_client()
            page = client.get("/login").get_data(as_text=True)
            match = CSRF_RE.search(page)
            data = {"email": staff_email(role), "password": BENCH_PASSWORD}
            if match:
                data["csrf_token"] = match.group(1) or match.group(2)
            response = client.post("/login", data=data)
            if response.status_code != 302:
                raise RuntimeError(f"bench login as {role} failed: {response.status_code}")
            self._clients[role] = client
        return self._clients[role]

    def api_headers(self, role: str = "purchasing_officer") -> dict:
        """Authorization header of an API token for the generated user of ``role`` (issued once per run)."""
        key = ("api", role)
        if key not in self._clients:
            from sqlalchemy import select

            from purchasing.accounts.models import User
            from purchasing.api.services import issue_token
            from purchasing.extensions import db

            with self.app.app_context():
                user = db.session.scalars(select(User).where(User.email == staff_email(role))).one()
                _token, secret = issue_token(user, "bench")
                db.session.commit()
            self._clients[key] = {"Authorization": f"Bearer {secret}"}
        return self._clients[key]

    @contextmanager
    def connection(self):
        """A raw SQLAlchemy connection to this database (for floors written in SQL)."""
        with self.app.app_context():
            from purchasing.extensions import db

            with db.engine.connect() as connection:
                yield connection


@dataclass
class Bench:
    big: Side
    small: Side
    dialect: str
    repeat: int = 5
    #: free-form notes a measure may add (printed under the table)
    notes: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.big.url

    @property
    def app(self):
        return self.big.app

    def side(self, small: bool = False) -> Side:
        return self.small if small else self.big

    def client(self, role: str = "purchasing_officer", small: bool = False) -> FlaskClient:
        return self.side(small).client(role)

    def time(self, fn: Callable[[], Any], repeat: int | None = None, warmup: int = 1) -> float:
        """Median wall time of ``fn()`` in seconds, after ``warmup`` untimed calls."""
        for _ in range(warmup):
            fn()
        samples = []
        for _ in range(repeat or self.repeat):
            start = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - start)
        return statistics.median(samples)

    def get(self, path: str, *, small: bool = False, role: str = "purchasing_officer", status: int = 200,
            headers: dict | None = None):
        response = self.client(role, small).get(path, headers=headers)
        if response.status_code != status:
            raise RuntimeError(f"GET {path} ({'small' if small else 'big'}): {response.status_code}, "
                               f"expected {status}: {response.get_data(as_text=True)[:300]}")
        return response

    def api_get(self, path: str, *, small: bool = False, role: str = "purchasing_officer"):
        """GET an /api/v1 path with a token of ``role``; checks 200."""
        return self.get(path, small=small, role=role, headers=self.side(small).api_headers(role))

    def api_time(self, path: str, *, small: bool = False, role: str = "purchasing_officer",
                 repeat: int | None = None) -> float:
        headers = self.side(small).api_headers(role)
        return self.get_time(path, small=small, role=role, headers=headers, repeat=repeat)

    def pair(self, path: str, *, api: bool = False, role: str = "purchasing_officer",
             small_path: str | None = None) -> tuple[float, float]:
        """(time on the large database, time on the 10k reference) of the same GET (``small_path`` on the
        reference when it differs): a "1M / 10k" measure, its samples interleaved (see ``time_pair``)."""
        def getter(small: bool):
            headers = self.side(small).api_headers(role) if api else None
            target = small_path if small and small_path else path
            return lambda: self.get(target, small=small, role=role, headers=headers)

        return self.time_pair(getter(False), getter(True))

    def time_pair(self, big: Callable[[], Any], small: Callable[[], Any], repeat: int | None = None,
                  warmup: int = 1) -> tuple[float, float]:
        """Median wall times of ``big()`` and ``small()``, one sample of each in turn: on a shared machine both
        sides of a ratio see the same load (timed one after the other, a busy second made ratios swing)."""
        for _ in range(warmup):
            big(), small()
        samples: tuple[list[float], list[float]] = ([], [])
        for _ in range(repeat or self.repeat):
            for fn, into in ((big, samples[0]), (small, samples[1])):
                start = time.perf_counter()
                fn()
                into.append(time.perf_counter() - start)
        return statistics.median(samples[0]), statistics.median(samples[1])

    def get_time(self, path: str, *, small: bool = False, role: str = "purchasing_officer",
                 headers: dict | None = None, repeat: int | None = None) -> float:
        """Median time of a GET through the app (test client), checking the status is 200."""
        return self.time(lambda: self.get(path, small=small, role=role, headers=headers), repeat=repeat)

    @staticmethod
    def peak_rss(fn: Callable[[], Any]) -> tuple[Any, float]:
        """(result, peak resident memory in MB of this process while ``fn`` ran).

        Linux: writing 5 to /proc/self/clear_refs resets the high-water mark (VmHWM) that /proc/self/status
        reports, so the peak is the one reached during ``fn``, not since the process started.
        """
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        result = fn()
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return result, int(line.split()[1]) / 1024
        raise RuntimeError("no VmHWM in /proc/self/status")
