"""pool: a claim reserves the item; the donor may decline it within a delay (issue 15, the donor's right to decline)

``pool_listing.reserved_dt`` (when the claim was made) and ``decline_until`` (until when the donor may decline),
and the index the periodic confirmation reads (reservations whose delay has ended). Listings claimed before this
revision were given at once: their reservation is their claim (``reserved_dt = claimed_dt``), with no delay left.

Revision ID: pool_02
Revises: scale_02
"""
import sqlalchemy as sa
from alembic import op


revision = "pool_02"
down_revision = "scale_02"  # decisions.md: the personas' Mondays' models after the scale ones
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("pool_listing") as batch:
        batch.add_column(sa.Column("reserved_dt", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("decline_until", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE pool_listing SET reserved_dt = claimed_dt, decline_until = claimed_dt "
               "WHERE status = 'claimed'")
    op.create_index("ix_pool_listing_status_decline_until", "pool_listing", ["status", "decline_until"])


def downgrade():
    # a reservation still waiting for its donor cannot be expressed before this revision: it goes back to the pool
    op.execute("UPDATE pool_listing SET status = 'open', claimed_by_member_id = NULL WHERE status = 'reserved'")
    op.drop_index("ix_pool_listing_status_decline_until", table_name="pool_listing")
    with op.batch_alter_table("pool_listing") as batch:
        batch.drop_column("decline_until")
        batch.drop_column("reserved_dt")
