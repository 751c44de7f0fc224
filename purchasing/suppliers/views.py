"""Supplier pages: purchasing officers and admins list, create and edit suppliers."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from purchasing import list_exports, navigation
from purchasing.accounts.models import Role
from purchasing.auth import roles_required
from purchasing.extensions import db
from purchasing.list_exports import Column
from purchasing.pagination import paginate
from purchasing.suppliers import services
from purchasing.suppliers.forms import SupplierForm, SupplierSearchForm
from purchasing.suppliers.models import Supplier

bp = Blueprint("suppliers", __name__, url_prefix="/suppliers")
OFFICERS = (Role.ADMIN, Role.PURCHASING_OFFICER)
navigation.register("suppliers.index", _l("Fournisseurs"), OFFICERS, order=60)


def _data_from(form: SupplierForm) -> services.SupplierData:
    return services.SupplierData(**{name: form[name].data for name in (
        "name", "siret", "address", "postal_code", "city", "contact_name", "contact_email", "contact_phone",
        "order_email", "accepts_order_x", "is_active")})


def _suppliers_filtered(args):
    """The suppliers page's search form and filtered query (its export uses the same): purchasing/list_exports.py."""
    form = SupplierSearchForm(args)
    form.validate()
    return form, services.search_suppliers(form.q.data or "")


SUPPLIERS_EXPORT = list_exports.register(
    bp, "suppliers", list_endpoint="suppliers.index", rule="/export.<fmt>", roles=OFFICERS, filename="fournisseurs",
    filtered=_suppliers_filtered, key=1, columns=(
        Column(_l("Raison sociale"), lambda s: s.name, width=36),
        Column(_l("SIRET"), lambda s: s.siret, width=16),
        Column(_l("SIREN"), lambda s: s.siren),
        Column(_l("Adresse"), lambda s: s.address, width=36),
        Column(_l("Code postal"), lambda s: s.postal_code),
        Column(_l("Ville"), lambda s: s.city, width=24),
        Column(_l("Contact"), lambda s: s.contact_name, width=24),
        Column(_l("Courriel du contact"), lambda s: s.contact_email, width=30),
        Column(_l("Téléphone"), lambda s: s.contact_phone, width=16),
        Column(_l("Courriel des commandes"), lambda s: s.order_email, width=30),
        Column(_l("État"), lambda s: _("Actif") if s.is_active else _("Inactif")),
    ))


@bp.get("/")
@roles_required(*OFFICERS)
def index():
    form, stmt = SUPPLIERS_EXPORT.filtered(request.args)
    pagination = paginate(stmt)
    return render_template("suppliers/index.html", form=form, pagination=pagination,
                           export_endpoint=SUPPLIERS_EXPORT.endpoint)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*OFFICERS)
def create():
    form = SupplierForm()
    if form.validate_on_submit():
        supplier = services.create_supplier(_data_from(form))
        db.session.commit()
        flash(_("Fournisseur « %(name)s » créé.", name=supplier.name), "success")
        return redirect(url_for("suppliers.index"))
    return render_template("suppliers/form.html", form=form, supplier=None), 422 if form.errors else 200


@bp.route("/<int:supplier_id>/edit", methods=["GET", "POST"])
@roles_required(*OFFICERS)
def edit(supplier_id: int):
    supplier = db.get_or_404(Supplier, supplier_id)
    form = SupplierForm(obj=supplier, supplier_id=supplier.id)
    if form.validate_on_submit():
        services.update_supplier(supplier, _data_from(form))
        db.session.commit()
        flash(_("Fournisseur « %(name)s » enregistré.", name=supplier.name), "success")
        return redirect(url_for("suppliers.index"))
    return render_template("suppliers/form.html", form=form, supplier=supplier), 422 if form.errors else 200
