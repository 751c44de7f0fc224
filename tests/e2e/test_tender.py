"""A tender, as the purchasing officer runs it: create it with a lot, its award criteria (an environmental one
among them) and a maximum amount; publish it; import suppliers' price lists through the upload form (files
written from the downloadable template's columns). Bids stay sealed until the deadline, so the evaluation and
the award are done on the demo tender AO-2026-03, whose deadline has passed (closed, bids received).
"""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta, timezone

from playwright.sync_api import Page, expect

from tests.e2e.support import check_accessibility, go_to, login, logout

OFFICER = "achats@demo.local"
REFERENCE = "AO-E2E-01"
TITLE = "Portables reconditionnés pour les écoles"
LOT_TITLE = "Ordinateurs portables reconditionnés"
SUPPLIERS = {"Périgord Informatique Services": "612,50", "Aquitaine Reconditionnement SCOP": "575,00"}
CLOSED_DEMO_TENDER = "AO-2026-03"


def price_list(template_csv: str, unit_price: str) -> bytes:
    """A supplier's price list with the template's columns (semicolon-separated, as the template is)."""
    columns = next(csv.reader(io.StringIO(template_csv.lstrip("\ufeff")), delimiter=";"))
    values = {"reference_fabricant": "T470-R", "marque": "Lenovo", "modele": "ThinkPad T470 reconditionné",
              "categorie": "laptop", "unite": "unité", "prix_unitaire_ht": unit_price, "quantite_estimee": "60",
              "annual_kgco2e": "31", "indice_reparabilite": "8,2", "garantie_ans": "3", "etat": "reconditionné"}
    assert set(values) <= set(columns), f"the template lost columns: {sorted(set(values) - set(columns))}"
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(columns)
    writer.writerow([values.get(c, "") for c in columns])
    return out.getvalue().encode("utf-8")


def test_tender_created_published_bids_uploaded(page: Page):
    login(page, OFFICER)
    go_to(page, "Consultations")
    page.get_by_role("link", name="Nouvelle consultation").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Référence", exact=True).fill(REFERENCE)
    page.get_by_label("Objet").fill(TITLE)
    page.get_by_label("Date de publication").fill(date.today().isoformat())
    deadline = datetime.now(timezone.utc) + timedelta(days=40)
    page.get_by_label("Date limite de remise des offres (heure de Paris)").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name=re.compile("^(Créer|Enregistrer)")).click()
    expect(page.get_by_role("status").filter(has_text=f"Consultation « {REFERENCE} » créée.")).to_be_visible()
    expect(page.get_by_role("heading", name=f"{REFERENCE} — {TITLE}", level=1)).to_be_visible()
    check_accessibility(page)

    # A lot with a maximum amount, then its criteria: price 60 %, environmental performance 40 %.
    add_lot = page.locator("section").filter(has=page.get_by_role("heading", name="Ajouter un lot"))
    add_lot.get_by_label("Numéro du lot").fill("1")
    add_lot.get_by_label("Objet du lot").fill(LOT_TITLE)
    add_lot.get_by_label("Quantités estimées").fill("60 portables par an")
    add_lot.get_by_label("Montant estimé (€ HT)").fill("36000")
    add_lot.get_by_label("Montant maximum de l'accord-cadre (€ HT)").fill("90000")
    add_lot.get_by_label("Durée (mois)").fill("36")
    add_lot.get_by_role("button", name="Ajouter le lot").click()
    lot = page.locator("section.card").filter(has=page.get_by_role("heading", name=re.compile(f"Lot 1 — {LOT_TITLE}")))
    expect(lot).to_contain_text("90 000,00")
    check_accessibility(page)
    for criterion, weight, mode in (("Prix", "60", None),
                                    ("Performance environnementale", "40", "Calculée à partir des données des offres")):
        lot.get_by_label("Critère", exact=True).select_option(label=criterion)
        lot.get_by_label("Pondération (%)").fill(weight)
        if mode:
            lot.get_by_label("Notation environnementale").select_option(label=mode)
        lot.get_by_role("button", name="Enregistrer le critère").click()
        expect(lot.get_by_role("table", name="Critères d'attribution")).to_contain_text(criterion)
        check_accessibility(page)
    criteria = lot.get_by_role("table", name="Critères d'attribution")
    expect(criteria.locator("tr").filter(has_text="Performance environnementale")).to_contain_text("40 %")
    expect(criteria.locator("tr").filter(has_text="Prix")).to_contain_text("60 %")

    # Publish.
    page.get_by_label("Nouveau statut").select_option(label="Publier")
    page.get_by_role("button", name="Valider").click()
    expect(page.locator(".page-header .badge")).to_contain_text("publiée")
    check_accessibility(page)

    # Two suppliers' price lists through the upload form, written from the template's columns.
    for supplier, unit_price in SUPPLIERS.items():
        lot.get_by_role("link", name="Enregistrer une offre").click()
        expect(page.get_by_role("heading", name=f"Offre sur le lot 1 — {LOT_TITLE}", level=1)).to_be_visible()
        check_accessibility(page)
        template = page.request.get(page.get_by_role("link", name="CSV", exact=True).get_attribute("href"))
        assert template.ok and "csv" in template.headers["content-type"]
        page.get_by_label("Fournisseur").select_option(label=supplier)
        page.get_by_label("Bordereau de prix (.csv, .xlsx ou .ods, 5 Mo au plus)").set_input_files(
            files=[{"name": f"bordereau-{supplier[:10]}.csv", "mimeType": "text/csv",
                    "buffer": price_list(template.text(), unit_price)}])
        page.get_by_role("button", name="Importer le bordereau").click()
        expect(page.get_by_role("status").filter(has_text=f"Offre de {supplier} reçue : 1 lignes importées.")) \
            .to_be_visible()
        check_accessibility(page)
    bids = lot.get_by_role("table", name="Offres reçues")
    for supplier in SUPPLIERS:
        expect(bids.locator("tr").filter(has_text=supplier)).to_have_count(1)
    # Sealed until the deadline: no prices, no evaluation.
    expect(bids).not_to_contain_text("612,50")
    expect(lot).to_contain_text("Offres sous pli scellé jusqu'à la date limite")
    expect(page.get_by_role("button", name="Noter et classer les offres")).to_have_count(0)
    logout(page)


def test_closed_tender_evaluated_and_awarded(page: Page):
    login(page, OFFICER)
    go_to(page, "Consultations")
    page.get_by_role("link", name=CLOSED_DEMO_TENDER).click()
    expect(page.get_by_role("heading", name=re.compile(f"^{CLOSED_DEMO_TENDER} — "), level=1)).to_be_visible()
    expect(page.locator(".page-header .badge")).to_contain_text("offres reçues")
    check_accessibility(page)
    # The technical value is scored by the evaluators, bid by bid, with a written justification.
    bids = page.get_by_role("table", name="Offres reçues").locator("tbody tr")
    count = bids.count()
    assert count >= 2
    for index in range(count):
        supplier = bids.nth(index).locator("td").first.inner_text().strip()
        bids.nth(index).get_by_role("link", name="Voir l'offre").click()
        expect(page.get_by_role("heading", name=f"Offre de {supplier} — lot 2", level=1)).to_be_visible()
        check_accessibility(page)
        page.get_by_label("Critère").select_option(label="Valeur technique")
        page.get_by_label("Note sur 20").fill(str(12 + index))
        page.get_by_label("Justification écrite").fill(f"Mémoire technique de {supplier} : délais et SAV détaillés.")
        page.get_by_role("button", name="Enregistrer la note").click()
        expect(page.get_by_role("status").filter(has_text="Note enregistrée.")).to_be_visible()
        check_accessibility(page)
        page.get_by_role("link", name="Retour à la consultation").click()
        expect(page.get_by_role("heading", name=re.compile(f"^{CLOSED_DEMO_TENDER} — "), level=1)).to_be_visible()
        check_accessibility(page)
    page.get_by_role("button", name="Noter et classer les offres").click()
    expect(page.get_by_role("status").filter(has_text="Offres notées et classées.")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Analyse des offres — {CLOSED_DEMO_TENDER}", level=1)).to_be_visible()
    check_accessibility(page)
    ranking = page.get_by_role("table").first
    first = ranking.locator("tbody tr").first
    expect(first.locator("td").first).to_have_text("1")
    winner = first.get_by_role("link").inner_text().strip()

    page.get_by_role("link", name="Retour à la consultation").click()
    expect(page.get_by_role("heading", name=re.compile(f"^{CLOSED_DEMO_TENDER} — "), level=1)).to_be_visible()
    expect(page.locator(".page-header .badge")).to_contain_text("évaluée")
    check_accessibility(page)
    page.get_by_role("link", name=re.compile(r"^Lot 2 — ")).click()
    expect(page.get_by_role("heading", name=re.compile(f"^{CLOSED_DEMO_TENDER} — Lot 2"), level=1)).to_be_visible()
    check_accessibility(page)
    award = page.locator("form").filter(has=page.get_by_role("heading", name="Attribuer le lot"))
    expect(award.get_by_label("Offre retenue")).to_contain_text(winner)
    assert winner in award.get_by_label("Offre retenue").locator("option:checked").inner_text()
    award.get_by_label("Fin de l'accord-cadre").fill((date.today() + timedelta(days=3 * 365)).isoformat())
    award.get_by_role("button", name="Attribuer").click()  # not confirmed: refused, the error on the checkbox
    expect(award.locator(".error-message")).to_contain_text("Cochez « Je confirme »")
    check_accessibility(page)
    award = page.locator("form").filter(has=page.get_by_role("heading", name="Attribuer le lot"))
    award.get_by_label(re.compile("^Je confirme l'attribution")).check()
    award.get_by_role("button", name="Attribuer").click()
    message = page.get_by_role("status").filter(has_text="Lot attribué : accord-cadre")
    expect(message).to_contain_text("ses prix sont au catalogue")
    expect(page.locator("p.alert--success")).to_contain_text(winner)
    check_accessibility(page)
    logout(page)
