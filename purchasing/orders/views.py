"""Cart, orders, approval and exports."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from purchasing.accounts.models import Role
from purchasing.auth import roles_required
from purchasing.campaigns import services as campaigns
from purchasing.domain.states import ORDER
from purchasing.extensions import db
from purchasing.navigation import register, set_current
from purchasing.orders import exports, services
from purchasing.orders.forms import CancelForm, CartForm, ExportForm, RejectForm
from purchasing.members.models import Site
from purchasing.orders.models import Order
from purchasing.pagination import paginate_flat

bp = Blueprint("orders", __name__)

MEMBER = (Role.SECRETARY, Role.APPROVER)
STAFF = (Role.ADMIN, Role.PURCHASING_OFFICER, Role.SUSTAINABILITY_OFFICER)
register("orders.cart", _l("Panier"), MEMBER, order=20)
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
    carbon = services.order_carbon(cart, date.today()) if cart and cart.lines else None
    return render_template("orders/cart.html", cart=cart, form=form, carbon=carbon, member=current_user.member)


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
    if valid and request.form.get("action") == "submit":
        # refused before anything is written: French messages on the fields
        site = db.session.get(Site, form.delivery_site_id.data) if form.delivery_site_id.data else None
        for name, message, _code in services.submission_problems(cart.member, site, form.engagement_number.data):
            (form[name].errors.append(message) if name else form.form_errors.append(message))
            valid = False
    if not valid:
        return render_template("orders/cart.html", cart=cart, form=form, member=cart.member,
                               carbon=services.order_carbon(cart, date.today()) if cart.lines else None), 422
    quantities = {line.id: request.form.get(f"qty-{line.id}", str(line.quantity)) for line in cart.lines}
    services.update_cart(cart, quantities, form.delivery_site_id.data or None, form.note.data, date.today(),
                         engagement_number=form.engagement_number.data or "")
    if request.form.get("action") == "submit":
        services.submit_order(cart, current_user, date.today())
        db.session.commit()
        flash(_("Commande %(ref)s soumise.", ref=cart.reference), "success")
        return redirect(url_for("orders.show", order_id=cart.id))
    db.session.commit()
    flash(_("Panier enregistré."), "success")
    return redirect(url_for("orders.cart"))


@bp.get("/orders/")
@roles_required(*MEMBER, *STAFF)
def index():
    status = request.args.get("status") or None
    status = status if status in ORDER.statuses or status in services.STATUS_GROUPS else None
    pagination = paginate_flat(services.orders_for(current_user, status=status))
    return render_template("orders/index.html", pagination=pagination, title=_("Commandes"), machine=ORDER,
                           endpoint="orders.index", status=status,
                           status_filter_label=_("livraison attendue") if status == "to_deliver"
                           else ORDER.label(status, str(get_locale())) if status else None)


@bp.get("/orders/to-approve")
@roles_required(Role.APPROVER)
def to_approve():
    pagination = paginate_flat(services.orders_for(current_user, status="submitted"))
    return render_template("orders/index.html", pagination=pagination, title=_("Commandes à approuver"),
                           machine=ORDER, endpoint="orders.to_approve",
                           commitments=campaigns.pending_commitments_for(current_user))


@bp.get("/orders/<int:order_id>")
@roles_required(*MEMBER, *STAFF)
def show(order_id: int):
    order = _order_or_404(order_id)
    if order.status == "draft":
        return redirect(url_for("orders.cart"))
    if current_user.role == Role.APPROVER and order.status == "submitted":
        set_current("orders.to_approve")  # the approver came from "À approuver": that entry stays current
    return render_template("orders/show.html", order=order, machine=ORDER,
                           carbon=services.order_carbon(order, date.today()),
                           reject_form=RejectForm(), cancel_form=CancelForm(),
                           can_decide=current_user.role == Role.APPROVER and order.status == "submitted",
                           can_approve=services.may_approve(order, current_user),
                           can_cancel=order.status in services.CANCELLABLE and current_user.role in MEMBER)


@bp.post("/orders/<int:order_id>/approve")
@roles_required(Role.APPROVER)
def approve(order_id: int):
    order = _order_or_404(order_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    services.approve(order, current_user)
    db.session.commit()
    flash(_("Commande %(ref)s approuvée.", ref=order.reference), "success")
    return redirect(url_for("orders.show", order_id=order.id))


@bp.post("/orders/<int:order_id>/reject")
@roles_required(Role.APPROVER)
def reject(order_id: int):
    order = _order_or_404(order_id)
    form = RejectForm()
    if not form.validate_on_submit():
        return render_template("orders/show.html", order=order, machine=ORDER,
                               carbon=services.order_carbon(order, date.today()), reject_form=form,
                               cancel_form=CancelForm(), can_decide=order.status == "submitted",
                               can_approve=services.may_approve(order, current_user),
                               can_cancel=False), 422
    services.reject(order, current_user, form.reason.data)
    db.session.commit()
    flash(_("Commande %(ref)s refusée.", ref=order.reference), "success")
    return redirect(url_for("orders.show", order_id=order.id))


@bp.post("/orders/<int:order_id>/cancel")
@roles_required(*MEMBER)
def cancel(order_id: int):
    order = _order_or_404(order_id)
    form = CancelForm()
    if not form.validate_on_submit():
        abort(400)
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
