"""``POST /api/v1/auth/token``: exchange an email and password for a personal API token."""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from purchasing.accounts import services as accounts
from purchasing.api import services
from purchasing.api.framework import ApiAbort, api_route
from purchasing.api.schemas import TokenOut, TokenRequest
from purchasing.errors import problem
from purchasing.extensions import db


@api_route("/auth/token", methods=["POST"], public=True, body=TokenRequest, response=TokenOut, status=201,
           errors=(401, 429), tags=("auth",))
def issue_token(body: TokenRequest):
    """Obtenir un jeton d'API

    Même contrôle que la page de connexion, avec le même verrouillage après des échecs répétés (429).
    Le jeton est affiché une seule fois ; il est conservé haché et se révoque depuis « Mon compte ».
    """
    try:
        user = accounts.authenticate(body.email, body.password,
                                     max_failures=current_app.config["LOGIN_MAX_FAILURES"],
                                     lock_minutes=current_app.config["LOGIN_LOCK_MINUTES"])
    except accounts.LoginRefused as refused:
        db.session.commit()  # the failure count is kept
        if refused.locked_minutes:
            response = problem(429, _("Trop de tentatives de connexion pour cette adresse. "
                                      "Réessayez dans %(minutes)d minutes.", minutes=refused.locked_minutes))
            response.headers["Retry-After"] = str(refused.locked_minutes * 60)
        else:
            response = problem(401, _("Adresse e-mail ou mot de passe incorrect."))
        raise ApiAbort(response) from None
    token, secret = services.issue_token(user, body.name or _("Jeton d'API"))
    db.session.commit()
    return {"token": secret, "id": token.id, "name": token.name}
