"""The purchase order as a document: one plain dataclass tree built from the database by one function.

The printable page, its PDF and its Order-X XML are all rendered from :class:`PurchaseOrderDocument`
(``build_purchase_order_document``), so the three always say the same thing. Building refuses, with the
list of what is missing in French, a purchase order that cannot be handed to a supplier: no line, the
syndicate's identity incomplete, a member without billing SIRET, a line without delivery site, a missing
engagement number that the member's Chorus Pro settings require. No file is produced then.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from purchasing.domain.errors import DomainError
from purchasing.domain.vat import DocumentTotals, VatBreakdown, VatLine, document_totals


class PurchaseOrderIncomplete(DomainError):
    """The purchase order lacks data a supplier needs: ``details["missing"]`` lists it, in French."""

    code = "purchase_order_incomplete"
    http_status = 422
    default_message = "Le bon de commande est incomplet."


@dataclass(frozen=True)
class PostalAddress:
    line: str
    postal_code: str
    city: str
    #: ISO 3166-1 alpha-2
    country: str = "FR"

    @property
    def town(self) -> str:
        return " ".join(p for p in (self.postal_code, self.city) if p)

    @property
    def one_line(self) -> str:
        return ", ".join(p for p in (self.line, self.town) if p)

    @property
    def is_empty(self) -> bool:
        return not (self.line or self.postal_code or self.city)


@dataclass(frozen=True)
class Contact:
    name: str = ""
    phone: str = ""
    email: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.name or self.phone or self.email)


@dataclass(frozen=True)
class Party:
    """The buyer (the syndicate) or the seller (the supplier)."""

    name: str
    siret: str
    address: PostalAddress
    contact: Contact = Contact()


@dataclass(frozen=True)
class BillingEntity:
    """Who the supplier invoices for a line (through Chorus Pro): the member's billing SIRET and codes."""

    member_name: str
    siret: str
    #: "Budget principal", "CCAS"…
    siret_label: str
    address: PostalAddress
    chorus_service_code: str
    engagement_number: str


@dataclass(frozen=True)
class DeliveryParty:
    """Where a line is delivered: the member's site, its address, opening hours and contact."""

    member_name: str
    member_siret: str
    site_name: str
    address: PostalAddress
    opening_hours: str
    contact: Contact


@dataclass(frozen=True)
class DocumentLine:
    #: 1, 2, 3… in the order of the purchase order's lines
    number: int
    #: the member's order (CMD-…) and its line (the order line's id)
    member_order_reference: str
    member_order_line_id: int
    product_name: str
    manufacturer_ref: str
    quantity: int
    unit_price_ht: Decimal
    line_total_ht: Decimal
    vat_rate: Decimal
    delivery: DeliveryParty
    billing: BillingEntity

    @property
    def vat_percent(self) -> Decimal:
        return (self.vat_rate * 100).normalize() if self.vat_rate else Decimal("0")


@dataclass(frozen=True)
class Signatory:
    name: str
    title: str


@dataclass(frozen=True)
class PurchaseOrderDocument:
    reference: str
    #: the date the purchase order is issued (sent; the creation date while it is a draft)
    issue_date: date
    buyer: Party
    seller: Party
    contract_reference: str
    contract_title: str
    lines: tuple[DocumentLine, ...]
    totals: DocumentTotals
    signatory: Signatory
    currency: str = "EUR"

    @property
    def vat_breakdown(self) -> tuple[VatBreakdown, ...]:
        return self.totals.breakdown

    @property
    def total_ht(self) -> Decimal:
        return self.totals.total_ht

    @property
    def total_vat(self) -> Decimal:
        return self.totals.total_vat

    @property
    def total_ttc(self) -> Decimal:
        return self.totals.total_ttc


def assemble_document(*, reference: str, issue_date: date, buyer: Party, seller: Party, contract_reference: str,
                      contract_title: str, lines: list[DocumentLine], signatory: Signatory,
                      missing: list[str] | None = None) -> PurchaseOrderDocument:
    """Check what a supplier needs, then compute the totals (``purchasing.domain.vat``) and freeze the document.

    ``missing``: what the caller already found missing (French phrases); the lines are checked here.
    """
    missing = list(missing or [])
    if not lines:
        missing.append("le bon de commande n'a aucune ligne")
    if not buyer.name or not buyer.siret or buyer.address.is_empty:
        missing.append("l'identité du syndicat (nom, SIRET, adresse) n'est pas renseignée")
    if not seller.siret:
        missing.append(f"le fournisseur {seller.name} n'a pas de SIRET")
    for line in lines:
        where = f"ligne {line.number} ({line.billing.member_name}, commande {line.member_order_reference})"
        if not line.billing.siret:
            missing.append(f"{where} : l'adhérent n'a pas de SIRET de facturation")
        if line.delivery.address.is_empty:
            missing.append(f"{where} : aucun site de livraison")
    missing = list(dict.fromkeys(missing))
    if missing:
        raise PurchaseOrderIncomplete(
            f"Le bon de commande {reference} ne peut pas être produit : " + " ; ".join(missing) + ".",
            details={"missing": missing})
    totals = document_totals(VatLine(line.vat_rate, line.line_total_ht) for line in lines)
    return PurchaseOrderDocument(reference=reference, issue_date=issue_date, buyer=buyer, seller=seller,
                                 contract_reference=contract_reference, contract_title=contract_title,
                                 lines=tuple(lines), totals=totals, signatory=signatory)
