"""The fast number formats (purchasing/i18n.py) write exactly what Babel writes, in French and in English."""
import random
from decimal import Decimal

import pytest
from babel import Locale
from babel.numbers import parse_pattern

from purchasing import i18n


def _values():
    rng = random.Random(14)
    values = [Decimal(v) for v in ("0", "-0", "0.005", "0.015", "-0.005", "1", "999.995", "1000", "1234.5",
                                   "-1234.565", "1000000", "12345678.9012", "1E+3", "2.50", "0.0001")]
    values += [Decimal(rng.randint(-10**9, 10**9)).scaleb(-rng.randint(0, 5)) for _ in range(400)]
    values += [rng.uniform(-1e6, 1e6) for _ in range(200)] + [0.1, 2.675, 1.005, 3, -7]
    return values


@pytest.mark.parametrize("name", ["fr", "en"])
def test_amounts_in_euros_as_babel_writes_them(app, name):
    locale = Locale.parse(name)
    pattern = locale.currency_formats["standard"]
    with app.test_request_context(headers={"Accept-Language": name}):
        assert i18n._fast_format(name, "eur", 2) is not None  # the fast form is the one in use
        for value in _values():
            assert i18n.format_eur(value) == pattern.apply(Decimal(value), locale, currency="EUR"), value
        assert i18n.format_eur(None) == "—"


@pytest.mark.parametrize("name", ["fr", "en"])
@pytest.mark.parametrize("digits", [0, 1, 2, 4])
def test_numbers_as_babel_writes_them(app, name, digits):
    locale = Locale.parse(name)
    pattern = parse_pattern("#,##0" + ("." + "0" * digits if digits else ""))
    with app.test_request_context(headers={"Accept-Language": name}):
        for value in _values():
            assert i18n.format_number(value, digits) == pattern.apply(value, locale), (value, digits)


def test_french_amount_reads_the_french_way(app):
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        assert i18n.format_eur(Decimal("1234.5")) == "1\u202f234,50\u00a0€"
        assert i18n.format_number(-1234.56, 1) == "-1\u202f234,6"


def test_a_pattern_the_fast_form_cannot_write_is_left_to_babel(app, monkeypatch):
    # Indian grouping of amounts (€12,34,567.89): the check against Babel refuses the fast form
    assert i18n._fast_format("hi_IN", "eur", 2) is None
    locale = Locale.parse("hi_IN")
    monkeypatch.setattr(i18n, "get_locale", lambda: locale)
    with app.test_request_context():
        assert i18n.format_eur(Decimal("1234567.891")) == locale.currency_formats["standard"].apply(
            Decimal("1234567.891"), locale, currency="EUR")
