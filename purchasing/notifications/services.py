"""In-app notifications. Services flush, never commit."""
from __future__ import annotations

from sqlalchemy import bindparam, func, select, update

from purchasing.accounts.models import User
from purchasing.extensions import db
from purchasing.notifications.models import Notification


def notify(users, text: str, link: str = "") -> int:
    count = 0
    for user in users:
        db.session.add(Notification(user_id=user.id, text=text[:500], link=link[:300]))
        count += 1
    db.session.flush()
    return count


def users_with_role(role: str, member_id: int | None = None) -> list[User]:
    stmt = select(User).where(User.role == role, User.is_enabled.is_(True))
    if member_id is not None:
        stmt = stmt.where(User.member_id == member_id)
    return list(db.session.scalars(stmt))


#: built once: every page's layout counts the user's unread notifications
_UNREAD = select(func.count(Notification.id)).where(Notification.user_id == bindparam("user_id"),
                                                    Notification.is_read.is_(False))


def unread_count(user) -> int:
    return db.session.scalar(_UNREAD, {"user_id": user.id}) or 0


def for_user(user):
    return select(Notification).where(Notification.user_id == user.id).order_by(Notification.id.desc())


def mark_all_read(user) -> None:
    db.session.execute(update(Notification).where(Notification.user_id == user.id, Notification.is_read.is_(False))
                       .values(is_read=True))
    db.session.flush()


def settle(role: str, member_id: int, link_path: str) -> int:
    """A decision was taken: the requests for it (notifications with this link sent to the member's users of this
    role) stop showing as new, for every recipient — whoever decided. Returns how many were settled."""
    recipients = select(User.id).where(User.role == role, User.member_id == member_id)
    result = db.session.execute(update(Notification)
                                .where(Notification.link == link_path[:300], Notification.is_read.is_(False),
                                       Notification.user_id.in_(recipients))
                                .values(is_read=True).execution_options(synchronize_session=False))
    db.session.flush()
    return result.rowcount or 0


def link(endpoint: str, **values) -> str:
    """A path for a notification, also outside a request (CLI, tests, background jobs)."""
    from flask import current_app, has_request_context, url_for

    if has_request_context():
        return url_for(endpoint, **values)
    return current_app.url_map.bind("localhost").build(endpoint, values)
