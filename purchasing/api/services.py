"""Use cases on API tokens: issue, authenticate, list, revoke. Never commit."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.sql import Select

from purchasing.accounts.models import User
from purchasing.api.models import ApiToken
from purchasing.db_types import utcnow
from purchasing.extensions import db
from purchasing.security import services as security
from purchasing.security.models import EventKind

#: "last used" is written at most once per this interval, so that reads do not write on every request
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def issue_token(user: User, name: str = "") -> tuple[ApiToken, str]:
    """Create a token for ``user``; return the row and the secret (shown once, never stored)."""
    secret = secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=(name or "").strip()[:100], token_hash=hash_token(secret))
    db.session.add(token)
    db.session.flush()
    security.record(EventKind.TOKEN_CREATION, user=user, actor=user, detail=f"jeton n° {token.id} « {token.name} »")
    return token, secret


def user_for_token(secret: str) -> User | None:
    """The enabled user owning this valid (not revoked) token, else None.

    Records the last use (at most once per LAST_USED_RESOLUTION) as a pending change: the caller
    commits it (``framework._authenticate`` does, before the view runs, so a GET keeps it too).
    """
    if not secret or len(secret) > 200:
        return None
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == hash_token(secret), ApiToken.revoked_dt.is_(None))
        .options(db.joinedload(ApiToken.user))
    )
    if token is None or not token.user.is_enabled:
        return None
    now = utcnow()
    if token.last_used_dt is None or now - token.last_used_dt >= LAST_USED_RESOLUTION:
        token.last_used_dt = now
    return token.user


def tokens_of(user_id: int) -> Select:
    """A user's tokens, newest first (revoked ones included, for the record)."""
    return select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.created_dt.desc(),
                                                                         ApiToken.id.desc())


def token_of(user_id: int, token_id: int) -> ApiToken | None:
    return db.session.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user_id))


def revoke_token(token: ApiToken, *, actor: User | None = None) -> ApiToken:
    """Revoke one token (idempotent: an already revoked token keeps its revocation date)."""
    if token.revoked_dt is None:
        token.revoked_dt = utcnow()
        db.session.flush()
        security.record(EventKind.TOKEN_REVOCATION, user=token.user, actor=actor,
                        detail=f"jeton n° {token.id} « {token.name} »")
    return token


def revoke_all_tokens(user_id: int, *, actor: User | None = None) -> int:
    """Revoke every active token of a user; return how many were revoked."""
    result = db.session.execute(
        update(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_dt.is_(None))
        .values(revoked_dt=utcnow()).execution_options(synchronize_session=False)
    )
    db.session.flush()
    count = result.rowcount or 0
    if count:
        security.record(EventKind.TOKEN_REVOCATION, user=db.session.get(User, user_id), actor=actor,
                        detail=f"{count} jeton(s), tous ceux de l'utilisateur")
    return count
