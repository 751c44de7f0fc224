"""Login throttling through the HTTP client: a delay per email, a lock per (email, client address).

Nobody can lock someone else out for long: failures from one address lock that address only; the delay
per email grows with the failures, from every address, and a success resets it.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from purchasing.accounts.models import LoginAddressThrottle, LoginThrottle
from purchasing.db_types import utcnow
from purchasing.extensions import db
from purchasing.security.models import SecurityEvent
from purchasing.security.services import email_key


def _attempt(browser, email, password="bad", address="192.0.2.1", **headers):
    return browser.post_form("/login", {"email": email, "password": password}, page="/login",
                             environ_base={"REMOTE_ADDR": address}, headers=headers)


def _end_waits():
    """Time passes: every delay and lock is over (the counters stay)."""
    past = utcnow() - timedelta(seconds=1)
    db.session.execute(update(LoginThrottle).values(delayed_until_dt=past))
    db.session.execute(update(LoginAddressThrottle).values(locked_until_dt=past))


def _email_row(email):
    return db.session.scalars(select(LoginThrottle).where(LoginThrottle.email_key == email_key(email))
                              .execution_options(populate_existing=True)).one()


def test_an_attacker_locks_his_own_address_not_the_owner(app, browser, make_user):
    make_user(email="owner@test.local")
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit - 1):
        assert _attempt(browser, "owner@test.local", address="203.0.113.9").status_code == 401
    assert _attempt(browser, "owner@test.local", address="203.0.113.9").status_code == 429
    # the attacker's address stays locked for LOGIN_LOCK_MINUTES, even with the right password…
    assert _attempt(browser, "owner@test.local", "password-123", address="203.0.113.9").status_code == 429
    # …while the owner, from her own address, only waits the short delay of the email
    row = _email_row("owner@test.local")
    assert row.delayed_until_dt - utcnow() <= timedelta(seconds=app.config["LOGIN_DELAY_SECONDS"])
    _end_waits()
    db.session.execute(update(LoginAddressThrottle).where(LoginAddressThrottle.client_address == "203.0.113.9")
                       .values(locked_until_dt=utcnow() + timedelta(minutes=10)))
    assert _attempt(browser, "owner@test.local", "password-123", address="198.51.100.7").status_code == 302


def test_the_delay_per_email_doubles_from_any_address_up_to_its_maximum(app, browser, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_DELAY_SECONDS", 16)
    limit, base = app.config["LOGIN_MAX_FAILURES"], app.config["LOGIN_DELAY_SECONDS"]
    delays = []
    for n in range(limit + 4):
        response = _attempt(browser, "target@test.local", address=f"198.51.100.{n + 1}")  # a new address each time
        row = _email_row("target@test.local")
        assert row.failure_count == n + 1
        if n + 1 < limit:
            assert response.status_code == 401 and row.delayed_until_dt is None
        else:
            assert response.status_code == 429
            assert "Réessayez dans" in response.get_data(as_text=True)
            delays.append((row.delayed_until_dt - row.last_failure_dt).total_seconds())  # both from one request
            assert 0 < int(response.headers["Retry-After"]) <= delays[-1] + 1
            _end_waits()
    assert delays == [base, base * 2, base * 4, 16, 16]


def test_attempts_during_the_delay_are_refused_unchecked_and_do_not_extend_it(app, browser, make_user):
    make_user(email="patient@test.local")
    for n in range(app.config["LOGIN_MAX_FAILURES"]):
        _attempt(browser, "patient@test.local", address=f"198.51.100.{n + 1}")
    delayed_until = _email_row("patient@test.local").delayed_until_dt
    # the right password, during the delay, from a fresh address: refused without being checked
    refused = _attempt(browser, "patient@test.local", "password-123", address="192.0.2.200")
    assert refused.status_code == 429
    row = _email_row("patient@test.local")
    assert row.failure_count == app.config["LOGIN_MAX_FAILURES"] and row.delayed_until_dt == delayed_until
    outcomes = db.session.scalars(select(SecurityEvent.outcome).where(
        SecurityEvent.email_key == email_key("patient@test.local"), SecurityEvent.kind == "login")
        .order_by(SecurityEvent.id)).all()
    assert outcomes == ["failure"] * (app.config["LOGIN_MAX_FAILURES"] - 1) + ["locked", "refused"]
    # after the delay, the right password works and resets the email's count
    _end_waits()
    assert _attempt(browser, "patient@test.local", "password-123", address="192.0.2.200").status_code == 302
    row = _email_row("patient@test.local")
    assert row.failure_count == 0 and row.delayed_until_dt is None


def test_old_failures_are_forgotten(app, browser):
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        _attempt(browser, "forgetful@test.local")
    hours = app.config["LOGIN_FAILURE_MEMORY_HOURS"]
    db.session.execute(update(LoginThrottle).values(last_failure_dt=utcnow() - timedelta(hours=hours, minutes=1)))
    db.session.execute(update(LoginAddressThrottle).values(
        last_failure_dt=utcnow() - timedelta(hours=hours, minutes=1)))
    assert _attempt(browser, "forgetful@test.local").status_code == 401
    assert _email_row("forgetful@test.local").failure_count == 1


def test_unknown_and_known_emails_get_the_same_answers(app, browser, make_user):
    make_user(email="exists@test.local")
    answers = {}
    for email in ("exists@test.local", "ghost@test.local"):
        statuses = [_attempt(browser, email).status_code for _ in range(app.config["LOGIN_MAX_FAILURES"] + 1)]
        last = _attempt(browser, email)
        answers[email] = (statuses, last.status_code, last.headers.get("Retry-After"),
                          "Trop de tentatives de connexion pour cette adresse e-mail" in last.get_data(as_text=True))
    assert answers["exists@test.local"] == answers["ghost@test.local"]


def test_a_forged_forwarded_for_header_is_ignored_without_trusted_proxies(app, browser, make_user):
    """TRUSTED_PROXIES = 0 (the default): X-Forwarded-For cannot give each attempt a new address."""
    make_user(email="spoof@test.local")
    for n in range(app.config["LOGIN_MAX_FAILURES"]):
        _attempt(browser, "spoof@test.local", address="192.0.2.50", **{"X-Forwarded-For": f"10.9.9.{n}"})
    _end_waits()
    db.session.execute(update(LoginAddressThrottle).values(locked_until_dt=utcnow() + timedelta(minutes=10)))
    response = _attempt(browser, "spoof@test.local", "password-123", address="192.0.2.50",
                        **{"X-Forwarded-For": "10.9.9.99"})
    assert response.status_code == 429
    addresses = set(db.session.scalars(select(LoginAddressThrottle.client_address).where(
        LoginAddressThrottle.email_key == email_key("spoof@test.local"))))
    assert addresses == {"192.0.2.50"}


def test_trusted_proxies_give_the_client_address_from_forwarded_for():
    """TRUSTED_PROXIES = 1: the address the last proxy saw; the entries a client wrote before are not trusted."""
    from purchasing import create_app
    from purchasing.security.services import client_address

    for proxies, expected in ((0, "10.0.0.1"), (1, "198.51.100.20"), (2, "203.0.113.5")):
        app = create_app({"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://", "TRUSTED_PROXIES": proxies})
        app.add_url_rule("/_address", "address", lambda: client_address())
        answer = app.test_client().get("/_address", environ_base={"REMOTE_ADDR": "10.0.0.1"},
                                       headers={"X-Forwarded-For": "203.0.113.5, 198.51.100.20"})
        assert answer.get_data(as_text=True) == expected, proxies


def test_the_api_token_endpoint_is_throttled_the_same_way(app, client, make_user):
    make_user(email="script@test.local")
    statuses = [client.post("/api/v1/auth/token", json={"email": "script@test.local", "password": "bad"},
                            environ_base={"REMOTE_ADDR": "192.0.2.77"}).status_code
                for _ in range(app.config["LOGIN_MAX_FAILURES"])]
    assert statuses == [401] * (app.config["LOGIN_MAX_FAILURES"] - 1) + [429]
    refused = client.post("/api/v1/auth/token", json={"email": "script@test.local", "password": "password-123"},
                          environ_base={"REMOTE_ADDR": "192.0.2.77"})
    assert refused.status_code == 429 and refused.mimetype == "application/problem+json"
    assert int(refused.headers["Retry-After"]) > 60
    assert "Trop de tentatives" in refused.get_json()["detail"]
    _end_waits()
    db.session.execute(update(LoginAddressThrottle).values(locked_until_dt=utcnow() + timedelta(minutes=10)))
    ok = client.post("/api/v1/auth/token", json={"email": "script@test.local", "password": "password-123"},
                     environ_base={"REMOTE_ADDR": "192.0.2.78"})
    assert ok.status_code == 201
