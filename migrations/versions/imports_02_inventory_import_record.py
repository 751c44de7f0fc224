"""imports: one record per inventory import instead of one "imported" event per asset; the asset's indexes
that a composite index already leads with are dropped

An import of 100,000 rows wrote 100,000 identical "imported" events (file, author, moment): now it writes one
``inventory_import`` row and each asset it creates points to it (``asset.import_id``); the asset's timeline shows
that record as its first entry. The existing "imported" events stay as they are (the timeline shows them too).

``ix_asset_member_id``, ``ix_asset_status`` and ``ix_asset_category_id`` are the first column of
``ix_asset_member_status`` (and ``ix_asset_member_id_id``), ``ix_asset_status_id`` and
``ix_asset_category_status_id``: every query (and the foreign keys' checks) they served uses those, and each
index costs every insert of the import.

Revision ID: imports_02
Revises: scale_01
"""
import sqlalchemy as sa
from alembic import op

revision = "imports_02"
down_revision = "scale_01"
branch_labels = None
depends_on = None

REDUNDANT = (("ix_asset_member_id", ["member_id"]), ("ix_asset_status", ["status"]),
             ("ix_asset_category_id", ["category_id"]))


def upgrade():
    op.create_table(
        "inventory_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("asset_count", sa.Integer(), nullable=False),
        sa.Column("created_dt", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["user_account.id"],
                                name=op.f("fk_inventory_import_author_id_user_account")),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_inventory_import_member_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_import")),
    )
    with op.batch_alter_table("inventory_import", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inventory_import_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inventory_import_member_id"), ["member_id"], unique=False)
    with op.batch_alter_table("asset", schema=None) as batch_op:
        batch_op.add_column(sa.Column("import_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_asset_import_id_inventory_import"), "inventory_import",
                                    ["import_id"], ["id"])
        for name, _columns in REDUNDANT:
            batch_op.drop_index(name)


def downgrade():
    with op.batch_alter_table("asset", schema=None) as batch_op:
        for name, columns in REDUNDANT:
            batch_op.create_index(name, columns, unique=False)
        batch_op.drop_constraint(batch_op.f("fk_asset_import_id_inventory_import"), type_="foreignkey")
        batch_op.drop_column("import_id")
    with op.batch_alter_table("inventory_import", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inventory_import_member_id"))
        batch_op.drop_index(batch_op.f("ix_inventory_import_author_id"))
    op.drop_table("inventory_import")
