"""Asset pages: inventory, asset page and its actions, tags and labels.

The blueprint ``lifecycle`` (pages under /lifecycle/) is defined here; the other areas' views (pool, repairs,
retirement, imports, audits) add their routes to it, and lifecycle/web.py loads them all.
"""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from lifecycle.assets import services, tags
from lifecycle.assets.forms import (
    CHANGE_LABELS, CONDITION_LABELS, ERASURE_LABELS, STORAGE_LABELS, EVENT_LABELS, ORIGIN_LABELS, ROUTE_LABELS, STATUS_LABELS, WORK_LABELS,
    AssetForm, CloseRepairForm, ErasureForm, InventoryFilterForm, OfferForm, PlacementForm, RepairForm, RetireForm,
    StatusForm, WarrantyForm,
)
from lifecycle.assets.models import Asset
from lifecycle.domain import erasure as erasure_rules
from lifecycle.pool import services as pool
from lifecycle.pool.forms import DeclineForm
from lifecycle.repairs import services as repairs
from purchasing import list_exports, navigation
from purchasing.accounts.models import Role
from purchasing.auth import roles_required
from purchasing.documents.services import DocumentRefused
from purchasing.extensions import db
from purchasing.forms import choices
from purchasing.domain.errors import DomainError
from purchasing.list_exports import DATE, DATETIME, INTEGER, MONEY, Column
from purchasing.pagination import paginate_flat
from purchasing.params import database_id, query_int
from purchasing.scoping import get_scoped_or_404
from purchasing.i18n import error_message

bp = Blueprint("lifecycle", __name__, url_prefix="/lifecycle")

ALL = tuple(Role)
MANAGE = (Role.SECRETARY, Role.PURCHASING_OFFICER, Role.ADMIN)

navigation.register("lifecycle.index", _l("Inventaire"), {r.value for r in ALL}, order=40)
navigation.register("lifecycle.pool", _l("Bourse de réemploi"), {r.value for r in ALL}, order=42)
navigation.register("lifecycle.audits", _l("Inventaires physiques"), {r.value for r in ALL}, order=44)
navigation.register("lifecycle.import_inventory", _l("Import d'inventaire"), {r.value for r in MANAGE}, order=46)

LABELS = dict(status_labels=STATUS_LABELS, condition_labels=CONDITION_LABELS, erasure_labels=ERASURE_LABELS,
              event_labels=EVENT_LABELS, origin_labels=ORIGIN_LABELS, route_labels=ROUTE_LABELS,
              work_labels=WORK_LABELS, change_labels=CHANGE_LABELS, storage_labels=STORAGE_LABELS)


def _category_choices():
    return services.device_category_choices(str(get_locale() or "fr"))


def _member_choices():
    return services.member_choices()


def _member_filter_choices():
    return services.member_filter_choices(query_int("member_id"), current_app.config["MEMBER_SELECT_LIMIT"])


def _can_manage(asset_or_member_id) -> bool:
    if current_user.role not in MANAGE:
        return False
    member_id = getattr(asset_or_member_id, "member_id", asset_or_member_id)
    return current_user.is_staff or current_user.member_id == member_id


# --- inventory -----------------------------------------------------------------------------------

def _inventory_filters(formdata, member_id: int | None):
    """The inventory's filter form over ``formdata`` (the page's query string, or the label sheet's POST)."""
    form = InventoryFilterForm(formdata, categories=_category_choices(), sites=services.member_sites(member_id),
                               members=_member_filter_choices() if current_user.is_staff else (),
                               systems=services.member_systems(member_id))
    form.validate()
    filters = services.InventoryFilter(
        member_id=(form.member_id.data or None) if current_user.is_staff else None,
        category_id=form.category_id.data or None, status=form.status.data or None, site_id=form.site.data or None,
        past_lifetime=bool(form.past_lifetime.data), ram_below_mb=form.ram_below.data or None,
        has_hdd=bool(form.hdd.data), os_label=form.os.data or None,
        uncertified_erasure=bool(form.erasure_uncertified.data))
    return form, filters


def _inventory_filtered(args):
    """The inventory page's form and filtered query (its export uses the same): purchasing/list_exports.py."""
    member_id = current_user.member_id if not current_user.is_staff else query_int("member_id")
    form, filters = _inventory_filters(args, member_id)
    return form, services.inventory_query(filters)


def _locale_text() -> str:
    return list_exports.locale()


INVENTORY_EXPORT = list_exports.register(
    bp, "inventory", list_endpoint="lifecycle.index", rule="/export.<fmt>", roles=ALL, filename="inventaire",
    filtered=_inventory_filtered, columns=(
        Column(_l("Étiquette"), lambda a: a.tag),
        Column(_l("Équipement"), lambda a: a.name, width=40),
        Column(_l("Numéro de série"), lambda a: a.serial_number, width=20),
        Column(_l("Catégorie"), lambda a: a.category.label(_locale_text()), width=20),
        Column(_l("Adhérent"), lambda a: a.member.name, width=30),
        Column(_l("Site"), lambda a: a.site_name, width=24),
        Column(_l("Statut"), lambda a: STATUS_LABELS.get(a.status, a.status)),
        Column(_l("Attribué à"), lambda a: a.assigned_to, width=20),
        Column(_l("Date d'acquisition"), lambda a: a.acquisition_date, kind=DATE),
        Column(_l("Fin de garantie"), lambda a: a.warranty_end_date, kind=DATE),
        Column(_l("Prix d'achat HT"), lambda a: a.purchase_price_ht, kind=MONEY),
        Column(_l("Mémoire vive (Mo)"), lambda a: a.hardware.ram_mb if a.hardware else None, kind=INTEGER),
        Column(_l("Système d'exploitation"), lambda a: a.hardware.os_label if a.hardware else None, width=24),
        Column(_l("Disque dur (HDD)"), lambda a: (_("Oui") if a.hardware.has_hdd else _("Non")) if a.hardware else None),
        Column(_l("Dernier contact de l'agent"),
               lambda a: a.hardware.last_contact_dt if a.hardware else None, kind=DATETIME),
    ))


@bp.get("/")
@roles_required(*ALL)
def index():
    form, stmt = INVENTORY_EXPORT.filtered(request.args)
    pagination = paginate_flat(stmt)
    return render_template("lifecycle/index.html", form=form, pagination=pagination,
                           export_endpoint=INVENTORY_EXPORT.endpoint, **LABELS)


@bp.route("/assets/new", methods=["GET", "POST"])
@roles_required(*MANAGE)
def create_asset():
    form = AssetForm()
    form.member_id.choices = _import_member_choices()
    form.category_id.choices = choices([(0, _("— Choisir —"))] + _category_choices())
    if form.validate_on_submit():
        member_id = form.member_id.data if current_user.is_staff else current_user.member_id
        if not member_id:
            form.member_id.errors = [_("Choisissez l'adhérent.")]
        else:
            try:
                asset = services.create_asset_by_hand(
                    member_id=member_id, category_id=form.category_id.data, actor=current_user,
                    serial_number=form.serial_number.data, origin=form.origin.data,
                    designation=form.designation.data, site_id=services.site_id_for(member_id, form.site.data),
                    assigned_to=form.assigned_to.data or "", acquisition_date=form.acquisition_date.data,
                    purchase_price_ht=form.purchase_price_ht.data, condition=form.condition.data)
            except DomainError as error:  # a serial already recorded…: on its field, what was typed kept
                db.session.rollback()
                _form_error(form, error, {"duplicate_serial": "serial_number", "unknown_category": "category_id",
                                          "bad_origin": "origin"})
            else:
                db.session.commit()
                flash(_("Équipement %(tag)s ajouté.", tag=asset.tag), "success")
                return redirect(url_for("lifecycle.show", asset_id=asset.id))
    return render_template("lifecycle/asset_form.html", form=form), 422 if form.errors else 200


def attempt(asset_id: int, form_key: str, form, action):
    """Run an asset page action; a domain refusal (a status change not allowed…) shows the page again with
    the message on that action's form and what was typed, nothing written. None when the action was done."""
    try:
        action()
    except DomainError as error:
        db.session.rollback()
        form.form_errors.append(error_message(error))
        return _render_show(_managed_asset(asset_id), error.http_status, refusal=error_message(error),
                            **{form_key: form})
    return None


def _form_error(form, error: DomainError, fields: dict[str, str]) -> None:
    """A domain refusal shown on the form: on the field its code names, else above the form."""
    name = fields.get(error.code) or error.details.get("field")
    if name and name in form:
        form[name].errors = [*form[name].errors, error_message(error)]
    else:
        form.form_errors.append(error_message(error))


@bp.get("/scan")
@roles_required(*ALL)
def scan():
    tag = (request.args.get("tag") or "").strip()
    asset = services.find_by_tag(tag)
    if asset is None:
        return render_template("lifecycle/scan_unknown.html", tag=tag), 404
    return redirect(url_for("lifecycle.show", asset_id=asset.id))


@bp.get("/assets/<int:asset_id>")
@roles_required(*ALL)
def show(asset_id: int):
    asset = get_scoped_or_404(Asset, asset_id)
    return _render_show(asset)


def _render_show(asset, status=200, **forms):
    repair = repairs.current_repair(asset)
    placed = {"site": asset.site_name, "assigned_to": asset.assigned_to}
    defaults = dict(status_form=StatusForm(formdata=None, data=placed, prefix="status"),
                    placement_form=PlacementForm(formdata=None, data=placed, prefix="place"),
                    warranty_form=WarrantyForm(formdata=None, obj=asset, prefix="warranty"),
                    erasure_form=ErasureForm(formdata=None, prefix="erasure"),
                    offer_form=OfferForm(formdata=None, prefix="offer", data={
                        "condition": erasure_rules.suggested_offer_condition(asset.condition, asset.acquisition_date,
                                                                             date.today())}),
                    repair_form=RepairForm(formdata=None, prefix="repair"),
                    close_form=CloseRepairForm(formdata=None, prefix="close"),
                    retire_form=RetireForm(formdata=None, prefix="retire"),
                    decline_form=DeclineForm(formdata=None, prefix="decline"))
    defaults.update(forms)
    return render_template(
        "lifecycle/show.html", asset=asset, timeline=services.asset_timeline(asset), repair=repair,
        listing=pool.open_listing_for(asset), erasure=services.latest_erasure(asset),
        carbon=services.carbon_summary(asset), lifetime=services.expected_lifetime(asset.product, asset.category),
        barcode=tags.barcode_svg_inline(asset.tag), can_manage=_can_manage(asset),
        erasure_guidance=[erasure_rules.GUIDANCE[kind] for kind in erasure_rules.storage_kinds(
            asset.category.code if asset.category else "",
            [disk.type for disk in asset.hardware.storages] if asset.hardware else [])],
        **defaults, **LABELS), status


def _import_member_choices():
    if current_user.is_staff:
        return [(0, _("— Choisir —"))] + _member_choices()
    return [(current_user.member_id or 0, current_user.member.name if current_user.member else "")]


def _managed_asset(asset_id: int) -> Asset:
    asset = get_scoped_or_404(Asset, asset_id)
    if not _can_manage(asset):
        abort(403)
    return asset


@bp.get("/assets/<int:asset_id>/barcode.svg")
@roles_required(*ALL)
def barcode(asset_id: int):
    asset = get_scoped_or_404(Asset, asset_id)
    return Response(tags.barcode_svg(asset.tag), mimetype="image/svg+xml")


def _label_refusal(error: DomainError) -> str:
    if error.code == "too_many_labels":
        return _("La sélection compte plus de %(n)s équipements : affinez les filtres ou cochez moins "
                 "d'équipements.", n=services.MAX_LABELS)
    return _("Cochez au moins un équipement pour imprimer ses étiquettes.")


@bp.post("/labels")
@roles_required(*ALL)
def labels():
    """The label sheet of a selection: the ticked ids, or (``selection=filter``) every asset the inventory's
    filters match. One A4 page is shown at once; more are prepared by a job, downloaded from its page."""
    from purchasing.jobs import kinds

    filters = None
    if request.form.get("selection") == "filter":
        member_id = current_user.member_id if not current_user.is_staff else \
            request.form.get("member_id", type=database_id)
        _form, filters = _inventory_filters(request.form, member_id)
    try:
        ids = services.label_ids(request.form.getlist("ids", type=database_id), filters)
    except DomainError as error:
        flash(_label_refusal(error), "error")
        return redirect(url_for("lifecycle.index"), code=303)
    if not ids:
        abort(404)  # none of them is in the user's inventory
    if len(ids) > tags.LABELS_PER_PAGE:
        job = kinds.start_label_sheet(current_user, ids, str(get_locale() or "fr"))
        db.session.commit()
        return redirect(url_for("jobs.show", job_id=job.id), code=303)
    return tags.sheet_html(services.assets_for_labels(ids))[0]


@bp.post("/assets/<int:asset_id>/status")
@roles_required(*MANAGE)
def change_status(asset_id: int):
    asset = _managed_asset(asset_id)
    form = StatusForm(prefix="status")
    if not form.validate_on_submit():
        return _render_show(asset, 422, status_form=form)
    def change():
        services.change_asset_status(asset, form.to.data, current_user, reason=form.reason.data or "")
        if form.to.data == "in_service":
            site_id = services.site_id_for(asset.member_id, form.site.data) if form.site.data else asset.site_id
            services.update_placement(asset, site_id=site_id,
                                      assigned_to=form.assigned_to.data or asset.assigned_to, actor=current_user)

    if (refused := attempt(asset_id, "status_form", form, change)) is not None:
        return refused
    db.session.commit()
    flash(_("Statut enregistré."), "success")
    return redirect(url_for("lifecycle.show", asset_id=asset.id))


@bp.post("/assets/<int:asset_id>/placement")
@roles_required(*MANAGE)
def placement(asset_id: int):
    asset = _managed_asset(asset_id)
    form = PlacementForm(prefix="place")
    if not form.validate_on_submit():
        return _render_show(asset, 422, placement_form=form)
    refused = attempt(asset_id, "placement_form", form, lambda: services.update_placement(
        asset, site_id=services.site_id_for(asset.member_id, form.site.data), assigned_to=form.assigned_to.data,
        actor=current_user, reason=form.reason.data or ""))
    if refused is not None:
        return refused
    db.session.commit()
    flash(_("Site et affectation enregistrés."), "success")
    return redirect(url_for("lifecycle.show", asset_id=asset.id))


@bp.post("/assets/<int:asset_id>/warranty")
@roles_required(*MANAGE)
def warranty(asset_id: int):
    asset = _managed_asset(asset_id)
    form = WarrantyForm(prefix="warranty")
    if not form.validate_on_submit():
        return _render_show(asset, 422, warranty_form=form)
    refused = attempt(asset_id, "warranty_form", form,
                      lambda: services.update_warranty(asset, form.warranty_end_date.data, actor=current_user))
    if refused is not None:
        return refused
    db.session.commit()
    flash(_("Fin de garantie enregistrée."), "success")
    return redirect(url_for("lifecycle.show", asset_id=asset.id))


@bp.post("/assets/<int:asset_id>/erasure")
@roles_required(*MANAGE)
def erasure(asset_id: int):
    asset = _managed_asset(asset_id)
    form = ErasureForm(prefix="erasure")
    if not form.validate_on_submit():
        return _render_show(asset, 422, erasure_form=form)
    upload = form.certificate_file.data
    certificate = (upload.filename or "", upload.stream) if upload and upload.filename else None
    try:
        services.record_erasure(asset, method=form.method.data, performed_on=form.performed_on.data,
                                operator=form.operator.data, certificate_ref=form.certificate_ref.data,
                                actor=current_user, certificate_file=certificate)
    except DocumentRefused as error:
        db.session.rollback()
        form.certificate_file.errors = [error_message(error)]
        return _render_show(get_scoped_or_404(Asset, asset_id), 422, erasure_form=form)
    except DomainError as error:
        db.session.rollback()
        form.form_errors.append(error_message(error))
        return _render_show(_managed_asset(asset_id), error.http_status, erasure_form=form)
    db.session.commit()
    flash(_("Effacement des données enregistré."), "success")
    return redirect(url_for("lifecycle.show", asset_id=asset.id))
