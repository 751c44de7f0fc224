"""Orders by member and period to CSV and XLSX (pandas), cells safe from formula injection."""
from __future__ import annotations

import io
from datetime import date, datetime, time, timezone

import pandas as pd
from flask import Response
from sqlalchemy import select
from sqlalchemy.orm import joinedload

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


def order_rows(user, member_id: int | None, start: date | None, end: date | None, progress=None) -> list[dict]:
    stmt = (select(OrderLine).join(Order, OrderLine.order_id == Order.id)
            .options(joinedload(OrderLine.order).joinedload(Order.member),
                     joinedload(OrderLine.product).joinedload(Product.category))
            .where(Order.status != "draft", Order.submitted_dt.is_not(None)))
    stmt = member_scope(stmt, Order, user)
    if member_id:
        stmt = stmt.where(Order.member_id == member_id)
    if start:
        stmt = stmt.where(Order.submitted_dt >= datetime.combine(start, time.min, timezone.utc))
    if end:
        stmt = stmt.where(Order.submitted_dt <= datetime.combine(end, time.max, timezone.utc))
    rows = []
    lines = db.session.scalars(stmt.order_by(Order.id, OrderLine.id)).unique().all()
    for index, line in enumerate(lines):
        if progress is not None and index % 1000 == 0:
            progress(index, len(lines))
        order = line.order
        rows.append(dict(zip(ORDER_COLUMNS, [
            order.reference, order.member.name, order.status, order.submitted_dt.date().isoformat(),
            order.delivery_site, line.product.name, line.product.manufacturer_ref, line.quantity,
            str(line.base_unit_price_ht), str(line.fee_rate), str(line.unit_price_ht), str(line.line_total_ht),
            line.delivered_quantity])))
    return rows


def orders_export(user, member_id, start, end, fmt: str) -> Response:
    frame = safe_frame(order_rows(user, member_id, start, end), ORDER_COLUMNS)
    return frame_response(frame, fmt, "commandes")
