"""``/api/v1/documents``: multipart upload, list, download; the web's scoping and rules; the API's error shapes."""
from __future__ import annotations

import hashlib
import io
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from purchasing.documents.models import Document
from purchasing.extensions import db
from tests.documents.files import PDF, TEXT, docx, stored_files


@pytest.fixture
def tokens(dw):
    from purchasing.api.services import issue_token

    return {name: issue_token(dw[name], "test")[1] for name in ("secretary_a", "secretary_b", "officer",
                                                                 "sustainability")}


def _auth(token):
    return {"Authorization": f"Bearer {token}"}


def _post(client, token, owner_kind, owner_id, kind, name, content, **extra):
    data = {"owner_kind": owner_kind, "owner_id": str(owner_id), "kind": kind, "file": (io.BytesIO(content), name),
            **extra}
    return client.post("/api/v1/documents", data=data, headers=_auth(token), content_type="multipart/form-data")


def test_upload_list_and_download_round_trip(client, dw, tokens):
    content = docx()
    response = _post(client, tokens["secretary_a"], "asset", dw["asset_a"].id, "repair_report", "rapport.docx",
                     content)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["sha256"] == hashlib.sha256(content).hexdigest() and body["size_bytes"] == len(content)
    assert body["content_type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert (body["owner_kind"], body["owner_id"], body["member_id"]) == ("asset", dw["asset_a"].id,
                                                                         dw["member_a"].id)
    listing = client.get(f"/api/v1/documents?owner_kind=asset&owner_id={dw['asset_a'].id}",
                         headers=_auth(tokens["secretary_a"])).get_json()
    assert [d["id"] for d in listing["items"]] == [body["id"]] and listing["total"] == 1
    download = client.get(f"/api/v1/documents/{body['id']}/content", headers=_auth(tokens["secretary_a"]))
    assert download.status_code == 200 and hashlib.sha256(download.data).hexdigest() == body["sha256"]
    assert download.headers["Content-Disposition"] == 'attachment; filename="rapport.docx"; ' \
                                                      "filename*=UTF-8''rapport.docx"
    assert download.headers["Cache-Control"] == "no-store"
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_another_members_documents_are_404(client, dw, tokens):
    created = _post(client, tokens["secretary_b"], "order", dw["order_b"].id, "invoice", "b.pdf", PDF).get_json()
    headers = _auth(tokens["secretary_a"])
    for url in (f"/api/v1/documents/{created['id']}/content",
                f"/api/v1/documents?owner_kind=order&owner_id={dw['order_b'].id}"):
        response = client.get(url, headers=headers)
        assert response.status_code == 404 and response.mimetype == "application/problem+json", url
    response = _post(client, tokens["secretary_a"], "order", dw["order_b"].id, "invoice", "a.pdf", PDF)
    assert response.status_code == 404
    assert client.get(f"/api/v1/documents/{created['id']}/content",
                      headers=_auth(tokens["officer"])).status_code == 200


def test_a_file_whose_content_is_not_its_name_is_a_409_and_nothing_is_written(client, dw, tokens, storage_root):
    before_files, before_rows = stored_files(storage_root), db.session.scalar(select(func.count(Document.id)))
    response = _post(client, tokens["secretary_a"], "order", dw["order_a"].id, "invoice", "facture.pdf", TEXT)
    assert response.status_code == 409 and response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["code"] == "document_type_refused" and problem["details"]["detected"] == "text"
    assert "ne correspond pas à son extension « .pdf »" in problem["detail"]
    assert stored_files(storage_root) == before_files
    assert db.session.scalar(select(func.count(Document.id))) == before_rows


def test_size_limit_is_a_413(client, dw, tokens, app, monkeypatch, storage_root):
    monkeypatch.setitem(app.config, "DOCUMENT_MAX_BYTES", 100)
    before = stored_files(storage_root)
    response = _post(client, tokens["secretary_a"], "order", dw["order_a"].id, "invoice", "f.pdf", PDF + b"x" * 100)
    assert response.status_code == 413 and response.get_json()["code"] == "document_too_large"
    assert stored_files(storage_root) == before


def test_schema_errors_are_422_and_json_is_415(client, dw, tokens):
    headers = _auth(tokens["secretary_a"])
    response = client.post("/api/v1/documents", data={"owner_kind": "planet", "owner_id": "x", "kind": "invoice"},
                           headers=headers, content_type="multipart/form-data")
    assert response.status_code == 422
    assert {e["field"] for e in response.get_json()["errors"]} == {"owner_kind", "owner_id", "file"}
    assert client.post("/api/v1/documents", json={"owner_kind": "order"}, headers=headers).status_code == 415
    response = client.get("/api/v1/documents?owner_kind=order", headers=headers)
    assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == "owner_id"


def test_roles_per_owner_kind(client, dw, tokens):
    # member users do not reach syndicate-level owners; the sustainability officer attaches nothing to orders
    assert _post(client, tokens["secretary_a"], "tender", dw["tender"].id, "dce_piece", "dce.pdf",
                 PDF).status_code == 403
    assert client.get(f"/api/v1/documents?owner_kind=contract&owner_id={dw['contract'].id}",
                      headers=_auth(tokens["secretary_a"])).status_code == 403
    assert _post(client, tokens["sustainability"], "order", dw["order_a"].id, "invoice", "f.pdf",
                 PDF).status_code == 403
    response = _post(client, tokens["officer"], "tender", dw["tender"].id, "dce_piece", "reglement.pdf", PDF)
    assert response.status_code == 201 and response.get_json()["member_id"] is None


def test_sealed_bid_documents_until_the_deadline(client, dw, tokens):
    headers = _auth(tokens["officer"])
    created = _post(client, tokens["officer"], "bid", dw["bid"].id, "bid_document", "offre.pdf", PDF)
    assert created.status_code == 201
    document_id = created.get_json()["id"]
    listing = client.get(f"/api/v1/documents?owner_kind=bid&owner_id={dw['bid'].id}", headers=headers)
    assert listing.status_code == 403 and listing.get_json()["code"] == "bids_sealed"
    content = client.get(f"/api/v1/documents/{document_id}/content", headers=headers)
    assert content.status_code == 403 and content.get_json()["code"] == "bids_sealed"

    dw["tender"].bid_deadline = datetime.now(timezone.utc) - timedelta(seconds=1)
    db.session.flush()
    listing = client.get(f"/api/v1/documents?owner_kind=bid&owner_id={dw['bid'].id}", headers=headers)
    assert listing.status_code == 200 and [d["id"] for d in listing.get_json()["items"]] == [document_id]
    assert client.get(f"/api/v1/documents/{document_id}/content", headers=headers).data == PDF
    late = _post(client, tokens["officer"], "bid", dw["bid"].id, "bid_document", "tard.pdf", PDF)
    assert late.status_code == 409 and late.get_json()["code"] == "bid_documents_closed"


def test_the_operations_are_in_the_openapi_document(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    upload = doc["paths"]["/api/v1/documents"]["post"]
    body = upload["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert set(body["required"]) == {"owner_kind", "owner_id", "kind", "file"}
    assert body["properties"]["file"] == {"type": "string", "contentMediaType": "application/octet-stream"}
    assert {"201", "401", "403", "404", "409", "413", "415", "422"} <= set(upload["responses"])
    assert {p["name"] for p in doc["paths"]["/api/v1/documents"]["get"]["parameters"]} >= {"owner_kind", "owner_id"}
    content = doc["paths"]["/api/v1/documents/{document_id}/content"]["get"]["responses"]["200"]["content"]
    assert "application/pdf" in content and "text/csv" in content


def test_a_file_part_without_a_file_name_is_refused_as_an_untyped_file(client, dw, tokens):
    response = client.post("/api/v1/documents", headers=_auth(tokens["secretary_a"]),
                           content_type="multipart/form-data",
                           data={"owner_kind": "order", "owner_id": str(dw["order_a"].id), "kind": "invoice",
                                 "file": "%PDF-1.4 du texte"})
    assert response.status_code == 409 and response.get_json()["code"] == "document_type_refused"
