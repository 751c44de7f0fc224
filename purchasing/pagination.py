"""Pagination of every list: bounded page sizes, one COUNT and one page query."""
from __future__ import annotations

from flask import current_app, request

from purchasing.extensions import db
from purchasing.params import query_int


def paginate(stmt):
    """Paginate ``stmt`` from the request's ``page`` and ``per_page`` (bounded), never erroring on bad input."""
    page = query_int("page", 1)
    per_page = query_int("per_page", current_app.config["ITEMS_PER_PAGE"])
    return db.paginate(stmt, page=page, per_page=per_page,
                       max_per_page=current_app.config["MAX_ITEMS_PER_PAGE"], error_out=False)
