"""The purchase order's document, PDF and Order-X from the database: content, totals, refusals, downloads."""
from __future__ import annotations

from decimal import Decimal

import facturx
import pytest
from lxml import etree
from sqlalchemy import func, select

from purchasing.extensions import db
from purchasing.mail.models import OutboxMessage
from purchasing.purchase_orders import orderx
from purchasing.purchase_orders import services as pos
from purchasing.purchase_orders.document import PurchaseOrderIncomplete, build_purchase_order_document
from tests.api.conftest import api, token_for  # noqa: F401 - fixtures
from tests.purchase_orders.conftest import SYNDICATE_SIRET

D = Decimal


def test_the_document_carries_buyer_lines_sites_billing_and_hand_computed_totals(po_world):
    doc = build_purchase_order_document(po_world["po"])
    assert (doc.buyer.name, doc.buyer.address.one_line) == ("Syndicat numérique test", "2 place Hoche, 24000 Périgueux")
    assert doc.seller.contact.email == "commandes@fournisseur.test"
    assert doc.signatory.name == "Claire Dumas"
    first, second = doc.lines
    assert (first.delivery.member_name, first.delivery.site_name, first.delivery.address.one_line) == (
        "Commune A", "Mairie", "3 rue des Écoles, 24420 Commune A")
    assert first.delivery.contact.email == f"mairie{po_world['commune'].id}@commune.test"
    assert first.billing.siret == po_world["commune"].billing_siret.siret
    assert (second.billing.chorus_service_code, second.billing.engagement_number, second.billing.siret_label) == (
        "SERV-CCAS", "ENG-2026-42", "CCAS")
    # 2 × 849.99 = 1 699.98 at 20 % -> VAT 339.996 -> 340.00; 3.00 at 5.5 % -> 0.165 -> 0.17
    assert [(b.percent, b.base_ht, b.vat) for b in doc.vat_breakdown] == [(D("5.5"), D("3.00"), D("0.17")),
                                                                        (D("20"), D("1699.98"), D("340.00"))]
    assert (doc.total_ht, doc.total_vat, doc.total_ttc) == (D("1702.98"), D("340.17"), D("2043.15"))
    assert doc.total_ht == po_world["po"].total_ht  # what the contract ceiling counts


def test_the_order_x_of_the_purchase_order_passes_xsd_and_schematron(po_world):
    xml = pos.order_x_file(po_world["po"]).data
    assert orderx.validation_errors(xml) == []
    ns = orderx.NS
    root = etree.fromstring(xml)
    assert root.xpath("//ram:ShipToTradeParty/ram:PostalTradeAddress/ram:LineOne/text()", namespaces=ns) == [
        "3 rue des Écoles", "3 rue des Écoles"]
    assert root.xpath("//ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID/text()", namespaces=ns) == [
        SYNDICATE_SIRET]


def test_the_print_page_and_the_downloads(po_world, browser, make_user):
    po = po_world["po"]
    make_user(role="purchasing_officer", email="officier@syndicat.test")
    browser.login("officier@syndicat.test")
    page = browser.get(f"/purchase-orders/{po.id}/print").get_data(as_text=True)
    for text in ("Syndicat numérique test", "SERV-CCAS", "ENG-2026-42", "Foyer", "Total TTC", "2\u202f043,15",
                 "340,17", "5,5\u00a0%", "20\u00a0%", "Claire Dumas"):
        assert text in page, text
    assert "E+" not in page  # Decimal("20").normalize() printed as "2E+1 %" before
    show = browser.get(f"/purchase-orders/{po.id}").get_data(as_text=True)
    assert f"/purchase-orders/{po.id}/pdf" in show and f"/purchase-orders/{po.id}/order-x" in show
    pdf = browser.get(f"/purchase-orders/{po.id}/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert f'filename="{po.reference}.pdf"' in pdf.headers["Content-Disposition"]
    name, embedded = facturx.get_xml_from_pdf(pdf.get_data(), check_xsd=True)
    xml = browser.get(f"/purchase-orders/{po.id}/order-x")
    assert xml.status_code == 200 and xml.mimetype == "application/xml"
    assert name == "order-x.xml" and embedded == xml.get_data()


def test_the_api_downloads(po_world, api, token_for):
    po = po_world["po"]
    client = api.as_(token_for(po_world["officer"]))
    xml = client.get(f"/api/v1/purchase-orders/{po.id}/order-x")
    assert xml.status_code == 200 and xml.mimetype == "application/xml"
    assert orderx.xsd_errors(xml.get_data()) == []
    pdf = client.get(f"/api/v1/purchase-orders/{po.id}/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert facturx.get_xml_from_pdf(pdf.get_data())[1] == xml.get_data()
    document = client.get("/api/v1/openapi.json").get_json()
    for path, media in (("order-x", "application/xml"), ("pdf", "application/pdf")):
        operation = document["paths"][f"/api/v1/purchase-orders/{{po_id}}/{path}"]["get"]
        assert media in operation["responses"]["200"]["content"]
        assert "409" in operation["responses"]


def _outbox_count() -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id)))


def test_a_member_without_billing_siret_refuses_send_and_files_in_french(po_world, browser, api, token_for):
    from purchasing.members.models import MemberSiret

    po = po_world["po"]
    for siret in db.session.scalars(select(MemberSiret).where(MemberSiret.member_id == po_world["ccas"].id)):
        siret.is_billing = False
    po_world["orders"][0].delivery_site_id, po_world["orders"][0].delivery_site = None, ""
    db.session.commit()
    db.session.expire_all()
    before = _outbox_count()
    browser.login("achats@syndicat.test")
    for url in (f"/purchase-orders/{po.id}/pdf", f"/purchase-orders/{po.id}/order-x",
                f"/purchase-orders/{po.id}/print"):
        response = browser.get(url)
        assert response.status_code == 422, url
        text = response.get_data(as_text=True)
        assert "aucun site de livraison" in text and "pas de SIRET de facturation" in text
    response = browser.post_form(f"/purchase-orders/{po.id}/send", page=f"/purchase-orders/{po.id}")
    assert response.status_code == 422 and "CCAS de B" in response.get_data(as_text=True)
    db.session.expire_all()
    assert pos.load_purchase_order(po.id).status == "draft" and _outbox_count() == before
    answer = api.as_(token_for(po_world["officer"])).get(f"/api/v1/purchase-orders/{po.id}/order-x")
    assert answer.status_code == 409 and answer.get_json()["code"] == "purchase_order_incomplete"
    assert answer.get_json()["details"]["missing"] == [
        "ligne 1 (Commune A, commande " + po_world["orders"][0].reference + ") : aucun site de livraison",
        "ligne 2 (CCAS de B, commande " + po_world["orders"][1].reference + ") : l'adhérent n'a pas de SIRET "
        "de facturation"]


def test_a_required_engagement_number_left_empty_is_listed(po_world):
    po_world["orders"][1].engagement_number = ""
    db.session.flush()
    with pytest.raises(PurchaseOrderIncomplete, match="numéro d'engagement requis par l'adhérent"):
        build_purchase_order_document(po_world["po"])


def test_a_purchase_order_without_lines_produces_no_file(po_world, browser):
    po = po_world["po"]
    pos.cancel_purchase_order(po, po_world["officer"], "Doublon")  # its lines are released
    db.session.commit()
    browser.login("achats@syndicat.test")
    response = browser.get(f"/purchase-orders/{po.id}/pdf")
    assert response.status_code == 422
    assert "aucune ligne" in response.get_data(as_text=True)


def test_an_incomplete_syndicate_identity_is_named(po_world):
    from purchasing.syndicate.services import current_identity

    current_identity().siret = ""
    db.session.flush()
    with pytest.raises(PurchaseOrderIncomplete, match="l'identité du syndicat"):
        build_purchase_order_document(po_world["po"])


def test_building_the_document_costs_the_same_queries_for_more_members(po_world, make_member, make_user):
    """Loaded with ``load_purchase_order``, the document reads no row per line (no N+1)."""
    from tests.purchase_orders.conftest import give_identity, place
    from tests.web.test_catalogue_pages import count_queries

    def queries_for(po_id):
        db.session.expire_all()
        with count_queries() as statements:
            build_purchase_order_document(pos.load_purchase_order(po_id))
        return len(statements)

    po = po_world["po"]
    two_members = queries_for(po.id)
    offer = po.lines[0].order_line.offer
    pos.cancel_purchase_order(po, po_world["officer"], "")  # its lines go on the next one, with two more members
    for n in range(2):
        member = make_member(name=f"Commune {n}", approval_threshold_ht=Decimal("100000.00"), billing_siret=False)
        place(make_user(role="secretary", member=member), offer, 1, give_identity(member))
    bigger = pos.create_purchase_order(offer.contract_id, po_world["officer"])
    db.session.flush()
    assert len({pl.order_line.order.member_id for pl in bigger.lines}) == 4
    assert queries_for(bigger.id) == two_members
