"""Award and rejection letters of an awarded lot (CCP R2181-1, R2181-3) with the standstill period (R2182-1)."""
from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pypdf
import pytest

from purchasing.extensions import db
from purchasing.tenders import letters, services
from tests.tender_helpers import AFTER_DEADLINE, line, make_supplier, published_tender, submit

OFFICER = "officer@letters.test"


@pytest.fixture
def officer(browser, make_user):
    user = make_user(role="purchasing_officer", email=OFFICER)
    browser.login(OFFICER)
    browser.user = user
    return browser


def _evaluated(reference="AO-LET", suppliers=("Alpha", "Beta")):
    tender = published_tender(reference, criteria=[("price", 70, None), ("technical", 30, None)])
    lot = tender.lots[0]
    bids = {name: submit(lot, make_supplier(name), [line("W1", price)])
            for name, price in zip(suppliers, ("100", "150", "200"))}
    services.close_due_tenders(now=AFTER_DEADLINE)
    return tender, lot, bids


def _awarded(officer_user, formal=False, suppliers=("Alpha", "Beta")):
    tender, lot, bids = _evaluated(suppliers=suppliers)
    for bid, mark in zip(bids.values(), ("12", "18", "10")):
        services.add_score(bid, "technical", Decimal(mark), "Mémoire analysé.", officer_user, now=AFTER_DEADLINE)
    services.evaluate_tender(tender, officer_user, now=AFTER_DEADLINE)
    if formal:  # the need's estimate decides the procedure: at least 216 000 € HT in 2026 is a formal one
        lot.estimated_amount_ht = Decimal("250000.00")
        lot.max_amount_ht = Decimal("300000.00")
    services.award_lot(lot, bids["Alpha"], date(2026, 3, 1), date(2027, 2, 28), officer_user, now=AFTER_DEADLINE)
    db.session.commit()
    return lot, bids


def _pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_no_letter_before_the_award(officer):
    tender, lot, bids = _evaluated()
    db.session.commit()
    page = officer.get(f"/tenders/lots/{lot.id}").get_data(as_text=True)
    assert "Lettre de rejet" not in page and "Lettres aux candidats" not in page
    response = officer.get(f"/tenders/lots/{lot.id}/letters/{bids['Beta'].id}.pdf?sent_on=2026-03-02&channel=post")
    assert response.status_code == 409 and "une fois le lot attribué" in response.get_data(as_text=True)


def test_the_lot_page_links_one_letter_per_candidate_dated_by_the_form(officer):
    lot, bids = _awarded(officer.user)
    page = officer.get(f"/tenders/lots/{lot.id}?sent_on=2026-03-02&channel=post").get_data(as_text=True)
    assert "Lettre d'attribution à Alpha (PDF)" in page and "Lettre de rejet à Beta (PDF)" in page
    assert f"/tenders/lots/{lot.id}/letters/{bids['Beta'].id}.pdf?sent_on=2026-03-02&amp;channel=post" in page
    assert 'value="2026-03-02"' in page  # the typed date is kept


def test_adapted_procedure_letters_say_who_won_why_and_that_no_standstill_applies(officer):
    lot, bids = _awarded(officer.user)
    response = officer.get(f"/tenders/lots/{lot.id}/letters/{bids['Beta'].id}.pdf?sent_on=2026-03-02"
                           "&channel=electronic")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "lettre-rejet-AO-LET-lot1-Beta.pdf" in response.headers["Content-Disposition"]
    text = _pdf_text(response.data)
    # Alpha 70 + 12/20×30 = 88,00; Beta 70×100/150 = 46,67 + 18/20×30 = 27 → 73,67
    assert "Lettre de rejet" in text and "rang 2 sur 2" in text and "73,67" in text
    assert "attribué à Alpha" in text and "88,00" in text
    assert "Procédure adaptée" in text and "L551-1" in text
    award = officer.get(f"/tenders/lots/{lot.id}/letters/{bids['Alpha'].id}.pdf?sent_on=2026-03-02"
                        "&channel=electronic")
    text = _pdf_text(award.data)
    assert "Lettre d'attribution" in text and "classée première sur 2" in text and "AC-LET-L1" in text


@pytest.mark.parametrize("channel, days, signable", [("electronic", 11, "13/03/2026"), ("post", 16, "18/03/2026")])
def test_formal_procedure_letters_carry_the_standstill_date(officer, channel, days, signable):
    lot, bids = _awarded(officer.user, formal=True)
    built = letters.build_letter(lot, bids["Beta"], date(2026, 3, 2), channel)
    assert built.kind == "rejection" and built.standstill.days == days
    body = " ".join(letters.letter_text(built))
    assert f"délai de suspension de {days} jours" in body and f"pas signé avant le {signable}" in body
    assert "procédure formalisée" in body


def test_bad_dates_and_channels_are_errors_on_the_form_and_no_letter(officer):
    lot, bids = _awarded(officer.user)
    page = officer.get(f"/tenders/lots/{lot.id}?sent_on=31/02/2026&channel=fax")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="sent_on-error"' in html and 'id="channel-error"' in html
    assert ".pdf?" not in html
    response = officer.get(f"/tenders/lots/{lot.id}/letters/{bids['Beta'].id}.pdf?sent_on=nope&channel=post")
    assert response.status_code == 422


def test_a_bid_of_another_lot_is_404_and_member_users_are_refused(officer, make_user, browser):
    lot, bids = _awarded(officer.user)
    other = published_tender("AO-AUTRE").lots[0]
    db.session.commit()
    assert officer.get(f"/tenders/lots/{other.id}/letters/{bids['Beta'].id}.pdf").status_code == 404
    officer.logout()
    make_user(role="secretary", email="sec@letters.test")
    officer.login("sec@letters.test")
    assert officer.get(f"/tenders/lots/{lot.id}/letters/{bids['Beta'].id}.pdf").status_code == 403
