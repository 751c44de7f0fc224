"""The donor's right to decline a claim of its reuse-pool offer (pure: no Flask, no database).

The rule is the syndicate's (no legal text sets it; decided for the personas' Mondays, decisions.md: "the donor's
right to decline is a pool state"):
- a claim **reserves** the item for the claimant member; the item leaves the pool list, nobody else can claim it;
- the donor member is told at once and has ``DECLINE_DAYS`` calendar days to decline, with a reason (the item was
  promised to a local association, it is needed again…), or confirms the gift at once;
- without an answer when the delay ends, the gift is confirmed: the item moves to the claimant's inventory;
- a declined claim puts the item back in the pool; the declined member cannot claim that offer again.

Seven calendar days, not five working days: a part-time secretary of a small commune may work one or two days a
week, so a week is the shortest delay that always contains one of her working days.
"""
from __future__ import annotations

from datetime import datetime, timedelta

#: the donor's delay to decline a claim, in calendar days (the syndicate's rule, see above)
DECLINE_DAYS = 7


def decline_deadline(reserved_at: datetime, days: int = DECLINE_DAYS) -> datetime:
    """The instant the donor's right to decline ends: ``days`` × 24 hours after the claim."""
    if days < 0:
        raise ValueError("the decline delay cannot be negative")
    return reserved_at + timedelta(days=days)


def can_decline(now: datetime, deadline: datetime) -> bool:
    """The donor may still decline: strictly before the deadline (at the deadline the gift is confirmed)."""
    return now < deadline


def is_due(now: datetime, deadline: datetime) -> bool:
    """The reservation is confirmed automatically: from the deadline on."""
    return not can_decline(now, deadline)
