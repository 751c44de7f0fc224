"""The application's job kinds: imports, exports and label sheets run in a consumer with a progress bar.

Each ``start_*`` function is the service a view (or the API) calls before its one commit; each handler runs
in the consumer (``services.execute``) with the job owner's rights: it re-checks the scope with that user.
"""
from __future__ import annotations

import hashlib
from dataclasses import asdict
from datetime import date
from importlib import import_module

from flask import Flask
from flask_babel import gettext as _

from lifecycle.assets import services as lifecycle_services, tags
from lifecycle.imports import services as inventory_imports
from lifecycle.reports import data as report_data
from lifecycle.reports.export import report_tables, to_csv, to_xlsx
from purchasing.accounts.models import User
from purchasing.domain.errors import N_, DomainError
from purchasing.extensions import db
from purchasing.jobs.models import Job
from purchasing.jobs.services import Outcome, Progress, input_data, register_job_kind, start_job
from purchasing.orders import exports as order_exports

INVENTORY_IMPORT = "inventory_import"
PRICE_LIST_IMPORT = "price_list_import"
REPORT_EXPORT = "report_export"
ORDERS_EXPORT = "orders_export"
LIST_EXPORT = "list_export"
LABEL_SHEET = "label_sheet"

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _owner(job: Job) -> User:
    return db.session.get(User, job.owner_id)


# --- inventory import ----------------------------------------------------------------------------

def count_inventory_rows(filename: str, data: bytes, *, member_id: int | None = None, mapping=None) -> int:
    """Rows of an inventory file (refusing a file the import cannot read, as the import would)."""
    return len(inventory_imports.read_table(filename, data, member_id=member_id, mapping=mapping))


def start_inventory_import(user, member_id: int, filename: str, data: bytes, *, dry_run: bool,
                           rows: int | None = None, locale: str | None = None, mapping=None) -> Job:
    """The same file for the same member (and dry-run flag, and mapping) is one job: a double submission imports
    once. ``mapping`` (``lifecycle.imports.mapping.Mapping``): the column mapping the user confirmed."""
    mapping_json = mapping.as_json() if mapping is not None else None
    digest = hashlib.sha256(data if mapping_json is None else data + repr(mapping_json).encode()).hexdigest()
    key = f"{INVENTORY_IMPORT}:{member_id}:{int(dry_run)}:{digest}"
    params = {"member_id": member_id, "dry_run": dry_run, "locale": locale}
    if mapping_json is not None:
        params["mapping"] = mapping_json
    return start_job(INVENTORY_IMPORT, user, key=key, input_file=(filename, data), total=rows,
                     params=params,
                     title=(_("Vérification d'inventaire : %(file)s", file=filename) if dry_run
                            else _("Import d'inventaire : %(file)s", file=filename)))


def _inventory_import(job: Job, progress: Progress) -> Outcome:
    from lifecycle.imports.mapping import Mapping

    mapping = Mapping.from_json(job.params["mapping"]) if job.params.get("mapping") else None
    frame = inventory_imports.read_table(job.input_name, input_data(job), member_id=job.params.get("member_id"),
                                         mapping=mapping)
    total = len(frame)
    # the bar: checking the rows is its first half, writing them its second (the write is one transaction, the
    # bar stays at the half while it runs, and the job's end sets it to the total)
    progress(0, total, "Vérification des lignes…", force=True)
    rows, errors = inventory_imports.validate(frame, progress=lambda done, total_: progress(done // 2, total_))
    progress(total // 2, total, "Écriture dans l'inventaire…" if not job.params.get("dry_run") else None,
             force=True)
    from lifecycle.imports import matching

    member_id, name, owner_id = job.params["member_id"], job.input_name, job.owner_id
    if errors or job.params.get("dry_run"):
        plan = matching.plan_import(member_id, rows)  # stage 4: the member's assets are updated, not duplicated
        errors = errors + [inventory_imports.RowError(e.row, e.column, e.reason) for e in plan.errors]
    if errors:
        raise DomainError(N_("Le fichier contient %(errors_count)s erreur(s) : rien n'a été "
                             "importé."), params={"errors_count": len(errors)}, code="row_errors",
                          details={"rows": total, "error_count": len(errors),
                                   "errors": [asdict(e) for e in errors[:1000]]})
    if job.params.get("dry_run"):
        return Outcome(summary={"rows": total, "imported": 0, "dry_run": True, **plan.counts()},
                       message=_("Vérification terminée : %(total)s lignes sans erreur, rien n'a été importé.",
                                 total=total))
    # a real import without row errors is matched once, in the write's transaction (below): the same errors
    # (a serial of another member's asset…) fail the job there, before anything is committed

    def write() -> dict:
        new_sites: list[str] = []
        # the sites are resolved (and unknown ones created) in the write's transaction, then the rows matched
        # again with their sites: all or nothing
        inventory_imports.attach_sites(member_id, rows, created=new_sites)
        final = matching.plan_import(member_id, rows)
        if final.errors:
            raise DomainError(N_("Le fichier contient %(errors_count)s erreur(s) : rien n'a été "
                                 "importé."), params={"errors_count": len(final.errors)},
                              code="row_errors", details={"rows": total, "error_count": len(final.errors),
                                                          "errors": [asdict(e) for e in final.errors[:1000]]})
        matching.apply_plan(final, db.session.get(User, owner_id), filename=name)
        return {**final.counts(), "imported": len(final.create), "updated": len(final.update),
                "new_sites": new_sites}

    return Outcome(summary={"rows": total, "dry_run": False},
                   message=_("%(total)s équipements importés.", total=total), write=write)


# --- tender price list (a supplier's bid) ------------------------------------------------------------

def count_price_list_rows(filename: str, data: bytes) -> int:
    from purchasing.tenders import imports as price_lists

    return len(price_lists.read_frame(filename, data))


def start_price_list_import(user, lot, supplier, filename: str, data: bytes, *, rows: int | None = None) -> Job:
    digest = hashlib.sha256(data).hexdigest()
    return start_job(PRICE_LIST_IMPORT, user, key=f"{PRICE_LIST_IMPORT}:{lot.id}:{supplier.id}:{digest}",
                     input_file=(filename, data), total=rows, params={"lot_id": lot.id, "supplier_id": supplier.id},
                     title=_("Bordereau de prix de %(supplier)s : %(file)s", supplier=supplier.name, file=filename))


def _price_list_import(job: Job, progress: Progress) -> Outcome:
    from flask import url_for

    from purchasing.suppliers.models import Supplier
    from purchasing.tenders import imports as price_lists
    from purchasing.tenders import services as tenders
    from purchasing.tenders.models import TenderLot

    frame = price_lists.read_frame(job.input_name, input_data(job))
    progress(0, len(frame), force=True)
    lines = price_lists.parse_price_list(frame, tenders.category_codes(), progress=progress)
    progress(len(frame), len(frame), force=True)
    lot_id, supplier_id, name = job.params["lot_id"], job.params["supplier_id"], job.input_name

    def write() -> dict:
        lot, supplier = db.session.get(TenderLot, lot_id), db.session.get(Supplier, supplier_id)
        if lot is None or supplier is None:
            raise DomainError(N_("Le lot ou le fournisseur n'existe plus."), code="not_found")
        bid = tenders.import_bid(lot, supplier, name, b"", lines=lines)
        return {"lines": bid.line_count, "url": url_for("tenders.show", tender_id=lot.tender_id)}

    return Outcome(summary={"rows": len(frame)}, message=_("Offre reçue : %(count)s lignes importées.", count=len(lines)),
                   write=write)


# --- sustainability report export ----------------------------------------------------------------

def start_report_export(user, scope: str, scope_id: int | None, year: int, fmt: str, locale: str | None = None) -> Job:
    if fmt not in ("xlsx", "csv"):
        raise DomainError(N_("Format refusé : xlsx ou csv."), code="bad_format")
    scope, scope_id, name = report_data.resolve_scope(user, scope, scope_id)
    return start_job(REPORT_EXPORT, user, total=3,
                     params={"scope": scope, "scope_id": scope_id, "year": year, "fmt": fmt, "locale": locale},
                     title=_("Rapport durabilité %(year)s — %(name)s (%(fmt)s)", year=year, name=name, fmt=fmt.upper()))


def _report_export(job: Job, progress: Progress) -> Outcome:
    from lifecycle.reports.views import _filename, _labels

    p = job.params
    scope, scope_id, name = report_data.resolve_scope(_owner(job), p["scope"], p["scope_id"])
    progress(0, 3, "Calcul des indicateurs…", force=True)
    report = report_data.build_scope_report(scope, scope_id, p["year"], date.today())
    progress(1, 3, "Mise en tableaux…", force=True)
    tables = report_tables(report, _labels())
    progress(2, 3, "Écriture du fichier…", force=True)
    if p["fmt"] == "xlsx":
        content, mimetype = to_xlsx(tables, f"Rapport durabilité {p['year']} — {name}"), XLSX_MIME
    else:
        content, mimetype = ("\ufeff" + to_csv(tables)).encode("utf-8"), "text/csv"
    filename = _filename(scope, scope_id, p["year"], p["fmt"])
    return Outcome(summary={"scope": scope, "scope_id": scope_id, "year": p["year"]},
                   message=_("Rapport prêt : %(file)s.", file=filename), file=(filename, mimetype, content))


# --- orders export -------------------------------------------------------------------------------

def start_orders_export(user, member_id: int | None, start: date | None, end: date | None, fmt: str) -> Job:
    if fmt not in ("xlsx", "csv"):
        raise DomainError(N_("Format refusé : xlsx ou csv."), code="bad_format")
    if member_id and not user.is_staff and member_id != user.member_id:
        member_id = user.member_id  # a member user exports their own member's orders only
    return start_job(ORDERS_EXPORT, user,
                     params={"member_id": member_id, "start": start.isoformat() if start else None,
                             "end": end.isoformat() if end else None, "fmt": fmt},
                     title=_("Export des commandes (%(fmt)s)", fmt=fmt.upper()))


def _orders_export(job: Job, progress: Progress) -> Outcome:
    """Rows streamed from a server-side cursor into the file (CSV or write-only XLSX): constant memory."""
    p = job.params
    args = (_owner(job), p["member_id"], p["start"] and date.fromisoformat(p["start"]),
            p["end"] and date.fromisoformat(p["end"]))
    total = order_exports.count_order_lines(*args)
    progress(0, total, force=True)

    written = [0]

    def rows():
        for row in order_exports.iter_order_rows(*args):
            if written[0] % order_exports.FETCH_ROWS == 0:
                progress(written[0], total)
            written[0] += 1
            yield row

    if p["fmt"] == "xlsx":
        name, mimetype = "commandes.xlsx", XLSX_MIME
        content = order_exports.xlsx_bytes(order_exports.ORDER_COLUMNS, rows())
    else:
        name, mimetype = "commandes.csv", "text/csv"
        content = "".join(order_exports.csv_chunks(order_exports.ORDER_COLUMNS, rows())).encode("utf-8")
    progress(written[0], written[0], "Fichier écrit.", force=True)
    return Outcome(summary={"lines": written[0]}, message=_("%(count)s lignes de commande exportées.", count=written[0]),
                   file=(name, mimetype, content))


# --- list exports (every list page: purchasing/list_exports.py) ----------------------------------------

def start_list_export(user, name: str, args, fmt: str, locale: str | None = None) -> Job:
    """The export of list ``name`` with the filters ``args`` (the page's query string), run as ``user``: the
    job re-applies the filters and the member scope with the owner's rights."""
    from flask_babel import get_locale

    from purchasing import list_exports

    if fmt not in ("xlsx", "csv"):
        raise DomainError(N_("Format refusé : xlsx ou csv."), code="bad_format")
    entry = list_exports.REGISTRY[name]
    pairs = [[k, v] for k, v in list_exports.export_args(args).items(multi=True)]
    return start_job(LIST_EXPORT, user, params={"list": name, "args": pairs, "fmt": fmt,
                                                "locale": locale or str(get_locale() or "fr")},
                     title=_("Export : %(file)s (%(fmt)s)", file=entry.filename, fmt=fmt.upper()))


def _list_export(job: Job, progress: Progress) -> Outcome:
    """The list's filtered query built again in a request carrying the page's query string, as the owner."""
    from flask import current_app, g
    from werkzeug.datastructures import MultiDict

    from purchasing import list_exports

    p = job.params
    entry = list_exports.REGISTRY.get(p.get("list"))
    if entry is None:
        raise DomainError(N_("Liste inconnue."), code="unknown_list")
    owner = _owner(job)
    if owner is None or owner.role not in entry.roles:
        raise DomainError(N_("Cette liste ne vous est pas ouverte."), code="forbidden")
    args = MultiDict([tuple(pair) for pair in p.get("args") or []])
    with current_app.test_request_context(query_string=args):
        g._login_user = owner
        progress(0, None, force=True)
        name, mimetype, content, rows = list_exports.export_file(entry, args, p["fmt"], progress=progress)
    progress(rows, rows, "Fichier écrit.", force=True)
    return Outcome(summary={"lines": rows}, message=_("%(count)s lignes exportées.", count=rows), file=(name, mimetype, content))


# --- label sheet ---------------------------------------------------------------------------------

def start_label_sheet(user, asset_ids: list[int], locale: str | None = None) -> Job:
    """A sheet of the given assets (refused when empty or above MAX_LABELS, never cut silently)."""
    ids = lifecycle_services.label_ids(asset_ids, user=user)
    if not ids:
        raise DomainError(N_("Aucun de ces équipements n'est dans votre inventaire."), code="no_assets")
    return start_job(LABEL_SHEET, user, params={"ids": ids, "locale": locale}, total=len(ids),
                     title=_("Planche de %(count)s étiquettes", count=len(ids)))


def _label_sheet(job: Job, progress: Progress) -> Outcome:
    assets = lifecycle_services.assets_for_labels(job.params["ids"], _owner(job))
    if not assets:
        raise DomainError(N_("Aucun de ces équipements n'est dans votre inventaire."), code="no_assets")
    html, page_count = tags.sheet_html(assets, standalone=True, progress=progress)
    progress(len(assets), len(assets), force=True)
    return Outcome(summary={"labels": len(assets), "pages": page_count},
                   message=_("Planche de %(count)s étiquettes prête (%(pages)s pages A4).", count=len(assets),
                             pages=page_count),
                   file=(f"etiquettes-{job.id}.html", "text/html", html.encode("utf-8")))


def register_all(app: Flask) -> None:
    register_job_kind(INVENTORY_IMPORT, _inventory_import)
    register_job_kind(PRICE_LIST_IMPORT, _price_list_import)
    register_job_kind(REPORT_EXPORT, _report_export)
    register_job_kind(ORDERS_EXPORT, _orders_export)
    register_job_kind(LIST_EXPORT, _list_export)
    register_job_kind(LABEL_SHEET, _label_sheet)
    for module in app.config.get("JOBS_MODULES") or ():
        import_module(module)
