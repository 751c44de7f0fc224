"""Attachments on the pages: upload, list, download, delete, with the owner's scope and the tender rules."""
from __future__ import annotations

import hashlib
import io
import re
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

from sqlalchemy import func, select

from purchasing.documents.models import Document
from purchasing.extensions import db
from tests.documents.files import PDF, PNG, TEXT, stored_files, xlsx


def _login(browser, email):
    browser.login(email)


def _upload(browser, page, owner_kind, owner_id, kind, name, content, **kw):
    return browser.post_form("/documents/", {"owner_kind": owner_kind, "owner_id": str(owner_id), "kind": kind,
                                              "file": (io.BytesIO(content), name)}, page=page, **kw)


def _documents(owner_kind, owner_id):
    return list(db.session.scalars(select(Document).where(Document.owner_kind == owner_kind,
                                                          Document.owner_id == owner_id).order_by(Document.id)))


def _download_links(html):
    return re.findall(r'href="(/documents/\d+)"', html)


def test_upload_list_and_download_round_trip_on_an_order(browser, dw, storage_root):
    _login(browser, "secretary@a.test")
    page = f"/orders/{dw['order_a'].id}"
    before = stored_files(storage_root)
    content = PDF + b"% facture " + "é".encode() * 100
    response = _upload(browser, page, "order", dw["order_a"].id, "invoice", "Facture n°12 été.pdf", content)
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"{page}#documents-order-{dw['order_a'].id}")
    [document] = _documents("order", dw["order_a"].id)
    assert (document.original_name, document.content_type, document.size_bytes) == (
        "Facture n°12 été.pdf", "application/pdf", len(content))
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.member_id == dw["member_a"].id and document.uploaded_by_id == dw["secretary_a"].id
    assert stored_files(storage_root) - before == {document.storage_key}

    html = browser.get(page).get_data(as_text=True)
    assert "Facture n°12 été.pdf" in html and f"/documents/{document.id}" in _download_links(html)
    download = browser.get(f"/documents/{document.id}")
    assert download.status_code == 200
    assert hashlib.sha256(download.data).hexdigest() == document.sha256
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"] == (
        "attachment; filename=\"Facture n12 ete.pdf\"; filename*=UTF-8''" + quote("Facture n°12 été.pdf", safe=""))
    assert download.headers["Cache-Control"] == "no-store"
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_another_members_attachment_is_404_and_not_listed(browser, dw):
    _login(browser, "secretary@b.test")
    _upload(browser, f"/lifecycle/assets/{dw['asset_b'].id}", "asset", dw["asset_b"].id, "invoice", "b.pdf", PDF)
    [document_b] = _documents("asset", dw["asset_b"].id)
    browser.logout()
    _login(browser, "secretary@a.test")
    assert browser.get(f"/documents/{document_b.id}").status_code == 404
    assert browser.post_form(f"/documents/{document_b.id}/delete", page="/").status_code == 404
    # uploading onto another member's object: 404, nothing written
    response = _upload(browser, "/", "asset", dw["asset_b"].id, "invoice", "intrus.pdf", PDF)
    assert response.status_code == 404
    assert len(_documents("asset", dw["asset_b"].id)) == 1
    browser.logout()
    _login(browser, "officer@s.test")  # staff read every member's documents
    assert browser.get(f"/documents/{document_b.id}").status_code == 200


def test_a_pdf_named_text_file_is_refused_and_nothing_is_written(browser, dw, storage_root):
    _login(browser, "secretary@a.test")
    page = f"/lifecycle/assets/{dw['asset_a'].id}"
    before_files, before_rows = stored_files(storage_root), db.session.scalar(select(func.count(Document.id)))
    response = _upload(browser, page, "asset", dw["asset_a"].id, "invoice", "facture.pdf", TEXT)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Le contenu du fichier « facture.pdf » ne correspond pas à son extension « .pdf » : c&#39;est du texte." \
           in html
    assert f'href="{page}#documents-asset-{dw["asset_a"].id}"' in html
    assert stored_files(storage_root) == before_files
    assert db.session.scalar(select(func.count(Document.id))) == before_rows


def test_the_size_limit_refuses_a_larger_file_and_writes_nothing(browser, dw, app, storage_root, monkeypatch):
    monkeypatch.setitem(app.config, "DOCUMENT_MAX_BYTES", 1024)
    _login(browser, "secretary@a.test")
    page = f"/orders/{dw['order_a'].id}"
    before = stored_files(storage_root)
    response = _upload(browser, page, "order", dw["order_a"].id, "invoice", "gros.pdf", PDF + b"0" * 1024)
    assert response.status_code == 413
    assert "dépasse la taille autorisée" in response.get_data(as_text=True)
    assert _documents("order", dw["order_a"].id) == [] and stored_files(storage_root) == before
    exact = PDF + b"0" * (1024 - len(PDF))
    assert _upload(browser, page, "order", dw["order_a"].id, "invoice", "juste.pdf", exact).status_code == 302


def test_a_kind_that_does_not_belong_to_the_owner_is_refused(browser, dw):
    _login(browser, "secretary@a.test")
    response = _upload(browser, f"/orders/{dw['order_a'].id}", "order", dw["order_a"].id, "dce_piece", "x.pdf", PDF)
    assert response.status_code == 422 and _documents("order", dw["order_a"].id) == []


def test_roles_per_owner_kind(browser, dw):
    # a sustainability officer reads orders but attaches nothing to them
    _login(browser, "sustainability@s.test")
    page = f"/orders/{dw['order_a'].id}"
    assert 'action="/documents/"' not in browser.get(page).get_data(as_text=True)
    assert _upload(browser, page, "order", dw["order_a"].id, "invoice", "x.pdf", PDF).status_code == 403
    browser.logout()
    # a member's user cannot reach syndicate-level owners (tenders, contracts, purchase orders)
    _login(browser, "secretary@a.test")
    for kind, ident in (("tender", dw["tender"].id), ("contract", dw["contract"].id), ("purchase_order", dw["po"].id)):
        assert _upload(browser, "/", kind, ident, "other", "x.pdf", PDF).status_code == 403, kind


def test_every_owner_page_has_its_attachments_section(browser, dw):
    _login(browser, "officer@s.test")
    pages = {
        ("order", dw["order_b"].id): f"/orders/{dw['order_b'].id}",
        ("purchase_order", dw["po"].id): f"/purchase-orders/{dw['po'].id}",
        ("delivery", dw["delivery"].id): f"/purchase-orders/{dw['po'].id}",
        ("contract", dw["contract"].id): f"/contracts/{dw['contract'].id}",
        ("tender", dw["tender"].id): f"/tenders/{dw['tender'].id}",
        ("bid", dw["bid"].id): f"/tenders/{dw['tender'].id}",
        ("asset", dw["asset_b"].id): f"/lifecycle/assets/{dw['asset_b'].id}",
    }
    kinds = {"order": "invoice", "purchase_order": "invoice", "delivery": "delivery_note", "contract": "other",
             "tender": "dce_piece", "bid": "bid_document", "asset": "repair_report"}
    for (kind, ident), page in pages.items():
        html = browser.get(page).get_data(as_text=True)
        assert f'id="documents-{kind}-{ident}"' in html, kind
        assert f'<label class="label" for="documents-{kind}-{ident}-file">' in html, kind
        response = _upload(browser, page, kind, ident, kinds[kind], f"piece-{kind}.png", PNG)
        assert response.status_code == 302, (kind, response.get_data(as_text=True)[:500])
        assert response.headers["Location"].endswith(f"#documents-{kind}-{ident}")
        if kind != "bid":  # sealed: see test_bid_documents_are_sealed_until_the_deadline
            assert f"piece-{kind}.png" in browser.get(page).get_data(as_text=True), kind
    delivery_document = _documents("delivery", dw["delivery"].id)[0]
    assert delivery_document.member_id == dw["member_b"].id  # a delivery belongs to its order's member
    assert _documents("tender", dw["tender"].id)[0].member_id is None


def test_bid_documents_are_sealed_until_the_deadline(browser, dw):
    _login(browser, "officer@s.test")
    tender_page = f"/tenders/{dw['tender'].id}"
    _upload(browser, tender_page, "bid", dw["bid"].id, "bid_document", "memoire-technique.pdf", PDF)
    [document] = _documents("bid", dw["bid"].id)
    browser.get(tender_page)  # the flash message ("Pièce … jointe") is the uploader's own
    html = browser.get(tender_page).get_data(as_text=True)
    assert "1 pièce reçue, sous pli scellé" in html and "memoire-technique.pdf" not in html
    assert browser.get(f"/documents/{document.id}").status_code == 403
    assert browser.post_form(f"/documents/{document.id}/delete", page=tender_page).status_code == 403

    tender = dw["tender"]
    tender.bid_deadline = datetime.now(timezone.utc) - timedelta(minutes=1)
    db.session.flush()
    # closed on access, as the tender pages do: the bid and its documents are open
    download = browser.get(f"/documents/{document.id}")
    assert download.status_code == 200 and download.data == PDF
    assert "memoire-technique.pdf" in browser.get(f"/tenders/bids/{dw['bid'].id}").get_data(as_text=True)
    # past the deadline nothing can be added to a bid, and its documents are kept
    late = _upload(browser, tender_page, "bid", dw["bid"].id, "bid_document", "retard.pdf", PDF)
    assert late.status_code == 409 and "date limite" in late.get_data(as_text=True)
    assert browser.post_form(f"/documents/{document.id}/delete", page=tender_page).status_code == 409
    assert len(_documents("bid", dw["bid"].id)) == 1


def test_delete_by_the_uploader_or_an_officer_keeps_the_row_and_removes_the_file(browser, dw, storage_root):
    _login(browser, "secretary@a.test")
    page = f"/orders/{dw['order_a'].id}"
    _upload(browser, page, "order", dw["order_a"].id, "invoice", "a.pdf", PDF)
    _upload(browser, page, "order", dw["order_a"].id, "other", "b.xlsx", xlsx())
    first, second = _documents("order", dw["order_a"].id)
    browser.logout()
    _login(browser, "approver@a.test")  # same member, not the uploader: no delete
    assert "Supprimer" not in browser.get(page).get_data(as_text=True)
    assert browser.post_form(f"/documents/{first.id}/delete", page=page).status_code == 403
    browser.logout()
    _login(browser, "secretary@a.test")
    step = browser.post_form(f"/documents/{first.id}/delete", page=page)  # the second step: "Confirmer ?"
    assert step.status_code == 200
    html = step.get_data(as_text=True)
    assert "Confirmer la suppression ?" in html and "a.pdf" in html and 'name="confirm" value="yes"' in html
    db.session.refresh(first)
    assert first.deleted_at is None and first.storage_key in stored_files(storage_root)
    assert browser.post_form(f"/documents/{first.id}/delete", {"confirm": "yes"}, page=page).status_code == 302
    db.session.refresh(first)
    assert first.deleted_at is not None and first.deleted_by_id == dw["secretary_a"].id
    assert first.storage_key not in stored_files(storage_root)
    assert browser.get(f"/documents/{first.id}").status_code == 404
    assert "a.pdf" not in browser.get(page).get_data(as_text=True)
    browser.logout()
    _login(browser, "officer@s.test")
    assert browser.post_form(f"/documents/{second.id}/delete", {"confirm": "yes"}, page=page).status_code == 302
    assert second.storage_key not in stored_files(storage_root)


def test_the_erasure_record_carries_its_certificate_file(browser, dw, storage_root):
    from lifecycle.assets.models import DataErasure

    _login(browser, "secretary@a.test")
    page = f"/lifecycle/assets/{dw['asset_a'].id}"
    assert 'enctype="multipart/form-data"' in browser.get(page).get_data(as_text=True)
    data = {"erasure-method": "nist_purge", "erasure-performed_on": "2026-01-15", "erasure-operator": "Atelier",
            "erasure-certificate_ref": "CERT-77", "erasure-certificate_file": (io.BytesIO(PDF), "certificat.pdf")}
    response = browser.post_form(f"/lifecycle/assets/{dw['asset_a'].id}/erasure", data, page=page)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    erasure = db.session.scalars(select(DataErasure).where(DataErasure.asset_id == dw["asset_a"].id)).one()
    document = erasure.certificate_document
    assert (document.kind, document.owner_kind, document.owner_id, document.original_name) == (
        "erasure_certificate", "asset", dw["asset_a"].id, "certificat.pdf")
    html = browser.get(page).get_data(as_text=True)
    assert f'href="/documents/{document.id}"' in html and "certificat d'effacement (certificat.pdf)" in html
    assert browser.get(f"/documents/{document.id}").data == PDF
    # the certificate of a recorded erasure is kept, even by an officer
    assert browser.post_form(f"/documents/{document.id}/delete", page=page).status_code == 409


def test_an_erasure_with_a_wrong_certificate_file_records_nothing(browser, dw, storage_root):
    from lifecycle.assets.models import DataErasure

    _login(browser, "secretary@a.test")
    page = f"/lifecycle/assets/{dw['asset_a'].id}"
    before = stored_files(storage_root)
    data = {"erasure-method": "nist_purge", "erasure-performed_on": "2026-01-15", "erasure-operator": "Atelier",
            "erasure-certificate_ref": "CERT-78", "erasure-certificate_file": (io.BytesIO(TEXT), "certificat.pdf")}
    response = browser.post_form(f"/lifecycle/assets/{dw['asset_a'].id}/erasure", data, page=page)
    assert response.status_code == 422
    assert "ne correspond pas à son extension" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(DataErasure.id)).where(DataErasure.asset_id == dw["asset_a"].id)) == 0
    assert stored_files(storage_root) == before and _documents("asset", dw["asset_a"].id) == []


def test_a_refused_transaction_removes_the_object_it_stored(app, dw, storage_root):
    """The file is stored before its row is flushed: a rollback afterwards removes it (no orphan object)."""
    from purchasing.documents import services

    before = stored_files(storage_root)
    owner = services.load_owner("order", dw["order_a"].id, dw["secretary_a"])
    nested = db.session.begin_nested()  # the test's own unit of work, rolled back as a request would be
    document = services.attach(owner, "invoice", "a.pdf", io.BytesIO(PDF), dw["secretary_a"])
    assert document.storage_key in stored_files(storage_root)
    nested.rollback()
    db.session.rollback()
    assert stored_files(storage_root) == before


def test_an_asset_given_through_the_pool_does_not_take_its_former_members_files(browser, dw):
    """Documents stay with the member that held the asset when they were attached (as its erasure record)."""
    from datetime import date

    from lifecycle.assets import services as lifecycle
    from lifecycle.pool import services as pool_services

    _login(browser, "secretary@a.test")
    asset_page = f"/lifecycle/assets/{dw['asset_a'].id}"
    _upload(browser, asset_page, "asset", dw["asset_a"].id, "invoice", "facture-alpha.pdf", PDF)
    [document] = _documents("asset", dw["asset_a"].id)
    browser.logout()
    lifecycle.record_erasure(dw["asset_a"], method="nist_purge", performed_on=date(2026, 1, 15), operator="Atelier",
                             certificate_ref="C-1", actor=dw["secretary_a"])
    listing = pool_services.offer_to_pool(dw["asset_a"], condition="good", note="", actor=dw["secretary_a"])
    pool_services.claim_listing(listing, dw["member_b"].id, dw["secretary_b"])
    pool_services.confirm_claim(listing, None)
    db.session.flush()

    _login(browser, "secretary@b.test")  # the new holder sees the asset, not Alpha's invoice
    assert browser.get(asset_page).status_code == 200
    assert "facture-alpha.pdf" not in browser.get(asset_page).get_data(as_text=True)
    assert browser.get(f"/documents/{document.id}").status_code == 404
    browser.logout()
    _login(browser, "secretary@a.test")  # the former holder no longer sees the asset
    assert browser.get(f"/documents/{document.id}").status_code == 404


def test_the_member_reads_its_delivery_notes_on_its_order_page(browser, dw):
    _login(browser, "officer@s.test")
    _upload(browser, f"/purchase-orders/{dw['po'].id}", "delivery", dw["delivery"].id, "delivery_note",
            "BL-2026-001.pdf", PDF)
    [document] = _documents("delivery", dw["delivery"].id)
    browser.logout()
    _login(browser, "secretary@b.test")
    html = browser.get(f"/orders/{dw['order_b'].id}").get_data(as_text=True)
    assert "BL-2026-001.pdf" in html and f'href="/documents/{document.id}"' in html
    assert browser.get(f"/documents/{document.id}").data == PDF
    browser.logout()
    _login(browser, "secretary@a.test")  # another member: neither the order nor the note
    assert browser.get(f"/documents/{document.id}").status_code == 404
    assert browser.get(f"/orders/{dw['order_b'].id}").status_code == 404
