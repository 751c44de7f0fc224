"""Inventory import forms: the upload, then the column mapping (one select per source header, built by the view
from the file's headers: ``column-<n>``, and one per value word: ``value-<column>-<n>``)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField
from wtforms.validators import Optional

from purchasing.forms import choice_id


class ImportForm(FlaskForm):
    file = FileField(_l("Fichier d'inventaire (.csv, .xlsx, .ods, inventaire GLPI .json, agent .xml ou .zip)"))
    member_id = SelectField(_l("Adhérent"), coerce=choice_id, validators=[Optional()])
    dry_run = BooleanField(_l("Vérifier seulement (aucune écriture)"), default=True)
    full = BooleanField(_l("Le fichier est l'inventaire complet : lister les équipements qu'il ne mentionne pas "
                           "(rien n'est supprimé)"))
    review = BooleanField(_l("Revoir l'association des colonnes avant l'import"), default=False)


class MappingForm(FlaskForm):
    """The confirmation of a mapping; the per-header and per-word selects are read by the view."""

    default_category = SelectField(_l("Catégorie des lignes sans catégorie"), validators=[Optional()])
    dry_run = BooleanField(_l("Vérifier seulement (aucune écriture)"), default=True)
    save = BooleanField(_l("Enregistrer cette association pour les prochains imports"), default=True)
