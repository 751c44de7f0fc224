"""Form helpers shared by every area: French-friendly decimal input, integers within the database's range."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import Field
from wtforms.fields.choices import Choice
from wtforms.widgets import Select, html_params
from wtforms.fields import DecimalField
from wtforms.fields import IntegerField as _WTFormsIntegerField
from wtforms.fields.choices import SelectChoice

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


class FastSelect(Select):
    """WTForms' ``<select>`` markup, character for character, without its per-option machinery.

    WTForms renders each option through ``html_params`` and ``Markup.format`` (a string.Formatter walk per
    attribute): on the catalogue's filters (every category and brand, each page) that was a third of the page's
    rendering. Here each option is one f-string with the same escaping. Grouped, multiple or option-attribute
    (``render_kw``) choices are left to WTForms.
    """

    def __call__(self, field, **kwargs):
        options = field.iter_choices() if not self.multiple and not field.has_groups() else None
        if options is None or not all(isinstance(c, Choice) and not c.render_kw for c in options):
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        flags = getattr(field, "flags", {})
        for k in dir(flags):
            if k in self.validation_attrs and k not in kwargs:
                kwargs[k] = getattr(flags, k)
        html = [f"<select {html_params(name=field.name, **kwargs)}>"]
        for choice in options:
            value = str(choice.value) if isinstance(choice.value, bool) else choice.value
            # html_params' .replace('"', "&quot;") only changes an already-safe (Markup) value: escape() writes &#34;
            if hasattr(value, "__html__"):
                value = escape(value).replace(Markup('"'), Markup("&quot;"))
            else:
                value = escape(value)
            selected = "selected " if choice.selected else ""
            html.append(f'<option {selected}value="{value}">{escape(choice.label or choice.value)}</option>')
        html.append("</select>")
        return Markup("".join(html))


def choices(pairs) -> list[SelectChoice]:
    """SelectField choices from (value, label) pairs (WTForms 3.3 deprecates bare tuples)."""
    return [SelectChoice(value, label) for value, label in pairs]


def strip_filter(value):
    return value.strip() if isinstance(value, str) else value


__all__ = ["FastSelect", "FrenchDecimalField", "IntegerField", "choice_id", "choices", "strip_filter", "Field"]
