"""Sending a purchase order: the outbox message to the supplier's order address, written in the commit that
sends, carries the PDF (Order-X inside) and, for a supplier reading Order-X, the XML; through a real SMTP
server on loopback the files arrive and the XML validates."""
from __future__ import annotations

import facturx
from sqlalchemy import select

from purchasing.extensions import db
from purchasing.mail.models import OutboxMessage
from purchasing.purchase_orders import orderx
from purchasing.purchase_orders import services as pos
from tests.purchase_orders.conftest import po_world, syndicate  # noqa: F401 - fixtures


def _send(world, browser):
    po = world["po"]
    db.session.commit()
    browser.login("achats@syndicat.test")
    assert browser.post_form(f"/purchase-orders/{po.id}/send", page=f"/purchase-orders/{po.id}").status_code == 302
    db.session.expire_all()
    return pos.load_purchase_order(po.id)


def test_an_order_x_supplier_receives_the_pdf_a3_and_the_xml(po_world, browser, mailbox, deliver):
    po = _send(po_world, browser)
    assert po.status == "sent"
    [stored] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "purchase_order")).all()
    assert stored.recipient == "commandes@fournisseur.test"  # the order address, not the contact's
    assert deliver().sent >= 1
    [received] = mailbox.to("commandes@fournisseur.test")
    files = {a.get_filename(): a for a in received.attachments()}
    assert set(files) == {f"{po.reference}.pdf", f"{po.reference}.xml"}
    assert files[f"{po.reference}.pdf"].get_content_type() == "application/pdf"
    xml = files[f"{po.reference}.xml"].get_content()
    xml = xml if isinstance(xml, bytes) else xml.encode("utf-8")
    assert orderx.validation_errors(xml) == []  # XSD and schematron, on what the supplier got
    name, embedded = facturx.get_xml_from_pdf(files[f"{po.reference}.pdf"].get_content(), check_xsd=True)
    assert name == "order-x.xml" and embedded == xml
    assert "Order-X" in received.text() and f"{po.reference}.xml" in received.text()
    page = browser.get(f"/purchase-orders/{po.id}").get_data(as_text=True)
    assert "envoyé à commandes@fournisseur.test" in page


def test_a_supplier_without_order_x_gets_the_pdf_at_its_contact_address(po_world, browser, mailbox, deliver):
    supplier = po_world["supplier"]
    supplier.accepts_order_x, supplier.order_email = False, ""
    po = _send(po_world, browser)
    deliver()
    [received] = mailbox.to("contact@fournisseur.test")  # no order address: the contact e-mail
    assert [a.get_filename() for a in received.attachments()] == [f"{po.reference}.pdf"]
    assert "Order-X" not in received.text()
