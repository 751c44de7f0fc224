"""On a small screen (320 CSS pixels wide, or a page zoomed to 400 %), a secretary's pages reflow
without horizontal scrolling (WCAG 1.4.10)."""
from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.support import check_accessibility, go_to, login, save_page_screenshot


def assert_no_horizontal_scroll(page: Page) -> None:
    widths = page.evaluate("() => ({page: document.documentElement.scrollWidth, "
                           "viewport: document.documentElement.clientWidth})")
    assert widths["page"] <= widths["viewport"], f"{page.url} scrolls horizontally: {widths}"


def test_secretary_pages_reflow_on_a_small_screen(page: Page):
    page.set_viewport_size({"width": 320, "height": 640})
    login(page, "secretaire@petite-commune.demo")
    assert_no_horizontal_scroll(page)
    save_page_screenshot(page, "home-small-screen")

    go_to(page, "Mon adhérent")
    expect(page.get_by_role("heading", name="Saint-Julien-de-Crempse", level=1)).to_be_visible()
    assert_no_horizontal_scroll(page)

    page.get_by_role("banner").get_by_role("link", name="Saint-Julien-de-Crempse").click()
    expect(page.get_by_role("heading", name="Mon compte", level=1)).to_be_visible()
    check_accessibility(page)
    assert_no_horizontal_scroll(page)
    save_page_screenshot(page, "account-small-screen")

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("heading", name="Connexion", level=1)).to_be_visible()
    check_accessibility(page)
    assert_no_horizontal_scroll(page)
