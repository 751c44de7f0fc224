"""Inventory import pages (blueprint ``lifecycle``): the import form (small files at once, large ones as a job)
and the templates."""
from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_babel import get_locale

from lifecycle.assets.views import MANAGE, _import_member_choices, bp
from lifecycle.imports import services as imports
from lifecycle.imports.forms import ImportForm
from purchasing import uploads
from purchasing.auth import roles_required
from purchasing.domain.errors import DomainError
from purchasing.extensions import db
from purchasing.jobs import kinds as job_kinds


# --- import --------------------------------------------------------------------------------------

@bp.route("/import", methods=["GET", "POST"])
@roles_required(*MANAGE)
def import_inventory():
    form = ImportForm()
    form.member_id.choices = _import_member_choices()
    report = None
    status = 200
    if form.validate_on_submit():
        member_id = form.member_id.data if current_user.is_staff else current_user.member_id
        upload = form.file.data
        if not member_id:
            form.member_id.errors = [_("Choisissez l'adhérent dont vous importez l'inventaire.")]
            status = 422
        elif upload is None or not getattr(upload, "filename", ""):
            form.file.errors = [_("Choisissez un fichier .csv, .xlsx ou .ods.")]
            status = 422
        else:
            try:
                data = uploads.read_upload(upload)
                rows = job_kinds.count_inventory_rows(upload.filename, data)
                if rows > current_app.config["JOBS_IMPORT_ROW_THRESHOLD"]:
                    # a large file: a background job with a progress bar (all or nothing as below)
                    job = job_kinds.start_inventory_import(current_user, member_id, upload.filename, data,
                                                           dry_run=bool(form.dry_run.data), rows=rows,
                                                           locale=str(get_locale() or "fr"))
                    db.session.commit()
                    return redirect(url_for("jobs.show", job_id=job.id), code=303)
                report = imports.run_import(upload.filename, data, member_id,
                                            current_user, dry_run=bool(form.dry_run.data))
            except DomainError as error:
                form.file.errors = [error.message]
                status = 422
            else:
                if report.errors:
                    status = 422
                elif not form.dry_run.data:
                    db.session.commit()
                    flash(_("%(n)s équipements importés.", n=report.imported), "success")
                    if report.new_sites:
                        flash(_("Sites ajoutés au carnet d'adresses : %(sites)s.",
                                sites=", ".join(report.new_sites)), "info")
                    return redirect(url_for("lifecycle.index"))
    elif form.errors:
        status = 422
    return render_template("lifecycle/import.html", form=form, report=report, columns=imports.COLUMNS), status



@bp.get("/import/template.<fmt>")
@roles_required(*MANAGE)
def import_template(fmt: str):
    if fmt == "csv":
        return Response(imports.template_csv(), mimetype="text/csv",
                        headers={"Content-Disposition": "attachment; filename=modele-inventaire.csv"})
    if fmt == "xlsx":
        return Response(imports.template_xlsx(),
                        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": "attachment; filename=modele-inventaire.xlsx"})
    abort(404)
