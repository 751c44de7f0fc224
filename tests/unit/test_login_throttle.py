"""The throttling rules as pure functions."""
from datetime import datetime, timedelta, timezone

from purchasing.domain.login_throttle import (
    ThrottlePolicy, address_locked_until, email_delay, wait_before_attempt,
)

POLICY = ThrottlePolicy(max_failures=5, base_delay=timedelta(seconds=2), max_delay=timedelta(seconds=60),
                        address_lock=timedelta(minutes=15))
NOW = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)


def test_no_delay_before_the_limit_then_doubling_up_to_the_maximum():
    assert [email_delay(n, POLICY).total_seconds() for n in range(1, 12)] == [
        0, 0, 0, 0, 2, 4, 8, 16, 32, 60, 60]
    assert email_delay(10_000, POLICY) == timedelta(seconds=60)


def test_the_address_is_locked_at_the_limit():
    assert address_locked_until(4, NOW, POLICY) is None
    assert address_locked_until(5, NOW, POLICY) == NOW + timedelta(minutes=15)


def test_the_longest_wait_wins_and_past_ends_do_not_count():
    assert wait_before_attempt(None, None, NOW) == timedelta(0)
    assert wait_before_attempt(NOW - timedelta(seconds=5), None, NOW) == timedelta(0)
    assert wait_before_attempt(NOW + timedelta(seconds=3), NOW + timedelta(minutes=2), NOW) == timedelta(minutes=2)
    assert wait_before_attempt(NOW + timedelta(seconds=3), NOW - timedelta(minutes=2), NOW) == timedelta(seconds=3)


def test_an_attempt_exactly_at_the_end_of_its_wait_may_be_checked():
    assert wait_before_attempt(NOW, None, NOW) == timedelta(0)
    assert wait_before_attempt(None, NOW, NOW) == timedelta(0)
    assert wait_before_attempt(NOW, NOW + timedelta(microseconds=1), NOW) == timedelta(microseconds=1)
