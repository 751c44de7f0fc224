"""Bulk import of an existing inventory from CSV, XLSX or ODS (read by ``purchasing.uploads``): dry run listing
every row error, then an all-or-nothing insert (one transaction, bulk inserts, lookups fetched once — no per-row
query)."""
from __future__ import annotations

import io
from dataclasses import dataclass, field

import pandas as pd

from lifecycle.imports import bulk, limits
from lifecycle.imports.validation import FALSE_WORDS, TRUE_WORDS, RowError, validate  # noqa: F401 - stage 3
from purchasing import uploads
from purchasing.domain.errors import DomainError

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
#: other headers accepted for a column (lower-cased)
ALIASES = {"fin de garantie": "warranty_end_date", "warranty end": "warranty_end_date",
           "warranty_end": "warranty_end_date", "fin_de_garantie": "warranty_end_date"}
COLUMN_NAMES = [c for c, _req, _doc in COLUMNS]
ALLOWED_KINDS = ("csv", "xlsx", "ods")


@dataclass
class ImportReport:
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    imported: int = 0

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


def read_table(filename: str, data: bytes) -> pd.DataFrame:
    """The file as a frame of strings (``purchasing.uploads``: type, size, encoding, separator, headers)."""
    frame = uploads.read_table(filename, data, allowed=ALLOWED_KINDS, upload_limits=limits.inventory_limits(),
                               required_columns=[c for c, required, _doc in COLUMNS if required]).frame
    frame.columns = [ALIASES.get(str(c).strip().lower(), str(c).strip()) for c in frame.columns]
    missing = [c for c, required, _doc in COLUMNS if required and c not in frame.columns]
    if missing:
        raise DomainError("Colonne(s) obligatoire(s) absente(s) : " + ", ".join(missing) + ".",
                          code="missing_columns")
    if len(frame) > limits.max_rows():
        raise DomainError(f"Trop de lignes : {uploads._thousands(limits.max_rows())} au plus par import en ligne ; "
                          "au-delà, la commande « flask lifecycle import » importe un fichier CSV de toute taille.",
                          code="too_many_rows", details={"max_rows": limits.max_rows()})
    if len(frame) == 0:
        raise DomainError("Le fichier ne contient aucune ligne d'équipement.", code="no_rows")
    for column in COLUMN_NAMES:
        if column not in frame.columns:
            frame[column] = ""
    return frame.fillna("")


def run_import(filename: str, data: bytes, member_id: int, actor, *, dry_run: bool) -> ImportReport:
    """Validate the whole file; unless it is a dry run and when it has no error, insert every row at once."""
    frame = read_table(filename, data)
    rows, errors = validate(frame)
    report = ImportReport(rows=len(frame), errors=errors)
    if errors or dry_run:
        return report
    report.imported = insert_rows(rows, filename, member_id, actor)
    return report


def insert_rows(rows: list[dict], filename: str, member_id: int, actor) -> int:
    """Insert validated rows (from :func:`validate`) and their "imported" events through the bulk path
    (``lifecycle.imports.bulk``: COPY on PostgreSQL, multi-row INSERTs on SQLite); each row dict gets its ``tag``
    and ``id``. Flushes only."""
    return len(bulk.insert_assets(member_id, actor, rows, filename))
