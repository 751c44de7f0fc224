"""DECP forms: a contract's notification date and modifications, publishing a period (French messages)."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from purchasing.forms import DateField, FrenchDecimalField, IntegerField, strip_filter


class NotificationForm(FlaskForm):
    notified_on = DateField(_l("Date de notification au titulaire"),
                            validators=[InputRequired(_l("La date de notification est obligatoire."))])


class ModificationForm(FlaskForm):
    notified_on = DateField(_l("Date de notification de la modification"),
                            validators=[InputRequired(_l("La date de notification est obligatoire."))])
    object = TextAreaField(_l("Objet de la modification"), filters=[strip_filter], validators=[
        DataRequired(_l("Décrivez l'objet de la modification.")), Length(max=1000)])
    new_max_amount_ht = FrenchDecimalField(_l("Nouveau montant maximum (€ HT)"), validators=[
        Optional(), NumberRange(min=Decimal("1"), message=_l("Le nouveau montant doit être d'au moins 1 €."))])
    new_duration_months = IntegerField(_l("Nouvelle durée (mois)"), validators=[
        Optional(), NumberRange(min=1, max=48, message=_l("La nouvelle durée est de 1 à 48 mois."))])


class PublishForm(FlaskForm):
    period_from = HiddenField(validators=[DataRequired()])
    period_to = HiddenField(validators=[DataRequired()])
