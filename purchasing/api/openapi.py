"""The OpenAPI 3.1 document, generated from the operations registered with ``api_route``.

Schemas come from the same pydantic models that validate requests and serialise responses, so the
document cannot drift from the implementation.
"""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, models_json_schema

from purchasing.api.framework import OPERATIONS, Operation, Problem, bp, page_of

REF = "#/components/schemas/{model}"


class _SchemaGenerator(GenerateJsonSchema):
    """Pydantic's generator, except for a dictionary whose keys carry a pattern: pydantic writes it as
    ``patternProperties``, which leaves the keys that do not match the pattern unconstrained (a client, or a
    fuzzer, may send them with any value and be refused). Written here as ``propertyNames`` holding every key
    constraint and ``additionalProperties`` holding the value's schema, which is what the model validates."""

    def dict_schema(self, schema):
        json_schema = super().dict_schema(schema)
        patterns = json_schema.pop("patternProperties", None)
        if patterns:
            (pattern, value), = patterns.items()
            json_schema["additionalProperties"] = value
            json_schema["propertyNames"] = {**json_schema.get("propertyNames", {}), "pattern": pattern}
        return json_schema

_STATUS_TEXT = {
    200: "OK", 201: "Créé", 204: "Sans contenu", 400: "Requête invalide (JSON mal formé)",
    401: "Jeton manquant, invalide ou révoqué", 403: "Rôle insuffisant", 404: "Introuvable",
    405: "Méthode non autorisée pour cette adresse (identifiant hors des bornes)",
    409: "Conflit avec l'état actuel", 413: "Fichier trop volumineux", 415: "Type de corps non pris en charge",
    422: "Données invalides",
    429: "Trop de tentatives",
}


def _media_schema(media: str) -> dict[str, Any]:
    """A file download's schema: a JSON file is an object (a client parses it), any other file a string."""
    if media == "application/json" or media.endswith("+json"):
        return {"type": "object"}
    return {"type": "string", "contentMediaType": media}


def _response_model(op: Operation) -> type[BaseModel] | None:
    if op.response is None:
        return None
    return page_of(op.response) if op.paginated else op.response


def _parameters(op: Operation, query_schemas: dict) -> list[dict[str, Any]]:
    params = []
    for name, converter in op.path_params.items():
        schema: dict[str, Any] = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1} if converter == "int" \
            else {"type": "string"}
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
    if op.query is not None:
        schema = query_schemas[op.query]
        required = set(schema.get("required", ()))
        for name, prop in schema.get("properties", {}).items():
            prop = dict(prop)
            description = prop.pop("description", None)
            prop.pop("title", None)
            if "anyOf" in prop:  # an optional parameter is omitted, never sent as null
                choices = [c for c in prop.pop("anyOf") if c.get("type") != "null"]
                prop = {**(choices[0] if len(choices) == 1 else {"anyOf": choices}), **prop}
                if prop.get("default", 0) is None:
                    prop.pop("default")
            param = {"name": name, "in": "query", "required": name in required, "schema": prop}
            if description:
                param["description"] = description
            params.append(param)
    return params


def _form_schema(op: Operation) -> dict[str, Any]:
    """A multipart body's schema: its text fields (inlined, without titles) and its binary file fields."""
    schema = op.form.model_json_schema(schema_generator=_SchemaGenerator)
    properties = {name: {k: v for k, v in prop.items() if k != "title"}
                  for name, prop in schema.get("properties", {}).items()}
    for name in op.files:
        properties[name] = {"type": "string", "contentMediaType": "application/octet-stream"}
    return {"type": "object", "properties": properties,
            "required": [*schema.get("required", []), *op.files]}


def build_document() -> dict[str, Any]:
    models: set[type[BaseModel]] = {Problem}
    for op in OPERATIONS:
        for model in (op.body, _response_model(op)):
            if model is not None:
                models.add(model)
    ordered = sorted(models, key=lambda m: m.__name__)
    # Requests are validated, responses serialised: one schema each ("validation" / "serialization").
    pairs = [(m, "serialization") for m in ordered]
    pairs += [(op.body, "validation") for op in OPERATIONS if op.body is not None]
    refs, top = models_json_schema(list(dict.fromkeys(pairs)), ref_template=REF,
                                   schema_generator=_SchemaGenerator)
    schemas = dict(top.get("$defs", {}))

    query_models = {op.query for op in OPERATIONS if op.query is not None}
    query_schemas = {m: m.model_json_schema(ref_template=REF, schema_generator=_SchemaGenerator)
                     for m in query_models}

    paths: dict[str, dict] = {}
    for op in OPERATIONS:
        entry: dict[str, Any] = {
            "operationId": op.endpoint.replace(".", "_"),
            "summary": op.summary,
            "tags": list(op.tags),
            "responses": {},
        }
        if op.description:
            entry["description"] = op.description
        if op.roles is not None:
            entry["x-roles"] = sorted(op.roles)
        entry["security"] = [] if op.public else [{"bearerAuth": []}]
        params = _parameters(op, query_schemas)
        if params:
            entry["parameters"] = params
        if op.body is not None:
            entry["requestBody"] = {"required": True, "content": {"application/json": {
                "schema": refs[(op.body, "validation")]}}}
        if op.form is not None:
            entry["requestBody"] = {"required": True, "content": {"multipart/form-data": {
                "schema": _form_schema(op), "encoding": {name: {"contentType": "application/octet-stream"}
                                                         for name in op.files}}}}
        model = _response_model(op)
        if op.media:
            success = {media: {"schema": _media_schema(media)} for media in op.media}
        elif model is not None:
            success = {"application/json": {"schema": refs[(model, "serialization")]}}
        else:
            success = {"application/json": {"schema": {"type": "object"}}}
        entry["responses"][str(op.status)] = {"description": _STATUS_TEXT.get(op.status, "OK"), "content": success}
        for status in op.error_statuses:
            entry["responses"][str(status)] = {
                "description": _STATUS_TEXT.get(status, "Erreur"),
                "content": {"application/problem+json": {"schema": refs[(Problem, "serialization")]}},
            }
        paths.setdefault(op.path, {})[op.method.lower()] = entry

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Parc commun API",
            "version": "1.0.0",
            "description": "API JSON de la centrale d'achat et du parc : mêmes rôles et même cloisonnement par "
                           "adhérent que l'application web. Authentification : `POST /api/v1/auth/token`, puis "
                           "l'en-tête `Authorization: Bearer <jeton>`. Erreurs au format RFC 9457 "
                           "(`application/problem+json`).\n\n"
                           "Agents d'inventaire (hors de ce document, protocole OCS/FusionInventory, non JSON) : "
                           "`POST /agent/<jeton>/`, le jeton d'enrôlement de l'adhérent créé sur la page "
                           "« Agents d'inventaire » (`/lifecycle/agents`). Corps : XML `REQUEST` compressé zlib "
                           "(`application/x-compress-zlib`), gzip ou en clair ; `QUERY` PROLOG (réponse `REPLY` "
                           "avec `RESPONSE` SEND et `PROLOG_FREQ`) puis INVENTORY (l'équipement est créé ou mis à "
                           "jour). 401 jeton inconnu ou révoqué, 429 trop de requêtes pour le jeton, 400/413 "
                           "message illisible, 409 inventaire refusé (numéro de série d'un autre adhérent) ; "
                           "l'en-tête `X-Error-Code` porte le code stable.",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
    }


__all__ = ["build_document", "bp"]
