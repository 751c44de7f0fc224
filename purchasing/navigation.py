"""Navigation by role. Each area registers its entries here; the layout shows those the user may use."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app, g, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from purchasing.accounts.models import Role


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object  # a lazy string
    roles: frozenset[str]
    order: int
    #: the entry's count for the user (the cart's units…), shown beside the label; None: no count
    count: Callable | None = None
    #: the count said in words for screen readers ("3 articles")
    count_label: Callable | None = None


_ITEMS: list[NavItem] = []


def register(endpoint: str, label, roles, order: int = 50, count=None, count_label=None) -> None:
    """Declare a navigation entry shown to ``roles``. Registering the same endpoint twice is a no-op."""
    if any(item.endpoint == endpoint for item in _ITEMS):
        return
    _ITEMS.append(NavItem(endpoint, label, frozenset(roles), order, count, count_label))


def highlight(endpoint: str) -> None:
    """Mark ``endpoint``'s entry as the current one for this request (a page reached from another entry)."""
    g.nav_active = endpoint


ALL_ROLES = frozenset(r.value for r in Role)
MEMBER_ROLES = {Role.SECRETARY, Role.APPROVER}
STAFF = {Role.ADMIN, Role.PURCHASING_OFFICER, Role.SUSTAINABILITY_OFFICER}

register("main.home", _l("Accueil"), ALL_ROLES, order=0)
register("members.my_member", _l("Mon adhérent"), MEMBER_ROLES, order=80)
register("members.index", _l("Adhérents"), STAFF, order=85)
register("accounts.users", _l("Utilisateurs"), {Role.ADMIN}, order=90)


def items_for(user) -> list[dict]:
    if not getattr(user, "is_authenticated", False):
        return []
    endpoints = current_app.view_functions
    current = request.endpoint or ""
    result = []
    for item in sorted(_ITEMS, key=lambda i: (i.order, str(i.label))):
        if user.role in item.roles and item.endpoint in endpoints:
            area = item.endpoint.split(".")[0]
            override = g.get("nav_active")
            count = item.count(user) if item.count else 0
            result.append({
                "url": url_for(item.endpoint),
                "label": item.label,
                "endpoint": item.endpoint,
                "count": count,
                "count_label": item.count_label(count) if item.count_label and count else "",
                "active": (item.endpoint == override) if override else (
                    current == item.endpoint or (area != "main" and current.startswith(area + ".")
                                                 and item.endpoint.endswith(".index"))),
            })
    return result


def init_app(app: Flask) -> None:
    @app.context_processor
    def inject_navigation():
        return {"nav_items": items_for(current_user)}
