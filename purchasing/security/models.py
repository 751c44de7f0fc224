"""Security events, stored in the database so that the administrator reads and filters them in the app."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from purchasing.accounts.models import User
from purchasing.db_types import UTCDateTime, utcnow
from purchasing.extensions import db


class EventKind(StrEnum):
    LOGIN = "login"  # web login or API token request: outcome success, failure, locked or refused
    LOGOUT = "logout"
    PASSWORD_CHANGE = "password_change"
    ROLE_CHANGE = "role_change"
    DEACTIVATION = "deactivation"
    REACTIVATION = "reactivation"
    USER_CREATION = "user_creation"
    TOKEN_CREATION = "token_creation"
    TOKEN_REVOCATION = "token_revocation"


class Outcome(StrEnum):
    SUCCESS = "success"
    #: wrong password, unknown email or disabled account (the log says which; the answer never does)
    FAILURE = "failure"
    #: a failure that started a delay for the email or a lock for the (email, address) pair
    LOCKED = "locked"
    #: an attempt during a delay or lock: refused without checking the password
    REFUSED = "refused"


class SecurityEvent(db.Model):
    """One security event: what, when, who (the account concerned and who acted), from where, outcome."""

    __tablename__ = "security_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    #: one of EventKind
    kind: Mapped[str] = mapped_column(String(32), index=True)
    #: one of Outcome
    outcome: Mapped[str] = mapped_column(String(16), default=Outcome.SUCCESS)
    #: the account concerned (None for a login attempt on an email without an account)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    #: who acted (an administrator changing a role; the user himself otherwise; None from the command line)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    #: SHA-256 of the lower-cased email typed at login (attempted emails are not kept in clear)
    email_key: Mapped[str | None] = mapped_column(String(64), index=True)
    #: the client's IP address (through the trusted proxies); empty from the command line
    client_address: Mapped[str] = mapped_column(String(45), default="")
    #: "web", "api" or "cli"
    channel: Mapped[str] = mapped_column(String(8), default="web")
    #: the request id of the request log line (X-Request-ID)
    request_id: Mapped[str] = mapped_column(String(64), default="")
    #: plain data about the event: "secretary → approver", a token's name, the lock's length…
    detail: Mapped[str] = mapped_column(String(300), default="")

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
