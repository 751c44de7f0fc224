"""Inventory import form."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField
from wtforms.validators import Optional

from purchasing.forms import choice_id


class ImportForm(FlaskForm):
    file = FileField(_l("Fichier d'inventaire (.csv, .xlsx ou .ods)"))
    member_id = SelectField(_l("Adhérent"), coerce=choice_id, validators=[Optional()])
    dry_run = BooleanField(_l("Vérifier seulement (aucune écriture)"), default=True)
    full = BooleanField(_l("Le fichier est l'inventaire complet : lister les équipements qu'il ne mentionne pas "
                           "(rien n'est supprimé)"))
