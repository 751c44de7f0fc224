"""Member model."""
from __future__ import annotations

import unicodedata
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy import text as sa_text
from sqlalchemy import true as sa_true
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
    #: postal address (issue 12): street lines, postal code, city
    postal_address: Mapped[str] = mapped_column(String(300), default="", server_default="")
    postal_code: Mapped[str] = mapped_column(String(10), default="", server_default="")
    city: Mapped[str] = mapped_column(String(120), default="", server_default="")
    #: billing address; empty = same as the postal address (see ``billing_lines``)
    billing_address: Mapped[str] = mapped_column(String(300), default="", server_default="")
    billing_postal_code: Mapped[str] = mapped_column(String(10), default="", server_default="")
    billing_city: Mapped[str] = mapped_column(String(120), default="", server_default="")
    #: Chorus Pro "code service" of the billing entity (empty when the member has none)
    chorus_service_code: Mapped[str] = mapped_column(String(100), default="", server_default="")
    #: the member's Chorus Pro settings require an engagement number on every order
    engagement_required: Mapped[bool] = mapped_column(default=False, server_default=sa_false())

    epci: Mapped[Member | None] = relationship(remote_side=[id], foreign_keys=[epci_id])
    sirets: Mapped[list[MemberSiret]] = relationship(back_populates="member", order_by="MemberSiret.id",
                                                     cascade="all, delete-orphan")
    contacts: Mapped[list[MemberContact]] = relationship(back_populates="member", order_by="MemberContact.id",
                                                         cascade="all, delete-orphan")

    @property
    def billing_siret(self) -> MemberSiret | None:
        """The SIRET invoices are addressed to (at most one per member), or None."""
        return next((s for s in self.sirets if s.is_billing), None)

    @property
    def billing_same_as_postal(self) -> bool:
        return not (self.billing_address or self.billing_postal_code or self.billing_city)

    @property
    def billing_lines(self) -> tuple[str, str, str]:
        """(address, postal code, city) for billing: the billing address, else the postal one."""
        if self.billing_same_as_postal:
            return self.postal_address, self.postal_code, self.city
        return self.billing_address, self.billing_postal_code, self.billing_city

    def __repr__(self) -> str:
        return f"<Member {self.id} {self.kind} {self.name!r}>"


class MemberSiret(db.Model):
    """One SIRET of a member: the main budget, the CCAS, an annex budget; one of them is used for billing."""

    __tablename__ = "member_siret"
    __owner_column__ = "member_id"
    __table_args__ = (
        # at most one billing SIRET per member (partial unique index: SQLite and PostgreSQL both have them)
        Index("uq_member_siret_billing", "member_id", unique=True,
              sqlite_where=sa_text("is_billing"), postgresql_where=sa_text("is_billing")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    #: 14 digits: the SIREN then 5 digits, Luhn key (La Poste excepted: purchasing.domain.identifiers)
    siret: Mapped[str] = mapped_column(String(14), unique=True)
    #: "Budget principal", "CCAS", "Budget annexe eau"…
    label: Mapped[str] = mapped_column(String(120), default="")
    is_billing: Mapped[bool] = mapped_column(default=False, server_default=sa_false())

    member: Mapped[Member] = relationship(back_populates="sirets")


class MemberContact(db.Model):
    """A person to contact at a member (name, role, e-mail, phone)."""

    __tablename__ = "member_contact"
    __owner_column__ = "member_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(120), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")

    member: Mapped[Member] = relationship(back_populates="contacts")


class Site(db.Model):
    """A delivery site of a member's address book; also where its assets are (inventory)."""

    __tablename__ = "site"
    __owner_column__ = "member_id"
    __table_args__ = (
        UniqueConstraint("member_id", "name_key", name="uq_site_member_name_key"),
        # one default site per member
        Index("uq_site_member_default", "member_id", unique=True,
              sqlite_where=sa_text("is_default"), postgresql_where=sa_text("is_default")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    #: the name folded for matching (purchasing.domain.sites.site_key): "Mairie", "MAIRIE " and "mairie" are one
    name_key: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300), default="", server_default="")
    postal_code: Mapped[str] = mapped_column(String(10), default="", server_default="")
    city: Mapped[str] = mapped_column(String(120), default="", server_default="")
    opening_hours: Mapped[str] = mapped_column(String(300), default="", server_default="")
    contact_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="", server_default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    is_default: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    is_active: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    member: Mapped[Member] = relationship()

    @property
    def full_address(self) -> str:
        """"Name, address, postal code city" on one line (purchase orders, lists)."""
        town = " ".join(p for p in (self.postal_code, self.city) if p)
        return ", ".join(p for p in (self.name, self.address, town) if p)

    def __repr__(self) -> str:
        return f"<Site {self.id} member={self.member_id} {self.name!r}>"


class SiteMergeLog(db.Model):
    """What migration identity_01 did with a free-text site: which spelling went into which site row.

    Written by the migration only (read on the administrator's page).
    """

    __tablename__ = "site_merge_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id", ondelete="SET NULL"), index=True)
    #: the spelling found in the data
    original: Mapped[str] = mapped_column(String(300))
    #: the site's name it went into (kept if the site is renamed later)
    merged_into: Mapped[str] = mapped_column(String(200))
    #: asset, audit or order
    source: Mapped[str] = mapped_column(String(16))
    #: rows carrying that spelling
    row_count: Mapped[int] = mapped_column(default=0)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    member: Mapped[Member] = relationship()


def fold_for_search(text: str) -> str:
    """Lower-case and strip accents, so that 'saint-emilion' finds 'Saint-Émilion'."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()

