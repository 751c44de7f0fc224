"""Stage 4: a re-import matches the member's assets (serial, UUID, DEVICEID, asset tag — in that order) and updates
them, each change an event of the asset's timeline; another member's identifiers are refused, never moved."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lifecycle.assets import hardware
from lifecycle.assets.models import Asset, AssetEvent, AssetHardware
from lifecycle.imports import matching
from lifecycle.imports import services as imports
from purchasing.extensions import db
from tests.web.test_catalogue_pages import count_queries

HEADER = "category_code;designation;serial_number;uuid;device_id;asset_tag;site;ram_mb;storage;os_name"


def _csv(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def _count(model, **where):
    stmt = select(func.count()).select_from(model)
    for key, value in where.items():
        stmt = stmt.where(getattr(model, key) == value)
    return db.session.scalar(stmt)


def _events(asset_id, kind="inventory_update"):
    return db.session.scalars(select(AssetEvent).where(AssetEvent.asset_id == asset_id,
                                                       AssetEvent.kind == kind)).all()


@pytest.fixture
def fleet(make_member, make_asset):
    """A member's laptop with a serial, one known by its UUID, one by its agent's DEVICEID; another member's."""
    member, other = make_member(), make_member()
    by_serial = make_asset(member, serial_number="SER-1", designation="Portable A", site="Mairie")
    by_uuid = make_asset(member, designation="Portable B")
    by_device = make_asset(member, designation="Portable C")
    foreign = make_asset(other, serial_number="SER-OTHER", designation="Portable X")
    hardware.write({by_uuid.id: {"uuid": "aaaa-1111"}, by_device.id: {"device_id": "poste-c-2026"},
                    foreign.id: {"uuid": "ffff-9999", "device_id": "poste-x-2026"}}, source="import")
    return dict(member=member, other=other, serial=by_serial, uuid=by_uuid, device=by_device, foreign=foreign)


@pytest.mark.parametrize("key, row", [
    ("serial", "laptop;Portable A bis;SER-1;;;;;;;"),
    ("uuid", "laptop;Portable B bis;;AAAA-1111;;;;;;"),  # the UUID is compared in lower case
    ("device", "laptop;Portable C bis;;;poste-c-2026;;;;;"),
])
def test_each_key_matches_and_updates(fleet, key, row):
    asset = fleet[key]
    old = asset.designation
    before = _count(Asset, member_id=fleet["member"].id)
    report = imports.run_import("parc.csv", _csv(row), fleet["member"].id, None, dry_run=False)
    assert report.ok, report.errors
    assert (report.imported, report.updated) == (0, 1)
    assert _count(Asset, member_id=fleet["member"].id) == before
    db.session.expire_all()
    assert db.session.get(Asset, asset.id).designation == old + " bis"
    [change] = _events(asset.id)
    assert change.details["changes"]["designation"] == [old, old + " bis"]


def test_the_asset_tag_matches_last(fleet):
    asset = fleet["serial"]
    report = imports.run_import("parc.csv", _csv(f"laptop;Portable A;;;;{asset.tag.lower()};École;;;"),
                                fleet["member"].id, None, dry_run=True)
    assert report.ok and report.plan.matched_by == {2: (asset.id, "asset_tag")}
    assert report.plan.update[0].changes == {"site": ["Mairie", "École"]}


def test_keys_are_tried_in_order_serial_first(fleet):
    """A row whose serial names one asset and whose UUID another: the serial wins."""
    plan = imports.run_import("parc.csv", _csv("laptop;Portable A;SER-1;aaaa-1111;poste-c-2026;;;;;"),
                              fleet["member"].id, None, dry_run=True).plan
    assert plan.matched_by == {2: (fleet["serial"].id, "serial_number")}
    plan = imports.run_import("parc.csv", _csv("laptop;Portable B;;aaaa-1111;poste-c-2026;;;;;"),
                              fleet["member"].id, None, dry_run=True).plan
    assert plan.matched_by == {2: (fleet["uuid"].id, "uuid")}


@pytest.mark.parametrize("row, column", [
    ("laptop;Portable X;SER-OTHER;;;;;;;", "serial_number"),
    ("laptop;Portable X;;FFFF-9999;;;;;;", "uuid"),
    ("laptop;Portable X;;;poste-x-2026;;;;;", "device_id"),
])
def test_another_members_identifier_is_refused_and_nothing_written(fleet, row, column):
    member = fleet["member"]
    rows = _csv("laptop;Nouveau;SER-NEW;;;;;;;", row)
    before = (_count(Asset), _count(AssetEvent))
    report = imports.run_import("parc.csv", rows, member.id, None, dry_run=False)
    [error] = report.errors
    assert (error.row, error.column) == (3, column)
    assert "autre adhérent" in error.reason and "jamais transféré" in error.reason
    assert (_count(Asset), _count(AssetEvent)) == before  # all or nothing: the good row is not written either
    db.session.expire_all()
    assert db.session.get(Asset, fleet["foreign"].id).member_id == fleet["other"].id


def test_a_second_import_of_the_same_file_is_unchanged(make_member):
    member = make_member()
    data = _csv("laptop;PC 1;S-1;;;;Mairie;8192;ssd:256;Windows 10 Pro",
                "desktop;PC 2;S-2;;;;École;4096;hdd:500;Windows 11 Famille")
    first = imports.run_import("parc.csv", data, member.id, None, dry_run=False)
    assert first.ok and first.plan.counts()["created"] == 2
    events = _count(AssetEvent)
    second = imports.run_import("parc.csv", data, member.id, None, dry_run=False)
    assert second.plan.counts() == {"created": 0, "updated": 0, "unchanged": 2, "errors": 0, "absent": 0}
    assert _count(Asset, member_id=member.id) == 2 and _count(AssetEvent) == events


def test_hardware_changes_are_updates_with_their_event(make_member):
    member = make_member()
    imports.run_import("parc.csv", _csv("laptop;PC 1;S-1;;;;Mairie;4096;hdd:500;Windows 10 Pro"), member.id, None,
                       dry_run=False)
    report = imports.run_import("parc.csv", _csv("laptop;PC 1;S-1;;;;;8192;ssd:480;Windows 10 Pro"), member.id, None,
                                dry_run=False)
    [update] = report.plan.update
    assert update.changes == {"ram_mb": [4096, 8192], "storage": ["hdd:500", "ssd:480"]}  # empty site: not erased
    asset = db.session.scalars(select(Asset).where(Asset.serial_number == "S-1")).one()
    assert asset.site.name == "Mairie"
    assert (asset.hardware.ram_mb, asset.hardware.has_hdd, [s.type for s in asset.hardware.storages]) == (
        8192, False, ["ssd"])
    [change] = _events(asset.id)
    assert change.details["changes"]["ram_mb"] == [4096, 8192] and change.details["file"] == "parc.csv"


def test_two_rows_for_one_asset_are_refused(fleet):
    report = imports.run_import("parc.csv", _csv("laptop;A;SER-1;;;;;;;", f"laptop;A;;;;{fleet['serial'].tag};;;;"),
                                fleet["member"].id, None, dry_run=True)
    [error] = report.errors
    assert error.row == 3 and "ligne 2" in error.reason


def test_a_full_reimport_lists_the_absent_assets_without_deleting_them(fleet):
    member = fleet["member"]
    report = imports.run_import("parc.csv", _csv("laptop;Portable A;SER-1;;;;;;;", "laptop;Portable B;;aaaa-1111;;;;;;"),
                                member.id, None, dry_run=False, full=True)
    assert report.ok
    assert [a.id for a in report.plan.absent] == [fleet["device"].id]
    assert report.plan.counts()["absent"] == 1
    assert _count(Asset, member_id=member.id) == 3
    db.session.expire_all()
    assert db.session.get(Asset, fleet["device"].id).status != "retired"
    partial = imports.run_import("parc.csv", _csv("laptop;Portable A;SER-1;;;;;;;"), member.id, None, dry_run=True)
    assert partial.plan.absent == []


def test_matching_runs_one_query_per_key_not_per_row(make_member):
    member = make_member()
    rows = [dict(line=n + 2, serial_number=f"Q-{n}", uuid=f"u-{n}", device_id=f"d-{n}", asset_tag=f"SDN-1999-{n:06d}",
                 hardware={}, given=set()) for n in range(300)]
    with count_queries() as statements:
        plan = matching.plan_import(member.id, rows, full=True)
    assert len(plan.create) == 300
    assert len(statements) <= 5, statements  # serial, UUID, DEVICEID, tag, and the member's assets


def test_the_timeline_shows_the_changes(browser, make_member, make_user):
    member = make_member()
    make_user(member=member, email="sec-match@test.local")
    imports.run_import("parc.csv", _csv("laptop;PC 1;S-9;;;;Mairie;4096;;"), member.id, None, dry_run=False)
    report = imports.run_import("parc.csv", _csv("laptop;PC 1;S-9;;;;Annexe;16384;;"), member.id, None, dry_run=False)
    assert report.new_sites == ["Annexe"]  # an unknown site joins the member's address book
    again = imports.run_import("parc.csv", _csv("laptop;PC 1;S-9;;;;ANNEXE;16384;;"), member.id, None, dry_run=True)
    assert again.plan.counts()["unchanged"] == 1  # the same site written another way
    asset = db.session.scalars(select(Asset).where(Asset.serial_number == "S-9")).one()
    db.session.refresh(asset)
    assert asset.site_name == "Annexe"
    browser.login("sec-match@test.local")
    html = browser.get(f"/lifecycle/assets/{asset.id}").get_data(as_text=True)
    assert "Mis à jour par un inventaire" in html
    assert "Site : Mairie → Annexe" in html and "Mémoire vive (Mo) : 4096 → 16384" in html
    assert "16,0 Go" in html or "16.0 Go" in html


def test_bad_hardware_values_are_row_errors(make_member):
    member = make_member()
    data = ("category_code;designation;ram_mb;storage;battery_health_pct;screen_inches;last_inventory_dt\n"
            "laptop;A;beaucoup;ssd:256;80;14;2026-11-30\n"
            "laptop;B;8192;ssd=abc;150;14,0;30/11/2026\n"
            "laptop;C;8 192;nvme:512;80 %;0;hier\n").encode()
    report = imports.run_import("parc.csv", data, member.id, None, dry_run=True)
    assert [(e.row, e.column) for e in report.errors] == [
        (2, "ram_mb"), (3, "storage"), (3, "battery_health_pct"), (4, "screen_inches"), (4, "last_inventory_dt")]
    assert "beaucoup" in report.errors[0].reason and "type:taille" in report.errors[1].reason
