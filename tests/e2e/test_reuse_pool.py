"""The reuse pool: the moyenne commune offers one of its laptops; the petite commune cannot ask for it until the
moyenne commune records the erasure of its data (the pool lists it only on demand, saying why); then the laptop
changes hands, and its timeline shows both communes.

Uses a laptop of the moyenne commune (INSEE 24520) in service; other journeys do not touch its inventory.
"""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.support import check_accessibility, go_to, login, logout, open_action

OFFERING = "secretaire@moyenne-commune.demo"
OFFERING_MEMBER = "Villeneuve-sur-Vézère"
CLAIMING = "secretaire@petite-commune.demo"
CLAIMING_MEMBER = "Saint-Julien-de-Crempse"


def open_asset_by_tag(page: Page, tag: str) -> None:
    """From the inventory, open an asset by typing its tag in the scan box, as with a barcode reader."""
    go_to(page, "Inventaire")
    page.get_by_label("Scanner ou saisir une étiquette").fill(tag)
    page.get_by_role("search", name="Ouvrir un équipement par son étiquette").get_by_role("button", name="Ouvrir").click()
    expect(page.get_by_role("heading", name=re.compile(f"^{tag} — "), level=1)).to_be_visible()
    check_accessibility(page)


def pool_row(page: Page, tag: str):
    return page.get_by_role("table", name="Équipements disponibles").locator("tbody tr").filter(has_text=tag)


def test_offer_unavailable_until_erasure_then_claimed(page: Page):
    # 1. The moyenne commune's secretary picks a laptop in service and offers it to the pool.
    login(page, OFFERING)
    go_to(page, "Inventaire")
    filters = page.get_by_role("form", name="Filtrer l'inventaire")
    filters.get_by_label("Catégorie").select_option(label="Ordinateur portable")
    filters.get_by_label("Statut").select_option(label="en service")
    filters.get_by_role("button", name="Filtrer").click()
    page.wait_for_url(re.compile(r"status=in_service"))
    check_accessibility(page)
    first = page.get_by_role("table", name="Équipements de l'inventaire").locator("tbody tr").first
    expect(first).to_contain_text("Ordinateur portable")
    expect(first).to_contain_text("en service")
    tag = first.get_by_role("link").inner_text().strip()
    first.get_by_role("link", name=tag).click()
    expect(page.get_by_role("heading", name=re.compile(f"^{tag} — "), level=1)).to_be_visible()
    check_accessibility(page)
    offer = open_action(page, "Proposer dans la bourse de réemploi")
    offer.get_by_label("État").select_option(label="Bon état")
    offer.get_by_label("Note").fill("Remplacé par un portable neuf ; chargeur fourni.")
    offer.get_by_role("button", name="Proposer").click()
    expect(page.get_by_role("status").filter(has_text="Équipement proposé dans la bourse de réemploi.")).to_be_visible()
    expect(page.get_by_role("heading", name="Dans la bourse de réemploi")).to_be_visible()
    check_accessibility(page)
    logout(page)

    # 2. The petite commune's secretary looks in the pool: the laptop is not listed, its data are not erased yet.
    #    Asking to see the unavailable ones shows it, with why, and no button to ask for it.
    login(page, CLAIMING)
    go_to(page, "Bourse de réemploi")
    expect(pool_row(page, tag)).to_have_count(0)
    filters = page.get_by_role("form", name="Filtrer la bourse")
    filters.get_by_label(re.compile("^Afficher aussi les équipements pas encore disponibles")).check()
    filters.get_by_role("button", name="Filtrer").click()
    check_accessibility(page)
    row = pool_row(page, tag)
    expect(row).to_contain_text(OFFERING_MEMBER)
    expect(row).to_contain_text("Bon état")
    expect(row).to_contain_text("chargeur fourni")
    expect(row).to_contain_text("effacement à enregistrer")
    expect(row).to_contain_text("Pas encore disponible")
    expect(row.get_by_role("button", name="Demander cet équipement")).to_have_count(0)
    go_to(page, "Inventaire")
    expect(page.get_by_role("table", name="Équipements de l'inventaire")).not_to_contain_text(tag)
    logout(page)

    # 3. The moyenne commune records the erasure of the laptop's data.
    login(page, OFFERING)
    open_asset_by_tag(page, tag)
    erasure = open_action(page, "Enregistrer un effacement des données")
    erasure.get_by_label("Méthode").select_option(label="NIST SP 800-88 — Purge (purge)")
    erasure.get_by_label("Opérateur").fill("Atelier du syndicat")
    erasure.get_by_label("Référence du certificat").fill("EFF-E2E-0001")
    erasure.get_by_role("button", name="Enregistrer l'effacement").click()
    expect(page.get_by_role("status").filter(has_text="Effacement des données enregistré.")).to_be_visible()
    expect(page.get_by_role("list").filter(has_text="EFF-E2E-0001")).to_be_visible()
    check_accessibility(page)
    logout(page)

    # 4. The petite commune asks again: the laptop is reserved for her, waiting for the donor's answer.
    login(page, CLAIMING)
    go_to(page, "Bourse de réemploi")
    pool_row(page, tag).get_by_role("button", name="Demander cet équipement").click()
    expect(page.get_by_role("status").filter(has_text=f"Équipement {tag} réservé pour {CLAIMING_MEMBER}.")).to_be_visible()
    waiting = page.get_by_role("table", name="Vos demandes en attente de réponse")
    expect(waiting).to_contain_text(tag)
    expect(waiting).to_contain_text(OFFERING_MEMBER)
    expect(pool_row(page, tag)).to_have_count(0)
    check_accessibility(page)
    logout(page)

    # 5. The moyenne commune is asked on the laptop's page and gives it at once.
    login(page, OFFERING)
    open_asset_by_tag(page, tag)
    expect(page.get_by_role("heading", name="Demandé dans la bourse de réemploi")).to_be_visible()
    expect(page.locator("#pool-reservation")).to_contain_text(f"{CLAIMING_MEMBER} demande cet équipement")
    check_accessibility(page)
    page.get_by_role("button", name=f"Donner à {CLAIMING_MEMBER} maintenant").click()
    expect(page.get_by_role("status").filter(has_text=f"Équipement {tag} donné à {CLAIMING_MEMBER}.")).to_be_visible()
    check_accessibility(page)
    logout(page)

    # 6. The laptop is now the petite commune's, and its timeline shows both communes.
    login(page, CLAIMING)
    open_asset_by_tag(page, tag)
    expect(page.get_by_role("heading", name=re.compile(f"^{tag} — "), level=1)).to_be_visible()
    check_accessibility(page)
    timeline = page.locator("ol.timeline")
    expect(timeline.locator("li").filter(has_text="Proposé dans la bourse")).to_have_count(1)
    expect(timeline.locator("li").filter(has_text="Effacement des données")).to_contain_text("EFF-E2E-0001")
    claimed = timeline.locator("li").filter(has_text="Attribué via la bourse")
    expect(claimed).to_contain_text(f"de {OFFERING_MEMBER}")
    expect(claimed).to_contain_text(f"à {CLAIMING_MEMBER}")
    go_to(page, "Inventaire")
    expect(page.get_by_role("table", name="Équipements de l'inventaire").get_by_role("link", name=tag)).to_be_visible()
    go_to(page, "Bourse de réemploi")
    expect(pool_row(page, tag)).to_have_count(0)
