"""The periodic-task registry: a registered function runs from the consumers' schedule, once per scheduled minute
even when several consumers enqueue it (a key in the queue's own storage), inside an application context."""
from __future__ import annotations

from datetime import datetime, timezone

from huey import SqliteHuey

from purchasing.jobs import crontab, register_periodic
from purchasing.jobs import queue


def test_a_registered_periodic_task_runs_once_per_scheduled_minute(app, tmp_path):
    calls = []

    def digest():
        from flask import current_app

        calls.append(current_app.name)

    # two consumers' queues sharing one storage file, as two hosts share one Redis
    first = SqliteHuey("periodic-test", filename=str(tmp_path / "queue.sqlite3"), results=False)
    second = SqliteHuey("periodic-test", filename=str(tmp_path / "queue.sqlite3"), results=False)
    queue._INSTANCES.extend([(app, first), (app, second)])
    try:
        register_periodic("test_digest", crontab(minute="*"), digest)
    finally:
        del queue._INSTANCES[-2:]
        queue._PERIODIC.pop("test_digest")
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    for huey in (first, second):
        due = [task for task in huey.read_periodic(now) if task.name == "periodic:test_digest"]
        assert len(due) == 1
        huey.execute(due[0])
    assert calls == ["purchasing"]


def test_the_stale_job_sweeper_is_registered_on_every_queue(app):
    huey = queue.get_huey(app)
    assert any(task.name == "periodic:requeue_stale_jobs"
               for task in huey.read_periodic(datetime(2026, 1, 1, 0, 10)))
