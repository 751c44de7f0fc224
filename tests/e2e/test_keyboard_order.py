"""The order journey with the keyboard alone (Tab, Shift+Tab, Enter, Space and typing; no mouse): the moyenne
commune's secretary signs in, searches the catalogue for refurbished laptops, opens one, adds it to her cart and
submits the order. Every element she reaches shows a visible focus indicator.

Uses the moyenne commune (INSEE 24520) and the Lenovo ThinkPad T470: no other journey orders them.
"""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.support import assert_focus_visible, check_accessibility, focused_element, press_tab_until

SECRETARY = "secretaire@moyenne-commune.demo"
PRODUCT = "Lenovo ThinkPad T470"
LIMIT = 80  # Tab presses allowed to reach an element


def tab_to(page: Page, predicate, what: str) -> dict:
    try:
        focused = press_tab_until(page, predicate, limit=LIMIT)
    except AssertionError as error:
        raise AssertionError(f"{what}: {error}") from None
    assert_focus_visible(page)
    return focused


def is_link(text: str):
    return lambda f: f.get("tag") == "a" and f.get("text") == text


def is_field(label: str):
    return lambda f: f.get("tag") in ("input", "select", "textarea") and f.get("label") == label


def is_button(text: str):
    return lambda f: f.get("tag") == "button" and f.get("text") == text


def choose(page: Page, label: str, option: str) -> None:
    """Pick an option of the focused (closed) select with the arrow keys, as keyboard users do."""
    assert focused_element(page)["tag"] == "select"
    script = "() => document.activeElement.selectedOptions[0].textContent.trim()"
    for _ in range(60):
        if page.evaluate(script) == option:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{label}: option {option!r} not reached with the arrow keys")


def test_order_with_the_keyboard_alone(page: Page):
    page.goto("/")
    expect(page.get_by_role("heading", name="Connexion", level=1)).to_be_visible()
    check_accessibility(page)
    tab_to(page, is_field("Adresse e-mail"), "the email field")
    page.keyboard.type(SECRETARY)
    tab_to(page, is_field("Mot de passe"), "the password field")
    page.keyboard.type("demo")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Bonjour", level=1)).to_be_visible()
    check_accessibility(page)

    # The menu's catalogue entry.
    tab_to(page, is_link("Catalogue"), "the menu's Catalogue link")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Catalogue", level=1)).to_be_visible()
    check_accessibility(page)

    # Search, filter refurbished laptops, submit with the search button.
    tab_to(page, is_field("Rechercher"), "the search field")
    page.keyboard.type("ThinkPad")
    tab_to(page, is_field("Catégorie"), "the category filter")
    choose(page, "Catégorie", "Ordinateur portable")
    tab_to(page, is_field("État"), "the condition filter")
    choose(page, "État", "Reconditionné")
    tab_to(page, is_button("Rechercher"), "the search button")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"condition=refurbished"))
    expect(page.get_by_label("État")).to_have_value("refurbished")
    rows = page.get_by_role("table", name="Produits du catalogue").locator("tbody tr")
    expect(rows.filter(has_text=PRODUCT).first).to_be_visible()
    for row in rows.all():
        expect(row).to_contain_text("Reconditionné")
        expect(row).to_contain_text("ThinkPad")
    check_accessibility(page)

    # One Tab too far is undone with Shift+Tab.
    tab_to(page, is_link(PRODUCT), "the product's link")
    page.keyboard.press("Shift+Tab")
    assert focused_element(page)["text"] != PRODUCT
    page.keyboard.press("Tab")
    assert focused_element(page)["text"] == PRODUCT
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=PRODUCT, level=1)).to_be_visible()
    check_accessibility(page)

    # Quantity 2, then the add-to-cart button (pressed with Space).
    tab_to(page, is_field("Quantité"), "the quantity field")
    page.keyboard.press("Control+a")
    page.keyboard.type("2")
    tab_to(page, is_button("Ajouter au panier"), "the add-to-cart button")
    page.keyboard.press("Space")
    expect(page.get_by_role("status").filter(has_text=f"{PRODUCT} ajouté au panier.")).to_be_visible()
    expect(page.get_by_role("heading", name="Panier", level=1)).to_be_visible()

    # Adding leads to the cart: delivery site, then submit.
    expect(page.get_by_label(f"Quantité — {PRODUCT}")).to_have_value("2")
    check_accessibility(page)
    # the site is chosen from the member's address book, its default preselected: the keyboard reaches it
    tab_to(page, is_field("Site de livraison"), "the delivery site field")
    site = page.get_by_label("Site de livraison")
    expect(site.locator("option:checked")).to_contain_text("Mairie")
    tab_to(page, is_button("Soumettre la commande"), "the submit button")
    page.keyboard.press("Enter")

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(r"^Commande \S+"))
    main = page.get_by_role("main")
    expect(main).to_contain_text("Mairie")
    expect(main.get_by_role("table", name="Lignes de la commande")).to_contain_text(PRODUCT)
    # Under the commune's approval threshold: approved at once.
    expect(main.locator("dd .badge").first).to_have_text(re.compile("^(en attente d'approbation|approuvée)$", re.I))
    check_accessibility(page)
