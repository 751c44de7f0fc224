"""Physical audit forms: start an audit, scan tags."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from purchasing.forms import choice_id, strip_filter


class AuditStartForm(FlaskForm):
    member_id = SelectField(_l("Adhérent"), coerce=choice_id, validators=[Optional()])
    site = StringField(_l("Site inventorié"), filters=[strip_filter],
                       validators=[DataRequired(_l("Indiquez le site inventorié.")), Length(max=200)])


class ScanForm(FlaskForm):
    tags = TextAreaField(_l("Étiquette(s) scannée(s)"), filters=[strip_filter],
                         description=_l("Scannez une étiquette puis Entrée, ou collez une liste (une par ligne)."),
                         validators=[DataRequired(_l("Saisissez ou scannez au moins une étiquette."))])
