"""Catalogue use cases: search, product metrics, orderable offers. Services flush, never commit.

Sort keys (carbon and cost per year of service) are stored on each product (``min_price_ht``,
``annual_kgco2e``, ``cost_per_year_ht``) and refreshed by :func:`refresh_product_metrics` whenever a
product or one of its offers changes. Why stored rather than computed in SQL: the carbon model lives in
lifecycle.domain.carbon (factor CSV, grid factor per year, manufacturer override with the category's spread),
which cannot be expressed in SQL without duplicating it; storing the results keeps one source of truth
for the rule and lets the list page sort, filter and paginate in one indexed query.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.sql import Select

from lifecycle.domain import carbon, durability
from lifecycle.pool import services as pool_services
from purchasing.catalogue.models import Category, Condition, Offer, Product
from purchasing.contracts.models import FrameworkContract
from purchasing.domain.errors import N_, DomainError, PricingError
from purchasing.domain.money import format_eur, round_cents, ttc, vat_amount
from purchasing.domain.pricing import member_unit_price
from purchasing.extensions import db
from purchasing.params import database_id
from purchasing.members.models import fold_for_search
from purchasing.pricing import services as pricing

SORTS = ("name", "price", "carbon", "cost")
MAX_SEARCH_WORDS = 8


class OfferUnavailable(DomainError):
    code = "offer_unavailable"
    http_status = 422
    default_message = N_("Cette offre n'existe pas ou ne peut plus être commandée.")


#: the folded text stays short enough for a B-tree index entry on PostgreSQL (≈2.7 kB at most)
SEARCH_TEXT_MAX = 2000


def search_text_for(product: Product) -> str:
    """Folded brand, model, reference and description (accents removed, lower case) for word search."""
    return fold_for_search(" ".join([product.brand or "", product.model or "", product.manufacturer_ref or "",
                                     product.description or ""]))[:SEARCH_TEXT_MAX]


def lifetime_of(product: Product) -> float | None:
    if product.expected_lifetime_years:
        return product.expected_lifetime_years
    factor = carbon.category_factor(product.category.code)
    return factor.default_lifetime_years if factor else None


def footprint_of(product: Product, year: int) -> carbon.Footprint:
    """The product's footprint; a refurbished product carries only (1 − r) of the new device's embodied
    emissions (lifecycle.domain.carbon.refurbished_embodied), where the category's avoided share r is sourced."""
    footprint = carbon.product_footprint(
        product.category.code, years_of_service=product.expected_lifetime_years, year=year,
        embodied_override=product.embodied_kgco2e, annual_kwh_override=product.annual_kwh,
    )
    if product.condition != Condition.REFURBISHED or footprint.embodied is None:
        return footprint
    embodied = carbon.refurbished_embodied(product.category.code, footprint.embodied)
    if embodied is None:
        return footprint
    annual = None
    if footprint.annual is not None:
        annual = carbon.annual_footprint(embodied, footprint.years, footprint.annual_kwh, footprint.grid_factor)
    return replace(footprint, embodied=embodied, annual=annual)


def offer_valid_clause(today: date):
    """SQL condition: the offer is valid today under a contract active today (join FrameworkContract)."""
    return and_(
        Offer.is_active.is_(True), Offer.valid_from <= today,
        or_(Offer.valid_until.is_(None), Offer.valid_until >= today),
        FrameworkContract.is_terminated.is_(False), FrameworkContract.start_on <= today,
        FrameworkContract.end_on >= today,
    )


def refresh_product_metrics(product: Product, today: date | None = None) -> Product:
    """Recompute the stored search text and sort keys of ``product`` (call after any product/offer change)."""
    today = today or date.today()
    product.search_text = search_text_for(product)
    product.min_price_ht = db.session.scalar(
        select(func.min(Offer.unit_price_ht)).join(FrameworkContract, Offer.contract_id == FrameworkContract.id)
        .where(Offer.product_id == product.id, offer_valid_clause(today))
    ) if product.id else None
    footprint = footprint_of(product, today.year)
    product.annual_kgco2e = round(footprint.annual.central, 3) if footprint.annual else None
    lifetime = lifetime_of(product)
    kwh = _annual_kwh_of(product)
    if product.min_price_ht is not None and lifetime:
        product.cost_per_year_ht = durability.cost_per_year_of_service(product.min_price_ht, lifetime, kwh or 0)
    else:
        product.cost_per_year_ht = None
    db.session.flush()
    return product


@dataclass
class CatalogueQuery:
    q: str = ""
    category_id: int | None = None
    condition: str | None = None
    brand: str | None = None
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    repairability_min: Decimal | None = None
    sort: str = "name"


def search_products(query: CatalogueQuery, fee_rate: Decimal = Decimal(0)) -> Select:
    """Active products having an offer orderable today, filtered and sorted (one query for the page).

    Price filters apply to what the user sees: the base price × (1 + ``fee_rate``) for a member.
    """
    stmt = (select(Product).options(joinedload(Product.category))
            .where(Product.is_active.is_(True), Product.min_price_ht.is_not(None)))
    words = fold_for_search(query.q or "").split()[:MAX_SEARCH_WORDS]
    for word in words:
        stmt = stmt.where(Product.search_text.contains(word, autoescape=True))
    if query.category_id:
        stmt = stmt.where(Product.category_id == query.category_id)
    if query.condition in (Condition.NEW, Condition.REFURBISHED):
        stmt = stmt.where(Product.condition == query.condition)
    if query.brand:
        stmt = stmt.where(Product.brand == query.brand)
    factor = Decimal(1) + fee_rate
    if query.price_min is not None:
        stmt = stmt.where(Product.min_price_ht >= query.price_min / factor)
    if query.price_max is not None:
        stmt = stmt.where(Product.min_price_ht <= query.price_max / factor)
    if query.repairability_min is not None:
        stmt = stmt.where(func.coalesce(Product.repairability_index, Product.durability_index)
                          >= query.repairability_min)
    order = {
        "price": [Product.min_price_ht.asc()],
        "carbon": [Product.annual_kgco2e.is_(None), Product.annual_kgco2e.asc()],
        "cost": [Product.cost_per_year_ht.is_(None), Product.cost_per_year_ht.asc()],
    }.get(query.sort, [])
    return stmt.order_by(*order, Product.brand, Product.model, Product.id)


def brands() -> list[str]:
    return list(db.session.scalars(select(Product.brand).where(Product.is_active.is_(True))
                                   .distinct().order_by(Product.brand)))


def categories() -> list[Category]:
    return list(db.session.scalars(select(Category).order_by(Category.sort_order, Category.label_fr)))


def orderable_offers(product: Product, today: date) -> list[Offer]:
    """Offers of ``product`` valid today under a contract active today, cheapest first."""
    return list(db.session.scalars(
        select(Offer).join(FrameworkContract, Offer.contract_id == FrameworkContract.id)
        .options(selectinload(Offer.price_breaks), joinedload(Offer.contract).joinedload(FrameworkContract.supplier))
        .where(Offer.product_id == product.id, offer_valid_clause(today))
        .order_by(Offer.unit_price_ht, Offer.id)
    ))


#: at most this many offers in a searchable picker (the catalogue's orderable offers: a few hundred)
OFFER_PICKER_LIMIT = 2000


def offer_picker_entries(today: date) -> list[tuple]:
    """(id, label, manufacturer reference) of the offers orderable today, for a searchable picker: the product,
    the contract and the base price HT name each one (one query)."""
    offers = db.session.scalars(
        select(Offer).join(FrameworkContract, Offer.contract_id == FrameworkContract.id)
        .join(Product, Offer.product_id == Product.id)
        .options(joinedload(Offer.product), joinedload(Offer.contract))
        .where(offer_valid_clause(today), Product.is_active.is_(True))
        .order_by(Product.search_text, Offer.unit_price_ht, Offer.id).limit(OFFER_PICKER_LIMIT))
    return [(o.id, f"{o.product.name} — {o.contract.reference} — {format_eur(o.unit_price_ht)} HT") for o in offers]


def orderable_offer(offer_id, today: date) -> Offer:
    """The offer if it can be ordered today; OfferUnavailable otherwise (unknown, expired, contract inactive)."""
    try:
        ident = database_id(offer_id)
    except ValueError:
        raise OfferUnavailable() from None
    offer = db.session.get(Offer, ident)
    if offer is None or not offer.is_valid_on(today) or not offer.contract.is_active_on(today):
        raise OfferUnavailable()
    return offer


def equivalents_in_pool(product: Product, member) -> list:
    """Equipment equivalent to ``product`` (same category) offered by other members in the reuse pool.

    The reuse pool belongs to the lifecycle module; the product page shows a "reuse first" notice
    leading there. Staff (no member) see every open listing of the category.
    """
    return pool_services.equivalents_in_pool(product, member)


ATTRIBUTE_LABELS = {
    "ram_gb": (_l("Mémoire vive"), _l("Go")),
    "storage_gb": (_l("Stockage"), _l("Go")),
    "screen_inches": (_l("Écran"), _l("pouces")),
}


def attribute_rows(product: Product) -> list[tuple[str, str]]:
    """The product's typed attributes as (label, value with unit), known attributes first."""
    rows = []
    for key, value in (product.attributes or {}).items():
        label, unit = ATTRIBUTE_LABELS.get(key, (key, ""))
        rows.append((label, f"{value} {unit}".strip()))
    return rows


@dataclass
class ProductSheet:
    """What the product page shows, computed once in the service (no rule in the template)."""

    product: Product
    offers: list
    footprint: carbon.Footprint
    durability: durability.DurabilityScore | None
    lifetime: float | None
    reuse_equivalents: list
    attributes: list[tuple[str, str]]
    #: for a refurbished product, the avoided share r applied to the new device's embodied emissions
    refurbished_share: float | None = None


def product_sheet(product: Product, member, today: date) -> ProductSheet:
    lifetime = lifetime_of(product)
    index = product.repairability_index if product.repairability_index is not None else product.durability_index
    score = durability.durability_score(lifetime, product.warranty_years, float(index) if index is not None else None,
                                        product.condition == Condition.REFURBISHED) if lifetime else None
    return ProductSheet(product=product, offers=orderable_offers(product, today),
                        footprint=footprint_of(product, today.year), durability=score, lifetime=lifetime,
                        reuse_equivalents=equivalents_in_pool(product, member), attributes=attribute_rows(product),
                        refurbished_share=carbon.refurbished_avoided_share(product.category.code)
                        if product.condition == Condition.REFURBISHED else None)


def price_with_vat(unit_ht: Decimal, vat_rate: Decimal) -> tuple[Decimal, Decimal]:
    return vat_amount(unit_ht, vat_rate), ttc(unit_ht, vat_rate)


def displayed_prices(products, fee_rate: Decimal) -> dict[int, Decimal]:
    """Price shown in the list per product: the lowest base price × (1 + fee), half-up (no query)."""

    return {p.id: member_unit_price(p.min_price_ht, fee_rate) for p in products if p.min_price_ht is not None}


def _annual_kwh_of(product: Product) -> float | None:
    if product.annual_kwh is not None:
        return product.annual_kwh
    factor = carbon.category_factor(product.category.code)
    return factor.annual_kwh if factor else None


def displayed_costs(products, fee_rate: Decimal) -> dict[int, Decimal]:
    """Cost per year of service shown per product, on the price the user sees (base × (1 + fee)), no query.

    The stored ``cost_per_year_ht`` (the sort key) uses the base price; the fee multiplies every price
    alike, so the order barely moves, but a member must read the cost on the price it would pay.
    """
    if not fee_rate:
        return {p.id: p.cost_per_year_ht for p in products if p.cost_per_year_ht is not None}
    prices = displayed_prices(products, fee_rate)
    costs = {}
    for product in products:
        lifetime = lifetime_of(product)
        if product.id in prices and lifetime:
            costs[product.id] = durability.cost_per_year_of_service(prices[product.id], lifetime,
                                                                    _annual_kwh_of(product) or 0)
    return costs


@dataclass
class OfferPrice:
    """One orderable offer as the user sees it: price per break, VAT and TTC at quantity 1."""

    offer: Offer
    fee_rate: Decimal
    unit_price_ht: Decimal
    vat: Decimal
    ttc: Decimal
    breaks: list[tuple[int, Decimal]]
    band_label: str | None


def offer_prices(offers, member, today: date) -> list[OfferPrice]:

    band_label = None
    fee = Decimal(0)
    if member is not None:
        _grid, band = pricing.band_for(member, today)
        fee, band_label = band.fee_rate, band.label
    result = []
    for offer in offers:
        unit = member_unit_price(offer.unit_price_ht, fee)
        vat, with_vat = price_with_vat(unit, offer.product.vat_rate)
        breaks = [(b.min_quantity, member_unit_price(b.unit_price_ht, fee)) for b in offer.price_breaks]
        result.append(OfferPrice(offer, fee, unit, vat, with_vat, breaks, band_label))
    return result


def refresh_all_products(today: date | None = None) -> int:
    """Refresh every product's stored sort keys (offers start and expire with time: run it daily)."""
    products = db.session.scalars(select(Product).options(joinedload(Product.category))).all()
    for product in products:
        refresh_product_metrics(product, today)
    return len(products)


def orderable_offers_by_product(product_ids, today: date) -> dict[int, list[Offer]]:
    """Orderable offers of several products at once (one query), cheapest first: for lists (no N+1)."""
    result: dict[int, list[Offer]] = {pid: [] for pid in product_ids}
    if not result:
        return result
    offers = db.session.scalars(
        select(Offer).join(FrameworkContract, Offer.contract_id == FrameworkContract.id)
        .options(joinedload(Offer.contract).joinedload(FrameworkContract.supplier))
        .where(Offer.product_id.in_(list(result)), offer_valid_clause(today))
        .order_by(Offer.product_id, Offer.unit_price_ht, Offer.id))
    for offer in offers:
        result[offer.product_id].append(offer)
    return result


def member_fee_rate(member, today: date) -> Decimal | None:
    """The fee rate a member pays on the base prices today; None for staff (no member) or without a grid."""

    if member is None:
        return None
    try:
        return pricing.fee_rate_for(member, today)
    except PricingError:
        return None


def active_product(product_id: int) -> Product | None:
    """An active product (the catalogue never shows the others)."""
    product = db.session.get(Product, product_id)
    return product if product is not None and product.is_active else None


def category_id_for_code(code: str | None) -> int | None:
    """The id of the category with this code; -1 for an unknown code (matches nothing); None without a code."""
    if not code:
        return None
    return db.session.scalar(select(Category.id).where(Category.code == code)) or -1


@dataclass(frozen=True)
class CarbonMethod:
    """Everything the help page "Comment est calculé le score de durabilité ?" shows, read from the data."""

    durability_formula: str
    grid_factors: list[tuple[int, float, str]]
    electricity_price_ht: Decimal
    electricity_price_year: int
    #: (category label, avoided share, source)
    refurbishment_shares: list[tuple[str, float, str]]
    #: labels of categories whose embodied factor is missing from the reference ("pas de facteur")
    categories_without_factor: list[str]
    default_spread: float
    #: worked example from the laptop category factor (None if the reference lost it)
    example: dict | None


def carbon_method(locale: str, today: date) -> CarbonMethod:
    english = locale.startswith("en")
    factors = carbon.load_factors()

    def label(code: str) -> str:
        factor = factors.get(code)
        if factor is None:
            return code
        return factor.label_en if english else factor.label_fr

    example = None
    laptop = factors.get("laptop")
    if laptop and laptop.embodied and laptop.annual_kwh is not None and laptop.default_lifetime_years:
        footprint = carbon.product_footprint("laptop", year=today.year)
        kwh = laptop.annual_kwh
        example = {
            "label": label("laptop"), "embodied": laptop.embodied, "years": laptop.default_lifetime_years,
            "kwh": kwh, "grid": footprint.grid_factor, "grid_year": footprint.grid_factor_year,
            "annual": footprint.annual.rounded(2) if footprint.annual else None,
            "energy_cost": round_cents(Decimal(str(kwh)) * durability.ELECTRICITY_PRICE_EUR_PER_KWH_HT),
        }
    return CarbonMethod(
        durability_formula=durability.FORMULA_EN if english else durability.FORMULA_FR,
        grid_factors=carbon.grid_factors(),
        electricity_price_ht=durability.ELECTRICITY_PRICE_EUR_PER_KWH_HT,
        electricity_price_year=durability.ELECTRICITY_PRICE_YEAR,
        refurbishment_shares=[(label(code), share, source) for code, share, source in carbon.refurbishment_shares()],
        categories_without_factor=[label(code) for code, f in factors.items() if f.embodied is None],
        default_spread=carbon.DEFAULT_RELATIVE_SPREAD,
        example=example,
    )
