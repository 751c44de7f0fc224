"""The "Mon compte" page shows each role what concerns it."""
from __future__ import annotations

import pytest

from purchasing.api.services import issue_token
from purchasing.extensions import db


def account_page(browser, user) -> str:
    browser.login(user.email)
    return browser.get("/account").get_data(as_text=True)


@pytest.mark.parametrize("role", ["secretary", "approver"])
def test_member_users_see_no_api_token_section_without_a_token(browser, make_member, make_user, role):
    user = make_user(role, make_member())
    db.session.commit()
    assert "Jetons d'API" not in account_page(browser, user)


def test_a_member_user_with_a_token_sees_it_to_revoke_it(browser, make_member, make_user):
    user = make_user("secretary", make_member())
    issue_token(user, "tableur de la mairie")
    db.session.commit()
    page = account_page(browser, user)
    assert "Jetons d'API" in page and "tableur de la mairie" in page


@pytest.mark.parametrize("role", ["purchasing_officer", "sustainability_officer", "admin"])
def test_staff_see_the_api_token_section(browser, make_user, role):
    user = make_user(role)
    db.session.commit()
    assert "Jetons d'API" in account_page(browser, user)
