"""Physical audit use cases: start one for a member's site, scan tags, compare with the inventory, close.

Load, call the domain, add and flush. Never commit (the view does, once).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from lifecycle.assets.models import Asset
from lifecycle.assets.services import ACTIVE_STATUSES, actor_id, add_event, site_id_for
from lifecycle.audits.models import Audit, AuditScan
from lifecycle.domain.states import AUDIT
from purchasing.db_types import utcnow
from purchasing.domain.errors import N_, ConflictError, DomainError
from purchasing.extensions import db
from purchasing.scoping import member_scope
from purchasing.transitions import apply_transition, lock_for_update


# --- physical audits -----------------------------------------------------------------------------

def start_audit(member_id: int, site: str, actor) -> Audit:
    if not (site or "").strip():
        raise DomainError(N_("Indiquez le site inventorié."), code="site_required")
    audit = Audit(member_id=member_id, site_id=site_id_for(member_id, site), author_id=actor_id(actor))
    db.session.add(audit)
    db.session.flush()
    return audit


def scan_tags(audit: Audit, raw: str) -> int:
    lock_for_update(AUDIT, audit, read=True)  # closing waits for a scan being recorded
    if audit.status != "open":
        raise ConflictError(N_("Cet inventaire physique est clôturé."), code="audit_closed")
    tags = [t.strip().upper() for t in (raw or "").replace(",", "\n").split() if t.strip()]
    if not tags:
        raise DomainError(N_("Saisissez ou scannez au moins une étiquette."), code="no_tag")
    known = set(db.session.scalars(select(AuditScan.tag).where(AuditScan.audit_id == audit.id)))
    added = 0
    for tag in dict.fromkeys(tags):
        if tag not in known:
            db.session.add(AuditScan(audit_id=audit.id, tag=tag))
            added += 1
    db.session.flush()
    return added


@dataclass
class AuditResult:
    found: list[Asset]
    missing: list[Asset]
    moved: list[Asset]
    unexpected_tags: list[str]


def audit_result(audit: Audit) -> AuditResult:
    scanned = list(db.session.scalars(select(AuditScan.tag).where(AuditScan.audit_id == audit.id)))
    expected = list(db.session.scalars(select(Asset).where(Asset.member_id == audit.member_id,
                                                           Asset.site_id == audit.site_id,
                                                           Asset.status.in_(ACTIVE_STATUSES))
                                       .order_by(Asset.tag)))
    scanned_set = set(scanned)
    found = [a for a in expected if a.tag in scanned_set]
    missing = [a for a in expected if a.tag not in scanned_set]
    expected_tags = {a.tag for a in expected}
    others = [t for t in scanned if t not in expected_tags]
    moved: list[Asset] = []
    if others:
        moved = list(db.session.scalars(select(Asset).where(Asset.tag.in_(others), Asset.member_id == audit.member_id,
                                                            Asset.status.in_(ACTIVE_STATUSES))
                                        .order_by(Asset.tag)))
    moved_tags = {a.tag for a in moved}
    unexpected = [t for t in others if t not in moved_tags]
    return AuditResult(found, missing, moved, unexpected)


def close_audit(audit: Audit, actor) -> AuditResult:
    if audit.status != "open":
        raise ConflictError(N_("Cet inventaire physique est déjà clôturé."), code="audit_closed")
    apply_transition(AUDIT, audit, "closed", values={"closed_dt": utcnow()})  # closed twice at once: one wins
    result = audit_result(audit)
    for asset in result.moved:
        old_site = asset.site_name
        asset.site_id, asset.site = audit.site_id, audit.site
        add_event(asset, "moved", actor, reason="Inventaire physique", from_site=old_site, to_site=audit.site.name,
                  audit_id=audit.id)
    for asset in result.missing:
        add_event(asset, "missing", actor, reason="Non trouvé à l'inventaire physique", site=audit.site.name,
                  audit_id=audit.id)
    for asset in result.found:
        add_event(asset, "audited", actor, site=audit.site.name, audit_id=audit.id)
    db.session.flush()
    return result


def audits_query(status: str | None = None):
    stmt = member_scope(select(Audit), Audit).options(joinedload(Audit.member), joinedload(Audit.site))
    if status:
        stmt = stmt.where(Audit.status == status)
    return stmt.order_by(Audit.id.desc())
