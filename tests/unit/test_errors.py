"""Domain errors: the stable codes and HTTP statuses the web layer and the API expose."""

import pytest

from purchasing.domain.errors import (
    ConflictError,
    DomainError,
    InvalidQuantity,
    PricingError,
    ProcurementRuleViolation,
    TransitionNotAllowed,
)


@pytest.mark.parametrize(
    ("error_class", "code", "status", "message"),
    [
        (DomainError, "domain_error", 422, "L'opération a été refusée par les règles de gestion."),
        (ConflictError, "conflict", 409, "L'opération a été refusée par les règles de gestion."),
        (TransitionNotAllowed, "transition_not_allowed", 409, "Ce changement de statut n'est pas autorisé."),
        (InvalidQuantity, "invalid_quantity", 422, "La quantité saisie n'est pas valide."),
        (PricingError, "pricing_error", 422, "Le prix ne peut pas être calculé."),
        (ProcurementRuleViolation, "procurement_rule_violation", 422,
         "Une règle de la commande publique n'est pas respectée."),
    ],
)
def test_each_error_has_its_stable_code_status_and_default_message(error_class, code, status, message):
    error = error_class()
    assert (error.code, error.http_status, error.message, str(error)) == (code, status, message, message)
    assert error.details == {}
    assert isinstance(error, DomainError) and isinstance(error, Exception)


def test_code_message_and_details_given_per_instance():
    details = {"line": "3"}
    error = PricingError("Prix introuvable.", code="no_price_break", details=details)
    assert error.as_dict() == {"code": "no_price_break", "message": "Prix introuvable.", "details": {"line": "3"}}
    assert str(error) == "Prix introuvable."
    details["line"] = "4"  # the error keeps its own copy
    assert error.details == {"line": "3"}
    # an instance code does not change the class's
    assert PricingError().code == "pricing_error"


def test_an_empty_message_falls_back_to_the_default():
    assert InvalidQuantity("").message == "La quantité saisie n'est pas valide."


def test_repr_names_the_class_code_and_message():
    assert repr(ConflictError("Déjà pris.")) == "ConflictError(code='conflict', message='Déjà pris.')"


# --- templates and params (issue 15: translated at the boundary, French in ``message``) --------------------------

def test_a_message_is_a_template_formatted_in_french_and_kept_for_translation():
    from purchasing.domain.errors import N_, DomainError, Term

    inner = DomainError(N_("Ligne %(line)s refusée."), params={"line": 3})
    error = DomainError(N_("%(subject)s : %(status)s ; %(inner)s (%(pct)s %%)"),
                        params={"subject": Term("La commande"), "status": Term("brouillon", en="draft"),
                                "inner": inner, "pct": 5}, code="x")
    assert error.message == str(error) == "La commande : brouillon ; Ligne 3 refusée. (5 %)"
    assert error.template == "%(subject)s : %(status)s ; %(inner)s (%(pct)s %%)" and error.code == "x"
    english = {"%(subject)s : %(status)s ; %(inner)s (%(pct)s %%)": "%(subject)s: %(status)s; %(inner)s (%(pct)s %%)",
               "Ligne %(line)s refusée.": "Line %(line)s refused.", "La commande": "The order"}
    assert error.render(lambda msgid: english.get(msgid, msgid), "en") == "The order: draft; Line 3 refused. (5 %)"
    # a Term without the locale's own translation goes through the catalogue
    assert error.render(lambda msgid: english.get(msgid, msgid), "de").startswith("The order: brouillon;")


def test_a_message_without_params_is_not_formatted_and_a_list_of_errors_is_joined():
    from purchasing.domain.errors import N_, DomainError

    assert DomainError(N_("Entre 0 et 100 %.")).message == "Entre 0 et 100 %."
    assert DomainError().template == DomainError.default_message
    listed = DomainError(N_("Refusé : %(all)s"), params={"all": [DomainError(N_("a.")), DomainError(N_("b."))]})
    assert listed.message == "Refusé : a. b."
    english = {"Refusé : %(all)s": "Refused: %(all)s", "a.": "A.", "b.": "B."}
    assert listed.render(english.get, "en") == "Refused: A. B."
    assert DomainError(N_("%(x)s"), params={"x": []}).message == "[]"
