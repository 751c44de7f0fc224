"""Physical audit models: an audit of one member's site and the tags scanned there."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from purchasing.db_types import UTCDateTime, utcnow
from purchasing.extensions import db
from purchasing.members.models import Member, Site


class Audit(db.Model):
    """A physical inventory of one member's site."""

    __tablename__ = "asset_audit"
    __owner_column__ = "member_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    #: the site inventoried (a site of the member's address book)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    #: open or closed
    status: Mapped[str] = mapped_column(String(8), default="open", index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    started_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())

    member: Mapped[Member] = relationship()
    site: Mapped[Site] = relationship()
    scans: Mapped[list[AuditScan]] = relationship(back_populates="audit", order_by="AuditScan.id")


class AuditScan(db.Model):
    __tablename__ = "asset_audit_scan"
    __table_args__ = (UniqueConstraint("audit_id", "tag", name="audit_tag"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("asset_audit.id"), index=True)
    tag: Mapped[str] = mapped_column(String(30))
    scanned_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    audit: Mapped[Audit] = relationship(back_populates="scans")
