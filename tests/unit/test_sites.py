"""site_key: the folding that says two spellings name one site (and the migration's copy agrees)."""
import importlib.util
from pathlib import Path

import pytest

from purchasing.domain.identifiers import LA_POSTE_SIREN, is_valid_siret, luhn_check_digit
from purchasing.domain.sites import clean_site_name, site_key

MIGRATION = Path(__file__).parents[2] / "migrations" / "versions" / "identity_01_member_identity_sites.py"


@pytest.mark.parametrize("a, b", [
    ("Mairie", "mairie"),
    ("Mairie", "  MAIRIE  "),
    ("École Jules-Ferry", "ecole jules ferry"),
    ("École  Jules   Ferry", "ECOLE JULES-FERRY"),
    ("Salle des fêtes", "Salle des Fetes"),
    ("Hôtel de ville", "hotel-de-ville"),
    ("Médiathèque (annexe)", "mediatheque annexe"),
    ("Services techniques", "services_techniques"),
])
def test_spellings_differing_by_case_accents_spaces_or_punctuation_share_a_key(a, b):
    assert site_key(a) == site_key(b)


def test_ligatures_and_different_words_stay_apart():
    assert site_key("Mairie") != site_key("Mairie annexe")
    assert site_key("École") != site_key("Écoles")
    assert site_key("Œuvre") != site_key("oeuvre")  # not folded: a human merges these in the address book


def test_key_of_blank_or_punctuation_is_empty():
    assert site_key("") == "" and site_key("   ") == "" and site_key(" - / ") == ""
    assert site_key(None) == ""


def test_key_and_name_are_bounded():
    assert len(site_key("a" * 500)) == 200
    assert clean_site_name("  École   du  Bourg ") == "École du Bourg"
    assert len(clean_site_name("b" * 500)) == 200


@pytest.mark.parametrize("name", ["Mairie", " MAIRIE ", "École Jules-Ferry", "Salle des fêtes", "Œuvre", "_x_",
                                  "Site n°3 – bât. B", "a" * 300, ""])
def test_the_migration_copy_folds_like_the_domain(name):
    spec = importlib.util.spec_from_file_location("identity_01", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module._site_key(name) == site_key(name)


# --- SIRET check digits at the boundaries -------------------------------------------------------

def _siret(siren_body: str, nic: str) -> str:
    siren = siren_body + luhn_check_digit(siren_body)
    return siren + nic + luhn_check_digit(siren + nic)


def test_siret_boundaries():
    good = _siret("21240042", "0001")
    assert is_valid_siret(good)
    assert is_valid_siret(good[:3] + " " + good[3:6] + " " + good[6:9] + " " + good[9:])  # spaces are typed
    assert not is_valid_siret(good[:-1])  # 13 digits
    assert not is_valid_siret(good + "0")  # 15 digits
    assert not is_valid_siret(good[:-1] + str((int(good[-1]) + 1) % 10))  # wrong key
    assert not is_valid_siret(good[:-1] + "A")
    # a SIRET whose 14 digits pass Luhn but whose SIREN does not
    bad_siren = "212400420"
    body = bad_siren + "0001"
    assert not is_valid_siret(body + luhn_check_digit(body))


def test_la_poste_sirets_are_the_exception():
    # La Poste's establishments (SIREN 356000000): the sum of the 14 digits is a multiple of 5, Luhn may fail
    assert LA_POSTE_SIREN == "356000000"
    assert is_valid_siret("35600000049503")  # Luhn fails, digit sum 35
    assert is_valid_siret("35600000000001")  # Luhn fails, digit sum 15
    assert not is_valid_siret("35600000000005")  # Luhn fails, digit sum 19
    # the same digit-sum rule does not rescue any other SIREN
    other = "21240042" + luhn_check_digit("21240042")
    candidates = [other + f"{n:05d}" for n in range(100)]
    rescued = [c for c in candidates if not is_valid_siret(c) and sum(map(int, c)) % 5 == 0]
    assert rescued  # there are such numbers, and they stay invalid
