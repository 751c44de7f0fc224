"""FastSelect writes WTForms' <select> markup character for character (the catalogue's filters use it)."""
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import Form, SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired
from wtforms.widgets import Select

from purchasing.forms import FastSelect, choice_id, choices

CHOICES = [(0, "Toutes"), (3, 'Écran "24" <pouces> & co'), (12, "Portable")]


def _pair(**field_kwargs):
    class Pair(Form):
        wtforms = SelectField("Catégorie", widget=Select(), **field_kwargs)
        fast = SelectField("Catégorie", widget=FastSelect(), **field_kwargs)
    return Pair


def _same(form, **render_kwargs):
    expected = form.wtforms(**render_kwargs).replace('name="wtforms"', 'name="X"').replace('id="wtforms"', 'id="X"')
    found = form.fast(**render_kwargs).replace('name="fast"', 'name="X"').replace('id="fast"', 'id="X"')
    assert isinstance(form.fast(), Markup)
    assert found == expected
    return found


def test_same_markup_with_a_selected_choice_escaped_labels_and_attributes():
    form = _pair(coerce=choice_id, choices=choices(CHOICES))(MultiDict({"wtforms": "3", "fast": "3"}))
    html = _same(form, class_="input", **{"aria-describedby": "x-hint", "aria-invalid": "true"})
    assert '<option selected value="3">Écran &#34;24&#34; &lt;pouces&gt; &amp; co</option>' in html
    assert html.count("selected") == 1


def test_same_markup_without_data_with_strings_booleans_and_required():
    Pair = _pair(choices=choices([("", "Tous"), ("a&b", "A & B"), (True, "Oui"), ("x", ""),
                                  (Markup('safe "quoted"'), "Markup")]),
                 validators=[InputRequired()])
    _same(Pair())
    _same(Pair(MultiDict({"wtforms": "a&b", "fast": "a&b"})), id="custom")


def test_option_attributes_and_groups_are_left_to_wtforms():
    grouped = [SelectChoice("a", "A", optgroup="G1"), SelectChoice("b", "B", optgroup="G2")]
    _same(_pair(choices=grouped)())
    with_kw = [SelectChoice("a", "A", render_kw={"disabled": True}), SelectChoice("b", "B")]
    _same(_pair(choices=with_kw)())

    class Multiple(Form):
        wtforms = SelectMultipleField("m", choices=choices([("a", "A"), ("b", "B")]))
        fast = SelectMultipleField("m", choices=choices([("a", "A"), ("b", "B")]), widget=FastSelect(multiple=True))
    _same(Multiple(MultiDict([("wtforms", "a"), ("fast", "a")])))
