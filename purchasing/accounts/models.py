"""User accounts and login throttling."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from purchasing.db_types import UTCDateTime, utcnow
from purchasing.extensions import db
from purchasing.members.models import Member


class Role(StrEnum):
    SECRETARY = "secretary"  # secrétaire de mairie: orders, manages her member's equipment
    APPROVER = "approver"  # maire, DGS: approves the member's orders above its threshold
    PURCHASING_OFFICER = "purchasing_officer"
    SUSTAINABILITY_OFFICER = "sustainability_officer"
    ADMIN = "admin"


#: Roles attached to one member; the others are syndicate staff.
MEMBER_ROLES = frozenset({Role.SECRETARY, Role.APPROVER})
#: Syndicate staff read every member's data (their pages are still role-checked).
STAFF_ROLES = frozenset({Role.PURCHASING_OFFICER, Role.SUSTAINABILITY_OFFICER, Role.ADMIN})


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: stored lower-cased
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    #: one of Role
    role: Mapped[str] = mapped_column(String(32), index=True)
    #: set for member roles (secretary, approver), empty for syndicate staff
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), index=True)
    is_enabled: Mapped[bool] = mapped_column(default=True)
    #: "fr" or "en"; empty: follow the browser's Accept-Language
    locale: Mapped[str | None] = mapped_column(String(8))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: increased by logout, a password change, a role change and a deactivation: every session cookie
    #: carries the value it was opened with (``get_id``), so the older sessions stop working at once
    auth_version: Mapped[int] = mapped_column(default=1, server_default="1")

    member: Mapped[Member | None] = relationship()

    # Flask-Login
    def get_id(self) -> str:
        """What the session cookie stores: "<id>:<auth_version>" (checked by ``accounts.views.load_user``)."""
        return f"{self.id}:{self.auth_version}"

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.is_enabled

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


class LoginThrottle(db.Model):
    """Failed logins per email, kept whether or not an account exists for that email.

    After ``LOGIN_MAX_FAILURES`` failures in a row, each further attempt for the email waits an increasing
    delay (``delayed_until_dt``), from any address. Keeping unknown emails too means the answer never
    reveals whether an account exists. Stored in the database so that every app process agrees; the row is
    upserted and locked for the attempt (``accounts.services.authenticate``), so parallel attempts count.
    """

    __tablename__ = "login_throttle"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 of the lower-cased email: nobody reads attempted emails from this table
    email_key: Mapped[str] = mapped_column(String(64), unique=True)
    #: failures in a row (forgotten after LOGIN_FAILURE_MEMORY_HOURS without a failure)
    failure_count: Mapped[int] = mapped_column(default=0)
    last_failure_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: attempts before this moment are refused without checking the password
    delayed_until_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LoginAddressThrottle(db.Model):
    """Failed logins per (email, client address): the hard lock, which only locks out that address.

    A visitor who guesses passwords for someone else's email locks himself out, not the account's owner.
    """

    __tablename__ = "login_address_throttle"
    __table_args__ = (UniqueConstraint("email_key", "client_address", name="uq_login_address_throttle_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email_key: Mapped[str] = mapped_column(String(64))
    #: the client's IP address as seen through the trusted proxies (TRUSTED_PROXIES)
    client_address: Mapped[str] = mapped_column(String(45))
    failure_count: Mapped[int] = mapped_column(default=0)
    last_failure_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    locked_until_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
