"""The API's small framework: one decorator registers a route and its OpenAPI operation.

See the package docstring (``purchasing/api/__init__.py``) for how to add an endpoint.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import wraps
from typing import Annotated, Any, Callable, Iterable

from flask import Blueprint, Response, abort, current_app, g, jsonify, request
from flask_babel import gettext as _
from flask_login import AnonymousUserMixin
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, ValidationError, create_model


from purchasing.accounts.models import Role
from purchasing.domain.errors import DomainError
from purchasing.errors import problem
from purchasing import params
from purchasing.extensions import csrf, db
from purchasing.pagination import FlatPage, count_capped, flat_page
from purchasing.i18n import error_message

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Token authentication only, never the session cookie: there is nothing for CSRF to ride on.
csrf.exempt(bp)


@bp.record_once
def _readable_json(state) -> None:
    """UTF-8 JSON ("Données", not "Donn\\u00e9es"): the answers are read by people too, in French."""
    state.app.json.ensure_ascii = False

#: database integer keys; a path id outside this range is a 404, never a driver overflow
MAX_ID = params.MAX_ID
ALL_ROLES = frozenset(r.value for r in Role)


def integral(value):
    """JSON Schema's "integer" includes 2.0: an integral float is that integer (strict mode refuses it)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


#: an integer of a request body: accepts 3 and 3.0 (both "integer" in JSON Schema), refuses 2.5, "3", true
Int = Annotated[int, BeforeValidator(integral)]

#: a string without NUL characters (PostgreSQL refuses them): use it for every string of a request
Text = Annotated[str, StringConstraints(pattern=r"^[^\x00]*$")]


class Problem(BaseModel):
    """RFC 9457 problem details (``application/problem+json``)."""

    model_config = ConfigDict(extra="allow", title="Problem")

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    #: validation errors (422): one entry per field
    errors: list[dict[str, Any]] | None = None
    #: business-rule errors: stable machine-readable code
    code: str | None = None


class PageQuery(BaseModel):
    """Pagination parameters shared by every list: ``page`` from 1, ``per_page`` from 1 to 100."""

    model_config = ConfigDict(extra="ignore")

    page: int = Field(1, ge=1, le=100_000, description="Page number, from 1 (numbered pages reach the first "
                      "10,000 rows: beyond, follow ``next_after``)")
    per_page: int = Field(25, ge=1, le=100, description="Items per page (default 25, at most 100)")
    after: int | None = Field(None, ge=1, le=2**31 - 1, description="Cursor: the ``next_after`` of the previous "
                              "page (lists ordered by id); the rows after it, read from an index")


@dataclass
class Operation:
    """One documented operation: what the OpenAPI generator (``openapi.py``) reads."""

    rule: str
    method: str
    endpoint: str
    summary: str
    description: str
    roles: frozenset | None
    public: bool
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int
    paginated: bool
    tags: tuple[str, ...]
    path_params: dict[str, str] = field(default_factory=dict)
    extra_statuses: tuple[int, ...] = ()
    #: a multipart/form-data body: its text fields (a pydantic model) and the names of its file fields
    form: type[BaseModel] | None = None
    files: tuple[str, ...] = ()
    #: the media types a non-JSON success answer may have (a file download)
    media: tuple[str, ...] = ()
    #: a paginated list: maps the page's rows to what ``response`` reads (e.g. with figures loaded for the
    #: whole page in one query), so that a list never queries once per row
    page_items: Callable[[list], list] | None = None

    @property
    def path(self) -> str:
        """The OpenAPI path: ``/api/v1/members/{member_id}``."""
        return bp.url_prefix + re.sub(r"<(?:(\w+):)?(\w+)>", r"{\2}", self.rule)

    @property
    def error_statuses(self) -> list[int]:
        statuses = set(self.extra_statuses)
        if not self.public:
            statuses.add(401)
        if self.roles is not None and self.roles != ALL_ROLES:
            statuses.add(403)
        if self.path_params:
            statuses.add(404)
            if self.method != "GET":
                # an id outside the database's range matches no route of this method: the router answers 405
                statuses.add(405)
        if self.query is not None:
            statuses.add(422)
        if self.body is not None:
            statuses.update({400, 415, 422})
        if self.form is not None:
            statuses.update({413, 415, 422})
        return sorted(statuses)


#: every operation registered with ``api_route``, in registration order
OPERATIONS: list[Operation] = []

_page_models: dict[type, type[BaseModel]] = {}


def page_of(item: type[BaseModel]) -> type[BaseModel]:
    """The response model of a paginated list of ``item``: ``items``, ``page``, ``per_page``, ``total``, ``pages``."""
    if item not in _page_models:
        _page_models[item] = create_model(
            f"{item.__name__}Page",
            __config__=ConfigDict(extra="forbid"),
            items=(list[item], ...),
            page=(int, ...),
            per_page=(int, ...),
            total=(int, ...),
            pages=(int, ...),
            total_is_capped=(bool, False),
            next_after=(int | None, None),
        )
    return _page_models[item]


def _query_model(query: type[BaseModel] | None, paginated: bool) -> type[BaseModel] | None:
    if not paginated:
        return query
    if query is None:
        return PageQuery
    if issubclass(query, PageQuery):
        return query
    raise TypeError(f"{query.__name__}: the query model of a paginated list must subclass PageQuery")


# --- errors --------------------------------------------------------------------------------------

def _one_of(expected: str) -> str:
    """Pydantic's "'a', 'b' or 'c'" in the user's language: "'a', 'b' ou 'c'"."""
    values = re.findall(r"'[^']*'|\d+", expected) or [expected]
    if len(values) == 1:
        return values[0]
    return _("%(first)s ou %(last)s", first=", ".join(values[:-1]), last=values[-1])


_MESSAGES = {
    "missing": lambda e: _("Champ obligatoire."),
    "extra_forbidden": lambda e: _("Champ inconnu."),
    "int_type": lambda e: _("Nombre entier attendu."),
    "int_parsing": lambda e: _("Nombre entier attendu."),
    "int_from_float": lambda e: _("Nombre entier attendu."),
    "string_type": lambda e: _("Texte attendu."),
    "bool_type": lambda e: _("Booléen attendu."),
    "bool_parsing": lambda e: _("Booléen attendu."),
    "list_type": lambda e: _("Liste attendue."),
    "model_type": lambda e: _("Objet JSON attendu."),
    "model_attributes_type": lambda e: _("Objet JSON attendu."),
    "dict_type": lambda e: _("Objet JSON attendu."),
    "greater_than_equal": lambda e: _("Doit être supérieur ou égal à %(limit)s.", limit=e["ctx"]["ge"]),
    "less_than_equal": lambda e: _("Doit être inférieur ou égal à %(limit)s.", limit=e["ctx"]["le"]),
    "greater_than": lambda e: _("Doit être strictement supérieur à %(limit)s.", limit=e["ctx"]["gt"]),
    "less_than": lambda e: _("Doit être strictement inférieur à %(limit)s.", limit=e["ctx"]["lt"]),
    "string_too_long": lambda e: _("Au plus %(n)s caractères.", n=e["ctx"]["max_length"]),
    "string_too_short": lambda e: _("Au moins %(n)s caractères.", n=e["ctx"]["min_length"]),
    "too_long": lambda e: _("Au plus %(n)s éléments.", n=e["ctx"]["max_length"]),
    "too_short": lambda e: _("Au moins %(n)s éléments.", n=e["ctx"]["min_length"]),
    "enum": lambda e: _("Valeur attendue parmi : %(values)s.", values=_one_of(e["ctx"]["expected"])),
    "literal_error": lambda e: _("Valeur attendue parmi : %(values)s.", values=_one_of(e["ctx"]["expected"])),
    "decimal_parsing": lambda e: _("Nombre décimal attendu (point décimal, par exemple 12.50)."),
    "decimal_type": lambda e: _("Nombre décimal attendu (point décimal, par exemple 12.50)."),
    "decimal_max_digits": lambda e: _("Au plus %(n)s chiffres.", n=e["ctx"]["max_digits"]),
    "decimal_max_places": lambda e: _("Au plus %(n)s décimales.", n=e["ctx"]["decimal_places"]),
    "decimal_whole_digits": lambda e: _("Au plus %(n)s chiffres avant la virgule.", n=e["ctx"]["whole_digits"]),
    "float_parsing": lambda e: _("Nombre attendu."),
    "float_type": lambda e: _("Nombre attendu."),
    "finite_number": lambda e: _("Nombre fini attendu."),
    "int_parsing_size": lambda e: _("Nombre entier trop grand."),
    "multiple_of": lambda e: _("Doit être un multiple de %(n)s.", n=e["ctx"]["multiple_of"]),
    "date_parsing": lambda e: _("Date attendue au format AAAA-MM-JJ."),
    "date_type": lambda e: _("Date attendue au format AAAA-MM-JJ."),
    "date_from_datetime_parsing": lambda e: _("Date attendue au format AAAA-MM-JJ."),
    "date_from_datetime_inexact": lambda e: _("Date sans heure attendue (AAAA-MM-JJ)."),
    "datetime_parsing": lambda e: _("Date et heure attendues au format ISO 8601 (AAAA-MM-JJTHH:MM:SS+01:00)."),
    "datetime_type": lambda e: _("Date et heure attendues au format ISO 8601 (AAAA-MM-JJTHH:MM:SS+01:00)."),
    "datetime_from_date_parsing": lambda e: _("Date et heure attendues au format ISO 8601 "
                                              "(AAAA-MM-JJTHH:MM:SS+01:00)."),
    "timezone_aware": lambda e: _("Date et heure avec fuseau horaire attendues (par exemple +01:00 ou Z)."),
    "timezone_naive": lambda e: _("Date et heure sans fuseau horaire attendues."),
    "date_past": lambda e: _("Date passée attendue."),
    "date_future": lambda e: _("Date future attendue."),
    "datetime_past": lambda e: _("Date passée attendue."),
    "datetime_future": lambda e: _("Date future attendue."),
    "string_pattern_mismatch": lambda e: _("Format non reconnu."),
    "string_unicode": lambda e: _("Texte attendu."),
    "bytes_type": lambda e: _("Texte attendu."),
    "json_invalid": lambda e: _("JSON invalide."),
    "json_type": lambda e: _("JSON attendu."),
    "none_required": lambda e: _("Aucune valeur attendue."),
    "set_type": lambda e: _("Liste attendue."),
    "tuple_type": lambda e: _("Liste attendue."),
    "iterable_type": lambda e: _("Liste attendue."),
    "uuid_parsing": lambda e: _("Identifiant UUID attendu."),
    "uuid_type": lambda e: _("Identifiant UUID attendu."),
    "url_parsing": lambda e: _("Adresse web attendue."),
    "url_type": lambda e: _("Adresse web attendue."),
    "union_tag_invalid": lambda e: _("Type d'objet inconnu."),
    "union_tag_not_found": lambda e: _("Type d'objet manquant."),
    "frozen_field": lambda e: _("Champ non modifiable."),
    "value_error": lambda e: _("Valeur invalide : %(reason)s", reason=str(e["ctx"]["error"])),
    "assertion_error": lambda e: _("Valeur invalide."),
}


def _field_name(loc: Iterable[Any]) -> str:
    return ".".join(str(part) for part in loc) or "body"


def validation_problem(error: ValidationError, where: str):
    """422 naming each field in error; ``where`` is "body" or "query"."""
    errors = []
    for item in error.errors(include_url=False, include_input=False):
        # every message in the user's language (French unless the request asks for English), never the
        # schema library's own English text: an error type without a message of its own says so in general
        translate = _MESSAGES.get(item["type"])
        try:
            message = translate(item) if translate else _("Valeur invalide.")
        except (KeyError, TypeError):
            message = _("Valeur invalide.")
        errors.append({"field": _field_name(item["loc"]), "in": where, "message": message, "code": item["type"]})
    fields = ", ".join(dict.fromkeys(e["field"] for e in errors))
    return problem(422, _("Données invalides : %(fields)s.", fields=fields), errors=errors)


def business_problem(error: DomainError):
    """A business rule refused a well-formed request: the problem carries the rule's ``code`` and ``details``.

    The API keeps 400 and 422 for requests that break the document (malformed JSON; each field named); a
    request the document accepts but a rule refuses (an offer no longer orderable, a serial count that does
    not match, a missing erasure, a ceiling reached, a transition not allowed…) is a 409 conflict with the
    current state, whatever status the web gives it. 403, 404, 413 (a file over its size limit) and 429 keep
    their meaning. Nothing written is kept.
    """
    db.session.rollback()
    status = error.http_status if error.http_status in (403, 404, 409, 413, 429) else 409
    return problem(status, error_message(error), code=error.code, **({"details": error.details} if error.details else {}))


class ApiAbort(Exception):
    """Raise ``ApiAbort(problem(...))`` to answer with that problem at once (the session is rolled back)."""

    def __init__(self, response):
        super().__init__("api abort")
        self.response = response


@bp.errorhandler(ApiAbort)
def _api_abort(stop: ApiAbort):
    """A view (or the framework) answered early with a problem: nothing it wrote is kept."""
    db.session.rollback()
    return stop.response


# --- authentication ------------------------------------------------------------------------------

def _bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def _unauthorized():
    response = problem(401, _("Jeton d'API manquant, invalide ou révoqué (en-tête Authorization: Bearer …)."))
    response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@bp.before_request
def _no_session_user():
    """The API never reads the session cookie for identity: the user comes from the token only."""
    g._login_user = AnonymousUserMixin()


def _authenticate():
    from purchasing.api.services import user_for_token

    token = _bearer_token()
    user = user_for_token(token) if token else None
    if user is None:
        raise ApiAbort(_unauthorized())
    g._login_user = user  # flask_login.current_user, read by purchasing.scoping and the services
    if db.session.dirty:
        db.session.commit()  # the token's "last used" date
    return user


# --- input ---------------------------------------------------------------------------------------

def _parse_query(model: type[BaseModel]) -> BaseModel:
    """Query parameters are scalars: a parameter given twice is refused (422), unknown ones are ignored."""
    repeated = [key for key in model.model_fields if len(request.args.getlist(key)) > 1]
    if repeated:
        errors = [{"field": key, "in": "query", "message": _("Une seule valeur attendue."), "code": "repeated"}
                  for key in repeated]
        raise ApiAbort(problem(422, _("Données invalides : %(fields)s.", fields=", ".join(repeated)),
                               errors=errors))
    data = {key: request.args.get(key) for key in model.model_fields if key in request.args}
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise ApiAbort(validation_problem(error, "query")) from None


def _parse_body(model: type[BaseModel]) -> BaseModel:
    if request.mimetype != "application/json":
        raise ApiAbort(problem(415, _("Le corps de la requête doit être du JSON (Content-Type: application/json).")))
    raw = request.get_data(cache=True)
    try:
        return model.model_validate_json(raw, strict=True)
    except ValidationError as error:
        if any(e["type"] == "json_invalid" for e in error.errors()):
            raise ApiAbort(problem(400, _("Le corps de la requête n'est pas du JSON valide."))) from None
        raise ApiAbort(validation_problem(error, "body")) from None


def _parse_form(model: type[BaseModel], files: tuple[str, ...]) -> BaseModel:
    """A multipart/form-data body: its text fields validated by ``model`` (form values are text: lax types)."""
    if request.mimetype != "multipart/form-data":
        raise ApiAbort(problem(415, _("Le corps de la requête doit être en multipart/form-data.")))
    names = [*model.model_fields, *files]
    repeated = [key for key in names if len(request.form.getlist(key)) + len(request.files.getlist(key)) > 1]
    errors = [{"field": key, "in": "body", "message": _("Une seule valeur attendue."), "code": "repeated"}
              for key in repeated]
    # a file part sent without a file name arrives as a text field: still the file (the view reads it)
    errors += [{"field": key, "in": "body", "message": _("Champ obligatoire."), "code": "missing"}
               for key in files if key not in request.files and key not in request.form and key not in repeated]
    data = {key: request.form.get(key) for key in model.model_fields if key in request.form}

    try:
        parsed = model.model_validate(data)
    except ValidationError as error:
        problem_response = validation_problem(error, "body")
        if errors:
            body = problem_response.get_json()
            body["errors"] += errors
            raise ApiAbort(problem(422, body["detail"], errors=body["errors"])) from None
        raise ApiAbort(problem_response) from None
    if errors:
        fields = ", ".join(dict.fromkeys(e["field"] for e in errors))
        raise ApiAbort(problem(422, _("Données invalides : %(fields)s.", fields=fields), errors=errors))
    return parsed


# --- output --------------------------------------------------------------------------------------

def _page(stmt, query: PageQuery):
    """A flat page (capped count, cursor): a numbered page beyond the cap is refused (use ``after``), except on a
    list shorter than the cap, where it is empty as before."""
    cap = current_app.config.get("LIST_COUNT_CAP", 10_000)
    per_page = min(query.per_page, current_app.config["MAX_ITEMS_PER_PAGE"])
    if query.after is None and (query.page - 1) * per_page >= cap:
        if count_capped(stmt, cap)[1]:
            raise ApiAbort(problem(400, _("Page trop lointaine : au-delà des %(cap)s premières lignes, suivez "
                                          "le curseur next_after (paramètre after).", cap=cap), code="page_too_deep"))
        return FlatPage(items=[], page=query.page, per_page=per_page, total=count_capped(stmt, cap)[0],
                        capped=False, next_after=None)
    return flat_page(stmt, page=query.page, per_page=per_page, after=query.after)


def _serialise(operation: Operation, result: Any):
    if isinstance(result, Response):  # a view may answer itself (e.g. a problem)
        return result
    if result is None and operation.response is None:
        return "", operation.status
    if operation.paginated:
        query = g.api_query
        pagination = _page(result, query)
        model = page_of(operation.response)
        items = operation.page_items(pagination.items) if operation.page_items else pagination.items
        payload = model(items=[operation.response.model_validate(o, from_attributes=True) for o in items],
                        page=pagination.page, per_page=pagination.per_page, total=pagination.total or 0,
                        pages=pagination.pages, total_is_capped=pagination.capped, next_after=pagination.next_after)
        return jsonify(payload.model_dump(mode="json")), operation.status
    if operation.response is None:
        return jsonify(result), operation.status
    payload = result if isinstance(result, BaseModel) else operation.response.model_validate(
        result, from_attributes=True)
    return jsonify(payload.model_dump(mode="json")), operation.status


# --- the decorator -------------------------------------------------------------------------------

def api_route(
    rule: str,
    methods: Iterable[str] = ("GET",),
    *,
    roles: Iterable[str] | None = None,
    public: bool = False,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    response: type[BaseModel] | None = None,
    status: int = 200,
    paginated: bool = False,
    summary: str = "",
    tags: Iterable[str] = (),
    errors: Iterable[int] = (),
    blueprint: Blueprint | None = None,
    form: type[BaseModel] | None = None,
    files: Iterable[str] = (),
    media: Iterable[str] = (),
    page_items: Callable[[list], list] | None = None,
) -> Callable:
    """Register an API view and its OpenAPI operation (see the package docstring).

    ``roles``: roles allowed (403 otherwise); None: any authenticated user. ``public``: no token.
    ``body``/``query``: pydantic models, validated before the view runs (422 naming the fields).
    ``response``: the pydantic model the result is serialised through (ORM objects are read by attribute).
    ``paginated``: the view returns a SELECT; the answer is ``page_of(response)``.
    ``errors``: extra statuses the view may answer with (e.g. 409), for the document.
    ``blueprint``: for tests only (a throw-away blueprint, left out of the document); default ``bp``.
    ``form``/``files``: a multipart/form-data body (file uploads): its text fields as a pydantic model (passed
    as ``form``) and its required file fields (read from ``request.files``); 415 if not multipart, 422 naming
    the fields. ``media``: the media types of a success answer that is not JSON (the view returns a Response).
    ``page_items``: with ``paginated``, maps the page's rows before serialisation (one query for the page's
    figures rather than one per row).
    """
    target = blueprint if blueprint is not None else bp
    methods = [m.upper() for m in methods]
    roles_set = frozenset(str(r) for r in roles) if roles is not None else None
    query_model = _query_model(query, paginated)
    files_tuple = tuple(files)
    path_params = {name: (conv or "string") for conv, name in re.findall(r"<(?:(\w+):)?(\w+)>", rule)}

    def decorator(view: Callable) -> Callable:
        endpoint = view.__name__

        @wraps(view)
        def wrapped(**kwargs):
            try:
                for name, converter in path_params.items():
                    if converter == "int" and not 0 < kwargs[name] <= MAX_ID:
                        abort(404)
                    if isinstance(kwargs[name], str) and ("\x00" in kwargs[name] or len(kwargs[name]) > 200):
                        abort(404)  # e.g. an asset tag: nothing PostgreSQL would refuse reaches a query
                if not public:
                    user = _authenticate()
                    if roles_set is not None and user.role not in roles_set:
                        abort(403)
                call_kwargs = dict(kwargs)
                if query_model is not None:
                    g.api_query = call_kwargs["query"] = _parse_query(query_model)
                if body is not None:
                    call_kwargs["body"] = _parse_body(body)
                if form is not None:
                    call_kwargs["form"] = _parse_form(form, files_tuple)
            except ApiAbort as stop:
                db.session.rollback()
                return stop.response
            try:
                result = view(**call_kwargs)
            except DomainError as error:
                return business_problem(error)
            return _serialise(operation_by_method[request.method if request.method != "HEAD" else "GET"], result)

        operation_by_method: dict[str, Operation] = {}
        doc = (view.__doc__ or "").strip()
        first, _sep, rest = doc.partition("\n")
        for method in methods:
            operation = Operation(
                rule=rule, method=method, endpoint=f"{bp.name}.{endpoint}", summary=summary or first.strip(),
                description=rest.strip(), roles=roles_set, public=public, body=body, query=query_model,
                response=response, status=status, paginated=paginated, tags=tuple(tags),
                path_params=path_params, extra_statuses=tuple(errors), form=form, files=files_tuple,
                media=tuple(media), page_items=page_items,
            )
            operation_by_method[method] = operation
            if target is bp:
                OPERATIONS.append(operation)
        target.add_url_rule(rule, endpoint, wrapped, methods=methods, provide_automatic_options=False)
        return wrapped

    return decorator
