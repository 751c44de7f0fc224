"""French public identifiers: SIREN, SIRET (Luhn key) and INSEE commune codes.

Pure functions: no Flask, SQLAlchemy or pandas.
"""
from __future__ import annotations

import re

#: La Poste's SIREN: its SIRETs do not satisfy Luhn; INSEE documents that the sum of their digits
#: is a multiple of 5 instead.
LA_POSTE_SIREN = "356000000"

# Metropolitan départements 01-19, 21-95, Corsica 2A/2B (20 no longer exists since 1976),
# overseas 971-976 (then a 2-digit commune number).
_INSEE_RE = re.compile(r"^(?:(?:0[1-9]|1\d|[3-8]\d|9[0-5]|2[1-9])\d{3}|2[AB]\d{3}|97[1-6]\d{2})$")


def luhn_is_valid(digits: str) -> bool:
    """Luhn check over a string of digits, doubling every second digit from the right."""
    if not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def luhn_check_digit(partial: str) -> str:
    """The digit to append to ``partial`` so that the result passes Luhn."""
    for digit in "0123456789":
        if luhn_is_valid(partial + digit):
            return digit
    raise ValueError("not a string of digits")  # pragma: no cover - unreachable for digits


def normalise_siren(value: str) -> str:
    """Strip the spaces people type ("213 300 015" -> "213300015")."""
    return re.sub(r"[\s\u00a0\u202f.]", "", value or "")


def is_valid_siren(value: str) -> bool:
    siren = normalise_siren(value)
    return len(siren) == 9 and siren.isdigit() and luhn_is_valid(siren)


def is_valid_siret(value: str) -> bool:
    siret = normalise_siren(value)
    if len(siret) != 14 or not siret.isdigit():
        return False
    if siret.startswith(LA_POSTE_SIREN):
        return luhn_is_valid(siret) or sum(int(c) for c in siret) % 5 == 0
    return luhn_is_valid(siret) and luhn_is_valid(siret[:9])


def siren_of_siret(siret: str) -> str:
    return normalise_siren(siret)[:9]


def normalise_insee_code(value: str) -> str:
    return (value or "").strip().upper()


def is_valid_insee_code(value: str) -> bool:
    """A commune's INSEE code (code officiel géographique): 5 characters, 2A/2B for Corsica."""
    return bool(_INSEE_RE.match(normalise_insee_code(value)))
