"""The pages under their real Content-Security-Policy (the other journeys bypass it to inject axe-core).

A secretary and the sustainability officer open the pages with inline SVG (charts, barcodes, label sheet)
and the forms; the browser must report no CSP violation, and the site's style sheet must apply.
"""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import STEP_TIMEOUT_MS
from tests.e2e.support import DEMO_PASSWORD

LISTEN = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(
    `${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile || document.location.pathname}:${e.lineNumber}`));
"""


def _violations(page) -> list[str]:
    page.wait_for_load_state("load")
    return page.evaluate("() => window.__cspViolations")


def _login(page, email):
    page.goto("/login")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def test_pages_raise_no_csp_violation(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, locale="fr-FR", bypass_csp=False)
    context.set_default_timeout(STEP_TIMEOUT_MS)
    context.add_init_script(LISTEN)
    console: list[str] = []
    page = context.new_page()
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    checked = []
    try:
        page.goto("/login")
        assert page.evaluate("() => getComputedStyle(document.querySelector('.skip-link')).position") == "absolute", \
            "the site's style sheet does not apply"
        assert not _violations(page)
        _login(page, "durabilite@demo.local")
        for url in ("/", "/reports/sustainability", "/reports/sustainability?print=1", "/account"):
            page.goto(url)
            assert not _violations(page), (url, _violations(page))
            checked.append(url)
        page.goto("/reports/sustainability")
        charts = page.locator("figure.chart svg[role=img]")
        expect(charts).to_have_count(4)
        anchors = charts.first.evaluate("svg => [...svg.querySelectorAll('text')].map(t => getComputedStyle(t).textAnchor)")
        assert "middle" in anchors and "end" in anchors, "the chart's text alignment (presentation attributes) is lost"
        page.get_by_role("button", name="Se déconnecter").click()

        _login(page, "secretaire@petite-commune.demo")
        page.goto("/lifecycle/")
        hrefs = page.locator("a[href^='/lifecycle/assets/']").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        asset_id = next(m.group(1) for h in hrefs if (m := re.match(r"/lifecycle/assets/(\d+)$", h)))
        for url in (f"/lifecycle/assets/{asset_id}", "/catalogue/", "/cart", "/orders/"):
            page.goto(url)
            assert not _violations(page), (url, _violations(page))
            checked.append(url)
        page.goto("/lifecycle/")  # the label sheet of a ticked asset (a POST of the selection)
        page.locator("input[name=ids]").first.check()
        page.get_by_role("button", name="Imprimer les étiquettes de la sélection").click()
        expect(page.locator(".label")).to_have_count(1)
        assert not _violations(page), ("/lifecycle/labels", _violations(page))
        checked.append("/lifecycle/labels")
        page.goto(f"/lifecycle/assets/{asset_id}")
        anchor = page.locator(".barcode svg text").first.evaluate("t => getComputedStyle(t).textAnchor")
        assert anchor == "middle", "the barcode's text lost its centring"
    finally:
        context.close()
    assert not console, console
    assert len(checked) >= 9
