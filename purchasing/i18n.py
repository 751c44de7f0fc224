"""Language: French by default, English available; chosen by the user, else the browser's Accept-Language."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import NumberPattern, parse_pattern
from flask import Flask, current_app, request, session
from flask_babel import format_date, format_time, get_locale
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
    locale = _locale(str(get_locale()))
    return locale.currency_formats["standard"].apply(Decimal(value), locale, currency="EUR")


def format_number(value, digits: int = 0) -> str:
    """A number with ``digits`` decimals and the locale's grouping ("1 234,5"), "—" for None."""
    if value is None:
        return "—"
    pattern = _number_pattern("#,##0" + ("." + "0" * digits if digits else ""))
    return pattern.apply(value, _locale(str(get_locale())))


def _filter_date(value: date | datetime | None) -> str:
    """A day as "1 déc. 2026"; a moment as the same day and its time in Europe/Paris, "1 déc. 2026, 06:53" (one
    style on every page: the short "01/12/2026 06:53" used to sit beside the medium day)."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return f"{format_date(value, 'medium')}, {format_time(value, 'short')}"
    return format_date(value, "medium")


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories="translations")
    app.jinja_env.filters["eur"] = format_eur
    app.jinja_env.filters["date_fmt"] = _filter_date
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
