"""The daily digest: one message per user and day listing the messages held for the digest."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update

from purchasing.accounts.models import User
from purchasing.db_types import utcnow
from purchasing.domain.errors import N_
from purchasing.extensions import db
from purchasing.mail.models import MessageStatus, OutboxMessage
from purchasing.mail.outbox import absolute_url, enqueue, mail_text
from purchasing.mail.preferences import Frequency


@dataclass
class DigestReport:
    users: int = 0
    items: int = 0


def build_digests(now: datetime | None = None) -> DigestReport:
    """Write today's digest of every user who has held items (idempotent: one digest per user per day;
    items held after it wait for the next day's). Flushes; the command commits once."""
    now = now or utcnow()
    day: date = now.date()
    report = DigestReport()
    user_ids = list(db.session.scalars(select(OutboxMessage.user_id).where(
        OutboxMessage.status == MessageStatus.DIGEST, OutboxMessage.user_id.is_not(None)).distinct()))
    for user_id in sorted(user_ids):
        user = db.session.get(User, user_id)
        items = list(db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.user_id == user_id, OutboxMessage.status == MessageStatus.DIGEST)
            .order_by(OutboxMessage.created_dt, OutboxMessage.id)))
        if not user.is_enabled:
            _mark(items, None)
            continue
        digest = enqueue(kind="digest", event_key=f"digest:{day.isoformat()}", recipient=user.email, user=user,
                         subject=mail_text(N_("Parc commun : votre résumé du %(day)s (%(count)s messages)")
                                           if len(items) > 1 else
                                           N_("Parc commun : votre résumé du %(day)s (1 message)"),
                                           day=f"{day:%d/%m/%Y}", count=len(items)),
                         template="digest", context={"items": items, "day": day, "member": user.member},
                         link=absolute_url("notifications.index"), frequency=Frequency.IMMEDIATE)
        if digest is None:
            continue  # today's digest already went out: these items wait for tomorrow's
        _mark(items, digest.id)
        report.users += 1
        report.items += len(items)
    db.session.flush()
    return report


def _mark(items: list[OutboxMessage], digest_id: int | None) -> None:
    if not items:
        return
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_([m.id for m in items]),
                                                   OutboxMessage.status == MessageStatus.DIGEST)
                       .values(status=MessageStatus.DIGESTED, digest_id=digest_id)
                       .execution_options(synchronize_session=False))
