"""Login, account and user-administration forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from purchasing.accounts.models import MEMBER_ROLES, Role
from purchasing.accounts.services import email_taken
from purchasing.forms import PickerField, choices, strip_filter, choice_id

ROLE_LABELS = {
    Role.SECRETARY: _l("Secrétaire de l'adhérent"),
    Role.APPROVER: _l("Approbateur ou approbatrice de l'adhérent (élu ou DGS)"),
    Role.PURCHASING_OFFICER: _l("Acheteur ou acheteuse du syndicat"),
    Role.SUSTAINABILITY_OFFICER: _l("Chargé ou chargée de développement durable"),
    Role.ADMIN: _l("Administrateur ou administratrice du syndicat"),
}

LANGUAGE_CHOICES = [("", _l("Celle du navigateur")), ("fr", "Français"), ("en", "English")]

PASSWORD_MIN = 10


class LoginForm(FlaskForm):
    email = EmailField(_l("Adresse e-mail"), filters=[strip_filter],
                       validators=[DataRequired(_l("Saisissez votre adresse e-mail."))],
                       render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Mot de passe"), validators=[DataRequired(_l("Saisissez votre mot de passe."))],
                             render_kw={"autocomplete": "current-password"})


class UserForm(FlaskForm):
    email = EmailField(_l("Adresse e-mail"), filters=[strip_filter],
                       validators=[DataRequired(_l("L'adresse e-mail est obligatoire.")),
                                   Email(_l("Cette adresse e-mail n'est pas valide."), check_deliverability=False),
                                   Length(max=254)])
    full_name = StringField(_l("Nom complet"), filters=[strip_filter], validators=[Length(max=200)])
    role = SelectField(_l("Rôle"), choices=choices((r.value, label) for r, label in ROLE_LABELS.items()),
                       validators=[DataRequired(_l("Choisissez un rôle."))])
    member_id = PickerField(_l("Adhérent (secrétaire et approbateur)"),
                            unknown_message=_l("Aucun adhérent actif ne porte ce nom : choisissez-en un de la liste."),
                            ambiguous_message=_l("Plusieurs adhérents portent ce nom : ajoutez le code INSEE ou "
                                                 "saisissez le SIREN."),
                            description=_l("Obligatoire pour un secrétaire ou un approbateur ; vide pour le "
                                           "personnel du syndicat. Tapez le début du nom, le code INSEE ou le "
                                           "SIREN, puis choisissez dans la liste."))
    password = PasswordField(_l("Mot de passe"), render_kw={"autocomplete": "new-password"},
                             description=_l("Au moins 10 caractères."))
    is_enabled = BooleanField(_l("Compte actif"), default=True)
    locale = SelectField(_l("Langue"), choices=choices(LANGUAGE_CHOICES), validators=[Optional()])

    def __init__(self, *args, user_id: int | None = None, member_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._user_id = user_id
        self.member_id.set_choices(member_choices)

    def validate_email(self, field):
        if email_taken(field.data, exclude_id=self._user_id):
            raise ValidationError(_l("Un utilisateur a déjà cette adresse e-mail."))

    def validate_member_id(self, field):
        if self.role.data in MEMBER_ROLES and not field.data:
            raise ValidationError(_l("Un secrétaire ou un approbateur doit être rattaché à un adhérent."))
        if self.role.data not in MEMBER_ROLES and field.data:
            raise ValidationError(_l("Le personnel du syndicat n'est rattaché à aucun adhérent."))

    def validate_password(self, field):
        # a new user without a password gets an invitation by e-mail to choose it
        if field.data and len(field.data) < PASSWORD_MIN:
            raise ValidationError(_l("Le mot de passe doit contenir au moins 10 caractères."))


class SetPasswordForm(FlaskForm):
    """A new password, typed twice (from an invitation or reset link; extended by the password change)."""

    new_password = PasswordField(_l("Nouveau mot de passe"), render_kw={"autocomplete": "new-password"},
                                 description=_l("Au moins 10 caractères."),
                                 validators=[DataRequired(_l("Saisissez un nouveau mot de passe.")),
                                             Length(min=PASSWORD_MIN, message=_l("Le mot de passe doit contenir au moins 10 caractères."))])
    confirm = PasswordField(_l("Confirmez le nouveau mot de passe"), render_kw={"autocomplete": "new-password"},
                            validators=[EqualTo("new_password", _l("Les deux mots de passe ne sont pas identiques."))])


class PasswordChangeForm(SetPasswordForm):
    current_password = PasswordField(_l("Mot de passe actuel"), render_kw={"autocomplete": "current-password"},
                                     validators=[DataRequired(_l("Saisissez votre mot de passe actuel."))])


class LanguageForm(FlaskForm):
    locale = SelectField(_l("Langue"), choices=choices(LANGUAGE_CHOICES), validators=[Optional()])


class UserSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Rechercher (e-mail, nom)"), filters=[strip_filter])
    role = SelectField(_l("Rôle"), choices=choices([("", _l("Tous"))] + [(r.value, l) for r, l in ROLE_LABELS.items()]),
                       validators=[Optional()])
    without_member = BooleanField(_l("Secrétaires et approbateurs sans adhérent"))


# --- accounts by e-mail (purchasing/accounts/access_views.py) ------------------------------------

class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Adresse e-mail"), filters=[strip_filter], render_kw={"autocomplete": "username"},
                       validators=[DataRequired(_l("Saisissez votre adresse e-mail.")), Length(max=254)])


class EmailChangeForm(FlaskForm):
    new_email = EmailField(_l("Nouvelle adresse e-mail"), filters=[strip_filter],
                           validators=[DataRequired(_l("Saisissez la nouvelle adresse e-mail.")),
                                       Email(_l("Cette adresse e-mail n'est pas valide."), check_deliverability=False),
                                       Length(max=254)])
    current_password = PasswordField(_l("Mot de passe actuel"), render_kw={"autocomplete": "current-password"},
                                     validators=[DataRequired(_l("Saisissez votre mot de passe actuel."))])
