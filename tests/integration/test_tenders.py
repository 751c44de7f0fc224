"""Tender services: statuses, publication rules, sealed bids, imports, closing, evaluation, award."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from purchasing.catalogue.models import Offer, PriceBreak, Product
from purchasing.contracts.models import FrameworkContract
from purchasing.domain.errors import ConflictError, DomainError, ProcurementRuleViolation, TransitionNotAllowed
from purchasing.extensions import db
from purchasing.tenders import services
from purchasing.tenders.models import BidLine, TenderEvent
from tests.tender_helpers import (
    AFTER_DEADLINE,
    BEFORE_DEADLINE,
    line,
    make_supplier,
    make_tender,
    price_list_csv,
    published_tender,
    submit,
)


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_publishing_without_environmental_criterion_after_2026_08_21_is_refused_with_the_rule(app):
    tender = make_tender("AO-ENV-1", criteria=[("price", 70, None), ("technical", 30, None)],
                         publication=date(2026, 8, 21), deadline=datetime(2026, 10, 1, 12, tzinfo=timezone.utc))
    with pytest.raises(ProcurementRuleViolation) as error:
        services.change_tender_status(tender, "published", None, now=datetime(2026, 8, 21, 8, tzinfo=timezone.utc))
    assert "L2152-7" in error.value.message and "Climat et Résilience" in error.value.message
    assert tender.status == "draft"


def test_publishing_without_environmental_criterion_before_2026_08_21_is_allowed_with_a_warning(app):
    tender = make_tender("AO-ENV-2", criteria=[("price", 70, None), ("technical", 30, None)],
                         publication=date(2026, 8, 20), deadline=datetime(2026, 10, 1, 12, tzinfo=timezone.utc))
    warnings = services.change_tender_status(tender, "published", None,
                                             now=datetime(2026, 8, 20, 8, tzinfo=timezone.utc))
    assert tender.status == "published"
    assert [w.code for w in warnings] == ["missing_environmental_criterion"]
    event = db.session.scalar(select(TenderEvent).where(TenderEvent.tender_id == tender.id))
    assert event.from_status == "draft" and event.to_status == "published" and "21 août 2026" in event.reason


def test_publishing_without_maximum_amount_or_with_bad_weights_is_refused(app):
    tender = make_tender("AO-MAX", max_amount=None, criteria=[("price", 50, None), ("environmental", 40, "computed")])
    with pytest.raises(ProcurementRuleViolation) as error:
        services.change_tender_status(tender, "published", None, now=datetime(2026, 1, 10, tzinfo=timezone.utc))
    codes = {v["code"] for v in error.value.details["violations"]}
    assert {"missing_max_amount", "weights_not_100"} <= codes


def test_procedure_uses_the_sum_of_all_lots(app):
    tender = make_tender("AO-PROC", lots=5)  # 5 × 50 000 = 250 000 € HT
    assert services.procedure(tender).kind == "formal"
    small = make_tender("AO-PROC2", lots=1, publication=date(2026, 4, 1),
                        deadline=datetime(2026, 5, 1, tzinfo=timezone.utc))  # 50 000 after 1 April 2026
    assert services.procedure(small).kind == "none_required"


def test_transition_table_is_enforced(app):
    tender = make_tender("AO-TR")
    with pytest.raises(TransitionNotAllowed):
        services.change_tender_status(tender, "evaluated", None)


def test_a_price_list_with_bad_rows_imports_nothing_and_names_row_column_reason(app):
    tender = published_tender("AO-BAD")
    supplier = make_supplier()
    rows = [line("A1", "100"), line("A2", "douze"), line("A3", "50", unite="palette"), line("A1", "90"),
            line("A5", "70", categorie="frigo")]
    with pytest.raises(DomainError) as error:
        submit(tender.lots[0], supplier, rows)
    details = error.value.details["errors"]
    assert {"row": 3, "column": "prix_unitaire_ht", "reason": "prix non numérique « douze »"} in details
    assert any(e["row"] == 4 and e["column"] == "unite" for e in details)
    assert any(e["row"] == 5 and e["column"] == "reference_fabricant" and "double" in e["reason"] for e in details)
    assert any(e["row"] == 6 and e["column"] == "categorie" for e in details)
    assert "ligne 3, colonne « prix_unitaire_ht »" in error.value.message
    assert _count(BidLine) == 0


def test_missing_column_rejects_the_file(app):
    tender = published_tender("AO-COL")
    content = price_list_csv([line("A1", "100")], columns=["reference_fabricant", "marque", "modele", "categorie",
                                                            "unite"])
    with pytest.raises(DomainError) as error:
        services.import_bid(tender.lots[0], make_supplier(), "b.csv", content, now=BEFORE_DEADLINE)
    assert error.value.details["errors"] == [{"row": 1, "column": "prix_unitaire_ht",
                                              "reason": "colonne obligatoire absente"}]


def test_wrong_file_type_is_refused(app):
    tender = published_tender("AO-TYPE")
    with pytest.raises(DomainError, match=r"\.csv, \.xlsx ou \.ods"):
        services.import_bid(tender.lots[0], make_supplier(), "b.pdf", b"%PDF", now=BEFORE_DEADLINE)


def test_5000_lines_import_in_one_go(app):
    tender = published_tender("AO-BIG")
    rows = [line(f"REF-{i:05d}", f"{100 + i % 50},{i % 100:02d}") for i in range(5000)]
    bid = submit(tender.lots[0], make_supplier(), rows)
    assert bid.line_count == 5000
    assert db.session.scalar(select(func.count()).select_from(BidLine).where(BidLine.bid_id == bid.id)) == 5000


def test_xlsx_price_list_imports(app):
    import io

    import pandas as pd

    tender = published_tender("AO-XLSX")
    buffer = io.BytesIO()
    pd.DataFrame([line("X1", "10,50"), line("X2", "20")]).to_excel(buffer, index=False)
    bid = services.import_bid(tender.lots[0], make_supplier(), "b.xlsx", buffer.getvalue(), now=BEFORE_DEADLINE)
    assert bid.total_price_ht == Decimal("30.50")


def test_bid_prices_are_sealed_before_the_deadline(app):
    tender = published_tender("AO-SEAL")
    bid = submit(tender.lots[0], make_supplier(), [line("S1", "777.77")])
    with pytest.raises(services.BidsSealed):
        services.bid_lines(bid, now=BEFORE_DEADLINE)
    with pytest.raises(services.BidsSealed):
        services.evaluation_xlsx(tender, now=BEFORE_DEADLINE)
    with pytest.raises(services.BidsSealed):
        services.ranked_bids(tender.lots[0], now=BEFORE_DEADLINE)


def test_close_due_tenders_closes_only_past_deadlines(app):
    due = published_tender("AO-DUE")
    services.close_due_tenders(now=BEFORE_DEADLINE)
    assert due.status == "published"
    closed = services.close_due_tenders(now=AFTER_DEADLINE)
    assert due in closed and due.status == "closed"
    event = db.session.scalars(select(TenderEvent).where(TenderEvent.tender_id == due.id)
                               .order_by(TenderEvent.id.desc())).first()
    assert event.to_status == "closed" and event.actor_id is None


def test_bids_refused_after_the_deadline(app):
    tender = published_tender("AO-LATE")
    with pytest.raises(ConflictError):
        submit(tender.lots[0], make_supplier(), [line("L1", "10")], now=AFTER_DEADLINE)


def test_score_needs_a_justification(app, make_user):
    tender = published_tender("AO-JUST")
    bid = submit(tender.lots[0], make_supplier(), [line("J1", "10")])
    services.close_due_tenders(now=AFTER_DEADLINE)
    officer = make_user(role="purchasing_officer")
    with pytest.raises(DomainError, match="justification"):
        services.add_score(bid, "technical", Decimal("12"), "  ", officer, now=AFTER_DEADLINE)
    with pytest.raises(DomainError, match="entre 0 et 20"):
        services.add_score(bid, "technical", Decimal("21"), "ok", officer, now=AFTER_DEADLINE)


def test_must_show_scenario_two_lots_three_suppliers_award_and_unsuccessful(app, make_user):
    """2 lots, 3 suppliers' price lists, scores and ranking, lot 1 awarded (catalogue offers), lot 2 unsuccessful."""
    officer = make_user(role="purchasing_officer")
    tender = published_tender("AO-2026-09", lots=2, criteria=[("price", 60, None), ("technical", 30, None),
                                                                ("environmental", 10, "computed")])
    lot1, lot2 = tender.lots
    alpha, beta, gamma = make_supplier("Alpha"), make_supplier("Beta"), make_supplier("Gamma")
    # lot 1: totals 1000, 800, 400 (Gamma abnormally low: 400 < 0.70 × 800)
    submit(lot1, alpha, [line("P1", "600", marque="Dell", annual_kgco2e="50", indice_reparabilite="8",
                              seuil_1_quantite="10", seuil_1_prix_ht="550"),
                         line("P2", "400", categorie="monitor_24", marque="HP", annual_kgco2e="30")])
    submit(lot1, beta, [line("P1", "500", annual_kgco2e="40", indice_reparabilite="8"),
                        line("P2", "300", categorie="monitor_24", marque="HP", annual_kgco2e="30",
                             empreinte_kgco2e="310", garantie_ans="5")])
    submit(lot1, gamma, [line("Q1", "400", marque="Lenovo", annual_kgco2e="100", indice_reparabilite="4")])
    submit(lot2, alpha, [line("T1", "50", categorie="tablet", marque="Samsung", garantie_ans="2")])
    submit(lot2, beta, [line("T1", "60", categorie="tablet", marque="Samsung", garantie_ans="3")])

    services.close_due_tenders(now=AFTER_DEADLINE)
    assert tender.status == "closed"
    for lot in (lot1, lot2):
        for bid in lot.bids:
            services.add_score(bid, "technical", Decimal("14"), "Conforme au cahier des charges.", officer,
                               now=AFTER_DEADLINE)
    services.evaluate_tender(tender, officer, now=AFTER_DEADLINE)
    assert tender.status == "evaluated"
    ranked = services.ranked_bids(lot1, now=AFTER_DEADLINE)
    # price points: Gamma 60, Beta 60×400/800 = 30, Alpha 60×400/1000 = 24; technical 21 each.
    assert [b.supplier.name for b in ranked][0] == "Gamma"
    gamma_bid = ranked[0]
    assert gamma_bid.points["price"] == "60.00" and gamma_bid.abnormally_low is True
    assert {b.supplier.name: b.points["price"] for b in ranked} == {"Gamma": "60.00", "Beta": "30.00",
                                                                   "Alpha": "24.00"}
    beta_bid = next(b for b in ranked if b.supplier.name == "Beta")
    assert beta_bid.abnormally_low is False

    contract = services.award_lot(lot1, beta_bid, date(2026, 3, 1), date(2030, 2, 28), officer, now=AFTER_DEADLINE)
    assert contract.reference == "AC-2026-09-L1" and contract.supplier.name == "Beta"
    assert contract.max_amount_ht == lot1.max_amount_ht and contract.tender_lot_id == lot1.id
    offers = db.session.scalars(select(Offer).where(Offer.contract_id == contract.id)).all()
    assert sorted(o.unit_price_ht for o in offers) == [Decimal("300.00"), Decimal("500.00")]
    assert all(o.valid_from == date(2026, 3, 1) for o in offers)
    assert {o.product.manufacturer_ref for o in offers} == {"P1", "P2"}
    monitor = next(o.product for o in offers if o.product.manufacturer_ref == "P2")
    assert monitor.category.code == "monitor_24" and monitor.embodied_kgco2e == 310.0 and monitor.warranty_years == 5
    assert lot1.status == "awarded" and tender.status == "evaluated"

    services.declare_unsuccessful(lot2, officer, "Offres inacceptables (budget dépassé).", now=AFTER_DEADLINE)
    assert lot2.status == "unsuccessful" and tender.status == "awarded"
    with pytest.raises(ConflictError):
        services.award_lot(lot2, None, date(2026, 3, 1), date(2027, 3, 1), officer, now=AFTER_DEADLINE)


def test_award_creates_price_breaks_and_matches_existing_products(app, make_user):
    officer = make_user(role="purchasing_officer")
    tender = published_tender("AO-PB", criteria=[("price", 90, None), ("environmental", 10, "computed")])
    supplier = make_supplier("Delta")
    submit(tender.lots[0], supplier, [line("PB1", "600", annual_kgco2e="50", seuil_1_quantite="10",
                                           seuil_1_prix_ht="550", seuil_2_quantite="50", seuil_2_prix_ht="500")])
    services.close_due_tenders(now=AFTER_DEADLINE)
    services.evaluate_tender(tender, officer, now=AFTER_DEADLINE)
    existing = Product(category_id=db.session.scalar(select(Product.category_id).limit(1)) or 1, brand="Dell",
                       model="x", manufacturer_ref="PB1")
    from purchasing.catalogue.models import Category
    existing.category_id = db.session.scalar(select(Category.id).where(Category.code == "laptop"))
    db.session.add(existing)
    db.session.flush()
    with pytest.raises(ProcurementRuleViolation, match="au plus 4 ans"):
        services.award_lot(tender.lots[0], None, date(2026, 3, 1), date(2030, 3, 1), officer, now=AFTER_DEADLINE)
    contract = services.award_lot(tender.lots[0], None, date(2026, 3, 1), date(2027, 2, 28), officer,
                                  now=AFTER_DEADLINE)
    offer = db.session.scalar(select(Offer).where(Offer.contract_id == contract.id))
    assert offer.product_id == existing.id
    assert [(b.min_quantity, b.unit_price_ht) for b in offer.price_breaks] == [(10, Decimal("550.00")),
                                                                               (50, Decimal("500.00"))]
    assert tender.status == "awarded"
    assert _count(FrameworkContract) >= 1 and _count(PriceBreak) >= 2


def test_cli_close_due_closes_past_deadlines(app, runner):
    tender = published_tender("AO-CLI")
    result = runner.invoke(args=["tenders", "close-due"])
    assert result.exit_code == 0, result.output
    assert "AO-CLI" in result.output
    db.session.refresh(tender)
    assert tender.status == "closed"


def test_evaluation_hand_computed_with_a_tie_and_an_abnormally_low_bid(app, make_user):
    """Weights price 60 / technical 40; ratio 0.70.

    Totals HT: A 1000, B 800, C 500, D 800. Median = (800+800)/2 = 800, threshold 560: C abnormally low.
    Price points: C 60; B, D 60×500/800 = 37.50; A 60×500/1000 = 30.
    Technical /20 → points: A 20 → 40; B 10 → 20; C 4 → 8; D 10 → 20.
    Totals: A 70.00, C 68.00, B 57.50, D 57.50 (tie B/D: same price, no env, earlier submission wins: B).
    """
    officer = make_user(role="purchasing_officer")
    tender = published_tender("AO-TIE", criteria=[("price", 60, None), ("technical", 40, None)])
    lot = tender.lots[0]
    suppliers = {name: make_supplier(name) for name in "ABCD"}
    submitted = {"A": "1000", "B": "800", "C": "500", "D": "800"}
    for offset, (name, price) in enumerate(submitted.items()):
        submit(lot, suppliers[name], [line(f"R-{name}", price)], now=BEFORE_DEADLINE + timedelta(minutes=offset))
    services.close_due_tenders(now=AFTER_DEADLINE)
    marks = {"A": "20", "B": "10", "C": "4", "D": "10"}
    for bid in lot.bids:
        services.add_score(bid, "technical", Decimal(marks[bid.supplier.name]), "Mémoire technique analysé.",
                           officer, now=AFTER_DEADLINE)
    services.evaluate_tender(tender, officer, now=AFTER_DEADLINE)
    ranked = services.ranked_bids(lot, now=AFTER_DEADLINE)
    assert [(b.supplier.name, b.rank, b.total_points) for b in ranked] == [
        ("A", 1, Decimal("70.00")), ("C", 2, Decimal("68.00")), ("B", 3, Decimal("57.50")), ("D", 4, Decimal("57.50"))]
    assert [b.supplier.name for b in ranked if b.abnormally_low] == ["C"]
    b, d = ranked[2], ranked[3]
    assert "remise la première" in b.tie_break_explanation and "D" in b.tie_break_explanation
    assert "classée après" in d.tie_break_explanation
    assert ranked[0].tie_break_explanation is None


def test_abnormally_low_ratio_is_configurable_per_tender(app, make_user):
    officer = make_user(role="purchasing_officer")
    tender = published_tender("AO-RATIO", criteria=[("price", 100, None)])
    tender.abnormally_low_ratio = Decimal("0.50")
    lot = tender.lots[0]
    for name, price in (("A", "1000"), ("B", "800"), ("C", "500")):
        submit(lot, make_supplier(name), [line(f"R-{name}", price)])
    services.close_due_tenders(now=AFTER_DEADLINE)
    services.evaluate_tender(tender, officer, now=AFTER_DEADLINE)
    # median 800, threshold 400: 500 is no longer abnormally low
    assert not any(b.abnormally_low for b in lot.bids)


def test_evaluation_sheet_has_every_score_and_justification_and_is_formula_safe(app, make_user):
    import io

    import openpyxl

    officer = make_user(role="purchasing_officer", full_name="=HYPERLINK(\"x\")")
    tender = published_tender("AO-XL", criteria=[("price", 70, None), ("technical", 30, None)])
    lot = tender.lots[0]
    submit(lot, make_supplier("=cmd|' /C calc'!A0"), [line("X1", "100")])
    submit(lot, make_supplier("Sûr"), [line("X2", "120")])
    services.close_due_tenders(now=AFTER_DEADLINE)
    for bid in lot.bids:
        services.add_score(bid, "technical", Decimal("15"), "+SUM(1,2) justification écrite", officer,
                           now=AFTER_DEADLINE)
    services.evaluate_tender(tender, officer, now=AFTER_DEADLINE)
    book = openpyxl.load_workbook(io.BytesIO(services.evaluation_xlsx(tender, now=AFTER_DEADLINE)))
    cells = [cell.value for sheet in book for row in sheet.iter_rows() for cell in row]
    texts = [v for v in cells if isinstance(v, str)]
    assert not any(v.startswith(("=", "+", "-", "@")) for v in texts)
    assert "'+SUM(1,2) justification écrite" in texts
    assert "'=cmd|' /C calc'!A0" in texts
    assert book["classement"].max_row == 3 and book["notes"].max_row == 3


def test_oversized_or_empty_price_list_is_refused(app):
    tender = published_tender("AO-SIZE")
    supplier = make_supplier()
    with pytest.raises(DomainError, match="5 Mo"):
        services.import_bid(tender.lots[0], supplier, "b.csv", b"x" * (5 * 1024 * 1024 + 1), now=BEFORE_DEADLINE)
    with pytest.raises(DomainError, match="vide"):
        services.import_bid(tender.lots[0], supplier, "b.csv", b"", now=BEFORE_DEADLINE)
    assert _count(BidLine) == 0
