"""The orders export streams its CSV from a server-side cursor with the same content as the ORM export it
replaces (issue 14), writes its XLSX row by row, and hands a large XLSX to a job."""
from __future__ import annotations

import inspect
import io
from datetime import date, datetime, time, timezone

from openpyxl import load_workbook
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from purchasing.accounts.models import User
from purchasing.catalogue.models import Product
from purchasing.demo import load_demo
from purchasing.extensions import db
from purchasing.members.models import Member
from purchasing.orders import exports
from purchasing.orders.models import Order, OrderLine
from purchasing.scoping import member_scope


def _previous_order_rows(user, member_id, start, end) -> list[dict]:
    """The export as it was built before (every line loaded as ORM objects), kept here as the reference."""
    stmt = (select(OrderLine).join(Order, OrderLine.order_id == Order.id)
            .options(joinedload(OrderLine.order).joinedload(Order.member),
                     joinedload(OrderLine.product).joinedload(Product.category))
            .where(Order.status != "draft", Order.submitted_dt.is_not(None)))
    stmt = member_scope(stmt, Order, user)
    if member_id:
        stmt = stmt.where(Order.member_id == member_id)
    if start:
        stmt = stmt.where(Order.submitted_dt >= datetime.combine(start, time.min, timezone.utc))
    if end:
        stmt = stmt.where(Order.submitted_dt <= datetime.combine(end, time.max, timezone.utc))
    rows = []
    for line in db.session.scalars(stmt.order_by(Order.id, OrderLine.id)).unique().all():
        order = line.order
        rows.append(dict(zip(exports.ORDER_COLUMNS, [
            order.reference, order.member.name, order.status, order.submitted_dt.date().isoformat(),
            order.delivery_site, line.product.name, line.product.manufacturer_ref, line.quantity,
            str(line.base_unit_price_ht), str(line.fee_rate), str(line.unit_price_ht), str(line.line_total_ht),
            line.delivered_quantity])))
    return rows


def _previous_file(user, member_id=None, start=None, end=None, fmt="csv") -> bytes:
    frame = exports.safe_frame(_previous_order_rows(user, member_id, start, end), exports.ORDER_COLUMNS)
    return exports.frame_file(frame, fmt, "commandes")[2]


def _cells(content: bytes) -> list[list]:
    return [list(r) for r in load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(values_only=True)]


def _user(email: str) -> User:
    return db.session.scalars(select(User).where(User.email == email)).one()


def test_the_streamed_csv_and_the_xlsx_hold_what_the_orm_export_held_on_the_demo(app, browser, make_user):
    load_demo(seed=2026)
    # a hostile delivery site must stay text in both files
    first = db.session.scalars(select(Order).where(Order.submitted_dt.is_not(None)).order_by(Order.id)).first()
    db.session.execute(update(Order).where(Order.id == first.id).values(delivery_site="=HYPERLINK(\"x\";\"y\")"))
    admin = _user("admin@demo.local")
    busiest = db.session.scalars(select(Order.member_id).where(Order.submitted_dt.is_not(None))
                                 .group_by(Order.member_id).order_by(func.count().desc(), Order.member_id)).first()
    secretary = make_user(role="secretary", member=db.session.get(Member, busiest), email="sec@busiest.test")

    browser.login("admin@demo.local", "demo")
    response = browser.get("/orders/export?fmt=csv")
    assert response.status_code == 200 and response.is_streamed and response.mimetype == "text/csv"
    assert response.data == _previous_file(admin)
    lines = response.data.decode("utf-8-sig").splitlines()
    assert len(lines) > 100 and "'=HYPERLINK" in response.data.decode("utf-8")

    today = date.today()
    start = date(today.year, 1, 1)
    assert browser.get(f"/orders/export?fmt=csv&start={start}&end={today}").data == \
        _previous_file(admin, start=start, end=today)
    member_id = secretary.member_id
    assert browser.get(f"/orders/export?fmt=csv&member={member_id}").data == _previous_file(admin, member_id)
    xlsx = browser.get("/orders/export?fmt=xlsx")
    assert xlsx.mimetype == exports.XLSX_MIME
    assert _cells(xlsx.data) == _cells(_previous_file(admin, fmt="xlsx"))

    # a member's user: its own member's orders only; another member's are not in the file
    other = browser.__class__(app.test_client())
    other.login("sec@busiest.test")
    own = other.get("/orders/export?fmt=csv").data
    assert own == _previous_file(secretary)
    foreign = other.get(f"/orders/export?fmt=csv&member={first.member_id if first.member_id != busiest else 1}")
    assert secretary.member.name not in foreign.get_data(as_text=True).split("\n", 1)[-1] or foreign.status_code == 422
    assert first.reference not in foreign.get_data(as_text=True)
    own_lines = own.decode("utf-8-sig").splitlines()[1:]
    assert len(own_lines) > 2 and {line.split(";")[1] for line in own_lines} == {secretary.member.name}


def test_rows_come_from_a_generator_and_the_csv_in_chunks(app):
    load_demo(seed=2026)
    admin = _user("admin@demo.local")
    rows = exports.iter_order_rows(admin, None, None, None)
    assert inspect.isgenerator(rows)
    first = next(rows)
    assert len(first) == len(exports.ORDER_COLUMNS)
    rows.close()  # a reader that stops early releases the cursor
    chunks = exports.csv_chunks(exports.ORDER_COLUMNS, exports.iter_order_rows(admin, None, None, None),
                                chunk_size=4096)
    assert inspect.isgenerator(chunks)
    pieces = list(chunks)
    assert len(pieces) > 5 and all(len(p) < 4096 + 1000 for p in pieces)
    assert "".join(pieces).encode("utf-8") == _previous_file(admin)


def test_a_large_xlsx_is_prepared_by_a_job_and_the_csv_still_streams(app, browser, monkeypatch):
    load_demo(seed=2026)
    monkeypatch.setattr(exports, "XLSX_DIRECT_MAX_LINES", 10)
    browser.login("admin@demo.local", "demo")
    page = browser.get("/orders/export?fmt=xlsx")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "tâche de fond" in html and 'action="/jobs/orders-export"' in html
    assert browser.get("/orders/export?fmt=csv").is_streamed
