"""Catalogue search and add-to-cart forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional

from purchasing.forms import FastSelect, FrenchDecimalField, choice_id, choices, strip_filter

SORT_LABELS = {
    "name": _l("Nom"),
    "price": _l("Prix"),
    "carbon": _l("Carbone par année de service"),
    "cost": _l("Coût par année de service"),
}
CONDITION_LABELS = {"": _l("Tous"), "new": _l("Neuf"), "refurbished": _l("Reconditionné")}


class CatalogueSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Rechercher"), filters=[strip_filter], validators=[Optional(), Length(max=200)])
    category = SelectField(_l("Catégorie"), coerce=choice_id, validate_choice=False, widget=FastSelect())
    condition = SelectField(_l("État"), choices=choices(CONDITION_LABELS.items()), validate_choice=False,
                            widget=FastSelect())
    brand = SelectField(_l("Marque"), validate_choice=False, widget=FastSelect())
    price_min = FrenchDecimalField(_l("Prix minimum HT"), validators=[Optional(), NumberRange(min=0)])
    price_max = FrenchDecimalField(_l("Prix maximum HT"), validators=[Optional(), NumberRange(min=0)])
    repairability = FrenchDecimalField(_l("Indice de réparabilité au moins"),
                                       validators=[Optional(), NumberRange(min=0, max=10)])
    sort = SelectField(_l("Trier par"), choices=choices(SORT_LABELS.items()), validate_choice=False,
                       widget=FastSelect())

    def __init__(self, *args, categories=(), brands=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = choices([(0, _l("Toutes"))] + [(c.id, c.label_fr) for c in categories])
        self.brand.choices = choices([("", _l("Toutes"))] + [(b, b) for b in brands])


class AddToCartForm(FlaskForm):
    offer_id = HiddenField()
    #: text on purpose: the domain's validate_quantity gives the French message for every bad value
    quantity = StringField(_l("Quantité"), default="1", filters=[strip_filter])
