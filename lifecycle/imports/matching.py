"""Stage 4 of the import: match typed rows with the member's assets instead of duplicating them.

Keys in order (decisions.md): serial number, the hardware UUID, the agent's DEVICEID, the asset tag. Each key is
looked up once for the whole batch (one query per key and per chunk of 5,000 values, never per row). A key that
belongs to *another* member's asset refuses the row (the asset is never moved silently). The plan says what
would be created, updated (with each field's change), left unchanged, refused (row, column, reason), and, for a
full re-import, which of the member's assets the file does not mention (listed for an audit, never deleted).

Typed rows (from stage 3, ``lifecycle.imports.services.validate``) are dicts of the ``Asset`` columns plus:
``line`` (the source's line number), ``given`` (the canonical columns the source filled: only those may change a
matched asset), ``asset_tag``, ``uuid``, ``device_id`` (str or None) and ``hardware`` (typed by
``lifecycle.assets.hardware.typed_hardware``).
"""
from __future__ import annotations

import importlib
import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import String, any_, bindparam, cast, func, insert, literal_column, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import selectinload

from lifecycle.assets import hardware
from lifecycle.assets.models import Asset, AssetEvent, AssetHardware
from lifecycle.imports.columns import MATCH_KEYS
from purchasing.members.models import Site
from purchasing.db_types import utcnow
from purchasing.extensions import db

#: the asset columns an import may change on a matched asset (status goes through its machine, the category
#: and product stay as the member recorded them)
UPDATABLE = ("designation", "serial_number", "site_id", "assigned_to", "acquisition_date", "purchase_price_ht",
             "condition", "warranty_end_date")
KEY_LABELS = {"serial_number": "numéro de série", "uuid": "UUID", "device_id": "identifiant d'agent (DEVICEID)",
              "asset_tag": "numéro d'inventaire"}
CHUNK = 5000
#: values per lookup statement (one array parameter)
LOOKUP_CHUNK = 20_000


@dataclass
class PlanError:
    row: int
    column: str
    reason: str


@dataclass
class AbsentAsset:
    id: int
    tag: str
    name: str
    site: str


@dataclass
class Update:
    asset_id: int
    tag: str
    line: int
    #: {field: [old, new]} of the asset's columns and of its hardware details
    changes: dict
    #: the asset columns to write ({column: new value})
    values: dict
    #: typed hardware details to write (may be empty)
    hardware: dict


@dataclass
class MatchPlan:
    member_id: int
    create: list[dict] = field(default_factory=list)
    update: list[Update] = field(default_factory=list)
    #: (asset_id, typed hardware) of matched rows without change (their inventory dates are refreshed)
    unchanged: list[tuple[int, dict]] = field(default_factory=list)
    errors: list[PlanError] = field(default_factory=list)
    #: for a full re-import: the member's active assets the file does not mention
    absent: list[AbsentAsset] = field(default_factory=list)
    #: {line: (asset_id, key)} of every matched row, for the report
    matched_by: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict:
        return {"created": len(self.create), "updated": len(self.update), "unchanged": len(self.unchanged),
                "errors": len(self.errors), "absent": len(self.absent)}


@dataclass
class ApplyResult:
    created_ids: list[int]
    updated_ids: list[int]
    unchanged_ids: list[int]


def _key_value(row: dict, key: str) -> str | None:
    value = row.get(key)
    value = str(value).strip() if value is not None else ""
    if not value:
        return None
    return value.lower() if key == "uuid" else (value.upper() if key == "asset_tag" else value)


def _key_column(rows: list[dict], key: str) -> list[str | None]:
    """``_key_value(row, key)`` of every row, as a list (a key no row gives: no per-row call)."""
    raw = [row.get(key) for row in rows]
    if all(v is None for v in raw):
        return raw
    return [_key_value(row, key) if v is not None else None for row, v in zip(rows, raw)]


def _among(column, values: list[str]):
    """``column IN values`` with one parameter (a PostgreSQL array, an SQLite JSON array), not one per value."""
    if db.session.get_bind().dialect.name == "postgresql":
        return column == any_(cast(bindparam("values", values, type_=ARRAY(String)), ARRAY(String)))
    return column.in_(select(literal_column("value")).select_from(
        func.json_each(bindparam("values", json.dumps(values), type_=String))))


def _lookup(key: str, values: set[str]) -> dict[str, list[tuple[int, int]]]:
    """{value: [(asset_id, member_id)…]} for one key, the whole batch at once (one statement per
    :data:`LOOKUP_CHUNK` values, the values in one parameter)."""
    found: dict[str, list[tuple[int, int]]] = {}
    values = sorted(values)
    for start in range(0, len(values), LOOKUP_CHUNK):
        chunk = values[start:start + LOOKUP_CHUNK]
        if key == "serial_number":
            stmt = select(Asset.serial_number, Asset.id, Asset.member_id).where(_among(Asset.serial_number, chunk))
        elif key == "asset_tag":
            stmt = select(Asset.tag, Asset.id, Asset.member_id).where(_among(Asset.tag, chunk))
        else:
            column = getattr(AssetHardware, key)
            stmt = (select(column, Asset.id, Asset.member_id).join(Asset, Asset.id == AssetHardware.asset_id)
                    .where(_among(column, chunk)))
        for value, asset_id, member_id in db.session.execute(stmt):
            found.setdefault(value, []).append((asset_id, member_id))
    return found


def plan_import(member_id: int, rows: list[dict], *, full: bool = False) -> MatchPlan:
    """Match ``rows`` (typed, see the module's docstring) with ``member_id``'s assets; nothing is written.

    ``full``: the file is the member's whole inventory, so its active assets absent from it are listed."""
    plan = MatchPlan(member_id=member_id)
    # each key's values, column by column (None where a row gives none), looked up once for the whole batch
    values = {key: _key_column(rows, key) for key in MATCH_KEYS}
    lookups = {key: _lookup(key, {v for v in values[key] if v is not None}) for key in MATCH_KEYS}
    # the rows with a key some asset has: the others are created as they are (no per-row work)
    known = sorted({i for key in MATCH_KEYS if lookups[key]
                    for i, v in enumerate(values[key]) if v is not None and v in lookups[key]})
    matched: dict[int, tuple[dict, str]] = {}  # asset_id → (row, key)
    first_line: dict[int, int] = {}
    known_at = iter(known)
    next_known = next(known_at, -1)
    for index, row in enumerate(rows):
        if index != next_known:
            plan.create.append(row)
            continue
        next_known = next(known_at, -1)
        line = row.get("line", 0)
        target, refused = None, False
        for key in MATCH_KEYS:
            owners = lookups[key].get(values[key][index]) if values[key][index] is not None else None
            if not owners:
                continue
            mine = [asset_id for asset_id, owner in owners if owner == member_id]
            if mine:
                target = (min(mine), key)
                break
            if owners:
                plan.errors.append(PlanError(line, key, (
                    f"Le {KEY_LABELS[key]} « {row.get(key)} » appartient à un équipement d'un autre adhérent : "
                    "ligne refusée (l'équipement n'est jamais transféré par un import ; demandez un transfert "
                    "par la bourse de réemploi).")))
                refused = True
                break
        if refused:
            continue
        if target is None:
            plan.create.append(row)
            continue
        asset_id, key = target
        if asset_id in first_line:
            plan.errors.append(PlanError(line, key, f"Cette ligne désigne le même équipement que la ligne "
                                                    f"{first_line[asset_id]} : une seule ligne par équipement."))
            continue
        first_line[asset_id] = line
        matched[asset_id] = (row, key)
        plan.matched_by[line] = (asset_id, key)
    _plan_changes(plan, matched, lookups["serial_number"])
    if full:
        plan.absent = _absent(member_id, set(matched))
    return plan


def _plan_changes(plan: MatchPlan, matched: dict[int, tuple[dict, str]], serial_owners: dict) -> None:
    ids = list(matched)
    assets: dict[int, Asset] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        for asset in db.session.scalars(select(Asset).where(Asset.id.in_(chunk)).options(
                selectinload(Asset.site), selectinload(Asset.hardware).selectinload(AssetHardware.storages))):
            assets[asset.id] = asset
    site_ids = {a.site_id for a in assets.values()} | {row.get("site_id") for row, _key in matched.values()}
    wanted_sites = [i for i in site_ids if i is not None]
    site_names = {site_id: name for site_id, name in db.session.execute(
        select(Site.id, Site.name).where(Site.id.in_(wanted_sites)))} if wanted_sites else {}
    for asset_id, (row, _key) in matched.items():
        asset = assets[asset_id]
        given = row.get("given")
        values, changes = {}, {}
        for column in UPDATABLE:
            # the file's column is "site" (a name); the row carries the site's id (services.attach_sites)
            if given is not None and (column if column != "site_id" else "site") not in given:
                continue
            new = row.get(column)
            if new in (None, ""):
                continue  # an empty cell never erases
            old = getattr(asset, column)
            if old != new:
                if column == "serial_number" and any(owner != asset_id for owner, _m in serial_owners.get(new, [])):
                    plan.errors.append(PlanError(row.get("line", 0), column, (
                        f"Le numéro de série « {new} » est déjà celui d'un autre équipement.")))
                    break
                values[column] = new
                if column == "site_id":  # the timeline names the sites
                    changes["site"] = [site_names.get(old), site_names.get(new)]
                else:
                    changes[column] = [_plain(old), _plain(new)]
        else:
            details = row.get("hardware") or {}
            changes.update(hardware.changes(hardware.current_values(asset.hardware), details))
            if changes:
                plan.update.append(Update(asset_id, asset.tag, row.get("line", 0), changes, values, details))
            else:
                plan.unchanged.append((asset_id, details))


def _plain(value):
    return value if value is None or isinstance(value, (str, int, float, bool)) else str(value)


def _absent(member_id: int, matched: set[int]) -> list[AbsentAsset]:
    stmt = (select(Asset).where(Asset.member_id == member_id, Asset.status != "retired")
            .options(selectinload(Asset.product), selectinload(Asset.site)).order_by(Asset.tag))
    return [AbsentAsset(a.id, a.tag, a.name, a.site_name) for a in db.session.scalars(stmt) if a.id not in matched]


def apply_plan(plan: MatchPlan, actor, *, filename: str, source: str = "import",
               contact_dt: datetime | None = None, insert_rows=None) -> ApplyResult:
    """Write the plan (flush only; the caller commits): creations and updates through the bulk path
    (``lifecycle.imports.bulk.write_plan`` once merged; else :func:`_write_assets`, or ``insert_rows`` when given),
    one ``inventory_update`` event per changed asset listing its changes, then the hardware details. The rows
    carry their ``site_id`` (``lifecycle.imports.services.attach_sites``).

    Refuses a plan with errors (all or nothing)."""
    if plan.errors:
        raise ValueError("a plan with errors is not applied")
    updates = [(u.asset_id, u.values, {"changes": u.changes, "line": u.line}) for u in plan.update]
    try:  # stage 5, the bulk path (helper invbulk): COPY on PostgreSQL, multi-row INSERTs on SQLite
        bulk = importlib.import_module("lifecycle.imports.bulk")
    except ModuleNotFoundError as error:  # before the stages are merged
        if error.name != "lifecycle.imports.bulk":
            raise
        bulk = None
    if bulk is not None and insert_rows is None:
        created_ids = bulk.write_plan(plan.member_id, actor, plan.create, updates, filename,
                                      source=source)["created_ids"]
    else:
        created_ids = _write_assets(plan, actor, filename, source, updates, insert_rows)
    details: dict[int, dict] = {}
    for asset_id, row in zip(created_ids, plan.create, strict=True):
        if row.get("hardware") or contact_dt is not None:
            details[asset_id] = _with_keys(row)
    for item in plan.update:
        details[item.asset_id] = item.hardware
    for asset_id, typed in plan.unchanged:
        details[asset_id] = typed
    details = {k: v for k, v in details.items() if v or contact_dt is not None}
    if details:
        hardware.write(details, source=source, contact_dt=contact_dt)
    return ApplyResult(created_ids, [u.asset_id for u in plan.update], [a for a, _h in plan.unchanged])


def _write_assets(plan: MatchPlan, actor, filename: str, source: str, updates: list[tuple], insert_rows) -> list[int]:
    """Creations through ``insert_rows`` (``lifecycle.imports.services.insert_rows`` by default), then one bulk
    UPDATE by primary key per set of columns and one ``inventory_update`` event per changed asset."""
    if insert_rows is None:
        from lifecycle.imports.services import insert_rows
    created_ids: list[int] = []
    if plan.create:
        insert_rows(plan.create, filename, plan.member_id, actor)  # sets each row's "tag"
        tags = [r["tag"] for r in plan.create]
        ids = dict(db.session.execute(select(Asset.tag, Asset.id).where(  # the reserved tags: one range
            Asset.member_id == plan.member_id, Asset.tag >= min(tags), Asset.tag <= max(tags))).all())
        created_ids = [ids[t] for t in tags]
    groups: dict[tuple, list[dict]] = {}
    for asset_id, values, _details in updates:
        if values:
            groups.setdefault(tuple(sorted(values)), []).append(dict(values, id=asset_id))
    for group in groups.values():
        db.session.execute(update(Asset), group)
    if updates:
        now, author = utcnow(), getattr(actor, "id", None)
        db.session.execute(insert(AssetEvent), [
            dict(asset_id=asset_id, kind="inventory_update", author_id=author, reason="",
                 details={**details, "file": filename[:200], "source": source}, created_dt=now)
            for asset_id, _values, details in updates])
    return created_ids


def _with_keys(row: dict) -> dict:
    """A created row's hardware, with the UUID and DEVICEID it was matched on (stored for the next import)."""
    details = dict(row.get("hardware") or {})
    for key in ("uuid", "device_id"):
        value = _key_value(row, key)
        if value and key not in details:
            details[key] = value
    return details
