"""Request and response models of the API (pydantic v2): they validate input, shape output and
give the OpenAPI document its JSON Schemas. Amounts are decimal strings ("1234.50"), never floats.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from purchasing.api.framework import PageQuery, Text
from purchasing.members.models import MemberKind


class Input(BaseModel):
    """Base of request bodies: unknown fields are refused (422), types are strict."""

    model_config = ConfigDict(extra="forbid", strict=True)


class Output(BaseModel):
    """Base of responses: read from ORM objects by attribute."""

    model_config = ConfigDict(from_attributes=True)


# --- authentication ------------------------------------------------------------------------------

class TokenRequest(Input):
    email: Text = Field(min_length=1, max_length=254, description="Adresse e-mail du compte")
    password: Text = Field(min_length=1, max_length=1024, description="Mot de passe du compte")
    name: Text = Field("", max_length=100, description="Libellé du jeton, pour le reconnaître dans « Mon compte »")


class TokenOut(Output):
    token: str = Field(description="Le jeton, affiché une seule fois : à envoyer dans `Authorization: Bearer …`")
    id: int
    name: str


# --- me and members ------------------------------------------------------------------------------

class MeMember(Output):
    id: int
    name: str
    tier: str | None = Field(description="Tranche de population de la grille tarifaire de l'adhérent, "
                                         "ou null si aucune grille ne s'applique")


class MeOut(Output):
    email: str
    full_name: str
    role: str
    member: MeMember | None


MemberKindName = Literal[tuple(k.value for k in MemberKind)]  # type: ignore[valid-type]


class MemberOut(Output):
    id: int
    kind: MemberKindName
    name: str
    insee_code: str | None
    siren: str
    population: int
    epci_id: int | None
    approval_threshold_ht: Decimal = Field(description="Seuil d'approbation HT, en euros (chaîne décimale)")
    is_active: bool
    joined_on: date


class MembersQuery(PageQuery):
    q: Text = Field("", max_length=200, description="Recherche : nom, code INSEE ou SIREN")
    kind: MemberKindName | None = Field(None, description="Type d'adhérent")
