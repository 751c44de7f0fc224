"""Sustainability report pages: charts per scope, exports equal to the page, access by role and member."""
import io
import re
from decimal import Decimal
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
        # each chart: its bars (beyond the white background) and a description spelling out its figures
        assert len(svgs) == 4 and all(svg.count("<rect") > 1 and "<desc>" in svg for svg in svgs), query
        assert "Nombre d'équipements" in html and "Objectif légal" in html and "Parts réglementaires" in html
    _xlsx_equals_page(browser)
    _shares_recomputed_from_what_the_page_shows(browser, member.id)


def _xlsx_equals_page(browser):
    html = unescape(browser.get("/reports/sustainability").get_data(as_text=True))
    book = openpyxl.load_workbook(io.BytesIO(browser.get("/reports/sustainability.xlsx").data))
    # one sheet per section named in French, then the charts
    assert book.sheetnames == ["Parc par catégorie et statut", "Parc synthèse", "Durée de vie à la sortie",
                               "Achats par origine", "Équipements sortis part", "Carbone par an",
                               "Filières de fin de vie", "Graphiques"]
    sheet = book["Parc synthèse"]
    fleet_count = sheet["B3"].value
    assert sheet["A3"].value == "Équipements en parc"
    assert re.search(rf"<td class=\"num\">{fleet_count:,}</td>".replace(",", "\u202f"), html)
    carbon = book["Carbone par an"]
    central = carbon["C3"].value  # fleet annual footprint, central, in the territory's unit: tonnes a year
    assert carbon["A3"].value == "Empreinte annuelle du parc" and carbon["C2"].value == "Central (tCO2e par an)"
    assert carbon["C3"].number_format == "#,##0.0"
    shown = f"{central:,.1f}".replace(",", "\u202f").replace(".", ",")
    assert f'<td class="num">{shown}</td>' in html


def _assets(member, code, count):
    from datetime import date
    from decimal import Decimal

    from lifecycle.assets import services
    from purchasing.catalogue.models import Category

    category = db.session.scalars(select(Category).where(Category.code == code)).one()
    for _ in range(count):
        services.create_asset(member_id=member.id, category=category, actor=None, acquisition_date=date(2024, 1, 15),
                              purchase_price_ht=Decimal("800.00"), designation=f"{code} test")


def _csv_sections(text):
    """{section title: [rows]} of the long-format CSV (sections separated by a blank line)."""
    sections = {}
    for block in text.lstrip("\ufeff").strip().split("\n\n"):
        title, *rows = block.splitlines()
        sections[title] = rows
    return sections


def test_csv_export(officer, make_member):
    _assets(make_member(name="Commune A"), "laptop", 2)
    _assets(make_member(name="Commune B"), "smartphone", 3)
    response = officer.get("/reports/sustainability.csv?year=2026")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    sections = _csv_sections(response.get_data(as_text=True))
    # the territory's figures, French decimals, semicolons
    assert sections["Parc par catégorie et statut"] == [
        "Catégorie;En stock;Total", "Ordinateur portable;2;2", "Smartphone;3;3",
    ]
    assert "Équipements en parc;5" in sections["Parc : synthèse"]  # a count, not "5,0"
    assert "Objectif légal (%);;20,0" in sections["Achats par origine"]  # AGEC art. 58: 20 % in 2026
    assert "Objectif légal (%);50,0" in sections["Équipements sortis : part réemployée"]  # REEN: 50 % from 2025
    # 2 laptops 38.36 + 3 smartphones … (category factors, 2025 grid): the page's figure
    # in whole kilograms a year below 10 t, the unit in the column titles
    assert sections["Carbone par an"][0] == ("Indicateur;Bas (kgCO2e par an);Central (kgCO2e par an);"
                                             "Haut (kgCO2e par an);Lignes sans facteur")
    assert sections["Carbone par an"][1] == "Empreinte annuelle du parc;131;173;218;0"


def test_member_users_see_only_their_member(browser, make_member, make_user):
    mine, other = make_member(name="Ma commune"), make_member(name="Autre commune")
    _assets(mine, "laptop", 2)
    _assets(other, "smartphone", 3)
    make_user(role="secretary", member=mine, email="sec@mine.test")
    browser.login("sec@mine.test")
    page = unescape(browser.get("/reports/sustainability").get_data(as_text=True))
    assert mine.name in page and other.name not in page
    # the figures are the member's own: its 2 laptops, not the territory's 5 devices nor the other's phones
    sections = _csv_sections(browser.get("/reports/sustainability.csv").get_data(as_text=True))
    assert sections["Parc par catégorie et statut"] == ["Catégorie;En stock;Total", "Ordinateur portable;2;2"]
    assert "Équipements en parc;2" in sections["Parc : synthèse"]
    assert re.search(r'<td class="num">2</td>', page) and not re.search(r'<td class="num">5</td>', page)
    assert browser.get("/reports/sustainability?scope=territory").status_code == 403
    assert browser.get(f"/reports/sustainability?scope=member&id={other.id}").status_code == 404
    assert browser.get(f"/reports/sustainability.xlsx?scope=member&id={other.id}").status_code == 404


@pytest.mark.parametrize("query, field", [("?year=1990", "report-year"), ("?year=2020", "report-year"),
                                          ("?year=abc", "report-year"), ("?scope=planet", "scope"),
                                          ("?scope=epci", "epci-id"), ("?scope=epci&id=999999", "epci-id"),
                                          ("?scope=member&id=abc", "member"), ("?scope=member&id=999999", "member"),
                                          ("?scope=member&id=99999999999999999999", "member"),
                                          ("?scope=member&id=%D9%A3", "member"), ("?scope=epci&id=%D9%A3", "epci-id")])
def test_bad_parameters_are_a_french_error_on_their_field(officer, query, field):
    """A bad year, scope, EPCI or member (a bookmarked or typed address): the form again with the error on the
    field, no figures, never a 500."""
    response = officer.get("/reports/sustainability" + query)
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    error = re.search(rf'<p class="error-message" id="{field}-error">([^<]+)</p>', html)
    assert error and re.search("invalide|Choisissez|Aucun", error.group(1)), html[:2000]
    assert 'id="report-scope-refused"' in html and "Indicateurs clés" not in html


@pytest.mark.parametrize("query, status", [("?year=1990", 400), ("?year=abc", 400), ("?scope=planet", 400),
                                           ("?scope=epci", 400), ("?scope=epci&id=999999", 404),
                                           ("?scope=member&id=abc", 404)])
def test_the_files_refuse_bad_parameters_with_a_4xx(officer, query, status):
    for suffix in (".xlsx", ".csv"):
        assert officer.get(f"/reports/sustainability{suffix}" + query).status_code == status, suffix


def test_a_members_report_preselects_its_epci(officer, make_member):
    epci = make_member(kind="epci", name="CC des Tests", insee_code=None)
    make_member(kind="epci", name="AAA première CC", insee_code=None)
    member = make_member(name="Commune rattachée", epci_id=epci.id)
    html = officer.get(f"/reports/sustainability?scope=member&id={member.id}").get_data(as_text=True)
    assert re.search(rf'<option value="{epci.id}" selected>CC des Tests</option>', html)


def test_the_report_opens_on_the_last_complete_year_and_says_when_a_year_is_provisional(officer):
    from datetime import date

    this_year = date.today().year
    page = unescape(officer.get("/reports/sustainability").get_data(as_text=True))
    assert f"Rapport durabilité {this_year - 1}" in page and 'id="provisional-year"' not in page
    assert f'<option value="{this_year + 1}"' not in page  # next year is not offered
    assert f"{this_year} (en cours, provisoire)" in page
    current = unescape(officer.get(f"/reports/sustainability?year={this_year}").get_data(as_text=True))
    assert f"Rapport durabilité {this_year}" in current and 'id="provisional-year"' in current
    assert "31 décembre" in current


def _number(text: str) -> Decimal:
    """A French figure of the page ("1 234,56 €", "19,4") as a Decimal."""
    return Decimal(re.sub(r"[^\d,\-]", "", text).replace(",", "."))


def _shares_recomputed_from_what_the_page_shows(browser, member_id):
    """Issue 15: each share is shown with its numerator and denominator, and recomputes from them (AGEC by amount,
    REEN by units); a year without retirements says why there is no REEN share."""
    for query in ("?scope=territory&year=2025", f"?scope=member&id={member_id}&year=2025"):
        html = unescape(browser.get("/reports/sustainability" + query).get_data(as_text=True))
        kpis = re.findall(r'<span class="kpi__value">([^<]*)</span>', html)
        basis = re.search(r'id="kpi-agec-basis">([^<]*)<', html).group(1)
        if kpis[1].strip() == "—":
            assert "pas de part à calculer" in basis, query
        else:
            agec = re.match(r"soit (.*?) HT sur (.*?) HT d", basis)
            share, numerator, denominator = _number(kpis[1]), _number(agec.group(1)), _number(agec.group(2))
            assert denominator > 0 and share == (numerator / denominator * 100).quantize(Decimal("0.1")), query
        reen = re.search(r'id="kpi-reen-basis">([^<]*)<', html).group(1)
        if kpis[2].strip() == "—":
            assert "pas de part à calculer" in reen, query
        else:
            reused, counted = (_number(n) for n in re.match(r"soit ([\d\u202f ]+) sur ([\d\u202f ]+) ", reen).groups())
            assert _number(kpis[2]) == (reused / counted * 100).quantize(Decimal("0.1")), query


def test_the_print_layout_has_the_edition_the_signature_and_the_whole_trajectory(officer):
    from purchasing.syndicate.models import SyndicateIdentity

    db.session.add(SyndicateIdentity(id=1, name="SDN 24", signatory_name="Anne Martin", signatory_title="Présidente"))
    db.session.commit()
    page = unescape(officer.get("/reports/sustainability?scope=territory&year=2025&print=1").get_data(as_text=True))
    assert "Édité le" in page and "année 2025" in page
    assert "Pour le syndicat SDN 24," in page and "Anne Martin, Présidente" in page and "Date et signature" in page
    trajectory = page[page.index('id="trajectory-title"'):]
    trajectory = trajectory[:trajectory.index("</table>")]
    for year, rate in (("2021", "20 %"), ("2027", "25 %"), ("2030", "30 %"), ("2023", "25 %"), ("2024", "35 %")):
        assert f'<td class="num">{year}</td><td class="num">{rate}</td>' in trajectory, year
    # the rule in force in 2025 is marked, for each obligation
    current = re.findall(r'<tr class="trajectory--current"><th scope="row">[^<]+</th><td class="num">(\d{4})</td>',
                         trajectory)
    assert current == ["2025", "2025"]
    screen = unescape(officer.get("/reports/sustainability?scope=territory&year=2025").get_data(as_text=True))
    assert "Édité le" in screen and "Date et signature" not in screen
