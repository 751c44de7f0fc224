"""A tender that cannot be published says why in the reader's language, each unmet rule included (issue 15,
"Language"): the rules' messages are templates with params, not French text built by the caller."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale

from purchasing.domain.errors import ProcurementRuleViolation
from purchasing.domain.procurement import CriterionData, LotData, TenderData, check_publishable
from purchasing.i18n import error_message


def _refusal():
    lot = LotData(2, "Écrans", Decimal("0"), 60, (CriterionData("price", 60), CriterionData("technical", 30)))
    tender = TenderData(reference="AO-2026-09", publication_date=date(2026, 9, 1),
                        bid_deadline=datetime(2026, 10, 6, 10, tzinfo=UTC), lots=(lot, replace(lot, number=2)))
    with pytest.raises(ProcurementRuleViolation) as refused:
        check_publishable(tender, date(2026, 9, 1))
    return refused.value


def test_the_refusal_and_every_rule_read_in_english(app):
    error = _refusal()
    with app.test_request_context(), force_locale("en"):
        text = error_message(error)
    assert text.startswith("Tender AO-2026-09 cannot be published")
    assert "Lot 2 (« Écrans »): the maximum amount must be above zero." in text
    assert "the duration of 60 months exceeds the maximum of 48 months" in text
    assert "the criteria's weights add up to 90 instead of 100." in text
    assert "Two lots have the same number." in text
    for french in ("le montant maximum", "Deux lots", "la somme des pondérations", "ne peut pas être publiée"):
        assert french not in text
    # the details keep the French message of each rule (audit), with their codes
    codes = [v["code"] for v in error.details["violations"]]
    assert "duplicate_lot_number" in codes and "invalid_max_amount" in codes
    assert any(v["message"].startswith("Lot 2 (« Écrans ») : le montant maximum") for v in error.details["violations"])


def test_the_refusal_reads_in_french_by_default(app):
    error = _refusal()
    with app.test_request_context():
        text = error_message(error)
    assert text.startswith("La consultation AO-2026-09 ne peut pas être publiée")
    assert "Lot 2 (« Écrans ») : le montant maximum doit être supérieur à zéro." in text
    assert text == error.message
