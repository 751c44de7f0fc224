"""inventory import: a member's saved column mapping per source kind and headers

Revision ID: invsrc_01
Revises: invmatch_01 (re-chained by the lead at merge)
Create Date: 2026-12-01 10:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'invsrc_01'
down_revision = 'invmatch_01'  # jobs_01 in the brief; chained after invmatch_01 since this branch merged invmatch
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('import_mapping',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('signature', sa.String(length=64), nullable=False),
    sa.Column('headers', sa.JSON(), nullable=False),
    sa.Column('columns', sa.JSON(), nullable=False),
    sa.Column('value_map', sa.JSON(), nullable=False),
    sa.Column('default_category', sa.String(length=40), nullable=False),
    sa.Column('updated_dt', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_import_mapping_member_id_member'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_mapping')),
    sa.UniqueConstraint('member_id', 'kind', 'signature', name='uq_import_mapping_member_kind_sig')
    )
    with op.batch_alter_table('import_mapping', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_mapping_member_id'), ['member_id'], unique=False)


def downgrade():
    with op.batch_alter_table('import_mapping', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_mapping_member_id'))
    op.drop_table('import_mapping')
