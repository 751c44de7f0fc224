"""Tender models: a tender split into lots, award criteria, sealed bids with price lines, scores, audit."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from purchasing.db_types import Money, Rate, UTCDateTime, utcnow
from purchasing.domain.scoring import DEFAULT_ABNORMALLY_LOW_RATIO
from purchasing.extensions import db
from purchasing.suppliers.models import Supplier


class LotStatus(StrEnum):
    OPEN = "open"
    AWARDED = "awarded"
    UNSUCCESSFUL = "unsuccessful"


class EnvironmentalMode(StrEnum):
    COMPUTED = "computed"  # from the bids' data (carbon, repairability, warranty, spare parts)
    SCORED = "scored"  # by evaluators, 0-20 with a justification
    MIXED = "mixed"  # mean of both


class Tender(db.Model):
    """A consultation (appel d'offres or MAPA) of the purchasing centre."""

    __tablename__ = "tender"
    __table_args__ = (
        CheckConstraint("abnormally_low_ratio > 0 AND abnormally_low_ratio < 1", name="ratio_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: e.g. "AO-2026-01"
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    publication_date: Mapped[date]
    bid_deadline: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    #: purchasing.domain.states.TENDER
    status: Mapped[str] = mapped_column(String(20), index=True, default="draft")
    #: a bid below ratio × the lot's median price is flagged abnormally low
    abnormally_low_ratio: Mapped[Decimal] = mapped_column(Rate(), default=DEFAULT_ABNORMALLY_LOW_RATIO)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    lots: Mapped[list[TenderLot]] = relationship(back_populates="tender", order_by="TenderLot.number",
                                                 cascade="all, delete-orphan")

    @property
    def estimated_total_ht(self) -> Decimal:
        return sum((lot.estimated_amount_ht for lot in self.lots), Decimal("0.00"))

    def __repr__(self) -> str:
        return f"<Tender {self.reference} {self.status}>"


class TenderLot(db.Model):
    __tablename__ = "tender_lot"
    __table_args__ = (
        UniqueConstraint("tender_id", "number", name="tender_number"),
        CheckConstraint("duration_months > 0 AND duration_months <= 48", name="duration_range"),
        CheckConstraint("estimated_amount_ht >= 0", name="estimate_not_negative"),
        CheckConstraint("max_amount_ht IS NULL OR max_amount_ht > 0", name="max_amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    #: free text ("environ 120 portables par an") or a number
    estimated_quantities: Mapped[str] = mapped_column(String(200), default="")
    estimated_amount_ht: Mapped[Decimal] = mapped_column(Money())
    #: maximum amount of the resulting framework contract (CCP R2162-4); required to publish
    max_amount_ht: Mapped[Decimal | None] = mapped_column(Money())
    duration_months: Mapped[int] = mapped_column(default=48)
    #: CPV code of the lot's object, 8 digits of purchasing/domain/data/cpv_it.csv (DECP ``codeCPV``)
    cpv_code: Mapped[str | None] = mapped_column(String(8))
    #: one of LotStatus
    status: Mapped[str] = mapped_column(String(20), default=LotStatus.OPEN)

    tender: Mapped[Tender] = relationship(back_populates="lots")
    criteria: Mapped[list[AwardCriterion]] = relationship(back_populates="lot", order_by="AwardCriterion.id",
                                                          cascade="all, delete-orphan")
    bids: Mapped[list[Bid]] = relationship(back_populates="lot", order_by="Bid.id")


class AwardCriterion(db.Model):
    __tablename__ = "award_criterion"
    __table_args__ = (
        UniqueConstraint("lot_id", "kind", name="lot_kind"),
        CheckConstraint("weight > 0 AND weight <= 100", name="weight_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("tender_lot.id"), index=True)
    #: price, technical, environmental, delivery
    kind: Mapped[str] = mapped_column(String(20))
    weight: Mapped[int]
    #: for the environmental criterion: EnvironmentalMode
    environmental_mode: Mapped[str | None] = mapped_column(String(20))

    lot: Mapped[TenderLot] = relationship(back_populates="criteria")


class TenderEvent(db.Model):
    """Audit row of every status change of a tender or of one of its lots."""

    __tablename__ = "tender_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id"), index=True)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("tender_lot.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Bid(db.Model):
    """A supplier's sealed bid on one lot. Its prices are unreadable before the bid deadline."""

    __tablename__ = "bid"
    __table_args__ = (UniqueConstraint("lot_id", "supplier_id", name="lot_supplier"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("tender_lot.id"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id"), index=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    filename: Mapped[str] = mapped_column(String(200), default="")
    line_count: Mapped[int] = mapped_column(default=0)
    #: sum of unit price × estimated quantity over the lines (sealed like the lines)
    total_price_ht: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))
    #: longest delivery time of the lines, in days
    delivery_days: Mapped[int | None]
    # results of the evaluation (set when the tender is evaluated)
    rank: Mapped[int | None]
    total_points: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))
    #: {"price": "40.00", ...}
    points: Mapped[dict | None] = mapped_column(JSON)
    abnormally_low: Mapped[bool] = mapped_column(default=False)
    tie_break_explanation: Mapped[str | None] = mapped_column(Text)

    lot: Mapped[TenderLot] = relationship(back_populates="bids")
    supplier: Mapped[Supplier] = relationship()
    lines: Mapped[list[BidLine]] = relationship(back_populates="bid", order_by="BidLine.row_number",
                                                cascade="all, delete-orphan")
    scores: Mapped[list[BidScore]] = relationship(back_populates="bid", order_by="BidScore.id",
                                                  cascade="all, delete-orphan")


class BidLine(db.Model):
    """One line of a supplier's price list."""

    __tablename__ = "bid_line"
    __table_args__ = (UniqueConstraint("bid_id", "manufacturer_ref", name="bid_reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("bid.id", ondelete="CASCADE"), index=True)
    row_number: Mapped[int]
    manufacturer_ref: Mapped[str] = mapped_column(String(80))
    brand: Mapped[str] = mapped_column(String(80))
    model: Mapped[str] = mapped_column(String(200))
    category_code: Mapped[str] = mapped_column(String(40))
    unit: Mapped[str] = mapped_column(String(20))
    unit_price_ht: Mapped[Decimal] = mapped_column(Money())
    estimated_quantity: Mapped[int] = mapped_column(default=1)
    annual_kgco2e: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    #: manufacturer's embodied footprint (kgCO2e), carried to the catalogue product on award
    embodied_kgco2e: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    repairability_index: Mapped[Decimal | None] = mapped_column(Numeric(3, 1))
    warranty_years: Mapped[int | None]
    spare_parts_years: Mapped[int | None]
    delivery_days: Mapped[int | None]
    #: catalogue Condition: new / refurbished
    condition: Mapped[str] = mapped_column(String(16), default="new")
    #: [[min_quantity, "unit price"], ...]
    price_breaks: Mapped[list] = mapped_column(JSON, default=list)

    bid: Mapped[Bid] = relationship(back_populates="lines")


class BidScore(db.Model):
    """An evaluator's mark /20 on a bid for the technical or environmental criterion, with its justification."""

    __tablename__ = "bid_score"
    __table_args__ = (CheckConstraint("score >= 0 AND score <= 20", name="score_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("bid.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    evaluator_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    score: Mapped[Decimal] = mapped_column(Numeric(4, 2))
    justification: Mapped[str] = mapped_column(Text)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    bid: Mapped[Bid] = relationship(back_populates="scores")
    evaluator = relationship("User")
