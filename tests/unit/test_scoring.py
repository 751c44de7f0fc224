"""Tender scoring: points, ranking, tie-breaks, abnormally low bids, environmental marks."""

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from purchasing.domain.errors import PricingError, ProcurementRuleViolation
from purchasing.domain.scoring import (
    BidInput,
    environmental_score_from_data,
    environmental_scores_for_lot,
    evaluate_lot,
    median,
    price_score,
)

D = Decimal
T0 = datetime(2026, 10, 1, 9, 0, tzinfo=timezone.utc)
WEIGHTS = {"price": 40, "technical": 30, "environmental": 20, "delivery": 10}


def bid(bid_id, name, price, technical=None, environmental=None, delivery=None, minutes=0):
    return BidInput(
        bid_id=bid_id,
        supplier_name=name,
        total_price_ht=D(price),
        technical_score_20=None if technical is None else D(technical),
        environmental_score_20=None if environmental is None else D(environmental),
        delivery_days=delivery,
        submitted_at=T0 + timedelta(minutes=minutes),
    )


# --- formulas ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("max_points", "lowest", "price", "expected"),
    [
        (40, "60000", "60000", "40.00"),
        (40, "60000", "100000", "24.00"),
        (40, "60000", "110000", "21.82"),  # 21.8181… -> 21.82
        (1, "1", "8", "0.13"),  # 0.125 -> 0.13 half-up (banker's rounding: 0.12)
        (D("10"), "3", "7", "4.29"),  # 4.2857… -> 4.29
    ],
)
def test_price_score(max_points, lowest, price, expected):
    assert price_score(max_points, D(lowest), D(price)) == D(expected)


@pytest.mark.parametrize(("lowest", "price"), [(D("0"), D("10")), (D("10"), D("0")), (D("20"), D("10")), (10.0, D("10"))])
def test_price_score_refuses_impossible_prices(lowest, price):
    with pytest.raises(PricingError):
        price_score(40, lowest, price)


def test_median_of_even_count_is_mean_of_middle_values():
    assert median([D("110"), D("60"), D("125"), D("100")]) == D("105")
    assert median([D("3"), D("1"), D("2")]) == D("2")


# --- a full lot -------------------------------------------------------------------------------

LOT = [
    bid("A", "Alpha Informatique", "100000", technical="16", environmental="12", delivery=10),
    bid("B", "Bureau Plus", "125000", technical="18", environmental="16", delivery=5),
    bid("C", "Cyber Discount", "60000", technical="10", environmental="8", delivery=20),
    bid("D", "Digital Services", "110000", technical="14", environmental="14", delivery=8),
]


def by_id(evaluations):
    return {evaluation.bid_id: evaluation for evaluation in evaluations}


def test_evaluate_lot_points_totals_and_ranks():
    result = evaluate_lot(LOT, WEIGHTS)
    # lowest price 60 000, shortest delay 5 days
    # A: price 40×60/100 = 24.00, tech 16/20×30 = 24.00, env 12/20×20 = 12.00, delivery 10×5/10 = 5.00 -> 65.00
    # B: price 40×60/125 = 19.20, tech 27.00, env 16.00, delivery 10.00 -> 72.20
    # C: price 40.00, tech 15.00, env 8.00, delivery 10×5/20 = 2.50 -> 65.50
    # D: price 40×60/110 = 21.82, tech 21.00, env 14.00, delivery 10×5/8 = 6.25 -> 63.07
    evaluations = by_id(result)
    assert evaluations["A"].points == {"price": D("24.00"), "technical": D("24.00"), "environmental": D("12.00"), "delivery": D("5.00")}
    assert evaluations["B"].points == {"price": D("19.20"), "technical": D("27.00"), "environmental": D("16.00"), "delivery": D("10.00")}
    assert evaluations["D"].points["price"] == D("21.82")
    assert evaluations["D"].points["delivery"] == D("6.25")
    assert {k: e.total for k, e in evaluations.items()} == {"A": D("65.00"), "B": D("72.20"), "C": D("65.50"), "D": D("63.07")}
    assert [(e.bid_id, e.rank) for e in result] == [("B", 1), ("C", 2), ("A", 3), ("D", 4)]
    assert all(e.tie_break_explanation is None for e in result)


def test_abnormally_low_bid_is_flagged():
    # prices 60 000, 100 000, 110 000, 125 000: median (100 000 + 110 000) / 2 = 105 000;
    # 0.70 × 105 000 = 73 500 > 60 000: C is abnormally low, the others are not
    flags = {e.bid_id: e.abnormally_low for e in evaluate_lot(LOT, WEIGHTS)}
    assert flags == {"A": False, "B": False, "C": True, "D": False}


def test_abnormally_low_uses_mean_of_two_middle_values():
    weights = {"price": 100}
    bids = [bid(i, f"S{i}", p) for i, p in enumerate(["75", "90", "130", "200"])]
    # median (90 + 130) / 2 = 110; threshold 0.70 × 110 = 77: only 75 is low.
    # (lower middle 90 would give 63: none; upper middle 130 would give 91: 75 and 90)
    flags = {e.bid_id: e.abnormally_low for e in evaluate_lot(bids, weights)}
    assert flags == {0: True, 1: False, 2: False, 3: False}


def test_abnormally_low_threshold_is_strict_and_ratio_configurable():
    weights = {"price": 100}
    bids = [bid("x", "X", "70"), bid("y", "Y", "100"), bid("z", "Z", "100")]
    # median 100, threshold 70.00: a price of exactly 70 is not below it
    assert not any(e.abnormally_low for e in evaluate_lot(bids, weights))
    flagged = {e.bid_id for e in evaluate_lot(bids, weights, abnormally_low_ratio=D("0.80")) if e.abnormally_low}
    assert flagged == {"x"}


def test_single_bid():
    [only] = evaluate_lot([bid("a", "A", "10", technical="20")], {"price": 50, "technical": 50})
    assert (only.rank, only.total, only.abnormally_low) == (1, D("100.00"), False)


def test_no_bids():
    assert evaluate_lot([], WEIGHTS) == []


# --- ties -------------------------------------------------------------------------------------


def test_tie_broken_by_price_points_and_explained():
    weights = {"price": 60, "technical": 40}
    bids = [
        bid("y", "Yottabyte", "1500", technical="20"),  # price 60×1000/1500 = 40.00 + tech 40.00 = 80.00
        bid("x", "Xeno Info", "1000", technical="10"),  # price 60.00 + tech 10/20×40 = 20.00 = 80.00
    ]
    first, second = evaluate_lot(bids, weights)
    assert (first.bid_id, first.total, second.bid_id, second.total) == ("x", D("80.00"), "y", D("80.00"))
    assert (first.rank, second.rank) == (1, 2)
    assert first.tie_break_rule == second.tie_break_rule == "price_points"
    assert first.tie_break_explanation == (
        "Égalité de note totale (80,00 points) avec Yottabyte ; offre classée avant selon la règle de "
        "départage « la note prix la plus élevée » (note prix : 60,00 contre 40,00)."
    )
    assert "classée après" in second.tie_break_explanation
    assert "Xeno Info" in second.tie_break_explanation


def test_tie_with_equal_price_points_broken_by_environmental_points():
    weights = {"price": 40, "technical": 30, "environmental": 30}
    bids = [
        bid("p", "Pixel", "1000", technical="20", environmental="10"),  # 40 + 30 + 15 = 85.00
        bid("q", "Quartz", "1000", technical="10", environmental="20"),  # 40 + 15 + 30 = 85.00
    ]
    first, second = evaluate_lot(bids, weights)
    assert (first.bid_id, second.bid_id) == ("q", "p")
    assert first.tie_break_rule == "environmental_points"
    assert "(note environnementale : 30,00 contre 15,00)" in first.tie_break_explanation


def test_tie_broken_by_submission_time_then_name():
    weights = {"price": 100}
    late = bid("late", "Aardvark", "500", minutes=30)
    early = bid("early", "Zebra", "500", minutes=5)
    first, second = evaluate_lot([late, early], weights)
    assert (first.bid_id, first.tie_break_rule) == ("early", "submitted_at")
    assert "l'offre remise la première" in first.tie_break_explanation
    assert "(remise : 01/10/2026 à 11:05:00 contre 01/10/2026 à 11:30:00)" in first.tie_break_explanation

    same_time = [bid("b", "beta", "500"), bid("a", "Alpha", "500")]
    first, second = evaluate_lot(same_time, weights)
    assert (first.supplier_name, first.tie_break_rule) == ("Alpha", "supplier_name")  # case-insensitive order
    assert "ordre alphabétique" in first.tie_break_explanation
    assert "(nom : Alpha contre beta)" in first.tie_break_explanation


def test_three_way_tie_ranks_one_to_three_each_explained():
    weights = {"price": 100}
    bids = [bid("c", "Charlie", "500", minutes=3), bid("a", "Alpha", "500", minutes=1), bid("b", "Bravo", "500", minutes=2)]
    result = evaluate_lot(bids, weights)
    assert [(e.bid_id, e.rank) for e in result] == [("a", 1), ("b", 2), ("c", 3)]
    assert all(e.tie_break_rule == "submitted_at" for e in result)
    assert "avec Bravo" in result[0].tie_break_explanation
    assert "avec Charlie" in result[1].tie_break_explanation  # explained against the next one
    assert "avec Bravo" in result[2].tie_break_explanation  # the last one against the previous


def test_ranking_does_not_depend_on_input_order():
    forward = [(e.bid_id, e.rank) for e in evaluate_lot(LOT, WEIGHTS)]
    backward = [(e.bid_id, e.rank) for e in evaluate_lot(list(reversed(LOT)), WEIGHTS)]
    assert forward == backward


# --- refused evaluations ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weights", "code"),
    [
        ({"price": 50, "technical": 40}, "weights_not_100"),
        ({"price": 50, "beauty": 50}, "unknown_criterion"),
        ({"price": 110, "technical": -10}, "invalid_weight"),
    ],
)
def test_invalid_weights(weights, code):
    with pytest.raises(ProcurementRuleViolation) as excinfo:
        evaluate_lot(LOT, weights)
    assert excinfo.value.code == code


def test_missing_scores_are_all_listed():
    bids = [bid("a", "Alpha", "100", technical="12"), bid("b", "Bravo", "120"), bid("c", "Charlie", "90")]
    with pytest.raises(ProcurementRuleViolation) as excinfo:
        evaluate_lot(bids, {"price": 60, "technical": 40})
    assert excinfo.value.code == "incomplete_evaluation"
    assert excinfo.value.details["missing"] == ["Bravo : note technique", "Charlie : note technique"]


def test_mark_above_20_is_refused():
    with pytest.raises(ProcurementRuleViolation):
        evaluate_lot([bid("a", "A", "100", technical="21")], {"price": 60, "technical": 40})


def test_duplicate_bid_ids_are_refused():
    with pytest.raises(ProcurementRuleViolation):
        evaluate_lot([bid("a", "A", "100"), bid("a", "B", "100")], {"price": 100})


# --- environmental marks from data ------------------------------------------------------------


def test_environmental_scores_for_lot():
    rows = [
        {"bid_id": 1, "annual_kgco2e": D("50"), "repairability_index": D("8.0"), "warranty_years": 5, "spare_parts_years": 10},
        {"bid_id": 2, "annual_kgco2e": D("100"), "repairability_index": D("6.0"), "warranty_years": 3, "spare_parts_years": 7},
        {"bid_id": 3, "repairability_index": D("4.0"), "spare_parts_years": 5},
    ]
    # best: carbon 50 (lowest), index 8.0, warranty 5, spare parts 10
    # bid 1: 1, 1, 1, 1 -> 20.00
    # bid 2: 50/100 = 0.5, 6/8 = 0.75, 3/5 = 0.6, 7/10 = 0.7 -> mean 0.6375 -> 12.75
    # bid 3: no carbon 0, 4/8 = 0.5, no warranty 0, 5/10 = 0.5 -> mean 0.25 -> 5.00
    assert environmental_scores_for_lot(rows) == {1: D("20.00"), 2: D("12.75"), 3: D("5.00")}


def test_sub_criteria_without_any_data_are_left_out():
    rows = [
        {"bid_id": "c1", "repairability_index": D("9"), "warranty_years": 2},
        {"bid_id": "c2", "repairability_index": D("6"), "warranty_years": 3, "annual_kgco2e": None},
    ]
    # only index and warranty count: c1 (1 + 2/3) / 2 = 5/6; c2 (6/9 + 1) / 2 = 5/6 -> 20 × 5/6 = 16.666… -> 16.67
    assert environmental_scores_for_lot(rows) == {"c1": D("16.67"), "c2": D("16.67")}


def test_environmental_score_from_data_rounds_half_up():
    # only the index counts: 0.97 / 8 = 0.12125; × 20 = 2.425 -> 2.43 (banker's rounding: 2.42)
    assert environmental_score_from_data(None, D("0.97"), None, None, None, D("8"), None, None) == D("2.43")
    # carbon 80 against a best of 40: 40 / 80 = 0.5 -> 10.00
    assert environmental_score_from_data(D("80"), None, None, None, D("40"), None, None, None) == D("10.00")


def test_environmental_score_without_any_data():
    with pytest.raises(ProcurementRuleViolation) as excinfo:
        environmental_scores_for_lot([{"bid_id": 1}, {"bid_id": 2}])
    assert excinfo.value.code == "no_environmental_data"


@pytest.mark.parametrize("value", [D("-1"), 12.5, True])
def test_environmental_data_must_be_non_negative_numbers(value):
    with pytest.raises(ProcurementRuleViolation):
        environmental_scores_for_lot([{"bid_id": 1, "annual_kgco2e": value}, {"bid_id": 2, "annual_kgco2e": D("10")}])


# --- boundaries, stable codes and details (mutation testing) ---------------------------------

from purchasing.domain.scoring import delivery_score, scaled_score  # noqa: E402


@pytest.mark.parametrize(("mark", "weight", "expected"), [("0", 30, "0.00"), ("20", 30, "30.00"), ("10", 30, "15.00"),
                                                           ("0.01", 20, "0.01"), ("13.33", 3, "2.00")])
def test_scaled_score_from_0_to_20(mark, weight, expected):
    # 0.01 / 20 × 20 = 0.01 ; 13.33 / 20 × 3 = 1.9995 -> 2.00
    assert scaled_score(D(mark), weight) == D(expected)


@pytest.mark.parametrize("mark", [D("-0.01"), D("20.01"), 10, 10.0, None])
def test_scaled_score_refuses_marks_outside_0_20(mark):
    with pytest.raises(ProcurementRuleViolation) as excinfo:
        scaled_score(mark, 30)
    assert excinfo.value.code == "invalid_score"


def test_a_mark_of_zero_is_a_valid_evaluation():
    [only] = evaluate_lot([bid("a", "A", "10", technical="0")], {"price": 50, "technical": 50})
    assert only.points == {"price": D("50.00"), "technical": D("0.00")}
    assert only.total == D("50.00")


@pytest.mark.parametrize(("lowest", "price"), [(D("0"), D("10")), (D("10"), D("0")), (D("20"), D("10")),
                                                (10.0, D("10")), (D("10"), D("NaN")), (D("-1"), D("10"))])
def test_price_score_refusals_have_their_code(lowest, price):
    with pytest.raises(PricingError) as excinfo:
        price_score(40, lowest, price)
    assert excinfo.value.code == "invalid_bid_price"


def test_price_score_of_equal_prices_and_a_cent():
    assert price_score(40, D("0.01"), D("0.01")) == D("40.00")
    assert price_score(40, D("0.01"), D("0.02")) == D("20.00")


def test_delivery_score_formula():
    # 10 × 5 / 8 = 6.25 ; 10 × 1 / 3 = 3.333… -> 3.33 ; 10 × 2 / 3 = 6.666… -> 6.67
    assert delivery_score(10, 5, 8) == D("6.25")
    assert delivery_score(10, 1, 3) == D("3.33")
    assert delivery_score(10, 2, 3) == D("6.67")
    assert delivery_score(10, 1, 1) == D("10.00")


def test_a_delivery_of_zero_days_is_refused_one_day_is_the_minimum():
    bids = [bid("a", "Alpha", "100", delivery=0), bid("b", "Bravo", "100", delivery=1)]
    with pytest.raises(ProcurementRuleViolation) as excinfo:
        evaluate_lot(bids, {"price": 50, "delivery": 50})
    assert excinfo.value.code == "incomplete_evaluation"
    assert excinfo.value.details == {"missing": ["Alpha : délai de livraison d'au moins un jour"]}
    one_day = evaluate_lot([bid("a", "Alpha", "100", delivery=1), bid("b", "Bravo", "100", delivery=2)],
                           {"price": 50, "delivery": 50})
    assert {e.bid_id: e.points["delivery"] for e in one_day} == {"a": D("50.00"), "b": D("25.00")}


def test_a_zero_delivery_delay_does_not_matter_when_delivery_is_not_a_criterion():
    [only] = evaluate_lot([bid("a", "Alpha", "100", delivery=0)], {"price": 100})
    assert only.points == {"price": D("100.00")}


def test_every_missing_kind_of_data_is_listed_per_bid():
    bids = [bid("a", "Alpha", "100"), bid("b", "Bravo", "100", technical="10", environmental="10", delivery=3)]
    with pytest.raises(ProcurementRuleViolation) as excinfo:
        evaluate_lot(bids, WEIGHTS)
    assert excinfo.value.details["missing"] == [
        "Alpha : note technique", "Alpha : note environnementale", "Alpha : délai de livraison",
    ]
    assert excinfo.value.message == (
        "L'analyse des offres est incomplète : Alpha : note technique ; Alpha : note environnementale ; "
        "Alpha : délai de livraison."
    )


def test_a_zero_weight_criterion_is_allowed_and_left_out():
    # weights 100 / 0: the technical mark is not needed and gives no points
    bids = [bid("a", "Alpha", "100"), bid("b", "Bravo", "200")]
    result = evaluate_lot(bids, {"price": 100, "technical": 0})
    assert [(e.bid_id, e.points, e.total) for e in result] == [
        ("a", {"price": D("100.00")}, D("100.00")),
        ("b", {"price": D("50.00")}, D("50.00")),
    ]


@pytest.mark.parametrize("weights", [{"price": 100, "technical": True}, {"price": 99.0, "technical": 1},
                                     {"price": 101, "technical": -1}])
def test_weights_must_be_whole_non_negative_numbers(weights):
    with pytest.raises(ProcurementRuleViolation) as excinfo:
        evaluate_lot(LOT, weights)
    assert excinfo.value.code == "invalid_weight"


def test_weight_errors_name_the_criterion_and_the_sum():
    with pytest.raises(ProcurementRuleViolation) as excinfo:
        evaluate_lot(LOT, {"price": 50, "beauty": 30, "charm": 20})
    assert excinfo.value.message == "Critère(s) inconnu(s) : beauty, charm."
    with pytest.raises(ProcurementRuleViolation) as excinfo:
        evaluate_lot(LOT, {"price": 50, "technical": 49})
    assert excinfo.value.message == "La somme des pondérations est de 99 au lieu de 100."


def test_duplicate_bids_have_their_code():
    with pytest.raises(ProcurementRuleViolation) as excinfo:
        evaluate_lot([bid("a", "A", "100"), bid("a", "B", "100")], {"price": 100})
    assert excinfo.value.code == "duplicate_bid"


def test_median_of_one_value_and_of_none():
    assert median([D("7")]) == D("7")
    assert median([D("1"), D("2")]) == D("1.5")
    with pytest.raises(ValueError):
        median([])


def test_default_abnormally_low_ratio_is_70_percent_of_the_median():
    weights = {"price": 100}
    # median 100: 69.99 is below 70.00, 70.00 is not
    low = [bid("x", "X", "69.99"), bid("y", "Y", "100"), bid("z", "Z", "100")]
    assert {e.bid_id for e in evaluate_lot(low, weights) if e.abnormally_low} == {"x"}
    assert not any(e.abnormally_low for e in evaluate_lot([bid("x", "X", "70.00"), *low[1:]], weights))


def test_second_of_a_tie_is_explained_against_the_first():
    weights = {"price": 60, "technical": 40}
    bids = [bid("y", "Yottabyte", "1500", technical="20"), bid("x", "Xeno Info", "1000", technical="10")]
    first, second = evaluate_lot(bids, weights)
    assert second.tie_break_explanation == (
        "Égalité de note totale (80,00 points) avec Xeno Info ; offre classée après selon la règle de "
        "départage « la note prix la plus élevée » (note prix : 40,00 contre 60,00)."
    )
    assert first.total == second.total == D("80.00")


def test_tie_on_everything_but_the_bid_id():
    weights = {"price": 100}
    first, second = evaluate_lot([bid(2, "Same", "10"), bid(1, "same", "10")], weights)
    assert (first.bid_id, second.bid_id) == (1, 2)
    assert first.tie_break_rule == second.tie_break_rule == "bid_id"
    assert "« l'identifiant de l'offre » (identifiant : 1 contre 2)" in first.tie_break_explanation


def test_no_tie_explanation_between_different_totals_next_to_a_tie():
    weights = {"price": 100}
    result = evaluate_lot([bid("a", "A", "10"), bid("b", "B", "10"), bid("c", "C", "20")], weights)
    assert [(e.bid_id, e.rank, e.tie_break_rule) for e in result] == [
        ("a", 1, "supplier_name"), ("b", 2, "supplier_name"), ("c", 3, None),
    ]
    assert result[2].tie_break_explanation is None


def test_tie_on_environmental_points_explained_for_both():
    weights = {"price": 40, "technical": 30, "environmental": 30}
    bids = [bid("p", "Pixel", "1000", technical="20", environmental="10"),
            bid("q", "Quartz", "1000", technical="10", environmental="20")]
    first, second = evaluate_lot(bids, weights)
    assert second.tie_break_rule == "environmental_points"
    assert "(note environnementale : 15,00 contre 30,00)" in second.tie_break_explanation


def test_zero_values_in_environmental_data():
    # a bid declaring 0 kgCO2e per year is the best possible (1, not a division by zero);
    # when the best warranty of the lot is 0 years, nobody earns anything on it (0, not a division by zero)
    rows = [
        {"bid_id": 1, "annual_kgco2e": D("0"), "warranty_years": 0},
        {"bid_id": 2, "annual_kgco2e": D("10"), "warranty_years": 0},
    ]
    # bid 1: carbon 1, warranty 0 -> 10.00 ; bid 2: carbon 0 / 10 = 0, warranty 0 -> 0.00
    assert environmental_scores_for_lot(rows) == {1: D("10.00"), 2: D("0.00")}


def test_environmental_score_counts_only_sub_criteria_with_a_best_value():
    # two sub-criteria counted (carbon, spare parts): (40/80 + 6/8) / 2 = 0.625 -> 12.50
    assert environmental_score_from_data(D("80"), D("5"), 3, 6, D("40"), None, None, 8) == D("12.50")
    # a bid without a value on a counted sub-criterion gets 0 on it: (0 + 1) / 2 -> 10.00
    assert environmental_score_from_data(None, None, None, 8, D("40"), None, None, 8) == D("10.00")
    # higher is better for warranty: 2 / 4 = 0.5 -> 10.00
    assert environmental_score_from_data(None, None, 2, None, None, None, 4, None) == D("10.00")
    # lower is better for carbon: the best itself gets 20
    assert environmental_score_from_data(D("40"), None, None, None, D("40"), None, None, None) == D("20.00")


def test_environmental_best_values_are_the_lowest_carbon_and_the_highest_others():
    rows = [{"bid_id": "a", "annual_kgco2e": D("20"), "repairability_index": D("5")},
            {"bid_id": "b", "annual_kgco2e": D("40"), "repairability_index": D("10")}]
    # a: carbon 1, index 0.5 -> 15.00 ; b: carbon 0.5, index 1 -> 15.00
    assert environmental_scores_for_lot(rows) == {"a": D("15.00"), "b": D("15.00")}
    spare = [{"bid_id": "a", "spare_parts_years": 10}, {"bid_id": "b", "spare_parts_years": 5}]
    assert environmental_scores_for_lot(spare) == {"a": D("20.00"), "b": D("10.00")}


@pytest.mark.parametrize("value", [D("-1"), 12.5, True, "3"])
def test_invalid_environmental_data_has_its_code(value):
    with pytest.raises(ProcurementRuleViolation) as excinfo:
        environmental_scores_for_lot([{"bid_id": 1, "warranty_years": value}, {"bid_id": 2, "warranty_years": 2}])
    assert excinfo.value.code == "invalid_environmental_data"
    with pytest.raises(ProcurementRuleViolation) as excinfo:
        environmental_score_from_data(None, None, None, None, None, None, None, value)
    assert excinfo.value.code == "invalid_environmental_data"


def test_no_environmental_data_at_all_has_its_code():
    with pytest.raises(ProcurementRuleViolation) as excinfo:
        environmental_score_from_data(D("10"), D("5"), 2, 5, None, None, None, None)
    assert excinfo.value.code == "no_environmental_data"
    assert environmental_scores_for_lot([]) == {}


def test_a_single_bid_has_no_tie_explanation():
    [only] = evaluate_lot([bid("a", "A", "10")], {"price": 100})
    assert (only.tie_break_rule, only.tie_break_explanation) == (None, None)


def test_bids_equal_in_everything_shown_are_ordered_by_their_identifier():
    # ids 1 and "1" are two bids but read the same: the last rule (the identifier) decides
    first, second = evaluate_lot([bid("1", "Same", "10"), bid(1, "Same", "10")], {"price": 100})
    assert first.tie_break_rule == second.tie_break_rule == "bid_id"


def test_a_tie_in_a_lot_without_price_criterion():
    weights = {"technical": 100}
    first, second = evaluate_lot([bid("b", "Bravo", "20", technical="15"), bid("a", "Alpha", "10", technical="15")],
                                 weights)
    assert (first.bid_id, first.tie_break_rule) == ("a", "supplier_name")
    assert first.points == {"technical": D("75.00")}


def test_a_weight_of_one_point_counts():
    result = evaluate_lot([bid("a", "A", "10", technical="20"), bid("b", "B", "20", technical="0")],
                          {"price": 99, "technical": 1})
    assert {e.bid_id: e.points for e in result} == {
        "a": {"price": D("99.00"), "technical": D("1.00")},
        "b": {"price": D("49.50"), "technical": D("0.00")},
    }


def test_each_declared_value_is_checked_and_named():
    with pytest.raises(ProcurementRuleViolation) as excinfo:
        environmental_score_from_data(D("-1"), None, None, None, D("40"), None, None, None)
    assert excinfo.value.message == (
        "Donnée environnementale invalide (annual_kgco2e) : un nombre positif ou nul est attendu."
    )
    with pytest.raises(ProcurementRuleViolation) as excinfo:
        environmental_score_from_data(None, None, None, None, None, None, None, D("-1"))
    assert "(spare_parts_years)" in excinfo.value.message
    with pytest.raises(ProcurementRuleViolation) as excinfo:
        environmental_scores_for_lot([{"bid_id": 1, "warranty_years": -1}])
    assert "(warranty_years)" in excinfo.value.message
