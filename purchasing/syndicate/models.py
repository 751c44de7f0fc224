"""The syndicate's identity: one row (id 1)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from purchasing.db_types import UTCDateTime, utcnow
from purchasing.extensions import db


class SyndicateIdentity(db.Model):
    """The purchasing centre itself: name, SIRET, address, contact and the signatory of purchase orders."""

    __tablename__ = "syndicate_identity"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False, default=1)
    name: Mapped[str] = mapped_column(String(200), default="")
    #: 14 digits with a Luhn key; empty until the administrator fills it
    siret: Mapped[str] = mapped_column(String(14), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    postal_code: Mapped[str] = mapped_column(String(10), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    signatory_name: Mapped[str] = mapped_column(String(200), default="")
    signatory_title: Mapped[str] = mapped_column(String(200), default="")
    updated_dt: Mapped[datetime | None] = mapped_column(UTCDateTime(), onupdate=utcnow)

    @property
    def is_complete(self) -> bool:
        """Enough to appear as the buyer on a purchase order or a DECP record."""
        return bool(self.name and self.siret and self.address and self.postal_code and self.city)

    @property
    def missing_fields(self) -> list[str]:
        return [f for f in ("name", "siret", "address", "postal_code", "city") if not getattr(self, f)]
