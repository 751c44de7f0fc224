"""API tokens: random secrets given once to the user, stored only as their SHA-256."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from purchasing.accounts.models import User
from purchasing.db_types import UTCDateTime, utcnow
from purchasing.extensions import db


class ApiToken(db.Model):
    """A personal access token for the JSON API (``Authorization: Bearer <token>``).

    The token itself is never stored: ``token_hash`` is the hex SHA-256 of it (a random 256-bit
    secret needs no slow hash). A revoked token (``revoked_dt`` set) is refused with 401.
    """

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    #: a label chosen by the user ("Script GLPI"), to recognise the token in the list
    name: Mapped[str] = mapped_column(String(100), default="")
    #: hex SHA-256 of the token
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_dt is not None

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} user={self.user_id} revoked={self.is_revoked}>"
