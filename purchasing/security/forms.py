"""Filters of the security log page."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from purchasing.forms import choices, DateField, strip_filter
from purchasing.security.models import EventKind, Outcome

KIND_LABELS = {
    EventKind.LOGIN: _l("Connexion"),
    EventKind.LOGOUT: _l("Déconnexion"),
    EventKind.PASSWORD_CHANGE: _l("Changement de mot de passe"),
    EventKind.ROLE_CHANGE: _l("Changement de rôle"),
    EventKind.DEACTIVATION: _l("Désactivation du compte"),
    EventKind.REACTIVATION: _l("Réactivation du compte"),
    EventKind.USER_CREATION: _l("Création du compte"),
    EventKind.TOKEN_CREATION: _l("Création d'un jeton d'API"),
    EventKind.TOKEN_REVOCATION: _l("Révocation de jeton d'API"),
}

OUTCOME_LABELS = {
    Outcome.SUCCESS: _l("Réussi"),
    Outcome.FAILURE: _l("Échec"),
    Outcome.LOCKED: _l("Échec, attente imposée"),
    Outcome.REFUSED: _l("Refusé (trop de tentatives)"),
}

CHANNEL_LABELS = {"web": _l("Site"), "api": _l("API"), "cli": _l("Ligne de commande")}


class SecurityLogFilterForm(FlaskForm):
    class Meta:
        csrf = False

    kind = SelectField(_l("Type d'événement"), choices=choices([("", _l("Tous"))] + list(KIND_LABELS.items())),
                       validators=[Optional()])
    outcome = SelectField(_l("Résultat"), choices=choices([("", _l("Tous"))] + list(OUTCOME_LABELS.items())),
                          validators=[Optional()])
    who = StringField(_l("E-mail ou utilisateur"), filters=[strip_filter], validators=[Optional(), Length(max=254)],
                      description=_l("Une adresse e-mail complète retrouve aussi les tentatives sur une adresse "
                                     "sans compte."))
    since = DateField(_l("Du"), validators=[Optional()])
    until = DateField(_l("Au"), validators=[Optional()])
