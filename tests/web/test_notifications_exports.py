"""Notifications for the people concerned, and the orders export by member and period."""
import io
from datetime import date, timedelta
from decimal import Decimal
from html import unescape

import pandas as pd
from sqlalchemy import select

from purchasing.extensions import db
from purchasing.notifications.models import Notification
from purchasing.orders import services as orders


def _submitted_order(make_grid, make_offer, make_member, make_user, threshold=None, site="Mairie"):
    make_grid()
    member = make_member(population=412, approval_threshold_ht=threshold or Decimal("0.00"))
    secretary = make_user(role="secretary", member=member, email="sec@a.test")
    approver = make_user(role="approver", member=member, email="maire@a.test")
    offer = make_offer(price="100.00", attributes={"ram_gb": 16})
    orders.add_to_cart(secretary, offer.id, 1, date.today())
    cart = orders.get_cart(secretary)
    orders.update_cart(cart, {}, site, "", date.today())
    orders.submit_order(cart, secretary, date.today())
    return cart, secretary, approver, offer


def test_approver_then_secretary_and_officers_are_notified(make_grid, make_offer, make_member, make_user, browser):
    officer = make_user(role="purchasing_officer", email="po@s.test")
    order, secretary, approver, _offer = _submitted_order(make_grid, make_offer, make_member, make_user)
    browser.login("maire@a.test")
    home = unescape(browser.get("/").get_data(as_text=True))
    assert "Notifications 1" in " ".join(home.split()).replace("<span class=\"badge nav-count\">", "")
    page = unescape(browser.get("/notifications/").get_data(as_text=True))
    assert f"Commande {order.reference} à approuver" in page
    assert browser.post_form("/notifications/read", page="/notifications/").status_code == 302
    assert db.session.scalars(select(Notification).where(Notification.user_id == approver.id,
                                                         Notification.is_read.is_(False))).first() is None
    assert browser.post_form(f"/orders/{order.id}/approve", page=f"/orders/{order.id}").status_code == 302
    texts = {n.user_id: n.text for n in db.session.scalars(select(Notification))}
    assert "approuvée" in texts[secretary.id] and "à passer au fournisseur" in texts[officer.id]


def test_orders_export_by_member_and_period_is_formula_safe(make_grid, make_offer, make_member, make_user, browser):
    order, *_rest = _submitted_order(make_grid, make_offer, make_member, make_user, site="@SOMME(A1)")
    make_user(role="admin", email="admin@s.test")
    browser.login("admin@s.test")
    today = date.today()
    response = browser.get(f"/orders/export?fmt=xlsx&member={order.member_id}&start={today}&end={today}")
    frame = pd.read_excel(io.BytesIO(response.data))
    assert list(frame["Commande"]) == [order.reference] and list(frame["Lieu de livraison"]) == ["'@SOMME(A1)"]
    later = today + timedelta(days=1)
    csv = browser.get(f"/orders/export?fmt=csv&start={later}").get_data(as_text=True)
    assert order.reference not in csv and "Commande" in csv
    assert browser.get("/orders/export?fmt=pdf").status_code == 422


def test_product_page_lists_typed_attributes(make_grid, make_offer, make_member, make_user, browser):
    _order, _sec, _appr, offer = _submitted_order(make_grid, make_offer, make_member, make_user)
    browser.login("sec@a.test")
    html = unescape(browser.get(f"/catalogue/products/{offer.product_id}").get_data(as_text=True))
    assert "Mémoire vive" in html and "16 Go" in html


def _unread(user) -> list[str]:
    return [n.text for n in db.session.scalars(select(Notification).where(Notification.user_id == user.id,
                                                                          Notification.is_read.is_(False)))]


def test_a_request_stops_being_new_once_the_decision_is_taken(make_grid, make_offer, make_member, make_user,
                                                               browser):
    order, secretary, approver, _offer = _submitted_order(make_grid, make_offer, make_member, make_user)
    deputy = make_user(role="approver", member=order.member, email="adjoint@a.test")
    other_member_approver = make_user(role="approver", member=make_member(), email="maire@b.test")
    db.session.commit()
    (request,) = _unread(approver)
    assert request.startswith(f"Commande {order.reference} à approuver")
    browser.login("adjoint@a.test")
    assert browser.post_form(f"/orders/{order.id}/approve", page=f"/orders/{order.id}").status_code == 302
    db.session.expire_all()
    # the mayor, who did not decide, no longer sees the request as new; nothing else was touched
    assert _unread(approver) == _unread(deputy) == []
    browser.logout()
    browser.login("maire@a.test")
    page = unescape(browser.get("/notifications/").get_data(as_text=True))
    assert f"Commande {order.reference} à approuver" in page and "Nouveau" not in page
    assert _unread(secretary) == [f"Commande {order.reference} approuvée."]
    assert _unread(other_member_approver) == []


def test_a_rejected_or_cancelled_order_settles_its_request(make_grid, make_offer, make_member, make_user):
    order, secretary, approver, _offer = _submitted_order(make_grid, make_offer, make_member, make_user)
    deputy = make_user(role="approver", member=order.member, email="adjoint@a.test")
    orders.reject(order, deputy, "Budget épuisé")
    assert _unread(approver) == []
    assert _unread(secretary) == [f"Commande {order.reference} refusée : Budget épuisé"]
