"""Recording and reading security events. Never commit: the event is written in the request's transaction.

A failed login is the one case where the request's only write is the attempt itself (its counters and
its event): the login view commits that transaction although the login fails, see ``accounts.views.login``.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from flask import g, has_request_context, request
from sqlalchemy import and_, delete, or_, select
from sqlalchemy.orm import aliased, joinedload
from sqlalchemy.sql import Select

from purchasing.accounts.models import LoginAddressThrottle, LoginThrottle, User
from purchasing.db_types import utcnow
from purchasing.extensions import db
from purchasing.security.models import Outcome, SecurityEvent


def email_key(email: str) -> str:
    """SHA-256 of the lower-cased, stripped email (the same key as the login throttle's)."""
    return hashlib.sha256((email or "").strip().lower().encode("utf-8", "surrogatepass")).hexdigest()


def client_address() -> str:
    """The client's IP address, as seen through the configured trusted proxies (ProxyFix)."""
    if not has_request_context():
        return ""
    return (request.remote_addr or "")[:45]


def _channel() -> str:
    if not has_request_context():
        return "cli"
    return "api" if request.path.startswith("/api/") else "web"


def record(kind: str, *, outcome: str = Outcome.SUCCESS, user: User | None = None, actor: User | None = None,
           email: str | None = None, detail: str = "") -> SecurityEvent:
    """Add one security event to the current transaction (who, when, from where, outcome)."""
    event = SecurityEvent(
        kind=kind, outcome=outcome, user_id=user.id if user is not None else None,
        actor_id=actor.id if actor is not None else None,
        email_key=email_key(email if email is not None else (user.email if user is not None else "")) or None,
        client_address=client_address(), channel=_channel(),
        request_id=(g.get("request_id", "") if has_request_context() else "")[:64], detail=(detail or "")[:300],
    )
    db.session.add(event)
    db.session.flush()
    return event


@dataclass
class EventFilter:
    kind: str | None = None
    outcome: str | None = None
    #: an email (matched exactly, also for emails without an account) or part of a user's email or name
    who: str = ""
    since: date | None = None
    until: date | None = None


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def search_events(criteria: EventFilter) -> Select:
    """Security events matching ``criteria``, newest first (administrators only: every member's users)."""
    subject = aliased(User)
    stmt = select(SecurityEvent).outerjoin(subject, SecurityEvent.user_id == subject.id)
    if criteria.kind:
        stmt = stmt.where(SecurityEvent.kind == criteria.kind)
    if criteria.outcome:
        stmt = stmt.where(SecurityEvent.outcome == criteria.outcome)
    who = (criteria.who or "").strip().lower()
    if who:
        stmt = stmt.where(or_(SecurityEvent.email_key == email_key(who),
                              subject.email.contains(who, autoescape=True)))
    if criteria.since:
        stmt = stmt.where(SecurityEvent.created_dt >= _start_of(criteria.since))
    if criteria.until:
        stmt = stmt.where(SecurityEvent.created_dt < _start_of(criteria.until + timedelta(days=1)))
    return stmt.options(joinedload(SecurityEvent.user), joinedload(SecurityEvent.actor)) \
        .order_by(SecurityEvent.created_dt.desc(), SecurityEvent.id.desc())


def prune(*, keep_events: timedelta, forget_failures: timedelta, now: datetime | None = None) -> tuple[int, int]:
    """Delete security events older than ``keep_events`` and the throttle rows that hold nothing any more
    (no failure within ``forget_failures``, no delay or lock running). Returns (events, throttle rows)."""
    now = now or utcnow()
    events = db.session.execute(delete(SecurityEvent).where(SecurityEvent.created_dt < now - keep_events)
                                .execution_options(synchronize_session=False)).rowcount or 0
    rows = 0
    for model, until in ((LoginThrottle, LoginThrottle.delayed_until_dt),
                         (LoginAddressThrottle, LoginAddressThrottle.locked_until_dt)):
        idle = and_(or_(model.last_failure_dt.is_(None), model.last_failure_dt < now - forget_failures),
                    or_(until.is_(None), until < now))
        rows += db.session.execute(delete(model).where(idle).execution_options(synchronize_session=False)).rowcount or 0
    db.session.flush()
    return events, rows
