"""Catalogue pages: browse and search (every role), product sheet with the member's price."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import Blueprint, abort, current_app, g, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

from purchasing import list_exports
from purchasing.accounts.models import Role
from purchasing.auth import roles_required
from purchasing.catalogue import cache as catalogue_cache
from purchasing.catalogue import services
from purchasing.catalogue.forms import AddToCartForm, CatalogueSearchForm
from purchasing.catalogue.models import Product
from purchasing.list_exports import MONEY, NUMBER, Column
from purchasing.navigation import ALL_ROLES, register
from purchasing.pagination import paginate

bp = Blueprint("catalogue", __name__, url_prefix="/catalogue")
register("catalogue.index", _l("Catalogue"), ALL_ROLES, order=10)

ALL = tuple(ALL_ROLES)


def _user_fee_rate() -> Decimal:
    """The user's fee rate today (0 for staff: base prices), read once per request (the export's price columns
    read it on every row), from the grid cached per catalogue version."""
    if "_catalogue_fee_rate" not in g:
        g._catalogue_fee_rate = catalogue_cache.fee_rate(current_user.member, date.today(), _catalogue_token())
    return g._catalogue_fee_rate


def _catalogue_token() -> str | None:
    """The catalogue's version token, read once per request (None: no cache for this request)."""
    if "_catalogue_token" not in g:
        g._catalogue_token = catalogue_cache.current_token()
    return g._catalogue_token


#: longer query strings are rendered without the cache (a key stays small)
MAX_CACHED_QUERY = 512


def _catalogue_filtered(args):
    """The catalogue page's search form and filtered, sorted query (its export uses the same)."""
    form = CatalogueSearchForm(args, categories=services.categories(), brands=services.brands())
    form.validate()
    query = services.CatalogueQuery(
        q=form.q.data or "", category_id=form.category.data or None, condition=form.condition.data or None,
        brand=form.brand.data or None,
        price_min=None if form.price_min.errors else form.price_min.data,
        price_max=None if form.price_max.errors else form.price_max.data,
        repairability_min=None if form.repairability.errors else form.repairability.data,
        sort=form.sort.data if form.sort.data in services.SORTS else "name",
    )
    return form, services.search_products(query, _user_fee_rate())


def render_fragment(name: str, **context) -> str:
    """A template rendered alone: its own context, Flask's globals (request, url_for, the translations), none of the
    layout's context processors (menu, notifications) that a page's content does not read."""
    return current_app.jinja_env.get_template(name).render(**context)


def _price(product: Product) -> Decimal | None:
    return services.displayed_prices([product], _user_fee_rate()).get(product.id)


def _cost(product: Product) -> Decimal | None:
    return services.displayed_costs([product], _user_fee_rate()).get(product.id)


CATALOGUE_EXPORT = list_exports.register(
    bp, "catalogue", list_endpoint="catalogue.index", rule="/export.<fmt>", roles=ALL, filename="catalogue",
    filtered=_catalogue_filtered, key=2, columns=(
        Column(_l("Marque"), lambda p: p.brand, width=16),
        Column(_l("Modèle"), lambda p: p.model, width=36),
        Column(_l("Référence fabricant"), lambda p: p.manufacturer_ref, width=20),
        Column(_l("Catégorie"), lambda p: p.category.label(list_exports.locale()), width=20),
        Column(_l("État"), lambda p: (_("Reconditionné") + (f" {_('grade')} {p.refurb_grade}" if p.refurb_grade else ""))
               if p.condition == "refurbished" else _("Neuf"), width=18),
        Column(_l("Indice de réparabilité"), lambda p: p.repairability_index, kind=NUMBER),
        Column(_l("Prix HT à partir de"), _price, kind=MONEY),
        Column(_l("kgCO2e par an"), lambda p: round(p.annual_kgco2e, 1) if p.annual_kgco2e is not None else None,
               kind=NUMBER),
        Column(_l("Coût par an de service HT"), _cost, kind=MONEY),
    ))


@bp.get("/")
@roles_required(*ALL)
def index():
    """The list, its content cached as HTML per (catalogue version, day, language, member or not, fee rate, query):
    all it depends on (templates/catalogue/_results.html), so that two members of one band share it and a
    member of another band never gets it."""
    is_member = current_user.member is not None
    token = _catalogue_token()
    fee_rate = _user_fee_rate()
    key = None
    content = None
    if token is not None and len(request.query_string) <= MAX_CACHED_QUERY:
        key = (token, date.today(), str(get_locale()), is_member, fee_rate, request.script_root,
               request.query_string)
        content = catalogue_cache.cache().fragment(key)
    if content is None:
        form, stmt = CATALOGUE_EXPORT.filtered(request.args)
        pagination = paginate(stmt)
        content = render_fragment("catalogue/_results.html", form=form, pagination=pagination,
                                  prices=services.displayed_prices(pagination.items, fee_rate),
                                  costs=services.displayed_costs(pagination.items, fee_rate), is_member=is_member,
                                  export_endpoint=CATALOGUE_EXPORT.endpoint)
        if key is not None:
            catalogue_cache.cache().keep_fragment(key, content)
    return render_template("catalogue/index.html", content=Markup(content))


@bp.get("/products/<int:product_id>")
@roles_required(*ALL)
def show(product_id: int):
    today = date.today()
    product = services.active_product(product_id)
    if product is None:
        abort(404)
    sheet = services.product_sheet(product, current_user.member, today)
    offer_prices = services.offer_prices(sheet.offers, current_user.member, today)
    form = AddToCartForm()
    can_order = current_user.role in (Role.SECRETARY, Role.APPROVER)
    return render_template("catalogue/show.html", sheet=sheet, product=product, offer_prices=offer_prices,
                           form=form, can_order=can_order, today=today)


@bp.get("/durability-help")
@roles_required(*ALL)
def durability_help():
    """How the durability score, carbon and cost per year of service are computed (from the data)."""
    return render_template("catalogue/durability_help.html",
                           method=services.carbon_method(str(get_locale()), date.today()))
