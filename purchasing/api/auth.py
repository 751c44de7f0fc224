"""``POST /api/v1/auth/token``: exchange an email and password for a personal API token."""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from purchasing.accounts import services as accounts
from purchasing.accounts.answers import retry_after_seconds, too_many_attempts_message
from purchasing.api import services
from purchasing.api.framework import ApiAbort, api_route
from purchasing.api.schemas import TokenOut, TokenRequest
from purchasing.errors import problem
from purchasing.extensions import db
from purchasing.security.services import client_address


@api_route("/auth/token", methods=["POST"], public=True, body=TokenRequest, response=TokenOut, status=201,
           errors=(401, 429), tags=("auth",))
def issue_token(body: TokenRequest):
    """Obtenir un jeton d'API

    Même contrôle que la page de connexion, avec les mêmes délais après des échecs répétés (429, `Retry-After`).
    Le jeton est affiché une seule fois ; il est conservé haché et se révoque depuis « Mon compte ».
    """
    try:
        user = accounts.authenticate(body.email, body.password, client_address=client_address(),
                                     policy=accounts.throttle_policy(current_app.config))
    except accounts.LoginRefused as refused:
        # As on the login page: the failed attempt (counters, security event) is the request's whole
        # unit of work, committed although the answer is an error.
        db.session.commit()
        if refused.retry_after:
            response = problem(429, too_many_attempts_message(refused.retry_after))
            response.headers["Retry-After"] = retry_after_seconds(refused.retry_after)
        else:
            response = problem(401, _("Adresse e-mail ou mot de passe incorrect."))
        raise ApiAbort(response) from None
    token, secret = services.issue_token(user, body.name or _("Jeton d'API"))
    db.session.commit()
    return {"token": secret, "id": token.id, "name": token.name}
