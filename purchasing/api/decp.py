"""``/api/v1/decp``: the DECP v2.0.3 file of the framework contracts notified in a period (purchasing officers)."""
from __future__ import annotations

from datetime import date

from flask import Response
from pydantic import BaseModel, ConfigDict, Field, create_model

from purchasing.accounts.models import Role
from purchasing.api.framework import api_route
from purchasing.decp import services
from purchasing.domain.errors import DomainError
from purchasing.errors import problem
from purchasing.i18n import error_message

#: ``from`` and ``to`` are the query parameters' names (``from`` is a Python keyword: a model built by name)
#: what the document says of a date: empty (the default applies) or an ISO calendar day of 2000-2099. The service
#: also refuses an impossible day (2026-02-30) and an end before the start, with ``invalid_period`` (the plain text
#: type keeps that code); schemathesis.toml declares that 422 for CI's fuzzing.
_DAY = {"pattern": r"^(20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]))?$"}
DecpQuery: type[BaseModel] = create_model(
    "DecpQuery",
    __config__=ConfigDict(extra="ignore"),
    **{"from": (str | None, Field(None, max_length=10, json_schema_extra=_DAY,
                                  description="Premier jour de notification, AAAA-MM-JJ (par défaut le 1er janvier "
                                              "de l'année)")),
       "to": (str | None, Field(None, max_length=10, json_schema_extra=_DAY,
                                description="Dernier jour de notification, AAAA-MM-JJ (par défaut aujourd'hui ; "
                                            "pas avant `from`)"))},
)


@api_route("/decp", query=DecpQuery, roles=(Role.PURCHASING_OFFICER, Role.ADMIN), media=("application/json",),
           tags=("contracts",))
def decp_file(query):
    """Données essentielles (DECP 2.0.3) d'une période

    Le fichier `{"marches": {"marche": [...]}}` des accords-cadres d'au moins 40 000 € HT notifiés du `from` au
    `to` (ou modifiés dans la période), conforme au schéma `schema_decp_v2.0.3.json`. Les contrats dont des
    données manquent n'y figurent pas : l'en-tête `X-DECP-Refused` donne leur nombre et la page « Publication
    DECP » leurs motifs. 422 (code `invalid_period`) si une date est mal écrite ou si la fin précède le début.
    """
    today = date.today()
    try:
        period_from, period_to = services.parse_period(getattr(query, "from"), query.to, today)
    except DomainError as error:
        return problem(422, error_message(error), code=error.code, details=error.details)
    built = services.period_file(period_from, period_to, today)
    response = Response(built.content, mimetype="application/json")
    response.headers["Content-Disposition"] = f"attachment; filename={built.file_name}"
    response.headers["X-DECP-Refused"] = str(len(built.refused))
    return response
