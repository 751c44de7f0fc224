"""Bulk import of an existing inventory from CSV, XLSX or ODS (read by ``purchasing.uploads``): dry run listing
every row error, then an all-or-nothing insert (one transaction, bulk inserts, lookups fetched once — no per-row
query)."""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

import pandas as pd
from sqlalchemy import insert, select

from lifecycle.assets.models import Asset, AssetEvent, Origin
from lifecycle.assets.services import CONDITIONS, reserve_tags
from purchasing import uploads
from purchasing.catalogue.models import Category, Product
from purchasing.db_types import utcnow
from purchasing.domain.errors import DomainError
from purchasing.extensions import db
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
#: other headers accepted for a column (lower-cased)
ALIASES = {"fin de garantie": "warranty_end_date", "warranty end": "warranty_end_date",
           "warranty_end": "warranty_end_date", "fin_de_garantie": "warranty_end_date"}
COLUMN_NAMES = [c for c, _req, _doc in COLUMNS]
ALLOWED_KINDS = ("csv", "xlsx", "ods")
MAX_ROWS = 20_000
TRUE_WORDS = {"oui", "o", "yes", "y", "true", "1", "vrai", "x"}
FALSE_WORDS = {"non", "n", "no", "false", "0", "faux"}


@dataclass
class RowError:
    row: int  # the spreadsheet's line number (header = line 1)
    column: str
    reason: str


@dataclass
class ImportReport:
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    imported: int = 0
    #: sites the import created in the member's address book (unknown locations, decisions.md)
    new_sites: list[str] = field(default_factory=list)

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
    frame = uploads.read_table(filename, data, allowed=ALLOWED_KINDS,
                               required_columns=[c for c, required, _doc in COLUMNS if required]).frame
    frame.columns = [ALIASES.get(str(c).strip().lower(), str(c).strip()) for c in frame.columns]
    missing = [c for c, required, _doc in COLUMNS if required and c not in frame.columns]
    if missing:
        raise DomainError("Colonne(s) obligatoire(s) absente(s) : " + ", ".join(missing) + ".",
                          code="missing_columns")
    if len(frame) > MAX_ROWS:
        raise DomainError(f"Trop de lignes : {MAX_ROWS} au plus par import.", code="too_many_rows")
    if len(frame) == 0:
        raise DomainError("Le fichier ne contient aucune ligne d'équipement.", code="no_rows")
    for column in COLUMN_NAMES:
        if column not in frame.columns:
            frame[column] = ""
    return frame.fillna("")


def _parse_date(text: str) -> date | None:
    return uploads.parse_date(text)


def validate(frame: pd.DataFrame, progress=None) -> tuple[list[dict], list[RowError]]:
    """Check every row against lookups fetched once; return the rows ready to insert and every error.

    ``progress(done, total)``, if given, is called every few hundred rows (a background job's progress bar)."""
    categories = {code: (cid, storage) for cid, code, storage in
                  db.session.execute(select(Category.id, Category.code, Category.holds_storage)
                                     .where(Category.is_device.is_(True)))}
    products = {(ref or "").lower(): (pid, cid, storage) for pid, ref, cid, storage in
                db.session.execute(select(Product.id, Product.manufacturer_ref, Product.category_id,
                                          Product.holds_storage))}
    serials_in_file = [s.strip() for s in frame["serial_number"].astype(str) if s.strip()]
    existing_serials: set[str] = set()
    unique_serials = list(set(serials_in_file))
    for start in range(0, len(unique_serials), 5000):
        chunk = unique_serials[start:start + 5000]
        existing_serials.update(db.session.scalars(select(Asset.serial_number).where(Asset.serial_number.in_(chunk))))
    seen: dict[str, int] = {}
    rows: list[dict] = []
    errors: list[RowError] = []
    today = date.today()
    for index, record in enumerate(frame[COLUMN_NAMES].itertuples(index=False, name=None)):
        line = index + 2
        if progress is not None and index % 250 == 0:
            progress(index, len(frame))
        (code, designation, ref, serial, site, assigned, acquired, price, condition, status, storage,
         warranty_text) = (str(v).strip() for v in record)
        row_errors = []
        category = categories.get(code)
        if not code:
            row_errors.append(RowError(line, "category_code", "Catégorie manquante."))
        elif category is None:
            row_errors.append(RowError(line, "category_code", f"Code de catégorie inconnu « {code} »."))
        product = None
        if ref:
            product = products.get(ref.lower())
            if product is None:
                row_errors.append(RowError(line, "manufacturer_ref", f"Référence produit inconnue « {ref} »."))
            elif category is not None and product[1] != category[0]:
                row_errors.append(RowError(line, "manufacturer_ref",
                                           "Le produit n'appartient pas à la catégorie indiquée."))
        if not ref and not designation:
            row_errors.append(RowError(line, "designation", "Indiquez une désignation ou une référence produit."))
        if serial:
            if len(serial) > 80:
                row_errors.append(RowError(line, "serial_number", "Numéro de série trop long (80 caractères au plus)."))
            elif serial in seen:
                row_errors.append(RowError(line, "serial_number",
                                           f"Numéro de série « {serial} » en double dans le fichier "
                                           f"(déjà ligne {seen[serial]})."))
            elif serial in existing_serials:
                row_errors.append(RowError(line, "serial_number",
                                           f"Numéro de série « {serial} » déjà enregistré dans l'inventaire."))
            seen.setdefault(serial, line)
        acquisition = None
        if acquired:
            try:
                acquisition = _parse_date(acquired)
                if acquisition > today:
                    row_errors.append(RowError(line, "acquisition_date", "Date d'acquisition dans le futur."))
            except ValueError:
                row_errors.append(RowError(line, "acquisition_date",
                                           f"Date invalide « {acquired} » (attendu AAAA-MM-JJ ou JJ/MM/AAAA)."))
        warranty_end = None
        if warranty_text:
            try:
                warranty_end = _parse_date(warranty_text)
            except ValueError:
                row_errors.append(RowError(line, "warranty_end_date",
                                           f"Date invalide « {warranty_text} » (attendu AAAA-MM-JJ ou JJ/MM/AAAA)."))
        amount = None
        if price:
            try:
                amount = uploads.parse_decimal(price)
                if amount is None or abs(amount) >= Decimal("1e10"):
                    raise InvalidOperation
                if amount < 0:
                    row_errors.append(RowError(line, "purchase_price_ht", "Prix négatif."))
                amount = amount.quantize(Decimal("0.01"))
            except InvalidOperation:
                row_errors.append(RowError(line, "purchase_price_ht", f"Prix invalide « {price} »."))
        condition = condition or "good"
        if condition not in CONDITIONS:
            row_errors.append(RowError(line, "condition", f"État inconnu « {condition} » (new, good, fair, poor)."))
        status = status or "in_service"
        if status not in ("in_stock", "in_service"):
            row_errors.append(RowError(line, "status", f"Statut « {status} » refusé (in_stock ou in_service)."))
        holds = None
        if storage:
            if storage.lower() in TRUE_WORDS:
                holds = True
            elif storage.lower() in FALSE_WORDS:
                holds = False
            else:
                row_errors.append(RowError(line, "holds_storage", f"Valeur « {storage} » : attendu oui ou non."))
        for text, column, limit in ((designation, "designation", 200), (site, "site", 200),
                                    (assigned, "assigned_to", 200)):
            if len(text) > limit:
                row_errors.append(RowError(line, column, f"Texte trop long ({limit} caractères au plus)."))
        if row_errors:
            errors.extend(row_errors)
            continue
        if holds is None:
            holds = bool(product[2]) if product and product[2] is not None else bool(category[1])
        rows.append(dict(category_id=category[0], product_id=product[0] if product else None,
                         designation=designation, serial_number=serial or None, site=site, assigned_to=assigned,
                         acquisition_date=acquisition, purchase_price_ht=amount, condition=condition,
                         status=status, holds_storage=holds, warranty_end_date=warranty_end))
    return rows, errors


def run_import(filename: str, data: bytes, member_id: int, actor, *, dry_run: bool) -> ImportReport:
    """Validate the whole file; unless it is a dry run and when it has no error, insert every row at once."""
    frame = read_table(filename, data)
    rows, errors = validate(frame)
    report = ImportReport(rows=len(frame), errors=errors)
    if errors or dry_run:
        return report
    report.imported = insert_rows(rows, filename, member_id, actor, new_sites=report.new_sites)
    return report


def insert_rows(rows: list[dict], filename: str, member_id: int, actor, *,
                new_sites: list[str] | None = None) -> int:
    """Insert validated rows (from :func:`validate`) and their "imported" events at once; flushes only.

    Each row's ``site`` (a name) becomes ``site_id``, a site of the member (created when unknown, its name
    appended to ``new_sites``).
    """
    tags = reserve_tags(len(rows))
    now = utcnow()
    site_ids = resolve_sites(member_id, {row.get("site") or "" for row in rows}, created=new_sites)
    for row, tag in zip(rows, tags, strict=True):
        row["site_id"] = site_ids.get(row.pop("site", "") or "")
        row.update(tag=tag, member_id=member_id, origin=Origin.IMPORTED.value, created_dt=now)
    db.session.execute(insert(Asset), rows)
    ids = db.session.execute(select(Asset.id, Asset.status).where(Asset.tag >= tags[0], Asset.tag <= tags[-1],
                                                                  Asset.member_id == member_id)).all()
    author = getattr(actor, "id", None)
    db.session.execute(insert(AssetEvent), [
        dict(asset_id=asset_id, kind="imported", author_id=author, to_status=status, to_member_id=member_id,
             reason="", details={"origin": "imported", "file": filename[:200]}, created_dt=now)
        for asset_id, status in ids])
    return len(rows)
