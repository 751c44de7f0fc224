"""Label sheet: 24 labels per A4 page, each barcode decoding (Code 128) to its asset's tag."""
from __future__ import annotations

import re

from barcode.charsets import code128 as charset

from lifecycle.assets.tags import barcode_svg

RECT = re.compile(r'<rect x="([\d.]+)mm" y="[\d.]+mm" width="([\d.]+)mm" height="[\d.]+mm" fill="black"/>')
MODULE_MM = 0.25
QUIET_MM = 2.0


def decode_code128_svg(svg: str) -> str:
    """Read the black bars of a python-barcode SVG back into modules, then decode Code 128 (sets A, B, C)."""
    bars = [(float(x), float(w)) for x, w in RECT.findall(svg)]
    assert bars, "no bars in the SVG"
    modules: list[str] = []
    for x, width in bars:
        start, count = round((x - QUIET_MM) / MODULE_MM), round(width / MODULE_MM)
        modules.extend("0" * (start + count - len(modules)))
        for i in range(start, start + count):
            modules[i] = "1"
    pattern = "".join(modules)
    stop = charset.STOP + "11"  # stop symbol and its final two-module bar
    assert pattern.endswith(stop), "no stop pattern"
    body = pattern[: -len(stop)]
    assert len(body) % 11 == 0
    values = [charset.CODES.index(body[i:i + 11]) for i in range(0, len(body), 11)]
    start, *data, check = values
    assert (start + sum(i * v for i, v in enumerate(data, 1))) % 103 == check, "bad checksum"
    sets = {103: "A", 104: "B", 105: "C"}
    current = sets[start]
    reverse = {"A": {v: k for k, v in charset.A.items() if isinstance(k, str) and len(k) == 1},
               "B": {v: k for k, v in charset.B.items() if isinstance(k, str) and len(k) == 1}}
    out = []
    for value in data:
        if current == "C":
            if value < 100:
                out.append(f"{value:02d}")
            else:
                current = {100: "B", 101: "A"}[value]
        elif value == 99:
            current = "C"
        elif current == "A" and value == 100:
            current = "B"
        elif current == "B" and value == 101:
            current = "A"
        else:
            out.append(reverse[current][value])
    return "".join(out)


def test_decoder_reads_python_barcode_output():
    for tag in ("SDN-2026-000123", "SDN-2025-999999", "ABC-1"):
        assert decode_code128_svg(barcode_svg(tag)) == tag


def test_label_sheet_has_24_labels_per_page_encoding_the_tags(browser, make_member, make_user, make_asset):
    member = make_member()
    make_user(member=member, email="labels@a.test")
    assets = [make_asset(member) for _ in range(26)]
    browser.login("labels@a.test")
    query = "&".join(f"ids={a.id}" for a in assets)
    # more than one page: the page offers to prepare the sheet as a background job, then its file is downloaded
    offer = browser.get(f"/lifecycle/labels?{query}")
    assert offer.status_code == 200 and "26 étiquettes sur 2 pages A4" in offer.get_data(as_text=True)
    started = browser.post_form("/jobs/labels", {"ids": [str(a.id) for a in assets]}, page=f"/lifecycle/labels?{query}")
    assert started.status_code == 303
    job_page = browser.get(started.headers["Location"]).get_data(as_text=True)
    assert "Planche de 26 étiquettes prête (2 pages A4)." in job_page
    response = browser.get(started.headers["Location"] + "/result")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    html = response.get_data(as_text=True)
    assert "<style>" in html and "size: A4" in html and "<link" not in html  # self-contained
    pages = html.split('<section class="label-sheet"')[1:]
    assert [page.count('class="label"') for page in pages] == [24, 2]
    decoded = []
    for page in pages:
        for block in page.split('<div class="label" data-tag="')[1:]:
            tag = block.split('"', 1)[0]
            assert decode_code128_svg(block) == tag
            decoded.append(tag)
    assert sorted(decoded) == sorted(a.tag for a in assets)


def test_label_css_is_sized_in_millimetres_for_a4():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "purchasing/static/css/labels.css").read_text(encoding="utf-8")
    assert "size: A4" in css and "repeat(3, 70mm)" in css and "repeat(8, 37mm)" in css


def test_barcode_route_serves_svg(browser, make_member, make_user, make_asset):
    member = make_member()
    make_user(member=member, email="svg@a.test")
    asset = make_asset(member)
    browser.login("svg@a.test")
    response = browser.get(f"/lifecycle/assets/{asset.id}/barcode.svg")
    assert response.mimetype == "image/svg+xml"
    assert decode_code128_svg(response.get_data(as_text=True)) == asset.tag
