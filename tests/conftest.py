"""Shared fixtures: one migrated database per test session, one rolled-back transaction per test.

The database is SQLite in a temporary folder, or PostgreSQL when TEST_DATABASE_URL is set
(e.g. postgresql://postgres@127.0.0.1:5432/test). With CI set, an unreachable PostgreSQL fails the run.
"""
from __future__ import annotations

import os
import re
from decimal import Decimal
from datetime import date

import pytest
from sqlalchemy import create_engine, text
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session as FlaskSession

from purchasing import create_app
from purchasing.config import normalise_database_url
from purchasing.extensions import db

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


def pytest_addoption(parser):
    parser.addoption("--run-slow", action="store_true", default=False,
                     help="also run the tests marked slow (the hostile-parameter walk); or set RUN_SLOW=1")


def pytest_collection_modifyitems(config, items):
    """Slow tests are opt-in: the README's ``python -m pytest`` (and CI's database passes) leave them out.

    Not done with ``-m`` in addopts: CI sets PYTEST_ADDOPTS="-m 'not e2e'", which would override it.
    """
    if config.getoption("--run-slow") or os.environ.get("RUN_SLOW") == "1":
        return
    skip = pytest.mark.skip(reason="slow: run with --run-slow or RUN_SLOW=1")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


def _reset_postgres(url: str) -> None:
    engine = create_engine(normalise_database_url(url))
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    if TEST_DATABASE_URL:
        try:
            _reset_postgres(TEST_DATABASE_URL)
        except Exception as error:  # pragma: no cover - depends on the machine
            pytest.exit(f"PostgreSQL unreachable at TEST_DATABASE_URL: {error}", returncode=3)
        return normalise_database_url(TEST_DATABASE_URL)
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")


@pytest.fixture(scope="session")
def _app(database_url, tmp_path_factory):
    app = create_app({
        "ENV_NAME": "test",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "STORAGE_PATH": str(tmp_path_factory.mktemp("storage")),  # stored files: never the instance folder
    })
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


class _ConnectionBoundSession(FlaskSession):
    """Flask-SQLAlchemy's session picks the engine itself; in tests it must use the test's connection."""

    def get_bind(self, *args, **kwargs):
        return self.bind


@pytest.fixture
def app(_app):
    """The app with a per-test transaction: whatever a test or its requests commit is rolled back."""
    with _app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        original_session = db.session
        # Commits in views and services release a SAVEPOINT only.
        db.session = db._make_scoped_session({"bind": connection, "join_transaction_mode": "create_savepoint",
                                              "class_": _ConnectionBoundSession})
        try:
            yield _app
        finally:
            db.session.remove()
            db.session = original_session
            if transaction.is_active:
                transaction.rollback()
            connection.close()


class FreshContextClient(FlaskClient):
    """Each request gets its own app context (own ``g``, own session), as in production.

    Without it, Flask reuses the test's app context for requests, sharing ``g`` (the cached CSRF
    token) and the database session between requests.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = FreshContextClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def is_postgres(app) -> bool:
    return db.engine.dialect.name == "postgresql"


# --- helpers -----------------------------------------------------------------------------------

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1) or match.group(2)


class Browser:
    """A test client that behaves like a browser: it reads the CSRF token of the page it posts from."""

    def __init__(self, client):
        self.client = client

    def get(self, url, **kw):
        return self.client.get(url, **kw)

    def post_form(self, url, data=None, *, page=None, **kw):
        page_html = self.client.get(page or url).get_data(as_text=True)
        payload = {"csrf_token": csrf_from(page_html)}
        payload.update(data or {})
        return self.client.post(url, data=payload, **kw)

    def login(self, email, password="password-123"):
        response = self.post_form("/login", {"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return response

    def logout(self):
        return self.post_form("/logout", page="/")


@pytest.fixture
def browser(client):
    return Browser(client)


_counter = {"n": 0}


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


def billing_siret_for(siren: str):
    """The member's main-budget SIRET (NIC 0001 and its Luhn key), used for billing."""
    from purchasing.domain.identifiers import luhn_check_digit
    from purchasing.members.models import MemberSiret

    body = siren + "0001"
    return MemberSiret(siret=body + luhn_check_digit(body), label="Budget principal", is_billing=True)


def default_site_id(member) -> str:
    """The id (as a form sends it) of the member's default delivery site."""
    from sqlalchemy import select

    from purchasing.members.models import Site

    member_id = getattr(member, "id", member)
    return str(db.session.scalar(select(Site.id).where(Site.member_id == member_id, Site.is_default.is_(True))))


@pytest.fixture
def make_member(app):
    from purchasing.domain.identifiers import luhn_check_digit
    from purchasing.members.models import Member, Site, fold_for_search

    def factory(**kw):
        """``billing_siret=False``: a member without a billing SIRET (every real member has one: its SIREN + 0001)."""
        n = _next()
        body = f"{99000000 + n:08d}"
        data = dict(kind="commune", name=f"Commune test {n}", siren=body + luhn_check_digit(body),
                    insee_code=f"{(n % 89) + 1:02d}{n % 1000:03d}" if kw.get("kind", "commune") == "commune" else None,
                    population=500, approval_threshold_ht=Decimal("1000.00"), joined_on=date(2020, 1, 1),
                    is_active=True)
        billing = kw.pop("billing_siret", True)
        data.update(kw)
        if data["insee_code"] and data["insee_code"][:2] == "20":
            data["insee_code"] = "21" + data["insee_code"][2:]
        member = Member(search_name=fold_for_search(data["name"]), **data)
        if billing:  # a member may order only with a billing SIRET (issue 12): the usual test member has one
            member.sirets.append(billing_siret_for(member.siren))
        db.session.add(member)
        db.session.flush()
        if kw.get("kind", "commune") == "commune" and billing:  # and its town hall as default delivery site
            db.session.add(Site(member_id=member.id, name="Mairie", name_key="mairie", address="1 place de la Mairie",
                                postal_code="24000", city=member.name, is_default=True))
            db.session.flush()
        return member

    return factory


@pytest.fixture
def make_user(app):
    from purchasing.accounts.services import UserData, create_user

    def factory(role="secretary", member=None, email=None, password="password-123", **kw):
        n = _next()
        return create_user(UserData(email=email or f"user{n}@test.local", full_name=kw.pop("full_name", f"User {n}"),
                                    role=role, member_id=member.id if member else None, **kw), password)

    return factory


# --- catalogue, pricing and orders -------------------------------------------------------------

@pytest.fixture
def make_grid(app):
    """A tariff grid: <500: 2 %, 500-999: 3 %, 1000-3499: 5 %, 3500-9999: 7 %, >=10000: 9 % (overridable)."""
    from purchasing.pricing.services import BandData, create_grid_version

    def factory(effective_from=date(2025, 1, 1), rates=("0.02", "0.03", "0.05", "0.07", "0.09"),
                deliberation="Délibération n° 2025-14 du comité syndical du 12 juin 2025"):
        limits = [(0, 499), (500, 999), (1000, 3499), (3500, 9999), (10000, None)]
        bands = [BandData(f"tranche {low}", low, high, Decimal(rate)) for (low, high), rate in zip(limits, rates)]
        return create_grid_version(effective_from, deliberation, bands)

    return factory


def _syndicate_identity():
    """The syndicate's identity, filled when still incomplete (a contract's purchase orders name it as buyer)."""
    from purchasing.domain.identifiers import luhn_check_digit
    from purchasing.syndicate.services import current_identity

    identity = current_identity()
    if not identity.is_complete:
        siren = "25240001" + luhn_check_digit("25240001")
        identity.name, identity.siret = "Syndicat de test", siren + "0001" + luhn_check_digit(siren + "0001")
        identity.address, identity.postal_code, identity.city = "2 place Hoche", "24000", "Périgueux"
        identity.signatory_name, identity.signatory_title = "Claire Dumas", "Présidente"
        db.session.flush()
    return identity


@pytest.fixture
def make_offer(app):
    """A product with one offer under an active contract (price breaks: ≥10 and ≥50 by default)."""
    from sqlalchemy import select

    from purchasing.catalogue.models import Category, Offer, PriceBreak, Product
    from purchasing.catalogue.services import refresh_product_metrics
    from purchasing.contracts.models import FrameworkContract
    from purchasing.domain.identifiers import luhn_check_digit
    from purchasing.suppliers.models import Supplier

    def factory(price="1000.00", breaks=((10, "950.00"), (50, "900.00")), category="laptop", contract=None,
                valid_until=None, max_amount="1000000.00", committed="0.00", name=None, **product_kw):
        _syndicate_identity()  # the buyer of the contract's purchase orders
        n = _next()
        if contract is None:
            body = f"{77000000 + n:08d}"
            siren = body + luhn_check_digit(body)
            siret = siren + "0001" + luhn_check_digit(siren + "0001")
            supplier = Supplier(name=f"Fournisseur {n}", search_name=f"fournisseur {n}", siret=siret, siren=siren)
            contract = FrameworkContract(reference=f"AC-T-{n}", title=f"Lot {n}", supplier=supplier,
                                         start_on=date(2025, 1, 1), end_on=date(2099, 12, 31),
                                         max_amount_ht=Decimal(max_amount), committed_ht=Decimal(committed))
            db.session.add(contract)
        cat = db.session.scalars(select(Category).where(Category.code == category)).one()
        product = Product(category=cat, brand=product_kw.pop("brand", "Dell"), model=name or f"Latitude test {n}",
                          manufacturer_ref=f"REF-{n}", description=product_kw.pop("description", "Portable de test"),
                          **product_kw)
        offer = Offer(product=product, contract=contract, unit_price_ht=Decimal(price), valid_from=date(2025, 1, 1),
                      valid_until=valid_until,
                      price_breaks=[PriceBreak(min_quantity=q, unit_price_ht=Decimal(p)) for q, p in breaks])
        db.session.add_all([product, offer])
        db.session.flush()
        refresh_product_metrics(product)
        return offer

    return factory
