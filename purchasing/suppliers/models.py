"""Supplier model."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column

from purchasing.db_types import UTCDateTime, utcnow
from purchasing.extensions import db


class Supplier(db.Model):
    """A company that bids in tenders and may hold framework contracts."""

    __tablename__ = "supplier"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    #: lower-cased, accent-free name for search (members.models.fold_for_search)
    search_name: Mapped[str] = mapped_column(String(200), index=True, default="")
    #: 14 digits with a Luhn key (La Poste excepted)
    siret: Mapped[str] = mapped_column(String(14), unique=True)
    #: the first 9 digits of the SIRET
    siren: Mapped[str] = mapped_column(String(9), index=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    postal_code: Mapped[str] = mapped_column(String(10), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    #: where purchase orders are e-mailed (empty: the contact e-mail is used)
    order_email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    #: the supplier's system reads Order-X purchase orders (sent attached with the PDF)
    accepts_order_x: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    is_active: Mapped[bool] = mapped_column(default=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<Supplier {self.id} {self.name!r}>"
