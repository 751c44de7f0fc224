"""Sessions end: logout, a password change, a role change and a deactivation end every session of the user.

Each session cookie carries the user's ``auth_version`` at login; these events increase it, so a copied or
forgotten cookie no longer opens anything. API tokens are revoked on their own and keep working.
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from purchasing.extensions import db
from purchasing.security.models import SecurityEvent
from tests.conftest import Browser, FreshContextClient


@pytest.fixture
def new_browser(app):
    """Another browser (its own cookies) on the same app."""
    def factory():
        app.test_client_class = FreshContextClient
        return Browser(app.test_client())
    return factory


def _session_cookie(browser):
    return browser.client.get_cookie("session").value


def _opens_orders(browser) -> bool:
    response = browser.get("/orders/")
    if response.status_code == 302:
        assert "/login" in response.headers["Location"]
        return False
    assert response.status_code == 200
    return True


@pytest.fixture
def secretary(make_member, make_user):
    return make_user(role="secretary", member=make_member(), email="sessions@commune-test.fr")


def test_a_cookie_replayed_after_logout_no_longer_opens_anything(browser, new_browser, secretary):
    browser.login("sessions@commune-test.fr")
    assert _opens_orders(browser)
    stolen = _session_cookie(browser)
    browser.logout()
    attacker = new_browser()
    attacker.client.set_cookie("session", stolen)
    assert not _opens_orders(attacker)
    browser.client.set_cookie("session", stolen)
    assert not _opens_orders(browser)


def test_logout_ends_the_sessions_on_other_devices_too(browser, new_browser, secretary):
    laptop, phone = browser, new_browser()
    laptop.login("sessions@commune-test.fr")
    phone.login("sessions@commune-test.fr")
    assert _opens_orders(phone)
    laptop.logout()
    assert not _opens_orders(phone)


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(browser, new_browser, secretary):
    other = new_browser()
    other.login("sessions@commune-test.fr")
    browser.login("sessions@commune-test.fr")
    response = browser.post_form("/account", {"current_password": "password-123", "new_password": "new-password-1",
                                              "confirm": "new-password-1"})
    assert response.status_code == 302
    assert _opens_orders(browser)
    assert not _opens_orders(other)
    other.login("sessions@commune-test.fr", "new-password-1")
    assert _opens_orders(other)


@pytest.mark.parametrize("change", ["role", "deactivation", "password"])
def test_an_administrators_change_ends_the_users_sessions(browser, new_browser, make_user, secretary, change):
    make_user(role="admin", email="chief@test.local")
    admin = new_browser()
    admin.login("chief@test.local")
    browser.login("sessions@commune-test.fr")
    assert _opens_orders(browser)
    data = {"email": secretary.email, "full_name": secretary.full_name, "role": "secretary",
            "member_id": str(secretary.member_id), "is_enabled": "y", "locale": "", "password": ""}
    if change == "role":
        data["role"] = "approver"
    elif change == "deactivation":
        del data["is_enabled"]
    else:
        data["password"] = "chosen-by-admin-1"
    response = admin.post_form(f"/admin/users/{secretary.id}/edit", data)
    assert response.status_code == 302, re.findall(r"-error\"[^>]*>([^<]*)", response.get_data(as_text=True))
    assert not _opens_orders(browser)
    assert _opens_orders(admin)  # the administrator's own session goes on
    kind = {"role": "role_change", "deactivation": "deactivation", "password": "password_change"}[change]
    event = db.session.scalars(select(SecurityEvent).where(SecurityEvent.kind == kind,
                                                           SecurityEvent.user_id == secretary.id)).one()
    assert event.actor.email == "chief@test.local"


def test_an_unchanged_save_keeps_the_users_session(browser, new_browser, make_user, secretary):
    make_user(role="admin", email="chief2@test.local")
    admin = new_browser()
    admin.login("chief2@test.local")
    browser.login("sessions@commune-test.fr")
    data = {"email": secretary.email, "full_name": "Nouveau nom", "role": "secretary",
            "member_id": str(secretary.member_id), "is_enabled": "y", "locale": "", "password": ""}
    assert admin.post_form(f"/admin/users/{secretary.id}/edit", data).status_code == 302
    assert _opens_orders(browser)


def test_a_cookie_of_the_old_format_is_refused(browser, secretary, app):
    """Cookies written before session versions (the bare user id) open nothing: users log in again once."""
    from flask.sessions import SecureCookieSessionInterface

    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    browser.client.set_cookie("session", serializer.dumps({"_user_id": str(secretary.id), "_fresh": True}))
    assert not _opens_orders(browser)
    browser.client.set_cookie("session", serializer.dumps({"_user_id": f"{secretary.id}:{secretary.auth_version}",
                                                           "_fresh": True}))
    assert _opens_orders(browser)  # the same cookie with the current version does (the test is not vacuous)


def test_api_tokens_outlive_logout_and_password_change(browser, client, secretary):
    from purchasing.api.services import issue_token

    _token, secret = issue_token(secretary, "script")
    browser.login("sessions@commune-test.fr")
    browser.post_form("/account", {"current_password": "password-123", "new_password": "new-password-1",
                                   "confirm": "new-password-1"})
    browser.logout()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
