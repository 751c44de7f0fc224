"""Use cases on users: authentication with throttling, creation, changes. Never commit."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from flask import current_app
from sqlalchemy import case, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql import Select
from werkzeug.security import check_password_hash, generate_password_hash

from purchasing.accounts.models import MEMBER_ROLES, LoginAddressThrottle, LoginThrottle, User
from purchasing.db_types import utcnow
from purchasing.domain.login_throttle import ThrottlePolicy, address_locked_until, email_delay, wait_before_attempt
from purchasing.extensions import db
from purchasing.security import services as security
from purchasing.security.models import EventKind, Outcome


class LoginRefused(Exception):
    """A login attempt that did not succeed.

    ``retry_after`` is set when the email is delayed or the (email, address) pair locked: the attempt was
    refused (or, for the failure that started it, checked then refused); the answer is then a 429.
    """

    def __init__(self, retry_after: timedelta | None = None):
        super().__init__("login refused")
        self.retry_after = retry_after


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def hash_password(password: str) -> str:
    # scrypt by default; tests configure a cheaper method to stay fast.
    return generate_password_hash(password, method=current_app.config.get("PASSWORD_HASH_METHOD", "scrypt"))


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Checked when the email is unknown, so that a failed login takes the same time either way.
    return generate_password_hash("not-a-real-password")


def _email_key(email: str) -> str:
    return security.email_key(email)


def throttle_policy(config) -> ThrottlePolicy:
    """The throttling rules from the settings (LOGIN_*)."""
    return ThrottlePolicy(
        max_failures=config["LOGIN_MAX_FAILURES"],
        base_delay=timedelta(seconds=config["LOGIN_DELAY_SECONDS"]),
        max_delay=timedelta(seconds=config["LOGIN_MAX_DELAY_SECONDS"]),
        address_lock=timedelta(minutes=config["LOGIN_LOCK_MINUTES"]),
        failure_memory=timedelta(hours=config["LOGIN_FAILURE_MEMORY_HOURS"]),
    )


def _upsert_and_lock(model, **key):
    """The throttle row for ``key``, created if missing, locked until the end of the transaction.

    ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` (PostgreSQL; SQLite >= 3.35): parallel first attempts for
    an unseen email never collide on the unique key, and the (no-op) update takes the row lock, so parallel
    attempts for one email are checked one after the other and each sees the counts of those before it.
    """
    dialect = db.engine.dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(model).values(failure_count=0, **key)
    stmt = stmt.on_conflict_do_update(index_elements=list(key), set_={"failure_count": model.failure_count})
    columns = [model.id, model.failure_count,
               model.delayed_until_dt if model is LoginThrottle else model.locked_until_dt]
    return db.session.execute(stmt.returning(*columns)).one()


def _count_failure(model, row_id: int, now: datetime, policy: ThrottlePolicy) -> int:
    """One more failure, atomically (forgetting failures older than the policy's memory); the new count."""
    stale = or_(model.last_failure_dt.is_(None), model.last_failure_dt < now - policy.failure_memory)
    return db.session.execute(
        update(model).where(model.id == row_id)
        .values(failure_count=case((stale, 1), else_=model.failure_count + 1), last_failure_dt=now)
        .returning(model.failure_count).execution_options(synchronize_session=False)
    ).scalar_one()


def authenticate(email: str, password: str, *, client_address: str, policy: ThrottlePolicy,
                 now: datetime | None = None) -> User:
    """Return the user for these credentials, or raise LoginRefused.

    The same answer is given for an unknown email, a wrong password and a disabled account. After
    ``policy.max_failures`` failures in a row for one email, each attempt for it waits a delay doubling
    with each further failure (from any address); after as many failures from one address, that
    (email, address) pair is locked for ``policy.address_lock``. Attempts during a delay or lock are
    refused without checking the password. Every attempt is recorded in the security log.
    """
    key = _email_key(email)
    address = (client_address or "")[:45]
    # Always the email's row first, then the pair's: one lock order, no deadlock.
    email_row = _upsert_and_lock(LoginThrottle, email_key=key)
    pair_row = _upsert_and_lock(LoginAddressThrottle, email_key=key, client_address=address)
    now = now or utcnow()  # once the rows are ours: a wait for the lock does not shorten the next delay
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))

    wait = wait_before_attempt(email_row.delayed_until_dt, pair_row.locked_until_dt, now)
    if wait > timedelta(0):
        security.record(EventKind.LOGIN, outcome=Outcome.REFUSED, user=user, email=email,
                        detail=f"attente {int(wait.total_seconds()) + 1} s")
        raise LoginRefused(retry_after=wait)

    password_ok = check_password_hash(user.password_hash if user else _dummy_hash(), password or "")
    if user is not None and password_ok and user.is_enabled:
        db.session.execute(update(LoginThrottle).where(LoginThrottle.id == email_row.id)
                           .values(failure_count=0, last_failure_dt=None, delayed_until_dt=None)
                           .execution_options(synchronize_session=False))
        db.session.execute(update(LoginAddressThrottle).where(LoginAddressThrottle.id == pair_row.id)
                           .values(failure_count=0, last_failure_dt=None, locked_until_dt=None)
                           .execution_options(synchronize_session=False))
        user.last_login_dt = now
        security.record(EventKind.LOGIN, user=user, actor=user)
        return user

    email_failures = _count_failure(LoginThrottle, email_row.id, now, policy)
    pair_failures = _count_failure(LoginAddressThrottle, pair_row.id, now, policy)
    delay = email_delay(email_failures, policy)
    locked_until = address_locked_until(pair_failures, now, policy)
    if delay:
        db.session.execute(update(LoginThrottle).where(LoginThrottle.id == email_row.id)
                           .values(delayed_until_dt=now + delay).execution_options(synchronize_session=False))
    if locked_until is not None:
        db.session.execute(update(LoginAddressThrottle).where(LoginAddressThrottle.id == pair_row.id)
                           .values(locked_until_dt=locked_until, failure_count=0)
                           .execution_options(synchronize_session=False))
    reason = "compte inconnu" if user is None else ("compte désactivé" if password_ok else "mot de passe erroné")
    if delay or locked_until is not None:
        wait = max(delay, (locked_until - now) if locked_until is not None else timedelta(0))
        security.record(EventKind.LOGIN, outcome=Outcome.LOCKED, user=user, email=email,
                        detail=f"{reason} ; {email_failures} échecs pour l'adresse e-mail, "
                               f"attente {int(wait.total_seconds())} s"
                               + (" ; adresse client verrouillée" if locked_until is not None else ""))
        raise LoginRefused(retry_after=wait)
    security.record(EventKind.LOGIN, outcome=Outcome.FAILURE, user=user, email=email,
                    detail=f"{reason} ; {email_failures} échec(s) pour l'adresse e-mail")
    raise LoginRefused()


@dataclass
class UserData:
    email: str
    full_name: str
    role: str
    member_id: int | None
    is_enabled: bool = True
    locale: str | None = None


def _apply(user: User, data: UserData) -> None:
    user.email = normalise_email(data.email)
    user.full_name = data.full_name.strip()
    user.role = data.role
    user.member_id = data.member_id if data.role in MEMBER_ROLES else None
    user.is_enabled = data.is_enabled
    user.locale = data.locale or None


def create_user(data: UserData, password: str, *, actor: User | None = None) -> User:
    user = User(password_hash=hash_password(password))
    _apply(user, data)
    db.session.add(user)
    db.session.flush()
    security.record(EventKind.USER_CREATION, user=user, actor=actor, detail=f"rôle {user.role}")
    return user


def end_sessions(user: User) -> None:
    """Invalidate every session of ``user``: the cookies carry the previous ``auth_version``.

    API tokens are not touched: they are revoked one by one (``api.services.revoke_token``).
    """
    user.auth_version = (user.auth_version or 1) + 1
    db.session.flush()


def update_user(user: User, data: UserData, new_password: str | None = None, *, actor: User | None = None) -> User:
    """An administrator's changes; a role change, a deactivation or a new password ends the user's sessions."""
    previous_role, was_enabled = user.role, user.is_enabled
    _apply(user, data)
    ends_sessions = False
    if user.role != previous_role:
        security.record(EventKind.ROLE_CHANGE, user=user, actor=actor, detail=f"{previous_role} → {user.role}")
        ends_sessions = True
    if was_enabled and not user.is_enabled:
        security.record(EventKind.DEACTIVATION, user=user, actor=actor)
        ends_sessions = True
    elif user.is_enabled and not was_enabled:
        security.record(EventKind.REACTIVATION, user=user, actor=actor)
    if new_password:
        user.password_hash = hash_password(new_password)
        security.record(EventKind.PASSWORD_CHANGE, user=user, actor=actor, detail="par un administrateur")
        ends_sessions = True
    if ends_sessions:
        end_sessions(user)
    db.session.flush()
    return user


def set_password(user: User, password: str) -> None:
    """The user's own password change: every session of the user ends (the caller renews its own)."""
    user.password_hash = hash_password(password)
    security.record(EventKind.PASSWORD_CHANGE, user=user, actor=user)
    end_sessions(user)


def logout(user: User) -> None:
    """Logging out ends every session of the user, on every device."""
    security.record(EventKind.LOGOUT, user=user, actor=user)
    end_sessions(user)


def set_locale(user: User, locale: str | None) -> None:
    user.locale = locale
    db.session.flush()


def email_taken(email: str, exclude_id: int | None = None) -> bool:
    stmt = select(User.id).where(User.email == normalise_email(email))
    if exclude_id is not None:
        stmt = stmt.where(User.id != exclude_id)
    return db.session.scalar(stmt) is not None


def search_users(q: str = "", role: str | None = None, without_member: bool = False) -> Select:
    """Users by e-mail or name; ``without_member``: secretaries and approvers attached to no member (they can
    do nothing until an administrator attaches them)."""
    stmt = select(User)
    if without_member:
        stmt = stmt.where(User.role.in_([r.value for r in MEMBER_ROLES]), User.member_id.is_(None))
    q = (q or "").strip().lower()
    if q:
        stmt = stmt.where(or_(User.email.contains(q, autoescape=True),
                              func.lower(User.full_name).contains(q, autoescape=True)))
    if role:
        stmt = stmt.where(User.role == role)
    return stmt.order_by(User.email)


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)
