"""The Order-X XML, the PDF and the PDF/A-3 rendered from hand-built documents (no database)."""
from __future__ import annotations

from decimal import Decimal

import facturx
import pytest
from lxml import etree

from purchasing.purchase_orders import orderx
from purchasing.purchase_orders.document import PurchaseOrderIncomplete
from purchasing.purchase_orders.pdf import purchase_order_pdf, purchase_order_pdf_a3
from tests.purchase_orders.documents import BUYER, document, line

NS = orderx.NS


def _xpath(xml: bytes, path: str):
    return etree.fromstring(xml).xpath(path, namespaces=NS)


def test_the_xml_passes_the_xsd_and_the_schematron_with_a_ship_to_per_line():
    xml = orderx.order_x_xml(document())
    assert orderx.xsd_errors(xml) == []
    assert orderx.schematron_errors(xml) == []
    assert _xpath(xml, "//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID/text()") == [orderx.GUIDELINE]
    ship_to = _xpath(xml, "//ram:IncludedSupplyChainTradeLineItem/ram:SpecifiedLineTradeDelivery/"
                          "ram:ShipToTradeParty/ram:Name/text()")
    assert ship_to == ["Commune A — Mairie", "CCAS de B — Foyer"]
    assert _xpath(xml, "//ram:BuyerRequisitionerTradeParty/ram:SpecifiedLegalOrganization/ram:ID/text()") == [
        "21240037600015", "26240022600019"]
    notes = _xpath(xml, "//ram:AssociatedDocumentLineDocument/ram:IncludedNote/ram:Content/text()")
    assert "code service Chorus Pro SERV-01" in notes[0] and "n° d'engagement ENG-42" in notes[1]


def test_the_xml_totals_are_the_documents():
    # 100.00 at 20 % and 3.00 at 5.5 %: VAT 20.00 + 0.17 (0.165 half-up), TTC 123.17
    xml = orderx.order_x_xml(document())
    summary = "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/"
    assert _xpath(xml, summary + "ram:LineTotalAmount/text()") == ["103.00"]
    assert _xpath(xml, summary + "ram:TaxTotalAmount/text()") == ["20.17"]
    assert _xpath(xml, summary + "ram:GrandTotalAmount/text()") == ["123.17"]
    taxes = _xpath(xml, "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax")
    assert [(t.findtext("ram:RateApplicablePercent", namespaces=NS), t.findtext("ram:BasisAmount", namespaces=NS),
             t.findtext("ram:CalculatedAmount", namespaces=NS)) for t in taxes] == [
        ("5.5", "3.00", "0.17"), ("20", "100.00", "20.00")]


def test_the_schematron_catches_what_the_xsd_lets_through():
    """A requisitioner without contact and a member-order reference without line: the XSD accepts both,
    the EXTENDED schematron refuses them (so the schematron really runs)."""
    xml = orderx.order_x_xml(document())
    root = etree.fromstring(xml)
    for node in root.xpath("//ram:BuyerRequisitionerTradeParty/ram:DefinedTradeContact", namespaces=NS):
        node.getparent().remove(node)
    broken = etree.tostring(root)
    assert orderx.xsd_errors(broken) == []
    errors = orderx.schematron_errors(broken)
    assert len(errors) == 2 and all("DefinedTradeContact" in e for e in errors)


def test_the_xsd_refuses_a_misplaced_element():
    xml = orderx.order_x_xml(document()).replace(b"<ram:TypeCode>VAT</ram:TypeCode>", b"", 1)
    assert orderx.xsd_errors(xml) and orderx.validation_errors(xml)


def test_the_pdf_a3_carries_the_xml_extracted_back():
    doc = document()
    xml = orderx.order_x_xml(doc)
    pdf = purchase_order_pdf_a3(doc, xml)
    assert pdf.startswith(b"%PDF")
    filename, extracted = facturx.get_xml_from_pdf(pdf, check_xsd=True)
    assert filename == "order-x.xml" and extracted == xml


def test_the_plain_pdf_embeds_its_font_and_shows_the_totals():
    from pypdf import PdfReader
    import io

    reader = PdfReader(io.BytesIO(purchase_order_pdf(document())))
    text = "".join(page.extract_text() for page in reader.pages)
    for expected in ("BC-2026-00001", "Total TTC", "123,17", "ENG-42", "SERV-01", "CCAS de B", "Foyer",
                     "Marie Présidente", BUYER.siret):
        assert expected in text, expected
    fonts = [font.get_object() for font in reader.pages[0]["/Resources"]["/Font"].values()]
    assert {str(f["/BaseFont"]).split("+")[-1] for f in fonts} == {"DejaVuSans", "DejaVuSans-Bold"}
    assert all("/FontFile2" in f["/FontDescriptor"] for f in fonts)  # embedded (subset), none left to the reader


def test_an_incomplete_document_lists_everything_missing():
    with pytest.raises(PurchaseOrderIncomplete) as caught:
        document(lines=[])
    assert caught.value.details["missing"] == ["le bon de commande n'a aucune ligne"]
    with pytest.raises(PurchaseOrderIncomplete) as caught:
        document(lines=[line(1, siret=""), line(2, member="Commune C")])
    assert caught.value.code == "purchase_order_incomplete" and caught.value.http_status == 422
    assert caught.value.details["missing"] == [
        "ligne 1 (Commune A, commande CMD-2026-000001) : l'adhérent n'a pas de SIRET de facturation"]
    assert "ne peut pas être produit" in caught.value.message


def test_unit_prices_keep_their_cents_in_the_xml():
    xml = orderx.order_x_xml(document(lines=[line(1, unit="0.10", quantity=3, rate="0.0550")]))
    assert _xpath(xml, "//ram:NetPriceProductTradePrice/ram:ChargeAmount/text()") == ["0.10"]
    assert _xpath(xml, "//ram:SpecifiedLineTradeSettlement//ram:LineTotalAmount/text()") == ["0.30"]
    assert _xpath(xml, "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:CalculatedAmount/text()") \
        == [str(Decimal("0.02"))]  # 0.30 × 5.5 % = 0.0165 -> 0.02
