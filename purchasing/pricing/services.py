"""Tariff grids and member prices. Services flush, never commit."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from decimal import Decimal

from flask import has_request_context, request
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from purchasing.domain import pricing as domain
from purchasing.domain.errors import N_, PricingError
from purchasing.extensions import db
from purchasing.members.models import Member
from purchasing.orders.models import Order, OrderLine
from purchasing.pricing.models import TariffBand, TariffGrid


@dataclass(frozen=True)
class BandData:
    label: str
    min_population: int
    max_population: int | None
    fee_rate: Decimal


@dataclass(frozen=True)
class MemberPrice:
    """What a member pays for one unit at ``quantity``: base price at the break, fee, member unit price."""

    base_unit_price_ht: Decimal
    fee_rate: Decimal
    unit_price_ht: Decimal
    band_label: str
    grid_id: int
    quantity: int


def _to_domain(grid: TariffGrid) -> domain.TariffGrid:
    return domain.TariffGrid(
        bands=tuple(domain.Band(b.min_population, b.max_population, b.fee_rate, b.label) for b in grid.bands),
        effective_from=grid.effective_from,
        deliberation_ref=grid.deliberation_ref,
    )


def list_grids():
    """Every grid version, newest first (a select for pagination)."""
    return select(TariffGrid).options(selectinload(TariffGrid.bands)).order_by(TariffGrid.version.desc())


def latest_grid() -> TariffGrid | None:
    return db.session.scalars(select(TariffGrid).order_by(TariffGrid.version.desc()).limit(1)).first()


def grid_in_force(on_date: date) -> TariffGrid:
    """The grid whose effective date is the latest on or before ``on_date`` (PricingError otherwise).

    Read once per request and date (pages price many lines with it): kept on the request, never across
    requests, so a grid voted meanwhile applies from the next request on.
    """
    cache = request.environ.setdefault("parc.grids_in_force", {}) if has_request_context() else {}
    if on_date not in cache:
        cache[on_date] = _grid_in_force(on_date)
    return cache[on_date]


def _grid_in_force(on_date: date) -> TariffGrid:
    grid = db.session.scalars(
        select(TariffGrid).options(selectinload(TariffGrid.bands))
        .where(TariffGrid.effective_from <= on_date)
        .order_by(TariffGrid.effective_from.desc(), TariffGrid.version.desc()).limit(1)
    ).first()
    if grid is None:
        raise PricingError(N_("Aucune grille tarifaire n'est en vigueur au %(on_date)s."),
                           params={"on_date": format(on_date, '%d/%m/%Y')}, code="no_tariff_grid")
    return grid


def tariff_in_force(on_date: date) -> domain.TariffGrid:
    """The grid in force on ``on_date`` as plain domain data (what a cache may keep beyond the request)."""
    return _to_domain(grid_in_force(on_date))


def band_for(member, on_date: date) -> tuple[TariffGrid, domain.Band]:
    """The grid in force and the member's band (EPCIs and syndicates are banded by their population too)."""
    grid = grid_in_force(on_date)
    return grid, domain.band_for_population(_to_domain(grid), int(member.population or 0))


def fee_rate_for(member, on_date: date) -> Decimal:
    return band_for(member, on_date)[1].fee_rate


def offer_breaks(offer) -> list[domain.PriceBreak]:
    """The offer's price breaks as domain objects, the base price being the break at 1 unit."""
    breaks = [domain.PriceBreak(1, offer.unit_price_ht)]
    breaks += [domain.PriceBreak(b.min_quantity, b.unit_price_ht) for b in offer.price_breaks]
    return breaks


def member_price(offer, member, quantity: int, on_date: date) -> MemberPrice:
    """Member unit price HT = offer price at the applicable break × (1 + the member's band fee), half-up."""
    quantity = domain.validate_quantity(quantity)
    grid, band = band_for(member, on_date)
    base = domain.unit_price_at(offer_breaks(offer), quantity)
    return MemberPrice(base, band.fee_rate, domain.member_unit_price(base, band.fee_rate), band.label, grid.id,
                       quantity)


def grid_is_read_only(grid: TariffGrid) -> bool:
    """Older versions, and versions an order already used, cannot be changed."""

    newer = db.session.scalar(select(func.count(TariffGrid.id)).where(TariffGrid.version > grid.version))
    used = db.session.scalar(select(func.count(Order.id)).where(Order.tariff_grid_id == grid.id))
    return bool(newer or used)


def create_grid_version(effective_from: date, deliberation_ref: str, bands: list[BandData],
                        actor=None) -> TariffGrid:
    """A new version of the grid; the bands must cover every population exactly once."""
    checked = domain.TariffGrid(
        bands=tuple(domain.Band(b.min_population, b.max_population, b.fee_rate, b.label.strip()) for b in bands),
        effective_from=effective_from, deliberation_ref=deliberation_ref or "",
    )
    previous = latest_grid()
    if previous is not None and effective_from <= previous.effective_from:
        raise PricingError(
            N_("La nouvelle version doit entrer en vigueur après la version %(version)s "
               "(%(effective_from)s)."),
            params={"version": previous.version,
                    "effective_from": format(previous.effective_from, '%d/%m/%Y')}, code="grid_date_not_after_previous")
    grid = TariffGrid(version=(previous.version + 1) if previous else 1, effective_from=effective_from,
                      deliberation_ref=deliberation_ref.strip(), created_by_id=getattr(actor, "id", None))
    grid.bands = [TariffBand(label=b.label, min_population=b.min_population, max_population=b.max_population,
                             fee_rate=b.fee_rate) for b in checked.bands]
    db.session.add(grid)
    db.session.flush()
    if has_request_context():
        request.environ.pop("parc.grids_in_force", None)  # this request's next prices use the new version
    return grid


# --- transparency: fees per band vs a flat rate -------------------------------------------------

COUNTED_STATUSES = ("submitted", "approved", "placed", "partially_delivered", "delivered")


def fee_rows(start: date, end: date) -> list[domain.FeeRow]:
    """(band label, base amount HT, fee rate) aggregated in SQL over the orders submitted in [start, end].

    A line belongs to the band of its order's grid version that contains the member's population.
    """
    base = func.sum(OrderLine.base_unit_price_ht * OrderLine.quantity)
    stmt = (
        select(TariffBand.label, base.label("base"), OrderLine.fee_rate)
        .select_from(OrderLine)
        .join(Order, OrderLine.order_id == Order.id)
        .join(Member, Order.member_id == Member.id)
        .join(TariffBand, and_(TariffBand.grid_id == Order.tariff_grid_id,
                               TariffBand.min_population <= Member.population,
                               or_(TariffBand.max_population.is_(None), TariffBand.max_population >= Member.population)))
        .where(Order.status.in_(COUNTED_STATUSES),
               Order.submitted_dt >= datetime.combine(start, time.min, timezone.utc),
               Order.submitted_dt <= datetime.combine(end, time.max, timezone.utc))
        .group_by(TariffBand.min_population, TariffBand.label, OrderLine.fee_rate)
        .order_by(TariffBand.min_population)
    )
    return [(row.label, Decimal(str(row.base)).quantize(Decimal("0.01")), Decimal(str(row.fee_rate)))
            for row in db.session.execute(stmt)]


@dataclass(frozen=True)
class Transparency:
    flat_rate: Decimal | None
    bands: list[domain.BandRedistribution]


def transparency(start: date, end: date) -> Transparency:
    rows = fee_rows(start, end)
    if not rows:
        return Transparency(None, [])
    flat = domain.revenue_neutral_flat_rate(rows)
    return Transparency(flat, domain.fee_redistribution(rows, flat))
