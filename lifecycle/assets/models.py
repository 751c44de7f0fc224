"""Asset models: assets and their immutable events, the tag counter, data erasures."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from purchasing.accounts.models import User
from purchasing.catalogue.models import Category, Product
from purchasing.db_types import Money, UTCDateTime, utcnow
from purchasing.extensions import db
from purchasing.members.models import Member, Site


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


class InventoryImport(db.Model):
    """One inventory import (a file, an agent's contact) that created assets: who, when, which file. Each asset it
    created points to it (``Asset.import_id``) instead of carrying an "imported" event of its own: the timeline
    shows it as its first entry (``lifecycle.assets.services.asset_timeline``). Never updated nor deleted."""

    __tablename__ = "inventory_import"
    __owner_column__ = "member_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200), default="")
    #: assets it created
    asset_count: Mapped[int] = mapped_column(default=0)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    author: Mapped[User | None] = relationship()
    member: Mapped[Member] = relationship()


class Asset(db.Model):
    """One physical device followed from delivery (or import) until it leaves the territory."""

    __tablename__ = "asset"
    __owner_column__ = "member_id"
    __table_args__ = (
        CheckConstraint("purchase_price_ht IS NULL OR purchase_price_ht >= 0", name="price_not_negative"),
        Index("ix_asset_member_status", "member_id", "status"),
        Index("ix_asset_member_site", "member_id", "site_id"),
        # the flat inventory's filters and sort (migration scale_01)
        Index("ix_asset_status_id", "status", "id"),
        Index("ix_asset_category_status_id", "category_id", "status", "id"),
        Index("ix_asset_member_id_id", "member_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "SDN-2026-000123": prefix, year, per-year sequence
    tag: Mapped[str] = mapped_column(String(30), unique=True)
    #: unique across the territory when present
    serial_number: Mapped[str | None] = mapped_column(String(80), unique=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id"), index=True)
    #: indexed by ix_asset_category_status_id (its first column)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"))
    #: free-text designation for imported assets without a catalogue product
    designation: Mapped[str] = mapped_column(String(200), default="")
    #: indexed by ix_asset_member_status and ix_asset_member_id_id (their first column)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    #: where the asset is: a site of its member's address book (purchasing.members.models.Site)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"), index=True)
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
    #: one of lifecycle.domain.states.ASSET
    #: indexed by ix_asset_status_id (its first column)
    status: Mapped[str] = mapped_column(String(16), default="in_stock")
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: the import that created the asset (file, author, moment: the first entry of its timeline), if any
    import_id: Mapped[int | None] = mapped_column(ForeignKey("inventory_import.id"))

    product: Mapped[Product | None] = relationship()
    category: Mapped[Category] = relationship()
    import_record: Mapped[InventoryImport | None] = relationship()
    member: Mapped[Member] = relationship()
    site: Mapped[Site | None] = relationship()
    events: Mapped[list[AssetEvent]] = relationship(back_populates="asset", order_by="AssetEvent.id")
    #: hardware details from the last inventory (lifecycle.assets.hardware), if any
    hardware: Mapped[AssetHardware | None] = relationship(back_populates="asset", uselist=False)

    @property
    def site_name(self) -> str:
        return self.site.name if self.site is not None else ""

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


class AssetHardware(db.Model):
    """The hardware details of an asset, from its last inventory (agent, GLPI, spreadsheet): one row per asset.

    ``os_label`` is the short label the inventory filter offers ("Windows 10"), derived when written by
    ``lifecycle.domain.hardware.os_label``; ``has_hdd`` says whether one of its disks is rotational (filter
    "disque HDD" without a join on the storages)."""

    __tablename__ = "asset_hardware"

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("asset.id", ondelete="CASCADE"), unique=True)
    manufacturer: Mapped[str] = mapped_column(String(120), default="")
    model: Mapped[str] = mapped_column(String(120), default="")
    #: BIOS/SMBIOS UUID, lower-case
    uuid: Mapped[str | None] = mapped_column(String(64), index=True)
    #: the inventory agent's DEVICEID
    device_id: Mapped[str | None] = mapped_column(String(120), index=True)
    cpu: Mapped[str] = mapped_column(String(200), default="")
    cpu_generation: Mapped[str] = mapped_column(String(20), default="")
    ram_mb: Mapped[int | None] = mapped_column(index=True)
    os_name: Mapped[str] = mapped_column(String(120), default="")
    os_version: Mapped[str] = mapped_column(String(60), default="")
    os_label: Mapped[str] = mapped_column(String(60), default="", index=True)
    screen_inches: Mapped[float | None] = mapped_column(Float)
    battery_health_pct: Mapped[int | None]
    has_hdd: Mapped[bool] = mapped_column(default=False, index=True)
    last_inventory_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: the last time an inventory agent sent this device's inventory
    last_contact_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: agent, import
    source: Mapped[str] = mapped_column(String(20), default="import")

    asset: Mapped[Asset] = relationship(back_populates="hardware")
    storages: Mapped[list[AssetStorage]] = relationship(
        primaryjoin="AssetHardware.asset_id == foreign(AssetStorage.asset_id)", order_by="AssetStorage.id",
        viewonly=True)


class AssetStorage(db.Model):
    """One storage device of an asset (type, size in GB), replaced with each inventory."""

    __tablename__ = "asset_storage"
    __table_args__ = (Index("ix_asset_storage_type_asset", "type", "asset_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("asset.id", ondelete="CASCADE"), index=True)
    #: one of lifecycle.domain.hardware.STORAGE_TYPES
    type: Mapped[str] = mapped_column(String(10))
    size_gb: Mapped[int]

