"""Demo data: ``flask --app purchasing demo``. Idempotent and seeded.

Each area adds a module to DEMO_MODULES exposing ``load(rng) -> str`` (a summary line); modules run in
order, in one transaction committed by the CLI command.
"""
from __future__ import annotations

import importlib
import random

#: Order matters: later modules use earlier modules' data.
DEMO_MODULES = [
    "purchasing.demo.territory",
    "purchasing.demo.pricing",
    "purchasing.demo.catalogue",
    "purchasing.demo.tenders",
    "purchasing.demo.identity",  # members' addresses, SIRETs, sites; suppliers' order e-mail; the syndicate
    "purchasing.demo.campaigns",  # members commit with their billing SIRET
    "purchasing.demo.lifecycle",  # uses the catalogue demo's products when present
    "purchasing.demo.history",  # orders and pool claims over two years, for the reports
    "purchasing.demo.purchase_orders",  # the latest history orders on delivered purchase orders
]

#: Every demo account's password (documented in the README).
DEMO_PASSWORD = "demo"


def load_demo(seed: int = 2026) -> list[str]:
    summary = []
    for name in DEMO_MODULES:
        module = importlib.import_module(name)
        summary.append(module.load(random.Random(f"{seed}:{name}")))
    return summary
