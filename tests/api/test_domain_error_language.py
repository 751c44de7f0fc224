"""Domain errors in the API's problem ``detail``: French by default, English when the request's Accept-Language asks
for it, with the same stable ``code`` (issue 15, "Language"). One test per language: Flask-Babel keeps the locale of
an app context."""
from __future__ import annotations

from purchasing.accounts.models import Role


def _approve_a_draft_by_api(api, world, **headers):
    secretary = api.as_(world["tokens"][str(Role.SECRETARY)])
    draft = secretary.post("/api/v1/orders", json={"lines": [{"offer_id": world["offer"].id, "quantity": 1}],
                                                   "delivery_site": "Mairie"}).get_json()
    return api.client.post(f"/api/v1/orders/{draft['id']}/approve",
                           headers={**api.headers(world["tokens"][str(Role.APPROVER)]), **headers})


def test_the_api_explains_a_refusal_in_french_by_default(api, world):
    response = _approve_a_draft_by_api(api, world)
    body = response.get_json()
    assert response.status_code == 409 and body["code"] == "transition_not_allowed"
    assert body["detail"] == "La commande ne peut pas passer du statut « brouillon » au statut « approuvée »."


def test_the_api_explains_a_refusal_in_english_when_asked_with_the_same_code(api, world):
    response = _approve_a_draft_by_api(api, world, **{"Accept-Language": "en-GB,en;q=0.9"})
    body = response.get_json()
    assert response.status_code == 409 and body["code"] == "transition_not_allowed"
    assert body["detail"] == 'The order cannot move from the status "draft" to the status "approved".'


def _unknown_kinds_by_api(api, world, **headers):
    """A message with a param (the refused kinds) and its French punctuation."""
    mayor = world["tokens"][str(Role.APPROVER)]
    return api.client.put("/api/v1/me/notification-preferences", headers={**api.headers(mayor), **headers},
                          json={"items": [{"kind": "contract_alert", "frequency": "off"}]})


def test_a_refusal_with_params_in_french(api, world):
    body = _unknown_kinds_by_api(api, world).get_json()
    assert body["code"] == "kind_not_for_role"
    assert body["detail"] == "Votre rôle ne reçoit pas ces messages : contract_alert."


def test_a_refusal_with_params_in_english(api, world):
    body = _unknown_kinds_by_api(api, world, **{"Accept-Language": "en"}).get_json()
    assert body["code"] == "kind_not_for_role"
    assert body["detail"] == "Your role does not receive these messages: contract_alert."


