"""API tokens: issued for an email and password, stored hashed, throttled like the web login, revocable."""
from __future__ import annotations

import hashlib

from sqlalchemy import select

from purchasing.accounts.models import Role
from purchasing.api.models import ApiToken
from purchasing.extensions import db


def _issue(api, email, password="password-123", **extra):
    return api.post("/api/v1/auth/token", json={"email": email, "password": password, **extra})


def test_a_token_is_issued_stored_hashed_and_works(api, make_member, make_user):
    member = make_member(name="Saint-Test")
    user = make_user(role=Role.SECRETARY, member=member, email="sec@x.test")
    response = _issue(api, "SEC@x.test ", name="Script GLPI")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    secret = body["token"]
    assert len(secret) >= 40 and body["name"] == "Script GLPI"
    row = db.session.get(ApiToken, body["id"])
    assert row.user_id == user.id
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest() != secret
    assert db.session.scalar(select(ApiToken).where(ApiToken.token_hash == secret)) is None
    assert row.last_used_dt is None

    me = api.as_(secret).get("/api/v1/me")
    assert me.status_code == 200
    assert me.get_json() == {"email": "sec@x.test", "full_name": user.full_name, "role": "secretary",
                             "member": {"id": member.id, "name": "Saint-Test", "tier": None}}
    db.session.expire_all()
    assert db.session.get(ApiToken, body["id"]).last_used_dt is not None


def test_each_issue_gives_a_new_token(api, make_user):
    make_user(role=Role.ADMIN, email="adm@x.test")
    first, second = (_issue(api, "adm@x.test").get_json()["token"] for _ in range(2))
    assert first != second
    assert api.as_(first).get("/api/v1/me").status_code == 200
    assert api.as_(second).get("/api/v1/me").status_code == 200


def test_wrong_password_or_unknown_email_is_the_same_401(api, make_user):
    make_user(email="known@x.test")
    wrong = _issue(api, "known@x.test", "wrong-password")
    unknown = _issue(api, "nobody@x.test", "wrong-password")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.mimetype == "application/problem+json"
    assert wrong.get_json()["detail"] == unknown.get_json()["detail"]
    assert db.session.scalar(select(ApiToken)) is None


def test_a_disabled_user_gets_no_token_and_its_tokens_stop_working(api, make_user, token_for):
    user = make_user(email="gone@x.test")
    secret = token_for(user)
    user.is_enabled = False
    db.session.commit()
    assert _issue(api, "gone@x.test").status_code == 401
    assert api.as_(secret).get("/api/v1/me").status_code == 401


def test_throttling_is_shared_with_the_web_login(app, api, browser, make_user):
    make_user(email="target@x.test")
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit - 1):  # failures on the web page…
        assert browser.post_form("/login", {"email": "target@x.test", "password": "bad"}).status_code == 401
    locked = _issue(api, "target@x.test", "bad")  # …and the last one through the API
    assert locked.status_code == 429
    assert locked.mimetype == "application/problem+json"
    assert int(locked.headers["Retry-After"]) > 0
    # locked for the right password too, through the API and on the web
    assert _issue(api, "target@x.test").status_code == 429
    assert browser.post_form("/login", {"email": "target@x.test", "password": "password-123"}).status_code == 429


def test_revoking_from_the_account_page(api, browser, make_user, token_for):
    make_user(email="me@x.test")
    secret = token_for(_user("me@x.test"), "Mon script")
    browser.login("me@x.test")
    page = browser.get("/account").get_data(as_text=True)
    assert "Mon script" in page and "Révoquer" in page
    token = db.session.scalar(select(ApiToken).where(ApiToken.name == "Mon script"))
    response = browser.post_form(f"/account/tokens/{token.id}/revoke", page="/account")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).revoked_dt is not None
    revoked = api.as_(secret).get("/api/v1/me")
    assert revoked.status_code == 401 and revoked.mimetype == "application/problem+json"
    assert "Révoqué le" in browser.get("/account").get_data(as_text=True)


def _user(email):
    from purchasing.accounts.models import User

    return db.session.scalar(select(User).where(User.email == email))


def test_a_user_cannot_revoke_someone_elses_token(api, browser, make_user, token_for):
    make_user(email="me@x.test")
    other = make_user(email="other@x.test")
    secret = token_for(other)
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == other.id))
    browser.login("me@x.test")
    assert browser.post_form(f"/account/tokens/{token.id}/revoke", page="/account").status_code == 404
    assert api.as_(secret).get("/api/v1/me").status_code == 200


def test_an_administrator_revokes_a_users_token(api, browser, make_user, token_for):
    make_user(role=Role.ADMIN, email="boss@x.test")
    user = make_user(email="clerk@x.test")
    secret = token_for(user, "Inventaire")
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    browser.login("boss@x.test")
    edit_page = f"/admin/users/{user.id}/edit"
    assert "Inventaire" in browser.get(edit_page).get_data(as_text=True)
    response = browser.post_form(f"/admin/users/{user.id}/tokens/{token.id}/revoke", page=edit_page)
    assert response.status_code == 302
    assert api.as_(secret).get("/api/v1/me").status_code == 401
    # the token must belong to the user of the URL
    other = make_user(email="else@x.test")
    assert browser.post_form(f"/admin/users/{other.id}/tokens/{token.id}/revoke", page=edit_page).status_code == 404


def test_revoke_all_tokens_of_a_user(api, make_user, token_for):
    from purchasing.api.services import revoke_all_tokens

    user = make_user(email="many@x.test")
    secrets_ = [token_for(user) for _ in range(3)]
    assert revoke_all_tokens(user.id) == 3
    db.session.commit()
    assert all(api.as_(s).get("/api/v1/me").status_code == 401 for s in secrets_)
    assert revoke_all_tokens(user.id) == 0
