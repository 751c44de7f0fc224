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


# --- boundaries (mutation testing) --------------------------------------------------------------

from purchasing.domain.identifiers import (  # noqa: E402
    luhn_is_valid,
    normalise_insee_code,
    normalise_siren,
)


@pytest.mark.parametrize(("digits", "valid"), [("0", True), ("18", True), ("59", True), ("91", True),
                                               ("19", False), ("", False), ("12a", False), ("4992739871", False),
                                               ("49927398716", True)])
def test_luhn(digits, valid):
    # 18: 1×2 + 8 = 10 ; 59: 5×2 = 10 -> 1, + 9 = 10 ; 91: 9×2 = 18 -> 9, + 1 = 10
    assert luhn_is_valid(digits) is valid


def test_luhn_check_digit_of_each_kind():
    assert luhn_check_digit("5") == "9"
    assert luhn_check_digit("0") == "0"
    assert luhn_check_digit("7992739871") == "3"


def test_normalisation_of_typed_identifiers():
    assert normalise_siren("213\u00a0300\u202f015") == "213300015"
    assert normalise_siren("213.300.015") == "213300015"
    assert normalise_siren(None) == ""
    assert is_valid_siren(" 213300015 ")
    assert normalise_insee_code(" 2a004 ") == "2A004"
    assert normalise_insee_code(None) == ""
    assert is_valid_insee_code(" 2a004 ")


def test_a_siret_needs_a_valid_siren_too():
    siret = "2133006340001" + luhn_check_digit("2133006340001")  # Luhn holds on the 14 digits…
    assert luhn_is_valid(siret)
    assert not is_valid_siren(siret[:9])  # …but not on the SIREN 213300634
    assert not is_valid_siret(siret)
    assert not is_valid_siret("2133006350001A")


def test_la_poste_siret_may_also_satisfy_luhn():
    # 35600000000014: digit sum 3+5+6+1+4 = 19 (not a multiple of 5) but Luhn holds
    assert luhn_is_valid("35600000000014")
    assert is_valid_siret("35600000000014")
    assert not is_valid_siret("35600000000016")  # sum 21, Luhn fails


@pytest.mark.parametrize("code", ["19001", "21001", "2B001", "97101", "97699", "90001", "85001"])
def test_insee_codes_at_the_edges_of_each_range(code):
    assert is_valid_insee_code(code)


@pytest.mark.parametrize("code", ["20001", "96001", "97001", "97701", "2A00", "2A0001", "0100", "010011"])
def test_insee_codes_just_outside_each_range(code):
    assert not is_valid_insee_code(code)


def test_la_poste_siret_valid_only_by_the_sum_of_its_digits():
    # 35600000000015: Luhn fails (…14 is the Luhn one) but 3+5+6+1+5 = 20 is a multiple of 5
    assert not luhn_is_valid("35600000000015")
    assert is_valid_siret("35600000000015")


def test_a_siret_has_exactly_fourteen_digits_even_when_luhn_holds():
    thirteen = "213300635000" + luhn_check_digit("213300635000")
    assert luhn_is_valid(thirteen) and is_valid_siren(thirteen[:9])
    assert not is_valid_siret(thirteen)
    fifteen = "21330063500001" + luhn_check_digit("21330063500001")
    assert luhn_is_valid(fifteen) and not is_valid_siret(fifteen)
