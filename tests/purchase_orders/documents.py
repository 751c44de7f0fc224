"""Hand-built purchase-order documents for the renderer tests (no database)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from purchasing.purchase_orders.document import (BillingEntity, Contact, DeliveryParty, DocumentLine, Party,
                                                  PostalAddress, Signatory, assemble_document)

BUYER = Party("Syndicat numérique du Périgord", "13002526500013",
              PostalAddress("2 place Hoche", "24000", "Périgueux"), Contact("Service achats", "05 53 00 00 00",
                                                                             "achats@syndicat.test"))
SELLER = Party("Informatique & Cie", "73282932000074", PostalAddress("10 rue du Port", "33000", "Bordeaux"),
               Contact("Jeanne Vendeuse", "05 56 00 00 00", "commandes@fournisseur.test"))


def line(number, *, member="Commune A", unit="100.00", quantity=1, rate="0.2000", site="Mairie",
         siret="21240037600015", engagement="", service="SERV-01"):
    unit_price = Decimal(unit)
    return DocumentLine(
        number=number, member_order_reference=f"CMD-2026-{number:06d}", member_order_line_id=100 + number, product_name="Portable 14 pouces",
        manufacturer_ref="LAT-5430", quantity=quantity, unit_price_ht=unit_price,
        line_total_ht=(unit_price * quantity).quantize(Decimal("0.01")), vat_rate=Decimal(rate),
        delivery=DeliveryParty(member, siret, site, PostalAddress("1 place de l'Église", "24420", "Sorges"),
                               "lun.-ven. 9 h-12 h", Contact("Sophie Secrétaire", "05 53 11 11 11",
                                                             "mairie@commune-a.test")),
        billing=BillingEntity(member, siret, "Budget principal", PostalAddress("1 place de l'Église", "24420",
                                                                              "Sorges"), service, engagement))


def document(lines=None, reference="BC-2026-00001"):
    lines = lines if lines is not None else [line(1), line(2, member="CCAS de B", rate="0.0550", unit="3.00",
                                                          site="Foyer", siret="26240022600019", engagement="ENG-42")]
    return assemble_document(reference=reference, issue_date=date(2026, 11, 30), buyer=BUYER, seller=SELLER,
                             contract_reference="AC-2025-01-01", contract_title="Postes de travail",
                             lines=lines, signatory=Signatory("Marie Présidente", "Présidente"))
