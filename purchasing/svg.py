"""SVG without inline styles, so that it can be embedded in pages whose CSP refuses inline styles.

matplotlib and python-barcode write ``style="fill: #fff; stroke: …"`` attributes and a ``<style>`` element;
a Content-Security-Policy without ``'unsafe-inline'`` for styles blocks both. Every property they use is
also an SVG presentation attribute (``fill="#fff"``), which CSP does not treat as a style, so each
declaration becomes the attribute of the same name; the one ``<style>`` rule matplotlib writes
(``*{stroke-linejoin: round; stroke-linecap: butt}``) becomes attributes of the root ``<svg>``, where these
inherited properties reach every element that does not set its own. An unknown property is an error
(never silently dropped): extend PRESENTATION_ATTRIBUTES if a new chart needs one.
"""
from __future__ import annotations

import html
import re

#: SVG 2 presentation attributes (https://www.w3.org/TR/SVG2/styling.html#PresentationAttributes)
PRESENTATION_ATTRIBUTES = frozenset({
    "alignment-baseline", "baseline-shift", "clip-path", "clip-rule", "color", "color-interpolation",
    "color-interpolation-filters", "direction", "display", "dominant-baseline", "fill", "fill-opacity",
    "fill-rule", "filter", "flood-color", "flood-opacity", "font-family", "font-size", "font-size-adjust",
    "font-stretch", "font-style", "font-variant", "font-weight", "image-rendering", "letter-spacing",
    "lighting-color", "marker-end", "marker-mid", "marker-start", "mask", "opacity", "overflow",
    "paint-order", "pointer-events", "shape-rendering", "stop-color", "stop-opacity", "stroke",
    "stroke-dasharray", "stroke-dashoffset", "stroke-linecap", "stroke-linejoin", "stroke-miterlimit",
    "stroke-opacity", "stroke-width", "text-anchor", "text-decoration", "text-rendering", "unicode-bidi",
    "vector-effect", "visibility", "word-spacing", "writing-mode",
})

_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
_STYLE_ELEMENT = re.compile(r"<style[^>]*>(.*?)</style>\s*", re.S)
_UNIVERSAL_RULE = re.compile(r"^\s*\*\s*\{([^}]*)\}\s*$", re.S)
_ROOT = re.compile(r"<svg\b")


def _attributes(declarations: str) -> str:
    parts = []
    for declaration in declarations.split(";"):
        if not declaration.strip():
            continue
        name, sep, value = declaration.partition(":")
        name, value = name.strip().lower(), html.unescape(value.strip())
        if not sep or name not in PRESENTATION_ATTRIBUTES:
            raise ValueError(f"SVG style property without a presentation attribute: {declaration.strip()!r}")
        parts.append(f' {name}="{html.escape(value, quote=True)}"')
    return "".join(parts)


def without_inline_styles(svg: str) -> str:
    """The same drawing with presentation attributes instead of ``style`` attributes and elements."""
    root_attributes = ""
    for rules in _STYLE_ELEMENT.findall(svg):
        match = _UNIVERSAL_RULE.match(rules)
        if match is None:
            raise ValueError(f"SVG <style> rules other than one '*' rule are not supported: {rules!r}")
        root_attributes += _attributes(match.group(1))
    svg = _STYLE_ELEMENT.sub("", svg)
    svg = _STYLE_ATTRIBUTE.sub(lambda m: _attributes(m.group(1)), svg)
    if root_attributes:
        svg = _ROOT.sub("<svg" + root_attributes, svg, count=1)
    return svg
