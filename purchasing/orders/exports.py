"""Orders by member and period to CSV (streamed) and XLSX (written row by row), cells safe from formula injection."""
from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timezone

import pandas as pd
from flask import Response, stream_with_context
from openpyxl import Workbook
from sqlalchemy import Select, func, select

from purchasing.catalogue.models import Product
from purchasing.extensions import db
from purchasing.members.models import Member
from purchasing.orders.models import Order, OrderLine
from purchasing.scoping import member_scope
from purchasing.spreadsheets import safe_cell

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame([{k: safe_cell(v) for k, v in row.items()} for row in rows], columns=columns)
    return frame


def frame_file(frame: pd.DataFrame, fmt: str, filename: str) -> tuple[str, str, bytes]:
    """(file name, MIME type, content) of ``frame`` as XLSX or CSV (UTF-8 with BOM, semicolons)."""
    if fmt == "xlsx":
        buffer = io.BytesIO()
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            frame.to_excel(writer, index=False, sheet_name="Export")
        return f"{filename}.xlsx", XLSX_MIME, buffer.getvalue()
    return f"{filename}.csv", "text/csv", ("\ufeff" + frame.to_csv(index=False, sep=";")).encode("utf-8")


def frame_response(frame: pd.DataFrame, fmt: str, filename: str) -> Response:
    name, mimetype, content = frame_file(frame, fmt, filename)
    return Response(content, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


def member_choices(user) -> list[tuple[int, str]]:
    rows = db.session.execute(member_scope(select(Member.id, Member.name), Member, user).order_by(Member.name)
                              .limit(2000))
    return [(row.id, row.name) for row in rows]


ORDER_COLUMNS = ["Commande", "Adhérent", "Statut", "Soumise le", "Lieu de livraison", "Produit",
                 "Référence fabricant", "Quantité", "Prix de base HT", "Taux de frais", "Prix unitaire HT",
                 "Total ligne HT", "Quantité livrée"]


#: Above this many order lines, the XLSX is prepared by a job (the CSV always streams).
XLSX_DIRECT_MAX_LINES = 10_000
#: Rows fetched per round trip from the server-side cursor.
FETCH_ROWS = 1000


def _order_lines(user, member_id: int | None, start: date | None, end: date | None) -> Select:
    stmt = (select(Order.reference, Member.name.label("member_name"), Order.status, Order.submitted_dt,
                   Order.delivery_site, Product.brand, Product.model, Product.manufacturer_ref, OrderLine.quantity,
                   OrderLine.base_unit_price_ht, OrderLine.fee_rate, OrderLine.unit_price_ht, OrderLine.line_total_ht,
                   OrderLine.delivered_quantity)
            .select_from(OrderLine)
            .join(Order, OrderLine.order_id == Order.id)
            .join(Member, Order.member_id == Member.id)
            .join(Product, OrderLine.product_id == Product.id)
            .where(Order.status != "draft", Order.submitted_dt.is_not(None)))
    stmt = member_scope(stmt, Order, user)
    if member_id:
        stmt = stmt.where(Order.member_id == member_id)
    if start:
        stmt = stmt.where(Order.submitted_dt >= datetime.combine(start, time.min, timezone.utc))
    if end:
        stmt = stmt.where(Order.submitted_dt <= datetime.combine(end, time.max, timezone.utc))
    return stmt


def count_order_lines(user, member_id: int | None, start: date | None, end: date | None) -> int:
    stmt = _order_lines(user, member_id, start, end).with_only_columns(func.count(), maintain_column_froms=True)
    return db.session.scalar(stmt) or 0


def iter_order_rows(user, member_id: int | None, start: date | None, end: date | None) -> Iterator[list]:
    """The export's rows (ORDER_COLUMNS), formula-safe, read from a server-side cursor FETCH_ROWS at a time:
    memory stays constant whatever the number of orders."""
    stmt = _order_lines(user, member_id, start, end).order_by(Order.id, OrderLine.id)
    result = db.session.execute(stmt.execution_options(yield_per=FETCH_ROWS))
    try:
        for r in result:
            yield [safe_cell(v) for v in (
                r.reference, r.member_name, r.status, r.submitted_dt.date().isoformat(), r.delivery_site,
                f"{r.brand} {r.model}", r.manufacturer_ref, r.quantity, str(r.base_unit_price_ht), str(r.fee_rate),
                str(r.unit_price_ht), str(r.line_total_ht), r.delivered_quantity)]
    finally:  # also when the reader stops early (a closed download): the server-side cursor is released
        result.close()


def csv_chunks(columns: list[str], rows: Iterable[list], chunk_size: int = 64 * 1024) -> Iterator[str]:
    """A CSV (UTF-8 BOM, semicolons, as ``frame_file`` writes it) as text chunks of about ``chunk_size``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    buffer.write("\ufeff")
    writer.writerow([safe_cell(c) for c in columns])
    for row in rows:
        writer.writerow(row)
        if buffer.tell() >= chunk_size:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def xlsx_bytes(columns: list[str], rows: Iterable[list], sheet: str = "Export") -> bytes:
    """An XLSX written row by row (openpyxl's write-only mode) through a temporary file: constant memory
    while writing; the finished file is returned."""
    book = Workbook(write_only=True)
    worksheet = book.create_sheet(sheet)
    worksheet.append([safe_cell(c) for c in columns])
    for row in rows:
        worksheet.append(row)
    with tempfile.TemporaryFile() as out:
        book.save(out)
        out.seek(0)
        return out.read()


def csv_attachment(filename: str, chunks: Iterator[str]) -> Response:
    return Response(stream_with_context(chunk.encode("utf-8") for chunk in chunks), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'})


def orders_export(user, member_id, start, end, fmt: str) -> Response | None:
    """The CSV streamed; the XLSX directly up to XLSX_DIRECT_MAX_LINES lines, else None (a job prepares it)."""
    if fmt == "csv":
        return csv_attachment("commandes", csv_chunks(ORDER_COLUMNS, iter_order_rows(user, member_id, start, end)))
    if count_order_lines(user, member_id, start, end) > XLSX_DIRECT_MAX_LINES:
        return None
    content = xlsx_bytes(ORDER_COLUMNS, iter_order_rows(user, member_id, start, end))
    return Response(content, mimetype=XLSX_MIME, headers={"Content-Disposition": 'attachment; filename="commandes.xlsx"'})
