"""Column types shared by every model: money, rates and timezone-aware timestamps.

Money is Decimal end to end. PostgreSQL stores NUMERIC; SQLite (the embedded demo database) has no
decimal type, so SQLAlchemy stores a REAL and converts back to a Decimal quantized to the column's
scale, which is exact to the cent for the amounts handled here.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import DateTime, Numeric
from sqlalchemy.types import TypeDecorator


def Money() -> Numeric:  # noqa: N802 - reads like a type in model declarations
    """An amount in euros, two decimals."""
    return Numeric(14, 2, asdecimal=True)


def Rate() -> Numeric:  # noqa: N802
    """A rate such as 0.0350 (3.5 %) or a VAT rate of 0.2000."""
    return Numeric(7, 4, asdecimal=True)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every database.

    SQLite returns naive datetimes: they are stored in UTC, so UTC is attached on the way out.
    Naive datetimes are refused on the way in: an ambiguous time is a bug.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: use an aware datetime (UTC)")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def render_migration_item(type_, obj, autogen_context):
    """Write our column types into migrations as the plain SQLAlchemy types they stand for."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False
