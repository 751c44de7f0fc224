"""SIREN, SIRET and INSEE code validation (pure functions)."""
import pytest

from purchasing.domain.identifiers import (
    is_valid_insee_code,
    is_valid_siren,
    is_valid_siret,
    luhn_check_digit,
    siren_of_siret,
)


@pytest.mark.parametrize("siren", ["213300015", "217500016", "200054781", "213 300 015"])
def test_real_sirens_are_valid(siren):
    # Bordeaux, Paris, Bordeaux Métropole (public SIRENs)
    assert is_valid_siren(siren)


@pytest.mark.parametrize("siren", ["213300016", "21330001", "2133000150", "21330001A", "", "abcdefghi"])
def test_bad_sirens_are_refused(siren):
    assert not is_valid_siren(siren)


def test_luhn_check_digit_completes_a_valid_siren():
    assert luhn_check_digit("21330001") == "5"
    assert is_valid_siren("21330001" + luhn_check_digit("21330001"))


def test_siret_needs_luhn_on_both_siren_and_siret():
    assert is_valid_siret("21330063500017")  # Mairie de Bordeaux
    assert not is_valid_siret("21330063500018")
    assert not is_valid_siret("2133006350001")
    assert siren_of_siret("213 300 635 00017") == "213300635"


def test_la_poste_siret_uses_the_sum_of_digits_rule():
    # La Poste's establishments: the sum of the digits is a multiple of 5, Luhn does not hold.
    assert is_valid_siret("35600000000048")
    assert not is_valid_siret("35600000000049")


@pytest.mark.parametrize("code", ["24322", "01001", "2A004", "2b033", "97411", "97613", "95120"])
def test_valid_insee_codes(code):
    assert is_valid_insee_code(code)


@pytest.mark.parametrize("code", ["2400", "243221", "20004", "2C004", "00123", "96001", "97711", "ABCDE", ""])
def test_invalid_insee_codes(code):
    assert not is_valid_insee_code(code)
