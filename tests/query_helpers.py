"""Query counting for tests: ``with count_queries() as statements: ...`` lists the SQL statements sent."""
from __future__ import annotations

import contextlib

from sqlalchemy import event

from purchasing.extensions import db


@contextlib.contextmanager
def count_queries():
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
