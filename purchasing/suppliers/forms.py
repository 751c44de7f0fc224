"""Supplier form, with French messages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from purchasing.domain.identifiers import is_valid_siret
from purchasing.forms import strip_filter
from purchasing.suppliers.services import siret_taken


class SupplierForm(FlaskForm):
    name = StringField(_l("Raison sociale"), filters=[strip_filter],
                       validators=[DataRequired(_l("La raison sociale est obligatoire.")), Length(max=200)])
    siret = StringField(_l("SIRET"), filters=[strip_filter], description=_l("14 chiffres ; le SIREN en est déduit."),
                        validators=[DataRequired(_l("Le SIRET est obligatoire."))])
    address = StringField(_l("Adresse"), filters=[strip_filter], validators=[Length(max=300)])
    postal_code = StringField(_l("Code postal"), filters=[strip_filter], validators=[Length(max=10)])
    city = StringField(_l("Ville"), filters=[strip_filter], validators=[Length(max=120)])
    contact_name = StringField(_l("Contact"), filters=[strip_filter], validators=[Length(max=200)])
    contact_email = StringField(_l("E-mail du contact"), filters=[strip_filter],
                                validators=[Optional(), Email(_l("Adresse e-mail invalide.")), Length(max=254)])
    contact_phone = StringField(_l("Téléphone du contact"), filters=[strip_filter], validators=[Length(max=40)])
    order_email = StringField(_l("E-mail de réception des commandes"), filters=[strip_filter],
                              description=_l("Les bons de commande y sont envoyés ; vide : l'e-mail du contact."),
                              validators=[Optional(), Email(_l("Adresse e-mail invalide.")), Length(max=254)])
    accepts_order_x = BooleanField(_l("Accepte les commandes Order-X (XML)"))
    is_active = BooleanField(_l("Fournisseur actif"), default=True)

    def __init__(self, *args, supplier_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._supplier_id = supplier_id

    def validate_siret(self, field):
        if not is_valid_siret(field.data or ""):
            raise ValidationError(_l("Ce SIRET n'est pas valide : 14 chiffres dont le dernier est une clé de contrôle."))
        if siret_taken(field.data, exclude_id=self._supplier_id):
            raise ValidationError(_l("Un fournisseur a déjà ce SIRET."))


class SupplierSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Rechercher (nom, SIRET, SIREN)"), filters=[strip_filter])
