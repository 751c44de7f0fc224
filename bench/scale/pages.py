"""Reaching a deep page of a list the way a user does: following its "next" links.

Beyond the numbered pages the "next" link of a flat list is ``?after=<id of the previous page's last row>``
(purchasing/pagination.py); the chain of links from page 1 to page N ends at the ``after`` computed here in
SQL (the id of the row just before page N), so the measure times the request a user sends for page N.
"""
from __future__ import annotations


def deep_page_url(bench, page: int, small: bool = False, per_page: int = 25) -> str:
    """The inventory's page ``page`` (staff, without retired assets), or its last page when there are fewer."""
    with bench.side(small).connection() as connection:
        rows = connection.exec_driver_sql("SELECT COUNT(*) FROM asset WHERE status <> 'retired'").scalar()
        page = min(page, max(1, -(-rows // per_page)))
        offset = (page - 1) * per_page - 1
        if offset < 0:
            return "/lifecycle/"
        after = connection.exec_driver_sql(
            f"SELECT id FROM asset WHERE status <> 'retired' ORDER BY id DESC LIMIT 1 OFFSET {offset}").scalar()
    return f"/lifecycle/?page={page}&after={after}"
