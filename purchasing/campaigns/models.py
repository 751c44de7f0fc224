"""Grouped purchasing campaigns: members commit quantities; the total fixes the price break for all."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from purchasing.accounts.models import User
from purchasing.catalogue.models import Offer
from purchasing.db_types import Money, Rate, UTCDateTime, utcnow
from purchasing.extensions import db
from purchasing.members.models import Member


class Campaign(db.Model):
    """Status follows purchasing.domain.states.CAMPAIGN; changes write a CampaignEvent."""

    __tablename__ = "campaign"
    __table_args__ = (
        CheckConstraint("min_quantity >= 1", name="min_quantity_positive"),
        CheckConstraint("max_quantity IS NULL OR max_quantity >= min_quantity", name="max_above_min"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    offer_id: Mapped[int] = mapped_column(ForeignKey("offer.id"), index=True)
    deadline: Mapped[date]
    min_quantity: Mapped[int] = mapped_column(default=1)
    max_quantity: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(32), default="open", index=True)
    #: supplier unit price HT fixed at closing by the total quantity
    final_unit_price_ht: Mapped[Decimal | None] = mapped_column(Money())
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    offer: Mapped[Offer] = relationship()
    commitments: Mapped[list[CampaignCommitment]] = relationship(back_populates="campaign",
                                                                 cascade="all, delete-orphan",
                                                                 order_by="CampaignCommitment.id")
    events: Mapped[list[CampaignEvent]] = relationship(cascade="all, delete-orphan", order_by="CampaignEvent.id")


class CommitmentStatus(StrEnum):
    """A commitment's approval (purchasing.campaigns.services.COMMITMENT is its machine)."""

    PENDING = "pending"  # above the member's threshold: waits for the member's approver before the deadline
    APPROVED = "approved"  # by the approver, or automatically at or under the threshold
    REJECTED = "rejected"  # by the approver, before the deadline
    DROPPED = "dropped"  # still pending at closing: left out of the total, its member told
    WITHDRAWN = "withdrawn"  # by its member before the deadline (a quantity of 0): no longer counted


class CampaignCommitment(db.Model):
    """A member's committed quantity; prices are written at closing.

    Its amount at the price shown when committing decides whether the member's approver must approve it
    (same threshold as orders); only approved commitments count at closing and become orders.
    """

    __tablename__ = "campaign_commitment"
    __owner_column__ = "member_id"
    __table_args__ = (
        UniqueConstraint("campaign_id", "member_id", name="campaign_member"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    quantity: Mapped[int]
    fee_rate: Mapped[Decimal | None] = mapped_column(Rate())
    unit_price_ht: Mapped[Decimal | None] = mapped_column(Money())
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: one of CommitmentStatus
    status: Mapped[str] = mapped_column(String(16), default=CommitmentStatus.APPROVED,
                                        server_default=CommitmentStatus.APPROVED.value, index=True)
    #: quantity × the member's unit price shown when committing (HT): compared with the approval threshold
    committed_amount_ht: Mapped[Decimal | None] = mapped_column(Money())
    #: who committed (last changed the quantity): may not approve it (four-eyes)
    committed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())

    campaign: Mapped[Campaign] = relationship(back_populates="commitments")
    member: Mapped[Member] = relationship()
    committed_by: Mapped[User | None] = relationship(foreign_keys=[committed_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    events: Mapped[list[CommitmentEvent]] = relationship(cascade="all, delete-orphan",
                                                         order_by="CommitmentEvent.id")


class CampaignEvent(db.Model):
    __tablename__ = "campaign_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CommitmentEvent(db.Model):
    """An audited status change of a commitment: who, when, from, to, why. Never updated nor deleted."""

    __tablename__ = "campaign_commitment_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("campaign_commitment.id", ondelete="CASCADE"), index=True)
    #: empty for an automatic transition (at or under the threshold, dropped at closing)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    quantity: Mapped[int]
    reason: Mapped[str] = mapped_column(Text, default="")
    is_automatic: Mapped[bool] = mapped_column(default=False)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    actor: Mapped[User | None] = relationship()
