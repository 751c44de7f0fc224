"""Stage 2 of the inventory import: map a source's headers and value words onto the canonical columns.

:func:`propose` suggests, for each header of a :class:`~lifecycle.imports.sources.SourceTable`, the canonical
column it holds (French and English aliases, GLPI and Snipe-IT titles; case, accents and punctuation ignored),
and, for the columns whose values are words (category, status, condition), the product's value for each word
found in the file ("Portable", "Laptop", "Notebook" → ``laptop``; "En service", "Deployed" → ``in_service``…).
The user corrects it; :func:`apply` turns the source into a frame of strings in the canonical columns for
``lifecycle.imports.services.validate``: dates as ISO (dd/mm/yyyy accepted), a warranty in months turned into
its end date from the purchase date, RAM in MB, a monitor's category from its size, a designation from the
manufacturer and model when the file has none.

A member's mapping is saved per (source kind, headers' signature) (:class:`ImportMapping`) and reused on the
next import of a file with the same headers (:func:`saved_mapping`, :func:`save_mapping`).
"""
from __future__ import annotations

import calendar
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from lifecycle.imports.columns import CANONICAL_COLUMNS, CANONICAL_NAMES
from purchasing import uploads
from purchasing.domain.errors import N_, DomainError



def N_(text: str) -> str:
    """Marks a text for translation (extracted by Babel), translated where it is shown."""
    return text


#: targets a header may map to besides the canonical columns: they feed one
EXTRA_TARGETS: list[tuple[str, str]] = [
    ("name", "Nom de l'équipement (sert de désignation si le fichier n'a ni désignation ni modèle)"),
    ("warranty_months", "Garantie en mois (la fin de garantie est calculée depuis la date d'achat)"),
]
TARGETS: dict[str, str] = dict(CANONICAL_COLUMNS) | dict(EXTRA_TARGETS)
#: the columns whose values are words mapped to the product's values
VALUE_COLUMNS = ("category_code", "status", "condition")
STATUSES = ("in_service", "in_stock")
CONDITIONS = ("new", "good", "fair", "poor")
#: a value column's values shown in the form: at most this many distinct words
MAX_WORDS = 40


def normalise(text) -> str:
    """"Numéro d'inventaire" → "numero d inventaire": lower case, no accents, punctuation as spaces."""
    value = unicodedata.normalize("NFKD", "" if text is None else str(text))
    value = "".join(ch for ch in value if not unicodedata.combining(ch)).lower()
    value = value.replace("œ", "oe").replace("æ", "ae")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", value).split())


def _table(spec: dict[str, str]) -> dict[str, str]:
    """{"alias | alias": target} → {normalised alias: target}."""
    return {normalise(alias): target for aliases, target in spec.items() for alias in aliases.split("|")}


# --- header aliases (normalised on load: write them as people do) -------------------------------------------
ALIASES: dict[str, str] = {normalise(name): name for name in TARGETS} | _table({
    "catégorie|category|code catégorie|code de catégorie|type|type d'équipement|type de matériel|type de materiel"
    "|nature|famille|genre|type d'appareil|device type|asset type|catégorie de matériel": "category_code",
    "désignation|libellé|description|intitulé|produit|matériel|equipment|item|asset": "designation",
    "référence fabricant|ref fabricant|réf. fabricant|référence produit|manufacturer ref|part number"
    "|référence catalogue": "manufacturer_ref",
    "numéro de série|n° de série|no de série|num série|num. série|série|serial|serial number|serial no|sn"
    "|numéro de série du fabricant|s/n": "serial_number",
    "asset tag|numéro d'inventaire|n° d'inventaire|no d'inventaire|num inventaire|inventaire|inventory number"
    "|inventory tag|étiquette|code inventaire|numéro d'immobilisation|immobilisation|tag": "asset_tag",
    "uuid|uuid matériel|uuid du bios|hardware uuid|smbios uuid": "uuid",
    "deviceid|device id|identifiant agent|agent id|id de l'agent": "device_id",
    "fabricant|manufacturer|marque|brand|constructeur|make": "manufacturer",
    "modèle|model|modèle de matériel|modele d'ordinateur|modèle d'écran|modèle de téléphone|model name": "model",
    "site|lieu|location|localisation|bâtiment|emplacement|default location|lieu - nom complet|implantation"
    "|affectation site|service site": "site",
    "affecté à|affecte a|utilisateur|usager|user|assigned to|checked out to|personne|service|bénéficiaire"
    "|alternate username|attribué à|agent": "assigned_to",
    "date d'achat|date d'acquisition|date achat|date acquisition|purchase date|date of purchase|acquired"
    "|acquisition date|date de livraison|date d'entrée": "acquisition_date",
    "prix|prix ht|prix d'achat|prix d'achat ht|valeur|value|purchase cost|cost|montant ht|montant|coût|cout"
    "|prix unitaire ht|valeur d'achat": "purchase_price_ht",
    "numéro de commande|n° de commande|no de commande|order number|bon de commande|référence commande"
    "|order reference|commande": "order_reference",
    "état|condition|état physique|état général|physical condition": "condition",
    "statut|status|état d'usage|situation": "status",
    "contient des données|données|holds storage|stockage de données": "holds_storage",
    "fin de garantie|date de fin de garantie|warranty end|warranty end date|warranty expires"
    "|warranty expiration|warranty expiration date|expiration de garantie|garantie jusqu'au"
    "|date fin garantie|fin garantie": "warranty_end_date",
    "processeur|cpu|processor|composants - processeur|components - processor|processeurs": "cpu",
    "mémoire|ram|mémoire vive|mémoire (mo)|ram (mo)|ram (go)|mémoire (go)|composants - mémoire"
    "|components - memory|memory|ram mb|mémoire totale": "ram_mb",
    "stockage|disque|disques|disque dur|storage|hard drive|disk|composants - disque dur"
    "|components - hard drive": "storage",
    "système d'exploitation|os|système|système d'exploitation - nom|operating system - name|operating system"
    "|os name": "os_name",
    "version du système|système d'exploitation - version|operating system - version|version os|os version"
    "|version de l'os": "os_version",
    "taille|size|diagonale|taille (pouces)|taille d'écran|screen size|pouces|écran (pouces)|inches": "screen_inches",
    "santé batterie|santé de la batterie|battery health|état de la batterie|batterie (%)": "battery_health_pct",
    "dernier inventaire|date du dernier inventaire|dernière date d'inventaire|last inventory|last inventory date"
    "|last inventory update|date de dernier inventaire": "last_inventory_dt",
    "nom|name|asset name|nom de l'ordinateur|nom du poste|hostname|nom d'hôte|nom de l'équipement"
    "|computer name": "name",
    "warranty|warranty (months)|warranty months|durée de garantie|durée de garantie (mois)|garantie"
    "|garantie (mois)|warranty duration|garantie en mois|months of warranty": "warranty_months",
})
#: titles that are known and deliberately not imported (said as such, not as "unknown")
KNOWN_IGNORED = frozenset(normalise(t) for t in (
    "entité", "entity", "company", "société", "collectivité", "dernière modification", "last update", "id", "notes",
    "commentaires", "comments", "asset eol date", "eol date", "date de fin de vie", "model number", "supplier",
    "fournisseur", "checked out", "last checkout", "expected checkin", "created at", "updated at", "date de création",
    "groupe", "group", "technicien", "technician", "réseau", "network", "lieu - id",
))


def recognised_target(title: str) -> str | None:
    """The target a title names (normalised or not), or None."""
    return ALIASES.get(normalise(title))


# --- value words -----------------------------------------------------------------------------------------------
CATEGORY_WORDS: dict[str, str] = _table({
    "portable|ordinateur portable|pc portable|portables|ordinateurs portables|laptop|laptops|notebook|notebooks"
    "|sub notebook|ultrabook|netbook|convertible|portable pc|2 en 1|chromebook|macbook": "laptop",
    "unité centrale|uc|tour|pc fixe|fixe|ordinateur fixe|poste fixe|pc de bureau|ordinateur de bureau|desktop"
    "|desktops|tower|mini tower|low profile desktop|workstation|station de travail|mini pc|ordinateur|computer"
    "|pc|poste de travail": "desktop",
    "tout en un|tout-en-un|pc tout en un|all in one|all-in-one|aio|imac": "all_in_one",
    "client léger|thin client": "thin_client",
    "écran|écrans|moniteur|moniteurs|monitor|monitors|display|écran plat|lcd": "monitor_24",
    "smartphone|smartphones|téléphone portable|téléphone mobile|mobile|mobile phone|iphone|android": "smartphone",
    "téléphone basique|feature phone|gsm": "feature_phone",
    "tablette|tablettes|tablet|tablets|ipad": "tablet",
    "imprimante|imprimantes|printer|printers|imprimante laser|laser printer": "printer_laser_small",
    "multifonction|imprimante multifonction|mfp|multifunction printer|multifunction": "printer_mfp_a4",
    "copieur|photocopieur|copier|copieur multifonction": "printer_mfp_a3",
    "imprimante jet d'encre|jet d'encre|inkjet|inkjet printer": "printer_inkjet",
    "serveur|serveurs|server|servers|serveur rack|rack server|rack mount chassis": "server_rack",
    "switch|commutateur|network switch": "network_switch",
    "borne wifi|borne wi-fi|point d'accès|point d'accès wi-fi|access point|wifi ap|ap": "wifi_ap",
    "routeur|router|box|box internet": "router_box",
    "nas|stockage réseau": "nas",
    "vidéoprojecteur|videoprojecteur|projecteur|projector|video projector|beamer": "video_projector",
    "station d'accueil|dock|docking station|réplicateur de ports": "docking_station",
    "clavier|keyboard": "keyboard",
    "souris|mouse": "mouse",
    "casque|micro-casque|micro casque|headset|casque audio": "headset",
    "téléphone ip|téléphone fixe|poste téléphonique|téléphone|ip phone|desk phone|voip phone|phone": "ip_phone",
    "grand écran|tv|télévision|téléviseur|écran interactif|television": "display_55",
    "onduleur|ups": "ups",
    "machine virtuelle|virtual machine|vm": "virtual_machine",
})
#: status words → (status, condition it implies when the file gives none)
STATUS_WORDS: dict[str, tuple[str, str]] = {
    word: value for spec, value in (
        ("en service|en production|en utilisation|utilisé|affecté|actif|active|in service|in use|deployed"
         "|production|en prêt|prêté|attribué|assigned|checked out", ("in_service", "")),
        ("en stock|stock|in stock|ready to deploy|pending|en attente|disponible|available|à déployer|en réserve"
         "|réserve|neuf|deployable|spare|de secours", ("in_stock", "")),
        ("hors service|hs|en panne|panne|cassé|broken|broken - not fixable|broken not fixable|out of order"
         "|défectueux|out for diagnostics|out for repair|en réparation|archived|archivé|undeployable|obsolète"
         "|réformé|à réformer", ("in_stock", "poor")),
    ) for word in (normalise(w) for w in spec.split("|"))
}
CONDITION_WORDS: dict[str, str] = _table({
    "neuf|new|comme neuf|brand new": "new",
    "bon|bon état|good|très bon|très bon état|very good|ok|correct": "good",
    "moyen|état moyen|assez bon|fair|usé|used|average|passable": "fair",
    "mauvais|mauvais état|poor|bad|abîmé|endommagé|damaged|hors service|hs|en panne|broken": "poor",
})
#: product values of each value column (what the form offers), and their French labels
PRODUCT_VALUES = {"status": {"in_service": N_("en service"), "in_stock": N_("en stock")},
                  "condition": {"new": N_("neuf"), "good": N_("bon"), "fair": N_("moyen"), "poor": N_("mauvais")}}


def default_word_value(column: str, word: str) -> str:
    """The product's value for a word of a value column ("" when the word is not known)."""
    key = normalise(word)
    if column == "category_code":
        return CATEGORY_WORDS.get(key, "")
    if column == "status":
        return STATUS_WORDS.get(key, ("", ""))[0] or (key.replace(" ", "_") if key.replace(" ", "_") in STATUSES
                                                        else "")
    if column == "condition":
        return CONDITION_WORDS.get(key, "")
    return ""


# --- the mapping -----------------------------------------------------------------------------------------------

@dataclass
class Mapping:
    """header (as written) → target ("" = ignored); per value column, normalised word → product value."""

    columns: dict[str, str]
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    #: the category of every row when no column gives one (a GLPI monitor list…)
    default_category: str = ""

    def as_json(self) -> dict:
        return {"columns": dict(self.columns), "values": {k: dict(v) for k, v in self.values.items()},
                "default_category": self.default_category}

    @classmethod
    def from_json(cls, data: dict) -> "Mapping":
        data = data if isinstance(data, dict) else {}
        columns = {str(k): str(v or "") for k, v in dict(data.get("columns") or {}).items()}
        values = {str(col): {normalise(w): str(v or "") for w, v in dict(words or {}).items()}
                  for col, words in dict(data.get("values") or {}).items() if col in VALUE_COLUMNS}
        return cls(columns=columns, values=values, default_category=str(data.get("default_category") or ""))

    def targets(self) -> dict[str, str]:
        """target → the header mapped to it (the first one)."""
        found: dict[str, str] = {}
        for header, target in self.columns.items():
            if target and target not in found:
                found[target] = header
        return found


@dataclass
class ColumnProposal:
    header: str
    target: str
    #: how the proposal came: "saved" (the member's mapping), "alias" (a known title), "ignored" (a title known
    #: and not imported), "unknown" (a title nobody knows: mapped to nothing)
    reason: str
    samples: list[str]


@dataclass
class Proposal:
    mapping: Mapping
    columns: list[ColumnProposal]
    #: value column → [(word as written, proposed value, rows)] of the words found in the file
    words: dict[str, list[tuple[str, str, int]]]
    #: the saved mapping reused, if any
    reused: bool = False

    @property
    def unknown(self) -> list[str]:
        return [c.header for c in self.columns if c.reason == "unknown"]


def signature(headers: list[str]) -> str:
    """The headers' signature: their normalised titles, sorted (the same columns in another order match)."""
    joined = "\x1f".join(sorted(normalise(h) for h in headers))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def check_mapping(mapping: Mapping, headers: list[str]) -> None:
    """Refuse a mapping naming an unknown target, a header the file does not have, a column twice."""
    unknown = [h for h in mapping.columns if h not in headers]
    if unknown:
        raise DomainError(N_("La colonne « %(unknown)s » n'est pas dans le fichier."),
                          params={"unknown": unknown[0][:80]}, code="unknown_header")
    seen: dict[str, str] = {}
    for header, target in mapping.columns.items():
        if not target:
            continue
        if target not in TARGETS:
            raise DomainError(N_("Colonne de destination inconnue « %(target)s »."),
                              params={"target": target[:80]}, code="unknown_target")
        if target in seen:
            raise DomainError(N_("Les colonnes « %(target)s » et « %(header)s » vont toutes deux "
                                 "dans « %(target2)s » : gardez-en une seule."),
                              params={"target": seen[target][:80], "header": header[:80],
                                      "target2": target}, code="duplicate_target")
        seen[target] = header
    for column, words in mapping.values.items():
        allowed = _allowed_values(column)
        for word, value in words.items():
            if value and allowed is not None and value not in allowed:
                raise DomainError(N_("Valeur « %(value)s » refusée pour « %(column)s »."),
                                  params={"value": value[:80], "column": column}, code="unknown_value")


def _allowed_values(column: str):
    if column == "status":
        return STATUSES
    if column == "condition":
        return CONDITIONS
    return None  # category codes: checked by validate against the catalogue's categories


def propose(source, saved: Mapping | None = None) -> Proposal:
    """The mapping proposed for a source: the saved one where it names the file's headers, else the aliases."""
    if source.canonical:
        mapping = Mapping(columns={name: name for name in source.headers})
        columns = [ColumnProposal(h, h, "alias", _samples(source.frame[h])) for h in source.headers]
        return Proposal(mapping=mapping, columns=columns, words={}, reused=False)
    proposed: dict[str, str] = {}
    columns: list[ColumnProposal] = []
    taken: set[str] = set()
    reused = saved is not None and set(saved.columns) == set(source.headers)
    for header in source.headers:
        if reused:
            target, reason = saved.columns.get(header, ""), "saved"
        else:
            target = recognised_target(header) or ""
            reason = "alias" if target else ("ignored" if normalise(header) in KNOWN_IGNORED else "unknown")
            if target in taken:  # a second column for the same target (GLPI's "Nom" and "Name"…): not mapped
                target, reason = "", "ignored"
        if target:
            taken.add(target)
        proposed[header] = target
        columns.append(ColumnProposal(header, target, reason, _samples(source.frame[header])))
    mapping = Mapping(columns=proposed, values={k: dict(v) for k, v in saved.values.items()} if reused else {},
                      default_category=saved.default_category if reused else _default_category(source, proposed))
    words = value_words(source, mapping)
    for column, found in words.items():
        table = mapping.values.setdefault(column, {})
        for word, value, _rows in found:
            table.setdefault(normalise(word), value)
    return Proposal(mapping=mapping, columns=columns, words=words, reused=reused)


def _default_category(source, columns: dict[str, str]) -> str:
    """A GLPI monitor or phone list: its items' category (it only fills the rows whose category is blank)."""
    return {"monitor": "monitor_24", "phone": "smartphone"}.get(getattr(source, "item_type", ""), "")


def _samples(series: pd.Series, n: int = 3) -> list[str]:
    return [v for v in series.astype(str).head(50).tolist() if v.strip()][:n]


def value_words(source, mapping: Mapping) -> dict[str, list[tuple[str, str, int]]]:
    """Distinct words of the value columns (at most :data:`MAX_WORDS` each, the most frequent first), with the
    value the mapping gives them (the member's, else the built-in word tables)."""
    words: dict[str, list[tuple[str, str, int]]] = {}
    for column, header in mapping.targets().items():
        if column not in VALUE_COLUMNS:
            continue
        counts = source.frame[header].astype(str).str.strip()
        counts = counts[counts != ""].value_counts().head(MAX_WORDS)
        known = mapping.values.get(column, {})
        words[column] = [(word, known.get(normalise(word), default_word_value(column, word)), int(rows))
                         for word, rows in counts.items()]
    return words


# --- applying it -----------------------------------------------------------------------------------------------

def apply(source, mapping: Mapping) -> pd.DataFrame:
    """The source in the canonical columns (strings), ready for ``services.validate``."""
    if source.canonical:
        frame = source.frame.reindex(columns=CANONICAL_NAMES, fill_value="").fillna("").astype(str)
        return frame.reset_index(drop=True)
    check_mapping(mapping, source.headers)
    targets = mapping.targets()
    n = len(source.frame)
    def column(target: str) -> pd.Series:
        # object arrays stripped by str.strip (pandas' str columns iterate and .str-strip cell by cell, slowly)
        header = targets.get(target)
        if header is None:
            return pd.Series(np.full(n, "", dtype=object), dtype=object)
        values = source.frame[header].to_numpy(dtype=object, na_value="")
        try:
            stripped = np.fromiter(map(str.strip, values), dtype=object, count=n)
        except TypeError:  # a cell that is not a string
            stripped = np.fromiter((str(v).strip() for v in values), dtype=object, count=n)
        return pd.Series(stripped, dtype=object)

    out = pd.DataFrame({name: column(name) for name in CANONICAL_NAMES})
    for name in ("category_code", "condition"):
        out[name] = _map_words(out[name], name, mapping.values.get(name, {}))
    status_raw = out["status"]
    out["status"] = _map_words(status_raw, "status", mapping.values.get("status", {}))
    implied = _per_distinct(status_raw, lambda word: STATUS_WORDS.get(normalise(word), ("", ""))[1])
    out["condition"] = out["condition"].where(out["condition"] != "", implied)
    if mapping.default_category:
        out["category_code"] = out["category_code"].where(out["category_code"] != "", mapping.default_category)
    if "screen_inches" in targets:
        out["screen_inches"] = _per_distinct(out["screen_inches"], _inches)
        out["category_code"] = [_sized(code, inches) for code, inches in zip(out["category_code"],
                                                                             out["screen_inches"])]
    for name in ("acquisition_date", "warranty_end_date", "last_inventory_dt"):
        out[name] = _per_distinct(out[name], _iso_date)
    if "warranty_months" in targets:
        out["warranty_end_date"] = [end or _warranty_end(start, months) for end, start, months in
                                    zip(out["warranty_end_date"], out["acquisition_date"], column("warranty_months"))]
    out["purchase_price_ht"] = _per_distinct(out["purchase_price_ht"], _price)
    out["ram_mb"] = _per_distinct(out["ram_mb"], ram_mb)
    name = column("name")
    composed = (out["manufacturer"] + " " + out["model"]).str.strip()
    out["designation"] = [d or c or nm for d, c, nm in zip(out["designation"], composed, name)]
    return out


def _map_words(series: pd.Series, column: str, table: dict[str, str]) -> pd.Series:
    cache: dict[str, str] = {}

    def one(word: str) -> str:
        if not word:
            return ""
        if word not in cache:
            key = normalise(word)
            cache[word] = table.get(key) or default_word_value(column, word) or word
        return cache[word]

    return _per_distinct(series, one)


def _per_distinct(series: pd.Series, function) -> pd.Series:
    """``series.map(function)`` computed once per distinct value (a column of 100,000 cells holds a few thousand
    dates, a few dozen prices or words), taken back to every row by index."""
    codes, uniques = pd.factorize(series.to_numpy(dtype=object), use_na_sentinel=False)
    results = np.empty(len(uniques), dtype=object)
    results[:] = [function(value) for value in uniques]
    return pd.Series(results[codes], index=series.index, dtype=object)


MONITOR_CODES = ("monitor_24", "monitor_27", "display_55")


def _inches(text: str) -> str:
    value = uploads.parse_decimal(re.sub(r"(pouces|pouce|inches|inch|po|in|\"|'')\s*$", "", text.strip(),
                                         flags=re.IGNORECASE)) if text else None
    return f"{value.normalize():f}" if value is not None and 0 < value < 200 else text


def _sized(code: str, inches: str) -> str:
    """A monitor's category from its size: below 25.5″ ~24, below 40″ ~27, above a large display."""
    if code not in MONITOR_CODES:
        return code
    value = uploads.parse_decimal(inches)
    if value is None or value <= 0:
        return code
    return "monitor_24" if value < 25.5 else "monitor_27" if value < 40 else "display_55"


def _iso_date(text: str) -> str:
    if not text:
        return ""
    try:
        return uploads.parse_date(text).isoformat()
    except ValueError:
        return text  # validate says what is wrong with it


def _warranty_end(start: str, months: str) -> str:
    """Purchase date + warranty months (the last day of a shorter month when the day does not exist)."""
    count = uploads.parse_decimal(re.sub(r"(mois|months?|m)\s*$", "", months.strip(), flags=re.IGNORECASE)) \
        if months else None
    if not start or count is None or count <= 0 or count != int(count) or count > 600:
        return ""
    try:
        begin = date.fromisoformat(start)
    except ValueError:
        return ""
    total = begin.month - 1 + int(count)
    year, month = begin.year + total // 12, total % 12 + 1
    return date(year, month, min(begin.day, calendar.monthrange(year, month)[1])).isoformat()


def _price(text: str) -> str:
    if not text:
        return ""
    cleaned = re.sub(r"(?i)\s*(eur|euros?|€|ht)\s*", "", text).strip()
    value = uploads.parse_decimal(cleaned)
    return f"{value:f}" if value is not None else text


def ram_mb(text: str) -> str:
    """"8 Go", "8GB", "8192", "8192 Mo", "16 384 MB" → MB; a bare number below 256 is in GB."""
    if not text:
        return ""
    match = re.fullmatch(r"\s*([0-9][0-9\s\u00a0\u202f.,]*)\s*(go|gb|gio|gib|mo|mb|mio|mib|to|tb)?\s*", text.lower())
    if not match:
        return text
    value = uploads.parse_decimal(match.group(1))
    if value is None:
        return text
    unit = match.group(2) or ("go" if value < 256 else "mo")
    factor = {"go": 1024, "gb": 1024, "gio": 1024, "gib": 1024, "to": 1024 * 1024, "tb": 1024 * 1024}.get(unit, 1)
    return str(int(round(value * factor)))


def preview(source, mapping: Mapping, rows: int = 10) -> pd.DataFrame:
    """The first rows as they will be stored (canonical columns that hold something in them)."""
    head = type(source)(**{**source.__dict__, "frame": source.frame.head(rows).reset_index(drop=True)})
    frame = apply(head, mapping)
    keep = [c for c in CANONICAL_NAMES if frame[c].astype(str).str.strip().ne("").any()]
    return frame[keep]


# --- saved mappings (per member, kind and headers) -------------------------------------------------------------

def saved_mapping(member_id: int, kind: str, headers: list[str]):
    """The member's saved :class:`ImportMapping` for this kind of file with these headers, or None."""
    from sqlalchemy import select

    from lifecycle.imports.models import ImportMapping
    from purchasing.extensions import db

    return db.session.scalars(select(ImportMapping).where(
        ImportMapping.member_id == member_id, ImportMapping.kind == kind,
        ImportMapping.signature == signature(headers))).one_or_none()


def mapping_of(record) -> Mapping:
    return Mapping.from_json({"columns": record.columns, "values": record.value_map,
                              "default_category": record.default_category})


def save_mapping(member_id: int, kind: str, headers: list[str], mapping: Mapping):
    """Create or update the member's mapping for this kind and headers (flushes; a concurrent save of the same
    mapping updates the winner's row instead of failing)."""
    from sqlalchemy.exc import IntegrityError

    from lifecycle.imports.models import ImportMapping
    from purchasing.db_types import utcnow
    from purchasing.extensions import db

    check_mapping(mapping, headers)
    data = mapping.as_json()
    record = saved_mapping(member_id, kind, headers)
    if record is None:
        record = ImportMapping(member_id=member_id, kind=kind, signature=signature(headers),
                               headers=list(headers)[:500])
        try:
            with db.session.begin_nested():
                db.session.add(record)
                _fill(record, data, utcnow())
                db.session.flush()
            return record
        except IntegrityError:
            record = saved_mapping(member_id, kind, headers)
    _fill(record, data, utcnow())
    db.session.flush()
    return record


def _fill(record, data: dict, now) -> None:
    record.columns, record.value_map = data["columns"], data["values"]
    record.default_category, record.updated_dt = data["default_category"][:40], now


def update_saved(record, columns: dict | None = None, values: dict | None = None,
                 default_category: str | None = None):
    """Change a saved mapping (the API): the same checks as on the import form; flushes."""
    from purchasing.db_types import utcnow
    from purchasing.extensions import db

    current = mapping_of(record)
    merged = Mapping.from_json({"columns": columns if columns is not None else current.columns,
                                "values": values if values is not None else current.values,
                                "default_category": default_category if default_category is not None
                                else current.default_category})
    check_mapping(merged, list(record.headers))
    _fill(record, merged.as_json(), utcnow())
    db.session.flush()
    return record
