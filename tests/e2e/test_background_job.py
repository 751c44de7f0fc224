"""The sustainability officer prepares the territory's spreadsheet as a background job: the job page shows a
progress bar with its text, the page's script follows the job until it is done, then the file downloads.
Mes tâches lists it. (The e2e server runs an embedded consumer, as `flask run` does.)"""
from __future__ import annotations

import io

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.e2e.support import check_accessibility, go_to, login, save_page_screenshot

OFFICER = "durabilite@demo.local"


def test_territory_report_export_runs_as_a_job_with_progress_then_downloads(page: Page, tmp_path):
    login(page, OFFICER)
    go_to(page, "Rapports durabilité")
    expect(page.get_by_role("heading", level=1)).to_contain_text("— Tout le territoire")
    # the script's first status request fails (it retries 5 s later): time to check the page as first loaded
    page.route("**/jobs/*/status", lambda route: route.abort(), times=1)
    page.get_by_role("button", name="Préparer le tableur (XLSX)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rapport durabilité")
    if page.locator("progress").count():  # still queued or running: the bar, its text and the refresh link
        expect(page.get_by_role("link", name="Actualiser la page")).to_be_visible()
        expect(page.locator("#job-progress-text")).to_contain_text("sur 3")
    check_accessibility(page)
    # no reload by hand: the page's script follows the job until the download link appears
    download_link = page.get_by_role("link", name="Télécharger rapport-durabilite-territory-")
    expect(download_link).to_be_visible(timeout=120_000)
    expect(page.locator("#job-status")).to_have_text("Terminée")
    check_accessibility(page)
    save_page_screenshot(page, "job-done")
    with page.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert load_workbook(io.BytesIO(path.read_bytes())).sheetnames

    go_to(page, "Mes tâches")
    expect(page.get_by_role("link", name="Rapport durabilité")).to_have_count(1)
    check_accessibility(page)
