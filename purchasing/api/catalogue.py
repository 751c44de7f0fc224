"""``/api/v1/products``: the catalogue with the caller's member prices and the carbon figures."""
from __future__ import annotations

from datetime import date

from flask import abort
from flask_login import current_user

from purchasing.api.framework import api_route, page_of
from purchasing.api.schemas import ProductOut, ProductsQuery
from purchasing.catalogue import services as catalogue
from purchasing.catalogue.models import Product
from purchasing.domain.pricing import member_unit_price
from purchasing.extensions import db


def _product_out(product: Product, offers, fee_rate, today: date) -> dict:
    annual = catalogue.footprint_of(product, today.year).annual
    return {
        "id": product.id, "name": product.name, "brand": product.brand, "model": product.model,
        "category": product.category.code, "category_label": product.category.label_fr,
        "condition": product.condition,
        "offers": [{
            "id": offer.id, "supplier": offer.contract.supplier.name, "contract_reference": offer.contract.reference,
            "unit_price_ht": offer.unit_price_ht,
            "member_price_ht": None if fee_rate is None else member_unit_price(offer.unit_price_ht, fee_rate),
            "vat_rate": product.vat_rate,
        } for offer in offers],
        "annual_kgco2e": None if annual is None else round(annual.central, 1),
        "annual_kgco2e_low": None if annual is None else round(annual.low, 1),
        "annual_kgco2e_high": None if annual is None else round(annual.high, 1),
        "expected_lifetime_years": catalogue.lifetime_of(product),
    }


def _products_out(products: list[Product], today: date) -> list[dict]:
    offers = catalogue.orderable_offers_by_product([p.id for p in products], today)
    fee_rate = catalogue.member_fee_rate(current_user.member, today)
    return [_product_out(p, offers[p.id], fee_rate, today) for p in products]


@api_route("/products", query=ProductsQuery, response=page_of(ProductOut), tags=("catalogue",))
def list_products(query: ProductsQuery):
    """Produits du catalogue

    Produits actifs ayant une offre commandable aujourd'hui, avec le prix de l'adhérent de l'appelant
    (`member_price_ht`, null pour le personnel du syndicat) et l'empreinte carbone annualisée
    (fourchette basse / centrale / haute, null si la catégorie n'a pas de facteur).
    """
    today = date.today()
    stmt = catalogue.search_products(catalogue.CatalogueQuery(
        q=query.q, category_id=catalogue.category_id_for_code(query.category), condition=query.condition,
        sort=query.sort))
    pagination = db.paginate(stmt, page=query.page, per_page=query.per_page, error_out=False)
    return {"items": _products_out(list(pagination.items), today), "page": pagination.page,
            "per_page": pagination.per_page, "total": pagination.total or 0, "pages": pagination.pages}


@api_route("/products/<int:product_id>", response=ProductOut, tags=("catalogue",))
def get_product(product_id: int):
    """Un produit du catalogue (404 s'il est inactif)"""
    product = catalogue.active_product(product_id)
    if product is None:
        abort(404)
    return _products_out([product], date.today())[0]
