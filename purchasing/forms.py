"""Form helpers shared by every area: French-friendly decimal input, integers within the database's range."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from wtforms import Field
from wtforms.fields import DecimalField
from wtforms.fields import IntegerField as _WTFormsIntegerField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import Select
from markupsafe import Markup, escape

from purchasing.params import INT32_MAX, choice_id, parse_int

#: a typed decimal at or above this is refused (no column holds it; "1e999999" must not reach a query)
_DECIMAL_LIMIT = Decimal("1e15")
#: WTForms' own message, translated by WTForms' catalogue ("N'est pas un entier valide.")
_WTFORMS_NOT_AN_INTEGER = "Not a valid integer value."


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
        if abs(value) >= _DECIMAL_LIMIT:
            self.data = None
            raise ValueError(_l("Nombre trop grand."))
        self.data = value


class IntegerField(_WTFormsIntegerField):
    """An integer typed in a form, parsed by the one parser (``purchasing.params.parse_int``).

    Out of the database's 32-bit range, or not plain digits, it is a form error (422), never an overflow.
    """

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        if not (valuelist[0] or "").strip():
            self.data = None
            return
        try:
            self.data = parse_int(valuelist[0], minimum=-(2**63), maximum=2**63)
        except ValueError:
            self.data = None
            raise ValueError(self.invalid_value_message or self.gettext(_WTFORMS_NOT_AN_INTEGER)) from None
        if abs(self.data) > INT32_MAX:
            self.data = None
            raise ValueError(_l("Nombre trop grand : %(high)s au plus.", high=INT32_MAX))


class ListSelect(Select):
    """WTForms' ``Select`` for a long list (a national territory's 1,250 EPCIs): the same HTML, each plain option
    written directly (WTForms' ``html_params`` per option was most of the page's time)."""

    @classmethod
    def render_option(cls, choice, **kwargs):
        if choice.render_kw or kwargs or isinstance(choice.value, bool):
            return super().render_option(choice, **kwargs)
        selected = "selected " if choice.selected else ""
        return Markup(f'<option {selected}value="{escape(choice.value)}">'
                      f'{escape(choice.label or choice.value)}</option>')


def choices(pairs) -> list[SelectChoice]:
    """SelectField choices from (value, label) pairs (WTForms 3.3 deprecates bare tuples)."""
    return [SelectChoice(value, label) for value, label in pairs]


def strip_filter(value):
    return value.strip() if isinstance(value, str) else value


__all__ = ["FrenchDecimalField", "IntegerField", "ListSelect", "choice_id", "choices", "strip_filter", "Field"]
