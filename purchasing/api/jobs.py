"""``/api/v1/jobs``: start long tasks (inventory import, report export), follow them, download their file.

The same jobs as the web's "Mes tâches": a member's jobs to that member's users only, staff jobs to staff only
(another member's job is a 404).
"""
from __future__ import annotations

import base64
import binascii
from datetime import date, datetime
from typing import Annotated, Any, Literal

from flask import abort
from flask_login import current_user
from annotated_types import Ge, Le
from pydantic import BeforeValidator, Field, StringConstraints

from lifecycle.reports import data as report_data
from purchasing.accounts.models import Role
from purchasing.api.framework import PageQuery, Text, api_route, integral
from purchasing.api.schemas import IdIn, Input, Output, ReportScope
from purchasing.domain.errors import N_, ConflictError, DomainError
from purchasing.extensions import db
from purchasing.jobs import kinds, services
from purchasing.jobs.views import file_response, progress_text

MANAGE = (Role.SECRETARY, Role.PURCHASING_OFFICER, Role.ADMIN)
#: a 50 MiB inventory file (INVENTORY_UPLOAD_MAX_BYTES), base64-encoded
MAX_BASE64 = 68 * 1024 * 1024


class JobOut(Output):
    id: int
    kind: str = Field(description="inventory_import, report_export, orders_export, label_sheet…")
    title: str
    status: Literal["queued", "running", "done", "failed"]
    progress_done: int = Field(description="Unités traitées (lignes, étapes, étiquettes)")
    progress_total: int | None = Field(description="Total attendu (null tant qu'il n'est pas connu)")
    progress_text: str = Field(description="Avancement en clair, ex. « 12 000 lignes sur 20 000 »")
    message: str
    error: str = Field(description="Motif de l'échec (ou du dernier essai en échec avant un nouvel essai)")
    result: dict[str, Any] | None = Field(description="Bilan : nombre de lignes importées, erreurs ligne par "
                                                      "ligne (`errors`: row, column, reason)…")
    result_file: str | None = Field(description="Nom du fichier produit, à télécharger par "
                                                "`GET /api/v1/jobs/{id}/result`")
    attempts: int
    created_dt: datetime
    started_dt: datetime | None
    finished_dt: datetime | None


def _out(job) -> dict:
    return {"id": job.id, "kind": job.kind, "title": job.title, "status": job.status,
            "progress_done": job.progress_done, "progress_total": job.progress_total,
            "progress_text": progress_text(job), "message": job.message, "error": job.error, "result": job.result,
            "result_file": job.result_name or None, "attempts": job.attempts, "created_dt": job.created_dt,
            "started_dt": job.started_dt, "finished_dt": job.finished_dt}


class JobListItem(JobOut):
    @classmethod
    def model_validate(cls, obj, **kwargs):  # the list serialises ORM rows through _out
        return super().model_validate(_out(obj) if not isinstance(obj, dict) else obj)


class InventoryImportIn(Input):
    filename: Annotated[Text, StringConstraints(min_length=5, max_length=200)] = Field(
        description="Nom du fichier (.csv, .xlsx, .ods, .json, .xml ou .zip ; ce qu'il est vient de son contenu : "
                    "tableur, export GLPI ou Snipe-IT, inventaire GLPI JSON, inventaires XML d'agent). Ses colonnes "
                    "sont associées comme sur la page d'import : l'association enregistrée de l'adhérent pour ces "
                    "titres, sinon celle proposée (voir `/api/v1/inventory-mappings`)")
    content_base64: Annotated[str, StringConstraints(min_length=1, max_length=MAX_BASE64)] = Field(
        description="Contenu du fichier encodé en base64 (50 Mo au plus une fois décodé)")
    member_id: IdIn | None = Field(None, description="Adhérent (personnel du syndicat seulement ; "
                                                                     "un utilisateur d'un adhérent importe pour le sien)")
    dry_run: bool = Field(False, description="Vérifier seulement, sans rien enregistrer")


class ReportExportIn(Input):
    scope: ReportScope | None = Field(None, description="territory, epci ou member (par défaut : son adhérent, ou "
                                                        "le territoire pour le personnel)")
    id: IdIn | None = Field(None, description="EPCI ou adhérent")
    year: Annotated[int, Ge(2021), Le(2100), BeforeValidator(integral)] = Field(
        default_factory=lambda: date.today().year)
    format: Literal["xlsx", "csv"] = "xlsx"


def _job_or_404(job_id: int, *, with_result: bool = False):
    job = services.get_job(job_id, current_user, with_result=with_result)
    if job is None:
        abort(404)
    return job


@api_route("/jobs/inventory-import", methods=["POST"], roles=MANAGE, body=InventoryImportIn, response=JobOut,
           status=202, errors=(404, 409), tags=("jobs",))
def start_inventory_import(body: InventoryImportIn):
    """Lancer un import d'inventaire (tâche de fond)

    Le fichier est d'abord lu (format, colonnes obligatoires : un fichier illisible est refusé tout de suite,
    409), puis la tâche vérifie chaque ligne et importe tout ou rien. Suivre la tâche par
    `GET /api/v1/jobs/{id}` : statut, avancement, bilan ou erreurs ligne par ligne. Le même fichier envoyé deux
    fois pour le même adhérent renvoie la même tâche (rien n'est importé deux fois).
    """
    try:
        data = base64.b64decode(body.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise DomainError(N_("Le contenu n'est pas du base64 valide."), code="bad_base64") from None
    if current_user.is_staff:
        if body.member_id is None:
            raise DomainError(N_("Indiquez l'adhérent (member_id) dont vous importez l'inventaire."),
                              code="member_required")
        member_id = body.member_id
        from purchasing.members.models import Member

        if db.session.get(Member, member_id) is None:
            abort(404)
    else:
        member_id = current_user.member_id
    rows = kinds.count_inventory_rows(body.filename, data)
    job = kinds.start_inventory_import(current_user, member_id, body.filename, data, dry_run=body.dry_run,
                                       rows=rows)
    db.session.commit()
    db.session.refresh(job)
    return _out(job)


@api_route("/jobs/report-export", methods=["POST"], body=ReportExportIn, response=JobOut, status=202,
           errors=(403, 404, 409), tags=("jobs",))
def start_report_export(body: ReportExportIn):
    """Lancer l'export d'un rapport de durabilité (XLSX ou CSV, tâche de fond)

    Mêmes périmètres et mêmes droits que `GET /api/v1/reports/sustainability` ; le fichier se télécharge par
    `GET /api/v1/jobs/{id}/result` quand la tâche est terminée.
    """
    scope = body.scope or report_data.default_scope(current_user)
    job = kinds.start_report_export(current_user, scope, body.id, body.year, body.format)
    db.session.commit()
    db.session.refresh(job)
    return _out(job)


class JobsQuery(PageQuery):
    status: Literal["queued", "running", "done", "failed"] | None = Field(None, description="Filtrer par statut")


@api_route("/jobs", query=JobsQuery, response=JobListItem, paginated=True, tags=("jobs",))
def list_jobs(query: JobsQuery):
    """Mes tâches (celles de son adhérent ; celles du personnel pour le personnel), les plus récentes d'abord"""
    stmt = services.jobs_query(current_user)
    if query.status:
        from purchasing.jobs.models import Job

        stmt = stmt.where(Job.status == query.status)
    return stmt


@api_route("/jobs/<int:job_id>", response=JobOut, errors=(404,), tags=("jobs",))
def get_job(job_id: int):
    """Une tâche : statut, avancement, bilan ou motif de l'échec (404 pour la tâche d'un autre adhérent)"""
    return _out(_job_or_404(job_id))


@api_route("/jobs/<int:job_id>/result", errors=(404, 409), tags=("jobs",),
           media=("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/csv", "text/html"))
def job_result(job_id: int):
    """Le fichier produit par une tâche terminée (409 tant qu'elle n'est pas terminée, 404 sans fichier)"""
    job = _job_or_404(job_id, with_result=True)
    if not job.finished:
        raise ConflictError(N_("La tâche n'est pas terminée."), code="job_not_finished")
    if job.status != "done" or not job.result_name or job.result_data is None:
        abort(404)
    return file_response(job)
