"""Accounts by e-mail: forgotten password, invitation, e-mail address change (signed single-use links)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.security import check_password_hash

from purchasing.accounts import passwords
from purchasing.accounts.forms import EmailChangeForm, ForgotPasswordForm, SetPasswordForm
from purchasing.accounts.models import Role, User
from purchasing.accounts.tokens import InvalidLink, Purpose
from purchasing.auth import roles_required
from purchasing.domain.errors import DomainError
from purchasing.extensions import db
from purchasing.i18n import error_message

bp = Blueprint("access", __name__)


def _invalid_link():
    db.session.rollback()
    return render_template("accounts/link_invalid.html", message=_(InvalidLink.default_message)), 400


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot_password():
    """The same answer whether or not an account has this address (nothing to learn from it)."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        passwords.request_password_reset(form.email.data)
        db.session.commit()
        return render_template("accounts/forgot_password.html", form=None, sent_to=form.email.data)
    return render_template("accounts/forgot_password.html", form=form, sent_to=None), 422 if form.errors else 200


def _set_password_page(token: str, purpose: Purpose, template_title: str):
    form = SetPasswordForm()
    try:
        user = passwords.check_link(token, purpose)
    except InvalidLink:
        return _invalid_link()
    if form.validate_on_submit():
        try:
            passwords.set_password_with_link(token, purpose, form.new_password.data)
        except InvalidLink:
            return _invalid_link()
        db.session.commit()
        flash(_("Mot de passe enregistré : connectez-vous avec votre adresse e-mail et ce mot de passe."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/set_password.html", form=form, user=user, title=template_title), \
        422 if form.errors else 200


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    return _set_password_page(token, Purpose.PASSWORD_RESET, _("Choisir un nouveau mot de passe"))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def set_password(token: str):
    return _set_password_page(token, Purpose.INVITATION, _("Bienvenue : choisissez votre mot de passe"))


@bp.post("/account/email")
@login_required
def request_email_change():
    form = EmailChangeForm(prefix="email")
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for("accounts.account"))
    if not check_password_hash(current_user.password_hash, form.current_password.data):
        flash(_("Le mot de passe actuel est incorrect."), "error")
        return redirect(url_for("accounts.account"))
    try:
        passwords.request_email_change(current_user, form.new_email.data)
    except DomainError as error:
        db.session.rollback()
        flash(error_message(error), "error")
        return redirect(url_for("accounts.account"))
    db.session.commit()
    flash(_("Un lien de confirmation a été envoyé à %(email)s : l'adresse de votre compte changera quand vous "
            "l'aurez ouvert.", email=form.new_email.data), "success")
    return redirect(url_for("accounts.account"))


@bp.route("/confirm-email/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    """GET shows a button (a mail scanner opening the link does not use it up); POST confirms."""
    form = FlaskForm()
    try:
        row_user = passwords.check_link(token, Purpose.EMAIL_CHANGE)
    except InvalidLink:
        return _invalid_link()
    if form.validate_on_submit():
        try:
            user = passwords.confirm_email_change(token)
        except InvalidLink:
            return _invalid_link()
        except DomainError as error:
            db.session.rollback()
            return render_template("accounts/link_invalid.html", message=error_message(error)), 409
        db.session.commit()
        flash(_("Adresse e-mail modifiée : connectez-vous désormais avec %(email)s.", email=user.email), "success")
        return redirect(url_for("main.home") if current_user.is_authenticated else url_for("accounts.login"))
    return render_template("accounts/confirm_email.html", form=form, user=row_user)


@bp.post("/admin/users/<int:user_id>/invite")
@roles_required(Role.ADMIN)
def resend_invitation(user_id: int):
    if not FlaskForm().validate_on_submit():
        abort(400)
    user = db.get_or_404(User, user_id)
    passwords.send_invitation(user, current_user)
    db.session.commit()
    flash(_("Invitation envoyée à %(email)s (lien valable 48 heures).", email=user.email), "success")
    return redirect(url_for("accounts.edit_user", user_id=user.id))
