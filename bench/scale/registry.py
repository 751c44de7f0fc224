"""The registry of bench measures.

A measure is a small function pair, run by ``bench/national.py`` on each database it is asked for:

    from bench.scale.registry import register

    @register("staff inventory page 1, 1M / 10k (web)", target=1.5)
    def inventory_page_1(bench):
        return bench.get_time("/lifecycle/assets"), bench.get_time("/lifecycle/assets", small=True)

or, with two separate functions::

    register("...", target=2.0, measure=lambda bench: ..., floor=lambda bench: ...)

``measure(bench)`` and ``floor(bench)`` each return a number (seconds by default, see ``unit``) measured in the
same run on the same data; the decorated form returns both ``(measured, floor)`` when the two share work.
``compare="max"`` means measured / floor must be ≤ target (a time ratio); ``compare="min"`` means ≥ target (a
throughput share, e.g. req/s ≥ 50 % of the floor's). ``compare="abs"`` compares ``measured`` itself with the
target (e.g. peak RSS < 300 MB): the floor is then informative (may return ``None``).
``databases`` limits a measure to some dialects ("postgresql", "sqlite").
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Number = float | int | None


@dataclass(frozen=True)
class Measure:
    name: str
    target: float
    measure: Callable[[Any], Number] | None = None
    floor: Callable[[Any], Number] | None = None
    #: measure() and floor() at once: returns (measured, floor)
    both: Callable[[Any], tuple[Number, Number]] | None = None
    compare: str = "max"
    unit: str = "s"
    databases: tuple[str, ...] = ("postgresql", "sqlite")
    #: the module that registered it (the table groups by owner)
    owner: str = ""
    notes: str = ""
    extra: dict = field(default_factory=dict)

    def run(self, bench) -> tuple[Number, Number]:
        if self.both is not None:
            return self.both(bench)
        measured = self.measure(bench) if self.measure else None
        floor = self.floor(bench) if self.floor else None
        return measured, floor

    def verdict(self, measured: Number, floor: Number) -> tuple[float | None, bool | None]:
        """(ratio, ok) for the table."""
        if measured is None:
            return None, None
        if self.compare == "abs":
            return None, measured <= self.target
        if not floor:
            return None, None
        ratio = measured / floor
        return ratio, (ratio <= self.target if self.compare == "max" else ratio >= self.target)


MEASURES: list[Measure] = []


def register(name: str, target: float, *, measure=None, floor=None, compare: str = "max", unit: str = "s",
             databases: tuple[str, ...] = ("postgresql", "sqlite"), notes: str = ""):
    """Register a measure; with neither ``measure`` nor ``floor``, decorates a function returning both."""
    if compare not in {"max", "min", "abs"}:
        raise ValueError(f"compare must be max, min or abs, not {compare!r}")

    def add(both=None):
        owner = (both or measure or floor).__module__.rsplit(".", 1)[-1]
        if any(m.name == name for m in MEASURES):
            raise ValueError(f"measure {name!r} registered twice")
        MEASURES.append(Measure(name=name, target=target, measure=measure, floor=floor, both=both,
                                compare=compare, unit=unit, databases=databases, owner=owner, notes=notes))
        return both

    if measure is not None or floor is not None:
        add()
        return None
    return add
