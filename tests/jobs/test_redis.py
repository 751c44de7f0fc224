"""The queue on Redis with TWO real consumer processes (``flask worker``), as a production installation runs it:
two jobs of two members run at once, one on each consumer, and a job is never run twice — not when its message
is delivered again, not when the same import is started again.

Runs when TEST_REDIS_URL is set (e.g. redis://127.0.0.1:6379/1; `.ci/run` sets it); with CI set, an unreachable
Redis is a failure, never a skip. The application's database is a SQLite file of the test's own (WAL mode)."""
from __future__ import annotations

import os
import time

import pytest

from tests.jobs.live import inventory_csv, live_site

REDIS_URL = os.environ.get("TEST_REDIS_URL")

pytestmark = pytest.mark.redis


@pytest.fixture(scope="module")
def redis_url():
    if not REDIS_URL:
        if os.environ.get("CI"):
            pytest.fail("TEST_REDIS_URL is required in CI (Redis at 127.0.0.1:6379)")
        pytest.skip("needs Redis: set TEST_REDIS_URL=redis://127.0.0.1:6379/<db>")
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=5)
    try:
        client.ping()
    except redis.RedisError as error:
        if os.environ.get("CI"):
            pytest.fail(f"Redis unreachable at {REDIS_URL}: {error}")
        pytest.skip(f"Redis unreachable at {REDIS_URL}: {error}")
    finally:
        client.close()  # its socket closed here, not left to the garbage collector (a ResourceWarning)
    return REDIS_URL


def test_two_consumers_run_two_members_jobs_at_once_and_never_one_job_twice(redis_url, tmp_path):
    from sqlalchemy import select

    from purchasing.accounts.models import User
    from purchasing.extensions import db
    from purchasing.jobs import enqueue
    from purchasing.jobs.kinds import start_inventory_import

    with live_site(tmp_path, redis_url=redis_url) as site:
        ids = site.seed()
        first, second = site.start_worker(name="consumer"), site.start_worker(name="consumer")
        time.sleep(4)  # both consumers started and waiting on Redis
        assert first.poll() is None and second.poll() is None, site.logs()
        # big enough that both run at once whatever the machine's load (8,000 rows now import in about a second)
        files = {"a": inventory_csv(30_000, "RA"), "b": inventory_csv(30_000, "RB")}
        with site.app.app_context():
            jobs = {}
            for key in ("a", "b"):
                user = db.session.scalar(select(User).where(User.email == f"secretaire@{key}.live"))
                jobs[key] = start_inventory_import(user, ids[f"member_{key}"], f"{key}.csv", files[key],
                                                   dry_run=False, rows=30_000).id
            db.session.commit()  # both queued on Redis at commit
            # the same messages delivered again, and the same import started again: nothing runs twice
            for job_id in jobs.values():
                enqueue(job_id)
            user = db.session.scalar(select(User).where(User.email == "secretaire@a.live"))
            again = start_inventory_import(user, ids["member_a"], "a.csv", files["a"], dry_run=False)
            db.session.commit()
            assert again.id == jobs["a"]

        done = {key: site.wait_for(job_id) for key, job_id in jobs.items()}
        assert all(job.status == "done" for job in done.values()), [(j.status, j.error) for j in done.values()]
        # at once: each started before the other finished (each consumer runs one job at a time: --workers 1)
        a, b = done["a"], done["b"]
        assert a.started_dt < b.finished_dt and b.started_dt < a.finished_dt, (a.started_dt, a.finished_dt,
                                                                               b.started_dt, b.finished_dt,
                                                                               site.logs())
        time.sleep(3)  # let the duplicate messages be consumed
        assert [site.job(job_id).attempts for job_id in jobs.values()] == [1, 1], site.logs()
        assert site.asset_count(ids["member_a"]) == 30_000 and site.asset_count(ids["member_b"]) == 30_000
        logs = site.logs()
        assert logs.count("not run: it is running elsewhere, finished or unknown") >= 2, logs
        # both consumers worked: each log shows a job executed
        per_consumer = [p.read_text() for p in sorted(tmp_path.glob("consumer-*.log"))]
        assert all("run_job" in text and "executed in" in text for text in per_consumer), logs


def test_a_20000_row_import_from_the_page_on_redis_with_two_consumers(redis_url, tmp_path):
    from tests.jobs.test_consumer import check_page_import_shows_progress_then_its_result

    with live_site(tmp_path, redis_url=redis_url) as site:
        site.ids = site.seed()
        first, second = site.start_worker(name="consumer"), site.start_worker(name="consumer")
        time.sleep(4)  # both consumers started and waiting on Redis
        assert first.poll() is None and second.poll() is None, site.logs()
        check_page_import_shows_progress_then_its_result(site)


def test_a_periodic_task_runs_once_per_minute_across_two_consumers_on_redis(redis_url, app):
    import uuid
    from datetime import datetime, timezone

    from huey import RedisHuey

    from purchasing.jobs import crontab, queue, register_periodic

    calls = []
    name = f"parc-test-{uuid.uuid4().hex[:8]}"
    first, second = RedisHuey(name, url=redis_url, results=False), RedisHuey(name, url=redis_url, results=False)
    queue._INSTANCES.extend([(app, first), (app, second)])
    try:
        register_periodic("test_redis_digest", crontab(minute="*"), lambda: calls.append(1))
    finally:
        del queue._INSTANCES[-2:]
        queue._PERIODIC.pop("test_redis_digest")
    try:
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        for huey in (first, second):
            (task,) = [t for t in huey.read_periodic(now) if t.name == "periodic:test_redis_digest"]
            huey.execute(task)
        assert calls == [1]
    finally:
        first.flush()
        for huey in (first, second):
            huey.storage.pool.disconnect()  # the test's own queues: their sockets closed, not garbage-collected
