"""``/api/v1/me/notification-preferences``: how the caller receives each kind of e-mail (as on "Mon compte")."""
from __future__ import annotations

from typing import Literal

from flask_login import current_user
from pydantic import BaseModel, Field

from purchasing.api.framework import api_route
from purchasing.api.schemas import Input
from purchasing.domain.errors import N_, ConflictError
from purchasing.extensions import db
from purchasing.mail.preferences import KIND_BY_CODE, KINDS, Frequency, kinds_for, preferences_of, set_preferences

KindCode = Literal[tuple(k.code for k in KINDS)]  # type: ignore[valid-type]
FrequencyName = Literal[tuple(f.value for f in Frequency)]  # type: ignore[valid-type]


class PreferenceOut(BaseModel):
    kind: str = Field(description="Sorte de message")
    label: str = Field(description="Libellé (en français)")
    frequency: FrequencyName = Field(description="immediate : à chaque événement ; digest : dans le résumé "
                                                 "quotidien ; off : jamais")
    default: FrequencyName = Field(description="Le choix par défaut de cette sorte de message")


class PreferencesOut(BaseModel):
    items: list[PreferenceOut] = Field(description="Les sortes de messages que le rôle de l'appelant peut recevoir")


class PreferenceIn(Input):
    kind: KindCode
    frequency: FrequencyName


class PreferencesIn(Input):
    items: list[PreferenceIn] = Field(min_length=1, max_length=len(KINDS),
                                      description="Les choix à modifier ; les autres restent inchangés")


def _answer() -> PreferencesOut:
    current = preferences_of(current_user)
    return PreferencesOut(items=[
        PreferenceOut(kind=code, label=str(KIND_BY_CODE[code].label), frequency=frequency.value,
                      default=KIND_BY_CODE[code].default.value) for code, frequency in current.items()])


@api_route("/me/notification-preferences", response=PreferencesOut, tags=("accounts",))
def get_notification_preferences():
    """Mes notifications par e-mail

    Pour chaque sorte de message que mon rôle peut recevoir : immédiatement, dans le résumé quotidien, ou
    jamais. Les messages de compte (invitation, mot de passe) sont toujours envoyés.
    """
    return _answer()


@api_route("/me/notification-preferences", methods=["PUT"], body=PreferencesIn, response=PreferencesOut,
           errors=(409,), tags=("accounts",))
def put_notification_preferences(body: PreferencesIn):
    """Modifier mes notifications par e-mail

    Une sorte de message que mon rôle ne reçoit pas est refusée (409, `kind_not_for_role`).
    """
    allowed = {k.code for k in kinds_for(current_user)}
    refused = sorted({item.kind for item in body.items} - allowed)
    if refused:
        raise ConflictError(N_("Votre rôle ne reçoit pas ces messages : %(kinds)s."),
                            params={"kinds": ", ".join(refused)},
                            code="kind_not_for_role", details={"kinds": refused})
    set_preferences(current_user, {item.kind: item.frequency for item in body.items})
    db.session.commit()
    return _answer()
