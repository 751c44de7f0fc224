"""Tender scoring: points per criterion, ranking with explained tie-breaks, abnormally low bids.

Pure and deterministic so that the analysis report (rapport d'analyse des offres) can be
recomputed and justified to a rejected bidder: every number here comes from a formula below.
Points are rounded half-up to 2 decimals per criterion and the total is the sum of the rounded
points, so the report's columns always add up.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .errors import PricingError, ProcurementRuleViolation
from .local_time import paris_text
from purchasing.domain.errors import N_

POINTS = Decimal("0.01")
TWENTY = Decimal(20)
CRITERION_KINDS = ("price", "technical", "environmental", "delivery")
DEFAULT_ABNORMALLY_LOW_RATIO = Decimal("0.70")


def _points(value: Decimal) -> Decimal:
    return value.quantize(POINTS, rounding=ROUND_HALF_UP)


def _fr(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def price_score(max_points: Decimal | int, lowest_price: Decimal, bid_price: Decimal) -> Decimal:
    """Price points: max × lowest price / bid price, half-up to 2 decimals (lowest bid gets max)."""
    for value in (lowest_price, bid_price):
        if not isinstance(value, Decimal) or not value.is_finite() or value <= 0:
            raise PricingError(N_("Les prix comparés doivent être des montants positifs."), code="invalid_bid_price")
    if lowest_price > bid_price:
        raise PricingError(N_("Le prix le plus bas ne peut pas dépasser le prix de l'offre."), code="invalid_bid_price")
    return _points(Decimal(max_points) * lowest_price / bid_price)


def scaled_score(score_20: Decimal, weight: Decimal | int) -> Decimal:
    """A mark out of 20 turned into points out of ``weight``: score / 20 × weight."""
    if not isinstance(score_20, Decimal) or not Decimal(0) <= score_20 <= TWENTY:
        raise ProcurementRuleViolation(N_("Une note doit être comprise entre 0 et 20."), code="invalid_score")
    return _points(score_20 / TWENTY * Decimal(weight))


def delivery_score(max_points: Decimal | int, shortest_days: int, delivery_days: int) -> Decimal:
    """Delivery points: max × shortest delay / this bid's delay (in days, at least 1)."""
    return _points(Decimal(max_points) * Decimal(shortest_days) / Decimal(delivery_days))


def median(values: Sequence[Decimal]) -> Decimal:
    """Median; for an even count, the mean of the two middle values."""
    if not values:
        raise ValueError("median of no values")
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


@dataclass(frozen=True)
class BidInput:
    bid_id: Any
    supplier_name: str
    total_price_ht: Decimal
    technical_score_20: Decimal | None
    environmental_score_20: Decimal | None
    delivery_days: int | None
    submitted_at: datetime


@dataclass(frozen=True)
class BidEvaluation:
    bid_id: Any
    supplier_name: str
    #: points per criterion kind, e.g. {"price": Decimal("40.00"), ...}
    points: Mapping[str, Decimal] = field(hash=False)
    total: Decimal
    rank: int
    abnormally_low: bool
    #: French sentence saying which rule ordered this bid within a tie on total, else None
    tie_break_explanation: str | None = None
    #: stable code of that rule: price_points, environmental_points, submitted_at, supplier_name, bid_id
    tie_break_rule: str | None = None


def _validate_weights(weights: Mapping[str, int]) -> dict[str, int]:
    unknown = sorted(set(weights) - set(CRITERION_KINDS))
    if unknown:
        raise ProcurementRuleViolation(
            N_("Critère(s) inconnu(s) : %(unknown)s."), params={"unknown": ', '.join(unknown)}, code="unknown_criterion"
        )
    if any(isinstance(w, bool) or not isinstance(w, int) or w < 0 for w in weights.values()):
        raise ProcurementRuleViolation(N_("Les pondérations doivent être des entiers positifs."), code="invalid_weight")
    if sum(weights.values()) != 100:
        raise ProcurementRuleViolation(
            N_("La somme des pondérations est de %(values)s au lieu de 100."),
            params={"values": sum(weights.values())}, code="weights_not_100"
        )
    return {kind: weight for kind, weight in weights.items() if weight > 0}


def missing_by_bid(bids: Sequence[BidInput], weights: Mapping[str, int]) -> dict[Any, list[str]]:
    """What each bid still lacks to be scored under ``weights`` (bid id -> French labels; complete bids absent).

    Weights of 0 ask for nothing. The scoring page lists these before "Noter et classer les offres" can run.
    """
    needed = {"technical": "technical_score_20", "environmental": "environmental_score_20", "delivery": "delivery_days"}
    labels = {"technical": "note technique", "environmental": "note environnementale", "delivery": "délai de livraison"}
    active = {kind for kind, weight in weights.items() if weight}
    missing: dict[Any, list[str]] = {}
    for bid in bids:
        for kind, attribute in needed.items():
            if kind in active and getattr(bid, attribute) is None:
                missing.setdefault(bid.bid_id, []).append(labels[kind])
        if bid.delivery_days is not None and "delivery" in active and bid.delivery_days < 1:
            missing.setdefault(bid.bid_id, []).append("délai de livraison d'au moins un jour")
    return missing


def _missing_data(bids: Sequence[BidInput], weights: Mapping[str, int]) -> list[str]:
    names = {bid.bid_id: bid.supplier_name for bid in bids}
    return [f"{names[bid_id]} : {label}" for bid_id, labels in missing_by_bid(bids, weights).items()
            for label in labels]


def _criterion_points(bids: Sequence[BidInput], weights: Mapping[str, int]) -> dict[Any, dict[str, Decimal]]:
    lowest_price = min(bid.total_price_ht for bid in bids)
    delays = [bid.delivery_days for bid in bids if bid.delivery_days is not None]
    shortest_delay = min(delays) if delays else None
    points: dict[Any, dict[str, Decimal]] = {}
    for bid in bids:
        per_criterion: dict[str, Decimal] = {}
        for kind, weight in weights.items():
            if kind == "price":
                per_criterion[kind] = price_score(weight, lowest_price, bid.total_price_ht)
            elif kind == "technical":
                per_criterion[kind] = scaled_score(bid.technical_score_20, weight)  # type: ignore[arg-type]
            elif kind == "environmental":
                per_criterion[kind] = scaled_score(bid.environmental_score_20, weight)  # type: ignore[arg-type]
            else:
                per_criterion[kind] = delivery_score(weight, shortest_delay, bid.delivery_days)  # type: ignore[arg-type]
        points[bid.bid_id] = per_criterion
    return points


# Tie-break rules, in order. Each returns a key where *smaller* ranks first.
_TIE_BREAK_RULES = (
    ("price_points", "la note prix la plus élevée"),
    ("environmental_points", "la note environnementale la plus élevée"),
    ("submitted_at", "l'offre remise la première"),
    ("supplier_name", "l'ordre alphabétique du nom du fournisseur"),
    ("bid_id", "l'identifiant de l'offre"),
)


def _tie_key(bid: BidInput, points: Mapping[str, Decimal]) -> tuple:
    return (
        -points.get("price", Decimal(0)),
        -points.get("environmental", Decimal(0)),
        bid.submitted_at,
        bid.supplier_name.casefold(),
        str(bid.bid_id),
    )


_TIE_BREAK_VALUE_LABELS = {
    "price_points": "note prix",
    "environmental_points": "note environnementale",
    "submitted_at": "remise",
    "supplier_name": "nom",
    "bid_id": "identifiant",
}


def _describe(rule: str, bid: BidInput, points: Mapping[str, Decimal]) -> str:
    """The value a tie-break rule compares, as shown to the user."""
    if rule == "price_points":
        return _fr(points.get("price", Decimal(0)))
    if rule == "environmental_points":
        return _fr(points.get("environmental", Decimal(0)))
    if rule == "submitted_at":
        return paris_text(bid.submitted_at, "%d/%m/%Y à %H:%M:%S")
    if rule == "supplier_name":
        return bid.supplier_name
    return str(bid.bid_id)


def _deciding_rule(first: tuple, second: tuple) -> int:
    return next((index for index, (a, b) in enumerate(zip(first, second)) if a != b), len(first) - 1)


def _tie_explanation(
    bid: BidInput, other: BidInput, points: Mapping[Any, Mapping[str, Decimal]], total: Decimal, before: bool
) -> tuple[str, str]:
    bid_key = _tie_key(bid, points[bid.bid_id])
    other_key = _tie_key(other, points[other.bid_id])
    rule, rule_text = _TIE_BREAK_RULES[_deciding_rule(bid_key, other_key)]
    position = "classée avant" if before else "classée après"
    sentence = (
        f"Égalité de note totale ({_fr(total)} points) avec {other.supplier_name} ; offre {position} "
        f"selon la règle de départage « {rule_text} » "
        f"({_TIE_BREAK_VALUE_LABELS[rule]} : {_describe(rule, bid, points[bid.bid_id])} "
        f"contre {_describe(rule, other, points[other.bid_id])})."
    )
    return sentence, rule


def evaluate_lot(
    bids: Iterable[BidInput],
    weights: Mapping[str, int],
    abnormally_low_ratio: Decimal = DEFAULT_ABNORMALLY_LOW_RATIO,
) -> list[BidEvaluation]:
    """Score and rank the bids of one lot; list ordered by rank (1 = best).

    Ties on total are broken by: 1) higher price points, 2) higher environmental points,
    3) earlier submission, 4) supplier name (alphabetical); the explanation names the rule used.
    A bid is flagged abnormally low when its price is below ``abnormally_low_ratio`` × the median
    price of the lot; the buyer must then ask for justification (CCP L2152-5, R2152-3) before
    any rejection — the flag decides nothing by itself.
    """
    bids = list(bids)
    if not bids:
        return []
    active_weights = _validate_weights(weights)
    if len({bid.bid_id for bid in bids}) != len(bids):
        raise ProcurementRuleViolation(N_("Deux offres portent le même identifiant."), code="duplicate_bid")
    missing = _missing_data(bids, active_weights)
    if missing:
        raise ProcurementRuleViolation(
            N_("L'analyse des offres est incomplète : %(missing)s."),
            params={"missing": " ; ".join(missing)},
            code="incomplete_evaluation",
            details={"missing": missing},
        )
    points = _criterion_points(bids, active_weights)
    totals = {bid.bid_id: sum(points[bid.bid_id].values(), Decimal(0)) for bid in bids}
    threshold = abnormally_low_ratio * median([bid.total_price_ht for bid in bids])

    ranked = sorted(bids, key=lambda bid: (-totals[bid.bid_id], _tie_key(bid, points[bid.bid_id])))
    evaluations = []
    for index, bid in enumerate(ranked):
        explanation = rule = None
        total = totals[bid.bid_id]
        following = ranked[index + 1] if index + 1 < len(ranked) else None
        preceding = ranked[index - 1] if index > 0 else None
        if following is not None and totals[following.bid_id] == total:
            explanation, rule = _tie_explanation(bid, following, points, total, before=True)
        elif preceding is not None and totals[preceding.bid_id] == total:
            explanation, rule = _tie_explanation(bid, preceding, points, total, before=False)
        evaluations.append(
            BidEvaluation(
                bid_id=bid.bid_id,
                supplier_name=bid.supplier_name,
                points=dict(points[bid.bid_id]),
                total=_points(total),
                rank=index + 1,
                abnormally_low=bid.total_price_ht < threshold,
                tie_break_explanation=explanation,
                tie_break_rule=rule,
            )
        )
    return evaluations


# --- environmental score from data ------------------------------------------------------------

#: sub-criterion -> True when a lower value is better
ENVIRONMENTAL_SUB_CRITERIA: dict[str, bool] = {
    "annual_kgco2e": True,
    "repairability_index": False,
    "warranty_years": False,
    "spare_parts_years": False,
}


def _relative_performance(value: Decimal | int | None, best: Decimal | int, lower_is_better: bool) -> Decimal:
    """1 for the best bid, proportionally less for others, 0 when the bid gave no data."""
    if value is None:
        return Decimal(0)
    value, best = Decimal(value), Decimal(best)
    if lower_is_better:
        if value == 0:
            return Decimal(1)
        return best / value
    if best == 0:
        return Decimal(0)
    return value / best


def _check_environmental_value(name: str, value: object) -> None:
    if value is None:
        return
    if isinstance(value, (bool, float)) or not isinstance(value, (int, Decimal)) or value < 0:
        raise ProcurementRuleViolation(
            N_("Donnée environnementale invalide (%(name)s) : un nombre positif ou nul est attendu."),
            params={"name": name},
            code="invalid_environmental_data",
        )


def environmental_score_from_data(
    annual_kgco2e: Decimal | None,
    repairability_index: Decimal | None,
    warranty_years: int | None,
    spare_parts_years: int | None,
    best_annual_kgco2e: Decimal | None,
    best_repairability_index: Decimal | None,
    best_warranty_years: int | None,
    best_spare_parts_years: int | None,
) -> Decimal:
    """Environmental mark out of 20 of one bid, relative to the best value of each sub-criterion.

    Sub-criteria: annualised carbon footprint in kgCO2e per year (lower is better: best / value),
    repairability index, warranty years and spare-parts availability years (higher is better:
    value / best). A sub-criterion counts when the lot has a best value for it (``best_*`` not
    None); the sub-criteria counted have equal weights. A bid that gives no value for a counted
    sub-criterion gets 0 on it, so withholding data never pays.
    Mark = 20 × mean of the relative performances, half-up to 2 decimals.
    """
    pairs = {
        "annual_kgco2e": (annual_kgco2e, best_annual_kgco2e),
        "repairability_index": (repairability_index, best_repairability_index),
        "warranty_years": (warranty_years, best_warranty_years),
        "spare_parts_years": (spare_parts_years, best_spare_parts_years),
    }
    for name, (value, best) in pairs.items():
        _check_environmental_value(name, value)
        _check_environmental_value(name, best)
    counted = {name: pair for name, pair in pairs.items() if pair[1] is not None}
    if not counted:
        raise ProcurementRuleViolation(
            N_("Aucune donnée environnementale dans le lot : la note doit être attribuée par l'analyse des offres."),
            code="no_environmental_data",
        )
    performances = [
        _relative_performance(value, best, ENVIRONMENTAL_SUB_CRITERIA[name])  # type: ignore[arg-type]
        for name, (value, best) in counted.items()
    ]
    return _points(TWENTY * sum(performances, Decimal(0)) / len(performances))


def environmental_scores_for_lot(rows: Iterable[Mapping[str, Any]]) -> dict[Any, Decimal]:
    """Environmental marks /20 of every bid of a lot, from their declared data.

    Each row has "bid_id" and any of "annual_kgco2e", "repairability_index", "warranty_years",
    "spare_parts_years" (missing key or None: not given). Best values are taken over the lot
    (lowest carbon, highest others); then ``environmental_score_from_data`` for each bid.
    """
    rows = list(rows)
    best: dict[str, Decimal | int | None] = {}
    for name, lower_is_better in ENVIRONMENTAL_SUB_CRITERIA.items():
        values = [row.get(name) for row in rows if row.get(name) is not None]
        for value in values:
            _check_environmental_value(name, value)
        best[name] = (min(values) if lower_is_better else max(values)) if values else None
    return {
        row["bid_id"]: environmental_score_from_data(
            row.get("annual_kgco2e"),
            row.get("repairability_index"),
            row.get("warranty_years"),
            row.get("spare_parts_years"),
            best["annual_kgco2e"],  # type: ignore[arg-type]
            best["repairability_index"],  # type: ignore[arg-type]
            best["warranty_years"],  # type: ignore[arg-type]
            best["spare_parts_years"],  # type: ignore[arg-type]
        )
        for row in rows
    }
