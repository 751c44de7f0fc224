"""Job pages: "Mes tâches", one job's progress then result or errors, its download; starting exports and sheets."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from purchasing import navigation
from purchasing.accounts.models import Role
from purchasing.auth import roles_required
from purchasing.domain.errors import DomainError
from purchasing.extensions import db
from purchasing.jobs import kinds, services
from purchasing.jobs.models import Job
from purchasing.pagination import paginate
from purchasing.i18n import error_message

bp = Blueprint("jobs", __name__, url_prefix="/jobs")

ALL = tuple(Role)
REPORT_READERS = (Role.SUSTAINABILITY_OFFICER, Role.ADMIN, Role.PURCHASING_OFFICER, Role.SECRETARY, Role.APPROVER)

navigation.register("jobs.index", _l("Mes tâches"), {r.value for r in ALL}, order=95)

STATUS_LABELS = {"queued": _l("En attente"), "running": _l("En cours"), "done": _l("Terminée"),
                 "failed": _l("En échec")}
#: what a job counts, per kind (the progress text: "12 000 lignes sur 20 000")
UNITS = {kinds.INVENTORY_IMPORT: "rows", kinds.PRICE_LIST_IMPORT: "rows", kinds.ORDERS_EXPORT: "rows", kinds.LABEL_SHEET: "labels",
         kinds.REPORT_EXPORT: "steps"}


def progress_text(job: Job) -> str:
    done = format_decimal(job.progress_done or 0)
    if job.progress_total is None:
        return _("%(done)s traités", done=done)
    total = format_decimal(job.progress_total)
    unit = UNITS.get(job.kind, "rows")
    if unit == "labels":
        return _("%(done)s étiquettes sur %(total)s", done=done, total=total)
    if unit == "steps":
        return _("étape %(done)s sur %(total)s", done=done, total=total)
    return _("%(done)s lignes sur %(total)s", done=done, total=total)


def job_or_404(job_id: int, *, with_result: bool = False) -> Job:
    job = services.get_job(job_id, current_user, with_result=with_result)
    if job is None:
        abort(404)
    return job


def _locale() -> str:
    return str(get_locale() or "fr")


@bp.get("/")
@roles_required(*ALL)
def index():
    pagination = paginate(services.jobs_query(current_user))
    return render_template("jobs/index.html", pagination=pagination, status_labels=STATUS_LABELS,
                           progress_text=progress_text)


@bp.get("/<int:job_id>")
@roles_required(*ALL)
def show(job_id: int):
    job = job_or_404(job_id)
    return render_template("jobs/show.html", job=job, status_labels=STATUS_LABELS, progress_text=progress_text(job),
                           errors=(job.result or {}).get("errors", []) if job.status == "failed" else [])


@bp.get("/<int:job_id>/status")
@roles_required(*ALL)
def status(job_id: int):
    """The job's state for the page's script (no-store: it changes while the job runs)."""
    job = job_or_404(job_id)
    response = jsonify(status=job.status, status_label=str(STATUS_LABELS[job.status]), done=job.progress_done,
                       total=job.progress_total, text=progress_text(job), finished=job.finished,
                       message=job.message)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<int:job_id>/result")
@roles_required(*ALL)
def result(job_id: int):
    job = job_or_404(job_id, with_result=True)
    if job.status != "done" or not job.result_name or job.result_data is None:
        abort(404)
    return file_response(job)


def file_response(job: Job) -> Response:
    name = job.result_name.replace('"', "")
    return Response(job.result_data, mimetype=job.result_mimetype or "application/octet-stream",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store",
                             "X-Content-Type-Options": "nosniff"})


def _started(job: Job):
    db.session.commit()
    return redirect(url_for("jobs.show", job_id=job.id), code=303)


@bp.post("/reports/sustainability")
@roles_required(*REPORT_READERS)
def start_report_export():
    """Scope, id and year in the query string, read as the report page reads them; the format in the form."""
    from lifecycle.reports.views import _parse_scope

    scope, scope_id, year, _target, _today = _parse_scope()
    fmt = request.form.get("fmt", "xlsx")
    if fmt not in ("xlsx", "csv"):
        abort(400)
    job = kinds.start_report_export(current_user, scope, scope_id, year, fmt, _locale())
    return _started(job)


@bp.post("/orders-export")
@roles_required(*ALL)
def start_orders_export():
    from purchasing.orders import exports
    from purchasing.orders.forms import ExportForm

    form = ExportForm(request.form, members=exports.member_choices(current_user))
    if not form.validate() or form.fmt.data not in ("xlsx", "csv"):
        return render_template("orders/export.html", form=form), 422
    job = kinds.start_orders_export(current_user, form.member.data or None, form.start.data, form.end.data,
                                    form.fmt.data)
    return _started(job)


@bp.post("/labels")
@roles_required(*ALL)
def start_label_sheet():
    ids = [int(i) for i in request.form.getlist("ids") if i.isdigit() and len(i) <= 9]
    try:
        job = kinds.start_label_sheet(current_user, ids, _locale())
    except DomainError as error:
        flash(error_message(error), "error")
        return redirect(url_for("lifecycle.index"))
    return _started(job)

