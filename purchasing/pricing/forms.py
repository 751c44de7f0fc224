"""Tariff grid version form and transparency period form."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, FormField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from purchasing.forms import DateField, FrenchDecimalField, IntegerField, strip_filter

MAX_BANDS = 8


class BandForm(FlaskForm):
    class Meta:
        csrf = False

    label = StringField(_l("Libellé"), filters=[strip_filter], validators=[Optional(), Length(max=80)])
    min_population = IntegerField(_l("Population minimale"), validators=[Optional(), NumberRange(min=0)])
    max_population = IntegerField(_l("Population maximale (vide : sans plafond)"),
                                  validators=[Optional(), NumberRange(min=0)])
    fee_percent = FrenchDecimalField(_l("Taux de frais (%)"), validators=[Optional(), NumberRange(min=0, max=99.99)])


class GridForm(FlaskForm):
    effective_from = DateField(_l("Date d'entrée en vigueur"),
                               validators=[DataRequired(_l("La date d'entrée en vigueur est obligatoire."))])
    deliberation_ref = StringField(_l("Délibération"), filters=[strip_filter],
                                   description=_l("Par exemple : Délibération n° 2025-14 du comité syndical du 12 juin 2025"),
                                   validators=[DataRequired(_l("La référence de la délibération est obligatoire.")),
                                               Length(max=300)])
    bands = FieldList(FormField(BandForm), min_entries=MAX_BANDS, max_entries=MAX_BANDS)


class PeriodForm(FlaskForm):
    class Meta:
        csrf = False

    start = DateField(_l("Du"), validators=[Optional()])
    end = DateField(_l("Au"), validators=[Optional()])
