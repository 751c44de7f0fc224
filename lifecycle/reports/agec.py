"""The AGEC art. 58 declaration CSV (data.gouv Table Schema), from the sustainability report's own figures.

One source of truth: the purchases are the report's (``data.scope_purchases``: approved order lines and pool
claims valued as donations), aggregated by ``indicators.agec_amounts``; this module only groups them by the
declaration's product type and writes the CSV. A member without a billing SIRET cannot be declared: it is
listed with the reason, never written with an invalid SIRET.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lifecycle.domain import agec
from lifecycle.reports import data
from lifecycle.reports.indicators import agec_amounts
from purchasing.extensions import db
from purchasing.members.models import Member
from purchasing.spreadsheets import safe_cell

ZERO = Decimal("0.00")


# --- the declarant's identity ----------------------------------------------------------------------------


def declarant(member: Member) -> agec.Declarant:
    """The member as AGEC declarant: its billing SIRET (None while the member has none) and its name."""
    billing = member.billing_siret
    return agec.Declarant(siret=billing.siret if billing is not None else None, name=member.name)


# --- amounts ----------------------------------------------------------------------------------------------


def type_amounts(member_id: int, year: int) -> list[agec.TypeAmounts]:
    """The member's amounts per declared product type, from the report's purchases of that year."""
    by_category = agec_amounts(data.scope_purchases("member", member_id, year))
    grouped: dict[str, dict] = {}
    for row in by_category.itertuples(index=False):
        kind = agec.product_type(row.category, row.is_it)
        if kind is None:
            continue
        entry = grouped.setdefault(kind, {"total_ht": ZERO, "reuse_ht": ZERO, "donation_ht": ZERO,
                                          "recycled_ht": ZERO, "donated_units": 0, "without_grid": 0})
        for key in ("total_ht", "reuse_ht", "donation_ht", "recycled_ht"):
            entry[key] += getattr(row, key)
        entry["donated_units"] += row.donated_units
        if not agec.has_grid_value(row.category):
            entry["without_grid"] += row.donated_units
    return [agec.TypeAmounts(product_type=kind, total_ht=e["total_ht"], reuse_ht=e["reuse_ht"],
                             donation_ht=e["donation_ht"], recycled_ht=e["recycled_ht"],
                             donated_units=e["donated_units"], donated_units_without_grid_value=e["without_grid"])
            for kind, e in sorted(grouped.items())]


@dataclass
class MemberDeclaration:
    member: Member
    declarant: agec.Declarant
    amounts: list[agec.TypeAmounts]
    rows: list[dict[str, str]] = field(default_factory=list)
    #: why the member cannot be declared (French), or ""
    problem: str = ""


def member_declaration(member: Member, year: int) -> MemberDeclaration:
    identity = declarant(member)
    amounts = type_amounts(member.id, year)
    declaration = MemberDeclaration(member=member, declarant=identity, amounts=amounts)
    if not amounts:
        declaration.problem = "aucun achat d'une catégorie déclarée cette année."
    elif not identity.siret:
        declaration.problem = "le SIRET de facturation de l'adhérent n'est pas renseigné."
    else:
        declaration.rows = agec.declaration_rows(year, identity, amounts)
    return declaration


def declarations(year: int, member_id: int | None = None) -> list[MemberDeclaration]:
    """One member's declaration, or (all-members file) those of the members who bought or claimed something
    that year — the others have nothing to declare — in name order."""
    stmt = select(Member).order_by(Member.name, Member.id)
    if member_id is not None:
        stmt = stmt.where(Member.id == member_id)
    else:
        stmt = stmt.where(Member.id.in_(data.members_with_purchases(year)))
    return [member_declaration(member, year) for member in db.session.scalars(stmt.options(selectinload(Member.sirets)))]


def csv_bytes(declarations_: list[MemberDeclaration]) -> bytes:
    """UTF-8 CSV, comma-separated, the schema's header (the format data.gouv's validator expects)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=agec.FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for declaration in declarations_:
        for row in declaration.rows:
            writer.writerow({key: safe_cell(value) for key, value in row.items()})
    return buffer.getvalue().encode("utf-8")


def file_name(year: int, member: Member | None) -> str:
    suffix = f"-{member.id}" if member is not None else "-tous-adherents"
    return f"declaration-agec-{year}{suffix}.csv"
