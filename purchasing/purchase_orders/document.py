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

from purchasing.domain.errors import N_, DomainError
from purchasing.syndicate.services import current_identity
from purchasing.domain.vat import DocumentTotals, VatBreakdown, VatLine, document_totals, rate_percent


class PurchaseOrderIncomplete(DomainError):
    """The purchase order lacks data a supplier needs: ``details["missing"]`` lists it, in French."""

    code = "purchase_order_incomplete"
    http_status = 422
    default_message = N_("Le bon de commande est incomplet.")


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
        return rate_percent(self.vat_rate)


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
        if line.delivery.address.is_empty and line.delivery.site_name:
            missing.append(f"{where} : le site de livraison « {line.delivery.site_name} » n'a pas d'adresse "
                           "(à compléter dans le carnet d'adresses de l'adhérent)")
        elif line.delivery.address.is_empty:
            missing.append(f"{where} : aucun site de livraison")
    missing = list(dict.fromkeys(missing))
    if missing:
        raise PurchaseOrderIncomplete(
            N_("Le bon de commande %(reference)s ne peut pas être produit : %(missing)s."),
            params={"reference": reference, "missing": " ; ".join(missing)},
            details={"missing": missing})
    totals = document_totals(VatLine(line.vat_rate, line.line_total_ht) for line in lines)
    return PurchaseOrderDocument(reference=reference, issue_date=issue_date, buyer=buyer, seller=seller,
                                 contract_reference=contract_reference, contract_title=contract_title,
                                 lines=tuple(lines), totals=totals, signatory=signatory)


# --- from the database ----------------------------------------------------------------------------

def _site_contact(site) -> Contact:
    return Contact(site.contact_name, site.contact_phone, site.contact_email)


def build_purchase_order_document(po) -> PurchaseOrderDocument:
    """The document of a purchase order (loaded with ``services.load_purchase_order``: no query per line).

    Raises :class:`PurchaseOrderIncomplete` listing everything missing, so that nothing is produced.
    """
    identity = current_identity()
    buyer = Party(identity.name, identity.siret, PostalAddress(identity.address, identity.postal_code, identity.city),
                  Contact(identity.name, identity.phone, identity.email))
    supplier = po.supplier
    seller = Party(supplier.name, supplier.siret, PostalAddress(supplier.address, supplier.postal_code, supplier.city),
                   Contact(supplier.contact_name, supplier.contact_phone, supplier.order_email or supplier.contact_email))
    missing: list[str] = []
    lines: list[DocumentLine] = []
    for number, pl in enumerate(po.lines, start=1):
        order_line = pl.order_line
        order = order_line.order
        member = order.member
        billing_siret = member.billing_siret
        site = order.delivery_site_ref
        if site is not None:
            delivery = DeliveryParty(member.name, billing_siret.siret if billing_siret else "", site.name,
                                     PostalAddress(site.address, site.postal_code, site.city), site.opening_hours,
                                     _site_contact(site))
        else:  # an order placed before the address book: its free-text delivery address, as typed
            delivery = DeliveryParty(member.name, billing_siret.siret if billing_siret else "", "",
                                     PostalAddress(order.delivery_site.strip(), "", ""), "", Contact())
        if member.engagement_required and not order.engagement_number.strip():
            missing.append(f"ligne {number} ({member.name}, commande {order.reference}) : numéro d'engagement "
                           "requis par l'adhérent et non saisi")
        billing_address = PostalAddress(*member.billing_lines)
        billing = BillingEntity(member.name, billing_siret.siret if billing_siret else "",
                                billing_siret.label if billing_siret else "", billing_address,
                                member.chorus_service_code, order.engagement_number.strip())
        lines.append(DocumentLine(
            number=number, member_order_reference=order.reference or "", member_order_line_id=order_line.id,
            product_name=order_line.product.name, manufacturer_ref=order_line.product.manufacturer_ref or "",
            quantity=pl.quantity, unit_price_ht=pl.unit_price_ht, line_total_ht=pl.line_total_ht,
            vat_rate=order_line.vat_rate, delivery=delivery, billing=billing))
    issued = po.sent_dt or po.created_dt
    return assemble_document(reference=po.reference, issue_date=issued.date(), buyer=buyer, seller=seller,
                             contract_reference=po.contract.reference, contract_title=po.contract.title,
                             lines=lines, signatory=Signatory(identity.signatory_name, identity.signatory_title),
                             missing=missing)
