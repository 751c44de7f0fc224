"""Lifecycle models: assets and their immutable events, erasures, the reuse pool, repairs, retirements, audits."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from purchasing.accounts.models import User
from purchasing.catalogue.models import Category, Product
from purchasing.db_types import Money, UTCDateTime, utcnow
from purchasing.extensions import db
from purchasing.members.models import Member


class Origin(StrEnum):
    DELIVERED = "delivered_order_line"
    IMPORTED = "imported"
    DONATION = "donation_received"
    POOL = "claimed_from_pool"


class AssetTagCounter(db.Model):
    """Last tag sequence number used per year; the row is locked FOR UPDATE while numbers are reserved."""

    __tablename__ = "asset_tag_counter"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_value: Mapped[int] = mapped_column(default=0)


class Asset(db.Model):
    """One physical device followed from delivery (or import) until it leaves the territory."""

    __tablename__ = "asset"
    __owner_column__ = "member_id"
    __table_args__ = (
        CheckConstraint("purchase_price_ht IS NULL OR purchase_price_ht >= 0", name="price_not_negative"),
        Index("ix_asset_member_status", "member_id", "status"),
        Index("ix_asset_member_site", "member_id", "site"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "SDN-2026-000123": prefix, year, per-year sequence
    tag: Mapped[str] = mapped_column(String(30), unique=True)
    #: unique across the territory when present
    serial_number: Mapped[str | None] = mapped_column(String(80), unique=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"), index=True)
    #: free-text designation for imported assets without a catalogue product
    designation: Mapped[str] = mapped_column(String(200), default="")
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    site: Mapped[str] = mapped_column(String(200), default="")
    #: a person or a service
    assigned_to: Mapped[str] = mapped_column(String(200), default="")
    acquisition_date: Mapped[date | None]
    #: end of the manufacturer's or supplier's warranty: set at receiving from the product's warranty,
    #: editable on the asset page, importable; the daily scan warns the member 60 days before
    warranty_end_date: Mapped[date | None] = mapped_column(index=True)
    purchase_price_ht: Mapped[Decimal | None] = mapped_column(Money())
    #: one of Origin
    origin: Mapped[str] = mapped_column(String(32))
    order_line_id: Mapped[int | None] = mapped_column(ForeignKey("order_line.id"), index=True)
    #: new, good, fair, poor (free grade of the device's state)
    condition: Mapped[str] = mapped_column(String(16), default="new")
    holds_storage: Mapped[bool] = mapped_column(default=False)
    #: one of purchasing.domain.states.ASSET
    status: Mapped[str] = mapped_column(String(16), default="in_stock", index=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    product: Mapped[Product | None] = relationship()
    category: Mapped[Category] = relationship()
    member: Mapped[Member] = relationship()
    events: Mapped[list[AssetEvent]] = relationship(back_populates="asset", order_by="AssetEvent.id")

    @property
    def name(self) -> str:
        return self.product.name if self.product is not None else (self.designation or self.tag)


class AssetEvent(db.Model):
    """An immutable, dated event of an asset's timeline: never updated nor deleted."""

    __tablename__ = "asset_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("asset.id"), index=True)
    #: created, status, offered, claimed, withdrawn, erasure, repair_opened, repair_closed, retired, moved, imported
    kind: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    from_member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), index=True)
    to_member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    asset: Mapped[Asset] = relationship(back_populates="events")
    author: Mapped[User | None] = relationship()
    from_member: Mapped[Member | None] = relationship(foreign_keys=[from_member_id])
    to_member: Mapped[Member | None] = relationship(foreign_keys=[to_member_id])


@event.listens_for(AssetEvent, "before_update")
@event.listens_for(AssetEvent, "before_delete")
def _asset_events_are_immutable(_mapper, _connection, target: AssetEvent) -> None:
    raise ValueError(f"asset event {target.id} is immutable: write a new event instead")


class ErasureMethod(StrEnum):
    CLEAR = "nist_clear"
    PURGE = "nist_purge"
    DESTROY = "nist_destroy"


class DataErasure(db.Model):
    """A recorded data erasure (NIST SP 800-88): needed before storage-holding equipment leaves its member."""

    __tablename__ = "data_erasure"

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("asset.id"), index=True)
    #: the member holding the asset when erased
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    method: Mapped[str] = mapped_column(String(16))
    performed_on: Mapped[date]
    operator: Mapped[str] = mapped_column(String(200))
    certificate_ref: Mapped[str] = mapped_column(String(120), default="")
    #: the certificate file (a Document of kind erasure_certificate on the asset), when one was uploaded
    certificate_document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    asset: Mapped[Asset] = relationship()
    certificate_document = relationship("Document")


class PoolListing(db.Model):
    """An asset offered by its member to the reuse pool; the first claim wins."""

    __tablename__ = "pool_listing"
    __table_args__ = (Index("ix_pool_listing_status_category", "status", "category_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("asset.id"), index=True)
    offering_member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"), index=True)
    condition: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    #: open, claimed, withdrawn
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    claimed_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), index=True)
    claimed_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    asset: Mapped[Asset] = relationship()
    category: Mapped[Category] = relationship()
    offering_member: Mapped[Member] = relationship(foreign_keys=[offering_member_id])
    claimed_by: Mapped[Member | None] = relationship(foreign_keys=[claimed_by_member_id])


class RepairJob(db.Model):
    """A repair or refurbishment, in the internal workshop or at a partner."""

    __tablename__ = "repair_job"
    __owner_column__ = "member_id"
    __table_args__ = (CheckConstraint("cost_ht IS NULL OR cost_ht >= 0", name="cost_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("asset.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    #: repair or refurbishment
    kind: Mapped[str] = mapped_column(String(16))
    #: "Atelier interne" or the partner's name
    provider: Mapped[str] = mapped_column(String(200))
    #: list of battery, disk, memory, keyboard, os_reinstalled
    work_done: Mapped[list] = mapped_column(JSON, default=list)
    cost_ht: Mapped[Decimal | None] = mapped_column(Money())
    grade: Mapped[str | None] = mapped_column(String(1))
    opened_on: Mapped[date]
    closed_on: Mapped[date | None]

    asset: Mapped[Asset] = relationship()


class RetirementRoute(StrEnum):
    REUSED = "reused_elsewhere"
    DONATED = "donated"
    SOLD = "sold"
    WEEE = "recycled_weee"
    DESTROYED = "destroyed"
    LOST = "lost_or_stolen"


class Retirement(db.Model):
    """Where a retired asset went."""

    __tablename__ = "retirement"

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("asset.id"), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    route: Mapped[str] = mapped_column(String(24), index=True)
    retired_on: Mapped[date]
    recipient: Mapped[str] = mapped_column(String(200), default="")
    recipient_siret: Mapped[str | None] = mapped_column(String(14))
    certificate_ref: Mapped[str] = mapped_column(String(120), default="")
    note: Mapped[str] = mapped_column(Text, default="")

    asset: Mapped[Asset] = relationship()


class Audit(db.Model):
    """A physical inventory of one member's site."""

    __tablename__ = "asset_audit"
    __owner_column__ = "member_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    site: Mapped[str] = mapped_column(String(200))
    #: open or closed
    status: Mapped[str] = mapped_column(String(8), default="open", index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    started_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())

    member: Mapped[Member] = relationship()
    scans: Mapped[list[AuditScan]] = relationship(back_populates="audit", order_by="AuditScan.id")


class AuditScan(db.Model):
    __tablename__ = "asset_audit_scan"
    __table_args__ = (UniqueConstraint("audit_id", "tag", name="audit_tag"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("asset_audit.id"), index=True)
    tag: Mapped[str] = mapped_column(String(30))
    scanned_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    audit: Mapped[Audit] = relationship(back_populates="scans")
