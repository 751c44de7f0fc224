"""Job pages, downloads and the jobs API, with the suite's jobs run at once (JOBS_IMMEDIATE): scoping both ways
(a member's jobs to its users only, staff jobs to staff only), results, row errors, idempotency.

The queue itself, with real consumer processes, is tested in test_consumer.py (SQLite) and test_redis.py."""
from __future__ import annotations

import base64
import io

import openpyxl
import pytest

from tests.jobs.live import inventory_csv


@pytest.fixture
def people(make_member, make_user):
    member_a, member_b = make_member(name="Commune Aval"), make_member(name="Commune Bourg")
    return {"member_a": member_a, "member_b": member_b,
            "a": make_user(member=member_a, email="sec@a.jobs"), "a2": make_user(role="approver", member=member_a,
                                                                                email="maire@a.jobs"),
            "b": make_user(member=member_b, email="sec@b.jobs"),
            "officer": make_user(role="purchasing_officer", email="achats@s.jobs"),
            "durability": make_user(role="sustainability_officer", email="durabilite@s.jobs")}


def _as(client, email):
    """A browser of its own (its own cookies), each request in its own app context as in production."""
    from tests.conftest import Browser, FreshContextClient

    client = FreshContextClient(client.application, client.response_wrapper, use_cookies=True)
    browser = Browser(client)
    browser.login(email)
    return browser


def _job_id(response) -> int:
    assert response.status_code == 303, response.get_data(as_text=True)[:1500]
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_a_member_report_export_is_a_job_of_that_member_only(app, people):
    a = _as(app.test_client(), "sec@a.jobs")
    member_a = people["member_a"].id
    job_id = _job_id(a.post_form(f"/jobs/reports/sustainability?scope=member&id={member_a}&year=2025",
                                 {"fmt": "xlsx"}, page="/jobs/"))
    page = a.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "Terminée" in page and "rapport-durabilite-member-" in page
    download = a.get(f"/jobs/{job_id}/result")
    assert download.status_code == 200 and download.headers["Cache-Control"] == "no-store"
    assert download.headers["Content-Disposition"] == f'attachment; filename="rapport-durabilite-member-{member_a}-2025.xlsx"'
    assert openpyxl.load_workbook(io.BytesIO(download.data)).sheetnames
    # another user of the same member sees it and downloads it
    approver = _as(app.test_client(), "maire@a.jobs")
    assert approver.get(f"/jobs/{job_id}/result").status_code == 200
    assert f"/jobs/{job_id}" in approver.get("/jobs/").get_data(as_text=True)
    # another member's user and staff: 404 everywhere, absent from their list
    for email in ("sec@b.jobs", "achats@s.jobs"):
        other = _as(app.test_client(), email)
        for suffix in ("", "/status", "/result"):
            assert other.get(f"/jobs/{job_id}{suffix}").status_code == 404, (email, suffix)
        assert f"/jobs/{job_id}" not in other.get("/jobs/").get_data(as_text=True)


def test_a_staff_territory_export_is_seen_by_staff_only(app, people):
    officer = _as(app.test_client(), "durabilite@s.jobs")
    job_id = _job_id(officer.post_form("/jobs/reports/sustainability?scope=territory&year=2025", {"fmt": "csv"},
                                       page="/jobs/"))
    download = officer.get(f"/jobs/{job_id}/result")
    assert download.mimetype == "text/csv" and download.data.startswith("\ufeff".encode())
    assert _as(app.test_client(), "achats@s.jobs").get(f"/jobs/{job_id}").status_code == 200
    assert _as(app.test_client(), "sec@a.jobs").get(f"/jobs/{job_id}/result").status_code == 404
    # a member user cannot start a territory export (the report's own rule)
    refused = _as(app.test_client(), "sec@a.jobs").post_form("/jobs/reports/sustainability?scope=territory&year=2025",
                                                            {"fmt": "csv"}, page="/jobs/")
    assert refused.status_code == 403


def test_the_territory_report_page_offers_the_job_and_the_member_page_the_direct_file(app, people):
    officer = _as(app.test_client(), "durabilite@s.jobs")
    html = officer.get("/reports/sustainability?scope=territory&year=2025").get_data(as_text=True)
    assert 'action="/jobs/reports/sustainability?scope=territory&amp;year=2025"' in html
    assert "Préparer le tableur (XLSX)" in html and "/reports/sustainability.xlsx" not in html
    member = _as(app.test_client(), "sec@a.jobs").get("/reports/sustainability").get_data(as_text=True)
    assert "/reports/sustainability.xlsx" in member


def test_orders_export_runs_as_a_job(app, people):
    a = _as(app.test_client(), "sec@a.jobs")
    job_id = _job_id(a.post_form("/jobs/orders-export", {"fmt": "csv", "member": str(people["member_b"].id)},
                                 page="/orders/export"))
    download = a.get(f"/jobs/{job_id}/result")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert download.data.decode("utf-8-sig").startswith("Commande;Adhérent;Statut")
    bad = a.post_form("/jobs/orders-export", {"fmt": "pdf"}, page="/orders/export")
    assert bad.status_code == 422


def test_an_import_above_the_threshold_becomes_a_job_and_a_small_one_does_not(app, people, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_IMPORT_ROW_THRESHOLD", 10)
    a = _as(app.test_client(), "sec@a.jobs")
    small = a.post_form("/lifecycle/import", {"file": (io.BytesIO(inventory_csv(10, "SMALL")), "petit.csv")},
                        content_type="multipart/form-data")
    assert small.status_code == 302 and small.headers["Location"].endswith("/lifecycle/")
    data = inventory_csv(11, "BIG")
    job_id = _job_id(a.post_form("/lifecycle/import", {"file": (io.BytesIO(data), "grand.csv")},
                                 content_type="multipart/form-data"))
    page = a.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "11 équipements importés." in page
    # the same file sent again for the same member: the same job, nothing imported twice
    assert _job_id(a.post_form("/lifecycle/import", {"file": (io.BytesIO(data), "grand.csv")},
                               content_type="multipart/form-data")) == job_id
    assert _assets(people["member_a"].id) == 21


def _assets(member_id):
    from sqlalchemy import func, select

    from lifecycle.assets.models import Asset
    from purchasing.extensions import db

    return db.session.scalar(select(func.count()).select_from(Asset).where(Asset.member_id == member_id))


def test_a_job_with_row_errors_fails_with_its_reason_and_lists_them(app, people, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_IMPORT_ROW_THRESHOLD", 10)
    a = _as(app.test_client(), "sec@a.jobs")
    job_id = _job_id(a.post_form("/lifecycle/import",
                                 {"file": (io.BytesIO(inventory_csv(20, "ERR", bad_rows=(3,))), "erreurs.csv")},
                                 content_type="multipart/form-data"))
    page = a.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "En échec" in page and "Le fichier contient 1 erreur(s)" in page
    assert "Code de catégorie inconnu « grille-pain »." in page
    assert a.get(f"/jobs/{job_id}/result").status_code == 404  # no file
    assert _assets(people["member_a"].id) == 0


def test_a_label_sheet_of_another_members_assets_is_refused(app, people):
    from sqlalchemy import select

    from lifecycle.assets import services
    from purchasing.catalogue.models import Category
    from purchasing.extensions import db

    laptop = db.session.scalars(select(Category).where(Category.code == "laptop")).one()
    theirs = [services.create_asset(member_id=people["member_b"].id, category=laptop, designation="PC")
              for _ in range(25)]
    a = _as(app.test_client(), "sec@a.jobs")
    # refused before any job is created (the sheet holds the user's own assets only)
    refused = a.post_form("/jobs/labels", {"ids": [str(x.id) for x in theirs]}, page="/jobs/")
    assert refused.status_code == 302 and refused.headers["Location"].endswith("/lifecycle/")
    assert "Aucun de ces équipements n&#39;est dans votre inventaire." in a.get("/lifecycle/").get_data(as_text=True)
    assert "Planche de 25" not in a.get("/jobs/").get_data(as_text=True)


def test_the_jobs_api_starts_an_import_and_an_export_and_scopes_them(app, people, client):
    from purchasing.api.services import issue_token

    token_a = issue_token(people["a"], "t")[1]
    token_b = issue_token(people["b"], "t")[1]
    auth = lambda token: {"Authorization": f"Bearer {token}"}  # noqa: E731
    data = inventory_csv(30, "API")
    response = client.post("/api/v1/jobs/inventory-import", headers=auth(token_a),
                           json={"filename": "api.csv", "content_base64": base64.b64encode(data).decode()})
    assert response.status_code == 202, response.get_json()
    job = response.get_json()
    assert job["kind"] == "inventory_import" and job["progress_total"] == 30
    state = client.get(f"/api/v1/jobs/{job['id']}", headers=auth(token_a)).get_json()
    assert state["status"] == "done" and state["result"]["imported"] == 30
    assert state["progress_text"] == "30 lignes sur 30"
    assert client.get(f"/api/v1/jobs/{job['id']}", headers=auth(token_b)).status_code == 404
    assert client.get(f"/api/v1/jobs/{job['id']}/result", headers=auth(token_a)).status_code == 404  # no file
    listed = client.get("/api/v1/jobs?status=done", headers=auth(token_a)).get_json()
    assert [item["id"] for item in listed["items"]] == [job["id"]]
    assert client.get("/api/v1/jobs", headers=auth(token_b)).get_json()["total"] == 0

    export = client.post("/api/v1/jobs/report-export", headers=auth(token_a),
                         json={"year": 2025, "format": "xlsx"}).get_json()
    download = client.get(f"/api/v1/jobs/{export['id']}/result", headers=auth(token_a))
    assert download.status_code == 200
    assert download.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert client.get(f"/api/v1/jobs/{export['id']}/result", headers=auth(token_b)).status_code == 404
    # a member user cannot export another member's report
    refused = client.post("/api/v1/jobs/report-export", headers=auth(token_a),
                          json={"scope": "member", "id": people["member_b"].id})
    assert refused.status_code == 404
    bad = client.post("/api/v1/jobs/inventory-import", headers=auth(token_a),
                      json={"filename": "api.csv", "content_base64": "pas du base64 !"})
    assert bad.status_code == 409 and bad.get_json()["code"] == "bad_base64"
    # JSON Schema's integers include 2025.0 (what a generic client may send): accepted as 2025
    integral = client.post("/api/v1/jobs/report-export", headers=auth(token_a),
                           json={"year": 2025.0, "id": float(people["member_a"].id), "scope": "member"})
    assert integral.status_code == 202, integral.get_json()
    assert client.post("/api/v1/jobs/report-export", headers=auth(token_a),
                       json={"year": 2025.5}).status_code == 422


def test_a_rolled_back_start_queues_nothing(app, people):
    from sqlalchemy import select

    from lifecycle.assets import services
    from purchasing.catalogue.models import Category
    from purchasing.extensions import db
    from purchasing.jobs import kinds
    from purchasing.jobs.models import Job

    laptop = db.session.scalars(select(Category).where(Category.code == "laptop")).one()
    asset = services.create_asset(member_id=people["a"].member_id, category=laptop, designation="PC")
    job = kinds.start_label_sheet(people["a"], [asset.id])
    job_id = job.id
    db.session.rollback()
    assert db.session.get(Job, job_id) is None
    assert "jobs_to_enqueue" not in db.session.info


def test_a_long_price_list_is_imported_by_a_job_with_its_rows(app, people, monkeypatch):
    from datetime import timedelta

    from sqlalchemy import select

    from purchasing.db_types import utcnow
    from purchasing.extensions import db
    from purchasing.tenders import services
    from purchasing.tenders.models import Bid
    from tests.tender_helpers import line, make_supplier, make_tender, price_list_csv

    monkeypatch.setitem(app.config, "JOBS_IMPORT_ROW_THRESHOLD", 10)
    now = utcnow()
    tender = make_tender("AO-JOB", publication=now.date(), deadline=now + timedelta(days=10))
    services.change_tender_status(tender, "published", None, now=now)
    supplier = make_supplier("Bordereau SA")
    db.session.commit()
    lot_id = tender.lots[0].id
    content = price_list_csv([line(f"J{n}", "10") for n in range(12)])
    officer = _as(app.test_client(), "achats@s.jobs")
    job_id = _job_id(officer.post_form(f"/tenders/lots/{lot_id}/bids/new",
                                       {"supplier_id": str(supplier.id), "price_list": (io.BytesIO(content), "p.csv")},
                                       content_type="multipart/form-data"))
    page = officer.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "Offre reçue : 12 lignes importées." in page and f'href="/tenders/{tender.id}"' in page
    assert db.session.scalar(select(Bid.line_count).where(Bid.supplier_id == supplier.id)) == 12
    # a member's user never sees it
    assert _as(app.test_client(), "sec@a.jobs").get(f"/jobs/{job_id}").status_code == 404
