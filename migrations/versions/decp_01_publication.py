"""DECP publication and AGEC declaration: lot CPV codes, contract notification dates and modifications,
the publication register, products' recycled content.

Revision ID: decp_01
Revises: identity_01 (jobs_01 before the identity branch was merged; the lead re-chains)
"""
from alembic import op
import sqlalchemy as sa

revision = "decp_01"
down_revision = "identity_01"
branch_labels = None
depends_on = None


def _foreign_keys(enabled: bool) -> None:
    """SQLite rebuilds a table to add a constraint (batch mode): with foreign keys enforced, dropping the old
    ``product`` or ``framework_contract`` table that other rows reference fails. Off during the rebuild only
    (PRAGMA foreign_keys is ignored inside a transaction, so the pending one is committed first)."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        if bind.connection.in_transaction:
            bind.exec_driver_sql("COMMIT")
        bind.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if enabled else 'OFF'}")


def upgrade():
    _foreign_keys(False)
    op.create_table(
        "decp_publication",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_from", sa.Date(), nullable=False),
        sa.Column("period_to", sa.Date(), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("contract_count", sa.Integer(), nullable=False),
        sa.Column("modification_count", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("created_dt", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("period_to >= period_from", name=op.f("ck_decp_publication_period_ordered")),
        sa.ForeignKeyConstraint(["actor_id"], ["user_account.id"],
                                name=op.f("fk_decp_publication_actor_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decp_publication")),
    )
    with op.batch_alter_table("decp_publication", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decp_publication_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_decp_publication_published_on"), ["published_on"], unique=False)

    op.create_table(
        "contract_modification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("notified_on", sa.Date(), nullable=False),
        sa.Column("object", sa.Text(), nullable=False),
        sa.Column("new_max_amount_ht", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("new_duration_months", sa.Integer(), nullable=True),
        sa.Column("decp_publication_id", sa.Integer(), nullable=True),
        sa.Column("created_dt", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("new_max_amount_ht IS NULL OR new_max_amount_ht > 0",
                           name=op.f("ck_contract_modification_new_amount_positive")),
        sa.CheckConstraint("new_duration_months IS NULL OR new_duration_months > 0",
                           name=op.f("ck_contract_modification_new_duration_positive")),
        sa.ForeignKeyConstraint(["contract_id"], ["framework_contract.id"],
                                name=op.f("fk_contract_modification_contract_id_framework_contract")),
        sa.ForeignKeyConstraint(["decp_publication_id"], ["decp_publication.id"],
                                name=op.f("fk_contract_modification_decp_publication_id_decp_publication")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_modification")),
        sa.UniqueConstraint("contract_id", "number", name="contract_number"),
    )
    with op.batch_alter_table("contract_modification", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contract_modification_contract_id"), ["contract_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contract_modification_decp_publication_id"), ["decp_publication_id"],
                              unique=False)

    with op.batch_alter_table("framework_contract", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notified_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("decp_publication_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_framework_contract_notified_on"), ["notified_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_framework_contract_decp_publication_id"), ["decp_publication_id"],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_framework_contract_decp_publication_id_decp_publication"),
                                    "decp_publication", ["decp_publication_id"], ["id"])

    with op.batch_alter_table("tender_lot", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cpv_code", sa.String(length=8), nullable=True))

    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recycled_content_pct", sa.Numeric(precision=5, scale=2), server_default="0",
                                      nullable=False))
        batch_op.add_column(sa.Column("recycled_content_source", sa.String(length=300), server_default="",
                                      nullable=False))
        batch_op.create_check_constraint("recycled_content_range",
                                         "recycled_content_pct >= 0 AND recycled_content_pct <= 100")
    _foreign_keys(True)


def downgrade():
    _foreign_keys(False)
    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_product_recycled_content_range"), type_="check")
        batch_op.drop_column("recycled_content_source")
        batch_op.drop_column("recycled_content_pct")

    with op.batch_alter_table("tender_lot", schema=None) as batch_op:
        batch_op.drop_column("cpv_code")

    with op.batch_alter_table("framework_contract", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_framework_contract_decp_publication_id_decp_publication"),
                                 type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_framework_contract_decp_publication_id"))
        batch_op.drop_index(batch_op.f("ix_framework_contract_notified_on"))
        batch_op.drop_column("decp_publication_id")
        batch_op.drop_column("notified_on")

    with op.batch_alter_table("contract_modification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contract_modification_decp_publication_id"))
        batch_op.drop_index(batch_op.f("ix_contract_modification_contract_id"))
    op.drop_table("contract_modification")

    with op.batch_alter_table("decp_publication", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decp_publication_published_on"))
        batch_op.drop_index(batch_op.f("ix_decp_publication_actor_id"))
    op.drop_table("decp_publication")
    _foreign_keys(True)
