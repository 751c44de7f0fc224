"""Form helpers shared by every area: French-friendly decimal input."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from wtforms import Field
from wtforms.fields import DecimalField
from wtforms.fields.choices import SelectChoice


class FrenchDecimalField(DecimalField):
    """A decimal typed the French way ("1 234,56") or the English way ("1234.56")."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        raw = (valuelist[0] or "").strip()
        cleaned = raw.replace("\u202f", "").replace("\u00a0", "").replace(" ", "").replace("€", "")
        cleaned = cleaned.replace(",", ".")
        if cleaned == "":
            self.data = None
            self.raw_data = valuelist
            return
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            self.data = None
            raise ValueError(_l("Saisissez un nombre, par exemple 1 500,00."))
        if not value.is_finite():
            self.data = None
            raise ValueError(_l("Saisissez un nombre, par exemple 1 500,00."))
        self.data = value


def choices(pairs) -> list[SelectChoice]:
    """SelectField choices from (value, label) pairs (WTForms 3.3 deprecates bare tuples)."""
    return [SelectChoice(value, label) for value, label in pairs]


def strip_filter(value):
    return value.strip() if isinstance(value, str) else value


__all__ = ["FrenchDecimalField", "choices", "strip_filter", "Field"]
