"""User administration: validation, roles and members, no duplicate email."""
from html import unescape

import pytest
from sqlalchemy import func, select

from purchasing.accounts.models import User
from purchasing.extensions import db


@pytest.fixture
def admin(browser, make_user):
    make_user(role="admin", email="admin@test.local")
    browser.login("admin@test.local")
    return browser


def _users():
    return db.session.scalar(select(func.count(User.id)))


def test_admin_creates_a_secretary_who_can_log_in(admin, make_member, client):
    member = make_member()
    response = admin.post_form("/admin/users/new", {"email": "New@Mairie.fr", "full_name": "Anne", "role": "secretary",
                                                    "member_id": str(member.id), "password": "long-enough-1",
                                                    "is_enabled": "y", "locale": ""})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "new@mairie.fr"))
    assert user.member_id == member.id and user.password_hash != "long-enough-1"


@pytest.mark.parametrize("changes, message", [
    ({"email": "not-an-email"}, "Cette adresse e-mail n'est pas valide."),
    ({"email": "dup@test.local"}, "Un utilisateur a déjà cette adresse e-mail."),
    ({"member_id": "0"}, "Un secrétaire ou un approbateur doit être rattaché à un adhérent."),
    ({"role": "admin"}, "Le personnel du syndicat n'est rattaché à aucun adhérent."),
    ({"password": "short"}, "Le mot de passe doit contenir au moins 10 caractères."),
    ({"role": "emperor"}, "N'est pas un choix valide."),
])
def test_bad_user_input_is_refused_and_nothing_written(admin, make_member, make_user, changes, message):
    member = make_member()
    make_user(email="dup@test.local")
    before = _users()
    data = {"email": "ok@test.local", "full_name": "", "role": "secretary", "member_id": str(member.id),
            "password": "long-enough-1", "is_enabled": "y", "locale": ""}
    response = admin.post_form("/admin/users/new", {**data, **changes}, page="/admin/users/new")
    assert response.status_code == 422
    assert message in unescape(response.get_data(as_text=True))
    assert _users() == before


def test_admin_cannot_demote_himself(admin):
    me = db.session.scalar(select(User).where(User.email == "admin@test.local"))
    response = admin.post_form(f"/admin/users/{me.id}/edit", {"email": me.email, "role": "secretary",
                                                             "member_id": "0", "is_enabled": "y"})
    assert response.status_code == 422
    db.session.refresh(me)
    assert me.role == "admin"


def test_user_list_is_searchable(admin, make_user):
    make_user(email="findme@test.local")
    html = admin.get("/admin/users?q=findme").get_data(as_text=True)
    assert "findme@test.local" in html and "admin@test.local" not in html.split("<tbody>")[1]
