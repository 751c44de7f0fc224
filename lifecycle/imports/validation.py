"""Stage 3 of the import: check each row on its own and within the file, and type it — by columns, not by row.

Every check is a pandas operation over a whole column (lookups by ``map``, in-file duplicates by
``duplicated``, dates by ``pd.to_datetime`` with the accepted formats, decimals parsed once per distinct value),
run over chunks of :data:`CHUNK_ROWS` rows so that a background job's progress bar moves and a file read in
pieces (the command line's streamed import) shares one :class:`Validator`: the lookups are fetched once and
the serial numbers seen so far are remembered across chunks.

The errors are the same as the per-row checks' (row, column, reason), in the same order: by row, then in the
order of :data:`CHECK_ORDER`.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd
from sqlalchemy import select, text

from lifecycle.assets.services import CONDITIONS
from lifecycle.imports.columns import CANONICAL_NAMES
from purchasing import uploads
from purchasing.catalogue.models import Category, Product
from purchasing.extensions import db

#: the columns validated and typed here (the others of ``columns.CANONICAL_NAMES`` pass through as strings)
TYPED_COLUMNS = ["category_code", "designation", "manufacturer_ref", "serial_number", "site", "assigned_to",
                 "acquisition_date", "purchase_price_ht", "condition", "status", "holds_storage",
                 "warranty_end_date"]
PASS_THROUGH = [c for c in CANONICAL_NAMES if c not in TYPED_COLUMNS]
TRUE_WORDS = {"oui", "o", "yes", "y", "true", "1", "vrai", "x"}
FALSE_WORDS = {"non", "n", "no", "false", "0", "faux"}
STATUSES = ("in_stock", "in_service")
#: the formats of ``purchasing.uploads.parse_date``, tried in its order
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M",
                "%d/%m/%Y %H:%M:%S", "%Y-%m-%dT%H:%M:%S")
CHUNK_ROWS = 2_500  # a job of 20,000 rows moves its bar 8 times during the checks
#: the order of a row's errors
CHECK_ORDER = ("category_code", "manufacturer_ref", "designation", "serial_number", "acquisition_date",
               "warranty_end_date", "purchase_price_ht", "condition", "status", "holds_storage", "length")
TEXT_LIMITS = (("designation", 200), ("site", 200), ("assigned_to", 200))
_MAX_PRICE = Decimal("1e10")
_CENT = Decimal("0.01")


@dataclass
class RowError:
    row: int  # the spreadsheet's line number (header = line 1)
    column: str
    reason: str


class Validator:
    """The catalogue lookups (fetched once) and the serial numbers seen so far in the file."""

    def __init__(self, *, check_database_serials: bool = True):
        self.categories = {code: (cid, bool(storage)) for cid, code, storage in db.session.execute(
            select(Category.id, Category.code, Category.holds_storage).where(Category.is_device.is_(True)))}
        self.products = {(ref or "").lower(): (pid, cid, storage) for pid, ref, cid, storage in db.session.execute(
            select(Product.id, Product.manufacturer_ref, Product.category_id, Product.holds_storage))}
        #: serial → line of its first occurrence in the file
        self.seen: dict[str, int] = {}
        self.check_database_serials = check_database_serials
        self.today = date.today()
        #: texts parsed so far (prices, dates): a text met in several chunks is parsed once
        self._prices: dict[str, object] = {}
        self._dates: dict[str, date | None] = {}

    def validate(self, frame: pd.DataFrame, *, first_line: int = 2, progress=None,
                 done_before: int = 0, total: int | None = None) -> tuple[list[dict], list[RowError]]:
        """Rows of ``frame`` (line ``first_line`` for its first row) ready to write, and every error."""
        total = total if total is not None else done_before + len(frame)
        rows: list[dict] = []
        errors: list[RowError] = []
        for start in range(0, len(frame), CHUNK_ROWS):
            if progress is not None:
                progress(done_before + start, total)
            chunk = frame.iloc[start:start + CHUNK_ROWS]
            chunk_rows, chunk_errors = self._chunk(chunk, first_line + start)
            rows.extend(chunk_rows)
            errors.extend(chunk_errors)
        return rows, errors

    # --- one chunk ---------------------------------------------------------------------------------------
    def _chunk(self, frame: pd.DataFrame, first_line: int) -> tuple[list[dict], list[RowError]]:
        """The checks over numpy arrays of the chunk's columns; lookups and parsing once per distinct value
        (``pd.factorize``), results taken back to every row by index."""
        n = len(frame)
        col = {name: _stripped(frame, name, n) for name in TYPED_COLUMNS}
        lines = np.arange(first_line, first_line + n)
        checks: list[tuple[int, str, np.ndarray, list[str]]] = []  # (order, column, mask, reasons of the mask)

        def check(order: str, column: str, mask: np.ndarray, reason) -> None:
            if mask.any():
                hits = np.flatnonzero(mask)
                reasons = [reason(i) for i in hits] if callable(reason) else [reason] * len(hits)
                checks.append((CHECK_ORDER.index(order), column, mask, reasons))

        # category and product
        code = col["category_code"]
        category = _lookup(code, self.categories)
        check("category_code", "category_code", code == "", "Catégorie manquante.")
        check("category_code", "category_code", (code != "") & _is_none(category),
              lambda i: f"Code de catégorie inconnu « {code[i]} ».")
        ref = col["manufacturer_ref"]
        has_ref = ref != ""
        product = _lookup(ref, self.products, key=str.lower)
        product[~has_ref] = None
        no_product = _is_none(product)
        check("manufacturer_ref", "manufacturer_ref", has_ref & no_product,
              lambda i: f"Référence produit inconnue « {ref[i]} ».")
        mismatch = np.array([p is not None and c is not None and p[1] != c[0] for p, c in zip(product, category)],
                            dtype=bool)
        check("manufacturer_ref", "manufacturer_ref", mismatch, "Le produit n'appartient pas à la catégorie indiquée.")
        designation = col["designation"]
        check("designation", "designation", ~has_ref & (designation == ""),
              "Indiquez une désignation ou une référence produit.")

        # serial numbers: too long, twice in the file (this chunk or an earlier one), already in the database
        serial = col["serial_number"]
        has_serial = serial != ""
        too_long = has_serial & (_lengths(serial) > 80)
        codes, uniques = pd.factorize(serial)
        first_position = np.unique(codes, return_index=True)[1]  # codes are numbered in order of appearance
        earlier = np.array([self.seen.get(u, 0) for u in uniques], dtype=np.int64)[codes]
        first_line_of = np.where(earlier > 0, earlier, lines[first_position[codes]])
        repeated_here = np.arange(n) != first_position[codes]
        duplicate = has_serial & ((earlier > 0) | repeated_here)
        check("serial_number", "serial_number", too_long, "Numéro de série trop long (80 caractères au plus).")
        check("serial_number", "serial_number", ~too_long & duplicate,
              lambda i: f"Numéro de série « {serial[i]} » en double dans le fichier (déjà ligne {first_line_of[i]}).")
        if self.check_database_serials:
            candidates = has_serial & ~too_long & ~duplicate
            known = self._serials_in_database(serial[candidates])
            in_database = candidates & np.array([u in known for u in uniques], dtype=bool)[codes]
            check("serial_number", "serial_number", in_database,
                  lambda i: f"Numéro de série « {serial[i]} » déjà enregistré dans l'inventaire.")
        fresh = has_serial & (earlier == 0) & ~repeated_here
        self.seen.update(zip(serial[fresh].tolist(), lines[fresh].tolist()))

        # dates
        acquired_text = col["acquisition_date"]
        acquired, bad_acquired = parse_dates(acquired_text, self._dates)
        check("acquisition_date", "acquisition_date", bad_acquired,
              lambda i: f"Date invalide « {acquired_text[i]} » (attendu AAAA-MM-JJ ou JJ/MM/AAAA).")
        today = self.today
        future = np.fromiter((d is not None and d > today for d in acquired), dtype=bool, count=n)
        check("acquisition_date", "acquisition_date", future, "Date d'acquisition dans le futur.")
        warranty_text = col["warranty_end_date"]
        warranty, bad_warranty = parse_dates(warranty_text, self._dates)
        check("warranty_end_date", "warranty_end_date", bad_warranty,
              lambda i: f"Date invalide « {warranty_text[i]} » (attendu AAAA-MM-JJ ou JJ/MM/AAAA).")

        # price: parsed once per distinct text
        price_text = col["purchase_price_ht"]
        parsed = _per_value(price_text, _price, cache=self._prices)
        check("purchase_price_ht", "purchase_price_ht", (price_text != "") & (parsed == _INVALID),
              lambda i: f"Prix invalide « {price_text[i]} ».")
        check("purchase_price_ht", "purchase_price_ht", parsed == _NEGATIVE, "Prix négatif.")

        # words
        condition = np.where(col["condition"] == "", "good", col["condition"]).astype(object)
        check("condition", "condition", ~_per_value(condition, lambda w: w in CONDITIONS, dtype=bool),
              lambda i: f"État inconnu « {condition[i]} » (new, good, fair, poor).")
        status = np.where(col["status"] == "", "in_service", col["status"]).astype(object)
        check("status", "status", ~_per_value(status, lambda w: w in STATUSES, dtype=bool),
              lambda i: f"Statut « {status[i]} » refusé (in_stock ou in_service).")
        storage_text = col["holds_storage"]
        holds_given = _per_value(storage_text, _storage_word)
        check("holds_storage", "holds_storage", (storage_text != "") & _is_none(holds_given),
              lambda i: f"Valeur « {storage_text[i]} » : attendu oui ou non.")
        for name, limit in TEXT_LIMITS:
            check("length", name, _lengths(col[name]) > limit, f"Texte trop long ({limit} caractères au plus).")

        errors = _errors(checks, lines)
        bad = np.zeros(n, dtype=bool)
        for _order, _column, mask, _reasons in checks:
            bad |= mask
        good = np.flatnonzero(~bad)
        if not len(good):
            return [], errors
        prices = parsed[good]
        values = {
            "category_id": [c[0] for c in category[good]],
            "product_id": [p[0] if p is not None else None for p in product[good]],
            "designation": designation[good].tolist(),
            "serial_number": [s or None for s in serial[good].tolist()],
            "site": col["site"][good].tolist(),
            "assigned_to": col["assigned_to"][good].tolist(),
            "acquisition_date": acquired[good].tolist(),
            "purchase_price_ht": [v if isinstance(v, Decimal) else None for v in prices],
            "condition": condition[good].tolist(),
            "status": status[good].tolist(),
            "holds_storage": [given if given is not None else bool(p[2]) if p is not None and p[2] is not None
                              else c[1] for given, p, c in zip(holds_given[good], product[good], category[good])],
            "warranty_end_date": warranty[good].tolist(),
            "line": lines[good].tolist(),
        }
        for name in PASS_THROUGH:
            if name in frame.columns:
                values[name] = _stripped(frame, name, n)[good].tolist()
        keys = list(values)
        rows = [dict(zip(keys, record)) for record in zip(*values.values())]
        return rows, errors

    def _serials_in_database(self, serials: np.ndarray) -> set[str]:
        """The serials already recorded, one statement per 20,000 (one array or JSON parameter, not a
        parameter per value)."""
        unique = pd.unique(serials).tolist()
        found: set[str] = set()
        postgres = db.session.get_bind().dialect.name == "postgresql"
        for start in range(0, len(unique), 20_000):
            chunk = unique[start:start + 20_000]
            if postgres:
                stmt = text("SELECT serial_number FROM asset WHERE serial_number = ANY(:serials)")
                found.update(db.session.scalars(stmt, {"serials": chunk}))
            else:
                stmt = text("SELECT serial_number FROM asset WHERE serial_number IN (SELECT value FROM json_each(:serials))")
                found.update(db.session.scalars(stmt, {"serials": json.dumps(chunk)}))
        return found


def _errors(checks, lines: np.ndarray) -> list[RowError]:
    found = []
    for order, column, mask, reasons in checks:
        hit_lines = lines[mask].tolist()
        found.extend(zip(hit_lines, [order] * len(hit_lines), [column] * len(hit_lines), reasons))
    found.sort(key=lambda e: (e[0], e[1]))  # stable: within one order, the checks' own sequence
    return [RowError(line, column, reason) for line, _order, column, reason in found]


def _stripped(frame: pd.DataFrame, name: str, n: int) -> np.ndarray:
    """A column as an object array of stripped strings ("" when absent or empty)."""
    if name not in frame.columns:
        return np.full(n, "", dtype=object)
    values = frame[name].to_numpy(dtype=object, na_value="")
    try:
        return np.fromiter(map(str.strip, values), dtype=object, count=n)
    except TypeError:  # a cell that is not a string (a frame built by hand)
        return np.fromiter((str(v).strip() for v in values), dtype=object, count=n)


def _per_value(values: np.ndarray, function, dtype=object, cache: dict | None = None) -> np.ndarray:
    """``function`` applied once per distinct value (and once per file with ``cache``), taken back to every row."""
    codes, uniques = pd.factorize(values)
    if cache is None:
        results = np.fromiter(map(function, uniques), dtype=dtype, count=len(uniques))
    else:
        results = np.fromiter((cache[v] if v in cache else cache.setdefault(v, function(v)) for v in uniques),
                              dtype=dtype, count=len(uniques))
    return results[codes] if len(values) else np.empty(0, dtype=dtype)


def _lookup(values: np.ndarray, table: dict, key=None) -> np.ndarray:
    return _per_value(values, (lambda v: table.get(key(v))) if key else table.get)


def _is_none(values: np.ndarray) -> np.ndarray:
    return np.equal(values, None).astype(bool)


def _lengths(values: np.ndarray) -> np.ndarray:
    return np.fromiter(map(len, values), dtype=np.int64, count=len(values))


_INVALID, _NEGATIVE = "invalid", "negative"
_SIMPLE_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]*)?")


def _price(text: str):
    """A price as ``uploads.parse_decimal`` reads it, quantized to the cent; or _INVALID / _NEGATIVE."""
    if not text:
        return None
    if _SIMPLE_NUMBER.fullmatch(text):  # the common case, read as parse_decimal would
        value = Decimal(text.replace(",", "."))
    else:
        value = uploads.parse_decimal(text)
    if value is None or abs(value) >= _MAX_PRICE:
        return _INVALID
    if value < 0:
        return _NEGATIVE
    return value.quantize(_CENT)


_STORAGE_WORDS = {**{w: True for w in TRUE_WORDS}, **{w: False for w in FALSE_WORDS}}


def _storage_word(text: str):
    return _STORAGE_WORDS.get(text.lower()) if text else None


def parse_dates(texts: np.ndarray, cache: dict | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(dates or None, mask of the non-empty texts that are no date), as ``uploads.parse_date`` reads them:
    once per distinct text, ``pd.to_datetime`` per accepted format over the texts still unread, then
    ``parse_date`` itself for the few left (dates outside pandas' range). ``cache``: {text: date or None}."""
    cache = {} if cache is None else cache
    codes, uniques = pd.factorize(texts)
    new = [t for t in uniques if t and t not in cache]
    if new:
        todo = pd.Series(new, dtype=object)
        for fmt in DATE_FORMATS:
            if todo.empty:
                break
            parsed = pd.to_datetime(todo, format=fmt, errors="coerce")
            ok = parsed.notna().to_numpy()
            if ok.any():
                cache.update(zip(todo[ok].tolist(), parsed[ok].dt.date.tolist()))
                todo = todo[~ok]
        for text in todo.tolist():
            try:
                cache[text] = uploads.parse_date(text)
            except ValueError:
                cache[text] = None
    found = np.fromiter((cache.get(t) if t else None for t in uniques), dtype=object, count=len(uniques))
    bad = np.fromiter((bool(t) and cache.get(t) is None for t in uniques), dtype=bool, count=len(uniques))
    if not len(texts):
        return np.empty(0, dtype=object), np.zeros(0, dtype=bool)
    return found[codes], bad[codes]


def validate(frame: pd.DataFrame, progress=None) -> tuple[list[dict], list[RowError]]:
    """Check every row of ``frame`` (canonical columns, strings) against lookups fetched once; return the rows
    ready to write (dicts of the asset's columns, ``line``, and the canonical columns passed through) and every
    error. ``progress(done, total)``, if given, is called before each chunk (a background job's progress bar)."""
    return Validator().validate(frame, progress=progress)
