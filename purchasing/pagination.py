"""Pagination of every list: bounded page sizes, one COUNT and one page query."""
from __future__ import annotations

from flask import current_app, request

from purchasing.extensions import db


def paginate(stmt):
    """Paginate ``stmt`` from the request's ``page`` and ``per_page`` (bounded), never erroring on bad input."""
    page = request.args.get("page", 1, type=int) or 1
    per_page = request.args.get("per_page", current_app.config["ITEMS_PER_PAGE"], type=int)
    return db.paginate(stmt, page=max(page, 1), per_page=per_page,
                       max_per_page=current_app.config["MAX_ITEMS_PER_PAGE"], error_out=False)
