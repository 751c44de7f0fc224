"""Parallel logins on PostgreSQL, each thread its own browser and database connection, as gunicorn workers.

20 wrong passwords at once for one email: every attempt is counted, at most LOGIN_MAX_FAILURES passwords are
checked, the others refused. 8 first attempts at once for an unseen email: no 500 (the throttle row is
upserted, never inserted twice).
"""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.orm import scoped_session, sessionmaker

from purchasing.extensions import db
from purchasing.security.services import email_key
from tests.conftest import Browser, FreshContextClient, csrf_from

pytestmark = pytest.mark.postgres


@pytest.fixture
def threaded_app(app):
    """Real commits on the shared PostgreSQL database, one session per thread; cleaned up afterwards."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL")
    original = db.session
    session = scoped_session(sessionmaker(bind=db.engine, expire_on_commit=False), scopefunc=threading.get_ident)
    db.session = session
    emails: list[str] = []
    try:
        yield app, emails
    finally:
        session.remove()
        db.session = original
        keys = [email_key(e) for e in emails]
        with db.engine.begin() as conn:
            conn.execute(text("DELETE FROM security_event WHERE email_key = ANY(:k) OR user_id IN "
                              "(SELECT id FROM user_account WHERE email = ANY(:e))"), {"k": keys, "e": emails})
            conn.execute(text("DELETE FROM login_throttle WHERE email_key = ANY(:k)"), {"k": keys})
            conn.execute(text("DELETE FROM login_address_throttle WHERE email_key = ANY(:k)"), {"k": keys})
            conn.execute(text("DELETE FROM user_account WHERE email = ANY(:e)"), {"e": emails})


def _parallel_logins(app, email, password, addresses):
    """Each thread opens the login page (its own CSRF token), then all post at the same moment."""
    barrier = threading.Barrier(len(addresses))
    statuses: list[int | str] = [0] * len(addresses)

    def run(index, address):
        try:
            app.test_client_class = FreshContextClient
            browser = Browser(app.test_client())
            token = csrf_from(browser.get("/login").get_data(as_text=True))
            barrier.wait(timeout=20)
            response = browser.client.post("/login", data={"csrf_token": token, "email": email, "password": password},
                                           environ_base={"REMOTE_ADDR": address})
            statuses[index] = response.status_code
        except Exception as error:  # noqa: BLE001 - reported in the statuses, failing the test
            statuses[index] = f"error:{error!r}"

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(addresses)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return statuses


def _outcomes(email):
    with db.engine.connect() as conn:
        return sorted(conn.execute(text("SELECT outcome FROM security_event WHERE kind = 'login' AND email_key = :k"),
                                   {"k": email_key(email)}).scalars())


def _failure_count(email):
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT failure_count FROM login_throttle WHERE email_key = :k"),
                            {"k": email_key(email)}).scalar_one()


def _make_user(email):
    from purchasing.accounts.services import UserData, create_user

    create_user(UserData(email=email, full_name="Course", role="admin", member_id=None), "password-123")
    db.session.commit()
    db.session.remove()


@pytest.mark.parametrize("addresses", ["one address", "twenty addresses"])
def test_twenty_parallel_wrong_passwords_check_at_most_the_limit(threaded_app, addresses, monkeypatch):
    app, emails = threaded_app
    email = f"race-{addresses.split()[0]}@test.local"
    emails.append(email)
    _make_user(email)
    limit = app.config["LOGIN_MAX_FAILURES"]
    monkeypatch.setitem(app.config, "LOGIN_DELAY_SECONDS", 120)  # the race may last longer than 2 s on CI
    sources = ["192.0.2.1"] * 20 if addresses == "one address" else [f"192.0.2.{n + 1}" for n in range(20)]
    statuses = _parallel_logins(app, email, "wrong-password", sources)
    assert sorted(statuses) == [401] * (limit - 1) + [429] * (20 - limit + 1), statuses
    outcomes = _outcomes(email)
    # all 20 counted in the log; exactly `limit` passwords checked, the rest refused unchecked
    assert outcomes == sorted(["failure"] * (limit - 1) + ["locked"] + ["refused"] * (20 - limit)), outcomes
    assert _failure_count(email) == limit


def test_eight_parallel_first_attempts_for_an_unseen_email_never_500(threaded_app):
    app, emails = threaded_app
    email = "never-seen-before@test.local"
    emails.append(email)
    statuses = _parallel_logins(app, email, "whatever", [f"198.51.100.{n + 1}" for n in range(8)])
    assert sorted(statuses) == [401] * 4 + [429] * 4, statuses
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT count(*) FROM login_throttle WHERE email_key = :k"),
                            {"k": email_key(email)}).scalar_one()
    assert rows == 1
    assert len(_outcomes(email)) == 8


def test_parallel_right_and_wrong_passwords_for_one_email(threaded_app):
    """4 right and 4 wrong at once from different addresses: the right ones log in, nothing is lost."""
    app, emails = threaded_app
    email = "mixed-race@test.local"
    emails.append(email)
    _make_user(email)
    barrier_statuses = []
    right = threading.Thread(target=lambda: barrier_statuses.extend(
        _parallel_logins(app, email, "password-123", [f"203.0.113.{n + 1}" for n in range(4)])))
    wrong = threading.Thread(target=lambda: barrier_statuses.extend(
        _parallel_logins(app, email, "bad-password", [f"203.0.113.{n + 11}" for n in range(4)])))
    right.start(), wrong.start()
    right.join(60), wrong.join(60)
    assert sorted(barrier_statuses) == [302] * 4 + [401] * 4, barrier_statuses
    assert len(_outcomes(email)) == 8
