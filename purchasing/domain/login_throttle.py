"""Login throttling rules: an increasing delay per email, a hard lock per (email, client address).

Pure functions over plain values (the counters live in ``accounts.models``; ``accounts.services`` applies
these rules to the locked rows). Why two levels: a hard lock per email lets anyone lock anyone out; a lock
per (email, address) only stops the address that keeps failing, while the delay per email, growing with
the failures from every address, keeps guessing from many addresses slow.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class ThrottlePolicy:
    #: failures in a row for one email before its attempts are delayed (and, from one address, locked)
    max_failures: int = 5
    #: the first delay; it doubles with each further failure
    base_delay: timedelta = timedelta(seconds=2)
    #: the longest delay between two attempts for one email
    max_delay: timedelta = timedelta(minutes=5)
    #: how long an (email, address) pair is locked after max_failures failures from that address
    address_lock: timedelta = timedelta(minutes=15)
    #: failures older than this are forgotten (the count starts again)
    failure_memory: timedelta = timedelta(hours=24)


def email_delay(failures: int, policy: ThrottlePolicy) -> timedelta:
    """How long the next attempt for an email waits after its ``failures``-th failure in a row.

    Nothing below ``max_failures``; then ``base_delay`` doubling with each failure, at most ``max_delay``.
    """
    if failures < policy.max_failures:
        return timedelta(0)
    exponent = min(failures - policy.max_failures, 30)  # 2**30 × 2 s is far beyond any max_delay
    return min(policy.base_delay * (2 ** exponent), policy.max_delay)


def address_locked_until(failures: int, now: datetime, policy: ThrottlePolicy) -> datetime | None:
    """The end of the (email, address) lock after the ``failures``-th failure from that address, or None."""
    if failures >= policy.max_failures:
        return now + policy.address_lock
    return None


def wait_before_attempt(delayed_until: datetime | None, locked_until: datetime | None,
                        now: datetime) -> timedelta:
    """How long an attempt must still wait (zero: it may be checked)."""
    ends = [end for end in (delayed_until, locked_until) if end is not None and end > now]
    return max(ends) - now if ends else timedelta(0)
