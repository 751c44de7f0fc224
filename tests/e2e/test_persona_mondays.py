"""Each persona's Monday morning, from the role's home page: every "what needs me" count opens its list, whose
rows are as many as the count said; axe-core clean on every page; at a desktop width and at 390 px (no horizontal
scroll); screenshots saved in test-artifacts/e2e/pages/ for people to look at."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.support import check_accessibility, login, save_page_screenshot
from tests.e2e.test_small_screen import assert_no_horizontal_scroll

PERSONAS = ["secretaire@petite-commune.demo", "secretaire@moyenne-commune.demo", "maire@petite-commune.demo",
            "achats@demo.local",
            "durabilite@demo.local", "admin@demo.local"]


def _rows_shown(page: Page) -> int:
    """Rows of the list the link opened: the first table of the page; with an anchor, the first table inside the
    element it names (a section) or else after it (a heading)."""
    fragment = page.url.partition("#")[2]
    tables = page.locator("main table.table")
    if fragment:
        inside = page.locator(f"main #{fragment} table.table")
        tables = inside if inside.count() else page.locator(
            f"xpath=//*[@id='{fragment}']/following::table[contains(concat(' ', @class, ' '), ' table ')]")
    if not tables.count():
        return 0
    rows = tables.first.locator("tbody tr")
    return sum(1 for i in range(rows.count()) if not rows.nth(i).locator("td[colspan]").count())


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("email", PERSONAS)
def test_a_mondays_round_from_the_home_page(page: Page, email: str, width: int):
    page.set_viewport_size({"width": width, "height": 900})
    login(page, email)
    expect(page.get_by_role("heading", name="Ce qui vous attend", level=2)).to_be_visible()
    check_accessibility(page)
    if width < 600:
        assert_no_horizontal_scroll(page)
    who = email.split("@")[0]
    save_page_screenshot(page, f"monday-{who}-{width}-home")
    needs = page.locator("li.needs__item")
    keys = [needs.nth(i).get_attribute("id") for i in range(needs.count())]
    assert keys, "the home page lists what needs the user"
    for key in keys:
        item = page.locator(f"li#{key}")
        count_text = item.locator(".needs__count").inner_text()
        item.locator("a.needs__link").click()
        page.wait_for_load_state()
        assert not re.match(r"[45]\d\d — ", page.title()), (key, page.title())
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        check_accessibility(page)
        if width < 600:
            assert_no_horizontal_scroll(page)
        save_page_screenshot(page, f"monday-{who}-{width}-{key.removeprefix('need-')}")
        count = int(re.sub(r"\D", "", count_text) or 0)
        if "plus de" not in count_text and count <= 20 and page.locator("main table.table").count():
            assert _rows_shown(page) == count, (key, count_text, _rows_shown(page))
        page.go_back()
        page.wait_for_load_state()
        check_accessibility(page)
