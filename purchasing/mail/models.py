"""The outbox (one row per message and recipient), its attachments, and users' notification preferences."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from purchasing.db_types import UTCDateTime, utcnow
from purchasing.extensions import db


class MessageStatus(StrEnum):
    PENDING = "pending"  # to send (at next_attempt_dt)
    SENDING = "sending"  # claimed by one deliverer (claimed_until_dt)
    SENT = "sent"  # accepted by the SMTP server
    FAILED = "failed"  # given up (permanent refusal or too many attempts)
    DIGEST = "digest"  # held for the recipient's daily digest
    DIGESTED = "digested"  # listed in a digest message (digest_id)


class OutboxMessage(db.Model):
    """One e-mail to one recipient, written in the transaction of the change it reports."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        UniqueConstraint("idempotency_key", name="idempotency_key"),
        Index("ix_outbox_message_status_next", "status", "next_attempt_dt"),
        Index("ix_outbox_message_object", "object_type", "object_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the message kind (purchasing.mail.preferences.Kind, or an account/supplier kind)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    #: "<event>|<recipient>": the same event never writes two messages to one recipient
    idempotency_key: Mapped[str] = mapped_column(String(300))
    recipient: Mapped[str] = mapped_column(String(254))
    #: the recipient's account, when the recipient is a user (preferences, digest)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    #: the absolute link to the object the message is about (listed in digests)
    link: Mapped[str] = mapped_column(String(500), default="")
    #: the object the message is about, e.g. ("purchase_order", 12): its page shows the delivery state
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[int | None]
    #: one of MessageStatus
    status: Mapped[str] = mapped_column(String(16), default=MessageStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: while "sending": the claim's end (a crashed deliverer's row is then marked failed, never resent)
    claimed_until_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: for a digest item: the digest message that listed it
    digest_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_message.id", ondelete="SET NULL"), index=True)

    attachments: Mapped[list[OutboxAttachment]] = relationship(back_populates="message",
                                                               cascade="all, delete-orphan",
                                                               order_by="OutboxAttachment.id")

    @property
    def message_id(self) -> str:
        """A stable Message-ID: a duplicate (if a crash ever caused one) is recognisable by mail clients."""
        return f"<outbox-{self.id}-{self.created_dt:%Y%m%d%H%M%S}@parc-commun>"


class OutboxAttachment(db.Model):
    """A file sent with a message, stored as generated when the message was written (what was sent)."""

    __tablename__ = "outbox_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_message.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    data: Mapped[bytes] = mapped_column(LargeBinary)

    message: Mapped[OutboxMessage] = relationship(back_populates="attachments")


class NotificationPreference(db.Model):
    """How one user receives one kind of message; no row: the kind's default (purchasing.mail.preferences)."""

    __tablename__ = "notification_preference"
    __table_args__ = (UniqueConstraint("user_id", "kind", name="user_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    #: immediate, digest or off
    frequency: Mapped[str] = mapped_column(String(16))
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
