"""The administrator creates a secretary account for a commune; the new secretary signs in and finds her commune."""
from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.support import check_accessibility, go_to, login, logout, nav_labels, save_page_screenshot

EMAIL = "nouvelle.secretaire@petite-commune.demo"
PASSWORD = "un-mot-de-passe-solide"
MEMBER = "Saint-Julien-de-Crempse"


def test_admin_creates_a_user_who_can_sign_in(page: Page):
    login(page, "admin@demo.local")
    go_to(page, "Utilisateurs")
    expect(page.get_by_role("table", name="Liste des utilisateurs")).to_contain_text("achats@demo.local")
    save_page_screenshot(page, "users-list")

    page.get_by_role("link", name="Créer un utilisateur").click()
    expect(page.get_by_role("heading", name="Créer un utilisateur", level=1)).to_be_visible()
    check_accessibility(page)

    page.get_by_label("Adresse e-mail").fill(EMAIL)
    page.get_by_label("Nom complet").fill("Nadia Lefèvre")
    page.get_by_label("Rôle").select_option(label="Secrétaire de l'adhérent")
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Enregistrer").click()

    # A secretary belongs to a member: the form says so, in French, and keeps what was typed.
    member_error = "Un secrétaire ou un approbateur doit être rattaché à un adhérent."
    expect(page.get_by_role("alert")).to_contain_text(member_error)
    expect(page.get_by_role("alert")).to_be_focused()
    expect(page.get_by_label("Adresse e-mail")).to_have_value(EMAIL)
    expect(page.get_by_label("Adhérent (secrétaire et approbateur)")).to_have_attribute("aria-invalid", "true")
    check_accessibility(page)
    save_page_screenshot(page, "user-form-with-errors")

    # a searchable list (input + datalist): the name typed as the list offers it
    page.get_by_label("Adhérent (secrétaire et approbateur)").fill(f"{MEMBER} (24420)")
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_have_text(f"Utilisateur {EMAIL} créé.")
    new_row = page.get_by_role("table", name="Liste des utilisateurs").get_by_role("row").filter(has_text=EMAIL)
    expect(new_row).to_contain_text("Secrétaire de l'adhérent")
    expect(new_row.get_by_role("link", name=MEMBER)).to_be_visible()
    check_accessibility(page)
    logout(page)

    login(page, EMAIL, PASSWORD)
    expect(page.get_by_role("heading", name="Bonjour Nadia Lefèvre", level=1)).to_be_visible()
    assert "Mon adhérent" in nav_labels(page)
    assert "Utilisateurs" not in nav_labels(page)
    go_to(page, "Mon adhérent")
    expect(page.get_by_role("heading", name=MEMBER, level=1)).to_be_visible()
