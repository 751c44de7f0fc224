"""Pure rules on inventory hardware details (lifecycle.domain.hardware)."""
from __future__ import annotations

import pytest

from lifecycle.domain import hardware


@pytest.mark.parametrize("texts, rotational, expected", [
    (("NVMe", "Samsung SSD 970"), None, "nvme"),
    (("nvme0n1",), None, "nvme"),
    (("mmcblk0",), None, "emmc"),
    (("SCSI", "Samsung SSD 860 EVO 250GB"), None, "ssd"),
    (("IDE", "ST500LM021", "Hard disk drive"), None, "hdd"),
    (("sda", "TOSHIBA DT01ACA100"), True, "hdd"),
    (("sda", "QEMU HARDDISK"), False, "ssd"),
    (("vda", "Virtual"), None, "unknown"),
    ((None, ""), None, "unknown"),
])
def test_storage_type(texts, rotational, expected):
    assert hardware.storage_type(*texts, rotational=rotational) == expected


def test_storage_column_round_trip_and_refusal():
    assert hardware.parse_storage("ssd:256; HDD=1000 ,nvme:512|disque:500") == [
        ("ssd", 256), ("hdd", 1000), ("nvme", 512), ("hdd", 500)]
    assert hardware.parse_storage("m.2:1000") == [("nvme", 1000)] and hardware.parse_storage("") == []
    assert hardware.parse_storage("tape:100") == [("unknown", 100)]
    assert hardware.format_storage([("ssd", 256), ("hdd", 1000)]) == "ssd:256;hdd:1000"
    with pytest.raises(ValueError):
        hardware.parse_storage("ssd:256;beaucoup")


@pytest.mark.parametrize("name, version, label", [
    ("Microsoft Windows 10 Professionnel", "10.0.19045", "Windows 10"),
    ("Microsoft Windows 10 Famille", "", "Windows 10"),
    ("Windows 11 Pro", "23H2", "Windows 11"),
    ("Microsoft Windows 8.1 Pro", "", "Windows 8.1"),
    ("Microsoft Windows XP Professional", "", "Windows XP"),
    ("Microsoft Windows Server 2019 Standard", "", "Windows Server 2019"),
    ("Windows", "", "Windows"),
    ("Debian GNU/Linux 12 (bookworm)", "12.11", "Debian 12"),
    ("Ubuntu 22.04.3 LTS", "", "Ubuntu 22.04"),
    ("macOS", "14.2.1", "macOS 14"),
    ("Mac OS X 10.15", "", "macOS 10"),
    ("Red Hat Enterprise Linux 9.3", "", "Red Hat 9.3"),
    ("Android", "13", "Android 13"),
    ("", "1.0", ""),
    ("HaikuOS", "", "HaikuOS"),
])
def test_os_label(name, version, label):
    assert hardware.os_label(name, version) == label


@pytest.mark.parametrize("cpu, generation", [
    ("Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz", "8"),
    ("Intel(R) Core(TM) i7-2600 CPU", "2"),
    ("Intel Core i5-10210U", "10"),
    ("11th Gen Intel(R) Core(TM) i7-1165G7 @ 2.80GHz", "11"),
    ("12th Gen Intel(R) Core(TM) i5-1235U", "12"),
    ("Intel(R) Core(TM) i5-12400", "12"),
    ("Intel(R) Core(TM) Ultra 7 155H", "Ultra 1"),
    ("AMD Ryzen 5 5600U with Radeon Graphics", "5000"),
    ("AMD Ryzen 7 PRO 4750U", "4000"),
    ("AMD EPYC", ""),
    (None, ""),
])
def test_cpu_generation(cpu, generation):
    assert hardware.cpu_generation(cpu) == generation


@pytest.mark.parametrize("vmsystem, virtual", [
    ("Physical", False), ("physique", False), ("", False), (None, False),
    ("VMware", True), ("Docker", True), ("KVM", True), ("Hyper-V", True),
])
def test_is_virtual(vmsystem, virtual):
    assert hardware.is_virtual(vmsystem) is virtual
