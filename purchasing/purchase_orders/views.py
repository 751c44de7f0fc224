"""Supplier purchase orders (purchasing officers, admin): grouping, sending, printing, exports, deliveries."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length

from purchasing import list_exports
from purchasing.accounts.models import Role
from purchasing.auth import roles_required
from purchasing.domain.errors import DomainError
from purchasing.documents.responses import bytes_response
from purchasing.domain.states import ORDER, PURCHASE_ORDER
from purchasing.extensions import db
from purchasing.forms import ConfirmField, strip_filter
from purchasing.mail import messages as mail
from purchasing.params import database_id, query_int
from purchasing.navigation import register
from purchasing.orders.exports import frame_response, safe_frame
from purchasing.list_exports import DATE, DATETIME, MONEY, NUMBER, Column
from purchasing.pagination import flat_page, paginate, paginate_flat
from purchasing.decp.forms import ModificationForm, NotificationForm
from purchasing.purchase_orders import services
from purchasing.i18n import error_message

bp = Blueprint("purchase_orders", __name__)
OFFICERS = (Role.PURCHASING_OFFICER, Role.ADMIN)
register("purchase_orders.index", _l("Bons de commande"), OFFICERS, order=30)
register("purchase_orders.contracts", _l("Contrats"), OFFICERS, order=40, covers=("purchase_orders.contract",))


def _po_or_404(po_id: int):
    po = services.load_purchase_order(po_id)
    if po is None:
        abort(404)
    return po


def _csrf_ok() -> None:
    if not FlaskForm().validate_on_submit():
        abort(400)


#: "to place": contracts per page, and the lines shown per contract (the count and total cover them all)
GROUPS_PER_PAGE = 10
LINES_PER_GROUP = 20


def _purchase_orders_filtered(args):
    """The purchase orders page's status filter and filtered query (its export uses the same)."""
    status = args.get("status") if args.get("status") in PURCHASE_ORDER.statuses else None
    return status, services.list_purchase_orders(status=status)


def _locale() -> str:
    return list_exports.locale()


PURCHASE_ORDERS_EXPORT = list_exports.register(
    bp, "purchase_orders", list_endpoint="purchase_orders.index", rule="/purchase-orders/export.<fmt>",
    roles=OFFICERS, filename="bons-de-commande", filtered=_purchase_orders_filtered, columns=(
        Column(_l("Référence"), lambda po: po.reference, width=18),
        Column(_l("Fournisseur"), lambda po: po.supplier.name, width=30),
        Column(_l("Contrat"), lambda po: po.contract.reference, width=18),
        Column(_l("Statut"), lambda po: PURCHASE_ORDER.label(po.status, _locale()), width=24),
        Column(_l("Créé le"), lambda po: po.created_dt, kind=DATETIME),
        Column(_l("Envoyé le"), lambda po: po.sent_dt, kind=DATETIME),
        Column(_l("Total HT"), lambda po: po.total_ht, kind=MONEY),
    ))


def _contracts_filtered(args):
    """The contracts page's search (reference, title, holder) and filtered query (its export uses the same)."""
    q = (args.get("q") or "").strip()[:100]
    attention = args.get("attention") == "1"
    return (q, attention), services.contracts_query(q, date.today() if attention else None)


CONTRACTS_EXPORT = list_exports.register(
    bp, "contracts", list_endpoint="purchase_orders.contracts", rule="/contracts/export.<fmt>", roles=OFFICERS,
    filename="contrats", filtered=_contracts_filtered, columns=(
        Column(_l("Contrat"), lambda c: c.reference, width=18),
        Column(_l("Objet"), lambda c: c.title, width=40),
        Column(_l("Titulaire"), lambda c: c.supplier.name, width=30),
        Column(_l("Début"), lambda c: c.start_on, kind=DATE),
        Column(_l("Fin"), lambda c: c.end_on, kind=DATE),
        Column(_l("Montant maximum HT"), lambda c: c.max_amount_ht, kind=MONEY),
        Column(_l("Engagé HT"), lambda c: c.committed_ht, kind=MONEY),
        Column(_l("Restant HT"), lambda c: c.remaining_ht, kind=MONEY),
        Column(_l("Consommé (%)"), lambda c: services.consumption_percent(c), kind=NUMBER),
        Column(_l("Notifié le"), lambda c: c.notified_on, kind=DATE),
        Column(_l("Résilié"), lambda c: _("Oui") if c.is_terminated else _("Non")),
    ))


@bp.get("/purchase-orders/")
@roles_required(*OFFICERS)
def index():
    status, stmt = PURCHASE_ORDERS_EXPORT.filtered(request.args)
    pagination = paginate_flat(stmt)
    return render_template("purchase_orders/index.html", pagination=pagination, machine=PURCHASE_ORDER,
                           status_filter=status, export_endpoint=PURCHASE_ORDERS_EXPORT.endpoint)


@bp.get("/purchase-orders/to-place")
@roles_required(*OFFICERS)
def to_place():
    pagination = flat_page(services.to_place_groups_stmt(), page=query_int("page", 1), per_page=GROUPS_PER_PAGE,
                           rows=True, count=services.to_place_contracts_stmt())
    groups = services.to_place_page(pagination.items, LINES_PER_GROUP)
    return render_template("purchase_orders/to_place.html", groups=groups, pagination=pagination, form=FlaskForm())


@bp.post("/purchase-orders/create")
@roles_required(*OFFICERS)
def create():
    _csrf_ok()
    po = services.create_purchase_order(request.form.get("contract_id", type=database_id), current_user)
    db.session.commit()
    flash(_("Bon de commande %(ref)s créé.", ref=po.reference), "success")
    return redirect(url_for("purchase_orders.show", po_id=po.id))


@bp.get("/purchase-orders/<int:po_id>")
@roles_required(*OFFICERS)
def show(po_id: int):
    return _render_show(_po_or_404(po_id))


def _render_show(po, status: int = 200, cancel_form=None):
    return render_template("purchase_orders/show.html", po=po, machine=PURCHASE_ORDER, order_machine=ORDER,
                           form=FlaskForm(), deliveries=services.deliveries_of(po),
                           cancel_form=cancel_form or CancelPurchaseOrderForm(formdata=None),
                           supplier_mail=mail.purchase_order_mail(po)), status


@bp.post("/purchase-orders/<int:po_id>/send")
@roles_required(*OFFICERS)
def send(po_id: int):
    _csrf_ok()
    po = _po_or_404(po_id)
    services.send_purchase_order(po, current_user)
    db.session.commit()
    flash(_("Bon de commande %(ref)s envoyé.", ref=po.reference), "success")
    return redirect(url_for("purchase_orders.show", po_id=po.id))


@bp.post("/purchase-orders/<int:po_id>/acknowledge")
@roles_required(*OFFICERS)
def acknowledge(po_id: int):
    _csrf_ok()
    po = _po_or_404(po_id)
    services.change_po_status(po, "acknowledged", current_user)
    db.session.commit()
    flash(_("Accusé de réception enregistré."), "success")
    return redirect(url_for("purchase_orders.show", po_id=po.id))


class CancelPurchaseOrderForm(FlaskForm):
    reason = TextAreaField(_l("Motif de l'annulation"), filters=[strip_filter], validators=[Length(max=2000)])
    confirm = ConfirmField(_l("Je confirme l'annulation du bon de commande (définitive)."))


@bp.post("/purchase-orders/<int:po_id>/cancel")
@roles_required(*OFFICERS)
def cancel(po_id: int):
    po = _po_or_404(po_id)
    form = CancelPurchaseOrderForm()
    PURCHASE_ORDER.check(po.status, "cancelled")
    if not form.validate_on_submit():  # not confirmed: the page again, the error on the checkbox
        return _render_show(po, 422, cancel_form=form)
    services.cancel_purchase_order(po, current_user, form.reason.data or "")
    db.session.commit()
    flash(_("Bon de commande annulé."), "success")
    return redirect(url_for("purchase_orders.show", po_id=po.id))


@bp.route("/purchase-orders/<int:po_id>/delivery", methods=["GET", "POST"])
@roles_required(*OFFICERS)
def delivery(po_id: int):
    po = _po_or_404(po_id)
    form = FlaskForm()
    error = None
    line_error: dict = {}
    quantities: dict[int, str] = {}
    serials: dict[int, str] = {}
    if form.validate_on_submit():
        quantities = {pl.id: request.form.get(f"qty-{pl.id}", "") for pl in po.lines}
        serials = {pl.id: request.form.get(f"serials-{pl.id}", "") for pl in po.lines}
        try:
            services.record_delivery(po, quantities, serials, current_user)
        except DomainError as exc:  # nothing written; the form again with what was typed, the error on its line
            db.session.rollback()
            error = error_message(exc)
            if exc.details.get("purchase_order_line_id"):
                line_error = {"line_id": exc.details["purchase_order_line_id"],
                              "field": exc.details.get("field", "qty"), "message": error_message(exc)}
            po = _po_or_404(po_id)
        else:
            db.session.commit()
            flash(_("Livraison enregistrée."), "success")
            return redirect(url_for("purchase_orders.show", po_id=po.id))
    status = 422 if (error or form.errors) else 200
    return render_template("purchase_orders/delivery.html", po=po, form=form, error=error, line_error=line_error,
                           quantities=quantities, serials=serials), status


@bp.get("/purchase-orders/<int:po_id>/print")
@roles_required(*OFFICERS)
def print_view(po_id: int):
    po = _po_or_404(po_id)
    return render_template("purchase_orders/print.html", po=po, doc=services.build_purchase_order_document(po))


@bp.get("/purchase-orders/<int:po_id>/pdf")
@roles_required(*OFFICERS)
def pdf(po_id: int):
    """The purchase order as PDF/A-3 with its Order-X XML embedded (incomplete data: 422 listing it)."""
    return _download(services.pdf_file(_po_or_404(po_id)))


@bp.get("/purchase-orders/<int:po_id>/order-x")
@roles_required(*OFFICERS)
def order_x(po_id: int):
    return _download(services.order_x_file(_po_or_404(po_id)))


def _download(file):
    return bytes_response(file.filename, file.content_type, file.data)


@bp.get("/purchase-orders/<int:po_id>/export.<fmt>")
@roles_required(*OFFICERS)
def export(po_id: int, fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    po = _po_or_404(po_id)
    rows = services.po_export_rows(po)
    columns = list(rows[0]) if rows else ["Bon de commande"]
    return frame_response(safe_frame(rows, columns), fmt, po.reference)


@bp.get("/contracts/")
@roles_required(*OFFICERS)
def contracts():
    (q, attention), stmt = CONTRACTS_EXPORT.filtered(request.args)
    pagination = paginate(stmt)
    return render_template("purchase_orders/contracts.html", rows=services.consumption_rows(pagination.items),
                           pagination=pagination, q=q, attention=attention, expiry_days=services.EXPIRY_WARNING_DAYS,
                           export_endpoint=CONTRACTS_EXPORT.endpoint)


@bp.get("/contracts/<int:contract_id>")
@roles_required(*OFFICERS)
def contract(contract_id: int):
    contract = services.load_contract(contract_id)
    if contract is None:
        abort(404)
    return render_template("purchase_orders/contract.html", contract=contract,
                           notification_form=NotificationForm(formdata=None, obj=contract),
                           modification_form=ModificationForm(formdata=None))
