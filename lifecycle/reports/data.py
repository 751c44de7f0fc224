"""The figures behind the sustainability report, aggregated by the database for one scope and year.

Scopes: the whole territory, an EPCI (its communes and the EPCI itself) or one member. Each section is one
GROUP BY query (fleet by category, status and carbon key; retirements by category and route; purchases by
category, origin and carbon key): pandas only sees aggregated rows, and carbon factors are resolved once
per distinct carbon key (category and the product's overrides), never per asset or line.
"""
from __future__ import annotations

import math
from datetime import date, datetime, timezone
from decimal import Decimal

import pandas as pd
from flask import abort
from flask_babel import gettext as _
from sqlalchemy import Date, Float, and_, case, cast, func, literal, null, or_, select

from lifecycle.assets.models import Asset, AssetEvent
from lifecycle.domain.carbon import category_factor, product_footprint, refurbished_avoided_share
from lifecycle.pool.models import PoolListing
from lifecycle.domain.agec import DEFAULT_DONATION_VALUE_HT, donation_value
from lifecycle.reports.indicators import (
    DAYS_PER_YEAR, EMBODIED_COLUMNS, FLEET_COLUMNS, PURCHASE_COLUMNS, RETIRED_COLUMNS, RETIRED_TARGET_MAX_AGE_YEARS,
    Report, build_report, empty_frame, reference_date,
)
from lifecycle.retirement.models import Retirement
from purchasing.accounts.models import MEMBER_ROLES
from purchasing.catalogue.models import Category, Product
from purchasing.domain.errors import N_, DomainError
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


def member_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(select(Member.id, Member.name).where(Member.is_active.is_(True))
                              .order_by(Member.name, Member.id))
    return [(r.id, r.name) for r in rows]


def epci_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(select(Member.id, Member.name).where(Member.kind == MemberKind.EPCI)
                              .order_by(Member.name))
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
    default_message = N_("Choisissez l'EPCI ou l'adhérent.")


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


def _days(later, earlier):
    """Days from ``earlier`` to ``later`` (dates) as a float, on SQLite and PostgreSQL (NULL when one is)."""
    if db.session.get_bind().dialect.name == "sqlite":
        return func.julianday(later) - func.julianday(earlier)
    return cast(later - earlier, Float)


def _default_lifetimes() -> dict[str, float]:
    """The default lifetime of every category the factor table gives one (> 0) for."""
    lifetimes = {}
    for code in db.session.scalars(select(Category.code)):
        factor = category_factor(code)
        if factor is not None and factor.default_lifetime_years and factor.default_lifetime_years > 0:
            lifetimes[code] = float(factor.default_lifetime_years)
    return lifetimes


def _default_lifetime_sql(lifetimes: dict[str, float]):
    if not lifetimes:
        return cast(null(), Float)
    return cast(case(lifetimes, value=Category.code, else_=null()), Float)


def _count_if(condition, value=1, otherwise=0):
    return func.coalesce(func.sum(case((condition, value), else_=otherwise)), otherwise)


def _scoped(stmt, column, scope: str, scope_id: int | None):
    condition = _member_filter(column, scope, scope_id)
    return stmt if condition is None else stmt.where(condition)


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1, tzinfo=timezone.utc), datetime(year + 1, 1, 1, tzinfo=timezone.utc)


def _carbon(code: str, embodied_override: float | None, kwh_override: float | None,
            lifetime_override: float | None, carbon_year: int) -> tuple:
    """One carbon key's embodied range (NaN without a factor), kWh/year, lifetimes and refurbished share."""
    factor = category_factor(code)
    default_lifetime = factor.default_lifetime_years if factor else None
    footprint = product_footprint(code, year=carbon_year, embodied_override=embodied_override,
                                  annual_kwh_override=kwh_override)
    embodied = footprint.embodied
    nan = float("nan")
    share = refurbished_avoided_share(code)
    return (embodied.low if embodied else nan, embodied.central if embodied else nan,
            embodied.high if embodied else nan,
            footprint.annual_kwh if footprint.annual_kwh is not None else nan,
            lifetime_override or default_lifetime or nan,
            default_lifetime if default_lifetime is not None else nan,
            nan if share is None else share)


def _float_or_none(value) -> float | None:
    return None if value is None else float(value)


def _with_carbon(rows, columns: list[str], key, extra) -> pd.DataFrame:
    """Rows of an aggregate query plus the carbon of each row's key, resolved once per distinct key."""
    carbon_year = date.today().year
    carbon: dict[tuple, tuple] = {}
    records = []
    for row in rows:
        k = tuple(_float_or_none(v) if i else v for i, v in enumerate(key(row)))
        if k not in carbon:
            carbon[k] = _carbon(*k, carbon_year)
        c = carbon[k]
        records.append({**extra(row, c), "embodied_low": c[0], "embodied_central": c[1], "embodied_high": c[2]})
    return pd.DataFrame(records, columns=columns) if records else empty_frame(columns)


def status_on_snapshot():
    """SQL: an asset's status in a fleet snapshot. The snapshot only holds assets not retired on its date, so a
    "retired" asset there left the inventory later: it is counted at its status before its retirement (the
    retirement event's ``from_status``), never as "Sorti" in a year whose retirements do not include it."""
    before = (select(AssetEvent.from_status).where(AssetEvent.asset_id == Asset.id, AssetEvent.kind == "retired")
              .order_by(AssetEvent.id.desc()).limit(1).scalar_subquery())
    return case((Asset.status == "retired", func.coalesce(before, "in_service")), else_=Asset.status)


def fleet_groups(scope: str, scope_id: int | None, on: date) -> pd.DataFrame:
    """Assets of the scope (current owner) held on ``on``, grouped by category, status and carbon key."""
    defaults = _default_lifetimes()
    default_lifetime = _default_lifetime_sql(defaults)
    days = _days(literal(on, Date), Asset.acquisition_date)
    age = days / DAYS_PER_YEAR
    lifetime = func.coalesce(func.nullif(Product.expected_lifetime_years, 0), default_lifetime)
    known = and_(lifetime.is_not(None), Asset.acquisition_date.is_not(None))
    extended = age > default_lifetime
    keys = (Category.code, Category.is_it_equipment, status_on_snapshot().label("status"), Product.condition,
            Product.embodied_kgco2e, Product.annual_kwh, Product.expected_lifetime_years)
    stmt = (select(*keys, func.count().label("n"), func.count(Asset.acquisition_date).label("n_dated"),
                   func.coalesce(func.sum(days), 0.0).label("age_days"), _count_if(known).label("n_known"),
                   _count_if(and_(known, age > lifetime)).label("n_past"), _count_if(extended).label("n_extended"),
                   _count_if(extended, DAYS_PER_YEAR / days, 0.0).label("inv_age_extended"))
            .select_from(Asset)
            .join(Category, Asset.category_id == Category.id)
            .outerjoin(Product, Asset.product_id == Product.id)
            .outerjoin(Retirement, Retirement.asset_id == Asset.id)
            .where(or_(Asset.acquisition_date.is_(None), Asset.acquisition_date <= on),
                   or_(Retirement.retired_on.is_(None), Retirement.retired_on > on))
            .group_by(*keys))
    rows = db.session.execute(_scoped(stmt, Asset.member_id, scope, scope_id)).all()

    def extra(r, c):
        # A refurbished device carries (1 − r) of the new device's embodied emissions (carbon-method.md).
        scale = 1 - c[6] if r.condition == "refurbished" and not math.isnan(c[6]) else 1.0
        return {"category": r.code, "is_it": bool(r.is_it_equipment), "status": r.status, "n": r.n,
                "n_dated": r.n_dated, "age_days": float(r.age_days), "n_known": int(r.n_known),
                "n_past": int(r.n_past), "n_extended": int(r.n_extended),
                "inv_age_extended": float(r.inv_age_extended), "annual_kwh": c[3], "expected_lifetime_years": c[4],
                "default_lifetime_years": c[5], "scale": scale}

    frame = _with_carbon(rows, FLEET_COLUMNS + ["scale"],
                         lambda r: (r.code, r.embodied_kgco2e, r.annual_kwh, r.expected_lifetime_years), extra)
    for column in EMBODIED_COLUMNS:
        frame[column] = pd.to_numeric(frame[column]) * pd.to_numeric(frame["scale"])
    return frame[FLEET_COLUMNS]


def retired_groups(scope: str, scope_id: int | None, year: int) -> pd.DataFrame:
    """Assets of the scope retired in ``year``, grouped by category and route, with their ages at retirement."""
    days = _days(Retirement.retired_on, Asset.acquisition_date)
    keys = (Category.code, Category.is_it_equipment, Retirement.route)
    stmt = (select(*keys, func.count().label("n"), func.count(Asset.acquisition_date).label("n_dated"),
                   func.coalesce(func.sum(days), 0.0).label("age_days"),
                   _count_if(days / DAYS_PER_YEAR < RETIRED_TARGET_MAX_AGE_YEARS).label("n_under_max_age"))
            .select_from(Retirement)
            .join(Asset, Retirement.asset_id == Asset.id)
            .join(Category, Asset.category_id == Category.id)
            .where(Retirement.retired_on >= date(year, 1, 1), Retirement.retired_on <= date(year, 12, 31))
            .group_by(*keys))
    rows = db.session.execute(_scoped(stmt, Asset.member_id, scope, scope_id)).all()
    if not rows:
        return empty_frame(RETIRED_COLUMNS)
    records = []
    for r in rows:
        factor = category_factor(r.code)
        default = factor.default_lifetime_years if factor else None
        records.append({"category": r.code, "is_it": bool(r.is_it_equipment), "route": r.route, "n": r.n,
                        "n_dated": r.n_dated, "age_days": float(r.age_days), "n_under_max_age": int(r.n_under_max_age),
                        "default_lifetime_years": float("nan") if default is None else default})
    return pd.DataFrame(records, columns=RETIRED_COLUMNS)


def order_purchases(scope: str, scope_id: int | None, year: int) -> pd.DataFrame:
    """Order lines approved in ``year`` (the member's commitment), grouped by category, condition and carbon key."""
    purchased_on = func.coalesce(Order.decided_dt, Order.submitted_dt)
    start, end = _year_bounds(year)
    keys = (Category.code, Category.is_it_equipment, Product.condition, Product.embodied_kgco2e)
    stmt = (select(*keys, func.count().label("lines"), func.sum(OrderLine.quantity).label("quantity"),
                   func.sum(OrderLine.line_total_ht).label("amount_ht"),
                   # AGEC: the lines of products with recycled content (lifecycle.reports.agec)
                   _count_if(Product.recycled_content_pct > 0, OrderLine.line_total_ht, 0).label("recycled_ht"))
            .select_from(OrderLine)
            .join(Order, OrderLine.order_id == Order.id)
            .join(Product, OrderLine.product_id == Product.id)
            .join(Category, Product.category_id == Category.id)
            .where(Order.status.in_(PURCHASED_STATUSES), purchased_on >= start, purchased_on < end)
            .group_by(*keys))
    rows = db.session.execute(_scoped(stmt, Order.member_id, scope, scope_id)).all()
    return _with_carbon(
        rows, PURCHASE_COLUMNS, lambda r: (r.code, r.embodied_kgco2e, None, None),
        lambda r, c: {"category": r.code, "is_it": bool(r.is_it_equipment),
                      "origin": "refurbished" if r.condition == "refurbished" else "new", "lines": r.lines,
                      "quantity": int(r.quantity), "amount_ht": Decimal(r.amount_ht), "refurb_share": c[6],
                      "recycled_amount_ht": Decimal(r.recycled_ht), "lifetime_years": c[5]})


def pool_claims(scope: str, scope_id: int | None, year: int) -> pd.DataFrame:
    """Units claimed from the reuse pool in ``year``, valued at POOL_CLAIM_VALUE_HT, with the new equivalent's
    embodied emissions."""
    start, end = _year_bounds(year)
    keys = (Category.code, Category.is_it_equipment, Product.embodied_kgco2e)
    stmt = (select(*keys, func.count().label("lines"))
            .select_from(PoolListing)
            .join(Asset, PoolListing.asset_id == Asset.id)
            .join(Category, PoolListing.category_id == Category.id)
            .outerjoin(Product, Asset.product_id == Product.id)
            .where(PoolListing.status == "claimed", PoolListing.claimed_dt >= start, PoolListing.claimed_dt < end)
            .group_by(*keys))
    rows = db.session.execute(_scoped(stmt, PoolListing.claimed_by_member_id, scope, scope_id)).all()
    return _with_carbon(
        rows, PURCHASE_COLUMNS, lambda r: (r.code, r.embodied_kgco2e, None, None),
        lambda r, c: {"category": r.code, "is_it": bool(r.is_it_equipment), "origin": "reuse_pool",
                      "lines": r.lines, "quantity": r.lines, "amount_ht": donation_value(r.code) * r.lines,
                      "refurb_share": c[6], "recycled_amount_ht": Decimal("0.00"), "lifetime_years": c[5]})


def members_with_purchases(year: int):
    """Ids of the members with a purchase counted in ``year`` (an approved order, a pool claim), as a subquery."""
    start, end = _year_bounds(year)
    purchased_on = func.coalesce(Order.decided_dt, Order.submitted_dt)
    ordered = select(Order.member_id).where(Order.status.in_(PURCHASED_STATUSES), purchased_on >= start,
                                            purchased_on < end)
    claimed = select(PoolListing.claimed_by_member_id).where(
        PoolListing.status == "claimed", PoolListing.claimed_dt >= start, PoolListing.claimed_dt < end)
    return ordered.union(claimed).scalar_subquery()


def scope_purchases(scope: str, scope_id: int | None, year: int) -> pd.DataFrame:
    """The scope's purchases of ``year``, aggregated: approved order lines and units claimed from the pool (the
    report's and the AGEC declaration's: one source of truth)."""
    purchases = [frame for frame in (order_purchases(scope, scope_id, year), pool_claims(scope, scope_id, year))
                 if not frame.empty]
    return pd.concat(purchases, ignore_index=True) if purchases else empty_frame(PURCHASE_COLUMNS)


def build_scope_report(scope: str, scope_id: int | None, year: int, today: date) -> Report:
    """The sustainability report of a scope for a calendar year (call scope_target first for access)."""
    return build_report(fleet_groups(scope, scope_id, reference_date(year, today)),
                        retired_groups(scope, scope_id, year), scope_purchases(scope, scope_id, year), year, today)
