"""Use cases on users: authentication with throttling, creation, changes. Never commit."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.sql import Select
from werkzeug.security import check_password_hash, generate_password_hash

from purchasing.accounts.models import MEMBER_ROLES, LoginThrottle, User
from purchasing.db_types import utcnow
from purchasing.extensions import db


class LoginRefused(Exception):
    """A login attempt that did not succeed. ``locked_minutes`` is set when the email is locked."""

    def __init__(self, locked_minutes: int | None = None):
        super().__init__("login refused")
        self.locked_minutes = locked_minutes


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
    return hashlib.sha256(normalise_email(email).encode()).hexdigest()


def _throttle_for(email: str) -> LoginThrottle:
    key = _email_key(email)
    throttle = db.session.scalar(select(LoginThrottle).where(LoginThrottle.email_key == key))
    if throttle is None:
        throttle = LoginThrottle(email_key=key, failure_count=0)
        db.session.add(throttle)
    return throttle


def authenticate(
    email: str, password: str, *, max_failures: int, lock_minutes: int, now: datetime | None = None
) -> User:
    """Return the user for these credentials, or raise LoginRefused.

    The same answer is given for an unknown email and a wrong password. After ``max_failures``
    failures in a row for one email, that email is locked for ``lock_minutes``, account or not.
    """
    now = now or utcnow()
    throttle = _throttle_for(email)
    if throttle.locked_until_dt is not None and throttle.locked_until_dt > now:
        remaining = throttle.locked_until_dt - now
        raise LoginRefused(locked_minutes=max(1, int(remaining.total_seconds() // 60) + 1))

    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    password_ok = check_password_hash(user.password_hash if user else _dummy_hash(), password or "")
    if user is not None and password_ok and user.is_enabled:
        throttle.failure_count = 0
        throttle.locked_until_dt = None
        throttle.first_failure_dt = None
        user.last_login_dt = now
        db.session.flush()
        return user

    throttle.failure_count += 1
    throttle.first_failure_dt = throttle.first_failure_dt or now
    if throttle.failure_count >= max_failures:
        throttle.locked_until_dt = now + timedelta(minutes=lock_minutes)
        throttle.failure_count = 0
        db.session.flush()
        raise LoginRefused(locked_minutes=lock_minutes)
    db.session.flush()
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


def create_user(data: UserData, password: str) -> User:
    user = User(password_hash=hash_password(password))
    _apply(user, data)
    db.session.add(user)
    db.session.flush()
    return user


def update_user(user: User, data: UserData, new_password: str | None = None) -> User:
    _apply(user, data)
    if new_password:
        user.password_hash = hash_password(new_password)
    db.session.flush()
    return user


def set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    db.session.flush()


def set_locale(user: User, locale: str | None) -> None:
    user.locale = locale
    db.session.flush()


def email_taken(email: str, exclude_id: int | None = None) -> bool:
    stmt = select(User.id).where(User.email == normalise_email(email))
    if exclude_id is not None:
        stmt = stmt.where(User.id != exclude_id)
    return db.session.scalar(stmt) is not None


def search_users(q: str = "", role: str | None = None) -> Select:
    stmt = select(User)
    q = (q or "").strip().lower()
    if q:
        stmt = stmt.where(or_(User.email.contains(q, autoescape=True),
                              func.lower(User.full_name).contains(q, autoescape=True)))
    if role:
        stmt = stmt.where(User.role == role)
    return stmt.order_by(User.email)


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)
