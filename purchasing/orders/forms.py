"""Cart and decision forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from purchasing.forms import choice_id, choices, ConfirmField, DateField, strip_filter


def _site_choice(raw) -> int:
    """The site select's value: the empty placeholder ("— Choisir —", what ``required`` checks) is 0."""
    return 0 if raw in ("", None) else choice_id(raw)


class CartForm(FlaskForm):
    delivery_site_id = SelectField(_l("Site de livraison"), coerce=_site_choice, validate_choice=False,
                                   render_kw={"aria-required": "true"},
                                   description=_l("Un site du carnet d'adresses de votre collectivité."))
    engagement_number = StringField(_l("Numéro d'engagement"), filters=[strip_filter],
                                    description=_l("Le numéro d'engagement de votre comptabilité (Chorus Pro)."),
                                    validators=[Length(max=50)])
    note = TextAreaField(_l("Note"), filters=[strip_filter], validators=[Length(max=5000)])


    def __init__(self, *args, sites=(), engagement_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        if engagement_required:
            self.engagement_number.flags.required = True
            self.engagement_number.render_kw = {"aria-required": "true"}
            self.engagement_number.description = _l("Obligatoire pour votre collectivité (Chorus Pro).")
        # required to submit (the browser says so before sending; the server checks it again)
        self.delivery_site_id.flags.required = True
        self.delivery_site_id.choices = choices([("", _l("— Choisir —"))] + [(s.id, s.full_address) for s in sites])

    def validate_delivery_site_id(self, field):
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choisissez un site de livraison du carnet d'adresses de votre collectivité."))


class RejectForm(FlaskForm):
    reason = TextAreaField(_l("Motif du refus"), filters=[strip_filter],
                           validators=[DataRequired(_l("Le motif du refus est obligatoire.")), Length(max=2000)])
    confirm = ConfirmField(_l("Je confirme le refus de cette commande (définitif)."))


class CancelForm(FlaskForm):
    reason = TextAreaField(_l("Motif de l'annulation"), filters=[strip_filter], validators=[Length(max=2000)])
    confirm = ConfirmField(_l("Je confirme l'annulation de cette commande (définitive)."))


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
