"""Physical audit pages (blueprint ``lifecycle``): start, scan, result, close."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lifecycle.assets.views import ALL, MANAGE, _can_manage, _import_member_choices, bp
from lifecycle.audits import services
from lifecycle.audits.forms import AuditStartForm, ScanForm
from lifecycle.audits.models import Audit
from purchasing.auth import roles_required
from purchasing.extensions import db
from purchasing.pagination import paginate
from purchasing.scoping import get_scoped_or_404


# --- physical audits -----------------------------------------------------------------------------

@bp.route("/audits", methods=["GET", "POST"])
@roles_required(*ALL)
def audits():
    form = AuditStartForm()
    form.member_id.choices = _import_member_choices()
    status = 200
    if request.method == "POST":
        if current_user.role not in MANAGE:
            abort(403)
        if form.validate_on_submit():
            member_id = form.member_id.data if current_user.is_staff else current_user.member_id
            if member_id:
                audit = services.start_audit(member_id, form.site.data, current_user)
                db.session.commit()
                return redirect(url_for("lifecycle.audit_show", audit_id=audit.id))
            form.member_id.errors = [_("Choisissez l'adhérent.")]
        status = 422
    pagination = paginate(services.audits_query())
    return render_template("lifecycle/audits.html", form=form, pagination=pagination,
                           can_manage=current_user.role in MANAGE), status


@bp.get("/audits/<int:audit_id>")
@roles_required(*ALL)
def audit_show(audit_id: int):
    audit = get_scoped_or_404(Audit, audit_id)
    return _render_audit(audit)


def _render_audit(audit, status=200, form=None):
    return render_template("lifecycle/audit.html", audit=audit, result=services.audit_result(audit),
                           form=form or ScanForm(formdata=None), can_manage=_can_manage(audit.member_id)), status


@bp.post("/audits/<int:audit_id>/scan")
@roles_required(*MANAGE)
def audit_scan(audit_id: int):
    audit = get_scoped_or_404(Audit, audit_id)
    form = ScanForm()
    if not form.validate_on_submit():
        return _render_audit(audit, 422, form)
    services.scan_tags(audit, form.tags.data)
    db.session.commit()
    return redirect(url_for("lifecycle.audit_show", audit_id=audit.id) + "#scan")


@bp.post("/audits/<int:audit_id>/close")
@roles_required(*MANAGE)
def audit_close(audit_id: int):
    audit = get_scoped_or_404(Audit, audit_id)
    services.close_audit(audit, current_user)
    db.session.commit()
    flash(_("Inventaire physique clôturé : emplacements mis à jour."), "success")
    return redirect(url_for("lifecycle.audit_show", audit_id=audit.id))
