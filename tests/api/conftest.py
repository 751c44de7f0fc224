"""Fixtures for the API: users of every role, tokens, and a JSON client."""
from __future__ import annotations

import pytest

from purchasing.accounts.models import Role


class ApiClient:
    """The test client speaking JSON with a bearer token."""

    def __init__(self, client, token: str | None = None):
        self.client = client
        self.token = token

    def headers(self, token=None, **extra):
        token = token if token is not None else self.token
        return {**({"Authorization": f"Bearer {token}"} if token else {}), **extra}

    def get(self, url, token=None, **kw):
        return self.client.get(url, headers=self.headers(token), **kw)

    def post(self, url, json=None, token=None, **kw):
        return self.client.post(url, json=json, headers=self.headers(token), **kw)

    def as_(self, token):
        return ApiClient(self.client, token)


@pytest.fixture
def api(client):
    return ApiClient(client)


@pytest.fixture
def token_for(app):
    from purchasing.api.services import issue_token

    def factory(user, name="test"):
        return issue_token(user, name)[1]

    return factory


@pytest.fixture
def actx(make_member, make_user, token_for):
    """Two members; a user of every role (member roles in member A); a token for each."""
    member_a, member_b = make_member(name="Commune Alpha"), make_member(name="Commune Beta")
    users = {
        Role.SECRETARY: make_user(role=Role.SECRETARY, member=member_a, email="secretary@a.test"),
        Role.APPROVER: make_user(role=Role.APPROVER, member=member_a, email="approver@a.test"),
        Role.PURCHASING_OFFICER: make_user(role=Role.PURCHASING_OFFICER, email="purchasing_officer@s.test"),
        Role.SUSTAINABILITY_OFFICER: make_user(role=Role.SUSTAINABILITY_OFFICER,
                                               email="sustainability_officer@s.test"),
        Role.ADMIN: make_user(role=Role.ADMIN, email="admin@s.test"),
    }
    tokens = {str(role): token_for(user) for role, user in users.items()}
    return {"member_a": member_a, "member_b": member_b, "users": users, "tokens": tokens}
