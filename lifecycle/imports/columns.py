"""The canonical columns of an inventory import: every source (spreadsheets, GLPI, Snipe-IT, OCS and
FusionInventory agents) is converted into rows with these names, as strings, before validation.

The import runs in stages, each in its own module:

1. ``lifecycle.imports.sources`` reads the file, detects its kind from the content and returns its table;
2. ``lifecycle.imports.mapping`` maps the source's headers and value words onto these columns (a proposal the
   user corrects, saved per member);
3. ``lifecycle.imports.services.validate`` checks each row on its own and within the file, and types it;
4. ``lifecycle.imports.matching`` matches the rows with the member's assets (serial, UUID, agent device id,
   asset tag): created, updated, unchanged, refused;
5. ``lifecycle.imports.bulk`` writes the plan in one transaction through the bulk path.
"""
from __future__ import annotations

#: (column, description) of the columns a source may fill, in the template's order; only ``category_code``
#: is required, and a mapping may derive it from another column's words ("Portable", "Laptop"…).
CANONICAL_COLUMNS: list[tuple[str, str]] = [
    ("category_code", "Code de catégorie (laptop, desktop, monitor_24, smartphone…)"),
    ("designation", "Désignation libre (marque et modèle) si aucun produit du catalogue"),
    ("manufacturer_ref", "Référence fabricant d'un produit du catalogue (facultatif)"),
    ("serial_number", "Numéro de série (unique)"),
    ("asset_tag", "Numéro d'inventaire (étiquette) déjà porté par l'équipement"),
    ("uuid", "UUID matériel (BIOS/SMBIOS) relevé par un agent d'inventaire"),
    ("device_id", "Identifiant de l'agent d'inventaire (DEVICEID)"),
    ("manufacturer", "Fabricant"),
    ("model", "Modèle"),
    ("site", "Site (mairie, école…)"),
    ("assigned_to", "Personne ou service"),
    ("acquisition_date", "Date d'acquisition, AAAA-MM-JJ ou JJ/MM/AAAA"),
    ("purchase_price_ht", "Prix d'achat HT en euros (positif), ex. 849,90"),
    ("order_reference", "Référence de la commande d'achat d'origine"),
    ("condition", "État : new, good, fair, poor (défaut : good)"),
    ("status", "Statut : in_stock ou in_service (défaut : in_service)"),
    ("holds_storage", "Contient des données : oui/non (défaut : selon la catégorie)"),
    ("warranty_end_date", "Fin de garantie, AAAA-MM-JJ ou JJ/MM/AAAA"),
    ("cpu", "Processeur (ex. Intel Core i5-8250U)"),
    ("ram_mb", "Mémoire vive en Mo"),
    ("storage", "Stockage : type:taille en Go, séparés par « ; » (ex. ssd:256;hdd:1000)"),
    ("os_name", "Système d'exploitation (ex. Windows 10 Professionnel)"),
    ("os_version", "Version du système (ex. 22H2)"),
    ("screen_inches", "Diagonale d'écran en pouces"),
    ("battery_health_pct", "Santé de la batterie en %"),
    ("last_inventory_dt", "Date du dernier inventaire matériel"),
]
CANONICAL_NAMES: list[str] = [name for name, _doc in CANONICAL_COLUMNS]
#: the hardware-detail columns (kept per asset by ``lifecycle.assets.hardware``)
HARDWARE_NAMES: list[str] = ["manufacturer", "model", "uuid", "device_id", "cpu", "ram_mb", "storage", "os_name",
                             "os_version", "screen_inches", "battery_health_pct", "last_inventory_dt"]
#: the keys rows are matched on, in this order (decisions.md: serial, UUID, the agent's DEVICEID, asset tag)
MATCH_KEYS: list[str] = ["serial_number", "uuid", "device_id", "asset_tag"]
