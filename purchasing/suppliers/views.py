"""Supplier pages: purchasing officers and admins list, create and edit suppliers."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from purchasing import navigation
from purchasing.accounts.models import Role
from purchasing.auth import roles_required
from purchasing.extensions import db
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


@bp.get("/")
@roles_required(*OFFICERS)
def index():
    form = SupplierSearchForm(request.args)
    form.validate()
    pagination = paginate(services.search_suppliers(form.q.data or ""))
    return render_template("suppliers/index.html", form=form, pagination=pagination)


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
