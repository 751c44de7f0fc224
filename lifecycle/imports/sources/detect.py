"""What a table is, from its titles: a Snipe-IT asset export, a GLPI list export (and of what), or a plain
spreadsheet; and how much a sheet's first row looks like an inventory's titles (to pick the sheet)."""
from __future__ import annotations

from lifecycle.imports.mapping import normalise, recognised_target

#: titles only Snipe-IT's asset export writes together (normalised)
SNIPEIT_MARKERS = frozenset({"asset tag", "company", "model number", "purchase cost", "warranty", "warranty months",
                             "asset eol date", "checked out to", "order number", "eol date", "asset name",
                             "default location", "supplier", "notes", "status", "category", "serial"})
#: titles of GLPI's list exports (Français, English), normalised
GLPI_MARKERS = frozenset({
    "nom", "entite", "statut", "fabricant", "numero de serie", "numero d inventaire", "type", "modele", "lieu",
    "derniere modification", "usager", "utilisateur", "groupe", "systeme d exploitation nom",
    "systeme d exploitation version", "composants processeur", "composants memoire", "date d achat",
    "duree de garantie", "numero de commande", "valeur", "taille", "marque", "commentaires",
    "name", "entity", "status", "manufacturer", "serial number", "inventory number", "model", "location",
    "last update", "alternate username", "user", "group", "operating system name", "operating system version",
    "components processor", "components memory", "date of purchase", "warranty duration", "order number", "value",
    "size", "brand", "comments",
})
GLPI_ONLY = frozenset({"entite", "entity", "derniere modification", "last update", "numero d inventaire",
                       "inventory number", "systeme d exploitation nom", "operating system name",
                       "composants processeur", "components processor", "alternate username", "usager"})


def classify_table(headers: list[str]) -> tuple[str, str]:
    """(kind, item type) of a table: ``snipeit_csv``, ``glpi_csv`` (item type computer, monitor, phone,
    peripheral or "") or ``spreadsheet``."""
    titles = {normalise(h) for h in headers}
    if "asset tag" in titles and len(titles & SNIPEIT_MARKERS) >= 4:
        return "snipeit_csv", ""
    if titles & GLPI_ONLY and len(titles & GLPI_MARKERS) >= 4:
        if titles & {"systeme d exploitation nom", "operating system name", "composants processeur",
                     "components processor", "composants memoire", "components memory"}:
            return "glpi_csv", "computer"
        if titles & {"taille", "size"}:
            return "glpi_csv", "monitor"
        if titles & {"marque", "brand", "numero", "number"}:
            return "glpi_csv", "phone"
        return "glpi_csv", ""
    return "spreadsheet", ""


def header_score(titles: list[str]) -> int:
    """How many of a sheet's first-row titles name an inventory column (0: not an inventory table)."""
    return sum(1 for title in titles if title and recognised_target(title) is not None)
