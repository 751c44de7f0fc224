"""OCS Inventory, FusionInventory and GLPI-agent XML inventories → canonical rows (``lifecycle.imports.columns``).

One file is ``REQUEST/CONTENT/{BIOS, HARDWARE, CPUS, MEMORIES, STORAGES, MONITORS, OPERATINGSYSTEM, BATTERIES…}``
plus ``REQUEST/DEVICEID`` (the agent's identifier). The three agents share that layout; OCS agents leave out
``OPERATINGSYSTEM`` and ``CPUS`` on old versions (``HARDWARE/OSNAME``, ``PROCESSORT`` then), and may write
lower-case tags or the ``INVENTORY`` / ``CONTENT`` element without ``REQUEST``: all read the same way.

Parsing is defused (``defusedxml``): no DTD, no entity, no external resource, so neither an XML bomb nor a
network fetch. Every refusal is a ``DomainError`` with a French message and a stable code.
"""
from __future__ import annotations

import io
import zipfile
import zlib
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from lifecycle.domain import hardware
from purchasing.domain.errors import N_, DomainError

#: what a zip may hold (an archive of a whole fleet's agent files): entries, each entry's and the total size
MAX_ZIP_ENTRIES = 20_000
MAX_ENTRY_BYTES = 20 * 1024 * 1024
MAX_ZIP_TOTAL_BYTES = 512 * 1024 * 1024
#: the values BIOS vendors leave in serial and asset-tag fields: not identifiers
PLACEHOLDERS = {"", "0", "00000000", "none", "null", "n/a", "na", "default string", "to be filled by o.e.m.",
                "to be filled by oem", "system serial number", "not specified", "not applicable", "chassis serial number",
                "base board serial number", "serial number", "123456789", "no asset tag", "asset tag", "asset-1234567890",
                "unknown", "invalid", "xxxxxxxxxx", "03000200-0400-0500-0006-000700080009",
                "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff"}
#: chassis words of BIOS/TYPE (OCS) and HARDWARE/CHASSIS_TYPE (FusionInventory) meaning a portable computer
LAPTOP_CHASSIS = ("notebook", "laptop", "portable", "sub notebook", "convertible", "detachable", "hand held")
TABLET_CHASSIS = ("tablet",)
ALL_IN_ONE_CHASSIS = ("all in one",)
SERVER_CHASSIS = ("rack mount chassis", "main server chassis", "multi-system chassis", "blade")
#: STORAGES/TYPE values that are not the machine's own disks
NOT_A_DISK = ("cdrom", "cd-rom", "dvd", "removable", "floppy", "usb", "rom", "tape", "loop")


def parse_inventory_xml(data: bytes) -> list[dict]:
    """The canonical rows of one agent XML inventory: the computer, then its external monitors with a serial."""
    root = _parse(data)
    content = _content(root)
    if content is None:
        raise DomainError(N_("Ce fichier XML n'est pas un inventaire d'agent (OCS, FusionInventory ou GLPI) : "
                             "l'élément REQUEST/CONTENT est absent."), code="inventory_xml_not_inventory")
    device_id = _text(root, "DEVICEID") or _text(content, "DEVICEID")
    return computer_rows(content, device_id)


def parse_inventory_zip(data: bytes) -> list[dict]:
    """Every XML inventory of a zip (``.xml`` or ``.ocs`` entries, in name order), one after the other."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = [i for i in archive.infolist() if not i.is_dir() and not _hidden(i.filename)]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as error:
        raise DomainError(N_("Archive zip illisible ou corrompue : vérifiez le fichier et recommencez."),
                          code="inventory_zip_corrupted") from error
    if len(entries) > MAX_ZIP_ENTRIES:
        raise DomainError(N_("L'archive contient trop de fichiers (%(MAX_ZIP_ENTRIES)s au plus)."),
                          params={"MAX_ZIP_ENTRIES": MAX_ZIP_ENTRIES},
                          code="inventory_zip_too_many")
    if sum(i.file_size for i in entries) > MAX_ZIP_TOTAL_BYTES:
        raise DomainError(N_("L'archive décompressée est trop volumineuse."), code="inventory_zip_too_large")
    inventories = [i for i in entries if i.filename.lower().endswith((".xml", ".ocs"))]
    if not inventories:
        raise DomainError(N_("L'archive ne contient aucun inventaire XML (.xml ou .ocs)."), code="inventory_zip_empty")
    rows: list[dict] = []
    for info in sorted(inventories, key=lambda i: i.filename):
        if info.file_size > MAX_ENTRY_BYTES:
            raise DomainError(N_("« %(filename)s » est trop volumineux dans l'archive."),
                              params={"filename": info.filename}, code="inventory_zip_too_large")
        try:
            with archive.open(info) as handle:
                content = handle.read(MAX_ENTRY_BYTES + 1)  # the declared size may lie
        except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, OSError, EOFError) as error:
            raise DomainError(N_("Archive zip corrompue : « %(filename)s » ne peut pas être lu."),
                              params={"filename": info.filename},
                              code="inventory_zip_corrupted") from error
        if len(content) > MAX_ENTRY_BYTES:
            raise DomainError(N_("« %(filename)s » est trop volumineux dans l'archive."),
                              params={"filename": info.filename}, code="inventory_zip_too_large")
        try:
            rows.extend(parse_inventory_xml(content))
        except DomainError as error:
            raise DomainError(N_("« %(filename)s » : %(message)s"),
                              params={"filename": info.filename, "message": error}, code=error.code) from error
    return rows


def looks_like_inventory_xml(data: bytes) -> bool:
    """For the sources' dispatcher: an XML document mentioning an agent inventory's elements."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").upper()
    return head.startswith(b"<") and (b"<REQUEST" in head or b"<CONTENT" in head or b"<INVENTORY" in head)


# --- parsing -------------------------------------------------------------------------------------

def _parse(data: bytes) -> Element:
    if not data or not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        raise DomainError(N_("Ce fichier n'est pas un document XML."), code="inventory_xml_invalid")
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise DomainError(N_("Document XML refusé : les DTD et entités ne sont pas acceptées dans un inventaire."),
                          code="inventory_xml_forbidden") from error
    except (ParseError, ValueError, UnicodeError) as error:
        raise DomainError(N_("Document XML mal formé (%(error)s)."),
                          params={"error": _short(error)}, code="inventory_xml_invalid") from error
    _upper_tags(root)
    return root


def _short(error: Exception) -> str:
    return str(error)[:120]


def _upper_tags(element: Element) -> None:
    for node in element.iter():
        if isinstance(node.tag, str):
            node.tag = node.tag.rsplit("}", 1)[-1].upper()


def _hidden(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    return name.startswith("__MACOSX/") or base.startswith(".")


def _content(root: Element) -> Element | None:
    if root.tag == "CONTENT":
        return root
    found = root.find("CONTENT")
    if found is None and root.tag in ("REQUEST", "INVENTORY"):
        found = root.find("./*/CONTENT")
    return found


def _text(element: Element | None, path: str) -> str:
    if element is None:
        return ""
    found = element.find(path)
    return (found.text or "").strip() if found is not None and found.text else ""


def _identifier(value: str) -> str:
    return "" if value.strip().lower() in PLACEHOLDERS else value.strip()


def _number(value: str) -> float | None:
    try:
        return float(value.replace(",", ".").strip())
    except (AttributeError, ValueError):
        return None


# --- the computer --------------------------------------------------------------------------------

def computer_rows(content: Element, device_id: str = "") -> list[dict]:
    bios, hw, osys = content.find("BIOS"), content.find("HARDWARE"), content.find("OPERATINGSYSTEM")
    manufacturer = _text(bios, "SMANUFACTURER") or _text(bios, "MANUFACTURER") or _text(bios, "MMANUFACTURER")
    model = _text(bios, "SMODEL") or _text(bios, "MMODEL")
    name = _text(hw, "NAME")
    category = _category(content, bios, hw)
    os_name = _text(osys, "FULL_NAME") or _text(hw, "OSNAME") or _text(osys, "NAME")
    os_version = _text(osys, "VERSION") or _text(hw, "OSVERSION")
    designation = " ".join(p for p in (manufacturer, model) if p) or name or device_id
    row = {
        "category_code": category,
        "designation": designation[:200],
        "serial_number": _identifier(_text(bios, "SSN") or _text(bios, "SERIAL")),
        "asset_tag": _identifier(_text(bios, "ASSETTAG")),
        "uuid": _identifier(_text(hw, "UUID")).lower(),
        "device_id": device_id[:120],
        "manufacturer": manufacturer[:120],
        "model": model[:120],
        "cpu": _cpu(content, hw)[:200],
        "ram_mb": _ram_mb(content, hw),
        "storage": hardware.format_storage(_storages(content)),
        "os_name": os_name[:120],
        "os_version": os_version[:60],
        "screen_inches": "",
        "battery_health_pct": _battery_health(content),
        "last_inventory_dt": _text(content, "ACCESSLOG/LOGDATE") or _text(hw, "LASTDATE"),
    }
    rows = [row]
    rows.extend(_monitor_rows(content, category))
    return rows


def _category(content: Element, bios: Element | None, hw: Element | None) -> str:
    if hardware.is_virtual(_text(hw, "VMSYSTEM")):
        return "virtual_machine"
    chassis = " ".join((_text(hw, "CHASSIS_TYPE"), _text(bios, "TYPE"), _text(bios, "MMODEL"))).lower()
    if any(word in chassis for word in TABLET_CHASSIS):
        return "tablet"
    if any(word in chassis for word in LAPTOP_CHASSIS) or content.find("BATTERIES") is not None:
        return "laptop"
    if any(word in chassis for word in ALL_IN_ONE_CHASSIS):
        return "all_in_one"
    if any(word in chassis for word in SERVER_CHASSIS):
        return "server_rack"
    return "desktop"


def _cpu(content: Element, hw: Element | None) -> str:
    for cpu in content.findall("CPUS"):
        name = _text(cpu, "NAME") or _text(cpu, "TYPE")
        if name:
            return " ".join(name.split())
    return " ".join(_text(hw, "PROCESSORT").split())


def _ram_mb(content: Element, hw: Element | None) -> str:
    """The memory modules' total; HARDWARE/MEMORY when the agent saw no module (virtual machines, containers)."""
    total = 0.0
    for module in content.findall("MEMORIES"):
        capacity = _number(_text(module, "CAPACITY"))
        if capacity and capacity > 0:
            total += capacity
    if not total:
        total = _number(_text(hw, "MEMORY")) or 0
    return str(int(total)) if total > 0 else ""


def _storages(content: Element) -> list[tuple[str, int]]:
    devices = []
    for disk in content.findall("STORAGES"):
        kind = _text(disk, "TYPE").lower()
        if any(word in kind for word in NOT_A_DISK):
            continue
        size_mb = _number(_text(disk, "DISKSIZE"))
        if not size_mb or size_mb <= 0:
            continue
        rotational = {"1": True, "0": False}.get(_text(disk, "ROTATIONAL") or _text(disk, "ROTATION"))
        devices.append((hardware.storage_type(_text(disk, "INTERFACE"), _text(disk, "MODEL"), _text(disk, "NAME"),
                                              _text(disk, "DESCRIPTION"), kind, rotational=rotational),
                        max(int(round(size_mb / 1000)), 1)))
    return devices


def _battery_health(content: Element) -> str:
    for battery in content.findall("BATTERIES"):
        design = _number(_text(battery, "CAPACITY"))
        real = _number(_text(battery, "REAL_CAPACITY"))
        if design and real and design > 0:
            return str(max(0, min(100, int(round(real * 100 / design)))))
    return ""


def _monitor_rows(content: Element, computer_category: str) -> list[dict]:
    monitors = [m for m in content.findall("MONITORS") if _identifier(_text(m, "SERIAL"))]
    if computer_category in ("laptop", "tablet", "all_in_one") and len(monitors) <= 1:
        return []  # the built-in panel
    rows = []
    for monitor in monitors:
        manufacturer = _text(monitor, "MANUFACTURER")
        caption = _text(monitor, "CAPTION") or _text(monitor, "DESCRIPTION")
        rows.append({"category_code": "monitor_24", "designation": (" ".join(p for p in (manufacturer, caption) if p)
                                                                    or "Écran")[:200],
                     "serial_number": _identifier(_text(monitor, "SERIAL")), "manufacturer": manufacturer[:120],
                     "model": caption[:120], "last_inventory_dt": _text(content, "ACCESSLOG/LOGDATE")})
    return rows
