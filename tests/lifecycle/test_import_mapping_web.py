"""The import pages: upload → proposed mapping (a form) → preview → dry run / import; the mapping saved and
reused on the next import of the same headers; an unknown column said and ignored; large files as a job."""
from __future__ import annotations

import html
import io
import re

from sqlalchemy import func, select

from lifecycle.assets.models import Asset
from lifecycle.imports.models import ImportMapping
from purchasing.extensions import db
from tests.conftest import csrf_from
from tests.lifecycle import inventory_files as files


def _login(browser, make_member, make_user, email):
    member = make_member()
    make_user(member=member, email=email)
    browser.login(email)
    return member


def _upload(browser, data, name, **fields):
    payload = {"file": (io.BytesIO(data), name)}
    payload.update(fields)
    return browser.post_form("/lifecycle/import", payload, content_type="multipart/form-data")


def _form_of(page: str) -> dict[str, str]:
    """The mapping form as the browser would post it: every select's selected option, every hidden input."""
    data = {"csrf_token": csrf_from(page)}
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', body)
        data[name] = html.unescape(chosen.group(1)) if chosen else ""
    for name, value in re.findall(r'<input type="hidden" name="(word-[^"]+)" value="([^"]*)"', page):
        data[name] = html.unescape(value)
    return data


def _word_field(page: str, column: str, word: str) -> str:
    for name, value in re.findall(r'<input type="hidden" name="(word-[^"]+)" value="([^"]*)"', page):
        if name.startswith(f"word-{column}-") and html.unescape(value) == word:
            return name.replace("word-", "value-", 1)
    raise AssertionError(f"no field for {column} {word}")


def _count(member_id):
    return db.session.scalar(select(func.count()).select_from(Asset).where(Asset.member_id == member_id))


def test_mapping_is_proposed_corrected_previewed_saved_and_reused(browser, make_member, make_user):
    member = _login(browser, make_member, make_user, "mapping@a.test")
    data = files.csv_bytes(files.FRENCH_SPREADSHEET, encoding="cp1252")
    response = _upload(browser, data, "parc.csv", dry_run="y")
    assert response.status_code == 303 and response.headers["Location"].endswith("/lifecycle/import/mapping")
    page = browser.get("/lifecycle/import/mapping").get_data(as_text=True)
    assert "Tableur (CSV, XLSX ou ODS)" in page and "3 lignes" in page
    # the unknown column: mapped to nothing, and said
    remarque = re.search(r'<label for="column-(\d+)">Remarque</label>', page)
    assert remarque and "Colonne non reconnue : elle ne sera pas importée" in page
    form = _form_of(page)
    assert form[f"column-{remarque.group(1)}"] == "" and form["column-0"] == "category_code"
    # the preview: the first rows as they will be stored
    preview = page[page.index('id="preview-title"'):]
    assert "2023-03-15" in preview and "849.90" in preview and "laptop" in preview and "sac fourni" not in preview
    # the user corrects a word ("Usé" → poor) and imports; the mapping is saved
    form[_word_field(page, "condition", "Usé")] = "poor"
    form.update(action="run", save="y")
    response = browser.client.post("/lifecycle/import/mapping", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    assert _count(member.id) == 3
    tablet = db.session.scalars(select(Asset).where(Asset.serial_number == "FRX-003")).one()
    assert tablet.condition == "poor"
    saved = db.session.scalars(select(ImportMapping).where(ImportMapping.member_id == member.id)).one()
    assert saved.kind == "spreadsheet" and saved.value_map["condition"]["use"] == "poor"
    assert browser.get("/lifecycle/import/mapping").status_code == 302  # the waiting file is gone
    # the next file with the same headers (another order of rows, new serials) reuses it without asking
    rows = [files.FRENCH_SPREADSHEET[0]] + [[v.replace("FRX", "NXT") for v in row]
                                           for row in files.FRENCH_SPREADSHEET[1:]]
    response = _upload(browser, files.csv_bytes(rows, encoding="cp1252"), "parc-2027.csv")
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    assert db.session.scalars(select(Asset.condition).where(Asset.serial_number == "NXT-003")).one() == "poor"
    # asked to review, the page says the saved mapping was reused
    response = _upload(browser, files.csv_bytes(rows, encoding="cp1252"), "parc-2027.csv", review="y")
    assert response.status_code == 303
    assert "L'association enregistrée lors de votre dernier import" in browser.get(
        "/lifecycle/import/mapping").get_data(as_text=True)


def test_a_dry_run_from_the_mapping_page_writes_nothing_and_lists_errors(browser, make_member, make_user):
    member = _login(browser, make_member, make_user, "mapping-dry@a.test")
    rows = [["Type", "Nom", "Numéro de série", "Statut"], ["Portable", "PC 1", "DRY-1", "En service"],
            ["Grille-pain", "Toaster", "DRY-2", "Lost/Stolen"]]
    assert _upload(browser, files.csv_bytes(rows), "x.csv", dry_run="y").status_code == 303
    page = browser.get("/lifecycle/import/mapping").get_data(as_text=True)
    form = _form_of(page)
    form.update(action="run", dry_run="y")
    response = browser.client.post("/lifecycle/import/mapping", data=form)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Code de catégorie inconnu « Grille-pain »" in text and "Lost/Stolen" in text
    assert _count(member.id) == 0
    # mapping the word fixes it (the dry run then passes)
    form[_word_field(page, "category_code", "Grille-pain")] = "desktop"
    form[_word_field(page, "status", "Lost/Stolen")] = "in_stock"
    response = browser.client.post("/lifecycle/import/mapping", data=form)
    assert response.status_code == 200 and "2 lignes vérifiées, aucune erreur" in response.get_data(as_text=True)
    assert _count(member.id) == 0


def test_a_bad_mapping_post_is_a_422_in_french_and_writes_nothing(browser, make_member, make_user):
    member = _login(browser, make_member, make_user, "mapping-bad@a.test")
    rows = [["Type", "Numéro de série", "N° de série"], ["Portable", "A", "B"]]
    assert _upload(browser, files.csv_bytes(rows), "x.csv").status_code == 303
    page = browser.get("/lifecycle/import/mapping").get_data(as_text=True)
    form = _form_of(page)
    form.update({"column-1": "serial_number", "column-2": "serial_number", "action": "run"})
    response = browser.client.post("/lifecycle/import/mapping", data=form)
    assert response.status_code == 422 and "vont toutes deux dans" in response.get_data(as_text=True)
    form.update({"column-2": "shoe_size"})
    response = browser.client.post("/lifecycle/import/mapping", data=form)
    assert response.status_code == 422 and "Colonne de destination inconnue" in response.get_data(as_text=True)
    assert _count(member.id) == 0 and db.session.scalar(select(func.count()).select_from(ImportMapping)) == 0


def test_bad_files_on_the_page_are_said_in_french(browser, make_member, make_user):
    member = _login(browser, make_member, make_user, "mapping-files@a.test")
    for data, name, words in ((b"", "vide.csv", "Le fichier est vide."),
                              ("Type;Nom\r\n".encode(), "titres.csv", "ne contient que la ligne des titres"),
                              (b'{"hello": "world"}', "x.json", "pas un inventaire GLPI")):
        response = _upload(browser, data, name)
        assert response.status_code == 422 and words in response.get_data(as_text=True), name
    assert _count(member.id) == 0


def test_a_glpi_json_goes_straight_to_the_import(browser, make_member, make_user):
    member = _login(browser, make_member, make_user, "mapping-json@a.test")
    response = _upload(browser, files.glpi_json(3), "inventaire.csv")
    assert response.status_code == 302 and _count(member.id) == 3


def test_a_large_mapped_file_goes_to_the_job_with_its_mapping(app, browser, make_member, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_IMPORT_ROW_THRESHOLD", 5)
    member = _login(browser, make_member, make_user, "mapping-job@a.test")
    rows = [["Type", "Nom", "Numéro de série", "État"]] + [["Portable", f"PC {n}", f"JOB-{n}", "Usé"]
                                                           for n in range(8)]
    assert _upload(browser, files.csv_bytes(rows), "grand.csv").status_code == 303
    page = browser.get("/lifecycle/import/mapping").get_data(as_text=True)
    form = _form_of(page)
    form[_word_field(page, "condition", "Usé")] = "poor"
    form.update(action="run")
    response = browser.client.post("/lifecycle/import/mapping", data=form)
    assert response.status_code == 303 and "/jobs/" in response.headers["Location"]
    assert "8 équipements importés." in browser.get(response.headers["Location"]).get_data(as_text=True)
    assert set(db.session.scalars(select(Asset.condition).where(Asset.member_id == member.id))) == {"poor"}
    assert _count(member.id) == 8
