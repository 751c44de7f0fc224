"""DECP publication: the awarded framework contracts' ``marche`` records, the register, the warnings. Flush only.

The records are built by ``purchasing.domain.decp`` from the product's data (contract, lot, tender, bids,
criteria, supplier, the syndicate's identity); each record is checked against the shipped schema
(``schema_decp_v2.0.3.json``, jsonschema) before it goes into a file, so an invalid file is never produced:
a contract with missing data is listed with its French reasons instead.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from importlib import resources

from jsonschema import Draft7Validator
from sqlalchemy import and_, false, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from purchasing.contracts.models import ContractModification, DecpPublication, FrameworkContract
from purchasing.domain import decp
from purchasing.domain.errors import N_, ConflictError, DomainError
from purchasing.domain.procurement import procedure_for
from purchasing.extensions import db
from purchasing.syndicate.services import current_identity
from purchasing.tenders.models import Bid, Tender, TenderLot

#: how many contracts the page lists at most (the syndicate awards a few dozen lots a year)
MAX_LISTED = 500


class InvalidPeriod(DomainError):
    code = "invalid_period"
    default_message = N_("La période est invalide : la date de début doit précéder la date de fin.")


# --- the syndicate's identity (the administrator's record, purchasing/syndicate) ---------------------------


@dataclass(frozen=True)
class Buyer:
    siret: str | None
    postal_code: str | None


def buyer() -> Buyer:
    """The DECP buyer (acheteur): the syndicate's SIRET, and its postal code as the place of execution."""
    identity = current_identity()
    return Buyer(siret=identity.siret or None, postal_code=identity.postal_code or None)


# --- loading the facts ------------------------------------------------------------------------------------


@dataclass
class ContractEntry:
    """One contract of the DECP page: its facts, its record or why it has none, its publication state."""

    contract: FrameworkContract
    facts: decp.ContractFacts
    missing: list[decp.MissingData] = field(default_factory=list)
    record: dict | None = None
    #: notified more than two months ago and still unpublished
    overdue: bool = False
    due_on: date | None = None

    @property
    def published(self) -> bool:
        return self.contract.decp_publication_id is not None

    @property
    def unpublished_modifications(self) -> list[ContractModification]:
        return [m for m in self.contract.modifications if m.decp_publication_id is None]


@lru_cache(maxsize=1)
def _validator() -> Draft7Validator:
    text = resources.files("purchasing.domain").joinpath("data/schema_decp_v2.0.3.json").read_text(encoding="utf-8")
    return Draft7Validator(json.loads(text))


def schema_errors(document: dict) -> list[str]:
    """The schema's complaints about a DECP document (empty: valid)."""
    return [f"{'/'.join(map(str, error.absolute_path)) or '/'} : {error.message}"
            for error in _validator().iter_errors(document)]


def _contracts(stmt) -> list[FrameworkContract]:
    return list(db.session.scalars(stmt.options(selectinload(FrameworkContract.supplier),
                                                selectinload(FrameworkContract.modifications))
                                   .order_by(FrameworkContract.notified_on, FrameworkContract.id).limit(MAX_LISTED)))


def _facts(contracts: list[FrameworkContract], identity: Buyer, publications: dict[int, date]) -> list[decp.ContractFacts]:
    lot_ids = [c.tender_lot_id for c in contracts if c.tender_lot_id is not None]
    lots = {lot.id: lot for lot in db.session.scalars(
        select(TenderLot).where(TenderLot.id.in_(lot_ids)).options(selectinload(TenderLot.criteria),
                                                                    selectinload(TenderLot.tender)
                                                                    .selectinload(Tender.lots)))} if lot_ids else {}
    offers = dict(db.session.execute(select(Bid.lot_id, func.count(Bid.id)).where(Bid.lot_id.in_(lot_ids))
                                     .group_by(Bid.lot_id)).all()) if lot_ids else {}
    result = []
    for contract in contracts:
        lot = lots.get(contract.tender_lot_id)
        kinds = {criterion.kind for criterion in lot.criteria} if lot else set()
        procedure_kind = procedure_for(lot.tender.estimated_total_ht, lot.tender.publication_date).kind if lot else None
        result.append(decp.ContractFacts(
            reference=contract.reference,
            buyer_siret=identity.siret,
            object=contract.title,
            cpv_code=lot.cpv_code if lot else None,
            procedure_kind=procedure_kind,
            place_code_type="Code postal" if identity.postal_code else None,
            place_code=identity.postal_code,
            duration_months=lot.duration_months if lot else None,
            notified_on=contract.notified_on,
            amount_ht=contract.max_amount_ht,
            holder_siret=contract.supplier.siret if contract.supplier else None,
            environmental_criterion="environmental" in kinds,
            social_criterion=False,  # the application knows no social criterion or clause yet
            offers_received=offers.get(contract.tender_lot_id),
            published_on=publications.get(contract.decp_publication_id),
            modifications=tuple(decp.ModificationFacts(
                number=m.number, notified_on=m.notified_on,
                published_on=publications.get(m.decp_publication_id),
                new_amount_ht=m.new_max_amount_ht, new_duration_months=m.new_duration_months)
                for m in contract.modifications),
        ))
    return result


def _publication_dates(contracts: list[FrameworkContract]) -> dict[int, date]:
    ids = {c.decp_publication_id for c in contracts} | {m.decp_publication_id for c in contracts
                                                       for m in c.modifications}
    ids.discard(None)
    if not ids:
        return {}
    return dict(db.session.execute(select(DecpPublication.id, DecpPublication.published_on)
                                   .where(DecpPublication.id.in_(ids))).all())


def _entries(contracts: list[FrameworkContract], today: date) -> list[ContractEntry]:
    identity = buyer()
    entries = []
    for contract, facts in zip(contracts, _facts(contracts, identity, _publication_dates(contracts))):
        entry = ContractEntry(contract=contract, facts=facts, missing=decp.missing_data(facts))
        if contract.notified_on is not None:
            entry.due_on = decp.publication_due(contract.notified_on)
            entry.overdue = not entry.published and decp.is_overdue(contract.notified_on, today)
        if not entry.missing:
            record = decp.marche_record(facts, today)
            errors = schema_errors(decp.decp_document([record]))
            if errors:  # never expected: the domain builds what the schema asks; refuse rather than export
                entry.missing = [decp.MissingData("schema_error", error) for error in errors]
            else:
                entry.record = record
        entries.append(entry)
    return entries


def _above_threshold(contract: FrameworkContract, today: date) -> bool:
    return decp.is_above_threshold(contract.max_amount_ht, contract.notified_on or today)


def parse_period(period_from: str | None, period_to: str | None, today: date) -> tuple[date, date]:
    """``from`` and ``to`` as ISO dates (AAAA-MM-JJ); by default, 1 January of this year to today."""
    try:
        start = date.fromisoformat(period_from) if period_from else date(today.year, 1, 1)
        end = date.fromisoformat(period_to) if period_to else today
    except (TypeError, ValueError):
        raise InvalidPeriod(N_("Dates de la période invalides : format attendu AAAA-MM-JJ (par exemple 2026-01-31)."),
                            details={"from": period_from, "to": period_to}) from None
    if end < start:
        raise InvalidPeriod(N_("La date de fin de la période précède sa date de début."),
                            details={"from": start.isoformat(), "to": end.isoformat()})
    if start.year < 2000 or end.year > 2099:
        raise InvalidPeriod(N_("La période doit être comprise entre l'an 2000 et l'an 2099."),
                            details={"from": start.isoformat(), "to": end.isoformat()})
    return start, end


def period_entries(period_from: date, period_to: date, today: date) -> list[ContractEntry]:
    """Contracts at or above the threshold notified in the period, or with a modification notified in it."""
    if period_to < period_from:
        raise InvalidPeriod(N_("La date de fin de la période précède sa date de début."))
    modified = select(ContractModification.contract_id).where(
        ContractModification.notified_on.between(period_from, period_to))
    stmt = select(FrameworkContract).where(FrameworkContract.notified_on.between(period_from, period_to)
                                       | FrameworkContract.id.in_(modified))
    return [e for e in _entries(_contracts(stmt), today) if _above_threshold(e.contract, today)]


def _above_threshold_condition(today: date):
    """``_above_threshold`` as one SQL condition: the threshold in force on the notification day (today when not
    notified yet), from the domain's table of thresholds."""
    day = func.coalesce(FrameworkContract.notified_on, today)
    rows = sorted(decp.DECP_THRESHOLDS, key=lambda row: row.effective_from)
    clauses = []
    for index, row in enumerate(rows):
        clause = and_(day >= row.effective_from, FrameworkContract.max_amount_ht >= row.min_amount_ht)
        if index + 1 < len(rows):
            clause = and_(clause, day < rows[index + 1].effective_from)
        clauses.append(clause)
    return or_(*clauses) if clauses else false()


def unpublished_stmt(today: date):
    """The contracts at or above the threshold still to publish, or with a modification to publish."""
    pending_modification = select(ContractModification.contract_id).where(
        ContractModification.decp_publication_id.is_(None))
    return select(FrameworkContract).where(FrameworkContract.decp_publication_id.is_(None)
                                           | FrameworkContract.id.in_(pending_modification),
                                           _above_threshold_condition(today))


def unpublished_entries(today: date) -> list[ContractEntry]:
    """Every contract at or above the threshold still to publish (or with a modification to publish)."""
    return [e for e in _entries(_contracts(unpublished_stmt(today)), today) if _above_threshold(e.contract, today)]


@dataclass
class DecpFile:
    document: dict
    content: bytes
    file_name: str
    exported: list[ContractEntry]
    #: contracts of the period left out, with their reasons
    refused: list[ContractEntry]


def file_name(period_from: date, period_to: date) -> str:
    return f"decp-{period_from.isoformat()}-{period_to.isoformat()}.json"


def period_file(period_from: date, period_to: date, today: date) -> DecpFile:
    """The DECP JSON of the period: only the contracts whose data is complete (the others are ``refused``)."""
    entries = period_entries(period_from, period_to, today)
    exported = [e for e in entries if e.record is not None]
    document = decp.decp_document([e.record for e in exported])
    errors = schema_errors(document)
    if errors:  # a whole-file rule the per-record check could not see (e.g. two identical records)
        raise DomainError(N_("Le fichier DECP ne respecte pas le schéma : %(errors)s"),
                          params={"errors": " ; ".join(errors[:5])},
                          code="decp_schema_error")
    content = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
    return DecpFile(document=document, content=content, file_name=file_name(period_from, period_to),
                    exported=exported, refused=[e for e in entries if e.record is None])


def publish_period(period_from: date, period_to: date, actor, today: date) -> DecpPublication:
    """Record in the register that the period's file was published today; its contracts and modifications are
    marked published by it (a conditional update: of two publications at once, the second gets a 409)."""
    built = period_file(period_from, period_to, today)
    contract_ids = [e.contract.id for e in built.exported if not e.published]
    modification_ids = [m.id for e in built.exported for m in e.unpublished_modifications]
    if not contract_ids and not modification_ids:
        raise ConflictError(N_("Rien à publier sur cette période : tout est déjà publié ou les données manquent."),
                            code="nothing_to_publish")
    publication = DecpPublication(period_from=period_from, period_to=period_to, published_on=today,
                                  file_name=built.file_name, sha256=hashlib.sha256(built.content).hexdigest(),
                                  contract_count=len(contract_ids), modification_count=len(modification_ids),
                                  actor_id=getattr(actor, "id", None))
    db.session.add(publication)
    db.session.flush()
    for model, ids in ((FrameworkContract, contract_ids), (ContractModification, modification_ids)):
        if not ids:
            continue
        done = db.session.execute(update(model).where(model.id.in_(ids), model.decp_publication_id.is_(None))
                                  .values(decp_publication_id=publication.id)
                                  .execution_options(synchronize_session=False)).rowcount
        if done != len(ids):
            raise ConflictError(N_("Une autre publication vient d'enregistrer une partie de ces contrats : "
                                   "rechargez la page."), code="already_published")
    db.session.expire_all()
    return publication


def publications(limit: int = 50) -> list[DecpPublication]:
    return list(db.session.scalars(select(DecpPublication).order_by(DecpPublication.published_on.desc(),
                                                                     DecpPublication.id.desc()).limit(limit)))


# --- contract data the DECP needs ---------------------------------------------------------------------


def set_notification_date(contract: FrameworkContract, notified_on: date, today: date) -> None:
    """The day the contract was notified; fixed once published (DECP data are only amended by modifications)."""
    if contract.decp_publication_id is not None:
        raise ConflictError(N_("Les données essentielles de ce contrat sont publiées : la date de notification ne "
                               "change plus (enregistrez une modification)."), code="already_published")
    if notified_on > today:
        raise DomainError(N_("La date de notification ne peut pas être dans le futur."), code="notification_in_future")
    contract.notified_on = notified_on
    db.session.flush()


@dataclass
class ModificationInput:
    notified_on: date
    object: str
    new_max_amount_ht: Decimal | None
    new_duration_months: int | None


def add_modification(contract: FrameworkContract, data: ModificationInput, today: date) -> ContractModification:
    """A modification (avenant) notified after the contract: numbered 1, 2, 3… in order."""
    if contract.notified_on is None:
        raise DomainError(N_("Renseignez d'abord la date de notification du contrat."), code="missing_notification_date")
    if data.notified_on < contract.notified_on or data.notified_on > today:
        raise DomainError(N_("La modification est notifiée entre la notification du contrat et aujourd'hui."),
                          code="invalid_modification_date")
    if not data.object.strip():
        raise DomainError(N_("Décrivez l'objet de la modification."), code="object_required")
    if data.new_max_amount_ht is None and data.new_duration_months is None:
        raise DomainError(N_("Indiquez le nouveau montant ou la nouvelle durée."), code="nothing_modified")
    if data.new_max_amount_ht is not None and data.new_max_amount_ht <= 0:
        raise DomainError(N_("Le nouveau montant doit être positif."), code="invalid_amount")
    if data.new_duration_months is not None and not 1 <= data.new_duration_months <= 48:
        raise DomainError(N_("La nouvelle durée est de 1 à 48 mois."), code="invalid_duration")
    last = db.session.scalar(select(func.max(ContractModification.number))
                             .where(ContractModification.contract_id == contract.id)) or 0
    modification = ContractModification(contract_id=contract.id, number=last + 1, notified_on=data.notified_on,
                                        object=data.object.strip(), new_max_amount_ht=data.new_max_amount_ht,
                                        new_duration_months=data.new_duration_months)
    try:
        with db.session.begin_nested():  # two modifications added at once: the second gets a 409, not a 500
            db.session.add(modification)
    except IntegrityError:
        raise ConflictError(N_("Une autre modification vient d'être enregistrée : rechargez la page."),
                            code="modification_exists") from None
    db.session.expire(contract, ["modifications"])
    return modification
