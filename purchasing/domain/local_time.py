"""Times as people type and read them (pure domain code, standard library only): Europe/Paris (the users' legal time), stored as UTC.

A time typed in a form (``<input type="datetime-local">`` has no zone) is Paris time. Twice a year the clock
moves: on the last Sunday of March 02:00–02:59 does not exist (refused, with the reason), and on the last
Sunday of October 02:00–02:59 happens twice (the first one, summer time, is taken: ``fold=0``).
"""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


class NonexistentLocalTime(ValueError):
    """The typed time is skipped when clocks go forward."""


def paris_to_utc(local: datetime) -> datetime:
    """A naive Paris wall-clock time as an aware UTC datetime (refuses a time skipped by the change to summer time)."""
    if local.tzinfo is not None:
        return local.astimezone(timezone.utc)
    aware = local.replace(tzinfo=PARIS)
    utc = aware.astimezone(timezone.utc)
    if utc.astimezone(PARIS).replace(tzinfo=None) != local:
        raise NonexistentLocalTime(f"{local:%d/%m/%Y %H:%M} n'existe pas à Paris (passage à l'heure d'été).")
    return utc


def utc_to_paris(moment: datetime) -> datetime:
    """An aware (or naive UTC) datetime as a naive Paris wall-clock time, for a form field."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(PARIS).replace(tzinfo=None)


def paris_text(moment: datetime, fmt: str = "%d/%m/%Y %H:%M") -> str:
    """"10/01/2027 12:00" in Paris time, for messages."""
    return utc_to_paris(moment).strftime(fmt)
