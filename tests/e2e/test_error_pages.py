"""A person who follows an old or shared link to a page they may not see gets a clear French page
with a way back home."""
from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.support import check_accessibility, login


def test_forbidden_and_missing_pages_lead_back_home(page: Page):
    login(page, "secretaire@petite-commune.demo")

    # A link to the users' administration, shared by the syndicate's staff: not for a secretary.
    response = page.goto("/admin/users")
    assert response.status == 403
    expect(page.get_by_role("heading", name="Accès refusé", level=1)).to_be_visible()
    expect(page.get_by_text("Vous n'avez pas accès à cette page avec votre rôle.")).to_be_visible()
    check_accessibility(page)

    response = page.goto("/members/999999")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page introuvable", level=1)).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Revenir à l'accueil").click()
    expect(page.get_by_role("heading", name="Bonjour Secrétaire de mairie", level=1)).to_be_visible()
    check_accessibility(page)
