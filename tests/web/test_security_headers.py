"""Security headers on every answer; no inline script or style anywhere, so that the CSP needs no exception."""
from __future__ import annotations

import re

import pytest

from purchasing.config import PROJECT_ROOT

BASE_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy")


def _assert_security_headers(response, *, no_store=True):
    headers = response.headers
    for name in BASE_HEADERS:
        assert headers.get(name), (name, response.request.path)
    csp = headers["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in csp.split("; ")}
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert directives["script-src"] == ["'self'"] and directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"] and directives["object-src"] == ["'none'"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "microphone=()" in headers["Permissions-Policy"] and "geolocation=()" in headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in headers  # outside production
    if no_store:
        assert headers["Cache-Control"] == "no-store", response.request.path


def test_html_pages_anonymous_and_logged_in(client, browser, make_user):
    _assert_security_headers(client.get("/login"))
    _assert_security_headers(client.get("/nowhere"))  # error pages too
    make_user(role="admin", email="headers@test.local")
    browser.login("headers@test.local")
    for url in ("/", "/admin/users", "/orders/", "/account", "/admin/security-log/"):
        response = browser.get(url)
        assert response.status_code == 200 and response.mimetype == "text/html"
        _assert_security_headers(response)


def test_exports_and_downloads_are_not_stored(browser, make_member, make_user):
    member = make_member()
    make_user(role="secretary", member=member, email="exports@test.local")
    browser.login("exports@test.local")
    for url in (f"/reports/sustainability.csv?scope=member&id={member.id}",
                f"/reports/sustainability.xlsx?scope=member&id={member.id}",
                "/orders/export?start=2025-01-01&end=2025-12-31&format=csv",
                "/lifecycle/import/template.csv"):
        response = browser.get(url)
        assert response.status_code == 200, url
        _assert_security_headers(response)


def test_api_answers_carry_the_headers(client, make_user):
    from purchasing.api.services import issue_token

    _token, secret = issue_token(make_user(email="api-headers@test.local"), "t")
    for response in (client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}),
                     client.get("/api/v1/me"), client.get("/api/v1/openapi.json")):
        assert response.mimetype.endswith("json")
        _assert_security_headers(response)


def test_static_files_may_be_cached(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    _assert_security_headers(response, no_store=False)
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()


def test_hsts_in_production_only():
    from purchasing import create_app

    production = create_app({"ENV_NAME": "production", "SECRET_KEY": "s" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    response = production.test_client().get("/login")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Content-Security-Policy" in response.headers


# --- no inline script or style -------------------------------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I)  # a <script> without src has a body
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.I)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.I)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)  # onclick=…: inline script too
JAVASCRIPT_URL = re.compile(r"javascript:", re.I)


def _inline_code(text: str) -> list[str]:
    found = []
    for name, pattern in (("inline <script>", INLINE_SCRIPT), ("<style>", STYLE_ELEMENT),
                          ("style=", STYLE_ATTRIBUTE), ("on…= handler", EVENT_HANDLER),
                          ("javascript: URL", JAVASCRIPT_URL)):
        found += [f"{name}: …{text[max(m.start() - 40, 0):m.end() + 40]}…" for m in pattern.finditer(text)]
    return found


#: documents that leave the application as files, never served as pages under its CSP: e-mails (their HTML
#: preview for the administrator is sandboxed with ``default-src 'none'``) and the self-contained label sheet
#: that a job writes for download (``inline_css`` is set only then; the page itself links the stylesheet)
STANDALONE_DOCUMENTS = {"templates/lifecycle/labels.html": ["<style>"]}
#: e-mail bodies and attachments: mail clients ignore stylesheets, inline styles are how e-mail is styled
MAIL_TEMPLATES = "templates/mail/"


def test_no_template_has_inline_script_or_style():
    templates = sorted((PROJECT_ROOT / "templates").rglob("*.html"))
    assert len(templates) > 40
    problems = {str(t.relative_to(PROJECT_ROOT)): _inline_code(t.read_text(encoding="utf-8")) for t in templates}
    problems = {path: [p for p in found if p.split(":")[0] not in STANDALONE_DOCUMENTS.get(path, [])]
                for path, found in problems.items() if not path.startswith(MAIL_TEMPLATES)}
    assert not {k: v for k, v in problems.items() if v}


def test_the_label_page_links_its_stylesheet_and_only_the_downloaded_sheet_inlines_it(browser, make_member,
                                                                                      make_user):
    from sqlalchemy import select

    from lifecycle.assets import services
    from purchasing.catalogue.models import Category
    from purchasing.extensions import db

    member = make_member()
    make_user(role="secretary", member=member, email="labels-css@test.local")
    laptop = db.session.scalars(select(Category).where(Category.code == "laptop")).one()
    asset = services.create_asset(member_id=member.id, category=laptop, designation="Portable")
    browser.login("labels-css@test.local")
    html = browser.post_form("/lifecycle/labels", {"ids": [str(asset.id)]}, page="/lifecycle/").get_data(as_text=True)
    assert 'class="label"' in html
    assert not _inline_code(html), _inline_code(html)


def test_the_scanner_sees_what_it_must_refuse():
    for snippet in ('<script>alert(1)</script>', '<p style="color:red">', '<style>p{}</style>',
                    '<a href="#" onclick="x()">', '<svg><rect style="fill: red"/></svg>'):
        assert _inline_code(snippet), snippet
    assert not _inline_code('<script src="/static/js/app.js" defer></script><p class="x">')


@pytest.fixture
def pages_with_svg(browser, make_member, make_user):
    """The report (SVG charts), an asset page and a label sheet (barcodes), as a secretary."""
    from sqlalchemy import select

    from lifecycle.assets import services
    from purchasing.catalogue.models import Category
    from purchasing.extensions import db

    member = make_member()
    make_user(role="secretary", member=member, email="svg@test.local")
    laptop = db.session.scalars(select(Category).where(Category.code == "laptop")).one()
    asset = services.create_asset(member_id=member.id, category=laptop, designation="PC", site="Mairie")
    db.session.commit()
    browser.login("svg@test.local")
    return [f"/reports/sustainability?scope=member&id={member.id}", f"/lifecycle/assets/{asset.id}",
            ("/lifecycle/labels", {"ids": [str(asset.id)]})]


def test_rendered_pages_with_charts_and_barcodes_have_no_inline_style(browser, pages_with_svg):
    for url in pages_with_svg:
        if isinstance(url, tuple):  # the label sheet: a POST of the selection
            response = browser.post_form(url[0], url[1], page="/lifecycle/")
        else:
            response = browser.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert "<svg" in html, url
        assert not _inline_code(html), (url, _inline_code(html)[:3])
        _assert_security_headers(response)


def test_charts_keep_their_presentation_as_attributes(browser, pages_with_svg):
    html = browser.get(pages_with_svg[0]).get_data(as_text=True)
    assert 'fill="#18753c"' in html  # the share bars' green
    assert 'text-anchor="middle"' in html and 'font-family="' in html
    assert 'stroke-dasharray="' in html  # the legal target's dashed line
    barcode = browser.get(pages_with_svg[1]).get_data(as_text=True)
    assert 'fill="black"' in barcode and 'text-anchor="middle"' in barcode
