"""Money in euros: Decimal only, rounded half-up to the cent, parsed and shown the French way.

Floats are refused at the door (``to_money`` raises TypeError) so that no binary rounding error
can ever reach an invoice. Amounts are stored HT; VAT is computed and shown separately.
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
#: standard French VAT rate (CGI art. 278); a product may carry another rate
DEFAULT_VAT_RATE = Decimal("0.20")

NARROW_NBSP = "\u202f"  # thousands separator in French (CLDR, same as Babel's fr_FR)
NBSP = "\u00a0"  # between the amount and the euro sign in French

#: a thousand billion euros is already absurd here; keeps Decimal far from its precision limit
_MAX_INTEGER_DIGITS = 13

_SPACES = " \u00a0\u202f\u2009"
_SPACE_CLASS = "[" + _SPACES + "]"
# Accepted shapes once the euro sign and the sign are removed. Decimal part: at most two digits
# (checked separately so the message can say so). Mixed separators must carry a decimal part,
# otherwise "1.234" or "1,234" would be ambiguous (one thousand or one point two?).
_MONEY_SHAPES = (
    re.compile(r"^\d+(?:[.,](\d+))?$"),  # 1234 / 1234,56 / 1234.56
    re.compile(r"^\d{1,3}(?:" + _SPACE_CLASS + r"\d{3})+(?:[.,](\d+))?$"),  # 1 234,56
    re.compile(r"^\d{1,3}(?:\.\d{3})+,(\d+)$"),  # 1.234,56
    re.compile(r"^\d{1,3}(?:,\d{3})+\.(\d+)$"),  # 1,234.56
)


def _refuse_float(value: object) -> None:
    if isinstance(value, float):
        raise TypeError("Money must not be a float: pass a str, int or Decimal.")
    if isinstance(value, bool):
        raise TypeError("Money must not be a bool.")


def round_cents(amount: Decimal) -> Decimal:
    """Round half-up to the cent (10.005 -> 10.01), the rule used on every displayed amount."""
    _refuse_float(amount)
    if not isinstance(amount, Decimal):
        amount = Decimal(amount)
    if not amount.is_finite():
        raise ValueError("Le montant doit être un nombre fini.")
    try:
        return amount.quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:  # more digits than the decimal context holds
        raise ValueError("Le montant est trop élevé.") from None


def to_money(value: str | int | Decimal) -> Decimal:
    """Convert a str, int or Decimal to a cent amount (rounded half-up); refuse floats.

    A str here is a programmatic value ("1234.56"); user input goes through ``parse_money``.
    """
    _refuse_float(value)
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, str):
        try:
            amount = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"« {value} » n'est pas un montant valide.") from None
    else:
        raise TypeError(f"Cannot convert {type(value).__name__} to money.")
    return round_cents(amount)


def vat_amount(ht: Decimal, rate: Decimal = DEFAULT_VAT_RATE) -> Decimal:
    """VAT on an HT amount (itself first rounded to the cent), rounded half-up to the cent."""
    _refuse_float(rate)
    return round_cents(to_money(ht) * rate)


def ttc(ht: Decimal, rate: Decimal = DEFAULT_VAT_RATE) -> Decimal:
    """Amount including VAT: HT + rounded VAT, so that HT + TVA = TTC on every document."""
    return to_money(ht) + vat_amount(ht, rate)


def parse_money(text: str, *, allow_negative: bool = False) -> Decimal:
    """Parse an amount typed by a user: "1 234,56", "1234.56", "1 234,56 €", "1.234,56".

    Raises ValueError with a French message on anything else, on more than two decimals,
    and on a negative amount unless ``allow_negative``.
    """
    if not isinstance(text, str):
        raise TypeError("parse_money expects a str; use to_money for numbers.")
    cleaned = text.strip(_SPACES + "\t\n")
    cleaned = re.sub(r"(?i)^(€|eur)|(€|eur)$", "", cleaned).strip(_SPACES)
    if not cleaned:
        raise ValueError("Veuillez saisir un montant.")
    negative = cleaned[0] in "-\u2212"
    if cleaned[0] in "+-\u2212":
        cleaned = cleaned[1:].lstrip(_SPACES)
    cleaned = re.sub(r"(?i)^(€|eur)", "", cleaned).strip(_SPACES)  # "-€12" or "- 12 €"

    match = next((m for shape in _MONEY_SHAPES if (m := shape.match(cleaned))), None)
    if match is None:
        raise ValueError(f"« {text.strip()} » n'est pas un montant valide (exemple : 1 234,56).")
    decimals = match.group(1)
    if decimals is not None and len(decimals) > 2:
        raise ValueError(f"« {text.strip()} » : un montant a au plus deux décimales.")

    integer_part = cleaned[: match.start(1) - 1] if decimals is not None else cleaned
    digits = re.sub(r"\D", "", integer_part)  # drop thousands separators
    if len(digits.lstrip("0")) > _MAX_INTEGER_DIGITS:
        raise ValueError(f"« {text.strip()} » : le montant est trop élevé.")
    amount = Decimal(f"{digits}.{decimals}") if decimals else Decimal(digits)
    if negative and amount != 0:
        if not allow_negative:
            raise ValueError("Le montant ne peut pas être négatif.")
        amount = -amount
    return round_cents(amount)


def _group_thousands(digits: str, separator: str) -> str:
    groups = []
    while len(digits) > 3:
        digits, tail = digits[:-3], digits[-3:]
        groups.append(tail)
    groups.append(digits)
    return separator.join(reversed(groups))


def format_eur(amount: Decimal, locale: str = "fr") -> str:
    """Show an amount in euros: "1 234,56 €" (fr, narrow no-break spaces) or "€1,234.56" (en).

    Same output as Babel's fr_FR / en formats, so server-side and template formatting agree.
    """
    rounded = round_cents(amount)
    sign = "-" if rounded < 0 else ""
    integer_digits, _, cents = f"{abs(rounded):.2f}".partition(".")
    language = locale.replace("-", "_").split("_")[0].lower()
    if language == "fr":
        return f"{sign}{_group_thousands(integer_digits, NARROW_NBSP)},{cents}{NBSP}€"
    if language == "en":
        return f"{sign}€{_group_thousands(integer_digits, ',')}.{cents}"
    raise ValueError(f"Unsupported locale for money formatting: {locale!r}")
