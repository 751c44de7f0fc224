"""AGEC art. 58 yearly declaration: product types, the flat value of donations, the deadline, the rows.

Pure domain code (standard library only). The amounts come from the sustainability report's loaders and
aggregation (``lifecycle/reports/data.py``, ``indicators.py``): this module only maps catalogue categories to
the declaration's product types and shapes the rows of the data.gouv Table Schema
(``lifecycle/data/agec_schema.json``, schema-declaration-biens-reemploi-reutilisation-recycle v0.1.0).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

#: Arrêté du 13 janvier 2025 fixant les modalités de déclaration (JORFTEXT000050998194), loi AGEC art. 58:
#: the expenses of year N are declared on data.gouv.fr by 30 June of year N + 1.
DECLARATION_DEADLINE_MONTH_DAY = (6, 30)

IT_AND_TELEPHONY = "Matériel informatique et téléphonie"
PRINTING = "Matériel de reprographie et d'impression"

#: Arrêté du 29 février 2024 précisant la liste des produits de chaque catégorie (JORFTEXT000049241780):
#: printers and copiers are "matériel de reprographie et d'impression"; the IT categories flagged
#: ``is_it_equipment`` in the catalogue (phones, terminals, servers, screens, computers, tablets, video
#: projectors) are "matériel informatique et téléphonie". Other catalogue categories (network gear,
#: peripherals, docking stations, UPS, software, services) belong to no declared product type.
PRINTING_CATEGORIES = frozenset({"printer_laser_small", "printer_mfp_a4", "printer_mfp_a3", "printer_inkjet"})

#: Arrêté du 29 février 2024 fixant la grille de valeur forfaitaire permettant la comptabilisation des dons
#: (JORFTEXT000049241790): the flat value HT of a donated unit, per catalogue category. The grid's figures
#: were not retrieved for this version (no copy of the annex was at hand): no category is filled in, and every
#: claimed unit is valued at ``DEFAULT_DONATION_VALUE_HT``, which the declaration's comment says. Add a
#: category's value here, from the annex, to use it (the sustainability report uses the same function).
DONATION_VALUES_HT: dict[str, Decimal] = {}
#: The application's value of a unit claimed from the reuse pool when the grid gives none (the constant the
#: sustainability report has always used).
DEFAULT_DONATION_VALUE_HT = Decimal("200.00")
DONATION_SOURCE = ("arrêté du 29 février 2024 fixant la grille de valeur forfaitaire permettant la comptabilisation "
                   "des dons (AGEC art. 58)")


def product_type(category_code: str, is_it_equipment: bool) -> str | None:
    """The declaration's product type of a catalogue category, or None when it is not declared."""
    if category_code in PRINTING_CATEGORIES:
        return PRINTING
    if is_it_equipment:
        return IT_AND_TELEPHONY
    return None


def donation_value(category_code: str) -> Decimal:
    """Flat value HT of one donated (pool-claimed) unit of the category."""
    return DONATION_VALUES_HT.get(category_code, DEFAULT_DONATION_VALUE_HT)


def has_grid_value(category_code: str) -> bool:
    return category_code in DONATION_VALUES_HT


def declaration_deadline(year: int) -> date:
    """Last day to declare the expenses of ``year``."""
    month, day = DECLARATION_DEADLINE_MONTH_DAY
    return date(year + 1, month, day)


def days_to_deadline(year: int, today: date) -> int:
    """Days left (negative once the deadline has passed)."""
    return (declaration_deadline(year) - today).days


@dataclass(frozen=True)
class TypeAmounts:
    """One product type's amounts HT for the year."""

    product_type: str
    total_ht: Decimal
    reuse_ht: Decimal
    donation_ht: Decimal
    recycled_ht: Decimal
    donated_units: int = 0
    donated_units_without_grid_value: int = 0


@dataclass(frozen=True)
class Declarant:
    siret: str | None
    name: str


def _number(amount: Decimal) -> str:
    """A CSV number: dot decimal, two decimals (the Table Schema's ``number``)."""
    return f"{amount.quantize(Decimal('0.01'))}"


def comment(amounts: TypeAmounts) -> str:
    parts = []
    if amounts.donated_units:
        parts.append(f"Dons : {amounts.donated_units} unité(s) reçue(s) de la réserve de réemploi du syndicat")
        if amounts.donated_units_without_grid_value:
            parts.append(f"dont {amounts.donated_units_without_grid_value} valorisée(s) à "
                         f"{_number(DEFAULT_DONATION_VALUE_HT)} € l'unité, valeur de l'application faute de valeur "
                         f"renseignée de la grille ({DONATION_SOURCE})")
    parts.append("Montant issu de matières recyclées : prix des produits dont la part recyclée est renseignée au "
                 "catalogue")
    return " ; ".join(parts) + "."


def declaration_rows(year: int, declarant: Declarant, amounts: list[TypeAmounts]) -> list[dict[str, str]]:
    """The CSV rows of one declarant (strings, in the schema's field order). Needs a SIRET."""
    if not declarant.siret:
        raise ValueError("a declaration row needs the declarant's SIRET")
    return [{
        "annee": str(year),
        "siret": declarant.siret,
        "raison_sociale": declarant.name,
        "type_produit_acquis": row.product_type,
        "montant_total": _number(row.total_ht),
        "montant_reemploi_et_reutilisation": _number(row.reuse_ht),
        "montant_produits_issus_don": _number(row.donation_ht),
        "montant_produits_recycles": _number(row.recycled_ht),
        "commentaires": comment(row),
    } for row in sorted(amounts, key=lambda a: a.product_type)]


FIELDS = ("annee", "siret", "raison_sociale", "type_produit_acquis", "montant_total",
          "montant_reemploi_et_reutilisation", "montant_produits_issus_don", "montant_produits_recycles",
          "commentaires")
