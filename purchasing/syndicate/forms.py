"""The syndicate's identity form, with French messages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from purchasing.domain.identifiers import is_valid_siret, normalise_siren
from purchasing.forms import strip_filter


class SyndicateIdentityForm(FlaskForm):
    name = StringField(_l("Nom du syndicat"), filters=[strip_filter],
                       validators=[DataRequired(_l("Le nom est obligatoire.")), Length(max=200)])
    siret = StringField(_l("SIRET"), filters=[strip_filter], description=_l("14 chiffres."),
                        validators=[DataRequired(_l("Le SIRET est obligatoire."))])
    address = StringField(_l("Adresse"), filters=[strip_filter],
                          validators=[DataRequired(_l("L'adresse est obligatoire.")), Length(max=300)])
    postal_code = StringField(_l("Code postal"), filters=[strip_filter],
                              validators=[DataRequired(_l("Le code postal est obligatoire.")), Length(max=10)])
    city = StringField(_l("Commune"), filters=[strip_filter],
                       validators=[DataRequired(_l("La commune est obligatoire.")), Length(max=120)])
    email = EmailField(_l("E-mail"), filters=[strip_filter],
                       validators=[Optional(), Email(_l("Adresse e-mail invalide.")), Length(max=254)])
    phone = StringField(_l("Téléphone"), filters=[strip_filter], validators=[Length(max=40)])
    signatory_name = StringField(_l("Signataire des bons de commande"), filters=[strip_filter],
                                 validators=[Length(max=200)])
    signatory_title = StringField(_l("Qualité du signataire"), filters=[strip_filter],
                                  description=_l("Par exemple : Président, Directrice générale des services."),
                                  validators=[Length(max=200)])

    def validate_siret(self, field):
        if field.data and not is_valid_siret(field.data):
            raise ValidationError(_l("Ce SIRET n'est pas valide : 14 chiffres avec une clé de contrôle."))
        field.data = normalise_siren(field.data)
