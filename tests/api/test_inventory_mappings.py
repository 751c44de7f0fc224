"""``/api/v1/inventory-mappings``: a member's saved mappings, scoped; changed with the import form's checks; the
next import uses the changed mapping; deleted, the next import proposes afresh."""
from __future__ import annotations

from sqlalchemy import select

from lifecycle.assets.models import Asset
from lifecycle.imports import services as imports
from purchasing.extensions import db
from tests.lifecycle import inventory_files as files

HEADERS = ["Type", "Lieu", "Remarque", "Désignation"]


def _put(api, url, body):
    return api.client.put(url, json=body, headers=api.headers())


def test_list_read_update_delete_within_the_member(api, actx, world):
    secretary = api.as_(actx["tokens"]["secretary"])
    mine, theirs = world["mapping_a"], world["mapping_b"]
    listed = secretary.get("/api/v1/inventory-mappings").get_json()
    assert [m["id"] for m in listed["items"]] == [mine.id] and listed["total"] == 1
    assert secretary.get("/api/v1/inventory-mappings?kind=glpi_csv").get_json()["total"] == 0
    one = secretary.get(f"/api/v1/inventory-mappings/{mine.id}").get_json()
    assert one["kind"] == "spreadsheet" and one["headers"] == HEADERS
    assert one["columns"] == {"Type": "category_code", "Lieu": "site", "Remarque": "", "Désignation": "designation"}
    assert secretary.get(f"/api/v1/inventory-mappings/{theirs.id}").status_code == 404
    admin = api.as_(actx["tokens"]["admin"])
    assert admin.get("/api/v1/inventory-mappings").get_json()["total"] == 2

    url = f"/api/v1/inventory-mappings/{mine.id}"
    answer = _put(secretary, url, {"columns": {"Type": "category_code", "Lieu": "site", "Remarque": "assigned_to",
                                               "Désignation": "designation"},
                                   "values": {"category_code": {"Bécane": "laptop"}}})
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["columns"]["Remarque"] == "assigned_to"
    assert answer.get_json()["values"] == {"category_code": {"becane": "laptop"}}
    # the next import of a file with these headers uses it
    data = files.csv_bytes([HEADERS, ["Bécane", "Mairie", "Accueil", "PC"]])
    db.session.expire_all()  # changed by the API's request
    report = imports.run_import("x.csv", data, actx["member_a"].id, None, dry_run=False)
    assert report.ok, report.errors
    asset = db.session.scalars(select(Asset).where(Asset.member_id == actx["member_a"].id,
                                                   Asset.assigned_to == "Accueil")).one()
    assert asset.category.code == "laptop" and asset.site.name == "Mairie"

    assert secretary.client.delete(url, headers=secretary.headers()).status_code == 204
    assert secretary.get(url).status_code == 404
    assert secretary.client.delete(f"/api/v1/inventory-mappings/{theirs.id}",
                                   headers=secretary.headers()).status_code == 404
    assert admin.get(f"/api/v1/inventory-mappings/{theirs.id}").status_code == 200


def test_a_bad_update_is_refused_with_its_code_and_changes_nothing(api, actx, world):
    secretary = api.as_(actx["tokens"]["secretary"])
    url = f"/api/v1/inventory-mappings/{world['mapping_a'].id}"
    for body, code in (({"columns": {"Absente": "site"}}, "unknown_header"),
                       ({"columns": {"Type": "shoe_size"}}, "unknown_target"),
                       ({"columns": {"Type": "site", "Lieu": "site"}}, "duplicate_target"),
                       ({"values": {"status": {"En service": "vendu"}}}, "unknown_value")):
        answer = _put(secretary, url, body)
        assert answer.status_code == 409 and answer.get_json()["code"] == code, (body, answer.get_json())
    assert secretary.get(url).get_json()["columns"] == {"Type": "category_code", "Lieu": "site", "Remarque": "",
                                                        "Désignation": "designation"}
    answer = _put(secretary, url, {"values": {"price": {"x": "y"}}})
    assert answer.status_code == 422
