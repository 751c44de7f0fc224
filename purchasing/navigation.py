"""Navigation by role. Each area registers its entries here; the layout shows those the user may use.

Entries may belong to a group (the markets, the equipment, the reports, the administration): a group the user
has two entries or more of is shown as one disclosure (``<details>``, no script needed), so that the menu stays
on one line; a group with one entry for the user shows that entry directly. Exactly one entry is current
(``aria-current="page"``): the entry of the page itself, else the entry that covers it (``covers``), else the
``.index`` entry of the page's area.
"""
from __future__ import annotations

from collections.abc import Callable

from dataclasses import dataclass
from functools import lru_cache

from flask import Flask, current_app, g, request, url_for
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
    #: other endpoints whose pages belong to this entry (e.g. a contract's page to "Contrats")
    covers: frozenset[str] = frozenset()
    #: the entry's count for the user (the cart's units…), shown beside the label; None: no count
    count: Callable | None = None
    #: the count said in words for screen readers ("3 articles")
    count_label: Callable | None = None


_ITEMS: list[NavItem] = []

#: group of an entry (by endpoint), and each group's label and place in the menu
GROUPS = {
    "markets": (_l("Marchés"), 30),
    "equipment": (_l("Parc"), 40),
    "reports": (_l("Rapports"), 70),
    "admin": (_l("Administration"), 85),
}
GROUP_OF = {
    "purchase_orders.index": "markets", "purchase_orders.contracts": "markets", "suppliers.index": "markets",
    "tenders.index": "markets", "decp.index": "markets",
    "lifecycle.index": "equipment", "lifecycle.pool": "equipment", "lifecycle.audits": "equipment",
    "lifecycle.import_inventory": "equipment",
    "reports.sustainability": "reports", "reports.agec_declaration": "reports", "pricing.transparency": "reports",
    "members.index": "admin", "accounts.users": "admin", "pricing.index": "admin", "syndicate.identity": "admin",
    "security.log": "admin", "mail.outbox": "admin",
}


def register(endpoint: str, label, roles, order: int = 50, covers=(), count=None, count_label=None) -> None:
    """Declare a navigation entry shown to ``roles``. Registering the same endpoint twice is a no-op."""
    if any(item.endpoint == endpoint for item in _ITEMS):
        return
    _ITEMS.append(NavItem(endpoint, label, frozenset(roles), order, frozenset(covers), count, count_label))


ALL_ROLES = frozenset(r.value for r in Role)
MEMBER_ROLES = {Role.SECRETARY, Role.APPROVER}
STAFF = {Role.ADMIN, Role.PURCHASING_OFFICER, Role.SUSTAINABILITY_OFFICER}

register("main.home", _l("Accueil"), ALL_ROLES, order=0)
register("members.my_member", _l("Mon adhérent"), MEMBER_ROLES, order=80)
register("members.index", _l("Adhérents"), STAFF, order=85)
register("accounts.users", _l("Utilisateurs"), {Role.ADMIN}, order=90)


def set_current(endpoint: str) -> None:
    """Say which entry the page being built belongs to, when it depends on the object shown (e.g. an order that
    waits for the approver's decision belongs to "À approuver", not "Commandes")."""
    g.nav_current = endpoint


#: the same, as the forms' pages call it
highlight = set_current


def current_entry(items: list[NavItem], endpoint: str) -> str | None:
    """The one entry current on the page of ``endpoint``: the one the view chose (``set_current``), its own,
    else one covering it, else its area's index."""
    chosen = g.get("nav_current")
    if chosen and any(item.endpoint == chosen for item in items):
        return chosen
    if any(item.endpoint == endpoint for item in items):
        return endpoint
    for item in items:
        if endpoint in item.covers:
            return item.endpoint
    area = endpoint.split(".")[0]
    if area != "main":
        for item in items:
            if item.endpoint == f"{area}.index":
                return item.endpoint
    return None


@lru_cache(maxsize=32)
def _sorted_items(locale: str, count: int) -> tuple[NavItem, ...]:
    """The menu in its order (then by label in ``locale``): sorted once per language, not on every page
    (``count``: items registered so far, so that a later registration is not missed)."""
    return tuple(sorted(_ITEMS[:count], key=lambda i: (i.order, str(i.label))))


def _static_entries(user) -> tuple[tuple[NavItem, str, str], ...]:
    """(entry, URL, label) of the entries ``user``'s role sees, in order, in the page's language: what does not
    change from one page to the next, built once per app, role, language and script root."""
    locale = str(get_locale())
    key = (user.role, locale, request.script_root, len(_ITEMS))
    menus = current_app.extensions.setdefault("navigation_menus", {})
    entries = menus.get(key)
    if entries is None:
        endpoints = current_app.view_functions
        entries = tuple((item, url_for(item.endpoint), str(item.label))
                        for item in _sorted_items(locale, len(_ITEMS))
                        if user.role in item.roles and item.endpoint in endpoints)
        menus[key] = entries
    return entries


def items_for(user) -> list[dict]:
    """The user's menu: entries and groups in order; each group holds its entries (``children``)."""
    if not getattr(user, "is_authenticated", False):
        return []
    static = _static_entries(user)
    current = current_entry([item for item, _url, _label in static], request.endpoint or "")
    entries = []
    for item, url, label in static:
        count = item.count(user) if item.count else 0
        entries.append({"url": url, "label": label, "endpoint": item.endpoint,
                        "active": item.endpoint == current, "order": item.order, "group": GROUP_OF.get(item.endpoint),
                        "count": count,
                        "count_label": item.count_label(count) if item.count_label and count else ""})
    sizes: dict[str, int] = {}
    for entry in entries:
        if entry["group"]:
            sizes[entry["group"]] = sizes.get(entry["group"], 0) + 1
    result: list[dict] = []
    groups: dict[str, dict] = {}
    for entry in entries:
        name = entry["group"]
        if not name or sizes[name] < 2:
            result.append(entry)
            continue
        if name not in groups:
            label, order = GROUPS[name]
            groups[name] = {"group": name, "label": str(label), "order": order, "children": [], "active": False}
            result.append(groups[name])
        groups[name]["children"].append(entry)
        groups[name]["active"] = groups[name]["active"] or entry["active"]
    result.sort(key=lambda e: e["order"])
    return result


def flat_items(items: list[dict]) -> list[dict]:
    """Every entry of a menu built by ``items_for``, groups opened."""
    return [child for entry in items for child in (entry.get("children") or [entry])]


def init_app(app: Flask) -> None:
    @app.context_processor
    def inject_navigation():
        return {"nav_items": items_for(current_user)}
