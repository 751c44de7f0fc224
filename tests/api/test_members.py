"""GET /api/v1/me and /api/v1/members: scoping, pagination, filter."""
from __future__ import annotations

import pytest
from sqlalchemy import event

from purchasing.accounts.models import Role
from purchasing.extensions import db


def test_me_for_staff_has_no_member(api, make_user, token_for):
    user = make_user(role=Role.SUSTAINABILITY_OFFICER, email="green@x.test")
    body = api.as_(token_for(user)).get("/api/v1/me").get_json()
    assert body == {"email": "green@x.test", "full_name": user.full_name, "role": "sustainability_officer",
                    "member": None}


def test_member_tier_is_the_band_of_the_grid_in_force(api, make_member, make_user, make_grid, token_for):
    def tier(member):
        user = make_user(role=Role.SECRETARY, member=member)
        body = api.as_(token_for(user)).get("/api/v1/me").get_json()
        assert body["member"]["id"] == member.id
        return body["member"]["tier"]

    small, large = make_member(population=412), make_member(population=6840)
    assert tier(small) is None  # no grid yet: no tier
    make_grid()
    assert tier(small) == "tranche 0"
    assert tier(large) == "tranche 3500"


def test_a_member_user_lists_only_its_member(api, actx):
    body = api.as_(actx["tokens"]["secretary"]).get("/api/v1/members?per_page=100").get_json()
    assert [m["id"] for m in body["items"]] == [actx["member_a"].id]
    assert body["total"] == 1 and body["page"] == 1 and body["pages"] == 1


def test_staff_list_every_member_with_pagination(api, actx, make_member):
    for n in range(5):
        make_member(name=f"Zzville {n}")
    client = api.as_(actx["tokens"]["admin"])
    first = client.get("/api/v1/members?q=zzville&per_page=2").get_json()
    assert first["total"] == 5 and first["pages"] == 3 and first["per_page"] == 2
    assert [m["name"] for m in first["items"]] == ["Zzville 0", "Zzville 1"]
    last = client.get("/api/v1/members?q=zzville&per_page=2&page=3").get_json()
    assert [m["name"] for m in last["items"]] == ["Zzville 4"]
    beyond = client.get("/api/v1/members?q=zzville&per_page=2&page=40").get_json()
    assert beyond["items"] == [] and beyond["total"] == 5
    default = client.get("/api/v1/members").get_json()
    assert default["per_page"] == 25


def test_member_fields(api, actx):
    member = actx["member_a"]
    body = api.as_(actx["tokens"]["approver"]).get(f"/api/v1/members/{member.id}").get_json()
    assert body["id"] == member.id and body["name"] == "Commune Alpha" and body["siren"] == member.siren
    assert body["approval_threshold_ht"] == "1000.00"
    assert body["joined_on"] == "2020-01-01" and body["kind"] == "commune"


@pytest.mark.parametrize("q,expected", [("alpha", ["Commune Alpha"]), ("ALPHA", ["Commune Alpha"]),
                                        ("beta", ["Commune Beta"]), ("nothing", [])])
def test_filter_q(api, actx, q, expected):
    body = api.as_(actx["tokens"]["purchasing_officer"]).get(f"/api/v1/members?q={q}").get_json()
    assert [m["name"] for m in body["items"]] == expected


def test_kind_filter(api, actx, make_member):
    make_member(kind="epci", name="CC Test", insee_code=None)
    body = api.as_(actx["tokens"]["admin"]).get("/api/v1/members?kind=epci&q=cc test").get_json()
    assert [m["name"] for m in body["items"]] == ["CC Test"]


def test_the_list_runs_a_bounded_number_of_queries(api, actx, make_member):
    for n in range(30):
        make_member(name=f"Qville {n}")
    client = api.as_(actx["tokens"]["admin"])
    client.get("/api/v1/me")  # "last used" written once, outside the count
    statements = []

    def count(*_args, **_kw):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get("/api/v1/members?per_page=100").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) <= 5, len(statements)
