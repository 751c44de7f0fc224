"""Helpers for the browser journeys: log in, check a page's accessibility, save screenshots.

Journeys act as a person does: they find fields by their label and buttons and links by their name
(Playwright's get_by_label / get_by_role), and call ``check_accessibility(page)`` on every page they
reach — the ``page`` fixture fails a test that visited a page without checking it.
"""
from __future__ import annotations

import hashlib
import json
import re
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

PROJECT_ROOT = Path(__file__).resolve().parents[2]
E2E_DIR = Path(__file__).resolve().parent
AXE_JS = E2E_DIR / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "e2e"
PAGE_SCREENSHOTS = ARTIFACTS / "pages"

DEMO_PASSWORD = "demo"

#: axe-core impacts that fail a journey; "moderate" and "minor" ones are written to the report only.
BLOCKING_IMPACTS = ("serious", "critical")

# The CSRF token differs between sessions; without it, identical pages hash the same.
_CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')


# --- pages visited and checked --------------------------------------------------------------------

@dataclass
class Visits:
    """The documents a page loaded during one test, and which of them were checked with axe-core."""

    loaded: list[str] = field(default_factory=list)
    checked: set[int] = field(default_factory=set)

    def on_load(self, url: str) -> None:
        self.loaded.append(url)

    def mark_current_checked(self) -> None:
        if self.loaded:
            self.checked.add(len(self.loaded) - 1)

    def unchecked(self) -> list[str]:
        return [url for i, url in enumerate(self.loaded) if i not in self.checked]


_VISITS: "weakref.WeakKeyDictionary[Page, Visits]" = weakref.WeakKeyDictionary()
#: Pages (by content) already found free of blocking violations in this session: not checked twice.
_CLEAN_PAGES: set[str] = set()
#: Non-blocking findings, written to test-artifacts/e2e/accessibility-report.json at the end.
MINOR_FINDINGS: dict[str, dict] = {}


def track_visits(page: Page) -> Visits:
    visits = Visits()
    _VISITS[page] = visits
    page.on("load", lambda loaded: visits.on_load(loaded.url))
    return visits


# --- accessibility --------------------------------------------------------------------------------

def _page_key(page: Page) -> str:
    html = _CSRF_INPUT.sub("", page.content())
    return hashlib.sha256((page.url.split("#")[0] + "\n" + html).encode()).hexdigest()


def format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"axe-core found {len(violations)} serious or critical accessibility violation(s) on {url}:"]
    for v in violations:
        lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            lines.append(f"       {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n       ")
            if summary:
                lines.append(f"       {summary}")
        if len(v["nodes"]) > 5:
            lines.append(f"    … and {len(v['nodes']) - 5} more element(s)")
    return "\n".join(lines)


def check_accessibility(page: Page) -> None:
    """Run axe-core on the current page; fail on any serious or critical violation.

    Call it on every page a journey reaches (after the page shows what the step expects).
    """
    page.wait_for_load_state("load")
    visits = _VISITS.get(page)
    key = _page_key(page)
    if key not in _CLEAN_PAGES:
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.add_script_tag(path=str(AXE_JS))
        results = page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations']})")
        blocking = [v for v in results["violations"] if v.get("impact") in BLOCKING_IMPACTS]
        for v in results["violations"]:
            if v.get("impact") not in BLOCKING_IMPACTS:
                finding = MINOR_FINDINGS.setdefault(v["id"], {"impact": v.get("impact"), "help": v["help"],
                                                              "pages": []})
                path = urlsplit(page.url).path
                if path not in finding["pages"]:
                    finding["pages"].append(path)
        assert not blocking, format_violations(page.url, blocking)
        _CLEAN_PAGES.add(key)
    if visits is not None:
        visits.mark_current_checked()


def write_accessibility_report() -> None:
    if MINOR_FINDINGS:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "accessibility-report.json").write_text(
            json.dumps(MINOR_FINDINGS, indent=2, ensure_ascii=False), encoding="utf-8")


# --- screenshots ----------------------------------------------------------------------------------

def safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_")[:150]


def save_page_screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot of a main page to test-artifacts/e2e/pages/<name>.png for people to review."""
    PAGE_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = PAGE_SCREENSHOTS / f"{safe_name(name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# --- people's actions -----------------------------------------------------------------------------

def login(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Open the site, sign in through the login form (French interface) and land on the home page."""
    page.goto("/")
    expect(page.get_by_role("heading", name="Connexion", level=1)).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("status").filter(has_text="vous êtes connecté(e)")).to_be_visible()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    check_accessibility(page)


def logout(page: Page) -> None:
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("heading", name="Connexion", level=1)).to_be_visible()
    check_accessibility(page)


def main_nav(page: Page):
    return page.get_by_role("navigation", name="Menu principal")


def nav_labels(page: Page) -> list[str]:
    # the entries of a menu group are links inside a closed <details>: hidden until it opens, listed all the same
    return [text.strip() for text in main_nav(page).get_by_role("link", include_hidden=True).all_text_contents()]


def open_action(page: Page, title: str):
    """An action of the asset page: each is a closed disclosure named by its title; open it, return its form."""
    action = page.locator("details.action").filter(has=page.get_by_role("heading", name=title))
    if not action.evaluate("d => d.open"):
        action.locator("summary").click()
    return action.locator("form")


def open_menu(page: Page) -> None:
    """On a phone the menu opens closed to one "Menu" line (js/nav.js): open it, as a person taps it."""
    toggle = main_nav(page).locator("details.main-nav__toggle")
    if toggle.count() and not toggle.evaluate("d => d.open"):
        toggle.locator("summary.main-nav__summary").click()


def go_to(page: Page, label: str) -> None:
    """Follow an entry of the main menu, then check the page it opens."""
    link = main_nav(page).get_by_role("link", name=label, exact=True, include_hidden=True)
    open_menu(page)
    if not link.is_visible():  # an entry of a menu group: open the group first (a <details>)
        entry = page.get_by_role("link", name=label, exact=True, include_hidden=True)  # relative to the group
        main_nav(page).locator("details.nav-group__details").filter(has=entry).locator("summary").click()
    link.click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert not re.match(r"[45]\d\d — ", page.title()), f"the menu entry {label!r} opened an error page: {page.title()}"
    check_accessibility(page)


def focused_element(page: Page) -> dict:
    """What has the keyboard focus: tag, id, name, text and accessible label."""
    return page.evaluate("""() => {
        const el = document.activeElement;
        if (!el) return {};
        const label = el.labels && el.labels.length ? el.labels[0].textContent.trim() : '';
        return {tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name') || '',
                text: (el.innerText || '').trim(), label: label, role: el.getAttribute('role') || ''};
    }""")


def assert_focus_visible(page: Page) -> None:
    """The focused element shows a focus indicator (an outline or a box shadow), as WCAG 2.4.7 asks."""
    style = page.evaluate("""() => {
        const s = getComputedStyle(document.activeElement);
        return {outline: s.outlineStyle, width: parseFloat(s.outlineWidth) || 0, shadow: s.boxShadow};
    }""")
    visible = (style["outline"] != "none" and style["width"] > 0) or style["shadow"] not in ("", "none")
    assert visible, f"no visible focus indicator on {focused_element(page)}: {style}"


def press_tab_until(page: Page, predicate, limit: int = 30) -> dict:
    """Press Tab until the focused element satisfies ``predicate``; fail after ``limit`` presses."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = focused_element(page)
        if predicate(focused):
            return focused
    raise AssertionError(f"not reached with {limit} Tab presses; focus is on {focused_element(page)}")
