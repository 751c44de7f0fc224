"""Framework contract (accord-cadre) for one lot: holder, dates, ceiling."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, String
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

    supplier: Mapped[Supplier] = relationship()

    def is_active_on(self, day: date) -> bool:
        return not self.is_terminated and self.start_on <= day <= self.end_on

    @property
    def remaining_ht(self) -> Decimal:
        return self.max_amount_ht - self.committed_ht

    def __repr__(self) -> str:
        return f"<FrameworkContract {self.reference}>"
