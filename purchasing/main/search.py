"""The header's global search: tags, serial numbers, order and purchase-order references, members, products.

Lookups are indexed prefix matches (decided for issue 15): what is typed is the beginning of a tag, a serial
number, a reference, a SIREN, a member's name (accents and case folded) or a product's brand and model (the
folded search text starts with them), or a product's exact manufacturer reference. Each prefix is a range on
the indexed column (``col >= p AND col < p + U+10FFFF``), which a B-tree index serves in any collation, plus
the LIKE that keeps the match exact. A word in the middle of a name is not found here: the catalogue and the
member list keep their own full search, linked from the results.

Results are grouped by kind, bounded (``PER_KIND`` each, the next one read only to say "more"), and scoped as
the lists are: a member user finds her member's assets and orders only, and her own member; purchase orders
are for the purchasing officers and the administrator.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, false, or_, select
from sqlalchemy.orm import joinedload

from lifecycle.assets.models import Asset
from purchasing.accounts.models import Role
from purchasing.catalogue.models import Product
from purchasing.extensions import db
from purchasing.members.models import Member, fold_for_search
from purchasing.orders.models import Order
from purchasing.purchase_orders.models import PurchaseOrder
from purchasing.scoping import member_scope

PER_KIND = 10
MIN_LENGTH = 2
MAX_LENGTH = 100
_TOP = "\U0010ffff"
PURCHASE_ORDER_ROLES = (Role.ADMIN, Role.PURCHASING_OFFICER)


def prefix(column, text: str):
    """``column`` starts with ``text``: an index range, and the LIKE that keeps it exact."""
    return and_(column >= text, column < text + _TOP, column.startswith(text, autoescape=True))


@dataclass
class Group:
    kind: str
    items: list = field(default_factory=list)
    #: more than PER_KIND matched
    more: bool = False


@dataclass
class Results:
    q: str
    groups: list[Group] = field(default_factory=list)
    #: why the query was not searched: "too_short" (the page says it in the user's language)
    problem: str | None = None

    @property
    def total(self) -> int:
        return sum(len(g.items) for g in self.groups)


def _bounded(kind: str, stmt) -> Group:
    rows = list(db.session.scalars(stmt).unique())
    return Group(kind, rows[:PER_KIND], len(rows) > PER_KIND)


def normalise(q: str | None) -> str:
    return " ".join((q or "").split())[:MAX_LENGTH]


def kind_statements(q: str, user) -> dict:
    """One bounded, scoped statement per kind the user may search (``q`` already normalised)."""
    upper, folded, digits = q.upper(), fold_for_search(q), q.replace(" ", "")
    statements = {
        "assets": member_scope(
            select(Asset).options(joinedload(Asset.member), joinedload(Asset.category), joinedload(Asset.product))
            .where(or_(prefix(Asset.tag, upper), prefix(Asset.serial_number, q), prefix(Asset.serial_number, upper)))
            .order_by(Asset.tag), Asset, user),
        "orders": member_scope(
            select(Order).options(joinedload(Order.member))
            .where(Order.status != "draft", prefix(Order.reference, upper)).order_by(Order.reference), Order, user),
    }
    if user.role in PURCHASE_ORDER_ROLES:
        statements["purchase_orders"] = (select(PurchaseOrder).options(joinedload(PurchaseOrder.supplier))
                                         .where(prefix(PurchaseOrder.reference, upper))
                                         .order_by(PurchaseOrder.reference))
    members = select(Member).where(or_(prefix(Member.search_name, folded),
                                       prefix(Member.siren, digits) if digits.isdigit() else false()))
    if not user.is_staff:  # a member user may open her own member's page only
        members = members.where(Member.id == (user.member_id or 0))
    statements["members"] = members.order_by(Member.search_name, Member.id)
    statements["products"] = (select(Product).options(joinedload(Product.category))
                              .where(Product.is_active.is_(True),
                                     or_(prefix(Product.search_text, folded), Product.manufacturer_ref == q))
                              .order_by(Product.search_text, Product.id))
    return {kind: stmt.limit(PER_KIND + 1) for kind, stmt in statements.items()}


def search(q: str | None, user) -> Results:
    """Everything ``user`` may see that starts with ``q``, grouped by kind (empty groups left out)."""
    q = normalise(q)
    results = Results(q)
    if not q:
        return results
    if len(q) < MIN_LENGTH:
        results.problem = "too_short"
        return results
    groups = [_bounded(kind, stmt) for kind, stmt in kind_statements(q, user).items()]
    results.groups = [g for g in groups if g.items]
    return results
