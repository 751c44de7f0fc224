"""The donor's delay to decline a claim (lifecycle/domain/pool.py): its boundaries, by hand."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from lifecycle.domain import pool

CLAIM = datetime(2026, 12, 1, 9, 30, tzinfo=timezone.utc)


def test_the_delay_is_seven_calendar_days():
    assert pool.DECLINE_DAYS == 7
    assert pool.decline_deadline(CLAIM) == datetime(2026, 12, 8, 9, 30, tzinfo=timezone.utc)


def test_a_configured_delay_and_zero():
    assert pool.decline_deadline(CLAIM, 3) == datetime(2026, 12, 4, 9, 30, tzinfo=timezone.utc)
    assert pool.decline_deadline(CLAIM, 0) == CLAIM  # no right to decline: confirmed at the next run
    with pytest.raises(ValueError):
        pool.decline_deadline(CLAIM, -1)


def test_declining_ends_exactly_at_the_deadline_when_the_gift_becomes_due():
    deadline = pool.decline_deadline(CLAIM)
    just_before = deadline - timedelta(microseconds=1)
    assert pool.can_decline(just_before, deadline) and not pool.is_due(just_before, deadline)
    assert not pool.can_decline(deadline, deadline) and pool.is_due(deadline, deadline)
    assert not pool.can_decline(deadline + timedelta(seconds=1), deadline)
    assert pool.can_decline(CLAIM, deadline)
