"""A member's saved column mapping for an inventory source (reused on the next import with the same headers)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from purchasing.db_types import UTCDateTime, utcnow
from purchasing.extensions import db


class ImportMapping(db.Model):
    """How a member's file of one kind (``lifecycle.imports.sources.KINDS``) and one set of headers
    (``mapping.signature``) maps onto the canonical columns: ``columns`` {header: target or ""}, ``value_map``
    {value column: {normalised word: product value}}, ``default_category``."""

    __tablename__ = "import_mapping"
    __owner_column__ = "member_id"
    __table_args__ = (UniqueConstraint("member_id", "kind", "signature", name="uq_import_mapping_member_kind_sig"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    signature: Mapped[str] = mapped_column(String(64))
    #: the headers as written in the file the mapping was saved from (shown in the list)
    headers: Mapped[list] = mapped_column(JSON, default=list)
    columns: Mapped[dict] = mapped_column(JSON, default=dict)
    value_map: Mapped[dict] = mapped_column(JSON, default=dict)
    default_category: Mapped[str] = mapped_column(String(40), default="")
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
