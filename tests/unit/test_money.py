"""Money: Decimal only, half-up to the cent, French parsing and formatting."""

from decimal import Decimal

import pytest

from purchasing.domain.money import (
    CENT,
    format_eur,
    parse_money,
    round_cents,
    to_money,
    ttc,
    vat_amount,
)

D = Decimal


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("10.005", "10.01"),  # half-up, where banker's rounding would give 10.00
        ("10.015", "10.02"),
        ("10.004999", "10.00"),
        ("-10.005", "-10.01"),  # half-up rounds away from zero
        ("1034.98965", "1034.99"),
        ("0.005", "0.01"),
    ],
)
def test_round_cents_is_half_up(raw, expected):
    assert round_cents(D(raw)) == D(expected)
    assert round_cents(D(raw)).as_tuple().exponent == -2


def test_cent_constant():
    assert CENT == D("0.01")


@pytest.mark.parametrize(("value", "expected"), [("12.5", "12.50"), (7, "7.00"), (D("3.456"), "3.46"), (" 4 ", "4.00")])
def test_to_money_accepts_str_int_decimal(value, expected):
    assert to_money(value) == D(expected)


@pytest.mark.parametrize("value", [1.5, 0.1, True])
def test_to_money_refuses_floats_and_bools(value):
    with pytest.raises(TypeError):
        to_money(value)


@pytest.mark.parametrize("value", ["abc", "NaN", "Infinity", ""])
def test_to_money_refuses_garbage(value):
    with pytest.raises(ValueError):
        to_money(value)


def test_round_cents_refuses_float():
    with pytest.raises(TypeError):
        round_cents(10.005)


def test_vat_and_ttc_at_20_percent():
    # 1 199,00 × 0,20 = 239,80 ; TTC = 1 438,80
    assert vat_amount(D("1199.00"), D("0.20")) == D("239.80")
    assert ttc(D("1199.00"), D("0.20")) == D("1438.80")


def test_ttc_is_ht_plus_rounded_vat():
    # HT 0,125 is first rounded to 0,13; VAT 0,13 × 0,20 = 0,026 -> 0,03; TTC 0,13 + 0,03 = 0,16
    assert vat_amount(D("0.125"), D("0.20")) == D("0.03")
    assert ttc(D("0.125"), D("0.20")) == D("0.16")
    # 19,99 HT at 5,5 %: VAT = 1,09945 -> 1,10 ; TTC = 21,09
    assert vat_amount(D("19.99"), D("0.055")) == D("1.10")
    assert ttc(D("19.99"), D("0.055")) == D("21.09")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 234,56", "1234.56"),
        ("1234.56", "1234.56"),
        ("1 234,56 €", "1234.56"),
        ("1\u202f234,56\u00a0€", "1234.56"),  # what format_eur produces round-trips
        ("1\u00a0234,56", "1234.56"),
        ("1.234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("12,5", "12.50"),
        ("12", "12.00"),
        ("€12.30", "12.30"),
        ("12 EUR", "12.00"),
        ("  0,99  ", "0.99"),
        ("1 000 000", "1000000.00"),
    ],
)
def test_parse_money_accepts_french_and_plain_input(text, expected):
    assert parse_money(text) == D(expected)


@pytest.mark.parametrize(
    "text",
    [
        "abc",
        "NaN",
        "nan",
        "inf",
        "-inf",
        "Infinity",
        "",
        "   ",
        "€",
        "1e5",
        "12,",
        "1 23,45",  # wrong thousands grouping
        "12,345",  # three decimals: not a money amount (and ambiguous)
        "1.234",  # one thousand or one point two? refused
        "1,234",
        "10.005",
        "--5",
        "5-",
        "1 234,56 € €",
        "99999999999999999999999999999999",
    ],
)
def test_parse_money_refuses_garbage_with_french_message(text):
    with pytest.raises(ValueError) as excinfo:
        parse_money(text)
    message = str(excinfo.value)
    assert any(word in message for word in ("montant", "Montant", "décimales")), message


def test_parse_money_refuses_negative_unless_allowed():
    with pytest.raises(ValueError, match="négatif"):
        parse_money("-12,50")
    assert parse_money("-12,50", allow_negative=True) == D("-12.50")
    assert parse_money("\u22121 234,56 €", allow_negative=True) == D("-1234.56")
    assert parse_money("-0,00") == D("0.00")  # minus zero is not a negative amount


def test_parse_money_refuses_non_str():
    with pytest.raises(TypeError):
        parse_money(12.5)


def test_format_eur_french_uses_narrow_no_break_space():
    assert format_eur(D("1234.56")) == "1\u202f234,56\u00a0€"
    assert format_eur(D("1234567.891")) == "1\u202f234\u202f567,89\u00a0€"
    assert format_eur(D("0.5")) == "0,50\u00a0€"
    assert format_eur(D("999")) == "999,00\u00a0€"
    assert format_eur(D("-1234.5")) == "-1\u202f234,50\u00a0€"
    assert format_eur(D("10.005")) == "10,01\u00a0€"


def test_format_eur_english():
    assert format_eur(D("1234.56"), locale="en") == "€1,234.56"
    assert format_eur(D("1234.56"), locale="en_GB") == "€1,234.56"
    assert format_eur(D("-1000000"), locale="en") == "-€1,000,000.00"


def test_format_eur_unknown_locale():
    with pytest.raises(ValueError):
        format_eur(D("1"), locale="de")


def test_format_then_parse_round_trip():
    for raw in ("0.01", "12.30", "1234.56", "9876543.21"):
        assert parse_money(format_eur(D(raw))) == D(raw)


# --- boundaries and constants (mutation testing: each of these once let a wrong constant through) --


@pytest.mark.parametrize("amount", [D("0"), D("0.00"), D("-0.00"), D("-0.004"), D("0.004")])
def test_zero_is_shown_without_a_minus_sign(amount):
    # -0.004 rounds to -0.00: still zero, never "-0,00 €"
    assert format_eur(amount) == "0,00\u00a0€"
    assert format_eur(amount, locale="en") == "€0.00"


def test_the_smallest_negative_amount_keeps_its_sign():
    assert format_eur(D("-0.005")) == "-0,01\u00a0€"
    assert format_eur(D("-0.01"), locale="en") == "-€0.01"


def test_grouping_starts_at_four_digits():
    assert format_eur(D("999.99")) == "999,99\u00a0€"
    assert format_eur(D("1000")) == "1\u202f000,00\u00a0€"
    assert format_eur(D("100000"), locale="en") == "€100,000.00"
    assert format_eur(D("1000000")) == "1\u202f000\u202f000,00\u00a0€"


def test_locale_names_are_read_case_and_separator_insensitively():
    assert format_eur(D("1234.5"), locale="fr-FR") == "1\u202f234,50\u00a0€"
    assert format_eur(D("1234.5"), locale="FR_fr") == "1\u202f234,50\u00a0€"
    assert format_eur(D("1234.5"), locale="en-US") == "€1,234.50"
    assert format_eur(D("1234.5"), locale="EN") == "€1,234.50"


def test_default_vat_rate_is_the_standard_french_rate():
    # CGI art. 278: 20 %. Callers that do not pass a rate get it.
    assert vat_amount(D("100.00")) == D("20.00")
    assert ttc(D("100.00")) == D("120.00")
    assert vat_amount(D("0.02")) == D("0.00")  # 0.004 -> 0.00
    assert vat_amount(D("0.03")) == D("0.01")  # 0.006 -> 0.01


def test_vat_refuses_a_float_rate():
    with pytest.raises(TypeError):
        vat_amount(D("100"), 0.2)


def test_vat_at_zero_rate_and_on_zero():
    assert vat_amount(D("123.45"), D("0")) == D("0.00")
    assert ttc(D("0"), D("0.20")) == D("0.00")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9999999999999", "9999999999999.00"),  # 13 integer digits: the most accepted
        ("9 999 999 999 999,99", "9999999999999.99"),
        ("0000000000000000012,50", "12.50"),  # leading zeros do not count
    ],
)
def test_parse_money_accepts_up_to_thirteen_integer_digits(text, expected):
    assert parse_money(text) == D(expected)


@pytest.mark.parametrize("text", ["10000000000000", "10 000 000 000 000,00", "-10000000000000"])
def test_parse_money_refuses_fourteen_integer_digits(text):
    with pytest.raises(ValueError, match="trop élevé"):
        parse_money(text, allow_negative=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 234,56", "1234.56"),  # space
        ("1\u00a0234,56", "1234.56"),  # no-break space
        ("1\u202f234,56", "1234.56"),  # narrow no-break space (what format_eur writes)
        ("1\u2009234,56", "1234.56"),  # thin space (pasted from word processors)
        ("\u2009 12,50\u00a0€\u2009", "12.50"),  # around the amount too
        ("- 12,50", "-12.50"),
        ("-€12,50", "-12.50"),
        ("-\u202f12,50\u00a0€", "-12.50"),
    ],
)
def test_parse_money_accepts_every_french_space(text, expected):
    assert parse_money(text, allow_negative=True) == D(expected)


@pytest.mark.parametrize("text", ["1.234.56", "1,234,56", "1.234,567", "1 234.567", "12.", ".5", ",5"])
def test_parse_money_refuses_ambiguous_separators(text):
    with pytest.raises(ValueError):
        parse_money(text)


def test_parse_money_decimal_places():
    assert parse_money("12.5") == D("12.50")
    assert parse_money("12,05") == D("12.05")
    assert parse_money("1 234.5") == D("1234.50")
    with pytest.raises(ValueError, match="deux décimales"):
        parse_money("12,345")


def test_parse_money_result_is_to_the_cent():
    assert parse_money("12").as_tuple().exponent == -2
    assert parse_money("-0,00") == D("0.00")
    assert not parse_money("-0,00").is_signed()


def test_round_cents_accepts_an_int_and_refuses_infinity():
    assert round_cents(5) == D("5.00")
    with pytest.raises(ValueError):
        round_cents(D("Infinity"))
    with pytest.raises(ValueError):
        round_cents(D("1e40"))  # more digits than the decimal context holds


def test_to_money_refuses_other_types():
    with pytest.raises(TypeError):
        to_money([1])
    with pytest.raises(TypeError):
        to_money(None)


@pytest.mark.parametrize("text", ["12,50\u2003€", "\u200312,50", "-\u200312,50", "- €\u200312", "X12", "12X", "+X12"])
def test_parse_money_accepts_only_the_french_spaces_and_nothing_around_the_sign(text):
    # an em space is not one of the four spaces French amounts are written with; letters are not signs
    with pytest.raises(ValueError):
        parse_money(text, allow_negative=True)


def test_vat_refuses_a_bool_rate():
    with pytest.raises(TypeError):
        vat_amount(D("100"), True)


def test_euro_text_writes_what_babel_writes_in_french_and_english():
    """purchasing.i18n.euro_text (the ``eur`` filter's fast path) against Babel's currency pattern itself:
    ties to the cent (half-even), negatives and minus zero, grouping, large amounts."""
    import random

    from babel import Locale

    from purchasing.i18n import euro_text

    rng = random.Random(14)
    values = ["0", "-0", "0.005", "0.015", "0.125", "2.675", "-2.675", "-0.004", "999.995", "1234567.891",
              "-1234567.895", "100000000.00", "1E+3", "5E-3"]
    values += [str(Decimal(rng.randint(-10**9, 10**9)) / Decimal(10 ** rng.randint(0, 4))) for _ in range(500)]
    for name in ("fr", "en"):
        locale = Locale.parse(name)
        for value in values:
            expected = locale.currency_formats["standard"].apply(Decimal(value), locale, currency="EUR")
            assert euro_text(Decimal(value), name) == expected, (name, value)
    assert euro_text(Decimal("-1234.5"), "fr") == "-1\u202f234,50\u00a0€"
    assert euro_text(Decimal("1234.5"), "en") == "€1,234.50"


def test_list_select_writes_what_wtforms_select_writes():
    from wtforms import Form, SelectField

    from purchasing.forms import ListSelect, choices

    options = choices([(0, "Tous"), (3, "CC <Val> & \"Rivière\""), (5, "Métropole")])

    class Plain(Form):
        f = SelectField(choices=options, coerce=int)

    class Listed(Form):
        f = SelectField(choices=options, coerce=int, widget=ListSelect())

    for selected in (0, 3, 5, None):
        assert Listed(data={"f": selected}).f() == Plain(data={"f": selected}).f()
    assert '<option selected value="3">CC &lt;Val&gt; &amp; &#34;Rivière&#34;</option>' in Listed(data={"f": 3}).f()
