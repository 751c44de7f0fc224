"""Small real files of each accepted type, made here (no binary fixtures in the repository)."""
from __future__ import annotations

import io
import zipfile

PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
       b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20 + b"\xff\xd9"
TEXT = "Bon de livraison n° 42 ; reçu le 3 mars\n".encode("utf-8")


def opendocument(mimetype: str = "application/vnd.oasis.opendocument.text") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", '<Types><Override PartName="/word/document.xml" ContentType='
                         '"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def xlsx() -> bytes:
    from openpyxl import Workbook

    out = io.BytesIO()
    workbook = Workbook()
    workbook.active["A1"] = "Facture"
    workbook.save(out)
    return out.getvalue()


def stored_files(root) -> set[str]:
    """The stored objects under a local storage folder (temporary upload files excluded)."""
    from pathlib import Path

    return {str(p.relative_to(root)) for p in Path(root).rglob("*") if p.is_file() and not p.name.startswith(".")}
