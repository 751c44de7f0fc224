"""Grouped campaigns through the API: the list, a campaign with its member's commitment, committing through the
web form's service with its rules, closing; validation, conflicts and member isolation (the access rule of each
route is in test_access.py, the races in tests/integration/test_races_postgres.py)."""
from __future__ import annotations

from datetime import date, timedelta

import jsonschema
import pytest
from sqlalchemy import event, func, select

from purchasing.accounts.models import Role
from purchasing.campaigns.models import Campaign, CampaignCommitment, CommitmentEvent
from purchasing.extensions import db


def _as(api, world, role):
    return api.as_(world["tokens"][str(role)])


def _url(world, suffix=""):
    return f"/api/v1/campaigns/{world['campaign'].id}{suffix}"


def _put(client, url, body, **headers):
    return client.client.put(url, json=body, headers=client.headers(**headers))


def _commitments_of(campaign_id, member_id):
    return db.session.scalars(select(CampaignCommitment).where(CampaignCommitment.campaign_id == campaign_id,
                                                               CampaignCommitment.member_id == member_id)
                              .execution_options(populate_existing=True)).all()


# --- reading -------------------------------------------------------------------------------------

def test_the_list_shows_each_campaign_with_its_committed_total(api, world):
    response = _as(api, world, Role.SECRETARY).get("/api/v1/campaigns")
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == 1 and body["page"] == 1
    [item] = body["items"]
    campaign, offer = world["campaign"], world["offer"]
    assert item == {"id": campaign.id, "title": "Portables", "offer_id": offer.id, "product_id": offer.product_id,
                    "product_name": offer.product.name, "status": "open", "deadline": date.today().isoformat(),
                    "min_quantity": 1, "max_quantity": None, "committed_quantity": 2, "final_unit_price_ht": None}


def test_the_list_filters_by_status(api, world):
    client = _as(api, world, Role.APPROVER)
    assert [c["id"] for c in client.get("/api/v1/campaigns?status=open").get_json()["items"]] == [
        world["campaign"].id]
    assert client.get("/api/v1/campaigns?status=closed").get_json()["items"] == []
    refused = client.get("/api/v1/campaigns?status=ouvert")
    assert refused.status_code == 422
    [error] = refused.get_json()["errors"]
    assert error["field"] == "status" and error["in"] == "query" and error["message"].startswith("Valeur attendue")


def test_the_list_reads_the_totals_in_one_query_for_the_page(api, world, make_offer):
    from purchasing.campaigns import services as campaigns

    client = _as(api, world, Role.PURCHASING_OFFICER)
    officer, today = world["users"][Role.PURCHASING_OFFICER], date.today()

    def queries():
        statements = []

        def listener(*_args, **_kw):
            statements.append(1)

        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get("/api/v1/campaigns").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    queries()  # the token's first use writes its date
    one = queries()
    for n in range(4):
        campaign = campaigns.create_campaign(make_offer(price="300.00").id, f"Écrans {n}", today, 1, None, officer,
                                             today)
        campaigns.commit_quantity(campaign, world["member_b"], n + 1, today)
    db.session.commit()
    assert queries() == one
    items = client.get("/api/v1/campaigns").get_json()["items"]
    assert sorted(i["committed_quantity"] for i in items) == [1, 2, 2, 3, 4]


def test_a_member_user_sees_the_member_price_and_only_the_members_own_commitment(api, world):
    body = _as(api, world, Role.SECRETARY).get(_url(world)).get_json()
    assert body["committed_quantity"] == 2
    assert body["unit_price_ht"] == "515.00"  # 500 € at 2 units + the 3 % band of the member (population 500)
    assert body["next_break_quantity"] == 10 and body["next_unit_price_ht"] == "978.50"  # 950 € + 3 %
    mine = body["my_commitment"]
    assert mine["id"] == world["commitment_a"].id and mine["quantity"] == 1 and mine["status"] == "approved"
    assert mine["committed_amount_ht"] == "515.00" and mine["unit_price_ht"] is None
    assert body["commitments"] is None  # never the other members'

    other = api.as_(_token_of_b(world)).get(_url(world)).get_json()
    assert other["my_commitment"]["id"] == world["commitment_b"].id and other["commitments"] is None


def _token_of_b(world):
    from purchasing.api.services import issue_token

    token = issue_token(world["secretary_b"], "b")[1]
    db.session.commit()
    return token


def test_staff_see_the_supplier_price_and_every_members_commitment(api, world):
    body = _as(api, world, Role.ADMIN).get(_url(world)).get_json()
    assert body["unit_price_ht"] == "500.00" and body["my_commitment"] is None
    assert {(c["member"]["name"], c["quantity"], c["status"]) for c in body["commitments"]} == {
        ("Commune Alpha", 1, "approved"), ("Commune Beta", 1, "approved")}


def test_an_unknown_campaign_is_404(api, world):
    response = _as(api, world, Role.SECRETARY).get("/api/v1/campaigns/2147483647")
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert _put(_as(api, world, Role.SECRETARY), "/api/v1/campaigns/2147483647/commitment",
                {"quantity": 1}).status_code == 404


# --- committing ----------------------------------------------------------------------------------

def test_a_commitment_is_changed_in_place_and_waits_for_the_approver_above_the_threshold(api, world):
    from purchasing.notifications.models import Notification

    client = _as(api, world, Role.SECRETARY)
    approver = world["users"][Role.APPROVER]
    before = db.session.scalar(select(func.count(Notification.id)).where(Notification.user_id == approver.id))
    response = _put(client, _url(world, "/commitment"), {"quantity": 3})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    mine = body["my_commitment"]
    # 3 × 515 € = 1 545 € HT > the member's 1 000 € threshold
    assert mine["id"] == world["commitment_a"].id and mine["quantity"] == 3 and mine["status"] == "pending"
    assert mine["committed_amount_ht"] == "1545.00" and mine["decided_dt"] is None
    assert body["committed_quantity"] == 4
    assert db.session.scalar(select(func.count(Notification.id)).where(Notification.user_id == approver.id)) \
        == before + 1
    # back under the threshold: approved at once, still the one row
    mine = _put(client, _url(world, "/commitment"), {"quantity": 1}).get_json()["my_commitment"]
    assert mine["status"] == "approved" and mine["quantity"] == 1
    [row] = _commitments_of(world["campaign"].id, world["member_a"].id)
    assert row.quantity == 1 and row.committed_by_id == world["users"][Role.SECRETARY].id
    events = db.session.scalars(select(CommitmentEvent.to_status).where(CommitmentEvent.commitment_id == row.id)
                                .order_by(CommitmentEvent.id)).all()
    assert events == ["approved", "pending", "approved"]


def test_a_first_commitment_creates_the_members_row(api, world, make_member, make_user, token_for):
    member = make_member(name="Commune Gamma")
    token = token_for(make_user(role=Role.APPROVER, member=member))
    db.session.commit()
    response = _put(api.as_(token), _url(world, "/commitment"), {"quantity": 1.0})  # JSON's integer 1.0
    assert response.status_code == 200
    assert response.get_json()["my_commitment"]["quantity"] == 1
    assert [c.quantity for c in _commitments_of(world["campaign"].id, member.id)] == [1]


def test_the_same_request_twice_gives_the_same_commitment(api, world):
    client = _as(api, world, Role.SECRETARY)
    first = _put(client, _url(world, "/commitment"), {"quantity": 2}).get_json()
    second = _put(client, _url(world, "/commitment"), {"quantity": 2}).get_json()
    assert first["my_commitment"]["id"] == second["my_commitment"]["id"]
    assert (first["committed_quantity"], second["committed_quantity"]) == (3, 3)


def test_a_member_user_commits_for_their_own_member_only(api, world):
    """The path names no member: member B's user writes B's commitment, never A's, and reads only B's."""
    b = api.as_(_token_of_b(world))
    body = _put(b, _url(world, "/commitment"), {"quantity": 4}).get_json()
    assert body["my_commitment"]["id"] == world["commitment_b"].id and body["commitments"] is None
    assert [c.quantity for c in _commitments_of(world["campaign"].id, world["member_a"].id)] == [1]
    assert [c.quantity for c in _commitments_of(world["campaign"].id, world["member_b"].id)] == [4]
    mine = _as(api, world, Role.SECRETARY).get(_url(world)).get_json()["my_commitment"]
    assert mine["id"] == world["commitment_a"].id and mine["quantity"] == 1


def test_quantity_0_withdraws_the_commitment_which_no_longer_counts(api, world):
    from purchasing.notifications.models import Notification

    client = _as(api, world, Role.SECRETARY)
    approver = world["users"][Role.APPROVER]
    assert _put(client, _url(world, "/commitment"), {"quantity": 3}).get_json()["my_commitment"]["status"] == \
        "pending"  # the approver is asked
    asked = db.session.scalars(select(Notification).where(Notification.user_id == approver.id)
                               .order_by(Notification.id.desc())).first()
    assert not asked.is_read

    response = _put(client, _url(world, "/commitment"), {"quantity": 0})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    mine = body["my_commitment"]
    assert mine["id"] == world["commitment_a"].id and mine["status"] == "withdrawn" and mine["quantity"] == 3
    assert body["committed_quantity"] == 1  # member B's only
    assert _as(api, world, Role.ADMIN).get("/api/v1/campaigns").get_json()["items"][0]["committed_quantity"] == 1
    db.session.refresh(asked)
    assert asked.is_read  # nothing left for the approver to decide
    # again: nothing changes (no second event); then committing again revives the same row
    assert _put(client, _url(world, "/commitment"), {"quantity": 0}).status_code == 200
    revived = _put(client, _url(world, "/commitment"), {"quantity": 1}).get_json()
    assert revived["my_commitment"]["status"] == "approved" and revived["committed_quantity"] == 2
    [row] = _commitments_of(world["campaign"].id, world["member_a"].id)
    events = db.session.scalars(select(CommitmentEvent.to_status).where(CommitmentEvent.commitment_id == row.id)
                                .order_by(CommitmentEvent.id)).all()
    assert events == ["approved", "pending", "withdrawn", "approved"]


def test_a_withdrawn_commitment_is_not_counted_at_closing_nor_ordered(api, world):
    client = _as(api, world, Role.APPROVER)
    assert _put(client, _url(world, "/commitment"), {"quantity": 0}).status_code == 200
    body = _as(api, world, Role.PURCHASING_OFFICER).post(_url(world, "/close")).get_json()
    assert body["status"] == "closed"
    prices = {c["member"]["id"]: (c["status"], c["unit_price_ht"]) for c in body["commitments"]}
    assert prices == {world["member_a"].id: ("withdrawn", None), world["member_b"].id: ("approved", "515.00")}


def test_a_withdrawn_commitment_cannot_be_approved(api, world):
    from purchasing.campaigns import services as campaigns
    from purchasing.transitions import StatusChanged

    assert _put(_as(api, world, Role.SECRETARY), _url(world, "/commitment"), {"quantity": 3}).status_code == 200
    assert _put(_as(api, world, Role.SECRETARY), _url(world, "/commitment"), {"quantity": 0}).status_code == 200
    commitment = db.session.get(CampaignCommitment, world["commitment_a"].id)
    with pytest.raises(StatusChanged, match="retiré par l'adhérent"):
        campaigns.approve_commitment(commitment, world["users"][Role.APPROVER], date.today())


def test_withdrawing_without_a_commitment_is_409(api, world, make_member, make_user, token_for):
    member = make_member(name="Commune Delta")
    token = token_for(make_user(role=Role.SECRETARY, member=member))
    db.session.commit()
    response = _put(api.as_(token), _url(world, "/commitment"), {"quantity": 0})
    assert response.status_code == 409
    assert response.get_json()["code"] == "no_commitment"
    assert response.get_json()["detail"] == ("Votre collectivité n'a pas d'engagement à retirer : la quantité doit "
                                             "être supérieure à zéro.")
    assert _commitments_of(world["campaign"].id, member.id) == []


@pytest.mark.parametrize("body, field, message", [
    ({"quantity": -1}, "quantity", "Doit être supérieur ou égal à 0."),
    ({"quantity": 10_001}, "quantity", "Doit être inférieur ou égal à 10000."),
    ({"quantity": "3"}, "quantity", "Nombre entier attendu."),
    ({"quantity": 2.5}, "quantity", "Nombre entier attendu."),
    ({"quantity": True}, "quantity", "Nombre entier attendu."),
    ({"quantity": None}, "quantity", "Nombre entier attendu."),
    ({}, "quantity", "Champ obligatoire."),
    ({"quantity": 1, "member_id": 2}, "member_id", "Champ inconnu."),
    ([1], "body", "Objet JSON attendu."),
])
def test_a_quantity_outside_the_document_is_422_naming_the_field_in_french(api, world, body, field, message):
    response = _put(_as(api, world, Role.SECRETARY), _url(world, "/commitment"), body)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    errors = response.get_json()["errors"]
    assert [(e["field"], e["message"]) for e in errors] == [(field, message)], errors
    assert [c.quantity for c in _commitments_of(world["campaign"].id, world["member_a"].id)] == [1]


def test_the_quantity_error_in_english_when_asked(api, world):
    response = _put(_as(api, world, Role.SECRETARY), _url(world, "/commitment"), {"quantity": -1},
                    **{"Accept-Language": "en"})
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["message"] == "Must be greater than or equal to 0."


def test_not_json_is_415(api, world):
    client = _as(api, world, Role.SECRETARY)
    response = client.client.put(_url(world, "/commitment"), data="quantity=2", headers=client.headers(),
                                 content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415


def test_above_the_campaigns_maximum_is_409_with_what_is_left(api, world):
    world["campaign"].max_quantity = 5
    db.session.commit()
    response = _put(_as(api, world, Role.SECRETARY), _url(world, "/commitment"), {"quantity": 5})
    assert response.status_code == 409
    body = response.get_json()
    assert body["code"] == "campaign_max_exceeded"
    assert body["detail"] == "La quantité dépasse le maximum de l'achat groupé : 4 unités disponibles."
    assert [c.quantity for c in _commitments_of(world["campaign"].id, world["member_a"].id)] == [1]
    assert _put(_as(api, world, Role.SECRETARY), _url(world, "/commitment"), {"quantity": 4}).status_code == 200


@pytest.mark.parametrize("change", ["past_deadline", "closed"])
def test_a_campaign_past_its_deadline_or_closed_takes_no_commitment(api, world, change):
    campaign = world["campaign"]
    if change == "past_deadline":
        campaign.deadline = date.today() - timedelta(days=1)
    else:
        campaign.status = "closed"
    db.session.commit()
    response = _put(_as(api, world, Role.APPROVER), _url(world, "/commitment"), {"quantity": 2})
    assert response.status_code == 409
    body = response.get_json()
    assert body["code"] == "campaign_closed"
    assert body["detail"] == "Cet achat groupé est clos : il n'accepte plus d'engagements."
    assert [c.quantity for c in _commitments_of(campaign.id, world["member_a"].id)] == [1]


# --- closing -------------------------------------------------------------------------------------

def test_an_officer_closes_the_campaign_once(api, world):
    client = _as(api, world, Role.PURCHASING_OFFICER)
    response = client.post(_url(world, "/close"))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "closed" and body["final_unit_price_ht"] == "500.00"
    assert body["unit_price_ht"] is None and body["next_break_quantity"] is None
    assert {c["unit_price_ht"] for c in body["commitments"]} == {"515.00"}
    again = client.post(_url(world, "/close"))
    assert again.status_code == 409 and again.get_json()["code"] == "transition_not_allowed"
    late = _put(_as(api, world, Role.SECRETARY), _url(world, "/commitment"), {"quantity": 2})
    assert late.status_code == 409 and late.get_json()["code"] == "campaign_closed"


def test_closing_before_the_deadline_waits_for_pending_commitments(api, world):
    assert _put(_as(api, world, Role.SECRETARY), _url(world, "/commitment"), {"quantity": 3}).status_code == 200
    response = _as(api, world, Role.ADMIN).post(_url(world, "/close"))
    assert response.status_code == 409
    body = response.get_json()
    assert body["code"] == "commitments_pending" and body["details"] == {
        "commitment_ids": [world["commitment_a"].id]}
    assert db.session.scalar(select(Campaign.status).where(Campaign.id == world["campaign"].id)) == "open"


# --- the document --------------------------------------------------------------------------------

def test_answers_match_their_documented_schemas(api, world):
    doc = api.client.get("/api/v1/openapi.json").get_json()

    def check(path, method, status, response):
        schema = doc["paths"][path][method]["responses"][str(status)]["content"]["application/json"]["schema"]
        jsonschema.validate(response.get_json(), {**schema, "components": doc["components"]},
                            cls=jsonschema.Draft202012Validator)

    secretary, officer = _as(api, world, Role.SECRETARY), _as(api, world, Role.PURCHASING_OFFICER)
    check("/api/v1/campaigns", "get", 200, secretary.get("/api/v1/campaigns"))
    check("/api/v1/campaigns/{campaign_id}", "get", 200, secretary.get(_url(world)))
    check("/api/v1/campaigns/{campaign_id}", "get", 200, officer.get(_url(world)))
    check("/api/v1/campaigns/{campaign_id}/commitment", "put", 200,
          _put(secretary, _url(world, "/commitment"), {"quantity": 3}))
    _approve(world)  # 3 × 515 € waits for the approver: closing before the deadline needs the decision
    check("/api/v1/campaigns/{campaign_id}/close", "post", 200, officer.post(_url(world, "/close")))
    body = doc["paths"]["/api/v1/campaigns/{campaign_id}/commitment"]["put"]["requestBody"]["content"]
    quantity = doc["components"]["schemas"][body["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]]
    assert quantity["properties"]["quantity"]["minimum"] == 0
    assert quantity["properties"]["quantity"]["maximum"] == 10_000
    assert quantity["additionalProperties"] is False and quantity["required"] == ["quantity"]
    operation = doc["paths"]["/api/v1/campaigns/{campaign_id}/commitment"]["put"]
    assert {"401", "403", "404", "409", "415", "422"} <= set(operation["responses"])
    assert operation["x-roles"] == ["approver", "secretary"]


def _approve(world):
    from purchasing.campaigns import services as campaigns

    commitment = db.session.get(CampaignCommitment, world["commitment_a"].id)
    campaigns.approve_commitment(commitment, world["users"][Role.APPROVER], date.today())
    db.session.commit()


def test_without_a_tariff_grid_in_force_the_member_price_is_a_409(api, world):
    from purchasing.pricing.models import TariffGrid

    for grid in db.session.scalars(select(TariffGrid)):
        grid.effective_from = date.today() + timedelta(days=1)
    db.session.commit()
    response = _as(api, world, Role.SECRETARY).get(_url(world))
    assert response.status_code == 409 and response.get_json()["code"] == "no_tariff_grid"
    doc = api.client.get("/api/v1/openapi.json").get_json()
    assert "409" in doc["paths"]["/api/v1/campaigns/{campaign_id}"]["get"]["responses"]


def test_a_refused_commitment_holds_no_quantity_until_committed_again(api, world):
    """The approver's refusal frees its room: the total, the estimate and the maximum count what stands."""
    from datetime import date

    from purchasing.campaigns import services as campaigns

    client = _as(api, world, Role.SECRETARY)
    assert _put(client, _url(world, "/commitment"), {"quantity": 3}).get_json()["my_commitment"]["status"] == \
        "pending"
    assert client.get(_url(world)).get_json()["committed_quantity"] == 4  # 3 waiting + member B's 1
    [row] = _commitments_of(world["campaign"].id, world["member_a"].id)
    campaigns.reject_commitment(row, world["users"][Role.APPROVER], "Budget épuisé", date.today())
    db.session.commit()
    assert client.get(_url(world)).get_json()["committed_quantity"] == 1
    assert _as(api, world, Role.ADMIN).get("/api/v1/campaigns").get_json()["items"][0]["committed_quantity"] == 1
    again = _put(client, _url(world, "/commitment"), {"quantity": 1}).get_json()
    assert again["my_commitment"]["status"] == "approved" and again["committed_quantity"] == 2


def test_a_member_without_billing_siret_cannot_commit_and_nothing_is_written(api, world):
    member = world["member_a"]
    before = [(c.quantity, c.status) for c in _commitments_of(world["campaign"].id, member.id)]
    for siret in list(member.sirets):
        siret.is_billing = False
    db.session.commit()
    refused = _put(_as(api, world, Role.SECRETARY), _url(world, "/commitment"), {"quantity": 2})
    assert refused.status_code == 409 and refused.get_json()["code"] == "no_billing_siret"
    assert "SIRET de facturation" in refused.get_json()["detail"]
    db.session.expire_all()
    assert [(c.quantity, c.status) for c in _commitments_of(world["campaign"].id, member.id)] == before
