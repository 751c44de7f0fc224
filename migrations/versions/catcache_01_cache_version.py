"""catcache: the catalogue's version token, changed in the same transaction as any catalogue or tariff write

One row per cached area (``name`` = "catalogue"). Every gunicorn worker reads the token once per catalogue
request and keys its in-process cache with it (purchasing/catalogue/cache.py): a committed change of a
product, category, offer, price break, tariff grid or band gives a new token, so every worker's next
request renders afresh.

Revision ID: catcache_01
Revises: pool_02
"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = "catcache_01"
down_revision = "pool_02"  # re-chained at merge, after the pool reservation (decisions.md: one head)
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "cache_version",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_cache_version")),
    )
    op.bulk_insert(table, [{"name": "catalogue", "token": secrets.token_hex(8)}])


def downgrade():
    op.drop_table("cache_version")
