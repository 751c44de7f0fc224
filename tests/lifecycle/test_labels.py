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
    # more than one page: the sheet is prepared by a background job, then its file is downloaded
    started = browser.post_form("/lifecycle/labels", {"ids": [str(a.id) for a in assets]}, page="/lifecycle/")
    assert started.status_code == 303 and "/jobs/" in started.headers["Location"]
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


def _bulk_assets(member, count: int, prefix: str) -> list[int]:
    """``count`` assets of ``member`` inserted in one statement (the factory is too slow for a thousand)."""
    from datetime import date

    from sqlalchemy import insert, select

    from lifecycle.assets.models import Asset
    from purchasing.catalogue.models import Category
    from purchasing.extensions import db

    laptop = db.session.scalars(select(Category).where(Category.code == "laptop")).one()
    db.session.execute(insert(Asset), [
        dict(tag=f"{prefix}-{i:06d}", category_id=laptop.id, member_id=member.id, acquisition_date=date(2024, 1, 1),
             origin="imported", condition="good", holds_storage=True, status="in_service", designation="Portable",
             site="Mairie", assigned_to="") for i in range(count)])
    return list(db.session.scalars(select(Asset.id).where(Asset.tag.like(f"{prefix}-%")).order_by(Asset.id)))


def test_a_thousand_ids_posted_become_a_job_of_42_pages(app, browser, make_member, make_user):
    member = make_member()
    make_user(member=member, email="mille@a.test")
    ids = _bulk_assets(member, 1000, "MIL")
    browser.login("mille@a.test")
    started = browser.post_form("/lifecycle/labels", {"ids": [str(i) for i in ids]}, page="/lifecycle/")
    assert started.status_code == 303 and "/jobs/" in started.headers["Location"]
    page = browser.get(started.headers["Location"]).get_data(as_text=True)
    assert "Planche de 1000 étiquettes prête (42 pages A4)." in page
    html = browser.get(started.headers["Location"] + "/result").get_data(as_text=True)
    sheets = html.split('<section class="label-sheet"')[1:]
    assert len(sheets) == 42 and [s.count('class="label"') for s in sheets] == [24] * 41 + [16]
    tags_in_sheet = [block.split('"', 1)[0] for block in html.split('<div class="label" data-tag="')[1:]]
    assert tags_in_sheet == sorted(f"MIL-{i:06d}" for i in range(1000))  # each once, in tag order
    assert decode_code128_svg(html.split('data-tag="MIL-000999"')[1].split("</svg>")[0]) == "MIL-000999"


def test_the_inventory_filter_selects_the_labels_and_a_member_gets_only_its_own(app, browser, make_member,
                                                                                make_user, make_asset):
    mine, other = make_member(), make_member()
    make_user(member=mine, email="filtre@a.test")
    in_service = [make_asset(mine, site="Mairie") for _ in range(3)]
    theirs = make_asset(other)
    browser.login("filtre@a.test")
    # every asset of the filter (here: the site), one page shown at once
    sheet = browser.post_form("/lifecycle/labels", {"selection": "filter", "site": "Mairie"}, page="/lifecycle/")
    html = sheet.get_data(as_text=True)
    assert sheet.status_code == 200 and html.count('class="label"') == 3
    assert all(f'data-tag="{a.tag}"' in html for a in in_service)
    # another member's id is left out of a selection...
    mixed = browser.post_form("/lifecycle/labels", {"ids": [str(in_service[0].id), str(theirs.id)]},
                              page="/lifecycle/").get_data(as_text=True)
    assert in_service[0].tag in mixed and theirs.tag not in mixed and mixed.count('class="label"') == 1
    # ...and a selection of only another member's ids is a 404
    assert browser.post_form("/lifecycle/labels", {"ids": [str(theirs.id)]}, page="/lifecycle/").status_code == 404


def test_an_empty_or_oversized_selection_is_refused_saying_why(app, browser, make_member, make_user, monkeypatch):
    from lifecycle.assets import services

    member = make_member()
    make_user(member=member, email="vide@a.test")
    browser.login("vide@a.test")
    empty = browser.post_form("/lifecycle/labels", {"selection": "ids"}, page="/lifecycle/")
    assert empty.status_code == 303 and empty.headers["Location"].endswith("/lifecycle/")
    assert "Cochez au moins un équipement" in browser.get("/lifecycle/").get_data(as_text=True)
    nothing = browser.post_form("/lifecycle/labels", {"selection": "filter", "site": "Nulle part"}, page="/lifecycle/")
    assert nothing.status_code == 303
    assert "Cochez au moins un équipement" in browser.get("/lifecycle/").get_data(as_text=True)

    ids = _bulk_assets(member, 30, "TROP")
    monkeypatch.setattr(services, "MAX_LABELS", 25)
    refused = browser.post_form("/lifecycle/labels", {"ids": [str(i) for i in ids]}, page="/lifecycle/")
    assert refused.status_code == 303
    assert "plus de 25 équipements" in browser.get("/lifecycle/").get_data(as_text=True)
    # the job path refuses too: never a sheet silently cut
    assert browser.post_form("/jobs/labels", {"ids": [str(i) for i in ids]}, page="/lifecycle/").status_code == 302
    assert "plus de 25 équipements" in browser.get("/lifecycle/").get_data(as_text=True)


def test_each_tag_is_drawn_once_and_then_served_from_the_cache(app):
    from lifecycle.assets import tags

    tags.barcode_svg_inline.cache_clear()
    first = tags.barcode_svg_inline("CACHE-000001")
    assert tags.barcode_svg_inline("CACHE-000001") is first
    info = tags.barcode_svg_inline.cache_info()
    assert (info.hits, info.misses) == (1, 1)
    assert decode_code128_svg(first) == "CACHE-000001"
