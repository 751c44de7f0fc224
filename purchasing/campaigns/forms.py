"""Campaign forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from purchasing.forms import ConfirmField, DateField, IntegerField, PickerField, strip_filter


class CampaignForm(FlaskForm):
    title = StringField(_l("Titre"), filters=[strip_filter], validators=[Length(max=200)])
    offer_id = PickerField(_l("Offre du catalogue"), validators=[DataRequired(_l("Indiquez l'offre."))],
                           unknown_message=_l("Aucune offre commandable aujourd'hui ne porte ce nom : "
                                              "choisissez-en une de la liste."),
                           ambiguous_message=_l("Plusieurs offres portent ce nom : choisissez-en une de la liste."),
                           description=_l("Tapez la marque ou le modèle, puis choisissez l'offre (produit, "
                                          "contrat, prix de base HT) dans la liste."))
    deadline = DateField(_l("Date limite des engagements"), validators=[DataRequired(_l("La date limite est obligatoire."))])
    min_quantity = IntegerField(_l("Quantité minimale"), default=1,
                                validators=[DataRequired(_l("La quantité minimale est obligatoire.")),
                                            NumberRange(min=1, max=1_000_000)])
    max_quantity = IntegerField(_l("Quantité maximale"), validators=[Optional(), NumberRange(min=1, max=1_000_000)])

    def __init__(self, *args, offers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.offer_id.set_choices(offers)


class CommitForm(FlaskForm):
    quantity = StringField(_l("Quantité engagée"), filters=[strip_filter],
                           description=_l("Elle remplace la quantité déjà engagée ; 0 retire l'engagement de "
                                          "votre collectivité."))


class RejectCommitmentForm(FlaskForm):
    reason = StringField(_l("Motif du refus"), filters=[strip_filter],
                         validators=[DataRequired(_l("Le motif du refus est obligatoire.")), Length(max=2000)])


class CloseCampaignForm(FlaskForm):
    confirm = ConfirmField(_l("Je confirme la clôture : plus aucun adhérent ne pourra s'engager (définitif)."))
