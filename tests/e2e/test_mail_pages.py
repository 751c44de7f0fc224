"""Without an SMTP server (the demo), a forgotten password and an invitation wait in the outbox; the
administrator reads them in "E-mails envoyés"; a user sets her e-mail choices on "Mon compte"."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.support import check_accessibility, go_to, login, logout, save_page_screenshot


#: an account of this journey's own: the demo database is shared by the journeys, and a reset changes the password
EMAIL = "camille.oubli@syndicat.demo"


def _admin_creates_the_account(page: Page) -> None:
    login(page, "admin@demo.local")
    go_to(page, "Utilisateurs")
    check_accessibility(page)
    page.get_by_role("link", name="Créer un utilisateur").click()
    check_accessibility(page)
    page.get_by_label("Adresse e-mail").fill(EMAIL)
    page.get_by_label("Nom complet").fill("Camille Oubli")
    page.get_by_label("Rôle").select_option(label="Chargé ou chargée de développement durable")
    page.get_by_label("Mot de passe", exact=True).fill("un-mot-de-passe-initial")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_have_text(f"Utilisateur {EMAIL} créé.")
    check_accessibility(page)
    logout(page)


def test_forgotten_password_reaches_the_outbox_and_the_link_sets_a_password(page: Page):
    _admin_creates_the_account(page)
    page.goto("/")
    check_accessibility(page)
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    expect(page.get_by_role("heading", name="Mot de passe oublié", level=1)).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Adresse e-mail").fill(EMAIL)
    page.get_by_role("button", name="Recevoir un lien").click()
    expect(page.get_by_role("status")).to_contain_text(f"Si un compte actif utilise l'adresse {EMAIL}")
    check_accessibility(page)
    save_page_screenshot(page, "forgot-password-sent")

    login(page, "admin@demo.local")
    go_to(page, "E-mails envoyés")
    save_page_screenshot(page, "outbox")
    page.get_by_role("link", name="Parc commun : réinitialisation de votre mot de passe").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Parc commun : réinitialisation de votre mot de passe")
    check_accessibility(page)
    body = page.locator("pre.mail-body").inner_text()
    link = re.search(r"http://[^\s]+/reset-password/[^\s]+", body).group(0)
    logout(page)

    page.goto(link[link.index("/reset-password/"):])
    expect(page.get_by_role("heading", name="Choisir un nouveau mot de passe", level=1)).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Nouveau mot de passe", exact=True).fill("un-nouveau-mot-de-passe")
    page.get_by_label("Confirmez le nouveau mot de passe").fill("un-nouveau-mot-de-passe")
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    expect(page.get_by_role("status")).to_contain_text("Mot de passe enregistré")
    check_accessibility(page)
    login(page, EMAIL, "un-nouveau-mot-de-passe")


def test_a_user_chooses_her_email_notifications(page: Page):
    login(page, "maire@moyenne-commune.demo")
    page.goto("/account")
    expect(page.get_by_role("heading", name="Notifications par e-mail")).to_be_visible()
    expect(page.get_by_label("Commande à approuver")).to_have_value("immediate")
    check_accessibility(page)
    page.get_by_label("Commande à approuver").select_option(label="Dans le résumé quotidien")
    page.get_by_role("button", name="Enregistrer mes choix").click()
    expect(page.get_by_role("status")).to_have_text("Vos choix de notifications par e-mail sont enregistrés.")
    expect(page.get_by_label("Commande à approuver")).to_have_value("digest")
    check_accessibility(page)
    save_page_screenshot(page, "account-notifications")
