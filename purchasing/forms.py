"""Form helpers shared by every area: French-friendly decimal input, integers within the database's range."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import Field
from wtforms.fields import BooleanField, DecimalField
from wtforms.fields import IntegerField as _WTFormsIntegerField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from purchasing.params import INT32_MAX, choice_id, parse_int

#: a typed decimal at or above this is refused (no column holds it; "1e999999" must not reach a query)
_DECIMAL_LIMIT = Decimal("1e15")
#: WTForms' own message, translated by WTForms' catalogue ("N'est pas un entier valide.")
_WTFORMS_NOT_AN_INTEGER = "Not a valid integer value."


class FrenchDecimalField(DecimalField):
    """A decimal typed the French way ("1 234,56") or the English way ("1234.56"), shown back the page's way: a
    decimal comma on French pages ("2,00", not "2.00"), what was typed when the form comes back with an error."""

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        text = super()._value()
        return text.replace(".", ",") if str(get_locale() or "fr").startswith("fr") else text

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


#: what the server answers when an irreversible action comes without its confirmation
CONFIRMATION_REQUIRED = _l("Cochez « Je confirme » : cette action ne pourra pas être annulée.")


def ConfirmField(label=None):  # noqa: N802 (a field factory, used like a field class)
    """The "Je confirme" checkbox of an irreversible action: required by the browser and by the server.

    Works without scripts: the action is refused (form error on this field, nothing written) until it is ticked.
    """
    return BooleanField(label or _l("Je confirme : cette action est définitive."),
                        validators=[DataRequired(CONFIRMATION_REQUIRED)])


def choices(pairs) -> list[SelectChoice]:
    """SelectField choices from (value, label) pairs (WTForms 3.3 deprecates bare tuples)."""
    return [SelectChoice(value, label) for value, label in pairs]


def strip_filter(value):
    return value.strip() if isinstance(value, str) else value


__all__ = ["CONFIRMATION_REQUIRED", "ConfirmField", "FrenchDecimalField", "IntegerField", "choice_id", "choices", "strip_filter", "Field"]
