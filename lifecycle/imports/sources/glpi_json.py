"""GLPI native inventory (JSON, the format of GLPI 10's agent: glpi-project/inventory_format, schema in
``shared/reference/inventory``) → rows in the canonical columns.

One inventory is ``{"deviceid": …, "itemtype": "Computer", "content": {"hardware": …, "bios": …, "cpus": […],
"memories": […], "storages": […], "operatingsystem": …, "batteries": […], "accesslog": …}}``. A file may hold
one, a JSON list of them, an object ``{"inventories": […]}``, or one per line (JSON lines).
"""
from __future__ import annotations

import json
import re

from purchasing.domain.errors import N_, DomainError

#: GLPI's ``hardware.chassis_type`` (SMBIOS enclosure types as the agent writes them) → category code
CHASSIS = {
    "notebook": "laptop", "laptop": "laptop", "portable": "laptop", "sub notebook": "laptop", "convertible": "laptop",
    "detachable": "laptop", "hand held": "laptop",
    "desktop": "desktop", "low profile desktop": "desktop", "mini tower": "desktop", "tower": "desktop",
    "pizza box": "desktop", "lunch box": "desktop", "space-saving": "desktop", "mini pc": "desktop",
    "stick pc": "desktop", "main server chassis": "server_rack", "rack mount chassis": "server_rack",
    "multi-system chassis": "server_rack", "blade": "server_rack", "blade enclosure": "server_rack",
    "all in one": "all_in_one", "tablet": "tablet",
}
#: ``itemtype`` → category code when the chassis says nothing
ITEMTYPES = {"computer": "desktop", "phone": "smartphone", "printer": "printer_laser_small",
             "networkequipment": "network_switch"}
#: a virtual machine's category (decisions.md: recorded in a "machine virtuelle" category without embodied carbon)
VIRTUAL_MACHINE = "virtual_machine"
PHYSICAL = {"", "physical"}
_NOT_DISKS = {"removable", "cdrom", "cd-rom", "dvd", "floppy", "usb"}


def parse_inventory_json(data: bytes) -> list[dict]:
    """Canonical rows (strings) of a GLPI JSON inventory file; ``DomainError`` when it is not one."""
    text = _decode(data)
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        document = _json_lines(text)
    if isinstance(document, dict) and isinstance(document.get("inventories"), list):
        document = document["inventories"]
    inventories = document if isinstance(document, list) else [document]
    if not inventories:
        raise DomainError(N_("Le fichier JSON ne contient aucun inventaire."), code="no_rows")
    rows = []
    for position, inventory in enumerate(inventories, start=1):
        if not isinstance(inventory, dict) or not isinstance(inventory.get("content"), dict):
            where = f" (élément n° {position})" if len(inventories) > 1 else ""
            raise DomainError(N_("Ce fichier JSON n'est pas un inventaire GLPI : il manque l'objet "
                                 "« content » (matériel, BIOS, processeurs…)%(where)s."),
                              params={"where": where}, code="not_an_inventory",
                              details={"position": position})
        rows.append(inventory_row(inventory))
    return rows


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError(N_("Le fichier JSON n'est pas en UTF-8 : il n'a pas pu être lu."), code="bad_encoding") from None


def _json_lines(text: str):
    documents = []
    for line in text.splitlines():
        if line.strip():
            try:
                documents.append(json.loads(line))
            except json.JSONDecodeError as error:
                raise DomainError(N_("Le fichier JSON est mal formé (ligne %(lineno)s, colonne "
                                     "%(colno)s) : il n'a pas pu être lu."),
                                  params={"lineno": error.lineno, "colno": error.colno}, code="bad_json") from None
    if len(documents) < 2:
        raise DomainError(N_("Le fichier JSON est mal formé : il n'a pas pu être lu."), code="bad_json")
    return documents


def _obj(value) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value) -> list[dict]:
    if isinstance(value, dict):
        return [value]
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _str(value) -> str:
    return "" if value is None or isinstance(value, (dict, list)) else str(value).strip()


def _int(value) -> int | None:
    try:
        return int(float(str(value).strip()))
    except (TypeError, ValueError):
        return None


def inventory_row(inventory: dict) -> dict:
    """One inventory (a parsed JSON object with ``content``) → one canonical row."""
    content = inventory["content"]
    hardware, bios, system = _obj(content.get("hardware")), _obj(content.get("bios")), \
        _obj(content.get("operatingsystem"))
    manufacturer = _str(bios.get("smanufacturer")) or _str(bios.get("mmanufacturer"))
    model = _str(bios.get("smodel")) or _str(bios.get("mmodel"))
    name = _str(hardware.get("name"))
    return {
        "category_code": _category(inventory, hardware),
        "designation": " ".join(part for part in (manufacturer, model) if part) or name,
        "serial_number": _serial(bios),
        "asset_tag": _str(bios.get("assettag")),
        "uuid": _str(hardware.get("uuid")),
        "device_id": _str(inventory.get("deviceid")),
        "manufacturer": manufacturer,
        "model": model,
        "cpu": _cpu(_list(content.get("cpus"))),
        "ram_mb": _ram(_list(content.get("memories")), hardware),
        "storage": storage_text(_list(content.get("storages"))),
        "os_name": _str(system.get("full_name")) or _str(system.get("name")),
        "os_version": _str(system.get("version")),
        "battery_health_pct": _battery(_list(content.get("batteries"))),
        "last_inventory_dt": _str(_obj(content.get("accesslog")).get("logdate")),
        "status": "in_service",
    }


def _category(inventory: dict, hardware: dict) -> str:
    if _str(hardware.get("vmsystem")).lower() not in PHYSICAL:
        return VIRTUAL_MACHINE
    chassis = _str(hardware.get("chassis_type")).lower()
    if chassis in CHASSIS:
        return CHASSIS[chassis]
    return ITEMTYPES.get(_str(inventory.get("itemtype")).lower() or "computer", "desktop")


#: serial numbers that BIOSes ship unset
_PLACEHOLDER_SERIALS = re.compile(r"^(0+|to be filled by o\.?e\.?m\.?|default string|system serial number|none|"
                                  r"not specified|n/?a|123456789|chassis serial number)$", re.IGNORECASE)


def _serial(bios: dict) -> str:
    for key in ("ssn", "msn", "enclosureserial", "biosserial"):
        value = _str(bios.get(key))
        if value and not _PLACEHOLDER_SERIALS.match(value):
            return value
    return ""


def _cpu(cpus: list[dict]) -> str:
    if not cpus:
        return ""
    name = _str(cpus[0].get("name")) or " ".join(p for p in (_str(cpus[0].get("manufacturer")),
                                                            _str(cpus[0].get("model"))) if p)
    name = " ".join(name.split())
    return f"{len(cpus)} × {name}" if len(cpus) > 1 and name else name


def _ram(memories: list[dict], hardware: dict) -> str:
    total = sum(_int(module.get("capacity")) or 0 for module in memories)
    if not total:  # decisions.md: RAM from the hardware's total when memory modules are absent
        total = _int(hardware.get("memory")) or 0
    return str(total) if total > 0 else ""


def storage_text(storages: list[dict]) -> str:
    """"ssd:256;hdd:1000": each fixed disk's type and size in GB (decimal, as disks are sold)."""
    parts = []
    for disk in storages:
        kind = " ".join(_str(disk.get(key)).lower() for key in ("type", "interface", "model", "name", "description"))
        if set(kind.split()) & _NOT_DISKS:
            continue
        size_mb = _int(disk.get("disksize"))
        if not size_mb or size_mb <= 0:
            continue
        medium = "ssd" if ("ssd" in kind or "nvme" in kind or "solid state" in kind or "flash" in kind) else "hdd"
        parts.append(f"{medium}:{max(1, round(size_mb / 1000))}")
    return ";".join(parts)


def _battery(batteries: list[dict]) -> str:
    for battery in batteries:
        design, real = _int(battery.get("capacity")), _int(battery.get("real_capacity"))
        if design and real and design > 0:
            return str(max(0, min(100, round(real * 100 / design))))
    return ""
