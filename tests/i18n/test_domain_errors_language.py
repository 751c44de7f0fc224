"""Domain errors in the reader's language (issue 15, "Language"): the web page, the form built from a refusal,
the API's problem ``detail`` and a job's texts are French by default and English for a user, a session or an
``Accept-Language`` asking for English; the ``code`` is the same in both. One test per language: Flask-Babel
keeps the locale of an app context."""
from __future__ import annotations

import io
import re
from datetime import date, timedelta
from decimal import Decimal
from html import unescape

import pytest
from sqlalchemy import select

from purchasing.accounts.models import Role
from purchasing.extensions import db
from purchasing.orders.models import Order
from tests.conftest import Browser, FreshContextClient, default_site_id
from tests.jobs.live import inventory_csv


@pytest.fixture
def shop(make_grid, make_offer, make_member, make_user, app):
    """A secretary (and her mayor) with 2 units of an offer in her cart; the offer then expires."""
    make_grid()
    member = make_member(population=412, approval_threshold_ht=Decimal("500.00"))
    make_user(role="secretary", member=member, email="sec@a.test")
    make_user(role="approver", member=member, email="maire@a.test")
    offer = make_offer(price="100.00")
    return {"member": member, "offer": offer, "app": app}


def _browser(app, email, language=None):
    client = FreshContextClient(app, app.response_class, use_cookies=True)
    browser = Browser(client)
    browser.login(email)
    if language:  # the user's own choice (kept on the account)
        browser.post_form("/language", {"locale": language, "next": "/"}, page="/")
    return browser


def _cart_with_an_expired_offer(shop, language=None):
    browser = _browser(shop["app"], "sec@a.test", language)
    browser.post_form("/cart/add", {"offer_id": shop["offer"].id, "quantity": "2"}, page="/cart")
    shop["offer"].valid_until = date.today() - timedelta(days=1)
    db.session.flush()
    cart = db.session.scalars(select(Order).where(Order.status == "draft")).one()
    response = browser.post_form("/cart", {"delivery_site_id": default_site_id(shop["member"]),
                                           f"qty-{cart.lines[0].id}": "2", "action": "submit"}, page="/cart")
    assert 400 <= response.status_code < 500
    html = unescape(response.get_data(as_text=True))
    return html[html.index('id="form-errors"'):]


def test_a_refusal_on_the_cart_reads_in_french_by_default(shop):
    errors = _cart_with_an_expired_offer(shop)
    assert "Cette offre n'existe pas ou ne peut plus être commandée." in errors
    assert "can no longer be ordered" not in errors


def test_a_refusal_on_the_cart_reads_in_english_in_the_english_ui(shop):
    errors = _cart_with_an_expired_offer(shop, "en")
    assert "This offer does not exist or can no longer be ordered." in errors
    assert "ne peut plus être commandée" not in errors


def _approve_a_draft_page(shop, language=None):
    """The mayor approves an order that is still a draft (refused: the status machine names both statuses)."""
    from purchasing.orders import services as orders

    from purchasing.accounts.models import User

    sec = db.session.scalars(select(User).where(User.email == "sec@a.test")).one()
    order = orders.create_order(sec, [(shop["offer"].id, 1)], date.today(), int(default_site_id(shop["member"])))
    db.session.flush()
    mayor = _browser(shop["app"], "maire@a.test", language)
    response = mayor.post_form(f"/orders/{order.id}/approve", {}, page="/")
    assert response.status_code == 409, response.status_code
    return unescape(response.get_data(as_text=True))


def test_a_transition_refused_on_the_order_page_in_french(shop):
    html = _approve_a_draft_page(shop)
    assert "La commande ne peut pas passer du statut « brouillon » au statut « approuvée »." in html


def test_a_transition_refused_on_the_order_page_in_english(shop):
    html = _approve_a_draft_page(shop, "en")
    assert 'The order cannot move from the status "draft" to the status "approved".' in html
    assert "ne peut pas passer" not in html


# --- jobs ----------------------------------------------------------------------------------------

@pytest.fixture
def importer(make_member, make_user, app, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_IMPORT_ROW_THRESHOLD", 10)
    member = make_member(name="Commune Aval")
    make_user(member=member, email="sec@a.jobs")
    return app


def _import_job_page(app, csv: bytes, language=None):
    browser = _browser(app, "sec@a.jobs", language)
    response = browser.post_form("/lifecycle/import", {"file": (io.BytesIO(csv), "inventaire.csv")},
                                 content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)[:1500]
    job_url = response.headers["Location"]
    return unescape(browser.get(job_url).get_data(as_text=True)), browser.get(job_url + "/status").get_json()


def test_a_failed_job_says_why_in_french(importer):
    page, state = _import_job_page(importer, inventory_csv(20, "ERR", bad_rows=(3,)))
    assert "Le fichier contient 1 erreur(s) : rien n'a été importé." in page
    assert state["status"] == "failed"


def test_a_failed_job_says_why_in_english_when_started_in_english(importer):
    page, state = _import_job_page(importer, inventory_csv(20, "ERR", bad_rows=(3,)), "en")
    assert "The file contains 1 error(s): nothing was imported." in page
    assert "rien n'a été importé" not in page
    assert state["status"] == "failed"


def test_a_finished_job_says_so_in_english_when_started_in_english(importer):
    page, state = _import_job_page(importer, inventory_csv(11, "BIG"), "en")
    assert "11 items imported." in page and state["message"] == "11 items imported."
    assert re.search(r"Inventory import: inventaire\.csv", page)
    assert "équipements importés" not in page


def test_a_finished_job_says_so_in_french(importer):
    page, state = _import_job_page(importer, inventory_csv(11, "BIG"))
    assert "11 équipements importés." in page and state["message"] == "11 équipements importés."
    assert "Import d'inventaire : inventaire.csv" in page
