"""Flat lists (issue 14): keyset pagination at its boundaries, capped counts, bounded query counts on every
list, and (PostgreSQL) that an index can serve each main list query."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, insert, select

from lifecycle.assets import services as asset_services
from lifecycle.assets.models import Asset
from purchasing.catalogue.models import Category
from purchasing.extensions import db
from purchasing.pagination import flat_page
from tests.query_helpers import count_queries



def _bulk_assets(member, n, start=0, status="in_service", code="laptop"):
    category_id = db.session.scalar(select(Category.id).where(Category.code == code))
    db.session.execute(insert(Asset), [
        dict(tag=f"FLAT-{member.id}-{start + i:06d}", category_id=category_id, member_id=member.id, designation="PC",
             acquisition_date=date(2024, 1, 1), purchase_price_ht=Decimal("500.00"), origin="imported",
             condition="good", holds_storage=False, status=status, site="Mairie", assigned_to="")
        for i in range(n)])
    db.session.flush()


@pytest.fixture
def as_staff(app, make_user):
    """A request context with a purchasing officer logged in (the member scope of the services)."""
    from flask_login import login_user

    officer = make_user(role="purchasing_officer", email="staff-flat@test.local")
    with app.test_request_context("/"):
        login_user(officer)
        yield officer


def _ids(stmt_page):
    return [a.id for a in stmt_page.items]


# --- keyset pagination at its boundaries ---------------------------------------------------------

def test_exactly_one_page_has_no_next(app, as_staff, make_member):
    member = make_member()
    _bulk_assets(member, 5)
    stmt = asset_services.inventory_query(asset_services.InventoryFilter(member_id=member.id))
    page = flat_page(stmt, per_page=5)
    assert len(page.items) == 5 and not page.has_next and page.next_after is None
    assert (page.total, page.capped, page.pages) == (5, False, 1)


def test_keyset_walk_reaches_every_row_once_and_stops_on_the_last_page(app, as_staff, make_member):
    member = make_member()
    _bulk_assets(member, 11)
    stmt = asset_services.inventory_query(asset_services.InventoryFilter(member_id=member.id))
    expected = list(db.session.scalars(select(Asset.id).where(Asset.member_id == member.id).order_by(Asset.id.desc())))
    seen, after = [], None
    for _ in range(10):
        page = flat_page(stmt, per_page=4, after=after)
        seen += _ids(page)
        if not page.has_next:
            break
        after = page.next_after
    assert seen == expected
    assert len(page.items) == 3 and page.next_after is None  # the last page: 11 = 4 + 4 + 3


def test_a_row_inserted_between_pages_neither_repeats_nor_hides_a_row(app, as_staff, make_member):
    member = make_member()
    _bulk_assets(member, 8)
    stmt = asset_services.inventory_query(asset_services.InventoryFilter(member_id=member.id))
    first = flat_page(stmt, per_page=4)
    _bulk_assets(member, 1, start=100)  # newer: id above every listed one
    second = flat_page(stmt, per_page=4, after=first.next_after)
    assert set(_ids(first)).isdisjoint(_ids(second))
    older = list(db.session.scalars(select(Asset.id).where(Asset.member_id == member.id, Asset.id < first.next_after)
                                    .order_by(Asset.id.desc())))
    assert _ids(second) == older  # by OFFSET the page would start one row late and repeat a row


def test_count_is_capped_and_the_page_beyond_the_numbered_ones_goes_by_key(app, browser, make_member, make_user):
    app.config["LIST_COUNT_CAP"] = 6
    try:
        member = make_member()
        make_user(role="purchasing_officer", email="po-flat@test.local")
        _bulk_assets(member, 10)
        browser.login("po-flat@test.local")
        html = browser.get(f"/lifecycle/?member_id={member.id}&per_page=3&page=2").get_data(as_text=True)
        assert "plus de 6 résultats" in html
        next_link = re.search(r'href="([^"]+)" rel="next"', html).group(1).replace("&amp;", "&")
        assert "after=" in next_link and "page=3" in next_link
        third = browser.get(next_link).get_data(as_text=True)
        tags = re.findall(r"FLAT-\d+-(\d{6})", third)
        assert sorted(set(tags), reverse=True) == ["000003", "000002", "000001"]
        # a numbered page beyond the cap is the last numbered one, not an unbounded OFFSET
        capped = browser.get(f"/lifecycle/?member_id={member.id}&per_page=3&page=2000").get_data(as_text=True)
        assert "Page 2 —" in capped
    finally:
        app.config["LIST_COUNT_CAP"] = 10_000


def test_api_cursor_and_page_too_deep(app, client, make_member, make_user):
    from purchasing.api.services import issue_token

    app.config["LIST_COUNT_CAP"] = 6
    try:
        member = make_member()
        user = make_user(role="purchasing_officer", email="api-flat@test.local")
        _token, secret = issue_token(user, "t")
        _bulk_assets(member, 10)
        headers = {"Authorization": f"Bearer {secret}"}
        first = client.get("/api/v1/assets?per_page=4", headers=headers).get_json()
        assert first["total_is_capped"] is True and first["total"] == 6 and len(first["items"]) == 4
        second = client.get(f"/api/v1/assets?per_page=4&after={first['next_after']}", headers=headers).get_json()
        assert {i["tag"] for i in first["items"]}.isdisjoint({i["tag"] for i in second["items"]})
        deep = client.get("/api/v1/assets?per_page=4&page=3", headers=headers)
        assert deep.status_code == 400 and deep.get_json()["code"] == "page_too_deep"
        assert client.get("/api/v1/assets?per_page=4&page=2", headers=headers).status_code == 200
    finally:
        app.config["LIST_COUNT_CAP"] = 10_000


# --- query counts: the same on 3 rows and on 30 -------------------------------------------------------

_LINES = {"n": 0}


def _approved_lines(make_order_line, member, n):
    for _ in range(n):
        _LINES["n"] += 1
        line = make_order_line(member, quantity=_LINES["n"])
        line.order.status = "approved"
    db.session.flush()


LISTS = ("/lifecycle/", "/lifecycle/?status=in_service&past_lifetime=y", "/lifecycle/pool", "/orders/",
         "/purchase-orders/", "/purchase-orders/to-place")


@pytest.mark.parametrize("path", LISTS)
def test_list_query_count_does_not_grow_with_rows(app, browser, make_member, make_user, make_order_line, path):
    from lifecycle.pool import services as pool

    member = make_member()
    officer = make_user(role="purchasing_officer", email="po-count@test.local")
    browser.login("po-count@test.local")

    def grow(n):
        _bulk_assets(member, n, start=len(db.session.scalars(select(Asset.id)).all()))
        assets = db.session.scalars(select(Asset).where(Asset.member_id == member.id, Asset.status == "in_service")
                                    .limit(n)).all()
        for asset in assets:
            pool.offer_to_pool(asset, condition="good", note="", actor=officer)
        _approved_lines(make_order_line, member, n)

    grow(3)
    with count_queries() as few:
        assert browser.get(path).status_code == 200
    grow(27)
    with count_queries() as many:
        assert browser.get(path).status_code == 200
    assert len(many) == len(few), (path, len(few), len(many))
    assert len(many) <= 14, (path, many)


def test_api_assets_query_count(app, client, make_member, make_user):
    from purchasing.api.services import issue_token

    member = make_member()
    user = make_user(role="purchasing_officer", email="api-count@test.local")
    _token, secret = issue_token(user, "t")
    headers = {"Authorization": f"Bearer {secret}"}
    _bulk_assets(member, 3)
    client.get("/api/v1/assets", headers=headers)  # the token's first use writes its last-use time
    with count_queries() as few:
        assert client.get("/api/v1/assets?status=in_service&category=laptop", headers=headers).status_code == 200
    _bulk_assets(member, 40, start=10)
    with count_queries() as many:
        assert client.get("/api/v1/assets?status=in_service&category=laptop", headers=headers).status_code == 200
    assert len(many) == len(few) <= 8


def test_staff_site_filter_lists_the_chosen_members_sites_only(app, as_staff, make_member):
    mine, other = make_member(), make_member()
    _bulk_assets(mine, 2)
    from tests.conftest import default_site_id

    # the chosen member's address book (a small table), never the other member's sites
    assert asset_services.member_sites(mine.id) == [(int(default_site_id(mine)), "Mairie")]
    assert asset_services.member_sites(other.id) == [(int(default_site_id(other)), "Mairie")]
    assert asset_services.member_sites(None) == []  # never a DISTINCT over the whole territory


def test_member_filter_bounded_on_a_large_territory(app, make_member):
    members = [make_member() for _ in range(3)]
    assert len(asset_services.member_filter_choices(None, limit=100)) >= 3
    assert asset_services.member_filter_choices(None, limit=2) == []
    assert asset_services.member_filter_choices(members[1].id, limit=2) == [(members[1].id, members[1].name)]


# --- PostgreSQL: an index can serve every main list query ---------------------------------------------

@pytest.mark.postgres
@pytest.mark.parametrize("name", ["inventory", "inventory_status_category", "inventory_member", "inventory_keyset",
                                  "pool", "orders", "orders_status", "to_place", "to_place_count"])
def test_main_list_queries_can_use_an_index(app, as_staff, make_member, name):
    """With ``SET enable_seqscan = off`` the planner takes an index whenever one can serve the query: a Seq Scan
    left in the plan on asset / purchase_request / pool_listing means no index matches (the test database is too
    small for the planner to prefer an index by cost; the bench measures the real plans at 1M rows)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL")
    from lifecycle.pool import services as pool_services
    from purchasing.orders.models import Order
    from purchasing.purchase_orders import services as po_services

    laptop = db.session.scalar(select(Category.id).where(Category.code == "laptop"))
    member = make_member()
    f = asset_services.InventoryFilter
    statements = {
        "inventory": asset_services.inventory_query(f()).limit(26),
        "inventory_status_category": asset_services.inventory_query(f(status="in_service", category_id=laptop)).limit(26),
        "inventory_member": asset_services.inventory_query(f(member_id=member.id)).limit(26),
        "inventory_keyset": asset_services.inventory_query(f(status="in_service")).where(Asset.id < 500_000).limit(26),
        "pool": pool_services.pool_query(category_id=laptop).limit(26),
        "orders": select(Order).where(Order.status != "draft").order_by(Order.id.desc()).limit(26),
        "orders_status": select(Order).where(Order.status == "submitted").order_by(Order.id.desc()).limit(26),
        # the waiting lines by the marker's partial index (migration scale_02), never every approved order's lines
        "to_place": po_services.to_place_groups_stmt().limit(11),
        "to_place_count": select(func.count()).select_from(po_services.to_place_contracts_stmt().limit(10_001)
                                                           .subquery()),
    }
    sql = statements[name].compile(db.engine, compile_kwargs={"literal_binds": True})
    db.session.execute(db.text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(row[0] for row in db.session.execute(db.text(f"EXPLAIN {sql}")))
    assert not re.search(r"Seq Scan on (asset|purchase_request|pool_listing|order_line)\b", plan), plan
    table = {"pool": "pool_listing", "orders": "purchase_request", "orders_status": "purchase_request",
             "to_place": "order_line", "to_place_count": "order_line"}.get(name, "asset")
    assert re.search(rf"(Index|Index Only|Bitmap Index) Scan( Backward)? (using|on) \w+ on {table}\b|"
                     rf"Bitmap Heap Scan on {table}\b", plan), plan
