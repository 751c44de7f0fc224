"""Bad input is a 4xx problem naming what is wrong, never a 500: JSON, types, bounds, pagination."""
from __future__ import annotations

import pytest

from purchasing.accounts.models import Role

TOKEN_URL = "/api/v1/auth/token"


def _problem(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


@pytest.mark.parametrize("raw", [b"{", b"not json", b'{"email": "a@b.c", "password": }', b"", b"\xff\xfe"])
def test_malformed_json_is_400(api, raw):
    _problem(api.client.post(TOKEN_URL, data=raw, content_type="application/json"), 400)


def test_a_body_that_is_not_json_is_415(api):
    _problem(api.client.post(TOKEN_URL, data={"email": "a@b.c", "password": "x"}), 415)
    _problem(api.client.post(TOKEN_URL, data='{"email": "a"}', content_type="text/plain"), 415)


@pytest.mark.parametrize("body,fields", [
    ({}, {"email", "password"}),
    ({"email": "a@b.c"}, {"password"}),
    ({"email": 12, "password": "x"}, {"email"}),
    ({"email": ["a"], "password": {"x": 1}}, {"email", "password"}),
    ({"email": "a@b.c", "password": "x", "admin": True}, {"admin"}),
    ({"email": "", "password": "x"}, {"email"}),
    ({"email": "a" * 255, "password": "x"}, {"email"}),
    ({"email": "a@b.c", "password": "x" * 2000}, {"password"}),
    ({"email": "a\u0000b@c.d", "password": "x"}, {"email"}),
    ({"email": 10**400, "password": 1e308}, {"email", "password"}),
])
def test_invalid_bodies_are_422_naming_the_fields(api, body, fields):
    problem = _problem(api.post(TOKEN_URL, json=body), 422)
    named = {error["field"] for error in problem["errors"]}
    assert named == fields
    assert all(error["message"] and error["in"] == "body" for error in problem["errors"])
    for field in fields:
        assert field in problem["detail"]


@pytest.mark.parametrize("body", [[], "text", 12, None, [{"email": "a"}]])
def test_a_body_that_is_not_an_object_is_422(api, body):
    import json

    response = api.client.post(TOKEN_URL, data=json.dumps(body), content_type="application/json")
    _problem(response, 422)


def test_messages_are_french(api):
    problem = _problem(api.post(TOKEN_URL, json={"email": "a@b.c", "password": "x", "extra": 1}), 422)
    assert problem["errors"][0]["message"] == "Champ inconnu."
    assert problem["title"] == "Données invalides"


@pytest.fixture
def staff_api(api, make_user, token_for):
    return api.as_(token_for(make_user(role=Role.PURCHASING_OFFICER)))


@pytest.mark.parametrize("query,field", [
    ("page=0", "page"), ("page=-3", "page"), ("page=abc", "page"), ("page=1.5", "page"),
    ("page=99999999999999999999999999", "page"), ("per_page=0", "per_page"), ("per_page=101", "per_page"),
    ("per_page=10000000000000000000000", "per_page"), ("per_page=", "per_page"), ("kind=planet", "kind"),
    ("q=" + "x" * 201, "q"), ("q=a%00b", "q"),
])
def test_bad_query_parameters_are_422(staff_api, query, field):
    problem = _problem(staff_api.get(f"/api/v1/members?{query}"), 422)
    assert [e["field"] for e in problem["errors"]] == [field]
    assert problem["errors"][0]["in"] == "query"


@pytest.mark.parametrize("path", ["/api/v1/members/0", "/api/v1/members/2147483648",
                                  "/api/v1/members/99999999999999999999999999999", "/api/v1/members/-1",
                                  "/api/v1/members/abc", "/api/v1/nothing-here"])
def test_unknown_or_out_of_range_ids_are_404(staff_api, path):
    _problem(staff_api.get(path), 404)


def test_wrong_method_is_405_with_allow(staff_api):
    response = staff_api.client.delete("/api/v1/me", headers=staff_api.headers())
    _problem(response, 405)
    assert "GET" in response.headers["Allow"]
    assert staff_api.client.options("/api/v1/me").status_code == 405


def test_unknown_query_parameters_are_ignored(staff_api, make_member):
    names = {make_member(name=f"Commune {n}").name for n in ("Aval", "Bourg", "Combe")}
    plain = staff_api.get("/api/v1/members")
    response = staff_api.get("/api/v1/members?foo=bar&q_=Aval&kind_=epci")
    assert response.status_code == 200
    # the same, unfiltered list: an unknown parameter neither filters nor empties it
    assert response.get_json() == plain.get_json()
    assert names <= {member["name"] for member in response.get_json()["items"]}
    # known parameters next to unknown ones still apply
    filtered = staff_api.get("/api/v1/members?foo=bar&q=Bourg").get_json()["items"]
    assert [member["name"] for member in filtered] == ["Commune Bourg"]


def test_a_query_parameter_given_twice_is_422(staff_api):
    problem = _problem(staff_api.get("/api/v1/members?page=1&page=2&q=a"), 422)
    assert [e["field"] for e in problem["errors"]] == ["page"]


def test_a_domain_error_in_an_api_view_is_a_problem_with_its_code_and_nothing_is_written(app, actx):
    """Services raise DomainError (409 conflict…): the API answers a problem with the stable ``code``."""
    from flask import Blueprint
    from sqlalchemy import select

    from purchasing.api.framework import api_route
    from purchasing.domain.errors import ConflictError
    from purchasing.extensions import db
    from purchasing.members.models import Member

    @api_route("/conflict", methods=["POST"], errors=(409,), blueprint=Blueprint("api_test_conflict", __name__))
    def conflict():
        """Test only"""
        actx["member_a"].name = "Renamed"
        db.session.flush()
        raise ConflictError("La réserve est déjà prise.", details={"tag": "A-1"})

    with app.test_request_context("/api/v1/conflict", method="POST",
                                  headers={"Authorization": f"Bearer {actx['tokens']['secretary']}"}):
        response = app.make_response(conflict())  # answered by api_route itself (framework.business_problem)
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["code"] == "conflict" and body["details"] == {"tag": "A-1"}
    assert body["detail"] == "La réserve est déjà prise."
    assert db.session.scalar(select(Member.name).where(Member.id == actx["member_a"].id)) == "Commune Alpha"


def test_a_rule_refusing_well_formed_input_is_409_not_422(app, actx):
    """In the API, 422 only means "the request breaks the document"; a service's 422 DomainError is a 409."""
    from flask import Blueprint

    from purchasing.api.framework import api_route
    from purchasing.domain.errors import InvalidQuantity

    @api_route("/refused", methods=["POST"], errors=(409,), blueprint=Blueprint("api_test_refused", __name__))
    def refused():
        """Test only"""
        raise InvalidQuantity(code="over_delivery")

    with app.test_request_context("/api/v1/refused", method="POST",
                                  headers={"Authorization": f"Bearer {actx['tokens']['secretary']}"}):
        response = app.make_response(refused())
    assert response.status_code == 409 and response.get_json()["code"] == "over_delivery"


def test_string_path_parameters_with_nul_or_too_long_are_404(app, actx):
    from flask import Blueprint
    from werkzeug.exceptions import NotFound

    from purchasing.api.framework import api_route

    @api_route("/things/<tag>", blueprint=Blueprint("api_test_things", __name__))
    def thing(tag):
        """Test only"""
        return {"tag": tag}

    headers = {"Authorization": f"Bearer {actx['tokens']['admin']}"}
    for bad in ("a\x00b", "x" * 201):
        with app.test_request_context("/api/v1/things/x", headers=headers):
            with pytest.raises(NotFound):
                thing(tag=bad)
    with app.test_request_context("/api/v1/things/PC-1", headers=headers):
        assert thing(tag="PC-1")[0].get_json() == {"tag": "PC-1"}
