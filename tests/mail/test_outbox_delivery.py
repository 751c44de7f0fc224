"""The outbox: written with the change (a rollback writes nothing), sent once by a real SMTP server,
kept and retried with backoff while the server is down, given up after too many attempts."""
from __future__ import annotations

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete, select

from purchasing.accounts.models import Role
from purchasing.db_types import utcnow
from purchasing.extensions import db
from purchasing.mail import delivery
from purchasing.mail.models import MessageStatus, OutboxMessage
from purchasing.mail.outbox import enqueue
from purchasing.notifications.models import Notification
from purchasing.orders import services as orders
from tests.mail.conftest import SmtpServer


@pytest.fixture
def order_world(make_member, make_user, make_grid, make_offer):
    """A commune (threshold 500 €), its secretary and mayor, an officer, and a 1 000 € laptop offer."""
    member = make_member(name="Commune du Courrier", approval_threshold_ht=Decimal("500.00"))
    world = {
        "member": member,
        "secretary": make_user(role=Role.SECRETARY, member=member, email="secretaire@courrier.test",
                               full_name="Sophie Secrétaire"),
        "mayor": make_user(role=Role.APPROVER, member=member, email="maire@courrier.test", full_name="Marc Maire"),
        "officer": make_user(role=Role.PURCHASING_OFFICER, email="achats@syndicat.test"),
    }
    make_grid()
    world["offer"] = make_offer(price="1000.00")
    world["offer"].contract.supplier.contact_email = "commandes@fournisseur.test"
    db.session.flush()
    return world


def _submitted_order(world):
    today = date.today()
    orders.add_to_cart(world["secretary"], world["offer"].id, 1, today)
    cart = orders.get_cart(world["secretary"])
    orders.update_cart(cart, {}, "Mairie", "", today)
    return orders.submit_order(cart, world["secretary"], today)


def _rows():
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_a_rolled_back_change_writes_and_sends_nothing(app, order_world, mailbox, deliver):
    db.session.commit()  # the world exists
    order = _submitted_order(order_world)
    assert [m.recipient for m in _rows()] == ["maire@courrier.test"]  # written in the same transaction
    assert order.status == "submitted"
    db.session.rollback()  # the request failed after writing: its messages go with it
    assert _rows() == []
    report = deliver()
    assert report.sent == 0 and mailbox.received == []


def test_a_refused_request_sends_nothing(app, browser, order_world, mailbox, deliver):
    """Sending a purchase order above the contract's ceiling is refused: no supplier mail either."""
    from purchasing.purchase_orders import services as pos

    order = _submitted_order(order_world)
    orders.approve(order, order_world["mayor"])
    contract = order_world["offer"].contract
    contract.max_amount_ht = contract.committed_ht + 1  # the purchase order (1 000 €) no longer fits
    po = pos.create_purchase_order(contract.id, order_world["officer"])
    db.session.commit()
    before = len(_rows())
    browser.login("achats@syndicat.test")
    response = browser.post_form(f"/purchase-orders/{po.id}/send", page=f"/purchase-orders/{po.id}")
    assert response.status_code == 422
    assert len(_rows()) == before
    deliver()
    assert mailbox.to("commandes@fournisseur.test") == []


def test_smtp_down_nothing_lost_and_sent_once_when_back(app, order_world, smtp_port, deliver):
    _submitted_order(order_world)
    db.session.commit()
    now = utcnow()
    report = deliver(now=now)  # nothing listens on the port
    assert report.sent == 0 and report.retried == 1
    [row] = _rows()
    assert row.status == MessageStatus.PENDING and row.attempts == 1 and "Connection" in row.last_error
    assert row.next_attempt_dt == now + timedelta(seconds=app.config["MAIL_RETRY_BASE_SECONDS"])

    server = SmtpServer(smtp_port)
    server.start()
    try:
        assert deliver(now=now + timedelta(seconds=30)).sent == 0  # not due yet (backoff)
        assert deliver(now=now + timedelta(minutes=2)).sent == 1
        assert deliver(now=now + timedelta(hours=1)).sent == 0
        assert len(server.mailbox.to("maire@courrier.test")) == 1
        assert len(server.mailbox.received) == 1
        db.session.expire_all()
        [row] = _rows()
        assert row.status == MessageStatus.SENT and row.attempts == 2 and row.last_error == ""
    finally:
        server.stop()


def test_backoff_grows_then_the_message_is_given_up(app, order_world, smtp_port, deliver, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 3)
    _submitted_order(order_world)
    db.session.commit()
    now = utcnow()
    delays = []
    for _ in range(3):
        report = deliver(now=now)
        db.session.expire_all()
        [row] = _rows()
        if row.status == MessageStatus.PENDING:
            delays.append(row.next_attempt_dt - now)
            now = row.next_attempt_dt
    assert delays == [timedelta(minutes=1), timedelta(minutes=2)]
    assert report.failed == 1 and row.status == MessageStatus.FAILED and row.attempts == 3
    assert deliver(now=now + timedelta(days=1)).retried == 0  # a failed message stays failed


def test_a_purchase_order_mail_that_fails_tells_the_officer(app, browser, order_world, smtp_server, deliver):
    from purchasing.purchase_orders import services as pos

    smtp_server.mailbox.refuse = {"commandes@fournisseur.test"}
    order = _submitted_order(order_world)
    orders.approve(order, order_world["mayor"])
    po = pos.create_purchase_order(order_world["offer"].contract_id, order_world["officer"])
    pos.send_purchase_order(po, order_world["officer"])
    db.session.commit()
    deliver()
    row = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "purchase_order")).one()
    assert row.status == MessageStatus.FAILED and row.attempts == 1 and "550" in row.last_error  # permanent
    texts = db.session.scalars(select(Notification.text).where(Notification.user_id == order_world["officer"].id))
    assert any(po.reference in text and "n'a pas pu être envoyé" in text for text in texts)
    deliver()
    [alert] = smtp_server.mailbox.to("achats@syndicat.test")
    assert po.reference in alert.subject and "550" in alert.text()
    browser.login("achats@syndicat.test")
    page = browser.get(f"/purchase-orders/{po.id}").get_data(as_text=True)
    assert "non remis à commandes@fournisseur.test après 1 tentative(s)" in page


def test_a_deliverer_that_died_mid_send_never_causes_a_second_send(app, order_world, mailbox, deliver):
    _submitted_order(order_world)
    db.session.commit()
    [row] = _rows()
    now = utcnow()
    assert delivery._claim(row.id, now)  # a deliverer claimed it, then died before marking it sent
    assert not delivery._claim(row.id, now)  # nobody else can take it
    assert deliver(now=now + timedelta(seconds=60)).sent == 0  # its claim still runs
    report = deliver(now=now + timedelta(seconds=delivery.CLAIM_SECONDS + 1))
    assert report.interrupted == 1 and report.sent == 0
    db.session.expire_all()
    assert _rows()[0].status == MessageStatus.FAILED and "jamais l'envoyer deux fois" in _rows()[0].last_error
    assert mailbox.received == []


def test_the_same_event_is_written_once_per_recipient(app, order_world):
    kwargs = dict(kind="purchase_order", event_key="purchase_order:999:sent", recipient="x@fournisseur.test",
                  subject="Bon", template="email_changed",
                  context={"user": order_world["secretary"], "member": None, "old_email": "a@b.test"})
    assert enqueue(**kwargs) is not None
    assert enqueue(**kwargs) is None
    assert enqueue(**{**kwargs, "recipient": "y@fournisseur.test"}) is not None
    assert len(_rows()) == 2


def test_without_smtp_settings_messages_are_kept_for_the_administrator(app, browser, order_world, make_user,
                                                                      runner, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    make_user(role=Role.ADMIN, email="admin@s.test")
    order = _submitted_order(order_world)
    db.session.commit()
    result = runner.invoke(args=["mail", "deliver"])
    assert result.exit_code == 0 and "MAIL_SERVER n'est pas configuré" in result.output
    [row] = _rows()
    assert row.status == MessageStatus.PENDING and row.attempts == 0

    browser.login("admin@s.test")
    listing = browser.get("/admin/emails/").get_data(as_text=True)
    assert "E-mails envoyés" in listing and "maire@courrier.test" in listing and order.reference in listing
    page = browser.get(f"/admin/emails/{row.id}").get_data(as_text=True)
    assert f"/orders/{order.id}" in page and "Commune du Courrier" in page
    html = browser.get(f"/admin/emails/{row.id}/html")
    assert html.headers["Content-Security-Policy"].startswith("sandbox")
    assert browser.get("/admin/emails/?status=sent").get_data(as_text=True).count("maire@courrier.test") == 0
    browser.logout()
    browser.login("secretaire@courrier.test")
    assert browser.get("/admin/emails/").status_code == 403
    assert browser.get(f"/admin/emails/{row.id}").status_code == 403


def test_the_deliver_command_reports_what_it_sent(app, order_world, runner, mailbox):
    _submitted_order(order_world)
    db.session.commit()
    result = runner.invoke(args=["mail", "deliver"])
    assert result.exit_code == 0 and "1 envoyé(s)" in result.output
    assert len(mailbox.received) == 1


def test_two_deliverers_at_once_send_each_message_once(_app):
    """Two deliverers in two threads on their own connections, committing for real, on the same rows."""
    from tests.mail.conftest import free_port

    port = free_port()
    server = SmtpServer(port)
    server.start()
    saved = {k: _app.config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT")}
    _app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    ids: list[int] = []
    try:
        with _app.app_context():
            for n in range(30):
                message = enqueue(kind="test", event_key=f"concurrency:{n}", recipient=f"r{n}@test.local",
                                  subject=f"Message {n}", template="email_changed",
                                  context={"user": None, "member": None, "old_email": "a@b.test"})
                ids.append(message.id)
            db.session.commit()
        barrier = threading.Barrier(2)
        reports = []

        def run():
            with _app.app_context():
                barrier.wait(timeout=10)
                reports.append(delivery.deliver_due_messages())
                db.session.remove()

        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sum(r.sent for r in reports) == 30
        assert sorted(server.mailbox.received, key=lambda r: r.rcpt_tos) and len(server.mailbox.received) == 30
        assert len({r.rcpt_tos[0] for r in server.mailbox.received}) == 30
    finally:
        server.stop()
        _app.config.update(saved)
        with _app.app_context():
            db.session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(ids)))
            db.session.commit()


def test_the_consumers_deliver_the_outbox_and_run_the_daily_mail_work(app):
    """The queue's periodic registry holds the outbox delivery (every minute), the scan and the digests."""
    from datetime import datetime

    from purchasing.jobs import queue
    from purchasing.mail import periodic

    schedule, func = queue._PERIODIC["mail_deliver"]
    assert func is periodic.deliver_due_messages
    assert schedule(datetime(2026, 12, 1, 10, 17)) and schedule(datetime(2026, 12, 1, 10, 18))
    scan_schedule, scan_func = queue._PERIODIC["mail_scan"]
    digest_schedule, digest_func = queue._PERIODIC["mail_digest"]
    assert (scan_func, digest_func) == (periodic.daily_scan, periodic.daily_digests)
    assert scan_schedule(datetime(2026, 12, 1, 5, 30)) and not scan_schedule(datetime(2026, 12, 1, 6, 30))
    assert digest_schedule(datetime(2026, 12, 1, 6, 0)) and not digest_schedule(datetime(2026, 12, 1, 5, 30))
