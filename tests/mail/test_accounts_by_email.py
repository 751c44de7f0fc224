"""Invitation, forgotten password and e-mail change end to end, the links read from a real SMTP server."""
from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from purchasing.accounts import tokens
from purchasing.accounts.models import Role, User
from purchasing.db_types import utcnow
from purchasing.extensions import db
from purchasing.mail.models import OutboxMessage


def _link(received, fragment: str) -> str:
    [url] = [u for u in received.links() if fragment in u]
    parts = urlsplit(url)
    assert parts.netloc == "parc.test"
    return parts.path


def _set_password(browser, path, password="un-mot-de-passe-solide"):
    return browser.post_form(path, {"new_password": password, "confirm": password})


def test_admin_invites_a_user_who_sets_a_password_once(browser, make_user, make_member, mailbox, deliver):
    member = make_member(name="Commune des Invités")
    make_user(role=Role.ADMIN, email="admin@s.test", full_name="Alice Admin")
    browser.login("admin@s.test")
    response = browser.post_form("/admin/users/new", {"email": "Nouvelle.Secretaire@Commune-Invitee.fr",
                                                      "full_name": "Nora Nouvelle", "role": "secretary",
                                                      "member_id": str(member.id), "is_enabled": "y",
                                                      "password": ""})
    assert response.status_code == 302, response.get_data(as_text=True)[-4000:]
    browser.logout()
    assert deliver().sent == 1
    [invitation] = mailbox.to("nouvelle.secretaire@commune-invitee.fr")
    assert "choisissez votre mot de passe" in invitation.subject
    assert "Commune des Invités" in invitation.text() and "48 heures" in invitation.text()
    path = _link(invitation, "/invitation/")

    # no password known before the invitation is used
    assert browser.post_form("/login", {"email": "nouvelle.secretaire@commune-invitee.fr",
                                        "password": ""}).status_code in (401, 422)
    assert browser.get(path).status_code == 200
    assert _set_password(browser, path).status_code == 302
    browser.login("nouvelle.secretaire@commune-invitee.fr", "un-mot-de-passe-solide")
    browser.logout()
    # single use
    assert browser.get(path).status_code == 400
    assert _set_password(browser, path, "un-autre-mot-de-passe").status_code == 400
    browser.login("nouvelle.secretaire@commune-invitee.fr", "un-mot-de-passe-solide")


def test_invitation_expires_after_48_hours(browser, make_user, mailbox, deliver, monkeypatch, app):
    admin = make_user(role=Role.ADMIN, email="admin@s.test")
    user = make_user(role=Role.PURCHASING_OFFICER, email="acheteur@s.test")
    browser.login("admin@s.test")
    assert browser.post_form(f"/admin/users/{user.id}/invite", page=f"/admin/users/{user.id}/edit").status_code == 302
    browser.logout()
    deliver()
    path = _link(mailbox.to("acheteur@s.test")[0], "/invitation/")
    now = utcnow()
    monkeypatch.setattr(tokens, "utcnow", lambda: now + timedelta(hours=47, minutes=59))
    assert browser.get(path).status_code == 200
    monkeypatch.setattr(tokens, "utcnow", lambda: now + timedelta(hours=48, minutes=1))
    assert browser.get(path).status_code == 400
    assert _set_password(browser, path).status_code == 400
    assert admin.id  # the admin's own account is untouched


def test_forgotten_password_end_to_end(browser, make_user, mailbox, deliver):
    make_user(role=Role.SECRETARY, email="oubli@commune.test", password="ancien-mot-de-passe")
    known = browser.post_form("/forgot-password", {"email": "oubli@commune.test"}).get_data(as_text=True)
    unknown = browser.post_form("/forgot-password", {"email": "personne@nulle-part.test"}).get_data(as_text=True)
    # the same answer whether or not the account exists (apart from the address typed, echoed back, and the
    # CSRF tokens of the page's forms, signed with the time)
    def same(page, email):
        return re.sub(r'name="csrf_token" (type="hidden" )?value="[^"]+"', "", page.replace(email, "X"))

    assert same(known, "oubli@commune.test") == same(unknown, "personne@nulle-part.test")
    assert deliver().sent == 1
    assert mailbox.to("personne@nulle-part.test") == []
    [reset] = mailbox.to("oubli@commune.test")
    assert "60 minutes" in reset.text()
    path = _link(reset, "/reset-password/")
    assert _set_password(browser, path, "nouveau-mot-de-passe").status_code == 302
    browser.login("oubli@commune.test", "nouveau-mot-de-passe")
    browser.logout()
    assert browser.post_form("/login", {"email": "oubli@commune.test",
                                        "password": "ancien-mot-de-passe"}).status_code == 401
    # refused a second time
    response = _set_password(browser, path, "troisieme-mot-de-passe")
    assert response.status_code == 400 and "Lien non valable" in response.get_data(as_text=True)
    browser.login("oubli@commune.test", "nouveau-mot-de-passe")


def test_reset_link_refused_after_one_hour(browser, make_user, mailbox, deliver, monkeypatch):
    make_user(role=Role.SECRETARY, email="lent@commune.test", password="ancien-mot-de-passe")
    browser.post_form("/forgot-password", {"email": "lent@commune.test"})
    deliver()
    path = _link(mailbox.to("lent@commune.test")[0], "/reset-password/")
    now = utcnow()
    monkeypatch.setattr(tokens, "utcnow", lambda: now + timedelta(minutes=61))
    assert browser.get(path).status_code == 400
    assert _set_password(browser, path, "nouveau-mot-de-passe").status_code == 400
    browser.login("lent@commune.test", "ancien-mot-de-passe")


def test_one_reset_mail_per_cooldown(browser, make_user, mailbox, deliver, monkeypatch):
    make_user(role=Role.SECRETARY, email="insistant@commune.test")
    for _ in range(5):
        page = browser.post_form("/forgot-password", {"email": "insistant@commune.test"})
        assert "un lien pour choisir un nouveau mot de passe vient de lui être envoyé" in page.get_data(as_text=True)
    assert deliver().sent == 1
    now = utcnow()
    monkeypatch.setattr(tokens, "utcnow", lambda: now + timedelta(seconds=121))
    browser.post_form("/forgot-password", {"email": "insistant@commune.test"})
    assert deliver().sent == 1 and len(mailbox.to("insistant@commune.test")) == 2


def test_a_new_reset_link_cancels_the_previous_one(browser, make_user, mailbox, deliver, monkeypatch, app):
    monkeypatch.setitem(app.config, "PASSWORD_RESET_COOLDOWN_SECONDS", 0)
    make_user(role=Role.SECRETARY, email="double@commune.test", password="ancien-mot-de-passe")
    browser.post_form("/forgot-password", {"email": "double@commune.test"})
    browser.post_form("/forgot-password", {"email": "double@commune.test"})
    assert deliver().sent == 2
    first, second = (_link(r, "/reset-password/") for r in mailbox.to("double@commune.test"))
    assert first != second
    assert browser.get(first).status_code == 400
    assert browser.get(second).status_code == 200


@pytest.mark.parametrize("tamper", [lambda t: t[:-2] + ("AA" if t[-2:] != "AA" else "BB"), lambda t: "x" + t,
                                    lambda t: ""])
def test_a_forged_or_altered_link_is_refused(browser, make_user, tamper, app):
    user = make_user(role=Role.SECRETARY, email="cible@commune.test")
    token = tokens.issue(user, tokens.Purpose.PASSWORD_RESET)
    assert browser.get(f"/reset-password/{tamper(token) or 'x'}").status_code == 400
    # a reset link is not an invitation link (each purpose signs with its own salt)
    assert browser.get(f"/invitation/{token}").status_code == 400
    assert browser.get(f"/reset-password/{token}").status_code == 200


def test_email_change_is_confirmed_from_the_new_address(browser, make_user, mailbox, deliver):
    user = make_user(role=Role.SECRETARY, email="ancienne@commune.test")
    browser.login("ancienne@commune.test")
    response = browser.post_form("/account/email", {"email-new_email": "nouvelle@commune.fr",
                                                    "email-current_password": "password-123"}, page="/account")
    assert response.status_code == 302
    assert db.session.get(User, user.id).email == "ancienne@commune.test"  # not before confirmation
    browser.logout()
    deliver()
    [confirm] = mailbox.to("nouvelle@commune.fr")
    path = _link(confirm, "/confirm-email/")
    assert browser.get(path).status_code == 200  # opening the link changes nothing (mail scanners)
    db.session.expire_all()
    assert db.session.get(User, user.id).email == "ancienne@commune.test"
    assert browser.post_form(path).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).email == "nouvelle@commune.fr"
    assert browser.post_form(path).status_code == 400  # single use
    browser.login("nouvelle@commune.fr")
    deliver()
    [notice] = mailbox.to("ancienne@commune.test")
    assert "nouvelle@commune.fr" in notice.text()


def test_email_change_needs_the_password_and_a_free_address(browser, make_user, mailbox, deliver):
    make_user(role=Role.SECRETARY, email="moi@commune.test")
    make_user(role=Role.SECRETARY, email="prise@commune.fr")
    browser.login("moi@commune.test")
    browser.post_form("/account/email", {"email-new_email": "autre@commune.fr", "email-current_password": "faux"},
                      page="/account")
    browser.post_form("/account/email", {"email-new_email": "prise@commune.fr", "email-current_password": "password-123"},
                      page="/account")
    invalid = browser.post_form("/account/email", {"email-new_email": "pas-une-adresse",
                                                   "email-current_password": "password-123"}, page="/account")
    assert invalid.status_code == 302
    assert "pas valide" in browser.get("/account").get_data(as_text=True)
    assert db.session.scalars(select(OutboxMessage)).all() == []
    deliver()
    assert mailbox.received == []
    browser.post_form("/account/email", {"email-new_email": "libre@commune.fr", "email-current_password": "password-123"},
                      page="/account")
    assert [m.recipient for m in db.session.scalars(select(OutboxMessage))] == ["libre@commune.fr"]


def test_password_set_by_link_ends_other_sessions_when_sessions_are_versioned(app, make_user):
    """The session version (``auth_version``) belongs to the sessions work; when the user has it, it is bumped."""
    from purchasing.accounts import passwords

    user = make_user(role=Role.SECRETARY, email="versions@commune.test")
    token = tokens.issue(user, tokens.Purpose.PASSWORD_RESET)
    before = getattr(user, "auth_version", None)
    passwords.set_password_with_link(token, tokens.Purpose.PASSWORD_RESET, "nouveau-mot-de-passe")
    if before is not None:
        assert user.auth_version == (before or 1) + 1
    assert db.session.scalars(select(tokens.AccountToken)).one().used_dt is not None


def test_personal_links_are_not_kept_once_sent(browser, make_user, mailbox, deliver):
    make_user(role=Role.SECRETARY, email="discret@commune.test")
    browser.post_form("/forgot-password", {"email": "discret@commune.test"})
    [row] = db.session.scalars(select(OutboxMessage)).all()
    assert row.link == "" and "/reset-password/" in row.text_body  # until it is sent
    deliver()
    db.session.expire_all()
    row = db.session.get(OutboxMessage, row.id)
    assert row.status == "sent" and "/reset-password/" not in row.text_body + row.html_body
    assert "/reset-password/" in mailbox.to("discret@commune.test")[0].text()
