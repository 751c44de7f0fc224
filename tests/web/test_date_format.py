"""One date style on every page: the day as "1 déc. 2026", a moment as that day and its Paris time."""
from __future__ import annotations

from datetime import date, datetime, timezone

from flask import render_template_string


def _render(app, value, language="fr"):
    with app.test_request_context(headers={"Accept-Language": language}):
        return render_template_string("{{ v|date_fmt }}", v=value)


def test_days_and_moments_share_one_style_in_paris_time(app):
    assert _render(app, date(2026, 12, 1)) == "1 déc. 2026"
    # 05:53 UTC is 06:53 in Paris in winter (UTC+1) and 07:53 in summer (UTC+2)
    assert _render(app, datetime(2026, 12, 1, 5, 53, tzinfo=timezone.utc)) == "1 déc. 2026, 06:53"
    assert _render(app, datetime(2026, 7, 1, 5, 53, tzinfo=timezone.utc)) == "1 juil. 2026, 07:53"
    # the day of a moment is the Paris day: 23:30 UTC on 31 December is already 1 January in Paris
    assert _render(app, datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc)) == "1 janv. 2027, 00:30"
    assert _render(app, None) == "—"


def test_english_pages_use_the_english_style(app):
    assert _render(app, date(2026, 12, 1), "en") == "Dec 1, 2026"
    assert _render(app, datetime(2026, 12, 1, 5, 53, tzinfo=timezone.utc), "en").startswith("Dec 1, 2026, 6:53")


def test_carbon_reads_in_tonnes_from_ten_tonnes(app):
    def co2e(value, language="fr"):
        with app.test_request_context(headers={"Accept-Language": language}):
            return render_template_string("{{ v|co2e }}", v=value)

    assert co2e(850.4) == "850\u00a0kgCO2e"
    assert co2e(9999.4) == "9\u202f999\u00a0kgCO2e"
    assert co2e(10000) == "10,0\u00a0tCO2e"  # exactly at the threshold: tonnes
    assert co2e(123456.7) == "123,5\u00a0tCO2e"
    assert co2e(None) == "—"


def test_carbon_in_tonnes_on_english_pages(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert render_template_string("{{ v|co2e }}", v=123456.7) == "123.5\u00a0tCO2e"
