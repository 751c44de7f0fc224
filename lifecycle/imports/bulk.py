"""Stage 5 of the import: write a plan (assets to create, assets to update) in the caller's transaction through
the bulk path — never one INSERT per row.

On PostgreSQL the rows go in with ``COPY … FROM STDIN`` (psycopg 3's ``cursor.copy()``) on the connection of the
current session, so the import stays one transaction (all or nothing: the caller commits or rolls back); updates
are copied into a temporary table and applied with one ``UPDATE … FROM``. On SQLite (in-process, no network)
rows go in as multi-row ``INSERT … VALUES (…), (…)`` statements in chunks under its variable limit.

Asset ids are reserved before the insert (a sequence range on PostgreSQL; on SQLite the rows after the
current maximum, the transaction already holding the write lock since the tags were reserved), so nothing is
read back. Tags are reserved in one go (``reserve_tags``). The created assets point to one ``InventoryImport``
record (file, author, moment), their timeline's first entry: no "imported" event per asset.
Flushes only; the caller commits once.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from itertools import chain, islice
from operator import itemgetter

from sqlalchemy import Boolean, Table, func, select, text

from lifecycle.assets.models import Asset, AssetEvent, InventoryImport, Origin
from lifecycle.assets.services import reserve_tags
from purchasing.db_types import utcnow
from purchasing.extensions import db

#: the asset columns a created row may give (anything else in the row dicts — line, matching keys, hardware
#: details — is ignored here); sites are ids of the member's address book (services.attach_sites)
ASSET_FIELDS = ("category_id", "product_id", "designation", "serial_number", "site_id", "assigned_to",
                "acquisition_date", "purchase_price_ht", "condition", "status", "holds_storage",
                "warranty_end_date")
#: the columns an update may change (status goes through the asset machine, member through the pool)
UPDATABLE_FIELDS = ("category_id", "product_id", "designation", "serial_number", "site_id", "assigned_to",
                    "acquisition_date", "purchase_price_ht", "condition", "holds_storage", "warranty_end_date")
#: defaults of the optional asset columns (the model's defaults; COPY and raw VALUES do not apply them)
DEFAULTS = {"product_id": None, "designation": "", "serial_number": None, "site_id": None, "assigned_to": "",
            "acquisition_date": None, "purchase_price_ht": None, "condition": "good", "status": "in_service",
            "holds_storage": False, "warranty_end_date": None}
#: SQLite's limit of bound variables per statement (32766 since 3.32); chunks stay under it
SQLITE_MAX_VARIABLES = 32_000


def write_plan(member_id: int, actor, creates: Sequence[dict], updates: Sequence[tuple], filename: str,
               *, source: str = "import") -> dict:
    """Create ``creates`` and apply ``updates`` for ``member_id`` in the current transaction; flushes only.

    ``creates``: typed rows (``lifecycle.imports.services.validate``): dicts of :data:`ASSET_FIELDS` (other keys
    are ignored); each dict gets its ``tag`` and ``id``. ``updates``: ``(asset_id, values)`` or
    ``(asset_id, values, event_details)``, ``values`` a dict of :data:`UPDATABLE_FIELDS`; one
    ``inventory_update`` event per updated asset (details: ``event_details``, default the new values).
    Returns ``{"created": n, "updated": m, "created_ids": [...]}`` (ids in the order of ``creates``).
    """
    created_ids = insert_assets(member_id, actor, creates, filename)
    updated = update_assets(member_id, actor, updates, filename, source=source)
    return {"created": len(created_ids), "updated": updated, "created_ids": created_ids}


def insert_assets(member_id: int, actor, rows: Sequence[dict], filename: str) -> list[int]:
    """Insert ``rows`` as assets of ``member_id``, all pointing to one new ``InventoryImport`` record (the file,
    the author, the moment: the first entry of each asset's timeline, instead of an "imported" event per asset);
    returns their ids (in order) and sets ``tag`` and ``id`` on each row dict."""
    if not rows:
        return []
    tags = reserve_tags(len(rows))
    ids = _reserve_ids(Asset.__table__, len(rows))
    now = utcnow()
    record = InventoryImport(member_id=member_id, author_id=getattr(actor, "id", None), filename=filename[:200],
                             asset_count=len(rows), created_dt=now)
    db.session.add(record)
    db.session.flush()
    columns = ["id", "tag", "member_id", "origin", "created_dt", "import_id", *ASSET_FIELDS]
    head = (member_id, Origin.IMPORTED.value, now, record.id)
    asset_rows = []
    fields = itemgetter(*ASSET_FIELDS)
    for row, tag, asset_id in zip(rows, tags, ids, strict=True):
        row["tag"], row["id"] = tag, asset_id
        try:
            values = fields(row)  # a validated row has every field
        except KeyError:
            values = tuple(DEFAULTS.get(c) if row.get(c) is None else row[c] for c in ASSET_FIELDS)
        asset_rows.append((asset_id, tag, *head, *values))
    _bulk_insert(Asset.__table__, columns, asset_rows)
    return ids


def update_assets(member_id: int, actor, updates: Sequence[tuple], filename: str, *, source: str = "import") -> int:
    """Apply ``(asset_id, values[, event_details])`` to ``member_id``'s assets, one statement per set of columns,
    and write one ``inventory_update`` event per asset; returns the number of assets updated."""
    if not updates:
        return 0
    groups: dict[tuple[str, ...], list[tuple]] = {}
    for item in updates:
        asset_id, values = item[0], item[1]
        unknown = set(values) - set(UPDATABLE_FIELDS)
        if unknown:
            raise ValueError(f"not updatable by an import: {sorted(unknown)}")
        if values:
            key = tuple(sorted(values))
            groups.setdefault(key, []).append((asset_id, *(values[c] for c in key)))
    for key, group in groups.items():
        _bulk_update(member_id, key, group)
    now = utcnow()
    author = getattr(actor, "id", None)
    event_columns = ["asset_id", "kind", "author_id", "reason", "details", "created_dt"]

    def events():
        for item in updates:
            details = item[2] if len(item) > 2 and item[2] is not None else {"changes": _jsonable(item[1])}
            details = {**details, "file": filename[:200], "source": source}
            yield item[0], "inventory_update", author, "", json.dumps(details, default=str), now

    _bulk_insert(AssetEvent.__table__, event_columns, events(), json_columns=("details",))
    return len(updates)


def _jsonable(values: dict) -> dict:
    return {k: (v if v is None or isinstance(v, (str, int, float, bool)) else str(v)) for k, v in values.items()}


# --- the two databases' bulk statements ---------------------------------------------------------------------

def _is_postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _reserve_ids(table: Table, count: int) -> list[int]:
    """``count`` primary keys for ``table`` that no other transaction will use."""
    db.session.flush()
    if _is_postgres():
        sequence = db.session.scalar(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name})
        return list(db.session.scalars(text("SELECT nextval(CAST(:s AS regclass)) FROM generate_series(1, :n)"),
                                       {"s": sequence, "n": count}))
    # SQLite: the tags were reserved (a write) in this transaction, so it holds the database's write lock and
    # no other connection can insert until it commits
    start = (db.session.scalar(select(func.max(table.c.id))) or 0) + 1
    return list(range(start, start + count))


def _bulk_insert(table: Table, columns: list[str], rows: Iterable[tuple], *, json_columns: Sequence[str] = ()) -> int:
    """Insert ``rows`` (tuples in the order of ``columns``, Python values) into ``table``; returns the count."""
    db.session.flush()
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        return _copy_rows(connection, table.name, columns, rows)
    return _sqlite_insert(connection, table, columns, rows, json_columns)


def _copy_rows(connection, table_name: str, columns: list[str], rows: Iterable[tuple]) -> int:
    """COPY on the session's own psycopg connection: same transaction as everything else of the import."""
    import psycopg
    from sqlalchemy.exc import IntegrityError

    raw = connection.connection.driver_connection
    count = 0
    names = ", ".join(columns)
    try:
        with raw.cursor() as cursor, cursor.copy(f"COPY {table_name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    except psycopg.errors.IntegrityError as error:
        # the same exception as the ORM's paths, so that callers turn a unique-constraint race into a 409
        raise IntegrityError(f"COPY {table_name}", None, error) from error
    return count


def _sqlite_insert(connection, table: Table, columns: list[str], rows: Iterable[tuple],
                   json_columns: Sequence[str]) -> int:
    """Multi-row ``INSERT … VALUES (…), (…)`` in chunks under SQLite's variable limit, values converted by the
    columns' own SQLAlchemy types (the stored forms the ORM writes: ISO dates, naive UTC datetimes, REAL money),
    each distinct value converted once (dates, prices and the import's timestamp repeat)."""
    dialect = connection.dialect
    converters = []
    for name in columns:
        column_type = table.c[name].type
        # JSON is given as text; sqlite3 stores True/False as 1/0 itself (what SQLAlchemy's Boolean would write)
        skip = name in json_columns or isinstance(column_type, Boolean)
        process = None if skip else column_type._cached_bind_processor(dialect)
        converters.append(process)
    per_row = len(columns)
    chunk = max(1, SQLITE_MAX_VARIABLES // per_row)
    placeholders = "(" + ", ".join("?" * per_row) + ")"
    prefix = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES "
    full_statement = prefix + ", ".join([placeholders] * chunk)
    cursor = connection.connection.driver_connection.cursor()
    count = 0
    rows = iter(rows)
    try:
        while True:
            batch = list(islice(rows, chunk))
            if not batch:
                break
            if any(converters):
                # column by column: each converted column's distinct values converted once, mapped back in C
                cells = list(zip(*batch))
                for k, convert in enumerate(converters):
                    if convert is not None:
                        try:
                            distinct = {v: convert(v) for v in set(cells[k]) if v is not None}
                            cells[k] = list(map(distinct.get, cells[k]))
                        except TypeError:  # a value that is not hashable
                            cells[k] = [None if v is None else convert(v) for v in cells[k]]
                batch = list(zip(*cells))
            values = list(chain.from_iterable(batch))
            statement = full_statement if len(batch) == chunk else prefix + ", ".join([placeholders] * len(batch))
            cursor.execute(statement, values)
            count += len(batch)
    finally:
        cursor.close()
    return count


def _bulk_update(member_id: int, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """UPDATE asset SET columns for ``rows`` ``(id, *values)``, only the member's assets."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        names = ", ".join(columns)
        connection.exec_driver_sql(f"CREATE TEMP TABLE import_update ON COMMIT DROP AS "
                                   f"SELECT id, {names} FROM asset WITH NO DATA")
        try:
            _copy_rows(connection, "import_update", ["id", *columns], rows)
            sets = ", ".join(f"{c} = u.{c}" for c in columns)
            connection.execute(text(f"UPDATE asset SET {sets} FROM import_update u "
                                    f"WHERE asset.id = u.id AND asset.member_id = :member"), {"member": member_id})
        finally:
            connection.exec_driver_sql("DROP TABLE import_update")
        return
    table = Asset.__table__
    dialect = connection.dialect
    processors = [table.c[c].type._cached_bind_processor(dialect) for c in columns]
    sets = ", ".join(f"{c} = ?" for c in columns)
    cursor = connection.connection.driver_connection.cursor()
    try:
        cursor.executemany(f"UPDATE asset SET {sets} WHERE id = ? AND member_id = ?",
                           ([*(p(v) if p is not None and v is not None else v for p, v in zip(processors, values)),
                             asset_id, member_id] for asset_id, *values in rows))
    finally:
        cursor.close()

