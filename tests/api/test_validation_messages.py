"""The API's 422 messages are the user's language — French by default, English when asked — never the schema
library's own English text, and each error keeps its stable code."""
from __future__ import annotations

from purchasing.accounts.models import Role


def errors_of(response) -> dict[str, dict]:
    assert response.status_code == 422, response.get_data(as_text=True)
    return {e["field"]: e for e in response.get_json()["errors"]}


def test_a_value_outside_the_list_names_the_allowed_values_in_french(api, world):
    response = api.as_(world["tokens"][str(Role.ADMIN)]).get("/api/v1/assets?status=perdu")
    error = errors_of(response)["status"]
    assert error["code"] == "literal_error"
    assert error["message"] == ("Valeur attendue parmi : 'in_pool', 'in_repair', 'in_service', 'in_stock', "
                                "'refurbishing' ou 'retired'.")
    assert "Input should" not in response.get_data(as_text=True)


def test_dates_and_decimals_are_explained_in_french(api, world):
    tag = world["asset_a"].tag
    response = api.as_(world["tokens"][str(Role.SECRETARY)]).post(
        f"/api/v1/assets/{tag}/erasure", json={"method": "effacement", "performed_on": "31/12/2026"})
    errors = errors_of(response)
    assert errors["performed_on"]["message"] == "Date attendue au format AAAA-MM-JJ."
    assert errors["performed_on"]["code"] == "date_parsing"
    assert errors["method"]["message"].startswith("Valeur attendue parmi : ")
    assert "Input should" not in response.get_data(as_text=True)


def test_english_when_the_request_asks_for_it(api, world):
    response = api.client.get("/api/v1/assets?status=perdu", headers={
        **api.headers(world["tokens"][str(Role.ADMIN)]), "Accept-Language": "en"})
    error = errors_of(response)["status"]
    assert error["message"] == ("Expected one of: 'in_pool', 'in_repair', 'in_service', 'in_stock', "
                                "'refurbishing' or 'retired'.")
    assert error["code"] == "literal_error"
