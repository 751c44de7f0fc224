"""Deterministic national territory for the scale bench, loaded through bulk paths.

``generate(url, sizes, seed)`` migrates an empty database with ``flask db upgrade`` (never create_all), then
writes, with the same seed always giving the same rows:

- 100 départements, each with EPCIs and their communes (``sizes.members`` members in all, EPCIs included);
- staff users (one per staff role) and a secretary and an approver of the first commune, all with
  ``BENCH_PASSWORD`` (``staff_email(role)``);
- suppliers, framework contracts, ``sizes.products`` products with one offer each (categories come from the
  migrations);
- ``sizes.assets`` assets with their event histories (created, status changes, retirement), a retirement row
  for each retired asset, pool listings for the assets in the pool (and past claimed listings);
- ``sizes.orders`` orders with lines and events, ``sizes.approved_orders`` of them approved and not placed
  (the "to place" list), the placed and delivered ones grouped on purchase orders.

PostgreSQL: COPY FROM STDIN (psycopg 3). SQLite: the DBAPI's executemany of one prepared INSERT, in one
transaction per table. Columns a model adds later (another branch) and that are NOT NULL get their model default,
so the generator keeps working when the schema grows.
"""
from __future__ import annotations

import json
import random
import time
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta, timezone

BENCH_PASSWORD = "bench-password-2026"
STAFF_ROLES = ("purchasing_officer", "sustainability_officer", "admin")
MEMBER_ROLES = ("secretary", "approver")
DEPARTEMENTS = 100


def staff_email(role: str) -> str:
    return f"bench-{role.replace('_', '-')}@parc-bench.fr"


@dataclass(frozen=True)
class Sizes:
    assets: int = 1_000_000
    members: int = 35_000
    products: int = 50_000
    orders: int = 200_000
    approved_orders: int = 12_500
    suppliers: int = 200

    @classmethod
    def full(cls) -> Sizes:
        return cls()

    @classmethod
    def quick(cls) -> Sizes:
        return cls(assets=100_000, members=3_500, products=5_000, orders=10_000, approved_orders=625, suppliers=50)

    @classmethod
    def reference(cls) -> Sizes:
        """The 10k-asset database the "1M / 10k" ratios divide by: the same territory at 1 %."""
        return cls(assets=10_000, members=350, products=500, orders=2_000, approved_orders=125, suppliers=20)

    def key(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


SITES = ("Mairie", "École élémentaire", "École maternelle", "Médiathèque", "Services techniques", "Salle des fêtes")
ASSET_STATUSES = (("in_service", 58), ("in_stock", 14), ("in_repair", 3), ("refurbishing", 1), ("in_pool", 2),
                  ("retired", 22))
ROUTES = ("reused_elsewhere", "donated", "sold", "recycled_weee", "destroyed", "lost_or_stolen")
ORDER_STATUSES = (("delivered", 70), ("placed", 8), ("partially_delivered", 2), ("submitted", 4), ("draft", 3),
                  ("rejected", 2), ("cancelled", 3))
TODAY = date(2026, 11, 30)
T0 = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)


class Writer:
    """Bulk rows into one table: COPY on PostgreSQL, executemany on SQLite; fills the NOT NULL columns
    the caller did not give with their model's scalar default."""

    def __init__(self, connection, dialect: str, metadata):
        self.raw = connection
        self.dialect = dialect
        self.metadata = metadata
        self.counts: dict[str, int] = {}

    def ts(self, value: datetime) -> str:
        if self.dialect == "sqlite":
            return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
        return value.isoformat()

    def _fill(self, table: str, columns: list[str]) -> tuple[list[str], tuple]:
        extra_cols, extra_vals = [], []
        for column in self.metadata.tables[table].columns:
            if column.name in columns or column.nullable or column.server_default is not None:
                continue
            if column.primary_key:
                continue
            default = column.default
            if default is None:
                raise RuntimeError(f"bench generator: {table}.{column.name} is NOT NULL without a default")
            value = default.arg(None) if default.is_callable else default.arg
            if isinstance(value, datetime):
                value = self.ts(value)
            elif isinstance(value, (dict, list)):
                value = json.dumps(value)
            elif hasattr(value, "value") and isinstance(getattr(value, "value"), str):
                value = value.value
            elif value.__class__.__name__ == "Decimal":
                value = float(value)
            extra_cols.append(column.name)
            extra_vals.append(value)
        return columns + extra_cols, tuple(extra_vals)

    def write(self, table: str, columns: list[str], rows) -> int:
        columns, extra = self._fill(table, list(columns))
        n = 0
        cursor = self.raw.cursor()
        if self.dialect == "postgresql":
            cols = ", ".join(f'"{c}"' for c in columns)
            with cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row + extra if extra else row)
                    n += 1
        else:
            sql = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})'
            batch = []
            for row in rows:
                batch.append(row + extra if extra else row)
                if len(batch) >= 20_000:
                    cursor.executemany(sql, batch)
                    n += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                n += len(batch)
        cursor.close()
        self.counts[table] = self.counts.get(table, 0) + n
        return n


def _weighted(rng: random.Random, pairs, k: int) -> list[str]:
    names = [p[0] for p in pairs]
    weights = [p[1] for p in pairs]
    return rng.choices(names, weights=weights, k=k)


def generate(url: str, sizes: Sizes, seed: int = 14, log=print) -> dict:
    """Migrate the empty database at ``url`` and load the territory. Returns the row counts per table."""
    from flask_migrate import upgrade

    from bench.scale.context import make_app
    from purchasing.extensions import db

    app = make_app(url)
    started = time.perf_counter()
    with app.app_context():
        upgrade()
        log(f"  migrated in {time.perf_counter() - started:.1f} s")
        dialect = db.engine.dialect.name
        with db.engine.connect() as sa_connection:
            raw = sa_connection.connection.driver_connection
            if dialect == "sqlite":
                # the app's connect hook sets isolation_level=None (it emits BEGIN itself): one explicit
                # transaction for the whole load, no fsync per row
                raw.execute("PRAGMA synchronous=OFF")
                raw.execute("BEGIN")
            writer = Writer(raw, dialect, db.metadata)
            _load(writer, sizes, random.Random(seed), log)
            _write_meta(raw, dialect, sizes, seed)
            if dialect == "sqlite":
                raw.execute("COMMIT")
            else:
                raw.commit()
        if dialect == "postgresql":
            with db.engine.connect() as connection:
                connection.exec_driver_sql("COMMIT")
                for table in writer.counts:
                    connection.exec_driver_sql(f'ANALYZE "{table}"')
                _reset_sequences(connection, writer.counts)
                connection.commit()
        else:
            with db.engine.connect() as connection:
                connection.exec_driver_sql("ANALYZE")
                connection.commit()
    log(f"  generated in {time.perf_counter() - started:.1f} s: "
        + ", ".join(f"{t} {n:,}" for t, n in writer.counts.items()))
    return writer.counts


def _reset_sequences(connection, tables) -> None:
    for table in tables:
        connection.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), COALESCE((SELECT MAX(id) FROM \"{table}\"), 1))"
            f" WHERE pg_get_serial_sequence('\"{table}\"', 'id') IS NOT NULL")


def _write_meta(raw, dialect: str, sizes: Sizes, seed: int) -> None:
    cursor = raw.cursor()
    cursor.execute("CREATE TABLE bench_meta (sizes TEXT NOT NULL, seed INTEGER NOT NULL)")
    placeholder = "%s" if dialect == "postgresql" else "?"
    cursor.execute(f"INSERT INTO bench_meta (sizes, seed) VALUES ({placeholder}, {placeholder})", (sizes.key(), seed))
    cursor.close()


def read_meta(url: str) -> tuple[str, int] | None:
    """(sizes key, seed) of a generated database, or None when it is empty or not a bench database."""
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("bench_meta"):
                return None
            row = connection.execute(text("SELECT sizes, seed FROM bench_meta")).first()
            return (row[0], row[1]) if row else None
    finally:
        engine.dispose()


def _load(w: Writer, sizes: Sizes, rng: random.Random, log) -> None:
    cursor = w.raw.cursor()
    cursor.execute("SELECT id, code FROM category ORDER BY id")
    categories = [row[0] for row in cursor.fetchall()]
    cursor.close()
    if not categories:
        raise RuntimeError("no categories: the migrations seed them")
    now = w.ts(T0)
    t = time.perf_counter()

    # --- members: départements -> EPCIs -> communes ------------------------------------------------------
    n_epci = max(DEPARTEMENTS, sizes.members // 28)
    members = []  # (id, kind, name, insee, siren, population, epci_id, joined_on, search_name)
    for i in range(1, n_epci + 1):
        dept = (i - 1) % DEPARTEMENTS + 1
        name = f"Communauté de communes {i} ({dept:02d})"
        members.append((i, "epci", name, None, f"2{i:08d}", 0, None, "2015-01-01", name.lower()))
    commune_ids = []
    per_departement: dict[int, int] = {}
    for j in range(sizes.members - n_epci):
        member_id = n_epci + 1 + j
        epci = rng.randint(1, n_epci)
        dept = (epci - 1) % DEPARTEMENTS + 1
        per_departement[dept] = per_departement.get(dept, 0) + 1
        number = per_departement[dept]
        name = f"Commune {member_id} ({dept:02d})"
        members.append((member_id, "commune", name, f"{dept:02d}{number:03d}" if number < 1000 else None,
                        f"2{member_id:08d}", rng.randint(80, 40_000), epci,
                        (TODAY - timedelta(days=rng.randint(30, 4000))).isoformat(), name.lower()))
        commune_ids.append(member_id)
    fixed = members
    w.write("member", ["id", "kind", "name", "insee_code", "siren", "population", "epci_id", "joined_on",
                       "search_name"], iter(fixed))
    member_ids = [row[0] for row in fixed]
    first_commune = commune_ids[0]

    # --- users --------------------------------------------------------------------------------------------
    from werkzeug.security import generate_password_hash

    password_hash = generate_password_hash(BENCH_PASSWORD)
    users = [(k + 1, staff_email(role), f"Bench {role}", password_hash, role, None, True)
             for k, role in enumerate(STAFF_ROLES)]
    users += [(len(STAFF_ROLES) + k + 1, staff_email(role), f"Bench {role}", password_hash, role, first_commune, True)
              for k, role in enumerate(MEMBER_ROLES)]
    w.write("user_account", ["id", "email", "full_name", "password_hash", "role", "member_id", "is_enabled"], iter(users))
    staff_user = 1
    secretary = len(STAFF_ROLES) + 1

    # --- suppliers, contracts, products, offers ----------------------------------------------------------
    w.write("supplier", ["id", "name", "search_name", "siret", "siren", "contact_email", "is_active"],
            ((s, f"Fournisseur {s}", f"fournisseur {s}", f"4{s:08d}00011", f"4{s:08d}", f"commandes{s}@fournisseur.fr",
              True) for s in range(1, sizes.suppliers + 1)))
    n_contracts = sizes.suppliers * 2
    w.write("framework_contract", ["id", "reference", "title", "supplier_id", "start_on", "end_on", "max_amount_ht",
                                   "committed_ht", "is_terminated"],
            ((c, f"AC-BENCH-{c:05d}", f"Accord-cadre {c}", (c - 1) % sizes.suppliers + 1, "2024-01-01", "2028-12-31",
              50_000_000.0, 0.0, False) for c in range(1, n_contracts + 1)))
    products = []  # (id, category, price)
    rows = []
    for p in range(1, sizes.products + 1):
        category = categories[p % len(categories)]
        price = round(rng.uniform(40, 2400), 2)
        products.append((p, category, price))
        rows.append((p, category, f"Marque{p % 97}", f"Modèle {p}", f"REF-{p:07d}", "{}", 0.2, "new", 2, True,
                     f"marque{p % 97} modèle {p} ref-{p:07d}", price, now))
    w.write("product", ["id", "category_id", "brand", "model", "manufacturer_ref", "attributes", "vat_rate",
                        "condition", "warranty_years", "is_active", "search_text", "min_price_ht", "created_dt"],
            iter(rows))
    w.write("offer", ["id", "product_id", "contract_id", "supplier_ref", "unit_price_ht", "valid_from", "valid_until",
                      "is_active", "created_dt"],
            ((p, p, (p - 1) % n_contracts + 1, f"S-{p}", price, "2024-01-01", None, True, now)
             for p, _c, price in products))
    log(f"  members, users, catalogue: {time.perf_counter() - t:.1f} s")

    # --- orders, lines, events, purchase orders ----------------------------------------------------------
    t = time.perf_counter()
    n_orders = sizes.orders
    statuses = _weighted(rng, ORDER_STATUSES, n_orders - sizes.approved_orders) + ["approved"] * sizes.approved_orders
    rng.shuffle(statuses)
    orders, lines, events = [], [], []
    po_lines = []
    line_id = 0
    event_id = 0
    for o in range(1, n_orders + 1):
        status = statuses[o - 1]
        member = rng.choice(commune_ids)
        created = T0 - timedelta(minutes=rng.randint(60, 60 * 24 * 365 * 5))
        total = 0.0
        for _ in range(rng.choice((1, 1, 2, 3))):
            line_id += 1
            p, _category, price = products[rng.randrange(len(products))]
            quantity = rng.randint(1, 12)
            line_total = round(price * quantity, 2)
            total += line_total
            delivered = quantity if status == "delivered" else (quantity // 2 if status == "partially_delivered" else 0)
            lines.append((line_id, o, p, p, quantity, price, 0.0, price, 0.2, line_total, delivered))
            if status in {"placed", "partially_delivered", "delivered"}:
                po_lines.append((line_id, (p - 1) % n_contracts + 1, quantity, price, line_total, delivered, created))
        submitted = None if status == "draft" else created + timedelta(hours=2)
        decided = created + timedelta(days=1) if status not in {"draft", "submitted"} else None
        orders.append((o, f"CMD-B{o:08d}" if status != "draft" else None, member, secretary, status,
                       f"Mairie de la commune {member}", round(total, 2), w.ts(created),
                       w.ts(submitted) if submitted else None, w.ts(decided) if decided else None))
        path = ["submitted"] if status != "draft" else []
        if status in {"approved", "placed", "partially_delivered", "delivered"}:
            path.append("approved")
        if status in {"placed", "partially_delivered", "delivered"}:
            path.append("placed")
        if status in {"partially_delivered", "delivered"}:
            path.append(status)
        if status in {"rejected", "cancelled"}:
            path.append(status)
        previous = "draft"
        for k, to_status in enumerate(path):
            event_id += 1
            events.append((event_id, o, staff_user, previous, to_status, False, w.ts(created + timedelta(hours=k + 1))))
            previous = to_status
    w.write("purchase_request", ["id", "reference", "member_id", "created_by_id", "status", "delivery_site",
                                 "total_ht", "created_dt", "submitted_dt", "decided_dt"], iter(orders))
    w.write("order_line", ["id", "order_id", "offer_id", "product_id", "quantity", "base_unit_price_ht", "fee_rate",
                           "unit_price_ht", "vat_rate", "line_total_ht", "delivered_quantity"], iter(lines))
    w.write("order_event", ["id", "order_id", "actor_id", "from_status", "to_status", "is_automatic", "created_dt"],
            iter(events))
    del orders, events
    # purchase orders: the placed lines grouped by contract, 40 lines per purchase order
    po_lines.sort(key=lambda row: (row[1], row[0]))
    pos, pol = [], []
    po_id = 0
    current = None
    for k, (lid, contract, quantity, price, line_total, delivered, created) in enumerate(po_lines):
        if current is None or current[0] != contract or current[2] >= 40:
            po_id += 1
            current = [contract, po_id, 0]
            pos.append([po_id, f"BC-B{po_id:07d}", (contract - 1) % sizes.suppliers + 1, contract, "delivered", 0.0,
                        staff_user, w.ts(created), w.ts(created + timedelta(days=1))])
        current[2] += 1
        pos[-1][5] += line_total
        pol.append((k + 1, po_id, lid, quantity, price, line_total, delivered))
    w.write("purchase_order", ["id", "reference", "supplier_id", "contract_id", "status", "total_ht", "created_by_id",
                               "created_dt", "sent_dt"], (tuple(p[:5]) + (round(p[5], 2),) + tuple(p[6:]) for p in pos))
    w.write("purchase_order_line", ["id", "purchase_order_id", "order_line_id", "quantity", "unit_price_ht",
                                    "line_total_ht", "delivered_quantity"], iter(pol))
    n_lines = line_id
    del pos, pol, po_lines
    log(f"  orders: {time.perf_counter() - t:.1f} s")

    # --- assets, events, retirements, pool listings -----------------------------------------------------
    t = time.perf_counter()
    asset_statuses = _weighted(rng, ASSET_STATUSES, sizes.assets)
    asset_rows, event_rows, retirements, listings = [], [], [], []
    event_id = 0
    listing_id = 0
    chunk = 100_000
    asset_cols = ["id", "tag", "serial_number", "product_id", "category_id", "designation", "member_id", "site",
                  "assigned_to", "acquisition_date", "warranty_end_date", "purchase_price_ht", "origin",
                  "order_line_id", "condition", "holds_storage", "status", "created_dt"]
    event_cols = ["id", "asset_id", "kind", "from_status", "to_status", "from_member_id", "to_member_id", "author_id",
                  "reason", "details", "created_dt"]
    retirement_cols = ["id", "asset_id", "member_id", "route", "retired_on", "recipient", "certificate_ref", "note"]
    listing_cols = ["id", "asset_id", "offering_member_id", "category_id", "condition", "note", "status",
                    "claimed_by_member_id", "claimed_dt", "created_dt"]

    def flush():
        w.write("asset", asset_cols, iter(asset_rows))
        w.write("asset_event", event_cols, iter(event_rows))
        if retirements:
            w.write("retirement", retirement_cols, iter(retirements))
        if listings:
            w.write("pool_listing", listing_cols, iter(listings))
        asset_rows.clear(), event_rows.clear(), retirements.clear(), listings.clear()

    for a in range(1, sizes.assets + 1):
        status = asset_statuses[a - 1]
        p, category, price = products[rng.randrange(len(products))]
        member = rng.choice(commune_ids)
        acquired = TODAY - timedelta(days=rng.randint(0, 12 * 365))
        created = datetime(acquired.year, acquired.month, acquired.day, 9, tzinfo=timezone.utc)
        delivered = a % 3 == 0 and n_lines
        asset_rows.append((a, f"NAT-{acquired.year}-{a:07d}", f"SN{a:010d}" if a % 5 else None, p, category, "",
                           member, SITES[a % len(SITES)], "", acquired.isoformat(),
                           (acquired + timedelta(days=730)).isoformat(), price,
                           "delivered_order_line" if delivered else "imported",
                           (a // 3) % n_lines + 1 if delivered else None, "good", False, status, w.ts(created)))
        event_id += 1
        event_rows.append((event_id, a, "created", None, "in_stock", None, member, staff_user, "", "{}", w.ts(created)))
        previous = "in_stock"
        path = {"in_stock": [], "in_service": ["in_service"], "in_repair": ["in_service", "in_repair"],
                "refurbishing": ["refurbishing"], "in_pool": ["in_pool"],
                "retired": ["in_service", "retired"]}[status]
        for k, to_status in enumerate(path):
            event_id += 1
            when = created + timedelta(days=30 * (k + 1))
            kind = "retired" if to_status == "retired" else ("offered" if to_status == "in_pool" else "status")
            event_rows.append((event_id, a, kind, previous, to_status, None, None, staff_user, "", "{}", w.ts(when)))
            previous = to_status
        if status == "retired":
            retirements.append((a, a, member, ROUTES[a % len(ROUTES)],
                                min(TODAY, acquired + timedelta(days=1500)).isoformat(), "Filière DEEE", "", ""))
        elif status == "in_pool":
            listing_id += 1
            listings.append((listing_id, a, member, category, "good", "", "open", None, None, w.ts(created)))
        if a % chunk == 0:
            flush()
    flush()
    log(f"  assets: {time.perf_counter() - t:.1f} s")
