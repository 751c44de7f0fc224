"""Member isolation in one place.

Every query on member-owned data goes through :func:`member_scope` or :func:`get_scoped_or_404`:
a user attached to a member sees only that member's rows; syndicate staff see every member's rows
(what they may *do* is checked by role on each view). Another member's object is a 404, never a
403, so that its existence is not revealed.
"""
from __future__ import annotations

from typing import Any

from flask import abort
from flask_login import current_user
from sqlalchemy import false, select
from sqlalchemy.sql import Select

from purchasing.extensions import db


def owner_column(model: Any):
    """The column naming the member that owns rows of ``model`` (declared as ``__owner_column__``)."""
    name = getattr(model, "__owner_column__", None)
    if name is None:
        raise TypeError(f"{model.__name__} declares no __owner_column__: it is not member-owned")
    return getattr(model, name)


def member_scope(stmt: Select, model: Any, user: Any = None) -> Select:
    """Restrict ``stmt`` on ``model`` to what ``user`` (default: the current user) may see."""
    user = user if user is not None else current_user
    if not getattr(user, "is_authenticated", False):
        return stmt.where(false())
    if user.is_staff:
        return stmt
    if user.member_id is None:
        return stmt.where(false())
    return stmt.where(owner_column(model) == user.member_id)


def scoped_select(model: Any, user: Any = None) -> Select:
    return member_scope(select(model), model, user)


def get_scoped_or_404(model: Any, ident: Any, user: Any = None, *, column: Any = None):
    """Load one member-owned object by primary key (or ``column``) within the user's scope, else 404."""
    key = column if column is not None else model.id
    stmt = member_scope(select(model).where(key == ident), model, user)
    obj = db.session.scalars(stmt).first()
    if obj is None:
        abort(404)
    return obj
