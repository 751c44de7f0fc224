"""The catalogue page's in-process cache, and the version token that keeps every worker's copy exact.

What the catalogue list shows is read from the ``product``, ``category``, ``offer``, ``price_break``,
``tariff_grid`` and ``tariff_band`` tables (``WATCHED``), then depends on the user's fee rate, language and
query. Any statement writing one of those tables, whoever issues it on the app's engine (the ORM's flush, a
Core or text statement, a bulk path), marks its connection; when that connection commits, the token of
``cache_version`` is replaced in the same transaction, just before the commit (last, so that two writers
never wait on each other's locks in opposite orders). Each catalogue request reads the token (one query)
and looks its page up under it: a committed change reaches every gunicorn worker and every host on its next
request. A request whose own transaction holds uncommitted catalogue writes neither reads nor fills the cache.

Writes that bypass SQLAlchemy (psql by hand, a raw DBAPI cursor) must replace the token themselves:
``UPDATE cache_version SET token = 'x' || random() WHERE name = 'catalogue'`` (any new value).

The cache holds rendered HTML fragments (bounded in characters, least recently used out first) and the tariff
grid in force per day, as plain domain data: never ORM objects, which belong to one session.
"""
from __future__ import annotations

import re
import secrets
import threading
from datetime import date
from decimal import Decimal

from cachetools import LRUCache
from flask import Flask, current_app
from sqlalchemy import event, text

from purchasing.domain import pricing as domain
from purchasing.extensions import db
from purchasing.pricing import services as pricing

#: the tables the catalogue list reads (a contract's state reaches it through the products' stored metrics,
#: refreshed by catalogue.services.refresh_product_metrics, a product write)
WATCHED = frozenset({"product", "offer", "price_break", "category", "tariff_grid", "tariff_band"})
NAME = "catalogue"
#: key of ``Connection.info`` (the DBAPI connection's): a catalogue write since the transaction began
PENDING = "catalogue_cache.pending_write"

_TARGET = r'(?:ONLY\s+)?(?:"?\w+"?\.)?"?(\w+)"?'
_WRITE_VERB = r"(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM|COPY|" \
              r"TRUNCATE(?:\s+TABLE)?|MERGE\s+INTO)"
_WRITE_HEAD = re.compile(r"\s*" + _WRITE_VERB + r"\s+" + _TARGET, re.I)
_WRITE_ANYWHERE = re.compile(r"\b" + _WRITE_VERB + r"\s+" + _TARGET, re.I)


def writes_watched_table(statement: str) -> bool:
    """Whether ``statement`` writes one of ``WATCHED`` (its first words; anywhere in a ``WITH …`` statement)."""
    head = statement[:300]
    match = _WRITE_HEAD.match(head)
    if match:
        return match.group(1).lower() in WATCHED
    if head.lstrip()[:4].upper() == "WITH":
        return any(m.group(1).lower() in WATCHED for m in _WRITE_ANYWHERE.finditer(statement))
    return False


def _mark(conn, _cursor, statement, _parameters, _context, _executemany) -> None:
    if writes_watched_table(statement):
        conn.info[PENDING] = True


def _replace_token_before_commit(conn) -> None:
    if not conn.info.pop(PENDING, False):
        return
    if not conn.dialect.has_table(conn, "cache_version"):  # a migration older than catcache_01 running
        return
    token = secrets.token_hex(8)
    replaced = conn.execute(text("UPDATE cache_version SET token = :token WHERE name = :name"),
                            {"token": token, "name": NAME}).rowcount
    if not replaced:
        conn.execute(text("INSERT INTO cache_version (name, token) VALUES (:name, :token)"),
                     {"token": token, "name": NAME})


def _forget(conn) -> None:
    conn.info.pop(PENDING, None)


def _forget_on_checkin(_dbapi_connection, connection_record) -> None:
    connection_record.info.pop(PENDING, None)  # the pool rolled back whatever the connection had not committed


class CatalogueCache:
    """One app's (one worker's) cache: rendered fragments and tariff grids, each entry keyed by the token."""

    def __init__(self, max_chars: int):
        self._lock = threading.Lock()
        self.fragments: LRUCache = LRUCache(maxsize=max_chars, getsizeof=len)
        self.grids: LRUCache = LRUCache(maxsize=32)

    def fragment(self, key) -> str | None:
        with self._lock:
            return self.fragments.get(key)

    def keep_fragment(self, key, html: str) -> None:
        if len(html) > self.fragments.maxsize:
            return
        with self._lock:
            self.fragments[key] = html

    def grid(self, key):
        with self._lock:
            return self.grids.get(key)

    def keep_grid(self, key, grid) -> None:
        with self._lock:
            self.grids[key] = grid

    def clear(self) -> None:
        with self._lock:
            self.fragments.clear()
            self.grids.clear()


def init_app(app: Flask) -> None:
    """Watch the app's engine for catalogue writes, and give the app its (empty) cache."""
    app.extensions["catalogue_cache"] = CatalogueCache(int(app.config.get("CATALOGUE_CACHE_CHARS", 8_000_000)))
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", _mark)
    event.listen(engine, "commit", _replace_token_before_commit)
    event.listen(engine, "rollback", _forget)
    event.listen(engine.pool, "checkin", _forget_on_checkin)


def cache() -> CatalogueCache:
    return current_app.extensions["catalogue_cache"]


def current_token() -> str | None:
    """The catalogue's token as committed (one query); None when the cache must not be used: disabled, or this
    request's transaction has written catalogue rows it has not committed yet."""
    if not current_app.config.get("CATALOGUE_CACHE", True):
        return None
    connection = db.session.connection()
    if connection.info.get(PENDING):
        return None
    return connection.execute(text("SELECT token FROM cache_version WHERE name = :name"), {"name": NAME}).scalar()


def fee_rate(member, today: date, token: str | None) -> Decimal:
    """The fee rate ``member`` pays today on the base prices (0 for staff), from the grid in force, read once
    per token and day (PricingError when no grid is in force, as pricing.fee_rate_for)."""
    if member is None:
        return Decimal(0)
    if token is None:
        return pricing.fee_rate_for(member, today)
    key = (token, today)
    grid = cache().grid(key)
    if grid is None:
        grid = pricing.tariff_in_force(today)
        cache().keep_grid(key, grid)
    return domain.band_for_population(grid, int(member.population or 0)).fee_rate
