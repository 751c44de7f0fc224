"""On a phone (390 CSS pixels wide) every persona's main pages fit the screen: no horizontal scroll (the test
measures it), tables read as cards with their column titles, and axe-core finds nothing serious."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.e2e.support import check_accessibility, login, save_page_screenshot
from tests.e2e.test_small_screen import assert_no_horizontal_scroll

PERSONAS = {
    "secretaire@petite-commune.demo": ["/", "/catalogue/", "/cart", "/orders/", "/lifecycle/", "/lifecycle/pool",
                                       "/lifecycle/audits", "/search?q=SDN", "/lifecycle/pool?unavailable=y"],
    "maire@petite-commune.demo": ["/", "/orders/to-approve", "/orders/"],
    "achats@demo.local": ["/", "/search?q=Lat", "/purchase-orders/", "/purchase-orders/to-place", "/contracts/",
                          "/contracts/?attention=1", "/tenders/",
                          "/campaigns/", "/suppliers/", "/members/"],
    "durabilite@demo.local": ["/", "/reports/sustainability", "/lifecycle/", "/lifecycle/pool"],
    "admin@demo.local": ["/", "/admin/users", "/members/", "/admin/tariff-grids/"],
}


@pytest.mark.parametrize("email", list(PERSONAS))
def test_main_pages_fit_a_phone(page: Page, email: str):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, email)
    for path in PERSONAS[email]:
        page.goto(path)
        check_accessibility(page)
        assert_no_horizontal_scroll(page)
        save_page_screenshot(page, f"phone-{email.split('@')[0]}-{path.strip('/').replace('/', '-') or 'home'}")


def test_a_table_reads_as_cards_with_its_column_titles_on_a_phone(page: Page):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "secretaire@petite-commune.demo")
    page.goto("/lifecycle/")
    check_accessibility(page)
    cell = page.locator("table.table--cards tbody tr td[data-label]").first
    label = cell.get_attribute("data-label")
    assert label and cell.evaluate("c => getComputedStyle(c, '::before').content").strip('"') == label
    assert page.locator("table.table--cards").first.get_attribute("role") == "table"
    page.set_viewport_size({"width": 1280, "height": 800})  # a wide screen keeps the table's own layout
    assert cell.evaluate("c => getComputedStyle(c).display") == "table-cell"


def test_the_menu_takes_one_line_on_a_phone_and_opens_on_demand(page: Page):
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "secretaire@petite-commune.demo")
    nav = page.get_by_role("navigation", name="Menu principal")
    summary = nav.locator("summary.main-nav__summary")
    expect(summary).to_be_visible()
    assert nav.bounding_box()["height"] < 60  # one "Menu" line, the page's own content on the first screen
    expect(nav.get_by_role("link", name="Catalogue", exact=True)).to_be_hidden()
    summary.click()
    expect(nav.get_by_role("link", name="Catalogue", exact=True)).to_be_visible()
    check_accessibility(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.reload()
    check_accessibility(page)
    expect(summary).to_be_hidden()
    expect(nav.get_by_role("link", name="Catalogue", exact=True)).to_be_visible()
