"""The notification preferences form (one choice per kind the user can receive) and the outbox filter."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import Optional

from purchasing.forms import choices
from purchasing.mail.models import MessageStatus
from purchasing.mail.preferences import FREQUENCY_LABELS, Frequency, kinds_for, preferences_of

STATUS_LABELS = {MessageStatus.PENDING: _l("En attente d'envoi"), MessageStatus.SENDING: _l("En cours d'envoi"),
                 MessageStatus.SENT: _l("Envoyé"), MessageStatus.FAILED: _l("Échec"),
                 MessageStatus.DIGEST: _l("Pour le résumé quotidien"), MessageStatus.DIGESTED: _l("Dans un résumé")}


class _PreferencesBase(FlaskForm):
    pass


def preferences_form(user, formdata=None):
    """A form with one select per kind the user can receive, filled with the current choices."""
    fields = {kind.code: SelectField(kind.label, choices=choices((f.value, FREQUENCY_LABELS[f]) for f in Frequency),
                                     validators=[Optional()])
              for kind in kinds_for(user)}
    form_class = type("PreferencesForm", (_PreferencesBase,), fields)
    current = {code: frequency.value for code, frequency in preferences_of(user).items()}
    if formdata is None:
        return form_class(formdata=None, data=current, prefix="pref")
    return form_class(formdata=formdata, prefix="pref")


def chosen_frequencies(form, user) -> dict[str, str]:
    return {kind.code: getattr(form, kind.code).data for kind in kinds_for(user) if getattr(form, kind.code).data}


class OutboxFilterForm(FlaskForm):
    class Meta:
        csrf = False

    status = SelectField(_l("Statut"), choices=choices([("", _l("Tous"))] + list(STATUS_LABELS.items())),
                         validators=[Optional()])
