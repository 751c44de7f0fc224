"""Domain errors: every rule the pure core refuses is raised as a ``DomainError``.

The web layer turns them into a 4xx answer showing ``message`` (French, for the user) and
the API returns ``code`` (stable, for programs) and ``details`` (structured, JSON-friendly).
"""

from typing import Any


class DomainError(Exception):
    """A business rule refused the operation; never a bug, always something to tell the user."""

    #: stable machine-readable identifier, overridable per instance
    code: str = "domain_error"
    #: used when no message is given
    default_message: str = "L'opération a été refusée par les règles de gestion."
    #: the HTTP status the web layer and the API answer with (422: the input breaks a rule)
    http_status: int = 422

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        self.message: str = message or self.default_message
        if code is not None:
            self.code = code
        self.details: dict[str, Any] = dict(details or {})
        super().__init__(self.message)

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form for the API and for audit records."""
        return {"code": self.code, "message": self.message, "details": self.details}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"


class ConflictError(DomainError):
    """The operation conflicts with the current state: a claim already taken, a ceiling reached…"""

    code = "conflict"
    http_status = 409


class TransitionNotAllowed(DomainError):
    """A status change that the status machine does not allow."""

    http_status = 409

    code = "transition_not_allowed"
    default_message = "Ce changement de statut n'est pas autorisé."


class InvalidQuantity(DomainError):
    """A quantity that is not a positive whole number within bounds."""

    code = "invalid_quantity"
    default_message = "La quantité saisie n'est pas valide."


class PricingError(DomainError):
    """A tariff grid, price break or amount that cannot produce a price."""

    code = "pricing_error"
    default_message = "Le prix ne peut pas être calculé."


class ProcurementRuleViolation(DomainError):
    """A rule of public procurement (Code de la commande publique) is not met."""

    code = "procurement_rule_violation"
    default_message = "Une règle de la commande publique n'est pas respectée."
