"""Status machines as data: one table of allowed transitions per kind of record.

Services call ``MACHINE.check(old, new)`` before every status change (and write the audit
event); nothing else decides whether a transition is allowed. Labels give each status its
French and English name for messages and templates.
"""

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from .errors import InvalidQuantity, PricingError, TransitionNotAllowed
from purchasing.domain.errors import N_, Term

Transitions = frozenset[tuple[str, str]]


def _as_pairs(transitions: Iterable[tuple[str, str]] | Mapping[str, Iterable[str]]) -> Transitions:
    if isinstance(transitions, Mapping):
        return frozenset((source, target) for source, targets in transitions.items() for target in targets)
    return frozenset(transitions)


@dataclass(frozen=True)
class StateMachine:
    """Allowed transitions of one kind of record, with status labels in French and English.

    ``transitions`` may be given as pairs or as a mapping from a status to its successors;
    it is stored as a frozenset of (from, to) pairs.
    """

    name: str
    #: pairs or {from: successors}; always a frozenset of pairs after construction
    transitions: Transitions | Mapping[str, Iterable[str]]
    initial: str
    terminal: frozenset[str]
    labels_fr: Mapping[str, str] = field(compare=False, hash=False)
    labels_en: Mapping[str, str] = field(compare=False, hash=False)
    #: subject of the French error message, e.g. "La commande"
    subject_fr: str = field(default="L'élément", compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "transitions", _as_pairs(self.transitions))
        object.__setattr__(self, "terminal", frozenset(self.terminal))
        statuses = self.statuses
        for labels, language in ((self.labels_fr, "fr"), (self.labels_en, "en")):
            missing = statuses - set(labels)
            if missing:
                raise ValueError(f"{self.name}: no {language} label for {sorted(missing)}")
        if self.initial not in {status for pair in self.transitions for status in pair}:
            raise ValueError(f"{self.name}: initial status {self.initial!r} has no transition")
        leaving_terminal = {source for source, _ in self.transitions if source in self.terminal}
        if leaving_terminal:
            raise ValueError(f"{self.name}: terminal statuses with transitions: {sorted(leaving_terminal)}")

    @property
    def statuses(self) -> frozenset[str]:
        return frozenset(status for pair in self.transitions for status in pair) | {self.initial} | self.terminal

    def allowed_from(self, status: str) -> frozenset[str]:
        """Statuses reachable in one step from ``status`` (empty for a terminal status)."""
        return frozenset(target for source, target in self.transitions if source == status)

    def is_allowed(self, from_status: str, to_status: str) -> bool:
        return (from_status, to_status) in self.transitions

    def label(self, status: str, locale: str = "fr") -> str:
        labels = self.labels_en if locale.lower().startswith("en") else self.labels_fr
        return labels.get(status, status)

    def term(self, status: str) -> Term:
        """The status's label as a message param: French, with its English."""
        return Term(self.label(status), en=self.label(status, "en"))

    def check(self, from_status: str, to_status: str) -> None:
        """Raise TransitionNotAllowed, naming both statuses in French, unless the table allows it."""
        if self.is_allowed(from_status, to_status):
            return
        source, target = self.term(from_status), self.term(to_status)
        if from_status in self.terminal:
            message = N_("%(subject)s est au statut final « %(source)s » : "
                         "le passage au statut « %(target)s » n'est plus possible.")
        else:
            message = N_("%(subject)s ne peut pas passer du statut « %(source)s » au statut « %(target)s ».")
        raise TransitionNotAllowed(
            message, params={"subject": Term(self.subject_fr), "source": source, "target": target},
            details={
                "machine": self.name,
                "from": from_status,
                "to": to_status,
                "allowed": sorted(self.allowed_from(from_status)),
            },
        )


ORDER = StateMachine(
    name="order",
    transitions={
        "draft": {"submitted", "cancelled"},
        "submitted": {"approved", "rejected", "cancelled"},
        "approved": {"placed", "cancelled"},
        "placed": {"partially_delivered", "delivered"},
        "partially_delivered": {"delivered"},
    },
    initial="draft",
    terminal=frozenset({"rejected", "cancelled", "delivered"}),
    labels_fr={
        "draft": "brouillon",
        # what the member waits for (issue 15: "soumise" did not say who has to act)
        "submitted": "en attente d'approbation",
        "approved": "approuvée",
        "rejected": "refusée",
        "placed": "commandée au fournisseur",
        "partially_delivered": "partiellement livrée",
        "delivered": "livrée",
        "cancelled": "annulée",
    },
    labels_en={
        "draft": "draft",
        "submitted": "awaiting approval",
        "approved": "approved",
        "rejected": "rejected",
        "placed": "ordered from the supplier",
        "partially_delivered": "partially delivered",
        "delivered": "delivered",
        "cancelled": "cancelled",
    },
    subject_fr=N_("La commande"),
)

PURCHASE_ORDER = StateMachine(
    name="purchase_order",
    transitions={
        "draft": {"sent", "cancelled"},
        "sent": {"acknowledged", "partially_delivered", "delivered"},
        "acknowledged": {"partially_delivered", "delivered"},
        "partially_delivered": {"delivered"},
    },
    initial="draft",
    terminal=frozenset({"delivered", "cancelled"}),
    labels_fr={
        "draft": "brouillon",
        "sent": "envoyé",
        "acknowledged": "accusé de réception reçu",
        "partially_delivered": "partiellement livré",
        "delivered": "livré",
        "cancelled": "annulé",
    },
    labels_en={
        "draft": "draft",
        "sent": "sent",
        "acknowledged": "acknowledged",
        "partially_delivered": "partially delivered",
        "delivered": "delivered",
        "cancelled": "cancelled",
    },
    subject_fr=N_("Le bon de commande"),
)

CAMPAIGN = StateMachine(
    name="campaign",
    transitions={
        "open": {"closed", "cancelled"},
        "closed": {"ordered", "cancelled"},
        "ordered": {"delivered"},
    },
    initial="open",
    terminal=frozenset({"delivered", "cancelled"}),
    labels_fr={
        "open": "ouvert",
        "closed": "clos",
        "ordered": "commandé",
        "delivered": "livré",
        "cancelled": "annulé",
    },
    labels_en={
        "open": "open",
        "closed": "closed",
        "ordered": "ordered",
        "delivered": "delivered",
        "cancelled": "cancelled",
    },
    subject_fr=N_("L'achat groupé"),
)

TENDER = StateMachine(
    name="tender",
    transitions={
        "draft": {"published", "cancelled"},
        "published": {"closed", "cancelled"},
        "closed": {"evaluated", "cancelled"},
        "evaluated": {"awarded", "unsuccessful", "cancelled"},
    },
    initial="draft",
    terminal=frozenset({"awarded", "unsuccessful", "cancelled"}),
    labels_fr={
        "draft": "brouillon",
        "published": "publiée",
        "closed": "offres reçues, à analyser",
        "evaluated": "évaluée",
        "awarded": "attribuée",
        "unsuccessful": "infructueuse",
        "cancelled": "annulée",
    },
    labels_en={
        "draft": "draft",
        "published": "published",
        "closed": "bids received, to be evaluated",
        "evaluated": "evaluated",
        "awarded": "awarded",
        "unsuccessful": "unsuccessful",
        "cancelled": "cancelled",
    },
    subject_fr=N_("La consultation"),
)

#: every registered machine by name: purchasing's own, and the ones other packages register (the lifecycle's
#: ASSET, registered by lifecycle/domain/states.py: purchasing/domain never imports lifecycle)
MACHINES: dict[str, StateMachine] = {machine.name: machine for machine in (ORDER, PURCHASE_ORDER, CAMPAIGN, TENDER)}


def register(machine: StateMachine) -> StateMachine:
    """Add ``machine`` to MACHINES under its name; returns it (``ASSET = register(StateMachine(...))``)."""
    MACHINES[machine.name] = machine
    return machine


def order_after_delivery(
    ordered_qty_by_line: Mapping[Hashable, int],
    delivered_qty_by_line: Mapping[Hashable, int],
) -> str:
    """Order status after a delivery: "delivered" once every line is fully delivered.

    ``delivered_qty_by_line`` holds cumulative quantities delivered so far (missing line = 0).
    Over-delivery, unknown lines and an empty delivery are refused: they mean a data-entry error.
    """
    if not ordered_qty_by_line:
        raise InvalidQuantity(N_("La commande ne contient aucune ligne."), code="empty_order")
    unknown = set(delivered_qty_by_line) - set(ordered_qty_by_line)
    if unknown:
        raise InvalidQuantity(
            N_("Une livraison porte sur une ligne absente de la commande."),
            details={"lines": sorted(map(str, unknown))},
        )
    for line, delivered in delivered_qty_by_line.items():
        if isinstance(delivered, bool) or not isinstance(delivered, int) or delivered < 0:
            raise InvalidQuantity(
                N_("La quantité livrée doit être un nombre entier positif ou nul."), details={"line": str(line)}
            )
        if delivered > ordered_qty_by_line[line]:
            raise InvalidQuantity(
                N_("La quantité livrée (%(delivered)s) dépasse la quantité commandée (%(line)s) "
                   "pour la ligne %(line2)s."),
                params={"delivered": delivered, "line": ordered_qty_by_line[line], "line2": line},
                code="over_delivery",
                details={"line": str(line), "ordered": ordered_qty_by_line[line], "delivered": delivered},
            )
    if sum(delivered_qty_by_line.values()) == 0:
        raise InvalidQuantity(N_("Aucune quantité livrée n'a été saisie."), code="empty_delivery")
    fully_delivered = all(
        delivered_qty_by_line.get(line, 0) >= ordered for line, ordered in ordered_qty_by_line.items()
    )
    return "delivered" if fully_delivered else "partially_delivered"


def approval_needed(order_total_ht: Decimal, threshold_ht: Decimal) -> bool:
    """True when an approver must decide: above the member's threshold; at or under it, automatic."""
    for value in (order_total_ht, threshold_ht):
        if not isinstance(value, Decimal) or not value.is_finite():
            raise PricingError(N_("Les montants doivent être des nombres décimaux."), code="invalid_amount")
    if threshold_ht < 0:
        raise PricingError(N_("Le seuil d'approbation ne peut pas être négatif."), code="invalid_threshold")
    return order_total_ht > threshold_ht
