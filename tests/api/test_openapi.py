"""The OpenAPI document matches the application's /api/v1 routes, both ways, and is valid OpenAPI 3.1."""
from __future__ import annotations

import re

from openapi_spec_validator import validate

PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


def _document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def _app_operations(app) -> set[tuple[str, str]]:
    ops = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = PARAM.sub(r"{\1}", rule.rule)
        ops.update((path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"})
    return ops


def _doc_operations(doc) -> set[tuple[str, str]]:
    methods = {"get", "post", "put", "patch", "delete"}
    return {(path, m) for path, item in doc["paths"].items() for m in item if m in methods}


def test_every_route_is_documented_and_every_documented_operation_exists(app, client):
    doc = _document(client)
    in_app, in_doc = _app_operations(app), _doc_operations(doc)
    assert in_app, "no /api/v1 route"
    assert in_app - in_doc == set(), "routes missing from the document"
    assert in_doc - in_app == set(), "documented operations without a route"


def test_the_document_is_valid_openapi_3_1(client):
    doc = _document(client)
    assert doc["openapi"].startswith("3.1")
    validate(doc)  # openapi-spec-validator picks the 3.1 validator from the "openapi" field


def test_the_validator_catches_an_invalid_document(client):
    import pytest

    doc = _document(client)
    doc["paths"]["/api/v1/me"]["get"]["responses"] = "nope"
    with pytest.raises(Exception):
        validate(doc)


def test_operations_document_their_security_parameters_and_errors(client):
    doc = _document(client)
    assert doc["components"]["securitySchemes"]["bearerAuth"] == {"type": "http", "scheme": "bearer"}
    for path, item in doc["paths"].items():
        for method, op in item.items():
            responses = op["responses"]
            if op["security"]:
                assert "401" in responses, (path, method)
            for name in re.findall(r"{(\w+)}", path):
                assert any(p["in"] == "path" and p["name"] == name for p in op["parameters"]), (path, name)
                assert "404" in responses
            for status, response in responses.items():
                media = "application/problem+json" if int(status) >= 400 else "application/json"
                if path.endswith("/content") and int(status) < 400:  # a file download: the accepted file types
                    assert "application/pdf" in response["content"] and "application/json" not in response["content"]
                    continue
                if path.startswith("/api/v1/purchase-orders/{po_id}/") and status == "200" and method == "get":
                    # the purchase order's PDF or Order-X XML: one file type each
                    expected = {"pdf": "application/pdf", "order-x": "application/xml"}[path.rsplit("/", 1)[1]]
                    assert response["content"] == {expected: {"schema": {"type": "string",
                                                                         "contentMediaType": expected}}}, path
                    continue
                if path == "/api/v1/jobs/{job_id}/result" and status == "200":  # the job's file
                    assert all(c["schema"] == {"type": "string", "contentMediaType": c_type}
                               for c_type, c in response["content"].items()), path
                    continue
                assert list(response["content"]) == [media], (path, method, status)
    members = doc["paths"]["/api/v1/members"]["get"]
    names = {p["name"] for p in members["parameters"]}
    assert {"page", "per_page", "q", "kind"} <= names
    per_page = next(p for p in members["parameters"] if p["name"] == "per_page")
    assert per_page["schema"]["maximum"] == 100
    assert doc["paths"]["/api/v1/auth/token"]["post"]["security"] == []


def test_documented_response_schemas_match_real_responses(app, client, actx):
    """A response of each GET validates against its documented schema (the fuzzer does the rest in CI)."""
    import jsonschema

    doc = _document(client)
    token = actx["tokens"]["admin"]
    urls = {"/api/v1/me": "/api/v1/me", "/api/v1/members": "/api/v1/members",
            "/api/v1/members/{member_id}": f"/api/v1/members/{actx['member_a'].id}",
            # a JSON file download (media="application/json"): its schema was a string, the answer an object
            "/api/v1/decp": "/api/v1/decp"}
    for path, url in urls.items():
        schema = doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        response = client.get(url, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, (url, response.status_code)
        body = response.get_json()
        resolver_doc = {**schema, "components": doc["components"]}
        jsonschema.validate(body, resolver_doc, cls=jsonschema.Draft202012Validator)


def _walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def test_dictionary_keys_are_constrained_for_every_key_not_only_those_matching_a_pattern(client):
    """A dict whose keys carry a pattern was written as ``patternProperties``: keys outside the pattern were then
    free in the document, so a body the document allowed (Schemathesis' ST202, in CI: a column title holding a
    NUL byte mapped to ``{}``) was refused by the app. The keys' constraints go in ``propertyNames``."""
    import jsonschema

    doc = _document(client)
    assert not [n for n in _walk(doc["components"]["schemas"]) if "patternProperties" in n]
    schema = doc["components"]["schemas"]["MappingIn"]
    validator = jsonschema.Draft202012Validator(schema)
    fuzzed = {"columns": {"9\x000": {}}}
    assert not validator.is_valid(fuzzed)
    assert not validator.is_valid({"columns": {"9\x000": "serial_number"}})
    assert not validator.is_valid({"columns": {"": "serial_number"}})
    assert validator.is_valid({"columns": {"Numéro de série": "serial_number"}, "values": {"status": {"hs": ""}}})
