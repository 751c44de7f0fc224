"""scale: indexes matching the flat lists' filters and sorts (inventory, pool, orders)

Every list is ordered by id descending and read by key beyond its numbered pages (purchasing/pagination.py):
each filter gets a composite index ending with ``id``, so the page is an index range read and the capped
count reads at most 10,001 index entries.

Revision ID: scale_01
Revises: jobs_01
"""
from alembic import op

revision = "scale_01"
down_revision = "invsrc_01"  # after the exchange formats and the inventory (decisions.md)
branch_labels = None
depends_on = None

INDEXES = (
    # staff inventory: status filter (or status != retired) newest first; status + category; a member's own
    ("ix_asset_status_id", "asset", ["status", "id"]),
    ("ix_asset_category_status_id", "asset", ["category_id", "status", "id"]),
    ("ix_asset_member_id_id", "asset", ["member_id", "id"]),
    # reuse pool: open listings, by category
    ("ix_pool_listing_status_id", "pool_listing", ["status", "id"]),
    ("ix_pool_listing_status_category_id", "pool_listing", ["status", "category_id", "id"]),
    # orders: by status (to approve, to place), a member's orders
    ("ix_purchase_request_status_id", "purchase_request", ["status", "id"]),
    ("ix_purchase_request_member_id_id", "purchase_request", ["member_id", "id"]),
)


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
