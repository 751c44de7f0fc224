"""``/api/v1/me/notification-preferences``: the caller's own e-mail choices, as on "Mon compte"."""
from __future__ import annotations

import pytest

from purchasing.accounts.models import Role
from purchasing.mail.preferences import preferences_of


@pytest.fixture
def world(make_member, make_user):
    member = make_member(name="Commune des Choix")
    return {"mayor": make_user(role=Role.APPROVER, member=member, email="maire@choix.test")}


def test_api_reads_and_changes_the_preferences(world, api, token_for):
    client = api.as_(token_for(world["mayor"]))
    answer = client.get("/api/v1/me/notification-preferences").get_json()
    kinds = {item["kind"]: item for item in answer["items"]}
    assert kinds["approval_requested"] == {"kind": "approval_requested", "label": "Commande à approuver",
                                           "frequency": "immediate", "default": "immediate"}
    response = client.client.put("/api/v1/me/notification-preferences", headers=client.headers(),
                                 json={"items": [{"kind": "approval_requested", "frequency": "digest"}]})
    assert response.status_code == 200
    assert {i["kind"]: i["frequency"] for i in response.get_json()["items"]}["approval_requested"] == "digest"
    assert preferences_of(world["mayor"])["approval_requested"] == "digest"
    refused = client.client.put("/api/v1/me/notification-preferences", headers=client.headers(),
                                json={"items": [{"kind": "contract_alert", "frequency": "off"}]})
    assert refused.status_code == 409 and refused.get_json()["code"] == "kind_not_for_role"
    invalid = client.client.put("/api/v1/me/notification-preferences", headers=client.headers(),
                                json={"items": [{"kind": "approval_requested", "frequency": "weekly"}]})
    assert invalid.status_code == 422
    assert preferences_of(world["mayor"])["approval_requested"] == "digest"

