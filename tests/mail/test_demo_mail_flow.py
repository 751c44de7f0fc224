"""The issue's must-show scenario with a real SMTP server on loopback: on the demo data, a secretary's
order over the threshold reaches the mayor's mailbox with a link that opens it after login; his approval
reaches the secretary; the purchase order reaches the supplier's order address with its PDF (Order-X inside)."""
from __future__ import annotations

from urllib.parse import urlsplit

import facturx
from sqlalchemy import select

from purchasing.demo import load_demo
from purchasing.extensions import db
from purchasing.members.models import Site
from tests.conftest import default_site_id
from purchasing.mail.models import OutboxMessage
from purchasing.orders.models import Order
from purchasing.purchase_orders.models import PurchaseOrder
from tests.demo_helpers import demo_laptop_offer


def _path(url: str) -> str:
    parts = urlsplit(url)
    assert parts.scheme == "http" and parts.netloc == "parc.test", url  # BASE_URL, not the request's Host
    return parts.path


def test_order_approval_and_purchase_order_reach_the_mailboxes(app, browser, mailbox, deliver):
    load_demo(seed=2026)
    # what the demo itself leaves in the outbox: the reuse-pool request waiting for the moyenne commune
    assert deliver().sent == 1
    [asked] = mailbox.to("secretaire@moyenne-commune.demo")
    assert "demande votre équipement" in asked.subject
    mailbox.received.clear()
    offer = demo_laptop_offer()
    browser.login("secretaire@petite-commune.demo", "demo")
    page = f"/catalogue/products/{offer.product_id}"
    assert browser.post_form("/cart/add", {"offer_id": offer.id, "quantity": "2"}, page=page).status_code == 302
    cart = db.session.scalars(select(Order).where(Order.status == "draft")).one()
    assert browser.post_form("/cart", {"delivery_site_id": default_site_id(cart.member_id),
                                       f"qty-{cart.lines[0].id}": "2", "action": "submit"}).status_code == 302
    browser.logout()
    db.session.expire_all()
    order = db.session.get(Order, cart.id)
    assert order.status == "submitted"

    assert mailbox.received == []  # written in the outbox, not sent by the request
    assert deliver().sent == 1
    [request] = mailbox.to("maire@petite-commune.demo")
    assert request.subject == f"Commande {order.reference} à approuver — Saint-Julien-de-Crempse"
    assert "Saint-Julien-de-Crempse" in request.text() and "Saint-Julien-de-Crempse" in request.html()
    [link] = [u for u in request.links() if "/orders/" in u]
    assert _path(link) == f"/orders/{order.id}"
    # the link opens the order after login
    response = browser.get(_path(link))
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login_page = response.headers["Location"]
    next_url = login_page[login_page.index("/login"):]
    response = browser.post_form(next_url, {"email": "maire@petite-commune.demo", "password": "demo"})
    assert response.status_code == 302 and response.headers["Location"] == f"/orders/{order.id}"
    assert order.reference in browser.get(f"/orders/{order.id}").get_data(as_text=True)

    assert browser.post_form(f"/orders/{order.id}/approve", page=f"/orders/{order.id}").status_code == 302
    browser.logout()
    assert deliver().sent == 1
    [approved] = mailbox.to("secretaire@petite-commune.demo")
    assert approved.subject == f"Commande {order.reference} approuvée — Saint-Julien-de-Crempse"
    assert _path(next(u for u in approved.links() if "/orders/" in u)) == f"/orders/{order.id}"

    browser.login("achats@demo.local", "demo")
    browser.post_form("/purchase-orders/create", {"contract_id": offer.contract_id}, page="/purchase-orders/to-place")
    po = db.session.scalars(select(PurchaseOrder).where(PurchaseOrder.status == "draft")).one()  # the demo's are delivered
    assert browser.post_form(f"/purchase-orders/{po.id}/send", page=f"/purchase-orders/{po.id}").status_code == 302
    assert "en file d'attente pour" in browser.get(f"/purchase-orders/{po.id}").get_data(as_text=True)
    assert deliver().sent >= 1
    supplier_email = po.supplier.order_email or po.supplier.contact_email
    assert supplier_email
    [supplier_mail] = mailbox.to(supplier_email)
    assert po.reference in supplier_mail.subject
    attachments = {a.get_filename(): a for a in supplier_mail.attachments()}
    expected = {f"{po.reference}.pdf"} | ({f"{po.reference}.xml"} if po.supplier.accepts_order_x else set())
    assert set(attachments) == expected
    _name, xml = facturx.get_xml_from_pdf(attachments[f"{po.reference}.pdf"].get_content())
    document = xml.decode("utf-8")
    assert po.reference in document and "Saint-Julien-de-Crempse" in document and "Latitude 5430" in document
    site = db.session.get(Site, int(default_site_id(cart.member_id)))
    # the delivery party per line: the member's site with its full address
    assert "<ram:ShipToTradeParty>" in document
    assert f"<ram:PostcodeCode>{site.postal_code}</ram:PostcodeCode>" in document and site.city in document
    page = browser.get(f"/purchase-orders/{po.id}").get_data(as_text=True)
    assert f"envoyé à {supplier_email}" in page
    stored = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "purchase_order")).one()
    assert stored.status == "sent" and stored.sent_dt is not None
