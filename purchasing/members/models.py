"""Member model."""
from __future__ import annotations

import unicodedata
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from purchasing.db_types import Money, UTCDateTime, utcnow
from purchasing.extensions import db


class MemberKind(StrEnum):
    COMMUNE = "commune"
    EPCI = "epci"
    CCAS = "ccas"  # CCAS or CIAS: communal or intercommunal social-action centre
    SYNDICATE = "syndicate"
    OTHER = "other"


class Member(db.Model):
    """A local authority that belongs to the syndicate (adhérent)."""

    __tablename__ = "member"
    #: member isolation (purchasing/scoping.py): a member "owns" its own row
    __owner_column__ = "id"
    __table_args__ = (
        CheckConstraint("population >= 0", name="population_not_negative"),
        CheckConstraint("approval_threshold_ht >= 0", name="threshold_not_negative"),
        Index("ix_member_kind_name", "kind", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: one of MemberKind
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200), index=True)
    #: Code officiel géographique, communes only (5 characters, 2A/2B for Corsica)
    insee_code: Mapped[str | None] = mapped_column(String(5), unique=True)
    #: 9 digits with a Luhn key
    siren: Mapped[str] = mapped_column(String(9), unique=True)
    population: Mapped[int] = mapped_column(default=0)
    #: the EPCI a commune belongs to
    epci_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), index=True)
    #: orders above this amount (HT) need the member's approver; at or under it they are approved
    #: automatically
    approval_threshold_ht: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))
    #: "un seul élu": the member has a single elected user, who may approve an order or a campaign commitment
    #: they created or submitted themselves (four-eyes waived, recorded in the approval's audit event)
    single_elected_user: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    is_active: Mapped[bool] = mapped_column(default=True, index=True)
    joined_on: Mapped[date]
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: lower-cased name without accents, for search
    search_name: Mapped[str] = mapped_column(String(200), index=True, default="")

    epci: Mapped[Member | None] = relationship(remote_side=[id], foreign_keys=[epci_id])

    def __repr__(self) -> str:
        return f"<Member {self.id} {self.kind} {self.name!r}>"


def fold_for_search(text: str) -> str:
    """Lower-case and strip accents, so that 'saint-emilion' finds 'Saint-Émilion'."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()

