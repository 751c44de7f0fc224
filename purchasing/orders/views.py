"""Cart, orders, approval and exports."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm

from purchasing import list_exports
from purchasing.accounts.models import Role
from purchasing.auth import roles_required
from purchasing.campaigns import services as campaigns
from purchasing.domain.errors import DomainError
from purchasing.domain.states import ORDER
from purchasing.extensions import db
from purchasing.navigation import highlight, register
from purchasing.orders import exports, services
from purchasing.orders.forms import CancelForm, CartForm, ExportForm, RejectForm
from purchasing.members.models import Site
from purchasing.orders.models import Order
from purchasing.list_exports import DATETIME, MONEY, Column
from purchasing.pagination import paginate_flat
from purchasing.i18n import error_message

bp = Blueprint("orders", __name__)

MEMBER = (Role.SECRETARY, Role.APPROVER)
STAFF = (Role.ADMIN, Role.PURCHASING_OFFICER, Role.SUSTAINABILITY_OFFICER)
register("orders.cart", _l("Panier"), MEMBER, order=20, count=services.cart_item_count,
         count_label=lambda n: ngettext("%(num)d article", "%(num)d articles", n))
register("orders.index", _l("Commandes"), MEMBER + STAFF, order=25)
register("orders.to_approve", _l("À approuver"), {Role.APPROVER}, order=26)


def _order_or_404(order_id: int) -> Order:
    order = services.load_order(order_id, current_user)
    if order is None:
        abort(404)
    return order


@bp.get("/cart")
@roles_required(*MEMBER)
def cart():
    cart = services.get_cart(current_user)
    sites = services.delivery_sites(current_user.member_id)
    required = bool(current_user.member and current_user.member.engagement_required)
    form = (CartForm(formdata=None, sites=sites, data=_cart_data(cart, sites), engagement_required=required)
            if cart else CartForm(sites=sites, engagement_required=required))
    return _render_cart(cart, form)


def _render_cart(cart, form, status: int = 200, typed: dict | None = None, line_errors: dict | None = None):
    """The cart page; after a refusal, ``typed`` keeps the quantities as typed and ``line_errors`` says why."""
    has_lines = bool(cart and cart.lines)
    return render_template(
        "orders/cart.html", cart=cart, form=form, member=cart.member if cart else current_user.member,
        carbon=services.order_carbon(cart, date.today()) if has_lines else None,
        totals=services.order_totals(cart) if has_lines else None,
        approval=services.approval_rule(cart) if has_lines else None,
        typed=typed or {}, line_errors=line_errors or {}), status


def _cart_data(cart, sites) -> dict:
    """The cart's values; its delivery site, else the member's default site, preselected."""
    site_id = cart.delivery_site_id or next((s.id for s in sites if s.is_default), 0)
    return {"delivery_site_id": site_id, "engagement_number": cart.engagement_number, "note": cart.note}


@bp.post("/cart/add")
@roles_required(*MEMBER)
def add_to_cart():
    if not FlaskForm().validate_on_submit():  # CSRF
        abort(400)
    line = services.add_to_cart(current_user, request.form.get("offer_id"), request.form.get("quantity"),
                                date.today())
    db.session.commit()
    flash(_("%(product)s ajouté au panier.", product=line.product.name), "success")
    return redirect(url_for("orders.cart"))


@bp.post("/cart")
@roles_required(*MEMBER)
def update_cart():
    cart = services.get_cart(current_user)
    if cart is None:
        abort(404)
    form = CartForm(sites=services.delivery_sites(cart.member_id), engagement_required=cart.member.engagement_required)
    valid = form.validate_on_submit()
    quantities = {line.id: request.form.get(f"qty-{line.id}", str(line.quantity)) for line in cart.lines}
    line_errors = {line_id: error_message(error)
                   for line_id, error in services.cart_quantity_errors(cart, quantities).items()}
    if line_errors:
        form.form_errors.append(_("Une quantité saisie n'est pas valide : corrigez la ligne signalée."))
        valid = False
    if valid and request.form.get("action") == "submit":
        # refused before anything is written: French messages on the fields
        site = db.session.get(Site, form.delivery_site_id.data) if form.delivery_site_id.data else None
        for name, message, _code in services.submission_problems(cart.member, site, form.engagement_number.data):
            (form[name].errors.append(_(message)) if name else form.form_errors.append(_(message)))
            valid = False
    if not valid:  # nothing written; every typed value shown again
        return _render_cart(cart, form, 422, typed=quantities, line_errors=line_errors)
    try:
        services.update_cart(cart, quantities, form.delivery_site_id.data or None, form.note.data, date.today(),
                             engagement_number=form.engagement_number.data or "")
        if request.form.get("action") == "submit":
            services.submit_order(cart, current_user, date.today())
    except DomainError as error:  # an offer no longer orderable…: the cart again, saying why, nothing written
        db.session.rollback()
        form.form_errors.append(error_message(error))
        return _render_cart(services.get_cart(current_user), form, error.http_status, typed=quantities)
    if request.form.get("action") == "submit":
        db.session.commit()
        if cart.status == "submitted":
            flash(_("Commande %(ref)s soumise : elle attend l'approbation du maire ou de l'élu·e habilité·e.",
                    ref=cart.reference), "success")
        else:
            flash(_("Commande %(ref)s soumise et approuvée automatiquement (montant sous le seuil d'approbation).",
                    ref=cart.reference), "success")
        return redirect(url_for("orders.show", order_id=cart.id))
    db.session.commit()
    flash(_("Panier enregistré."), "success")
    return redirect(url_for("orders.cart"))


def _orders_filtered(args):
    """The orders page's status filter and filtered query, in the user's scope (its export uses the same)."""
    status = args.get("status") or None
    status = status if status in ORDER.statuses or status in services.STATUS_GROUPS else None
    return status, services.orders_for(current_user, status=status)


def _to_approve_filtered(args):
    return None, services.orders_for(current_user, status="submitted")


def _order_columns():
    locale = list_exports.locale
    return (
        Column(_l("Référence"), lambda o: o.reference or str(o.id), width=18),
        Column(_l("Adhérent"), lambda o: o.member.name, width=30),
        Column(_l("Statut"), lambda o: ORDER.label(o.status, locale()), width=24),
        Column(_l("Soumise le"), lambda o: o.submitted_dt, kind=DATETIME),
        Column(_l("Décidée le"), lambda o: o.decided_dt, kind=DATETIME),
        Column(_l("Lieu de livraison"), lambda o: o.delivery_site, width=30),
        Column(_l("Numéro d'engagement"), lambda o: o.engagement_number, width=18),
        Column(_l("Total HT"), lambda o: o.total_ht, kind=MONEY),
    )


ORDERS_EXPORT = list_exports.register(
    bp, "orders", list_endpoint="orders.index", rule="/orders/export.<fmt>", roles=(*MEMBER, *STAFF),
    filename="commandes-liste", filtered=_orders_filtered, columns=_order_columns())
TO_APPROVE_EXPORT = list_exports.register(
    bp, "orders_to_approve", list_endpoint="orders.to_approve", rule="/orders/to-approve/export.<fmt>",
    roles=(Role.APPROVER,), filename="commandes-a-approuver", filtered=_to_approve_filtered, columns=_order_columns())


@bp.get("/orders/")
@roles_required(*MEMBER, *STAFF)
def index():
    status, stmt = ORDERS_EXPORT.filtered(request.args)
    pagination = paginate_flat(stmt)
    return render_template("orders/index.html", pagination=pagination, title=_("Commandes"), machine=ORDER,
                           endpoint="orders.index", status_filter=status, export_endpoint=ORDERS_EXPORT.endpoint,
                           status_filter_label=_("livraison attendue") if status == "to_deliver"
                           else ORDER.label(status, str(get_locale())) if status else None)


@bp.get("/orders/to-approve")
@roles_required(Role.APPROVER)
def to_approve():
    _status, stmt = TO_APPROVE_EXPORT.filtered(request.args)
    pagination = paginate_flat(stmt)
    return render_template("orders/index.html", pagination=pagination, title=_("Commandes à approuver"),
                           machine=ORDER, endpoint="orders.to_approve", export_endpoint=TO_APPROVE_EXPORT.endpoint,
                           commitments=campaigns.pending_commitments_for(current_user))


@bp.get("/orders/<int:order_id>")
@roles_required(*MEMBER, *STAFF)
def show(order_id: int):
    order = _order_or_404(order_id)
    if order.status == "draft":
        return redirect(url_for("orders.cart"))
    return _render_show(order)


def _render_show(order: Order, status: int = 200, reject_form=None, cancel_form=None, refusal=None):
    """The order page; for the approver deciding a submitted order it is the approval page ("À approuver")."""
    can_decide = current_user.role == Role.APPROVER and order.status == "submitted"
    if can_decide:
        highlight("orders.to_approve")
    return render_template("orders/show.html", order=order, machine=ORDER,
                           carbon=services.order_carbon(order, date.today()), totals=services.order_totals(order),
                           refusal=refusal,
                           approval=services.approval_rule(order),
                           reject_form=reject_form or RejectForm(), cancel_form=cancel_form or CancelForm(),
                           can_decide=can_decide, can_approve=can_decide and services.may_approve(order, current_user),
                           can_cancel=order.status in services.CANCELLABLE and current_user.role in MEMBER), status


@bp.post("/orders/<int:order_id>/approve")
@roles_required(Role.APPROVER)
def approve(order_id: int):
    order = _order_or_404(order_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        services.approve(order, current_user)
    except DomainError as error:  # four-eyes, already decided…: the order page again, saying why
        db.session.rollback()
        return _render_show(_order_or_404(order_id), error.http_status, refusal=error_message(error))
    db.session.commit()
    flash(_("Commande %(ref)s approuvée.", ref=order.reference), "success")
    return redirect(url_for("orders.show", order_id=order.id))


@bp.post("/orders/<int:order_id>/reject")
@roles_required(Role.APPROVER)
def reject(order_id: int):
    order = _order_or_404(order_id)
    form = RejectForm()
    ORDER.check(order.status, "rejected")
    if not form.validate_on_submit():
        return _render_show(order, 422, reject_form=form)
    services.reject(order, current_user, form.reason.data)
    db.session.commit()
    flash(_("Commande %(ref)s refusée.", ref=order.reference), "success")
    return redirect(url_for("orders.show", order_id=order.id))


@bp.post("/orders/<int:order_id>/cancel")
@roles_required(*MEMBER)
def cancel(order_id: int):
    order = _order_or_404(order_id)
    form = CancelForm()
    ORDER.check(order.status, "cancelled")  # a 409 before asking for the confirmation of what cannot be done
    if not form.validate_on_submit():  # not confirmed: the page again, the error on the checkbox
        return _render_show(order, 422, cancel_form=form)
    services.cancel(order, current_user, form.reason.data)
    db.session.commit()
    flash(_("Commande annulée."), "success")
    return redirect(url_for("orders.index"))


@bp.get("/orders/export")
@roles_required(*MEMBER, *STAFF)
def export():
    form = ExportForm(request.args, members=exports.member_choices(current_user))
    if not request.args.get("fmt"):
        return render_template("orders/export.html", form=form)
    if not form.validate():
        return render_template("orders/export.html", form=form), 422
    response = exports.orders_export(current_user, form.member.data or None, form.start.data, form.end.data,
                                     form.fmt.data)
    if response is None:  # a large XLSX: prepared by a job from the form below
        return render_template("orders/export.html", form=form, too_large=exports.XLSX_DIRECT_MAX_LINES)
    return response
