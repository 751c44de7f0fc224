"""Status machines: the exact tables, every disallowed transition refused, French messages."""

from decimal import Decimal
from itertools import product

import pytest

from lifecycle.domain.states import ASSET
from purchasing.domain.errors import InvalidQuantity, PricingError, TransitionNotAllowed
from purchasing.domain.states import (
    CAMPAIGN,
    MACHINES,
    ORDER,
    PURCHASE_ORDER,
    TENDER,
    StateMachine,
    approval_needed,
    order_after_delivery,
)

D = Decimal

# The tables, written out independently of the module: a change to a machine must change this too.
EXPECTED = {
    "order": {
        ("draft", "submitted"), ("draft", "cancelled"),
        ("submitted", "approved"), ("submitted", "rejected"), ("submitted", "cancelled"),
        ("approved", "placed"), ("approved", "cancelled"),
        ("placed", "partially_delivered"), ("placed", "delivered"),
        ("partially_delivered", "delivered"),
    },
    "purchase_order": {
        ("draft", "sent"), ("draft", "cancelled"),
        ("sent", "acknowledged"), ("sent", "partially_delivered"), ("sent", "delivered"),
        ("acknowledged", "partially_delivered"), ("acknowledged", "delivered"),
        ("partially_delivered", "delivered"),
    },
    "campaign": {
        ("open", "closed"), ("open", "cancelled"),
        ("closed", "ordered"), ("closed", "cancelled"),
        ("ordered", "delivered"),
    },
    "tender": {
        ("draft", "published"), ("draft", "cancelled"),
        ("published", "closed"), ("published", "cancelled"),
        ("closed", "evaluated"), ("closed", "cancelled"),
        ("evaluated", "awarded"), ("evaluated", "unsuccessful"), ("evaluated", "cancelled"),
    },
    "asset": {
        ("in_stock", "in_service"), ("in_service", "in_stock"),
        ("in_service", "in_repair"), ("in_repair", "in_service"), ("in_repair", "in_stock"),
        ("in_stock", "in_repair"),
        ("in_stock", "refurbishing"), ("in_service", "refurbishing"),
        ("refurbishing", "in_stock"), ("refurbishing", "in_pool"),
        ("in_stock", "in_pool"), ("in_service", "in_pool"), ("in_pool", "in_stock"),
        ("in_stock", "retired"), ("in_service", "retired"), ("in_repair", "retired"),
        ("refurbishing", "retired"), ("in_pool", "retired"),
    },
}


def all_pairs(machine):
    return list(product(sorted(machine.statuses), repeat=2))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_transition_tables_are_exactly_the_specified_ones(name):
    assert MACHINES[name].transitions == frozenset(EXPECTED[name])


@pytest.mark.parametrize(
    ("machine", "pair"),
    [(m, pair) for m in MACHINES.values() for pair in all_pairs(m) if pair not in EXPECTED[m.name]],
    ids=lambda value: value.name if isinstance(value, StateMachine) else "->".join(value),
)
def test_every_disallowed_transition_raises(machine, pair):
    from_status, to_status = pair
    with pytest.raises(TransitionNotAllowed) as excinfo:
        machine.check(from_status, to_status)
    error = excinfo.value
    assert error.code == "transition_not_allowed"
    assert f"« {machine.labels_fr[from_status]} »" in error.message
    assert f"« {machine.labels_fr[to_status]} »" in error.message
    assert error.details == {
        "machine": machine.name,
        "from": from_status,
        "to": to_status,
        "allowed": sorted(machine.allowed_from(from_status)),
    }


@pytest.mark.parametrize(
    ("machine", "pair"),
    [(m, pair) for m in MACHINES.values() for pair in sorted(EXPECTED[m.name])],
    ids=lambda value: value.name if isinstance(value, StateMachine) else "->".join(value),
)
def test_every_allowed_transition_passes(machine, pair):
    assert machine.check(*pair) is None
    assert machine.is_allowed(*pair)


def test_order_message_in_french():
    with pytest.raises(TransitionNotAllowed) as excinfo:
        ORDER.check("submitted", "delivered")
    assert excinfo.value.message == (
        "La commande ne peut pas passer du statut « en attente d'approbation » au statut « livrée »."
    )


def test_terminal_status_message():
    with pytest.raises(TransitionNotAllowed) as excinfo:
        ORDER.check("rejected", "draft")
    assert excinfo.value.message == (
        "La commande est au statut final « refusée » : le passage au statut « brouillon » n'est plus possible."
    )


def test_unknown_status_is_refused_and_named_as_is():
    with pytest.raises(TransitionNotAllowed, match="« archived »"):
        ORDER.check("delivered", "archived")


def test_initial_and_terminal_statuses():
    assert (ORDER.initial, ORDER.terminal) == ("draft", frozenset({"rejected", "cancelled", "delivered"}))
    assert (PURCHASE_ORDER.initial, PURCHASE_ORDER.terminal) == ("draft", frozenset({"delivered", "cancelled"}))
    assert (CAMPAIGN.initial, CAMPAIGN.terminal) == ("open", frozenset({"delivered", "cancelled"}))
    assert (TENDER.initial, TENDER.terminal) == ("draft", frozenset({"awarded", "unsuccessful", "cancelled"}))
    assert (ASSET.initial, ASSET.terminal) == ("in_stock", frozenset({"retired"}))
    for machine in MACHINES.values():
        for status in machine.terminal:
            assert machine.allowed_from(status) == frozenset()


def test_allowed_from():
    assert ORDER.allowed_from("submitted") == {"approved", "rejected", "cancelled"}
    assert ASSET.allowed_from("in_pool") == {"in_stock", "retired"}
    assert ORDER.allowed_from("nonexistent") == frozenset()


def test_labels():
    assert ORDER.labels_fr["placed"] == "commandée au fournisseur"
    assert ORDER.label("partially_delivered") == "partiellement livrée"
    assert ORDER.label("partially_delivered", "en") == "partially delivered"
    assert [ASSET.labels_fr[s] for s in ("in_stock", "in_service", "in_repair", "refurbishing", "in_pool", "retired")] == [
        "en stock", "en service", "en réparation", "en reconditionnement",
        "dans la bourse de réemploi", "sorti de l'inventaire",
    ]
    for machine in MACHINES.values():
        assert set(machine.labels_fr) == set(machine.labels_en) == machine.statuses


def test_machine_can_be_given_as_mapping_and_validates_itself():
    machine = StateMachine(
        "door", {"closed": {"open"}, "open": {"closed"}}, "closed", frozenset(),
        labels_fr={"open": "ouverte", "closed": "fermée"}, labels_en={"open": "open", "closed": "closed"},
    )
    assert machine.transitions == frozenset({("closed", "open"), ("open", "closed")})
    with pytest.raises(ValueError):  # missing label
        StateMachine("x", {("a", "b")}, "a", frozenset(), labels_fr={"a": "A"}, labels_en={"a": "A", "b": "B"})
    with pytest.raises(ValueError):  # a terminal status with a way out
        StateMachine("x", {("a", "b")}, "a", frozenset({"a"}), labels_fr={"a": "A", "b": "B"}, labels_en={"a": "A", "b": "B"})


# --- delivery ---------------------------------------------------------------------------------


def test_order_after_partial_then_full_delivery():
    ordered = {1: 10, 2: 5}
    assert order_after_delivery(ordered, {1: 10}) == "partially_delivered"
    assert order_after_delivery(ordered, {1: 10, 2: 4}) == "partially_delivered"
    assert order_after_delivery(ordered, {1: 10, 2: 5}) == "delivered"


@pytest.mark.parametrize(
    ("delivered", "code"),
    [
        ({1: 11}, "over_delivery"),
        ({3: 1}, "invalid_quantity"),  # unknown line
        ({1: -1}, "invalid_quantity"),
        ({1: 2.0}, "invalid_quantity"),
        ({1: 0}, "empty_delivery"),
        ({}, "empty_delivery"),
    ],
)
def test_order_after_delivery_refuses_inconsistent_deliveries(delivered, code):
    with pytest.raises(InvalidQuantity) as excinfo:
        order_after_delivery({1: 10, 2: 5}, delivered)
    assert excinfo.value.code == code


def test_order_after_delivery_needs_lines():
    with pytest.raises(InvalidQuantity):
        order_after_delivery({}, {1: 1})


# --- approval ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "threshold", "needed"),
    [("1499.99", "1500.00", False), ("1500.00", "1500.00", False), ("1500.01", "1500.00", True), ("0.01", "0", True)],
)
def test_approval_needed_only_above_threshold(total, threshold, needed):
    assert approval_needed(D(total), D(threshold)) is needed


@pytest.mark.parametrize(("total", "threshold"), [(1500.0, D("1500")), (D("1"), D("-1")), (D("NaN"), D("1"))])
def test_approval_needed_refuses_bad_amounts(total, threshold):
    with pytest.raises(PricingError):
        approval_needed(total, threshold)


# --- boundaries, stable codes and details (mutation testing) ---------------------------------


def test_a_line_missing_from_the_delivery_is_not_delivered_even_for_one_unit():
    # a 1-unit line absent from the delivery counts as 0 delivered, never as its ordered quantity
    assert order_after_delivery({1: 10, 2: 1}, {1: 10}) == "partially_delivered"
    assert order_after_delivery({1: 1, 2: 1}, {1: 1}) == "partially_delivered"
    assert order_after_delivery({1: 1, 2: 1}, {1: 1, 2: 1}) == "delivered"
    assert order_after_delivery({"a": 1}, {"a": 1}) == "delivered"


def test_delivering_exactly_the_ordered_quantity_is_not_over_delivery():
    assert order_after_delivery({1: 10}, {1: 10}) == "delivered"
    assert order_after_delivery({1: 10}, {1: 9}) == "partially_delivered"
    assert order_after_delivery({1: 10, 2: 5}, {1: 0, 2: 1}) == "partially_delivered"


def test_over_delivery_names_the_line_and_both_quantities():
    with pytest.raises(InvalidQuantity) as excinfo:
        order_after_delivery({1: 10}, {1: 11})
    assert excinfo.value.code == "over_delivery"
    assert excinfo.value.details == {"line": "1", "ordered": 10, "delivered": 11}
    assert excinfo.value.message == "La quantité livrée (11) dépasse la quantité commandée (10) pour la ligne 1."


def test_unknown_lines_are_listed():
    with pytest.raises(InvalidQuantity) as excinfo:
        order_after_delivery({1: 10}, {3: 1, 2: 1, 1: 1})
    assert excinfo.value.code == "invalid_quantity"
    assert excinfo.value.details == {"lines": ["2", "3"]}


@pytest.mark.parametrize("delivered", [-1, True, False, 1.0, "1", None])
def test_delivered_quantities_must_be_whole_numbers(delivered):
    with pytest.raises(InvalidQuantity) as excinfo:
        order_after_delivery({1: 10}, {1: delivered})
    assert excinfo.value.code == "invalid_quantity"
    assert excinfo.value.details == {"line": "1"}


def test_an_order_without_lines_has_its_code():
    with pytest.raises(InvalidQuantity) as excinfo:
        order_after_delivery({}, {})
    assert excinfo.value.code == "empty_order"


def test_an_empty_delivery_has_its_code_even_with_zero_lines():
    with pytest.raises(InvalidQuantity) as excinfo:
        order_after_delivery({1: 10, 2: 5}, {1: 0, 2: 0})
    assert excinfo.value.code == "empty_delivery"


@pytest.mark.parametrize(
    ("total", "threshold", "needed"),
    [("0", "0", False), ("0.00", "0.01", False), ("0.01", "0.00", True), ("1000000", "999999.99", True)],
)
def test_approval_needed_at_zero_and_one_cent(total, threshold, needed):
    assert approval_needed(D(total), D(threshold)) is needed


@pytest.mark.parametrize(
    ("total", "threshold", "code"),
    [(D("1"), D("-0.01"), "invalid_threshold"), (1.0, D("1"), "invalid_amount"), (D("1"), 1, "invalid_amount"),
     (D("1"), D("Infinity"), "invalid_amount")],
)
def test_approval_needed_refusals_have_stable_codes(total, threshold, code):
    with pytest.raises(PricingError) as excinfo:
        approval_needed(total, threshold)
    assert excinfo.value.code == code


def test_a_refusal_is_a_409_with_the_allowed_targets():
    with pytest.raises(TransitionNotAllowed) as excinfo:
        ORDER.check("approved", "delivered")
    assert excinfo.value.http_status == 409
    assert excinfo.value.details["allowed"] == ["cancelled", "placed"]


def test_labels_fall_back_to_the_status_and_read_the_locale():
    assert ORDER.label("archived") == "archived"
    assert ORDER.label("archived", "en") == "archived"
    assert ORDER.label("placed", "EN") == "ordered from the supplier"
    assert ORDER.label("placed", "en_GB") == "ordered from the supplier"
    assert ORDER.label("placed", "fr_FR") == "commandée au fournisseur"


def test_terminal_message_only_for_terminal_statuses():
    with pytest.raises(TransitionNotAllowed) as excinfo:
        TENDER.check("awarded", "draft")
    assert excinfo.value.message.startswith("La consultation est au statut final « attribuée »")
    with pytest.raises(TransitionNotAllowed) as excinfo:
        TENDER.check("draft", "awarded")
    assert excinfo.value.message == (
        "La consultation ne peut pas passer du statut « brouillon » au statut « attribuée »."
    )


def test_machine_statuses_include_terminal_ones_without_transitions():
    machine = StateMachine(
        "door", {("open", "closed")}, "open", frozenset({"closed", "walled_up"}),
        labels_fr={"open": "ouverte", "closed": "fermée", "walled_up": "murée"},
        labels_en={"open": "open", "closed": "closed", "walled_up": "walled up"},
    )
    assert machine.statuses == {"open", "closed", "walled_up"}
    assert machine.allowed_from("walled_up") == frozenset()
    assert not machine.is_allowed("open", "walled_up")


def test_machine_checks_the_initial_status_and_both_label_tables():
    labels = {"a": "A", "b": "B"}
    # an initial status that no transition leaves nor reaches: the machine could never move
    with pytest.raises(ValueError, match="initial status 'z' has no transition"):
        StateMachine("x", {("a", "b")}, "z", frozenset(), labels_fr={**labels, "z": "Z"}, labels_en={**labels, "z": "Z"})
    with pytest.raises(ValueError, match="en label"):
        StateMachine("x", {("a", "b")}, "a", frozenset(), labels_fr=labels, labels_en={"a": "A"})
    with pytest.raises(ValueError, match="fr label"):
        StateMachine("x", {("a", "b")}, "a", frozenset(), labels_fr={"b": "B"}, labels_en=labels)
    with pytest.raises(ValueError, match="terminal"):
        StateMachine("x", {("a", "b"), ("b", "a")}, "a", frozenset({"b"}), labels_fr=labels, labels_en=labels)
    machine = StateMachine("x", [("a", "b")], "a", {"b"}, labels_fr=labels, labels_en=labels)
    assert machine.terminal == frozenset({"b"}) and isinstance(machine.terminal, frozenset)
    assert machine.transitions == frozenset({("a", "b")})


def test_machines_are_listed_by_name():
    assert MACHINES == {"order": ORDER, "purchase_order": PURCHASE_ORDER, "campaign": CAMPAIGN, "tender": TENDER,
                        "asset": ASSET}
