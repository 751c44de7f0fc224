"""Tender pages (issue 15): "Noter et classer" before the scores names the bids lacking one on the tender page;
awarding a lot or declaring it unsuccessful needs "Je confirme" (refused on the field, nothing written)."""
from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import func, select

from purchasing.contracts.models import FrameworkContract
from purchasing.extensions import db
from purchasing.tenders.models import Bid, Tender, TenderEvent, TenderLot
from tests.tender_helpers import line, make_supplier, published_tender, submit


@pytest.fixture
def officer(browser, make_user):
    make_user(role="purchasing_officer", email="officer@t.test")
    browser.login("officer@t.test")
    return browser


@pytest.fixture
def closed(officer):
    """A tender past its deadline (closed on first access): one lot, price 70 / technical 30, two bids."""
    tender = published_tender("AO-FORMS", criteria=[("price", 70, None), ("technical", 30, None)])
    lot = tender.lots[0]
    alpha = submit(lot, make_supplier("Alpha"), [line("F1", "100")])
    beta = submit(lot, make_supplier("Beta"), [line("F1", "150")])
    db.session.commit()
    url = f"/tenders/{tender.id}"
    assert officer.get(url).status_code == 200
    return {"tender": tender, "lot": lot, "alpha": alpha, "beta": beta, "url": url}


def _score(officer, bid, mark):
    response = officer.post_form(f"/tenders/bids/{bid.id}/scores", {"kind": "technical", "score": mark,
                                                                      "justification": "Mémoire complet."})
    assert response.status_code == 302


def _written(tender_id):
    return (db.session.get(Tender, tender_id).status,
            db.session.scalar(select(func.count(TenderEvent.id))),
            [(b.rank, b.total_points) for b in db.session.scalars(select(Bid).order_by(Bid.id))])


def test_evaluating_before_the_scores_lists_the_bids_lacking_one_on_the_tender_page(officer, closed):
    _score(officer, closed["alpha"], "12")  # Beta still has no technical score
    db.session.expire_all()
    before = _written(closed["tender"].id)
    response = officer.post_form(f"{closed['url']}/evaluate", {}, page=closed["url"])
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    assert "Données invalides" not in html and "Code d'erreur" not in html
    alert = html[html.index('id="evaluation-errors"'):]
    alert = alert[:alert.index("</div>")]
    assert "Les offres ne peuvent pas encore être notées et classées" in alert
    assert "Lot 1 — Beta : manque note technique." in alert
    assert f'href="/tenders/bids/{closed["beta"].id}#scores"' in alert
    assert "Alpha" not in alert.split("<ul>")[1]  # the scored bid is not listed
    assert "Noter et classer les offres" in html  # the button is there to try again
    db.session.expire_all()
    assert _written(closed["tender"].id) == before
    _score(officer, closed["beta"], "18")
    assert officer.post_form(f"{closed['url']}/evaluate", {}, page=closed["url"]).status_code == 302


@pytest.fixture
def evaluated(officer, closed):
    for bid, mark in ((closed["alpha"], "12"), (closed["beta"], "18")):
        _score(officer, bid, mark)
    assert officer.post_form(f"{closed['url']}/evaluate", {}, page=closed["url"]).status_code == 302
    return closed


def test_awarding_without_confirmation_is_refused_on_the_checkbox_and_keeps_the_typed_dates(officer, evaluated):
    lot_url = f"/tenders/lots/{evaluated['lot'].id}"
    page = officer.get(lot_url).get_data(as_text=True)
    checkbox = re.search(r'<input[^>]*id="confirm"[^>]*>', page).group(0)
    assert "required" in checkbox and 'type="checkbox"' in checkbox
    data = {"bid_id": str(evaluated["alpha"].id), "start_on": "2026-03-01", "end_on": "2029-02-27"}
    response = officer.post_form(f"{lot_url}/award", data, page=lot_url)
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    error = re.search(r'id="confirm-error">(.*?)</p>', html, re.S).group(1)
    assert "Cochez « Je confirme »" in error
    assert 'value="2026-03-01"' in html and 'value="2029-02-27"' in html
    assert db.session.scalar(select(func.count(FrameworkContract.id))) == 0
    db.session.expire_all()
    assert db.session.get(TenderLot, evaluated["lot"].id).status == "open"
    response = officer.post_form(f"{lot_url}/award", dict(data, confirm="y"), page=lot_url)
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(FrameworkContract.id))) == 1


def test_a_refused_award_is_said_on_the_lot_page_not_on_an_error_page(officer, evaluated):
    lot_url = f"/tenders/lots/{evaluated['lot'].id}"
    response = officer.post_form(f"{lot_url}/award", {"bid_id": str(evaluated["alpha"].id), "start_on": "2026-03-01",
                                                      "end_on": "2031-03-01", "confirm": "y"}, page=lot_url)
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    assert "Code d'erreur" not in html and "au plus 4 ans" in html and 'value="2031-03-01"' in html
    assert db.session.scalar(select(func.count(FrameworkContract.id))) == 0


def test_declaring_a_lot_unsuccessful_needs_the_confirmation(officer, evaluated):
    lot_url = f"/tenders/lots/{evaluated['lot'].id}"
    response = officer.post_form(f"{lot_url}/unsuccessful", {"reason": "Offres inacceptables"}, page=lot_url)
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    assert "Cochez « Je confirme »" in html and 'value="Offres inacceptables"' in html
    db.session.expire_all()
    assert db.session.get(TenderLot, evaluated["lot"].id).status == "open"
    response = officer.post_form(f"{lot_url}/unsuccessful", {"reason": "Offres inacceptables", "confirm": "y"},
                                 page=lot_url)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(TenderLot, evaluated["lot"].id).status == "unsuccessful"


def test_a_refused_lot_or_criterion_is_said_on_the_tender_page_with_the_typed_values(officer):
    from tests.tender_helpers import make_tender

    tender = make_tender("AO-DRAFT", lots=2)
    db.session.commit()
    url = f"/tenders/{tender.id}"
    lots = db.session.scalar(select(func.count(TenderLot.id)))
    response = officer.post_form(f"{url}/lots", {"number": "3", "title": "Écrans 27 pouces",
                                                 "estimated_amount_ht": "12 000,00", "duration_months": "60"},
                                 page=url)
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    assert "Code d'erreur" not in html
    assert "Un accord-cadre dure de 1 à 48 mois (4 ans)." in re.search(
        r'id="duration_months-error">(.*?)</p>', html, re.S).group(1)
    assert 'value="Écrans 27 pouces"' in html and 'value="60"' in html
    assert db.session.scalar(select(func.count(TenderLot.id))) == lots
    second = tender.lots[1]
    response = officer.post_form(f"/tenders/lots/{second.id}/criteria", {"kind": "technical", "weight": "120"},
                                 page=url)
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    form = html[html.index(f'action="/tenders/lots/{second.id}/criteria"'):]
    form = form[:form.index("</form>")]
    assert "La pondération est comprise entre 1 et 100." in form and 'value="120"' in form
    first_form = html[html.index(f'action="/tenders/lots/{tender.lots[0].id}/criteria"'):]
    assert 'value="120"' not in first_form[:first_form.index("</form>")]  # only the lot it was typed for
