"""The sustainability officer's territory report: opened from the menu, its charts (SVG images with French
labels), switched to an EPCI and to a member, and the member's XLSX downloaded and read back: its sheets are
there and its figures are the page's.
"""
from __future__ import annotations

import re

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.e2e.support import check_accessibility, go_to, login, save_page_screenshot

OFFICER = "durabilite@demo.local"
MEMBER = "Saint-Julien-de-Crempse"
SHEETS = {"Parc par catégorie et statut", "Parc synthèse", "Achats par origine", "Carbone par an",
          "Filières de fin de vie", "Graphiques"}


def fleet_count(page: Page) -> int:
    """The key figure 'équipements en parc', as the page shows it (French digit grouping)."""
    kpi = page.locator(".kpi").filter(has_text="équipements en parc").locator(".kpi__value")
    return int(re.sub(r"\D", "", kpi.inner_text()))


def check_charts(page: Page) -> None:
    charts = page.get_by_role("region", name="Graphiques").locator("figure.chart svg[role=img]")
    expect(charts).to_have_count(4)
    titles = charts.evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    assert "Parc par catégorie (tous statuts ; le détail par statut est dans le tableau)" in titles, titles
    assert "Filières de fin de vie" in titles, titles
    texts = " ".join(charts.evaluate_all("els => els.map(e => e.textContent)"))
    for label in ("Nombre d'équipements", "Objectif légal", "Évité par le réemploi (bourse)", "Recyclage DEEE"):
        assert label in texts, f"the charts lack the French label {label!r}"
    assert "Number of" not in texts and "Target" not in texts, "English text in the French charts"
    for chart in charts.all():
        box = chart.bounding_box()
        assert box and box["width"] > 300 and box["height"] > 100, f"a chart is not drawn: {box}"


def test_territory_epci_and_member_reports_with_xlsx(page: Page, tmp_path):
    login(page, OFFICER)
    go_to(page, "Rapports durabilité")
    expect(page.get_by_role("heading", level=1)).to_contain_text("— Tout le territoire")
    check_charts(page)
    territory = fleet_count(page)
    assert territory > 1000
    save_page_screenshot(page, "report-territory")

    # An EPCI, chosen in the report's one scope form (scope, EPCI or member, year).
    expect(page.locator("main form[method=get]")).to_have_count(1)
    scope_form = page.get_by_role("form", name="Périmètre et année du rapport")
    expect(scope_form.get_by_label("Année")).to_have_count(1)
    scope_form.get_by_label("Un EPCI").check()
    epci = scope_form.get_by_label("EPCI", exact=True).locator("option").nth(1).inner_text().strip()
    scope_form.get_by_label("EPCI", exact=True).select_option(label=epci)
    scope_form.get_by_role("button", name="Afficher le rapport").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"— {epci}")
    expect(page).to_have_url(re.compile(r"scope=epci&id=\d+&year=\d{4}$"))
    check_accessibility(page)
    check_charts(page)
    assert 0 < fleet_count(page) < territory
    save_page_screenshot(page, "report-epci")

    # A member, from its page in the members' list.
    go_to(page, "Adhérents")
    search = page.get_by_role("search", name="Rechercher des adhérents")
    search.get_by_label("Rechercher (nom, code INSEE, SIREN)").fill(MEMBER)
    search.get_by_role("button", name="Rechercher").click()
    page.wait_for_url(re.compile(r"q=Saint"))
    check_accessibility(page)
    page.get_by_role("link", name=MEMBER, exact=True).click()
    expect(page.get_by_role("heading", name=MEMBER, level=1)).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name=f"Rapport durabilité de {MEMBER}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"— {MEMBER}")
    check_accessibility(page)
    check_charts(page)
    member_fleet = fleet_count(page)
    assert 0 < member_fleet < territory
    save_page_screenshot(page, "report-member")

    # The same member typed in the searchable picker of the report's form: the same figures.
    scope_form = page.get_by_role("form", name="Périmètre et année du rapport")
    scope_form.get_by_label("Un adhérent").check()
    member_link = page.url
    scope_form.get_by_label("Adhérent", exact=True).fill(MEMBER)
    scope_form.get_by_role("button", name="Afficher le rapport").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"— {MEMBER}")
    assert fleet_count(page) == member_fleet
    check_accessibility(page)
    page.goto(member_link)
    check_accessibility(page)

    # The spreadsheet of the page: one sheet per section, the same figures.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le tableur (XLSX)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    workbook = load_workbook(path, read_only=True)
    assert SHEETS <= set(workbook.sheetnames), workbook.sheetnames
    summary = workbook["Parc synthèse"]
    assert MEMBER in str(summary["A1"].value)
    values = {row[0]: row[1] for row in summary.iter_rows(min_row=3, values_only=True) if row and row[0]}
    assert int(values["Équipements en parc"]) == member_fleet, values
    workbook.close()
