"""Inventory interoperability: hardware details per asset, their storage devices, agent enrolment tokens, and the
"machine virtuelle" category (decisions.md: a virtual machine is recorded there, without embodied carbon: the
carbon factor table has no row for it).

Revision ID: invmatch_01
Revises: identity_01
"""
import sqlalchemy as sa
from alembic import op

revision = "invmatch_01"
down_revision = "decp_01"  # exchange formats (identity_01, decp_01), then the inventory (decisions.md)
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "asset_hardware",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("manufacturer", sa.String(length=120), nullable=False),
        sa.Column("model", sa.String(length=120), nullable=False),
        sa.Column("uuid", sa.String(length=64), nullable=True),
        sa.Column("device_id", sa.String(length=120), nullable=True),
        sa.Column("cpu", sa.String(length=200), nullable=False),
        sa.Column("cpu_generation", sa.String(length=20), nullable=False),
        sa.Column("ram_mb", sa.Integer(), nullable=True),
        sa.Column("os_name", sa.String(length=120), nullable=False),
        sa.Column("os_version", sa.String(length=60), nullable=False),
        sa.Column("os_label", sa.String(length=60), nullable=False),
        sa.Column("screen_inches", sa.Float(), nullable=True),
        sa.Column("battery_health_pct", sa.Integer(), nullable=True),
        sa.Column("has_hdd", sa.Boolean(), nullable=False),
        sa.Column("last_inventory_dt", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_contact_dt", sa.DateTime(timezone=True), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["asset_id"], ["asset.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("asset_id"),
    )
    with op.batch_alter_table("asset_hardware", schema=None) as batch_op:
        batch_op.create_index("ix_asset_hardware_uuid", ["uuid"], unique=False)
        batch_op.create_index("ix_asset_hardware_device_id", ["device_id"], unique=False)
        batch_op.create_index("ix_asset_hardware_ram_mb", ["ram_mb"], unique=False)
        batch_op.create_index("ix_asset_hardware_os_label", ["os_label"], unique=False)
        batch_op.create_index("ix_asset_hardware_has_hdd", ["has_hdd"], unique=False)
    op.create_table(
        "asset_storage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=10), nullable=False),
        sa.Column("size_gb", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["asset_id"], ["asset.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("asset_storage", schema=None) as batch_op:
        batch_op.create_index("ix_asset_storage_asset_id", ["asset_id"], unique=False)
        batch_op.create_index("ix_asset_storage_type_asset", ["type", "asset_id"], unique=False)
    op.create_table(
        "agent_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=8), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_dt", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_dt", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.Column("last_used_dt", sa.DateTime(timezone=True), nullable=True),
        sa.Column("inventories", sa.Integer(), nullable=False),
        sa.Column("window_start_dt", sa.DateTime(timezone=True), nullable=True),
        sa.Column("window_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["revoked_by_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("agent_token", schema=None) as batch_op:
        batch_op.create_index("ix_agent_token_member_id", ["member_id"], unique=False)
    category = sa.table("category", sa.column("code", sa.String), sa.column("label_fr", sa.String),
                        sa.column("label_en", sa.String), sa.column("is_device", sa.Boolean),
                        sa.column("is_it_equipment", sa.Boolean), sa.column("holds_storage", sa.Boolean),
                        sa.column("sort_order", sa.Integer))
    # a virtual machine holds data but is no physical equipment (not AGEC IT equipment, no embodied carbon)
    op.bulk_insert(category, [dict(code="virtual_machine", label_fr="Machine virtuelle", label_en="Virtual machine",
                                   is_device=True, is_it_equipment=False, holds_storage=True, sort_order=145)])


def downgrade():
    category = sa.table("category", sa.column("code", sa.String))
    op.execute(category.delete().where(category.c.code == "virtual_machine"))
    with op.batch_alter_table("agent_token", schema=None) as batch_op:
        batch_op.drop_index("ix_agent_token_member_id")
    op.drop_table("agent_token")
    with op.batch_alter_table("asset_storage", schema=None) as batch_op:
        batch_op.drop_index("ix_asset_storage_type_asset")
        batch_op.drop_index("ix_asset_storage_asset_id")
    op.drop_table("asset_storage")
    with op.batch_alter_table("asset_hardware", schema=None) as batch_op:
        batch_op.drop_index("ix_asset_hardware_has_hdd")
        batch_op.drop_index("ix_asset_hardware_os_label")
        batch_op.drop_index("ix_asset_hardware_ram_mb")
        batch_op.drop_index("ix_asset_hardware_device_id")
        batch_op.drop_index("ix_asset_hardware_uuid")
    op.drop_table("asset_hardware")
