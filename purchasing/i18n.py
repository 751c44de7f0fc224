"""Language: French by default, English available; chosen by the user, else the browser's Accept-Language."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from babel import Locale
from babel.numbers import NumberPattern, get_decimal_symbol, get_group_symbol, parse_pattern
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import format_date, format_time, get_locale, get_translations
from flask_login import current_user

from purchasing.extensions import babel


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # a CLI command, a job started outside a request: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    if request:
        return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def error_message(error) -> str:
    """A ``DomainError``'s message in the current language (the user's, the session's or Accept-Language): its
    French template translated through the catalogue, its params formatted in. The error's ``message`` stays
    French (logs, audit); its ``code`` is the same in every language."""
    return error.render(get_translations().ugettext, str(get_locale()))


@lru_cache(maxsize=16)
def _locale(name: str) -> Locale:
    return Locale.parse(name)


@lru_cache(maxsize=64)
def _number_pattern(pattern: str) -> NumberPattern:
    return parse_pattern(pattern)


class _FastFormat(NamedTuple):
    """A locale's plain number pattern reduced to what it does: groups of three, a decimal symbol, a fixed
    number of decimals, a prefix and a suffix (positive, negative)."""

    quantum: Decimal
    group: str
    decimal: str
    prefix: tuple[str, str]
    suffix: tuple[str, str]

    def apply(self, value: Decimal) -> str:
        negative = int(value.is_signed())
        text = f"{abs(value).normalize().quantize(self.quantum):,f}"
        return self.prefix[negative] + text.translate({44: self.group, 46: self.decimal}) + self.suffix[negative]


#: values a fast format must render exactly as Babel does before it is used (grouping, rounding, signs, zero)
_CHECKS = tuple(Decimal(v) for v in ("0", "1", "-1", "7.5", "12.345", "-0.004", "999.995", "1000", "-98765.4321",
                                     "1234567.891", "0.125", "100000000.05"))


@lru_cache(maxsize=64)
def _fast_format(locale_name: str, kind: str, digits: int) -> _FastFormat | None:
    """The fast form of Babel's pattern for amounts in euros (``kind`` "eur") or numbers with ``digits``
    decimals, checked against Babel on _CHECKS; None when the locale's pattern is not that simple (Babel then
    formats every value)."""
    locale = _locale(locale_name)
    if kind == "eur":
        pattern = locale.currency_formats["standard"]

        def babel(value):
            return pattern.apply(value, locale, currency="EUR")
    else:
        pattern = _number_pattern("#,##0" + ("." + "0" * digits if digits else ""))

        def babel(value):
            return pattern.apply(value, locale)
    decimal_symbol = get_decimal_symbol(locale)
    body = "1" + (decimal_symbol + "0" * digits if digits else "")
    affixes = []
    for sample in (Decimal(1), Decimal(-1)):
        parts = babel(sample).split(body)
        if len(parts) != 2:
            return None
        affixes.append(parts)
    fast = _FastFormat(quantum=Decimal(1).scaleb(-digits), group=get_group_symbol(locale), decimal=decimal_symbol,
                       prefix=(affixes[0][0], affixes[1][0]), suffix=(affixes[0][1], affixes[1][1]))
    if any(fast.apply(value) != babel(value) for value in _CHECKS):
        return None
    return fast


def format_eur(value: Decimal | int | None) -> str:
    """An amount in euros in the current locale: "1 234,56 €" in French.

    Babel's formatting, with the locale's currency pattern reduced once to its symbols and affixes
    (_fast_format, checked against Babel): list pages format a few hundred amounts, and Babel's general
    pattern machinery was most of their formatting time.
    """
    if value is None:
        return "—"
    if not isinstance(value, Decimal):
        value = Decimal(value)
    return euro_text(value, str(get_locale()))


def euro_text(value: Decimal, name: str) -> str:
    """``value`` in euros as Babel writes it for locale ``name`` (its currency pattern), through the pattern
    compiled once per locale (``_fast_format``) rather than Babel's general machinery on every call."""
    fast = _fast_format(name, "eur", 2) if value.is_finite() else None
    if fast is not None:
        return fast.apply(value)
    locale = _locale(name)
    return locale.currency_formats["standard"].apply(value, locale, currency="EUR")


def format_number(value, digits: int = 0) -> str:
    """A number with ``digits`` decimals and the locale's grouping ("1 234,5"), "—" for None."""
    if value is None:
        return "—"
    decimal_value = value if isinstance(value, Decimal) else Decimal(str(value))
    name = str(get_locale())
    fast = _fast_format(name, "number", digits) if decimal_value.is_finite() else None
    if fast is not None:
        return fast.apply(decimal_value)
    pattern = _number_pattern("#,##0" + ("." + "0" * digits if digits else ""))
    return pattern.apply(value, _locale(name))


def _filter_date(value: date | datetime | None) -> str:
    """A day as "1 déc. 2026"; a moment as the same day and its time in Europe/Paris, "1 déc. 2026, 06:53" (one
    style on every page: the short "01/12/2026 06:53" used to sit beside the medium day)."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return f"{format_date(value, 'medium')}, {format_time(value, 'short')}"
    return format_date(value, "medium")


#: from this many kilograms a carbon figure reads in tonnes ("12,3 tCO2e", not "12 345 kgCO2e")
TONNES_FROM_KG = 10_000


def format_co2e(kg) -> str:
    """A carbon figure in the page's language: kilograms below ``TONNES_FROM_KG``, tonnes (one decimal) above."""
    if kg is None:
        return "—"
    value = Decimal(str(kg))
    if abs(value) >= TONNES_FROM_KG:
        return f"{format_number(value / 1000, 1)}\u00a0tCO2e"
    return f"{format_number(value, 0)}\u00a0kgCO2e"


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories="translations")
    app.jinja_env.filters["eur"] = format_eur
    app.jinja_env.filters["date_fmt"] = _filter_date
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["co2e"] = format_co2e
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
