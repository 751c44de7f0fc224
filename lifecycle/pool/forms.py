"""Reuse pool forms: the pool page's filters; the donor's refusal of a claim."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from lifecycle.assets.forms import CONDITION_LABELS
from purchasing.forms import ListSelect, choice_id, choices, strip_filter


class PoolFilterForm(FlaskForm):
    class Meta:
        csrf = False

    category_id = SelectField(_l("Catégorie"), coerce=choice_id, validators=[Optional()])
    epci_id = SelectField(_l("EPCI"), coerce=choice_id, validators=[Optional()], widget=ListSelect())
    condition = SelectField(_l("État"), validators=[Optional()])
    #: member users: other members' offers in the categories of their own equipment
    matching = BooleanField(_l("Dans les catégories de mon parc"))
    #: the listings a claim would refuse (their data not erased yet) are hidden unless asked for
    unavailable = BooleanField(_l("Afficher aussi les équipements pas encore disponibles (effacement des données "
                                  "à enregistrer)"))

    def __init__(self, *args, categories=(), epcis=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.category_id.choices = choices([(0, _l("Toutes"))] + list(categories))
        self.epci_id.choices = choices([(0, _l("Tous"))] + list(epcis))
        self.condition.choices = choices([("", _l("Tous"))] + list(CONDITION_LABELS.items()))


class DeclineForm(FlaskForm):
    """The donor declines a claim: the claimant is told why (lifecycle/domain/pool.py)."""

    reason = TextAreaField(_l("Motif du refus (transmis au demandeur)"), filters=[strip_filter],
                           validators=[DataRequired(message=_l("Indiquez pourquoi vous refusez cette demande.")),
                                       Length(max=500)])
