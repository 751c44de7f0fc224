"""A stored file attached to one object (an order, a purchase order, a delivery, a contract, a tender, a bid,
an asset). The bytes live in the storage (``purchasing/storage.py``); the row keeps what we know of them."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from purchasing.accounts.models import User
from purchasing.db_types import UTCDateTime, utcnow
from purchasing.extensions import db


class OwnerKind(StrEnum):
    ORDER = "order"
    PURCHASE_ORDER = "purchase_order"
    DELIVERY = "delivery"
    CONTRACT = "contract"
    TENDER = "tender"
    BID = "bid"
    ASSET = "asset"


class DocumentKind(StrEnum):
    INVOICE = "invoice"
    DELIVERY_NOTE = "delivery_note"
    ERASURE_CERTIFICATE = "erasure_certificate"
    REPAIR_REPORT = "repair_report"
    DCE_PIECE = "dce_piece"
    BID_DOCUMENT = "bid_document"
    OTHER = "other"


class Document(db.Model):
    """An attachment. Deleting one removes its stored object and keeps the row (who deleted it, when)."""

    __tablename__ = "document"
    __owner_column__ = "member_id"
    __table_args__ = (Index("ix_document_owner", "owner_kind", "owner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: one of OwnerKind, with the owner's primary key
    owner_kind: Mapped[str] = mapped_column(String(20))
    owner_id: Mapped[int]
    #: the member owning the owner when the file was attached; empty for syndicate-level objects
    #: (purchase orders, contracts, tenders, bids): those are read by staff only
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), index=True)
    #: one of DocumentKind
    kind: Mapped[str] = mapped_column(String(24))
    #: the name the file was uploaded with (shown and given back on download)
    original_name: Mapped[str] = mapped_column(String(255))
    #: read from the content, not from the name (purchasing/documents/sniff.py)
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    uploaded_by: Mapped[User | None] = relationship(foreign_keys=[uploaded_by_id])

    def __repr__(self) -> str:
        return f"<Document {self.id} {self.owner_kind}:{self.owner_id} {self.original_name!r}>"
