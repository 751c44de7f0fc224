"""Member form: field validation, with French messages."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from purchasing.domain.identifiers import is_valid_insee_code, is_valid_siren, is_valid_siret, normalise_siren
from purchasing.domain.sites import site_key
from purchasing.forms import choice_id, choices, DateField, FrenchDecimalField, IntegerField, strip_filter
from purchasing.members.models import MemberKind
from purchasing.members.services import insee_taken, siren_taken, siret_taken, site_name_taken

KIND_LABELS = {
    MemberKind.COMMUNE: _l("Commune"),
    MemberKind.EPCI: _l("EPCI (intercommunalité)"),
    MemberKind.CCAS: _l("CCAS / CIAS"),
    MemberKind.SYNDICATE: _l("Syndicat"),
    MemberKind.OTHER: _l("Autre"),
}


class MemberForm(FlaskForm):
    kind = SelectField(_l("Type d'adhérent"), choices=choices((k.value, label) for k, label in KIND_LABELS.items()),
                       validators=[DataRequired(_l("Choisissez le type d'adhérent."))])
    name = StringField(_l("Nom"), filters=[strip_filter],
                       validators=[DataRequired(_l("Le nom est obligatoire.")), Length(max=200)])
    insee_code = StringField(_l("Code INSEE (communes)"), filters=[strip_filter],
                             description=_l("5 caractères, par exemple 24322 ou 2A004."),
                             validators=[Length(max=5)])
    siren = StringField(_l("SIREN"), filters=[strip_filter], description=_l("9 chiffres."),
                        validators=[DataRequired(_l("Le SIREN est obligatoire."))])
    population = IntegerField(_l("Population"),
                              validators=[InputRequired(_l("La population est obligatoire.")),
                                          NumberRange(min=0, max=100_000_000,
                                                      message=_l("La population doit être un nombre positif ou nul."))])
    epci_id = SelectField(_l("EPCI de rattachement"), coerce=choice_id, validate_choice=True,
                          validators=[Optional()])
    approval_threshold_ht = FrenchDecimalField(
        _l("Seuil d'approbation des commandes (€ HT)"),
        description=_l("Au-delà de ce montant, une commande doit être approuvée par l'élu ou le DGS."),
        validators=[InputRequired(_l("Le seuil est obligatoire.")),
                    NumberRange(min=Decimal("0"), max=Decimal("100000000"),
                                message=_l("Le seuil doit être un montant positif ou nul."))])
    joined_on = DateField(_l("Date d'adhésion"), default=date.today,
                          validators=[InputRequired(_l("La date d'adhésion est obligatoire."))])
    is_active = BooleanField(_l("Adhérent actif"), default=True)
    single_elected_user = BooleanField(
        _l("Un seul élu"),
        description=_l("L'adhérent n'a qu'un seul élu utilisateur : il peut approuver une commande ou un engagement "
                       "qu'il a lui-même créé ou soumis (contrôle à quatre yeux levé, mentionné dans l'historique)."))

    def __init__(self, *args, member_id: int | None = None, epci_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._member_id = member_id
        self.epci_id.choices = choices([(0, _l("— Aucun —"))] + list(epci_choices))

    def validate_siren(self, field):
        if not is_valid_siren(field.data):
            raise ValidationError(_l("Ce SIREN n'est pas valide : 9 chiffres dont le dernier est une clé de contrôle."))
        if siren_taken(field.data, exclude_id=self._member_id):
            raise ValidationError(_l("Un adhérent a déjà ce SIREN."))

    def validate_insee_code(self, field):
        if self.kind.data != MemberKind.COMMUNE:
            return
        if not field.data:
            raise ValidationError(_l("Le code INSEE est obligatoire pour une commune."))
        if not is_valid_insee_code(field.data):
            raise ValidationError(_l("Ce code INSEE n'est pas valide : 5 caractères, par exemple 24322 ou 2A004."))
        if insee_taken(field.data, exclude_id=self._member_id):
            raise ValidationError(_l("Une commune a déjà ce code INSEE."))

    def validate_epci_id(self, field):
        if field.data and self._member_id is not None and field.data == self._member_id:
            raise ValidationError(_l("Un adhérent ne peut pas être rattaché à lui-même."))


class MemberSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Rechercher (nom, code INSEE, SIREN)"), filters=[strip_filter])
    kind = SelectField(_l("Type"), choices=choices([("", _l("Tous"))] + [(k.value, l) for k, l in KIND_LABELS.items()]),
                       validators=[Optional()])


def _text(label, max_len, **kw):
    return StringField(label, filters=[strip_filter], validators=[Optional(), Length(max=max_len)], **kw)


class IdentityForm(FlaskForm):
    """The member's postal and billing addresses and Chorus Pro settings (administrator)."""

    postal_address = _text(_l("Adresse postale"), 300)
    postal_code = _text(_l("Code postal"), 10)
    city = _text(_l("Commune"), 120)
    billing_address = _text(_l("Adresse de facturation"), 300,
                            description=_l("Laissez vide si elle est identique à l'adresse postale."))
    billing_postal_code = _text(_l("Code postal de facturation"), 10)
    billing_city = _text(_l("Commune de facturation"), 120)
    chorus_service_code = _text(_l("Code service Chorus Pro"), 100)
    engagement_required = BooleanField(_l("Numéro d'engagement obligatoire"),
                                       description=_l("Chaque commande devra porter un numéro d'engagement."))


class SiretForm(FlaskForm):
    siret = StringField(_l("SIRET"), filters=[strip_filter], description=_l("14 chiffres, clé de contrôle comprise."),
                        validators=[DataRequired(_l("Le SIRET est obligatoire."))])
    label = StringField(_l("Libellé"), filters=[strip_filter],
                        description=_l("Par exemple « Budget principal », « CCAS », « Budget annexe eau »."),
                        validators=[DataRequired(_l("Le libellé est obligatoire.")), Length(max=120)])
    is_billing = BooleanField(_l("SIRET de facturation"))

    def validate_siret(self, field):
        digits = normalise_siren(field.data)
        if len(digits) != 14 or not digits.isdigit():
            raise ValidationError(_l("Un SIRET compte 14 chiffres."))
        if not is_valid_siret(digits):
            raise ValidationError(_l("Ce SIRET n'est pas valide : sa clé de contrôle est fausse."))
        if siret_taken(digits):
            raise ValidationError(_l("Ce SIRET est déjà enregistré pour un adhérent."))


class ContactForm(FlaskForm):
    name = StringField(_l("Nom"), filters=[strip_filter],
                       validators=[DataRequired(_l("Le nom est obligatoire.")), Length(max=200)])
    role = _text(_l("Fonction"), 120)
    email = StringField(_l("Adresse e-mail"), filters=[strip_filter],
                        validators=[Optional(), Length(max=254),
                                    Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Adresse e-mail invalide."))])
    phone = _text(_l("Téléphone"), 40)


class SiteForm(FlaskForm):
    DUPLICATE_NAME = _l("Un site de cet adhérent porte déjà ce nom (aux majuscules, accents ou espaces près).")

    name = StringField(_l("Nom du site"), filters=[strip_filter],
                       validators=[DataRequired(_l("Le nom du site est obligatoire.")), Length(max=200)])
    address = _text(_l("Adresse"), 300)
    postal_code = _text(_l("Code postal"), 10)
    city = _text(_l("Commune"), 120)
    opening_hours = _text(_l("Horaires d'ouverture"), 300)
    contact_name = _text(_l("Contact sur place"), 200)
    contact_phone = _text(_l("Téléphone du contact"), 40)
    contact_email = StringField(_l("E-mail du contact"), filters=[strip_filter],
                                validators=[Optional(), Length(max=254),
                                            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                                                   message=_l("Adresse e-mail invalide."))])

    def __init__(self, *args, member_id: int, site_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._member_id, self._site_id = member_id, site_id

    def validate_name(self, field):
        if not site_key(field.data or ""):
            raise ValidationError(_l("Le nom du site doit contenir des lettres ou des chiffres."))
        if site_name_taken(self._member_id, field.data, exclude_id=self._site_id):
            raise ValidationError(self.DUPLICATE_NAME)
