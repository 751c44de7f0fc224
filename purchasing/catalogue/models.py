"""Catalogue models: categories, products, offers and their quantity price breaks."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from purchasing.contracts.models import FrameworkContract
from purchasing.db_types import Money, Rate, UTCDateTime, utcnow
from purchasing.extensions import db


class Condition(StrEnum):
    NEW = "new"
    REFURBISHED = "refurbished"


class Category(db.Model):
    """A device category of the carbon factor table (lifecycle/data/carbon_factors.csv), or software/services.

    Carbon values are not copied here: they are read from the factor table by ``code``, so that a
    factor update is a data change in one place.
    """

    __tablename__ = "category"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the factor table's category key (laptop, desktop, monitor_24, …) or "software", "services"
    code: Mapped[str] = mapped_column(String(40), unique=True)
    label_fr: Mapped[str] = mapped_column(String(120))
    label_en: Mapped[str] = mapped_column(String(120))
    #: physical equipment that becomes an asset on delivery (False for software and services)
    is_device: Mapped[bool] = mapped_column(default=True)
    #: IT and telephony in the sense of AGEC art. 58 (reuse-share target)
    is_it_equipment: Mapped[bool] = mapped_column(default=True)
    #: equipment of this category usually holds data (erasure needed before it leaves a member)
    holds_storage: Mapped[bool] = mapped_column(default=False)
    sort_order: Mapped[int] = mapped_column(default=100)

    def label(self, locale: str = "fr") -> str:
        return self.label_en if locale.startswith("en") else self.label_fr


class Product(db.Model):
    """A catalogue product. Carbon and lifetime default from its category unless overridden."""

    __tablename__ = "product"
    __table_args__ = (
        UniqueConstraint("brand", "manufacturer_ref", name="brand_reference"),
        CheckConstraint("repairability_index IS NULL OR (repairability_index >= 0 AND repairability_index <= 10)",
                        name="repairability_range"),
        CheckConstraint("durability_index IS NULL OR (durability_index >= 0 AND durability_index <= 10)",
                        name="durability_range"),
        CheckConstraint("warranty_years >= 0", name="warranty_not_negative"),
        CheckConstraint("recycled_content_pct >= 0 AND recycled_content_pct <= 100", name="recycled_content_range"),
        Index("ix_product_category_condition", "category_id", "condition"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"), index=True)
    brand: Mapped[str] = mapped_column(String(80), index=True)
    model: Mapped[str] = mapped_column(String(200))
    manufacturer_ref: Mapped[str] = mapped_column(String(80), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    #: typed attributes, e.g. {"ram_gb": 16, "storage_gb": 512, "screen_inches": 14.0}
    attributes: Mapped[dict] = mapped_column(JSON, default=dict)
    vat_rate: Mapped[Decimal] = mapped_column(Rate(), default=Decimal("0.2000"))
    #: one of Condition
    condition: Mapped[str] = mapped_column(String(16), default=Condition.NEW)
    #: refurbished grade A/B/C
    refurb_grade: Mapped[str | None] = mapped_column(String(1))
    #: indice de réparabilité /10 (since 2021) or indice de durabilité /10 (since 2025 for some products)
    repairability_index: Mapped[Decimal | None] = mapped_column(Numeric(3, 1))
    durability_index: Mapped[Decimal | None] = mapped_column(Numeric(3, 1))
    warranty_years: Mapped[int] = mapped_column(default=2)
    spare_parts_years: Mapped[int | None]
    #: expected years of service; empty: the category's default lifetime
    expected_lifetime_years: Mapped[float | None] = mapped_column(Float)
    #: manufacturer's embodied footprint (kgCO2e), overriding the category's; empty: category
    embodied_kgco2e: Mapped[float | None] = mapped_column(Float)
    #: manufacturer's yearly energy (kWh); empty: category
    annual_kwh: Mapped[float | None] = mapped_column(Float)
    #: where the manufacturer values come from (e.g. a PCF document URL)
    footprint_source: Mapped[str] = mapped_column(String(500), default="")
    #: share of recycled material in the product, in % (AGEC ``montant_produits_recycles``); 0 when unknown
    recycled_content_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("0"),
                                                          server_default="0")
    #: where that share comes from (manufacturer's sheet, ecolabel…)
    recycled_content_source: Mapped[str] = mapped_column(String(300), default="", server_default="")
    #: whether units hold data (erasure before leaving a member); empty: the category's default
    holds_storage: Mapped[bool | None]
    is_active: Mapped[bool] = mapped_column(default=True, index=True)
    #: folded brand, model, reference and description, for full-text search
    search_text: Mapped[str] = mapped_column(Text, default="", index=True)
    #: precomputed sort keys, refreshed by catalogue.services.refresh_product_metrics whenever the product
    #: or one of its offers changes: lowest base price HT of the offers valid today, central yearly
    #: footprint (kgCO2e/year) and cost per year of service at that price
    min_price_ht: Mapped[Decimal | None] = mapped_column(Money(), index=True)
    annual_kgco2e: Mapped[float | None] = mapped_column(Float, index=True)
    cost_per_year_ht: Mapped[Decimal | None] = mapped_column(Money(), index=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    category: Mapped[Category] = relationship()
    offers: Mapped[list[Offer]] = relationship(back_populates="product")

    @property
    def name(self) -> str:
        return f"{self.brand} {self.model}"


class Offer(db.Model):
    """A product's price under a framework contract, valid over a period, with quantity price breaks."""

    __tablename__ = "offer"
    __table_args__ = (
        CheckConstraint("unit_price_ht > 0", name="price_positive"),
        Index("ix_offer_product_contract", "product_id", "contract_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("framework_contract.id"), index=True)
    #: the supplier's own reference for the line
    supplier_ref: Mapped[str] = mapped_column(String(80), default="")
    #: base unit price HT (quantity 1); see PriceBreak for lower prices at higher quantities
    unit_price_ht: Mapped[Decimal] = mapped_column(Money())
    valid_from: Mapped[date]
    valid_until: Mapped[date | None]
    is_active: Mapped[bool] = mapped_column(default=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    product: Mapped[Product] = relationship(back_populates="offers")
    contract: Mapped[FrameworkContract] = relationship()
    price_breaks: Mapped[list[PriceBreak]] = relationship(order_by="PriceBreak.min_quantity",
                                                          cascade="all, delete-orphan")

    def is_valid_on(self, day: date) -> bool:
        return self.is_active and self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


class PriceBreak(db.Model):
    """From ``min_quantity`` units, the unit price HT is ``unit_price_ht``."""

    __tablename__ = "price_break"
    __table_args__ = (
        UniqueConstraint("offer_id", "min_quantity", name="offer_quantity"),
        CheckConstraint("min_quantity >= 2", name="break_above_one"),
        CheckConstraint("unit_price_ht > 0", name="price_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offer.id", ondelete="CASCADE"), index=True)
    min_quantity: Mapped[int]
    unit_price_ht: Mapped[Decimal] = mapped_column(Money())


class CacheVersion(db.Model):
    """The version token of a cached area (purchasing/catalogue/cache.py): replaced in the same transaction as any
    write of the tables the area's pages read, so that every worker's next request sees the change."""

    __tablename__ = "cache_version"

    #: the area ("catalogue")
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    #: random, never reused (a rolled-back change leaves the previous token, not a number another change takes)
    token: Mapped[str] = mapped_column(String(32))
