"""DECP (données essentielles de la commande publique) v2.0.3: which contracts, and their ``marche`` record.

Pure domain code (standard library only). The services load a framework contract's facts into
:class:`ContractFacts`; :func:`marche_record` turns them into one ``marche`` object of the schema
``schema_decp_v2.0.3.json`` (shipped in ``purchasing/domain/data/``), or lists in French every piece
of data that is missing (:class:`MissingData`): a contract with missing data is never exported.
The CPV codes a lot may carry are the IT codes of ``data/cpv_it.csv`` (:func:`check_cpv`).
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

from .errors import DomainError
from purchasing.domain.errors import N_

# --- publication threshold ----------------------------------------------------------------------


class DecpThreshold(NamedTuple):
    """From ``effective_from`` (notification date), contracts of ``min_amount_ht`` or more are published.

    The threshold is inclusive: CCP R2196-1 covers "les marchés publics répondant à un besoin dont la
    valeur est égale ou supérieure à 40 000 euros hors taxes".
    """

    effective_from: date
    min_amount_ht: Decimal
    source: str


DECP_THRESHOLDS: tuple[DecpThreshold, ...] = (
    DecpThreshold(
        date(2024, 1, 1),
        Decimal("40000"),
        # CCP R2196-1 (as amended by décret n° 2022-767 du 2 mai 2022) and its annex; arrêté du 22 décembre
        # 2022 relatif aux données essentielles des marchés publics (modifié par l'arrêté du 22 décembre
        # 2023): the essential data of contracts notified from 1 January 2024, from 40 000 € HT, go to the
        # national open-data portal within two months of notification, in the v2 format. The threshold
        # stays 40 000 € HT after the no-procedure threshold rose to 60 000 € HT on 1 April 2026.
        "Données essentielles publiées dès 40 000 € HT (CCP R2196-1 et son annexe ; arrêté du 22 décembre "
        "2022 relatif aux données essentielles des marchés publics, modifié ; format DECP 2.0, marchés "
        "notifiés à compter du 1er janvier 2024).",
    ),
)

#: CCP R2196-1 and the arrêté of 22 December 2022, art. 2: published within two months of notification
#: (and of each modification).
PUBLICATION_DELAY_MONTHS = 2


def threshold_on(notified_on: date) -> DecpThreshold | None:
    """The threshold row in force on the notification date; None before the v2 format (2024)."""
    rows = [row for row in DECP_THRESHOLDS if row.effective_from <= notified_on]
    return max(rows, key=lambda row: row.effective_from) if rows else None


def is_above_threshold(amount_ht: Decimal, notified_on: date) -> bool:
    row = threshold_on(notified_on)
    return row is not None and amount_ht >= row.min_amount_ht


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` months, on the last day of the month when it is shorter (31 Dec + 2 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def publication_due(notified_on: date) -> date:
    """Last day to publish the essential data of a contract (or modification) notified on ``notified_on``."""
    return add_months(notified_on, PUBLICATION_DELAY_MONTHS)


def is_overdue(notified_on: date, today: date) -> bool:
    """Unpublished after the two months: a warning for the purchasing officer."""
    return today > publication_due(notified_on)


# --- CPV codes ------------------------------------------------------------------------------------


class CpvCode(NamedTuple):
    code: str
    label_fr: str
    label_en: str

    def label(self, locale: str = "fr") -> str:
        return self.label_en if locale.startswith("en") else self.label_fr


#: Commission Regulation (EC) No 213/2008 of 28 November 2007 (Common Procurement Vocabulary, CPV), annex I:
#: the IT-relevant codes the syndicate buys under (the 30200000 family, 30230000, 48000000, 32250000,
#: 32400000, 50300000, 72000000…), kept as data in ``data/cpv_it.csv`` without the check digit (the DECP
#: schema prefers it omitted). A code outside this list is refused on a lot.
CPV_SOURCE = ("Vocabulaire commun pour les marchés publics (CPV), règlement (CE) n° 213/2008 de la Commission "
              "du 28 novembre 2007, annexe I : codes des équipements et services informatiques")


class UnknownCpvCode(DomainError):
    code = "unknown_cpv"
    default_message = N_("Ce code CPV n'existe pas dans la liste des codes informatiques.")


@lru_cache(maxsize=1)
def cpv_codes() -> dict[str, CpvCode]:
    text = resources.files("purchasing.domain").joinpath("data/cpv_it.csv").read_text(encoding="utf-8")
    return {row["code"]: CpvCode(row["code"], row["label_fr"], row["label_en"])
            for row in csv.DictReader(text.splitlines())}


def normalise_cpv(value: str) -> str:
    """"30213100", "30213100-6" and " 3021 3100 " all give "30213100" (the check digit is dropped)."""
    text = "".join((value or "").split())
    if len(text) == 10 and text[8] == "-" and text[9].isdigit():
        text = text[:8]
    return text


def check_cpv(value: str) -> str:
    """The 8-digit code of the list, or UnknownCpvCode with a French message."""
    code = normalise_cpv(value)
    if not (len(code) == 8 and code.isdigit()):
        raise UnknownCpvCode(N_("« %(value)s » n'est pas un code CPV : 8 chiffres attendus (par "
                                "exemple 30213100)."), params={"value": value},
                             details={"value": value})
    if code not in cpv_codes():
        raise UnknownCpvCode(N_("Le code CPV %(code)s n'est pas dans la liste des codes "
                                "informatiques de l'application (règlement (CE) n° 213/2008)."),
                             params={"code": code}, details={"value": value})
    return code


# --- vocabulary -----------------------------------------------------------------------------------

#: purchasing.domain.procurement.PROCEDURE_KINDS -> the DECP ``procedure`` enumeration
PROCEDURES = {
    "none_required": "Marché passé sans publicité ni mise en concurrence préalable",
    "adapted": "Procédure adaptée",
    "formal": "Appel d'offres ouvert",
}
#: the syndicate's framework contracts are all "accord-cadre" executed by purchase orders
TECHNIQUE = "Accord-cadre"
EXECUTION_MODE = "Bons de commande"
#: Rules of the application where its data do not say otherwise (the decision is documented in the report):
#: CCAG-TIC for IT supplies and services; prices from a bordereau of unit prices, firm for the contract's life;
#: no advance, no grouping of operators, no declared subcontracting, not an innovative contract.
CCAG = "Techniques de l'information et de la communication"
PRICE_FORM = "Unitaire"
PRICE_TYPE = "Définitif ferme"
PLACE_CODE_TYPES = ("Code postal", "Code commune", "Code arrondissement", "Code canton", "Code département",
                    "Code région", "Code pays")
#: DECP identifiers are 1 to 16 characters
MAX_ID_LENGTH = 16


@dataclass(frozen=True)
class ModificationFacts:
    number: int
    notified_on: date
    published_on: date | None
    new_amount_ht: Decimal | None
    new_duration_months: int | None


@dataclass(frozen=True)
class ContractFacts:
    """Everything a ``marche`` record needs, read from the product's data (None: not known)."""

    reference: str
    buyer_siret: str | None
    object: str
    cpv_code: str | None
    procedure_kind: str | None
    place_code_type: str | None
    place_code: str | None
    duration_months: int | None
    notified_on: date | None
    amount_ht: Decimal | None
    holder_siret: str | None
    environmental_criterion: bool
    social_criterion: bool
    offers_received: int | None
    #: the first publication's date (None: not published yet, the export's date is used)
    published_on: date | None = None
    modifications: tuple[ModificationFacts, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class MissingData:
    """A piece of data the record needs: a stable code and a French reason."""

    code: str
    message: str


def missing_data(facts: ContractFacts) -> list[MissingData]:
    """Every reason the contract cannot be exported yet (empty: it can)."""
    missing: list[MissingData] = []

    def lack(code: str, message: str) -> None:
        missing.append(MissingData(code, message))

    if not facts.reference or len(facts.reference) > MAX_ID_LENGTH:
        lack("invalid_identifier", f"la référence « {facts.reference} » doit compter de 1 à {MAX_ID_LENGTH} "
                                   "caractères (identifiant DECP).")
    if not (facts.buyer_siret and len(facts.buyer_siret) == 14 and facts.buyer_siret.isdigit()):
        lack("missing_buyer_siret", "le SIRET de l'acheteur (le syndicat) n'est pas renseigné.")
    if not (facts.object or "").strip():
        lack("missing_object", "l'objet du marché est vide.")
    if not facts.cpv_code:
        lack("missing_cpv", "le lot n'a pas de code CPV.")
    if facts.procedure_kind not in PROCEDURES:
        lack("missing_procedure", "la procédure de passation est inconnue (accord-cadre sans consultation "
                                  "enregistrée).")
    if facts.place_code_type not in PLACE_CODE_TYPES or not facts.place_code:
        lack("missing_place", "le lieu d'exécution (code postal du syndicat) n'est pas renseigné.")
    if not facts.duration_months or facts.duration_months < 1:
        lack("missing_duration", "la durée en mois est inconnue.")
    if facts.notified_on is None:
        lack("missing_notification_date", "la date de notification n'est pas renseignée.")
    if facts.amount_ht is None or facts.amount_ht < 1:
        lack("missing_amount", "le montant maximum HT n'est pas renseigné.")
    if not (facts.holder_siret and len(facts.holder_siret) == 14 and facts.holder_siret.isdigit()):
        lack("missing_holder_siret", "le SIRET du titulaire n'est pas renseigné.")
    if not facts.offers_received or facts.offers_received < 1:
        lack("missing_offers", "le nombre d'offres reçues est inconnu (aucune offre enregistrée sur le lot).")
    return missing


def _amount(value: Decimal) -> int | float:
    """JSON number of an amount: integral euros as integers, else to the cent."""
    value = value.quantize(Decimal("0.01"))
    return int(value) if value == value.to_integral_value() else float(value)


def marche_record(facts: ContractFacts, export_on: date) -> dict:
    """The ``marche`` object of DECP v2.0.3 (call :func:`missing_data` first: it must be empty).

    ``datePublicationDonnees`` is the first publication's date, or ``export_on`` for a contract not yet
    published. Only modifications already notified are listed, each with its republication date (its own
    publication, or ``export_on``).
    """
    problems = missing_data(facts)
    if problems:
        raise ValueError("missing data: " + ", ".join(p.code for p in problems))
    record: dict = {
        "id": facts.reference,
        "acheteur": {"id": facts.buyer_siret},
        "nature": "Marché",
        "objet": facts.object.strip()[:1000],
        "codeCPV": facts.cpv_code,
        "techniques": {"technique": [TECHNIQUE]},
        "modalitesExecution": {"modaliteExecution": [EXECUTION_MODE]},
        "marcheInnovant": False,
        "ccag": CCAG,
        "offresRecues": facts.offers_received,
        "attributionAvance": False,
        "typeGroupementOperateurs": "Pas de groupement",
        "procedure": PROCEDURES[facts.procedure_kind],
        "lieuExecution": {"code": facts.place_code, "typeCode": facts.place_code_type},
        "dureeMois": facts.duration_months,
        "dateNotification": facts.notified_on.isoformat(),
        "datePublicationDonnees": (facts.published_on or export_on).isoformat(),
        "montant": _amount(facts.amount_ht),
        "typesPrix": {"typePrix": [PRICE_TYPE]},
        "formePrix": PRICE_FORM,
        "sousTraitanceDeclaree": False,
        "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": facts.holder_siret}}],
        "considerationsSociales": {"considerationSociale": [
            "Critère social" if facts.social_criterion else "Pas de considération sociale"]},
        "considerationsEnvironnementales": {"considerationEnvironnementale": [
            "Critère environnemental" if facts.environmental_criterion else "Pas de considération environnementale"]},
    }
    modifications = []
    for modification in sorted(facts.modifications, key=lambda m: m.number):
        entry: dict = {
            "id": modification.number,
            "dateNotificationModification": modification.notified_on.isoformat(),
            "datePublicationDonneesModification": (modification.published_on or export_on).isoformat(),
        }
        if modification.new_duration_months:
            entry["dureeMois"] = modification.new_duration_months
        if modification.new_amount_ht is not None:
            entry["montant"] = _amount(modification.new_amount_ht)
        modifications.append({"modification": entry})
    if modifications:
        record["modifications"] = modifications
    return record


def decp_document(records: list[dict]) -> dict:
    """The file: ``{"marches": {"marche": [...]}}`` (the schema needs at least the key)."""
    return {"marches": {"marche": records}}
