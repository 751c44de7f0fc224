"""The file type comes from the content, and the name must agree with it."""
import pytest

from purchasing.documents.sniff import DOCX, ODS, ODT, XLSX, DocumentTypeRefused, extension_of, sniff
from tests.documents.files import JPEG, PDF, PNG, TEXT, docx, opendocument, xlsx


@pytest.mark.parametrize("name,content,expected", [
    ("facture.pdf", PDF, "application/pdf"),
    ("FACTURE.PDF", PDF, "application/pdf"),
    ("photo.png", PNG, "image/png"),
    ("photo.jpg", JPEG, "image/jpeg"),
    ("photo.jpeg", JPEG, "image/jpeg"),
    ("rapport.odt", opendocument(ODT), ODT),
    ("tableau.ods", opendocument(ODS), ODS),
    ("rapport.docx", docx(), DOCX),
    ("tableau.xlsx", xlsx(), XLSX),
    ("liste.csv", b"a;b\n1;2\n", "text/csv"),
    ("notes.txt", TEXT, "text/plain"),
    ("notes.txt", "Réparé à Mâcon".encode("cp1252"), "text/plain"),
])
def test_accepted_types_are_recognised_from_their_content(name, content, expected):
    assert sniff(content, name).content_type == expected


@pytest.mark.parametrize("name,content,detected", [
    ("facture.pdf", TEXT, "text"),                      # a text file named .pdf
    ("photo.png", PDF, "application/pdf"),
    ("rapport.docx", opendocument(ODT), ODT),           # a zip, but not the one its name says
    ("tableau.xlsx", docx(), DOCX),
    ("tableau.ods", opendocument(ODT), ODT),
    ("rapport.odt", b"PK\x03\x04not really a zip", "unknown"),
    ("notes.txt", PNG, "image/png"),
    ("notes.txt", b"binary\x00data", "unknown"),
])
def test_content_that_is_not_what_the_name_says_is_refused(name, content, detected):
    with pytest.raises(DocumentTypeRefused) as error:
        sniff(content, name)
    assert error.value.code == "document_type_refused"
    assert error.value.details["detected"] == detected
    assert f"« {name} »" in error.value.message and "ne correspond pas" in error.value.message


@pytest.mark.parametrize("name", ["script.exe", "page.html", "image.svg", "sans-extension", "archive.zip"])
def test_types_outside_the_list_are_refused_whatever_the_content(name):
    with pytest.raises(DocumentTypeRefused) as error:
        sniff(PDF, name)
    assert "n'est pas d'un type accepté" in error.value.message


def test_an_empty_file_is_refused():
    with pytest.raises(DocumentTypeRefused) as error:
        sniff(b"", "vide.pdf")
    assert error.value.code == "document_empty"


def test_the_extension_is_the_last_one_of_the_base_name():
    assert extension_of("C:\\Users\\x\\facture.pdf.exe") == "exe"
    assert extension_of("dossier.v2/facture") == ""
