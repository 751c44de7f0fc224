"""The standstill period before signing a contract (CCP R2182-1, R2182-2), computed by hand."""
from __future__ import annotations

from datetime import date

import pytest

from purchasing.domain.errors import DomainError
from purchasing.domain.standstill import RULES, rule_on, standstill_for


def test_formal_procedure_electronic_letters_wait_eleven_days():
    result = standstill_for("formal", date(2026, 3, 2), "electronic", 2)
    assert (result.required, result.days, result.signable_on) == (True, 11, date(2026, 3, 13))
    assert "11 jours" in result.explanation and "13/03/2026" in result.explanation
    assert "R2182-1" in result.source


def test_formal_procedure_letters_by_post_wait_sixteen_days_across_a_month_end():
    result = standstill_for("formal", date(2026, 2, 20), "post", 3)
    assert (result.required, result.days, result.signable_on) == (True, 16, date(2026, 3, 8))
    assert "autrement que par voie électronique" in result.explanation


def test_a_single_bidder_has_no_standstill():
    result = standstill_for("formal", date(2026, 3, 2), "electronic", 1)
    assert (result.required, result.days, result.signable_on) == (False, 0, date(2026, 3, 2))
    assert "R2182-2, 3°" in result.explanation


@pytest.mark.parametrize("kind", ["adapted", "none_required"])
def test_an_adapted_procedure_has_no_standstill(kind):
    result = standstill_for(kind, date(2026, 3, 2), "post", 4)
    assert (result.required, result.days, result.signable_on) == (False, 0, date(2026, 3, 2))
    assert "Procédure adaptée" in result.explanation


def test_the_rule_is_dated_data_from_the_code_in_force_on_1_april_2019():
    assert rule_on(date(2019, 4, 1)) is RULES[0]
    assert standstill_for("formal", date(2019, 4, 1), "electronic", 2).signable_on == date(2019, 4, 12)
    with pytest.raises(DomainError) as caught:
        standstill_for("formal", date(2019, 3, 31), "electronic", 2)
    assert caught.value.code == "no_standstill_rule_for_date"


@pytest.mark.parametrize("channel, bidders, code", [("fax", 2, "invalid_channel"), ("electronic", 0, "no_bids")])
def test_bad_input_is_refused_with_a_stable_code(channel, bidders, code):
    with pytest.raises(DomainError) as caught:
        standstill_for("formal", date(2026, 3, 2), channel, bidders)
    assert caught.value.code == code
