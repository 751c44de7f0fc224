"""Repair and refurbishment use cases: open a job, close it with the work done and send the asset back.

Load, call the domain, add and flush. Never commit (the view does, once).
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from lifecycle.assets.models import Asset
from lifecycle.assets.services import add_event, change_asset_status
from lifecycle.pool.services import offer_to_pool
from lifecycle.repairs.models import RepairJob
from purchasing.domain.errors import N_, ConflictError, DomainError
from purchasing.extensions import db


WORK_KINDS = ("battery", "disk", "memory", "keyboard", "os_reinstalled")


# --- repairs -------------------------------------------------------------------------------------

def open_repair(asset: Asset, *, kind: str, provider: str, opened_on: date, actor) -> RepairJob:
    if kind not in ("repair", "refurbishment"):
        raise DomainError(N_("Type d'intervention inconnu."), code="unknown_repair_kind")
    if not (provider or "").strip():
        raise DomainError(N_("Indiquez l'atelier interne ou le partenaire."), code="provider_required")
    target = "in_repair" if kind == "repair" else "refurbishing"
    change_asset_status(asset, target, actor, reason=provider.strip(), kind="repair_opened", repair_kind=kind)
    job = RepairJob(asset_id=asset.id, member_id=asset.member_id, kind=kind, provider=provider.strip(),
                    opened_on=opened_on, work_done=[])
    db.session.add(job)
    db.session.flush()
    return job


def current_repair(asset: Asset) -> RepairJob | None:
    return db.session.scalars(select(RepairJob).where(RepairJob.asset_id == asset.id,
                                                      RepairJob.closed_on.is_(None))).first()


def close_repair(job: RepairJob, *, work_done: list[str], cost_ht: Decimal | None, grade: str | None,
                 closed_on: date, back_to: str, actor, pool_note: str = "") -> RepairJob:
    if job.closed_on is not None:
        raise ConflictError(N_("Cette intervention est déjà clôturée."), code="repair_closed")
    unknown = set(work_done) - set(WORK_KINDS)
    if unknown:
        raise DomainError(N_("Travaux inconnus : %(work)s"), params={"work": ", ".join(sorted(unknown))},
                          code="unknown_work")
    if cost_ht is not None and cost_ht < 0:
        raise DomainError(N_("Le coût ne peut pas être négatif."), code="negative_cost")
    if grade not in (None, "", "A", "B", "C"):
        raise DomainError(N_("Le grade doit être A, B ou C."), code="bad_grade")
    if closed_on < job.opened_on:
        raise DomainError(N_("La date de fin ne peut pas précéder la date d'ouverture."), code="bad_dates")
    if back_to not in ("in_stock", "in_pool", "in_service"):
        raise DomainError(N_("Destination inconnue après l'intervention."), code="bad_destination")
    asset = job.asset
    job.work_done, job.cost_ht, job.grade, job.closed_on = list(work_done), cost_ht, grade or None, closed_on
    if back_to == "in_pool":
        if asset.status == "in_repair":
            change_asset_status(asset, "in_stock", actor, kind="repair_closed", work_done=list(work_done),
                                cost_ht=cost_ht, grade=grade)
            offer_to_pool(asset, condition="good", note=pool_note, actor=actor)
        else:
            add_event(asset, "repair_closed", actor, work_done=list(work_done), cost_ht=cost_ht, grade=grade)
            offer_to_pool(asset, condition="good", note=pool_note, actor=actor)
    else:
        via_stock = asset.status == "refurbishing" and back_to == "in_service"
        change_asset_status(asset, "in_stock" if via_stock else back_to, actor, kind="repair_closed",
                            work_done=list(work_done), cost_ht=cost_ht, grade=grade)
        if via_stock:
            change_asset_status(asset, "in_service", actor)
    db.session.flush()
    return job
