"""Every API route's access rule, for every role: no token 401, wrong role 403, another member's object 404.

The API's counterpart of tests/web/test_route_access.py (which leaves ``api.*`` endpoints to this file).
Add each new API endpoint to API_ROUTES: a test fails otherwise.
"""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from purchasing.accounts.models import Role

ALL = frozenset(r.value for r in Role)
STAFF = frozenset({Role.ADMIN, Role.PURCHASING_OFFICER, Role.SUSTAINABILITY_OFFICER})
MEMBER_ROLES = frozenset({Role.SECRETARY, Role.APPROVER})
OFFICERS = frozenset({Role.PURCHASING_OFFICER, Role.ADMIN})
MANAGE = frozenset({Role.SECRETARY, Role.PURCHASING_OFFICER, Role.ADMIN})


@dataclass(frozen=True)
class ApiRule:
    #: roles allowed; None: public (no token)
    roles: frozenset | None
    url: object
    methods: tuple = ("GET",)
    #: a valid JSON body for POST (for the role check, sent as-is)
    body: object = None
    #: for member-owned objects: the URL of another member's object (404 for member roles)
    other_member_url: object = None
    ok: tuple = (200,)
    #: the media type of a successful answer (a file for a job's result)
    media: str = "application/json"
    #: staff read every member's objects, except members' jobs (a job is its member's own work)
    staff_see: bool = True


API_ROUTES: dict[str, ApiRule] = {
    "api.openapi_document": ApiRule(None, lambda c: "/api/v1/openapi.json"),
    "api.issue_token": ApiRule(None, lambda c: "/api/v1/auth/token", methods=("POST",)),
    "api.me": ApiRule(ALL, lambda c: "/api/v1/me"),
    "api.list_members": ApiRule(ALL, lambda c: "/api/v1/members"),
    "api.get_member": ApiRule(ALL, lambda c: f"/api/v1/members/{c['member_a'].id}",
                              other_member_url=lambda c: f"/api/v1/members/{c['member_b'].id}"),
    "api.list_member_sites": ApiRule(ALL, lambda c: f"/api/v1/members/{c['member_a'].id}/sites",
                                     other_member_url=lambda c: f"/api/v1/members/{c['member_b'].id}/sites"),
    # catalogue: every role; not member-owned
    "api.list_products": ApiRule(ALL, lambda c: "/api/v1/products"),
    "api.get_product": ApiRule(ALL, lambda c: f"/api/v1/products/{c['offer'].product_id}"),
    # orders: member roles act, staff read; another member's order is a 404
    "api.create_order": ApiRule(MEMBER_ROLES, lambda c: "/api/v1/orders", methods=("POST",),
                                body=lambda c: {"lines": [{"offer_id": c["offer"].id, "quantity": 1}]}, ok=(201,)),
    "api.list_orders": ApiRule(ALL, lambda c: "/api/v1/orders"),
    "api.get_order": ApiRule(ALL, lambda c: f"/api/v1/orders/{c['order_a'].id}",
                             other_member_url=lambda c: f"/api/v1/orders/{c['order_b'].id}"),
    "api.submit_order": ApiRule(MEMBER_ROLES, lambda c: f"/api/v1/orders/{c['order_a'].id}/submit", methods=("POST",),
                                other_member_url=lambda c: f"/api/v1/orders/{c['order_b'].id}/submit",
                                ok=(200, 409)),
    # approve/reject: approvers only (a secretary gets 403 before any lookup: the 404 is tested in test_orders)
    "api.approve_order": ApiRule(frozenset({Role.APPROVER}), lambda c: f"/api/v1/orders/{c['order_a'].id}/approve",
                                 methods=("POST",), ok=(200, 409)),
    "api.reject_order": ApiRule(frozenset({Role.APPROVER}), lambda c: f"/api/v1/orders/{c['order_a'].id}/reject",
                                methods=("POST",), body={"reason": "Budget épuisé"}, ok=(200, 409)),
    "api.cancel_order": ApiRule(MEMBER_ROLES, lambda c: f"/api/v1/orders/{c['order_a'].id}/cancel", methods=("POST",),
                                body={"reason": "Plus utile"},
                                other_member_url=lambda c: f"/api/v1/orders/{c['order_b'].id}/cancel",
                                ok=(200, 409)),
    # purchase orders: purchasing officers and admin
    "api.create_purchase_order": ApiRule(OFFICERS, lambda c: "/api/v1/purchase-orders", methods=("POST",),
                                         body=lambda c: {"order_ids": [c["order_b"].id]}, ok=(201, 409)),
    "api.get_purchase_order": ApiRule(OFFICERS, lambda c: f"/api/v1/purchase-orders/{c['po'].id}"),
    "api.purchase_order_order_x": ApiRule(OFFICERS, lambda c: f"/api/v1/purchase-orders/{c['po'].id}/order-x",
                                          media="application/xml"),
    "api.purchase_order_pdf": ApiRule(OFFICERS, lambda c: f"/api/v1/purchase-orders/{c['po'].id}/pdf",
                                      media="application/pdf"),
    "api.send_purchase_order": ApiRule(OFFICERS, lambda c: f"/api/v1/purchase-orders/{c['po'].id}/send",
                                       methods=("POST",), ok=(200, 409)),
    "api.record_delivery": ApiRule(OFFICERS, lambda c: f"/api/v1/purchase-orders/{c['po'].id}/deliveries",
                                   methods=("POST",), ok=(201, 409),
                                   body=lambda c: {"lines": [{"order_line_id": c["order_b"].lines[0].id,
                                                              "quantity": 1}]}),
    # assets: every role reads (scoped); secretaries, purchasing officers and admin act (as on the web)
    "api.list_assets": ApiRule(ALL, lambda c: "/api/v1/assets"),
    "api.get_asset": ApiRule(ALL, lambda c: f"/api/v1/assets/{c['asset_a'].tag}",
                             other_member_url=lambda c: f"/api/v1/assets/{c['asset_b'].tag}"),
    "api.record_erasure": ApiRule(MANAGE, lambda c: f"/api/v1/assets/{c['asset_a'].tag}/erasure", methods=("POST",),
                                  body={"method": "nist_purge", "certificate_ref": "CERT-1",
                                        "performed_on": "2026-01-15"}, ok=(201, 409)),
    "api.offer_asset": ApiRule(MANAGE, lambda c: f"/api/v1/assets/{c['asset_a'].tag}/offer", methods=("POST",),
                               body={"condition": "good", "note": "Fonctionne"}, ok=(200, 409)),
    "api.list_pool": ApiRule(ALL, lambda c: "/api/v1/pool"),
    "api.claim": ApiRule(MANAGE, lambda c: f"/api/v1/pool/{c['asset_b'].tag}/claim", methods=("POST",),
                         body=lambda c: {"member_id": c["member_a"].id}, ok=(200, 409)),
    # the donor's answer to a claim: on its own asset only (another member's: 404); nothing reserved here: 409
    "api.confirm_claim": ApiRule(MANAGE, lambda c: f"/api/v1/pool/{c['asset_a'].tag}/confirm", methods=("POST",),
                                 other_member_url=lambda c: f"/api/v1/pool/{c['asset_b'].tag}/confirm",
                                 ok=(200, 404, 409)),
    "api.decline_claim": ApiRule(MANAGE, lambda c: f"/api/v1/pool/{c['asset_a'].tag}/decline", methods=("POST",),
                                 body={"reason": "Promis à l'école"},
                                 other_member_url=lambda c: f"/api/v1/pool/{c['asset_b'].tag}/decline",
                                 ok=(200, 404, 409)),
    # tenders: purchasing officers and admin (as on the web)
    "api.list_tenders": ApiRule(OFFICERS, lambda c: "/api/v1/tenders"),
    "api.get_tender": ApiRule(OFFICERS, lambda c: f"/api/v1/tenders/{c['tender'].id}"),
    # DECP file of a period: purchasing officers and admin
    "api.decp_file": ApiRule(OFFICERS, lambda c: "/api/v1/decp?from=2026-01-01&to=2026-12-31"),
    # notification preferences: everyone's own (a kind the role does not receive: 409)
    "api.get_notification_preferences": ApiRule(ALL, lambda c: "/api/v1/me/notification-preferences"),
    "api.put_notification_preferences": ApiRule(ALL, lambda c: "/api/v1/me/notification-preferences",
                                                methods=("PUT",), ok=(200, 409),
                                                body={"items": [{"kind": "approval_requested", "frequency": "digest"}]}),
    # sustainability report: every role; member users only their own member's (another member: 404)
    "api.sustainability_report": ApiRule(
        ALL, lambda c: f"/api/v1/reports/sustainability?scope=member&id={c['member_a'].id}&year=2026",
        other_member_url=lambda c: f"/api/v1/reports/sustainability?scope=member&id={c['member_b'].id}"),
    # documents: any role, then the owner's rules (role per owner kind, member scope, sealed bids), tested in
    # tests/api/test_documents.py; a JSON body is not multipart: 415 for every role here
    "api.upload_document": ApiRule(ALL, lambda c: "/api/v1/documents", methods=("POST",), ok=(415,)),
    "api.list_documents": ApiRule(
        ALL, lambda c: f"/api/v1/documents?owner_kind=asset&owner_id={c['asset_a'].id}",
        other_member_url=lambda c: f"/api/v1/documents?owner_kind=asset&owner_id={c['asset_b'].id}"),
    "api.document_content": ApiRule(ALL, lambda c: f"/api/v1/documents/{c['doc_a'].id}/content",
                                    other_member_url=lambda c: f"/api/v1/documents/{c['doc_b'].id}/content",
                                    media="application/pdf"),
    # jobs: a member's jobs to that member's users only, staff jobs to staff (job_a is member A's: 404 to staff,
    # checked both ways in tests/jobs/test_job_pages.py)
    "api.start_inventory_import": ApiRule(
        MANAGE, lambda c: "/api/v1/jobs/inventory-import", methods=("POST",), ok=(202, 409),
        body=lambda c: {"filename": "inventaire.csv", "member_id": c["member_a"].id,
                        "content_base64": "Y2F0ZWdvcnlfY29kZTtkZXNpZ25hdGlvbgpsYXB0b3A7UEMK"}),
    "api.start_report_export": ApiRule(ALL, lambda c: "/api/v1/jobs/report-export", methods=("POST",), ok=(202,),
                                       body=lambda c: {"scope": "member", "id": c["member_a"].id, "year": 2026}),
    "api.list_jobs": ApiRule(ALL, lambda c: "/api/v1/jobs"),
    # saved inventory mappings: those who import; another member's is a 404 (staff see every member's)
    "api.list_inventory_mappings": ApiRule(MANAGE, lambda c: "/api/v1/inventory-mappings"),
    "api.get_inventory_mapping": ApiRule(MANAGE, lambda c: f"/api/v1/inventory-mappings/{c['mapping_a'].id}",
                                         other_member_url=lambda c: f"/api/v1/inventory-mappings/"
                                                                    f"{c['mapping_b'].id}"),
    "api.update_inventory_mapping": ApiRule(
        MANAGE, lambda c: f"/api/v1/inventory-mappings/{c['mapping_a'].id}", methods=("PUT",),
        other_member_url=lambda c: f"/api/v1/inventory-mappings/{c['mapping_b'].id}",
        body={"columns": {"Remarque": "assigned_to"}}),
    # the last of the mapping's rules: once deleted, the next role's call finds nothing
    "api.delete_inventory_mapping": ApiRule(
        MANAGE, lambda c: f"/api/v1/inventory-mappings/{c['mapping_a'].id}", methods=("DELETE",), ok=(204, 404),
        other_member_url=lambda c: f"/api/v1/inventory-mappings/{c['mapping_b'].id}", media="text/html"),
    # grouped campaigns: every role of the campaign pages reads (officers, admin, member users); a member user
    # commits for their own member only (the path names no member: another member's commitment is out of reach,
    # tests/api/test_campaigns.py); officers close
    "api.list_campaigns": ApiRule(OFFICERS | MEMBER_ROLES, lambda c: "/api/v1/campaigns"),
    "api.get_campaign": ApiRule(OFFICERS | MEMBER_ROLES, lambda c: f"/api/v1/campaigns/{c['campaign'].id}"),
    "api.put_commitment": ApiRule(MEMBER_ROLES, lambda c: f"/api/v1/campaigns/{c['campaign'].id}/commitment",
                                  methods=("PUT",), body={"quantity": 2}),
    "api.close_campaign": ApiRule(OFFICERS, lambda c: f"/api/v1/campaigns/{c['campaign'].id}/close",
                                  methods=("POST",), ok=(200, 409)),
    **{f"api.{name}": ApiRule(ALL, (lambda p: lambda c: f"/api/v1/jobs/{c['job_a'].id}{p}")(path), ok=(200, 404),
                              other_member_url=(lambda p: lambda c: f"/api/v1/jobs/{c['job_b'].id}{p}")(path),
                              media=media, staff_see=False)
       for name, path, media in (("get_job", "", "application/json"), ("job_result", "/result", "text/html"))},
}


def _body(rule: ApiRule, ctx):
    return rule.body(ctx) if callable(rule.body) else rule.body


def _api_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")]


def test_every_api_route_has_an_access_rule(app):
    endpoints = {rule.endpoint for rule in _api_rules(app)}
    assert endpoints, "the API blueprint is not registered"
    missing = endpoints - set(API_ROUTES)
    assert not missing, f"add an access rule to tests/api/test_access.py for: {sorted(missing)}"
    stale = set(API_ROUTES) - endpoints
    assert not stale, f"rules for API routes that no longer exist: {sorted(stale)}"


def test_api_route_methods_match_the_rules(app):
    for rule in _api_rules(app):
        actual = set(rule.methods) - {"HEAD", "OPTIONS"}
        assert actual == set(API_ROUTES[rule.endpoint].methods), rule.endpoint


def test_api_rules_agree_with_the_declared_roles():
    """The table here and the roles given to ``api_route`` say the same thing."""
    from purchasing.api.framework import ALL_ROLES, OPERATIONS

    for op in OPERATIONS:
        rule = API_ROUTES[op.endpoint]
        if rule.roles is None:
            assert op.public, op.endpoint
        else:
            assert not op.public and (op.roles or ALL_ROLES) == rule.roles, op.endpoint


def _protected():
    return sorted((e, m) for e, r in API_ROUTES.items() if r.roles is not None for m in r.methods)


@pytest.mark.parametrize("endpoint,method", _protected())
@pytest.mark.parametrize("token", [None, "not-a-token", "x" * 500])
def test_no_or_bad_token_is_401(endpoint, method, token, api, world):
    actx = world
    rule = API_ROUTES[endpoint]
    response = api.client.open(rule.url(actx), method=method, json=_body(rule, actx),
                               headers=api.headers(token) if token else {})
    assert response.status_code == 401, (endpoint, method)
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("role", sorted(ALL))
def test_each_role_gets_its_endpoints_and_403_elsewhere(role, api, world):
    actx = world
    client = api.as_(actx["tokens"][role])
    checked = 0
    for endpoint, rule in API_ROUTES.items():
        if rule.roles is None:
            continue
        for method in rule.methods:
            response = client.client.open(rule.url(actx), method=method, json=_body(rule, actx),
                                          headers=client.headers())
            if role in rule.roles:
                assert response.status_code in rule.ok, (endpoint, role, response.get_json())
                assert response.mimetype == (rule.media if response.status_code < 400
                                             else "application/problem+json"), (endpoint, role)
            else:
                assert response.status_code == 403, (endpoint, role, response.status_code)
                assert response.mimetype == "application/problem+json"
            checked += 1
    assert checked >= 3


def test_a_role_outside_the_rule_gets_403(app, actx):
    """``roles=`` on api_route answers a 403 problem (no endpoint of the foundation is role-restricted yet,
    so a throw-away route on an unregistered blueprint is called directly)."""
    from flask import Blueprint

    from purchasing.api.framework import OPERATIONS, api_route

    before = len(OPERATIONS)

    @api_route("/admin-only", roles=[Role.ADMIN], blueprint=Blueprint("api_test", __name__))
    def admin_only():
        """Test only"""
        return {"ok": True}

    assert len(OPERATIONS) == before, "a test route must stay out of the document"
    for role, expected in ((Role.SECRETARY, 403), (Role.SUSTAINABILITY_OFFICER, 403), (Role.ADMIN, 200)):
        with app.test_request_context("/api/v1/admin-only",
                                      headers={"Authorization": f"Bearer {actx['tokens'][str(role)]}"}):
            try:
                response = app.make_response(admin_only())
            except Exception as error:  # abort(403): rendered by the app's error handler, as in a request
                response = app.make_response(app.handle_user_exception(error))
            assert response.status_code == expected, role
            if expected == 403:
                assert response.mimetype == "application/problem+json"
                assert response.get_json()["status"] == 403


@pytest.mark.parametrize("role", sorted(MEMBER_ROLES))
def test_member_users_get_404_for_another_members_objects(role, api, world):
    actx = world
    client = api.as_(actx["tokens"][role])
    checked = 0
    for endpoint, rule in API_ROUTES.items():
        if rule.other_member_url is None or role not in rule.roles:  # a role outside the rule: 403 (above)
            continue
        for method in rule.methods:
            response = client.client.open(rule.other_member_url(actx), method=method, json=_body(rule, actx),
                                          headers=client.headers())
            assert response.status_code == 404, (endpoint, role)
            assert response.mimetype == "application/problem+json"
            checked += 1
    assert checked >= 1


#: what identifies member B's object in each GET answer (not only a 200: the right object, B's)
_OTHER_MEMBERS_OBJECT = {
    "api.get_member": lambda r, c: (r.json["id"], r.json["name"]) == (c["member_b"].id, c["member_b"].name),
    # member B's address book (its town hall from conftest's make_member first, the default), nothing of A's
    "api.list_member_sites": lambda r, c: {s["member_id"] for s in r.json["items"]} == {c["member_b"].id}
    and r.json["items"][0]["name"] == "Mairie" and r.json["items"][0]["is_default"],
    "api.get_order": lambda r, c: (r.json["id"], r.json["member_id"], r.json["reference"])
    == (c["order_b"].id, c["member_b"].id, c["order_b"].reference),
    "api.get_asset": lambda r, c: r.json["tag"] == c["asset_b"].tag and r.json["member"]["id"] == c["member_b"].id,
    # member B owns one laptop (asset_b): its report, not the territory's nor member A's
    "api.sustainability_report": lambda r, c: r.json["fleet_count"] == 1
    and r.json["fleet_annual_kgco2e"]["central"] == 38.36,
    # member B's invoice on its asset: listed, and its bytes
    "api.list_documents": lambda r, c: [d["id"] for d in r.json["items"]] == [c["doc_b"].id],
    "api.document_content": lambda r, c: r.get_data() == b"%PDF-1.4\n%test\n",
    "api.get_inventory_mapping": lambda r, c: (r.json["id"], r.json["member_id"]) == (c["mapping_b"].id,
                                                                                    c["member_b"].id),
}


@pytest.mark.parametrize("role", sorted(STAFF))
def test_staff_see_every_members_objects(role, api, world):
    actx = world
    client = api.as_(actx["tokens"][role])
    checked = []
    for endpoint, rule in API_ROUTES.items():
        if rule.other_member_url is not None and rule.staff_see and role in rule.roles and "GET" in rule.methods:
            response = client.get(rule.other_member_url(actx))
            assert response.status_code == 200, endpoint
            assert _OTHER_MEMBERS_OBJECT[endpoint](response, actx), (endpoint, response.get_data()[:500])
            checked.append(endpoint)
    assert sorted(checked) == sorted(e for e in _OTHER_MEMBERS_OBJECT if role in API_ROUTES[e].roles)


def test_the_session_cookie_is_not_accepted(browser, actx):
    """Logged in on the web, without a token: the API still answers 401 (no CSRF through the API)."""
    browser.login("admin@s.test")
    assert browser.get("/").status_code == 200
    response = browser.get("/api/v1/me")
    assert response.status_code == 401
    assert browser.client.post("/api/v1/auth/token", json={"email": "admin@s.test", "password": "nope"}
                               ).status_code == 401
