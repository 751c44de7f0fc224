"""The issue's must-show: every demo purchase order's Order-X passes the XSD and the schematron, and its PDF/A-3
carries that XML (extracted back)."""
from __future__ import annotations

import facturx
from sqlalchemy import or_, select

from purchasing.demo import load_demo
from purchasing.extensions import db
from purchasing.members.models import Site
from purchasing.purchase_orders import orderx
from purchasing.purchase_orders import services as pos
from purchasing.purchase_orders.models import PurchaseOrder


def test_every_demo_purchase_order_validates_and_its_pdf_a3_carries_the_xml(app):
    load_demo(seed=2026)
    # every site a secretary can pick (the address book, the inventory's sites too) has a full address, so
    # that any order of the demo gives its purchase order a delivery address
    unaddressed = db.session.scalars(select(Site.name).where(Site.is_active.is_(True), or_(
        Site.address == "", Site.postal_code == "", Site.city == ""))).all()
    assert unaddressed == []
    ids = db.session.scalars(select(PurchaseOrder.id).order_by(PurchaseOrder.id)).all()
    assert len(ids) >= 2
    members_per_po = []
    for po_id in ids:
        po = pos.load_purchase_order(po_id)
        document = pos.build_purchase_order_document(po)
        xml = pos.order_x_file(po, document).data
        assert orderx.xsd_errors(xml) == [], po.reference
        assert orderx.schematron_errors(xml) == [], po.reference
        pdf = pos.pdf_file(po, document).data
        name, extracted = facturx.get_xml_from_pdf(pdf, check_xsd=True)
        assert (name, extracted) == ("order-x.xml", xml), po.reference
        assert all(line.delivery.address.postal_code and line.billing.siret for line in document.lines)
        assert document.total_ht == po.total_ht
        members_per_po.append(len({line.billing.siret for line in document.lines}))
    assert max(members_per_po) >= 2  # a purchase order with lines for several members (a ship-to per line)
