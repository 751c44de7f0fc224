"""CSV/XLSX export of every list page, of exactly what its filters show (all pages), in the user's scope.

Each list registers once (:func:`register`): the name, the list page's endpoint, who may open it, the query
builder and the columns. The list page and its export both call the same builder (``filtered(args)``) over
the same query string, so the export holds exactly the rows the page lists across its pages: the builder
applies the filters and the member scope (``purchasing.scoping``), the page adds only its LIMIT/OFFSET.

The export route is added to the list's own blueprint (``<blueprint>.export_<name>``, ``…/export.csv`` or
``.xlsx``): GET streams the CSV from a server-side cursor; GET of the XLSX writes it row by row (openpyxl
write-only) up to ``LIST_EXPORT_XLSX_MAX_ROWS`` rows, and beyond shows a page whose POST starts a job
(decisions.md: "List exports at large sizes: CSV streamed, XLSX as a job"). Cells are formula-safe
(``safe_cell``); dates are Europe/Paris; money is a number with 2 decimals (an XLSX number format; a decimal
comma in the CSV, which is written with semicolons for a French spreadsheet).
"""
from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask import (Blueprint, Response, abort, current_app, g, redirect, render_template, request, stream_with_context,
                   url_for)
from flask_babel import get_locale
from flask_babel.speaklater import LazyString
from flask_login import current_user
from flask_wtf import FlaskForm
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from sqlalchemy import Select
from werkzeug.datastructures import MultiDict

from purchasing.auth import roles_required
from purchasing.domain.local_time import utc_to_paris
from purchasing.extensions import db
from purchasing.pagination import count_capped
from purchasing.spreadsheets import FORMULA_PREFIXES, safe_cell

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Above this many rows the XLSX is prepared by a job (the app setting ``LIST_EXPORT_XLSX_MAX_ROWS`` overrides it).
XLSX_DIRECT_MAX_ROWS = 10_000
#: Rows fetched per round trip from the server-side cursor.
FETCH_ROWS = 1000
#: The list page's own parameters, which the export ignores (it holds every page).
PAGE_PARAMETERS = ("page", "per_page", "after")

TEXT, INTEGER, MONEY, DATE, DATETIME, NUMBER = "text", "integer", "money", "date", "datetime", "number"
XLSX_FORMATS = {MONEY: "#,##0.00", DATE: "DD/MM/YYYY", DATETIME: "DD/MM/YYYY HH:MM", INTEGER: "0", NUMBER: "0.0"}
WIDTHS = {MONEY: 14, DATE: 12, DATETIME: 17, INTEGER: 10, NUMBER: 10}
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Column:
    """One column of an export: its French title (lazy, translated), how to read it from a row, its kind."""

    title: Any
    value: Callable[[Any], Any]
    kind: str = TEXT
    width: int | None = None


@dataclass(frozen=True)
class ListExport:
    name: str
    #: the list page (its filters are the export's query string)
    list_endpoint: str
    #: the export's own endpoint (``<blueprint>.export_<name>``)
    endpoint: str
    #: the file's name without extension
    filename: str
    roles: tuple
    columns: tuple[Column, ...]
    #: ``filtered(args) -> (form or None, Select)``: the list's filters over a query string, in the current
    #: user's scope; the list page renders the form and paginates the Select
    filtered: Callable[[MultiDict], tuple[Any, Select]]
    #: the Select returns entities (``scalars``), not rows of several columns
    entities: bool = True
    #: the column that identifies a row (the list page marks each row with it: ``<tr data-key="…">``)
    key: int = 0
    #: run before the export reads the list, as the list page does before it (tenders past their deadline
    #: are closed on reading); it may write and commits
    prepare: Callable[[], None] | None = None

    def query(self, args) -> Select:
        return self.filtered(export_args(args))[1]


REGISTRY: dict[str, ListExport] = {}


def export_args(args) -> MultiDict:
    """The query string without the page's own parameters (page, per_page, after), nor the names ``url_for``
    would read itself when a link carries them (``fmt``, ``endpoint``, ``_external``, ``_scheme``…)."""
    return MultiDict([(k, v) for k, v in MultiDict(args).items(multi=True)
                      if k not in PAGE_PARAMETERS and k not in ("fmt", "endpoint") and not k.startswith("_")])


def register(bp: Blueprint, name: str, *, list_endpoint: str, rule: str, roles: tuple, filename: str,
             columns: Iterable[Column], filtered: Callable, entities: bool = True, key: int = 0,
             prepare: Callable[[], None] | None = None) -> ListExport:
    """Register list ``name`` and add its export route (``rule``, ending in ``.<fmt>``) to ``bp``."""
    entry = ListExport(name=name, list_endpoint=list_endpoint, endpoint=f"{bp.name}.export_{name}",
                       filename=filename, roles=tuple(roles), columns=tuple(columns), filtered=filtered,
                       entities=entities, key=key, prepare=prepare)
    REGISTRY[name] = entry

    @roles_required(*entry.roles)
    def view(fmt: str):
        return export_view(entry, fmt)

    view.__name__ = f"export_{name}"
    rule = rule.replace("<fmt>", "<any(csv, xlsx):fmt>")
    bp.add_url_rule(rule, endpoint=f"export_{name}", view_func=view, methods=("GET", "POST"))
    return entry


# --- cells -----------------------------------------------------------------------------------------

def _money(value) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _moment(value) -> datetime | date | None:
    if isinstance(value, datetime):
        return utc_to_paris(value)
    return value


def cell_value(column: Column, value):
    """The value as the XLSX holds it: Decimal money rounded to the cent, datetimes in Paris time (naive, as
    spreadsheets hold them), text formula-safe."""
    if column.kind == MONEY:
        return _money(value)
    if column.kind in (DATE, DATETIME):
        return _moment(value)
    if value is None:
        return None
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return value
    return safe_cell(str(value))


def csv_text(column: Column, value) -> str:
    """The value as the CSV writes it: "1234,50" for money, "01/12/2026" and "01/12/2026 15:30" (Paris)."""
    value = cell_value(column, value)
    if value is None:
        return ""
    if column.kind == MONEY:
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")
    return str(value)


def titles(entry: ListExport) -> list[str]:
    return [safe_cell(str(c.title)) for c in entry.columns]


def iter_objects(entry: ListExport, stmt: Select) -> Iterator[Any]:
    """The rows of ``stmt``, read from a server-side cursor FETCH_ROWS at a time; the cursor is released even
    when the reader stops early (a closed download)."""
    result = db.session.execute(stmt.execution_options(yield_per=FETCH_ROWS))
    try:
        yield from (result.scalars() if entry.entities else result)
    finally:
        result.close()


def iter_values(entry: ListExport, stmt: Select) -> Iterator[list]:
    """Each row's values, column by column; a translated label (a lazy string, the same object on every row:
    status and condition labels) is translated once per export, not once per row."""
    getters = [column.value for column in entry.columns]
    translated: dict[int, str] = {}
    for obj in iter_objects(entry, stmt):
        values = [get(obj) for get in getters]
        for index, value in enumerate(values):
            if isinstance(value, LazyString):
                key = id(value)
                if key not in translated:
                    translated[key] = str(value)
                values[index] = translated[key]
        yield values


def locale() -> str:
    """The language of the file (the page's, or the job's), read once per request."""
    if "_list_export_locale" not in g:
        g._list_export_locale = str(get_locale() or "fr")
    return g._list_export_locale


def _csv_converter(column: Column) -> Callable[[Any], str]:
    """``csv_text`` for one column, its kind's branch chosen once (the CSV writes millions of cells)."""
    if column.kind == MONEY:
        return lambda v: "" if v is None or v == "" else f"{_money(v):.2f}".replace(".", ",")
    if column.kind in (DATE, DATETIME):
        return lambda v: csv_text(column, v)

    def text_cell(v):
        if v is None:
            return ""
        if isinstance(v, str):
            return "'" + v if v.startswith(FORMULA_PREFIXES) else v
        if isinstance(v, bool):
            return str(v)
        if isinstance(v, int):
            return str(v)
        return csv_text(column, v)

    return text_cell


def csv_chunks(entry: ListExport, rows: Iterable[list], chunk_size: int = 64 * 1024) -> Iterator[str]:
    """A CSV (UTF-8 with BOM, semicolons) as text chunks of about ``chunk_size``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    buffer.write("\ufeff")
    writer.writerow(titles(entry))
    converters = [_csv_converter(c) for c in entry.columns]
    for row in rows:
        writer.writerow([convert(v) for convert, v in zip(converters, row)])
        if buffer.tell() >= chunk_size:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def xlsx_bytes(entry: ListExport, rows: Iterable[list]) -> bytes:
    """An XLSX written row by row (openpyxl's write-only mode, constant memory while writing), with French
    titles, column widths and number formats (money with 2 decimals, dates)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_sheet_name(entry))
    for index, column in enumerate(entry.columns, start=1):
        width = column.width or WIDTHS.get(column.kind) or max(12, min(40, len(str(column.title)) + 4))
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append(titles(entry))
    formats = [XLSX_FORMATS.get(column.kind) for column in entry.columns]
    for row in rows:
        cells = []
        for column, number_format, value in zip(entry.columns, formats, row):
            value = cell_value(column, value)
            if number_format is None or value is None:
                cells.append(value)  # a plain value: no cell object to build
            else:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = number_format
                cells.append(cell)
        sheet.append(cells)
    with tempfile.TemporaryFile() as out:
        book.save(out)
        out.seek(0)
        return out.read()


def _sheet_name(entry: ListExport) -> str:
    # a sheet name: at most 31 characters, none of []:*?/\
    name = "".join(ch for ch in entry.filename.replace("-", " ").capitalize() if ch not in "[]:*?/\\")
    return name[:31] or "Export"


# --- the route -------------------------------------------------------------------------------------

def xlsx_max_rows() -> int:
    return int(current_app.config.get("LIST_EXPORT_XLSX_MAX_ROWS", XLSX_DIRECT_MAX_ROWS))


def csv_response(entry: ListExport, stmt: Select) -> Response:
    chunks = csv_chunks(entry, iter_values(entry, stmt))
    return Response(stream_with_context(chunk.encode("utf-8") for chunk in chunks), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{entry.filename}.csv"',
                             "Cache-Control": "no-store"})


def export_view(entry: ListExport, fmt: str):
    """GET: the file (a large XLSX: the page proposing the job); POST (CSRF): start the job, go to its page."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    args = export_args(request.args)
    if request.method == "POST":
        if not FlaskForm().validate_on_submit():
            abort(400)
        from purchasing.jobs import kinds

        job = kinds.start_list_export(current_user, entry.name, args, fmt)
        db.session.commit()
        return redirect(url_for("jobs.show", job_id=job.id), code=303)
    if entry.prepare is not None:
        entry.prepare()
        db.session.commit()
    _form, stmt = entry.filtered(args)
    if fmt == "csv":
        return csv_response(entry, stmt)
    limit = xlsx_max_rows()
    count, capped = count_capped(stmt, limit)
    if capped:
        return render_template("exports/too_large.html", entry=entry, limit=limit, fmt=fmt, form=FlaskForm(),
                               action=url_for(entry.endpoint, fmt=fmt, **args.to_dict(flat=False)),
                               back=url_for(entry.list_endpoint, **args.to_dict(flat=False)))
    content = xlsx_bytes(entry, iter_values(entry, stmt))
    return Response(content, mimetype=XLSX_MIME,
                    headers={"Content-Disposition": f'attachment; filename="{entry.filename}.xlsx"',
                             "Cache-Control": "no-store"})


def export_file(entry: ListExport, args, fmt: str, progress=None) -> tuple[str, str, bytes, int]:
    """(file name, MIME type, content, rows) of the export, for a job (the request context and the user set by
    the job runner). ``progress(done, total)`` is called every FETCH_ROWS rows."""
    stmt = entry.query(args)
    total, _capped = count_capped(stmt, 10**9)
    written = [0]

    def rows():
        for row in iter_values(entry, stmt):
            if progress is not None and written[0] % FETCH_ROWS == 0:
                progress(written[0], total)
            written[0] += 1
            yield row

    if fmt == "xlsx":
        content, name, mimetype = xlsx_bytes(entry, rows()), f"{entry.filename}.xlsx", XLSX_MIME
    else:
        content, name, mimetype = "".join(csv_chunks(entry, rows())).encode("utf-8"), f"{entry.filename}.csv", "text/csv"
    return name, mimetype, content, written[0]


__all__ = ["Column", "ListExport", "REGISTRY", "register", "export_args", "csv_chunks", "xlsx_bytes", "export_file",
           "TEXT", "INTEGER", "MONEY", "DATE", "DATETIME", "NUMBER"]
