"""``/api/v1/inventory-mappings``: a member's saved column mappings of inventory imports (one per source kind and
set of headers; the import reuses it on the next file with the same headers). Listed, read, changed and deleted
within the member (another member's mapping is a 404; staff see every member's)."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from flask_login import current_user
from pydantic import Field, StringConstraints

from lifecycle.imports import mapping as mappings
from lifecycle.imports.models import ImportMapping
from lifecycle.imports.sources import KINDS
from purchasing.accounts.models import Role
from purchasing.api.framework import PageQuery, Text, api_route
from purchasing.api.schemas import Input, Output
from purchasing.extensions import db
from purchasing.scoping import get_scoped_or_404, scoped_select

MANAGE = (Role.SECRETARY, Role.PURCHASING_OFFICER, Role.ADMIN)
SourceKind = Literal["spreadsheet", "glpi_csv", "snipeit_csv", "glpi_json", "agent_xml"]
Header = Annotated[Text, StringConstraints(min_length=1, max_length=200)]
Target = Annotated[Text, StringConstraints(max_length=40)]
Word = Annotated[Text, StringConstraints(max_length=200)]
ValueColumn = Literal["category_code", "status", "condition"]


class MappingOut(Output):
    id: int
    member_id: int
    kind: str = Field(description="Sorte de fichier : " + ", ".join(f"{k} ({v})" for k, v in KINDS.items()))
    headers: list[str] = Field(description="Les titres de colonnes du fichier d'où l'association vient")
    columns: dict[str, str] = Field(description="Titre de colonne → colonne de l'inventaire (vide : ignorée)")
    values: dict[str, dict[str, str]] = Field(
        validation_alias="value_map",
        description="Par colonne à mots (category_code, status, condition) : mot normalisé → valeur du produit")
    default_category: str = Field(description="Catégorie des lignes sans catégorie (vide : aucune)")
    updated_dt: datetime


class MappingsQuery(PageQuery):
    kind: SourceKind | None = Field(None, description="Filtrer par sorte de fichier")


class MappingIn(Input):
    columns: dict[Header, Target] | None = Field(
        None, max_length=500, description="Titre de colonne → colonne de l'inventaire (" +
        ", ".join(mappings.TARGETS) + ") ou vide pour l'ignorer ; chaque titre doit être un de `headers`")
    values: dict[ValueColumn, dict[Word, Target]] | None = Field(
        None, description="Par colonne à mots : mot → valeur (catégorie : un code de catégorie ; statut : "
                          "in_service, in_stock ; état : new, good, fair, poor)")
    default_category: Target | None = Field(None, description="Code de catégorie des lignes sans catégorie")


def _mapping_or_404(mapping_id: int) -> ImportMapping:
    return get_scoped_or_404(ImportMapping, mapping_id)


@api_route("/inventory-mappings", query=MappingsQuery, response=MappingOut, paginated=True, roles=MANAGE,
           tags=("lifecycle",))
def list_inventory_mappings(query: MappingsQuery):
    """Associations de colonnes enregistrées (imports d'inventaire), les plus récentes d'abord"""
    stmt = scoped_select(ImportMapping).order_by(ImportMapping.updated_dt.desc(), ImportMapping.id.desc())
    if query.kind:
        stmt = stmt.where(ImportMapping.kind == query.kind)
    return stmt


@api_route("/inventory-mappings/<int:mapping_id>", response=MappingOut, roles=MANAGE, tags=("lifecycle",))
def get_inventory_mapping(mapping_id: int):
    """Une association de colonnes enregistrée (404 pour celle d'un autre adhérent)"""
    return _mapping_or_404(mapping_id)


@api_route("/inventory-mappings/<int:mapping_id>", methods=["PUT"], body=MappingIn, response=MappingOut,
           roles=MANAGE, errors=(409,), tags=("lifecycle",))
def update_inventory_mapping(mapping_id: int, body: MappingIn):
    """Modifier une association de colonnes enregistrée

    Les champs absents restent inchangés. Refusé (409) : un titre qui n'est pas dans `headers`
    (`unknown_header`), une colonne de destination inconnue (`unknown_target`), deux titres vers la même colonne
    (`duplicate_target`), une valeur de statut ou d'état inconnue (`unknown_value`).
    """
    record = _mapping_or_404(mapping_id)
    mappings.update_saved(record, columns=body.columns, values=body.values, default_category=body.default_category)
    db.session.commit()
    return record


@api_route("/inventory-mappings/<int:mapping_id>", methods=["DELETE"], status=204, roles=MANAGE,
           tags=("lifecycle",))
def delete_inventory_mapping(mapping_id: int):
    """Supprimer une association de colonnes enregistrée (le prochain import la proposera de nouveau)"""
    db.session.delete(_mapping_or_404(mapping_id))
    db.session.commit()
    return None
