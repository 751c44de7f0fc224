"""Inventory import: every row error reported, all or nothing, 10,000 rows quickly."""
from __future__ import annotations

import io
import time

import pandas as pd
import pytest
from sqlalchemy import func, select

from lifecycle.assets.models import Asset, AssetEvent, InventoryImport
from lifecycle.imports import services as imports
from purchasing.domain.errors import DomainError
from purchasing.extensions import db

HEADER = ";".join(imports.COLUMN_NAMES)


def _row(n, category="laptop", date="2022-03-01", price="650,00", serial=None):
    serial = serial if serial is not None else f"SN-IMP-{n:06d}"
    return f"{category};PC {n};;{serial};Mairie;Accueil;{date};{price};good;in_service;oui"


def _count(member_id):
    return db.session.scalar(select(func.count()).select_from(Asset).where(Asset.member_id == member_id))


def test_10000_rows_with_3_bad_rows_write_nothing_then_all_go_in(make_member, make_user):
    member = make_member()
    user = make_user(member=member)
    rows = [_row(n) for n in range(10_000)]
    rows[10] = _row(10, category="toaster")
    rows[5000] = _row(5000, date="31/02/2023")
    rows[9999] = _row(9999, price="-12")
    data = ("\n".join([HEADER, *rows]) + "\n").encode()
    report = imports.run_import("inventaire.csv", data, member.id, user, dry_run=False)
    assert [(e.row, e.column) for e in report.errors] == [(12, "category_code"), (5002, "acquisition_date"),
                                                           (10001, "purchase_price_ht")]
    assert "toaster" in report.errors[0].reason and "négatif" in report.errors[2].reason.lower()
    assert _count(member.id) == 0 and report.imported == 0

    rows[10], rows[5000], rows[9999] = _row(10), _row(5000), _row(9999)
    data = ("\n".join([HEADER, *rows]) + "\n").encode()
    started = time.perf_counter()
    report = imports.run_import("inventaire.csv", data, member.id, user, dry_run=False)
    elapsed = time.perf_counter() - started
    assert report.ok and report.imported == 10_000
    assert _count(member.id) == 10_000
    # one import record for the file, no "imported" event per asset (each asset's timeline starts with it)
    assert db.session.scalar(select(func.count()).select_from(AssetEvent)
                             .join(Asset, Asset.id == AssetEvent.asset_id).where(Asset.member_id == member.id)) == 0
    record = db.session.scalars(select(InventoryImport).where(InventoryImport.member_id == member.id)).one()
    assert (record.filename, record.author_id, record.asset_count) == ("inventaire.csv", user.id, 10_000)
    assert db.session.scalar(select(func.count()).select_from(Asset).where(Asset.import_id == record.id)) == 10_000
    tags = db.session.scalars(select(Asset.tag).where(Asset.member_id == member.id)).all()
    assert len(set(tags)) == 10_000
    assert elapsed < 30, elapsed


def test_duplicate_serials_in_file_and_in_database(make_member, make_asset):
    """A serial twice in the file is refused; a serial of ANOTHER member's asset is refused and said (stage 4,
    lifecycle.imports.matching); the member's own serial is a match, not an error."""
    member, other = make_member(), make_member()
    make_asset(other, serial_number="DUP-DB")
    make_asset(member, serial_number="MINE-DB")
    data = "\n".join([HEADER, _row(1, serial="DUP-FILE"), _row(2, serial="DUP-FILE"), _row(3, serial="DUP-DB"),
                      _row(4, serial="MINE-DB")])
    report = imports.run_import("x.csv", data.encode(), member.id, None, dry_run=True)
    reasons = {(e.row, e.column): e.reason for e in report.errors}
    assert set(reasons) == {(3, "serial_number"), (4, "serial_number")}
    assert "en double dans le fichier" in reasons[(3, "serial_number")]
    assert "autre adhérent" in reasons[(4, "serial_number")] and "DUP-DB" in reasons[(4, "serial_number")]


def test_dry_run_writes_nothing(make_member):
    member = make_member()
    data = "\n".join([HEADER, _row(1), _row(2)]).encode()
    report = imports.run_import("x.csv", data, member.id, None, dry_run=True)
    assert report.ok and report.rows == 2 and _count(member.id) == 0


def test_xlsx_template_round_trip(make_member):
    member = make_member()
    report = imports.run_import("modele.xlsx", imports.template_xlsx(), member.id, None, dry_run=False)
    assert report.ok and report.imported == 1 and _count(member.id) == 1
    frame = pd.read_csv(io.BytesIO(imports.template_csv()), sep=";", dtype=str)
    assert list(frame.columns) == imports.COLUMN_NAMES


@pytest.mark.parametrize("name,data,code", [
    ("inventaire.pdf", b"x", "bad_file_type"),
    ("vide.csv", b"", "empty_file"),
    ("colonnes.csv", b"foo;bar\n1;2\n", "missing_columns"),
    ("binaire.csv", bytes(range(256)), "content_mismatch"),
])
def test_bad_files_are_refused(name, data, code, make_member):
    with pytest.raises(DomainError) as error:
        imports.run_import(name, data, make_member().id, None, dry_run=True)
    assert error.value.code == code


def test_import_page_reports_errors_and_writes_nothing(browser, make_member, make_user):
    member = make_member()
    make_user(member=member, email="import@a.test")
    browser.login("import@a.test")
    data = "\n".join([HEADER, _row(1), _row(2, category="inconnue")]).encode()
    response = browser.post_form("/lifecycle/import", {"file": (io.BytesIO(data), "inv.csv"), "dry_run": ""},
                                 content_type="multipart/form-data")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Code de catégorie inconnu « inconnue »" in html, html[html.find("<main"):html.find("<main")+3000]
    assert "1 erreur : rien n" in html
    assert _count(member.id) == 0
    response = browser.post_form("/lifecycle/import", {"file": (io.BytesIO(b"x"), "inv.exe"), "dry_run": ""},
                                 content_type="multipart/form-data")
    assert response.status_code == 422 and "Format refusé" in response.get_data(as_text=True)
    good = "\n".join([HEADER, _row(1), _row(2)]).encode()
    response = browser.post_form("/lifecycle/import", {"file": (io.BytesIO(good), "inv.csv"), "dry_run": ""},
                                 content_type="multipart/form-data")
    assert response.status_code == 302 and _count(member.id) == 2
    # the asset's timeline tells where it came from: the import, its file and who imported it, first
    asset = db.session.scalars(select(Asset).where(Asset.member_id == member.id).order_by(Asset.id)).first()
    html = browser.get(f"/lifecycle/assets/{asset.id}").get_data(as_text=True)
    timeline = html[html.index('<ol class="timeline">'):]
    timeline = timeline[:timeline.index("</ol>")]
    assert timeline.count("<li>") == 1 and "Importé" in timeline and "Fichier : inv.csv" in timeline
    assert member.name in timeline and ("User" in timeline or "import@a.test" in timeline)
    assert browser.get("/lifecycle/import/template.xlsx").status_code == 200
