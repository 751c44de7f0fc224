"""Member administration through the web: validation in French, nothing written on bad input, access."""
from html import unescape

import pytest
from sqlalchemy import func, select

from purchasing.extensions import db
from purchasing.members.models import Member

VALID = {"kind": "commune", "name": "Saint-Léon-sur-Vézère", "insee_code": "24455", "siren": "212404552",
         "population": "420", "epci_id": "0", "approval_threshold_ht": "1 500,00", "joined_on": "2024-03-01",
         "is_active": "y"}


def _member_count():
    return db.session.scalar(select(func.count(Member.id)))


@pytest.fixture
def admin(browser, make_user):
    make_user(role="admin", email="admin@test.local")
    browser.login("admin@test.local")
    return browser


def test_admin_creates_a_member_with_french_amounts(admin):
    response = admin.post_form("/members/new", VALID)
    assert response.status_code == 302
    member = db.session.scalar(select(Member).where(Member.siren == "212404552"))
    assert member.name == "Saint-Léon-sur-Vézère" and str(member.approval_threshold_ht) == "1500.00"
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Saint-Léon-sur-Vézère" in page and "1\u202f500,00\xa0€" in page


@pytest.mark.parametrize("field, value, message", [
    ("siren", "212404553", "Ce SIREN n'est pas valide"),
    ("siren", "12345", "Ce SIREN n'est pas valide"),
    ("insee_code", "20123", "Ce code INSEE n'est pas valide"),
    ("insee_code", "", "Le code INSEE est obligatoire pour une commune."),
    ("population", "-5", "La population doit être un nombre positif ou nul."),
    ("population", "beaucoup", "N'est pas un entier valide."),
    ("approval_threshold_ht", "-1", "Le seuil doit être un montant positif ou nul."),
    ("approval_threshold_ht", "mille", "Saisissez un nombre"),
    ("name", "", "Le nom est obligatoire."),
    ("epci_id", "999999", "N'est pas un choix valide."),
])
def test_bad_member_input_gets_a_form_error_and_writes_nothing(admin, field, value, message):
    before = _member_count()
    response = admin.post_form("/members/new", {**VALID, field: value}, page="/members/new")
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    assert message in html
    assert 'aria-invalid="true"' in html
    assert _member_count() == before


def test_duplicate_siren_and_insee_are_refused(admin, make_member):
    make_member(siren="212404552", insee_code="24455")
    response = admin.post_form("/members/new", VALID, page="/members/new")
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "Un adhérent a déjà ce SIREN." in html and "Une commune a déjà ce code INSEE." in html


def test_admin_edits_and_deactivates_a_member(admin, make_member):
    epci = make_member(kind="epci", name="CC du Test", insee_code=None)
    member = make_member(name="Ancien nom")
    response = admin.post_form(f"/members/{member.id}/edit",
                               {**VALID, "name": "Nouveau nom", "insee_code": member.insee_code,
                                "siren": member.siren, "epci_id": str(epci.id)})
    assert response.status_code == 302
    db.session.refresh(member)
    assert member.name == "Nouveau nom" and member.epci_id == epci.id
    admin.post_form(f"/members/{member.id}/active", {"active": "0"}, page=f"/members/{member.id}")
    db.session.refresh(member)
    assert member.is_active is False


def test_member_list_is_paginated_and_searchable(admin, make_member):
    for i in range(30):
        make_member(name=f"Village {i:02d}")
    make_member(name="Sainte-Eulalie-d'Ans")
    page1 = admin.get("/members/?per_page=10").get_data(as_text=True)
    assert "Page 1 sur" in page1 and 'rel="next"' in page1
    found = unescape(admin.get("/members/?q=eulalie").get_data(as_text=True))
    assert "Sainte-Eulalie-d'Ans" in found and "Village 01" not in found
    assert admin.get("/members/?page=abc&per_page=-3").status_code == 200


def test_secretary_cannot_open_admin_pages(browser, make_member, make_user):
    member = make_member()
    make_user(role="secretary", member=member, email="sec@test.local")
    browser.login("sec@test.local")
    assert browser.get("/members/").status_code == 403
    assert browser.get("/members/new").status_code == 403
    assert browser.get(f"/members/{member.id}/edit").status_code == 403
    assert browser.get("/admin/users").status_code == 403


def test_member_user_sees_own_member_and_404_for_another(browser, make_member, make_user):
    mine, other = make_member(name="Ma commune"), make_member(name="Autre commune")
    make_user(role="approver", member=mine, email="maire@test.local")
    browser.login("maire@test.local")
    assert "Ma commune" in browser.get(f"/members/{mine.id}").get_data(as_text=True)
    assert browser.get(f"/members/{other.id}").status_code == 404
    assert browser.get("/members/mine").headers["Location"].endswith(f"/members/{mine.id}")
