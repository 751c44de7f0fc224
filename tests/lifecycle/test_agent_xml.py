"""Agent XML inventories (FusionInventory, OCS, GLPI agent) → canonical rows; zips of many; refusals."""
from __future__ import annotations

import io
import zipfile

import pytest

from lifecycle.imports.sources.agent_xml import looks_like_inventory_xml, parse_inventory_xml, parse_inventory_zip
from purchasing.domain.errors import DomainError
from tests.lifecycle.inventory_samples import (
    BILLION_LAUGHS, EXTERNAL_ENTITY, REAL_AGENT_FILE, fusion_laptop, ocs_desktop,
)


def test_the_real_agent_file_of_a_virtual_machine():
    """Written by fusioninventory-agent 2.6 --local on this (virtual) machine: no memory module, no serial."""
    [row] = parse_inventory_xml(REAL_AGENT_FILE.read_bytes())
    assert row["category_code"] == "virtual_machine"  # HARDWARE/VMSYSTEM is not "Physical"
    assert row["device_id"].startswith("vm-") and row["serial_number"] == "" and row["uuid"] == ""
    assert row["ram_mb"] == "24105"  # HARDWARE/MEMORY: no MEMORIES element in a virtual machine
    assert row["cpu"] == "AMD EPYC"
    assert row["os_name"] == "Debian GNU/Linux 12 (bookworm)" and row["os_version"] == "12.11"
    assert row["storage"] == "unknown:275"  # vda, 274,877 MB
    assert row["last_inventory_dt"]


def test_a_fusioninventory_laptop():
    [row] = parse_inventory_xml(fusion_laptop())
    assert row["category_code"] == "laptop"
    assert (row["serial_number"], row["uuid"], row["device_id"]) == (
        "PF2ABCDE", "4c4c4544-0042-3510-8052-b7c04f335a32", "pc-compta-2026-01-05-10-00-00")
    assert row["asset_tag"] == ""  # "No Asset Tag" is a BIOS placeholder
    assert (row["manufacturer"], row["model"], row["designation"]) == ("LENOVO", "ThinkPad T480", "LENOVO ThinkPad T480")
    assert row["cpu"] == "Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz"
    assert row["ram_mb"] == "16384"  # the modules' total, not HARDWARE/MEMORY
    assert row["storage"] == "ssd:250;hdd:500"  # the CD-ROM is not a disk
    assert (row["os_name"], row["os_version"]) == ("Microsoft Windows 10 Professionnel", "22H2")
    assert row["battery_health_pct"] == "76"
    assert row["last_inventory_dt"] == "2026-11-30 09:12:44"


def test_an_ocs_agent_desktop_with_its_monitor():
    computer, monitor = parse_inventory_xml(ocs_desktop())
    assert computer["category_code"] == "desktop" and computer["serial_number"] == "CZC1234XYZ"
    assert computer["device_id"] == "ACCUEIL-2024-03-01-08-00-00" and computer["asset_tag"] == "SDN-2024-000042"
    assert computer["cpu"].startswith("Intel(R) Core(TM) i5-8500") and computer["ram_mb"] == "7856"
    assert computer["os_name"] == "Ubuntu 22.04.3 LTS" and computer["storage"] == "unknown:1000"
    assert computer["uuid"] == "b8a3c2d1-1111-2222-3333-444455556666"
    assert monitor == {"category_code": "monitor_24", "designation": "Hewlett Packard HP E243",
                       "serial_number": "CNK9330XYZ", "manufacturer": "Hewlett Packard", "model": "HP E243",
                       "last_inventory_dt": ""}


def test_a_zip_of_many_inventories_in_name_order():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("parc/b-accueil.xml", ocs_desktop())
        archive.writestr("parc/a-compta.ocs", fusion_laptop())
        archive.writestr("__MACOSX/parc/._a-compta.ocs", b"\x00\x05junk")
        archive.writestr("parc/LISEZMOI.txt", b"export du 30/11")
    rows = parse_inventory_zip(out.getvalue())
    assert [r["serial_number"] for r in rows] == ["PF2ABCDE", "CZC1234XYZ", "CNK9330XYZ"]


@pytest.mark.parametrize("data, code", [
    (b"PK\x03\x04 this is not a whole zip", "inventory_zip_corrupted"),
    (b"", "inventory_zip_corrupted"),
])
def test_a_corrupted_zip_is_refused_in_french(data, code):
    with pytest.raises(DomainError) as caught:
        parse_inventory_zip(data)
    assert caught.value.code == code and "corrompue" in caught.value.message


def test_a_zip_whose_entry_is_damaged_names_it():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.xml", fusion_laptop())
    data = bytearray(out.getvalue())
    start = data.index(b"a.xml") + len(b"a.xml")  # inside the first entry's compressed bytes
    data[start + 10:start + 60] = b"\xff" * 50
    with pytest.raises(DomainError) as caught:
        parse_inventory_zip(bytes(data))
    assert caught.value.code in ("inventory_zip_corrupted", "inventory_xml_invalid")
    assert "a.xml" in caught.value.message


def test_a_zip_without_inventory_and_an_entry_that_is_not_xml():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", b"rien")
    with pytest.raises(DomainError) as caught:
        parse_inventory_zip(out.getvalue())
    assert caught.value.code == "inventory_zip_empty"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("poste.xml", b"nom;serie\nPC;123\n")
    with pytest.raises(DomainError) as caught:
        parse_inventory_zip(out.getvalue())
    assert caught.value.code == "inventory_xml_invalid" and "poste.xml" in caught.value.message


@pytest.mark.parametrize("data, code", [
    (BILLION_LAUGHS, "inventory_xml_forbidden"),
    (EXTERNAL_ENTITY, "inventory_xml_forbidden"),
    (b"name;serial\n", "inventory_xml_invalid"),
    (b"<REQUEST><CONTENT><BIOS>", "inventory_xml_invalid"),
    (b"<html><body>nope</body></html>", "inventory_xml_not_inventory"),
])
def test_bombs_and_non_inventories_are_refused_in_french(data, code):
    with pytest.raises(DomainError) as caught:
        parse_inventory_xml(data)
    assert caught.value.code == code
    assert any(word in caught.value.message for word in ("XML", "inventaire"))


def test_detection_for_the_sources_dispatcher():
    assert looks_like_inventory_xml(fusion_laptop()) and looks_like_inventory_xml(ocs_desktop())
    assert looks_like_inventory_xml(REAL_AGENT_FILE.read_bytes())
    assert not looks_like_inventory_xml(b"category_code;serial_number\n") and not looks_like_inventory_xml(b"{}")
