"""Inventory sources (stage 1) and column mapping (stage 2): each kind of file detected from its content, the
mapping proposed per source, value words in French and English, a saved mapping reused, bad input refused."""
from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from lifecycle.assets.models import Asset
from lifecycle.imports import mapping as mappings
from lifecycle.imports import services as imports
from lifecycle.imports.models import ImportMapping
from lifecycle.imports.sources import read_source
from purchasing.domain.errors import DomainError
from purchasing.extensions import db
from tests.lifecycle import inventory_files as files
from tests.lifecycle.test_races_postgres import threaded_session  # noqa: F401  (a fixture)


def _assets(member_id) -> dict[str, Asset]:
    return {a.serial_number: a for a in db.session.scalars(select(Asset).where(Asset.member_id == member_id))}


def _count(member_id) -> int:
    return db.session.scalar(select(func.count()).select_from(Asset).where(Asset.member_id == member_id))


def _codes(member_id) -> dict[str, str]:
    from purchasing.catalogue.models import Category

    return dict(db.session.execute(select(Asset.serial_number, Category.code).join(Category)
                                   .where(Asset.member_id == member_id)).all())


# --- GLPI native inventory (JSON) ---------------------------------------------------------------------------------

def test_a_glpi_json_inventory_of_one_computer_named_csv_is_read_as_json(make_member):
    source = read_source("export.csv", files.glpi_json(1))  # the name says CSV, the content says JSON
    assert source.kind == "glpi_json" and source.canonical and len(source) == 1
    row = mappings.apply(source, mappings.propose(source).mapping).iloc[0].to_dict()
    assert row["category_code"] == "laptop" and row["serial_number"] == "7HX0001Q"
    assert row["asset_tag"] == "MAIRIE-0001" and row["uuid"] == "4C4C4544-0042-3510-8053-B00000000001"
    assert row["device_id"] == "pc-mairie-01-2026-11-30-08-15-02"
    assert (row["manufacturer"], row["model"], row["designation"]) == ("Dell Inc.", "Latitude 5430",
                                                                       "Dell Inc. Latitude 5430")
    assert row["cpu"] == "12th Gen Intel(R) Core(TM) i5-1245U"
    assert row["ram_mb"] == "16384"  # the two modules, not the hardware's 7908
    assert row["storage"] == "ssd:512;hdd:1000"  # the NVMe and the SATA disk, not the DVD drive
    assert (row["os_name"], row["os_version"]) == ("Microsoft Windows 10 Professionnel", "22H2")
    assert row["battery_health_pct"] == "80" and row["last_inventory_dt"] == "2026-11-30 08:15:02"
    member = make_member()
    report = imports.run_import("export.csv", files.glpi_json(1), member.id, None, dry_run=False)
    assert report.ok and report.imported == 1
    asset = _assets(member.id)["7HX0001Q"]
    assert asset.designation == "Dell Inc. Latitude 5430" and _codes(member.id) == {"7HX0001Q": "laptop"}


def test_a_glpi_json_list_of_computers_and_its_details(make_member):
    inventories = [files.glpi_inventory(1), files.glpi_inventory(2, chassis="Mini Tower"),
                   files.glpi_inventory(3, chassis="Desktop")]
    del inventories[2]["content"]["memories"]  # RAM from the hardware's total when modules are absent
    source = read_source("parc.json", json.dumps(inventories).encode())
    frame = mappings.apply(source, mappings.propose(source).mapping)
    assert frame["category_code"].tolist() == ["laptop", "desktop", "desktop"]
    assert frame["ram_mb"].tolist() == ["16384", "16384", "7908"]
    member = make_member()
    report = imports.run_import("parc.json", json.dumps(inventories).encode(), member.id, None, dry_run=False)
    assert report.ok and report.imported == 3
    assert _codes(member.id) == {"7HX0001Q": "laptop", "7HX0002Q": "desktop", "7HX0003Q": "desktop"}


def test_a_glpi_virtual_machine_and_placeholder_serials():
    inventory = files.glpi_inventory(1, vmsystem="VMware", serial="To be filled by O.E.M.")
    inventory["content"]["bios"]["msn"] = "Default string"
    row = read_source("vm.json", json.dumps(inventory).encode()).frame.iloc[0]
    assert row["category_code"] == "virtual_machine" and row["serial_number"] == ""


def test_glpi_json_lines_and_a_zip_of_inventories():
    lines = "\n".join(json.dumps(files.glpi_inventory(n)) for n in (1, 2)).encode()
    assert len(read_source("parc.jsonl", lines)) == 2
    archive = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(archive, "w") as out:
        for n in (1, 2, 3):
            out.writestr(f"inventaires/pc-{n}.json", json.dumps(files.glpi_inventory(n)))
    source = read_source("inventaires.zip", archive.getvalue())
    assert source.kind == "glpi_json" and source.frame["serial_number"].tolist() == ["7HX0001Q", "7HX0002Q",
                                                                                     "7HX0003Q"]


# --- GLPI list exports (CSV, French and English titles) ---------------------------------------------------------------

def test_a_glpi_computer_export_with_french_titles(make_member):
    data = files.csv_bytes(files.GLPI_COMPUTERS_FR, bom=True)
    source = read_source("glpi.csv", data)
    assert (source.kind, source.item_type) == ("glpi_csv", "computer")
    proposal = mappings.propose(source)
    assert proposal.mapping.columns == {
        "Nom": "name", "Entité": "", "Statut": "status", "Fabricant": "manufacturer",
        "Numéro de série": "serial_number", "Type": "category_code", "Modèle": "model",
        "Système d'exploitation - Nom": "os_name", "Lieu": "site", "Dernière modification": "",
        "Composants - Processeur": "cpu", "Numéro d'inventaire": "asset_tag", "Date d'achat": "acquisition_date",
        "Durée de garantie": "warranty_months", "Usager": "assigned_to"}
    assert proposal.unknown == [] and {c.header: c.reason for c in proposal.columns}["Entité"] == "ignored"
    assert proposal.words["category_code"] == [("Portable", "laptop", 1), ("Unité centrale", "desktop", 1),
                                               ("Ordinateur portable", "laptop", 1)]
    member = make_member()
    report = imports.run_import("glpi.csv", data, member.id, None, dry_run=False)
    assert report.ok, report.errors
    assets = _assets(member.id)
    assert _codes(member.id) == {"GLPIFR001": "laptop", "GLPIFR002": "desktop", "GLPIFR003": "laptop"}
    accueil, compta, atelier = assets["GLPIFR001"], assets["GLPIFR002"], assets["GLPIFR003"]
    assert (accueil.status, compta.status, atelier.status) == ("in_service", "in_stock", "in_stock")
    assert atelier.condition == "poor"  # "Hors service": in stock, in poor condition
    assert accueil.acquisition_date == date(2023, 3, 15) and accueil.warranty_end_date == date(2026, 3, 15)
    assert compta.warranty_end_date == date(2023, 9, 1) and atelier.warranty_end_date == date(2021, 6, 30)
    assert accueil.designation == "Dell Inc. Latitude 5440" and accueil.site.name == "Mairie > Accueil"


def test_a_glpi_computer_export_with_english_titles(make_member):
    data = files.csv_bytes(files.GLPI_COMPUTERS_EN, sep=",")
    source = read_source("computers.csv", data)
    assert (source.kind, source.item_type) == ("glpi_csv", "computer")
    columns = mappings.propose(source).mapping.columns
    assert (columns["Serial number"], columns["Inventory number"], columns["Location"], columns["Status"],
            columns["Operating system - Name"], columns["Entity"]) == ("serial_number", "asset_tag", "site",
                                                                        "status", "os_name", "")
    member = make_member()
    report = imports.run_import("computers.csv", data, member.id, None, dry_run=False)
    assert report.ok, report.errors
    assert _codes(member.id) == {"GLPIEN001": "laptop", "GLPIEN002": "desktop"}
    assert _assets(member.id)["GLPIEN001"].status == "in_service" and _assets(member.id)["GLPIEN002"].status == \
        "in_stock"


def test_a_glpi_monitor_export_takes_its_category_from_the_size(make_member):
    data = files.csv_bytes(files.GLPI_MONITORS_FR)
    source = read_source("ecrans.csv", data)
    assert (source.kind, source.item_type) == ("glpi_csv", "monitor")
    proposal = mappings.propose(source)
    assert proposal.mapping.default_category == "monitor_24" and proposal.mapping.columns["Taille"] == \
        "screen_inches"
    member = make_member()
    report = imports.run_import("ecrans.csv", data, member.id, None, dry_run=False)
    assert report.ok, report.errors
    assert _codes(member.id) == {"MONFR001": "monitor_24", "MONFR002": "monitor_27"}


# --- Snipe-IT ---------------------------------------------------------------------------------------------------------

def test_a_snipeit_asset_export(make_member):
    data = files.csv_bytes(files.SNIPEIT_ASSETS, sep=",")
    source = read_source("assets-2026-12-01.csv", data)
    assert source.kind == "snipeit_csv"
    columns = mappings.propose(source).mapping.columns
    assert (columns["Asset Tag"], columns["Purchase Cost"], columns["Warranty"], columns["Order Number"],
            columns["Company"], columns["Model Number"]) == ("asset_tag", "purchase_price_ht", "warranty_months",
                                                             "order_reference", "", "")
    member = make_member()
    report = imports.run_import("assets.csv", data, member.id, None, dry_run=False)
    assert report.ok, report.errors
    assets = _assets(member.id)
    assert _codes(member.id) == {"PF4SNIPE1": "laptop", "CZCSNIPE2": "desktop", "CNSNIPE3": "monitor_24"}
    laptop, desktop, monitor = assets["PF4SNIPE1"], assets["CZCSNIPE2"], assets["CNSNIPE3"]
    assert laptop.purchase_price_ht == Decimal("1149.90") and monitor.purchase_price_ht == Decimal("189.50")
    assert laptop.warranty_end_date == date(2026, 9, 12) and desktop.warranty_end_date == date(2022, 1, 31)
    assert (laptop.status, desktop.status, monitor.status, monitor.condition) == ("in_service", "in_stock",
                                                                                  "in_stock", "poor")
    assert laptop.assigned_to == "Marie Curie" and laptop.designation == "Lenovo ThinkPad T14 Gen 4"


# --- spreadsheets as people save them ---------------------------------------------------------------------------------

def _check_french_rows(member_id):
    assets = _assets(member_id)
    laptop, monitor, tablet = assets["FRX-001"], assets["FRX-002"], assets["FRX-003"]
    assert _codes(member_id) == {"FRX-001": "laptop", "FRX-002": "monitor_24", "FRX-003": "tablet"}
    assert laptop.designation == "Portable d’élève – Dell Latitude" and monitor.site.name == "Mairie d'Écuelles"
    assert laptop.purchase_price_ht == Decimal("849.90") and monitor.purchase_price_ht == Decimal("1139.50")
    assert laptop.acquisition_date == date(2023, 3, 15) and laptop.warranty_end_date == date(2026, 3, 15)
    assert (laptop.condition, monitor.condition, tablet.condition) == ("good", "new", "fair")
    assert (laptop.status, monitor.status, tablet.status) == ("in_service", "in_stock", "in_stock")


def test_a_windows_1252_semicolon_spreadsheet_with_decimal_commas_and_french_dates(make_member):
    data = files.csv_bytes(files.FRENCH_SPREADSHEET, encoding="cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    source = read_source("parc.csv", data)
    assert (source.kind, source.encoding, source.separator) == ("spreadsheet", "cp1252", ";")
    proposal = mappings.propose(source)
    assert proposal.unknown == ["Remarque"] and proposal.mapping.columns["Remarque"] == ""
    member = make_member()
    report = imports.run_import("parc.csv", data, member.id, None, dry_run=False)
    assert report.ok, report.errors
    _check_french_rows(member.id)


@pytest.mark.parametrize("engine,name", [("openpyxl", "parc.xlsx"), ("odf", "parc.ods")])
def test_a_workbook_with_the_data_on_its_second_sheet(make_member, engine, name):
    data = files.workbook({"Couverture": files.COVER_SHEET, "Matériel": files.FRENCH_SPREADSHEET}, engine=engine)
    source = read_source(name, data)
    assert source.sheet == "Matériel" and source.kind == "spreadsheet" and len(source) == 3
    member = make_member()
    report = imports.run_import(name, data, member.id, None, dry_run=False)
    assert report.ok, report.errors
    _check_french_rows(member.id)


def test_an_iso_8859_15_tab_separated_file_and_utf8_with_bom():
    rows = [["Type", "Désignation", "Prix"], ["Portable", "PC œuvre", "12,50 €"]]
    for data in (files.csv_bytes(rows, sep="\t", encoding="iso8859_15"), files.csv_bytes(rows, bom=True)):
        source = read_source("x.txt", data)
        frame = mappings.apply(source, mappings.propose(source).mapping)
        assert frame.loc[0, "designation"] == "PC œuvre" and frame.loc[0, "purchase_price_ht"] == "12.50"
        assert frame.loc[0, "category_code"] == "laptop"


# --- value words -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("column,word,value", [
    ("category_code", "Portable", "laptop"), ("category_code", "ordinateur PORTABLE", "laptop"),
    ("category_code", "Laptop", "laptop"), ("category_code", "Notebook", "laptop"),
    ("category_code", "Unité centrale", "desktop"), ("category_code", "unite centrale", "desktop"),
    ("category_code", "Desktop", "desktop"), ("category_code", "Écran", "monitor_24"),
    ("category_code", "Monitor", "monitor_24"), ("category_code", "Téléphone mobile", "smartphone"),
    ("category_code", "Tablet", "tablet"), ("category_code", "Vidéoprojecteur", "video_projector"),
    ("category_code", "laptop", "laptop"), ("category_code", "grille-pain", ""),
    ("status", "En service", "in_service"), ("status", "Deployed", "in_service"),
    ("status", "Ready to Deploy", "in_stock"), ("status", "En stock", "in_stock"),
    ("status", "Hors service", "in_stock"), ("status", "Archived", "in_stock"), ("status", "Broken", "in_stock"),
    ("status", "in_service", "in_service"), ("status", "Lost/Stolen", ""),
    ("condition", "Neuf", "new"), ("condition", "Bon état", "good"), ("condition", "Good", "good"),
    ("condition", "Usé", "fair"), ("condition", "Mauvais", "poor"), ("condition", "Damaged", "poor"),
])
def test_value_words_in_french_and_english(column, word, value):
    assert mappings.default_word_value(column, word) == value


def test_an_unknown_word_stays_as_written_and_validation_says_so(make_member):
    data = files.csv_bytes([["Type", "Désignation", "Statut"], ["Portable", "PC", "Lost/Stolen"],
                            ["Grille-pain", "Toaster", "En service"]])
    report = imports.run_import("x.csv", data, make_member().id, None, dry_run=True)
    assert {(e.row, e.column) for e in report.errors} == {(2, "status"), (3, "category_code")}
    assert any("Lost/Stolen" in e.reason for e in report.errors)


@pytest.mark.parametrize("raw,mb", [("8 Go", "8192"), ("16GB", "16384"), ("8192", "8192"), ("8", "8192"),
                                    ("4096 Mo", "4096"), ("beaucoup", "beaucoup"), ("", "")])
def test_ram_in_any_unit(raw, mb):
    assert mappings.ram_mb(raw) == mb


def test_warranty_months_end_on_the_last_day_of_a_short_month():
    assert mappings._warranty_end("2023-01-31", "1") == "2023-02-28"
    assert mappings._warranty_end("2023-01-31", "36 mois") == "2026-01-31"
    assert mappings._warranty_end("", "12") == "" and mappings._warranty_end("2023-01-31", "beaucoup") == ""


def test_a_mapping_sending_two_columns_to_one_target_is_refused():
    source = read_source("x.csv", files.csv_bytes([["A", "B"], ["1", "2"]]))
    with pytest.raises(DomainError) as refused:
        mappings.apply(source, mappings.Mapping(columns={"A": "serial_number", "B": "serial_number"}))
    assert refused.value.code == "duplicate_target" and "« A » et « B »" in refused.value.message
    with pytest.raises(DomainError) as refused:
        mappings.apply(source, mappings.Mapping(columns={"A": "shoe_size", "B": ""}))
    assert refused.value.code == "unknown_target"


def test_the_signature_ignores_order_case_and_accents():
    assert mappings.signature(["Numéro de série", "Lieu"]) == mappings.signature(["lieu", "NUMERO DE SERIE"])
    assert mappings.signature(["Lieu"]) != mappings.signature(["Lieu", "Type"])


# --- bad input: French messages, nothing written ----------------------------------------------------------------------

@pytest.mark.parametrize("name,data,code,words", [
    ("vide.csv", b"", "empty_file", "vide"),
    ("blancs.json", b"  \r\n ", "empty_file", "vide"),
    ("titres.csv", "Type;Désignation;Numéro de série\r\n".encode(), "no_rows", "ligne des titres"),
    ("pas-inventaire.json", b'{"name": "x", "items": [1, 2]}', "not_an_inventory", "pas un inventaire GLPI"),
    ("liste.json", b'[{"content": {}}, {"deviceid": "x"}]', "not_an_inventory", "élément n° 2"),
    ("casse.json", b'{"content": {', "bad_json", "mal formé"),
    ("vide.json", b"[]", "no_rows", "aucun inventaire"),
    ("rapport.pdf", b"%PDF-1.7", "bad_file_type", "Format refusé"),
    ("abime.zip", b"PK\x03\x04garbage", "corrupted_zip", "abîmée"),
    ("rien.csv", b"foo;bar\n1;2\n", "missing_columns", "catégorie"),
])
def test_bad_input_is_refused_in_french_and_nothing_is_written(make_member, name, data, code, words):
    member = make_member()
    with pytest.raises(DomainError) as refused:
        imports.run_import(name, data, member.id, None, dry_run=False)
    assert refused.value.code == code and words in refused.value.message
    assert _count(member.id) == 0
    assert db.session.scalar(select(func.count()).select_from(ImportMapping)) == 0


AGENT_XML = (b'<?xml version="1.0" encoding="UTF-8" ?><REQUEST><CONTENT><BIOS><SSN>XMLSN1</SSN>'
             b"<SMANUFACTURER>Dell Inc.</SMANUFACTURER><SMODEL>OptiPlex 7090</SMODEL></BIOS>"
             b"<HARDWARE><NAME>PC-XML</NAME><MEMORY>8192</MEMORY><CHASSIS_TYPE>Desktop</CHASSIS_TYPE></HARDWARE>"
             b"</CONTENT><DEVICEID>pc-xml-2026-12-01-10-00-00</DEVICEID><QUERY>INVENTORY</QUERY></REQUEST>")


def test_agent_xml_and_a_zip_of_them_go_to_the_agent_parser(make_member):
    import zipfile

    source = read_source("inventaire.csv", AGENT_XML)  # detected from the content, not the name
    assert source.kind == "agent_xml" and source.canonical
    assert source.frame.loc[0, "serial_number"] == "XMLSN1"
    assert source.frame.loc[0, "device_id"] == "pc-xml-2026-12-01-10-00-00"
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("a.xml", AGENT_XML)
        out.writestr("b.xml", AGENT_XML.replace(b"XMLSN1", b"XMLSN2").replace(b"pc-xml", b"pc-xml-b"))
    source = read_source("parc.zip", archive.getvalue())
    assert source.kind == "agent_xml" and source.frame["serial_number"].tolist() == ["XMLSN1", "XMLSN2"]
    member = make_member()
    report = imports.run_import("parc.zip", archive.getvalue(), member.id, None, dry_run=False)
    assert report.ok, report.errors
    assert set(_assets(member.id)) == {"XMLSN1", "XMLSN2"}


# --- a saved mapping saved twice at once (PostgreSQL, two connections) ------------------------------------------------

@pytest.mark.postgres
def test_two_saves_of_the_same_mapping_at_once_leave_one_row_and_no_error(app, threaded_session):
    import threading

    from purchasing.domain.identifiers import luhn_check_digit
    from purchasing.members.models import Member

    session, created = threaded_session
    body = "88900001"
    member = Member(kind="commune", name="Course mapping", siren=body + luhn_check_digit(body), insee_code="89991",
                    population=100, approval_threshold_ht=Decimal("0"), joined_on=date(2020, 1, 1),
                    search_name="course mapping")
    session.add(member)
    session.commit()
    created["member"].append(member.id)  # deleted after the test, its mappings with it (ON DELETE CASCADE)
    member_id, headers = member.id, ["Type", "Lieu"]
    barrier, errors = threading.Barrier(2), []

    def save(target):
        try:
            with app.app_context():
                # both see no row, then both insert: one wins, the other updates the winner's row
                assert mappings.saved_mapping(member_id, "spreadsheet", headers) is None
                barrier.wait(timeout=10)
                mappings.save_mapping(member_id, "spreadsheet", headers,
                                      mappings.Mapping(columns={"Type": "category_code", "Lieu": target}))
                session.commit()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            session.remove()

    threads = [threading.Thread(target=save, args=(t,)) for t in ("site", "")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    rows = session.scalars(select(ImportMapping).where(ImportMapping.member_id == member_id)).all()
    assert len(rows) == 1 and rows[0].columns["Lieu"] in ("site", "")


def test_hardware_columns_of_a_spreadsheet_are_converted():
    rows = [["Type", "Désignation", "Mémoire", "Processeur", "Taille", "Système d'exploitation"],
            ["Portable", "PC", "8 Go", "Intel Core i5", "", "Windows 10"],
            ["Écran", "Écran", "", "", "27 pouces", ""]]
    source = read_source("x.csv", files.csv_bytes(rows))
    frame = mappings.apply(source, mappings.propose(source).mapping)
    assert frame["ram_mb"].tolist() == ["8192", ""] and frame["cpu"].tolist() == ["Intel Core i5", ""]
    assert frame["screen_inches"].tolist() == ["", "27"] and frame["category_code"].tolist() == ["laptop",
                                                                                               "monitor_27"]
    assert frame["os_name"].tolist() == ["Windows 10", ""]


def test_a_glpi_vm_lands_in_the_virtual_machine_category(make_member):
    member = make_member()
    data = json.dumps(files.glpi_inventory(1, vmsystem="KVM", serial="VMSN-1")).encode()
    report = imports.run_import("vm.json", data, member.id, None, dry_run=False)
    assert report.ok, report.errors
    assert _codes(member.id) == {"VMSN-1": "virtual_machine"}


@pytest.mark.parametrize("kind", ["glpi_csv", "snipeit_csv", "glpi_json"])
def test_a_re_import_of_each_source_matches_and_updates(make_member, kind):
    member = make_member()
    if kind == "glpi_csv":
        first = files.csv_bytes(files.GLPI_COMPUTERS_FR)
        rows = [list(r) for r in files.GLPI_COMPUTERS_FR]
        rows[1][8] = "Mairie > Salle du conseil"
        second = files.csv_bytes(rows)
    elif kind == "snipeit_csv":
        first = files.csv_bytes(files.SNIPEIT_ASSETS, sep=",")
        rows = [list(r) for r in files.SNIPEIT_ASSETS]
        rows[1][8] = "Mairie > Salle du conseil"
        second = files.csv_bytes(rows, sep=",")
    else:
        first = files.glpi_json(3)
        inventories = [files.glpi_inventory(n) for n in (1, 2, 3)]
        inventories[0]["content"]["memories"].append({"capacity": 16384})
        second = json.dumps(inventories).encode()
    assert imports.run_import("a.csv", first, member.id, None, dry_run=False).ok
    before = _count(member.id)
    report = imports.run_import("b.csv", second, member.id, None, dry_run=False)
    assert report.ok, report.errors
    assert (report.imported, report.updated) == (0, 1) and _count(member.id) == before
