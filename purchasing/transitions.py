"""The shared step of every audited status change: check the machine, set the status conditionally, record the event.

Every area's service (orders, purchase orders, campaigns and their commitments, tenders and lots, assets,
pool listings, physical audits) calls :func:`apply_transition`; area-specific rules stay in that service.

One winner per status change: the status is written with ``UPDATE … SET status = :to WHERE id = :id AND
status = :from`` and the row count checked. On PostgreSQL a concurrent second request waits for the first
one's row lock, then finds the status changed (0 rows) and loses with :class:`StatusChanged` (409) before it
writes anything: its event and notifications are only added after the UPDATE succeeded, in the same
transaction, and the view rolls the whole transaction back. On SQLite writers are serialised by the database
lock, and a status read earlier (stale in memory) loses the same way.

:func:`lock_for_update` is for a service that must read other rows consistently before deciding (closing a
campaign totals its commitments; a delivery adds to delivered quantities): it takes the row lock first
(``SELECT … FOR UPDATE`` on PostgreSQL) and refuses a status that changed since it was read.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from purchasing.domain.errors import N_, ConflictError, Term
from purchasing.domain.states import StateMachine
from purchasing.extensions import db


class StatusChanged(ConflictError):
    """Another request changed the record's status between this request's read and its write (lost race)."""

    code = "status_changed"
    default_message = N_("L'élément a déjà changé de statut : rechargez la page.")


def status_changed(machine: StateMachine, expected: str, current: str | None) -> StatusChanged:
    """The 409 of a lost race, naming the status now in force in French."""
    if current is None:
        message = N_("%(subject)s n'existe plus : rechargez la page.")
    else:
        message = N_("%(subject)s a déjà changé de statut (statut actuel : « %(status)s ») : rechargez la page.")
    return StatusChanged(message, params={"subject": Term(machine.subject_fr),
                                          "status": machine.term(current) if current else ""}, details={"machine": machine.name, "expected": expected, "current": current})


#: model -> callbacks ``(record, from_status, to_status)`` run after a transition's UPDATE succeeded, in its
#: transaction (a column kept from the status, e.g. the "to place" marker of order lines)
_OBSERVERS: dict[type, list[Callable[[Any, str, str], None]]] = {}


def observe(model: type, callback: Callable[[Any, str, str], None]) -> None:
    """Run ``callback(record, from_status, to_status)`` after every transition of a ``model`` record."""
    _OBSERVERS.setdefault(model, []).append(callback)


def _current_status(model, record_id) -> str | None:
    return db.session.execute(select(model.status).where(model.id == record_id)).scalar_one_or_none()


def apply_transition(machine: StateMachine, record: Any, to_status: str, event: Any = None, *,
                     values: dict[str, Any] | None = None,
                     conflict: Callable[[str | None], ConflictError] | None = None) -> Any:
    """Move ``record`` to ``to_status`` if ``machine`` allows it and nobody changed it meanwhile.

    ``event`` (an audit row with ``from_status``/``to_status``) is completed and added only once the
    conditional UPDATE changed exactly one row; ``values`` are other columns written by the same UPDATE
    (e.g. a decision date). A lost race raises ``conflict(current_status)`` if given, else
    :class:`StatusChanged`. Returns ``event`` (flushed).
    """
    from_status = record.status
    machine.check(from_status, to_status)
    model = type(record)
    db.session.flush()  # the record's other pending changes go first (and take the row lock on PostgreSQL)
    columns = dict(values or {})
    result = db.session.execute(
        update(model).where(model.id == record.id, model.status == from_status)
        .values(status=to_status, **columns).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        current = _current_status(model, record.id)
        raise conflict(current) if conflict else status_changed(machine, from_status, current)
    set_committed_value(record, "status", to_status)
    for name, value in columns.items():
        set_committed_value(record, name, value)
    for callback in _OBSERVERS.get(model, ()):
        callback(record, from_status, to_status)
    if event is not None:
        event.from_status, event.to_status = from_status, to_status
        events = getattr(record, "events", None)
        if isinstance(events, list):
            events.append(event)
        else:
            db.session.add(event)
    db.session.flush()
    return event


def lock_for_update(machine: StateMachine, record: Any, *, read: bool = False) -> None:
    """Lock ``record``'s row until the end of the transaction (``FOR UPDATE``, or ``FOR SHARE`` with ``read``).

    Refuses with :class:`StatusChanged` when the status in the database is no longer the one in memory (the
    request decided on a stale read). SQLite has no row locks: the query is a plain read there.
    """
    model = type(record)
    current = db.session.execute(select(model.status).where(model.id == record.id)
                                 .with_for_update(read=read)).scalar_one_or_none()
    if current != record.status:
        raise status_changed(machine, record.status, current)
