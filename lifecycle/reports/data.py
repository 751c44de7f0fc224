"""Loads the flat tables behind the sustainability report, in SQL, for one scope.

Scopes: the whole territory, an EPCI (its communes and the EPCI itself) or one member. Rows come from
one query per table; carbon factors are resolved once per distinct product, never per row.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pandas as pd
from flask import abort
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from lifecycle.assets.models import Asset
from lifecycle.domain.agec import DEFAULT_DONATION_VALUE_HT, donation_value
from lifecycle.domain.carbon import category_factor, product_footprint, refurbished_avoided_share
from lifecycle.pool.models import PoolListing
from lifecycle.reports.indicators import ASSET_COLUMNS, PURCHASE_COLUMNS, Report, build_report, empty_assets, empty_purchases
from lifecycle.retirement.models import Retirement
from purchasing.accounts.models import MEMBER_ROLES
from purchasing.catalogue.models import Category, Product
from purchasing.domain.errors import DomainError
from purchasing.extensions import db
from purchasing.members.models import Member, MemberKind
from purchasing.orders.models import Order, OrderLine
from purchasing.scoping import get_scoped_or_404

#: Orders count as purchases once approved (the member's commitment), in the year of approval.
PURCHASED_STATUSES = ("approved", "placed", "partially_delivered", "delivered")

#: Value given to a unit claimed from the reuse pool in the purchases share. The pool transfers are free;
#: they count as donations at the flat values of the arrêté of 29 February 2024, per category
#: (lifecycle.domain.agec.donation_value), and at this constant for a category the grid does not fill in.
POOL_CLAIM_VALUE_HT = DEFAULT_DONATION_VALUE_HT


def category_labels(locale: str) -> dict[str, str]:
    return {c.code: c.label(locale) for c in db.session.scalars(select(Category))}


def epci_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(select(Member.id, Member.name).where(Member.kind == MemberKind.EPCI)
                              .order_by(Member.name))
    return [(r.id, r.name) for r in rows]


def member_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(select(Member.id, Member.name).where(Member.is_active.is_(True))
                              .order_by(Member.name, Member.id))
    return [(r.id, r.name) for r in rows]


def epci_of(scope: str, scope_id: int | None) -> int | None:
    """The EPCI to preselect: the scope itself, or the EPCI a member belongs to."""
    if scope == "epci":
        return scope_id
    if scope == "member" and scope_id is not None:
        return db.session.scalar(select(Member.epci_id).where(Member.id == scope_id))
    return None


def scope_target(scope: str, scope_id: int | None) -> str:
    """The scope's display name; 404 when the member or EPCI is unknown or outside the user's scope."""
    if scope == "territory":
        return _("Tout le territoire")
    member = get_scoped_or_404(Member, scope_id)
    if scope == "epci" and member.kind != MemberKind.EPCI:
        abort(404)
    return member.name


class ScopeIdRequired(DomainError):
    """An EPCI or member report without saying which one."""

    code = "scope_id_required"
    http_status = 400
    default_message = "Choisissez l'EPCI ou l'adhérent."


def default_scope(user) -> str:
    """A member user's report is their member's; staff start from the whole territory."""
    return "member" if user.role in MEMBER_ROLES else "territory"


def resolve_scope(user, scope: str, scope_id: int | None) -> tuple[str, int | None, str]:
    """Who may see which report (the web page and the API): (scope, scope_id, display name).

    Staff choose any scope. Member users are held to their own member: another scope is a 403, their
    member is the default, another member a 404 (:func:`scope_target`). An EPCI or member scope without
    an id is refused (ScopeIdRequired).
    """
    if user.role in MEMBER_ROLES:
        if scope != "member":
            abort(403)
        if scope_id is None:
            scope_id = user.member_id
    if scope != "territory" and scope_id is None:
        raise ScopeIdRequired(_("Choisissez l'EPCI ou l'adhérent."))
    return scope, scope_id, scope_target(scope, scope_id)


def _member_filter(column, scope: str, scope_id: int | None):
    if scope == "territory":
        return None
    if scope == "member":
        return column == scope_id
    epci_members = select(Member.id).where(or_(Member.epci_id == scope_id, Member.id == scope_id))
    return column.in_(epci_members)


def _product_carbon(product_rows) -> dict[int, tuple[float, float, float, float | None]]:
    """embodied low/central/high and refurbished share per distinct product (NaN when no factor)."""
    year = date.today().year
    result = {}
    for product_id, code, override in product_rows:
        footprint = product_footprint(code, year=year, embodied_override=override)
        share = refurbished_avoided_share(code)
        if footprint.embodied is None:
            result[product_id] = (float("nan"),) * 3 + (share,)
        else:
            e = footprint.embodied
            result[product_id] = (e.low, e.central, e.high, share)
    return result


def order_purchases(scope: str, scope_id: int | None) -> pd.DataFrame:
    purchased_on = func.coalesce(Order.decided_dt, Order.submitted_dt)
    stmt = (select(purchased_on.label("purchased_on"), OrderLine.product_id, OrderLine.quantity,
                   OrderLine.line_total_ht, Product.condition, Product.embodied_kgco2e, Category.code,
                   Category.is_it_equipment, Product.recycled_content_pct)
            .join(Order, OrderLine.order_id == Order.id)
            .join(Product, OrderLine.product_id == Product.id)
            .join(Category, Product.category_id == Category.id)
            .where(Order.status.in_(PURCHASED_STATUSES)))
    condition = _member_filter(Order.member_id, scope, scope_id)
    if condition is not None:
        stmt = stmt.where(condition)
    rows = db.session.execute(stmt).all()
    if not rows:
        return empty_purchases()
    carbon = _product_carbon({(r.product_id, r.code, r.embodied_kgco2e) for r in rows})
    frame = pd.DataFrame({
        "purchased_on": [r.purchased_on for r in rows],
        "category": [r.code for r in rows],
        "is_it": [bool(r.is_it_equipment) for r in rows],
        "origin": ["refurbished" if r.condition == "refurbished" else "new" for r in rows],
        "quantity": [r.quantity for r in rows],
        "amount_ht": [r.line_total_ht for r in rows],
        "embodied_low": [carbon[r.product_id][0] for r in rows],
        "embodied_central": [carbon[r.product_id][1] for r in rows],
        "embodied_high": [carbon[r.product_id][2] for r in rows],
        "refurb_share": [carbon[r.product_id][3] for r in rows],
        "recycled_pct": [r.recycled_content_pct or Decimal("0") for r in rows],
    })
    return frame[PURCHASE_COLUMNS]


def _carbon_frame(keys: set[tuple]) -> pd.DataFrame:
    """Per distinct (product, category, overrides): embodied range, kWh, lifetimes and refurbished share."""
    year = date.today().year
    rows = []
    for product_id, code, embodied_override, kwh_override, lifetime_override in keys:
        factor = category_factor(code)
        default_lifetime = factor.default_lifetime_years if factor else None
        footprint = product_footprint(code, year=year, embodied_override=embodied_override,
                                      annual_kwh_override=kwh_override)
        embodied = footprint.embodied
        nan = float("nan")
        rows.append({
            "product_key": product_id if product_id is not None else -1, "category": code,
            "embodied_low": embodied.low if embodied else nan,
            "embodied_central": embodied.central if embodied else nan,
            "embodied_high": embodied.high if embodied else nan,
            "annual_kwh": footprint.annual_kwh if footprint.annual_kwh is not None else nan,
            "expected_lifetime_years": lifetime_override or default_lifetime or nan,
            "default_lifetime_years": default_lifetime if default_lifetime is not None else nan,
            "refurb_share": refurbished_avoided_share(code),
        })
    return pd.DataFrame(rows)


def assets_frame(scope: str, scope_id: int | None) -> pd.DataFrame:
    """One row per asset of the scope (current owner), retired ones included with their route and date."""
    stmt = (select(Asset.id.label("asset_id"), Asset.member_id, Asset.product_id, Category.code.label("category"),
                   Category.is_it_equipment.label("is_it"), Asset.status, Asset.origin, Asset.condition,
                   Asset.acquisition_date.label("acquired_on"), Retirement.retired_on,
                   Retirement.route.label("retirement_route"), Product.embodied_kgco2e, Product.annual_kwh,
                   Product.expected_lifetime_years, Product.condition.label("product_condition"))
            .join(Category, Asset.category_id == Category.id)
            .outerjoin(Product, Asset.product_id == Product.id)
            .outerjoin(Retirement, Retirement.asset_id == Asset.id))
    condition = _member_filter(Asset.member_id, scope, scope_id)
    if condition is not None:
        stmt = stmt.where(condition)
    frame = pd.read_sql(stmt, db.session.connection())
    if frame.empty:
        return empty_assets()
    keys = {(None if pd.isna(p) else int(p), c, None if pd.isna(e) else float(e), None if pd.isna(k) else float(k),
             None if pd.isna(lt) else float(lt))
            for p, c, e, k, lt in frame[["product_id", "category", "embodied_kgco2e", "annual_kwh",
                                         "expected_lifetime_years"]].itertuples(index=False)}
    carbon = _carbon_frame(keys).drop_duplicates(["product_key", "category"])
    frame["product_key"] = frame["product_id"].fillna(-1).astype(int)
    frame = frame.drop(columns=["embodied_kgco2e", "annual_kwh", "expected_lifetime_years"]).merge(
        carbon, on=["product_key", "category"], how="left")
    # A refurbished device carries (1 − r) of the new device's embodied emissions (carbon-method.md).
    refurbished = (frame["product_condition"] == "refurbished") & frame["refurb_share"].notna()
    for bound in ("low", "central", "high"):
        frame.loc[refurbished, f"embodied_{bound}"] *= 1 - frame.loc[refurbished, "refurb_share"].astype(float)
    frame["is_it"] = frame["is_it"].astype(bool)
    return frame[ASSET_COLUMNS]


def pool_claims(scope: str, scope_id: int | None) -> pd.DataFrame:
    """Units claimed from the reuse pool, valued as donations (donation_value), with the new equivalent's embodied."""
    stmt = (select(PoolListing.claimed_dt.label("purchased_on"), Asset.product_id, Category.code.label("category"),
                   Category.is_it_equipment.label("is_it"), Product.embodied_kgco2e, Product.annual_kwh,
                   Product.expected_lifetime_years)
            .join(Asset, PoolListing.asset_id == Asset.id)
            .join(Category, PoolListing.category_id == Category.id)
            .outerjoin(Product, Asset.product_id == Product.id)
            .where(PoolListing.status == "claimed", PoolListing.claimed_dt.is_not(None)))
    condition = _member_filter(PoolListing.claimed_by_member_id, scope, scope_id)
    if condition is not None:
        stmt = stmt.where(condition)
    rows = db.session.execute(stmt).all()
    if not rows:
        return empty_purchases()
    carbon = _carbon_frame({(r.product_id, r.category, r.embodied_kgco2e, r.annual_kwh, r.expected_lifetime_years)
                            for r in rows}).set_index(["product_key", "category"])
    records = []
    for r in rows:
        c = carbon.loc[(r.product_id if r.product_id is not None else -1, r.category)]
        c = c.iloc[0] if isinstance(c, pd.DataFrame) else c
        records.append({"purchased_on": r.purchased_on, "category": r.category, "is_it": bool(r.is_it),
                        "origin": "reuse_pool", "quantity": 1, "amount_ht": donation_value(r.category),
                        "embodied_low": c["embodied_low"], "embodied_central": c["embodied_central"],
                        "embodied_high": c["embodied_high"], "refurb_share": c["refurb_share"],
                        "recycled_pct": Decimal("0")})
    return pd.DataFrame(records)[PURCHASE_COLUMNS]


def members_with_purchases(year: int):
    """Ids of the members with a purchase counted in ``year`` (an approved order, a pool claim), as a subquery."""
    start, end = datetime(year, 1, 1, tzinfo=timezone.utc), datetime(year + 1, 1, 1, tzinfo=timezone.utc)
    purchased_on = func.coalesce(Order.decided_dt, Order.submitted_dt)
    ordered = select(Order.member_id).where(Order.status.in_(PURCHASED_STATUSES), purchased_on >= start,
                                            purchased_on < end)
    claimed = select(PoolListing.claimed_by_member_id).where(
        PoolListing.status == "claimed", PoolListing.claimed_dt >= start, PoolListing.claimed_dt < end)
    return ordered.union(claimed).scalar_subquery()


def scope_purchases(scope: str, scope_id: int | None) -> pd.DataFrame:
    """The scope's purchases: approved order lines and units claimed from the pool (the report's and AGEC's)."""
    return pd.concat([frame for frame in (order_purchases(scope, scope_id), pool_claims(scope, scope_id))
                      if not frame.empty] or [empty_purchases()], ignore_index=True)


def build_scope_report(scope: str, scope_id: int | None, year: int, today: date) -> Report:
    """The sustainability report of a scope for a calendar year (call scope_target first for access)."""
    return build_report(assets_frame(scope, scope_id), scope_purchases(scope, scope_id), year, today)
