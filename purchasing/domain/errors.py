"""Domain errors: every rule the pure core refuses is raised as a ``DomainError``.

A message is a French template marked with ``N_`` (a Babel extraction keyword, see tools/i18n.py) and its
``params``: ``message`` is the French text (logs, audit, jobs' records); the web layer, the API and the jobs
translate ``template`` with the params in the reader's language (``purchasing.i18n.error_message``), so the
core stays free of Flask. The API returns ``code`` (stable, for programs, the same in every language) and
``details`` (structured, JSON-friendly).
"""

from typing import Any


def N_(template: str) -> str:
    """Marks a French message for extraction into the catalogues; returns it unchanged (translated later)."""
    return template


class Term(str):
    """A French word or phrase given as a message's param, translated with the message: by its own translations
    when it carries them (``Term("brouillon", en="draft")``, a status machine's labels), else through the catalogue
    (a msgid marked with ``N_``, "La commande")."""

    translations: dict[str, str]

    def __new__(cls, text: str, **translations: str) -> "Term":
        term = super().__new__(cls, text)
        term.translations = translations
        return term


class DomainError(Exception):
    """A business rule refused the operation; never a bug, always something to tell the user."""

    #: stable machine-readable identifier, overridable per instance
    code: str = "domain_error"
    #: used when no message is given
    default_message: str = N_("L'opération a été refusée par les règles de gestion.")
    #: the HTTP status the web layer and the API answer with (422: the input breaks a rule)
    http_status: int = 422

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        details: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        #: the French template (a msgid of the catalogues) and the values it is formatted with
        self.template: str = message or self.default_message
        self.params: dict[str, Any] = dict(params or {})
        self.message: str = self.render()
        if code is not None:
            self.code = code
        self.details: dict[str, Any] = dict(details or {})
        super().__init__(self.message)

    def render(self, translate=None, locale: str | None = None) -> str:
        """The message through ``translate`` (a gettext: msgid -> text; none: French) for ``locale``, its params
        formatted in; a param that is a ``Term`` or itself a DomainError (or a list of them, joined by spaces) is
        translated the same way."""
        def value(param):
            if isinstance(param, DomainError):
                return param.render(translate, locale)
            if isinstance(param, Term):
                if translate is None:
                    return str(param)
                return param.translations.get(locale or "") or translate(param)
            if isinstance(param, (list, tuple)) and param and all(isinstance(p, DomainError) for p in param):
                return " ".join(p.render(translate, locale) for p in param)
            return param

        text = translate(self.template) if translate is not None else self.template
        if not self.params:
            return text
        return text % {name: value(param) for name, param in self.params.items()}

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
    default_message = N_("Ce changement de statut n'est pas autorisé.")


class InvalidQuantity(DomainError):
    """A quantity that is not a positive whole number within bounds."""

    code = "invalid_quantity"
    default_message = N_("La quantité saisie n'est pas valide.")


class PricingError(DomainError):
    """A tariff grid, price break or amount that cannot produce a price."""

    code = "pricing_error"
    default_message = N_("Le prix ne peut pas être calculé.")


class ProcurementRuleViolation(DomainError):
    """A rule of public procurement (Code de la commande publique) is not met."""

    code = "procurement_rule_violation"
    default_message = N_("Une règle de la commande publique n'est pas respectée.")
