"""Language: French by default, English available; chosen by the user, else the browser's Accept-Language."""
from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import NumberPattern, get_decimal_symbol, get_group_symbol, parse_pattern
from flask import Flask, current_app, request, session
from flask_babel import format_date, format_datetime, get_locale
from flask_login import current_user

from purchasing.extensions import babel


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    if request:
        return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


@lru_cache(maxsize=16)
def _locale(name: str) -> Locale:
    return Locale.parse(name)


@lru_cache(maxsize=64)
def _number_pattern(pattern: str) -> NumberPattern:
    return parse_pattern(pattern)


def format_eur(value: Decimal | int | None) -> str:
    """An amount in euros in the current locale: "1 234,56 €" in French.

    Babel's own formatting (what ``flask_babel.format_currency`` ends in), with the locale and its currency
    pattern looked up once instead of on every call: list pages format a few hundred amounts.
    """
    if value is None:
        return "—"
    return euro_text(Decimal(value), str(get_locale()))


_CENT = Decimal("0.01")


@lru_cache(maxsize=16)
def _euro_shape(name: str) -> tuple[tuple[str, str], tuple[str, str], dict] | None:
    """What Babel writes around a plain amount in euros for locale ``name``: ((prefix, suffix) positive,
    (prefix, suffix) negative, the separators' translation table), read from Babel's own rendering of a sample;
    None when the locale's currency pattern is not the plain "#,##0.00" kind (Babel then formats each amount)."""
    locale = _locale(name)
    pattern = locale.currency_formats["standard"]
    if (pattern.grouping != (3, 3) or pattern.frac_prec != (2, 2) or pattern.int_prec[0] != 1 or pattern.exp_prec
            or "@" in pattern.pattern):
        return None
    group, decimal = get_group_symbol(locale), get_decimal_symbol(locale)
    digits = f"1{group}234{decimal}50"
    shapes = []
    for sample in ("1234.5", "-1234.5"):
        text = pattern.apply(Decimal(sample), locale, currency="EUR")
        if text.count(digits) != 1:
            return None
        shapes.append(tuple(text.split(digits)))
    return shapes[0], shapes[1], str.maketrans({",": group, ".": decimal})


def euro_text(value: Decimal, name: str) -> str:
    """``value`` in euros as Babel writes it for locale ``name`` (its currency pattern, half-even to the cent),
    without Babel's general pattern machinery on every call (list pages format a few hundred amounts)."""
    shape = _euro_shape(name)
    if shape is None or not value.is_finite():
        locale = _locale(name)
        return locale.currency_formats["standard"].apply(value, locale, currency="EUR")
    positive, negative, table = shape
    prefix, suffix = negative if value.is_signed() else positive
    return f"{prefix}{format(abs(value).quantize(_CENT, rounding=ROUND_HALF_EVEN), ',.2f').translate(table)}{suffix}"


def format_number(value, digits: int = 0) -> str:
    """A number with ``digits`` decimals and the locale's grouping ("1 234,5"), "—" for None."""
    if value is None:
        return "—"
    pattern = _number_pattern("#,##0" + ("." + "0" * digits if digits else ""))
    return pattern.apply(value, _locale(str(get_locale())))


def _filter_date(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return format_datetime(value, "short")
    return format_date(value, "medium")


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories="translations")
    app.jinja_env.filters["eur"] = format_eur
    app.jinja_env.filters["date_fmt"] = _filter_date
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
