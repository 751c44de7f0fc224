"""Agent enrolment token form."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from purchasing.forms import choice_id


class AgentTokenForm(FlaskForm):
    name = StringField(_l("Nom (ex. « Parc de la mairie »)"), validators=[Optional(), Length(max=100)])
    member_id = SelectField(_l("Adhérent"), coerce=choice_id, validators=[Optional()])
