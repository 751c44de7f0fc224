"""Agent inventories for the tests: a FusionInventory laptop (memory modules, battery, SSD and HDD, Windows 10)
and an OCS Inventory agent's desktop (old layout: HARDWARE/OSNAME, PROCESSORT, lower-case tags). The real file of
this machine written by ``fusioninventory-agent --local`` 2.6 is ``data/fusioninventory-2.6-vm.ocs``."""
from __future__ import annotations

from pathlib import Path

REAL_AGENT_FILE = Path(__file__).with_name("data") / "fusioninventory-2.6-vm.ocs"


def fusion_laptop(serial="PF2ABCDE", uuid="4C4C4544-0042-3510-8052-B7C04F335A32", device_id="pc-compta-2026-01-05-10-00-00",
                  ram_modules=(8192, 8192), os_name="Microsoft Windows 10 Professionnel", hdd_mb=500107) -> bytes:
    memories = "".join(f"<MEMORIES><CAPACITY>{m}</CAPACITY><TYPE>DDR4</TYPE><NUMSLOTS>{i}</NUMSLOTS></MEMORIES>"
                       for i, m in enumerate(ram_modules))
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<REQUEST>
  <CONTENT>
    <ACCESSLOG><LOGDATE>2026-11-30 09:12:44</LOGDATE></ACCESSLOG>
    <BATTERIES><CAPACITY>54000</CAPACITY><REAL_CAPACITY>41040</REAL_CAPACITY><CHEMISTRY>Li-ion</CHEMISTRY></BATTERIES>
    <BIOS><SSN>{serial}</SSN><SMANUFACTURER>LENOVO</SMANUFACTURER><SMODEL>ThinkPad T480</SMODEL>
      <ASSETTAG>No Asset Tag</ASSETTAG><MMODEL>20L5CTO1WW</MMODEL></BIOS>
    <CPUS><NAME>Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz</NAME><CORE>4</CORE><THREAD>2</THREAD></CPUS>
    <HARDWARE><NAME>PC-COMPTA</NAME><UUID>{uuid}</UUID><MEMORY>15842</MEMORY><CHASSIS_TYPE>Notebook</CHASSIS_TYPE>
      <VMSYSTEM>Physical</VMSYSTEM><OSNAME>{os_name}</OSNAME></HARDWARE>
    {memories}
    <MONITORS><CAPTION>LEN 40BA</CAPTION><MANUFACTURER>Lenovo Group Limited</MANUFACTURER><SERIAL>0</SERIAL></MONITORS>
    <OPERATINGSYSTEM><FULL_NAME>{os_name}</FULL_NAME><NAME>Windows</NAME><VERSION>22H2</VERSION></OPERATINGSYSTEM>
    <STORAGES><NAME>\\\\.\\PHYSICALDRIVE0</NAME><MODEL>Samsung SSD 860 EVO 250GB</MODEL><DISKSIZE>250059</DISKSIZE>
      <TYPE>Fixed hard disk media</TYPE><INTERFACE>SCSI</INTERFACE></STORAGES>
    <STORAGES><NAME>\\\\.\\PHYSICALDRIVE1</NAME><MODEL>ST500LM021-1KJ152</MODEL><DISKSIZE>{hdd_mb}</DISKSIZE>
      <TYPE>Fixed hard disk media</TYPE><INTERFACE>IDE</INTERFACE><DESCRIPTION>Hard disk drive</DESCRIPTION></STORAGES>
    <STORAGES><NAME>cdrom0</NAME><TYPE>CD-ROM</TYPE><DISKSIZE>0</DISKSIZE></STORAGES>
  </CONTENT>
  <DEVICEID>{device_id}</DEVICEID>
  <QUERY>INVENTORY</QUERY>
</REQUEST>
""".encode()


def ocs_desktop(serial="CZC1234XYZ") -> bytes:
    """The layout of an OCS Inventory agent (2.x, Unix): no CPUS nor OPERATINGSYSTEM, RAM in HARDWARE/MEMORY,
    tags in lower case as some exports write them, an external monitor with its serial."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<request><deviceid>ACCUEIL-2024-03-01-08-00-00</deviceid><query>INVENTORY</query>
<content>
  <bios><ssn>{serial}</ssn><smanufacturer>HP</smanufacturer><smodel>HP EliteDesk 800 G4 SFF</smodel>
    <type>Desktop</type><assettag>SDN-2024-000042</assettag></bios>
  <hardware><name>ACCUEIL</name><osname>Ubuntu 22.04.3 LTS</osname><osversion>5.15.0-91-generic</osversion>
    <processort>Intel(R) Core(TM) i5-8500 CPU @ 3.00GHz</processort><memory>7856</memory>
    <uuid>B8A3C2D1-1111-2222-3333-444455556666</uuid><lastdate>2026-11-02 08:30:00</lastdate></hardware>
  <storages><name>sda</name><model>TOSHIBA DT01ACA100</model><disksize>1000204</disksize><type>disk</type></storages>
  <monitors><caption>HP E243</caption><manufacturer>Hewlett Packard</manufacturer><serial>CNK9330XYZ</serial></monitors>
</content>
</request>
""".encode()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<REQUEST><CONTENT><HARDWARE><NAME>&lol3;</NAME></HARDWARE></CONTENT></REQUEST>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "http://127.0.0.1:9/secret">]>
<REQUEST><CONTENT><HARDWARE><NAME>&x;</NAME></HARDWARE></CONTENT></REQUEST>"""
