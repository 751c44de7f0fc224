"""Login, logout, lockout, cookies, CSRF and language, through the HTTP client."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from purchasing.accounts.models import LoginAddressThrottle, LoginThrottle
from purchasing.db_types import utcnow
from purchasing.extensions import db


def test_login_page_is_french_with_email_and_password_fields(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="fr">' in html
    assert "Connexion" in html and "Mot de passe" in html
    assert 'name="email"' in html and 'name="password"' in html
    assert re.search(r'<label[^>]*for="email"', html) and re.search(r'<label[^>]*for="password"', html)
    assert 'class="skip-link"' in html and 'id="main"' in html


def test_anonymous_user_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_login_and_logout(browser, make_user):
    make_user(role="admin", email="boss@test.local")
    response = browser.login("BOSS@test.local ")
    assert response.headers["Location"] == "/"
    home = browser.get("/").get_data(as_text=True)
    assert "Bonjour" in home and "Utilisateurs" in home
    browser.logout()
    assert browser.get("/").status_code == 302


def test_session_cookie_is_httponly_and_samesite_lax(browser, make_user):
    make_user(role="admin", email="cookie@test.local")
    response = browser.login("cookie@test.local")
    cookie = response.headers.get("Set-Cookie")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_failed_login_does_not_reveal_whether_the_email_exists(browser, make_user):
    make_user(email="known@test.local")
    wrong_password = browser.post_form("/login", {"email": "known@test.local", "password": "nope"})
    unknown_email = browser.post_form("/login", {"email": "unknown@test.local", "password": "nope"})
    assert wrong_password.status_code == unknown_email.status_code == 401
    message = "Adresse e-mail ou mot de passe incorrect."
    assert message in wrong_password.get_data(as_text=True)
    assert message in unknown_email.get_data(as_text=True)


@pytest.mark.parametrize("email", ["locked@test.local", "nobody@test.local"])
def test_repeated_failures_lock_that_address_for_a_while(browser, make_user, app, email):
    make_user(email="locked@test.local")
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        assert browser.post_form("/login", {"email": email, "password": "bad"}).status_code == 401
    locked = browser.post_form("/login", {"email": email, "password": "bad"})
    assert locked.status_code == 429
    assert "Trop de tentatives" in locked.get_data(as_text=True)
    assert int(locked.headers["Retry-After"]) >= app.config["LOGIN_LOCK_MINUTES"] * 60 - 1
    # Even the right password is refused from this address while locked.
    again = browser.post_form("/login", {"email": email, "password": "password-123"})
    assert again.status_code == 429
    # Once the lock has passed, the right password works again.
    past = utcnow() - timedelta(seconds=1)
    db.session.execute(update(LoginThrottle).values(delayed_until_dt=past))
    db.session.execute(update(LoginAddressThrottle).values(locked_until_dt=past))
    if email == "locked@test.local":
        assert browser.post_form("/login", {"email": email, "password": "password-123"}).status_code == 302


def test_throttle_does_not_store_emails_in_clear(browser):
    browser.post_form("/login", {"email": "secret@test.local", "password": "bad"})
    keys = db.session.scalars(select(LoginThrottle.email_key)).all()
    assert keys and all("secret" not in key for key in keys)


def test_post_without_csrf_token_is_refused(client, make_user):
    make_user(email="csrf@test.local")
    response = client.post("/login", data={"email": "csrf@test.local", "password": "password-123"})
    assert response.status_code == 400
    assert "formulaire a expiré" in response.get_data(as_text=True)


def test_login_with_empty_fields_gives_french_errors(browser):
    response = browser.post_form("/login", {"email": "", "password": ""})
    assert response.status_code == 422
    assert "Saisissez votre adresse e-mail." in response.get_data(as_text=True)


def test_login_does_not_redirect_to_another_site(browser, make_user):
    make_user(email="next@test.local")
    response = browser.post_form("/login?next=https://evil.example/", {"email": "next@test.local",
                                                                     "password": "password-123"}, page="/login")
    assert response.headers["Location"] == "/"


def test_disabled_account_cannot_log_in(browser, make_user):
    user = make_user(email="off@test.local", is_enabled=False)
    response = browser.post_form("/login", {"email": "off@test.local", "password": "password-123"})
    assert response.status_code == 401
    # the same answer as a wrong password: nothing tells that the account exists
    assert "Adresse e-mail ou mot de passe incorrect." in response.get_data(as_text=True)
    # no session was opened: a member page still sends to the login page
    account = browser.get("/account")
    assert account.status_code == 302 and account.headers["Location"].startswith("/login")
    with browser.client.session_transaction() as session:
        assert "_user_id" not in session
    db.session.refresh(user)
    assert user.last_login_dt is None
    # re-enabled, the same credentials open a session
    user.is_enabled = True
    db.session.flush()
    browser.login("off@test.local")
    assert browser.get("/account").status_code == 200


def test_accept_language_english_and_explicit_choice(client, browser):
    html = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in html and "Password" in html
    # The user's choice beats the browser's.
    browser.post_form("/language", {"locale": "fr", "next": "/login"}, page="/login")
    html = client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="fr">' in html


def test_logged_in_user_language_is_remembered(browser, make_user):
    user = make_user(email="lang@test.local")
    browser.login("lang@test.local")
    browser.post_form("/language", {"locale": "en", "next": "/account"}, page="/account")
    db.session.refresh(user)
    assert user.locale == "en"
    assert "My account" in browser.get("/account").get_data(as_text=True)


def test_change_password(browser, make_user):
    make_user(email="pw@test.local")
    browser.login("pw@test.local")
    bad = browser.post_form("/account", {"current_password": "wrong", "new_password": "another-pass-1",
                                         "confirm": "another-pass-1"})
    assert bad.status_code == 422 and "Le mot de passe actuel est incorrect." in bad.get_data(as_text=True)
    ok = browser.post_form("/account", {"current_password": "password-123", "new_password": "another-pass-1",
                                        "confirm": "another-pass-1"})
    assert ok.status_code == 302
    browser.logout()
    browser.login("pw@test.local", "another-pass-1")


def test_health_check(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_unknown_page_is_a_french_404_in_the_layout(client):
    response = client.get("/nowhere")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Page introuvable" in html and 'class="skip-link"' in html


def test_throttle_rows_count(browser):
    before = db.session.scalar(select(func.count(LoginThrottle.id)))
    browser.post_form("/login", {"email": "x@test.local", "password": "bad"})
    browser.post_form("/login", {"email": "x@test.local", "password": "bad"})
    assert db.session.scalar(select(func.count(LoginThrottle.id))) == before + 1


def test_server_error_page_is_in_the_layout():
    from purchasing import create_app

    app = create_app({"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://", "RENDER_500_IN_TESTS": True})

    def boom():
        raise RuntimeError("boom")

    app.add_url_rule("/_boom", "boom", boom)
    response = app.test_client().get("/_boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Erreur interne" in html and 'class="skip-link"' in html and "RuntimeError" not in html
