"""The limits of an inventory file (decisions.md: "Inventory files up to 50 MiB go through the job path (a
setting); other uploads keep their limits").

``INVENTORY_UPLOAD_MAX_BYTES`` (50 MiB) replaces ``UPLOAD_MAX_BYTES`` for inventory files only, and the request
size (``MAX_CONTENT_LENGTH``) is raised for the two endpoints that take one; ``INVENTORY_UPLOAD_MAX_CELLS`` and
``INVENTORY_UPLOAD_MAX_UNCOMPRESSED_BYTES`` let an XLSX/ODS of that many rows through the zip-bomb checks;
``INVENTORY_MAX_ROWS`` bounds a file sent through the site or the API (the command line,
``flask lifecycle import``, streams a CSV of any length). Files of more than ``JOBS_IMPORT_ROW_THRESHOLD`` rows
are imported by a background job.
"""
from __future__ import annotations

from flask import current_app, request

from purchasing import uploads

#: the endpoints that receive an inventory file (a multipart form, or base64 in JSON for the API)
INVENTORY_ENDPOINTS = frozenset({"lifecycle.import_inventory", "api.start_inventory_import"})
#: the room a multipart form or a JSON envelope takes beside the file itself
ENVELOPE_BYTES = 1024 * 1024


def inventory_limits() -> uploads.UploadLimits:
    config = current_app.config
    return uploads.limits(max_bytes=int(config["INVENTORY_UPLOAD_MAX_BYTES"]),
                          max_cells=int(config["INVENTORY_UPLOAD_MAX_CELLS"]),
                          max_uncompressed_bytes=int(config["INVENTORY_UPLOAD_MAX_UNCOMPRESSED_BYTES"]))


def max_rows() -> int:
    return int(current_app.config["INVENTORY_MAX_ROWS"])


def allow_inventory_bodies() -> None:
    """``before_request`` (before anything reads the body): an inventory import's request may be as large as
    its file (base64 for the API: 4/3 of it); every other request keeps ``MAX_CONTENT_LENGTH``."""
    if request.endpoint in INVENTORY_ENDPOINTS:
        request.max_content_length = int(current_app.config["INVENTORY_UPLOAD_MAX_BYTES"]) * 4 // 3 + ENVELOPE_BYTES
