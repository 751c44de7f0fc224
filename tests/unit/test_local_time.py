"""Paris wall-clock times to UTC and back (purchasing/timezones.py), around both clock changes."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from purchasing.domain.local_time import NonexistentLocalTime, paris_text, paris_to_utc, utc_to_paris

UTC = timezone.utc


@pytest.mark.parametrize(("local", "utc"), [
    (datetime(2027, 1, 10, 12, 0), datetime(2027, 1, 10, 11, 0, tzinfo=UTC)),      # winter: UTC+1
    (datetime(2027, 7, 10, 12, 0), datetime(2027, 7, 10, 10, 0, tzinfo=UTC)),      # summer: UTC+2
    (datetime(2027, 3, 28, 1, 59), datetime(2027, 3, 28, 0, 59, tzinfo=UTC)),      # last minute of winter time
    (datetime(2027, 3, 28, 3, 0), datetime(2027, 3, 28, 1, 0, tzinfo=UTC)),        # first minute of summer time
    (datetime(2026, 10, 25, 2, 30), datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),    # twice: the first (summer)
    (datetime(2026, 10, 25, 3, 0), datetime(2026, 10, 25, 2, 0, tzinfo=UTC)),
])
def test_paris_to_utc(local, utc):
    assert paris_to_utc(local) == utc
    assert utc_to_paris(utc) == local


@pytest.mark.parametrize("local", [datetime(2027, 3, 28, 2, 0), datetime(2027, 3, 28, 2, 59)])
def test_times_skipped_in_spring_are_refused(local):
    with pytest.raises(NonexistentLocalTime):
        paris_to_utc(local)


def test_aware_and_naive_utc_inputs():
    moment = datetime(2027, 1, 10, 11, 0, tzinfo=UTC)
    assert paris_to_utc(moment) == moment
    assert utc_to_paris(datetime(2027, 1, 10, 11, 0)) == datetime(2027, 1, 10, 12, 0)
    assert paris_text(moment) == "10/01/2027 12:00"


def test_the_machines_own_zone_never_leaks_in(monkeypatch):
    import time

    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        assert paris_to_utc(datetime(2027, 1, 10, 12, 0)).utcoffset().total_seconds() == 0
        assert paris_to_utc(datetime(2027, 1, 10, 12, 0)) == datetime(2027, 1, 10, 11, 0, tzinfo=UTC)
        assert paris_to_utc(datetime(2027, 1, 10, 12, 0, tzinfo=UTC)).tzinfo == UTC
        assert utc_to_paris(datetime(2027, 1, 10, 11, 0)) == datetime(2027, 1, 10, 12, 0)   # naive means UTC
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_an_aware_time_in_another_zone_keeps_its_instant():
    from datetime import timedelta

    summer = timezone(timedelta(hours=2))
    assert utc_to_paris(datetime(2027, 7, 10, 12, 0, tzinfo=summer)) == datetime(2027, 7, 10, 12, 0)
