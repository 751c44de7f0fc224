"""Use cases on members. Services flush, never commit: the view or CLI command commits once."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.sql import Select

from purchasing.domain.identifiers import normalise_insee_code, normalise_siren
from purchasing.extensions import db
from purchasing.members.models import Member, MemberKind, fold_for_search


@dataclass
class MemberData:
    kind: str
    name: str
    siren: str
    population: int
    joined_on: date
    approval_threshold_ht: Decimal
    insee_code: str | None = None
    epci_id: int | None = None
    is_active: bool = True
    single_elected_user: bool = False


def search_members(q: str = "", kind: str | None = None, active: bool | None = None) -> Select:
    """Members matching a free text (name, INSEE code, SIREN), ordered by name."""
    stmt = select(Member)
    q = (q or "").strip()
    if q:
        folded = fold_for_search(q)
        digits = normalise_siren(q)
        stmt = stmt.where(
            or_(
                Member.search_name.contains(folded, autoescape=True),
                Member.insee_code == normalise_insee_code(q),
                Member.siren == digits,
            )
        )
    if kind:
        stmt = stmt.where(Member.kind == kind)
    if active is not None:
        stmt = stmt.where(Member.is_active.is_(active))
    return stmt.order_by(Member.search_name, Member.id)


def epci_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(Member.id, Member.name).where(Member.kind == MemberKind.EPCI).order_by(Member.name)
    )
    return [(row.id, row.name) for row in rows]


def active_member_choices() -> list[tuple[int, str]]:
    """Active members for a select: name, with the INSEE code for communes (names repeat across départements)."""
    rows = db.session.execute(select(Member.id, Member.name, Member.insee_code)
                              .where(Member.is_active.is_(True)).order_by(Member.search_name))
    return [(r.id, f"{r.name} ({r.insee_code})" if r.insee_code else r.name) for r in rows]


def _apply(member: Member, data: MemberData) -> None:
    member.kind = data.kind
    member.name = data.name.strip()
    member.search_name = fold_for_search(member.name)
    member.siren = normalise_siren(data.siren)
    member.insee_code = normalise_insee_code(data.insee_code) if data.kind == MemberKind.COMMUNE else None
    member.population = data.population
    member.epci_id = data.epci_id if data.kind in (MemberKind.COMMUNE, MemberKind.CCAS) else None
    member.approval_threshold_ht = data.approval_threshold_ht
    member.joined_on = data.joined_on
    member.is_active = data.is_active
    member.single_elected_user = data.single_elected_user


def create_member(data: MemberData) -> Member:
    member = Member()
    _apply(member, data)
    db.session.add(member)
    db.session.flush()
    return member


def update_member(member: Member, data: MemberData) -> Member:
    _apply(member, data)
    db.session.flush()
    return member


def set_member_active(member: Member, active: bool) -> Member:
    member.is_active = active
    db.session.flush()
    return member


def siren_taken(siren: str, exclude_id: int | None = None) -> bool:
    stmt = select(Member.id).where(Member.siren == normalise_siren(siren))
    if exclude_id is not None:
        stmt = stmt.where(Member.id != exclude_id)
    return db.session.scalar(stmt) is not None


def insee_taken(insee_code: str, exclude_id: int | None = None) -> bool:
    stmt = select(Member.id).where(Member.insee_code == normalise_insee_code(insee_code))
    if exclude_id is not None:
        stmt = stmt.where(Member.id != exclude_id)
    return db.session.scalar(stmt) is not None
