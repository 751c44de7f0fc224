"""Expected end of service (lifecycle/domain/renewal.py): every rule against hand-computed dates."""
from __future__ import annotations

from datetime import date

import pytest

from lifecycle.domain.renewal import (DEFAULT_RULES, OS_SUPPORT, SYNDICATE_RULE, AssetFacts, RenewalRules,
                                      add_months, expected_end_of_service, lifetime_months)


def laptop(**changes) -> AssetFacts:
    values = dict(category_code="laptop", acquisition_date=date(2021, 3, 15), lifetime_years=5)
    values.update(changes)
    return AssetFacts(**values)


def codes(result) -> list[str]:
    return [a.code for a in result.adjustments]


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2020, 1, 31), 1, date(2020, 2, 29)),     # leap year: clamped to the 29th
    (date(2021, 1, 31), 1, date(2021, 2, 28)),
    (date(2020, 12, 15), 1, date(2021, 1, 15)),    # across the year
    (date(2021, 1, 15), -1, date(2020, 12, 15)),
    (date(2021, 3, 31), -1, date(2021, 2, 28)),
    (date(2021, 3, 15), 0, date(2021, 3, 15)),
    (date(2020, 1, 31), 54, date(2024, 7, 31)),
])
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(("years", "months"), [
    (5, 60), (4.5, 54), (0, 0), (-1, 0),
    (1 / 24, 1),          # exactly half a month: rounded up
    (0.04, 0),            # 0.48 month: rounded down
])
def test_lifetime_months(years, months):
    assert lifetime_months(years) == months


def test_no_adjustment_is_acquisition_plus_lifetime():
    result = expected_end_of_service(laptop())
    assert result.base_end == result.end == date(2026, 3, 15)
    assert result.adjustments == ()


@pytest.mark.parametrize(("condition", "end"), [
    ("new", date(2026, 3, 15)), ("good", date(2026, 3, 15)),
    ("fair", date(2025, 9, 15)), ("poor", date(2025, 3, 15)),
])
def test_condition(condition, end):
    result = expected_end_of_service(laptop(condition=condition))
    assert result.end == end
    assert result.base_end == date(2026, 3, 15)
    if end != result.base_end:
        assert codes(result) == ["condition"]
        assert result.adjustments[0].source == SYNDICATE_RULE
        assert condition in result.adjustments[0].reason_fr


@pytest.mark.parametrize(("repairs", "end"), [
    (0, date(2026, 3, 15)), (1, date(2026, 9, 15)), (2, date(2027, 3, 15)),
    (3, date(2027, 3, 15)),   # capped at 12 months
])
def test_repairs_extend_up_to_the_cap(repairs, end):
    assert expected_end_of_service(laptop(completed_repairs=repairs)).end == end


@pytest.mark.parametrize(("category", "ram", "end"), [
    ("laptop", 8192, date(2026, 3, 15)),       # exactly the minimum: no penalty
    ("laptop", 8191, date(2025, 3, 15)),
    ("desktop", 4096, date(2025, 3, 15)),
    ("smartphone", 4096, date(2026, 3, 15)),   # a phone's memory is not judged here
    ("laptop", None, date(2026, 3, 15)),       # unknown: no penalty
])
def test_low_memory(category, ram, end):
    result = expected_end_of_service(laptop(category_code=category, ram_mb=ram))
    assert result.end == end
    if end != result.base_end:
        assert result.adjustments[0].remedy == "ram"
        assert "4 Go" in result.adjustments[0].reason_fr or "7 Go" in result.adjustments[0].reason_fr


@pytest.mark.parametrize(("storages", "end"), [
    (("hdd",), date(2025, 3, 15)),
    (("hdd", "ssd"), date(2026, 3, 15)),
    (("hdd", "nvme"), date(2026, 3, 15)),
    (("ssd",), date(2026, 3, 15)),
    ((), date(2026, 3, 15)),
])
def test_hard_disk(storages, end):
    result = expected_end_of_service(laptop(storage_types=storages))
    assert result.end == end
    if end != result.base_end:
        assert result.adjustments[0].remedy == "ssd"


def test_hard_disk_of_a_monitor_does_not_count():
    assert expected_end_of_service(laptop(category_code="monitor_24", storage_types=("hdd",))).end == date(2026, 3, 15)


def test_adjustments_add_up():
    # -12 (poor) + 6 (one repair) - 12 (memory) - 12 (hard disk) = -30 months from 15/03/2026
    result = expected_end_of_service(laptop(condition="poor", completed_repairs=1, ram_mb=4096,
                                            storage_types=("hdd",)))
    assert codes(result) == ["condition", "repairs", "low_ram", "hdd"]
    assert result.end == date(2023, 9, 15)


def test_warranty_is_a_floor():
    result = expected_end_of_service(laptop(condition="poor", warranty_end=date(2025, 6, 30)))
    assert result.end == date(2025, 6, 30)
    assert codes(result) == ["condition", "warranty"]
    assert result.adjustments[-1].on == date(2025, 6, 30)


def test_warranty_ending_on_the_computed_day_adds_nothing():
    result = expected_end_of_service(laptop(warranty_end=date(2026, 3, 15)))
    assert codes(result) == []
    assert expected_end_of_service(laptop(warranty_end=date(2026, 3, 14))).end == date(2026, 3, 15)


def windows10(**changes) -> AssetFacts:
    values = dict(acquisition_date=date(2019, 1, 10), lifetime_years=8, os_name="Microsoft Windows 10 Professionnel",
                  os_version="22H2")
    values.update(changes)
    return laptop(**values)


def test_unsupported_system_on_old_hardware_caps_the_end():
    result = expected_end_of_service(windows10(cpu_generation=7))
    assert result.base_end == date(2027, 1, 10)
    assert result.end == date(2025, 10, 14)
    assert codes(result) == ["os_support"]
    assert "Microsoft" in result.adjustments[0].source
    assert "non compatible avec Windows 11" in result.adjustments[0].reason_fr
    assert result.adjustments[0].remedy is None


def test_hardware_that_can_move_to_the_successor_is_not_capped():
    assert expected_end_of_service(windows10(cpu_generation=8)).end == date(2027, 1, 10)


def test_unknown_processor_is_capped_and_said():
    result = expected_end_of_service(windows10())
    assert result.end == date(2025, 10, 14)
    assert "inconnue" in result.adjustments[0].reason_fr
    assert result.adjustments[0].remedy == "os"


def test_support_cap_wins_over_the_warranty():
    result = expected_end_of_service(windows10(cpu_generation=6, warranty_end=date(2027, 6, 1)))
    assert codes(result) == ["warranty", "os_support"]
    assert result.end == date(2025, 10, 14)


def test_support_ending_after_the_end_changes_nothing():
    # Windows 10 on a device whose end (2025-10-14 exactly) is not after the support end: no cap
    result = expected_end_of_service(laptop(acquisition_date=date(2020, 10, 14), lifetime_years=5,
                                            os_name="Windows 10"))
    assert result.end == date(2025, 10, 14)
    assert codes(result) == []


def test_other_systems_are_not_matched():
    assert expected_end_of_service(windows10(cpu_generation=6, os_name="Windows 11 Professionnel")).end \
        == date(2027, 1, 10)
    assert expected_end_of_service(laptop(acquisition_date=date(2017, 5, 2), os_name="Windows 7 Professionnel",
                                          cpu_generation=3)).end \
        == date(2020, 1, 14)


def test_never_before_acquisition():
    result = expected_end_of_service(laptop(acquisition_date=date(2025, 1, 1), lifetime_years=1, condition="poor",
                                            ram_mb=2048))
    assert result.end == date(2025, 1, 1)


def test_rules_are_data():
    rules = RenewalRules(hdd_months=-24, condition_months={"poor": -3}, support_limits=())
    result = expected_end_of_service(windows10(storage_types=("hdd",), condition="poor"), rules)
    assert result.end == date(2024, 10, 10)   # 2027-01-10 - 3 - 24 months, no system cap
    assert DEFAULT_RULES.hdd_months == -12
    assert [limit.ends_on for limit in OS_SUPPORT] == [date(2020, 1, 14), date(2023, 1, 10), date(2025, 10, 14)]


@pytest.mark.parametrize(("on", "left"), [
    (date(2026, 1, 15), 2), (date(2026, 1, 16), 1), (date(2026, 3, 15), 0), (date(2026, 3, 16), -1),
])
def test_months_left(on, left):
    assert expected_end_of_service(laptop()).months_left(on) == left


def test_an_unknown_condition_word_moves_nothing():
    assert expected_end_of_service(laptop(condition="broken")).end == date(2026, 3, 15)
    assert expected_end_of_service(laptop(condition="broken")).adjustments == ()


def test_system_names_with_commas_are_read():
    assert expected_end_of_service(windows10(os_name="Windows 10,Professionnel", os_version="")).end \
        == date(2025, 10, 14)


def test_every_adjustment_says_why_in_both_languages_with_its_source():
    result = expected_end_of_service(laptop(condition="fair", completed_repairs=1, ram_mb=7 * 1024,
                                            storage_types=("hdd",), warranty_end=date(2030, 1, 1)))
    assert [(a.code, a.months, a.on, a.source) for a in result.adjustments] == [
        ("condition", -6, None, SYNDICATE_RULE), ("repairs", 6, None, SYNDICATE_RULE),
        ("low_ram", -12, None, SYNDICATE_RULE), ("hdd", -12, None, SYNDICATE_RULE),
        ("warranty", 0, date(2030, 1, 1), "garantie de l'équipement")]
    assert [a.reason_fr for a in result.adjustments] == [
        "État « fair » : -6 mois",
        "1 réparation(s) ou reconditionnement(s) : +6 mois",
        "Mémoire de 7 Go, sous les 8 Go : -12 mois (une extension de mémoire l'évite)",
        "Disque dur mécanique : -12 mois (un SSD l'évite)",
        "Sous garantie jusqu'au 01/01/2030"]
    assert [a.reason_en for a in result.adjustments] == [
        "Condition “fair”: -6 months",
        "1 repair(s) or refurbishment(s): +6 months",
        "7 GB of memory, under 8 GB: -12 months (a memory upgrade avoids it)",
        "Hard disk drive: -12 months (an SSD avoids it)",
        "Under warranty until 2030-01-01"]


def test_the_system_cap_says_why_in_both_languages():
    (known,) = expected_end_of_service(windows10(cpu_generation=7)).adjustments
    assert (known.months, known.on) == (0, date(2025, 10, 14))
    assert known.reason_fr == ("Microsoft Windows 10 Professionnel 22H2 : mises à jour de sécurité terminées le "
                               "14/10/2025, matériel non compatible avec Windows 11")
    assert known.reason_en == ("Microsoft Windows 10 Professionnel 22H2: security updates ended on 2025-10-14, "
                               "hardware not compatible with Windows 11")
    (unknown,) = expected_end_of_service(windows10()).adjustments
    assert unknown.reason_en.endswith("compatibility with Windows 11 unknown (processor not inventoried)")


def test_months_left_across_years():
    assert expected_end_of_service(laptop()).months_left(date(2025, 1, 15)) == 14
