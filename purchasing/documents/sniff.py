"""What a file really is, read from its content (never from its name), and whether its name agrees.

Magic numbers for PDF, PNG and JPEG; ZIP containers opened with the standard library to read the inner
``mimetype`` (OpenDocument) or ``[Content_Types].xml`` (Office Open XML); text for CSV/TXT. Why not a sniffer
library: ``filetype``/``puremagic`` only look at the first bytes and guess OOXML from the first entry names,
while the accepted list is short and the ZIP check needs the inner file anyway. Pure: no Flask, no database.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from purchasing.domain.errors import N_, DomainError

ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: extension -> the content type its content must have
EXTENSIONS = {
    "pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
    "odt": ODT, "ods": ODS, "docx": DOCX, "xlsx": XLSX, "csv": "text/csv", "txt": "text/plain",
}
#: how a content type is named to the user
NAMES = {
    "application/pdf": "un document PDF", "image/png": "une image PNG", "image/jpeg": "une image JPEG",
    ODT: "un texte OpenDocument (ODT)", ODS: "un tableur OpenDocument (ODS)", DOCX: "un document Word (DOCX)",
    XLSX: "un classeur Excel (XLSX)", "text": "du texte", None: "un type de fichier non reconnu",
}
ACCEPTED = "PDF, PNG, JPEG, ODT, ODS, DOCX, XLSX, CSV, TXT"
#: inner parts read from a ZIP container are small; never read more of them
_INNER_LIMIT = 256 * 1024


class DocumentTypeRefused(DomainError):
    """The file's type is not accepted, or its content is not what its name says."""

    code = "document_type_refused"
    default_message = N_("Ce type de fichier n'est pas accepté.")


@dataclass(frozen=True)
class Sniffed:
    content_type: str
    extension: str


def extension_of(filename: str) -> str:
    name = (filename or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _read_inner(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as inner:
        return inner.read(_INNER_LIMIT)


def _zip_type(content: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                declared = _read_inner(archive, "mimetype").decode("ascii", "replace").strip()
                if declared in (ODT, ODS) and "content.xml" in names:
                    return declared
                return None
            if "[Content_Types].xml" in names:
                types = _read_inner(archive, "[Content_Types].xml").decode("utf-8", "replace")
                if "wordprocessingml.document.main+xml" in types and "word/document.xml" in names:
                    return DOCX
                if "spreadsheetml.sheet.main+xml" in types and "xl/workbook.xml" in names:
                    return XLSX
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, RuntimeError, NotImplementedError):
        return None
    return None


def _is_text(content: bytes) -> bool:
    if b"\x00" in content:
        return False
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError:
            return False
    return all(ch.isprintable() or ch in "\t\r\n\f" for ch in text)


def content_type_of(content: bytes) -> str | None:
    """The accepted type the content is (``"text"`` for text), or None."""
    if content[:1024].lstrip().startswith(b"%PDF-"):
        return "application/pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"PK\x03\x04"):
        return _zip_type(content)
    if _is_text(content):
        return "text"
    return None


def sniff(content: bytes, filename: str) -> Sniffed:
    """The file's content type, checked against its extension; refused otherwise (with what it really is)."""
    extension = extension_of(filename)
    expected = EXTENSIONS.get(extension)
    if expected is None:
        raise DocumentTypeRefused(
            N_("Le fichier « %(filename)s » n'est pas d'un type accepté (types acceptés : "
               "%(ACCEPTED)s)."), params={"filename": filename, "ACCEPTED": ACCEPTED},
            details={"filename": filename, "accepted": ACCEPTED})
    if not content:
        raise DocumentTypeRefused(N_("Le fichier « %(filename)s » est vide."),
                                  params={"filename": filename}, code="document_empty")
    actual = content_type_of(content)
    if actual == "text" and expected.startswith("text/"):
        return Sniffed(expected, extension)
    if actual != expected:
        raise DocumentTypeRefused(
            N_("Le contenu du fichier « %(filename)s » ne correspond pas à son extension « "
               ".%(extension)s » : c'est %(NAMES)s. Rien n'a été enregistré."),
            params={"filename": filename, "extension": extension, "NAMES": NAMES.get(actual, NAMES[None])},
            details={"filename": filename, "extension": extension, "detected": actual or "unknown"})
    return Sniffed(expected, extension)
