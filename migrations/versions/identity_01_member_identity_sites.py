"""members' legal identity and delivery sites, the syndicate's identity, suppliers' order e-mail

Revision ID: identity_01
Revises: jobs_01
Create Date: 2026-12-01 10:57:41

Creates member_siret, member_contact, site, site_merge_log and syndicate_identity; adds the members'
addresses and Chorus Pro settings, the suppliers' order e-mail and Order-X flag, the orders' delivery site
and engagement number. Then turns every free-text site (asset.site, asset_audit.site, the orders'
delivery_site) into ``site`` rows per member, merging spellings that differ only by case, accents, spaces
or punctuation, records each spelling and where it went in ``site_merge_log`` (the administrator's page
"Sites fusionnés"), fills the foreign keys and drops asset.site and asset_audit.site. The orders keep their
delivery_site text as the snapshot of the address ordered. Downgrade writes the site names back.
"""
import re
import unicodedata
from collections import defaultdict
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'identity_01'
down_revision = 'jobs_01'
branch_labels = None
depends_on = None

_SEPARATORS = re.compile(r"[\W_]+", re.UNICODE)


UNSPECIFIED = "Site non précisé"


def _site_key(name):
    """Copy of purchasing.domain.sites.site_key at this revision (migrations never import app code)."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SEPARATORS.sub(" ", stripped.casefold()).strip()[:200]


def _clean(name):
    return " ".join((name or "").split())[:200]


def _move_free_text_sites():
    """Free-text sites -> site rows (one per member and key), merge log, foreign keys."""
    conn = op.get_bind()
    sources = (("asset", "asset", "site"), ("audit", "asset_audit", "site"), ("order", "purchase_request", "delivery_site"))
    # (member, key) -> {spelling: {source: count}}
    spellings = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    for source, table, column in sources:
        rows = conn.execute(sa.text(
            f"SELECT member_id, {column}, COUNT(*) FROM {table} GROUP BY member_id, {column}")).all()
        for member_id, text, count in rows:
            if text is None:
                continue
            key = _site_key(text)
            if not key and source == "audit":  # an audit always has a site (NOT NULL after this revision)
                key = _site_key(UNSPECIFIED)
            if key:
                spellings[(member_id, key)][text][source] += count
    if not spellings:
        return
    now = datetime.now(timezone.utc)
    site = sa.table("site", sa.column("id"), sa.column("member_id"), sa.column("name"), sa.column("name_key"),
                    sa.column("is_default"), sa.column("is_active"), sa.column("created_dt"))
    log = sa.table("site_merge_log", sa.column("member_id"), sa.column("site_id"), sa.column("original"),
                   sa.column("merged_into"), sa.column("source"), sa.column("row_count"), sa.column("created_dt"))
    # the name kept: the most used spelling; on a tie the one with accents or capitals (more information)
    chosen = {}
    for (member_id, key), texts in spellings.items():
        def rank(text):
            cleaned = _clean(text)
            return (sum(texts[text].values()), cleaned != cleaned.lower(), cleaned != cleaned.encode("ascii", "ignore").decode(), cleaned)
        chosen[(member_id, key)] = _clean(max(texts, key=rank)) or UNSPECIFIED
    # the default site of a member: its most ordered-to site, else its most used one
    default_key = {}
    for member_id in {m for m, _ in spellings}:
        keys = [k for m, k in spellings if m == member_id]
        def usage(key, member_id=member_id):
            texts = spellings[(member_id, key)]
            return (sum(c.get("order", 0) for c in texts.values()), sum(sum(c.values()) for c in texts.values()), key)
        default_key[member_id] = max(keys, key=usage)
    conn.execute(site.insert(), [
        {"member_id": m, "name": chosen[(m, k)], "name_key": k, "is_default": default_key[m] == k,
         "is_active": True, "created_dt": now} for (m, k) in sorted(spellings)])
    ids = {(m, k): i for i, m, k in conn.execute(sa.text("SELECT id, member_id, name_key FROM site"))}
    log_rows = []
    for (member_id, key), texts in sorted(spellings.items()):
        site_id = ids[(member_id, key)]
        for text, counts in sorted(texts.items()):
            for source, count in sorted(counts.items()):
                log_rows.append({"member_id": member_id, "site_id": site_id, "original": text[:300],
                                 "merged_into": chosen[(member_id, key)], "source": source, "row_count": count,
                                 "created_dt": now})
            for source, table, column in sources:
                if source in counts:
                    target = "delivery_site_id" if source == "order" else "site_id"
                    conn.execute(sa.text(f"UPDATE {table} SET {target} = :site_id "
                                         f"WHERE member_id = :member_id AND {column} = :text"),
                                 {"site_id": site_id, "member_id": member_id, "text": text})
    conn.execute(log.insert(), log_rows)


def _restore_free_text(table):
    op.execute(sa.text(f"UPDATE {table} SET site = COALESCE((SELECT site.name FROM site WHERE site.id = "
                       f"{table}.site_id), '')"))


def _sqlite_foreign_keys(on):
    """SQLite: batch mode rebuilds tables (asset, member…) that other rows point at, so the checks are off
    meanwhile. PRAGMA foreign_keys is ignored inside a transaction: the work so far is committed first on the
    driver's connection (SQLite's DDL is not transactional for Alembic anyway)."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        raw = bind.connection.dbapi_connection
        raw.commit()
        raw.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def upgrade():
    _sqlite_foreign_keys(False)
    op.create_table('syndicate_identity',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('siret', sa.String(length=14), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('postal_code', sa.String(length=10), nullable=False),
    sa.Column('city', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('signatory_name', sa.String(length=200), nullable=False),
    sa.Column('signatory_title', sa.String(length=200), nullable=False),
    sa.Column('updated_dt', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('id = 1', name=op.f('ck_syndicate_identity_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_syndicate_identity'))
    )
    op.create_table('member_contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_member_contact_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_contact'))
    )
    with op.batch_alter_table('member_contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_contact_member_id'), ['member_id'], unique=False)

    op.create_table('member_siret',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('siret', sa.String(length=14), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('is_billing', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_member_siret_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_siret')),
    sa.UniqueConstraint('siret', name=op.f('uq_member_siret_siret'))
    )
    with op.batch_alter_table('member_siret', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_siret_member_id'), ['member_id'], unique=False)
        batch_op.create_index('uq_member_siret_billing', ['member_id'], unique=True, sqlite_where=sa.text('is_billing'), postgresql_where=sa.text('is_billing'))

    op.create_table('site',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=300), server_default='', nullable=False),
    sa.Column('postal_code', sa.String(length=10), server_default='', nullable=False),
    sa.Column('city', sa.String(length=120), server_default='', nullable=False),
    sa.Column('opening_hours', sa.String(length=300), server_default='', nullable=False),
    sa.Column('contact_name', sa.String(length=200), server_default='', nullable=False),
    sa.Column('contact_phone', sa.String(length=40), server_default='', nullable=False),
    sa.Column('contact_email', sa.String(length=254), server_default='', nullable=False),
    sa.Column('is_default', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('is_active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_dt', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_site_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site')),
    sa.UniqueConstraint('member_id', 'name_key', name='uq_site_member_name_key')
    )
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_site_member_id'), ['member_id'], unique=False)
        batch_op.create_index('uq_site_member_default', ['member_id'], unique=True, sqlite_where=sa.text('is_default'), postgresql_where=sa.text('is_default'))

    op.create_table('site_merge_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=True),
    sa.Column('original', sa.String(length=300), nullable=False),
    sa.Column('merged_into', sa.String(length=200), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('created_dt', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_site_merge_log_member_id_member')),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_site_merge_log_site_id_site'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site_merge_log'))
    )
    with op.batch_alter_table('site_merge_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_site_merge_log_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_site_merge_log_site_id'), ['site_id'], unique=False)

    with op.batch_alter_table('asset', schema=None) as batch_op:
        batch_op.add_column(sa.Column('site_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_asset_site_id'), ['site_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_asset_site_id_site'), 'site', ['site_id'], ['id'])

    with op.batch_alter_table('asset_audit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('site_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_asset_audit_site_id'), ['site_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_asset_audit_site_id_site'), 'site', ['site_id'], ['id'])

    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('postal_address', sa.String(length=300), server_default='', nullable=False))
        batch_op.add_column(sa.Column('postal_code', sa.String(length=10), server_default='', nullable=False))
        batch_op.add_column(sa.Column('city', sa.String(length=120), server_default='', nullable=False))
        batch_op.add_column(sa.Column('billing_address', sa.String(length=300), server_default='', nullable=False))
        batch_op.add_column(sa.Column('billing_postal_code', sa.String(length=10), server_default='', nullable=False))
        batch_op.add_column(sa.Column('billing_city', sa.String(length=120), server_default='', nullable=False))
        batch_op.add_column(sa.Column('chorus_service_code', sa.String(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('engagement_required', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('purchase_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('delivery_site_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('engagement_number', sa.String(length=50), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_purchase_request_delivery_site_id'), ['delivery_site_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_purchase_request_delivery_site_id_site'), 'site', ['delivery_site_id'], ['id'])

    with op.batch_alter_table('supplier', schema=None) as batch_op:
        batch_op.add_column(sa.Column('order_email', sa.String(length=254), server_default='', nullable=False))
        batch_op.add_column(sa.Column('accepts_order_x', sa.Boolean(), server_default=sa.false(), nullable=False))

    _move_free_text_sites()

    with op.batch_alter_table('asset', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_asset_member_site'))
        batch_op.create_index('ix_asset_member_site', ['member_id', 'site_id'], unique=False)
        batch_op.drop_column('site')

    with op.batch_alter_table('asset_audit', schema=None) as batch_op:
        batch_op.alter_column('site_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('site')

    _sqlite_foreign_keys(True)


def downgrade():
    _sqlite_foreign_keys(False)
    with op.batch_alter_table('supplier', schema=None) as batch_op:
        batch_op.drop_column('accepts_order_x')
        batch_op.drop_column('order_email')

    with op.batch_alter_table('purchase_request', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_purchase_request_delivery_site_id_site'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_purchase_request_delivery_site_id'))
        batch_op.drop_column('engagement_number')
        batch_op.drop_column('delivery_site_id')

    with op.batch_alter_table('member', schema=None) as batch_op:
        for column in ('engagement_required', 'chorus_service_code', 'billing_city', 'billing_postal_code',
                       'billing_address', 'city', 'postal_code', 'postal_address'):
            batch_op.drop_column(column)

    with op.batch_alter_table('asset_audit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('site', sa.VARCHAR(length=200), server_default='', nullable=False))
    _restore_free_text('asset_audit')
    with op.batch_alter_table('asset_audit', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_asset_audit_site_id_site'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_asset_audit_site_id'))
        batch_op.drop_column('site_id')

    with op.batch_alter_table('asset', schema=None) as batch_op:
        batch_op.add_column(sa.Column('site', sa.VARCHAR(length=200), server_default='', nullable=False))
    _restore_free_text('asset')
    with op.batch_alter_table('asset', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_asset_site_id_site'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_asset_site_id'))
        batch_op.drop_index('ix_asset_member_site')
        batch_op.create_index(batch_op.f('ix_asset_member_site'), ['member_id', 'site'], unique=False)
        batch_op.drop_column('site_id')

    with op.batch_alter_table('site_merge_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_site_merge_log_site_id'))
        batch_op.drop_index(batch_op.f('ix_site_merge_log_member_id'))

    op.drop_table('site_merge_log')
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.drop_index('uq_site_member_default', sqlite_where=sa.text('is_default'), postgresql_where=sa.text('is_default'))
        batch_op.drop_index(batch_op.f('ix_site_member_id'))

    op.drop_table('site')
    with op.batch_alter_table('member_siret', schema=None) as batch_op:
        batch_op.drop_index('uq_member_siret_billing', sqlite_where=sa.text('is_billing'), postgresql_where=sa.text('is_billing'))
        batch_op.drop_index(batch_op.f('ix_member_siret_member_id'))

    op.drop_table('member_siret')
    with op.batch_alter_table('member_contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_contact_member_id'))

    op.drop_table('member_contact')
    op.drop_table('syndicate_identity')
    _sqlite_foreign_keys(True)
