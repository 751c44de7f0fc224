"""Supplier price lists (CSV, XLSX or ODS, read by ``purchasing.uploads``) checked row by row against the template.

Any bad row rejects the whole file: the error lists every bad row with its number, column and reason.
Row numbers are those of the spreadsheet (row 1 = header, first data row = 2).
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import pandas as pd

from purchasing import uploads
from purchasing.domain.errors import N_, DomainError
from purchasing.params import INT32_MAX

#: column -> (required, French description) — the documented template
COLUMNS: dict[str, tuple[bool, str]] = {
    "reference_fabricant": (True, "Référence fabricant, unique dans le fichier"),
    "marque": (True, "Marque"),
    "modele": (True, "Modèle"),
    "categorie": (True, "Code de catégorie du catalogue (laptop, monitor_24, software…)"),
    "unite": (True, "Unité : unité, lot, licence, mois, an, jour"),
    "prix_unitaire_ht": (True, "Prix unitaire HT en euros (1234,56 ou 1234.56)"),
    "quantite_estimee": (False, "Quantité estimée (entier, 1 par défaut)"),
    "annual_kgco2e": (False, "Empreinte carbone annualisée en kgCO2e par an de service"),
    "empreinte_kgco2e": (False, "Empreinte carbone de fabrication du fabricant en kgCO2e (fiche PCF)"),
    "indice_reparabilite": (False, "Indice de réparabilité ou de durabilité sur 10"),
    "garantie_ans": (False, "Durée de garantie en années"),
    "pieces_detachees_ans": (False, "Disponibilité des pièces détachées en années"),
    "delai_livraison_jours": (False, "Délai de livraison en jours"),
    "etat": (False, "neuf ou reconditionné (neuf par défaut)"),
    "seuil_1_quantite": (False, "Palier de prix 1 : à partir de cette quantité (≥ 2)"),
    "seuil_1_prix_ht": (False, "Palier de prix 1 : prix unitaire HT"),
    "seuil_2_quantite": (False, "Palier de prix 2 : à partir de cette quantité"),
    "seuil_2_prix_ht": (False, "Palier de prix 2 : prix unitaire HT"),
}
REQUIRED = [name for name, (required, _) in COLUMNS.items() if required]
UNITS = ("unité", "lot", "licence", "mois", "an", "jour")
CONDITIONS = {"neuf": "new", "reconditionné": "refurbished", "reconditionne": "refurbished"}
ALLOWED_KINDS = ("csv", "xlsx", "ods")
MAX_ROWS = 20_000
MAX_ERRORS_SHOWN = 200

EXAMPLE_ROWS = [
    ["LAT-5450-R", "Dell", "Latitude 5450 reconditionné", "laptop", "unité", "612,50", "120", "62", "", "8,1", "3",
     "7", "10", "reconditionné", "50", "590,00", "", ""],
    ["P24H-G5", "HP", "P24h G5", "monitor_24", "unité", "139,00", "80", "", "310", "7,5", "3", "10", "7", "neuf", "", "",
     "", ""],
]


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"ligne {self.row}, colonne « {self.column} » : {self.reason}"


def template_frame() -> pd.DataFrame:
    return pd.DataFrame(EXAMPLE_ROWS, columns=list(COLUMNS))


def template_csv() -> bytes:
    return template_frame().to_csv(sep=";", index=False).encode("utf-8-sig")


def template_xlsx() -> bytes:
    buffer = io.BytesIO()
    notice = pd.DataFrame([(name, "oui" if required else "non", text) for name, (required, text) in COLUMNS.items()],
                          columns=["colonne", "obligatoire", "description"])
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        template_frame().to_excel(writer, sheet_name="bordereau", index=False)
        notice.to_excel(writer, sheet_name="notice", index=False)
    return buffer.getvalue()


def read_frame(filename: str, content: bytes) -> pd.DataFrame:
    """The file as a frame of strings (``purchasing.uploads``: type, size, encoding, separator, headers)."""
    return uploads.read_table(filename, content, allowed=ALLOWED_KINDS, required_columns=REQUIRED).frame


def _decimal(raw: str) -> Decimal | None:
    return uploads.parse_decimal(raw)


def _integer(raw: str) -> int | None:
    value = _decimal(raw)
    if value is None or value != value.to_integral_value() or abs(value) > INT32_MAX:
        return None
    return int(value)


def parse_price_list(frame: pd.DataFrame, category_codes: set[str], progress=None) -> list[dict]:
    """Validated lines (dicts ready for BidLine) or DomainError listing every bad row.

    ``progress(done, total)``, if given, is called every few hundred rows (a background job's progress bar)."""
    errors: list[RowError] = []
    missing = [column for column in REQUIRED if column not in frame.columns]
    for column in missing:
        errors.append(RowError(1, column, "colonne obligatoire absente"))
    if missing:
        _raise(errors)
    if frame.empty:
        raise DomainError(N_("Le bordereau ne contient aucune ligne."), code="empty_price_list")
    if len(frame) > MAX_ROWS:
        raise DomainError(N_("Le bordereau dépasse %(MAX_ROWS)s lignes."),
                          params={"MAX_ROWS": MAX_ROWS}, code="too_many_rows")
    records = frame.to_dict("records")
    seen: dict[str, int] = {}
    lines = []
    for index, record in enumerate(records):
        row = index + 2
        if progress is not None and index % 250 == 0:
            progress(index, len(records))
        get = lambda column: str(record.get(column, "") or "").strip()  # noqa: E731
        line: dict = {"row_number": row}
        for column, key, limit in (("reference_fabricant", "manufacturer_ref", 80), ("marque", "brand", 80),
                                   ("modele", "model", 200)):
            value = get(column)
            if not value:
                errors.append(RowError(row, column, "valeur obligatoire manquante"))
            elif len(value) > limit:
                errors.append(RowError(row, column, f"{limit} caractères au plus"))
            line[key] = value
        reference = line["manufacturer_ref"].upper()
        if reference:
            if reference in seen:
                errors.append(RowError(row, "reference_fabricant",
                                       f"référence en double (déjà ligne {seen[reference]})"))
            else:
                seen[reference] = row
        category = get("categorie")
        if category not in category_codes:
            errors.append(RowError(row, "categorie", f"catégorie inconnue « {category} »" if category
                                   else "valeur obligatoire manquante"))
        line["category_code"] = category
        unit = get("unite").lower()
        if unit == "unite":
            unit = "unité"
        if unit not in UNITS:
            errors.append(RowError(row, "unite", f"unité inconnue « {get('unite')} » (attendu : {', '.join(UNITS)})"))
        line["unit"] = unit
        price = _decimal(get("prix_unitaire_ht"))
        if price is None:
            errors.append(RowError(row, "prix_unitaire_ht", f"prix non numérique « {get('prix_unitaire_ht')} »"))
        elif price <= 0:
            errors.append(RowError(row, "prix_unitaire_ht", "le prix doit être supérieur à zéro"))
        elif price >= Decimal("1000000000"):
            errors.append(RowError(row, "prix_unitaire_ht", "prix trop élevé"))
        else:
            line["unit_price_ht"] = price.quantize(Decimal("0.01"))
        line["estimated_quantity"] = _optional_int(get, row, "quantite_estimee", errors, default=1, minimum=1)
        for column, key in (("annual_kgco2e", "annual_kgco2e"), ("empreinte_kgco2e", "embodied_kgco2e"),
                            ("indice_reparabilite", "repairability_index")):
            raw = get(column)
            value = _decimal(raw) if raw else None
            if raw and (value is None or value < 0):
                errors.append(RowError(row, column, f"nombre positif attendu, reçu « {raw} »"))
            elif column == "indice_reparabilite" and value is not None and value > 10:
                errors.append(RowError(row, column, "l'indice est noté sur 10"))
            elif value is not None and value >= Decimal("100000000"):
                errors.append(RowError(row, column, "nombre trop grand"))
                value = None
            line[key] = value.quantize(Decimal("0.1") if key == "repairability_index" else Decimal("0.01")) \
                if value is not None and value >= 0 else None
        line["warranty_years"] = _optional_int(get, row, "garantie_ans", errors)
        line["spare_parts_years"] = _optional_int(get, row, "pieces_detachees_ans", errors)
        line["delivery_days"] = _optional_int(get, row, "delai_livraison_jours", errors, minimum=1)
        condition = get("etat").lower() or "neuf"
        if condition not in CONDITIONS:
            errors.append(RowError(row, "etat", f"état inconnu « {get('etat')} » (attendu : neuf ou reconditionné)"))
        line["condition"] = CONDITIONS.get(condition, "new")
        breaks = []
        for n in (1, 2):
            quantity_column, price_column = f"seuil_{n}_quantite", f"seuil_{n}_prix_ht"
            raw_quantity, raw_price = get(quantity_column), get(price_column)
            if not raw_quantity and not raw_price:
                continue
            quantity = _integer(raw_quantity) if raw_quantity else None
            break_price = _decimal(raw_price) if raw_price else None
            if quantity is None or quantity < 2:
                errors.append(RowError(row, quantity_column, "quantité entière d'au moins 2 attendue"))
            elif break_price is None or break_price <= 0:
                errors.append(RowError(row, price_column, f"prix non numérique ou nul « {raw_price} »"))
            else:
                breaks.append([quantity, str(break_price.quantize(Decimal("0.01")))])
        line["price_breaks"] = breaks
        lines.append(line)
    if errors:
        _raise(errors)
    return lines


def _optional_int(get, row, column, errors, default=None, minimum=0):
    raw = get(column)
    if not raw:
        return default
    value = _integer(raw)
    if value is None or value < minimum:
        errors.append(RowError(row, column, f"nombre entier {'positif' if minimum else 'positif ou nul'} attendu, "
                                            f"reçu « {raw} »"))
        return default
    return value


def _raise(errors: list[RowError]) -> None:
    shown = errors[:MAX_ERRORS_SHOWN]
    more = len(errors) - len(shown)
    listed = " ; ".join(str(error) for error in shown)
    if more:
        message = N_("Le bordereau de prix est refusé, aucune ligne n'a été importée (%(count)s erreurs) : "
                     "%(errors)s ; et %(more)s autres erreurs.")
    elif len(errors) > 1:
        message = N_("Le bordereau de prix est refusé, aucune ligne n'a été importée (%(count)s erreurs) : "
                     "%(errors)s.")
    else:
        message = N_("Le bordereau de prix est refusé, aucune ligne n'a été importée (1 erreur) : %(errors)s.")
    raise DomainError(message, params={"count": len(errors), "errors": listed, "more": more},
                      code="invalid_price_list",
                      details={"errors": [{"row": e.row, "column": e.column, "reason": e.reason} for e in errors]})
