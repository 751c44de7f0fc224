"""Request log lines, server errors with their traceback, and the security log the administrator reads."""
from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from purchasing.db_types import utcnow
from purchasing.extensions import db
from purchasing.security.models import SecurityEvent


@pytest.fixture
def request_lines(caplog):
    caplog.set_level(logging.INFO, logger="purchasing.requests")
    return lambda: [r.getMessage() for r in caplog.records if r.name == "purchasing.requests"]


def test_one_line_per_request_with_its_id_user_member_status_and_duration(browser, make_member, make_user,
                                                                          request_lines):
    member = make_member()
    user = make_user(role="secretary", member=member, email="lines@test.local")
    browser.login("lines@test.local")
    response = browser.get("/orders/", headers={"X-Request-ID": "lb-7f3a.42"})
    assert response.headers["X-Request-ID"] == "lb-7f3a.42"
    line = request_lines()[-1]
    assert line.startswith("request_id=lb-7f3a.42 method=GET path=/orders/ endpoint=orders.index status=200 ")
    assert re.search(r" duration_ms=\d+\.\d ", line)
    assert line.endswith(f"user={user.id} member={member.id}")


def test_a_request_id_is_generated_when_none_or_a_bad_one_is_sent(client, request_lines):
    for headers in ({}, {"X-Request-ID": "bad id; user=1 status=200"}, {"X-Request-ID": "x" * 65}):
        response = client.get("/login", headers=headers)
        generated = response.headers["X-Request-ID"]
        assert re.fullmatch(r"[0-9a-f]{32}", generated)
        assert request_lines()[-1].startswith(f"request_id={generated} method=GET path=/login ")


def test_a_server_error_is_logged_to_stderr_with_its_traceback(capsys):
    from purchasing import create_app

    app = create_app({"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://", "RENDER_500_IN_TESTS": True})

    def boom():
        raise RuntimeError("boom in a view")

    app.add_url_rule("/_boom", "boom", boom)
    response = app.test_client().get("/_boom", headers={"X-Request-ID": "err-1"})
    assert response.status_code == 500 and response.headers["X-Request-ID"] == "err-1"
    err = capsys.readouterr().err
    # gunicorn's error-log format: "[date] [pid] [LEVEL] name: message"
    assert re.search(r"^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}\] \[\d+\] \[ERROR\] purchasing\.errors: "
                     r"unhandled error request_id=err-1 method=GET path=/_boom$", err, re.M), err
    assert "Traceback (most recent call last)" in err and "RuntimeError: boom in a view" in err


# --- the security log --------------------------------------------------------------------------------

def _events(**where):
    stmt = select(SecurityEvent).order_by(SecurityEvent.id)
    for key, value in where.items():
        stmt = stmt.where(getattr(SecurityEvent, key) == value)
    return db.session.scalars(stmt.execution_options(populate_existing=True)).all()


def test_logins_and_failures_are_recorded_with_address_and_request_id(browser, make_user):
    user = make_user(email="audit@test.local")
    failed = browser.post_form("/login", {"email": "audit@test.local", "password": "bad"},
                               environ_base={"REMOTE_ADDR": "192.0.2.10"})
    assert failed.status_code == 401
    ok = browser.post_form("/login", {"email": "audit@test.local", "password": "password-123"},
                           environ_base={"REMOTE_ADDR": "192.0.2.11"})
    assert ok.status_code == 302
    failure, success = _events(kind="login", user_id=user.id)
    # the failure was committed although the login failed (the request's only write)
    assert (failure.outcome, failure.client_address, failure.request_id, failure.channel) == (
        "failure", "192.0.2.10", failed.headers["X-Request-ID"], "web")
    assert "mot de passe erroné" in failure.detail
    assert (success.outcome, success.client_address, success.actor_id) == ("success", "192.0.2.11", user.id)
    assert success.created_dt >= failure.created_dt


def test_token_creation_revocation_and_logout_are_recorded(browser, client, make_user):
    from purchasing.api.models import ApiToken

    user = make_user(email="tokens@test.local")
    created = client.post("/api/v1/auth/token", json={"email": "tokens@test.local", "password": "password-123",
                                                      "name": "GLPI"})
    assert created.status_code == 201
    browser.login("tokens@test.local")
    token = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).one()
    browser.post_form(f"/account/tokens/{token.id}/revoke", page="/account")
    browser.logout()
    kinds = [(e.kind, e.channel) for e in _events(user_id=user.id)]
    assert kinds == [("user_creation", "cli"), ("login", "api"), ("token_creation", "api"), ("login", "web"),
                     ("token_revocation", "web"), ("logout", "web")]


@pytest.fixture
def admin(browser, make_user):
    make_user(role="admin", email="reader@test.local")
    browser.login("reader@test.local")
    return browser


def test_the_administrator_reads_and_filters_the_security_log(admin, browser, make_user, client):
    target = make_user(email="filtered@test.local")
    for email in ("filtered@test.local", "nobody-here@test.local"):
        client.post("/api/v1/auth/token", json={"email": email, "password": "bad"})
    page = admin.get("/admin/security-log/").get_data(as_text=True)
    assert "Journal de sécurité" in page and "Échec" in page and "adresse sans compte" in page
    assert 'href="/admin/security-log/"' in page  # in the administrator's menu
    # by kind and outcome
    failures = admin.get("/admin/security-log/?kind=login&outcome=failure").get_data(as_text=True)
    assert "filtered@test.local" in failures and "reader@test.local" not in failures
    # by user, and by an email without an account (matched through its hash, never stored in clear)
    mine = admin.get("/admin/security-log/?who=filtered@test.local").get_data(as_text=True)
    assert mine.count("<tr>") - 1 == len(_events(user_id=target.id))
    ghost = admin.get("/admin/security-log/?who=Nobody-Here@test.local").get_data(as_text=True)
    assert ghost.count("<tr>") - 1 == 1 and "adresse sans compte" in ghost
    assert not db.session.scalar(select(SecurityEvent.id).where(SecurityEvent.detail.contains("nobody-here")))
    # by date: yesterday's events only
    db.session.execute(update(SecurityEvent).where(SecurityEvent.user_id == target.id)
                       .values(created_dt=utcnow() - timedelta(days=1)))
    yesterday = (utcnow() - timedelta(days=1)).date().isoformat()
    old = admin.get(f"/admin/security-log/?since={yesterday}&until={yesterday}").get_data(as_text=True)
    assert "filtered@test.local" in old and "nobody-here" not in old and "reader@test.local" not in old
    # a bad filter is a French error, not a 500
    bad = admin.get("/admin/security-log/?since=hier&kind=nope")
    assert bad.status_code == 200 and "Not a valid" not in bad.get_data(as_text=True)


def test_the_security_log_is_paginated(admin, app):
    from purchasing.security import services

    for _ in range(app.config["ITEMS_PER_PAGE"] + 3):
        services.record("logout")
    db.session.commit()
    first = admin.get("/admin/security-log/").get_data(as_text=True)
    assert "Page 1 sur 2" in first and 'rel="next"' in first
    assert admin.get("/admin/security-log/?page=2").status_code == 200


def test_role_change_and_deactivation_are_recorded_with_who_did_it(admin, make_member, make_user):
    member = make_member()
    user = make_user(role="secretary", member=member, email="moved@commune-test.fr")
    data = {"email": user.email, "full_name": user.full_name, "role": "approver", "member_id": str(member.id),
            "locale": "", "password": ""}
    assert admin.post_form(f"/admin/users/{user.id}/edit", data).status_code == 302
    events = {e.kind: e for e in _events(user_id=user.id)}
    assert events["role_change"].detail == "secretary → approver"
    assert events["deactivation"].actor.email == "reader@test.local"


def test_prune_keeps_recent_events_and_running_locks(app, runner, browser):
    from purchasing.accounts.models import LoginAddressThrottle, LoginThrottle
    from purchasing.security import services

    old = services.record("logout")
    recent = services.record("logout")
    old.created_dt = utcnow() - timedelta(days=400)
    db.session.flush()
    old_id, recent_id = old.id, recent.id
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):  # a running lock for this email: kept
        browser.post_form("/login", {"email": "locked-now@test.local", "password": "bad"})
    browser.post_form("/login", {"email": "idle@test.local", "password": "bad"})  # forgotten below
    db.session.execute(update(LoginThrottle).where(LoginThrottle.email_key == services.email_key("idle@test.local"))
                       .values(last_failure_dt=utcnow() - timedelta(days=2)))
    db.session.execute(update(LoginAddressThrottle)
                       .where(LoginAddressThrottle.email_key == services.email_key("idle@test.local"))
                       .values(last_failure_dt=utcnow() - timedelta(days=2)))
    result = runner.invoke(args=["security", "prune", "--days", "365"])
    assert result.exit_code == 0, result.output
    assert "1 événement(s) de sécurité et 2 compteur(s) de connexion supprimés." in result.output
    ids = set(db.session.scalars(select(SecurityEvent.id)))
    assert old_id not in ids and recent_id in ids
    keys = set(db.session.scalars(select(LoginThrottle.email_key)))
    assert services.email_key("locked-now@test.local") in keys and services.email_key("idle@test.local") not in keys
