"""A secretary finds her member and her account; the interface switches to English and back."""
from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.support import check_accessibility, go_to, login, logout, main_nav, save_page_screenshot


def test_secretary_opens_her_member_and_her_account(page: Page):
    login(page, "secretaire@petite-commune.demo")
    go_to(page, "Mon adhérent")
    expect(page.get_by_role("heading", name="Saint-Julien-de-Crempse", level=1)).to_be_visible()
    details = page.locator("dl.details")
    expect(details).to_contain_text("24420")
    expect(details).to_contain_text("412")
    expect(page.get_by_role("link", name="Modifier")).to_have_count(0)  # only the syndicate's admins edit
    save_page_screenshot(page, "my-member-secretary")

    # Her name in the header opens her account.
    page.get_by_role("banner").get_by_role("link", name="Saint-Julien-de-Crempse").click()
    expect(page.get_by_role("heading", name="Mon compte", level=1)).to_be_visible()
    expect(page.get_by_text("secretaire@petite-commune.demo")).to_be_visible()
    expect(page.get_by_text("Secrétaire de l'adhérent")).to_be_visible()
    check_accessibility(page)
    save_page_screenshot(page, "account-secretary")

    page.get_by_role("main").get_by_role("link", name="Saint-Julien-de-Crempse").click()
    expect(page.get_by_role("heading", name="Saint-Julien-de-Crempse", level=1)).to_be_visible()
    check_accessibility(page)


def test_language_switch_before_signing_in(page: Page):
    page.goto("/")
    expect(page.get_by_role("heading", name="Connexion", level=1)).to_be_visible()
    check_accessibility(page)

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    expect(page.get_by_label("Email address")).to_be_visible()
    expect(page.get_by_role("link", name="Skip to content")).to_be_attached()
    expect(page.get_by_role("button", name="Français")).to_have_attribute("lang", "fr")
    check_accessibility(page)
    save_page_screenshot(page, "login-english")

    page.get_by_role("button", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", name="Connexion", level=1)).to_be_visible()
    check_accessibility(page)


def test_language_switch_is_kept_for_the_user(page: Page):
    login(page, "maire@moyenne-commune.demo")

    # The header's button switches the page the person is on.
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_text("You are signed in as: Member approver (mayor, chief executive)")).to_be_visible()
    nav = page.get_by_role("navigation", name="Main menu")
    expect(nav.get_by_role("link", name="Home", exact=True)).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("link", name="My member", exact=True)).to_be_visible()
    check_accessibility(page)
    save_page_screenshot(page, "home-english")

    # English is remembered for this account: signing out forgets the session (the login page is in the
    # browser's language again), signing in again brings English back.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Connexion", level=1)).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Adresse e-mail").fill("maire@moyenne-commune.demo")
    page.get_by_label("Mot de passe", exact=True).fill("demo")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("status")).to_have_text("Welcome, you are signed in.")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    check_accessibility(page)

    # Back to French from the account page's language form.
    page.get_by_role("banner").get_by_role("link", name="Villeneuve-sur-Vézère").click()
    expect(page.get_by_role("heading", name="My account", level=1)).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Language", exact=True).select_option(label="Français")
    page.get_by_role("button", name="Save language").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", name="Mon compte", level=1)).to_be_visible()
    expect(main_nav(page).get_by_role("link", name="Accueil", exact=True)).to_be_visible()
    check_accessibility(page)
    logout(page)
