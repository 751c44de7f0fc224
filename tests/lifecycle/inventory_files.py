"""Inventory files as the tools that write them do: GLPI (native JSON inventory, list exports in French and
English), Snipe-IT's asset export, French Excel's CSV, workbooks with the table on a second sheet, ODS."""
from __future__ import annotations

import io
import json

import pandas as pd


def glpi_inventory(n: int = 1, *, chassis: str = "Notebook", vmsystem: str = "Physical",
                   serial: str | None = None) -> dict:
    """One computer's GLPI native inventory (the agent's JSON, glpi-project/inventory_format)."""
    return {
        "action": "inventory",
        "deviceid": f"pc-mairie-{n:02d}-2026-11-30-08-15-02",
        "itemtype": "Computer",
        "content": {
            "versionclient": "GLPI-Agent_v1.11",
            "hardware": {"name": f"PC-MAIRIE-{n:02d}", "uuid": f"4C4C4544-0042-3510-8053-B{n:011d}",
                         "memory": 7908, "chassis_type": chassis, "vmsystem": vmsystem, "workgroup": "MAIRIE"},
            "bios": {"bdate": "2023-02-14", "bmanufacturer": "Dell Inc.", "bversion": "1.21.0",
                     "smanufacturer": "Dell Inc.", "smodel": "Latitude 5430", "ssn": serial or f"7HX{n:04d}Q",
                     "mmanufacturer": "Dell Inc.", "msn": "/7HX0001Q/CNWS20023B00RH/", "assettag": f"MAIRIE-{n:04d}"},
            "cpus": [{"name": "12th Gen Intel(R) Core(TM) i5-1245U", "manufacturer": "Intel", "core": 10,
                      "thread": 12, "speed": 1600}],
            "memories": [{"capacity": 8192, "type": "DDR4", "numslots": 1, "caption": "DIMM A"},
                         {"capacity": 8192, "type": "DDR4", "numslots": 2, "caption": "DIMM B"}],
            "storages": [{"name": "nvme0n1", "model": "PM9A1 NVMe Samsung 512GB", "disksize": 512110,
                          "interface": "NVME", "type": "disk"},
                         {"name": "sda", "model": "ST1000LM035", "disksize": 1000204, "interface": "SATA",
                          "type": "disk"},
                         {"name": "sr0", "model": "DVD+-RW", "type": "cdrom", "disksize": 0}],
            "operatingsystem": {"full_name": "Microsoft Windows 10 Professionnel", "name": "Windows",
                                "version": "22H2", "arch": "64-bit"},
            "batteries": [{"name": "DELL 1VY7F", "capacity": 54000, "real_capacity": 43200, "chemistry": "LiP"}],
            "accesslog": {"logdate": "2026-11-30 08:15:02"},
        },
    }


def glpi_json(count: int = 1) -> bytes:
    if count == 1:
        return json.dumps(glpi_inventory(1), indent=2).encode()
    return json.dumps([glpi_inventory(n) for n in range(1, count + 1)]).encode()


GLPI_COMPUTERS_FR = [
    ["Nom", "Entité", "Statut", "Fabricant", "Numéro de série", "Type", "Modèle", "Système d'exploitation - Nom",
     "Lieu", "Dernière modification", "Composants - Processeur", "Numéro d'inventaire", "Date d'achat",
     "Durée de garantie", "Usager"],
    ["PC-ACCUEIL", "Mairie de Saint-Jorioz", "En service", "Dell Inc.", "GLPIFR001", "Portable", "Latitude 5440",
     "Windows 11 Professionnel", "Mairie > Accueil", "2026-11-02 10:14", "Intel Core i5-1335U", "INV-2023-001",
     "15/03/2023", "36", "Accueil"],
    ["PC-COMPTA", "Mairie de Saint-Jorioz", "En stock", "HP", "GLPIFR002", "Unité centrale", "ProDesk 400 G7",
     "Windows 10 Professionnel", "Mairie > Comptabilité", "2026-10-20 09:00", "Intel Core i3-10100", "INV-2021-014",
     "01/09/2021", "24", ""],
    ["PC-ATELIER", "Mairie de Saint-Jorioz", "Hors service", "Lenovo", "GLPIFR003", "Ordinateur portable",
     "ThinkPad E14", "Windows 10 Professionnel", "Services techniques", "2026-09-01 16:40", "AMD Ryzen 5 4500U",
     "INV-2020-022", "2020-06-30", "12", "Atelier"],
]
GLPI_COMPUTERS_EN = [
    ["Name", "Entity", "Status", "Manufacturer", "Serial number", "Type", "Model", "Operating system - Name",
     "Location", "Last update", "Components - Processor", "Inventory number", "Date of purchase"],
    ["PC-FRONT-DESK", "Town hall", "In use", "Dell Inc.", "GLPIEN001", "Laptop", "Latitude 7440",
     "Windows 11 Pro", "Town hall", "2026-11-02 10:14", "Intel Core i7-1365U", "INV-EN-001", "2023-03-15"],
    ["PC-SCHOOL", "Town hall", "In stock", "Lenovo", "GLPIEN002", "Desktop", "ThinkCentre M70q",
     "Windows 10 Pro", "School", "2026-10-20 09:00", "Intel Core i5-10400T", "INV-EN-002", "2022-01-10"],
]
GLPI_MONITORS_FR = [
    ["Nom", "Entité", "Statut", "Fabricant", "Lieu", "Type", "Modèle", "Dernière modification", "Numéro de série",
     "Taille"],
    ["ECRAN-01", "Mairie", "En service", "Iiyama", "Mairie", "", "ProLite XUB2492HSU", "2026-11-02", "MONFR001",
     "23.8"],
    ["ECRAN-02", "Mairie", "En service", "Dell", "Mairie", "", "P2723DE", "2026-11-02", "MONFR002", "27"],
]
SNIPEIT_ASSETS = [
    ["Company", "Name", "Asset Tag", "Category", "Manufacturer", "Model", "Model Number", "Serial", "Location",
     "Purchase Date", "Purchase Cost", "Order Number", "Warranty", "Status", "Asset EOL Date", "Checked Out To",
     "Notes"],
    ["Commune de Sévrier", "Portable DGS", "SNIPE-0001", "Laptops", "Lenovo", "ThinkPad T14 Gen 4", "21HD",
     "PF4SNIPE1", "Mairie", "2023-09-12", "1,149.90", "PO-2023-77", "36", "Deployed", "2027-09-12", "Marie Curie",
     ""],
    ["Commune de Sévrier", "Poste accueil", "SNIPE-0002", "Desktops", "HP", "EliteDesk 800 G6", "1D2F3",
     "CZCSNIPE2", "École", "2021-01-31", "689.00", "PO-2021-03", "12", "Ready to Deploy", "", "", "spare"],
    ["Commune de Sévrier", "", "SNIPE-0003", "Monitors", "Dell", "P2422H", "P2422H", "CNSNIPE3", "Mairie",
     "2022-05-02", "189,50", "", "", "Broken - Not Fixable", "", "", ""],
]
#: French Excel's "CSV (séparateur : point-virgule)": Windows-1252, decimal commas, dd/mm/yyyy
FRENCH_SPREADSHEET = [
    ["Catégorie", "Désignation", "N° de série", "Lieu", "Affecté à", "Date d'achat", "Prix d'achat HT", "État",
     "Statut", "Fin de garantie", "Remarque"],
    ["Portable", "Portable d’élève – Dell Latitude", "FRX-001", "École maternelle", "Classe des grands",
     "15/03/2023", "849,90", "Bon", "En service", "15/03/2026", "sac fourni"],
    ["Écran", "Écran 24\" Iiyama œil", "FRX-002", "Mairie d'Écuelles", "Secrétariat", "01/02/2022", "1 139,50",
     "Neuf", "En stock", "", ""],
    ["Tablette", "Tablette élève", "FRX-003", "École élémentaire", "", "30/06/2024", "329", "Usé", "Hors service",
     "", "écran fêlé"],
]


def csv_bytes(rows: list[list[str]], *, sep: str = ";", encoding: str = "utf-8", bom: bool = False) -> bytes:
    def cell(value: str) -> str:
        return f'"{value.replace(chr(34), chr(34) * 2)}"' if any(c in value for c in (sep, '"', "\n")) else value

    text = "\r\n".join(sep.join(cell(v) for v in row) for row in rows) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def workbook(sheets: dict[str, list[list[str]]], engine: str = "openpyxl") -> bytes:
    """An XLSX (openpyxl) or ODS (odf) with these sheets, in order; first row of each = its titles."""
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine=engine) as writer:
        for name, rows in sheets.items():
            pd.DataFrame(rows[1:], columns=rows[0]).to_excel(writer, sheet_name=name, index=False)
    return out.getvalue()


COVER_SHEET = [["Inventaire du parc informatique", "Mis à jour le"], ["Commune de Talloires", "01/12/2026"],
               ["Contact", "secretariat@talloires.test"], ["Remarque", "voir la feuille Matériel"],
               ["Version", "3"]]
