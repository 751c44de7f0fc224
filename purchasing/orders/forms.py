"""Cart and decision forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from purchasing.forms import choices, strip_filter, choice_id


class CartForm(FlaskForm):
    delivery_site = StringField(_l("Lieu de livraison"), filters=[strip_filter],
                                description=_l("Adresse complète et service destinataire."),
                                validators=[Length(max=300)])
    note = TextAreaField(_l("Note"), filters=[strip_filter], validators=[Length(max=5000)])


class RejectForm(FlaskForm):
    reason = TextAreaField(_l("Motif du refus"), filters=[strip_filter],
                           validators=[DataRequired(_l("Le motif du refus est obligatoire.")), Length(max=2000)])


class CancelForm(FlaskForm):
    reason = TextAreaField(_l("Motif de l'annulation"), filters=[strip_filter], validators=[Length(max=2000)])


class ExportForm(FlaskForm):
    class Meta:
        csrf = False

    member = SelectField(_l("Adhérent"), coerce=choice_id, validate_choice=False)
    start = DateField(_l("Du"), validators=[Optional()])
    end = DateField(_l("Au"), validators=[Optional()])
    fmt = SelectField(_l("Format"), choices=choices([("csv", "CSV"), ("xlsx", "XLSX")]))

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.member.choices = choices([(0, _l("Tous"))] + list(members))
