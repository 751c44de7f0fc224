"""Security headers on every answer, and no caching of anything but static files.

Content-Security-Policy: scripts, styles, images and forms from this site only, no inline script or
style (the templates have none; SVG charts and barcodes are written with presentation attributes, see
``purchasing/svg.py``), no framing. ``Cache-Control: no-store`` on every dynamic answer — pages, exports,
downloads, API answers: the simplest rule that cannot miss a page showing personal or bid data (a
logged-out browser's back button or a shared proxy keeps nothing). HSTS in production only.
"""
from __future__ import annotations

from flask import Flask, request

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
#: the camera stays allowed for this site only: scanning asset tags with it is planned (decisions.md)
PERMISSIONS_POLICY = "camera=(self), microphone=(), geolocation=(), payment=(), usb=()"
HSTS = "max-age=31536000; includeSubDomains"

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # frame-ancestors for older browsers
    "Referrer-Policy": "same-origin",  # URLs carry order and asset ids: not sent to other sites
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
}


def init_app(app: Flask) -> None:
    production = app.config["ENV_NAME"] == "production"

    @app.after_request
    def _security_headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if production:
            response.headers["Strict-Transport-Security"] = HSTS
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
        return response
