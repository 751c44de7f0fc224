"""Use cases on tenders: statuses, publication, sealed bids, evaluation and award. Flush, never commit."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import pandas as pd
from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.sql import Select

from purchasing.catalogue.models import Category, Offer, PriceBreak, Product
from purchasing.domain.local_time import paris_text, utc_to_paris
from purchasing.contracts.models import FrameworkContract
from purchasing.db_types import utcnow
from purchasing.domain.decp import check_cpv
from purchasing.domain.errors import N_, ConflictError, DomainError, ProcurementRuleViolation
from purchasing.domain.procurement import (
    CriterionData,
    LotData,
    PublicationWarning,
    TenderData,
    check_contract_duration,
    check_publishable,
    procedure_for,
)
from purchasing.domain.scoring import BidInput, environmental_scores_for_lot, evaluate_lot, missing_by_bid
from purchasing.domain.states import TENDER, StateMachine
from purchasing.extensions import db
from purchasing.members.models import fold_for_search
from purchasing.spreadsheets import safe_cell
from purchasing.suppliers.models import Supplier
from purchasing.tenders import imports
from purchasing.transitions import apply_transition, lock_for_update
from purchasing.tenders.models import (
    AwardCriterion,
    Bid,
    BidLine,
    BidScore,
    EnvironmentalMode,
    LotStatus,
    Tender,
    TenderEvent,
    TenderLot,
)

#: statuses during which bids may be received
OPEN_FOR_BIDS = ("published",)
#: statuses where the lots, criteria and dates can still be edited
EDITABLE = ("draft",)


class BidsSealed(DomainError):
    """Bid prices asked for before the bid deadline."""

    code = "bids_sealed"
    http_status = 403
    default_message = N_("Les offres sont sous pli scellé jusqu'à la date limite de remise des offres : "
                       "leurs prix ne peuvent pas être consultés avant.")


# --- queries -----------------------------------------------------------------------------------


#: statuses of a tender whose bids are in but that is neither awarded nor declared unsuccessful yet
AWAITING_DECISION = ("published", "closed", "evaluated")


def search_tenders(q: str = "", status: str | None = None, awaiting_decision_at: datetime | None = None) -> Select:
    """Tenders by reference or title; ``awaiting_decision_at``: those whose bid deadline has passed at that moment
    and that are still to score or to award (the home page's "tenders awaiting a decision")."""
    stmt = select(Tender)
    if awaiting_decision_at is not None:
        stmt = stmt.where(Tender.status.in_(AWAITING_DECISION), Tender.bid_deadline <= awaiting_decision_at)
    q = (q or "").strip()
    if q:
        stmt = stmt.where(func.lower(Tender.reference).contains(q.lower(), autoescape=True)
                          | func.lower(Tender.title).contains(q.lower(), autoescape=True))
    if status:
        stmt = stmt.where(Tender.status == status)
    return stmt.order_by(Tender.publication_date.desc(), Tender.id.desc())


def tender_with_lots(tender_id: int) -> Tender | None:
    return db.session.scalar(select(Tender).where(Tender.id == tender_id).options(
        selectinload(Tender.lots).selectinload(TenderLot.criteria),
        selectinload(Tender.lots).selectinload(TenderLot.bids).selectinload(Bid.supplier)))


def tender_events(tender: Tender) -> list[TenderEvent]:
    return list(db.session.scalars(select(TenderEvent).where(TenderEvent.tender_id == tender.id)
                                   .order_by(TenderEvent.created_dt, TenderEvent.id)))


def supplier_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(select(Supplier.id, Supplier.name).where(Supplier.is_active.is_(True))
                              .order_by(Supplier.search_name))
    return [(row.id, row.name) for row in rows]


def category_codes() -> set[str]:
    return set(db.session.scalars(select(Category.code)))


# --- sealing -----------------------------------------------------------------------------------


def bids_unsealed(tender: Tender, now: datetime | None = None) -> bool:
    """Bid prices are readable only once the deadline has passed and the tender is no longer open."""
    now = now or utcnow()
    return now >= tender.bid_deadline and tender.status not in ("draft", "published")


def require_unsealed(tender: Tender, now: datetime | None = None) -> None:
    if not bids_unsealed(tender, now):
        raise BidsSealed()


# --- tender, lots, criteria ----------------------------------------------------------------------


@dataclass
class TenderInput:
    reference: str
    title: str
    publication_date: date
    bid_deadline: datetime
    abnormally_low_ratio: Decimal = Decimal("0.70")


def _check_tender_input(data: TenderInput, exclude_id: int | None = None) -> str:
    reference = data.reference.strip().upper()
    stmt = select(Tender.id).where(Tender.reference == reference)
    if exclude_id is not None:
        stmt = stmt.where(Tender.id != exclude_id)
    if db.session.scalar(stmt) is not None:
        raise ConflictError(N_("Une consultation porte déjà la référence %(reference)s."),
                            params={"reference": reference}, code="reference_taken")
    if data.bid_deadline.tzinfo is None:
        raise DomainError(N_("La date limite doit être une date et heure avec fuseau horaire."), code="naive_deadline")
    if utc_to_paris(data.bid_deadline).date() <= data.publication_date:
        raise ProcurementRuleViolation(N_("La date limite de remise des offres doit être postérieure à la date de "
                                          "publication."), code="deadline_before_publication")
    if not Decimal("0") < data.abnormally_low_ratio < Decimal("1"):
        raise DomainError(N_("Le seuil d'offre anormalement basse doit être compris entre 0 et 1 (par exemple 0,70)."),
                          code="invalid_ratio")
    return reference


def create_tender(data: TenderInput) -> Tender:
    reference = _check_tender_input(data)
    tender = Tender(reference=reference, title=data.title.strip(), publication_date=data.publication_date,
                    bid_deadline=data.bid_deadline, status=TENDER.initial,
                    abnormally_low_ratio=data.abnormally_low_ratio)
    _flush_reference(tender, reference)
    return tender


def _flush_reference(tender: Tender, reference: str) -> None:
    """Two tenders given the same reference at once: the second gets the form error, not a 500."""
    try:
        with db.session.begin_nested():
            db.session.add(tender)
    except IntegrityError:
        raise ConflictError(N_("Une consultation porte déjà la référence %(reference)s."),
                            params={"reference": reference}, code="reference_taken") from None


def update_tender(tender: Tender, data: TenderInput) -> Tender:
    _require_editable(tender)
    tender.reference = _check_tender_input(data, exclude_id=tender.id)
    tender.title = data.title.strip()
    tender.publication_date, tender.bid_deadline = data.publication_date, data.bid_deadline
    tender.abnormally_low_ratio = data.abnormally_low_ratio
    _flush_reference(tender, tender.reference)
    return tender


def _require_editable(tender: Tender) -> None:
    if tender.status not in EDITABLE:
        raise ConflictError(N_("La consultation n'est plus modifiable : seuls les brouillons le sont."),
                            code="tender_not_editable")


@dataclass
class LotInput:
    number: int
    title: str
    estimated_quantities: str
    estimated_amount_ht: Decimal
    max_amount_ht: Decimal | None
    duration_months: int
    #: 8 digits of the IT CPV list (checked here too: the API and the demo use this service)
    cpv_code: str | None = None


def _cpv(value: str | None) -> str | None:
    return check_cpv(value) if value else None


def add_lot(tender: Tender, data: LotInput) -> TenderLot:
    _require_editable(tender)
    if any(lot.number == data.number for lot in tender.lots):
        raise ConflictError(N_("Le lot n° %(number)s existe déjà."),
                            params={"number": data.number}, code="lot_number_taken")
    if not 1 <= data.duration_months <= 48:
        raise ProcurementRuleViolation(N_("La durée d'un accord-cadre est de 1 à 48 mois (CCP L2125-1, R2162-4)."),
                                       code="duration_too_long")
    if data.estimated_amount_ht < 0 or (data.max_amount_ht is not None and data.max_amount_ht <= 0):
        raise DomainError(N_("Les montants doivent être positifs."), code="invalid_amount")
    lot = TenderLot(number=data.number, title=data.title.strip(), estimated_quantities=data.estimated_quantities.strip(),
                    estimated_amount_ht=data.estimated_amount_ht, max_amount_ht=data.max_amount_ht,
                    duration_months=data.duration_months, status=LotStatus.OPEN, cpv_code=_cpv(data.cpv_code))
    tender.lots.append(lot)
    db.session.flush()
    return lot


def update_lot(lot: TenderLot, data: LotInput) -> TenderLot:
    """Change a draft tender's lot (e.g. set its maximum amount before publishing)."""
    tender = lot.tender
    _require_editable(tender)
    if any(other.number == data.number and other.id != lot.id for other in tender.lots):
        raise ConflictError(N_("Le lot n° %(number)s existe déjà."),
                            params={"number": data.number}, code="lot_number_taken")
    if not 1 <= data.duration_months <= 48:
        raise ProcurementRuleViolation(N_("La durée d'un accord-cadre est de 1 à 48 mois (CCP L2125-1, R2162-4)."),
                                       code="duration_too_long")
    if data.estimated_amount_ht < 0 or (data.max_amount_ht is not None and data.max_amount_ht <= 0):
        raise DomainError(N_("Les montants doivent être positifs."), code="invalid_amount")
    lot.number, lot.title = data.number, data.title.strip()
    lot.estimated_quantities = data.estimated_quantities.strip()
    lot.estimated_amount_ht, lot.max_amount_ht = data.estimated_amount_ht, data.max_amount_ht
    lot.duration_months = data.duration_months
    lot.cpv_code = _cpv(data.cpv_code)
    db.session.flush()
    return lot


def set_lot_cpv(lot: TenderLot, cpv_code: str | None) -> TenderLot:
    """The CPV code of a lot at any stage, until its contract's essential data are published (DECP)."""
    contract = lot_contract(lot)
    if contract is not None and contract.decp_publication_id is not None:
        raise ConflictError(N_("Les données essentielles du contrat de ce lot sont publiées : le code CPV ne change "
                               "plus."), code="already_published")
    lot.cpv_code = _cpv(cpv_code)
    db.session.flush()
    return lot


def set_criterion(lot: TenderLot, kind: str, weight: int, environmental_mode: str | None = None) -> AwardCriterion:
    """Add or replace the lot's criterion of this kind."""
    _require_editable(lot.tender)
    if kind not in ("price", "technical", "environmental", "delivery"):
        raise DomainError(N_("Critère inconnu."), code="unknown_criterion")
    if not 1 <= weight <= 100:
        raise DomainError(N_("La pondération est un entier de 1 à 100."), code="invalid_weight")
    if kind == "environmental":
        environmental_mode = environmental_mode or EnvironmentalMode.COMPUTED
        if environmental_mode not in set(EnvironmentalMode):
            raise DomainError(N_("Mode de notation environnementale inconnu."), code="invalid_mode")
    else:
        environmental_mode = None
    criterion = next((c for c in lot.criteria if c.kind == kind), None)
    if criterion is None:
        criterion = AwardCriterion(kind=kind)
        lot.criteria.append(criterion)
    criterion.weight = weight
    criterion.environmental_mode = environmental_mode
    db.session.flush()
    return criterion


def copy_criteria(source: TenderLot) -> list[TenderLot]:
    """Give every other lot of the tender the source lot's criteria (kinds, weights, modes), replacing theirs."""
    _require_editable(source.tender)
    if not source.criteria:
        raise DomainError(N_("Ce lot n'a aucun critère à copier."), code="no_criteria")
    targets = [lot for lot in source.tender.lots if lot.id != source.id]
    if not targets:
        raise DomainError(N_("La consultation n'a pas d'autre lot."), code="single_lot")
    wanted = {c.kind: (c.weight, c.environmental_mode) for c in source.criteria}
    for lot in targets:
        for criterion in list(lot.criteria):
            if criterion.kind not in wanted:
                lot.criteria.remove(criterion)
        for kind, (weight, mode) in wanted.items():
            set_criterion(lot, kind, weight, mode)
    db.session.flush()
    return targets


def remove_criterion(lot: TenderLot, kind: str) -> None:
    _require_editable(lot.tender)
    for criterion in list(lot.criteria):
        if criterion.kind == kind:
            lot.criteria.remove(criterion)
    db.session.flush()


def procedure(tender: Tender):
    """The procedure the summed estimate of every lot requires on the publication date."""
    return procedure_for(tender.estimated_total_ht, tender.publication_date)


def tender_data(tender: Tender) -> TenderData:
    return TenderData(
        reference=tender.reference, publication_date=tender.publication_date, bid_deadline=tender.bid_deadline,
        lots=tuple(LotData(number=lot.number, title=lot.title, max_amount_ht=lot.max_amount_ht,
                           duration_months=lot.duration_months,
                           criteria=tuple(CriterionData(c.kind, c.weight) for c in lot.criteria))
                   for lot in tender.lots))


def publication_warnings(tender: Tender, on: date | None = None) -> list[PublicationWarning]:
    """Warnings of a publishable tender (raises listing the violations otherwise)."""
    return check_publishable(tender_data(tender), on or utcnow().date())


# --- statuses ----------------------------------------------------------------------------------


#: a lot is decided once: awarded (or linked to an existing contract) or declared unsuccessful
LOT = StateMachine(
    name="tender_lot",
    transitions={LotStatus.OPEN: {LotStatus.AWARDED, LotStatus.UNSUCCESSFUL}},
    initial=LotStatus.OPEN,
    terminal=frozenset({LotStatus.AWARDED, LotStatus.UNSUCCESSFUL}),
    labels_fr={"open": "ouvert", "awarded": "attribué", "unsuccessful": "infructueux"},
    labels_en={"open": "open", "awarded": "awarded", "unsuccessful": "unsuccessful"},
    subject_fr=N_("Le lot"),
)


def _new_event(tender: Tender, actor, reason: str, lot: TenderLot | None = None,
               now: datetime | None = None) -> TenderEvent:
    """An audit row of the tender (or of one of its lots); apply_transition fills in the statuses."""
    return TenderEvent(tender_id=tender.id, lot_id=lot.id if lot else None, actor_id=getattr(actor, "id", None),
                       reason=reason or "", created_dt=now or utcnow())


def _decide_lot(lot: TenderLot, to: str, actor, reason: str, now: datetime | None) -> None:
    apply_transition(LOT, lot, to, _new_event(lot.tender, actor, reason, lot=lot, now=now))


def change_tender_status(tender: Tender, to: str, actor=None, reason: str = "",
                         now: datetime | None = None) -> list[PublicationWarning]:
    """The one way a tender's status changes: checks the transition table and the rules, writes the audit row.

    Returns the publication warnings (publishing), else an empty list.
    """
    now = now or utcnow()
    TENDER.check(tender.status, to)
    warnings: list[PublicationWarning] = []
    if to == "published":
        warnings = check_publishable(tender_data(tender), now.date())
        if now >= tender.bid_deadline:
            raise ProcurementRuleViolation(N_("La date limite de remise des offres est déjà passée."),
                                           code="deadline_passed")
    elif to == "closed" and now < tender.bid_deadline:
        raise ConflictError(N_("La consultation ne peut être close qu'à la date limite de remise "
                               "des offres (%(bid_deadline)s, heure de Paris)."),
                            params={"bid_deadline": paris_text(tender.bid_deadline)}, code="deadline_not_reached")
    elif to == "evaluated":
        undecided = [lot.number for lot in tender.lots if lot.bids and any(b.rank is None for b in lot.bids)]
        if undecided:
            raise ConflictError(N_("Les offres des lots %(lots)s n'ont pas été classées."),
                                params={"lots": ", ".join(map(str, undecided))},
                                code="not_evaluated")
    elif to in ("awarded", "unsuccessful"):
        if any(lot.status == LotStatus.OPEN for lot in tender.lots):
            raise ConflictError(N_("Chaque lot doit être attribué ou déclaré infructueux."), code="lots_undecided")
    elif to == "cancelled" and not (reason or "").strip():
        raise DomainError(N_("Indiquez le motif de l'annulation."), code="reason_required")
    reason_text = reason
    if to == "published":
        reason_text = " ".join(part for part in [reason, procedure(tender).explanation,
                                                 *(w.message for w in warnings)] if part)
    apply_transition(TENDER, tender, to, _new_event(tender, actor, reason_text, now=now))
    return warnings


def close_due_tenders(now: datetime | None = None) -> list[Tender]:
    """Close every published tender whose bid deadline has passed (called on access and by the CLI)."""
    now = now or utcnow()
    due = list(db.session.scalars(select(Tender).where(Tender.status == "published", Tender.bid_deadline <= now)
                                  .with_for_update(skip_locked=True)))
    for tender in due:
        change_tender_status(tender, "closed", None, "Clôture automatique à la date limite de remise des offres.",
                             now=now)
    return due


# --- bids --------------------------------------------------------------------------------------


def import_bid(lot: TenderLot, supplier: Supplier, filename: str, content: bytes,
               now: datetime | None = None, *, lines: list[dict] | None = None) -> Bid:
    """Record (or replace) a supplier's bid on a lot from its price list: all lines or nothing.

    ``lines``: already parsed (a background job parses with progress first, then writes through here)."""
    now = now or utcnow()
    tender = lot.tender
    lock_for_update(TENDER, tender, read=True)  # closing the tender waits for a bid being recorded
    if tender.status not in OPEN_FOR_BIDS or now >= tender.bid_deadline:
        raise ConflictError(N_("La consultation ne reçoit pas d'offres (non publiée ou date limite passée)."),
                            code="bids_not_open")
    if lot.status != LotStatus.OPEN:
        raise ConflictError(N_("Ce lot n'est plus ouvert."), code="lot_closed")
    if lines is None:
        frame = imports.read_frame(filename, content)
        lines = imports.parse_price_list(frame, category_codes())
    bid = db.session.scalar(select(Bid).where(Bid.lot_id == lot.id, Bid.supplier_id == supplier.id))
    if bid is None:
        bid = Bid(lot_id=lot.id, supplier_id=supplier.id, submitted_at=now)
        try:
            with db.session.begin_nested():  # two imports of the same supplier's bid at once: one wins
                db.session.add(bid)
        except IntegrityError:
            raise ConflictError(N_("Une offre de ce fournisseur sur ce lot vient d'être enregistrée : rechargez la page."),
                                code="bid_exists") from None
    else:
        db.session.execute(delete(BidLine).where(BidLine.bid_id == bid.id))
    bid.submitted_at = now
    bid.filename = (filename or "")[:200]
    bid.line_count = len(lines)
    bid.total_price_ht = sum((line["unit_price_ht"] * line["estimated_quantity"] for line in lines), Decimal("0.00"))
    delays = [line["delivery_days"] for line in lines if line["delivery_days"] is not None]
    bid.delivery_days = max(delays) if delays else None
    db.session.flush()
    for line in lines:
        line["bid_id"] = bid.id
    db.session.execute(insert(BidLine), lines)
    db.session.expire(bid, ["lines"])
    return bid


def bid_lines(bid: Bid, now: datetime | None = None) -> list[BidLine]:
    require_unsealed(bid.lot.tender, now)
    return list(db.session.scalars(select(BidLine).where(BidLine.bid_id == bid.id).order_by(BidLine.row_number)))


def add_score(bid: Bid, kind: str, score: Decimal, justification: str, evaluator, now: datetime | None = None):
    tender = bid.lot.tender
    require_unsealed(tender, now)
    lock_for_update(TENDER, tender, read=True)  # the evaluation waits for a mark being entered
    if tender.status != "closed":
        raise ConflictError(N_("Les notes se saisissent quand la consultation est close et pas encore évaluée."),
                            code="not_closed")
    if kind not in ("technical", "environmental"):
        raise DomainError(N_("Seules les valeurs technique et environnementale sont notées par les évaluateurs."),
                          code="invalid_kind")
    if score is None or not Decimal(0) <= score <= Decimal(20):
        raise DomainError(N_("La note doit être comprise entre 0 et 20."), code="invalid_score")
    if not (justification or "").strip():
        raise DomainError(N_("La justification écrite de la note est obligatoire."), code="justification_required")
    entry = BidScore(bid_id=bid.id, kind=kind, score=score.quantize(Decimal("0.01")),
                     justification=justification.strip(), evaluator_id=evaluator.id)
    db.session.add(entry)
    db.session.flush()
    return entry


# --- evaluation --------------------------------------------------------------------------------


def _mean(values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.01"))


def _environmental_data(bid: Bid) -> dict:
    """A bid's environmental data: quantity-weighted means of its lines (None when no line gives it)."""
    row: dict = {"bid_id": bid.id}
    for key, integer in (("annual_kgco2e", False), ("repairability_index", False), ("warranty_years", True),
                         ("spare_parts_years", True)):
        pairs = [(getattr(line, key), line.estimated_quantity) for line in bid.lines if getattr(line, key) is not None]
        if pairs:
            total_quantity = sum(q for _, q in pairs)
            mean = sum((Decimal(v) * q for v, q in pairs), Decimal(0)) / total_quantity
            row[key] = int(mean) if integer else mean.quantize(Decimal("0.01"))
    return row


def lot_scores(lot: TenderLot) -> dict[int, dict]:
    """Per bid: technical and environmental marks /20 from the evaluators' entries and the bid data."""
    weights = {c.kind: c for c in lot.criteria}
    environmental = weights.get("environmental")
    computed: dict = {}
    if environmental and environmental.environmental_mode in (EnvironmentalMode.COMPUTED, EnvironmentalMode.MIXED):
        rows = [_environmental_data(bid) for bid in lot.bids]
        if any(len(row) > 1 for row in rows):
            computed = environmental_scores_for_lot(rows)
    result = {}
    for bid in lot.bids:
        technical = _mean([s.score for s in bid.scores if s.kind == "technical"])
        scored_env = _mean([s.score for s in bid.scores if s.kind == "environmental"])
        mode = environmental.environmental_mode if environmental else None
        if mode == EnvironmentalMode.COMPUTED:
            env = computed.get(bid.id)
        elif mode == EnvironmentalMode.SCORED:
            env = scored_env
        elif mode == EnvironmentalMode.MIXED:
            env = _mean([v for v in (computed.get(bid.id), scored_env) if v is not None]) \
                if computed.get(bid.id) is not None and scored_env is not None else None
        else:
            env = None
        result[bid.id] = {"technical": technical, "environmental": env, "environmental_computed": computed.get(bid.id),
                          "environmental_scored": scored_env}
    return result


@dataclass(frozen=True)
class EvaluationGap:
    """A bid that cannot be scored yet, and what it lacks (technical score, environmental score…)."""

    lot: TenderLot
    bid: Bid
    missing: list[str]


def _bid_inputs(lot: TenderLot) -> list[BidInput]:
    scores = lot_scores(lot)
    return [BidInput(bid_id=bid.id, supplier_name=bid.supplier.name, total_price_ht=bid.total_price_ht,
                     technical_score_20=scores[bid.id]["technical"],
                     environmental_score_20=scores[bid.id]["environmental"],
                     delivery_days=bid.delivery_days, submitted_at=bid.submitted_at) for bid in lot.bids]


def evaluation_gaps(tender: Tender) -> list[EvaluationGap]:
    """Every bid of the tender still lacking a score its lot's criteria ask for (empty: it can be evaluated)."""
    gaps = []
    for lot in tender.lots:
        if not lot.bids:
            continue
        missing = missing_by_bid(_bid_inputs(lot), {c.kind: c.weight for c in lot.criteria})
        gaps += [EvaluationGap(lot, bid, missing[bid.id]) for bid in lot.bids if bid.id in missing]
    return gaps


def evaluate_tender(tender: Tender, actor, now: datetime | None = None) -> None:
    """Score and rank every lot's bids (domain.scoring.evaluate_lot), store the results, mark evaluated."""
    require_unsealed(tender, now)
    if tender.status != "closed":
        raise ConflictError(N_("Seule une consultation close peut être évaluée."), code="not_closed")
    for lot in tender.lots:
        if not lot.bids:
            continue
        weights = {c.kind: c.weight for c in lot.criteria}
        evaluations = evaluate_lot(_bid_inputs(lot), weights, tender.abnormally_low_ratio)
        by_id = {bid.id: bid for bid in lot.bids}
        for evaluation in evaluations:
            bid = by_id[evaluation.bid_id]
            bid.rank = evaluation.rank
            bid.total_points = evaluation.total
            bid.points = {kind: str(value) for kind, value in evaluation.points.items()}
            bid.abnormally_low = evaluation.abnormally_low
            bid.tie_break_explanation = evaluation.tie_break_explanation
    db.session.flush()
    change_tender_status(tender, "evaluated", actor, "Analyse des offres et classement.", now=now)


def ranked_bids(lot: TenderLot, now: datetime | None = None) -> list[Bid]:
    require_unsealed(lot.tender, now)
    return sorted(lot.bids, key=lambda bid: (bid.rank is None, bid.rank or 0, bid.id))


def _number(value) -> float | None:
    """Points and marks (not money) as spreadsheet numbers."""
    return None if value is None else float(Decimal(value))


def evaluation_xlsx(tender: Tender, now: datetime | None = None) -> bytes:
    """The evaluation sheet: every bid's scores and every evaluator entry with its justification."""
    require_unsealed(tender, now)
    ranking, entries = [], []
    for lot in tender.lots:
        scores = lot_scores(lot) if lot.bids else {}
        for bid in ranked_bids(lot, now):
            points = bid.points or {}
            ranking.append({
                "Lot": lot.number, "Rang": bid.rank, "Fournisseur": bid.supplier.name, "SIRET": bid.supplier.siret,
                "Prix total HT": float(bid.total_price_ht),
                "Points prix": _number(points.get("price")), "Points technique": _number(points.get("technical")),
                "Points environnement": _number(points.get("environmental")),
                "Points délai": _number(points.get("delivery")),
                "Note technique /20": _number(scores[bid.id]["technical"]),
                "Note environnementale /20": _number(scores[bid.id]["environmental"]),
                "Délai de livraison (jours)": bid.delivery_days,
                "Total": _number(bid.total_points),
                "Offre anormalement basse": "oui" if bid.abnormally_low else "non",
                "Départage": bid.tie_break_explanation or "",
            })
            for score in bid.scores:
                entries.append({"Lot": lot.number, "Fournisseur": bid.supplier.name,
                                "Critère": "technique" if score.kind == "technical" else "environnemental",
                                "Évaluateur": score.evaluator.full_name or score.evaluator.email,
                                "Note /20": float(score.score), "Justification": score.justification})
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, rows in (("classement", ranking), ("notes", entries)):
            frame = pd.DataFrame(rows).map(safe_cell) if rows else pd.DataFrame({"": []})
            frame.to_excel(writer, sheet_name=name, index=False)
    return buffer.getvalue()


# --- award -------------------------------------------------------------------------------------


def contract_reference(lot: TenderLot) -> str:
    reference = lot.tender.reference
    base = reference[3:] if reference.upper().startswith("AO-") else reference
    return f"AC-{base}-L{lot.number}"


def _decide_tender_if_complete(tender: Tender, actor, now) -> None:
    # read from the database, not memory: two lots of one tender decided at once (tender row locked) both count
    statuses = set(db.session.scalars(select(TenderLot.status).where(TenderLot.tender_id == tender.id)))
    if not statuses or LotStatus.OPEN in statuses:
        return
    final = "awarded" if LotStatus.AWARDED in statuses else "unsuccessful"
    change_tender_status(tender, final, actor, "Tous les lots sont attribués ou infructueux.", now=now)


def _require_lot_decidable(lot: TenderLot) -> None:
    """Lot decisions of one tender are serialised: the tender row is locked until the end of the transaction."""
    lock_for_update(TENDER, lot.tender)
    if lot.tender.status != "evaluated":
        raise ConflictError(N_("Un lot s'attribue après l'évaluation de la consultation."), code="not_evaluated")
    if lot.status != LotStatus.OPEN:
        raise ConflictError(N_("Ce lot a déjà été attribué ou déclaré infructueux."), code="lot_decided")


def award_lot(lot: TenderLot, bid: Bid | None, start_on: date, end_on: date, actor,
              now: datetime | None = None) -> FrameworkContract:
    """Award the lot (to the top-ranked bid by default): framework contract + catalogue offers."""
    now = now or utcnow()
    _require_lot_decidable(lot)
    ranked = ranked_bids(lot, now)
    if not ranked:
        raise ConflictError(N_("Aucune offre sur ce lot : déclarez-le infructueux."), code="no_bids")
    bid = bid or ranked[0]
    if bid.lot_id != lot.id:
        raise DomainError(N_("Cette offre ne porte pas sur ce lot."), code="wrong_bid")
    if lot.max_amount_ht is None:
        raise ProcurementRuleViolation(N_("Le lot n'a pas de montant maximum (CCP R2162-4)."), code="missing_max_amount")
    check_contract_duration(start_on, end_on)
    reference = contract_reference(lot)
    if db.session.scalar(select(FrameworkContract.id).where(FrameworkContract.reference == reference)):
        raise ConflictError(N_("Un accord-cadre porte déjà la référence %(reference)s."),
                            params={"reference": reference}, code="contract_exists")
    # the lot first: of several awards (or an award and an "unsuccessful") sent at once, one wins here
    _decide_lot(lot, LotStatus.AWARDED, actor,
                f"Lot attribué à {bid.supplier.name} (rang {bid.rank}) ; accord-cadre {reference}.", now)
    contract = FrameworkContract(reference=reference, title=lot.title[:300], supplier_id=bid.supplier_id,
                                 start_on=start_on, end_on=end_on, max_amount_ht=lot.max_amount_ht,
                                 committed_ht=Decimal("0.00"), tender_lot_id=lot.id)
    try:
        with db.session.begin_nested():  # a contract entered by hand with this reference meanwhile
            db.session.add(contract)
    except IntegrityError:
        raise ConflictError(N_("Un accord-cadre porte déjà la référence %(reference)s : rechargez "
                               "la page."), params={"reference": reference},
                            code="contract_exists") from None
    create_offers(contract, bid_lines(bid, now))
    _decide_tender_if_complete(lot.tender, actor, now)
    return contract


def link_existing_contract(lot: TenderLot, contract: FrameworkContract, actor, now: datetime | None = None) -> None:
    """Record that an existing framework contract (entered before this tender was) results from this lot."""
    _require_lot_decidable(lot)
    if contract.tender_lot_id not in (None, lot.id):
        raise ConflictError(N_("L'accord-cadre %(reference)s est déjà rattaché à un autre lot."),
                            params={"reference": contract.reference},
                            code="contract_linked")
    _decide_lot(lot, LotStatus.AWARDED, actor,
                f"Lot rattaché à l'accord-cadre existant {contract.reference} ({contract.supplier.name}).", now)
    contract.tender_lot_id = lot.id
    db.session.flush()
    _decide_tender_if_complete(lot.tender, actor, now or utcnow())


def declare_unsuccessful(lot: TenderLot, actor, reason: str, now: datetime | None = None) -> None:
    _require_lot_decidable(lot)
    if not (reason or "").strip():
        raise DomainError(N_("Indiquez le motif (aucune offre, offres inappropriées, irrégulières ou inacceptables)."),
                          code="reason_required")
    _decide_lot(lot, LotStatus.UNSUCCESSFUL, actor, reason.strip(), now)
    _decide_tender_if_complete(lot.tender, actor, now or utcnow())


def create_offers(contract: FrameworkContract, lines: list[BidLine]) -> list[Offer]:
    """Catalogue offers from a contract's price lines: products matched by brand + reference, or created."""
    categories = {c.code: c for c in db.session.scalars(select(Category))}
    brands = {line.brand for line in lines}
    existing = {(p.brand.casefold(), p.manufacturer_ref.casefold()): p
                for p in db.session.scalars(select(Product).where(Product.brand.in_(brands)))}
    offers = []
    for line in lines:
        key = (line.brand.casefold(), line.manufacturer_ref.casefold())
        product = existing.get(key)
        if product is None:
            product = Product(
                category_id=categories[line.category_code].id, brand=line.brand, model=line.model,
                manufacturer_ref=line.manufacturer_ref, condition=line.condition,
                repairability_index=line.repairability_index,
                warranty_years=line.warranty_years if line.warranty_years is not None else 2,
                spare_parts_years=line.spare_parts_years,
                embodied_kgco2e=float(line.embodied_kgco2e) if line.embodied_kgco2e is not None else None,
                footprint_source="Bordereau de prix de l'offre" if line.embodied_kgco2e is not None else "",
                search_text=fold_for_search(f"{line.brand} {line.model} {line.manufacturer_ref}"))
            db.session.add(product)
            existing[key] = product
        offer = Offer(product=product, contract_id=contract.id, supplier_ref=line.manufacturer_ref,
                      unit_price_ht=line.unit_price_ht, valid_from=contract.start_on, valid_until=contract.end_on,
                      is_active=True)
        for quantity, price in line.price_breaks or []:
            offer.price_breaks.append(PriceBreak(min_quantity=int(quantity), unit_price_ht=Decimal(price)))
        db.session.add(offer)
        offers.append(offer)
    db.session.flush()
    return offers


def lot_contract(lot: TenderLot) -> FrameworkContract | None:
    return db.session.scalar(select(FrameworkContract).where(FrameworkContract.tender_lot_id == lot.id))
