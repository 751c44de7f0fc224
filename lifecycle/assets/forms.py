"""Lifecycle forms, with French messages."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from lifecycle.domain.erasure import check_certificate_ref
from lifecycle.domain.states import ASSET
from purchasing.domain.errors import DomainError
from purchasing.domain.identifiers import is_valid_siret
from purchasing.forms import choice_id, choices, ConfirmField, DateField, FrenchDecimalField, strip_filter

CONDITION_LABELS = {"new": _l("Neuf"), "good": _l("Bon état"), "fair": _l("État correct"), "poor": _l("Usé")}
ERASURE_LABELS = {"nist_clear": _l("NIST SP 800-88 — Clear (effacement)"),
                  "nist_purge": _l("NIST SP 800-88 — Purge (purge)"),
                  "nist_destroy": _l("NIST SP 800-88 — Destroy (destruction du support)")}
WORK_LABELS = {"battery": _l("Batterie"), "disk": _l("Disque"), "memory": _l("Mémoire"), "keyboard": _l("Clavier"),
               "os_reinstalled": _l("Système d'exploitation réinstallé")}
ROUTE_LABELS = {"reused_elsewhere": _l("Réemployé ailleurs"), "donated": _l("Donné"), "sold": _l("Vendu"),
                "recycled_weee": _l("Recyclé (filière DEEE)"), "destroyed": _l("Détruit"),
                "lost_or_stolen": _l("Perdu ou volé")}
ORIGIN_LABELS = {"delivered_order_line": _l("Livraison de commande"), "imported": _l("Import d'inventaire"),
                 "donation_received": _l("Don reçu"), "claimed_from_pool": _l("Bourse de réemploi")}
STATUS_LABELS = {"in_stock": _l("en stock"), "in_service": _l("en service"), "in_repair": _l("en réparation"),
                 "refurbishing": _l("en reconditionnement"), "in_pool": _l("dans la bourse de réemploi"),
                 "retired": _l("sorti de l'inventaire")}
assert set(STATUS_LABELS) == set(ASSET.statuses)
EVENT_LABELS = {"created": _l("Entrée dans l'inventaire"), "status": _l("Changement de statut"),
                "offered": _l("Proposé dans la bourse"), "claimed": _l("Attribué via la bourse"),
                "reserved": _l("Demandé dans la bourse (en attente de l'accord du donateur)"),
                "claim_declined": _l("Demande refusée par le donateur"),
                "withdrawn": _l("Retiré de la bourse"), "erasure": _l("Effacement des données"),
                "repair_opened": _l("Envoi en réparation ou reconditionnement"),
                "repair_closed": _l("Retour de réparation ou reconditionnement"), "retired": _l("Sortie d'inventaire"),
                "moved": _l("Changement de site (inventaire physique)"),
                "missing": _l("Non trouvé à l'inventaire physique"), "audited": _l("Vu à l'inventaire physique"),
                "imported": _l("Importé"), "placement": _l("Changement de site ou d'affectation"),
                "warranty": _l("Fin de garantie modifiée"),
                "inventory_update": _l("Mis à jour par un inventaire")}
#: the fields an inventory changes, as the timeline names them
CHANGE_LABELS = {"designation": _l("Désignation"), "serial_number": _l("Numéro de série"), "site": _l("Site"),
                 "assigned_to": _l("Attribué à"), "acquisition_date": _l("Date d'acquisition"),
                 "purchase_price_ht": _l("Prix d'achat HT"), "condition": _l("État"),
                 "warranty_end_date": _l("Fin de garantie"), "manufacturer": _l("Fabricant"), "model": _l("Modèle"),
                 "uuid": _l("UUID"), "device_id": _l("Identifiant d'agent"), "cpu": _l("Processeur"),
                 "ram_mb": _l("Mémoire vive (Mo)"), "os_name": _l("Système"), "os_version": _l("Version du système"),
                 "screen_inches": _l("Écran (pouces)"), "battery_health_pct": _l("Santé de la batterie (%)"),
                 "storage": _l("Stockage")}
STORAGE_LABELS = {"ssd": "SSD", "hdd": _l("Disque dur (HDD)"), "nvme": "SSD NVMe", "emmc": "eMMC",
                  "unknown": _l("type inconnu")}
RAM_CHOICES = [(0, _l("Toute")), (4096, _l("moins de 4 Go")), (8192, _l("moins de 8 Go")),
               (16384, _l("moins de 16 Go"))]


class StatusForm(FlaskForm):
    to = SelectField(_l("Nouveau statut"), choices=choices([("in_service", _l("en service")),
                                                           ("in_stock", _l("en stock"))]),
                     validators=[DataRequired(_l("Choisissez un statut."))])
    assigned_to = StringField(_l("Attribué à (personne ou service)"), filters=[strip_filter],
                              validators=[Length(max=200)])
    site = StringField(_l("Site"), filters=[strip_filter], validators=[Length(max=200)])
    reason = StringField(_l("Motif"), filters=[strip_filter], validators=[Length(max=500)])


class PlacementForm(FlaskForm):
    site = StringField(_l("Site"), filters=[strip_filter], validators=[Length(max=200)])
    assigned_to = StringField(_l("Attribué à (personne ou service)"), filters=[strip_filter],
                              validators=[Length(max=200)])
    reason = StringField(_l("Motif"), filters=[strip_filter], validators=[Length(max=500)])


class WarrantyForm(FlaskForm):
    warranty_end_date = DateField(_l("Fin de garantie"), validators=[Optional()],
                                  description=_l("Vide si l'équipement n'est pas ou plus garanti."))


class ErasureForm(FlaskForm):
    method = SelectField(_l("Méthode"), choices=choices(ERASURE_LABELS.items()),
                         validators=[DataRequired(_l("Choisissez la méthode d'effacement."))])
    performed_on = DateField(_l("Date de l'effacement"), default=date.today,
                             validators=[InputRequired(_l("La date de l'effacement est obligatoire."))])
    operator = StringField(_l("Opérateur"), filters=[strip_filter],
                           validators=[DataRequired(_l("Indiquez l'opérateur.")), Length(max=200)])
    certificate_ref = StringField(_l("Référence du certificat"), filters=[strip_filter],
                                  description=_l("Telle qu'imprimée sur le certificat, par exemple EFF-2026-0042."),
                                  validators=[DataRequired(_l("La référence du certificat est obligatoire.")),
                                              Length(max=120)])
    certificate_file = FileField(_l("Certificat (fichier, facultatif)"),
                                 description=_l("PDF ou image du certificat remis par l'opérateur ; il sera joint "
                                                "à l'équipement."))

    def validate_performed_on(self, field):
        if field.data and field.data > date.today():
            raise ValidationError(_l("La date de l'effacement ne peut pas être dans le futur."))

    def validate_certificate_ref(self, field):
        try:
            check_certificate_ref(field.data)
        except DomainError as error:
            raise ValidationError(_l("Référence du certificat non reconnue : lettres, chiffres et - _ . / avec au "
                                     "moins un chiffre, par exemple EFF-2026-0042.")) from error


class OfferForm(FlaskForm):
    condition = SelectField(_l("État"), choices=choices(CONDITION_LABELS.items()),
                            validators=[DataRequired(_l("Choisissez l'état."))])
    note = TextAreaField(_l("Note"), filters=[strip_filter], validators=[Length(max=2000)])


class RepairForm(FlaskForm):
    kind = SelectField(_l("Intervention"), choices=choices([("repair", _l("Réparation")),
                                                           ("refurbishment", _l("Reconditionnement"))]),
                       validators=[DataRequired(_l("Choisissez le type d'intervention."))])
    provider = StringField(_l("Atelier ou partenaire"), default="Atelier interne", filters=[strip_filter],
                           validators=[DataRequired(_l("Indiquez l'atelier interne ou le partenaire.")),
                                       Length(max=200)])
    opened_on = DateField(_l("Date d'envoi"), default=date.today,
                          validators=[InputRequired(_l("La date d'envoi est obligatoire."))])


class CloseRepairForm(FlaskForm):
    work_done = SelectMultipleField(_l("Travaux réalisés"), choices=choices(WORK_LABELS.items()))
    cost_ht = FrenchDecimalField(_l("Coût (€ HT)"), validators=[
        Optional(), NumberRange(min=Decimal("0"), max=Decimal("100000"),
                                message=_l("Le coût doit être un montant positif ou nul."))])
    grade = SelectField(_l("Grade"), choices=choices([("", _l("— Aucun —")), ("A", "A"), ("B", "B"), ("C", "C")]))
    closed_on = DateField(_l("Date de retour"), default=date.today,
                          validators=[InputRequired(_l("La date de retour est obligatoire."))])
    back_to = SelectField(_l("Destination"), choices=choices([("in_stock", _l("Retour en stock")),
                                                             ("in_service", _l("Retour en service")),
                                                             ("in_pool", _l("Proposer dans la bourse"))]))


class RetireForm(FlaskForm):
    route = SelectField(_l("Filière de sortie"), choices=choices(ROUTE_LABELS.items()),
                        validators=[DataRequired(_l("Choisissez la filière de sortie."))])
    retired_on = DateField(_l("Date de sortie"), default=date.today,
                           validators=[InputRequired(_l("La date de sortie est obligatoire."))])
    recipient = StringField(_l("Bénéficiaire ou acheteur"), filters=[strip_filter], validators=[Length(max=200)])
    recipient_siret = StringField(_l("SIRET du bénéficiaire (facultatif)"), filters=[strip_filter],
                                  validators=[Length(max=20)])
    certificate_ref = StringField(_l("Référence du certificat DEEE"), filters=[strip_filter],
                                  validators=[Length(max=120)])
    note = TextAreaField(_l("Note"), filters=[strip_filter], validators=[Length(max=2000)])
    confirm = ConfirmField(_l("Je confirme la sortie de l'inventaire (définitive)."))

    def validate_recipient(self, field):
        if self.route.data == "donated" and not field.data:
            raise ValidationError(_l("Un don exige le nom du bénéficiaire."))

    def validate_recipient_siret(self, field):
        if field.data and not is_valid_siret(field.data.replace(" ", "")):
            raise ValidationError(_l("Ce SIRET n'est pas valide : 14 chiffres avec une clé de contrôle."))

    def validate_certificate_ref(self, field):
        if self.route.data == "recycled_weee" and not field.data:
            raise ValidationError(_l("Le recyclage DEEE exige la référence du certificat."))


class InventoryFilterForm(FlaskForm):
    class Meta:
        csrf = False

    category_id = SelectField(_l("Catégorie"), coerce=choice_id, validators=[Optional()])
    status = SelectField(_l("Statut"), validators=[Optional()])
    site = SelectField(_l("Site"), coerce=choice_id, validators=[Optional()])
    member_id = SelectField(_l("Adhérent"), coerce=choice_id, validators=[Optional()])
    past_lifetime = BooleanField(_l("Au-delà de sa durée de vie prévue"))
    ram_below = SelectField(_l("Mémoire vive"), coerce=choice_id, validators=[Optional()])
    hdd = BooleanField(_l("Avec un disque dur (HDD)"))
    os = SelectField(_l("Système d'exploitation"), validators=[Optional()])
    erasure_uncertified = BooleanField(_l("Effacement sans certificat"))

    def __init__(self, *args, categories=(), sites=(), members=(), systems=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.ram_below.choices = choices(RAM_CHOICES)
        self.os.choices = choices([("", _l("Tous"))] + [(s, s) for s in systems])
        self.category_id.choices = choices([(0, _l("Toutes"))] + list(categories))
        self.status.choices = choices([("", _l("Tous (hors sortis)"))] + list(STATUS_LABELS.items()))
        self.site.choices = choices([(0, _l("Tous"))] + list(sites))
        self.member_id.choices = choices([(0, _l("Tous"))] + list(members))



class AssetForm(FlaskForm):
    """Add one asset by hand (a donation received, or a device missing from the inventory)."""

    member_id = SelectField(_l("Adhérent"), coerce=choice_id, validators=[Optional()])
    category_id = SelectField(_l("Catégorie"), coerce=choice_id,
                              validators=[DataRequired(_l("Choisissez la catégorie."))])
    designation = StringField(_l("Désignation (marque et modèle)"), filters=[strip_filter],
                              validators=[DataRequired(_l("Indiquez la désignation.")), Length(max=200)])
    serial_number = StringField(_l("Numéro de série"), filters=[strip_filter], validators=[Length(max=80)])
    origin = SelectField(_l("Origine"), choices=choices([("donation_received", _l("Don reçu")),
                                                        ("imported", _l("Import d'inventaire"))]))
    site = StringField(_l("Site"), filters=[strip_filter], validators=[Length(max=200)])
    assigned_to = StringField(_l("Attribué à (personne ou service)"), filters=[strip_filter],
                              validators=[Length(max=200)])
    acquisition_date = DateField(_l("Date d'acquisition"), validators=[Optional()])
    purchase_price_ht = FrenchDecimalField(_l("Prix d'achat HT (€)"), validators=[
        Optional(), NumberRange(min=Decimal("0"), max=Decimal("1000000"),
                                message=_l("Le prix doit être un montant positif ou nul."))])
    condition = SelectField(_l("État"), choices=choices(CONDITION_LABELS.items()))

    def validate_acquisition_date(self, field):
        if field.data and field.data > date.today():
            raise ValidationError(_l("La date d'acquisition ne peut pas être dans le futur."))
