"""The lifecycle's status machines: assets, pool listings, physical audits.

Same rules as purchasing/domain/states.py (the generic StateMachine stays there): services call
``MACHINE.check(old, new)`` (through purchasing/transitions.py) before every status change. ASSET is
registered in purchasing's MACHINES, as it was listed there before; the pool-listing and audit machines
are used by their services only, as before.
"""

from purchasing.domain.errors import N_
from purchasing.domain.states import StateMachine, register

_ASSET_ACTIVE = ("in_stock", "in_service", "in_repair", "refurbishing", "in_pool")
ASSET = register(StateMachine(
    name="asset",
    transitions=frozenset(
        {
            ("in_stock", "in_service"),
            ("in_service", "in_stock"),
            ("in_service", "in_repair"),
            ("in_repair", "in_service"),
            ("in_repair", "in_stock"),
            ("in_stock", "in_repair"),
            ("in_stock", "refurbishing"),
            ("in_service", "refurbishing"),
            ("refurbishing", "in_stock"),
            ("refurbishing", "in_pool"),
            ("in_stock", "in_pool"),
            ("in_service", "in_pool"),
            ("in_pool", "in_stock"),  # withdrawn by its member, or claimed by another one
        }
        | {(status, "retired") for status in _ASSET_ACTIVE}
    ),
    initial="in_stock",
    terminal=frozenset({"retired"}),
    labels_fr={
        "in_stock": "en stock",
        "in_service": "en service",
        "in_repair": "en réparation",
        "refurbishing": "en reconditionnement",
        "in_pool": "dans la bourse de réemploi",
        "retired": "sorti de l'inventaire",
    },
    labels_en={
        "in_stock": "in stock",
        "in_service": "in service",
        "in_repair": "in repair",
        "refurbishing": "refurbishing",
        "in_pool": "in the reuse pool",
        "retired": "retired",
    },
    subject_fr=N_("L'équipement"),
))

#: a pool listing is reserved by a claim, then given (the donor confirms, or its delay to decline ends) or put back
#: in the pool (the donor declines: lifecycle/domain/pool.py); withdrawn by its own member while nobody claimed it
POOL_LISTING = StateMachine(
    name="pool_listing",
    transitions={"open": {"reserved", "withdrawn"}, "reserved": {"claimed", "open"}},
    initial="open",
    terminal=frozenset({"claimed", "withdrawn"}),
    labels_fr={"open": "proposé", "reserved": "réservé, en attente de l'accord du donateur", "claimed": "attribué",
               "withdrawn": "retiré"},
    labels_en={"open": "offered", "reserved": "reserved, awaiting the donor's answer", "claimed": "claimed",
               "withdrawn": "withdrawn"},
    subject_fr=N_("L'annonce de la bourse"),
)
#: a physical audit is closed once
AUDIT = StateMachine(
    name="asset_audit",
    transitions={"open": {"closed"}},
    initial="open",
    terminal=frozenset({"closed"}),
    labels_fr={"open": "en cours", "closed": "clôturé"},
    labels_en={"open": "open", "closed": "closed"},
    subject_fr=N_("L'inventaire physique"),
)
