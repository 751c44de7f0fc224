"""Migration identity_01: messy free-text sites written at jobs_01 become one site per member and spelling key."""
from __future__ import annotations

import os

from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text

from purchasing import create_app
from purchasing.extensions import db

NOW = "2026-01-01 00:00:00+00:00"


def _seed(conn):
    conn.execute(text("INSERT INTO member (id, kind, name, siren, population, approval_threshold_ht, "
                      "single_elected_user, is_active, joined_on, created_dt, search_name) VALUES "
                      "(1, 'commune', 'Un', '213300015', 0, 0, false, true, '2020-01-01', :now, 'un'), "
                      "(2, 'commune', 'Deux', '213300023', 0, 0, false, true, '2020-01-01', :now, 'deux')"),
                 {"now": NOW})
    category = conn.execute(text("SELECT MIN(id) FROM category")).scalar_one()  # seeded by 0003
    spellings = [(1, "Mairie"), (1, "MAIRIE "), (1, "mairie"), (1, "Mairie"), (1, "École  Jules-Ferry"),
                 (1, "ecole jules ferry"), (1, ""), (2, "Mairie"), (2, "Salle des fêtes")]
    for n, (member_id, site) in enumerate(spellings, start=1):
        conn.execute(text("INSERT INTO asset (id, tag, category_id, designation, member_id, site, assigned_to, "
                          "origin, condition, holds_storage, status, created_dt) VALUES "
                          "(:id, :tag, :c, '', :m, :site, '', 'imported', 'good', false, 'in_stock', :now)"),
                     {"id": n, "tag": f"T-{n}", "c": category, "m": member_id, "site": site, "now": NOW})
    conn.execute(text("INSERT INTO asset_audit (id, member_id, site, status, started_dt) VALUES "
                      "(1, 1, 'mairie', 'open', :now), (2, 2, ' ', 'open', :now)"), {"now": NOW})


def _app(url):
    return create_app({"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": url})


def _url(tmp_path):
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp_path / 'identity.sqlite3'}", None
    # PostgreSQL: a schema of its own in the test database, dropped at the end
    engine = create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1) if "+psycopg" not in base
                           and base.startswith("postgresql://") else base)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS mig_identity CASCADE"))
        conn.execute(text("CREATE SCHEMA mig_identity"))
    return None, engine


def test_free_text_sites_are_merged_by_case_accents_and_spaces(tmp_path):
    url, pg = _url(tmp_path)
    if pg is not None:
        url = pg.url.render_as_string(hide_password=False) + "?options=-csearch_path%3Dmig_identity"
    app = _app(url)
    try:
        with app.app_context():
            upgrade(revision="jobs_01")
            with db.engine.begin() as conn:
                _seed(conn)
            upgrade(revision="identity_01")
            with db.engine.connect() as conn:
                sites = conn.execute(text("SELECT member_id, name, name_key, is_default FROM site "
                                          "ORDER BY member_id, name_key")).all()
                assets = dict(conn.execute(text(
                    "SELECT asset.tag, site.name FROM asset LEFT JOIN site ON site.id = asset.site_id")).all())
                audits = dict(conn.execute(text(
                    "SELECT asset_audit.id, site.name FROM asset_audit JOIN site ON site.id = asset_audit.site_id")).all())
                log = conn.execute(text("SELECT member_id, original, merged_into, source, row_count "
                                        "FROM site_merge_log ORDER BY member_id, original, source")).all()
            # member 1: "Mairie" x4 spellings (3 assets + the audit) -> one site; the École spellings -> one
            assert [(m, n, k) for m, n, k, _d in sites] == [
                (1, "École Jules-Ferry", "ecole jules ferry"), (1, "Mairie", "mairie"),
                (2, "Mairie", "mairie"), (2, "Salle des fêtes", "salle des fetes"),
                (2, "Site non précisé", "site non precise")]
            assert {m for m, _n, _k, d in sites if d} == {1, 2}  # one default site each
            assert sum(1 for _m, _n, _k, d in sites if d) == 2
            assert assets["T-1"] == assets["T-2"] == assets["T-3"] == assets["T-4"] == "Mairie"
            assert assets["T-5"] == assets["T-6"] == "École Jules-Ferry"
            assert assets["T-7"] is None  # an empty site stays empty
            assert audits == {1: "Mairie", 2: "Site non précisé"}
            assert (1, "MAIRIE ", "Mairie", "asset", 1) in log and (1, "mairie", "Mairie", "audit", 1) in log
            assert (1, "Mairie", "Mairie", "asset", 2) in log
            # down again: the names come back as text
            downgrade(revision="jobs_01")
            with db.engine.connect() as conn:
                back = dict(conn.execute(text("SELECT tag, site FROM asset")).all())
            assert back["T-2"] == "Mairie" and back["T-6"] == "École Jules-Ferry" and back["T-7"] == ""
            upgrade()
            db.engine.dispose()
    finally:
        if pg is not None:
            with pg.begin() as conn:
                conn.execute(text("DROP SCHEMA IF EXISTS mig_identity CASCADE"))
            pg.dispose()
