"""Supplier and tender pages: validation messages, sealed bid prices, price-list upload."""
from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from purchasing.db_types import utcnow
from purchasing.extensions import db
from purchasing.suppliers.models import Supplier
from purchasing.tenders import services
from purchasing.tenders.models import Bid, BidLine
from tests.tender_helpers import line, make_supplier, make_tender, price_list_csv, siret, submit

OFFICER = "officer@s.test"


@pytest.fixture
def officer(browser, make_user):
    make_user(role="purchasing_officer", email=OFFICER)
    make_user(role="admin", email="admin@s.test")
    make_user(role="sustainability_officer", email="durab@s.test")
    browser.login(OFFICER)
    return browser


def test_supplier_created_with_siren_derived(officer):
    number = siret(9001)
    response = officer.post_form("/suppliers/new", {"name": "Info Périgord", "siret": number[:3] + " " + number[3:],
                                                    "is_active": "y"})
    assert response.status_code == 302
    supplier = db.session.scalar(select(Supplier).where(Supplier.siret == number))
    assert supplier.siren == number[:9]
    assert "Info Périgord" in officer.get("/suppliers/?q=perigord").get_data(as_text=True)


def test_supplier_with_bad_siret_is_refused_in_french(officer):
    response = officer.post_form("/suppliers/new", {"name": "X", "siret": "12345678901234"})
    assert response.status_code == 422
    assert "Ce SIRET n" in response.get_data(as_text=True) and "pas valide" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Supplier)) == 0


def test_supplier_order_email_and_order_x(officer):
    number = siret(9002)
    response = officer.post_form("/suppliers/new", {"name": "Commandes SA", "siret": number, "is_active": "y",
                                                    "order_email": "commandes@fournisseur.fr", "accepts_order_x": "y"})
    assert response.status_code == 302
    supplier = db.session.scalar(select(Supplier).where(Supplier.siret == number))
    assert (supplier.order_email, supplier.accepts_order_x) == ("commandes@fournisseur.fr", True)
    bad = officer.post_form("/suppliers/new", {"name": "Autre", "siret": siret(9003), "order_email": "pas-un-mail"})
    assert bad.status_code == 422 and "Adresse e-mail invalide." in bad.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Supplier)) == 1


def _live_tender():
    """A published tender whose deadline is in the future, with a bid holding distinctive prices."""
    now = utcnow()
    tender = make_tender("AO-LIVE", publication=now.date(), deadline=now + timedelta(days=10))
    services.change_tender_status(tender, "published", None, now=now)
    bid = submit(tender.lots[0], make_supplier("Sealed SA"),
                 [line("SEAL-1", "4321,87", seuil_1_quantite="10", seuil_1_prix_ht="3987,65")], now=now)
    db.session.commit()
    return tender, bid


@pytest.mark.parametrize("email", [OFFICER, "admin@s.test", "durab@s.test"])
def test_no_role_can_read_bid_prices_before_the_deadline(officer, email):
    tender, bid = _live_tender()
    lot = tender.lots[0]
    officer.logout()
    officer.login(email)
    urls = ["/tenders/", f"/tenders/{tender.id}", f"/tenders/lots/{lot.id}", f"/tenders/bids/{bid.id}",
            f"/tenders/{tender.id}/evaluation", f"/tenders/{tender.id}/evaluation.xlsx",
            f"/tenders/lots/{lot.id}/bids/new", "/suppliers/"]
    for url in urls:
        response = officer.get(url)
        body = response.get_data()
        for price in (b"4321", b"4 321", b"4\xe2\x80\xaf321", b"3987", b"3\xe2\x80\xaf987", b"SEAL-1"):
            assert price not in body, (url, price)
    assert officer.get(f"/tenders/bids/{bid.id}").status_code in (403, 404)
    assert officer.get(f"/tenders/{tender.id}/evaluation.xlsx").status_code in (403, 404)
    if email == OFFICER:
        page = officer.get(f"/tenders/{tender.id}").get_data(as_text=True)
        assert "Sealed SA" in page  # the fact that a bid was received is visible
        response = officer.post_form(f"/tenders/bids/{bid.id}/scores",
                                     {"kind": "technical", "score": "10", "justification": "x"},
                                     page=f"/tenders/{tender.id}")
        assert response.status_code == 403
        response = officer.post_form(f"/tenders/{tender.id}/evaluate", {}, page=f"/tenders/{tender.id}")
        assert response.status_code == 403


SEALED_VALUES = (b"4321", b"4 321", b"4\xe2\x80\xaf321", b"4\xc2\xa0321", b"3987", b"3\xe2\x80\xaf987",
                 b"3\xc2\xa0987", b"SEAL-1")


def test_every_tender_and_supplier_route_keeps_bid_prices_sealed(officer, app):
    """Every GET route of these areas, and every POST that could reveal prices, for an admin."""
    tender, bid = _live_tender()
    lot = tender.lots[0]
    officer.logout()
    officer.login("admin@s.test")
    args = {"tender_id": tender.id, "lot_id": lot.id, "bid_id": bid.id, "supplier_id": bid.supplier_id,
            "fmt": "xlsx", "kind": "price"}
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(("tenders.", "suppliers.")):
            continue
        url = rule.build({name: args[name] for name in rule.arguments}, append_unknown=False)[1]
        if "GET" in rule.methods:
            body = officer.get(url).get_data()
            assert not any(value in body for value in SEALED_VALUES), url
            checked += 1
    assert checked >= 12
    for url, data in ((f"/tenders/{tender.id}/evaluate", {}),
                      (f"/tenders/bids/{bid.id}/scores", {"kind": "technical", "score": "10", "justification": "x"}),
                      (f"/tenders/lots/{lot.id}/award", {"bid_id": str(bid.id), "start_on": "2027-01-01",
                                                         "end_on": "2028-01-01"})):
        response = officer.post_form(url, data, page=f"/tenders/{tender.id}")
        assert response.status_code == 403, url
        assert not any(value in response.get_data() for value in SEALED_VALUES), url


def test_upload_form_imports_a_price_list(officer):
    tender, _ = _live_tender()
    supplier = make_supplier("Upload SARL")
    db.session.commit()
    lot = tender.lots[0]
    content = price_list_csv([line("U1", "10"), line("U2", "20")])
    response = officer.post_form(f"/tenders/lots/{lot.id}/bids/new",
                                 {"supplier_id": str(supplier.id), "price_list": (io.BytesIO(content), "prix.csv")},
                                 content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    bid = db.session.scalar(select(Bid).where(Bid.supplier_id == supplier.id))
    assert bid.line_count == 2


def test_upload_form_with_a_bad_row_imports_nothing_and_lists_the_row(officer):
    tender, _ = _live_tender()
    supplier = make_supplier("Bad SARL")
    db.session.commit()
    before = db.session.scalar(select(func.count()).select_from(BidLine))
    content = price_list_csv([line("B1", "10"), line("B2", "abc")])
    response = officer.post_form(f"/tenders/lots/{tender.lots[0].id}/bids/new",
                                 {"supplier_id": str(supplier.id), "price_list": (io.BytesIO(content), "prix.csv")},
                                 content_type="multipart/form-data")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "ligne 3, colonne « prix_unitaire_ht » : prix non numérique « abc »" in html
    assert db.session.scalar(select(func.count()).select_from(BidLine)) == before
    assert db.session.scalar(select(Bid).where(Bid.supplier_id == supplier.id)) is None


def test_upload_form_refuses_other_file_types(officer):
    tender, _ = _live_tender()
    supplier = make_supplier("Type SARL")
    db.session.commit()
    response = officer.post_form(f"/tenders/lots/{tender.lots[0].id}/bids/new",
                                 {"supplier_id": str(supplier.id), "price_list": (io.BytesIO(b"x"), "prix.exe")},
                                 content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Format refusé : envoyez un fichier .csv, .xlsx ou .ods." in response.get_data(as_text=True)


def test_templates_download(officer):
    csv = officer.get("/tenders/price-list-template.csv")
    assert csv.status_code == 200 and b"reference_fabricant;marque" in csv.data
    xlsx = officer.get("/tenders/price-list-template.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert officer.get("/tenders/price-list-template.pdf").status_code == 404


def test_tender_pages_close_due_tenders_on_access(officer):
    tender = make_tender("AO-AUTO")
    services.change_tender_status(tender, "published", None, now=datetime(2026, 1, 10, tzinfo=timezone.utc))
    db.session.commit()
    assert officer.get("/tenders/").status_code == 200
    db.session.refresh(tender)
    assert tender.status == "closed"


def test_create_tender_and_publish_refused_with_rule_cited(officer):
    response = officer.post_form("/tenders/new", {"reference": "AO-2099-01", "title": "Écrans",
                                                  "publication_date": "2026-09-01",
                                                  "bid_deadline": "2099-10-01T12:00", "abnormally_low_percent": "70"})
    assert response.status_code == 302
    tender_url = response.headers["Location"]
    response = officer.post_form(tender_url + "/lots", {"number": "1", "title": "Écrans 24", "estimated_amount_ht": "10 000",
                                                        "max_amount_ht": "20000", "duration_months": "48"},
                                 page=tender_url)
    assert response.status_code == 302
    page = officer.get(tender_url).get_data(as_text=True)
    assert "L2152-7" in page
    response = officer.post_form(tender_url + "/status", {"to": "published"}, page=tender_url)
    assert response.status_code == 422
    assert "L2152-7" in response.get_data(as_text=True)


def test_bad_lot_duration_is_refused(officer):
    tender = make_tender("AO-DUR")
    db.session.commit()
    response = officer.post_form(f"/tenders/{tender.id}/lots", {"number": "5", "title": "x", "estimated_amount_ht": "1",
                                                               "duration_months": "60"}, page=f"/tenders/{tender.id}")
    assert response.status_code == 422
    assert "48 mois" in response.get_data(as_text=True)


def test_lot_maximum_amount_set_later_then_published_with_warning_before_august_2026(officer):
    tender = make_tender("AO-LATER", max_amount=None, criteria=[("price", 70, None), ("technical", 30, None)],
                         publication=utcnow().date(), deadline=utcnow() + timedelta(days=20))
    db.session.commit()
    url = f"/tenders/{tender.id}"
    response = officer.post_form(url + "/status", {"to": "published"}, page=url)
    assert response.status_code == 422 and "R2162-4" in response.get_data(as_text=True)
    lot = tender.lots[0]
    response = officer.post_form(f"/tenders/lots/{lot.id}/edit", {
        "number": "1", "title": "Portables", "estimated_amount_ht": "50000", "max_amount_ht": "90 000,00",
        "duration_months": "48"})
    assert response.status_code == 302
    # today is after 21 August 2026: without an environmental criterion the tender is refused
    response = officer.post_form(url + "/status", {"to": "published"}, page=url)
    assert response.status_code == 422 and "L2152-7" in response.get_data(as_text=True)
    response = officer.post_form(f"/tenders/lots/{lot.id}/criteria", {"kind": "environmental", "weight": "10",
                                                                       "environmental_mode": "scored"}, page=url)
    assert response.status_code == 302
    response = officer.post_form(f"/tenders/lots/{lot.id}/criteria/technical/delete", {}, page=url)
    assert response.status_code == 302
    response = officer.post_form(f"/tenders/lots/{lot.id}/criteria", {"kind": "technical", "weight": "20"}, page=url)
    assert response.status_code == 302
    response = officer.post_form(url + "/status", {"to": "published"}, page=url)
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    db.session.refresh(tender)
    assert tender.status == "published"


def test_status_change_not_allowed_is_409(officer):
    from html import unescape

    from purchasing.tenders.models import Tender, TenderEvent

    tender = make_tender("AO-409")
    db.session.commit()
    events = db.session.scalar(select(func.count(TenderEvent.id)).where(TenderEvent.tender_id == tender.id))
    response = officer.post_form(f"/tenders/{tender.id}/status", {"to": "closed"}, page=f"/tenders/{tender.id}")
    assert response.status_code == 409
    assert "depuis le statut « brouillon »" in unescape(response.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(Tender, tender.id).status == "draft"
    assert db.session.scalar(select(func.count(TenderEvent.id)).where(TenderEvent.tender_id == tender.id)) == events


def test_edit_draft_tender_and_refuse_a_taken_reference(officer):
    make_tender("AO-TAKEN")
    tender = make_tender("AO-EDIT")
    db.session.commit()
    url = f"/tenders/{tender.id}/edit"
    assert officer.get(url).status_code == 200
    data = {"reference": "AO-TAKEN", "title": "x", "publication_date": "2026-12-01", "bid_deadline": "2027-01-10T12:00",
            "abnormally_low_percent": "65"}
    response = officer.post_form(url, data)
    assert response.status_code == 422 and "AO-TAKEN" in response.get_data(as_text=True)
    response = officer.post_form(url, dict(data, reference="AO-EDIT-2"))
    assert response.status_code == 302
    db.session.refresh(tender)
    assert tender.reference == "AO-EDIT-2" and tender.abnormally_low_ratio == Decimal("0.6500")
    # typed as Paris time: 12:00 in January (UTC+1) is 11:00 UTC, and the edit form shows 12:00 again
    assert tender.bid_deadline == datetime(2027, 1, 10, 11, tzinfo=timezone.utc)
    edit_page = officer.get(url).get_data(as_text=True)
    assert 'value="2027-01-10T12:00"' in edit_page
    # the abnormally-low threshold is typed and shown as a percentage of the median, stored as a ratio
    assert 'name="abnormally_low_percent"' in edit_page and 'value="65"' in edit_page
    assert "65 % de la médiane des prix du lot" in officer.get(f"/tenders/{tender.id}").get_data(as_text=True)
    for bad in ("0", "100", "0,7x"):
        response = officer.post_form(url, dict(data, reference="AO-EDIT-2", abnormally_low_percent=bad))
        assert response.status_code == 422 and 'id="abnormally_low_percent-error"' in response.get_data(as_text=True)
    db.session.refresh(tender)
    assert tender.abnormally_low_ratio == Decimal("0.6500")


def test_deadline_is_typed_and_shown_in_paris_time(officer):
    tender = make_tender("AO-PARIS")
    db.session.commit()
    url = f"/tenders/{tender.id}/edit"
    data = {"reference": "AO-PARIS", "title": "x", "publication_date": "2026-12-01",
            "bid_deadline": "2027-07-10T12:00", "abnormally_low_percent": "70"}
    assert officer.post_form(url, data).status_code == 302
    db.session.refresh(tender)
    assert tender.bid_deadline == datetime(2027, 7, 10, 10, tzinfo=timezone.utc)   # summer time: UTC+2
    page = officer.get(f"/tenders/{tender.id}").get_data(as_text=True)
    assert "UTC" not in page and "12:00" in page and "heure de Paris" in page


def test_a_deadline_skipped_by_summer_time_is_a_field_error(officer):
    tender = make_tender("AO-DST")
    db.session.commit()
    before = tender.bid_deadline
    url = f"/tenders/{tender.id}/edit"
    response = officer.post_form(url, {"reference": "AO-DST", "title": "x", "publication_date": "2026-12-01",
                                       "bid_deadline": "2027-03-28T02:30", "abnormally_low_percent": "70"})
    assert response.status_code == 422
    assert "heure d&#39;été" in response.get_data(as_text=True) or "heure d'été" in response.get_data(as_text=True)
    db.session.refresh(tender)
    assert tender.bid_deadline == before


def test_list_pages_run_a_bounded_number_of_queries(officer):
    from sqlalchemy import event

    for n in range(30):
        make_tender(f"AO-Q-{n:02d}", lots=2)
        make_supplier(f"Q {n}")
    db.session.commit()
    for url in ("/tenders/", "/suppliers/"):
        statements = []

        def count(*args, **kwargs):
            statements.append(1)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert officer.get(url).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        assert len(statements) <= 12, (url, len(statements))  # 30 rows listed: no query per row


def test_web_flow_after_the_deadline_scores_evaluation_export_and_award(officer):
    from purchasing.catalogue.models import Offer
    from purchasing.contracts.models import FrameworkContract
    from purchasing.tenders.models import BidScore
    from tests.tender_helpers import published_tender

    tender = published_tender("AO-WEB", criteria=[("price", 70, None), ("technical", 30, None)])
    lot = tender.lots[0]
    bid_a = submit(lot, make_supplier("Alpha"), [line("W1", "100")])
    bid_b = submit(lot, make_supplier("Beta"), [line("W1", "150")])
    db.session.commit()
    url = f"/tenders/{tender.id}"
    assert "150,00" in officer.get(url).get_data(as_text=True)  # closed on access: prices readable
    response = officer.post_form(f"/tenders/bids/{bid_a.id}/scores", {"kind": "technical", "score": "12",
                                                                        "justification": ""})
    assert response.status_code == 422 and "justification écrite" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(BidScore)) == 0
    response = officer.post_form(f"{url}/evaluate", {}, page=url)
    assert response.status_code == 422 and "incomplète" in response.get_data(as_text=True)
    for bid, mark in ((bid_a, "12"), (bid_b, "18")):
        response = officer.post_form(f"/tenders/bids/{bid.id}/scores", {"kind": "technical", "score": mark,
                                                                          "justification": "Bon mémoire."})
        assert response.status_code == 302
    assert officer.post_form(f"{url}/evaluate", {}, page=url).status_code == 302
    page = officer.get(f"{url}/evaluation").get_data(as_text=True)
    assert "88,00" in page  # Alpha: 70 + 12/20×30 = 88; Beta: 70×100/150 = 46.67 + 27 = 73.67
    assert "73,67" in page
    export = officer.get(f"{url}/evaluation.xlsx")
    assert export.status_code == 200 and export.data[:2] == b"PK"
    lot_url = f"/tenders/lots/{lot.id}"
    response = officer.post_form(f"{lot_url}/award", {"bid_id": str(bid_a.id), "start_on": "2026-03-01",
                                                      "end_on": "2030-03-01", "confirm": "y"}, page=lot_url)
    assert response.status_code == 422 and "au plus 4 ans" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(FrameworkContract)) == 0
    response = officer.post_form(f"{lot_url}/award", {"bid_id": str(bid_a.id), "start_on": "2026-03-01",
                                                      "end_on": "2030-02-28", "confirm": "y"}, page=lot_url)
    assert response.status_code == 302
    contract = db.session.scalar(select(FrameworkContract))
    assert contract.reference == "AC-WEB-L1" and contract.supplier.name == "Alpha"
    assert db.session.scalar(select(Offer.unit_price_ht).where(Offer.contract_id == contract.id)) == 100
    page = officer.get(lot_url).get_data(as_text=True)
    assert "Beta" in page and "73,67" in page  # the other bidder, with rank and score


def test_navigation_shows_suppliers_and_tenders_to_officers_only(officer, make_user, browser):
    home = officer.get("/").get_data(as_text=True)
    assert 'href="/suppliers/"' in home and 'href="/tenders/"' in home
    officer.logout()
    officer.login("durab@s.test")
    home = officer.get("/").get_data(as_text=True)
    assert 'href="/suppliers/"' not in home and 'href="/tenders/"' not in home


def test_bid_lines_show_category_names_not_codes(officer):
    from tests.tender_helpers import published_tender

    tender = published_tender("AO-CAT")
    bid = submit(tender.lots[0], make_supplier("Gamma"), [line("M1", "120", categorie="monitor_24")])
    db.session.commit()
    page = officer.get(f"/tenders/bids/{bid.id}").get_data(as_text=True)
    body = page[page.find("<tbody>"):page.find("</tbody>")]
    assert "monitor_24" not in body and "Écran" in body


def test_criteria_are_copied_from_one_lot_to_the_others(officer):
    from purchasing.tenders.models import AwardCriterion

    tender = make_tender("AO-COPY", lots=3, criteria=[])
    first, second, third = tender.lots
    services.set_criterion(first, "price", 60)
    services.set_criterion(first, "technical", 30)
    services.set_criterion(first, "environmental", 10, "scored")
    services.set_criterion(second, "delivery", 100)  # replaced: the copy gives every lot the same criteria
    db.session.commit()
    url = f"/tenders/{tender.id}"
    assert "Copier ces critères vers les autres lots" in officer.get(url).get_data(as_text=True)
    response = officer.post_form(f"/tenders/lots/{first.id}/criteria/copy", {}, page=url)
    assert response.status_code == 302
    db.session.expire_all()
    for lot in (second, third):
        rows = db.session.execute(select(AwardCriterion.kind, AwardCriterion.weight, AwardCriterion.environmental_mode)
                                  .where(AwardCriterion.lot_id == lot.id).order_by(AwardCriterion.kind)).all()
        assert [tuple(r) for r in rows] == [("environmental", 10, "scored"), ("price", 60, None), ("technical", 30, None)]
    assert "copiés vers les lots 2, 3" in officer.get(url).get_data(as_text=True)


def test_copying_criteria_is_refused_once_published_or_without_criteria(officer):
    from tests.tender_helpers import published_tender

    empty = make_tender("AO-EMPTY", lots=2, criteria=[])
    published = published_tender("AO-PUB", lots=2)
    db.session.commit()
    response = officer.post_form(f"/tenders/lots/{empty.lots[0].id}/criteria/copy", {}, page=f"/tenders/{empty.id}")
    assert response.status_code == 422 and "aucun critère à copier" in response.get_data(as_text=True)
    response = officer.post_form(f"/tenders/lots/{published.lots[0].id}/criteria/copy", {},
                                 page=f"/tenders/{published.id}")
    assert response.status_code in (409, 422)
