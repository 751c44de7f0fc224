"""Stage 5 of the import (lifecycle.imports.bulk) on the suite's database (SQLite, and PostgreSQL in its pass):
the bulk path stores what the ORM would, all or nothing; the inventory's own upload limits; the command line."""
from __future__ import annotations

import io
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from lifecycle.assets import services as lifecycle
from lifecycle.assets.models import Asset, AssetEvent, InventoryImport
from lifecycle.imports import bulk, cli
from lifecycle.imports import services as imports
from purchasing import uploads
from purchasing.domain.errors import DomainError
from purchasing.extensions import db

from tests.jobs.live import inventory_csv


def _count(model, member_id):
    if model is AssetEvent:
        return db.session.scalar(select(func.count()).select_from(AssetEvent).join(Asset, Asset.id == AssetEvent.asset_id)
                                 .where(Asset.member_id == member_id))
    return db.session.scalar(select(func.count()).select_from(Asset).where(Asset.member_id == member_id))


def _site(member, name):
    from purchasing.members.services import resolve_sites
    return resolve_sites(member.id, [name])[name]


def _row(category_id, **kw):
    row = dict(category_id=category_id, product_id=None, designation="Portable", serial_number=None, site_id=None,
               assigned_to="", acquisition_date=date(2023, 3, 15), purchase_price_ht=Decimal("849.90"),
               condition="good", status="in_service", holds_storage=True, warranty_end_date=date(2026, 3, 15),
               line=2, uuid="not an asset column")
    row.update(kw)
    return row


def test_the_bulk_insert_stores_what_the_orm_reads_back(make_member, make_user, category):
    member, laptop = make_member(), category("laptop")
    user = make_user(member=member)
    mairie = _site(member, "Mairie")
    rows = [_row(laptop.id, serial_number=f"BULK-{n}", line=n + 2, site_id=mairie) for n in range(3)]
    rows[1].update(purchase_price_ht=None, acquisition_date=None, holds_storage=False, status="in_stock")
    del rows[2]["site_id"]  # a missing field takes the model's default
    ids = bulk.insert_assets(member.id, user, rows, "inventaire.csv")
    db.session.expire_all()
    assets = db.session.scalars(select(Asset).where(Asset.id.in_(ids)).order_by(Asset.id)).all()
    assert [a.id for a in assets] == ids == [r["id"] for r in rows]
    assert [a.tag for a in assets] == [r["tag"] for r in rows] and len(set(r["tag"] for r in rows)) == 3
    first, second, third = assets
    assert (first.serial_number, first.acquisition_date, first.purchase_price_ht, first.holds_storage,
            first.warranty_end_date, first.status, first.origin) == (
        "BULK-0", date(2023, 3, 15), Decimal("849.90"), True, date(2026, 3, 15), "in_service", "imported")
    assert (second.purchase_price_ht, second.acquisition_date, second.holds_storage, second.status) == (
        None, None, False, "in_stock")
    assert first.site_id == mairie and third.site_id is None and first.member_id == member.id
    assert first.created_dt.tzinfo is not None and abs(first.created_dt - datetime.now(timezone.utc)).total_seconds() < 60
    # one import record for the file, not one event per asset: each asset's timeline starts with it
    assert _count(AssetEvent, member.id) == 0
    records = db.session.scalars(select(InventoryImport).where(InventoryImport.member_id == member.id)).all()
    assert [(r.filename, r.author_id, r.asset_count) for r in records] == [("inventaire.csv", user.id, 3)]
    assert {a.import_id for a in assets} == {records[0].id}
    timelines = [lifecycle.asset_timeline(a) for a in assets]
    assert [[(e.kind, e.to_status, e.to_member.id, e.author.id, e.created_dt) for e in t] for t in timelines] == [
        [("imported", a.status, member.id, user.id, records[0].created_dt)] for a in assets]
    assert timelines[0][0].details == {"origin": "imported", "file": "inventaire.csv"}
    # the ORM keeps working after the bulk path (ids taken from the sequence, not reused)
    later = Asset(tag="ORM-AFTER-BULK", category_id=laptop.id, member_id=member.id, origin="imported")
    db.session.add(later)
    db.session.flush()
    assert later.id > max(ids)


def test_updates_are_bulk_statements_on_the_members_assets_only_with_one_event_each(make_member, make_asset):
    member, other = make_member(), make_member()
    mine = [make_asset(member, serial_number=f"UPD-{n}") for n in range(3)]
    theirs = make_asset(other, site="Chez eux")
    ecole, mairie, vole = _site(member, "École"), _site(member, "Mairie"), _site(other, "Volé")
    counts = bulk.write_plan(member.id, None, [], [
        (mine[0].id, {"site_id": ecole, "assigned_to": "CM2"}),
        (mine[1].id, {"site_id": mairie}, {"changes": {"site": ["", "Mairie"]}, "line": 3}),
        (theirs.id, {"site_id": vole}),
    ], "maj.csv")
    assert counts["updated"] == 3 and counts["created"] == 0
    db.session.expire_all()
    assert (db.session.get(Asset, mine[0].id).site_name, db.session.get(Asset, mine[0].id).assigned_to) == (
        "École", "CM2")
    assert db.session.get(Asset, mine[1].id).site_name == "Mairie"
    assert db.session.get(Asset, theirs.id).site_name == "Chez eux"  # another member's asset is never changed
    event = db.session.scalar(select(AssetEvent).where(AssetEvent.asset_id == mine[1].id,
                                                       AssetEvent.kind == "inventory_update"))
    assert event.details == {"changes": {"site": ["", "Mairie"]}, "line": 3, "file": "maj.csv", "source": "import"}
    with pytest.raises(ValueError):
        bulk.update_assets(member.id, None, [(mine[2].id, {"member_id": other.id})], "x.csv")


def test_an_error_on_the_last_row_writes_nothing(make_member, make_user):
    member = make_member()
    user = make_user(member=member)
    data = inventory_csv(3_000, "LAST", bad_rows=(2_999,))
    report = imports.run_import("inventaire.csv", data, member.id, user, dry_run=False)
    assert [(e.row, e.column) for e in report.errors] == [(3_001, "category_code")]
    assert report.imported == 0 and _count(Asset, member.id) == 0 and _count(AssetEvent, member.id) == 0


def test_an_error_on_the_last_row_fails_the_job_and_writes_nothing(app, make_member, make_user, monkeypatch):
    from purchasing.jobs import kinds
    from purchasing.jobs.models import Job

    monkeypatch.setitem(app.config, "JOBS_IMPORT_ROW_THRESHOLD", 10)
    member = make_member()
    user = make_user(member=member)
    job = kinds.start_inventory_import(user, member.id, "inventaire.csv",
                                       inventory_csv(3_000, "JOBLAST", bad_rows=(2_999,)), dry_run=False, rows=3_000)
    db.session.commit()  # the suite runs jobs at once (JOBS_IMMEDIATE)
    job = db.session.get(Job, job.id, populate_existing=True)
    assert job.status == "failed" and job.result["errors"][0]["row"] == 3_001
    assert _count(Asset, member.id) == 0 and _count(AssetEvent, member.id) == 0


def test_inventory_files_have_their_own_size_limit_and_other_uploads_keep_theirs(app, browser, make_member,
                                                                               make_user, monkeypatch):
    member = make_member()
    make_user(member=member, email="limites@a.test")
    data = inventory_csv(300, "LIMIT")  # ~17 kB
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 4_000)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 8_000)
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.read_table("liste.csv", data)  # any other upload: UPLOAD_MAX_BYTES
    assert refused.value.code == "file_too_large"
    assert len(imports.read_table("inventaire.csv", data)) == 300  # INVENTORY_UPLOAD_MAX_BYTES
    browser.login("limites@a.test")
    response = browser.post_form("/lifecycle/import", {"file": (io.BytesIO(data), "inventaire.csv"), "dry_run": "y"},
                                 content_type="multipart/form-data")
    assert response.status_code == 200 and "300" in response.get_data(as_text=True)
    # another form keeps MAX_CONTENT_LENGTH
    assert browser.client.post("/login", data={"email": "x" * 9_000}).status_code == 413
    monkeypatch.setitem(app.config, "INVENTORY_UPLOAD_MAX_BYTES", 10_000)
    with pytest.raises(uploads.UploadRefused) as refused:
        imports.read_table("inventaire.csv", data)
    assert refused.value.code == "file_too_large"
    monkeypatch.setitem(app.config, "INVENTORY_UPLOAD_MAX_BYTES", 50 * 1024 * 1024)
    monkeypatch.setitem(app.config, "INVENTORY_MAX_ROWS", 299)
    with pytest.raises(DomainError) as refused:
        imports.read_table("inventaire.csv", data)
    assert refused.value.code == "too_many_rows" and "flask lifecycle import" in refused.value.message


def test_the_command_line_streams_a_csv_in_chunks_all_or_nothing(app, runner, make_member, tmp_path, monkeypatch):
    member = make_member()
    db.session.commit()  # the command rolls back on errors: the member stays (the suite's outer transaction ends it)
    monkeypatch.setattr(cli, "CHUNK_ROWS", 400)
    good = tmp_path / "inventaire.csv"
    good.write_bytes(inventory_csv(1_000, "CLI"))
    result = runner.invoke(args=["lifecycle", "import", str(good), "--member", member.siren, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Lignes : 1000, créées : 0, mises à jour : 0, erreurs : 0" in result.output and _count(Asset, member.id) == 0

    bad = tmp_path / "erreurs.csv"
    text = inventory_csv(1_000, "CLIBAD").decode().splitlines()
    text[-1] = text[-1].replace("laptop", "grille-pain")
    text[5] = text[900]  # a serial twice, 895 lines apart: in two different chunks
    bad.write_text("\n".join(text) + "\n", encoding="cp1252")
    result = runner.invoke(args=["lifecycle", "import", str(bad), "--member", str(member.id)])
    assert result.exit_code == 1
    assert "ligne 901, serial_number : Numéro de série « CLIBAD-000899 » en double dans le fichier (déjà ligne 6)." \
        in result.output
    assert "ligne 1001, category_code : Code de catégorie inconnu « grille-pain »." in result.output
    assert "Rien n'a été importé." in result.output and _count(Asset, member.id) == 0

    result = runner.invoke(args=["lifecycle", "import", str(good), "--member", member.siren])
    assert result.exit_code == 0 and "créées : 1000" in result.output, result.output
    assert _count(Asset, member.id) == 1_000 and _count(AssetEvent, member.id) == 0
    # each chunk's assets point to an import record of the file (no "imported" event per asset)
    records = db.session.scalars(select(InventoryImport).where(InventoryImport.member_id == member.id)).all()
    assert {r.filename for r in records} == {good.name} and sum(r.asset_count for r in records) == 1_000
    assert db.session.scalar(select(func.count()).select_from(Asset).where(
        Asset.member_id == member.id, Asset.import_id.in_([r.id for r in records]))) == 1_000
    assert runner.invoke(args=["lifecycle", "import", str(good), "--member", "999999999"]).exit_code == 2
