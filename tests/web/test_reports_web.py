"""Sustainability report pages: charts per scope, exports equal to the page, access by role and member."""
import io
import re
from html import unescape

import openpyxl
import pytest

from purchasing.demo import load_demo
from purchasing.members.models import Member
from purchasing.extensions import db
from sqlalchemy import select


@pytest.fixture
def officer(browser, make_user):
    make_user(role="sustainability_officer", email="green@test.local")
    browser.login("green@test.local")
    return browser


def _svgs(html):
    return re.findall(r"<svg .*?</svg>", html, flags=re.S)


def test_demo_charts_render_for_each_scope_and_the_xlsx_equals_the_page(app, browser):
    """As a new user would: the demo's sustainability officer, territory, an EPCI, a commune."""
    load_demo(seed=2026)
    epci = db.session.scalars(select(Member).where(Member.kind == "epci").order_by(Member.id)).first()
    member = db.session.scalars(select(Member).where(Member.insee_code == "24520")).one()
    browser.login("durabilite@demo.local", "demo")
    for query in ("", f"?scope=epci&id={epci.id}", f"?scope=member&id={member.id}"):
        response = browser.get("/reports/sustainability" + query)
        assert response.status_code == 200
        html = unescape(response.get_data(as_text=True))
        svgs = _svgs(html)
        assert len(svgs) == 4 and all("<path" in svg for svg in svgs), query
        assert "Nombre d'équipements" in html and "Objectif légal" in html and "Parts réglementaires" in html
    _xlsx_equals_page(browser)


def _xlsx_equals_page(browser):
    html = unescape(browser.get("/reports/sustainability").get_data(as_text=True))
    book = openpyxl.load_workbook(io.BytesIO(browser.get("/reports/sustainability.xlsx").data))
    assert {"fleet", "fleet_summary", "lifetimes", "purchases", "retired", "carbon", "end_of_life"} <= set(book.sheetnames)
    sheet = book["fleet_summary"]
    fleet_count = sheet["B3"].value
    assert sheet["A3"].value == "Équipements en parc"
    assert re.search(rf"<td class=\"num\">{fleet_count:,}</td>".replace(",", "\u202f"), html)
    carbon = book["carbon"]
    central = carbon["C4"].value  # fleet annual footprint, central
    assert carbon["A4"].value == "Empreinte annuelle du parc"
    shown = f"{central:,.1f}".replace(",", "\u202f").replace(".", ",")
    assert shown in html


def test_csv_export(officer):
    response = officer.get("/reports/sustainability.csv?year=2026")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "Parc par catégorie et statut" in response.get_data(as_text=True)


def test_member_users_see_only_their_member(browser, make_member, make_user):
    mine, other = make_member(name="Ma commune"), make_member(name="Autre commune")
    make_user(role="secretary", member=mine, email="sec@mine.test")
    browser.login("sec@mine.test")
    page = browser.get("/reports/sustainability").get_data(as_text=True)
    assert mine.name in page
    assert browser.get("/reports/sustainability?scope=territory").status_code == 403
    assert browser.get(f"/reports/sustainability?scope=member&id={other.id}").status_code == 404
    assert browser.get(f"/reports/sustainability.xlsx?scope=member&id={other.id}").status_code == 404


@pytest.mark.parametrize("query, status", [("?year=1990", 400), ("?year=2020", 400), ("?year=abc", 400), ("?scope=planet", 400),
                                           ("?scope=epci", 400), ("?scope=epci&id=999999", 404),
                                           ("?scope=member&id=abc", 404)])
def test_bad_parameters_are_4xx_with_a_french_message(officer, query, status):
    response = officer.get("/reports/sustainability" + query)
    assert response.status_code == status
    if status == 400:
        assert "invalide" in response.get_data(as_text=True) or "Choisissez" in response.get_data(as_text=True)


def test_a_members_report_preselects_its_epci(officer, make_member):
    epci = make_member(kind="epci", name="CC des Tests", insee_code=None)
    make_member(kind="epci", name="AAA première CC", insee_code=None)
    member = make_member(name="Commune rattachée", epci_id=epci.id)
    html = officer.get(f"/reports/sustainability?scope=member&id={member.id}").get_data(as_text=True)
    assert re.search(rf'<option value="{epci.id}" selected>CC des Tests</option>', html)
