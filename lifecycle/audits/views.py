"""Physical audit pages (blueprint ``lifecycle``): start, scan, result, close."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from lifecycle.assets.views import ALL, MANAGE, _can_manage, _import_member_choices, bp
from lifecycle.audits import services
from lifecycle.audits.forms import AuditStartForm, ScanForm
from lifecycle.audits.models import Audit
from purchasing import list_exports
from purchasing.auth import roles_required
from purchasing.list_exports import DATETIME, INTEGER, Column
from purchasing.extensions import db
from purchasing.pagination import paginate
from purchasing.scoping import get_scoped_or_404


# --- physical audits -----------------------------------------------------------------------------

AUDIT_STATUS_LABELS = {"open": _l("ouvert"), "closed": _l("clôturé")}


def _audits_filtered(args):
    """The audits page's status filter ("open", "closed" or none) and filtered query (its export uses the same)."""
    status = args.get("status") if args.get("status") in AUDIT_STATUS_LABELS else None
    return status, services.audits_query(status=status)


AUDITS_EXPORT = list_exports.register(
    bp, "audits", list_endpoint="lifecycle.audits", rule="/audits/export.<fmt>", roles=ALL,
    filename="inventaires-physiques", filtered=_audits_filtered, columns=(
        Column(_l("Numéro"), lambda a: a.id, kind=INTEGER),
        Column(_l("Site"), lambda a: a.site.name, width=30),
        Column(_l("Adhérent"), lambda a: a.member.name, width=30),
        Column(_l("Démarré le"), lambda a: a.started_dt, kind=DATETIME),
        Column(_l("État"), lambda a: AUDIT_STATUS_LABELS.get(a.status, a.status)),
        Column(_l("Clôturé le"), lambda a: a.closed_dt, kind=DATETIME),
    ))


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
    status_filter, stmt = AUDITS_EXPORT.filtered(request.args)
    pagination = paginate(stmt)
    return render_template("lifecycle/audits.html", form=form, pagination=pagination, status_filter=status_filter,
                           export_endpoint=AUDITS_EXPORT.endpoint, can_manage=current_user.role in MANAGE), status


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
