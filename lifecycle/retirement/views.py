"""End-of-life page action (blueprint ``lifecycle``): retire an asset from its page."""
from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lifecycle.assets.forms import RetireForm
from lifecycle.assets.views import MANAGE, _managed_asset, _render_show, bp
from lifecycle.retirement import services
from purchasing.auth import roles_required
from purchasing.domain.errors import DomainError
from purchasing.extensions import db
from purchasing.i18n import error_message


@bp.post("/assets/<int:asset_id>/retire")
@roles_required(*MANAGE)
def retire(asset_id: int):
    asset = _managed_asset(asset_id)
    form = RetireForm(prefix="retire")
    if not form.validate_on_submit():
        return _render_show(asset, 422, retire_form=form)
    try:
        services.retire_asset(asset, route=form.route.data, retired_on=form.retired_on.data, actor=current_user,
                              recipient=form.recipient.data or "", recipient_siret=form.recipient_siret.data or "",
                              certificate_ref=form.certificate_ref.data or "", note=form.note.data or "")
    except DomainError as error:  # the asset page again, the refusal on the form, what was typed kept
        db.session.rollback()
        form.form_errors.append(error_message(error))
        return _render_show(_managed_asset(asset_id), error.http_status, refusal=error_message(error), retire_form=form)
    db.session.commit()
    flash(_("Équipement sorti de l'inventaire."), "success")
    return redirect(url_for("lifecycle.show", asset_id=asset.id))
