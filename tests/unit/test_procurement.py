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


# --- boundaries, stable codes and cited articles (mutation testing) --------------------------


def violations(excinfo):
    return [(v["code"], v["rule"], v["lot_number"]) for v in excinfo.value.details["violations"]]


def refused(tender_data, on=date(2026, 9, 1)):
    with pytest.raises(ProcurementRuleViolation) as excinfo:
        check_publishable(tender_data, on)
    assert excinfo.value.code == "tender_not_publishable"
    return excinfo


@pytest.mark.parametrize(
    ("day", "amount", "kind"),
    [
        (date(2024, 1, 1), "39999.99", "none_required"),  # first day of the table
        (date(2024, 1, 1), "40000", "adapted"),  # exactly the exemption threshold: not exempt
        (date(2025, 12, 31), "40000", "adapted"),
        (date(2025, 12, 31), "39999.99", "none_required"),
        (date(2025, 12, 31), "220999.99", "adapted"),
        (date(2025, 12, 31), "221000", "formal"),  # exactly the EU threshold: formal
        (date(2026, 1, 1), "39999.99", "none_required"),
        (date(2026, 1, 1), "40000", "adapted"),
        (date(2026, 1, 1), "215999.99", "adapted"),
        (date(2026, 1, 1), "216000", "formal"),
        (date(2026, 4, 1), "59999.99", "none_required"),  # the decree's first day
        (date(2026, 4, 1), "60000", "adapted"),
        (date(2026, 4, 1), "216000", "formal"),
        (date(2027, 12, 31), "216000", "formal"),
    ],
)
def test_procedure_exactly_at_each_threshold_and_on_each_date(day, amount, kind):
    assert procedure_for(D(amount), day).kind == kind


def test_each_threshold_row_starts_on_its_date():
    assert thresholds_on(date(2024, 1, 1)).effective_from == date(2024, 1, 1)
    assert thresholds_on(date(2025, 12, 31)).effective_from == date(2024, 1, 1)
    assert thresholds_on(date(2026, 1, 1)).effective_from == date(2026, 1, 1)
    assert thresholds_on(date(2026, 3, 31)).effective_from == date(2026, 1, 1)
    assert thresholds_on(date(2026, 4, 1)).effective_from == date(2026, 4, 1)
    assert [(r.no_procedure_max_ht, r.formal_procedure_min_ht) for r in THRESHOLDS] == [
        (D("40000"), D("221000")), (D("40000"), D("216000")), (D("60000"), D("216000")),
    ]
    with pytest.raises(ProcurementRuleViolation) as excinfo:
        thresholds_on(datetime(2023, 12, 31, 23, 59, tzinfo=UTC))
    assert excinfo.value.code == "no_thresholds_for_date"
    assert "31/12/2023" in excinfo.value.message


def test_procedure_check_records_the_thresholds_used():
    check = procedure_for(D("100000"), datetime(2026, 4, 1, 9, 0, tzinfo=UTC))
    assert check.estimated_total_ht == D("100000")
    assert check.thresholds_from == date(2026, 4, 1)
    assert check.source == THRESHOLDS[2].source
    assert "60 000 € HT" in check.source and "R2122-8" in check.source


def test_procedure_explanations_cite_their_articles():
    none = procedure_for(D("1000"), date(2026, 6, 1)).explanation
    assert none == (
        "Montant estimé de 1\u202f000,00\u00a0€ HT, inférieur au seuil de dispense de 60\u202f000,00\u00a0€ HT "
        "(seuils en vigueur au 01/06/2026) : marché possible sans publicité ni mise en concurrence préalables "
        "(CCP R2122-8), en choisissant une offre pertinente, en faisant bon usage des deniers publics et sans "
        "contracter systématiquement avec le même fournisseur."
    )
    adapted = procedure_for(D("100000"), date(2026, 6, 1)).explanation
    assert adapted == (
        "Montant estimé de 100\u202f000,00\u00a0€ HT, entre le seuil de dispense de 60\u202f000,00\u00a0€ HT et le "
        "seuil européen de 216\u202f000,00\u00a0€ HT (seuils en vigueur au 01/06/2026) : procédure adaptée "
        "(MAPA, CCP L2123-1 et R2123-1), avec une publicité adaptée au montant."
    )
    formal = procedure_for(D("216000"), date(2026, 6, 1)).explanation
    assert formal == (
        "Montant estimé de 216\u202f000,00\u00a0€ HT, égal ou supérieur au seuil européen de 216\u202f000,00\u00a0€ HT "
        "(seuils en vigueur au 01/06/2026) : procédure formalisée obligatoire (appel d'offres, CCP L2124-1 et "
        "L2124-2), avec avis au JOUE et au BOAMP."
    )


def test_the_late_warning_is_added_to_the_explanation_not_put_in_its_place():
    explanation = procedure_for(D("1000"), date(2028, 1, 1)).explanation
    assert explanation.startswith("Montant estimé de 1\u202f000,00\u00a0€ HT, inférieur au seuil de dispense")
    assert explanation.endswith(
        "(CCP R2122-8), en choisissant une offre pertinente, en faisant bon usage des deniers publics et sans "
        "contracter systématiquement avec le même fournisseur. Attention : les seuils connus de l'application "
        "s'arrêtent au 31/12/2027 ; vérifiez les seuils en vigueur."
    )


@pytest.mark.parametrize("amount", [D("-0.01"), D("NaN"), D("Infinity"), 1000.0, 1000, "1000"])
def test_bad_estimates_have_their_code(amount):
    with pytest.raises(ProcurementRuleViolation) as excinfo:
        procedure_for(amount, date(2026, 6, 1))
    assert excinfo.value.code == "invalid_estimate"


def test_two_lots_with_the_same_number_are_refused():
    excinfo = refused(tender(lots=(lot(1), lot(1, title="Écrans"))))
    assert violations(excinfo) == [("duplicate_lot_number", "numérotation des lots", None)]
    assert "Deux lots portent le même numéro." in excinfo.value.message
    assert check_publishable(tender(lots=(lot(1), lot(2))), date(2026, 9, 1)) == []


def test_a_deadline_on_the_publication_day_is_refused_the_next_day_is_fine():
    # the day is Paris's: in September (UTC+2) 21:59 UTC is 23:59 on the publication day, 22:00 UTC the next day
    same_day = datetime(2026, 9, 1, 21, 59, tzinfo=UTC)
    excinfo = refused(tender(date(2026, 9, 1), deadline=same_day))
    assert violations(excinfo) == [("deadline_before_publication", "cohérence des dates de la consultation", None)]
    assert "(01/09/2026 23:59, heure de Paris)" in excinfo.value.message and "(01/09/2026)" in excinfo.value.message
    next_day = datetime(2026, 9, 1, 22, 0, tzinfo=UTC)
    assert check_publishable(tender(date(2026, 9, 1), deadline=next_day), date(2026, 9, 1)) == []


@pytest.mark.parametrize(("months", "code", "rule"), [(0, "invalid_duration", "CCP L2125-1"),
                                                       (-1, "invalid_duration", "CCP L2125-1"),
                                                       (49, "duration_too_long", "CCP L2125-1, R2162-4")])
def test_duration_refusals_cite_their_articles(months, code, rule):
    excinfo = refused(tender(lots=(lot(duration_months=months),)))
    assert violations(excinfo) == [(code, rule, 1)]


@pytest.mark.parametrize("months", [1, 47, 48])
def test_durations_from_one_month_to_four_years_are_fine(months):
    assert check_publishable(tender(lots=(lot(duration_months=months),)), date(2026, 9, 1)) == []


def test_the_duration_message_gives_both_figures():
    excinfo = refused(tender(lots=(lot(duration_months=49),)))
    assert "la durée de 49 mois dépasse le maximum de 48 mois (4 ans)" in excinfo.value.message


@pytest.mark.parametrize(("amount", "code"), [(None, "missing_max_amount"), (D("0"), "invalid_max_amount"),
                                               (D("-1"), "invalid_max_amount")])
def test_maximum_amount_refusals_cite_r2162_4(amount, code):
    excinfo = refused(tender(lots=(lot(max_amount_ht=amount),)))
    assert violations(excinfo) == [(code, "CCP R2162-4", 1)]


@pytest.mark.parametrize("amount", [D("0.01"), D("1")])
def test_the_smallest_maximum_amount_is_fine(amount):
    assert check_publishable(tender(lots=(lot(max_amount_ht=amount),)), date(2026, 9, 1)) == []


def test_criteria_refusals_have_their_codes_and_rules():
    criteria = (CriterionData("price", 50), CriterionData("price", 30), CriterionData("beauty", 20))
    excinfo = refused(tender(lots=(lot(criteria=criteria),)))
    weights = "pondération des critères (règle de l'application : total de 100)"
    known = "critères d'attribution connus de l'application"
    assert violations(excinfo) == [
        ("unknown_criterion", known, 1),
        ("duplicate_criterion", known, 1),
        ("missing_environmental_criterion", "Loi Climat et Résilience art. 35, CCP L2152-7, décret n° 2022-767", 1),
    ]
    assert "critère(s) inconnu(s) : beauty." in excinfo.value.message
    zero = (CriterionData("price", 0), CriterionData("technical", 80), CriterionData("environmental", 20))
    excinfo = refused(tender(lots=(lot(criteria=zero),)))
    assert violations(excinfo) == [("invalid_weight", weights, 1)]
    excinfo = refused(tender(lots=(lot(criteria=(CriterionData("price", 100),)),)))
    assert violations(excinfo) == [
        ("missing_environmental_criterion", "Loi Climat et Résilience art. 35, CCP L2152-7, décret n° 2022-767", 1)
    ]
    excinfo = refused(tender(lots=(lot(criteria=(CriterionData("technical", 80), CriterionData("environmental", 20))),)))
    assert violations(excinfo) == [("missing_price_criterion", "CCP R2152-7", 1)]
    assert "R2152-7" in excinfo.value.message
    excinfo = refused(tender(lots=(lot(criteria=(CriterionData("price", 90), CriterionData("environmental", 9))),)))
    assert violations(excinfo) == [("weights_not_100", weights, 1)]


def test_a_lot_with_a_weight_of_one_is_fine():
    criteria = (CriterionData("price", 98), CriterionData("environmental", 1), CriterionData("technical", 1))
    assert check_publishable(tender(lots=(lot(criteria=criteria),)), date(2026, 9, 1)) == []


def test_the_environmental_warning_cites_its_texts():
    [warning] = check_publishable(tender(date(2026, 8, 20), lots=(lot(criteria=NO_ENVIRONMENT),)), date(2026, 8, 20))
    assert warning.rule == "Loi Climat et Résilience art. 35, CCP L2152-7, décret n° 2022-767"
    assert warning.message.startswith("Lot 1 (« Postes de travail ») : aucun critère environnemental.")
    assert "L2152-7" in warning.message


def test_the_environmental_rule_follows_the_check_date_not_only_the_publication():
    # planned for 21 August, checked on the 20th: the planned date counts (the later of the two)
    excinfo = refused(tender(date(2026, 8, 21), lots=(lot(criteria=NO_ENVIRONMENT),)), on=date(2026, 8, 20))
    assert [v[0] for v in violations(excinfo)] == ["missing_environmental_criterion"]
    assert check_publishable(tender(date(2026, 8, 20), lots=(lot(),)), datetime(2026, 8, 21, 8, tzinfo=UTC)) == []


def test_a_tender_without_lots_cites_l2113_10():
    excinfo = refused(tender(lots=()))
    assert violations(excinfo) == [("no_lots", "CCP L2113-10", None)]
    assert excinfo.value.message == (
        "La consultation AO-2026-07 ne peut pas être publiée (1 règle non respectée) : "
        "La consultation doit comporter au moins un lot."
    )


def test_every_lot_violation_message_names_the_lot():
    excinfo = refused(tender(lots=(lot(7, title="Écrans", max_amount_ht=None),)))
    [violation] = excinfo.value.details["violations"]
    assert violation["message"] == (
        "Lot 7 (« Écrans ») : un accord-cadre doit indiquer un montant maximum (article R2162-4 du code de la "
        "commande publique)."
    )
    assert violation["lot_number"] == 7


def test_a_contract_may_last_a_single_day_and_end_on_its_start():
    check_contract_duration(date(2026, 1, 1), date(2026, 1, 1))


def test_a_contract_starting_on_29_february_of_a_year_four_years_before_a_non_leap_year():
    # 2096-02-29 + 4 years: 2100 is not a leap year, so the anniversary is 1 March 2100
    check_contract_duration(date(2096, 2, 29), date(2100, 2, 28))
    with pytest.raises(ProcurementRuleViolation) as excinfo:
        check_contract_duration(date(2096, 2, 29), date(2100, 3, 1))
    assert excinfo.value.code == "contract_too_long"
    assert "le 28/02/2100" in excinfo.value.message


def test_contract_too_long_details_and_articles():
    with pytest.raises(ProcurementRuleViolation) as excinfo:
        check_contract_duration(date(2026, 1, 1), date(2030, 1, 1))
    assert excinfo.value.details == {"start": "2026-01-01", "end": "2030-01-01"}
    assert "articles L2125-1 et R2162-4" in excinfo.value.message
    with pytest.raises(ProcurementRuleViolation) as excinfo:
        check_contract_duration(date(2026, 1, 2), date(2026, 1, 1))
    assert excinfo.value.message == "La date de fin (01/01/2026) précède la date de début (02/01/2026)."


def test_a_deadline_whose_time_zone_gives_no_offset_is_naive_too():
    from datetime import tzinfo

    class NoOffset(tzinfo):
        def utcoffset(self, dt):
            return None

    with pytest.raises(ValueError, match="timezone-aware"):
        TenderData("AO-1", date(2026, 9, 1), datetime(2026, 10, 1, 12, 0, tzinfo=NoOffset()), (lot(),))
