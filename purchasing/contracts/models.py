"""Framework contract (accord-cadre) for one lot: holder, dates, ceiling."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from purchasing.db_types import Money, UTCDateTime, utcnow
from purchasing.extensions import db
from purchasing.suppliers.models import Supplier


class FrameworkContract(db.Model):
    """The award result for one lot: a supplier, a period of at most 4 years, a maximum amount HT.

    Purchase orders sent under the contract consume its ceiling (CCP R2162-4: a framework agreement
    states its maximum amount). ``committed_ht`` is the sum of sent purchase orders, updated under a
    row lock so that two purchase orders sent at the same moment cannot exceed the ceiling together.
    """

    __tablename__ = "framework_contract"
    __table_args__ = (
        CheckConstraint("max_amount_ht > 0", name="max_amount_positive"),
        CheckConstraint("committed_ht >= 0", name="committed_not_negative"),
        CheckConstraint("end_on >= start_on", name="dates_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: e.g. "AC-2026-01-L1"
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    #: the lot's object, e.g. "Ordinateurs portables reconditionnés"
    title: Mapped[str] = mapped_column(String(300))
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id"), index=True)
    start_on: Mapped[date]
    end_on: Mapped[date]
    max_amount_ht: Mapped[Decimal] = mapped_column(Money())
    committed_ht: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))
    #: a contract can be terminated before its end date
    is_terminated: Mapped[bool] = mapped_column(default=False)
    #: the tender lot whose award created this contract (empty for contracts entered by hand)
    tender_lot_id: Mapped[int | None] = mapped_column(ForeignKey("tender_lot.id"), index=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: day the contract was notified to its holder (DECP ``dateNotification``; publication due 2 months later)
    notified_on: Mapped[date | None] = mapped_column(index=True)
    #: the DECP publication that first published this contract (None: not published yet)
    decp_publication_id: Mapped[int | None] = mapped_column(ForeignKey("decp_publication.id"), index=True)

    supplier: Mapped[Supplier] = relationship()
    modifications: Mapped[list[ContractModification]] = relationship(
        back_populates="contract", order_by="ContractModification.number", cascade="all, delete-orphan")

    def is_active_on(self, day: date) -> bool:
        return not self.is_terminated and self.start_on <= day <= self.end_on

    @property
    def remaining_ht(self) -> Decimal:
        return self.max_amount_ht - self.committed_ht

    def __repr__(self) -> str:
        return f"<FrameworkContract {self.reference}>"


class ContractModification(db.Model):
    """A modification of a framework contract after notification (avenant): DECP ``modifications``."""

    __tablename__ = "contract_modification"
    __table_args__ = (
        UniqueConstraint("contract_id", "number", name="contract_number"),
        CheckConstraint("new_max_amount_ht IS NULL OR new_max_amount_ht > 0", name="new_amount_positive"),
        CheckConstraint("new_duration_months IS NULL OR new_duration_months > 0", name="new_duration_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("framework_contract.id"), index=True)
    #: 1, 2, 3… in the order of notification (DECP modification ``id``)
    number: Mapped[int]
    notified_on: Mapped[date]
    #: what the modification changes, in words
    object: Mapped[str] = mapped_column(Text, default="")
    new_max_amount_ht: Mapped[Decimal | None] = mapped_column(Money())
    new_duration_months: Mapped[int | None]
    #: the DECP publication that published it (None: still to publish)
    decp_publication_id: Mapped[int | None] = mapped_column(ForeignKey("decp_publication.id"), index=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    contract: Mapped[FrameworkContract] = relationship(back_populates="modifications")


class DecpPublication(db.Model):
    """The publication register: one DECP file published (what, when, which period, which file)."""

    __tablename__ = "decp_publication"
    __table_args__ = (CheckConstraint("period_to >= period_from", name="period_ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: notification period of the contracts the file covers
    period_from: Mapped[date]
    period_to: Mapped[date]
    #: day of publication on the national open-data portal (DECP ``datePublicationDonnees``)
    published_on: Mapped[date] = mapped_column(index=True)
    file_name: Mapped[str] = mapped_column(String(200))
    #: SHA-256 of the JSON file as published (it can be rebuilt identically from the register)
    sha256: Mapped[str] = mapped_column(String(64))
    contract_count: Mapped[int] = mapped_column(default=0)
    modification_count: Mapped[int] = mapped_column(default=0)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
