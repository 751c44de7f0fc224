"""The one public entry from purchasing into lifecycle: a delivered order line becomes assets.

Purchasing's deliveries call :func:`receive_delivered_line` for every delivered line; the lifecycle
module creates one asset per delivered unit, linked to the order line. Until the lifecycle module
lands, this hook records nothing and returns an empty list (the delivered quantities are kept on the
order lines by purchasing itself).
"""
from __future__ import annotations

from typing import Any


def receive_delivered_line(order_line: Any, quantity: int, serial_numbers: list[str] | None, actor: Any) -> list:
    """Turn ``quantity`` delivered units of ``order_line`` into assets of the ordering member.

    ``serial_numbers`` (optional) gives one serial per unit. Flushes, never commits. Returns the assets.
    """
    return []
