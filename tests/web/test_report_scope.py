"""The sustainability report's one scope picker (issue 15: "three scope forms with three year selectors"), its
carbon table per year and its amounts in euros, through the HTTP client."""
from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal
from html import unescape

import openpyxl
import pytest
from sqlalchemy import select

from lifecycle.reports import data as report_data
from purchasing.demo import load_demo
from purchasing.extensions import db
from purchasing.members.models import Member
from tests.conftest import Browser
from tests.web.test_reports_web import _assets, _csv_sections


def _main(html: str) -> str:
    return html[html.index('<main id="main"'):html.index("</main>")]


def _field_error(html: str, field_id: str) -> str:
    match = re.search(rf'<p class="error-message" id="{field_id}-error">(.*?)</p>', html, re.S)
    return unescape(match.group(1)) if match else ""


def _kpi_fleet(html: str) -> int:
    value = re.findall(r'<span class="kpi__value">([^<]*)</span>', html)[0]
    return int(re.sub(r"\D", "", value))


def _table(html: str, key: str) -> tuple[list[str], list[list[str]]]:
    """(column titles, rows of cell texts) of a report section's table, as the page shows them."""
    section = html[html.index(f'<section aria-labelledby="t-{key}"'):]
    section = section[:section.index("</section>")]
    columns = [unescape(c) for c in re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', section)]
    rows = [[unescape(c) for c in re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", section.split("<tbody>")[1], re.S)]
    return columns, rows


def _french(text: str) -> Decimal:
    """A figure of the page ("1 234,5", "12 345,60 €") as a Decimal."""
    return Decimal(re.sub(r"[^\d,\-]", "", text).replace(",", "."))


@pytest.fixture
def officer(browser, make_user):
    make_user(role="sustainability_officer", email="green@scope.test")
    browser.login("green@scope.test")
    return browser


@pytest.fixture
def territory(make_member):
    epci = make_member(kind="epci", name="CC du Périgord Noir", insee_code=None)
    a = make_member(name="Commune A", insee_code="24001", epci_id=epci.id)
    b = make_member(name="Commune B", insee_code="24002")
    _assets(a, "laptop", 2)
    _assets(b, "smartphone", 3)
    return epci, a, b


def test_one_scope_form_and_one_year_select_for_staff_and_for_a_secretary(officer, territory, app, make_user):
    main = _main(officer.get("/reports/sustainability").get_data(as_text=True))
    assert main.count("<form method=\"get\"") == 1 and main.count('id="report-scope"') == 1
    assert main.count('name="year"') == 1 and main.count("<select") == 2  # the EPCI list and the year
    assert re.findall(r'<input type="radio" id="scope-(\w+)" name="scope"', main) == ["territory", "epci", "member"]
    assert main.count('name="member"') == 1 and main.count('name="epci"') == 1
    epci, a, _b = territory
    make_user(role="secretary", member=a, email="sec@a.scope")
    secretary = Browser(app.test_client())
    secretary.login("sec@a.scope")
    own = _main(secretary.get("/reports/sustainability").get_data(as_text=True))
    assert own.count("<form method=\"get\"") == 1 and own.count('name="year"') == 1 and own.count("<select") == 1
    assert 'name="member"' not in own and 'name="epci"' not in own and 'type="radio"' not in own


def test_the_pickers_choice_scopes_the_whole_page_and_its_links(officer, territory):
    epci, a, b = territory
    year = date.today().year - 1
    # the member, chosen by name in the searchable picker: the bookmarkable address, then the member's figures
    response = officer.get(f"/reports/sustainability?scope=member&epci=&member=Commune A (24001)&year={year}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/reports/sustainability?scope=member&id={a.id}&year={year}"
    raw = officer.get(response.headers["Location"]).get_data(as_text=True)
    html = unescape(raw)
    member = report_data.build_scope_report("member", a.id, year, date.today())
    assert "— Commune A" in html and _kpi_fleet(html) == member.fleet["count"] == 2
    assert 'value="Commune A (24001)"' in html  # the choice shown in the picker
    assert f'<option value="{epci.id}" selected>' in html  # its EPCI preselected for a switch
    query = f"scope=member&amp;id={a.id}&amp;year={year}"
    for link in (f"/reports/sustainability.xlsx?{query}", f"/reports/sustainability.csv?{query}",
                 f"/reports/sustainability?{query}&amp;print=1"):
        assert f'href="{link}"' in raw, link
    csv = _csv_sections(officer.get(f"/reports/sustainability.csv?scope=member&id={a.id}&year={year}")
                        .get_data(as_text=True))
    assert "Équipements en parc;2" in csv["Parc : synthèse"]
    # the EPCI from its list: its communes' figures (Commune A's 2 laptops), not the territory's 5 devices
    response = officer.get(f"/reports/sustainability?scope=epci&epci={epci.id}&member=&year={year}")
    assert response.headers["Location"] == f"/reports/sustainability?scope=epci&id={epci.id}&year={year}"
    raw = officer.get(response.headers["Location"]).get_data(as_text=True)
    assert "— CC du Périgord Noir" in unescape(raw) and _kpi_fleet(raw) == 2
    assert f'action="/jobs/reports/sustainability?scope=epci&amp;id={epci.id}&amp;year={year}"' in raw
    # the territory: a member left typed in the picker does not narrow it
    response = officer.get(f"/reports/sustainability?scope=territory&epci={epci.id}&member=Commune B&year={year}")
    assert response.headers["Location"] == f"/reports/sustainability?scope=territory&year={year}"
    assert _kpi_fleet(unescape(officer.get(response.headers["Location"]).get_data(as_text=True))) == 5


@pytest.mark.parametrize("query, field, message", [
    ("?scope=member&epci=&member=Nulle part&year=2025", "member",
     "Aucun adhérent ne porte ce nom : choisissez-en un de la liste."),
    ("?scope=member&epci=&member=&year=2025", "member", "Choisissez l'adhérent dans la liste."),
    ("?scope=epci&epci=&member=&year=2025", "epci-id", "Choisissez l'EPCI dans la liste."),
    ("?scope=epci&epci=999999&member=&year=2025", "epci-id",
     "Aucun EPCI ne correspond à ce choix : choisissez-en un de la liste."),
    ("?scope=territory&epci=&member=&year=1999", "report-year",
     "Année invalide : choisissez une année entre 2021 et {this_year}."),
])
def test_a_bad_choice_in_the_form_is_a_french_error_on_its_field(officer, territory, query, field, message):
    response = officer.get("/reports/sustainability" + query)
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert _field_error(html, field) == message.format(this_year=date.today().year)
    assert "Indicateurs clés" not in html  # no figures under a refused choice
    if "Nulle part" in query:
        assert 'value="Nulle part"' in html  # what was typed, kept


def test_a_secretary_is_held_to_her_member(app, territory, make_user):
    epci, a, b = territory
    make_user(role="secretary", member=a, email="sec@a.scope")
    client = Browser(app.test_client())
    client.login("sec@a.scope")
    assert client.get("/reports/sustainability?scope=territory").status_code == 403
    assert client.get(f"/reports/sustainability?scope=epci&id={epci.id}").status_code == 403
    assert client.get(f"/reports/sustainability?scope=member&id={b.id}").status_code == 404
    assert client.get(f"/reports/sustainability.csv?scope=member&id={b.id}").status_code == 404
    # the staff form's fields are not hers: ignored, her own member's report
    page = client.get(f"/reports/sustainability?scope=member&member=Commune B (24002)&epci={epci.id}")
    html = _main(unescape(page.get_data(as_text=True)))
    assert page.status_code == 200 and "— Commune A" in html and "Commune B" not in html
    assert _kpi_fleet(html) == 2


def test_demo_carbon_rows_are_per_year_and_the_total_is_their_sum_and_amounts_are_euros(app, browser):
    """On the demo, territory and a commune chosen in the picker: every carbon row one yearly quantity in the unit
    its column titles say; the total avoided recomputes from the rows shown; amounts "1 234,56 €", also in
    print; the XLSX keeps numbers with a euro format."""
    load_demo(seed=2026)
    member = db.session.scalars(select(Member).where(Member.insee_code == "24520")).one()
    browser.login("durabilite@demo.local", "demo")
    year = date.today().year - 1
    picked = browser.get(f"/reports/sustainability?scope=member&epci=&member={member.name}&year={year}")
    assert picked.headers["Location"] == f"/reports/sustainability?scope=member&id={member.id}&year={year}"
    for query, unit in ((f"?scope=territory&year={year}", "tCO2e par an"),
                        (f"?scope=member&id={member.id}&year={year}", None)):
        html = unescape(browser.get("/reports/sustainability" + query).get_data(as_text=True))
        columns, rows = _table(html, "carbon")
        assert columns[0] == "Indicateur" and columns[-1] == "Lignes sans facteur"
        units = {re.search(r"\((.*)\)", c).group(1) for c in columns[1:4]}
        assert len(units) == 1 and units.pop() in ({unit} if unit else {"kgCO2e par an", "tCO2e par an"}), columns
        labels = [row[0] for row in rows]
        assert labels == ["Empreinte annuelle du parc", "Évité par le reconditionné acheté dans l'année",
                          "Évité par le réemploi (bourse) dans l'année",
                          "Évité par l'allongement de la durée d'usage", "Total évité"]
        assert not any("(par an)" in label or "fabrication des achats" in label for label in labels)
        for column in (1, 2, 3):  # low, central, high: the total is the sum of the three savings shown
            shown = [_french(row[column]) for row in rows]
            assert shown[4] == shown[1] + shown[2] + shown[3], (query, column, rows)
        assert _french(rows[0][2]) > 0 and _french(rows[4][2]) > 0, rows
        assert "Chaque ligne est une quantité par an" in html
        # purchases: every amount in euros with two decimals
        _columns, purchases = _table(html, "purchases")
        amounts = [row[2] for row in purchases[:5]]
        assert all(re.fullmatch(r"\d{1,3}(\u202f\d{3})*,\d{2}\u00a0€", a) for a in amounts), amounts
        report = report_data.build_scope_report(*(("territory", None) if "territory" in query
                                                  else ("member", member.id)), year, date.today())
        assert _french(purchases[0][2]) == report.purchases["by_origin"]["new"]["amount_ht"]
        assert _french(purchases[3][2]) == report.purchases["it_amount_ht"]
    printed = unescape(browser.get(f"/reports/sustainability?scope=member&id={member.id}&year={year}&print=1")
                       .get_data(as_text=True))
    _columns, purchases = _table(printed, "purchases")
    assert all(re.fullmatch(r"\d{1,3}(\u202f\d{3})*,\d{2}\u00a0€", row[2]) for row in purchases[:5]), purchases
    book = openpyxl.load_workbook(io.BytesIO(
        browser.get(f"/reports/sustainability.xlsx?scope=member&id={member.id}&year={year}").data))
    sheet = book["Achats par origine"]
    for row in range(3, 8):
        cell = sheet.cell(row=row, column=3)
        assert isinstance(cell.value, (int, float)) and cell.number_format == '#,##0.00 "€"', (row, cell.value)
    share = sheet.cell(row=8, column=3)  # the share (%), not euros
    assert share.value is None or share.number_format == "#,##0.0"
