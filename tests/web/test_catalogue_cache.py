"""The catalogue page's cache (purchasing/catalogue/cache.py): served again while nothing changed, never stale.

Two app instances on one database stand for two gunicorn workers (each has its own in-process cache): a change
committed through one is on the next page of both. The database is a file of its own (SQLite), or a database of
its own beside TEST_DATABASE_URL's on PostgreSQL, since these tests commit for real.
"""
from __future__ import annotations

import os
import re
import shutil
from datetime import date, timedelta
from decimal import Decimal
from html import unescape

import pytest
from sqlalchemy import create_engine, select, text, update
from sqlalchemy.engine import make_url

from purchasing import create_app
from purchasing.catalogue.cache import writes_watched_table
from purchasing.extensions import db
from tests.conftest import TEST_DATABASE_URL, Browser, FreshContextClient
from tests.query_helpers import count_queries

PASSWORD = "password-123"


def _admin_engine():
    from purchasing.config import normalise_database_url

    url = make_url(normalise_database_url(TEST_DATABASE_URL))
    return url, create_engine(url, isolation_level="AUTOCOMMIT")


def _pg_database(name: str, template: str | None = None) -> None:
    """Create (again) the PostgreSQL database ``name``, empty or as a copy of ``template``."""
    _url, admin = _admin_engine()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    admin.dispose()


def _pg_drop(name: str) -> None:
    _url, admin = _admin_engine()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _copy_sqlite(source: str, target: str) -> None:
    for suffix in ("", "-wal"):
        if os.path.exists(source + suffix):
            shutil.copyfile(source + suffix, target + suffix)
        elif os.path.exists(target + suffix):
            os.remove(target + suffix)
    if os.path.exists(target + "-shm"):
        os.remove(target + "-shm")


@pytest.fixture(scope="module")
def template_database(tmp_path_factory, request):
    """(URL, ids): a database migrated and seeded once for the module; each test works on a copy of it.

    On SQLite the suite's own migrated file is the starting point (copied with nothing open on it: its committed
    state is the migrated schema, every test rolling back), on PostgreSQL a database migrated here."""
    folder = tmp_path_factory.mktemp("workers")
    if TEST_DATABASE_URL:
        url, _admin = _admin_engine()
        _admin.dispose()
        name = f"{url.database}_cache_template"
        _pg_database(name)
        template = url.set(database=name).render_as_string(hide_password=False)
    else:
        suite = request.getfixturevalue("_app")  # migrated once for the session
        with suite.app_context():
            source = db.engine.url.database
            db.engine.dispose()  # nothing open on the file while it is copied
        template = f"sqlite:///{folder / 'template.sqlite3'}"
        _copy_sqlite(source, template.removeprefix("sqlite:///"))
    app = _worker(template, folder / "storage")
    if TEST_DATABASE_URL:
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
    ids = _seed(app)
    with app.app_context():
        db.engine.dispose()
    yield template, ids
    if TEST_DATABASE_URL:
        _pg_drop(make_url(template).database)


@pytest.fixture(scope="module")
def worker_apps(template_database, tmp_path_factory):
    """(URL, two app instances on it): the two "workers", created once for the module."""
    folder = tmp_path_factory.mktemp("worker-apps")
    if TEST_DATABASE_URL:
        url, _admin = _admin_engine()
        _admin.dispose()
        shared = url.set(database=f"{url.database}_cache").render_as_string(hide_password=False)
    else:
        shared = f"sqlite:///{folder / 'workers.sqlite3'}"
    apps = (_worker(shared, folder / "s1"), _worker(shared, folder / "s2"))
    yield shared, apps
    for app in apps:
        with app.app_context():
            db.engine.dispose()
    if TEST_DATABASE_URL:
        _pg_drop(make_url(shared).database)


@pytest.fixture
def workers(template_database, worker_apps):
    """The two workers on a fresh copy of the seeded database, their caches empty; and the seed's ids."""
    template, ids = template_database
    shared, apps = worker_apps
    for app in apps:
        with app.app_context():
            db.engine.dispose()
        app.extensions["catalogue_cache"].clear()
    if TEST_DATABASE_URL:
        _pg_database(make_url(shared).database, template=make_url(template).database)
    else:
        _copy_sqlite(template.removeprefix("sqlite:///"), shared.removeprefix("sqlite:///"))
    return apps[0], apps[1], ids


def _worker(url: str, storage):
    app = create_app({"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test-secret-key-cache",
                      "STORAGE_PATH": str(storage)})
    app.test_client_class = FreshContextClient
    return app


def _seed(app) -> dict:
    """A grid (< 500: 2 %, 500-9999: 0 %, ≥ 10000: 9 %), three members, their secretaries, staff, two products."""
    from purchasing.accounts.services import UserData, create_user
    from purchasing.catalogue.models import Category, Offer, Product
    from purchasing.catalogue.services import refresh_product_metrics
    from purchasing.contracts.models import FrameworkContract
    from purchasing.members.models import Member
    from purchasing.pricing.services import BandData, create_grid_version
    from purchasing.suppliers.models import Supplier

    with app.app_context():
        create_grid_version(date(2025, 1, 1), "DEL-1", [
            BandData("petites", 0, 499, Decimal("0.02")), BandData("moyennes", 500, 9999, Decimal("0")),
            BandData("grandes", 10000, None, Decimal("0.09"))])
        members = {}
        for key, siren, population in (("small", "990000011", 300), ("small2", "990000029", 420),
                                       ("zero", "990000037", 800), ("large", "990000045", 25000)):
            member = Member(kind="commune", name=f"Commune {key}", search_name=f"commune {key}", siren=siren,
                            population=population, approval_threshold_ht=Decimal("1000"), joined_on=date(2020, 1, 1))
            db.session.add(member)
            db.session.flush()
            create_user(UserData(email=f"{key}@cache.test", full_name=key, role="secretary", member_id=member.id),
                        PASSWORD)
            members[key] = member.id
        create_user(UserData(email="staff@cache.test", full_name="staff", role="purchasing_officer", member_id=None), PASSWORD)
        supplier = Supplier(name="Fournisseur", search_name="fournisseur", siret="55208131766522", siren="552081317")
        contract = FrameworkContract(reference="AC-CACHE", title="Lot", supplier=supplier, start_on=date(2025, 1, 1),
                                     end_on=date(2099, 12, 31), max_amount_ht=Decimal("1000000"),
                                     committed_ht=Decimal("0"))
        laptop = db.session.scalars(select(Category).where(Category.code == "laptop")).one()
        offers = {}
        for name, price in (("Latitude Cache", "1000.00"), ("ThinkPad Cache", "500.00")):
            product = Product(category=laptop, brand="Marque", model=name, manufacturer_ref=f"REF-{name[:4]}")
            offers[name] = Offer(product=product, contract=contract, unit_price_ht=Decimal(price),
                                 valid_from=date(2025, 1, 1))
            db.session.add_all([product, offers[name]])
            db.session.flush()
            refresh_product_metrics(product)
        db.session.commit()
        return {"members": members, "offers": {name: offer.id for name, offer in offers.items()}}


def _browser(app, email: str) -> Browser:
    browser = Browser(app.test_client())
    browser.login(email, PASSWORD)
    return browser


def _page(browser, query: str = "") -> str:
    response = browser.get("/catalogue/" + query)
    assert response.status_code == 200
    return unescape(response.get_data(as_text=True))


def _product_queries(app, browser, query: str = "") -> int:
    with app.app_context(), count_queries() as statements:
        _page(browser, query)
    return sum(bool(re.search(r"FROM product\b", s)) for s in statements)


def _commit(app, change) -> None:
    with app.app_context():
        change()
        db.session.commit()


def _set_offer_price(offer_id: int, price: str):
    def change():
        from purchasing.catalogue.models import Offer
        from purchasing.catalogue.services import refresh_product_metrics

        offer = db.session.get(Offer, offer_id)
        offer.unit_price_ht = Decimal(price)
        db.session.flush()
        refresh_product_metrics(offer.product)
    return change


def test_the_page_is_served_again_without_reading_the_catalogue(workers):
    first, _second, _ids = workers
    browser = _browser(first, "small@cache.test")
    assert _product_queries(first, browser) >= 1
    assert _product_queries(first, browser) == 0  # same version, same fee rate, same query: the cached HTML
    assert _product_queries(first, browser, "?sort=price") >= 1  # another query: its own entry


def test_a_price_change_is_on_the_next_page_of_this_worker_and_of_the_other(workers):
    first, second, ids = workers
    on_first, on_second = _browser(first, "small@cache.test"), _browser(second, "small@cache.test")
    for browser in (on_first, on_second):  # both caches filled
        assert "1\u202f020,00" in _page(browser) and "1\u202f020,00" in _page(browser)  # 1000 × 1.02
    _commit(first, _set_offer_price(ids["offers"]["Latitude Cache"], "1200.00"))
    for browser in (on_second, on_first):
        html = _page(browser)
        assert "1\u202f224,00" in html and "1\u202f020,00" not in html  # 1200 × 1.02


def test_a_new_tariff_grid_is_on_the_next_page_of_the_other_worker(workers):
    first, second, _ids = workers
    on_second = _browser(second, "small@cache.test")
    assert "510,00" in _page(on_second)  # 500 × 1.02

    def new_grid():
        from purchasing.pricing.services import BandData, create_grid_version

        create_grid_version(date.today(), "DEL-2", [BandData("toutes", 0, None, Decimal("0.05"))])
    _commit(first, new_grid)
    html = _page(on_second)
    assert "525,00" in html and "510,00" not in html  # 500 × 1.05


def test_a_withdrawn_offer_and_a_renamed_product_are_on_the_next_page_of_the_other_worker(workers):
    first, second, ids = workers
    on_second = _browser(second, "staff@cache.test")
    html = _page(on_second)
    assert "ThinkPad Cache" in html and "Latitude Cache" in html

    def withdraw_and_rename():
        from purchasing.catalogue.models import Offer
        from purchasing.catalogue.services import refresh_product_metrics

        offer = db.session.get(Offer, ids["offers"]["ThinkPad Cache"])
        offer.is_active = False
        offer.product.model = offer.product.model  # unchanged: the offer alone is written
        db.session.flush()
        refresh_product_metrics(offer.product)
        latitude = db.session.get(Offer, ids["offers"]["Latitude Cache"]).product
        latitude.model = "Latitude Renommé"
    _commit(first, withdraw_and_rename)
    html = _page(on_second)
    assert "ThinkPad Cache" not in html and "Latitude Renommé" in html


def test_a_core_update_outside_the_orm_also_gives_a_new_version(workers):
    first, second, _ids = workers
    on_second = _browser(second, "staff@cache.test")
    assert "Latitude Cache" in _page(on_second)

    def core_update():
        from purchasing.catalogue.models import Product

        db.session.execute(update(Product).where(Product.model == "Latitude Cache").values(model="Latitude Core"))
    _commit(first, core_update)
    assert "Latitude Core" in _page(on_second)


def test_a_rolled_back_change_keeps_the_version(workers):
    first, _second, ids = workers
    browser = _browser(first, "small@cache.test")
    _page(browser)
    with first.app_context():
        before = db.session.scalar(text("SELECT token FROM cache_version WHERE name = 'catalogue'"))
        _set_offer_price(ids["offers"]["Latitude Cache"], "1.00")()
        db.session.rollback()
        assert db.session.scalar(text("SELECT token FROM cache_version WHERE name = 'catalogue'")) == before
    assert _product_queries(first, browser) == 0 and "1\u202f020,00" in _page(browser)


def test_a_member_never_gets_the_page_cached_for_another_fee_rate(workers):
    first, _second, _ids = workers
    small, large = _browser(first, "small@cache.test"), _browser(first, "large@cache.test")
    assert "1\u202f020,00" in _page(small)  # 2 %, cached
    html = _page(large)
    assert "1\u202f090,00" in html and "1\u202f020,00" not in html  # 9 %
    assert "1\u202f020,00" in _page(small)
    # a member of the same band shares the entry (same prices): served from the cache
    assert _product_queries(first, _browser(first, "small2@cache.test")) == 0


def test_a_member_at_zero_fee_and_staff_do_not_share_a_page(workers):
    """Same prices (the base ones), not the same page: the member reads "your member's prices"."""
    first, _second, _ids = workers
    staff, member = _browser(first, "staff@cache.test"), _browser(first, "zero@cache.test")
    assert "Prix HT de base des fournisseurs" in _page(staff)
    html = _page(member)
    assert "Prix HT de votre adhérent" in html and "Prix HT de base des fournisseurs" not in html


def test_each_language_has_its_own_page(workers):
    first, _second, _ids = workers
    french, english = _browser(first, "small@cache.test"), _browser(first, "small2@cache.test")
    assert "Rechercher" in _page(french)
    page = english.get("/catalogue/").get_data(as_text=True)
    english.post_form("/language", {"locale": "en", "next": "/catalogue/"}, page="/catalogue/")
    html = _page(english)
    assert 'lang="en"' in html and "Trier par" not in html
    html = _page(french)
    assert 'lang="fr"' in html and "Trier par" in html


def test_a_grid_coming_into_force_tomorrow_applies_tomorrow(workers, monkeypatch):
    """The day is part of the key: a grid voted for tomorrow changes nothing today, and applies from tomorrow."""
    first, _second, _ids = workers
    browser = _browser(first, "small@cache.test")

    def grid_for_tomorrow():
        from purchasing.pricing.services import BandData, create_grid_version

        create_grid_version(date.today() + timedelta(days=1), "DEL-3", [BandData("toutes", 0, None, Decimal("0.05"))])
    _commit(first, grid_for_tomorrow)
    assert "510,00" in _page(browser) and "510,00" in _page(browser)
    tomorrow = date.today() + timedelta(days=1)

    class Tomorrow(date):
        @classmethod
        def today(cls):
            return tomorrow
    import purchasing.catalogue.views as views

    monkeypatch.setattr(views, "date", Tomorrow)
    assert "525,00" in _page(browser)


# --- in the suite's rolled-back transaction -------------------------------------------------------

def test_uncommitted_catalogue_writes_are_never_cached(make_grid, make_offer, make_member, make_user, browser, app):
    """The test's own rows are flushed, not committed: every request reads the catalogue (nothing is kept that
    another transaction could be served)."""
    make_grid()
    make_user(role="secretary", member=make_member(population=412), email="sec@nocache.test")
    make_offer(price="100", name="Modèle")
    browser.login("sec@nocache.test")
    for _ in range(2):
        with count_queries() as statements:
            assert browser.get("/catalogue/").status_code == 200
        assert any(re.search(r"FROM product\b", s) for s in statements)


@pytest.mark.parametrize("statement, writes", [
    ("INSERT INTO product (brand) VALUES (?)", True),
    ('UPDATE "product" SET model=%(model)s', True),
    ("  delete from offer where id = 1", True),
    ("UPDATE public.tariff_band SET fee_rate = 0", True),
    ("INSERT INTO price_break (offer_id) VALUES (1)", True),
    ("COPY category (code) FROM STDIN", True),
    ("WITH x AS (SELECT 1) UPDATE tariff_grid SET version = 2", True),
    ("SELECT product.id FROM product FOR UPDATE", False),
    ("UPDATE order_line SET quantity = 2", False),
    ("INSERT INTO product_history (id) VALUES (1)", False),
    ("UPDATE framework_contract SET committed_ht = 1", False),
    ("WITH x AS (SELECT 1 FROM product) SELECT * FROM x", False),
])
def test_writes_to_the_catalogue_tables_are_recognised(statement, writes):
    assert writes_watched_table(statement) is writes
