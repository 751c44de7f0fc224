"""Agent enrolment tokens: one secret per member (or several, one per deployment), stored as SHA-256."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from purchasing.accounts.models import User
from purchasing.db_types import UTCDateTime, utcnow
from purchasing.extensions import db
from purchasing.members.models import Member


class AgentToken(db.Model):
    """The secret in the agent's ``--server`` URL. Shown once at creation; only its hash is kept.

    ``window_start_dt`` / ``window_count``: the per-token rate limit (requests in the current window),
    counted by conditional UPDATEs so that concurrent agents cannot exceed it."""

    __tablename__ = "agent_token"
    __owner_column__ = "member_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: the secret's first characters, to recognise it in the list
    prefix: Mapped[str] = mapped_column(String(8))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    last_used_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    inventories: Mapped[int] = mapped_column(default=0)
    window_start_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    window_count: Mapped[int] = mapped_column(default=0)

    member: Mapped[Member] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    @property
    def is_active(self) -> bool:
        return self.revoked_dt is None
