"""Login, logout, the user's own account, and the administration of users."""
from __future__ import annotations


from flask import (
    Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, session, url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.security import check_password_hash
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from purchasing import list_exports
from purchasing.accounts import passwords, services
from purchasing.accounts.answers import retry_after_seconds, too_many_attempts_message
from purchasing.accounts.forms import (
    ROLE_LABELS,
    EmailChangeForm,
    LanguageForm,
    LoginForm,
    PasswordChangeForm,
    UserForm,
    UserSearchForm,
)
from purchasing.accounts.models import Role, User
from purchasing.api import services as api_tokens
from purchasing.auth import roles_required
from purchasing.extensions import db, login_manager
from purchasing.mail import views as mail_views
from purchasing.members import services as member_services
from purchasing.list_exports import DATETIME, Column
from purchasing.pagination import paginate
from purchasing.security.services import client_address
from purchasing.params import safe_redirect_target

bp = Blueprint("accounts", __name__)

login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Connectez-vous pour accéder à cette page.")
login_manager.login_message_category = "info"


#: built once (every request runs it; building the statement and its options cost as much as running it)
_USER_WITH_MEMBER = select(User).options(joinedload(User.member)).where(User.id == bindparam("user_id"))


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user of a session cookie ("<id>:<auth_version>", see ``User.get_id``), if that session still holds.

    Logout, a password change, a role change and a deactivation increase the user's ``auth_version``:
    every cookie carrying an older value (another browser, a copied cookie) no longer opens anything.
    """
    user_id, _sep, version = (session_id or "").partition(":")
    if not (user_id.isdigit() and version.isdigit() and len(user_id) <= 9 and len(version) <= 9):
        return None
    # the member with the user (one query): member users' pages read it (prices, scope, the layout)
    user = db.session.execute(_USER_WITH_MEMBER, {"user_id": int(user_id)}).scalar_one_or_none()
    if user is None or not user.is_enabled or user.auth_version != int(version):
        return None
    return user


def _safe_next(target: str | None) -> str:
    """Only redirect to a path of this site after login (no open redirect, no header splitting)."""
    return safe_redirect_target(target, url_for("main.home"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data, client_address=client_address(),
                                         policy=services.throttle_policy(current_app.config))
        except services.LoginRefused as refused:
            # The failed attempt is this request's whole unit of work (its counters and its security
            # event, nothing else was written): it is committed although the login fails.
            db.session.commit()
            if refused.retry_after:
                flash(too_many_attempts_message(refused.retry_after), "error")
                response = make_response(render_template("accounts/login.html", form=form), 429)
                response.headers["Retry-After"] = retry_after_seconds(refused.retry_after)
                return response
            flash(_("Adresse e-mail ou mot de passe incorrect."), "error")
            status = 401
        else:
            session.clear()
            login_user(user)
            db.session.commit()
            flash(_("Bienvenue, vous êtes connecté(e)."), "success")
            return redirect(_safe_next(request.args.get("next")))
    elif form.errors:
        status = 422
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        services.logout(current_user)  # every session of the user ends, on every device
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("Vous êtes déconnecté(e)."), "info")
    return redirect(url_for("accounts.login"))


@bp.post("/language")
def set_language():
    form = LanguageForm()
    locale = form.locale.data if form.validate_on_submit() else None
    if locale not in current_app.config["LANGUAGES"]:
        locale = None
    session["locale"] = locale
    if current_user.is_authenticated:
        services.set_locale(current_user, locale)
        db.session.commit()
    return redirect(_safe_next(request.form.get("next")))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = PasswordChangeForm()
    status = 200
    if form.validate_on_submit():
        if not check_password_hash(current_user.password_hash, form.current_password.data):
            form.current_password.errors.append(_("Le mot de passe actuel est incorrect."))
            status = 422
        else:
            services.set_password(current_user, form.new_password.data)
            db.session.commit()
            login_user(current_user._get_current_object())  # this session goes on with the new version
            flash(_("Mot de passe modifié."), "success")
            return redirect(url_for("accounts.account"))
    elif form.errors:
        status = 422
    language_form = LanguageForm(locale=current_user.locale or "")
    tokens = db.session.scalars(api_tokens.tokens_of(current_user.id).limit(50)).all()
    return render_template("accounts/account.html", form=form, language_form=language_form,
                           role_labels=ROLE_LABELS, tokens=tokens, email_form=EmailChangeForm(formdata=None, prefix="email"),
                           **mail_views.account_context(current_user)), status


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    """Revoke one of my API tokens (another user's token: 404)."""
    token = api_tokens.token_of(current_user.id, token_id) or abort(404)
    api_tokens.revoke_token(token, actor=current_user)
    db.session.commit()
    flash(_("Jeton « %(name)s » révoqué : il ne donne plus accès à l'API.", name=token.name), "success")
    return redirect(url_for("accounts.account"))


# --- administration of users -------------------------------------------------------------------

def _member_choices() -> list[tuple]:
    return member_services.member_picker_entries()


def _data_from(form: UserForm) -> services.UserData:
    return services.UserData(email=form.email.data, full_name=form.full_name.data or "", role=form.role.data,
                             member_id=form.member_id.data or None, is_enabled=form.is_enabled.data,
                             locale=form.locale.data or None)


def _users_filtered(args):
    """The users page's search form and filtered query (its export uses the same): purchasing/list_exports.py."""
    form = UserSearchForm(args)
    form.validate()
    return form, services.search_users(form.q.data or "", form.role.data or None,
                                       without_member=bool(form.without_member.data)).options(db.joinedload(User.member))


USERS_EXPORT = list_exports.register(
    bp, "users", list_endpoint="accounts.users", rule="/admin/users/export.<fmt>", roles=(Role.ADMIN,),
    filename="utilisateurs", filtered=_users_filtered, columns=(
        Column(_l("E-mail"), lambda u: u.email, width=34),
        Column(_l("Nom"), lambda u: u.full_name, width=28),
        Column(_l("Rôle"), lambda u: ROLE_LABELS.get(u.role, u.role), width=28),
        Column(_l("Adhérent"), lambda u: u.member.name if u.member else None, width=30),
        Column(_l("État"), lambda u: _("Actif") if u.is_enabled else _("Désactivé")),
        Column(_l("Créé le"), lambda u: u.created_dt, kind=DATETIME),
    ))


@bp.get("/admin/users")
@roles_required(Role.ADMIN)
def users():
    form, stmt = USERS_EXPORT.filtered(request.args)
    pagination = paginate(stmt)
    return render_template("accounts/users.html", form=form, pagination=pagination, role_labels=ROLE_LABELS,
                           export_endpoint=USERS_EXPORT.endpoint)


@bp.route("/admin/users/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def create_user():
    form = UserForm(member_choices=_member_choices())
    if form.validate_on_submit():
        if form.password.data:
            user = services.create_user(_data_from(form), form.password.data, actor=current_user)
            db.session.commit()
            flash(_("Utilisateur %(email)s créé.", email=user.email), "success")
        else:
            user = passwords.invite_user(_data_from(form), current_user)
            db.session.commit()
            flash(_("Utilisateur %(email)s créé : une invitation lui est envoyée pour choisir son mot de passe "
                    "(lien valable 48 heures).", email=user.email), "success")
        return redirect(url_for("accounts.users"))
    return render_template("accounts/user_form.html", form=form, user=None), 422 if form.errors else 200


@bp.route("/admin/users/<int:user_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user, user_id=user.id, member_choices=_member_choices())
    if request.method == "GET":
        form.member_id.data = user.member_id or 0
        form.locale.data = user.locale or ""
        form.password.data = ""
    if form.validate_on_submit():
        if user.id == current_user.id and (form.role.data != Role.ADMIN or not form.is_enabled.data):
            form.role.errors = list(form.role.errors) + [
                _("Vous ne pouvez pas retirer votre propre rôle d'administrateur ni désactiver votre compte.")]
        else:
            services.update_user(user, _data_from(form), new_password=form.password.data or None,
                                 actor=current_user)
            db.session.commit()
            if user.id == current_user.id:
                login_user(user)  # an administrator who set his own password keeps this session
            flash(_("Utilisateur %(email)s enregistré.", email=user.email), "success")
            return redirect(url_for("accounts.users"))
    tokens = db.session.scalars(api_tokens.tokens_of(user.id).limit(50)).all()
    return render_template("accounts/user_form.html", form=form, user=user, tokens=tokens), \
        422 if form.errors else 200


@bp.post("/admin/users/<int:user_id>/tokens/<int:token_id>/revoke")
@roles_required(Role.ADMIN)
def revoke_user_token(user_id: int, token_id: int):
    """An administrator revokes one API token of a user."""
    token = api_tokens.token_of(user_id, token_id) or abort(404)
    api_tokens.revoke_token(token, actor=current_user)
    db.session.commit()
    flash(_("Jeton « %(name)s » révoqué : il ne donne plus accès à l'API.", name=token.name), "success")
    return redirect(url_for("accounts.edit_user", user_id=user_id))
