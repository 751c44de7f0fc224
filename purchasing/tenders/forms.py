"""Tender forms, with French messages."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateTimeLocalField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from purchasing.domain.decp import UnknownCpvCode, check_cpv

from purchasing.forms import choice_id, choices, ConfirmField, DateField, FrenchDecimalField, IntegerField, strip_filter
from purchasing.domain.local_time import NonexistentLocalTime, paris_to_utc
from purchasing.i18n import error_message

CRITERION_LABELS = {
    "price": _l("Prix"),
    "technical": _l("Valeur technique"),
    "environmental": _l("Performance environnementale"),
    "delivery": _l("Délai de livraison"),
}
MODE_LABELS = {
    "computed": _l("Calculée à partir des données des offres"),
    "scored": _l("Notée par les évaluateurs"),
    "mixed": _l("Moyenne des deux"),
}
LOT_STATUS_LABELS = {"open": _l("ouvert"), "awarded": _l("attribué"), "unsuccessful": _l("infructueux")}


def _known_cpv(form, field) -> None:
    """A CPV code of the IT list (purchasing/domain/data/cpv_it.csv), else a French error on the field."""
    if not field.data:
        field.data = None
        return
    try:
        field.data = check_cpv(field.data)
    except UnknownCpvCode as error:
        raise ValidationError(error_message(error)) from None


def cpv_field():
    return StringField(_l("Code CPV"), filters=[strip_filter], validators=[Optional(), Length(max=12), _known_cpv],
                       description=_l("Code de la nomenclature européenne (8 chiffres), choisi dans la liste des "
                                      "codes informatiques : tapez un code ou un mot, par exemple « portatifs »."),
                       render_kw={"list": "cpv-codes", "autocomplete": "off", "inputmode": "search"})


class TenderForm(FlaskForm):
    reference = StringField(_l("Référence"), filters=[strip_filter], description=_l("Par exemple AO-2026-01."),
                            validators=[DataRequired(_l("La référence est obligatoire.")), Length(max=40)])
    title = StringField(_l("Objet"), filters=[strip_filter],
                        validators=[DataRequired(_l("L'objet est obligatoire.")), Length(max=300)])
    publication_date = DateField(_l("Date de publication"),
                                 validators=[InputRequired(_l("La date de publication est obligatoire."))])
    bid_deadline = DateTimeLocalField(_l("Date limite de remise des offres (heure de Paris)"), format="%Y-%m-%dT%H:%M",
                                      validators=[InputRequired(_l("La date limite est obligatoire."))])
    #: typed as a percentage of the lot's median price (70), stored as a ratio (0.70)
    abnormally_low_percent = FrenchDecimalField(
        _l("Seuil d'offre anormalement basse (en pourcentage de la médiane des prix du lot)"), default=Decimal("70"),
        places=0, validators=[InputRequired(_l("Le seuil est obligatoire.")),
                              NumberRange(min=Decimal("1"), max=Decimal("99"),
                                          message=_l("Le seuil doit être compris entre %(min)s et %(max)s %% de la médiane."))])

    def validate_bid_deadline(self, field):
        """The typed time is Paris time: one skipped when clocks go forward is refused on the field."""
        if field.data is not None:
            try:
                paris_to_utc(field.data)
            except NonexistentLocalTime as error:
                raise ValidationError(_l("Cette heure n'existe pas à Paris (passage à l'heure d'été) : "
                                         "choisissez une autre heure.")) from error


class LotForm(FlaskForm):
    number = IntegerField(_l("Numéro du lot"), validators=[InputRequired(_l("Le numéro est obligatoire.")),
                                                           NumberRange(min=1, max=99, message=_l("De 1 à 99."))])
    title = StringField(_l("Objet du lot"), filters=[strip_filter],
                        validators=[DataRequired(_l("L'objet du lot est obligatoire.")), Length(max=300)])
    estimated_quantities = StringField(_l("Quantités estimées"), filters=[strip_filter], validators=[Length(max=200)])
    estimated_amount_ht = FrenchDecimalField(
        _l("Montant estimé (€ HT)"), validators=[InputRequired(_l("Le montant estimé est obligatoire.")),
                                                 NumberRange(min=Decimal("0"), message=_l("Montant positif attendu."))])
    max_amount_ht = FrenchDecimalField(
        _l("Montant maximum de l'accord-cadre (€ HT)"), validators=[Optional(), NumberRange(
            min=Decimal("0.01"), message=_l("Le montant maximum doit être supérieur à zéro."))])
    duration_months = IntegerField(_l("Durée (mois)"), default=48, validators=[
        InputRequired(_l("La durée est obligatoire.")),
        NumberRange(min=1, max=48, message=_l("Un accord-cadre dure de 1 à 48 mois (4 ans)."))])
    cpv_code = cpv_field()


class CpvForm(FlaskForm):
    cpv_code = cpv_field()


class CriterionForm(FlaskForm):
    kind = SelectField(_l("Critère"), choices=choices(CRITERION_LABELS.items()),
                       validators=[DataRequired(_l("Choisissez un critère."))])
    weight = IntegerField(_l("Pondération (%)"), validators=[
        InputRequired(_l("La pondération est obligatoire.")),
        NumberRange(min=1, max=100, message=_l("La pondération est comprise entre 1 et 100."))])
    environmental_mode = SelectField(_l("Notation environnementale"), choices=choices(MODE_LABELS.items()),
                                     validators=[Optional()])


STATUS_ACTIONS = {"published": _l("Publier"), "closed": _l("Clore"), "cancelled": _l("Annuler")}


class StatusForm(FlaskForm):
    to = SelectField(_l("Nouveau statut"), validators=[DataRequired(_l("Choisissez le nouveau statut."))])
    reason = StringField(_l("Motif"), filters=[strip_filter], description=_l("Obligatoire pour une annulation."),
                         validators=[Length(max=500)])

    def __init__(self, *args, allowed=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.to.choices = choices([(k, label) for k, label in STATUS_ACTIONS.items() if k in allowed])


class BidUploadForm(FlaskForm):
    supplier_id = SelectField(_l("Fournisseur"), coerce=choice_id,
                              validators=[DataRequired(_l("Choisissez le fournisseur."))])
    price_list = FileField(_l("Bordereau de prix (.csv, .xlsx ou .ods, 5 Mo au plus)"),
                           validators=[FileRequired(_l("Joignez le bordereau de prix."))])

    def __init__(self, *args, supplier_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.supplier_id.choices = choices(list(supplier_choices))


class ScoreForm(FlaskForm):
    kind = SelectField(_l("Critère"), choices=choices([("technical", _l("Valeur technique")),
                                                       ("environmental", _l("Performance environnementale"))]),
                       validators=[DataRequired()])
    score = FrenchDecimalField(_l("Note sur 20"), validators=[
        InputRequired(_l("La note est obligatoire.")),
        NumberRange(min=Decimal("0"), max=Decimal("20"), message=_l("La note est comprise entre 0 et 20."))])
    justification = TextAreaField(_l("Justification écrite"), filters=[strip_filter], validators=[
        DataRequired(_l("La justification écrite de la note est obligatoire.")), Length(max=5000)])


class AwardForm(FlaskForm):
    bid_id = SelectField(_l("Offre retenue"), coerce=choice_id, validators=[DataRequired(_l("Choisissez l'offre."))])
    start_on = DateField(_l("Début de l'accord-cadre"), default=date.today,
                         validators=[InputRequired(_l("La date de début est obligatoire."))])
    end_on = DateField(_l("Fin de l'accord-cadre"), validators=[InputRequired(_l("La date de fin est obligatoire."))])
    confirm = ConfirmField(_l("Je confirme l'attribution : l'accord-cadre est créé et ses prix publiés au catalogue "
                              "(définitif)."))

    def __init__(self, *args, bid_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.bid_id.choices = choices(list(bid_choices))


class UnsuccessfulForm(FlaskForm):
    reason = StringField(_l("Motif"), filters=[strip_filter],
                         validators=[DataRequired(_l("Le motif est obligatoire.")), Length(max=500)])
    confirm = ConfirmField(_l("Je confirme : le lot est déclaré infructueux (définitif)."))


class TenderSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Rechercher (référence, objet)"), filters=[strip_filter])
    due = BooleanField(_l("Date limite passée, à noter ou à attribuer"))


class LettersForm(FlaskForm):
    """The date and the channel the letters to the candidates are sent on (GET: they only date the letters)."""

    class Meta:
        csrf = False

    sent_on = DateField(_l("Date d'envoi des lettres"), validators=[InputRequired(_l("La date d'envoi est obligatoire."))],
                        description=_l("Format jj/mm/aaaa ; le délai de suspension court à partir de cette date."))
    channel = SelectField(_l("Mode d'envoi"), validators=[InputRequired(_l("Choisissez le mode d'envoi."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.channel.choices = choices([("electronic", _l("Par voie électronique (profil d'acheteur, courriel)")),
                                        ("post", _l("Par courrier"))])
