"""Every route's access rule, tested for every role, with member isolation.

Each route of the application must appear in ROUTES (a test fails otherwise), saying who may open it
and, for member-owned objects, how to build the URL of *another* member's object: a member user must
get 404 there. Add your routes here when you add them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from purchasing.accounts.models import Role

ALL = frozenset(r.value for r in Role)
STAFF = frozenset({Role.ADMIN, Role.PURCHASING_OFFICER, Role.SUSTAINABILITY_OFFICER})
MEMBER_ROLES = frozenset({Role.SECRETARY, Role.APPROVER})
ADMIN = frozenset({Role.ADMIN})


@dataclass(frozen=True)
class Rule:
    #: roles allowed; None: public (no login)
    roles: frozenset | None
    #: how to build a URL: a function of the fixtures' objects (own member's object where relevant)
    url: object
    methods: tuple = ("GET",)
    #: for member-owned objects: the URL of another member's object (expect 404 for member roles)
    other_member_url: object = None
    #: statuses accepted for an allowed GET (redirects are fine for "go to" routes)
    ok: tuple = (200,)
    notes: str = field(default="", compare=False)


def _user_id(ctx):
    return ctx["secretary"].id


ROUTES: dict[str, Rule] = {
    "static": Rule(None, lambda c: "/static/css/app.css"),
    "main.home": Rule(ALL, lambda c: "/"),
    "main.health": Rule(None, lambda c: "/healthz"),
    "accounts.login": Rule(None, lambda c: "/login", methods=("GET", "POST")),
    "accounts.logout": Rule(None, lambda c: "/logout", methods=("POST",)),
    "accounts.set_language": Rule(None, lambda c: "/language", methods=("POST",)),
    "accounts.account": Rule(ALL, lambda c: "/account", methods=("GET", "POST")),
    "accounts.revoke_token": Rule(ALL, lambda c: f"/account/tokens/{c['token'].id}/revoke", methods=("POST",),
                                  notes="another user's token: 404 (only its owner may revoke it here)"),
    "accounts.revoke_user_token": Rule(ADMIN, lambda c: f"/admin/users/{_user_id(c)}/tokens/{c['token'].id}/revoke",
                                       methods=("POST",)),
    "accounts.users": Rule(ADMIN, lambda c: "/admin/users"),
    "accounts.create_user": Rule(ADMIN, lambda c: "/admin/users/new", methods=("GET", "POST")),
    "accounts.edit_user": Rule(ADMIN, lambda c: f"/admin/users/{_user_id(c)}/edit", methods=("GET", "POST")),
    "members.index": Rule(STAFF, lambda c: "/members/"),
    "members.my_member": Rule(MEMBER_ROLES, lambda c: "/members/mine", ok=(302,),
                              notes="staff have no member: 404"),
    "members.show": Rule(ALL, lambda c: f"/members/{c['member_a'].id}",
                         other_member_url=lambda c: f"/members/{c['member_b'].id}"),
    "members.create": Rule(ADMIN, lambda c: "/members/new", methods=("GET", "POST")),
    "members.edit": Rule(ADMIN, lambda c: f"/members/{c['member_a'].id}/edit", methods=("GET", "POST"),
                         other_member_url=lambda c: f"/members/{c['member_b'].id}/edit"),
    "members.set_active": Rule(ADMIN, lambda c: f"/members/{c['member_a'].id}/active", methods=("POST",)),
}


@pytest.fixture
def ctx(make_member, make_user):
    member_a, member_b = make_member(name="Commune A"), make_member(name="Commune B")
    users = {
        Role.SECRETARY: make_user(role=Role.SECRETARY, member=member_a, email="secretary@a.test"),
        Role.APPROVER: make_user(role=Role.APPROVER, member=member_a, email="approver@a.test"),
        Role.PURCHASING_OFFICER: make_user(role=Role.PURCHASING_OFFICER, email="purchasing_officer@s.test"),
        Role.SUSTAINABILITY_OFFICER: make_user(role=Role.SUSTAINABILITY_OFFICER, email="sustainability_officer@s.test"),
        Role.ADMIN: make_user(role=Role.ADMIN, email="admin@s.test"),
    }
    from purchasing.api.services import issue_token

    token, _secret = issue_token(users[Role.SECRETARY], "script")
    return {"member_a": member_a, "member_b": member_b, "secretary": users[Role.SECRETARY], "users": users,
            "token": token}


def _web_endpoints(app) -> set[str]:
    """API routes (``api.*``) have their own access table: tests/api/test_access.py."""
    return {rule.endpoint for rule in app.url_map.iter_rules() if not rule.endpoint.startswith("api.")}


def test_every_route_has_an_access_rule(app):
    endpoints = _web_endpoints(app)
    missing = endpoints - set(ROUTES)
    assert not missing, f"add an access rule to tests/web/test_route_access.py for: {sorted(missing)}"
    stale = set(ROUTES) - endpoints
    assert not stale, f"rules for routes that no longer exist: {sorted(stale)}"


def test_route_methods_match_the_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            continue
        declared = set(ROUTES[rule.endpoint].methods)
        actual = set(rule.methods) - {"HEAD", "OPTIONS"}
        assert actual == declared, f"{rule.endpoint}: {actual} != {declared}"


@pytest.mark.parametrize("endpoint", sorted(e for e, r in ROUTES.items() if r.roles is not None))
def test_anonymous_users_are_sent_to_login(endpoint, client, ctx):
    rule = ROUTES[endpoint]
    url = rule.url(ctx)
    for method in rule.methods:
        response = client.open(url, method=method)
        if method == "POST":
            # CSRF is checked first: no token, no entry.
            assert response.status_code in (302, 400), (endpoint, method, response.status_code)
        else:
            assert response.status_code == 302 and "/login" in response.headers["Location"], endpoint


@pytest.mark.parametrize("role", sorted(ALL))
def test_each_role_gets_its_pages_and_403_elsewhere(role, browser, ctx):
    browser.login(f"{role}@{'a' if role in MEMBER_ROLES else 's'}.test", "password-123")
    for endpoint, rule in ROUTES.items():
        if rule.roles is None or "GET" not in rule.methods:
            continue
        response = browser.get(rule.url(ctx))
        if role in rule.roles:
            assert response.status_code in rule.ok, (endpoint, role, response.status_code)
        else:
            assert response.status_code in (403, 404), (endpoint, role, response.status_code)


@pytest.mark.parametrize("role", sorted(ALL))
def test_wrong_role_cannot_post(role, browser, ctx):
    browser.login(f"{role}@{'a' if role in MEMBER_ROLES else 's'}.test", "password-123")
    for endpoint, rule in ROUTES.items():
        if rule.roles is None or role in rule.roles or "POST" not in rule.methods:
            continue
        response = browser.post_form(rule.url(ctx), {}, page="/")
        assert response.status_code in (403, 404), (endpoint, role, response.status_code)


@pytest.mark.parametrize("role", sorted(MEMBER_ROLES))
def test_member_users_get_404_for_another_members_objects(role, browser, ctx):
    browser.login(f"{role}@a.test", "password-123")
    checked = 0
    for endpoint, rule in ROUTES.items():
        if rule.other_member_url is None:
            continue
        url = rule.other_member_url(ctx)
        if "GET" in rule.methods:
            expected = (404,) if role in rule.roles else (403, 404)
            assert browser.get(url).status_code in expected, (endpoint, role)
        if "POST" in rule.methods:
            assert browser.post_form(url, {}, page="/").status_code in (403, 404), (endpoint, role)
        checked += 1
    assert checked >= 1
