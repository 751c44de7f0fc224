"""Asset tags printed as Code 128 barcodes (python-barcode), and the A4 label sheet layout."""
from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

import barcode
from barcode.writer import SVGWriter

from purchasing.svg import without_inline_styles

#: A4 sheet of 3 columns × 8 rows (70 × 37 mm labels, the common "24 per sheet" stock)
LABELS_PER_ROW = 3
ROWS_PER_PAGE = 8
LABELS_PER_PAGE = LABELS_PER_ROW * ROWS_PER_PAGE


def barcode_svg(tag: str, *, module_width: float = 0.25, module_height: float = 10.0) -> str:
    """The tag as a Code 128 barcode, an SVG document (sizes in millimetres), with the text underneath."""
    code = barcode.get("code128", tag, writer=SVGWriter())
    out = io.BytesIO()
    code.write(out, options={"module_width": module_width, "module_height": module_height, "quiet_zone": 2.0,
                             "font_size": 8, "text_distance": 3.0, "compress": False})
    return without_inline_styles(out.getvalue().decode("utf-8"))  # pages refuse inline styles (CSP)


@lru_cache(maxsize=20_000)
def barcode_svg_inline(tag: str) -> str:
    """The SVG without its XML prolog, for embedding in an HTML page.

    Cached per tag: a tag's drawing never changes (a tag is never reused), so a sheet printed again, or the
    page then the job of the same selection, draws each barcode once per worker.
    """
    svg = barcode_svg(tag)
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


def label_items(assets) -> list[dict]:
    """What the label sheet template shows per label: the asset and its barcode."""
    return [{"asset": asset, "svg": barcode_svg_inline(asset.tag)} for asset in assets]


def sheet_html(assets, *, standalone: bool = False, progress=None) -> tuple[str, int]:
    """(HTML of the label sheet, number of A4 pages); ``standalone``: the style sheet inlined, for a file.

    ``progress(done, total)`` is told after each page's barcodes are drawn (the job's progress bar).
    """
    from flask import current_app, render_template

    items = []
    for start in range(0, len(assets), LABELS_PER_PAGE):
        if progress is not None:
            progress(start, len(assets))
        items.extend(label_items(assets[start:start + LABELS_PER_PAGE]))
    css = None
    if standalone:
        css = (Path(current_app.static_folder) / "css" / "labels.css").read_text(encoding="utf-8")
    sheet = pages(items)
    return render_template("lifecycle/labels.html", pages=sheet, per_row=LABELS_PER_ROW, inline_css=css), len(sheet)


def pages(items: list, per_page: int = LABELS_PER_PAGE) -> list[list]:
    """Split ``items`` into pages of ``per_page`` labels."""
    return [items[i:i + per_page] for i in range(0, len(items), per_page)] or [[]]
