"""The shared step of every audited status change: check the machine, record the event, set the status.

Each area's service (orders, purchase orders, campaigns) builds its own event row with who and why, then
calls :func:`apply_transition`; area-specific rules stay in that service.
"""
from __future__ import annotations

from typing import Any

from purchasing.domain.states import StateMachine
from purchasing.extensions import db


def apply_transition(machine: StateMachine, record: Any, to_status: str, event: Any) -> Any:
    """Move ``record`` to ``to_status`` if ``machine`` allows it, with ``event`` as its audit row (flushed)."""
    machine.check(record.status, to_status)
    event.from_status, event.to_status = record.status, to_status
    record.status = to_status
    record.events.append(event)
    db.session.flush()
    return event
