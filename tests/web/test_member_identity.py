"""Members' identity pages (issue 12): addresses, SIRETs (check digit, La Poste), contacts, the site address book."""
from __future__ import annotations

from html import unescape

import pytest
from sqlalchemy import func, select

from purchasing.domain.identifiers import luhn_check_digit
from purchasing.extensions import db
from purchasing.members.models import Member, MemberContact, MemberSiret, Site


@pytest.fixture
def world(make_member, make_user):
    member, other = make_member(), make_member()
    make_user(role="admin", email="admin@s.test")
    make_user(role="secretary", member=member, email="sec@a.test")
    db.session.commit()
    return {"member": member, "other": other}


def _siret(member: Member, nic: str = "0002") -> str:
    return member.siren + nic + luhn_check_digit(member.siren + nic)


def _sirets(member_id: int) -> list[str]:
    return list(db.session.scalars(select(MemberSiret.siret).where(MemberSiret.member_id == member_id)
                                   .order_by(MemberSiret.id)))


def _error_of(html: str, field: str) -> str:
    start = html.index(f'id="{field}-error"')
    return unescape(html[start:html.index("</", start)])


def test_admin_saves_addresses_and_chorus_settings(world, browser):
    browser.login("admin@s.test")
    member = world["member"]
    url = f"/members/{member.id}/identity"
    response = browser.post_form(url, {"postal_address": "1 place de la Mairie", "postal_code": "24000",
                                       "city": "Périgueux", "chorus_service_code": "SERV-01",
                                       "engagement_required": "y"})
    assert response.status_code == 302
    db.session.refresh(member)
    assert (member.postal_address, member.city, member.chorus_service_code, member.engagement_required) == (
        "1 place de la Mairie", "Périgueux", "SERV-01", True)
    assert member.billing_lines == ("1 place de la Mairie", "24000", "Périgueux")


def test_a_siret_with_a_wrong_check_digit_is_refused_on_the_field_and_nothing_is_written(world, browser):
    browser.login("admin@s.test")
    member = world["member"]
    good = _siret(member)
    wrong = good[:-1] + str((int(good[-1]) + 1) % 10)
    before = _sirets(member.id)
    response = browser.post_form(f"/members/{member.id}/sirets", {"siret": wrong, "label": "CCAS"},
                                 page=f"/members/{member.id}/identity")
    assert response.status_code == 422
    assert "Ce SIRET n'est pas valide : sa clé de contrôle est fausse." in _error_of(
        response.get_data(as_text=True), "siret")
    assert _sirets(member.id) == before


def test_thirteen_digits_are_refused(world, browser):
    browser.login("admin@s.test")
    member = world["member"]
    response = browser.post_form(f"/members/{member.id}/sirets", {"siret": _siret(member)[:13], "label": "CCAS"},
                                 page=f"/members/{member.id}/identity")
    assert response.status_code == 422
    assert "Un SIRET compte 14 chiffres." in _error_of(response.get_data(as_text=True), "siret")
    assert len(_sirets(member.id)) == 1


def test_a_la_poste_siret_is_accepted_and_a_taken_siret_refused(world, browser):
    browser.login("admin@s.test")
    member, other = world["member"], world["other"]
    la_poste = "35600000000010"  # fails Luhn, digit sum 15: valid for SIREN 356000000
    response = browser.post_form(f"/members/{member.id}/sirets", {"siret": "356 000 000 00010", "label": "Agence"},
                                 page=f"/members/{member.id}/identity")
    assert response.status_code == 302
    assert la_poste in _sirets(member.id)
    response = browser.post_form(f"/members/{other.id}/sirets", {"siret": la_poste, "label": "Doublon"},
                                 page=f"/members/{other.id}/identity")
    assert response.status_code == 422
    assert "Ce SIRET est déjà enregistré pour un adhérent." in _error_of(response.get_data(as_text=True), "siret")
    assert la_poste not in _sirets(other.id)


def test_billing_switch_keeps_one_billing_siret_and_the_billing_one_cannot_be_removed(world, browser):
    browser.login("admin@s.test")
    member = world["member"]
    page = f"/members/{member.id}/identity"
    first = db.session.scalars(select(MemberSiret).where(MemberSiret.member_id == member.id)).one()
    assert first.is_billing
    assert browser.post_form(f"/members/{member.id}/sirets", {"siret": _siret(member), "label": "CCAS"},
                             page=page).status_code == 302
    second = db.session.scalars(select(MemberSiret).where(MemberSiret.siret == _siret(member))).one()
    assert not second.is_billing
    assert browser.post_form(f"/members/{member.id}/sirets/{second.id}/billing", page=page).status_code == 302
    db.session.expire_all()
    assert [s.siret for s in db.session.scalars(select(MemberSiret).where(
        MemberSiret.member_id == member.id, MemberSiret.is_billing.is_(True)))] == [second.siret]
    # the billing one stays; the other one goes
    browser.post_form(f"/members/{member.id}/sirets/{second.id}/remove", page=page)
    assert second.siret in _sirets(member.id)
    assert browser.post_form(f"/members/{member.id}/sirets/{first.id}/remove", page=page).status_code == 302
    assert _sirets(member.id) == [second.siret]
    # another member's SIRET through this member's URL: 404
    other_siret = db.session.scalars(select(MemberSiret).where(MemberSiret.member_id == world["other"].id)).one()
    assert browser.post_form(f"/members/{member.id}/sirets/{other_siret.id}/billing",
                             page=page).status_code == 404


def test_contacts_are_added_and_removed(world, browser):
    browser.login("admin@s.test")
    member = world["member"]
    page = f"/members/{member.id}/identity"
    response = browser.post_form(f"/members/{member.id}/contacts", {"name": "", "email": "pas-une-adresse"}, page=page)
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(MemberContact)) == 0
    assert browser.post_form(f"/members/{member.id}/contacts", {"name": "Jeanne Martin", "role": "DGS",
                                                                "email": "dgs@commune.test"}, page=page).status_code == 302
    contact = db.session.scalars(select(MemberContact)).one()
    assert (contact.member_id, contact.role) == (member.id, "DGS")
    assert "Jeanne Martin" in browser.get(page).get_data(as_text=True)
    browser.post_form(f"/members/{member.id}/contacts/{contact.id}/remove", page=page)
    assert db.session.scalar(select(func.count()).select_from(MemberContact)) == 0


def test_a_secretary_adds_a_site_makes_it_default_and_the_cart_preselects_it(world, browser, make_grid, make_offer):
    make_grid()
    offer = make_offer(price="100.00")
    db.session.commit()
    member = world["member"]
    browser.login("sec@a.test")
    response = browser.post_form(f"/members/{member.id}/sites/new", {
        "name": "Salle des fêtes", "address": "2 rue Haute", "postal_code": "24000", "city": "Test",
        "opening_hours": "lun.-ven. 9h-12h", "contact_name": "M. Dupont"})
    assert response.status_code == 302
    site = db.session.scalars(select(Site).where(Site.member_id == member.id, Site.name_key == "salle des fetes")).one()
    assert browser.post_form(f"/members/{member.id}/sites/{site.id}/default",
                             page=f"/members/{member.id}/sites").status_code == 302
    db.session.expire_all()
    defaults = list(db.session.scalars(select(Site.name).where(Site.member_id == member.id, Site.is_default)))
    assert defaults == ["Salle des fêtes"]
    browser.post_form("/cart/add", {"offer_id": offer.id, "quantity": "1"}, page="/cart")
    html = unescape(browser.get("/cart").get_data(as_text=True))
    start = html.index('id="delivery_site_id"')
    selected = [o for o in html[start:html.index("</select>", start)].split("<option") if "selected" in o]
    assert len(selected) == 1 and "Salle des fêtes, 2 rue Haute" in selected[0]
    # deactivating it: no default any more, and it is no longer offered
    browser.post_form(f"/members/{member.id}/sites/{site.id}/active", {"active": "0"},
                      page=f"/members/{member.id}/sites")
    db.session.expire_all()
    assert (site.is_active, site.is_default) == (False, False)


def test_another_members_sites_are_404_to_a_secretary(world, browser):
    other = world["other"]
    other_site = db.session.scalars(select(Site).where(Site.member_id == other.id)).one()
    browser.login("sec@a.test")
    own = world["member"].id
    assert browser.get(f"/members/{other.id}/sites").status_code == 404
    assert browser.get(f"/members/{other.id}/sites/{other_site.id}/edit").status_code == 404
    # another member's site under one's own member: 404 too, and nothing changes
    response = browser.post_form(f"/members/{own}/sites/{other_site.id}/active", {"active": "0"},
                                 page=f"/members/{own}/sites")
    assert response.status_code == 404
    db.session.expire_all()
    assert other_site.is_active


@pytest.mark.parametrize("name", ["MAIRIE", " mairie ", "Mairié"])
def test_a_site_name_that_folds_to_an_existing_one_is_refused(world, browser, name):
    member = world["member"]
    browser.login("admin@s.test")
    response = browser.post_form(f"/members/{member.id}/sites/new", {"name": name})
    assert response.status_code == 422
    assert "Un site de cet adhérent porte déjà ce nom" in _error_of(response.get_data(as_text=True), "name")
    assert db.session.scalar(select(func.count()).select_from(Site).where(Site.member_id == member.id)) == 1


def test_the_api_lists_a_members_sites_within_its_scope(world, client, make_user):
    from purchasing.accounts.models import User
    from purchasing.api.services import issue_token

    member, other = world["member"], world["other"]
    secretary = db.session.scalars(select(User).where(User.email == "sec@a.test")).one()
    officer = make_user(role="purchasing_officer", email="po@s.test")
    own_token, officer_token = issue_token(secretary, "t")[1], issue_token(officer, "t")[1]
    db.session.commit()

    def get(url, token):
        return client.get(url, headers={"Authorization": f"Bearer {token}"})

    response = get(f"/api/v1/members/{member.id}/sites", own_token)
    assert response.status_code == 200
    body = response.get_json()
    assert [(s["name"], s["is_default"], s["member_id"]) for s in body["items"]] == [("Mairie", True, member.id)]
    assert get(f"/api/v1/members/{other.id}/sites", own_token).status_code == 404
    assert get(f"/api/v1/members/{other.id}/sites", officer_token).get_json()["items"][0]["member_id"] == other.id
