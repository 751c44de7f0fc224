"""The syndicate's identity: read it, edit it. Services flush, never commit."""
from __future__ import annotations

from dataclasses import dataclass, fields

from purchasing.domain.errors import N_, DomainError
from purchasing.domain.identifiers import is_valid_siret, normalise_siren
from purchasing.extensions import db
from purchasing.syndicate.models import SyndicateIdentity


def current_identity() -> SyndicateIdentity:
    """The one identity row; created empty (flushed) when missing, so that readers never get None.

    An empty identity is not an error here: documents that need it (purchase orders, DECP) check
    ``identity.is_complete`` and say what is missing (``identity.missing_fields``).
    """
    identity = db.session.get(SyndicateIdentity, 1)
    if identity is None:
        identity = SyndicateIdentity(id=1)
        db.session.add(identity)
        db.session.flush()
    return identity


@dataclass
class IdentityData:
    name: str
    siret: str
    address: str
    postal_code: str
    city: str
    email: str = ""
    phone: str = ""
    signatory_name: str = ""
    signatory_title: str = ""


def update_identity(data: IdentityData) -> SyndicateIdentity:
    siret = normalise_siren(data.siret)
    if siret and not is_valid_siret(siret):
        raise DomainError(N_("Ce SIRET n'est pas valide : 14 chiffres avec une clé de contrôle."), code="invalid_siret")
    identity = current_identity()
    for f in fields(IdentityData):
        setattr(identity, f.name, (getattr(data, f.name) or "").strip())
    identity.siret = siret
    db.session.flush()
    return identity
