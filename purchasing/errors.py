"""Error pages in the layout (HTML) and RFC 9457 problem details under /api/."""
from __future__ import annotations

import logging

from flask import Flask, g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from purchasing.domain.errors import DomainError
from purchasing.extensions import db
from purchasing.i18n import error_message

log = logging.getLogger(__name__)

_TITLES = {
    400: _l("Requête invalide"),
    401: _l("Connexion requise"),
    403: _l("Accès refusé"),
    404: _l("Page introuvable"),
    405: _l("Méthode non autorisée"),
    409: _l("Conflit"),
    413: _l("Fichier trop volumineux"),
    415: _l("Type de contenu non pris en charge"),
    422: _l("Données invalides"),
    429: _l("Trop de requêtes"),
    500: _l("Erreur interne"),
}


def wants_problem_json() -> bool:
    return request.path.startswith("/api/")


def problem(status: int, detail: str, **extra):
    body = {"type": "about:blank", "title": str(_TITLES.get(status, _l("Erreur"))), "status": status,
            "detail": detail, **extra}
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def _page(status: int, detail: str | None = None):
    if wants_problem_json():
        return problem(status, detail or str(_TITLES.get(status, _l("Erreur"))))
    return render_template("errors/error.html", status=status,
                           title=str(_TITLES.get(status, _l("Erreur"))), detail=detail), status


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        """A business rule refused the operation: 4xx with the rule's message, nothing written."""
        db.session.rollback()
        if wants_problem_json():
            return problem(error.http_status, error_message(error), code=error.code, **({"details": error.details}
                                                                                 if error.details else {}))
        return render_template("errors/error.html", status=error.http_status,
                               title=str(_TITLES.get(error.http_status, _l("Erreur"))),
                               detail=error_message(error)), error.http_status

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        db.session.rollback()
        return _page(400, _("Le formulaire a expiré ou n'est pas valide. Rechargez la page et recommencez."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        db.session.rollback()
        status = error.code or 500
        detail = None
        if status == 413:
            detail = _("Le fichier envoyé dépasse la taille autorisée.")
        elif status == 405:
            detail = _("Cette adresse n'accepte pas cette méthode.")
        elif error.description and status in (400, 409, 422):
            detail = error.description
        response = _page(status, detail)
        if status == 405 and wants_problem_json():
            allow = dict(error.get_headers()).get("Allow")
            if allow:
                response.headers["Allow"] = allow  # RFC 9110: a 405 says which methods are allowed
        return response

    @app.errorhandler(Exception)
    def internal_error(error: Exception):
        db.session.rollback()
        log.exception("unhandled error request_id=%s method=%s path=%s", g.get("request_id", "-"),
                      request.method, request.path, exc_info=error)
        if app.testing and not app.config.get("RENDER_500_IN_TESTS"):
            raise error  # a test that hits a server error fails loudly, with its traceback
        return _page(500, _("Une erreur inattendue s'est produite. L'équipe technique a été prévenue."))

    @app.errorhandler(IntegrityError)
    def integrity_error(error: IntegrityError):
        """Last resort for a unique-constraint race no service caught (each known one has its savepoint): 409."""
        if not is_unique_violation(error):
            return internal_error(error)
        db.session.rollback()
        log.warning("unique violation answered 409: %s", error.orig)
        detail = _("Un enregistrement identique vient d'être créé par une autre requête : rechargez la page et "
                   "vérifiez avant de recommencer.")
        if wants_problem_json():
            return problem(409, detail, code="duplicate")
        return render_template("errors/error.html", status=409, title=str(_TITLES[409]), detail=detail), 409


def is_unique_violation(error: IntegrityError) -> bool:
    """A unique (or primary key) violation: PostgreSQL's SQLSTATE 23505, SQLite's "UNIQUE constraint failed"."""
    original = getattr(error, "orig", None)
    return getattr(original, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(original)
