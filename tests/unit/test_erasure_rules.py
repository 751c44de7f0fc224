"""Erasure certificate references, NIST SP 800-88 guidance per storage, the pool offer's proposed condition."""
from __future__ import annotations

from datetime import date

import pytest

from lifecycle.domain.erasure import (
    GUIDANCE, check_certificate_ref, storage_kinds, suggested_offer_condition,
)
from purchasing.domain.errors import DomainError


@pytest.mark.parametrize("ref", ["EFF-2026-0042", "C-1", "123", "ECOSYS 77", "a.b/1_2", "  CERT-1  "])
def test_certificate_references_as_operators_print_them(ref):
    assert check_certificate_ref(ref) == ref.strip()


@pytest.mark.parametrize("ref", ["", "C", "C1", "certificat", "n'importe quoi", "-EFF-1", "=1+2", "EFF\n1",
                                 "É" * 3 + "1", "A" * 120 + "1"])
def test_anything_else_is_refused_with_a_stable_code(ref):
    with pytest.raises(DomainError) as caught:
        check_certificate_ref(ref)
    assert caught.value.code == "invalid_certificate_ref" and "EFF-2026-0042" in caught.value.message


def test_exactly_120_characters_is_the_longest_reference():
    assert check_certificate_ref("1" * 120) == "1" * 120


def test_guidance_follows_the_inventoried_disks_else_the_category():
    assert storage_kinds("laptop", ["nvme", "hdd", "ssd"]) == ["ssd", "hdd"]
    assert storage_kinds("desktop", ["hdd"]) == ["hdd"]
    assert storage_kinds("laptop", []) == ["hdd", "ssd"]  # unknown disks: both pieces of advice
    assert storage_kinds("laptop", ["unknown"]) == ["hdd", "ssd"]
    assert storage_kinds("smartphone", ["emmc"]) == ["mobile"] and storage_kinds("tablet", []) == ["mobile"]
    assert "Purge" in GUIDANCE["ssd"] and "Clear" in GUIDANCE["hdd"] and "SIM" in GUIDANCE["mobile"]


TODAY = date(2026, 12, 1)


@pytest.mark.parametrize("condition, acquired, expected", [
    ("new", date(2019, 3, 1), "good"),           # a 2019 laptop is not offered as new
    ("new", date(2025, 12, 1), "good"),          # exactly a year old
    ("new", date(2025, 12, 2), "new"),           # a day short of a year
    (None, date(2026, 6, 1), "good"), (None, None, "good"), ("new", None, "good"),
    ("fair", date(2026, 11, 1), "fair"), ("poor", None, "poor"), ("good", date(2026, 11, 30), "good"),
])
def test_the_offer_form_proposes_the_devices_own_condition_never_new_after_a_year(condition, acquired, expected):
    assert suggested_offer_condition(condition, acquired, TODAY) == expected
