"""Date fields say the format they expect and read the day typed in French where no picker is shown (issue 15:
"the browser's date pickers without the expected format said")."""
from __future__ import annotations

import re
from datetime import date

from werkzeug.datastructures import MultiDict

from lifecycle.assets.models import DataErasure
from purchasing.extensions import db
from purchasing.forms import DateField


def test_a_date_field_reads_the_pickers_iso_day_and_the_french_typed_day(app):
    from flask_wtf import FlaskForm

    class Form(FlaskForm):
        class Meta:
            csrf = False

        day = DateField("Jour")

    with app.test_request_context():
        for typed in ("2026-12-31", "31/12/2026"):
            form = Form(MultiDict({"day": typed}))
            assert form.validate() and form.day.data == date(2026, 12, 31), typed
        for wrong in ("31-12-2026", "12/31/2026", "31/12/26"):
            form = Form(MultiDict({"day": wrong}))
            assert not form.validate() and form.day.errors, wrong
        assert Form(data={"day": date(2026, 1, 5)}).day._value() == "2026-01-05"  # what a picker reads


def test_the_page_says_the_format_next_to_the_picker(browser, make_user):
    make_user(role="purchasing_officer", email="achats@s.test")
    browser.login("achats@s.test")
    html = browser.get("/tenders/new").get_data(as_text=True)
    date_input = re.search(r'<input[^>]*id="publication_date"[^>]*>', html).group(0)
    assert 'type="date"' in date_input and 'aria-describedby="publication_date-hint"' in date_input
    assert re.search(r'id="publication_date-hint">Date au format jj/mm/aaaa', html)
    deadline = re.search(r'<input[^>]*id="bid_deadline"[^>]*>', html).group(0)
    assert 'aria-describedby="bid_deadline-hint"' in deadline and "jj/mm/aaaa hh:mm" in html


def test_an_erasure_dated_as_typed_in_french_is_recorded(browser, make_member, make_user):
    from sqlalchemy import select

    from lifecycle.assets import services
    from purchasing.catalogue.models import Category

    member = make_member()
    make_user(member=member, email="sec@m.test")
    laptop = db.session.scalars(select(Category).where(Category.code == "laptop")).one()
    asset = services.create_asset(member_id=member.id, category=laptop, designation="Portable")
    db.session.commit()
    browser.login("sec@m.test")
    page = f"/lifecycle/assets/{asset.id}"
    response = browser.post_form(f"{page}/erasure", {"erasure-method": "nist_purge", "erasure-performed_on": "05/01/2026",
                                                     "erasure-operator": "Atelier", "erasure-certificate_ref": "EFF-7"},
                                 page=page)
    assert response.status_code == 302
    assert db.session.query(DataErasure).filter_by(asset_id=asset.id).one().performed_on == date(2026, 1, 5)
