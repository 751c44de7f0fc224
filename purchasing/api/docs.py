"""``GET /api/v1/openapi.json``: the OpenAPI 3.1 description, built once per process."""
from __future__ import annotations

from functools import lru_cache

from purchasing.api.framework import api_route


@lru_cache(maxsize=1)
def _document() -> dict:
    from purchasing.api.openapi import build_document

    return build_document()


@api_route("/openapi.json", public=True, tags=("meta",))
def openapi_document():
    """Description OpenAPI 3.1 de l'API"""
    return _document()
