"""Every list page has a CSV/XLSX export of exactly the rows its filters show, across all its pages (issue 15).

The world is the route-access world (``ctx``) plus a few rows per list, so that each filtered list spans
several pages at ``per_page=2`` and its filter leaves rows out. The export links are read from the list page
itself (they must keep its filters); the keys of the exported rows are compared with the keys of the rows the
page lists (``<tr data-key="…">``), page after page.
"""
from __future__ import annotations

import csv
import html
import io
import itertools
import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from purchasing import list_exports
from purchasing.accounts.models import Role
from purchasing.extensions import db
from tests.web.test_route_access import ctx  # noqa: F401 - the fixture

_N = itertools.count(1)  # unique references when a world's rows are added twice
KEY_RE = re.compile(r'<tr data-key="([^"]*)"')
NEXT_RE = re.compile(r'<a href="([^"]+)" rel="next">')
EXPORT_RE = re.compile(r'<p class="list-export">.*?<a href="([^"]+)"[^>]*>CSV<.*?<a href="([^"]+)"', re.S)


def _email(role) -> str:
    return f"{role}@{'a' if role in (Role.SECRETARY, Role.APPROVER) else 's'}.test"


def _laptop():
    from purchasing.catalogue.models import Category

    return db.session.scalars(select(Category).where(Category.code == "laptop")).one()


# --- a few more rows per list, and the filtered URL to compare -------------------------------------------

def _inventory(c, make_member, make_user):
    from lifecycle.assets import services

    for n in range(4):
        services.create_asset(member_id=c["member_a"].id, category=_laptop(), designation=f"Portable A{n}", site="Mairie")
    services.create_asset(member_id=c["member_b"].id, category=_laptop(), designation="Portable B", site="Mairie")
    return Role.ADMIN, f"/lifecycle/?member_id={c['member_a'].id}"


def _pool(c, make_member, make_user):
    from lifecycle.assets import services
    from lifecycle.pool import services as pool

    for n, condition in enumerate(("good", "good", "fair", "good")):
        asset = services.create_asset(member_id=c["member_b"].id, category=_laptop(), designation=f"Bourse {n}")
        # erased first, as a laptop must be before a member can claim it (the pool lists the claimable ones)
        services.record_erasure(asset, method="nist_purge", performed_on=date(2026, 1, 5), operator="Atelier",
                                certificate_ref=f"EFF-{n + 1:03d}", actor=None)
        pool.offer_to_pool(asset, condition=condition, note="", actor=None)
    return Role.SECRETARY, "/lifecycle/pool?condition=good"


def _audits(c, make_member, make_user):
    from lifecycle.audits import services

    for n in range(3):
        services.start_audit(c["member_a"].id, f"École {n}", None)
    services.close_audit(services.start_audit(c["member_a"].id, "Salle des fêtes", None), None)
    return Role.SECRETARY, "/lifecycle/audits?status=open"


def _tenders(c, make_member, make_user):
    from tests.tender_helpers import make_tender

    for n in range(3):
        make_tender(f"AO-EXP-{next(_N)}")
    return Role.PURCHASING_OFFICER, "/tenders/?q=exp"


def _contracts(c, make_member, make_user, make_offer):
    for _n in range(3):
        make_offer(price="10.00")
    from purchasing.contracts.models import FrameworkContract

    db.session.get(FrameworkContract, c["offer"].contract_id).reference = "MARCHE-2026-1"  # left out by the filter
    return Role.PURCHASING_OFFICER, "/contracts/?q=ac-t"


def _purchase_orders(c, make_member, make_user):
    from purchasing.purchase_orders.models import PurchaseOrder

    po = c["po"]
    for n in range(3):
        db.session.add(PurchaseOrder(reference=f"BC-EXP-{next(_N)}", supplier_id=po.supplier_id, contract_id=po.contract_id,
                                     status="sent", total_ht=Decimal("12.50"),
                                     created_by_id=c["users"][Role.PURCHASING_OFFICER].id))
    db.session.flush()
    return Role.ADMIN, "/purchase-orders/?status=sent"


def _members(c, make_member, make_user):
    epci = make_member(name=f"Exportville EPCI {next(_N)}", kind="epci")
    for n in range(3):
        make_member(name=f"Exportville {n}", epci_id=epci.id)
    return Role.SUSTAINABILITY_OFFICER, "/members/?q=exportville&kind=commune"


def _submitted_orders(c, user, count):
    from purchasing.orders.services import add_to_cart, get_cart, submit_order, update_cart

    today = date.today()
    c["member_a"].approval_threshold_ht = Decimal("0.00")  # every order waits for the approver
    for _n in range(count):
        add_to_cart(user, c["offer"].id, 2, today)
        cart = get_cart(user)
        update_cart(cart, {}, "Mairie", "", today)
        submit_order(cart, user, today)


def _orders(c, make_member, make_user):
    _submitted_orders(c, c["secretary"], 3)
    return Role.PURCHASING_OFFICER, "/orders/?status=submitted"


def _orders_to_approve(c, make_member, make_user):
    _submitted_orders(c, c["secretary"], 3)
    return Role.APPROVER, "/orders/to-approve"


def _campaigns(c, make_member, make_user):
    from purchasing.campaigns.services import create_campaign

    today = date.today()
    for n in range(4):
        campaign = create_campaign(c["offer"].id, f"Écrans {n}", today + timedelta(days=10 + n), 1, None,
                                   c["users"][Role.PURCHASING_OFFICER], today)
    campaign.status = "closed"  # left out by the filter
    return Role.APPROVER, "/campaigns/?status=open"


def _suppliers(c, make_member, make_user):
    from tests.tender_helpers import make_supplier

    for n in range(3):
        make_supplier(f"Export Matériel {n}")
    return Role.PURCHASING_OFFICER, "/suppliers/?q=export"


def _users(c, make_member, make_user):
    for n in range(3):
        make_user(role=Role.APPROVER, member=c["member_b"], email=f"export-approver{next(_N)}@b.test")
    return Role.ADMIN, "/admin/users?role=approver&q=b.test"


def _catalogue(c, make_member, make_user, make_offer):
    for n in range(3):
        make_offer(price=f"{20 + n}.00", name=f"Écran export {n}")
    make_offer(price="30.00", name="Clavier export")
    return Role.SECRETARY, "/catalogue/?q=ecran+export&sort=price"


WORLD = {
    "catalogue": _catalogue,
    "inventory": _inventory, "pool": _pool, "audits": _audits, "tenders": _tenders, "contracts": _contracts,
    "purchase_orders": _purchase_orders, "members": _members, "orders": _orders,
    "orders_to_approve": _orders_to_approve, "campaigns": _campaigns, "suppliers": _suppliers, "users": _users,
}


def test_every_registered_list_is_checked_here_and_every_paginated_page_has_an_export(app):
    """A new list export is added to WORLD; a list page rendering the pager has an export (or says why not)."""
    assert set(WORLD) == set(list_exports.REGISTRY)
    exported = {entry.list_endpoint for entry in list_exports.REGISTRY.values()}
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    paged = set()
    for path in root.rglob("*.html"):
        paged.update(re.findall(r"pager\(pagination, '([\w.]+)'\)", path.read_text(encoding="utf-8")))
    #: lists without an export, and why: personal or technical lists, not data people take elsewhere
    without = {
        "jobs.index": "the user's own background jobs (their files are downloaded from there)",
        "notifications.index": "the user's own notifications",
        "mail.outbox": "the technical e-mail outbox",
        "security.log": "the security log (kept in the application)",
        "syndicate.site_merges": "a one-off migration record",
        "pricing.index": "tariff grid versions (a handful of rows)",
        "members.sites": "a member's delivery sites, shown on the member's page",
        "purchase_orders.to_place": "groups of lines to place (a work queue, not a list)",
    }
    assert paged - exported <= set(without), sorted(paged - exported - set(without))


def _page_keys(browser, url) -> tuple[list[str], tuple[str, str], int]:
    """The keys of every row the list shows, following its "next" links; its export links; the pages seen."""
    keys, links, pages = [], None, 0
    while url:
        response = browser.get(url)
        assert response.status_code == 200, (url, response.status_code)
        page = response.get_data(as_text=True)
        keys += [html.unescape(k) for k in KEY_RE.findall(page)]
        if links is None:
            match = EXPORT_RE.search(page)
            assert match, f"no export links on {url}"
            links = (html.unescape(match.group(1)), html.unescape(match.group(2)))
        following = NEXT_RE.search(page)
        url = html.unescape(following.group(1)) if following else None
        pages += 1
    return keys, links, pages


def _csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig")), delimiter=";"))


def _xlsx_rows(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def _world(name, ctx, request):
    builder = WORLD[name]
    fixtures = [request.getfixturevalue(f) for f in ("make_member", "make_user")]
    if name in ("contracts", "catalogue"):
        fixtures.append(request.getfixturevalue("make_offer"))
    role, url = builder(ctx, *fixtures)
    db.session.commit()
    return role, url


@pytest.mark.parametrize("name", sorted(WORLD))
def test_the_export_holds_exactly_the_rows_the_filtered_list_shows_across_its_pages(name, ctx, browser, request, app):
    entry = list_exports.REGISTRY[name]
    with app.test_request_context():
        titles = [str(c.title) for c in entry.columns]
    role, url = _world(name, ctx, request)
    browser.login(_email(role))
    keys, (csv_link, xlsx_link), pages = _page_keys(browser, url + ("&" if "?" in url else "?") + "per_page=2")
    assert len(keys) >= 3 and pages >= 2, (name, keys, pages)
    # the links keep the page's filters, not its page parameters
    filters = parse_qs(urlsplit(url).query)
    for link in (csv_link, xlsx_link):
        assert parse_qs(urlsplit(link).query) == filters, (name, link)

    rows = _csv_rows(browser.get(csv_link))
    assert rows[0] == titles
    assert [r[entry.key] for r in rows[1:]] == keys, name

    response = browser.get(xlsx_link)
    assert response.status_code == 200 and response.mimetype == list_exports.XLSX_MIME
    cells = _xlsx_rows(response.data)
    assert [str(v) for v in (r[entry.key] for r in cells[1:])] == keys, name

    # the filter matters: without it the list holds more rows (so the equality above is the filter's)
    unfiltered = _csv_rows(browser.get(urlsplit(csv_link).path))
    if name != "orders_to_approve":  # no filter of its own: the approver's submitted orders
        assert len(unfiltered) > len(rows), name


# --- scope ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path, other", [
    ("/lifecycle/export.csv", lambda c: {a.tag for a in _assets_of(c["member_b"])}),
    ("/orders/export.csv", lambda c: {c["order_b"].reference, c["order_placed"].reference}),
    ("/lifecycle/audits/export.csv", lambda c: {str(c["audit_b"].id)}),
])
def test_a_member_user_never_exports_another_members_rows(path, other, ctx, browser):
    """Even asking for the other member by the staff's filter (ignored for member users)."""
    browser.login("secretary@a.test")
    for query in ("", f"?member_id={ctx['member_b'].id}"):
        rows = _csv_rows(browser.get(path + query))
        exported = {r[0] for r in rows[1:]}
        assert exported, path
        assert not exported & other(ctx), (path, query)
    rows = _csv_rows(browser.get("/lifecycle/export.csv"))
    member_column = rows[0].index("Adhérent")
    assert {r[member_column] for r in rows[1:]} == {ctx["member_a"].name}


def _assets_of(member):
    from lifecycle.assets.models import Asset

    return db.session.scalars(select(Asset).where(Asset.member_id == member.id)).all()


def test_a_list_closed_to_the_role_is_not_exported(ctx, browser):
    browser.login("secretary@a.test")
    assert browser.get("/members/export.csv").status_code == 403
    assert browser.get("/admin/users/export.xlsx").status_code == 403
    assert browser.post_form("/tenders/export.xlsx", {}, page="/").status_code == 403
    assert browser.get("/lifecycle/export.pdf").status_code == 404


# --- cells: formula injection, money, dates ---------------------------------------------------------------

def test_cells_are_safe_from_formula_injection_in_both_formats(ctx, browser, make_member):
    from lifecycle.assets import services

    hostile = ['=HYPERLINK("http://evil.example";"x")', "+33 1 23", "-2+3", "@SUM(A1)", "\tcmd"]
    for text in hostile:
        services.create_asset(member_id=ctx["member_a"].id, category=_laptop(), designation=text)
    db.session.commit()
    browser.login("secretary@a.test")
    rows = _csv_rows(browser.get("/lifecycle/export.csv"))
    column = rows[0].index("Équipement")
    names = [r[column] for r in rows[1:]]
    for text in hostile:
        assert "'" + text in names, text
        assert text not in names
    sheet = load_workbook(io.BytesIO(browser.get("/lifecycle/export.xlsx").data)).active
    cells = [row[column] for row in sheet.iter_rows(min_row=2)]
    for text in hostile:
        cell = next(c for c in cells if c.value == "'" + text)
        assert cell.data_type == "s", text  # a string, never a formula


def test_money_has_two_decimals_and_dates_are_in_paris_time(ctx, browser):
    from purchasing.contracts.models import FrameworkContract
    from purchasing.tenders.models import Tender

    contract = db.session.get(FrameworkContract, ctx["offer"].contract_id)
    contract.max_amount_ht, contract.committed_ht = Decimal("1234.5"), Decimal("0.25")
    tender = ctx["tender"]
    tender.bid_deadline = datetime(2026, 7, 1, 10, 0, tzinfo=timezone.utc)  # 12:00 in Paris (summer time)
    db.session.commit()
    browser.login("purchasing_officer@s.test")

    rows = _csv_rows(browser.get(f"/contracts/export.csv?q={contract.reference}"))
    header, row = rows[0], rows[1]
    assert row[header.index("Montant maximum HT")] == "1234,50"
    assert row[header.index("Engagé HT")] == "0,25"
    assert row[header.index("Restant HT")] == "1234,25"
    assert row[header.index("Début")] == contract.start_on.strftime("%d/%m/%Y")
    sheet = load_workbook(io.BytesIO(browser.get(f"/contracts/export.xlsx?q={contract.reference}").data)).active
    titles = [c.value for c in sheet[1]]
    amount = sheet.cell(row=2, column=titles.index("Montant maximum HT") + 1)
    assert amount.value == 1234.5 and amount.number_format == "#,##0.00"
    start = sheet.cell(row=2, column=titles.index("Début") + 1)
    assert start.value == datetime.combine(contract.start_on, datetime.min.time())
    assert start.number_format == "DD/MM/YYYY"

    rows = _csv_rows(browser.get(f"/tenders/export.csv?q={tender.reference}"))
    deadline_column = rows[0].index("Date limite de remise des offres")
    assert {r[deadline_column] for r in rows[1:] if r[0] == tender.reference} == {"01/07/2026 12:00"}
    sheet = load_workbook(io.BytesIO(browser.get(f"/tenders/export.xlsx?q={tender.reference}").data)).active
    titles = [c.value for c in sheet[1]]
    cell = next(row[titles.index("Date limite de remise des offres")] for row in sheet.iter_rows(min_row=2)
                if row[0].value == tender.reference)
    assert cell.value == datetime(2026, 7, 1, 12, 0) and cell.number_format == "DD/MM/YYYY HH:MM"


def test_the_english_interface_gets_english_column_titles(ctx, browser):
    browser.login("admin@s.test")
    browser.post_form("/language", {"locale": "en"}, page="/")
    rows = _csv_rows(browser.get("/suppliers/export.csv"))
    assert rows[0][:2] == ["Company name", "SIRET"]


# --- large XLSX: a job ------------------------------------------------------------------------------------

def test_an_xlsx_above_the_threshold_is_prepared_by_a_job_with_the_same_rows(ctx, browser, app, monkeypatch):
    from lifecycle.assets import services

    for n in range(3):
        services.create_asset(member_id=ctx["member_a"].id, category=_laptop(), designation=f"Portable {n}")
    db.session.commit()
    browser.login("secretary@a.test")
    keys = _page_keys(browser, "/lifecycle/?status=in_stock")[0]
    count = len(keys)
    assert count >= 3

    monkeypatch.setitem(app.config, "LIST_EXPORT_XLSX_MAX_ROWS", count)  # exactly at the threshold: the file
    response = browser.get("/lifecycle/export.xlsx?status=in_stock")
    assert response.mimetype == list_exports.XLSX_MIME
    assert [r[0] for r in _xlsx_rows(response.data)[1:]] == keys

    monkeypatch.setitem(app.config, "LIST_EXPORT_XLSX_MAX_ROWS", count - 1)  # one row above: a job
    page = browser.get("/lifecycle/export.xlsx?status=in_stock")
    assert page.status_code == 200 and page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    assert "tâche de fond" in text and 'action="/lifecycle/export.xlsx?status=in_stock"' in text
    # the CSV still streams at once
    assert [r[0] for r in _csv_rows(browser.get("/lifecycle/export.csv?status=in_stock"))[1:]] == keys

    started = browser.post_form("/lifecycle/export.xlsx?status=in_stock", {}, page="/lifecycle/export.xlsx?status=in_stock")
    assert started.status_code == 303 and "/jobs/" in started.headers["Location"]
    job_url = urlsplit(started.headers["Location"]).path
    assert "Terminée" in browser.get(job_url).get_data(as_text=True)  # page tests run jobs at once
    result = browser.get(job_url.rstrip("/") + "/result")
    assert result.status_code == 200 and result.mimetype == list_exports.XLSX_MIME
    assert [r[0] for r in _xlsx_rows(result.data)[1:]] == keys


def test_the_job_keeps_the_owners_scope(ctx, browser, app, monkeypatch):
    """A member user's job, even asking for another member, holds only that user's member's rows."""
    monkeypatch.setitem(app.config, "LIST_EXPORT_XLSX_MAX_ROWS", 0)
    browser.login("secretary@a.test")
    url = f"/lifecycle/export.xlsx?member_id={ctx['member_b'].id}"
    started = browser.post_form(url, {}, page="/")
    assert started.status_code == 303
    result = browser.get(urlsplit(started.headers["Location"]).path.rstrip("/") + "/result")
    tags = {r[0] for r in _xlsx_rows(result.data)[1:]}
    assert tags == {a.tag for a in _assets_of(ctx["member_a"]) if a.status != "retired"}
    assert not tags & {a.tag for a in _assets_of(ctx["member_b"])}


def test_the_tenders_export_closes_the_tenders_past_their_deadline_as_the_page_does(ctx, browser, app):
    """The export is opened without the page first: it shows the statuses the page would show."""
    from purchasing.domain.states import TENDER
    from purchasing.tenders.models import Tender

    db.session.execute(Tender.__table__.update().where(Tender.id == ctx["tender"].id).values(status="published"))
    db.session.commit()
    browser.login("purchasing_officer@s.test")
    rows = _csv_rows(browser.get("/tenders/export.csv?q=AO-ACCESS"))
    status = {r[0]: r[rows[0].index("Statut")] for r in rows[1:]}
    with app.test_request_context():
        assert status["AO-ACCESS"] == TENDER.label("closed", "fr")


@pytest.mark.parametrize("name", sorted(WORLD))
def test_an_export_reads_its_rows_in_a_constant_number_of_queries(name, ctx, browser, request):
    """No query per row: twice the rows, the same number of statements (the list's eager loads)."""
    from sqlalchemy import event

    role, url = _world(name, ctx, request)
    browser.login(_email(role))
    path = urlsplit(url).path.rstrip("/")
    export = {"inventory": "/lifecycle", "catalogue": "/catalogue"}.get(name, path) + "/export.csv"
    browser.get(export).get_data()  # once first: what the first reading writes (tenders closed past their deadline)
    counts = []
    for _round in range(2):
        statements = []

        def before(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            rows = _csv_rows(browser.get(export + "?" + urlsplit(url).query))
        finally:
            event.remove(db.engine, "before_cursor_execute", before)
        counts.append((len(rows), len(statements)))
        _world(name, ctx, request)  # as many rows again
    assert counts[1][0] > counts[0][0], counts
    assert counts[1][1] == counts[0][1], counts


def test_the_links_carry_the_filters_only(ctx, browser, app, monkeypatch):
    """Names url_for would read itself (fmt, _external, _scheme…) never reach a link: no 500, no javascript: URL."""
    browser.login("secretary@a.test")
    hostile = "fmt=pdf&endpoint=x&_external=1&_scheme=javascript&_anchor=a&status=in_stock"
    page = browser.get(f"/lifecycle/?{hostile}")
    assert page.status_code == 200
    csv_link, xlsx_link = (html.unescape(link) for link in EXPORT_RE.search(page.get_data(as_text=True)).groups())
    assert csv_link == "/lifecycle/export.csv?status=in_stock" and xlsx_link == "/lifecycle/export.xlsx?status=in_stock"
    assert browser.get(f"/lifecycle/export.csv?{hostile}").status_code == 200
    monkeypatch.setitem(app.config, "LIST_EXPORT_XLSX_MAX_ROWS", 0)
    text = browser.get(f"/lifecycle/export.xlsx?{hostile}").get_data(as_text=True)
    assert re.findall(r'<form method="post" action="([^"]+)" class="form">', text) == [
        "/lifecycle/export.xlsx?status=in_stock"]
    assert 'href="/lifecycle/?status=in_stock">' in text  # back to the list
