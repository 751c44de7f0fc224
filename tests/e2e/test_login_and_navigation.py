"""Each demo user signs in and finds the menu of their role; every menu entry opens an accessible page."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.support import (
    check_accessibility,
    go_to,
    login,
    logout,
    nav_labels,
    safe_name,
    save_page_screenshot,
)

# Menu entries each role must see, and entries it must not see. Other areas add their own entries
# as they land; these lists only pin what exists for every role.
STAFF_ONLY = {"Adhérents"}
ADMIN_ONLY = {"Utilisateurs"}
MEMBER_ONLY = {"Mon adhérent"}

ROLES = [
    # email, role label on the home page, member shown in the header, must see, must not see
    ("admin@demo.local", "Administrateur ou administratrice du syndicat", None,
     {"Accueil"} | STAFF_ONLY | ADMIN_ONLY, MEMBER_ONLY),
    ("achats@demo.local", "Acheteur ou acheteuse du syndicat", None,
     {"Accueil"} | STAFF_ONLY, ADMIN_ONLY | MEMBER_ONLY),
    ("durabilite@demo.local", "Chargé ou chargée de développement durable", None,
     {"Accueil"} | STAFF_ONLY, ADMIN_ONLY | MEMBER_ONLY),
    ("secretaire@petite-commune.demo", "Secrétaire de l'adhérent", "Saint-Julien-de-Crempse",
     {"Accueil"} | MEMBER_ONLY, STAFF_ONLY | ADMIN_ONLY),
    ("maire@petite-commune.demo", "Approbateur ou approbatrice de l'adhérent (élu ou DGS)", "Saint-Julien-de-Crempse",
     {"Accueil"} | MEMBER_ONLY, STAFF_ONLY | ADMIN_ONLY),
    ("secretaire@moyenne-commune.demo", "Secrétaire de l'adhérent", "Villeneuve-sur-Vézère",
     {"Accueil"} | MEMBER_ONLY, STAFF_ONLY | ADMIN_ONLY),
]


def test_login_page(page: Page):
    page.goto("/")
    expect(page).to_have_title("Connexion — Parc commun")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("button", name="Se connecter")).to_be_visible()
    expect(page.get_by_role("navigation", name="Menu principal")).to_have_count(0)
    check_accessibility(page)
    save_page_screenshot(page, "login")


def test_wrong_password_is_refused_in_french(page: Page):
    page.goto("/")
    check_accessibility(page)
    page.get_by_label("Adresse e-mail").fill("achats@demo.local")
    page.get_by_label("Mot de passe", exact=True).fill("pas-le-bon")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert")).to_have_text("Adresse e-mail ou mot de passe incorrect.")
    expect(page.get_by_role("heading", name="Connexion", level=1)).to_be_visible()
    check_accessibility(page)

    page.get_by_label("Adresse e-mail").fill("achats@demo.local")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert").first).to_contain_text("Le formulaire contient des erreurs")
    expect(page.get_by_role("link", name="Mot de passe : Saisissez votre mot de passe.")).to_be_visible()
    expect(page.get_by_label("Mot de passe", exact=True)).to_have_attribute("aria-invalid", "true")
    check_accessibility(page)


@pytest.mark.parametrize(("email", "role_label", "member", "must_see", "must_not_see"), ROLES,
                         ids=[r[0] for r in ROLES])
def test_menu_of_each_role(page: Page, email, role_label, member, must_see, must_not_see):
    login(page, email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    expect(page.get_by_text(f"Vous êtes connecté(e) en tant que : {role_label}")).to_be_visible()
    if member:  # the header says on behalf of which member the person works
        expect(page.get_by_role("banner").get_by_role("link", name=member)).to_be_visible()
    labels = nav_labels(page)
    assert must_see <= set(labels), f"{email} should see {sorted(must_see - set(labels))} in {labels}"
    assert not (must_not_see & set(labels)), f"{email} should not see {sorted(must_not_see & set(labels))}"
    expect(page.get_by_role("link", name="Accueil", exact=True)).to_have_attribute("aria-current", "page")
    save_page_screenshot(page, f"home-{safe_name(email)}")

    # Every entry of the menu opens a page of its own, accessible, with its heading.
    for label in labels:
        go_to(page, label)  # fails on an error page or an accessibility violation

    logout(page)
    expect(page.get_by_role("status")).to_have_text("Vous êtes déconnecté(e).")
