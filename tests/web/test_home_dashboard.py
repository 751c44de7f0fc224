"""The home page per role (issue 15): each count equals the rows of the list it links to, within the user's
member, 0 shown as such, and a bounded number of queries whatever the data."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from html import unescape

import pytest
from sqlalchemy import select

from lifecycle.assets import services as asset_services
from lifecycle.assets.models import DataErasure
from lifecycle.pool import services as pool_services
from purchasing.catalogue.models import Category
from purchasing.contracts.models import FrameworkContract
from purchasing.extensions import db
from purchasing.orders.models import Order, OrderLine
from purchasing.suppliers.models import Supplier
from purchasing.tenders.models import Tender
from tests.query_helpers import count_queries

_n = {"i": 0}


def _next() -> int:
    _n["i"] += 1
    return _n["i"]


def _order(member, user, offer, status, ht="100.00", vat="0.2000"):
    n = _next()
    order = Order(member_id=member.id, created_by_id=user.id, status=status, reference=f"CMD-H-{n:05d}",
                  delivery_site="Mairie", total_ht=Decimal(ht))
    db.session.add(order)
    db.session.flush()
    db.session.add(OrderLine(order_id=order.id, offer_id=offer.id, product_id=offer.product_id, quantity=1,
                             base_unit_price_ht=Decimal(ht), unit_price_ht=Decimal(ht), vat_rate=Decimal(vat),
                             line_total_ht=Decimal(ht)))
    db.session.flush()
    return order


def _asset(member, code="laptop", acquired=date(2024, 1, 15), **kw):
    category = db.session.scalars(select(Category).where(Category.code == code)).one()
    return asset_services.create_asset(member_id=member.id, category=category, designation="Portable test",
                                       acquisition_date=acquired, purchase_price_ht=Decimal("800.00"), **kw)


def _contract(max_amount="100000.00", committed="0.00", end_on=None, terminated=False):
    n = _next()
    supplier = db.session.scalars(select(Supplier).limit(1)).first()  # make_offer's
    contract = FrameworkContract(reference=f"AC-H-{n}", title=f"Lot H{n}", supplier_id=supplier.id,
                                 start_on=date(2020, 1, 1), end_on=end_on or date(2099, 12, 31),
                                 max_amount_ht=Decimal(max_amount), committed_ht=Decimal(committed),
                                 is_terminated=terminated)
    db.session.add(contract)
    db.session.flush()
    return contract


def _tender(status, deadline):
    n = _next()
    tender = Tender(reference=f"AO-H-{n}", title=f"Consultation H{n}", publication_date=date(2026, 1, 1),
                    bid_deadline=deadline, status=status)
    db.session.add(tender)
    db.session.flush()
    return tender


def need(html: str, key: str) -> tuple[int, str]:
    """(count, linked URL) of the home page's line ``key``."""
    block = re.search(rf'id="need-{key}".*?</li>', html, re.S)
    assert block, f"no line {key} on the home page"
    href = unescape(re.search(r'href="([^"]+)"', block.group(0)).group(1))
    count = re.search(r'class="needs__count">([^<]+)<', block.group(0)).group(1)
    return int(count.replace("\u202f", "").replace("\xa0", "").replace(" ", "")), href


def list_rows(html: str, after: str | None = None) -> int:
    """Rows of the first table body (after the text ``after`` when given), the empty-list row not counted."""
    if after:
        html = html[html.index(after):]
    match = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
    if not match:
        return 0
    rows = re.findall(r"<tr[ >](.*?)</tr>", match.group(1), re.S)
    return sum(1 for row in rows if "colspan" not in row)


def assert_count_matches_list(browser, key: str, expected: int, after: str | None = None) -> str:
    """The home page's count ``key`` equals the rows of the list it links to: the page's first table, the table
    after the link's anchor, or the one after the text ``after``."""
    home = browser.get("/").get_data(as_text=True)
    count, href = need(home, key)
    assert count == expected, (key, count, expected)
    page = browser.get(href)
    assert page.status_code == 200, (href, page.status_code)
    if "#" in href:
        after = f'id="{href.split("#", 1)[1]}"'
    html = page.get_data(as_text=True)
    shown = list_rows(html, after) if (after is None or after in html) else 0
    assert shown == count, (key, href, shown, count)
    return home


@pytest.fixture
def world(app, make_member, make_user, make_offer, make_grid):
    make_grid()
    a, b = make_member(name="Commune Alpha"), make_member(name="Commune Beta")
    w = {"a": a, "b": b, "offer": make_offer(),
         "sec_a": make_user("secretary", member=a, email="sec-a@test.local"),
         "app_a": make_user("approver", member=a, email="app-a@test.local"),
         "sec_b": make_user("secretary", member=b, email="sec-b@test.local"),
         "officer": make_user("purchasing_officer", email="po@test.local"),
         "green": make_user("sustainability_officer", email="green@test.local"),
         "admin": make_user("admin", email="admin@test.local")}
    return w


def test_secretary_counts_equal_the_linked_lists_and_stay_within_her_member(world, browser):
    a, b, offer, sec_a, sec_b = world["a"], world["b"], world["offer"], world["sec_a"], world["sec_b"]
    for status in ("submitted", "submitted", "placed", "partially_delivered", "delivered", "approved"):
        _order(a, sec_a, offer, status)
    for status in ("submitted", "submitted", "submitted", "placed"):  # another member's: never counted
        _order(b, sec_b, offer, status)
    mine = _asset(a, "laptop")
    _asset(a, "laptop", acquired=date(2010, 1, 1))  # past its lifetime
    _asset(b, "laptop", acquired=date(2010, 1, 1))  # another member's
    erased = _asset(b, "laptop")
    db.session.add(DataErasure(asset_id=erased.id, member_id=b.id, method="nist_purge", performed_on=date(2026, 1, 5),
                               operator="Atelier", certificate_ref="EFF-1"))
    pool_services.offer_to_pool(erased, condition="good", note="", actor=sec_b)  # matches (claimable: erased)
    pool_services.offer_to_pool(_asset(b, "laptop"), condition="good", note="", actor=sec_b)  # not erased: not yet
    pool_services.offer_to_pool(_asset(b, "monitor_24"), condition="good", note="", actor=sec_b)  # not my category
    pool_services.offer_to_pool(mine, condition="good", note="", actor=sec_a)  # my own offer
    # claims of her own offers wait for her answer; another member's offer reserved by her is not one
    mine_too, theirs = _asset(a, "laptop"), _asset(b, "laptop")
    for asset, member in ((mine_too, a), (theirs, b)):
        db.session.add(DataErasure(asset_id=asset.id, member_id=member.id, method="nist_purge",
                                   performed_on=date(2026, 1, 5), operator="Atelier", certificate_ref="EFF-2"))
    db.session.flush()
    asked = pool_services.offer_to_pool(mine_too, condition="good", note="", actor=sec_a)
    pool_services.claim_listing(asked, b.id, sec_b)
    wanted = pool_services.offer_to_pool(theirs, condition="good", note="", actor=sec_b)
    pool_services.claim_listing(wanted, a.id, sec_a)  # reserved for her: no longer an offer to match
    db.session.flush()
    browser.login("sec-a@test.local")
    assert_count_matches_list(browser, "orders_submitted", 2)
    assert_count_matches_list(browser, "deliveries_due", 2)
    assert_count_matches_list(browser, "pool_requests", 1)
    assert_count_matches_list(browser, "pool_matching", 1, after="Équipements disponibles")
    assert_count_matches_list(browser, "past_lifetime", 1)


def test_zero_is_shown_and_says_nothing_waits(world, browser, make_member, make_user):
    lonely = make_member(name="Commune Gamma")
    make_user("secretary", member=lonely, email="gamma@test.local")
    _order(world["a"], world["sec_a"], world["offer"], "submitted")  # someone else's
    browser.login("gamma@test.local")
    home = browser.get("/").get_data(as_text=True)
    for key in ("orders_submitted", "deliveries_due", "pool_requests", "pool_matching", "past_lifetime"):
        assert need(home, key)[0] == 0
    assert "Rien ne vous attend pour le moment." in home
    assert 'class="tiles"' not in home  # no more tiles repeating the menu


def test_approver_sees_the_orders_to_decide_with_their_amount_ttc(world, browser):
    a, b, offer = world["a"], world["b"], world["offer"]
    _order(a, world["sec_a"], offer, "submitted", ht="100.00", vat="0.2000")
    _order(a, world["sec_a"], offer, "submitted", ht="50.00", vat="0.0550")
    _order(a, world["sec_a"], offer, "approved", ht="999.00")
    _order(b, world["sec_b"], offer, "submitted", ht="777.00")
    browser.login("app-a@test.local")
    home = assert_count_matches_list(browser, "orders_to_decide", 2)
    # 100 + 20 % and 50 + 5.5 % (2.75): 172.75 TTC; the other member's 777 € are not in it
    assert "Montant total : 172,75\xa0€ TTC" in home


def test_purchasing_officer_counts(world, browser):
    a, b, offer = world["a"], world["b"], world["offer"]
    _order(a, world["sec_a"], offer, "approved")
    _order(b, world["sec_b"], offer, "approved")
    _order(b, world["sec_b"], offer, "submitted")
    today = date.today()
    _contract(committed="85000.00")  # 85 %
    _contract(committed="80000.00")  # exactly 80 %: counted
    _contract(committed="79999.99", end_on=today + timedelta(days=200))  # neither
    _contract(end_on=today + timedelta(days=90))  # exactly 90 days: counted
    _contract(end_on=today + timedelta(days=91))  # not yet
    _contract(committed="95000.00", terminated=True)  # terminated: not counted
    _contract(committed="95000.00", end_on=today - timedelta(days=1))  # ended: not counted
    now = datetime.now(timezone.utc)
    _tender("closed", now - timedelta(days=2))
    _tender("published", now - timedelta(hours=1))  # deadline passed, not closed yet
    _tender("evaluated", now - timedelta(days=5))  # scored, not awarded
    _tender("published", now + timedelta(days=3))  # still open for bids
    _tender("awarded", now - timedelta(days=30))
    browser.login("po@test.local")
    assert_count_matches_list(browser, "orders_approved", 2)
    assert_count_matches_list(browser, "contracts_attention", 3)
    assert_count_matches_list(browser, "tenders_awaiting", 3)
    home = browser.get("/").get_data(as_text=True)
    count, _href = need(home, "decp_unpublished")
    page = browser.get("/decp/").get_data(as_text=True)
    assert count == list_rows(page, 'id="unpublished-title"') and count > 0


def test_sustainability_officer_counts_and_report_status(world, browser):
    a, b = world["a"], world["b"]
    pool_services.offer_to_pool(_asset(a, "laptop"), condition="good", note="", actor=world["sec_a"])  # not erased
    pool_services.offer_to_pool(_asset(b, "monitor_24"), condition="good", note="", actor=world["sec_b"])  # no data
    uncertified, certified, both = _asset(a), _asset(b), _asset(b)
    for asset, refs in ((uncertified, [""]), (certified, ["CERT-1"]), (both, ["", "CERT-2"])):
        for ref in refs:
            db.session.add(DataErasure(asset_id=asset.id, member_id=asset.member_id, method="nist_purge",
                                       performed_on=date(2026, 1, 5), operator="Atelier", certificate_ref=ref))
    db.session.flush()
    browser.login("green@test.local")
    assert_count_matches_list(browser, "pool_open", 1)  # the claimable ones, as the pool lists them
    home = assert_count_matches_list(browser, "erasures_uncertified", 1)
    last = date.today().year - 1
    assert f"Rapport {last} : année complète" in unescape(home)
    assert f"year={last}" in home


def test_admin_counts_users_without_a_member(world, browser, make_user):
    make_user("secretary", member=None, email="orphan@test.local")
    browser.login("admin@test.local")
    assert_count_matches_list(browser, "users_without_member", 1)
    assert_count_matches_list(browser, "emails_failed", 0)


@pytest.mark.parametrize("email", ["sec-a@test.local", "app-a@test.local", "po@test.local", "green@test.local",
                                   "admin@test.local"])
def test_home_queries_do_not_grow_with_the_data(world, browser, email):
    """One aggregate query per count: the same number of statements with 1 or 6 rows of each kind."""
    browser.login(email)

    def statements():
        with count_queries() as sent:
            assert browser.get("/").status_code == 200
        return len(sent)

    before = statements()
    for _ in range(5):
        _order(world["a"], world["sec_a"], world["offer"], "submitted")
        _order(world["a"], world["sec_a"], world["offer"], "approved")
        _order(world["a"], world["sec_a"], world["offer"], "placed")
        _asset(world["a"], acquired=date(2010, 1, 1))
        _contract(committed="90000.00")
    db.session.flush()
    assert statements() == before


def test_the_home_page_in_english(world, browser):
    browser.login("sec-a@test.local")
    browser.post_form("/language", {"locale": "en", "next": "/"}, page="/")
    html = browser.get("/").get_data(as_text=True)
    assert "What needs you" in html and "Orders waiting for approval" in html and "Deliveries due" in html
    assert 'aria-label="Global search"' in html
