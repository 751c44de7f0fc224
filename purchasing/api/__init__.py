"""The JSON API, ``/api/v1``: the same services, roles and member scoping as the web pages.

Principles
----------
* JSON in and out; errors are RFC 9457 problem details (``application/problem+json``, rendered by
  ``purchasing/errors.py``): 400 malformed JSON, 401 no/invalid/revoked token, 403 wrong role,
  404 unknown or another member's object, 405, 409 conflict (DomainError), 415 not JSON,
  422 validation (``errors`` names each field), 429 login locked. Bad input is never a 500.
* Authentication by personal token only (``Authorization: Bearer …``, see ``auth.py`` and
  ``services.py``; stored as SHA-256, revocable from "Mon compte"). The session cookie is ignored,
  so the blueprint is exempt from CSRF.
* Request and response models are pydantic v2 models (``schemas.py``). Why pydantic: one
  declaration validates the input (strict types, unknown fields refused, bounds), serialises the
  output from ORM objects, and yields the JSON Schemas (2020-12, as OpenAPI 3.1 uses) of the
  document served at ``/api/v1/openapi.json`` (``openapi.py``): the document cannot drift from the code.

Adding an endpoint: one decorator
---------------------------------
::

    # purchasing/api/orders.py  (then import it in _register_modules below)
    from purchasing.api.framework import api_route
    from purchasing.api.schemas import Input, Output      # bases: strict input, from-ORM output

    class OrderLineIn(Input):
        offer_id: int = Field(ge=1, le=MAX_ID)
        quantity: int = Field(ge=1, le=10_000)

    class OrderCreate(Input):
        lines: list[OrderLineIn] = Field(min_length=1, max_length=200)

    @api_route("/orders", methods=["POST"], roles=[Role.SECRETARY], body=OrderCreate,
               response=OrderOut, status=201, errors=(409,), tags=("orders",))
    def create_order(body: OrderCreate):
        \"\"\"Créer une commande          <- first docstring line: the operation's summary

        Longer description for the document.
        \"\"\"
        order = orders_services.create_order(current_user.member, body.lines)   # the web's service
        db.session.commit()
        return order                                   # serialised through OrderOut

``api_route`` registers the Flask route on ``bp`` AND its OpenAPI operation (``framework.OPERATIONS``):

* ``roles``: allowed roles (403 problem otherwise); None = any authenticated user; ``public=True``: no token.
* ``query``: a pydantic model of query parameters (documented as parameters, 422 on bad values);
  ``paginated=True`` adds ``page``/``per_page`` (subclass ``framework.PageQuery`` for filters): the view
  returns a SELECT (scoped with ``purchasing.scoping.member_scope``) and the answer is
  ``{"items", "page", "per_page", "total", "pages"}``.
* ``body``: a pydantic model (415 if not JSON, 400 if malformed, 422 naming the fields).
* path parameters ``<int:id>`` are documented as integers 1..2**31-1; out of range → 404; string path
  parameters (``<tag>``) with a NUL character or over 200 characters → 404.
* member-owned objects are loaded with ``get_scoped_or_404`` (another member's object → 404).
* a ``DomainError`` raised by a service becomes a problem with its ``code`` and ``details``: 409 for a
  rule refusing a well-formed request, whatever status the web gives it (in the API, 400 and 422 only ever
  mean "the request breaks the document", 422 naming the fields — Schemathesis checks that schema-valid
  input is never refused so); 403, 404 and 429 keep theirs. Declare 409 in ``errors``.
* every string of a request is ``framework.Text`` (no NUL character, which PostgreSQL refuses).

Then add the endpoint's access rule in ``tests/api/test_access.py`` (a test fails otherwise) and
``tests/api/test_openapi.py`` checks the document against the routes.
"""
from __future__ import annotations


def _register_modules() -> None:
    """Import the modules whose ``api_route`` decorators fill the blueprint (order = document order)."""
    from purchasing.api import (  # noqa: F401
        auth, catalogue, docs, jobs, lifecycle, members, orders, purchase_orders, reports, tenders,
    )
    from purchasing.api import documents  # noqa: F401
    from purchasing.api import notifications  # noqa: F401
    from purchasing.api import inventory_mappings  # noqa: F401
    from purchasing.api import decp  # noqa: F401
    from purchasing.api import campaigns  # noqa: F401


_register_modules()

from purchasing.api.framework import bp  # noqa: E402

__all__ = ["bp"]
