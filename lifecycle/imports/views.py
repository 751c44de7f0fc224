"""Inventory import pages (blueprint ``lifecycle``): upload → the proposed column mapping (a form the user
corrects, with a preview of the first rows as they will be stored) → dry run or import (small files at once,
large ones as a job), and the templates.

A file in the product's own columns, a structured inventory (GLPI JSON, agent XML) or one whose headers the
member has already mapped goes straight to the dry run or import, unless "review the mapping" is ticked. Between
the upload and the confirmation the file waits in ``purchasing.storage`` under a random key kept in the signed
session (deleted once imported, or replaced by the next upload)."""
from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lifecycle.assets.views import MANAGE, _import_member_choices, bp
from lifecycle.imports import mapping as mappings
from lifecycle.imports import limits
from lifecycle.imports import services as imports
from lifecycle.imports.forms import ImportForm, MappingForm
from lifecycle.imports.sources import KINDS, STRUCTURED_KINDS, read_source
from purchasing import storage, uploads
from purchasing.auth import roles_required
from purchasing.catalogue.models import Category
from purchasing.domain.errors import DomainError
from purchasing.extensions import db
from purchasing.jobs import kinds as job_kinds
from purchasing.i18n import error_message

STASH = "inventory_import"


# --- upload --------------------------------------------------------------------------------------

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
            form.file.errors = [_("Choisissez un fichier .csv, .xlsx, .ods, .json, .xml ou .zip.")]
            status = 422
        else:
            try:
                data = uploads.read_upload(upload, max_bytes=limits.inventory_limits().max_bytes)
                source = read_source(upload.filename, data, upload_limits=limits.inventory_limits())
                saved = mappings.saved_mapping(member_id, source.kind, source.headers)
                proposal = mappings.propose(source, mappings.mapping_of(saved) if saved else None)
                if form.review.data or not _goes_straight(source, proposal):
                    _stash(upload.filename, data, member_id, bool(form.dry_run.data), bool(form.full.data))
                    return redirect(url_for("lifecycle.import_mapping"), code=303)
                outcome = _run(upload.filename, data, member_id, bool(form.dry_run.data), proposal.mapping,
                               full=bool(form.full.data))
            except DomainError as error:
                form.file.errors = [error_message(error)]
                status = 422
            else:
                if not isinstance(outcome, imports.ImportReport):
                    return outcome
                report = outcome
                status = 422 if report.errors else 200
    elif form.errors:
        status = 422
    return render_template("lifecycle/import.html", form=form, report=report, columns=imports.COLUMNS,
                           kinds=KINDS, full=bool(form.full.data)), status


def _goes_straight(source, proposal) -> bool:
    """No mapping to confirm: a structured inventory, a saved mapping, or the product's own column names."""
    if source.canonical or proposal.reused:
        return True
    return all(mappings.normalise(c.header) == mappings.normalise(c.target) for c in proposal.columns)


def _run(filename: str, data: bytes, member_id: int, dry_run: bool, mapping, *, full: bool = False):
    """Dry run or import with this mapping: a job above the threshold (a redirect), else the report; a
    successful import is committed and redirected to the inventory (or, after a full re-import leaving assets
    out, its report listing them for an audit)."""
    rows = job_kinds.count_inventory_rows(filename, data, member_id=member_id, mapping=mapping)
    if rows > current_app.config["JOBS_IMPORT_ROW_THRESHOLD"]:
        # a large file: a background job with a progress bar (all or nothing as below)
        job = job_kinds.start_inventory_import(current_user, member_id, filename, data, dry_run=dry_run, rows=rows,
                                               locale=str(get_locale() or "fr"), mapping=mapping)
        db.session.commit()
        _drop_stash()
        return redirect(url_for("jobs.show", job_id=job.id), code=303)
    report = imports.run_import(filename, data, member_id, current_user, dry_run=dry_run, full=full,
                                mapping=mapping)
    if report.errors or dry_run:
        db.session.rollback()
        return report
    db.session.commit()
    _drop_stash()
    if report.plan is not None and report.plan.absent:
        return report  # a full re-import: the page lists the assets the file did not mention (for an audit)
    flash(_("%(n)s équipements créés, %(u)s mis à jour.", n=report.imported, u=report.updated), "success")
    if report.new_sites:
        flash(_("Sites ajoutés au carnet d'adresses : %(sites)s.", sites=", ".join(report.new_sites)), "info")
    return redirect(url_for("lifecycle.index"))


# --- the file waiting between the upload and the mapping's confirmation --------------------------

def _stash(filename: str, data: bytes, member_id: int, dry_run: bool, full: bool) -> None:
    _drop_stash()
    key = storage.get_storage().put(data)
    session[STASH] = {"key": key, "name": filename[:200], "member_id": member_id, "dry_run": dry_run, "full": full}


def _stashed() -> tuple[dict, bytes] | None:
    stash = session.get(STASH)
    if not isinstance(stash, dict):
        return None
    try:
        with storage.get_storage().open(storage.check_key(stash.get("key"))) as stream:
            return stash, stream.read()
    except (storage.StorageError, OSError):
        session.pop(STASH, None)
        return None


def _drop_stash() -> None:
    stash = session.pop(STASH, None)
    if isinstance(stash, dict):
        try:
            storage.get_storage().delete(storage.check_key(stash.get("key")))
        except (storage.StorageError, OSError):
            pass


# --- the mapping -----------------------------------------------------------------------------------

@bp.route("/import/mapping", methods=["GET", "POST"])
@roles_required(*MANAGE)
def import_mapping():
    stashed = _stashed()
    if stashed is None:
        flash(_("Aucun fichier en attente d'import : envoyez-le de nouveau."), "warning")
        return redirect(url_for("lifecycle.import_inventory"))
    stash, data = stashed
    member_id = stash["member_id"]
    if not current_user.is_staff and member_id != current_user.member_id:
        _drop_stash()
        abort(404)
    try:
        source = read_source(stash["name"], data)
    except DomainError:  # the stored file was readable at upload: only a changed reader gets here
        _drop_stash()
        abort(404)
    saved = mappings.saved_mapping(member_id, source.kind, source.headers)
    proposal = mappings.propose(source, mappings.mapping_of(saved) if saved else None)
    categories = db.session.execute(select(Category.code, Category.label_fr).where(Category.is_device.is_(True))
                                    .order_by(Category.sort_order)).all()
    form = MappingForm(dry_run=stash["dry_run"])
    form.default_category.choices = [("", _("— aucune (la colonne de catégorie la donne) —"))] + \
        [(code, f"{label} ({code})") for code, label in categories]
    if request.method == "GET":
        form.default_category.data = proposal.mapping.default_category
    mapping, report, status, problems = proposal.mapping, None, 200, []
    if request.method == "POST":
        if not form.validate_on_submit():
            status = 422
        else:
            mapping, problems = _posted_mapping(source, form, {c for c, _label in categories})
            if problems:
                status = 422
            elif request.form.get("action") == "run":
                try:
                    mappings.check_mapping(mapping, source.headers)
                    if form.save.data and source.kind not in STRUCTURED_KINDS:
                        mappings.save_mapping(member_id, source.kind, source.headers, mapping)
                        db.session.commit()
                    outcome = _run(stash["name"], data, member_id, bool(form.dry_run.data), mapping,
                               full=bool(stash.get("full")))
                except DomainError as error:
                    db.session.rollback()
                    problems, status = [error_message(error)], 422
                else:
                    if not isinstance(outcome, imports.ImportReport):
                        return outcome
                    report = outcome
                    status = 422 if report.errors else 200
    words = mappings.value_words(source, mapping)
    try:
        preview = mappings.preview(source, mapping)
    except DomainError as error:
        preview, problems, status = None, problems + [error_message(error)], 422
    return render_template("lifecycle/import_mapping.html", form=form, source=source, proposal=proposal,
                           mapping=mapping, columns=_column_rows(source, proposal, mapping), words=words,
                           word_choices=_word_choices(categories), targets=_target_choices(), preview=preview,
                           labels=mappings.TARGETS, report=report, problems=problems, filename=stash["name"],
                           full=bool(stash.get("full"))), status


def _target_choices() -> list[tuple[str, str]]:
    return [("", _("— ignorer —"))] + [(name, f"{name} — {doc}") for name, doc in mappings.TARGETS.items()]


def _word_choices(categories) -> dict[str, list[tuple[str, str]]]:
    keep = [("", _("— non associé —"))]
    return {"category_code": keep + [(code, f"{label} ({code})") for code, label in categories],
            "status": keep + [(v, f"{_(label)} ({v})") for v, label in mappings.PRODUCT_VALUES["status"].items()],
            "condition": keep + [(v, f"{_(label)} ({v})")
                                 for v, label in mappings.PRODUCT_VALUES["condition"].items()]}


def _column_rows(source, proposal, mapping) -> list[dict]:
    reasons = {c.header: c for c in proposal.columns}
    return [{"index": n, "header": header, "target": mapping.columns.get(header, ""),
             "reason": reasons[header].reason, "samples": reasons[header].samples}
            for n, header in enumerate(source.headers)]


def _posted_mapping(source, form, category_codes: set[str]):
    """The mapping the form posts: ``column-<n>`` per header, ``word-<col>-<n>``/``value-<col>-<n>`` per word."""
    problems: list[str] = []
    if source.canonical:
        return mappings.Mapping(columns={h: h for h in source.headers}), problems
    columns: dict[str, str] = {}
    for n, header in enumerate(source.headers):
        target = request.form.get(f"column-{n}", "")
        if target and target not in mappings.TARGETS:
            problems.append(_("Colonne de destination inconnue pour « %(h)s ».", h=header[:80]))
            target = ""
        columns[header] = target
    allowed = {"category_code": category_codes, "status": set(mappings.STATUSES),
               "condition": set(mappings.CONDITIONS)}
    values: dict[str, dict[str, str]] = {}
    for column in mappings.VALUE_COLUMNS:
        for n in range(mappings.MAX_WORDS):
            word = request.form.get(f"word-{column}-{n}")
            if word is None:
                break
            value = request.form.get(f"value-{column}-{n}", "")
            if value and value not in allowed[column]:
                problems.append(_("Valeur inconnue pour « %(w)s ».", w=word[:80]))
                continue
            values.setdefault(column, {})[mappings.normalise(word[:200])] = value
    default = form.default_category.data or ""
    return mappings.Mapping(columns=columns, values=values, default_category=default), problems


# --- templates -----------------------------------------------------------------------------------

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

