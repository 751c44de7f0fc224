"""With the keyboard alone: skip the header, sign in, and open a list from the home page's counts."""
from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.support import assert_focus_visible, check_accessibility, focused_element, press_tab_until


def test_keyboard_only_sign_in_and_navigation(page: Page):
    page.goto("/")
    expect(page.get_by_role("heading", name="Connexion", level=1)).to_be_visible()
    check_accessibility(page)

    # The first Tab reaches the skip link, which is then visible; Enter moves to the main content.
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Aller au contenu")
    expect(skip_link).to_be_focused()
    assert_focus_visible(page)
    box = skip_link.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0, f"the focused skip link is off screen: {box}"
    page.keyboard.press("Enter")
    assert focused_element(page)["id"] == "main"

    # From the main content, the next Tab is the email field: the header is skipped.
    page.keyboard.press("Tab")
    expect(page.get_by_label("Adresse e-mail")).to_be_focused()
    assert_focus_visible(page)
    page.keyboard.type("secretaire@moyenne-commune.demo")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Mot de passe", exact=True)).to_be_focused()
    page.keyboard.type("demo")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Bonjour", level=1)).to_be_visible()
    check_accessibility(page)

    # Skip the header again, then Tab to the first count of the home page ("what needs me") and open its list.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    first_tile = page.get_by_role("main").locator(".needs__link").first
    expect(first_tile).to_be_focused()
    assert_focus_visible(page)
    target = first_tile.get_attribute("href")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{target}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_accessibility(page)

    # The header's sign-out button is reachable and works with the keyboard too.
    press_tab_until(page, lambda f: f.get("tag") == "button" and f.get("text") == "Se déconnecter")
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Connexion", level=1)).to_be_visible()
    check_accessibility(page)
