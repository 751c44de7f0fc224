"""Hardware details of assets (``AssetHardware``, ``AssetStorage``): typing the import's hardware columns,
comparing them with what is stored, writing them for many assets at once (a few bulk statements per batch).
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import delete, insert, select, update

from lifecycle.assets.models import AssetHardware, AssetStorage
from lifecycle.domain import hardware as rules
from purchasing import uploads
from purchasing.extensions import db

#: hardware fields compared to detect a change (dates of inventory and contact are refreshed, never a change)
COMPARED = ("manufacturer", "model", "uuid", "device_id", "cpu", "ram_mb", "os_name", "os_version", "screen_inches",
            "battery_health_pct", "storage")
LIMITS = {"manufacturer": 120, "model": 120, "uuid": 64, "device_id": 120, "cpu": 200, "os_name": 120,
          "os_version": 60}
CHUNK = 5000
#: (column, lowest, above the highest, French reason) of the typed values (storage: its own syntax)
NUMBERS = (("ram_mb", 1, 100_000_000, "Mémoire vive invalide « {} » (en Mo)."),
           ("storage", 0, 0, "Stockage invalide « {} » (attendu type:taille en Go, ex. ssd:256)."),
           ("screen_inches", 1, 200, "Diagonale invalide « {} »."),
           ("battery_health_pct", 0, 100.5, "Santé de batterie invalide « {} » (0 à 100 %)."))


def typed_hardware(raw: dict[str, str]) -> tuple[dict, list[tuple[str, str]]]:
    """The hardware columns of one canonical row, typed; and the (column, French reason) of each bad value.

    Only the columns the row fills are returned (an empty cell never erases what an earlier inventory said)."""
    out: dict = {}
    errors: list[tuple[str, str]] = []
    for column, limit in LIMITS.items():
        value = str(raw.get(column) or "").strip()
        if not value:
            continue
        if len(value) > limit:
            errors.append((column, f"Texte trop long ({limit} caractères au plus)."))
            continue
        out[column] = value.lower() if column == "uuid" else value
    for column, low, high, reason in NUMBERS:
        text = str(raw.get(column) or "").strip().rstrip("%").strip()
        if not text:
            continue
        if column == "storage":
            try:
                out[column] = rules.parse_storage(text)
            except ValueError as error:
                errors.append((column, reason.format(error)))
            continue
        number = _number(text)
        if number is None or not low <= number < high:
            errors.append((column, reason.format(text)))
        else:
            out[column] = round(number, 1) if column == "screen_inches" else int(round(number))
    seen = str(raw.get("last_inventory_dt") or "").strip()
    if seen:
        moment = parse_moment(seen)
        if moment is None:
            errors.append(("last_inventory_dt", f"Date d'inventaire invalide « {seen} »."))
        else:
            out["last_inventory_dt"] = moment
    return out, errors


def _number(text: str) -> float | None:
    try:
        value = uploads.parse_decimal(text)
    except Exception:  # noqa: BLE001 - any unreadable number is a row error
        return None
    return float(value) if value is not None else None


def parse_moment(text: str) -> datetime | None:
    """"2026-12-01 10:45:57", ISO 8601, or a date (dd/mm/yyyy too): UTC, timezone-aware."""
    text = text.strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            day = uploads.parse_date(text)
        except ValueError:
            return None
        if day is None:
            return None
        moment = datetime(day.year, day.month, day.day)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def current_values(record: AssetHardware | None) -> dict:
    """The stored details in the shape of :func:`typed_hardware` (storages as (type, size) pairs)."""
    if record is None:
        return {}
    values = {name: getattr(record, name) for name in COMPARED if name != "storage"}
    values["storage"] = [(s.type, s.size_gb) for s in record.storages]
    return values


def changes(current: dict, new: dict) -> dict:
    """{field: [old, new]} for each field the new inventory gives with another value (JSON-friendly)."""
    out = {}
    for name in COMPARED:
        if name not in new:
            continue
        old, value = current.get(name), new[name]
        if name == "storage":
            if sorted(old or []) != sorted(value):
                out[name] = [rules.format_storage(old or []), rules.format_storage(value)]
        elif old != value and not (old in (None, "") and value in (None, "")):
            out[name] = [old, value]
    return out


def write(details: dict[int, dict], *, source: str, contact_dt: datetime | None = None) -> None:
    """Create or update the hardware rows of many assets ({asset_id: typed details}); storages given replace
    the stored ones. One select, one bulk insert, one bulk update, one delete and one insert of storages per
    chunk of assets."""
    ids = list(details)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        existing = dict(db.session.execute(select(AssetHardware.asset_id, AssetHardware.id)
                                           .where(AssetHardware.asset_id.in_(chunk))).all())
        inserts, updates, storage_rows, replaced = [], [], [], []
        for asset_id in chunk:
            values = dict(details[asset_id])
            storages = values.pop("storage", None)
            if "os_name" in values or "os_version" in values:
                values["os_label"] = rules.os_label(values.get("os_name"), values.get("os_version"))
            if "cpu" in values:
                values["cpu_generation"] = rules.cpu_generation(values["cpu"])
            if storages is not None:
                values["has_hdd"] = any(kind == "hdd" for kind, _size in storages)
                replaced.append(asset_id)
                storage_rows.extend(dict(asset_id=asset_id, type=kind, size_gb=size) for kind, size in storages)
            values["source"] = source
            if contact_dt is not None:
                values["last_contact_dt"] = contact_dt
            if asset_id in existing:
                updates.append(dict(values, id=existing[asset_id]))
            else:
                inserts.append(dict(values, asset_id=asset_id))
        for group in _same_keys(inserts):
            db.session.execute(insert(AssetHardware), group)
        for group in _same_keys(updates):
            db.session.execute(update(AssetHardware), group)
        if replaced:
            db.session.execute(delete(AssetStorage).where(AssetStorage.asset_id.in_(replaced)))
        if storage_rows:
            db.session.execute(insert(AssetStorage), storage_rows)
    db.session.flush()
    db.session.expire_all()  # the assets' ``hardware`` relationships read the new rows


def _same_keys(rows: list[dict]) -> list[list[dict]]:
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault(tuple(sorted(row)), []).append(row)
    return list(groups.values())
