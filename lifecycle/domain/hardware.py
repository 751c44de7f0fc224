"""Pure rules on hardware details read from inventories (agents, GLPI, spreadsheets): storage types, the
operating system's short label used by the inventory filter, the CPU's generation, the "storage" column.

No framework here: strings in, plain values out.
"""
from __future__ import annotations

import re

STORAGE_TYPES = ("ssd", "hdd", "nvme", "emmc", "unknown")

#: the ``storage`` canonical column: "ssd:256;hdd:1000" (type:size in GB, separated by ";" or ",")
_STORAGE_ITEM = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9.]*)\s*[:=]\s*(\d+(?:[.,]\d+)?)\s*$")


def storage_type(*texts: str | None, rotational: bool | None = None) -> str:
    """The storage type from what an agent or a list says (interface, model, description, type, name)."""
    joined = " ".join(t for t in texts if t).lower()
    if "nvme" in joined:
        return "nvme"
    if "emmc" in joined or re.search(r"\bmmcblk", joined):
        return "emmc"
    if "ssd" in joined or "solid state" in joined or "flash" in joined:
        return "ssd"
    if rotational is True or "hdd" in joined or "hard disk" in joined or "disque dur" in joined:
        return "hdd"
    if rotational is False:
        return "ssd"
    return "unknown"


def normalise_storage_word(word: str) -> str:
    word = (word or "").strip().lower()
    aliases = {"disque": "hdd", "dur": "hdd", "hd": "hdd", "flash": "ssd", "m2": "nvme", "m.2": "nvme"}
    word = aliases.get(word, word)
    return word if word in STORAGE_TYPES else "unknown"


def parse_storage(text: str) -> list[tuple[str, int]]:
    """``"ssd:256;hdd:1000"`` → ``[("ssd", 256), ("hdd", 1000)]``; raises ValueError on a malformed item."""
    out = []
    for item in re.split(r"[;,|]", text or ""):
        if not item.strip():
            continue
        match = _STORAGE_ITEM.match(item)
        if not match:
            raise ValueError(item.strip())
        size = float(match.group(2).replace(",", "."))
        out.append((normalise_storage_word(match.group(1)), int(round(size))))
    return out


def format_storage(devices: list[tuple[str, int]]) -> str:
    return ";".join(f"{kind}:{size}" for kind, size in devices)


def os_label(name: str | None, version: str | None = None) -> str:
    """A short, stable label of the operating system for the inventory's filter ("Windows 10", "Debian 12").

    Windows editions (Professionnel, Famille, Pro, Enterprise) share one label; Linux distributions keep their
    major version; macOS its major version."""
    name = (name or "").strip()
    version = (version or "").strip()
    if not name:
        return ""
    lower = name.lower()
    match = re.search(r"windows\s+(server\s+\d{4}(?:\s+r2)?|\d+(?:\.\d)?|xp|vista)", lower)
    if match:
        return "Windows " + match.group(1).title().replace("Xp", "XP").replace(" R2", " R2")
    if "windows" in lower:
        return "Windows"
    match = re.search(r"(mac\s?os(?:\s?x)?)\s*([0-9]+)?", lower)
    if match:
        major = match.group(2) or (version.split(".")[0] if version else "")
        return ("macOS " + major).strip()
    for distro in ("debian", "ubuntu", "fedora", "linux mint", "centos", "red hat", "rocky", "almalinux",
                   "opensuse", "chromeos", "android", "ios", "ipados"):
        if distro in lower:
            match = re.search(r"(\d+(?:\.\d+)?)", name) or re.search(r"(\d+(?:\.\d+)?)", version)
            number = match.group(1) if match else ""
            if distro in ("debian", "fedora", "centos", "rocky", "almalinux", "android", "ios", "ipados"):
                number = number.split(".")[0]
            label = {"red hat": "Red Hat", "linux mint": "Linux Mint", "opensuse": "openSUSE", "chromeos": "ChromeOS",
                     "ios": "iOS", "ipados": "iPadOS", "almalinux": "AlmaLinux"}.get(distro, distro.title())
            return (label + " " + number).strip()
    return name[:60]


def cpu_generation(cpu: str | None) -> str:
    """The generation when the model name gives it: Intel Core i5-8250U → "8", i7-1165G7 → "11", Core Ultra →
    "Ultra 1"; Ryzen 5 5600U → "5000"; else empty."""
    text = (cpu or "").lower()
    match = re.search(r"core\(?\w*\)?\s*ultra\s*\d\s*(\d)\d\d", text)
    if match:
        return f"Ultra {match.group(1)}"
    match = re.search(r"\bi[3579]-?\s*(\d{4,5})", text)
    if match:
        digits = match.group(1)
        if len(digits) == 5 or digits.startswith("1"):  # i5-10210U, i5-12400; i7-1165G7, i5-1235U
            return digits[:2]
        return digits[0]  # i5-8250U
    match = re.search(r"ryzen\s*\d\s*(?:pro\s*)?(\d)\d{3}", text)
    if match:
        return match.group(1) + "000"
    return ""


def is_virtual(vmsystem: str | None) -> bool:
    """True when the agent says the machine is virtual (HARDWARE/VMSYSTEM is "Physical" on real hardware)."""
    value = (vmsystem or "").strip().lower()
    return bool(value) and value not in ("physical", "physique")
