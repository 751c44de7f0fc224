"""Navigation by role. Each area registers its entries here; the layout shows those the user may use."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from flask import Flask, current_app, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from purchasing.accounts.models import Role


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object  # a lazy string
    roles: frozenset[str]
    order: int


_ITEMS: list[NavItem] = []


def register(endpoint: str, label, roles, order: int = 50) -> None:
    """Declare a navigation entry shown to ``roles``. Registering the same endpoint twice is a no-op."""
    if any(item.endpoint == endpoint for item in _ITEMS):
        return
    _ITEMS.append(NavItem(endpoint, label, frozenset(roles), order))


ALL_ROLES = frozenset(r.value for r in Role)
MEMBER_ROLES = {Role.SECRETARY, Role.APPROVER}
STAFF = {Role.ADMIN, Role.PURCHASING_OFFICER, Role.SUSTAINABILITY_OFFICER}

register("main.home", _l("Accueil"), ALL_ROLES, order=0)
register("members.my_member", _l("Mon adhérent"), MEMBER_ROLES, order=80)
register("members.index", _l("Adhérents"), STAFF, order=85)
register("accounts.users", _l("Utilisateurs"), {Role.ADMIN}, order=90)


@lru_cache(maxsize=32)
def _sorted_items(locale: str, count: int) -> tuple[NavItem, ...]:
    """The menu in its order (then by label in ``locale``): sorted once per language, not on every page
    (``count``: items registered so far, so that a later registration is not missed)."""
    return tuple(sorted(_ITEMS[:count], key=lambda i: (i.order, str(i.label))))


def items_for(user) -> list[dict]:
    if not getattr(user, "is_authenticated", False):
        return []
    endpoints = current_app.view_functions
    current = request.endpoint or ""
    result = []
    for item in _sorted_items(str(get_locale()), len(_ITEMS)):
        if user.role in item.roles and item.endpoint in endpoints:
            area = item.endpoint.split(".")[0]
            result.append({
                "url": url_for(item.endpoint),
                "label": item.label,
                "endpoint": item.endpoint,
                "active": current == item.endpoint or (area != "main" and current.startswith(area + ".")
                                                      and item.endpoint.endswith(".index")),
            })
    return result


def init_app(app: Flask) -> None:
    @app.context_processor
    def inject_navigation():
        return {"nav_items": items_for(current_user)}
