"""Accounts by e-mail: invitations, forgotten passwords, e-mail address changes. Flushes, never commits.

Links are signed, single-use and expiring (``purchasing.accounts.tokens``); the messages go through the
outbox in the same transaction. Setting a password ends the user's other sessions (``end_other_sessions``).
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app

from sqlalchemy import select

from purchasing.accounts import tokens
from purchasing.accounts.models import User
from purchasing.accounts.services import create_user, email_taken, end_sessions, hash_password, normalise_email
from purchasing.security import services as security
from purchasing.security.models import EventKind
from purchasing.accounts.tokens import Purpose
from purchasing.domain.errors import N_, ConflictError
from purchasing.extensions import db
from purchasing.mail import messages


def end_other_sessions(user: User) -> None:
    """Sessions opened before now stop working (the cookies carry the previous ``User.auth_version``)."""
    end_sessions(user)


def invite_user(data, actor) -> User:
    """Create the account without a usable password and mail the invitation (link valid 48 h)."""
    user = create_user(data, secrets.token_urlsafe(32), actor=actor)  # nobody knows it: the invitation sets the real one
    send_invitation(user, actor)
    return user


def send_invitation(user: User, actor, now: datetime | None = None) -> None:
    """(Re)send the invitation: earlier invitation links stop working."""
    if not user.is_enabled:
        raise ConflictError(N_("Ce compte est désactivé : réactivez-le avant d'envoyer une invitation."),
                            code="user_disabled")
    messages.invitation(user, tokens.issue(user, Purpose.INVITATION, now=now), actor)


def request_password_reset(email: str, now: datetime | None = None) -> bool:
    """Mail a reset link (valid 1 h) if an enabled account has this address. The caller answers the same
    either way; the return value is for tests and logs only."""
    user = db.session.scalars(select(User).where(User.email == normalise_email(email))).first()
    if user is None or not user.is_enabled:
        return False
    if tokens.recently_issued(user, Purpose.PASSWORD_RESET,
                              timedelta(seconds=current_app.config["PASSWORD_RESET_COOLDOWN_SECONDS"]), now):
        return False  # someone asks again and again: one mail per cooldown, the same answer on the page
    messages.password_reset(user, tokens.issue(user, Purpose.PASSWORD_RESET, now=now))
    return True


def check_link(token: str, purpose: Purpose, now: datetime | None = None) -> User:
    """The user of a valid link (for showing the form); the link is not used up."""
    return tokens.check(token, purpose, now).user


def set_password_with_link(token: str, purpose: Purpose, password: str, now: datetime | None = None) -> User:
    """Use the link once and set the password; other links and the user's other sessions end."""
    row = tokens.use(token, purpose, now)
    user = row.user
    user.password_hash = hash_password(password)
    for other in (Purpose.PASSWORD_RESET, Purpose.INVITATION):
        tokens.revoke(user, other, now)
    security.record(EventKind.PASSWORD_CHANGE, user=user, actor=user,
                    detail="invitation" if purpose == Purpose.INVITATION else "password_reset")
    end_other_sessions(user)
    return user


def request_email_change(user: User, new_email: str, now: datetime | None = None) -> None:
    """Mail a confirmation link to the new address; the address changes only when it is confirmed."""
    new_email = normalise_email(new_email)
    if new_email == user.email:
        raise ConflictError(N_("C'est déjà l'adresse de votre compte."), code="same_email")
    if email_taken(new_email, exclude_id=user.id):
        raise ConflictError(N_("Un utilisateur a déjà cette adresse e-mail."), code="email_taken")
    messages.email_change(user, new_email, tokens.issue(user, Purpose.EMAIL_CHANGE, new_email=new_email, now=now))


def confirm_email_change(token: str, now: datetime | None = None) -> User:
    row = tokens.use(token, Purpose.EMAIL_CHANGE, now)
    user = row.user
    if email_taken(row.new_email, exclude_id=user.id):
        raise ConflictError(N_("Un utilisateur a déjà cette adresse e-mail."), code="email_taken")
    old_email = user.email
    user.email = row.new_email
    db.session.flush()
    messages.email_changed_notice(user, old_email)
    return user
