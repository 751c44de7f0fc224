"""Searchable pickers instead of internal numbers (issue 15): a text input tied to a <datalist> (no script, no
CDN), resolved on the server; an unknown choice is a French error on the field, with what was typed kept."""
from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

import pytest
from sqlalchemy import select

from purchasing.accounts.models import User
from purchasing.campaigns.models import Campaign
from purchasing.extensions import db


def _datalist(html: str, field_id: str) -> list[str]:
    match = re.search(rf'<datalist id="{field_id}-options">(.*?)</datalist>', html, re.S)
    assert match, f"no datalist for {field_id}"
    return [unescape(v) for v in re.findall(r'<option value="([^"]*)">', match.group(1))]


def _field_error(html: str, field_id: str) -> str:
    match = re.search(rf'<p class="error-message" id="{field_id}-error">(.*?)</p>', html, re.S)
    return unescape(match.group(1)) if match else ""


@pytest.fixture
def admin(browser, make_user):
    make_user("admin", email="admin@test.local")
    browser.login("admin@test.local")
    return browser


@pytest.fixture
def communes(make_member):
    return (make_member(name="Saint-Léon-sur-Vézère", insee_code="24455"),
            make_member(name="Sarlat-la-Canéda", insee_code="24520"),
            make_member(kind="ccas", name="CCAS de Sarlat", insee_code=None, billing_siret=False))


def _new_user(admin, member_text, email="new@mairie.fr", role="secretary"):
    return admin.post_form("/admin/users/new", {"email": email, "full_name": "Nouvelle", "role": role,
                                                "member_id": member_text, "password": "long-enough-1",
                                                "is_enabled": "y", "locale": ""})


def test_the_user_form_offers_a_searchable_list_of_members_not_a_select(admin, communes):
    html = admin.get("/admin/users/new").get_data(as_text=True)
    assert '<select class="input" id="member_id"' not in html
    assert re.search(r'<input name="member_id" value="" [^>]*list="member_id-options"', html)
    options = _datalist(html, "member_id")
    assert "Saint-Léon-sur-Vézère (24455)" in options and "Sarlat-la-Canéda (24520)" in options
    assert f"CCAS de Sarlat (SIREN {communes[2].siren})" in options  # no INSEE code: named with its SIREN
    assert re.search(r'<label class="label" for="member_id">', html)  # labelled


@pytest.mark.parametrize("typed", ["Saint-Léon-sur-Vézère (24455)", "saint-leon-sur-vezere (24455)", "24455",
                                   "SIREN", "Saint-Léon-sur-Vézère"])
def test_a_member_is_chosen_by_its_label_insee_code_or_siren(admin, communes, typed):
    member = communes[0]
    response = _new_user(admin, member.siren if typed == "SIREN" else typed)
    assert response.status_code == 302, _field_error(response.get_data(as_text=True), "member_id")
    user = db.session.scalar(select(User).where(User.email == "new@mairie.fr"))
    assert user.member_id == member.id


def test_an_unknown_member_is_a_french_error_on_the_field_with_the_text_kept(admin, communes):
    response = _new_user(admin, "Commune inconnue")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert _field_error(html, "member_id") == "Aucun adhérent actif ne porte ce nom : choisissez-en un de la liste."
    assert 'value="Commune inconnue"' in html and 'aria-invalid="true"' in html
    assert db.session.scalar(select(User).where(User.email == "new@mairie.fr")) is None


def test_an_ambiguous_name_asks_to_be_precise(admin, make_member):
    make_member(kind="epci", name="Communauté Homonyme", insee_code=None)
    make_member(kind="epci", name="Communauté Homonyme", insee_code=None)
    response = _new_user(admin, "Communauté Homonyme")
    assert response.status_code == 422
    assert "Plusieurs adhérents portent ce nom" in _field_error(response.get_data(as_text=True), "member_id")


def test_staff_need_no_member_and_the_edit_form_shows_the_members_name(admin, communes, make_user):
    assert _new_user(admin, "", email="po2@syndicat.fr", role="purchasing_officer").status_code == 302
    user = make_user("secretary", member=communes[1], email="sec@test.local")
    html = admin.get(f"/admin/users/{user.id}/edit").get_data(as_text=True)
    assert 'value="Sarlat-la-Canéda (24520)"' in html


# --- campaign: the offer --------------------------------------------------------------------------

def test_campaign_creation_picks_the_offer_by_its_product(browser, make_user, make_offer):
    make_user("purchasing_officer", email="po@test.local")
    browser.login("po@test.local")
    offer = make_offer(price="250.00", brand="Iiyama", name="ProLite Picker")
    html = browser.get("/campaigns/new").get_data(as_text=True)
    assert "Numéro de l'offre" not in html
    label = next(o for o in _datalist(html, "offer_id") if "ProLite Picker" in o)
    assert offer.contract.reference in label and "250,00" in label
    deadline = (date.today() + timedelta(days=10)).isoformat()
    response = browser.post_form("/campaigns/new", {"title": "", "offer_id": label, "deadline": deadline,
                                                    "min_quantity": "5", "max_quantity": ""})
    assert response.status_code == 302
    assert db.session.scalars(select(Campaign)).one().offer_id == offer.id


def test_campaign_with_an_unknown_offer_shows_the_error_on_the_field(browser, make_user, make_offer):
    make_user("purchasing_officer", email="po@test.local")
    browser.login("po@test.local")
    make_offer()
    response = browser.post_form("/campaigns/new", {"offer_id": "Écran qui n'existe pas",
                                                    "deadline": date.today().isoformat(), "min_quantity": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert _field_error(html, "offer_id").startswith("Aucune offre commandable aujourd'hui ne porte ce nom")
    assert "value=\"Écran qui n&#39;existe pas\"" in html or 'value="Écran qui n\'existe pas"' in html
    assert db.session.scalars(select(Campaign)).first() is None


def test_the_link_from_a_product_still_preselects_its_offer(browser, make_user, make_offer):
    make_user("purchasing_officer", email="po@test.local")
    browser.login("po@test.local")
    offer = make_offer(name="Preselected")
    html = browser.get(f"/campaigns/new?offer_id={offer.id}").get_data(as_text=True)
    assert re.search(r'<input name="offer_id" value="[^"]*Preselected[^"]*"', html)


# --- sustainability report: the member --------------------------------------------------------------

def test_the_report_picks_a_member_by_name(browser, make_user, communes):
    make_user("sustainability_officer", email="green@test.local")
    browser.login("green@test.local")
    html = browser.get("/reports/sustainability?year=2025").get_data(as_text=True)
    assert "Numéro de l'adhérent" not in html and 'type="number" min="1" required' not in html
    assert "Sarlat-la-Canéda (24520)" in _datalist(html, "member")
    response = browser.get("/reports/sustainability?scope=member&member=Sarlat-la-Canéda (24520)&year=2025")
    assert response.status_code == 302
    assert f"id={communes[1].id}" in response.headers["Location"] and "year=2025" in response.headers["Location"]
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="Sarlat-la-Canéda (24520)"' in page  # the chosen member shown in the picker


def test_the_report_refuses_an_unknown_member_on_its_field(browser, make_user, communes):
    make_user("sustainability_officer", email="green@test.local")
    browser.login("green@test.local")
    response = browser.get("/reports/sustainability?scope=member&member=Nulle part&year=2025")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert _field_error(html, "member") == "Aucun adhérent ne porte ce nom : choisissez-en un de la liste."
    assert 'value="Nulle part"' in html

