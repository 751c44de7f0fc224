"""From the catalogue to the inventory: a small commune's secretary orders two refurbished laptops, her mayor
approves, the purchasing officer places, sends and receives the purchase order, and the secretary prints the
label sheet of her new assets.

Uses the petite commune (INSEE 24420) and the Dell Latitude 5490: no other journey orders them.
"""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.support import check_accessibility, go_to, login, logout, main_nav, save_page_screenshot

SECRETARY = "secretaire@petite-commune.demo"
APPROVER = "maire@petite-commune.demo"
OFFICER = "achats@demo.local"
PRODUCT = "Dell Latitude 5490"
SERIALS = ["E2E-LAT5490-001", "E2E-LAT5490-002"]
MM = 96 / 25.4  # CSS pixels per millimetre


def search_refurbished_laptops(page: Page, query: str) -> None:
    """On the catalogue page: search, filter refurbished laptops, and check every result is one."""
    search = page.get_by_role("search", name="Rechercher dans le catalogue")
    search.get_by_label("Rechercher").fill(query)
    search.get_by_label("Catégorie").select_option(label="Ordinateur portable")
    search.get_by_label("État").select_option(label="Reconditionné")
    search.get_by_role("button", name="Rechercher").click()
    page.wait_for_url(re.compile(r"condition=refurbished"))
    expect(page.get_by_label("État")).to_have_value("refurbished")
    rows = page.get_by_role("table", name="Produits du catalogue").locator("tbody tr")
    expect(rows.first).to_contain_text(query)
    for row in rows.all():
        expect(row).to_contain_text("Ordinateur portable")
        expect(row).to_contain_text("Reconditionné")
    check_accessibility(page)


def test_order_approved_placed_delivered_and_labelled(page: Page):
    # 1. The secretary searches the catalogue, opens a refurbished laptop and orders two of them.
    login(page, SECRETARY)
    go_to(page, "Catalogue")
    search_refurbished_laptops(page, "Latitude")
    save_page_screenshot(page, "catalogue-refurbished-laptops")
    page.get_by_role("link", name=PRODUCT).click()
    expect(page.get_by_role("heading", name=PRODUCT, level=1)).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Quantité").first.fill("2")
    page.get_by_role("button", name="Ajouter au panier").first.click()
    expect(page.get_by_role("status").filter(has_text=f"{PRODUCT} ajouté au panier.")).to_be_visible()
    expect(page.get_by_role("heading", name="Panier", level=1)).to_be_visible()
    # Adding leads to the cart.
    expect(page.get_by_role("link", name=PRODUCT)).to_be_visible()
    expect(page.get_by_label(f"Quantité — {PRODUCT}")).to_have_value("2")
    check_accessibility(page)
    assert page.get_by_label("Site de livraison").input_value() not in ("", "0")  # the default site, preselected
    page.get_by_role("button", name="Soumettre la commande").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(r"^Commande \S+"))
    reference = heading.inner_text().removeprefix("Commande").strip()
    expect(page.get_by_role("main").locator(".badge").first).to_have_text(re.compile("^en attente d'approbation$", re.I))
    check_accessibility(page)
    save_page_screenshot(page, "order-submitted")
    logout(page)

    # 2. Her mayor approves it from the orders waiting for him.
    login(page, APPROVER)
    go_to(page, "À approuver")
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", name=f"Commande {reference}", level=1)).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Approuver la commande").click()
    expect(page.get_by_role("main").locator(".badge").first).to_have_text(re.compile("^approuvée$", re.I))
    check_accessibility(page)
    logout(page)

    # 3. The purchasing officer groups it into a purchase order, sends it and records the delivery.
    login(page, OFFICER)
    go_to(page, "Bons de commande")
    page.get_by_role("link", name="Commandes approuvées à passer").click()
    expect(page.get_by_role("heading", name="Commandes approuvées à passer", level=1)).to_be_visible()
    check_accessibility(page)
    group = page.locator("section.card").filter(has=page.get_by_role("link", name=reference))
    group.get_by_role("button", name="Créer le bon de commande").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Bon de commande \S+"), level=1)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(reference)
    check_accessibility(page)
    page.get_by_role("button", name="Envoyer au fournisseur").click()
    expect(page.get_by_role("main").locator("dd .badge")).to_have_text(re.compile("^envoyé$", re.I))
    check_accessibility(page)
    page.get_by_role("link", name="Enregistrer une livraison").click()
    expect(page.get_by_role("heading", name=re.compile("^Enregistrer une livraison"), level=1)).to_be_visible()
    check_accessibility(page)
    page.get_by_label(f"Quantité livrée — {PRODUCT}").fill("2")
    page.get_by_label(f"Numéros de série — {PRODUCT}").fill("\n".join(SERIALS))
    page.get_by_role("button", name="Enregistrer la livraison").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Bon de commande \S+"), level=1)).to_be_visible()
    # Other approved orders on the same contract may share the purchase order: ours is delivered in full.
    expect(page.get_by_role("main").locator("dd .badge")).to_have_text(re.compile("^(partiellement )?livré$", re.I))
    expect(page.get_by_role("main").locator("tr").filter(has_text=reference)).to_contain_text(f"{reference} (livrée)")
    check_accessibility(page)
    logout(page)

    # 4. The secretary finds the two laptops in her inventory and prints their label sheet.
    login(page, SECRETARY)
    go_to(page, "Inventaire")
    inventory = page.get_by_role("table", name="Équipements de l'inventaire")
    tags = []
    for serial in SERIALS:
        row = inventory.locator("tbody tr").filter(has_text=serial)
        expect(row).to_have_count(1)
        expect(row).to_contain_text(PRODUCT)
        tag = row.get_by_role("link").inner_text().strip()
        tags.append(tag)
        row.get_by_role("checkbox", name=f"Sélectionner {tag}").check()
    check_accessibility(page)
    save_page_screenshot(page, "inventory")
    with page.expect_navigation():
        page.get_by_role("button", name="Imprimer les étiquettes de la sélection").click()
    expect(page).to_have_title(re.compile("^Planche d'étiquettes"))
    check_accessibility(page)
    save_page_screenshot(page, "label-sheet")

    sheet = page.get_by_role("region", name="Page 1")
    labels = sheet.locator(".label")
    expect(labels).to_have_count(2)
    assert sorted(labels.evaluate_all("els => els.map(e => e.dataset.tag)")) == sorted(tags)
    for label in labels.all():
        expect(label.locator("svg")).to_have_count(1)  # the barcode
        assert label.locator("svg rect, svg path").count() > 10, "the barcode has no bars"
        expect(label).to_contain_text("Saint-Julien-de-Crempse")
        # the tag printed under the bars is centred under them: it shows where the drawn barcode sits
        outer, bars = label.bounding_box(), label.locator("svg text").first.bounding_box()
        centre_gap = abs((outer["x"] + outer["width"] / 2) - (bars["x"] + bars["width"] / 2))
        assert centre_gap < 2 * MM, f"the barcode is not centred on its label ({centre_gap / MM:.1f} mm off)"
    # 24 labels of 70 × 37 mm per A4 sheet: 3 columns × 8 rows.
    grid = sheet.evaluate("""el => { const s = getComputedStyle(el);
        return {columns: s.gridTemplateColumns.split(' ').map(parseFloat),
                rows: s.gridTemplateRows.split(' ').map(parseFloat), width: el.getBoundingClientRect().width}; }""")
    assert len(grid["columns"]) == 3 and len(grid["rows"]) == 8, grid
    assert all(abs(c - 70 * MM) < 1 for c in grid["columns"]), grid
    assert all(abs(r - 37 * MM) < 1 for r in grid["rows"]), grid
    assert abs(grid["width"] - 210 * MM) < 1, grid
    # Printed, the sheet is one A4 page (the help line is not printed).
    pdf = page.pdf(prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    box = [float(v) for v in re.search(rb"/MediaBox\s*\[([^\]]*)\]", pdf).group(1).split()]
    assert abs(box[2] - box[0] - 595.3) < 2 and abs(box[3] - box[1] - 841.9) < 2, f"not an A4 page: {box}"

    page.get_by_role("link", name="Retour à l'inventaire").click()
    expect(main_nav(page).get_by_role("link", name="Inventaire", exact=True, include_hidden=True)).to_have_attribute(
        "aria-current", "page")
    check_accessibility(page)
