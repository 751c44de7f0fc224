"""scale: the "to place" marker on order lines (the approved lines not yet on a purchase order, by contract)

``order_line.to_place_contract_id`` is the offer's contract while the line's order is approved and no purchase
order line carries it, NULL otherwise (kept by the flush hook of purchasing/purchase_orders/models.py). A
partial index holds only those lines: the "to place" page reads them by contract, instead of every approved
order's lines checked against every purchase order line.

Revision ID: scale_02
Revises: scale_01
"""
import sqlalchemy as sa
from alembic import op

revision = "scale_02"
down_revision = "imports_02"  # after the inventory import record (decisions.md: inventory, then scale)
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("order_line") as batch:
        batch.add_column(sa.Column("to_place_contract_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE order_line SET to_place_contract_id = "
        "(SELECT offer.contract_id FROM offer WHERE offer.id = order_line.offer_id) "
        "WHERE EXISTS (SELECT 1 FROM purchase_request WHERE purchase_request.id = order_line.order_id "
        "AND purchase_request.status = 'approved') "
        "AND NOT EXISTS (SELECT 1 FROM purchase_order_line WHERE purchase_order_line.order_line_id = order_line.id)")
    op.create_index("ix_order_line_to_place", "order_line", ["to_place_contract_id", "id"],
                    postgresql_where=sa.text("to_place_contract_id IS NOT NULL"),
                    sqlite_where=sa.text("to_place_contract_id IS NOT NULL"))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ANALYZE order_line")  # the planner's estimate of the few marked lines, from the first request


def downgrade():
    op.drop_index("ix_order_line_to_place", table_name="order_line")
    with op.batch_alter_table("order_line") as batch:
        batch.drop_column("to_place_contract_id")
