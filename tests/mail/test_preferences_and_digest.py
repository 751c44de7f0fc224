"""Each user chooses per kind: immediately, in the daily digest, or never; on "Mon compte" and in the API."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from purchasing.accounts.models import Role
from purchasing.db_types import utcnow
from purchasing.extensions import db
from purchasing.mail.digest import build_digests
from purchasing.mail.models import MessageStatus, OutboxMessage
from purchasing.mail.preferences import preferences_of
from purchasing.orders import services as orders


@pytest.fixture
def world(make_member, make_user, make_grid, make_offer):
    member = make_member(name="Commune des Choix", approval_threshold_ht=Decimal("500.00"))
    make_grid()
    return {"member": member, "offer": make_offer(price="1000.00"),
            "secretary": make_user(role=Role.SECRETARY, member=member, email="secretaire@choix.test"),
            "mayor": make_user(role=Role.APPROVER, member=member, email="maire@choix.test")}


def _order(world):
    today = date.today()
    orders.add_to_cart(world["secretary"], world["offer"].id, 1, today)
    cart = orders.get_cart(world["secretary"])
    orders.update_cart(cart, {}, "Mairie", "", today)
    return orders.submit_order(cart, world["secretary"], today)


def _messages_to(address):
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == address)
                              .order_by(OutboxMessage.id)).all()


def test_defaults_approval_requests_immediately(world):
    prefs = preferences_of(world["mayor"])
    assert prefs["approval_requested"] == "immediate"
    assert "contract_alert" not in prefs  # an approver never receives it: not offered
    assert preferences_of(world["secretary"])["warranty"] == "digest"
    _order(world)
    [message] = _messages_to("maire@choix.test")
    assert message.status == MessageStatus.PENDING


def test_the_account_page_form_changes_the_choices(world, browser):
    browser.login("maire@choix.test")
    page = browser.get("/account").get_data(as_text=True)
    assert "Notifications par e-mail" in page and "Commande à approuver" in page
    response = browser.post_form("/account/notifications", {"pref-approval_requested": "off",
                                                            "pref-order_decided": "digest"}, page="/account")
    assert response.status_code == 302
    assert preferences_of(world["mayor"])["approval_requested"] == "off"
    _order(world)
    assert _messages_to("maire@choix.test") == []  # "never": nothing written
    response = browser.post_form("/account/notifications", {"pref-approval_requested": "bogus"}, page="/account")
    assert response.status_code == 302
    assert preferences_of(world["mayor"])["approval_requested"] == "off"  # an invalid choice changes nothing


def test_digest_one_message_per_user_and_day(world, runner, mailbox, deliver):
    from purchasing.mail.preferences import set_preferences

    set_preferences(world["mayor"], {"approval_requested": "digest"})
    first, second = _order(world), _order(world)
    db.session.commit()
    held = _messages_to("maire@choix.test")
    assert [m.status for m in held] == [MessageStatus.DIGEST, MessageStatus.DIGEST]
    assert deliver().sent == 0  # digest items are not sent one by one
    result = runner.invoke(args=["mail", "digest"])
    assert result.exit_code == 0 and "1 résumé(s), 2 message(s)" in result.output
    assert deliver().sent == 1
    [digest] = mailbox.to("maire@choix.test")
    assert "résumé" in digest.subject and "2 messages" in digest.subject
    assert first.reference in digest.text() and second.reference in digest.text()
    assert f"http://parc.test/orders/{first.id}" in digest.text()
    # the same day again: nothing new; an item held afterwards waits for tomorrow's digest
    third = _order(world)
    assert build_digests().users == 0
    tomorrow = build_digests(now=utcnow() + timedelta(days=1))
    assert tomorrow.users == 1 and tomorrow.items == 1
    deliver()
    assert third.reference in mailbox.to("maire@choix.test")[-1].text()

