"""Repair pages (blueprint ``lifecycle``): open and close a repair or refurbishment from the asset page."""
from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lifecycle.assets.forms import CloseRepairForm, RepairForm
from lifecycle.assets.views import MANAGE, _managed_asset, _render_show, attempt, bp
from lifecycle.repairs import services
from purchasing.auth import roles_required
from purchasing.extensions import db


@bp.post("/assets/<int:asset_id>/repair")
@roles_required(*MANAGE)
def repair(asset_id: int):
    asset = _managed_asset(asset_id)
    form = RepairForm(prefix="repair")
    if not form.validate_on_submit():
        return _render_show(asset, 422, repair_form=form)
    refused = attempt(asset_id, "repair_form", form, lambda: services.open_repair(
        asset, kind=form.kind.data, provider=form.provider.data, opened_on=form.opened_on.data, actor=current_user))
    if refused is not None:
        return refused
    db.session.commit()
    flash(_("Intervention ouverte."), "success")
    return redirect(url_for("lifecycle.show", asset_id=asset.id))


@bp.post("/assets/<int:asset_id>/repair/close")
@roles_required(*MANAGE)
def close_repair(asset_id: int):
    asset = _managed_asset(asset_id)
    job = services.current_repair(asset)
    if job is None:
        abort(404)
    form = CloseRepairForm(prefix="close")
    if not form.validate_on_submit():
        return _render_show(asset, 422, close_form=form)
    refused = attempt(asset_id, "close_form", form, lambda: services.close_repair(
        job, work_done=form.work_done.data or [], cost_ht=form.cost_ht.data, grade=form.grade.data or None,
        closed_on=form.closed_on.data, back_to=form.back_to.data, actor=current_user))
    if refused is not None:
        return refused
    db.session.commit()
    flash(_("Intervention clôturée."), "success")
    return redirect(url_for("lifecycle.show", asset_id=asset.id))
