"""The download answer of a stored document, shared by the web and the API."""
from __future__ import annotations

import unicodedata
from urllib.parse import quote

from flask import Response, stream_with_context

from purchasing.documents import services
from purchasing.documents.models import Document

CHUNK = 256 * 1024


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback name and the real one encoded as RFC 5987 says (RFC 6266)."""
    fallback = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    fallback = "".join(ch if ch.isprintable() and ch not in '"\\;' else "_" for ch in fallback).strip() or "document"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download_response(document: Document) -> Response:
    """The stored bytes as a download: never shown inline, never cached, never re-typed by the browser."""
    stream = services.open_content(document)

    def chunks():
        try:
            while chunk := stream.read(CHUNK):
                yield chunk
        finally:
            stream.close()

    # content_type, not mimetype: Flask would add "charset=utf-8" to a text file that may be Windows-1252
    response = Response(stream_with_context(chunks()), content_type=document.content_type)
    response.headers["Content-Disposition"] = content_disposition(document.original_name)
    response.headers["Content-Length"] = str(document.size_bytes)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def bytes_response(filename: str, content_type: str, data: bytes) -> Response:
    """A generated file (a purchase order's PDF or Order-X XML) as a download, with the same headers."""
    response = Response(data, content_type=content_type)
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
