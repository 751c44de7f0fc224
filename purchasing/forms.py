"""Form helpers shared by every area: French-friendly decimal input, integers within the database's range."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from markupsafe import Markup, escape
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import Field
from wtforms.validators import StopValidation
from wtforms.fields import BooleanField, DecimalField, StringField
from wtforms.fields import DateField as _WTFormsDateField
from wtforms.fields.choices import Choice
from wtforms.widgets import Select, TextInput, html_params
from wtforms.fields import IntegerField as _WTFormsIntegerField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from purchasing.members.models import fold_for_search
from purchasing.params import INT32_MAX, choice_id, parse_int

#: a typed decimal at or above this is refused (no column holds it; "1e999999" must not reach a query)
_DECIMAL_LIMIT = Decimal("1e15")
#: WTForms' own message, translated by WTForms' catalogue ("N'est pas un entier valide.")
_WTFORMS_NOT_AN_INTEGER = "Not a valid integer value."


class FrenchDecimalField(DecimalField):
    """A decimal typed the French way ("1 234,56") or the English way ("1234.56"), shown back the page's way: a
    decimal comma on French pages ("2,00", not "2.00"), what was typed when the form comes back with an error.

    A text input with the decimal keypad on phones (``inputmode="decimal"``), not ``type="number"``: a number input
    refuses "1 500,00" as people type it, and shows nothing for a value written with a comma."""

    widget = TextInput()

    def __call__(self, **kwargs):
        kwargs.setdefault("inputmode", "decimal")
        return super().__call__(**kwargs)

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


#: the days a date field reads: the date picker's ISO value, or the day as typed in French where the browser shows a
#: plain text box instead of a picker (the field's hint says jj/mm/aaaa)
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class DateField(_WTFormsDateField):
    """A date input (``type="date"``) that also reads "31/12/2026" typed without a picker."""

    def __init__(self, label=None, validators=None, format=None, **kwargs):  # noqa: A002 - WTForms' name
        super().__init__(label, validators, format=format or list(DATE_FORMATS), **kwargs)


def strip_filter(value):
    return value.strip() if isinstance(value, str) else value


class PickerInput:
    """A text input tied to a ``<datalist>`` of the field's labels: the browser proposes the matching ones as one
    types (keyboard and screen readers included), with no script and nothing fetched elsewhere."""

    def __call__(self, field, **kwargs):
        list_id = f"{field.id}-options"
        kwargs.setdefault("id", field.id)
        kwargs.setdefault("type", "text")
        kwargs.setdefault("list", list_id)
        kwargs.setdefault("autocomplete", "off")
        attributes = " ".join(f'{key.rstrip("_")}="{escape(value)}"' for key, value in kwargs.items()
                              if value is not None and value is not False)
        options = "".join(f'<option value="{escape(label)}"></option>' for _value, label in field.choices)
        return Markup(f'<input name="{escape(field.name)}" value="{escape(field._value())}" {attributes}>'
                      f'<datalist id="{list_id}">{options}</datalist>')


class PickerField(StringField):
    """Choose one of many (members, offers) by typing its name: a searchable list instead of an internal number
    or a select of hundreds of entries. ``choices``: (id, label) pairs, set after the form is built; ``aliases``:
    other texts naming a choice (a SIREN, an INSEE code). The data is the chosen id (None when left empty); a
    text naming no choice, or several, is a French error on the field, and the typed text is shown again."""

    widget = PickerInput()

    def __init__(self, label=None, validators=None, unknown_message=None, ambiguous_message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.choices: list[tuple[int, str]] = []
        self.aliases: dict[str, set[int]] = {}
        self.typed: str | None = None
        self.unknown_message = unknown_message or _l("Choisissez une entrée de la liste.")
        self.ambiguous_message = ambiguous_message or _l("Plusieurs entrées portent ce nom : précisez.")

    def set_choices(self, entries) -> None:
        """``entries``: (id, label, *aliases); the aliases (a name alone, a SIREN, an INSEE code) name the entry
        too, and an alias naming several entries is ambiguous."""
        self.choices = [(entry[0], entry[1]) for entry in entries]
        self.aliases = {}
        for entry in entries:
            for alias in entry[2:]:
                if alias:
                    self.aliases.setdefault(fold_for_search(str(alias)), set()).add(entry[0])

    def process_data(self, value):
        self.data = parse_int(str(value)) if value not in (None, "", 0) and str(value).isdigit() else None

    def process_formdata(self, valuelist):
        if valuelist:
            self.typed = " ".join((valuelist[0] or "").split())[:300]
            self.data = None

    def _value(self) -> str:
        if self.typed is not None:
            return self.typed
        if self.data:
            return next((label for value, label in self.choices if value == self.data), str(self.data))
        return ""

    def pre_validate(self, form):
        if self.typed is None:
            if self.data and self.data not in {value for value, _label in self.choices}:
                self.data = None
                raise StopValidation(self.unknown_message)
            return
        if not self.typed or self.typed == "0":  # "0": "none", as the former select sent it
            self.data = None
            return
        key = fold_for_search(self.typed)
        found = {value for value, label in self.choices if fold_for_search(label) == key}
        if not found and key in self.aliases:
            found = set(self.aliases[key])
        if not found and self.typed.isdigit():  # an id, as the older links and forms sent it
            number = int(self.typed)
            found = {value for value, _label in self.choices if value == number}
        if len(found) > 1:
            raise StopValidation(self.ambiguous_message)
        if not found:
            raise StopValidation(self.unknown_message)
        self.data = found.pop()


__all__ = ["CONFIRMATION_REQUIRED", "ConfirmField", "DATE_FORMATS", "DateField", "FastSelect", "FrenchDecimalField", "IntegerField", "ListSelect", "PickerField", "choice_id",
           "choices", "strip_filter", "Field"]
