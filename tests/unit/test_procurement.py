"""Public-procurement rules: dated thresholds, publishing checks, framework contract duration."""

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from purchasing.domain.errors import ProcurementRuleViolation
from purchasing.domain.procurement import (
    THRESHOLDS,
    CriterionData,
    LotData,
    TenderData,
    check_contract_duration,
    check_publishable,
    procedure_for,
    thresholds_on,
)

D = Decimal
UTC = timezone.utc

# --- thresholds -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "kind"),
    [
        ("0", "none_required"),
        ("59999.99", "none_required"),
        ("60000", "adapted"),  # R2122-8: exempt only when *below* the threshold
        ("60000.01", "adapted"),
        ("215999.99", "adapted"),
        ("216000", "formal"),  # L2124-1: formal when equal or above
        ("5000000", "formal"),
    ],
)
def test_procedure_on_2026_06_01(amount, kind):
    check = procedure_for(D(amount), date(2026, 6, 1))
    assert check.kind == kind
    assert (check.no_procedure_max_ht, check.formal_procedure_min_ht) == (D("60000"), D("216000"))
    assert check.thresholds_from == date(2026, 4, 1)


@pytest.mark.parametrize(
    ("amount", "kind"),
    [("39999.99", "none_required"), ("40000", "adapted"), ("59999.99", "adapted"), ("215999.99", "adapted"), ("216000", "formal")],
)
def test_procedure_on_2026_03_31_uses_the_older_exemption(amount, kind):
    check = procedure_for(D(amount), date(2026, 3, 31))
    assert check.kind == kind
    assert check.no_procedure_max_ht == D("40000")
    assert check.formal_procedure_min_ht == D("216000")


def test_procedure_in_2025_uses_2024_2025_thresholds():
    assert procedure_for(D("216000"), date(2025, 12, 31)).kind == "adapted"  # formal from 221 000 then
    assert procedure_for(D("221000"), date(2025, 12, 31)).kind == "formal"
    assert procedure_for(D("45000"), date(2025, 12, 31)).kind == "adapted"


def test_threshold_change_dates():
    assert thresholds_on(date(2026, 3, 31)).no_procedure_max_ht == D("40000")
    assert thresholds_on(date(2026, 4, 1)).no_procedure_max_ht == D("60000")
    assert thresholds_on(datetime(2026, 4, 1, 8, 0, tzinfo=UTC)).no_procedure_max_ht == D("60000")
    assert thresholds_on(date(2025, 12, 31)).formal_procedure_min_ht == D("221000")
    assert thresholds_on(date(2026, 1, 1)).formal_procedure_min_ht == D("216000")


def test_thresholds_table_is_dated_and_sourced():
    dates = [row.effective_from for row in THRESHOLDS]
    assert dates == sorted(dates)
    assert all(row.source.strip() for row in THRESHOLDS)


def test_procedure_explanation_is_french_and_quotes_thresholds():
    check = procedure_for(D("59999.99"), date(2026, 6, 1))
    assert "59\u202f999,99\u00a0€" in check.explanation
    assert "60\u202f000,00\u00a0€" in check.explanation
    assert "R2122-8" in check.explanation
    assert "MAPA" in procedure_for(D("60000"), date(2026, 6, 1)).explanation
    assert "formalisée" in procedure_for(D("216000"), date(2026, 6, 1)).explanation


def test_procedure_after_known_thresholds_warns():
    assert "vérifiez les seuils" in procedure_for(D("1000"), date(2028, 1, 1)).explanation
    assert "vérifiez" not in procedure_for(D("1000"), date(2027, 12, 31)).explanation


@pytest.mark.parametrize("amount", [D("-1"), D("NaN"), 1000.0, 1000])
def test_procedure_refuses_bad_estimates(amount):
    with pytest.raises(ProcurementRuleViolation):
        procedure_for(amount, date(2026, 6, 1))


def test_no_thresholds_before_the_table():
    with pytest.raises(ProcurementRuleViolation) as excinfo:
        procedure_for(D("1"), date(2023, 12, 31))
    assert excinfo.value.code == "no_thresholds_for_date"


# --- publishing a tender ----------------------------------------------------------------------

GOOD_CRITERIA = (
    CriterionData("price", 40),
    CriterionData("technical", 30),
    CriterionData("environmental", 20),
    CriterionData("delivery", 10),
)
NO_ENVIRONMENT = (CriterionData("price", 60), CriterionData("technical", 40))


def lot(number=1, **changes):
    base = LotData(number, "Postes de travail", D("900000"), 48, GOOD_CRITERIA)
    return replace(base, **changes)


def tender(publication=date(2026, 9, 1), lots=None, deadline=None):
    return TenderData(
        reference="AO-2026-07",
        publication_date=publication,
        bid_deadline=deadline or datetime.combine(publication + timedelta(days=35), datetime.min.time(), UTC) + timedelta(hours=10),
        lots=lots if lots is not None else (lot(),),
    )


def violation_codes(excinfo):
    return [violation["code"] for violation in excinfo.value.details["violations"]]


def test_a_complete_tender_is_publishable_without_warnings():
    assert check_publishable(tender(), date(2026, 9, 1)) == []


def test_environmental_criterion_mandatory_on_2026_08_21():
    with pytest.raises(ProcurementRuleViolation) as excinfo:
        check_publishable(tender(date(2026, 8, 21), lots=(lot(criteria=NO_ENVIRONMENT),)), date(2026, 8, 21))
    assert violation_codes(excinfo) == ["missing_environmental_criterion"]
    assert "L2152-7" in excinfo.value.message
    assert "Climat et Résilience" in excinfo.value.message
    assert excinfo.value.code == "tender_not_publishable"


def test_environmental_criterion_only_a_warning_on_2026_08_20():
    warnings = check_publishable(tender(date(2026, 8, 20), lots=(lot(criteria=NO_ENVIRONMENT),)), date(2026, 8, 20))
    assert [w.code for w in warnings] == ["missing_environmental_criterion"]
    assert warnings[0].lot_number == 1
    assert "21 août 2026" in warnings[0].message


def test_a_past_publication_date_does_not_escape_the_environmental_rule():
    # planned for 20 August but actually published on the 22nd: the rule applies
    with pytest.raises(ProcurementRuleViolation):
        check_publishable(tender(date(2026, 8, 20), lots=(lot(criteria=NO_ENVIRONMENT),)), date(2026, 8, 22))


def test_missing_max_amount_is_refused_citing_r2162_4():
    with pytest.raises(ProcurementRuleViolation) as excinfo:
        check_publishable(tender(lots=(lot(max_amount_ht=None),)), date(2026, 9, 1))
    assert violation_codes(excinfo) == ["missing_max_amount"]
    assert "R2162-4" in excinfo.value.message
    assert "montant maximum" in excinfo.value.message


def test_missing_max_amount_refused_even_before_august_2026():
    with pytest.raises(ProcurementRuleViolation):
        check_publishable(tender(date(2026, 5, 4), lots=(lot(max_amount_ht=None),)), date(2026, 5, 4))


def test_zero_max_amount_is_refused():
    with pytest.raises(ProcurementRuleViolation) as excinfo:
        check_publishable(tender(lots=(lot(max_amount_ht=D("0")),)), date(2026, 9, 1))
    assert violation_codes(excinfo) == ["invalid_max_amount"]


def test_duration_of_48_months_is_fine_49_is_refused():
    assert check_publishable(tender(lots=(lot(duration_months=48),)), date(2026, 9, 1)) == []
    with pytest.raises(ProcurementRuleViolation) as excinfo:
        check_publishable(tender(lots=(lot(duration_months=49),)), date(2026, 9, 1))
    assert violation_codes(excinfo) == ["duration_too_long"]
    assert "L2125-1" in excinfo.value.message


def test_weights_must_sum_to_100():
    criteria = (CriterionData("price", 50), CriterionData("technical", 30), CriterionData("environmental", 10))
    with pytest.raises(ProcurementRuleViolation) as excinfo:
        check_publishable(tender(lots=(lot(criteria=criteria),)), date(2026, 9, 1))
    assert violation_codes(excinfo) == ["weights_not_100"]
    assert "90 au lieu de 100" in excinfo.value.message


def test_price_criterion_is_required():
    criteria = (CriterionData("technical", 80), CriterionData("environmental", 20))
    with pytest.raises(ProcurementRuleViolation) as excinfo:
        check_publishable(tender(lots=(lot(criteria=criteria),)), date(2026, 9, 1))
    assert violation_codes(excinfo) == ["missing_price_criterion"]


def test_deadline_before_publication_is_refused():
    deadline = datetime(2026, 8, 31, 12, 0, tzinfo=UTC)
    with pytest.raises(ProcurementRuleViolation) as excinfo:
        check_publishable(tender(date(2026, 9, 1), deadline=deadline), date(2026, 9, 1))
    assert violation_codes(excinfo) == ["deadline_before_publication"]


def test_naive_deadline_is_a_programming_error():
    with pytest.raises(ValueError):
        TenderData("AO-1", date(2026, 9, 1), datetime(2026, 10, 1, 12, 0), (lot(),))


def test_every_violation_is_listed_not_only_the_first():
    bad_lot_1 = lot(1, max_amount_ht=None, duration_months=60, criteria=NO_ENVIRONMENT)
    bad_lot_2 = lot(2, criteria=(CriterionData("price", 70), CriterionData("environmental", 20)))
    deadline = datetime(2026, 8, 30, 12, 0, tzinfo=UTC)
    with pytest.raises(ProcurementRuleViolation) as excinfo:
        check_publishable(tender(date(2026, 9, 1), lots=(bad_lot_1, bad_lot_2), deadline=deadline), date(2026, 9, 1))
    assert violation_codes(excinfo) == [
        "deadline_before_publication",
        "missing_max_amount",
        "duration_too_long",
        "missing_environmental_criterion",
        "weights_not_100",
    ]
    lots = [violation["lot_number"] for violation in excinfo.value.details["violations"]]
    assert lots == [None, 1, 1, 1, 2]
    assert "5 règles non respectées" in excinfo.value.message
    assert "Lot 2" in excinfo.value.message


def test_tender_without_lots_is_refused():
    with pytest.raises(ProcurementRuleViolation) as excinfo:
        check_publishable(tender(lots=()), date(2026, 9, 1))
    assert violation_codes(excinfo) == ["no_lots"]


# --- framework contract duration --------------------------------------------------------------


def test_contract_of_exactly_four_years_is_allowed():
    check_contract_duration(date(2026, 1, 1), date(2029, 12, 31))
    check_contract_duration(date(2026, 3, 15), date(2030, 3, 14))
    check_contract_duration(date(2028, 2, 29), date(2032, 2, 28))  # leap day start


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        (date(2026, 1, 1), date(2030, 1, 1), "contract_too_long"),  # one day too many
        (date(2026, 3, 15), date(2030, 3, 15), "contract_too_long"),
        (date(2026, 1, 1), date(2025, 12, 31), "contract_end_before_start"),
    ],
)
def test_contract_duration_refused(start, end, code):
    with pytest.raises(ProcurementRuleViolation) as excinfo:
        check_contract_duration(start, end)
    assert excinfo.value.code == code


def test_contract_duration_message_gives_latest_end():
    with pytest.raises(ProcurementRuleViolation) as excinfo:
        check_contract_duration(date(2026, 1, 1), date(2031, 1, 1))
    assert "31/12/2029" in excinfo.value.message
    assert "4 ans" in excinfo.value.message
