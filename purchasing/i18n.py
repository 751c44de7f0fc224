"""Language: French by default, English available; chosen by the user, else the browser's Accept-Language."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import Flask, current_app, request, session
from flask_babel import format_currency, format_date, format_datetime, format_decimal, get_locale
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


def format_eur(value: Decimal | int | None) -> str:
    """An amount in euros in the current locale: "1 234,56 €" in French."""
    if value is None:
        return "—"
    return format_currency(Decimal(value), "EUR")


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
    app.jinja_env.filters["number"] = lambda v, digits=0: "—" if v is None else format_decimal(
        v, format="#,##0" + ("." + "0" * digits if digits else ""))
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
