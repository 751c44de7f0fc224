"""Reading the outbox (administrator's pages) and saving preferences. Flushes, never commits."""
from __future__ import annotations

import re

from flask import current_app
from sqlalchemy import select

from purchasing.extensions import db
from purchasing.mail.delivery import mail_configured
from purchasing.mail.messages import PERSONAL_KINDS
from purchasing.mail.models import OutboxAttachment, OutboxMessage
from purchasing.mail.preferences import set_preferences

# Messages carrying a personal link (messages.PERSONAL_KINDS): their body is not shown to the administrator
# once a real SMTP server delivers them (without one, the administrator passes them on).

__all__ = ["mail_configured", "outbox_query", "get_message", "get_attachment", "body_hidden", "save_preferences",
           "safe_filename"]


def outbox_query(status: str | None = None):
    stmt = select(OutboxMessage)
    if status:
        stmt = stmt.where(OutboxMessage.status == status)
    return stmt.order_by(OutboxMessage.id.desc())


def get_message(message_id: int) -> OutboxMessage | None:
    return db.session.get(OutboxMessage, message_id)


def get_attachment(message_id: int, attachment_id: int) -> OutboxAttachment | None:
    return db.session.scalars(select(OutboxAttachment).where(OutboxAttachment.id == attachment_id,
                                                             OutboxAttachment.message_id == message_id)).first()


def body_hidden(message: OutboxMessage) -> bool:
    return message.kind in PERSONAL_KINDS and bool(current_app.config.get("MAIL_SERVER"))


def save_preferences(user, choices: dict[str, str]):
    return set_preferences(user, choices)


def safe_filename(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", name or "piece-jointe")[:120]
