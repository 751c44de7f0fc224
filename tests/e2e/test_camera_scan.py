"""Scanning a tag with the camera where the browser offers the Barcode Detection API; the typed box otherwise.

Chromium on Linux has no barcode detector: there the page shows no camera button and the typed box opens the
asset (CI's path). The camera path runs in the same browser with a detector and a camera simulated by an init
script: a canvas stream as the camera, a detector "reading" a known tag; the page's own script does the rest."""
from __future__ import annotations

import json
import re

from playwright.sync_api import Page, expect

from tests.e2e.support import check_accessibility, go_to, login

SECRETARY = "secretaire@petite-commune.demo"


def _first_tag(page: Page) -> str:
    go_to(page, "Inventaire")
    return page.get_by_role("table", name="Équipements de l'inventaire").locator("tbody tr").first \
        .get_by_role("link").first.inner_text().strip()


def test_without_a_detector_the_typed_box_opens_the_asset(page: Page):
    login(page, SECRETARY)
    tag = _first_tag(page)
    assert page.evaluate("() => 'BarcodeDetector' in window") is False
    expect(page.get_by_role("button", name="Scanner avec l'appareil photo")).to_have_count(0)
    page.get_by_label("Scanner ou saisir une étiquette").fill(tag.lower())
    page.get_by_role("search", name="Ouvrir un équipement par son étiquette").get_by_role("button", name="Ouvrir").click()
    expect(page.get_by_role("heading", name=re.compile(f"^{tag} — "), level=1)).to_be_visible()
    check_accessibility(page)


def test_with_a_camera_and_a_detector_the_tag_read_opens_the_asset(page: Page):
    login(page, SECRETARY)
    tag = _first_tag(page)
    page.add_init_script(f"""
        window.BarcodeDetector = class {{
            static getSupportedFormats() {{ return Promise.resolve(["code_128", "qr_code"]); }}
            constructor(options) {{ this.options = options; }}
            detect(source) {{ return Promise.resolve(source.srcObject ? [{{rawValue: {json.dumps(tag)}}}] : []); }}
        }};
        navigator.mediaDevices.getUserMedia = () => {{
            const canvas = document.createElement("canvas");
            canvas.width = 64; canvas.height = 48;
            canvas.getContext("2d").fillRect(0, 0, 64, 48);
            return Promise.resolve(canvas.captureStream(5));
        }};
    """)
    page.reload()
    check_accessibility(page)
    page.get_by_role("button", name="Scanner avec l'appareil photo").click()
    expect(page.get_by_role("heading", name=re.compile(f"^{tag} — "), level=1)).to_be_visible()
    check_accessibility(page)
