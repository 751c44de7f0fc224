"""Pagination of every list: bounded page sizes, one COUNT and one page query.

``paginate`` (most lists) counts exactly. ``paginate_flat`` is for the lists that grow with the territory
(inventory, pool, orders, purchase orders, the API's lists): its cost does not grow with the table.

- The count is exact up to ``LIST_COUNT_CAP`` (10,000) rows and says "more than 10,000" beyond: it reads at
  most cap + 1 index entries, never the whole table.
- Numbered pages (``?page=N``, an OFFSET) reach at most the cap's rows; beyond, the "next" link is a key
  (``?after=<id>``): a list ordered by its primary key is read from an index range, so page 2000 costs what
  page 1 costs. ``page`` is then carried along for display only.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from flask import current_app, request
from sqlalchemy import func, select
from sqlalchemy.sql.elements import UnaryExpression

from purchasing.extensions import db
from purchasing.params import query_int


def paginate(stmt):
    """Paginate ``stmt`` from the request's ``page`` and ``per_page`` (bounded), never erroring on bad input."""
    page = query_int("page", 1)
    per_page = query_int("per_page", current_app.config["ITEMS_PER_PAGE"])
    return db.paginate(stmt, page=page, per_page=per_page,
                       max_per_page=current_app.config["MAX_ITEMS_PER_PAGE"], error_out=False)


@dataclass
class FlatPage:
    """One page of a flat list; the attributes the ``pager`` macro reads, as Flask-SQLAlchemy's Pagination."""

    items: list
    page: int
    per_page: int
    #: exact when not ``capped``; else the cap (there are more)
    total: int
    capped: bool
    #: the key of the last row when a next page exists and the list is keyed (``after=`` of the next link)
    next_after: int | None
    #: the page was reached by key (``after=``), not by number
    keyed: bool = False
    max_page: int = 1
    extra: dict = field(default_factory=dict)

    @property
    def pages(self) -> int:
        numbered = max(1, math.ceil(self.total / self.per_page)) if self.total else 0
        return max(numbered, self.page) if self.capped or self.keyed else numbered

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.page > 1 else None

    @property
    def has_next(self) -> bool:
        return self.next_after is not None or (not self.keyed and self.page * self.per_page < self.total)

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None

    @property
    def next_by_key(self) -> bool:
        """The next page is reached by key (beyond the numbered pages, or already keyed)."""
        return self.next_after is not None and (self.keyed or self.page >= self.max_page)

    def iter_pages(self, left_edge=1, right_edge=1, left_current=2, right_current=2):
        """Page numbers to link (None for a gap): numbered pages only, up to the last one an OFFSET reaches."""
        last = min(self.pages, self.max_page)
        shown = [n for n in range(1, last + 1)
                 if n <= left_edge or n > last - right_edge
                 or self.page - left_current <= n <= self.page + right_current]
        previous = 0
        for n in shown:
            if n != previous + 1:
                yield None
            yield n
            previous = n


def key_of(stmt):
    """(column, descending) when ``stmt`` is ordered by its entity's single-column primary key alone, else None."""
    clauses = list(stmt._order_by_clauses)  # noqa: SLF001 - no public accessor for a Select's ORDER BY
    if len(clauses) != 1:
        return None
    clause = clauses[0]
    descending = isinstance(clause, UnaryExpression) and clause.modifier is not None \
        and clause.modifier.__name__ == "desc_op"
    column = clause.element if isinstance(clause, UnaryExpression) else clause
    if getattr(column, "primary_key", False) and hasattr(column, "table"):
        return column, descending
    return None


def count_capped(stmt, cap: int) -> tuple[int, bool]:
    """(count, capped): an exact count of ``stmt``'s rows up to ``cap``; (cap, True) when there are more."""
    limited = stmt.order_by(None).limit(cap + 1).subquery()
    n = db.session.execute(select(func.count()).select_from(limited)).scalar_one()
    return (cap, True) if n > cap else (n, False)


def flat_page(stmt, *, page: int = 1, per_page: int = 25, after: int | None = None, rows: bool = False,
              count=None) -> FlatPage:
    """A page of ``stmt``: by key when ``after`` is given (and the list is keyed), else by number, capped.
    ``rows``: the items are result rows (a select of several columns), not entities. ``count``: a statement with
    as many rows as ``stmt``, cheaper to count (e.g. the groups of a GROUP BY counted without aggregating)."""
    cap = current_app.config.get("LIST_COUNT_CAP", 10_000)
    per_page = max(1, min(per_page, current_app.config["MAX_ITEMS_PER_PAGE"]))
    max_page = max(1, cap // per_page)
    page = max(1, page)
    key = key_of(stmt)
    keyed = after is not None and key is not None
    if keyed:
        column, descending = key
        page_stmt = stmt.where(column < after if descending else column > after).limit(per_page + 1)
    else:
        page = min(page, max_page)
        page_stmt = stmt.limit(per_page + 1).offset((page - 1) * per_page)
    result = db.session.execute(page_stmt)
    items = list(result.all() if rows else result.unique().scalars())
    more = len(items) > per_page
    items = items[:per_page]
    total, capped = count_capped(stmt if count is None else count, cap)
    next_after = None
    if more and key is not None and items and not rows:
        next_after = getattr(items[-1], key[0].key)
    if keyed and not capped:
        # a short list reached by key (a link kept from before): its numbered count still holds
        capped = total >= cap
    return FlatPage(items=items, page=page, per_page=per_page, total=total, capped=capped,
                    next_after=next_after if (more and key is not None) else None, keyed=keyed, max_page=max_page,
                    extra={"more": more})


def paginate_flat(stmt) -> FlatPage:
    """``flat_page`` from the request's ``page``, ``per_page`` and ``after`` (bad input is ignored)."""
    after = query_int("after", 0) or None
    return flat_page(stmt, page=query_int("page", 1),
                     per_page=query_int("per_page", current_app.config["ITEMS_PER_PAGE"]), after=after)


__all__ = ["FlatPage", "count_capped", "flat_page", "key_of", "paginate", "paginate_flat"]
