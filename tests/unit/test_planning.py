"""A member's renewal plan (lifecycle/domain/planning.py) against hand-computed budgets and carbon."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from lifecycle.domain.planning import (EXTEND, NEW, REFURBISHED, REUSE, ActionOption, DeviceNeed, PlanningError,
                                       allowed_actions, build_plan, check_change, planned_year, propose_action)

D = Decimal
LAPTOP = {
    EXTEND: ActionOption(EXTEND, D("45.00"), embodied_kg=3.0, label="Barrette 8 Go"),
    REUSE: ActionOption(REUSE, D("0.00"), embodied_kg=0.0, available=1),
    REFURBISHED: ActionOption(REFURBISHED, D("420.00"), embodied_kg=50.0),
    NEW: ActionOption(NEW, D("800.00"), embodied_kg=185.0),
}
MONITOR = {NEW: ActionOption(NEW, D("180.00"), embodied_kg=300.0)}
OPTIONS = {"laptop": LAPTOP, "monitor_24": MONITOR}


def need(asset_id, end, category="laptop", **kw):
    return DeviceNeed(asset_id=asset_id, category_code=category, end_of_service=end, **kw)


def test_a_territory_plan_by_hand():
    needs = [
        need(1, date(2027, 3, 1), remedies=("ram",)),        # an upgrade lifts what shortens its life: extend
        need(2, date(2027, 6, 1)),                           # the pool's only laptop went to device 4: refurbished
        need(3, date(2027, 9, 1)),                           # refurbished
        need(4, date(2025, 1, 1)),                           # already past its end: first year, takes the pool item
        need(5, date(2029, 5, 1), category="monitor_24"),    # only new is offered
        need(6, date(2033, 1, 1)),                           # after the horizon (2027-2031): not in the plan
        need(7, date(2028, 2, 1), action=NEW),               # chosen by the secretary
    ]
    plan = build_plan(needs, OPTIONS, first_year=2027)
    assert plan.years == (2027, 2028, 2029, 2030, 2031)
    assert [(l.year, l.category_code, l.action, l.count, l.amount_ht, l.vat, l.amount_ttc, l.embodied_kg, l.asset_ids)
            for l in plan.lines] == [
        (2027, "laptop", EXTEND, 1, D("45.00"), D("9.00"), D("54.00"), 3.0, (1,)),
        (2027, "laptop", REUSE, 1, D("0.00"), D("0.00"), D("0.00"), 0.0, (4,)),
        (2027, "laptop", REFURBISHED, 2, D("840.00"), D("168.00"), D("1008.00"), 100.0, (2, 3)),
        (2028, "laptop", NEW, 1, D("800.00"), D("160.00"), D("960.00"), 185.0, (7,)),
        (2029, "monitor_24", NEW, 1, D("180.00"), D("36.00"), D("216.00"), 300.0, (5,)),
    ]
    assert plan.totals_ht == {2027: D("885.00"), 2028: D("800.00"), 2029: D("180.00"), 2030: D("0.00"),
                              2031: D("0.00")}
    assert plan.total_ht == D("1865.00") and plan.total_ttc == D("2238.00")
    assert plan.embodied_kg == 588.0                      # 3 + 0 + 100 + 185 + 300
    assert plan.all_new_embodied_kg == 1225.0             # 5 laptops × 185 + 1 monitor × 300
    assert plan.unpriced == ()


def test_vat_is_rounded_half_up_per_line():
    options = {"laptop": {NEW: ActionOption(NEW, D("3.00"), vat_rate=D("0.055"))}}
    plan = build_plan([need(1, date(2027, 1, 1))], options, first_year=2027)
    (line,) = plan.lines
    assert line.vat == D("0.17")            # 0.165: half up, not to even
    assert line.amount_ttc == D("3.17")
    three = build_plan([need(i, date(2027, 1, 1)) for i in (1, 2, 3)],
                       {"laptop": {NEW: ActionOption(NEW, D("19.99"))}}, first_year=2027)
    assert three.lines[0].amount_ht == D("59.97") and three.lines[0].vat == D("11.99")   # 11.994


def test_a_device_without_a_priced_action_is_listed_not_counted():
    options = {"laptop": {NEW: ActionOption(NEW, None, embodied_kg=185.0)}}
    plan = build_plan([need(9, date(2028, 1, 1))], options, first_year=2027)
    assert plan.lines == () and plan.unpriced == (9,)
    assert plan.total_ht == D("0.00")


def test_the_pool_gives_no_more_than_it_holds():
    plan = build_plan([need(i, date(2027, 1, i)) for i in (1, 2)],
                      {"laptop": {**LAPTOP, REUSE: ActionOption(REUSE, D("0.00"), available=2)}}, first_year=2027)
    assert [(l.action, l.asset_ids) for l in plan.lines] == [(REUSE, (1, 2))]
    plan = build_plan([need(i, date(2027, 1, i)) for i in (1, 2)],
                      {"laptop": {**LAPTOP, REUSE: ActionOption(REUSE, D("0.00"), available=0)}}, first_year=2027)
    assert [(l.action, l.asset_ids) for l in plan.lines] == [(REFURBISHED, (1, 2))]


@pytest.mark.parametrize(("remedies", "options", "expected"), [
    (("ram",), LAPTOP, (EXTEND, REUSE, REFURBISHED, NEW)),
    ((), LAPTOP, (REUSE, REFURBISHED, NEW)),
    (("ssd",), {NEW: LAPTOP[NEW]}, (NEW,)),                        # nothing priced to extend it
    ((), {**LAPTOP, REFURBISHED: ActionOption(REFURBISHED, None)}, (REUSE, NEW)),
    ((), {}, (NEW,)),
])
def test_allowed_actions(remedies, options, expected):
    assert allowed_actions(options, remedies) == expected
    assert propose_action(options, remedies) == expected[0]


def test_planned_year():
    assert planned_year(need(1, date(2029, 12, 31)), 2027) == 2029
    assert planned_year(need(1, date(2020, 1, 1)), 2027) == 2027
    assert planned_year(need(1, date(2027, 1, 1), postponed_to=2030), 2027) == 2030


@pytest.mark.parametrize(("change", "code"), [
    (dict(postponed_to=2032), "postponed_beyond_horizon"),
    (dict(postponed_to=2027), "postponed_before_end"),
    (dict(action=EXTEND), "action_not_allowed"),                    # no remedy: nothing to upgrade
    (dict(action="repaint"), "action_not_allowed"),
])
def test_changes_the_rules_refuse(change, code):
    device = need(1, date(2028, 5, 1), **change)
    with pytest.raises(PlanningError) as excinfo:
        check_change(device, LAPTOP, first_year=2027)
    assert excinfo.value.code == code
    with pytest.raises(PlanningError):
        build_plan([device], OPTIONS, first_year=2027)


@pytest.mark.parametrize("change", [dict(postponed_to=2031), dict(postponed_to=2028), dict(action=NEW),
                                    dict(action=REUSE), dict(action=EXTEND, remedies=("battery",))])
def test_changes_the_rules_allow(change):
    check_change(need(1, date(2028, 5, 1), **change), LAPTOP, first_year=2027)


def test_a_postponed_device_moves_to_its_new_year():
    plan = build_plan([need(1, date(2027, 5, 1), postponed_to=2031)], OPTIONS, first_year=2027)
    assert [(l.year, l.action) for l in plan.lines] == [(2031, REUSE)]
    assert plan.totals_ht[2027] == D("0.00")


def test_lines_are_ordered_by_year_then_category_then_preferred_action():
    plan = build_plan([need(1, date(2028, 1, 1)), need(2, date(2027, 6, 1), category="monitor_24")], OPTIONS,
                      first_year=2027)
    assert [(l.year, l.category_code) for l in plan.lines] == [(2027, "monitor_24"), (2028, "laptop")]


def test_a_category_without_options_is_unpriced_and_counts_nothing_new():
    plan = build_plan([need(1, date(2028, 1, 1), category="projector"), need(2, date(2028, 2, 1))], OPTIONS,
                      first_year=2027)
    assert plan.unpriced == (1,)                         # listed, and the next device is still planned
    assert [l.asset_ids for l in plan.lines] == [(2,)]
    assert plan.all_new_embodied_kg == 185.0             # device 2's new equivalent; the unpriced device 1 not counted
    only_reuse = build_plan([need(3, date(2028, 1, 1))], {"laptop": {REUSE: LAPTOP[REUSE]}}, first_year=2027)
    assert only_reuse.all_new_embodied_kg == 0.0 and [l.action for l in only_reuse.lines] == [REUSE]


def test_the_pool_counts_what_it_has_given_per_category():
    pool_of_two = {"laptop": {**LAPTOP, REUSE: ActionOption(REUSE, D("0.00"), available=2)}}
    plan = build_plan([need(i, date(2027, 1, i)) for i in (1, 2, 3)], pool_of_two, first_year=2027)
    assert [(l.action, l.asset_ids) for l in plan.lines] == [(REUSE, (1, 2)), (REFURBISHED, (3,))]


def test_refusals_carry_their_details():
    with pytest.raises(PlanningError) as beyond:
        check_change(need(1, date(2028, 5, 1), postponed_to=2032), LAPTOP, first_year=2027)
    assert beyond.value.details == {"last_year": 2031}
    with pytest.raises(PlanningError) as before:
        check_change(need(1, date(2029, 5, 1), postponed_to=2028), LAPTOP, first_year=2027)
    assert before.value.details == {"year": 2029}
    with pytest.raises(PlanningError) as action:
        check_change(need(1, date(2028, 5, 1), action=EXTEND), LAPTOP, first_year=2027)
    assert action.value.details == {"allowed": [REUSE, REFURBISHED, NEW]}
    with pytest.raises(PlanningError) as extend:
        check_change(need(1, date(2028, 5, 1), action="repaint", remedies=("ram",)), LAPTOP, first_year=2027)
    assert extend.value.details == {"allowed": [EXTEND, REUSE, REFURBISHED, NEW]}
