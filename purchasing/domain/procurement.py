"""French public-procurement rules the purchasing centre must follow, kept as dated data.

Thresholds change every two years (EU) or by decree (national), so they live in a table with the
date they apply from and the text that set them; a rule is checked against the table row in force
on the date the consultation is launched. Texts are named in comments; where a decree number is
not certain it is not given (check Légifrance before relying on it).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from .errors import DomainError, ProcurementRuleViolation
from .local_time import paris_text, utc_to_paris
from .money import format_eur
from purchasing.domain.errors import N_

# --- procedure thresholds -------------------------------------------------------------------


class ThresholdSet(NamedTuple):
    """Thresholds for supplies and services bought by local authorities, from ``effective_from``.

    ``no_procedure_max_ht`` is the *exclusive* ceiling of the exemption: CCP R2122-8 exempts a need
    "dont la valeur estimée est inférieure à" the threshold, so a need of exactly that value needs
    an adapted procedure. ``formal_procedure_min_ht`` is inclusive: CCP L2124-1 requires a formal
    procedure when the estimated value is "égale ou supérieure" to the European threshold.
    """

    effective_from: date
    no_procedure_max_ht: Decimal
    formal_procedure_min_ht: Decimal
    source: str


THRESHOLDS: tuple[ThresholdSet, ...] = (
    ThresholdSet(
        date(2024, 1, 1),
        Decimal("40000"),
        Decimal("221000"),
        # Exemption: CCP R2122-8, 40 000 € HT since 1 January 2020 (décret n° 2019-1344 du
        # 12 décembre 2019). Formal procedure: EU thresholds 2024-2025 (règlement délégué (UE)
        # de la Commission, fin 2023), taken up by the "avis relatif aux seuils de procédure"
        # published in the JORF in December 2023: 221 000 € HT for supplies and services of
        # sub-central contracting authorities, which include local authorities.
        "Seuils 2024-2025 : dispense de procédure sous 40 000 € HT (CCP R2122-8) ; procédure "
        "formalisée dès 221 000 € HT (règlement délégué (UE) de la Commission, avis relatif aux "
        "seuils de procédure, JORF décembre 2023).",
    ),
    ThresholdSet(
        date(2026, 1, 1),
        Decimal("40000"),
        Decimal("216000"),
        # EU thresholds 2026-2027: règlement délégué (UE) of the Commission setting the 2026-2027
        # thresholds (published in the OJEU at the end of 2025; number not verified here) and the
        # French "avis relatif aux seuils de procédure" taking them up: 216 000 € HT for supplies
        # and services of local authorities. The exemption stays at 40 000 € HT until 31 March 2026.
        "Seuils 2026-2027 : procédure formalisée dès 216 000 € HT (règlement délégué (UE) de la "
        "Commission fixant les seuils 2026-2027, avis relatif aux seuils de procédure) ; dispense "
        "de procédure sous 40 000 € HT jusqu'au 31 mars 2026 (CCP R2122-8).",
    ),
    ThresholdSet(
        date(2026, 4, 1),
        Decimal("60000"),
        Decimal("216000"),
        # Decree published in the JO of 30/31 December 2025 (plan « Simplification ! ») raising
        # the exemption threshold of CCP R2122-8 to 60 000 € HT for supplies and services, for
        # consultations launched (or notices sent) from 1 April 2026. Decree number not verified
        # here on purpose: do not quote one without checking Légifrance.
        "Décret relevant le seuil de dispense de procédure à 60 000 € HT (CCP R2122-8), applicable "
        "au 1er avril 2026 ; procédure formalisée dès 216 000 € HT (seuils européens 2026-2027).",
    ),
)

#: EU thresholds are revised every two years; after this date the table must be updated.
THRESHOLDS_KNOWN_UNTIL = date(2027, 12, 31)

PROCEDURE_KINDS = ("none_required", "adapted", "formal")


@dataclass(frozen=True)
class ProcedureCheck:
    """Which procedure a need of ``estimated_total_ht`` requires, with the thresholds used."""

    kind: str  # one of PROCEDURE_KINDS
    estimated_total_ht: Decimal
    no_procedure_max_ht: Decimal
    formal_procedure_min_ht: Decimal
    thresholds_from: date
    source: str
    explanation: str


def _as_date(on: date | datetime) -> date:
    return on.date() if isinstance(on, datetime) else on


def thresholds_on(on: date | datetime) -> ThresholdSet:
    """The threshold row in force on ``on`` (the date the consultation is launched)."""
    day = _as_date(on)
    in_force = [row for row in THRESHOLDS if row.effective_from <= day]
    if not in_force:
        raise ProcurementRuleViolation(
            N_("Aucun seuil de procédure n'est connu au %(day)s."),
            params={"day": format(day, '%d/%m/%Y')}, code="no_thresholds_for_date"
        )
    return max(in_force, key=lambda row: row.effective_from)


def procedure_for(estimated_total_ht: Decimal, on: date | datetime) -> ProcedureCheck:
    """Procedure required for a need, by its estimated value HT summed over all members and lots.

    The purchasing centre must compare the whole need (every member, every lot: CCP R2121-1 and
    following), not one member's share.
    """
    if not isinstance(estimated_total_ht, Decimal) or not estimated_total_ht.is_finite() or estimated_total_ht < 0:
        raise ProcurementRuleViolation(
            N_("Le montant estimé doit être un montant positif en euros HT."), code="invalid_estimate"
        )
    day = _as_date(on)
    row = thresholds_on(day)
    amount = format_eur(estimated_total_ht)
    in_force = f"seuils en vigueur au {day:%d/%m/%Y}"
    if estimated_total_ht < row.no_procedure_max_ht:
        kind = "none_required"
        explanation = (
            f"Montant estimé de {amount} HT, inférieur au seuil de dispense de "
            f"{format_eur(row.no_procedure_max_ht)} HT ({in_force}) : marché possible sans publicité "
            "ni mise en concurrence préalables (CCP R2122-8), en choisissant une offre pertinente, en "
            "faisant bon usage des deniers publics et sans contracter systématiquement avec le même fournisseur."
        )
    elif estimated_total_ht < row.formal_procedure_min_ht:
        kind = "adapted"
        explanation = (
            f"Montant estimé de {amount} HT, entre le seuil de dispense de "
            f"{format_eur(row.no_procedure_max_ht)} HT et le seuil européen de "
            f"{format_eur(row.formal_procedure_min_ht)} HT ({in_force}) : procédure adaptée "
            "(MAPA, CCP L2123-1 et R2123-1), avec une publicité adaptée au montant."
        )
    else:
        kind = "formal"
        explanation = (
            f"Montant estimé de {amount} HT, égal ou supérieur au seuil européen de "
            f"{format_eur(row.formal_procedure_min_ht)} HT ({in_force}) : procédure formalisée "
            "obligatoire (appel d'offres, CCP L2124-1 et L2124-2), avec avis au JOUE et au BOAMP."
        )
    if day > THRESHOLDS_KNOWN_UNTIL:
        explanation += (
            f" Attention : les seuils connus de l'application s'arrêtent au "
            f"{THRESHOLDS_KNOWN_UNTIL:%d/%m/%Y} ; vérifiez les seuils en vigueur."
        )
    return ProcedureCheck(
        kind=kind,
        estimated_total_ht=estimated_total_ht,
        no_procedure_max_ht=row.no_procedure_max_ht,
        formal_procedure_min_ht=row.formal_procedure_min_ht,
        thresholds_from=row.effective_from,
        source=row.source,
        explanation=explanation,
    )


# --- publishing a tender ----------------------------------------------------------------------

#: Loi n° 2021-1104 du 22 août 2021 « Climat et Résilience », art. 35, rewriting CCP L2152-7;
#: décret n° 2022-767 du 2 mai 2022: at least one award criterion taking environmental
#: characteristics into account, for consultations launched from 21 August 2026.
ENVIRONMENTAL_CRITERION_MANDATORY_FROM = date(2026, 8, 21)
#: CCP L2125-1 and R2162-4: a framework agreement of an ordinary contracting authority lasts at
#: most four years (save exceptional, duly justified cases, not handled here).
FRAMEWORK_MAX_MONTHS = 48
FRAMEWORK_MAX_YEARS = 4

CRITERION_KINDS = frozenset({"price", "technical", "environmental", "delivery"})

# Rules of this application rather than of a precise article: consistency the scoring needs.
APP_RULE_WEIGHTS = "pondération des critères (règle de l'application : total de 100)"
APP_RULE_CRITERIA = "critères d'attribution connus de l'application"
APP_RULE_DATES = "cohérence des dates de la consultation"
APP_RULE_LOTS = "numérotation des lots"


@dataclass(frozen=True)
class CriterionData:
    kind: str  # one of CRITERION_KINDS
    weight: int  # percentage points; a lot's weights sum to 100


@dataclass(frozen=True)
class LotData:
    number: int
    title: str
    max_amount_ht: Decimal | None
    duration_months: int
    criteria: tuple[CriterionData, ...]


@dataclass(frozen=True)
class TenderData:
    reference: str
    publication_date: date
    bid_deadline: datetime  # timezone-aware
    lots: tuple[LotData, ...]

    def __post_init__(self) -> None:
        if self.bid_deadline.tzinfo is None or self.bid_deadline.utcoffset() is None:
            raise ValueError("bid_deadline must be a timezone-aware datetime")


@dataclass(frozen=True)
class RuleViolation:
    """One unmet rule: a stable code, the text it comes from, a French message, the lot if any; ``error`` carries the
    message's template and params, so that the refusal reads in the reader's language (purchasing.i18n)."""

    code: str
    rule: str
    message: str
    lot_number: int | None = None
    error: DomainError | None = field(default=None, compare=False, repr=False)

    def as_dict(self) -> dict:
        return {"code": self.code, "rule": self.rule, "message": self.message, "lot_number": self.lot_number}


def _violation(code: str, rule: str, template: str, lot_number: int | None = None, **params) -> RuleViolation:
    error = DomainError(template, params=params)
    return RuleViolation(code, rule, error.message, lot_number, error)


@dataclass(frozen=True)
class PublicationWarning:
    """Something to fix before it becomes mandatory; publishing is still allowed."""

    code: str
    rule: str
    message: str
    lot_number: int | None = None


def _lot_violations(lot: LotData, launch_date: date) -> tuple[list[RuleViolation], list[PublicationWarning]]:
    violations: list[RuleViolation] = []
    warnings: list[PublicationWarning] = []
    name = f"Lot {lot.number} (« {lot.title} »)"

    def refuse(code: str, rule: str, template: str, **params) -> None:
        detail = DomainError(template, params=params)
        violations.append(_violation(code, rule, N_("Lot %(number)s (« %(title)s ») : %(detail)s"), lot.number,
                                     number=lot.number, title=lot.title, detail=detail))

    if lot.max_amount_ht is None:
        refuse("missing_max_amount", "CCP R2162-4",
               N_("un accord-cadre doit indiquer un montant maximum (article R2162-4 du code de la commande "
                  "publique)."))
    elif lot.max_amount_ht <= 0:
        refuse("invalid_max_amount", "CCP R2162-4", N_("le montant maximum doit être supérieur à zéro."))

    if lot.duration_months <= 0:
        refuse("invalid_duration", "CCP L2125-1", N_("la durée doit être d'au moins un mois."))
    elif lot.duration_months > FRAMEWORK_MAX_MONTHS:
        refuse("duration_too_long", "CCP L2125-1, R2162-4",
               N_("la durée de %(months)s mois dépasse le maximum de %(maximum)s mois (4 ans) d'un accord-cadre "
                  "(articles L2125-1 et R2162-4 du code de la commande publique)."),
               months=lot.duration_months, maximum=FRAMEWORK_MAX_MONTHS)

    kinds = [criterion.kind for criterion in lot.criteria]
    unknown = sorted(set(kinds) - CRITERION_KINDS)
    if unknown:
        refuse("unknown_criterion", APP_RULE_CRITERIA, N_("critère(s) inconnu(s) : %(kinds)s."),
               kinds=", ".join(unknown))
    if len(set(kinds)) != len(kinds):
        refuse("duplicate_criterion", APP_RULE_CRITERIA, N_("un même critère figure plusieurs fois."))
    if any(criterion.weight <= 0 for criterion in lot.criteria):
        refuse("invalid_weight", APP_RULE_WEIGHTS, N_("chaque critère doit avoir une pondération positive."))
    total_weight = sum(criterion.weight for criterion in lot.criteria)
    if total_weight != 100:
        refuse("weights_not_100", APP_RULE_WEIGHTS,
               N_("la somme des pondérations des critères est de %(total)s au lieu de 100."), total=total_weight)
    if "price" not in kinds:
        refuse("missing_price_criterion", "CCP R2152-7",
               N_("les critères d'attribution doivent comprendre le prix ou le coût (article R2152-7 "
                  "du code de la commande publique)."))

    if "environmental" not in kinds:
        rule = "Loi Climat et Résilience art. 35, CCP L2152-7, décret n° 2022-767"
        if launch_date >= ENVIRONMENTAL_CRITERION_MANDATORY_FROM:
            refuse("missing_environmental_criterion", rule,
                   N_("au moins un critère d'attribution doit prendre en compte les caractéristiques "
                      "environnementales de l'offre (article L2152-7 du code de la commande publique, "
                      "issu de l'article 35 de la loi Climat et Résilience ; décret n° 2022-767), "
                      "obligatoire pour les consultations lancées à compter du 21 août 2026."))
        else:
            warnings.append(PublicationWarning(
                "missing_environmental_criterion", rule,
                f"{name} : aucun critère environnemental. Il sera obligatoire pour les consultations "
                "lancées à compter du 21 août 2026 (article L2152-7 du code de la commande publique).",
                lot.number,
            ))
    return violations, warnings


def check_publishable(tender: TenderData, on: date | datetime) -> list[PublicationWarning]:
    """Check a tender before publication; return warnings, or raise listing every violation.

    The launch date is the later of the planned publication date and ``on`` (the day of the
    check): a tender cannot escape a rule by carrying a past publication date.
    Raises ProcurementRuleViolation whose ``details["violations"]`` lists all unmet rules.
    """
    launch_date = max(tender.publication_date, _as_date(on))
    violations: list[RuleViolation] = []
    warnings: list[PublicationWarning] = []
    if not tender.lots:
        violations.append(_violation("no_lots", "CCP L2113-10", N_("La consultation doit comporter au moins un lot.")))
    numbers = [lot.number for lot in tender.lots]
    if len(set(numbers)) != len(numbers):
        violations.append(_violation("duplicate_lot_number", APP_RULE_LOTS, N_("Deux lots portent le même numéro.")))
    if utc_to_paris(tender.bid_deadline).date() <= tender.publication_date:
        violations.append(_violation(
            "deadline_before_publication", APP_RULE_DATES,
            N_("La date limite de remise des offres (%(deadline)s, heure de Paris) doit être postérieure à la date de "
               "publication (%(published)s)."),
            deadline=paris_text(tender.bid_deadline), published=f"{tender.publication_date:%d/%m/%Y}",
        ))
    for lot in tender.lots:
        lot_violations, lot_warnings = _lot_violations(lot, launch_date)
        violations.extend(lot_violations)
        warnings.extend(lot_warnings)
    if violations:
        count = len(violations)
        raise ProcurementRuleViolation(
            N_("La consultation %(reference)s ne peut pas être publiée (%(count)s règles non respectées) : "
               "%(violations)s") if count > 1 else
            N_("La consultation %(reference)s ne peut pas être publiée (1 règle non respectée) : %(violations)s"),
            params={"reference": tender.reference, "count": count,
                    "violations": [violation.error for violation in violations]},
            code="tender_not_publishable",
            details={"violations": [violation.as_dict() for violation in violations]},
        )
    return warnings


# --- framework contracts ----------------------------------------------------------------------


def _add_years(start: date, years: int) -> date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February in a non-leap year
        return start.replace(year=start.year + years, month=3, day=1)


def check_contract_duration(start: date, end: date) -> None:
    """A framework contract runs from ``start`` to ``end`` (last day, inclusive), 4 years at most.

    2026-01-01 .. 2029-12-31 is exactly four years and allowed; 2026-01-01 .. 2030-01-01 is not.
    """
    if end < start:
        raise ProcurementRuleViolation(
            N_("La date de fin (%(end)s) précède la date de début (%(start)s)."),
            params={"end": format(end, '%d/%m/%Y'), "start": format(start, '%d/%m/%Y')},
            code="contract_end_before_start",
        )
    latest_end = _add_years(start, FRAMEWORK_MAX_YEARS) - timedelta(days=1)
    if end > latest_end:
        raise ProcurementRuleViolation(
            N_("Un accord-cadre dure au plus %(FRAMEWORK_MAX_YEARS)s ans (articles L2125-1 et "
               "R2162-4 du code de la commande publique) : commencé le %(start)s, il doit finir au "
               "plus tard le %(latest_end)s."),
            params={"FRAMEWORK_MAX_YEARS": FRAMEWORK_MAX_YEARS, "start": format(start, '%d/%m/%Y'),
                    "latest_end": format(latest_end, '%d/%m/%Y')},
            code="contract_too_long",
            details={"start": start.isoformat(), "end": end.isoformat()},
        )
