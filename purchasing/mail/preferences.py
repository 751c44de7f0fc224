"""Notification kinds and each user's choice per kind: immediately, in the daily digest, or not at all."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from purchasing.accounts.models import Role
from purchasing.extensions import db
from purchasing.mail.models import NotificationPreference


class Frequency(StrEnum):
    IMMEDIATE = "immediate"
    DIGEST = "digest"
    OFF = "off"


FREQUENCY_LABELS = {Frequency.IMMEDIATE: _l("Immédiatement"), Frequency.DIGEST: _l("Dans le résumé quotidien"),
                    Frequency.OFF: _l("Jamais")}


@dataclass(frozen=True)
class Kind:
    code: str
    label: object  # a lazy string
    default: Frequency
    #: roles that can receive it (the form shows only these)
    roles: frozenset[str]


_MEMBER = frozenset({Role.SECRETARY, Role.APPROVER})
_OFFICERS = frozenset({Role.PURCHASING_OFFICER, Role.ADMIN})
_ALL = frozenset(r.value for r in Role)

#: the kinds a user chooses for; account messages (invitation, reset) and supplier mail are always sent
KINDS: tuple[Kind, ...] = (
    Kind("approval_requested", _l("Commande à approuver"), Frequency.IMMEDIATE, frozenset({Role.APPROVER})),
    Kind("order_decided", _l("Commande approuvée ou refusée"), Frequency.IMMEDIATE, _MEMBER),
    Kind("delivery_recorded", _l("Livraison enregistrée"), Frequency.IMMEDIATE, _MEMBER),
    Kind("pool", _l("Bourse de réemploi : équipement attribué"), Frequency.IMMEDIATE, _MEMBER | _OFFICERS),
    Kind("contract_alert", _l("Contrat consommé à 80 % ou échéance dans 90 jours"), Frequency.IMMEDIATE, _OFFICERS),
    Kind("campaign", _l("Achat groupé ouvert ou clôturé dans 3 jours"), Frequency.DIGEST, _MEMBER),
    Kind("warranty", _l("Fin de garantie dans 60 jours"), Frequency.DIGEST, _MEMBER),
    Kind("purchase_order_failed", _l("Bon de commande non remis au fournisseur"), Frequency.IMMEDIATE, _OFFICERS),
)
KIND_BY_CODE = {k.code: k for k in KINDS}


def kinds_for(user) -> list[Kind]:
    return [k for k in KINDS if user.role in k.roles]


def preferences_of(user) -> dict[str, Frequency]:
    """Every kind the user may receive with the chosen frequency (the default where none is chosen)."""
    chosen = {kind: freq for kind, freq in db.session.execute(
        select(NotificationPreference.kind, NotificationPreference.frequency)
        .where(NotificationPreference.user_id == user.id))}
    return {k.code: Frequency(chosen.get(k.code, k.default)) for k in kinds_for(user)}


def frequency_for(user, kind: str) -> Frequency:
    known = KIND_BY_CODE.get(kind)
    if known is None:
        return Frequency.IMMEDIATE  # account and operational messages: always sent
    row = db.session.scalars(select(NotificationPreference.frequency).where(
        NotificationPreference.user_id == user.id, NotificationPreference.kind == kind)).first()
    return Frequency(row) if row else known.default


def set_preferences(user, choices: dict[str, str]) -> dict[str, Frequency]:
    """Record the user's choices (kinds the user cannot receive are ignored). Flushes."""
    allowed = {k.code for k in kinds_for(user)}
    rows = {p.kind: p for p in db.session.scalars(select(NotificationPreference)
                                                  .where(NotificationPreference.user_id == user.id))}
    for kind, frequency in choices.items():
        if kind not in allowed:
            continue
        frequency = Frequency(frequency)
        if kind in rows:
            rows[kind].frequency = frequency
        else:
            db.session.add(NotificationPreference(user_id=user.id, kind=kind, frequency=frequency))
    db.session.flush()
    return preferences_of(user)
