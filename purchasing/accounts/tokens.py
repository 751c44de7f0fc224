"""Signed, single-use, expiring links for invitations, password resets and e-mail address changes.

The link carries an itsdangerous signature (SECRET_KEY, one salt per purpose) of the token row's id and a
random nonce; the row stores the nonce's SHA-256, the expiry and the time of use. A link is accepted once:
its use is a conditional UPDATE (``used_dt IS NULL``), so two clicks at the same moment cannot both win.
Why both: the signature refuses forged or altered links without a database read, the row gives single
use, per-purpose expiry, and revocation (a new reset link or a password set cancels the older ones).
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from enum import StrEnum

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import ForeignKey, String, select, update
from sqlalchemy.orm import Mapped, mapped_column, relationship

from purchasing.accounts.models import User
from purchasing.db_types import UTCDateTime, utcnow
from purchasing.domain.errors import N_, DomainError
from purchasing.extensions import db


class Purpose(StrEnum):
    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"
    EMAIL_CHANGE = "email_change"


#: how long each link is valid
LIFETIMES = {
    Purpose.INVITATION: timedelta(hours=48),
    Purpose.PASSWORD_RESET: timedelta(hours=1),
    Purpose.EMAIL_CHANGE: timedelta(hours=24),
}


class AccountToken(db.Model):
    __tablename__ = "account_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    #: one of Purpose
    purpose: Mapped[str] = mapped_column(String(20))
    #: SHA-256 of the link's nonce (the link itself is never stored)
    nonce_hash: Mapped[str] = mapped_column(String(64))
    #: the new address, for an e-mail change
    new_email: Mapped[str | None] = mapped_column(String(254))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_dt: Mapped[datetime] = mapped_column(UTCDateTime())
    used_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class InvalidLink(DomainError):
    code = "invalid_link"
    http_status = 400
    default_message = N_("Ce lien n'est pas valide, a déjà servi ou a expiré. Demandez-en un nouveau "
                       "(« Mot de passe oublié ? » sur la page de connexion, ou auprès de l'administrateur).")


def _serializer(purpose: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=f"parc-account-{purpose}")


def _hash(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


def issue(user: User, purpose: Purpose, new_email: str | None = None, now: datetime | None = None) -> str:
    """A new link token for ``user``; earlier unused links of the same purpose are cancelled. Flushes."""
    now = now or utcnow()
    revoke(user, purpose, now)
    nonce = secrets.token_urlsafe(24)
    row = AccountToken(user_id=user.id, purpose=purpose, nonce_hash=_hash(nonce), new_email=new_email,
                       created_dt=now, expires_dt=now + LIFETIMES[purpose])
    db.session.add(row)
    db.session.flush()
    return _serializer(purpose).dumps({"t": row.id, "n": nonce})


def revoke(user: User, purpose: Purpose, now: datetime | None = None) -> None:
    db.session.execute(update(AccountToken).where(AccountToken.user_id == user.id, AccountToken.purpose == purpose,
                                                  AccountToken.used_dt.is_(None))
                       .values(used_dt=now or utcnow()).execution_options(synchronize_session=False))


def check(token: str, purpose: Purpose, now: datetime | None = None) -> AccountToken:
    """The token's row if the link is genuine, unused and not expired; else InvalidLink (one message for all)."""
    now = now or utcnow()
    try:
        payload = _serializer(purpose).loads(token or "")
        row_id, nonce = int(payload["t"]), str(payload["n"])
    except (BadSignature, KeyError, TypeError, ValueError):
        raise InvalidLink() from None
    row = db.session.scalars(select(AccountToken).where(AccountToken.id == row_id,
                                                        AccountToken.purpose == purpose)).first()
    if (row is None or not hmac.compare_digest(row.nonce_hash, _hash(nonce)) or row.used_dt is not None
            or row.expires_dt <= now or not row.user.is_enabled):
        raise InvalidLink()
    return row


def use(token: str, purpose: Purpose, now: datetime | None = None) -> AccountToken:
    """Check the link and mark it used (conditional UPDATE: a second, concurrent use is refused). Flushes."""
    now = now or utcnow()
    row = check(token, purpose, now)
    result = db.session.execute(update(AccountToken).where(AccountToken.id == row.id, AccountToken.used_dt.is_(None))
                                .values(used_dt=now).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise InvalidLink()
    db.session.refresh(row)
    return row


def recently_issued(user: User, purpose: Purpose, within: timedelta, now: datetime | None = None) -> bool:
    """True when a link of ``purpose`` was issued to ``user`` less than ``within`` ago."""
    since = (now or utcnow()) - within
    return db.session.scalar(select(AccountToken.id).where(
        AccountToken.user_id == user.id, AccountToken.purpose == purpose,
        AccountToken.created_dt > since).limit(1)) is not None


def pending_invitation(user: User, now: datetime | None = None) -> AccountToken | None:
    return db.session.scalars(select(AccountToken).where(
        AccountToken.user_id == user.id, AccountToken.purpose == Purpose.INVITATION,
        AccountToken.used_dt.is_(None), AccountToken.expires_dt > (now or utcnow()))).first()
