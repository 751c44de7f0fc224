"""The administrator finds a member, opens it, corrects its SIREN: a bad value is refused in French."""
from __future__ import annotations

from playwright.sync_api import Page, expect

from purchasing.domain.identifiers import luhn_check_digit
from tests.e2e.support import check_accessibility, focused_element, go_to, login, save_page_screenshot

MEMBER = "Saint-Julien-de-Crempse"


def test_admin_searches_opens_and_edits_a_member(page: Page):
    login(page, "admin@demo.local")
    go_to(page, "Adhérents")
    expect(page.get_by_role("heading", name="Adhérents", level=1)).to_be_visible()
    expect(page.get_by_role("table", name="Liste des adhérents").get_by_role("row")).to_have_count(26)
    expect(page.get_by_role("navigation", name="Pagination")).to_contain_text("résultats")
    save_page_screenshot(page, "members-list")

    # Search by INSEE code: one commune.
    page.get_by_label("Rechercher (nom, code INSEE, SIREN)").fill("24420")
    page.get_by_role("main").get_by_role("button", name="Rechercher").click()
    results = page.get_by_role("table", name="Liste des adhérents")
    expect(results.get_by_role("row")).to_have_count(2)
    expect(results).to_contain_text("412")
    check_accessibility(page)

    results.get_by_role("link", name=MEMBER).click()
    expect(page.get_by_role("heading", name=MEMBER, level=1)).to_be_visible()
    expect(page.get_by_text("Code INSEE")).to_be_visible()
    check_accessibility(page)
    save_page_screenshot(page, "member-page")

    page.get_by_role("link", name="Modifier").click()
    expect(page.get_by_role("heading", name=f"Modifier « {MEMBER} »")).to_be_visible()
    check_accessibility(page)

    # A SIREN whose control key is wrong is refused; the error summary takes the focus and leads to the field.
    siren = page.get_by_label("SIREN", exact=True)
    previous = siren.input_value()
    siren.fill("123456789")
    page.get_by_role("button", name="Enregistrer").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Le formulaire contient des erreurs")
    error = "Ce SIREN n'est pas valide : 9 chiffres dont le dernier est une clé de contrôle."
    expect(summary.get_by_role("link", name=f"SIREN : {error}")).to_be_visible()
    expect(summary).to_be_focused()
    expect(siren).to_have_attribute("aria-invalid", "true")
    expect(siren).to_have_accessible_description(f"9 chiffres. {error}")
    expect(siren).to_have_value("123456789")
    check_accessibility(page)
    save_page_screenshot(page, "member-form-with-errors")

    summary.get_by_role("link", name=f"SIREN : {error}").click()
    assert focused_element(page)["label"] == "SIREN"

    # A valid SIREN (Luhn key) is saved.
    new_siren = "21244201" + luhn_check_digit("21244201")
    assert new_siren != previous
    siren.fill(new_siren)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_have_text(f"Adhérent « {MEMBER} » enregistré.")
    expect(page.get_by_role("heading", name=MEMBER, level=1)).to_be_visible()
    expect(page.get_by_role("definition").filter(has_text=new_siren)).to_be_visible()
    check_accessibility(page)
