"""The per-row validation the column-wise one (lifecycle.imports.validation) replaced, kept as the oracle of
tests/lifecycle/test_validation.py: same rows, same errors, same order."""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

import pandas as pd
from sqlalchemy import select

from lifecycle.assets.models import Asset
from lifecycle.assets.services import CONDITIONS
from lifecycle.imports.validation import FALSE_WORDS, TRUE_WORDS, TYPED_COLUMNS as COLUMN_NAMES, RowError
from purchasing import uploads
from purchasing.catalogue.models import Category, Product
from purchasing.extensions import db


def _parse_date(text: str) -> date | None:
    return uploads.parse_date(text)


def validate_per_row(frame: pd.DataFrame, progress=None) -> tuple[list[dict], list[RowError]]:
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


