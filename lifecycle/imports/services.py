"""Bulk import of an existing inventory from CSV, XLSX or ODS (read by ``purchasing.uploads``): dry run listing
every row error, then an all-or-nothing insert (one transaction, bulk inserts, lookups fetched once — no per-row
query)."""
from __future__ import annotations

import io
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lifecycle.assets import hardware
from lifecycle.imports import bulk, limits
from lifecycle.imports.validation import FALSE_WORDS, TRUE_WORDS, RowError, Validator  # noqa: F401 - stage 3
from purchasing import uploads
from purchasing.domain.errors import N_, DomainError
from purchasing.members.services import resolve_sites

#: (column, required, description) — the documented columns, in the template's order
COLUMNS = [
    ("category_code", True, "Code de catégorie (laptop, desktop, monitor_24, smartphone…)"),
    ("designation", False, "Désignation libre (marque et modèle) si aucun produit du catalogue"),
    ("manufacturer_ref", False, "Référence fabricant d'un produit du catalogue (facultatif)"),
    ("serial_number", False, "Numéro de série (unique)"),
    ("site", False, "Site (mairie, école…)"),
    ("assigned_to", False, "Personne ou service"),
    ("acquisition_date", False, "Date d'acquisition, AAAA-MM-JJ ou JJ/MM/AAAA"),
    ("purchase_price_ht", False, "Prix d'achat HT en euros (positif), ex. 849,90"),
    ("condition", False, "État : new, good, fair, poor (défaut : good)"),
    ("status", False, "Statut : in_stock ou in_service (défaut : in_service)"),
    ("holds_storage", False, "Contient des données : oui/non (défaut : selon la catégorie)"),
    ("warranty_end_date", False, "Fin de garantie, AAAA-MM-JJ ou JJ/MM/AAAA (aussi « fin de garantie », "
                                 "« warranty end »)"),
]
COLUMN_NAMES = [c for c, _req, _doc in COLUMNS]
#: the Asset columns of a validated row
ASSET_FIELDS = ("category_id", "product_id", "designation", "serial_number", "site_id", "assigned_to",
                "acquisition_date", "purchase_price_ht", "condition", "status", "holds_storage", "warranty_end_date")
#: canonical columns read beside COLUMNS: the match keys and the hardware details (lifecycle.imports.columns)
EXTRA_NAMES = ["asset_tag", "uuid", "device_id", "manufacturer", "model", "cpu", "ram_mb", "storage", "os_name",
               "os_version", "screen_inches", "battery_health_pct", "last_inventory_dt"]
ALLOWED_KINDS = ("csv", "xlsx", "ods")


@dataclass
class ImportReport:
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    #: assets created (written, or that would be in a dry run: see ``plan``)
    imported: int = 0
    #: sites the import created in the member's address book (unknown locations, decisions.md)
    new_sites: list[str] = field(default_factory=list)
    updated: int = 0
    #: the matching plan (lifecycle.imports.matching): created, updated with their changes, unchanged, absent
    plan: object = None

    @property
    def ok(self) -> bool:
        return not self.errors


def template_csv() -> bytes:
    example = ["laptop", "Dell Latitude 5440", "", "ABC123XYZ", "Mairie", "Accueil", "2023-03-15", "849,90",
               "good", "in_service", "oui", "2026-03-15"]
    frame = pd.DataFrame([example], columns=COLUMN_NAMES)
    return frame.to_csv(index=False, sep=";").encode("utf-8-sig")


def template_xlsx() -> bytes:
    out = io.BytesIO()
    example = ["laptop", "Dell Latitude 5440", "", "ABC123XYZ", "Mairie", "Accueil", "2023-03-15", "849.90",
               "good", "in_service", "oui", "2026-03-15"]
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        pd.DataFrame([example], columns=COLUMN_NAMES).to_excel(writer, sheet_name="inventaire", index=False)
        pd.DataFrame(COLUMNS, columns=["colonne", "obligatoire", "description"]).to_excel(
            writer, sheet_name="colonnes", index=False)
    return out.getvalue()


def read_table(filename: str, data: bytes, *, member_id: int | None = None, mapping=None) -> pd.DataFrame:
    """The file as a frame of strings in the canonical columns: read and recognised by
    ``lifecycle.imports.sources`` (spreadsheet, GLPI, Snipe-IT, agents), mapped by ``lifecycle.imports.mapping``
    (``mapping`` if given, else the member's saved one for these headers, else the proposal)."""
    frame = prepare(filename, data, member_id=member_id, mapping=mapping)[2]
    return frame


def prepare(filename: str, data: bytes, *, member_id: int | None = None, mapping=None):
    """(source, mapping, canonical frame) of a file; ``DomainError`` when it cannot be imported as such."""
    from lifecycle.imports import mapping as mappings
    from lifecycle.imports.sources import read_source

    source = read_source(filename, data, upload_limits=limits.inventory_limits())
    if len(source) > limits.max_rows():
        raise DomainError(N_("Trop de lignes : %(max_rows)s au plus par import en ligne ; au-delà, "
                             "la commande « flask lifecycle import » importe un fichier CSV de "
                             "toute taille."), params={"max_rows": uploads._thousands(limits.max_rows())},
                          code="too_many_rows", details={"max_rows": limits.max_rows()})
    if mapping is None:
        saved = mappings.saved_mapping(member_id, source.kind, source.headers) if member_id else None
        mapping = mappings.propose(source, mappings.mapping_of(saved) if saved else None).mapping
    if not source.canonical and "category_code" not in mapping.targets() and not mapping.default_category:
        raise DomainError(N_("Aucune colonne ne donne la catégorie des équipements (category_code, « Type », "
                             "« Catégorie »…) : associez-en une ou choisissez une catégorie pour toutes les lignes."),
                          code="missing_columns")
    frame = mappings.apply(source, mapping)
    return source, mapping, frame


def validate(frame: pd.DataFrame, progress=None, *, validator: Validator | None = None,
             first_line: int = 2) -> tuple[list[dict], list[RowError]]:
    """Stage 3: every row checked on its own and within the file (``lifecycle.imports.validation``, by columns),
    then the match keys and the hardware details typed (``lifecycle.assets.hardware``). A serial already in the
    database is not an error here: stage 4 (``lifecycle.imports.matching``) matches it with the member's asset
    (an update) or refuses it when it is another member's.

    Each row gets ``hardware`` (typed details), ``asset_tag``/``uuid``/``device_id`` (the keys) and ``given`` (the
    columns the file filled: an empty cell never erases a matched asset's value). ``validator`` and ``first_line``:
    a file read in chunks (the command line) shares one validator (in-file duplicates across chunks)."""
    validator = validator or Validator(check_database_serials=False)
    rows, errors = validator.validate(frame, first_line=first_line, progress=progress)
    extra = [c for c in EXTRA_NAMES if c in frame.columns]
    names = [c for c in [*COLUMN_NAMES, *extra] if c in frame.columns]
    # which columns each row fills, as one bit per column: the rows share one frozenset per distinct pattern
    # (a file fills the same few columns on most rows), and a row that fills no hardware column skips the typing
    bits = np.zeros(len(frame), dtype=np.int64)
    for position, name in enumerate(names):
        bits |= _filled(frame[name]).astype(np.int64) << position
    extra_bits = sum(1 << names.index(c) for c in extra)
    patterns: dict[int, frozenset] = {}
    kept: list[dict] = []
    for row in rows:
        index = row["line"] - first_line
        pattern = int(bits[index])
        given = patterns.get(pattern)
        if given is None:
            given = patterns[pattern] = frozenset(c for k, c in enumerate(names) if pattern >> k & 1)
        if pattern & extra_bits:
            raw = {c: (row.get(c) or "").strip() for c in extra}
            typed, hardware_errors = hardware.typed_hardware(raw)
            if hardware_errors:
                errors.extend(RowError(row["line"], column, reason) for column, reason in hardware_errors)
                continue
            row.update(hardware=typed, asset_tag=raw.get("asset_tag") or None, uuid=typed.get("uuid"),
                       device_id=typed.get("device_id"), given=given)
        else:  # no hardware column filled: nothing to type (typed_hardware of empty cells is {})
            row.update(hardware={}, asset_tag=None, uuid=None, device_id=None, given=given)
        kept.append(row)
    errors.sort(key=lambda e: e.row)
    return kept, errors


def _filled(series: pd.Series) -> np.ndarray:
    """The cells that hold something other than spaces (stripped once per distinct text)."""
    values = series.to_numpy(dtype=object)
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    nonblank = np.fromiter((bool(str(u).strip()) for u in uniques), dtype=bool, count=len(uniques))
    return nonblank[codes] if len(values) else np.zeros(0, dtype=bool)


def run_import(filename: str, data: bytes, member_id: int, actor, *, dry_run: bool, full: bool = False,
               mapping=None) -> ImportReport:
    """Validate the whole file, match it with the member's assets (``lifecycle.imports.matching``); unless it is
    a dry run and when there is no error, create and update every asset at once.

    ``full``: the file is the member's whole inventory: its assets absent from the file are listed (not deleted).
    ``mapping`` (``lifecycle.imports.mapping.Mapping``): how its columns map; default: the member's saved mapping
    for these headers, else the proposed one."""
    from lifecycle.imports import matching

    frame = read_table(filename, data, member_id=member_id, mapping=mapping)
    rows, errors = validate(frame)
    new_sites: list[str] = []
    attach_sites(member_id, rows, created=new_sites)
    plan = matching.plan_import(member_id, rows, full=full)
    errors = sorted(errors + [RowError(e.row, e.column, e.reason) for e in plan.errors], key=lambda e: e.row)
    report = ImportReport(rows=len(frame), errors=errors, plan=plan, new_sites=new_sites)
    if errors or dry_run:
        return report
    matching.apply_plan(plan, actor, filename=filename)
    report.imported, report.updated = len(plan.create), len(plan.update)
    return report


def attach_sites(member_id: int, rows: list[dict], *, created: list[str] | None = None) -> None:
    """Each row's ``site`` (a name, as the file gives it) becomes ``site_id``, a site of the member's address book
    (created when unknown, its name appended to ``created``: the report lists it); a row without a site gets no
    ``site_id`` (an empty cell never erases a matched asset's site)."""
    site_ids = resolve_sites(member_id, {row.get("site") or "" for row in rows}, created=created)
    for row in rows:
        name = row.pop("site", "") or ""
        if site_ids.get(name):
            row["site_id"] = site_ids[name]


def insert_rows(rows: list[dict], filename: str, member_id: int, actor) -> int:
    """Insert validated rows (from :func:`validate`) and their "imported" events through the bulk path
    (``lifecycle.imports.bulk``: COPY on PostgreSQL, multi-row INSERTs on SQLite); each row dict gets its ``tag``
    and ``id``. Flushes only."""
    return len(bulk.insert_assets(member_id, actor, rows, filename))
