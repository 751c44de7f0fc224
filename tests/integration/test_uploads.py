"""The one upload reader (purchasing/uploads.py): spreadsheets as people save them, and the files that must be
refused before anything parses them. Files are built here, byte for byte, the way the tools write them."""
from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import func, select

from lifecycle.assets.models import Asset
from lifecycle.imports import services as asset_imports
from purchasing import uploads
from purchasing.extensions import db
from purchasing.tenders import imports as price_imports
from purchasing.uploads import UploadLimits, UploadRefused

ASSET_HEADER = ["category_code", "designation", "manufacturer_ref", "serial_number", "site", "assigned_to",
                "acquisition_date", "purchase_price_ht", "condition", "status", "holds_storage"]


def french_excel_csv(rows: list[list[str]], header=ASSET_HEADER) -> bytes:
    """What French Excel writes for "CSV (séparateur : point-virgule)": Windows-1252, ';', CRLF, no BOM."""
    return "\r\n".join(";".join(row) for row in [header, *rows]).encode("cp1252") + b"\r\n"


WINDOWS_1252_ROWS = [
    ["laptop", "Portable d’élève – Dell Latitude", "", "SN-W1252-1", "École maternelle", "Mme Bézier", "15/03/2023",
     "849,90", "good", "in_service", "oui"],
    ["monitor_24", "Écran 24\" Iiyama œil", "", "SN-W1252-2", "Mairie d'Écuelles", "Accueil", "01/02/2022",
     "1 139,50", "fair", "in_stock", "non"],
]


def _assets(member_id):
    return db.session.scalars(select(Asset).where(Asset.member_id == member_id).order_by(Asset.serial_number)).all()


# --- what people save -------------------------------------------------------------------------------------


def test_french_excel_windows_1252_csv_imports_through_the_asset_import_page(browser, make_member, make_user):
    member = make_member()
    make_user(member=member, email="w1252@a.test")
    browser.login("w1252@a.test")
    data = french_excel_csv(WINDOWS_1252_ROWS)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # really not UTF-8
    response = browser.post_form("/lifecycle/import", {"file": (io.BytesIO(data), "inventaire.csv"), "dry_run": ""},
                                 content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    laptop, monitor = _assets(member.id)
    assert laptop.designation == "Portable d’élève – Dell Latitude" and laptop.site_name == "École maternelle"
    assert laptop.purchase_price_ht == Decimal("849.90") and laptop.acquisition_date == date(2023, 3, 15)
    assert monitor.designation == "Écran 24\" Iiyama œil" and monitor.site_name == "Mairie d'Écuelles"
    assert monitor.purchase_price_ht == Decimal("1139.50") and monitor.acquisition_date == date(2022, 2, 1)
    assert monitor.status == "in_stock" and monitor.holds_storage is False


def test_french_excel_windows_1252_price_list_imports(officer_browser):
    from tests.tender_helpers import make_supplier
    from purchasing.tenders.models import BidLine

    browser, tender = officer_browser
    supplier = make_supplier("Informatique Périgourdine")
    db.session.commit()
    header = list(price_imports.COLUMNS)
    row = ["LAT-5450-R", "Dell", "Latitude 5450 reconditionné – clavier AZERTY", "laptop", "unité", "612,50", "120",
           "62,4", "", "8,1", "3", "7", "10", "reconditionné", "50", "590,00", "", ""]
    data = french_excel_csv([row], header=header)
    response = browser.post_form(f"/tenders/lots/{tender.lots[0].id}/bids/new",
                                 {"supplier_id": str(supplier.id), "price_list": (io.BytesIO(data), "bordereau.csv")},
                                 content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    bid_line = db.session.scalars(select(BidLine).where(BidLine.manufacturer_ref == "LAT-5450-R")).one()
    assert bid_line.model == "Latitude 5450 reconditionné – clavier AZERTY"
    assert bid_line.unit_price_ht == Decimal("612.50") and bid_line.annual_kgco2e == Decimal("62.40")
    assert bid_line.repairability_index == Decimal("8.1") and bid_line.condition == "refurbished"


@pytest.fixture
def officer_browser(browser, make_user):
    from datetime import timedelta

    from purchasing.db_types import utcnow
    from purchasing.tenders import services
    from tests.tender_helpers import make_tender

    make_user(role="purchasing_officer", email="achats-upload@s.test")
    now = utcnow()
    tender = make_tender("AO-UPLOAD", publication=now.date(), deadline=now + timedelta(days=10))
    services.change_tender_status(tender, "published", None, now=now)
    db.session.commit()
    browser.login("achats-upload@s.test")
    return browser, tender


def test_utf8_with_bom_reads_clean_titles():
    data = "\ufeffcategory_code;designation\nlaptop;Élève\n".encode("utf-8")
    table = uploads.read_table("x.csv", data)
    assert table.encoding == "utf-8" and table.headers == ["category_code", "designation"]
    assert table.frame.to_dict("records") == [{"category_code": "laptop", "designation": "Élève"}]


def test_iso_8859_15_with_euro_and_oe():
    data = "désignation;prix\nCœur de réseau;12,50 €\n".encode("iso8859_15")
    assert data.decode("cp1252") != data.decode("iso8859_15")  # the bytes Windows-1252 reads as ¤ and ½
    table = uploads.read_table("x.csv", data)
    assert table.encoding == "iso8859_15"
    assert table.frame.iloc[0].tolist() == ["Cœur de réseau", "12,50 €"]
    assert uploads.parse_decimal(table.frame.iloc[0]["prix"]) == Decimal("12.50")


def test_windows_1252_is_told_by_its_curly_quote():
    table = uploads.read_table("x.csv", "nom;note\nL’école;½\n".encode("cp1252"))
    assert table.encoding == "cp1252" and table.frame.iloc[0].tolist() == ["L’école", "½"]


@pytest.mark.parametrize("separator", [";", ",", "\t"])
def test_separators_are_sniffed(separator):
    text = separator.join(["category_code", "designation", "purchase_price_ht"]) + "\n" + \
        separator.join(["laptop", '"Dell; Latitude, 5440"', '"849,90"']) + "\n"
    table = uploads.read_table("x.tsv" if separator == "\t" else "x.csv", text.encode())
    assert table.separator == separator
    assert table.frame.iloc[0].tolist() == ["laptop", "Dell; Latitude, 5440", "849,90"]


def test_tab_separated_utf16_as_excel_saves_unicode_text():
    data = "category_code\tdesignation\nlaptop\tÉcran\n".encode("utf-16")
    table = uploads.read_table("export.txt", data)
    assert table.separator == "\t" and table.frame.iloc[0].tolist() == ["laptop", "Écran"]


@pytest.mark.parametrize("raw,expected", [
    ("849,90", Decimal("849.90")), ("1 234,56", Decimal("1234.56")), ("1\u202f234,56 €", Decimal("1234.56")),
    ("1.234,56", Decimal("1234.56")), ("1,234.56", Decimal("1234.56")), ("12.5", Decimal("12.5")),
    ("-3", Decimal("-3")), ("", None), ("abc", None), ("1e9999", None), ("NaN", None), ("١٢", None),
])
def test_decimal_commas(raw, expected):
    assert uploads.parse_decimal(raw) == expected


# --- refused, naming the problem, nothing written -----------------------------------------------------------


def test_duplicate_header_is_refused_naming_the_column_and_nothing_is_written(make_member):
    member = make_member()
    data = "category_code;designation;site;Site\nlaptop;PC;Mairie;École\n".encode()
    with pytest.raises(UploadRefused) as refused:
        asset_imports.run_import("x.csv", data, member.id, None, dry_run=False)
    assert refused.value.code == "duplicate_column"
    assert "« Site »" in refused.value.message and "colonnes C et D" in refused.value.message
    assert db.session.scalar(select(func.count()).select_from(Asset).where(Asset.member_id == member.id)) == 0


def test_duplicate_header_is_refused_in_a_price_list_too():
    with pytest.raises(UploadRefused) as refused:
        price_imports.read_frame("p.csv", "marque;modele;Marque\nDell;X;HP\n".encode())
    assert refused.value.code == "duplicate_column" and "Marque" in refused.value.message


def test_empty_header_with_values_is_refused_naming_the_column():
    with pytest.raises(UploadRefused) as refused:
        uploads.read_table("x.csv", "category_code;;site\nlaptop;oups;Mairie\n".encode())
    assert refused.value.code == "empty_column_title" and "colonne B (n° 2)" in refused.value.message


def test_empty_trailing_columns_without_title_are_dropped():
    table = uploads.read_table("x.csv", "category_code;site;;\r\nlaptop;Mairie;;\r\n".encode("cp1252"))
    assert list(table.frame.columns) == ["category_code", "site"]


def test_ragged_row_is_refused_with_its_line():
    with pytest.raises(UploadRefused) as refused:
        uploads.read_table("x.csv", b"a;b\n1;2\n1;2;3;4\n")
    assert refused.value.code == "ragged_row" and "Ligne 3" in refused.value.message


def _xlsx_bytes(rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.mark.parametrize("filename,data,content", [
    ("inventaire.csv", _xlsx_bytes([["category_code"], ["laptop"]]), "xlsx"),
    ("inventaire.xlsx", b"category_code;site\nlaptop;Mairie\n", "csv"),
    ("inventaire.ods", _xlsx_bytes([["category_code"], ["laptop"]]), "xlsx"),
    ("inventaire.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "xls"),
    ("inventaire.csv", bytes(range(256)) * 4, "binary"),
])
def test_content_that_is_not_what_the_extension_says_is_refused(filename, data, content):
    with pytest.raises(UploadRefused) as refused:
        uploads.read_table(filename, data)
    assert refused.value.code == "content_mismatch" and refused.value.details["content"] == content
    assert "ne correspond pas à son extension" in refused.value.message


def test_corrupted_zip_is_refused():
    data = _xlsx_bytes([["a"], ["1"]])
    with pytest.raises(UploadRefused) as refused:
        uploads.read_table("x.xlsx", data[: len(data) // 2])
    assert refused.value.code == "corrupted_zip"


# --- workbooks: XLSX and ODS --------------------------------------------------------------------------------


def test_xlsx_reads_with_dates_and_numbers():
    data = _xlsx_bytes([["category_code", "acquisition_date", "purchase_price_ht"],
                        ["laptop", date(2023, 3, 15), 849.9]])
    table = uploads.read_table("x.xlsx", data)
    row = table.frame.iloc[0]
    assert table.kind == "xlsx" and uploads.parse_date(row["acquisition_date"]) == date(2023, 3, 15)
    assert uploads.parse_decimal(row["purchase_price_ht"]) == Decimal("849.9")


def test_ods_is_read_and_the_sheet_holding_the_columns_is_chosen():
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="odf") as writer:
        pd.DataFrame([["Lisez-moi"]], columns=["notice"]).to_excel(writer, sheet_name="notice", index=False)
        pd.DataFrame([["laptop", "Écran œil", "849,90"]],
                     columns=["category_code", "designation", "purchase_price_ht"]).to_excel(
            writer, sheet_name="inventaire", index=False)
    data = out.getvalue()
    assert uploads.sniff_kind(data) == "ods"
    table = uploads.read_table("parc.ods", data, required_columns=["category_code"])
    assert table.kind == "ods" and table.sheet == "inventaire"
    assert table.frame.to_dict("records") == [{"category_code": "laptop", "designation": "Écran œil",
                                               "purchase_price_ht": "849,90"}]


def test_ods_import_through_the_asset_import(make_member):
    member = make_member()
    out = io.BytesIO()
    frame = pd.DataFrame([["laptop", "PC ODS", "", "SN-ODS-1", "Mairie", "", "15/03/2023", "849,90", "", "", ""]],
                         columns=ASSET_HEADER)
    with pd.ExcelWriter(out, engine="odf") as writer:
        frame.to_excel(writer, index=False)
    report = asset_imports.run_import("parc.ods", out.getvalue(), member.id, None, dry_run=False)
    assert report.ok and report.imported == 1
    (asset,) = _assets(member.id)
    assert asset.purchase_price_ht == Decimal("849.90") and asset.acquisition_date == date(2023, 3, 15)


def _sheet_xlsx(sheet_xml_parts, dimension: str | None = None) -> bytes:
    """A minimal XLSX whose one sheet is written from ``sheet_xml_parts`` (an iterable of bytes), streamed."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml",
                         '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                         'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')
        archive.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats'
                                            '.org/spreadsheetml/2006/main"><sheets><sheet name="a" sheetId="1"/>'
                                            '</sheets></workbook>')
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            member.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                         b'spreadsheetml/2006/main">')
            if dimension:
                member.write(f'<dimension ref="{dimension}"/>'.encode())
            member.write(b"<sheetData>")
            for part in sheet_xml_parts:
                member.write(part)
            member.write(b"</sheetData></worksheet>")
    return out.getvalue()


@pytest.fixture
def no_spreadsheet_parser(monkeypatch):
    """Fails the test if openpyxl or pandas is asked to parse a workbook: the refusal must come first."""
    calls = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise AssertionError("a workbook was parsed")

    monkeypatch.setattr(pd, "read_excel", refuse)
    monkeypatch.setattr(openpyxl, "load_workbook", refuse)
    monkeypatch.setattr(openpyxl.reader.excel, "load_workbook", refuse)
    return calls


def test_the_four_million_cell_xlsx_is_refused_before_any_cell_is_parsed(no_spreadsheet_parser):
    rows = (b"<row>" + b"<c><v>1</v></c>" * 4 + b"</row>") * 10_000
    data = _sheet_xlsx(rows for _ in range(100))  # 4 million tiny cells
    assert len(data) < 1024 * 1024, len(data)  # a small file: the adversary's was 572 KB
    with pytest.raises(UploadRefused) as refused:
        uploads.read_table("petit.xlsx", data)
    assert refused.value.code in ("uncompressed_too_large", "zip_bomb", "too_many_cells")
    # and even with generous byte limits, the cell count alone refuses it (counted, not parsed)
    with pytest.raises(UploadRefused) as refused:
        uploads.read_table("petit.xlsx", data, upload_limits=UploadLimits(max_uncompressed_bytes=10**10,
                                                                          max_zip_ratio=10**9))
    assert refused.value.code == "too_many_cells" and refused.value.details["cells"] > 1_000_000
    assert "plus de 1\u202f000\u202f000 cellules" in refused.value.message
    assert no_spreadsheet_parser == []


def test_the_four_million_cell_xlsx_is_refused_by_the_import_pages(browser, make_member, make_user,
                                                                   no_spreadsheet_parser):
    member = make_member()
    make_user(member=member, email="bomb@a.test")
    browser.login("bomb@a.test")
    data = _sheet_xlsx((b"<row>" + b"<c><v>1</v></c>" * 4 + b"</row>") * 10_000 for _ in range(100))
    response = browser.post_form("/lifecycle/import", {"file": (io.BytesIO(data), "inventaire.xlsx"), "dry_run": ""},
                                 content_type="multipart/form-data")
    assert response.status_code == 422 and "Classeur refusé" in response.get_data(as_text=True)
    assert _assets(member.id) == [] and no_spreadsheet_parser == []


def test_a_far_away_cell_is_refused_for_the_area_it_spans(no_spreadsheet_parser):
    data = _sheet_xlsx([b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>',
                        b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'])
    with pytest.raises(UploadRefused) as refused:
        uploads.read_table("loin.xlsx", data)
    assert refused.value.code == "too_many_cells"


def test_a_lying_dimension_is_refused_before_the_cells_are_counted(no_spreadsheet_parser):
    data = _sheet_xlsx([b'<row r="1"><c r="A1"><v>1</v></c></row>'], dimension="A1:XFD1048576")
    with pytest.raises(UploadRefused) as refused:
        uploads.read_table("dim.xlsx", data)
    assert refused.value.code == "too_many_cells"


def test_the_cell_limit_is_a_setting_and_counts_cells(no_spreadsheet_parser):
    data = _sheet_xlsx(f'<row r="{n}"><c r="A{n}"><v>1</v></c><c r="B{n}"><v>2</v></c></row>'.encode()
                       for n in range(1, 601))
    with pytest.raises(UploadRefused) as refused:
        uploads.read_table("x.xlsx", data, upload_limits=UploadLimits(max_cells=1000))
    assert refused.value.code == "too_many_cells" and refused.value.details["cells"] > 1000


def test_a_zip_bomb_ratio_is_refused(no_spreadsheet_parser):
    data = _sheet_xlsx([b"<row>" + b"<c/>" * 1_000_000 + b"</row>"])
    with pytest.raises(UploadRefused) as refused:
        uploads.read_table("x.xlsx", data, upload_limits=UploadLimits(max_cells=10**9))
    assert refused.value.code == "zip_bomb"


def test_an_ods_of_repeated_cells_is_refused_before_pandas_reads_it(no_spreadsheet_parser):
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
        '<table:table table:name="a"><table:table-row table:number-rows-repeated="1000000">'
        '<table:table-cell table:number-columns-repeated="1000" office:value-type="float" office:value="1">'
        '<text:p>1</text:p></table:table-cell></table:table-row></table:table>'
        '</office:spreadsheet></office:body></office:document-content>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
    with pytest.raises(UploadRefused) as refused:
        uploads.read_table("x.ods", out.getvalue())
    assert refused.value.code == "too_many_cells"


def test_size_is_checked_before_the_file_is_read():
    from werkzeug.datastructures import FileStorage

    class Stream(io.BytesIO):
        reads = 0

        def read(self, *args):
            Stream.reads += 1
            return super().read(*args)

    stream = Stream(b"x" * 2048)
    with pytest.raises(UploadRefused) as refused:
        uploads.read_upload(FileStorage(stream, "x.csv"), max_bytes=1024)
    assert refused.value.code == "file_too_large" and Stream.reads == 0
